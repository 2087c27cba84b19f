"""Verdicts on claims: does the factory model support a scenario's claim, and where does it flip?

Claims are :class:`tokenfab.claims.Claim` records, graded by :func:`tokenfab.claims.check`
(one :class:`~tokenfab.claims.Verdict` type for the whole project). A scenario names them as
``[[claims]]`` tables (any ``tokenfab factory --json`` key, or a ratio of :func:`quantities`, as
``quantity``) or, the older way, with ``[factory.check]``, which :func:`claim_of` maps onto a
Claim. :func:`judge` grades one claim against a
:class:`~tokenfab.factory.runner.FactoryResult` and adds what the factory model knows about it
(breakdowns, flip points, sweeps) as the finding's details and numbers;
:func:`scenario_verdict` does the whole run from a file. The report only renders the findings.

Grading (the rules of :func:`tokenfab.claims.check`):

* ``capex_per_gw`` -> quantity ``capex_usd_per_site_w``, ``in_range [low, high]``: supported when
  the model's all-in capex per W of site power lies in the interval; partly when its p10-p90
  band (without Monte Carlo: the point +-20%) overlaps it; else not supported.
* ``revenue_ratio`` -> quantity ``revenue_ratio``, ``ratio``: supported within a factor 1.25 of
  the claim, partly within a factor 2.
* ``free_challenger_loses`` -> quantity ``breakeven_price_usd_per_accelerator``, ``at_most 0``:
  supported when the challenger's profit break-even price is <= 0 (even free, it earns less on
  the same power) in the point run and in >= 80% of Monte Carlo draws; partly when the point or
  >= 20% of draws do; else not supported.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tokenfab import display
from tokenfab.catalog import Catalog, load_catalog
from tokenfab.claims import Claim, Comparison, Finding, check, claims_from
from tokenfab.errors import TokenfabError
from tokenfab.factory.compare import Flip, linear_root, ratio_sweep
from tokenfab.factory.runner import BREAKEVEN_COST_KEY, BREAKEVEN_KEY, FactoryResult, run_factory
from tokenfab.factory.spec import ClaimCheck, FactorySection
from tokenfab.scenario import load_section, load_toml, scenario_meta
from tokenfab.uncertainty import likely
from tokenfab.units import SECONDS_PER_YEAR

__all__ = ["claim_of", "demand_bound_run", "judge", "judge_all", "market_share", "quantities",
           "rent_gap", "scenario_verdict", "sourced_demand_share"]

SWEEP_INTERACTIVITIES: tuple[float, ...] = (5, 10, 20, 35, 50, 75, 100, 150, 200, 300)
_MWH = 3.6e9  # J per MWh

#: the quantity each ``[factory.check]`` kind grades, its comparison and unit
_KINDS: dict[str, tuple[str, str]] = {
    "capex_per_gw": ("capex_usd_per_site_w", "USD/W"),
    "revenue_ratio": ("revenue_ratio", "x"),
    "free_challenger_loses": (BREAKEVEN_KEY, "USD"),
}


def claim_of(chk: ClaimCheck, *, text: str = "", source: str = "") -> Claim:
    """The :class:`~tokenfab.claims.Claim` a ``[factory.check]`` table stands for."""
    quantity, unit = _KINDS[chk.kind]
    if chk.kind == "capex_per_gw":
        cmp = Comparison("in_range", low=float(chk.low or 0.0), high=float(chk.high or 0.0))
    elif chk.kind == "revenue_ratio":
        cmp = Comparison("ratio", target=float(chk.ratio or 0.0))
    else:
        cmp = Comparison("at_most", target=0.0)
    return Claim(chk.kind, text, source or "scenario file [factory.check]", quantity, cmp, unit)


def quantities(r: FactoryResult) -> dict[str, tuple[float, np.ndarray | None]]:
    """Every quantity a factory claim can name: ``key -> (point value, Monte Carlo sample)``.

    The JSON output keys (``vs_`` prefix for the challenger), and with ``vs`` the ratios
    ``revenue_ratio``, ``tokens_per_mw_ratio``, ``profit_ratio`` (first system / challenger) and
    ``revenue_per_perf_per_watt`` = revenue ratio / tokens-per-MW ratio (1 when revenue follows
    perf/W, as in a power-bound site; below 1 when demand caps what the better system sells)."""
    samples = r.mc.samples if r.mc is not None else {}
    out: dict[str, tuple[float, np.ndarray | None]] = {
        k: (v, samples.get(k)) for k, v in r.point.items()}
    if r.vs_op is not None:
        for name, key in (("revenue_ratio", "revenue_usd_per_year"),
                          ("tokens_per_mw_ratio", "tokens_per_s_per_mw"),
                          ("profit_ratio", "profit_usd_per_year")):
            a, b = r.point[key], r.point["vs_" + key]
            s = (samples[key] / samples["vs_" + key]) if key in samples else None
            out[name] = (a / b if b != 0 else math.nan, s)
        rev, per_w = out["revenue_ratio"], out["tokens_per_mw_ratio"]
        out["revenue_per_perf_per_watt"] = (
            rev[0] / per_w[0] if per_w[0] else math.nan,
            rev[1] / per_w[1] if rev[1] is not None and per_w[1] is not None else None)
    return out


def perf_per_watt_regimes(section: FactorySection, claim: Claim,
                          catalog: Catalog | None = None, *, samples: int | None = None,
                          demand_share: float = 1e-4) -> list[tuple[str, FactoryResult, Finding]]:
    """"2x perf/W gives 2x revenue" on two real systems, in both regimes.

    Runs ``section`` (a system and its ``vs`` at equal power) as given (power-bound unless the
    section caps demand) and again with ``demand_share`` of the market's token volume
    (demand-bound), and grades ``claim`` (quantity ``revenue_per_perf_per_watt``) in each.
    Returns ``[(regime, result, finding), ...]``.
    """
    cat = catalog if catalog is not None else load_catalog()
    runs = [(regime, run_factory(sec, cat, samples=samples, with_tornado=False))
            for regime, sec in (("power-bound", section),
                                ("demand-bound",
                                 section.model_copy(update={"demand_share": demand_share})))]
    # perf per watt is what the systems can do: tokens per MW of the power-bound run (in the
    # demand-bound run the delivered tokens per MW are capped too); same seed, same draws
    per_w, per_w_s = quantities(runs[0][1])["tokens_per_mw_ratio"]
    out = []
    for regime, r in runs:
        rev, rev_s = quantities(r)["revenue_ratio"]
        value = rev / per_w if per_w else math.nan
        sample = rev_s / per_w_s if rev_s is not None and per_w_s is not None else None
        head = (f"{regime}: at equal power {r.section.hardware} earns {rev:.2f}x the revenue of "
                f"{r.section.vs} for {per_w:.2f}x its tokens per watt (ratio {value:.2f}; "
                f"utilization {r.point['utilization']:.2g} vs {r.point['vs_utilization']:.2g})")
        out.append((regime, r, check(claim, value, sample, headline=head,
                                     numbers={"revenue_ratio": rev, "perf_per_watt_ratio": per_w,
                                              "demand_bound": r.point.get("demand_bound")})))
    return out


def _usd(x: float) -> str:
    a = abs(x)
    for div, suf in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{'-' if x < 0 else ''}${a / div:,.3g}{suf}"
    return f"{'-' if x < 0 else ''}${a:,.3g}"


def _band(r: FactoryResult, key: str, v: float) -> tuple[float, float]:
    """p10-p90 of a sample (the point +-20% without one: the claims module's rule)."""
    x = r.mc.samples.get(key) if r.mc is not None else None
    if x is not None:
        x = x[np.isfinite(x)]
        if x.size:
            return float(np.percentile(x, 10)), float(np.percentile(x, 90))
    return 0.8 * v, 1.2 * v


_Analysis = tuple[str, list[str], list[Flip], dict[str, Any]]


def _capex_per_gw(r: FactoryResult, c: Claim) -> _Analysis:
    p = r.point
    v = p["capex_usd_per_site_w"]
    lo, hi = float(c.comparison.low or 0.0), float(c.comparison.high or 0.0)
    band = _band(r, "capex_usd_per_site_w", v)
    head = (f"the model puts the all-in capex of this site at ${v:.1f}B per GW of site power "
            f"(p10-p90 ${band[0]:.1f}-{band[1]:.1f}B), against the claimed ${lo:g}-{hi:g}B")
    site_w = float(r.section.power)
    it = p["it_power_w"]
    price0 = likely(r.inputs["accelerator_price"])
    acc_w = p["accelerators"] * price0 / site_w
    findings = [
        f"breakdown per W of site power: accelerators/systems ${acc_w:.1f}, networking & storage "
        f"${(p['capex_it_usd'] / site_w - acc_w):.1f}, power/cooling + building "
        f"${p['capex_facility_usd'] / site_w:.1f} ({it / 1e9:.2f} GW of IT power, "
        f"{p['accelerators']:,.0f} accelerators)",
        f"first full year at today's price: revenue {_usd(p['revenue_usd_per_year'])}/yr, TCO "
        f"{_usd(p['tco_usd_per_year'])}/yr, gross margin {p['gross_margin']:.0%}; simple payback "
        "at today's price (undiscounted, not a cash-flow metric) "
        + display.years(p["payback_years"]),
    ]
    cash = r.headline()  # the yearly cash flows (price falling, construction, ramp)
    if cash.get("npv_usd") is not None and math.isfinite(float(cash["npv_usd"])):
        irr_ = cash.get("irr")
        dpb_ = cash.get("discounted_payback_years")
        findings.append(
            f"cash flows with the price falling, construction and ramp: NPV {_usd(cash['npv_usd'])} "
            f"at the cost of capital, IRR "
            + (f"{float(irr_):.1%}" if irr_ is not None and math.isfinite(float(irr_)) else "none")
            + ", discounted payback "
            + (display.years(float(dpb_)) if dpb_ is not None and math.isfinite(float(dpb_))
               else "not within the IT life"))
    flips = []
    for tgt, label in ((lo, "low"), (hi, "high")):
        f = linear_root(r, "capex_usd_per_site_w", "accelerator_price", target=tgt, lo=0.0,
                        hi=max(10 * price0, 1e6),
                        note=f"accelerator price at which capex reaches the claim's {label} end")
        flips.append(f)
        if f.value is not None:
            findings.append(f"capex reaches ${tgt:g}B/GW at an accelerator price of {_usd(f.value)} "
                            f"(default: {_usd(price0)})")
    flips += _profit_flips(r, findings)
    return head, findings, flips, {"capex_usd_per_site_w": v, "band": list(band)}


def _profit_flips(r: FactoryResult, findings: list[str]) -> list[Flip]:
    """Token price and electricity price at which the site's profit is zero."""
    out = []
    f = linear_root(r, "profit_usd_per_year", "price", lo=1e-15, hi=1e-2,
                    note="reference token price [USD/token] at which the factory breaks even")
    out.append(f)
    mult = likely(r.inputs["price_multiplier"])
    if f.value is not None:
        findings.append(f"breaks even at ${f.value * 1e6 * mult:.3g} per million tokens at this "
                        f"interactivity (the default assumes "
                        f"${likely(r.inputs['price']) * 1e6 * mult:.3g})")
    e = linear_root(r, "profit_usd_per_year", "electricity_price", lo=0.0, hi=2000 / _MWH,
                    note="electricity price at which profit is zero")
    out.append(e)
    findings.append("profit turns negative above an electricity price of "
                    + (f"${e.value * _MWH:,.0f}/MWh" if e.value is not None else
                       "$2,000/MWh or more (never, in practice)" if r.point["profit_usd_per_year"] > 0
                       else "$0/MWh (it is negative even with free power)"))
    return out


def _revenue_ratio(r: FactoryResult, c: Claim, catalog: Catalog) -> _Analysis:
    p = r.point
    ratio = p["revenue_usd_per_year"] / p["vs_revenue_usd_per_year"]
    claim = float(c.comparison.target or 0.0)
    s = r.section
    head = (f"at equal power ({s.power / 1e9:g} GW) {s.hardware} earns {ratio:.2f}x the revenue of "
            f"{_vs_label(r)}; the claim is {claim:g}x")
    findings = [
        f"tokens per MW: {p['tokens_per_s_per_mw']:,.0f} vs {p['vs_tokens_per_s_per_mw']:,.0f} tok/s "
        f"({p['tokens_per_s_per_mw'] / p['vs_tokens_per_s_per_mw']:.2f}x)",
        f"cost per million tokens: ${p['cost_usd_per_mtok']:.3g} vs ${p['vs_cost_usd_per_mtok']:.3g}; "
        f"profit {_usd(p['profit_usd_per_year'])}/yr vs {_usd(p['vs_profit_usd_per_year'])}/yr "
        f"({p['profit_usd_per_year'] / p['vs_profit_usd_per_year']:.2f}x): revenue scales with "
        "tokens per watt, cost does not" if p["vs_profit_usd_per_year"] > 0 else
        f"profit {_usd(p['profit_usd_per_year'])}/yr vs {_usd(p['vs_profit_usd_per_year'])}/yr",
    ]
    if r.mc is not None:
        x = r.mc.samples["revenue_usd_per_year"] / r.mc.samples["vs_revenue_usd_per_year"]
        findings.append(f"revenue ratio p10-p90: {np.percentile(x, 10):.2f}-{np.percentile(x, 90):.2f}x")
    need = claim / ratio * likely(r.inputs["throughput_factor"])
    flips = [Flip("throughput_factor", need, "revenue ratio", claim,
                  f"{s.hardware}'s throughput would need {need:.2f}x the engine's prediction")]
    findings.append(f"to reach {claim:g}x, {s.hardware} would need {need:.2f}x its predicted "
                    "throughput per accelerator (revenue is proportional to tokens per watt at "
                    "equal power and price)")
    numbers: dict[str, Any] = {"revenue_ratio": ratio, "claimed_ratio": claim}
    if r.op.source.startswith("perf engine") and r.vs_op is not None \
            and r.vs_op.source.startswith("perf engine") and s.vs != s.hardware:
        rows = ratio_sweep(s, list(SWEEP_INTERACTIVITIES), catalog)
        numbers["sweep"] = rows
        ok = [row for row in rows if row["ratio"] is not None]
        if ok:
            best = max(ok, key=lambda row: row["ratio"])
            findings.append(f"across interactivities {ok[0]['interactivity_tok_s']:g}-"
                            f"{ok[-1]['interactivity_tok_s']:g} tok/s/user the ratio runs "
                            f"{min(row['ratio'] for row in ok):.1f}-{best['ratio']:.1f}x, largest at "
                            f"{best['interactivity_tok_s']:g} tok/s/user")
            hit = [row["interactivity_tok_s"] for row in ok if row["ratio"] >= claim / 1.25]
            findings.append(f"the claimed {claim:g}x is reached (within 25%) at "
                            f"{', '.join(f'{h:g}' for h in hit)} tok/s/user" if hit else
                            f"no interactivity in the sweep reaches {claim:g}x")
        gone = [row["interactivity_tok_s"] for row in rows if row["ratio"] is None]
        if gone:
            findings.append(f"not reachable by one of the systems at {', '.join(f'{g:g}' for g in gone)}"
                            " tok/s/user (a ratio of 'infinity' there is not a throughput claim)")
    return head, findings, flips, numbers


def _free_challenger(r: FactoryResult, c: Claim) -> _Analysis:
    p = r.point
    s = r.section
    b, bc = p[BREAKEVEN_KEY], p[BREAKEVEN_COST_KEY]
    share = float(np.mean(r.mc.samples[BREAKEVEN_KEY] <= 0)) if r.mc is not None else None
    gap = p["tokens_per_s_per_mw"] / p["vs_tokens_per_s_per_mw"]
    head = (f"on {s.power / 1e9:g} GW, {s.vs} matches {s.hardware}'s profit at an accelerator "
            f"price of {_usd(b)}" + (" — negative: even free it earns less" if b < 0 else
                                     " — a free (or cheap) challenger wins"))
    findings = [f"{s.hardware} makes {gap:.2f}x the tokens per MW of {s.vs}"]
    if share is not None and r.mc is not None:
        findings.append(f"even-free-loses in {share:.0%} of {r.mc.n:,} Monte Carlo draws")
    findings.append(f"on cost per million tokens (demand-limited, not power-limited) the break-even "
                    f"price is {_usd(bc)}")
    flips = []
    f = linear_root(r, BREAKEVEN_KEY, "vs_throughput_factor", lo=1e-3, hi=1e3,
                    note="challenger throughput multiple at which a free challenger ties on profit")
    flips.append(f)
    if f.value is not None:
        f0 = likely(r.inputs["vs_throughput_factor"])
        findings.append(f"a free {s.vs} ties on profit when {s.hardware}'s perf/W lead shrinks to "
                        f"{gap * f0 / f.value:.2f}x (challenger throughput x{f.value / f0:.2f})")
    t = linear_root(r, BREAKEVEN_KEY, "price", lo=1e-15, hi=1e-2,
                    note="reference token price [USD/token] at which a free challenger ties on "
                    "profit")
    flips.append(t)
    mult = likely(r.inputs["price_multiplier"])
    now = likely(r.inputs["price"]) * 1e6 * mult
    findings.append(f"a free {s.vs} ties on profit when tokens sell for ${t.value * 1e6 * mult:.3g} "
                    f"per million (default ${now:.3g}); " + ("below that, the free chip wins"
                                                              if b < 0 else "above that, it loses")
                    if t.value is not None else
                    f"no token price up to $10,000 per million makes a free {s.vs} tie on profit")
    e_lo, e_hi = 20 / _MWH, 200 / _MWH
    b_lo = r.evaluate(electricity_price=e_lo)[BREAKEVEN_KEY]
    b_hi = r.evaluate(electricity_price=e_hi)[BREAKEVEN_KEY]
    findings.append(f"at equal power the profit break-even barely depends on electricity "
                    f"({_usd(b_lo)} at $20/MWh, {_usd(b_hi)} at $200/MWh): both sites buy the same "
                    "power and buildings, so only revenue and chip capex differ")
    for name, lo, hi, unit, k in (("electricity_price", 0.0, 2000 / _MWH, "/MWh", _MWH),
                                  ("building_cost", 0.0, 500.0, "/W of IT", 1.0)):
        g = linear_root(r, BREAKEVEN_COST_KEY, name, lo=lo, hi=hi,
                        note=f"{name} at which a free challenger ties on cost per million tokens")
        flips.append(g)
        label = "electricity price" if name.startswith("electricity") else "building & land cost"
        now = likely(r.inputs[name]) * k
        findings.append(f"on cost per token a free {s.vs} ties at a {label} of "
                        f"${g.value * k:,.3g}{unit} (default ${now:,.3g}{unit})" if g.value is not None
                        else f"on cost per token a free {s.vs} does not tie at any {label} from "
                        f"${lo * k:g} to ${hi * k:g}{unit} (default ${now:,.3g}{unit})")
    return head, findings, flips, {BREAKEVEN_KEY: b, BREAKEVEN_COST_KEY: bc,
                                   "perf_per_watt_ratio": gap, "share_free_loses": share,
                                   "sensitivity": break_even_grid(r)}


def break_even_grid(r: FactoryResult) -> dict[str, list[dict[str, float]]]:
    """Both break-even prices of the challenger over electricity price [USD/MWh], building &
    land cost [USD/W of IT] and the challenger's perf/W relative to the model's (one input
    moved at a time, the others at their likely values)."""
    grids: dict[str, tuple[str, tuple[float, ...], float | None]] = {
        "electricity_usd_per_mwh": ("electricity_price", (20, 40, 70, 100, 150, 200), 1 / _MWH),
        "building_land_usd_per_it_w": ("building_cost", (0, 2.5, 5, 10, 20), 1.0),
        "challenger_perf_per_watt_x": ("vs_throughput_factor", (0.5, 1, 2, 4, 8), None)}
    out: dict[str, list[dict[str, float]]] = {}
    for label, (name, xs, k) in grids.items():
        rows = []
        for x in xs:
            v = x * k if k is not None else x * likely(r.inputs["vs_throughput_factor"])
            e = r.evaluate(**{name: v})
            rows.append({label: float(x), BREAKEVEN_KEY: e[BREAKEVEN_KEY],
                         BREAKEVEN_COST_KEY: e[BREAKEVEN_COST_KEY]})
        out[label] = rows
    return out


def _vs_label(r: FactoryResult) -> str:
    s = r.section
    f = r.inputs["vs_throughput_factor"]
    if s.vs == s.hardware or (not hasattr(f, "likely") and float(f) != 1.0):
        return f"{s.vs} (x{likely(f):g} throughput)"
    return str(s.vs)


def volume_finding(r: FactoryResult, catalog: Catalog) -> str | None:
    """How the site's token output compares with the largest published token volume.

    The published volumes count every token processed (input + output); the site's output
    tokens are counted with their ``input_per_output`` input tokens for the comparison."""
    if "google_tokens_per_month_2026_05" not in catalog.economics:
        return None
    g = catalog.assumption("google_tokens_per_month_2026_05")
    yearly = g.value * SECONDS_PER_YEAR  # the catalog stores the rate in SI, tokens per second
    out = r.point["tokens_per_year"]
    k = float(likely(r.inputs.get("input_per_output", 0.0)))
    x = out * (1.0 + k) / yearly
    return (f"this site would produce {display.quantity(out, 'output tokens')} a year "
            f"({display.quantity(out * (1.0 + k), 'tokens')} with their "
            f"{display.number(k, 2)} input token{'' if k == 1 else 's'} per output token), "
            f"{display.number(x, 2)}x "
            f"Google's annualised volume of {display.quantity(yearly, 'tokens')} a year "
            f"({display.quantity(yearly / 12.0, 'tokens')} per month, {g.source}); "
            "the revenue assumes buyers for all of it at the assumed price")


def market_share(r: FactoryResult) -> tuple[float, float]:
    """(tokens the site processes a year, input + output; that as a share of the market's
    published volume ``market_tokens_per_year``, the base of ``demand_share``)."""
    k = float(likely(r.inputs.get("input_per_output", 0.0)))
    processed = r.point["tokens_per_year"] * (1.0 + k)
    return processed, processed / float(likely(r.resolved.values["market_tokens_per_year"]))


def sourced_demand_share(r: FactoryResult, catalog: Catalog) -> tuple[float, str]:
    """A published demand share for one site: everything OpenRouter routed in a year (every
    model, every provider: ``openrouter_tokens_per_day``) over the market volume the run uses.

    Generous for one site serving one model (OpenRouter sells hundreds), so the demand-bound
    result it gives is an upper end. Returns ``(share, how it is made, with sources)``."""
    o = catalog.assumption("openrouter_tokens_per_day")  # SI: tokens per second
    market = float(likely(r.resolved.values["market_tokens_per_year"]))
    share = o.value * SECONDS_PER_YEAR / market
    return share, (f"OpenRouter's whole volume, {display.quantity(o.value * 86400.0, 'tokens')} "
                   f"a day ({o.source}), over the market's "
                   f"{display.quantity(market, 'tokens')} a year "
                   f"({r.sources['market_tokens_per_year'].text})")


def demand_bound_run(r: FactoryResult, share: float, catalog: Catalog | None = None, *,
                     samples: int = 0) -> FactoryResult:
    """The same scenario with sales capped at ``share`` of the market's token volume
    (``demand_share``); point values unless ``samples``."""
    sec = r.section.model_copy(update={"demand_share": share})
    return run_factory(sec, catalog, samples=samples, with_tornado=False)


#: DeepSeek, "DeepSeek-V3/R1 Inference System Overview" (2025-03-01,
#: github.com/deepseek-ai/open-infra-index): theoretical revenue at R1 prices $562,027/day over
#: the fleet's cost at $2 per H800-hour, $87,072/day (tests/factory/test_market_references.py)
DEEPSEEK_REVENUE_TO_RENT = 562_027 / 87_072
_DEEPSEEK_SRC = "DeepSeek, V3/R1 Inference System Overview, 2025-03-01"

#: the no-arbitrage claim: an owner's token revenue per accelerator-hour within a small factor
#: of the accelerator's market rent (supported within 2x: an operator's margin over a lessor;
#: partly within 4x)
NO_ARBITRAGE = Claim(
    "no_arbitrage_rent", "token revenue per accelerator-hour is consistent with the market rent "
    "of the accelerator", "issue 13: no-arbitrage against GPU rents", "revenue_to_rent_ratio",
    Comparison("ratio", target=1.0, supported_within=2.0, partly_within=4.0), "x")


def _span(v: Any) -> tuple[float, float, float]:
    """(low, likely, high) of a number or a Range."""
    if hasattr(v, "likely"):
        return float(v.low), float(v.likely), float(v.high)
    x = float(v)
    return x, x, x


def _fmt_gap(unit: str) -> Callable[[float], str]:
    """How a factor of :func:`rent_gap` is printed: a fraction, dollars, or a count."""
    if unit == "":
        return lambda x: f"{x:.2f}"
    if unit.startswith("$"):
        return lambda x: f"${x:.3g}"
    return lambda x: f"{x:,.0f}"


def _engine_interval(r: FactoryResult, t_mid: float) -> tuple[float, float] | None:
    """The performance engine's (p10, p90) output tok/s per accelerator for the first system,
    when its throughput is the engine's prediction (not a value the user gave)."""
    op = r.op
    if op is None or not op.source.startswith("perf engine"):
        return None
    if abs(float(likely(op.tokens_per_s_per_accelerator)) - t_mid) > 1e-9 * max(t_mid, 1.0):
        return None
    lo = op.details.get("tokens_per_s_per_accelerator_p10")
    hi = op.details.get("tokens_per_s_per_accelerator_p90")
    if lo is None or hi is None or not (0.0 < float(lo) < t_mid):
        return None
    return float(lo), float(hi)


def rent_gap(r: FactoryResult) -> Finding:
    """Which assumption carries the gap between token revenue per accelerator-hour and the rent.

    The ratio is a product (not demand-bound; ``Y`` hours are the same on both sides)

    ``revenue / rent = T x u x 3600 x p_b / R``,  ``p_b = m (p_out + k p_in)``

    (``T`` output tok/s per accelerator at the operating point x ``throughput_factor`` (its range:
    the range given, else the performance engine's 80 % prediction interval, p10 as the
    favourable end), ``u``
    utilization, ``p_b`` the blended price per output token with ``k`` input tokens per output
    token and tier multiplier ``m``, ``R`` the rent per hour). For each factor the finding gives
    the value that alone would make the ratio 1 and whether it lies in the factor's sourced range,
    and its *coverage*: the share of ``ln(ratio)`` that moving it to the favourable end of its
    range removes (``ln(likely/low) / ln(ratio)``; rent: ``ln(high/likely) / ln(ratio)``). The
    factor with the largest coverage carries the gap; when even all coverages together stay below
    1, no sourced input closes it and the market itself (list token prices vs rents) disagrees.

    Graded as :data:`NO_ARBITRAGE` (ratio 1, supported within 2x, partly within 4x).
    """
    pt = r.point
    inp = r.inputs
    rent_v = r.resolved.values.get("market_rent")
    rev_h = pt["revenue_usd_per_accelerator_hour"]
    cost_h = pt["cost_usd_per_accelerator_hour"]
    if rent_v is None or likely(rent_v) <= 0:
        return check(NO_ARBITRAGE, None, headline="no market rent for this accelerator")
    r_lo, r_mid, r_hi = (x * 3600.0 for x in _span(rent_v))
    ratio = rev_h / r_mid
    k = float(likely(inp.get("input_per_output", 0.0)))
    m = float(likely(inp.get("price_multiplier", 1.0)))
    p_lo, p_mid, p_hi = _span(inp["price"])
    i_lo, i_mid, i_hi = _span(inp.get("price_input", 0.0))
    t_mid = float(likely(inp["tokens_per_s_per_accelerator"]))
    f_lo, f_mid, f_hi = _span(inp.get("throughput_factor", 1.0))
    t_lo0, _, _ = _span(inp["tokens_per_s_per_accelerator"])
    t_src = "range given" if t_lo0 < t_mid else "no range: the performance engine's point prediction"
    eng = _engine_interval(r, t_mid)
    if t_lo0 >= t_mid and eng is not None:
        # the engine's throughput is a prediction with an 80 % interval (tokenfab.perf.era,
        # fitted held out): its p10 is the favourable end for the gap
        t_lo0 = eng[0]
        t_src = (f"the performance engine's 80% prediction interval, p10 {eng[0]:,.0f} to p90 "
                 f"{eng[1]:,.0f} tok/s")
    u_lo, _, _ = _span(inp["utilization"])
    u = pt["utilization"]
    bound = pt["demand_bound"] > 0.5
    pb = m * (p_mid + k * i_mid) * 1e6
    pb_lo = m * (p_lo + k * i_lo) * 1e6
    # (name, likely, favourable end, value closing the gap alone, unit text, range source)
    rows = [
        ("token price (blended, per million output tokens)", pb, pb_lo, pb / ratio, "$/Mtok",
         "provider spread in token_prices.csv"),
        ("throughput at this interactivity (output tok/s per accelerator)", t_mid * f_mid,
         t_lo0 * f_lo, t_mid * f_mid / ratio, "tok/s", t_src),
        ("utilization", u, min(u, u_lo) if not bound else u, u / ratio, "",
         "demand-bound: set by the demand cap" if bound else "sourced range of the input"),
        ("market rent (per accelerator-hour)", r_mid, r_hi, r_mid * ratio, "$/h",
         "rows of gpu_rents.csv"),
    ]
    # where the rent comes from is provenance (market_rent_source in the JSON, the report's
    # row note), not part of the finding: a resolved scenario gives the same finding
    rent_src = f" (range {_usd(r_lo)}-{_usd(r_hi)})" if r_lo < r_hi else ""
    lg = math.log(ratio) if ratio > 0 and ratio != 1.0 else float("nan")
    cover: dict[str, float] = {}
    details = [
        f"revenue per accelerator-hour {_usd(rev_h)} = {t_mid * f_mid:,.0f} tok/s x {u:.2f} "
        f"utilization x 3,600 s/h x ${pb:.3g} per million output tokens (${m * p_mid * 1e6:.3g}"
        f" output + {k:.2g} input tokens at ${m * i_mid * 1e6:.3g}/M) = {ratio:.2g}x the market "
        f"rent {_usd(r_mid)}/h{rent_src}",
        f"cost per accelerator-hour (capital charge + opex) {_usd(cost_h)} = {cost_h / r_mid:.2g}x "
        "the rent" + (": owning costs less than renting, as a lessor's margin implies; the gap is "
                      "on the revenue side" if cost_h < r_mid else
                      ": owning costs more than renting; check the capex and the cost of capital"),
    ]
    for name, mid, fav, close, unit, src in rows:
        is_rent = name.startswith("market rent")
        c = (math.log(fav / mid) if is_rent else math.log(mid / fav)) / lg if (
            mid > 0 and fav > 0 and math.isfinite(lg)) else 0.0
        cover[name] = max(c, 0.0) if ratio > 1 else 0.0
        inside = (close <= fav) if is_rent else (close >= fav)
        fmt = _fmt_gap(unit)
        details.append(f"{name}: {fmt(mid)}{' ' + unit if unit and not unit.startswith('$') else ''}"
                       f"; alone it closes the gap at {fmt(close)} "
                       f"({'inside' if inside else 'outside'} its range, {src}: favourable end "
                       f"{fmt(fav)}; covers {cover[name]:.0%} of the gap)")
    carrier = max(cover, key=lambda n: cover[n]) if cover else ""
    total = sum(cover.values())
    if ratio <= 2.0:
        head = (f"token revenue per accelerator-hour is {ratio:.2g}x the market rent: consistent "
                "with renting the accelerator")
    elif cover.get(carrier, 0.0) >= 1.0:
        head = (f"revenue is {ratio:.2g}x the rent; the {carrier.split(' (')[0]} carries the gap: "
                "within its sourced range it alone brings revenue down to the rent")
    elif total >= 1.0:
        head = (f"revenue is {ratio:.2g}x the rent; no single input closes the gap within its "
                f"range, together they can ({total:.0%} of it); the largest share is the "
                f"{carrier.split(' (')[0]}")
    else:
        head = (f"revenue is {ratio:.2g}x the rent and no sourced input closes the gap, even all "
                f"at their favourable ends ({total:.0%} of it in log terms): the market itself "
                "disagrees: list token prices pay far more per accelerator-hour on this system "
                "than the accelerator rents for")
    if ratio > 2.0:
        details.append(
            f"published evidence that the market shows such gaps: DeepSeek's R1-price revenue "
            f"was {DEEPSEEK_REVENUE_TO_RENT:.2g}x its $2 per H800-hour cost at full load "
            f"({_DEEPSEEK_SRC}); list prices are set by slower serving stacks and by demand, "
            "not by the best system's cost, so expect them to fall (price_decline_per_year) "
            "or sales to be demand-bound (demand_share)")
    nums: dict[str, Any] = {"revenue_to_rent_ratio": ratio, "revenue_usd_per_accelerator_hour":
                            rev_h, "market_rent_usd_per_accelerator_hour": r_mid,
                            "cost_usd_per_accelerator_hour": cost_h, "carrier": carrier,
                            "coverage_total": total}
    nums.update({f"coverage: {n}": c for n, c in cover.items()})
    nums.update({f"closes alone: {row[0]}": row[3] for row in rows})
    return check(NO_ARBITRAGE, ratio, headline=head, details=details, numbers=nums)


def judge(result: FactoryResult, chk: ClaimCheck | Claim, *, claim: str = "",
          source: str = "", catalog: Catalog | None = None) -> Finding:
    """The :class:`~tokenfab.claims.Finding` on a claim (a Claim, or a ``[factory.check]``).

    The grade is :func:`tokenfab.claims.check` on the claim's quantity (point and Monte Carlo
    sample); the factory's analysis of the claim (breakdown, flip points under
    ``numbers["flips"]``, sweeps) fills the details and numbers.
    """
    cat = catalog if catalog is not None else load_catalog()
    c = chk if isinstance(chk, Claim) else claim_of(chk, text=claim, source=source)
    q = quantities(result)
    kind = chk.kind if isinstance(chk, ClaimCheck) else {v[0]: k for k, v in _KINDS.items()}.get(
        c.quantity, "")
    if kind in ("revenue_ratio", "free_challenger_loses") and result.vs_op is None:
        raise TokenfabError(f"a '{kind}' claim compares two systems; set 'vs'", field="factory.vs")
    if c.quantity not in q:
        raise TokenfabError(f"unknown factory quantity '{c.quantity}' in claim '{c.id}'",
                            field="claims.quantity", value=c.quantity,
                            allowed=", ".join(sorted(q)))
    head, details, flips, numbers = "", list[str](), list[Flip](), dict[str, Any]()
    if kind == "capex_per_gw":
        head, details, flips, numbers = _capex_per_gw(result, c)
    elif kind == "revenue_ratio":
        head, details, flips, numbers = _revenue_ratio(result, c, cat)
    elif kind == "free_challenger_loses":
        head, details, flips, numbers = _free_challenger(result, c)
    extra = volume_finding(result, cat)
    if extra:
        details.append(extra)
    if flips:
        numbers["flips"] = [f.to_dict() for f in flips]
    value, sample = q[c.quantity]
    return check(c, value, sample, headline=head, details=details, numbers=numbers)


def judge_all(result: FactoryResult, claims: list[Claim],
              catalog: Catalog | None = None) -> list[Finding]:
    """Findings on a scenario's ``[[claims]]`` (those whose quantity is a factory quantity)."""
    q = quantities(result)
    return [judge(result, c, catalog=catalog) for c in claims if c.quantity in q]


def scenario_verdict(path: str | Path, catalog: Catalog | None = None, *,
                     samples: int | None = None,
                     seed: int | None = None) -> tuple[FactoryResult, Finding | None]:
    """Run the ``[factory]`` section of a scenario file and judge its claim (if it has a check).

    Returns the result and the finding (None when the file has no ``[factory.check]``).
    """
    cat = catalog if catalog is not None else load_catalog()
    section = load_section(path, "factory", FactorySection)
    result = run_factory(section, cat, samples=samples, seed=seed)
    if section.check is None:
        return result, None
    meta = scenario_meta(path)
    return result, judge(result, section.check, claim=meta["claim"],
                         source=f"{Path(path).name} [factory.check]", catalog=cat)


def scenario_claims(path: str | Path) -> list[Claim]:
    """The ``[[claims]]`` tables of a scenario file."""
    return claims_from(load_toml(path), file=str(path))
