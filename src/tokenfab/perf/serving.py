"""Public API of the performance engine: :func:`predict` and :func:`pareto`.

Both resolve ids through the catalog, sweep every layout x batch x precision (x aggregated /
disaggregated serving) with :func:`tokenfab.perf.engine.evaluate`, and pick the best point
under the latency limits (``predict``) or the whole tokens/s-per-accelerator vs
tokens/s-per-user frontier (``pareto``). Tokens/s per MW use the catalog's all-in power per
accelerator (host, network, cooling share): ``tok/s/MW = tok/s/acc / allin_power_w * 1e6``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.catalog.schema import PRECISIONS, Accelerator, ModelArch
from tokenfab.errors import InfeasibleError, ManyErrors, TokenfabError
from tokenfab.inputs import RunOptions
from tokenfab.perf.calibration import SERVING, Calibration, calibration_for
from tokenfab.perf.engine import Workload, evaluate, in_flight_context
from tokenfab.perf.era import ERA, EraFit, era_group, format_date, parse_date, speed_range
from tokenfab.perf.inputs import MAX_COUNT, PREDICT_INPUTS
from tokenfab.perf.model_costs import ModelCosts, model_costs
from tokenfab.perf.parallelism import (
    Layouts,
    enumerate_layouts,
    kv_bytes_per_sequence,
    open_count_layouts,
    usable_memory_bytes,
    weight_bytes_per_accelerator,
)
from tokenfab.perf.precision import emulation_note, math_precision

__all__ = ["Prediction", "Frontier", "predict", "pareto", "sweep"]

FRONTIER_COLUMNS = ("interactivity_tokens_per_s_per_user", "output_tokens_per_s_per_accelerator",
                    "tokens_per_s_per_mw", "ttft_s", "tpot_s", "tp", "ep", "pp", "dp", "batch",
                    "precision")


@dataclass(frozen=True)
class Prediction:
    """The best operating point under the constraints.

    Attributes
    ----------
    output_tokens_per_s : float
        Generated tokens/s of the whole deployment.
    output_tokens_per_s_per_accelerator : float
        Generated tokens/s per accelerator (prefill pool included when disaggregated).
    ttft_s, tpot_s : float
        Mean time to first token and mean time per output token [s].
    ttft_p99_s, tpot_p99_s : float
        Modelled p99 values (what the limits are checked against) [s].
    interactivity_tokens_per_s_per_user : float
        ``1 / tpot_s`` [tokens/s].
    tokens_per_s_per_mw : float
        Output tokens/s per MW of all-in power.
    bottleneck : str
        ``compute``, ``memory``, ``communication`` or ``overhead`` (largest term of the
        decode step; ``compute (prefill)`` when prefill takes most of the time).
    memory_bytes : dict
        Per accelerator of the decode replica: ``weights``, ``kv_cache``, ``reserve``,
        ``used``, ``capacity`` [B].
    config : dict
        ``tp``, ``ep``, ``pp``, ``dp``, ``batch`` (concurrent sequences per attention
        replica), ``precision``, ``count``, ``disaggregated``, ``prefill_accelerators``.
    output_tokens_per_s_per_accelerator_p10, output_tokens_per_s_per_accelerator_p90 : float
        80 % prediction interval of the per-accelerator throughput, from the uncertainty of
        the calibration (:func:`tokenfab.perf.era.speed_range`); NaN when not computed.
    output_tokens_per_s_p10, output_tokens_per_s_p90 : float
        The same for the deployment.
    software_date : str
        Software era the prediction represents (``YYYY-MM``; default: the latest supported).
    deployment : dict
        What you would buy and run: ``systems``, ``accelerators`` (bought),
        ``accelerators_used``, ``accelerators_per_system``, ``system`` (catalog id),
        ``decode_replicas``, ``prefill_instances``, ``prefill_accelerators`` (whole
        instances), ``replica_accelerators``.
    """

    output_tokens_per_s: float
    output_tokens_per_s_per_accelerator: float
    ttft_s: float
    tpot_s: float
    ttft_p99_s: float
    tpot_p99_s: float
    interactivity_tokens_per_s_per_user: float
    tokens_per_s_per_mw: float
    bottleneck: str
    memory_bytes: dict[str, float] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    model: str = ""
    hardware: str = ""
    output_tokens_per_s_per_accelerator_p10: float = float("nan")
    output_tokens_per_s_per_accelerator_p90: float = float("nan")
    output_tokens_per_s_p10: float = float("nan")
    output_tokens_per_s_p90: float = float("nan")
    software_date: str = ""
    deployment: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row with the scalar fields (config flattened as ``config_*``)."""
        d = {k: v for k, v in self.to_dict().items()
             if not isinstance(v, dict)}
        d.update({f"config_{k}": v for k, v in self.config.items()})
        d.update({f"deployment_{k}": v for k, v in self.deployment.items()})
        return pd.DataFrame([d])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the keys of the CLI contract."""
        return {
            "model": self.model,
            "hardware": self.hardware,
            "output_tokens_per_s": self.output_tokens_per_s,
            "output_tokens_per_s_per_accelerator": self.output_tokens_per_s_per_accelerator,
            "ttft_s": self.ttft_s,
            "tpot_s": self.tpot_s,
            "ttft_p99_s": self.ttft_p99_s,
            "tpot_p99_s": self.tpot_p99_s,
            "interactivity_tokens_per_s_per_user": self.interactivity_tokens_per_s_per_user,
            "tokens_per_s_per_mw": self.tokens_per_s_per_mw,
            "bottleneck": self.bottleneck,
            "memory_bytes": dict(self.memory_bytes),
            "config": dict(self.config),
            "output_tokens_per_s_per_accelerator_p10":
                _finite_or_none(self.output_tokens_per_s_per_accelerator_p10),
            "output_tokens_per_s_per_accelerator_p90":
                _finite_or_none(self.output_tokens_per_s_per_accelerator_p90),
            "output_tokens_per_s_p10": _finite_or_none(self.output_tokens_per_s_p10),
            "output_tokens_per_s_p90": _finite_or_none(self.output_tokens_per_s_p90),
            "software_date": self.software_date,
            "deployment": dict(self.deployment),
        }


def _finite_or_none(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


@dataclass(frozen=True)
class Frontier:
    """Pareto frontier of tokens/s per accelerator against tokens/s per user.

    ``points`` holds the non-dominated operating points sorted by interactivity (ascending),
    with the ``math_precision`` the tensor cores run; ``note`` says when a precision is
    emulated (FP4 on hardware without FP4 tensor cores, :func:`tokenfab.perf.precision.
    emulation_note`), else ``""``.
    """

    points: pd.DataFrame
    model: str
    hardware: str
    note: str = ""

    def to_frame(self) -> pd.DataFrame:
        """The frontier as a DataFrame (columns: :data:`FRONTIER_COLUMNS` and a few more)."""
        return self.points.copy()

    def throughput_at(self, interactivity: float) -> float:
        """Best tokens/s per accelerator among points with at least ``interactivity``.

        Raises :class:`InfeasibleError` when no point is that interactive.
        """
        df = self.points
        ok = df["interactivity_tokens_per_s_per_user"] >= interactivity
        if not ok.any():
            best = float(df["interactivity_tokens_per_s_per_user"].max())
            raise InfeasibleError(
                f"{self.model} on {self.hardware}: no operating point reaches "
                f"{interactivity:g} tokens/s per user (best achievable {best:.3g})",
                field="interactivity", value=interactivity)
        return float(df.loc[ok, "output_tokens_per_s_per_accelerator"].max())

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "hardware": self.hardware,
                "points": self.points.to_dict(orient="records"), "note": self.note}


def _resolve(model: str | ModelArch, hardware: str | Accelerator,
             catalog: Catalog | None) -> tuple[ModelArch, Accelerator]:
    if isinstance(model, ModelArch) and isinstance(hardware, Accelerator):
        return model, hardware
    if catalog is not None and not isinstance(catalog, Catalog):
        raise TokenfabError(f"must be a tokenfab.catalog.Catalog (see load_catalog) or None, "
                            f"got {catalog!r:.60}", field="catalog", value=repr(catalog))
    cat = catalog or load_catalog()

    def one(name: str, v: object, want: type, look: Callable[..., Any]) -> Any:
        if isinstance(v, want):
            return v
        if not isinstance(v, str):
            raise TokenfabError(f"must be a catalog id (str) or a {want.__name__}; got "
                                f"{type(v).__name__} {v!r:.60}", field=name, value=repr(v)[:80])
        return look(v, field=name)

    out = _check_args({"model": lambda: one("model", model, ModelArch, cat.model),
                       "hardware": lambda: one("hardware", hardware, Accelerator,
                                               cat.hardware)})
    return out["model"], out["hardware"]  # type: ignore[return-value]


def _check_args(checks: dict[str, Callable[[], object]]) -> dict[str, object]:
    """Run every argument check of a public API call and report all the bad arguments at
    once: one :class:`TokenfabError` naming each wrong argument, its value and what is
    allowed (issue 15), not just the first. Returns each check's result by name."""
    out: dict[str, object] = {}
    errors: list[TokenfabError] = []
    for name, check in checks.items():
        try:
            out[name] = check()
        except TokenfabError as e:
            errors.append(e)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ManyErrors(errors)
    return out


