"""Run a factory scenario: ask the performance engine for the operating point, build the model
inputs from the catalog defaults and the scenario, evaluate, and (optionally) Monte Carlo.

This is the thin layer between the pure model (:mod:`.economics`) and the CLI/report: it does
the catalog look-ups and the engine call, nothing else computes here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.errors import InfeasibleError, TokenfabError
from tokenfab.factory.defaults import Default, default_inputs, resolve
from tokenfab.factory.economics import (
    EXTRA_KEYS,
    OUTPUT_KEYS,
    breakeven_accelerator_price_cost_usd,
    breakeven_accelerator_price_usd,
    factory_model,
)
from tokenfab.factory.facility import it_power_per_accelerator_w
from tokenfab.factory.pricing import DEFAULT_PRICE_CURVE, PriceCurve
from tokenfab.factory.spec import FactorySection, cost_overrides
from tokenfab.perf.precision import native_precision
from tokenfab.uncertainty import (
    MonteCarloResult,
    Range,
    TornadoBar,
    likely,
    monte_carlo,
    point_inputs,
    tornado,
)

#: model inputs that belong to one system (the rest describe the shared site)
SYSTEM_KEYS: tuple[str, ...] = ("tokens_per_s_per_accelerator", "throughput_factor",
                                "allin_power_w", "accelerators_per_system",
                                "accelerator_price_usd", "price_multiplier")
BREAKEVEN_KEY = "breakeven_price_usd_per_accelerator"
#: the challenger price that equalizes cost per million tokens (demand-limited comparison)
BREAKEVEN_COST_KEY = "breakeven_price_equal_cost_per_mtok_usd_per_accelerator"


@dataclass(frozen=True)
class OperatingPoint:
    """Where on the throughput/interactivity frontier the factory runs."""

    tokens_per_s_per_accelerator: float | Range
    interactivity_tok_s: float | None  # the service level that is priced
    source: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        t = self.tokens_per_s_per_accelerator
        return {"tokens_per_s_per_accelerator": likely(t),
                "interactivity_tok_s_per_user": self.interactivity_tok_s,
                "source": self.source, **self.details}


def _predict() -> Callable[..., Any]:
    """The engine's ``predict`` (imported lazily: the economics core does not need it)."""
    try:
        from tokenfab.perf import predict
    except ImportError:  # engine not re-exported at package level
        from tokenfab.perf.serving import predict
    return predict


def engine_operating_point(model: str, hardware: str, *, interactivity_tok_s: float | None,
                           ttft_max_s: float | None, tpot_max_s: float | None, precision: str,
                           input_tokens: int, output_tokens: int,
                           catalog: Catalog | None = None) -> OperatingPoint:
    """The highest-throughput configuration of the performance engine meeting the service level.

    Calls :func:`tokenfab.perf.predict`; an unreachable service level raises
    :class:`~tokenfab.errors.InfeasibleError` (from the engine) naming the best it can do.
    ``precision="native"`` picks the narrowest format the hardware supports natively.
    """
    cat = catalog if catalog is not None else load_catalog()
    hw = cat.hardware(hardware)
    prec = native_precision(hw) if precision == "native" else precision
    pred = _predict()(model, hw.id, precision=prec, input_tokens=input_tokens,
                      output_tokens=output_tokens, ttft_max_s=ttft_max_s, tpot_max_s=tpot_max_s,
                      interactivity_min=interactivity_tok_s, catalog=cat)
    tps = float(pred.output_tokens_per_s_per_accelerator)
    achieved = float(pred.interactivity_tokens_per_s_per_user)
    if not np.isfinite(tps) or tps <= 0:
        raise InfeasibleError(f"the performance engine found no configuration of {model} on "
                              f"{hw.id} that produces tokens at this service level")
    details: dict[str, Any] = {"interactivity_achieved_tok_s_per_user": achieved,
                               "ttft_s": float(getattr(pred, "ttft_s", float("nan"))),
                               "tpot_s": float(getattr(pred, "tpot_s", float("nan"))),
                               "precision": prec, "config": getattr(pred, "config", {})}
    details = {k: v for k, v in details.items() if not (isinstance(v, float) and not np.isfinite(v))}
    priced = interactivity_tok_s if interactivity_tok_s is not None else (
        1.0 / tpot_max_s if tpot_max_s else achieved)
    return OperatingPoint(tps, priced, f"perf engine: {model} on {hw.id}, {input_tokens} in / "
                          f"{output_tokens} out, {prec}", details)


def operating_point(section: FactorySection, hardware: str, *, vs: bool = False,
                    catalog: Catalog | None = None) -> OperatingPoint:
    """The operating point of ``hardware``: given in the scenario, else from the engine."""
    given = section.vs_tokens_per_s_per_accelerator if vs else section.tokens_per_s_per_accelerator
    priced = section.interactivity or (1.0 / section.tpot_max if section.tpot_max else None)
    if given is not None:
        return OperatingPoint(given, priced, "given in the scenario (performance engine bypassed)")
    return engine_operating_point(section.model, hardware, interactivity_tok_s=section.interactivity,
                                  ttft_max_s=section.ttft_max, tpot_max_s=section.tpot_max,
                                  precision=section.precision, input_tokens=section.input_tokens,
                                  output_tokens=section.output_tokens, catalog=catalog)


