"""Verdicts on claims: does the factory model support a scenario's claim, and where does it flip?

A scenario's ``[factory.check]`` names the kind of claim; :func:`judge` reads a
:class:`~tokenfab.factory.runner.FactoryResult` against it and returns a :class:`Verdict`
(``supported`` / ``partly`` / ``not supported``, the numbers behind it, and the input values at
which the answer changes). :func:`scenario_verdict` does the whole run from a file; the report
reuses it.

Rules (stated so they can be checked):

* ``capex_per_gw``: supported when the model's all-in capex per W of site power lies in the
  claimed interval; partly when its p10-p90 band (or, without Monte Carlo, the point +-20%)
  overlaps it; else not supported.
* ``revenue_ratio``: supported when the model's revenue ratio at equal power is within a factor
  1.25 of the claim; partly within a factor 2; else not supported.
* ``free_challenger_loses``: supported when the challenger's profit break-even price is negative
  (even free, it earns less on the same power) in the point run and in >= 80% of Monte Carlo
  draws; partly when the point and >= 20% of draws disagree; else not supported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.factory.compare import Flip, linear_root, ratio_sweep
from tokenfab.factory.runner import BREAKEVEN_COST_KEY, BREAKEVEN_KEY, FactoryResult, run_factory
from tokenfab.factory.spec import ClaimCheck, FactorySection
from tokenfab.scenario import load_section, scenario_meta

SWEEP_INTERACTIVITIES: tuple[float, ...] = (5, 10, 20, 35, 50, 75, 100, 150, 200, 300)
_MWH = 3.6e9  # J per MWh


@dataclass
class Verdict:
    """The tool's answer to one claim."""

    claim: str
    kind: str
    status: str  # "supported" | "partly" | "not supported"
    headline: str
    findings: list[str] = field(default_factory=list)
    flips: list[Flip] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "claim": self.claim, "kind": self.kind, "status": self.status,
                "headline": self.headline, "findings": list(self.findings),
                "flips": [f.to_dict() for f in self.flips], "numbers": dict(self.numbers)}

    def text(self) -> str:
        lines = [f"Claim: {self.claim}" if self.claim else "", f"Verdict: {self.status.upper()} — "
                 f"{self.headline}"]
        lines += [f"  - {f}" for f in self.findings]
        return "\n".join(x for x in lines if x)


def _band(result: FactoryResult, key: str) -> tuple[float, float] | None:
    if result.mc is None or key not in result.mc.samples:
        return None
    x = result.mc.samples[key]
    x = x[np.isfinite(x)]
    if x.size == 0:
        return None
    return float(np.percentile(x, 10)), float(np.percentile(x, 90))


def _usd(x: float) -> str:
    a = abs(x)
    for div, suf in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            return f"{'-' if x < 0 else ''}${a / div:,.3g}{suf}"
    return f"{'-' if x < 0 else ''}${a:,.3g}"


def _capex_per_gw(r: FactoryResult, c: ClaimCheck) -> Verdict:
    p = r.point
    v = p["capex_usd_per_site_w"]
    lo, hi = float(c.low), float(c.high)  # type: ignore[arg-type]
    band = _band(r, "capex_usd_per_site_w") or (0.8 * v, 1.2 * v)
    if lo <= v <= hi:
        status = "supported"
    elif band[0] <= hi and band[1] >= lo:
        status = "partly"
    else:
        status = "not supported"
    head = (f"the model puts the all-in capex of this site at ${v:.1f}B per GW of site power "
            f"(p10-p90 ${band[0]:.1f}-{band[1]:.1f}B), against the claimed ${lo:g}-{hi:g}B")
    site_w = r.section.power
    it = p["it_power_w"]
    acc_w = p["accelerators"] * _likely(r.inputs["accelerator_price_usd"]) / site_w
    findings = [
        f"breakdown per W of site power: accelerators/systems ${acc_w:.1f}, networking & storage "
        f"${(p['capex_it_usd'] / site_w - acc_w):.1f}, power/cooling + building "
        f"${p['capex_facility_usd'] / site_w:.1f} ({it / 1e9:.2f} GW of IT power, "
        f"{p['accelerators']:,.0f} accelerators)",
        f"revenue {_usd(p['revenue_usd_per_year'])}/yr, TCO {_usd(p['tco_usd_per_year'])}/yr, gross "
        f"margin {p['gross_margin']:.0%}, payback "
        + (f"{p['payback_years']:.1f} yr" if math.isfinite(p["payback_years"]) else "never"),
    ]
    flips = []
    price0 = _likely(r.inputs["accelerator_price_usd"])
    for tgt, label in ((lo, "low"), (hi, "high")):
        f = linear_root(r, "capex_usd_per_site_w", "accelerator_price_usd", target=tgt, lo=0.0,
                        hi=max(10 * price0, 1e6),
                        note=f"accelerator price at which capex reaches the claim's {label} end")
        flips.append(f)
        if f.value is not None:
            findings.append(f"capex reaches ${tgt:g}B/GW at an accelerator price of {_usd(f.value)} "
                            f"(catalog: {_usd(price0)})")
    flips += _profit_flips(r, findings)
    return Verdict("", c.kind, status, head, findings, flips, {"capex_usd_per_site_w": v,
                                                               "band": list(band)})