def _check_precision(precision: object, allow_none: bool) -> str | None:
    if precision is None and allow_none:
        return None
    if not isinstance(precision, str) or precision not in PRECISIONS:
        raise TokenfabError(f"must be one of {', '.join(PRECISIONS)}"
                            + (" or None (every precision)" if allow_none else "")
                            + f", got {precision!r}", field="precision", value=precision)
    return precision


def _check_instance(name: str, v: object, want: type, how: str) -> None:
    if v is not None and not isinstance(v, want):
        raise TokenfabError(f"must be a {want.__module__}.{want.__name__} ({how}) or None, "
                            f"got {type(v).__name__} {v!r:.60}", field=name, value=v)


def _check_flag(name: str, v: object, allow_none: bool = True) -> None:
    if not (isinstance(v, bool) or (v is None and allow_none)):
        raise TokenfabError(f"must be True or False{' or None' if allow_none else ''}, got "
                            f"{v!r:.60}", field=name, value=v)


def _check_api(model: object, hardware: object, catalog: object, *, count: object,
               precision: object, allow_all_precisions: bool, calibration: object,
               era: object, software_date: object, workload: dict[str, Any],
               mtp_draft_tokens: object, flags: dict[str, tuple[object, bool]],
               max_batch_per_accelerator: object) -> tuple[ModelArch, Accelerator]:
    """Every argument of :func:`predict` / :func:`pareto` checked, all errors reported."""

    def batch() -> None:
        v = max_batch_per_accelerator
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))
                              or not math.isfinite(v) or v <= 0):
            raise TokenfabError(f"must be a finite number > 0 or None, got {v!r:.60}",
                                field="max_batch_per_accelerator", value=v)

    def draft() -> None:
        v = mtp_draft_tokens
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer))
                              or not 1 <= v <= 8):
            raise TokenfabError(f"must be a whole number from 1 to 8, got {v!r}",
                                field="mtp_draft_tokens", value=v)

    def date() -> None:
        if software_date is not None:
            if not isinstance(software_date, (str, int, float)) or isinstance(software_date,
                                                                              bool):
                raise TokenfabError(f"must be a date 'YYYY-MM' or a decimal year, got "
                                    f"{software_date!r:.60}", field="software_date",
                                    value=software_date)
            parse_date(software_date)

    def flag(name: str, v: object, allow_none: bool) -> Callable[[], object]:
        return lambda: _check_flag(name, v, allow_none)

    checks: dict[str, Callable[[], object]] = {
        "ids": lambda: _resolve(model, hardware, catalog),  # type: ignore[arg-type]
        "precision": lambda: _check_precision(precision, allow_all_precisions),
        "calibration": lambda: _check_instance("calibration", calibration, Calibration,
                                               "see calibration_for"),
        "era": lambda: _check_instance("era", era, EraFit, "see tokenfab.perf.era.fit_era"),
        "software_date": date,
        "workload": lambda: _check_workload(**workload, count=count),  # type: ignore[arg-type]
        "mtp_draft_tokens": draft,
        "max_batch_per_accelerator": batch,
        **{name: flag(name, v, none) for name, (v, none) in flags.items()},
    }
    out = _check_args(checks)
    ids: tuple[ModelArch, Accelerator] = out["ids"]  # type: ignore[assignment]
    return ids


