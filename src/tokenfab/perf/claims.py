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

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import field_validator

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.catalog.schema import Accelerator, check_precision
from tokenfab.claims import Claim, Comparison, Finding, Verdict, check, claims_from
from tokenfab.errors import InfeasibleError, TokenfabError
from tokenfab.perf.inputs import MAX_COUNT, PREDICT_INPUTS, predict_kwargs
from tokenfab.perf.serving import Prediction, predict
from tokenfab.scenario import load_section, load_toml, register_section, scenario_meta

__all__ = ["PredictSection", "Decomposition", "Step", "compare", "run_scenario",
           "ratio_claim", "combine_verdicts", "resolve_inputs"]

#: the largest ``claimed_ratio`` a scenario may state: vendor claims between generations are
#: 1.5-50x (NVIDIA's GB200 NVL72 "30x"); 10,000x is beyond any and a typo of units
MAX_CLAIMED_RATIO = 1e4

#: the quantity a ``claimed_ratio`` grades (a key of :meth:`Decomposition.to_dict`)
RATIO_QUANTITY = "ratio_per_accelerator"


@register_section("predict")
class PredictSection(PREDICT_INPUTS.section_model(name="PredictInputs")):  # type: ignore[misc]
    """``[predict]``: one prediction, or a comparison against ``baseline_hardware``.

    The numeric inputs (request shape, latency limits, prefix-cache share) are generated from
    :data:`tokenfab.perf.inputs.PREDICT_INPUTS`; the fields below are ids and choices.
    """

    model: str
    hardware: str
    precision: str = "fp8"
    count: int | None = None
    disaggregated: bool | None = None
    software_date: str | None = None
    baseline_hardware: str | None = None
    baseline_precision: str = "fp8"
    baseline_count: int | None = None
    claimed_ratio: float | None = None

    @field_validator("precision", "baseline_precision")
    @classmethod
    def _prec(cls, v: str) -> str:
        return check_precision(v)

    @field_validator("baseline_hardware")
    @classmethod
    def _base_hw(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():  # '' would silently compare the system with itself
            raise ValueError("must be a catalog accelerator id ('tokenfab catalog hardware' "
                             "lists them), not empty; leave it out for no baseline")
        return v

    @field_validator("claimed_ratio")
    @classmethod
    def _ratio(cls, v: float | None) -> float | None:
        if v is not None and not (math.isfinite(v) and 0 < v <= MAX_CLAIMED_RATIO):
            raise ValueError(f"must be a finite ratio > 0 and <= {MAX_CLAIMED_RATIO:g} "
                             f"(published generation-on-generation claims are 1.5-50x); "
                             f"got {v!r}")
        return v

    @field_validator("count", "baseline_count")
    @classmethod
    def _count(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= MAX_COUNT:
            raise ValueError(f"must be a whole number of accelerators from 1 to {MAX_COUNT:,}, "
                             f"got {v}")
        return v

    @field_validator("software_date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from tokenfab.perf.era import parse_date

        parse_date(v, field="software_date")
        return v


def resolve_inputs(sec: Any, catalog: Catalog | None = None) -> dict[str, Any]:
    """The section's numeric inputs with every default filled in (SI floats or None)."""
    given = {n: getattr(sec, n, None) for n in PREDICT_INPUTS.names}
    res = PREDICT_INPUTS.resolve(given, catalog)
    return predict_kwargs(dict(res.values))


def _limits(sec: PredictSection, catalog: Catalog | None = None) -> dict[str, Any]:
    kw = resolve_inputs(sec, catalog)
    kw["software_date"] = sec.software_date
    return kw


def _per_acc(p: Prediction | None) -> float:
    return 0.0 if p is None else p.output_tokens_per_s_per_accelerator


def _try(**kw: Any) -> Prediction | None:
    try:
        return predict(**kw)
    except InfeasibleError:
        return None


@dataclass(frozen=True)
class Step:
    """One bar of the waterfall (or one factor removed)."""

    name: str
    output_tokens_per_s_per_accelerator: float
    factor: float
    cumulative: float | None = None
    config: dict[str, Any] | None = None
    note: str = ""


@dataclass(frozen=True)
class Decomposition:
    """Full vs baseline prediction, the ratio per accelerator, its decomposition and the
    finding on the claimed ratio (:func:`tokenfab.claims.check`)."""

    prediction: Prediction
    baseline: Prediction
    ratio_per_accelerator: float
    claimed_ratio: float | None
    waterfall: tuple[Step, ...]
    one_at_a_time: tuple[Step, ...]
    finding: Finding | None = None
    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def verdict_text(self) -> str:
        claim = self.claimed_ratio
        return (f"The engine gives {self.ratio_per_accelerator:.1f}x per accelerator"
                + (f" against the claimed {claim:g}x." if claim else "."))

    def to_dict(self) -> dict[str, Any]:
        """The JSON keys of ``tokenfab predict SCENARIO --json`` (``finding``: the graded
        claim, None without a ``claimed_ratio``)."""
        wf = [{"step": s.name,
               "output_tokens_per_s_per_accelerator": s.output_tokens_per_s_per_accelerator,
               "factor": s.factor, "cumulative": s.cumulative, "config": s.config}
              for s in self.waterfall]
        one: list[dict[str, Any]] = []
        for s in self.one_at_a_time:
            d: dict[str, Any] = {"without": s.name, "output_tokens_per_s_per_accelerator":
                                 s.output_tokens_per_s_per_accelerator, "factor": s.factor}
            if s.note:
                d["note"] = s.note
            one.append(d)
        return {"prediction": self.prediction.to_dict(), "baseline": self.baseline.to_dict(),
                "ratio_per_accelerator": self.ratio_per_accelerator,
                "claimed_ratio": self.claimed_ratio, "waterfall": wf, "one_at_a_time": one,
                "verdict": self.verdict_text,
                "finding": None if self.finding is None else self.finding.to_dict(),
                "findings": [f.to_dict() for f in self.findings]}

    def to_frame(self) -> pd.DataFrame:
        """The waterfall as a DataFrame (one row per step)."""
        return pd.DataFrame([{"step": s.name, "output_tokens_per_s_per_accelerator":
                              s.output_tokens_per_s_per_accelerator, "factor": s.factor,
                              "cumulative": s.cumulative} for s in self.waterfall])


def ratio_claim(claimed: float, text: str = "", source: str = "") -> Claim:
    """The claim "``hardware`` is ``claimed`` x ``baseline`` per accelerator" (graded by the
    ratio rule of :mod:`tokenfab.claims`: within 1.25x supported, within 2x partly)."""
    return Claim("ratio_per_accelerator", text or f"{claimed:g}x per accelerator",
                 source or "scenario claimed_ratio", RATIO_QUANTITY,
                 Comparison("ratio", target=float(claimed)), "x")


_ORDER = (Verdict.UNAVAILABLE, Verdict.NOT_SUPPORTED, Verdict.PARTLY, Verdict.SUPPORTED)


def combine_verdicts(*verdicts: Verdict, reached_somewhere: bool = False) -> Verdict:
    """A claim that asserts several things holds as well as its weakest part; a claim that is
    not supported at the stated point but reached elsewhere on the frontier is partly
    supported (it holds at one operating point, not in general).

    >>> combine_verdicts(Verdict.SUPPORTED, Verdict.PARTLY).value
    'partly supported'
    >>> combine_verdicts(Verdict.NOT_SUPPORTED, reached_somewhere=True).value
    'partly supported'
    """
    known = [v for v in verdicts if v is not Verdict.UNAVAILABLE]
    if not known:
        return Verdict.UNAVAILABLE
    worst = min(known, key=_ORDER.index)
    if worst is Verdict.NOT_SUPPORTED and reached_somewhere:
        return Verdict.PARTLY
    return worst


def _lookup(result: dict[str, Any], key: str) -> float | None:
    cur: Any = result
    for part in key.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    try:
        v = float(cur)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def grade(result: dict[str, Any], claims: list[Claim]) -> list[Finding]:
    """Grade ``[[claims]]`` against a result dict (``quantity`` = a key, dotted for nested
    keys, e.g. ``prediction.output_tokens_per_s_per_accelerator``)."""
    out = []
    for c in claims:
        v = _lookup(result, c.quantity)
        out.append(check(c, v, headline="" if v is not None else
                         f"the run has no quantity '{c.quantity}'"))
    return out


def compare(sec: PredictSection, catalog: Catalog | None = None, *,
            claim: Claim | None = None) -> Decomposition:
    """Full vs baseline prediction, the ratio per accelerator and its decomposition.

    Parameters
    ----------
    sec : PredictSection
        The ``[predict]`` section (with ``baseline_hardware``).
    catalog : Catalog, optional
        Catalog for ids and defaults.
    claim : Claim, optional
        The claim the ratio is graded against (default: :func:`ratio_claim` of
        ``claimed_ratio`` when given).

    Returns
    -------
    Decomposition
        The two predictions, the ratio, the waterfall (factors multiply to the total), one
        factor removed at a time, and the :class:`~tokenfab.claims.Finding`.
    """
    cat = catalog or load_catalog()
    m = cat.model(sec.model, field="predict.model")
    hw = cat.hardware(sec.hardware, field="predict.hardware")
    base_hw = cat.hardware(sec.baseline_hardware or sec.hardware,
                           field="predict.baseline_hardware" if sec.baseline_hardware
                           else "predict.hardware")
    lim = _limits(sec, cat)
    full = predict(m, hw, sec.count, precision=sec.precision, disaggregated=sec.disaggregated,
                   catalog=cat, **lim)
    try:
        base = predict(m, base_hw, sec.baseline_count, precision=sec.baseline_precision,
                       disaggregated=sec.disaggregated, catalog=cat, **lim)
    except TokenfabError as e:  # the engine's 'count' is the section's baseline_count here
        if e.field == "count" and sec.baseline_count is not None:
            raise e.with_field("predict.baseline_count") from None
        raise
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
        waterfall.append(Step(name, x, x / prev if prev > 0 else 0.0,
                              x / b0 if b0 > 0 else 0.0, None if p is None else p.config))
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
    one = []
    for n, p in without:
        x = _per_acc(p)
        if x > 0:
            one.append(Step(n, x, x_full / x))
        else:
            one.append(Step(n, x, 0.0, note="infeasible without this factor"))
    ratio = x_full / b0
    if claim is None and sec.claimed_ratio:
        claim = ratio_claim(sec.claimed_ratio)
    finding = None
    if claim is not None:
        finding = check(claim, ratio, headline=(
            f"the engine gives {ratio:.1f}x per accelerator ({hw.id} {sec.precision} vs "
            f"{base_hw.id} {sec.baseline_precision})"),
            details=[f"{s.name}: x{s.factor:.3g} (cumulative {s.cumulative:.3g}x)"
                     for s in waterfall[1:]],
            numbers={"ratio_per_accelerator": ratio,
                     "tokens_per_s_per_mw_ratio": full.tokens_per_s_per_mw
                     / base.tokens_per_s_per_mw})
    return Decomposition(full, base, ratio, sec.claimed_ratio, tuple(waterfall), tuple(one),
                         finding)


def run_scenario(path: str | Path, catalog: Catalog | None = None) -> dict[str, Any]:
    """Run a scenario file's ``[predict]`` section (with a comparison when it has a baseline).

    The claimed ratio (``claimed_ratio``, with the file's ``claim`` sentence as its text) and
    any ``[[claims]]`` tables are graded with :func:`tokenfab.claims.check`; the result holds
    their findings (``finding``, ``findings``).
    """
    sec = load_section(path, "predict", PredictSection)
    meta = scenario_meta(path)
    cat = catalog or load_catalog()
    out: dict[str, Any] = {"title": meta.get("title", ""), "claim": meta.get("claim", ""),
                           "scenario": str(path)}
    extra = claims_from(load_toml(path), file=str(path))
    if sec.baseline_hardware:
        claim = (ratio_claim(sec.claimed_ratio, meta.get("claim", ""), str(path))
                 if sec.claimed_ratio else None)
        dec = compare(sec, cat, claim=claim)
        out.update(dec.to_dict())
    else:
        p = predict(sec.model, sec.hardware, sec.count, precision=sec.precision,
                    disaggregated=sec.disaggregated, catalog=cat, **_limits(sec, cat))
        out["prediction"] = p.to_dict()
        out["findings"] = []
    if extra:
        out["findings"] = [f.to_dict() for f in grade(out, extra)]
    return out