def price_curve_of(section: FactorySection) -> PriceCurve:
    if section.price_curve is None:
        return DEFAULT_PRICE_CURVE
    pc = section.price_curve
    return PriceCurve(tuple(pc.interactivity), tuple(pc.multiplier), pc.source)


def check_fits(power_w: float, pue: float | Range, hw: Any, allin_power_w: float | Range,
               reference_pue: float) -> None:
    """InfeasibleError unless the budget holds one whole system at the worst PUE of its range."""
    pue_hi = pue.high if isinstance(pue, Range) else float(pue)
    allin_hi = allin_power_w.high if isinstance(allin_power_w, Range) else float(allin_power_w)
    system_it_w = float(it_power_per_accelerator_w(allin_hi, reference_pue)) * hw.accelerators_per_system
    need_w = system_it_w * pue_hi
    if power_w < need_w:
        raise InfeasibleError(
            f"power budget {power_w / 1e3:,.0f} kW is too small for one {hw.id} system: "
            f"{hw.accelerators_per_system} accelerators need {system_it_w / 1e3:,.1f} kW of IT "
            f"power, {need_w / 1e3:,.1f} kW at the site at PUE {pue_hi:g}; give at least that",
            field="power", value=power_w)


def system_inputs(section: FactorySection, hardware: str, catalog: Catalog, *, vs: bool = False,
                  ) -> tuple[dict[str, Any], dict[str, Default], OperatingPoint]:
    """Model inputs (numbers or ranges) and their defaults for one system on the site."""
    hw = catalog.hardware(hardware)
    defaults = default_inputs(hw, catalog)
    values = resolve(defaults, cost_overrides(section, prefix="vs_" if vs else ""))
    check_fits(section.power, values["pue"], hw, values["allin_power_w"], likely(values["reference_pue"]))
    op = operating_point(section, hw.id, vs=vs, catalog=catalog)
    curve = price_curve_of(section)
    mult = float(curve(op.interactivity_tok_s)) if op.interactivity_tok_s else 1.0
    values.update(power_w=section.power, tokens_per_s_per_accelerator=op.tokens_per_s_per_accelerator,
                  accelerators_per_system=hw.accelerators_per_system, price_multiplier=mult,
                  throughput_factor=section.vs_throughput_factor if vs else section.throughput_factor)
    return values, defaults, op


def pair_model(**kw: Any) -> dict[str, np.ndarray]:
    """:func:`factory_model` for two systems on one site (shared site inputs, ``vs_`` system
    inputs), plus the challenger's break-even accelerator price (``vs`` is the challenger)."""
    main = {k: v for k, v in kw.items() if not k.startswith("vs_")}
    other = {**main, **{k[3:]: v for k, v in kw.items() if k.startswith("vs_")}}
    a = factory_model(**main)
    b = factory_model(**other)
    out = dict(a)
    out.update({f"vs_{k}": v for k, v in b.items()})
    out[BREAKEVEN_KEY] = breakeven_accelerator_price_usd(
        b, a, other["accelerator_price_usd"], kw["cost_of_capital"], kw["life_it_years"])
    out[BREAKEVEN_COST_KEY] = breakeven_accelerator_price_cost_usd(
        b, a, other["accelerator_price_usd"], kw["cost_of_capital"], kw["life_it_years"])
    return out


@dataclass
class FactoryResult:
    """Everything one ``tokenfab factory`` run produced."""

    section: FactorySection
    inputs: dict[str, Any]  # model inputs (numbers or ranges); vs_ keys when comparing
    sources: dict[str, Default]
    op: OperatingPoint
    vs_op: OperatingPoint | None
    point: dict[str, float]
    mc: MonteCarloResult | None = None
    bars: list[TornadoBar] = field(default_factory=list)
    tornado_output: str = ""

    @property
    def model(self) -> Callable[..., dict[str, np.ndarray]]:
        return pair_model if self.vs_op is not None else factory_model

    def evaluate(self, **changes: Any) -> dict[str, float]:
        """The point outputs with some inputs changed (for flip points and sweeps)."""
        kw = {**point_inputs(self.inputs), **changes}
        return {k: float(np.asarray(v)) for k, v in self.model(**kw).items()}

    def to_dict(self) -> dict[str, Any]:
        s = self.section
        out: dict[str, Any] = {"hardware": s.hardware, "model": s.model, "power_w": s.power,
                               "operating_point": self.op.to_dict()}
        out.update(_outputs(self.point, ""))
        if self.vs_op is not None:
            out["vs"] = {"hardware": s.vs, "operating_point": self.vs_op.to_dict(),
                         **_outputs(self.point, "vs_")}
            out[BREAKEVEN_KEY] = self.point[BREAKEVEN_KEY]
            out[BREAKEVEN_COST_KEY] = self.point[BREAKEVEN_COST_KEY]
        if self.mc is not None:
            for q in ("p10", "p50", "p90"):
                out[q] = _percentile_block(self.mc, "", q)
                if self.vs_op is not None:
                    out["vs"][q] = _percentile_block(self.mc, "vs_", q)
                    for k in (BREAKEVEN_KEY, BREAKEVEN_COST_KEY):
                        out[q][k] = _pct(self.mc.samples[k], q)
            out["samples"] = self.mc.n
        if self.bars:
            out["tornado"] = {"output": self.tornado_output, "bars": [
                {"input": b.name, "output_at_low": b.output_at_low,
                 "output_at_high": b.output_at_high, "base": b.base} for b in self.bars]}
        out["inputs"] = {k: (likely(v) if isinstance(v, Range) else v)
                         for k, v in point_inputs(self.inputs).items()}
        out["sources"] = {k: {"source": d.source, "kind": d.kind} for k, d in self.sources.items()}
        return out