#: hard upper bounds of the workload arguments (the ``le`` of :data:`PREDICT_INPUTS`): beyond
#: them the engine's arithmetic overflows (1e308 tokens -> inf/nan bytes)
_API_MAX = {i.name: i.le for i in PREDICT_INPUTS if i.le is not None}
#: hard lower bounds (the ``ge`` of :data:`PREDICT_INPUTS`: at least one token in and out)
_API_MIN = {n: PREDICT_INPUTS[n].ge for n in ("input_tokens", "output_tokens")}


def _workload_args(input_tokens: float, output_tokens: float, ttft_max_s: float | None,
                   tpot_max_s: float | None, interactivity_min: float | None,
                   input_p99_over_mean: float | None, prefix_cache_hit: float | None
                   ) -> dict[str, Any]:
    return dict(input_tokens=input_tokens, output_tokens=output_tokens, ttft_max_s=ttft_max_s,
                tpot_max_s=tpot_max_s, interactivity_min=interactivity_min,
                input_p99_over_mean=input_p99_over_mean, prefix_cache_hit=prefix_cache_hit)


def _check_workload(input_tokens: float, output_tokens: float, ttft_max_s: float | None,
                    tpot_max_s: float | None, interactivity_min: float | None,
                    count: int | None, input_p99_over_mean: float | None = None,
                    prefix_cache_hit: float | None = None) -> Workload:
    def pos(name: str, v: float | None, allow_none: bool = True) -> None:
        if v is None and allow_none:
            return
        if v is None or isinstance(v, bool) or not isinstance(v, (int, float)) \
                or not math.isfinite(v) or v <= 0:
            raise TokenfabError(f"must be a finite number > 0, got {v!r}", field=name, value=v)
        low = _API_MIN.get(name)
        if low is not None and v < low:  # the hard lower bounds of PREDICT_INPUTS
            raise TokenfabError(f"must be >= {low:g} (a request has whole tokens), got {v!r}",
                                field=name, value=v)
        top = _API_MAX.get(name)
        if top is not None and v > top:  # the hard bounds of PREDICT_INPUTS, for API callers
            raise TokenfabError(f"must be <= {top:g}, got {v!r}", field=name, value=v)

    def p99() -> None:
        pos("input_p99_over_mean", input_p99_over_mean)
        if input_p99_over_mean is not None and input_p99_over_mean < 1:
            raise TokenfabError(f"must be >= 1 (a p99 is not below the mean), got "
                                f"{input_p99_over_mean!r}", field="input_p99_over_mean",
                                value=input_p99_over_mean)

    def n() -> None:
        if count is not None and (isinstance(count, bool)
                                  or not isinstance(count, (int, np.integer))
                                  or not 1 <= count <= MAX_COUNT):
            raise TokenfabError(f"must be a whole number of accelerators from 1 to "
                                f"{MAX_COUNT:,}, got {count!r}", field="count", value=count)

    h = 0.0 if prefix_cache_hit is None else prefix_cache_hit

    def hit() -> None:
        if isinstance(h, bool) or not isinstance(h, (int, float)) or not math.isfinite(h) \
                or not 0.0 <= h < 1.0:
            raise TokenfabError(f"must be a share >= 0 and < 1, got {prefix_cache_hit!r}",
                                field="prefix_cache_hit", value=prefix_cache_hit)

    _check_args({  # every bad argument named at once (issue 15)
        "input_tokens": lambda: pos("input_tokens", input_tokens, False),
        "output_tokens": lambda: pos("output_tokens", output_tokens, False),
        "ttft_max_s": lambda: pos("ttft_max_s", ttft_max_s),
        "tpot_max_s": lambda: pos("tpot_max_s", tpot_max_s),
        "interactivity_min": lambda: pos("interactivity_min", interactivity_min),
        "input_p99_over_mean": p99, "count": n, "prefix_cache_hit": hit})
    return Workload(float(input_tokens), float(output_tokens), ttft_max_s, tpot_max_s,
                    interactivity_min, input_p99_over_mean, float(h))