def _likely(v: Any) -> float:
    return float(v.likely) if hasattr(v, "likely") else float(v)


def _profit_flips(r: FactoryResult, findings: list[str]) -> list[Flip]:
    """Token price and electricity price at which the site's profit is zero."""
    out = []
    f = linear_root(r, "profit_usd_per_year", "price_usd_per_mtok", lo=1e-9, hi=1e4,
                    note="reference token price at which the factory breaks even")
    out.append(f)
    if f.value is not None:
        mult = _likely(r.inputs["price_multiplier"])
        findings.append(f"breaks even at ${f.value * mult:.3g} per million tokens at this "
                        f"interactivity (the default assumes ${_likely(r.inputs['price_usd_per_mtok']) * mult:.3g})")
    e = linear_root(r, "profit_usd_per_year", "electricity_usd_per_j", lo=0.0, hi=2000 / _MWH,
                    note="electricity price at which profit is zero")
    out.append(e)
    findings.append("profit turns negative above an electricity price of "
                    + (f"${e.value * _MWH:,.0f}/MWh" if e.value is not None else
                       "$2,000/MWh or more (never, in practice)" if r.point["profit_usd_per_year"] > 0
                       else "$0/MWh (it is negative even with free power)"))
    return out


def _revenue_ratio(r: FactoryResult, c: ClaimCheck, catalog: Catalog) -> Verdict:
    p = r.point
    ratio = p["revenue_usd_per_year"] / p["vs_revenue_usd_per_year"]
    claim = float(c.ratio)  # type: ignore[arg-type]
    dev = abs(math.log(ratio / claim))
    status = ("supported" if dev <= math.log(1.25) else
              "partly" if dev <= math.log(2.0) else "not supported")
    s = r.section
    head = (f"at equal power ({s.power / 1e9:g} GW) {s.hardware} earns {ratio:.2f}x the revenue of "
            f"{_vs_label(s)}; the claim is {claim:g}x")
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
    need = claim / ratio * _likely(r.inputs["throughput_factor"])
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
    return Verdict("", c.kind, status, head, findings, flips, numbers)


def _free_challenger(r: FactoryResult, c: ClaimCheck) -> Verdict:
    p = r.point
    s = r.section
    b, bc = p[BREAKEVEN_KEY], p[BREAKEVEN_COST_KEY]
    share = None
    if r.mc is not None:
        share = float(np.mean(r.mc.samples[BREAKEVEN_KEY] < 0))
    if b < 0 and (share is None or share >= 0.8):
        status = "supported"
    elif (b < 0) or (share is not None and share >= 0.2):
        status = "partly"
    else:
        status = "not supported"
    gap = p["tokens_per_s_per_mw"] / p["vs_tokens_per_s_per_mw"]
    head = (f"on {s.power / 1e9:g} GW, {s.vs} matches {s.hardware}'s profit at an accelerator "
            f"price of {_usd(b)}" + (" — negative: even free it earns less" if b < 0 else
                                     " — a free (or cheap) challenger wins"))
    findings = [f"{s.hardware} makes {gap:.2f}x the tokens per MW of {s.vs}"]
    if share is not None:
        findings.append(f"even-free-loses in {share:.0%} of {r.mc.n:,} Monte Carlo draws")
    findings.append(f"on cost per million tokens (demand-limited, not power-limited) the break-even "
                    f"price is {_usd(bc)}")
    flips = []
    f = linear_root(r, BREAKEVEN_KEY, "vs_throughput_factor", lo=1e-3, hi=1e3,
                    note="challenger throughput multiple at which a free challenger ties on profit")
    flips.append(f)
    if f.value is not None:
        f0 = _likely(r.inputs["vs_throughput_factor"])
        findings.append(f"a free {s.vs} ties on profit when {s.hardware}'s perf/W lead shrinks to "
                        f"{gap * f0 / f.value:.2f}x (challenger throughput x{f.value / f0:.2f})")
    t = linear_root(r, BREAKEVEN_KEY, "price_usd_per_mtok", lo=1e-9, hi=1e4,
                    note="reference token price at which a free challenger ties on profit")
    flips.append(t)
    mult = _likely(r.inputs["price_multiplier"])
    now = _likely(r.inputs["price_usd_per_mtok"]) * mult
    findings.append(f"a free {s.vs} ties on profit when tokens sell for ${t.value * mult:.3g} per "
                    f"million (default ${now:.3g}); " + ("below that, the free chip wins"
                                                          if b < 0 else "above that, it loses")
                    if t.value is not None else
                    f"no token price up to $10,000 per million makes a free {s.vs} tie on profit")
    e_lo, e_hi = 20 / _MWH, 200 / _MWH
    b_lo = r.evaluate(electricity_usd_per_j=e_lo)[BREAKEVEN_KEY]
    b_hi = r.evaluate(electricity_usd_per_j=e_hi)[BREAKEVEN_KEY]
    findings.append(f"at equal power the profit break-even barely depends on electricity "
                    f"({_usd(b_lo)} at $20/MWh, {_usd(b_hi)} at $200/MWh): both sites buy the same "
                    "power and buildings, so only revenue and chip capex differ")
    for name, lo, hi, unit, k in (("electricity_usd_per_j", 0.0, 2000 / _MWH, "/MWh", _MWH),
                                  ("building_land_usd_per_it_w", 0.0, 500.0, "/W of IT", 1.0)):
        g = linear_root(r, BREAKEVEN_COST_KEY, name, lo=lo, hi=hi,
                        note=f"{name} at which a free challenger ties on cost per million tokens")
        flips.append(g)
        label = "electricity price" if name.startswith("electricity") else "building & land cost"
        now = _likely(r.inputs[name]) * k
        findings.append(f"on cost per token a free {s.vs} ties at a {label} of "
                        f"${g.value * k:,.3g}{unit} (default ${now:,.3g}{unit})" if g.value is not None
                        else f"on cost per token a free {s.vs} does not tie at any {label} from "
                        f"${lo * k:g} to ${hi * k:g}{unit} (default ${now:,.3g}{unit})")
    return Verdict("", c.kind, status, head, findings, flips,
                   {BREAKEVEN_KEY: b, BREAKEVEN_COST_KEY: bc, "perf_per_watt_ratio": gap,
                    "share_free_loses": share, "sensitivity": break_even_grid(r)})