def _finite_or_none(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def _outputs(point: dict[str, float], prefix: str) -> dict[str, Any]:
    keys = OUTPUT_KEYS + EXTRA_KEYS
    return {k: _finite_or_none(point[prefix + k]) for k in keys}


def _pct(x: np.ndarray, q: str) -> float | None:
    """A percentile without interpolation, so 'never' (inf) draws stay inf -> None."""
    v = float(np.quantile(np.asarray(x, dtype=float), int(q[1:]) / 100.0, method="inverted_cdf"))
    return _finite_or_none(v)


def _percentile_block(mc: MonteCarloResult, prefix: str, q: str) -> dict[str, float | None]:
    return {k: _pct(mc.samples[prefix + k], q) for k in OUTPUT_KEYS + EXTRA_KEYS
            if prefix + k in mc.samples}


def _finite_model(model: Callable[..., dict[str, np.ndarray]]) -> Callable[..., dict[str, Any]]:
    """The model with payback (inf when never) replaced by its finite ingredients, so that the
    shared Monte Carlo accepts it; payback samples are rebuilt afterwards."""

    def run(**kw: Any) -> dict[str, Any]:
        return {k: v for k, v in model(**kw).items() if not k.endswith("payback_years")}

    return run


def _payback_samples(samples: dict[str, np.ndarray], prefix: str) -> np.ndarray:
    cash = samples[prefix + "revenue_usd_per_year"] - samples[prefix + "opex_usd_per_year"]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(cash > 0, samples[prefix + "capex_usd"] / np.where(cash > 0, cash, 1.0),
                        np.inf)


def run_factory(section: FactorySection, catalog: Catalog | None = None, *,
                samples: int | None = None, seed: int | None = None,
                tornado_output: str | None = None, with_tornado: bool = True) -> FactoryResult:
    """Evaluate a ``[factory]`` section: point values, and percentiles when ``samples`` > 0.

    Parameters
    ----------
    section : FactorySection
    catalog : Catalog, optional
    samples : int, optional
        Monte Carlo draws (overrides ``section.samples``); 0 for point values only.
    seed : int, optional
    tornado_output : str, optional
        Output ranked in the tornado (default: profit, or the break-even price with ``vs``).
    """
    cat = catalog if catalog is not None else load_catalog()
    n = section.samples if samples is None else samples
    if n < 0 or n == 1:
        raise TokenfabError(f"must be 0 or >= 2, got {n}", field="samples", value=n)
    cat.model(section.model)  # an unknown model id is an error even when throughput is given
    inputs, sources, op = system_inputs(section, section.hardware, cat)
    vs_op = None
    if section.vs is not None:
        vs_inputs, vs_sources, vs_op = system_inputs(section, section.vs, cat, vs=True)
        for k in SYSTEM_KEYS:
            inputs[f"vs_{k}"] = vs_inputs[k]
        for k in ("accelerator_price_usd", "allin_power_w"):
            sources[f"vs_{k}"] = vs_sources[k]
    result = FactoryResult(section, inputs, sources, op, vs_op, {})
    pt = result.model(**point_inputs(inputs))
    result.point = {k: float(np.asarray(v)) for k, v in pt.items()}
    _check_finite(result.point)
    if n:
        mc = monte_carlo(_finite_model(result.model), inputs, n=n,
                         seed=section.seed if seed is None else seed)
        mc.samples["payback_years"] = _payback_samples(mc.samples, "")
        if vs_op is not None:
            mc.samples["vs_payback_years"] = _payback_samples(mc.samples, "vs_")
        result.mc = mc
    out_name = tornado_output or (BREAKEVEN_KEY if vs_op is not None else "profit_usd_per_year")
    result.tornado_output = out_name
    if with_tornado:
        result.bars = tornado(result.model, inputs, out_name)
    return result


def _check_finite(point: dict[str, float]) -> None:
    for k, v in point.items():
        if not np.isfinite(v) and not k.endswith("payback_years"):
            raise TokenfabError(f"the factory model produced a non-finite {k}; check the inputs "
                                "(zero throughput or zero price?)", field=k)