def era_calibration(hw: Accelerator, calibration: Calibration | None = None,
                    software_date: str | float | None = None, era: EraFit | None = None,
                    speed_scale: float = 1.0, model_id: str | None = None,
                    experts: int = 0) -> tuple[Calibration, str]:
    """The family's calibration at the software era of ``software_date`` (default: the
    latest supported era): ``software_speed`` = the fitted speed (:mod:`tokenfab.perf.era`)
    times ``speed_scale`` (interval draws). Returns the calibration and the date ``YYYY-MM``.
    """
    from dataclasses import replace

    fit = ERA if era is None else era
    base = calibration or calibration_for(hw.family)
    key = era_group(hw.family, experts)
    t = fit.latest(key) if software_date is None else parse_date(software_date)
    speed = fit.speed(key, t, model_id) * speed_scale
    return replace(base, software_speed=base.software_speed * speed), format_date(t)


def adp_balance_available(software_date: str | float) -> bool:
    """Whether the attention-DP balance scheduler exists at ``software_date``
    (``ServingConstants.adp_balance_from``, :func:`tokenfab.perf.engine.adp_stalled_share`)."""
    return parse_date(software_date) >= parse_date(SERVING.adp_balance_from)


#: Monte Carlo draws of the calibration's Range behind each prediction interval (fixed seed:
#: the interval of a prediction is reproducible)
INTERVAL = RunOptions(samples=4000, seed=0)


def interval_scales(hw: Accelerator, software_date: str | float | None = None,
                    era: EraFit | None = None, model_id: str | None = None,
                    experts: int = 0) -> tuple[float, float]:
    """Speed multipliers at the 10th and 90th percentiles of the calibration uncertainty.

    The family's log software speed is a :class:`~tokenfab.uncertainty.Range` (PERT, spread
    from the fit's residuals, :func:`tokenfab.perf.era.speed_range`), drawn with the project's
    uncertainty mechanism (:meth:`Range.sample`, :data:`INTERVAL`). Throughput rises
    monotonically with the speed, so its p10/p90 are the engine's outputs at the speed's
    p10/p90: two more engine evaluations give the exact percentiles of the sampled
    distribution (quantiles commute with monotone maps).
    """
    fit = ERA if era is None else era
    t = None if software_date is None else parse_date(software_date)
    rng_ = speed_range(fit, era_group(hw.family, experts), t, model_id)
    x = rng_.sample(INTERVAL.samples, INTERVAL.rng()) - rng_.likely
    lo, hi = np.percentile(x, [10.0, 90.0])
    return float(np.exp(lo)), float(np.exp(hi))


def _precisions(hw: Accelerator, precision: str | None) -> list[str]:
    if precision is None:
        return [p for p in PRECISIONS if hw.supports(p) or p in ("fp8", "bf16")]
    if precision not in PRECISIONS:
        raise TokenfabError(f"must be one of {', '.join(PRECISIONS)}, got {precision!r}",
                            field="precision", value=precision)
    return [precision]


def _modes(disaggregated: bool | None, count: int | None, hw: Accelerator) -> tuple[str, ...]:
    if disaggregated is None:
        # splitting a fixed deployment inside one scale-up domain into pools rarely pays (tried
        # for rack-scale NVL72 runs: it over-predicted MLPerf v6.0 DeepSeek-R1 server 2-4x);
        # allow it when the deployment is open or spans more than one scale-up domain
        if count is None or count > hw.scaleup_domain_size:
            return ("aggregated", "disaggregated")
        return ("aggregated",)
    return ("disaggregated",) if disaggregated else ("aggregated",)


