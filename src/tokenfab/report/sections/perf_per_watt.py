"""2x performance per watt gives 2x revenue (``perf_per_watt_2x.toml``).

Two real systems at equal power (the scenario's system and its ``vs``), graded by the factory
library (:func:`tokenfab.factory.verdict.perf_per_watt_regimes`) in both regimes: power-bound
(every token sells: revenue follows tokens per watt) and demand-bound (the site sells a small
share of the market: both systems sell the same tokens). The claim is the scenario's
``[[claims]]`` entry ``revenue_follows_perf_per_watt``; this section only renders findings.
"""

from __future__ import annotations

from tokenfab.claims import Verdict
from tokenfab.factory.spec import FactorySection
from tokenfab.factory.verdict import perf_per_watt_regimes, scenario_claims
from tokenfab.report.context import ReportContext
from tokenfab.report.section import Row, Section
from tokenfab.report.sections import INTERVIEW, spec
from tokenfab.report.sections import _factory as F
from tokenfab.report.sections._common import dedupe
from tokenfab.scenario import load_section, scenario_meta

SCENARIO = "perf_per_watt_2x.toml"


def build(ctx: ReportContext) -> Section:
    sp = spec("perf_per_watt")
    path = ctx.scenario(SCENARIO)
    meta = scenario_meta(path)
    section = load_section(path, "factory", FactorySection)
    claim = next(c for c in scenario_claims(path) if c.quantity == "revenue_per_perf_per_watt")
    n, seed = ctx.draws(section)
    if seed != section.seed:
        section = section.model_copy(update={"seed": seed})
    runs = perf_per_watt_regimes(section, claim, ctx.catalog, samples=n)
    rows: list[Row] = []
    notes: list[str] = []
    for regime, r, f in runs:
        pt = r.point
        rows += [
            Row(f"{regime}: tokens per MW ratio ({r.section.hardware} / {r.section.vs})",
                pt["tokens_per_s_per_mw"] / pt["vs_tokens_per_s_per_mw"], "x", "perf per watt"),
            Row(f"{regime}: revenue ratio", pt["revenue_usd_per_year"]
                / pt["vs_revenue_usd_per_year"], "x",
                "utilization " + f"{pt['utilization']:.0%} vs {pt['vs_utilization']:.0%}"
                if "vs_utilization" in pt else ""),
            Row(f"{regime}: revenue ratio / perf-per-watt ratio", f.value, "x",
                f"{f.verdict.value} (1 = revenue follows perf/W)"),
        ]
        notes.append(f"{regime}: {f.verdict.value} — {f.headline}")
    power, demand = runs[0][2], runs[1][2]
    # the claim is about a power-limited factory: graded there; the demand-bound run says where
    # it stops holding (a supported claim with a stated condition is 'partly supported')
    verdict = (Verdict.SUPPORTED if power.verdict is Verdict.SUPPORTED
               and demand.verdict is Verdict.SUPPORTED else
               Verdict.PARTLY if power.verdict is Verdict.SUPPORTED else power.verdict)
    reason = (f"On two real systems at equal power, revenue grows {runs[0][2].value:.2f}x as "
              f"fast as tokens per watt when the site is power-bound ({power.verdict.value}); "
              f"when it can sell only a small share of the market, revenue grows "
              f"{runs[1][2].value:.2f}x as fast ({demand.verdict.value}): better perf/W then "
              "buys lower cost per token, not revenue.")
    r0 = runs[0][1]
    figs = [F.compare_figure(ctx, r0), F.pnl_figure(ctx, r0), F.pnl_figure(ctx, r0, vs=True)]
    assumption = ("the factory is power-limited and every token sells at the same price; "
                  "with a demand cap (demand_share of the market's token volume) the ratio "
                  "falls towards 1 / (perf/W ratio)")
    return Section(sp.key, sp.title, meta.get("claim") or sp.claim, verdict, reason=reason,
                   assumption=assumption, rows=rows + F.rows(r0), figures=figs,
                   sources=dedupe([INTERVIEW] + F.sources(r0)), scenarios=[path], notes=notes + F.rent_notes(r0))