def break_even_grid(r: FactoryResult) -> dict[str, list[dict[str, float]]]:
    """Both break-even prices of the challenger over electricity price [USD/MWh], building &
    land cost [USD/W of IT] and the challenger's perf/W relative to the model's (one input
    moved at a time, the others at their likely values)."""
    grids = {"electricity_usd_per_mwh": ("electricity_usd_per_j", (20, 40, 70, 100, 150, 200),
                                         1 / _MWH),
             "building_land_usd_per_it_w": ("building_land_usd_per_it_w", (0, 2.5, 5, 10, 20), 1.0),
             "challenger_perf_per_watt_x": ("vs_throughput_factor", (0.5, 1, 2, 4, 8), None)}
    out: dict[str, list[dict[str, float]]] = {}
    for label, (name, xs, k) in grids.items():
        rows = []
        for x in xs:
            v = x * k if k is not None else x * _likely(r.inputs["vs_throughput_factor"])
            e = r.evaluate(**{name: v})
            rows.append({label: float(x), BREAKEVEN_KEY: e[BREAKEVEN_KEY],
                         BREAKEVEN_COST_KEY: e[BREAKEVEN_COST_KEY]})
        out[label] = rows
    return out


def _vs_label(s: FactorySection) -> str:
    f = s.vs_throughput_factor
    if s.vs == s.hardware or (not hasattr(f, "likely") and float(f) != 1.0):
        return f"{s.vs} (x{_likely(f):g} throughput)"
    return str(s.vs)


def volume_finding(r: FactoryResult, catalog: Catalog) -> str | None:
    """How the site's token output compares with the largest published token volume."""
    try:
        g = catalog.assumption("google_tokens_per_month_2026_05")
    except Exception:  # the catalog row is optional for this sanity check
        return None
    yearly = 12.0 * g.value
    x = r.point["tokens_per_year"] / yearly
    return (f"this site would produce {r.point['tokens_per_year']:.2g} tokens a year, {x:.2g}x "
            f"Google's annualised volume of {g.value:.2g} tokens per month ({g.source}); "
            "the revenue assumes buyers for all of it at the assumed price")


def judge(result: FactoryResult, check: ClaimCheck, *, claim: str = "", title: str = "",
          catalog: Catalog | None = None) -> Verdict:
    """The verdict of ``result`` on the claim described by ``check``."""
    cat = catalog if catalog is not None else load_catalog()
    if check.kind in ("revenue_ratio", "free_challenger_loses") and result.vs_op is None:
        from tokenfab.errors import TokenfabError

        raise TokenfabError(f"a '{check.kind}' check compares two systems; set 'vs'",
                            field="factory.vs")
    if check.kind == "capex_per_gw":
        v = _capex_per_gw(result, check)
    elif check.kind == "revenue_ratio":
        v = _revenue_ratio(result, check, cat)
    else:
        v = _free_challenger(result, check)
    extra = volume_finding(result, cat)
    if extra:
        v.findings.append(extra)
    v.claim, v.title = claim, title
    return v


def scenario_verdict(path: str | Path, catalog: Catalog | None = None, *,
                     samples: int | None = None) -> tuple[FactoryResult, Verdict | None]:
    """Run the ``[factory]`` section of a scenario file and judge its claim (if it has a check).

    Returns the result and the verdict (None when the file has no ``[factory.check]``).
    """
    cat = catalog if catalog is not None else load_catalog()
    section = load_section(path, "factory", FactorySection)
    result = run_factory(section, cat, samples=samples)
    if section.check is None:
        return result, None
    meta = scenario_meta(path)
    return result, judge(result, section.check, claim=meta["claim"], title=meta["title"],
                         catalog=cat)