def sweep(model: str | ModelArch, hardware: str | Accelerator, count: int | None = None, *,
          precisions: list[str] | None = None, input_tokens: float = 1024,
          output_tokens: float = 1024, ttft_max_s: float | None = None,
          tpot_max_s: float | None = None, interactivity_min: float | None = None,
          disaggregated: bool | None = None, catalog: Catalog | None = None,
          calibration: Calibration | None = None,
          max_batch_per_accelerator: float | None = None,
          input_p99_over_mean: float | None = None, mtp: bool | None = None,
          software_date: str | float | None = None, prefix_cache_hit: float | None = None,
          mtp_draft_tokens: int | None = None, era: EraFit | None = None,
          adp_balance: bool | Literal["both"] | None = None,
          speed_scale: float = 1.0, tp_across_domains: bool = False
          ) -> tuple[pd.DataFrame, ModelArch, Accelerator]:
    """Every operating point (all layouts x batches x precisions x modes) as a DataFrame.

    Columns: ``per_acc``, ``total``, ``ttft_s``, ``tpot_s``, ``ttft_p99_s``, ``tpot_p99_s``,
    ``tp``, ``pp``, ``ep``, ``dp``, ``batch``, ``count``, ``disagg``, ``prefill_acc``,
    ``t_compute``/``t_memory``/``t_comm``/``t_overhead`` (decode step components),
    ``mem_weights``/``mem_kv`` (per accelerator), ``rho``, ``precision``, ``feasible``
    (meets the latency limits), ``mtp`` (MTP draft tokens per step, 0 without).
    ``max_batch_per_accelerator`` drops points with more concurrent sequences per decode
    accelerator (what-if studies of batch size). ``mtp``: None considers decoding with and
    without the model's MTP module as a speculative drafter (models that ship one), False
    only without, True only with. ``software_date``/``era``/``speed_scale``: the software
    era (:func:`era_calibration`). ``adp_balance``: whether the attention-DP balance
    scheduler is used (None: from its release date on, :func:`adp_balance_available`;
    ``"both"``: both schedulers' points; ``adp_balance`` column 1 on its points). Tensor parallelism stays inside one scale-up domain unless
    ``tp_across_domains``.
    """
    m, hw = _resolve(model, hardware, catalog)
    if calibration is not None and not isinstance(calibration, Calibration):
        raise TokenfabError("must be a tokenfab.perf.calibration.Calibration (see "
                            "calibration_for)", field="calibration", value=repr(calibration))
    wl = _check_workload(input_tokens, output_tokens, ttft_max_s, tpot_max_s, interactivity_min,
                         count, input_p99_over_mean, prefix_cache_hit)
    if mtp_draft_tokens is not None and (isinstance(mtp_draft_tokens, bool) or not isinstance(
            mtp_draft_tokens, (int, np.integer)) or not 1 <= mtp_draft_tokens <= 8):
        raise TokenfabError(f"must be a whole number from 1 to 8, got {mtp_draft_tokens!r}",
                            field="mtp_draft_tokens", value=mtp_draft_tokens)
    mc = model_costs(m)
    cal, sw_date = era_calibration(hw, calibration, software_date, era, speed_scale, m.id,
                                   int(m.moe_experts or 0))
    # attention-DP schedulers (tokenfab.perf.engine.evaluate): ADP balance from its release on
    adp = ("both" if adp_balance == "both" else "balanced"
           if (adp_balance if adp_balance is not None else adp_balance_available(sw_date))
           else "round_robin")
    frames = []
    for p in precisions or _precisions(hw, "fp8"):
        lay = enumerate_layouts(mc, hw, count) if count else open_count_layouts(
            mc, hw, p, in_flight_context(wl))
        if not tp_across_domains:
            lay = lay.take(np.flatnonzero(lay.tp <= hw.scaleup_domain_size))
        if len(lay) == 0:
            continue
        r = evaluate(mc, hw, cal, p, lay, wl, count, _modes(disaggregated, count, hw),
                     mtp=mtp is not False, mtp_draft_tokens=mtp_draft_tokens, adp=adp)
        if not r:
            continue
        df = pd.DataFrame(r)
        df["precision"] = p
        frames.append(df)
    if not frames:
        raise InfeasibleError(_no_fit_message(m, hw, mc, count, precisions or ["fp8"], wl),
                              field="count", value=count)
    df = pd.concat(frames, ignore_index=True)
    df = df[np.isfinite(df["per_acc"]) & (df["per_acc"] > 0)]
    # the attention-DP balance scheduler exists from its release on
    if max_batch_per_accelerator is not None:
        df = df[df["batch"] / (df["tp"] * df["pp"]) <= max_batch_per_accelerator]
    if mtp and mc.mtp_layers:
        df = df[df["mtp"] > 0]
    feas = np.ones(len(df), dtype=bool)
    if wl.ttft_max_s is not None:
        feas &= df["ttft_p99_s"].to_numpy() <= wl.ttft_max_s
    if wl.tpot_max_s is not None:
        feas &= df["tpot_p99_s"].to_numpy() <= wl.tpot_max_s
    if wl.interactivity_min is not None:
        feas &= 1.0 / df["tpot_s"].to_numpy() >= wl.interactivity_min
    df = df.assign(feasible=feas)
    return df.reset_index(drop=True), m, hw


def _no_fit_message(m: ModelArch, hw: Accelerator, mc: ModelCosts, count: int | None,
                    precisions: list[str], wl: Workload) -> str:
    p = precisions[0]
    n = count or max(64, hw.scaleup_domain_size)
    one = Layouts(np.array([float(n)]), np.array([1.0]), np.array([float(n)]))
    need = float(weight_bytes_per_accelerator(mc, one, p)[0]
                 + kv_bytes_per_sequence(mc, one, in_flight_context(wl), p)[0])
    return (f"{m.id} does not fit on {n} x {hw.id} at {p}: needs {need / 1e9:.1f} GB per "
            f"accelerator for the weights and one sequence of input_tokens + output_tokens = "
            f"{wl.input_tokens:,.0f} + {wl.output_tokens:,.0f} tokens when spread over all {n}, has "
            f"{usable_memory_bytes(hw) / 1e9:.1f} GB usable "
            f"({hw.hbm_capacity_bytes / 1e9:.0f} GB HBM less {SERVING.memory_reserve_frac:.0%} "
            f"reserve); use more accelerators or a smaller precision")


def _bottleneck(row: pd.Series) -> str:
    if row["rho"] > 0.5:
        return "compute (prefill)"
    parts = {"compute": row["t_compute"] if row["t_compute"] >= row["t_memory"] else 0.0,
             "memory": row["t_memory"] if row["t_memory"] > row["t_compute"] else 0.0,
             "communication": row["t_comm"], "overhead": row["t_overhead"]}
    return max(parts, key=lambda k: float(parts[k]))


