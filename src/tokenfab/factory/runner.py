"""Run a factory scenario: ask the performance engine for the operating point, resolve the
inputs (:data:`~tokenfab.factory.inputs.FACTORY_INPUTS`: scenario values over catalog defaults),
evaluate the model, and (optionally) Monte Carlo.

This is the thin layer between the pure model (:mod:`.economics`) and the CLI/report: it does
the catalog look-ups and the engine call, nothing else computes here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tokenfab.catalog import Accelerator, Catalog, load_catalog
from tokenfab.errors import InfeasibleError, TokenfabError
from tokenfab.factory.cashflow import (
    CashFlows,
    cash_flow_metrics,
    investment_metrics,
    yearly_cash_flows,
)
from tokenfab.factory.economics import (
    BREAKEVEN_COST_KEY,
    BREAKEVEN_KEY,
    EXTRA_KEYS,
    OUTPUT_KEYS,
    FactoryOutputs,
    PairOutputs,
    factory_model,
    pair_model,
)
from tokenfab.factory.facility import it_power_per_accelerator_w
from tokenfab.factory.inputs import FACTORY_INPUTS, SYSTEM_INPUTS, VS_PREFIX
from tokenfab.factory.pricing import (
    DEFAULT_PRICE_CURVE,
    PriceCurve,
    market_rent,
    model_token_price,
)
from tokenfab.factory.spec import FactorySection
from tokenfab.inputs import Resolved, Source, Value
from tokenfab.perf.precision import native_precision
from tokenfab.perf.serving import predict
from tokenfab.uncertainty import (
    MonteCarloResult,
    Range,
    TornadoBar,
    likely,
    monte_carlo,
    point_inputs,
    tornado,
)

__all__ = [
    "BREAKEVEN_COST_KEY",
    "CASH_KEYS",
    "BREAKEVEN_KEY",
    "FactoryResult",
    "OperatingPoint",
    "engine_operating_point",
    "operating_point",
    "resolve_inputs",
    "run_factory",
]

#: kernel inputs that belong to one system (the rest describe the shared site)
SYSTEM_KEYS: tuple[str, ...] = ("tokens_per_s_per_accelerator", "throughput_factor",
                                "allin_power", "accelerators_per_system",
                                "accelerator_price", "price_multiplier")
#: inputs of FACTORY_INPUTS that are not keywords of the kernel (service level, the rent it is
#: compared with)
_SERVICE = ("interactivity", "ttft_max", "tpot_max", "market_rent")
#: the cash-flow metrics of the first system (yearly cash flows at the cost of capital):
#: NPV [USD], IRR [1/yr], discounted payback [yr]
CASH_KEYS: tuple[str, ...] = ("npv_usd", "irr", "discounted_payback_years")
#: inputs of the yearly cash flows (cashflow.yearly_cash_flows), not of the kernel
_CASH = ("price_decline_per_year", "construction_time", "ramp_time")


@dataclass(frozen=True)
class OperatingPoint:
    """Where on the throughput/interactivity frontier the factory runs."""

    #: OUTPUT tokens per second per accelerator
    tokens_per_s_per_accelerator: Value
    interactivity_tok_s: float | None  # the service level that is priced
    source: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        t = self.tokens_per_s_per_accelerator
        return {"tokens_per_s_per_accelerator": likely(t),
                "interactivity_tok_s_per_user": self.interactivity_tok_s,
                "source": self.source, **self.details}


def engine_operating_point(model: str, hardware: str, *, interactivity_tok_s: float | None,
                           ttft_max_s: float | None, tpot_max_s: float | None, precision: str,
                           input_tokens: int, output_tokens: int,
                           catalog: Catalog | None = None) -> OperatingPoint:
    """The highest-throughput configuration of the performance engine meeting the service level.

    Calls :func:`tokenfab.perf.serving.predict`; an unreachable service level raises
    :class:`~tokenfab.errors.InfeasibleError` (from the engine) naming the best it can do.
    ``precision="native"`` picks the narrowest format the hardware supports natively.
    """
    cat = catalog if catalog is not None else load_catalog()
    hw = cat.hardware(hardware)
    prec = native_precision(hw) if precision == "native" else precision
    pred = predict(model, hw.id, precision=prec, input_tokens=input_tokens,
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
                               "precision": prec, "config": getattr(pred, "config", {}),
                               # the engine's 80 % prediction interval (tokenfab.perf.era)
                               "tokens_per_s_per_accelerator_p10":
                                   float(pred.output_tokens_per_s_per_accelerator_p10),
                               "tokens_per_s_per_accelerator_p90":
                                   float(pred.output_tokens_per_s_per_accelerator_p90),
                               "software_date": pred.software_date}
    details = {k: v for k, v in details.items() if not (isinstance(v, float) and not np.isfinite(v))}
    priced = interactivity_tok_s if interactivity_tok_s is not None else (
        1.0 / tpot_max_s if tpot_max_s else achieved)
    return OperatingPoint(tps, priced, f"perf engine: {model} on {hw.id}, {input_tokens} in / "
                          f"{output_tokens} out, {prec}", details)


def _opt(v: Value | None) -> float | None:
    return None if v is None else likely(v)


def operating_point(section: FactorySection, hardware: str, resolved: Resolved, *,
                    catalog: Catalog | None = None) -> OperatingPoint:
    """The operating point of ``hardware``: given (``resolved`` has the system's
    ``tokens_per_s_per_accelerator``), else from the engine at the service level."""
    vals = resolved.values
    interactivity, tpot = _opt(vals.get("interactivity")), _opt(vals.get("tpot_max"))
    priced = interactivity or (1.0 / tpot if tpot else None)
    given = vals.get("tokens_per_s_per_accelerator")
    if given is not None:
        return OperatingPoint(given, priced, "given in the scenario (performance engine bypassed)")
    return engine_operating_point(section.model, hardware, interactivity_tok_s=interactivity,
                                  ttft_max_s=_opt(vals.get("ttft_max")), tpot_max_s=tpot,
                                  precision=section.precision, input_tokens=section.input_tokens,
                                  output_tokens=section.output_tokens, catalog=catalog)


def price_curve_of(section: FactorySection) -> PriceCurve:
    if section.price_curve is None:
        return DEFAULT_PRICE_CURVE
    pc = section.price_curve
    return PriceCurve(tuple(pc.interactivity), tuple(pc.multiplier), pc.source)


def check_fits(power_w: float, pue: Value, hw: Accelerator, allin_power_w: Value,
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


def _system_id(section: FactorySection, vs: bool) -> str:
    if not vs:
        return section.hardware
    if section.vs is None:
        raise TokenfabError("no system to compare with; set 'vs'", field="factory.vs")
    return section.vs


def _system_field(vs: bool) -> str:
    """The field that names the system of one side of the run (``factory.vs`` / ``hardware``)."""
    return "factory.vs" if vs else "factory.hardware"


def resolve_inputs(section: FactorySection, catalog: Catalog, *,
                   vs: bool = False) -> Resolved:
    """The factory inputs of one system on the site: the section's values over the defaults.

    With ``vs``, the system inputs are the section's ``vs_`` values over the ``--vs`` system's
    own catalog defaults (:data:`~tokenfab.factory.inputs.SYSTEM_INPUTS`); the site inputs are
    shared.
    """
    given = section.numeric()
    hw = catalog.hardware(_system_id(section, vs), field=_system_field(vs))
    model = catalog.model(section.model, field="factory.model")
    if not vs:
        return FACTORY_INPUTS.resolve(given, catalog, {"hardware": hw, "model": model})
    main = FACTORY_INPUTS.resolve(given, catalog, {"hardware": catalog.hardware(
                                                       section.hardware, field="factory.hardware"),
                                                   "model": model})
    own = SYSTEM_INPUTS.resolve({k: given.get(VS_PREFIX + k) for k in SYSTEM_INPUTS.names},
                                catalog, {"hardware": hw, "model": model})
    values = dict(main.values)
    sources = dict(main.sources)
    values.update(own.values)
    sources.update(own.sources)
    return Resolved("factory", values, sources, main.warnings + own.warnings)


def system_inputs(section: FactorySection, catalog: Catalog, *, vs: bool = False,
                  ) -> tuple[dict[str, Any], Resolved, OperatingPoint]:
    """Kernel inputs (numbers or ranges, the :func:`factory_model` keywords) of one system."""
    hw = catalog.hardware(_system_id(section, vs), field=_system_field(vs))
    res = resolve_inputs(section, catalog, vs=vs)
    v = res.values
    check_fits(float(likely(v["power"])), v["pue"], hw, v["allin_power"],
               likely(v["reference_pue"]))
    op = operating_point(section, hw.id, res, catalog=catalog)
    curve = price_curve_of(section)
    mult = float(curve(op.interactivity_tok_s)) if op.interactivity_tok_s else 1.0
    kernel: dict[str, Any] = {k: x for k, x in v.items() if k not in _SERVICE
                              and not k.startswith(VS_PREFIX)}
    kernel.update(tokens_per_s_per_accelerator=op.tokens_per_s_per_accelerator,
                  accelerators_per_system=hw.accelerators_per_system, price_multiplier=mult,
                  input_per_output=section.input_tokens / section.output_tokens)
    return kernel, res, op


@dataclass(frozen=True)
class FactoryResult:
    """Everything one ``tokenfab factory`` run produced."""

    section: FactorySection
    #: kernel inputs (numbers or ranges; ``vs_`` keys when comparing)
    inputs: dict[str, Any]
    #: the resolved inputs and their sources (the first system)
    resolved: Resolved
    op: OperatingPoint
    #: point values (likely inputs)
    outputs: FactoryOutputs
    vs_resolved: Resolved | None = None
    vs_op: OperatingPoint | None = None
    vs_outputs: FactoryOutputs | None = None
    pair: PairOutputs | None = None
    mc: MonteCarloResult | None = None
    bars: list[TornadoBar] = field(default_factory=list)
    tornado_output: str = ""
    #: where the default token price and market rent come from (provider lists)
    table_sources: dict[str, str] = field(default_factory=dict)

    @property
    def model(self) -> Callable[..., dict[str, np.ndarray]]:
        """The kernel as ``inputs -> {output: array}`` (flat JSON keys)."""
        return _pair_dict if self.vs_op is not None else _single_dict

    @property
    def point(self) -> dict[str, float]:
        """Point outputs as floats, by JSON key (``vs_`` prefix for the challenger)."""
        d = self.pair.to_dict() if self.pair is not None else self.outputs.to_dict()
        return {k: float(np.asarray(v)) for k, v in d.items()}

    @property
    def sources(self) -> dict[str, Source]:
        """Where each input's value comes from (``vs_`` prefix for the challenger's own)."""
        out = dict(self.resolved.sources)
        if self.vs_resolved is not None:
            out.update({VS_PREFIX + k: self.vs_resolved.sources[k] for k in SYSTEM_INPUTS.names
                        if k in self.vs_resolved.sources})
        return out

    def evaluate(self, **changes: Any) -> dict[str, float]:
        """The point outputs with some inputs changed (for flip points and sweeps)."""
        kw = {**point_inputs(self.inputs), **changes}
        return {k: float(np.asarray(v)) for k, v in self.model(**kw).items()}

    def headline(self) -> dict[str, Any]:
        """The issue-13 keys: the price applied and why, the no-arbitrage numbers, utilization
        and demand, and the investment metrics of the yearly cash flows."""
        pt = self.point
        v = self.resolved.values
        src = self.resolved.sources
        mult = float(likely(self.inputs.get("price_multiplier", 1.0)))
        cash = cash_flows_of(pt, point_inputs(self.inputs))
        npv_, irr_, dpb = (float(x) for x in investment_metrics(
            cash, float(likely(v["cost_of_capital"]))))
        rent = v.get("market_rent")
        out: dict[str, Any] = {
            "price_usd_per_mtok_applied": {
                "output": pt["price_usd_per_mtok_effective"],
                "input": pt["price_input_usd_per_mtok_effective"],
                "base_output": float(likely(v["price"])) * 1e6,
                "base_input": float(likely(v["price_input"])) * 1e6,
                "tier_multiplier": mult,
                "input_tokens_per_output_token": float(likely(self.inputs["input_per_output"])),
                "source": (self.table_sources.get("price", src["price"].describe())
                           if src["price"].origin not in ("scenario", "flag")
                           else f"given ({src['price'].origin})"),
                "tier_source": price_curve_of(self.section).source},
            "revenue_usd_per_accelerator_hour": pt["revenue_usd_per_accelerator_hour"],
            "cost_usd_per_accelerator_hour": pt["cost_usd_per_accelerator_hour"],
            "market_rent_usd_per_accelerator_hour": (None if rent is None
                                                     else float(likely(rent)) * 3600.0),
            "market_rent_source": (self.table_sources.get("market_rent", "")
                                   if rent is not None else ""),
            "utilization": pt["utilization"],
            "demand_bound": bool(pt["demand_bound"] > 0.5),
            "npv_usd": npv_,
            "irr": irr_ if np.isfinite(irr_) else None,
            "discounted_payback_years": dpb if np.isfinite(dpb) else None,
            "cash_flows_usd_per_year": {"revenue": cash.revenue_usd.tolist(),
                                        "opex": cash.opex_usd.tolist(),
                                        "capex": cash.capex_usd.tolist(),
                                        "net": cash.net_usd.tolist()},
        }
        if rent is not None and float(likely(rent)) > 0:
            out["revenue_to_rent_ratio"] = (pt["revenue_usd_per_accelerator_hour"]
                                            / (float(likely(rent)) * 3600.0))
        if self.mc is not None and "npv_usd" in self.mc.samples:
            out["npv_usd_percentiles"] = {q: _pct(self.mc.samples["npv_usd"], q)
                                          for q in ("p10", "p50", "p90")}
        if self.mc is not None:
            # Monte Carlo percentiles of the cash-flow metrics (None: no IRR / never pays back
            # in that share of the draws)
            for k in CASH_KEYS:
                if k in self.mc.samples:
                    out.update({f"{k}_{q}": _pct(self.mc.samples[k], q)
                                for q in ("p10", "p50", "p90")})
        return out

    def to_dict(self) -> dict[str, Any]:
        s = self.section
        pt = self.point
        out: dict[str, Any] = {"hardware": s.hardware, "model": s.model, "power_w": s.power,
                               "operating_point": self.op.to_dict()}
        out.update(_outputs(pt, ""))
        if self.vs_op is not None:
            out["vs"] = {"hardware": s.vs, "operating_point": self.vs_op.to_dict(),
                         **_outputs(pt, "vs_")}
            out[BREAKEVEN_KEY] = pt[BREAKEVEN_KEY]
            out[BREAKEVEN_COST_KEY] = pt[BREAKEVEN_COST_KEY]
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
        out.update(self.headline())
        out["inputs"] = point_inputs(self.inputs)
        out["sources"] = {k: {"source": d.text, "kind": d.kind, "origin": d.origin}
                          for k, d in self.sources.items()}
        return out


def _with_npv(out: dict[str, np.ndarray], kw: dict[str, Any]) -> dict[str, np.ndarray]:
    """The outputs with the cash-flow metrics of the first system: ``npv_usd``, ``irr`` (NaN:
    no IRR) and ``discounted_payback_years`` (NaN: never)."""
    npv_, irr_, dpb = cash_flow_metrics(**_cash_kw(out, kw))
    out["npv_usd"], out["irr"], out["discounted_payback_years"] = npv_, irr_, dpb
    return out


def cash_flows_of(out: Mapping[str, Any], kw: Mapping[str, Any]) -> CashFlows:
    """The yearly cash flows of the first system from its outputs and inputs."""
    return yearly_cash_flows(**_cash_kw(out, kw))


def _cash_kw(out: Mapping[str, Any], kw: Mapping[str, Any]) -> dict[str, Any]:
    return dict(
        revenue_usd_per_year=out["revenue_usd_per_year"], opex_usd_per_year=out["opex_usd_per_year"],
        capex_it_usd=out["capex_it_usd"], capex_facility_usd=out["capex_facility_usd"],
        price_decline_per_year=kw.get("price_decline_per_year", 0.0),
        construction_time=kw.get("construction_time", 0.0),
        ramp_time=kw.get("ramp_time", 0.0), life_it=kw["life_it"],
        life_facility=kw["life_facility"], cost_of_capital=kw["cost_of_capital"])


def _split(kw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if k not in _CASH}


def _single_dict(**kw: Any) -> dict[str, np.ndarray]:
    return _with_npv(factory_model(**_split(kw)).to_dict(), kw)


def _pair_dict(**kw: Any) -> dict[str, np.ndarray]:
    return _with_npv(pair_model(**_split(kw)).to_dict(), kw)


def _finite_or_none(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def _outputs(point: Mapping[str, float], prefix: str) -> dict[str, Any]:
    keys = OUTPUT_KEYS + EXTRA_KEYS
    return {k: _finite_or_none(point[prefix + k]) for k in keys}


def _pct(x: np.ndarray, q: str) -> float | None:
    """A percentile without interpolation, so 'never' (inf) draws stay inf -> None."""
    v = float(np.quantile(np.asarray(x, dtype=float), int(q[1:]) / 100.0, method="inverted_cdf"))
    return _finite_or_none(v)


def _percentile_block(mc: MonteCarloResult, prefix: str, q: str) -> dict[str, float | None]:
    return {k: _pct(mc.samples[prefix + k], q) for k in OUTPUT_KEYS + EXTRA_KEYS + CASH_KEYS
            if prefix + k in mc.samples}


#: outputs of the model that are not finite in every draw (NaN = no IRR / never pays back)
_NONFINITE = ("irr", "discounted_payback_years")


def _finite_model(model: Callable[..., dict[str, np.ndarray]],
                  stash: dict[str, np.ndarray]) -> Callable[..., dict[str, Any]]:
    """The model with payback (inf when never) replaced by its finite ingredients, so that the
    shared Monte Carlo accepts it; payback samples are rebuilt afterwards, and IRR and
    discounted payback go to ``stash`` with their "none" draws ordered: no IRR is -inf when the
    NPV at the cost of capital is negative (loses money at every rate), +inf otherwise; never
    paying back is +inf."""

    def run(**kw: Any) -> dict[str, Any]:
        out = model(**kw)
        irr_ = np.asarray(out["irr"], dtype=float)
        stash["irr"] = np.where(np.isnan(irr_), np.where(np.asarray(out["npv_usd"]) < 0,
                                                         -np.inf, np.inf), irr_)
        dpb = np.asarray(out["discounted_payback_years"], dtype=float)
        stash["discounted_payback_years"] = np.where(np.isnan(dpb), np.inf, dpb)
        return {k: v for k, v in out.items()
                if not k.endswith("payback_years") and k not in _NONFINITE}

    return run


def _payback_samples(samples: dict[str, np.ndarray], prefix: str) -> np.ndarray:
    cash = samples[prefix + "revenue_usd_per_year"] - samples[prefix + "opex_usd_per_year"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out: np.ndarray = np.where(
            cash > 0, samples[prefix + "capex_usd"] / np.where(cash > 0, cash, 1.0), np.inf)
    return out


def run_factory(section: FactorySection, catalog: Catalog | None = None, *,
                samples: int | None = None, seed: int | None = None,
                tornado_output: str | None = None, with_tornado: bool = True) -> FactoryResult:
    """Evaluate a ``[factory]`` section: point values, and percentiles when ``samples`` > 0.

    Parameters
    ----------
    section : FactorySection
    catalog : Catalog, optional
        Reaches every default (pass the CLI's, so ``--catalog`` applies).
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
    cat.model(section.model, field="factory.model")  # an unknown model id is an error even when throughput is given
    inputs, resolved, op = system_inputs(section, cat)
    vs_res = vs_op = None
    if section.vs is not None:
        vs_inputs, vs_res, vs_op = system_inputs(section, cat, vs=True)
        for k in SYSTEM_KEYS:
            inputs[VS_PREFIX + k] = vs_inputs[k]
    pt = point_inputs(inputs)
    pair = pair_model(**_split(pt)) if vs_op is not None else None
    outputs = pair.main if pair is not None else factory_model(**_split(pt))
    point_dict = pair.to_dict() if pair is not None else outputs.to_dict()
    _check_finite({k: float(np.asarray(v)) for k, v in point_dict.items()})
    model = _pair_dict if vs_op is not None else _single_dict
    mc = None
    if n:
        stash: dict[str, np.ndarray] = {}
        mc = monte_carlo(_finite_model(model, stash), inputs, n=n,
                         seed=section.seed if seed is None else seed)
        mc.samples.update({k: np.broadcast_to(v, (n,)).copy() for k, v in stash.items()})
        mc.samples["payback_years"] = _payback_samples(mc.samples, "")
        if vs_op is not None:
            mc.samples["vs_payback_years"] = _payback_samples(mc.samples, "vs_")
    out_name = tornado_output or (BREAKEVEN_KEY if vs_op is not None else "profit_usd_per_year")
    bars = tornado(model, inputs, out_name) if with_tornado else []
    hw = cat.hardware(section.hardware, field="factory.hardware")
    mdl = cat.model(section.model, field="factory.model")
    tables = {"price": model_token_price(cat, mdl, "output").source + "; input: "
              + model_token_price(cat, mdl, "input").source,
              "market_rent": market_rent(cat, hw).source}
    return FactoryResult(section, inputs, resolved, op, outputs, vs_res, vs_op,
                         pair.vs if pair is not None else None, pair, mc, bars, out_name, tables)


def _check_finite(point: dict[str, float]) -> None:
    for k, v in point.items():
        if not np.isfinite(v) and not k.endswith("payback_years"):
            raise TokenfabError(f"the factory model produced a non-finite {k}; check the inputs "
                                "(zero throughput or zero price?)", field=k)
