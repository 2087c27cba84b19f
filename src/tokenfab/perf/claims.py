"""Scenario runs of the engine, and the decomposition of a system-vs-system claim.

A scenario file's ``[predict]`` section names a model, a system and the service level; with
``baseline_hardware`` it compares two systems per accelerator and explains the ratio:

* a **waterfall** from the baseline to the full configuration, adding one factor at a time
  (newer silicon at the baseline's precision, domain size, serving mode and batch; then the
  low precision; then the large scale-up domain; then disaggregated serving; then the
  batch size freed) - the step factors multiply exactly to the total ratio;
* **one factor removed** from the full configuration at a time (how much each is worth on
  its own; these do not multiply to the total because the factors interact).

Used for NVIDIA's "GB200 NVL72 ~30x H100 per GPU" claim on GPT-MoE-1.8T
(``scenarios/interview/blackwell_30x.toml``). Nothing is forced to the claimed value.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import field_validator

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.catalog.schema import Accelerator, check_precision
from tokenfab.errors import InfeasibleError
from tokenfab.perf.serving import Prediction, predict
from tokenfab.scenario import Quantity, ScenarioSection, register_section

__all__ = ["PredictSection", "compare", "run_scenario"]


@register_section("predict")
class PredictSection(ScenarioSection):
    """``[predict]``: one prediction, or a comparison against ``baseline_hardware``."""

    model: str
    hardware: str
    precision: str = "fp8"
    count: int | None = None
    input_tokens: Quantity("tokens", gt=0) = 1024.0  # type: ignore[valid-type]
    output_tokens: Quantity("tokens", gt=0) = 1024.0  # type: ignore[valid-type]
    ttft_max_s: Quantity("time", gt=0) | None = None  # type: ignore[valid-type]
    tpot_max_s: Quantity("time", gt=0) | None = None  # type: ignore[valid-type]
    interactivity_min: Quantity("token_rate", gt=0) | None = None  # type: ignore[valid-type]
    disaggregated: bool | None = None
    input_p99_over_mean: float | None = None
    baseline_hardware: str | None = None
    baseline_precision: str = "fp8"
    baseline_count: int | None = None
    claimed_ratio: float | None = None

    @field_validator("precision", "baseline_precision")
    @classmethod
    def _prec(cls, v: str) -> str:
        return check_precision(v)

    @field_validator("count", "baseline_count")
    @classmethod
    def _count(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError(f"must be >= 1, got {v}")
        return v


def _limits(sec: PredictSection) -> dict[str, Any]:
    return dict(input_tokens=sec.input_tokens, output_tokens=sec.output_tokens,
                ttft_max_s=sec.ttft_max_s, tpot_max_s=sec.tpot_max_s,
                interactivity_min=sec.interactivity_min,
                input_p99_over_mean=sec.input_p99_over_mean)


def _per_acc(p: Prediction | None) -> float:
    return 0.0 if p is None else p.output_tokens_per_s_per_accelerator


def _try(**kw: Any) -> Prediction | None:
    try:
        return predict(**kw)
    except InfeasibleError:
        return None


def compare(sec: PredictSection, catalog: Catalog | None = None) -> dict[str, Any]:
    """Full vs baseline prediction, the ratio per accelerator and its decomposition.

    Returns a dict with ``prediction``, ``baseline`` (``Prediction.to_dict()``),
    ``ratio_per_accelerator``, ``waterfall`` (list of steps with ``factor`` and
    ``cumulative``), ``one_at_a_time`` and a ``verdict`` sentence.
    """
    cat = catalog or load_catalog()
    m = cat.model(sec.model)
    hw = cat.hardware(sec.hardware)
    base_hw = cat.hardware(sec.baseline_hardware or sec.hardware)
    lim = _limits(sec)
    full = predict(m, hw, sec.count, precision=sec.precision, disaggregated=sec.disaggregated,
                   catalog=cat, **lim)
    base = predict(m, base_hw, sec.baseline_count, precision=sec.baseline_precision,
                   disaggregated=sec.disaggregated, catalog=cat, **lim)
    base_dom = base_hw.scaleup_domain_size
    small: Accelerator = replace(hw, scaleup_domain_size=min(base_dom, hw.scaleup_domain_size))
    base_batch = base.config["batch"] / (base.config["tp"] * base.config["pp"])
    base_disagg = base.config["disaggregated"]
    steps = [
        (f"baseline: {base_hw.id} {sec.baseline_precision}", base),
        (f"{hw.id} silicon at {sec.baseline_precision}, {base_dom}-GPU domain, baseline serving"
         " mode and batch",
         _try(model=m, hardware=small, count=sec.count, precision=sec.baseline_precision,
              disaggregated=base_disagg, max_batch_per_accelerator=base_batch, catalog=cat,
              **lim)),
        (f"+ {sec.precision}",
         _try(model=m, hardware=small, count=sec.count, precision=sec.precision,
              disaggregated=base_disagg, max_batch_per_accelerator=base_batch, catalog=cat,
              **lim)),
        (f"+ {hw.scaleup_domain_size}-GPU scale-up domain",
         _try(model=m, hardware=hw, count=sec.count, precision=sec.precision,
              disaggregated=base_disagg, max_batch_per_accelerator=base_batch, catalog=cat,
              **lim)),
        ("+ disaggregated prefill/decode (engine's choice)",
         _try(model=m, hardware=hw, count=sec.count, precision=sec.precision,
              disaggregated=sec.disaggregated, max_batch_per_accelerator=base_batch,
              catalog=cat, **lim)),
        ("+ batch size free (full configuration)", full),
    ]
    waterfall = []
    prev = _per_acc(base)
    b0 = prev
    for name, p in steps:
        x = _per_acc(p)
        waterfall.append({"step": name, "output_tokens_per_s_per_accelerator": x,
                          "factor": x / prev if prev > 0 else 0.0,
                          "cumulative": x / b0 if b0 > 0 else 0.0,
                          "config": None if p is None else p.config})
        prev = x if x > 0 else prev
    without = [
        (f"{sec.precision} (use {sec.baseline_precision})",
         _try(model=m, hardware=hw, count=sec.count, precision=sec.baseline_precision,
              disaggregated=sec.disaggregated, catalog=cat, **lim)),
        (f"{hw.scaleup_domain_size}-GPU domain (use {base_dom})",
         _try(model=m, hardware=small, count=sec.count, precision=sec.precision,
              disaggregated=sec.disaggregated, catalog=cat, **lim)),
        ("disaggregation (aggregated only)",
         _try(model=m, hardware=hw, count=sec.count, precision=sec.precision,
              disaggregated=False, catalog=cat, **lim)),
        (f"large batch (cap at baseline's {base_batch:.2g} per accelerator)",
         _try(model=m, hardware=hw, count=sec.count, precision=sec.precision,
              disaggregated=sec.disaggregated, max_batch_per_accelerator=base_batch,
              catalog=cat, **lim)),
    ]
    x_full = _per_acc(full)
    one = [{"without": n, "output_tokens_per_s_per_accelerator": _per_acc(p),
            "factor": x_full / _per_acc(p) if _per_acc(p) > 0 else float("inf")}
           for n, p in without]
    for o in one:
        if o["factor"] == float("inf"):
            o["factor"] = 0.0
            o["note"] = "infeasible without this factor"
    ratio = x_full / b0
    claim = sec.claimed_ratio
    verdict = (f"The engine gives {ratio:.1f}x per accelerator"
               + (f" against the claimed {claim:g}x." if claim else "."))
    return {"prediction": full.to_dict(), "baseline": base.to_dict(),
            "ratio_per_accelerator": ratio, "claimed_ratio": claim,
            "waterfall": waterfall, "one_at_a_time": one, "verdict": verdict}


def run_scenario(path: str | Path, catalog: Catalog | None = None) -> dict[str, Any]:
    """Run a scenario file's ``[predict]`` section (with a comparison when it has a baseline)."""
    from tokenfab.scenario import load_section, scenario_meta

    sec = load_section(path, "predict", PredictSection)
    meta = scenario_meta(path)
    out: dict[str, Any] = {"title": meta.get("title", ""), "claim": meta.get("claim", ""),
                           "scenario": str(path)}
    if sec.baseline_hardware:
        out.update(compare(sec, catalog))
    else:
        p = predict(sec.model, sec.hardware, sec.count, precision=sec.precision,
                    disaggregated=sec.disaggregated, catalog=catalog or load_catalog(),
                    **_limits(sec))
        out["prediction"] = p.to_dict()
    return out