def deployment(row: pd.Series, hw: Accelerator) -> dict[str, Any]:
    """The systems you would buy for an operating point, in whole systems and instances.

    Aggregated: ``count`` accelerators run ``count / replica`` replicas; an open deployment
    of one replica smaller than a system fills the system with as many replicas as fit.
    Disaggregated: whole prefill instances and whole decode replicas inside ``count``.
    """
    aps = max(int(hw.accelerators_per_system), 1)
    tp, pp, ep = int(row["tp"]), int(row["pp"]), int(row["ep"])
    rep = pp * max(tp, ep)
    count = int(round(float(row["count"])))
    disagg = bool(row["disagg"])
    n_pre = int(round(float(row["prefill_acc"]))) if disagg else 0
    if disagg:
        replicas = (count - n_pre) // rep
        systems = -(-count // aps)
        n_p_inst = max(n_pre, 0)
        used = replicas * rep + n_pre
    else:
        systems = -(-count // aps)
        replicas = max((systems * aps if count < aps else count) // rep, 1)
        used = replicas * rep
        n_p_inst = 0
    return {"system": hw.id, "systems": systems, "accelerators_per_system": aps,
            "accelerators": systems * aps, "accelerators_used": used,
            "replica_accelerators": rep, "decode_replicas": replicas,
            "prefill_accelerators": n_p_inst,
            "prefill_instances": (int(round(n_pre / float(row["prefill_size"])))
                                  if disagg and float(row["prefill_size"]) > 0 else 0)}


def _prediction(row: pd.Series, m: ModelArch, hw: Accelerator) -> Prediction:
    per_acc = float(row["per_acc"])
    cap = float(hw.hbm_capacity_bytes)
    mem = {"weights": float(row["mem_weights"]), "kv_cache": float(row["mem_kv"]),
           "reserve": cap * SERVING.memory_reserve_frac}
    mem["used"] = mem["weights"] + mem["kv_cache"] + mem["reserve"]
    mem["capacity"] = cap
    cfg = {"tp": int(row["tp"]), "ep": int(row["ep"]), "pp": int(row["pp"]),
           "dp": int(round(float(row["dp"]))), "batch": int(row["batch"]),
           "precision": str(row["precision"]), "count": int(round(float(row["count"]))),
           "disaggregated": bool(row["disagg"]),
           "prefill_accelerators": round(float(row["prefill_acc"]), 2),
           "mtp_draft_tokens": int(row["mtp"]),
           "math_precision": math_precision(str(row["precision"]), hw),
           "adp_balance": bool(row.get("adp_balance", 0))}
    return Prediction(
        output_tokens_per_s=float(row["total"]),
        output_tokens_per_s_per_accelerator=per_acc,
        ttft_s=float(row["ttft_s"]), tpot_s=float(row["tpot_s"]),
        ttft_p99_s=float(row["ttft_p99_s"]), tpot_p99_s=float(row["tpot_p99_s"]),
        interactivity_tokens_per_s_per_user=1.0 / float(row["tpot_s"]),
        tokens_per_s_per_mw=per_acc / hw.allin_power_w * 1e6,
        bottleneck=_bottleneck(row), memory_bytes=mem, config=cfg, model=m.id, hardware=hw.id,
        deployment=deployment(row, hw))


def predict(model: str | ModelArch, hardware: str | Accelerator, count: int | None = None, *,
            precision: str = "fp8", input_tokens: float = 1024, output_tokens: float = 1024,
            ttft_max_s: float | None = None, tpot_max_s: float | None = None,
            interactivity_min: float | None = None, disaggregated: bool | None = None,
            catalog: Catalog | None = None, calibration: Calibration | None = None,
            max_batch_per_accelerator: float | None = None,
            input_p99_over_mean: float | None = None, mtp: bool | None = None,
            software_date: str | float | None = None, prefix_cache_hit: float | None = None,
            mtp_draft_tokens: int | None = None, era: EraFit | None = None,
            interval: bool = True, tp_across_domains: bool = False) -> Prediction:
    """Best output tokens/s per accelerator of ``model`` on ``hardware`` under the limits.

    Parameters
    ----------
    model, hardware : str or ModelArch / Accelerator
        Catalog ids or records.
    count : int, optional
        Accelerators in the deployment; None lets the engine choose the deployment size:
        the replica with the best per-accelerator throughput (disaggregated: whole systems
        split into whole prefill instances and decode replicas), inside one scale-up domain
        when the model fits there, else up to ``max(64, scale-up domain)`` accelerators.
    precision : str
        ``fp4``, ``fp8`` or ``bf16`` (weights and activations; KV cache FP8 unless BF16).
    input_tokens, output_tokens : float
        Mean prompt and output tokens per request [tokens].
    ttft_max_s, tpot_max_s : float, optional
        p99 limits [s].
    interactivity_min : float, optional
        Minimum mean tokens/s per user.
    disaggregated : bool, optional
        Force (True) or forbid (False) separate prefill/decode pools; None: consider both
        when the deployment is open or larger than one scale-up domain.
    catalog : Catalog, optional
        Catalog to resolve ids (default :func:`load_catalog`).
    calibration : Calibration, optional
        Override the family's calibration constants.
    max_batch_per_accelerator : float, optional
        Cap on concurrent sequences per decode accelerator (what-if studies).
    input_p99_over_mean : float, optional
        p99 / mean prompt length (default: MLPerf-like request mixes, 2.43; 1 for
        fixed-length prompts).
    mtp : bool, optional
        Speculative decoding with the model's multi-token-prediction module (DeepSeek-V3/R1):
        None considers both (the best wins), False forbids, True requires it. Ignored for
        models without an MTP module.
    software_date : str, optional
        Software era (``"2025-06"``); default the latest supported era of the family
        (:mod:`tokenfab.perf.era`).
    prefix_cache_hit : float, optional
        Share of prompt tokens served from a prefix cache (0 <= h < 1; default 0).
    mtp_draft_tokens : int, optional
        MTP draft tokens per step (default 1; acceptance per position in
        :class:`~tokenfab.perf.calibration.ServingConstants`).
    era : EraFit, optional
        Software-era fit to use (default the shipped fit; cross-validation passes its own).
    interval : bool
        Compute the 80 % prediction interval (two more engine runs; False leaves NaN).
    tp_across_domains : bool
        Allow tensor parallelism across scale-up domains (off: TP stays in one domain).

    Returns
    -------
    Prediction

    Raises
    ------
    InfeasibleError
        The model does not fit, or no configuration meets the limits (the message gives the
        best achievable values).
    """
    m, hw = _check_api(
        model, hardware, catalog, count=count, precision=precision,
        allow_all_precisions=False, calibration=calibration, era=era,
        software_date=software_date, workload=_workload_args(
            input_tokens, output_tokens, ttft_max_s, tpot_max_s, interactivity_min,
            input_p99_over_mean, prefix_cache_hit), mtp_draft_tokens=mtp_draft_tokens,
        flags={"disaggregated": (disaggregated, True), "mtp": (mtp, True),
               "interval": (interval, False), "tp_across_domains": (tp_across_domains, False)},
        max_batch_per_accelerator=max_batch_per_accelerator)
    kw: dict[str, Any] = dict(
        precisions=_precisions(hw, precision), input_tokens=input_tokens,
        output_tokens=output_tokens, ttft_max_s=ttft_max_s, tpot_max_s=tpot_max_s,
        interactivity_min=interactivity_min, disaggregated=disaggregated, catalog=catalog,
        calibration=calibration, max_batch_per_accelerator=max_batch_per_accelerator,
        input_p99_over_mean=input_p99_over_mean, mtp=mtp, software_date=software_date,
        prefix_cache_hit=prefix_cache_hit, mtp_draft_tokens=mtp_draft_tokens, era=era,
        tp_across_domains=tp_across_domains)
    best = _best(m, hw, count, kw, ttft_max_s, tpot_max_s, interactivity_min,
                 max_batch_per_accelerator)
    p = _prediction(best, m, hw)
    experts = int(m.moe_experts or 0)
    _, date = era_calibration(hw, calibration, software_date, era, model_id=m.id,
                              experts=experts)
    extra: dict[str, Any] = {"software_date": date}
    if interval:
        # the interval is the fitted spread of ln(measured / predicted) around the
        # prediction (tokenfab.perf.era.speed_range): it scales the throughput
        lo_s, hi_s = interval_scales(hw, date, era, m.id, experts)  # the resolved date
        per, tot = p.output_tokens_per_s_per_accelerator, p.output_tokens_per_s
        extra.update(output_tokens_per_s_per_accelerator_p10=min(per * lo_s, per),
                     output_tokens_per_s_per_accelerator_p90=max(per * hi_s, per),
                     output_tokens_per_s_p10=min(tot * lo_s, tot),
                     output_tokens_per_s_p90=max(tot * hi_s, tot))
    from dataclasses import replace

    return replace(p, **extra)


def _best(m: ModelArch, hw: Accelerator, count: int | None, kw: dict[str, Any],
          ttft_max_s: float | None, tpot_max_s: float | None, interactivity_min: float | None,
          max_batch_per_accelerator: float | None) -> pd.Series:
    df, m, hw = sweep(m, hw, count, **kw)
    if df.empty and max_batch_per_accelerator is not None:
        raise InfeasibleError(f"no configuration of {m.id} on {hw.id} with at most "
                              f"{max_batch_per_accelerator:g} concurrent sequences per "
                              "accelerator", field="max_batch_per_accelerator")
    if df.empty:
        raise _no_points(m, hw, count, kw.get("disaggregated"))
    ok = df[df["feasible"]]
    if ok.empty:
        raise InfeasibleError(_slo_message(df, m, hw, count, ttft_max_s, tpot_max_s,
                                           interactivity_min,
                                           (kw["input_tokens"], kw["output_tokens"])),
                              field="constraints")
    best: pd.Series = ok.iloc[int(np.argmax(ok["per_acc"].to_numpy()))]
    return best


def _no_points(m: ModelArch, hw: Accelerator, count: int | None,
               disaggregated: bool | None) -> InfeasibleError:
    """No operating point at all in the modes asked for (before any latency limit): with
    ``disaggregated=True`` on a deployment too small for separate prefill and decode pools
    (``count=1``), say so, naming both."""
    where = f"{count} x {hw.id}" if count else hw.id
    if disaggregated is True:
        return InfeasibleError(
            f"no disaggregated configuration of {m.id} on {where}: separate prefill and decode "
            f"pools do not fit in count = {count} accelerator(s); give a larger count or leave "
            "out disaggregated", field="disaggregated", value=True)
    return InfeasibleError(f"no configuration of {m.id} on {where} serves any tokens "
                           f"(count = {count})", field="count", value=count)


def _slo_message(df: pd.DataFrame, m: ModelArch, hw: Accelerator, count: int | None,
                 ttft: float | None, tpot: float | None, inter: float | None,
                 tokens: tuple[float, float] | None = None) -> str:
    """Why no operating point meets the limits: each limit with the best achievable value,
    and (``tokens``) the request shape they were met against, by its field names (the
    workload is often the cause: 1 output token per 32k-token prompt puts the prefill in
    every decode step)."""
    where = f"{count} x {hw.id}" if count else hw.id
    shape = (f" for input_tokens = {tokens[0]:,.0f}, output_tokens = {tokens[1]:,.0f}"
             if tokens is not None else "")
    parts = [f"no configuration of {m.id} on {where} meets the limits{shape}"]
    if tpot is not None:
        parts.append(f"p99 TPOT <= {tpot:g} s (best achievable {df['tpot_p99_s'].min():.3g} s)")
    if inter is not None:
        parts.append(f"interactivity >= {inter:g} tok/s/user (best achievable "
                     f"{(1.0 / df['tpot_s']).max():.3g})")
    if ttft is not None:
        parts.append(f"p99 TTFT <= {ttft:g} s (best achievable {df['ttft_p99_s'].min():.3g} s)")
    return "; ".join(parts)


def pareto(model: str | ModelArch, hardware: str | Accelerator, count: int | None = None, *,
           precision: str | None = None, input_tokens: float = 1024,
           output_tokens: float = 1024, ttft_max_s: float | None = None,
           disaggregated: bool | None = None, catalog: Catalog | None = None,
           calibration: Calibration | None = None,
           input_p99_over_mean: float | None = None, mtp: bool | None = None,
           software_date: str | float | None = None, prefix_cache_hit: float | None = None,
           mtp_draft_tokens: int | None = None, era: EraFit | None = None,
           tp_across_domains: bool = False) -> Frontier:
    """Frontier of output tokens/s per accelerator vs tokens/s per user.

    Parameters are those of :func:`predict`; ``precision=None`` sweeps every precision the
    hardware supports natively plus FP8 and BF16. Points violating ``ttft_max_s`` (p99) are
    excluded. The frontier keeps, for each interactivity, the best throughput: a point is
    kept when no other point is both more interactive and faster. Only deployable points
    enter: whole accelerators, TP inside one scale-up domain (unless ``tp_across_domains``),
    whole prefill instances and decode replicas, whole systems.
    """
    hw = _check_api(
        model, hardware, catalog, count=count, precision=precision,
        allow_all_precisions=True, calibration=calibration, era=era,
        software_date=software_date, workload=_workload_args(
            input_tokens, output_tokens, ttft_max_s, None, None, input_p99_over_mean,
            prefix_cache_hit), mtp_draft_tokens=mtp_draft_tokens,
        flags={"disaggregated": (disaggregated, True), "mtp": (mtp, True),
               "tp_across_domains": (tp_across_domains, False)},
        max_batch_per_accelerator=None)[1]
    df, m, hw = sweep(model, hw, count, precisions=_precisions(hw, precision),
                      input_tokens=input_tokens, output_tokens=output_tokens,
                      ttft_max_s=ttft_max_s, disaggregated=disaggregated, catalog=catalog,
                      calibration=calibration, input_p99_over_mean=input_p99_over_mean,
                      mtp=mtp, software_date=software_date, prefix_cache_hit=prefix_cache_hit,
                      mtp_draft_tokens=mtp_draft_tokens, era=era,
                      tp_across_domains=tp_across_domains)
    df = df[df["per_acc"] > 0]
    if df.empty:
        raise _no_points(m, hw, count, disaggregated)
    df = df[df["feasible"]]
    if df.empty and ttft_max_s is None:
        raise _no_points(m, hw, count, disaggregated)
    if df.empty:
        raise InfeasibleError(f"no configuration of {m.id} on {hw.id} meets "
                              f"p99 TTFT <= {ttft_max_s:g} s", field="ttft_max_s")
    notes = sorted({emulation_note(str(p), hw) for p in df["precision"].unique()} - {""})
    return Frontier(frontier_frame(df, hw), m.id, hw.id, " ".join(notes))


def frontier_frame(df: pd.DataFrame, hw: Accelerator) -> pd.DataFrame:
    """Non-dominated points of a :func:`sweep` frame, in the frontier column layout."""
    inter = 1.0 / df["tpot_s"].to_numpy()
    thr = df["per_acc"].to_numpy()
    order = np.lexsort((-thr, -inter))  # most interactive first, fastest first on ties
    run = np.maximum.accumulate(thr[order])
    keep = np.r_[True, thr[order][1:] > run[:-1]]
    sel = df.iloc[order[keep]]
    out = pd.DataFrame({
        "interactivity_tokens_per_s_per_user": 1.0 / sel["tpot_s"].to_numpy(),
        "output_tokens_per_s_per_accelerator": sel["per_acc"].to_numpy(),
        "tokens_per_s_per_mw": sel["per_acc"].to_numpy() / hw.allin_power_w * 1e6,
        "ttft_s": sel["ttft_s"].to_numpy(), "tpot_s": sel["tpot_s"].to_numpy(),
        "tp": sel["tp"].astype(int).to_numpy(), "ep": sel["ep"].astype(int).to_numpy(),
        "pp": sel["pp"].astype(int).to_numpy(), "dp": np.round(sel["dp"].to_numpy()).astype(int),
        "batch": sel["batch"].astype(int).to_numpy(), "precision": sel["precision"].to_numpy(),
        "disaggregated": sel["disagg"].astype(bool).to_numpy(),
        "count": np.round(sel["count"].to_numpy()).astype(int),
        "mtp_draft_tokens": sel["mtp"].astype(int).to_numpy(),
        "math_precision": [math_precision(str(p), hw) for p in sel["precision"]],
    })
    return out.sort_values("interactivity_tokens_per_s_per_user").reset_index(drop=True)
