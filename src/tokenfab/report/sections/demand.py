"""Inference demand and the three scaling laws (``three_scaling_laws.toml``).

:func:`tokenfab.demand.project` with the report's Monte Carlo draws: compute demand of
pre-training, RL post-training and inference-time thinking per year, the accelerators, GW and
capex that serve it, the decomposition of the growth, and the analysts' ~8% line.

Verdict rule: :func:`tokenfab.demand.verdicts.demand_finding` (this section renders it).
"""

from __future__ import annotations

from tokenfab import display
from tokenfab.demand import DEMAND_INPUTS, DemandSection, project
from tokenfab.demand.verdicts import ANALYST_FROM_YEAR, demand_finding, demand_verdict
from tokenfab.inputs import RunOptions
from tokenfab.report.context import ReportContext
from tokenfab.report.figures import bands, bars
from tokenfab.report.figures.demand import plot_projection
from tokenfab.report.section import Row, Section, Table, format_value
from tokenfab.report.sections import INTERVIEW, spec
from tokenfab.report.sections._common import catalog_source, dedupe, png_via_file, source_from_text
from tokenfab.scenario import load_section, scenario_meta
from tokenfab.uncertainty import likely
from tokenfab.units import SECONDS_PER_YEAR

__all__ = ["ANALYST_FROM_YEAR", "build", "demand_verdict"]

SCENARIO = "three_scaling_laws.toml"
LAWS = (("pretraining", "pre-training", "pretraining_flops"),
        ("post_training", "post-training (RL)", "post_training_flops"),
        ("inference", "inference-time thinking", "inference_flops"))


def _x(v: float) -> str:
    return format_value(v, "x")


def build(ctx: ReportContext) -> Section:
    sp = spec("demand")
    path = ctx.scenario(SCENARIO)
    meta = scenario_meta(path)
    sec = load_section(path, "demand", DemandSection)
    pj = project(sec, options=RunOptions(ctx.samples, ctx.seed), catalog=ctx.catalog)
    finding = demand_finding(pj)
    dec = pj.decomposition
    years = list(pj.years)
    pt = pj.point
    laws_grow = bool(finding.numbers["laws_grow"])
    above = bool(finding.numbers["above_analysts"])
    claim = dec["claim"]
    inf_mult = dec["inference"]["total_multiple"]
    spend = (pj.bands["accelerator_spend_usd"]["p50"] if pj.bands is not None
             else pt["accelerator_spend_usd"])
    idx = [i for i, y in enumerate(years) if y >= ANALYST_FROM_YEAR]
    verdict = finding.verdict
    span = f"{years[0]}-{years[-1]}"
    yrs_needed = claim.get("years_at_projected_rate")
    reason = (
        f"All three laws grow at once over {span}" if laws_grow else
        f"Not all three laws grow over {span}") + (
        f" (pre-training {_x(dec['pretraining']['total_multiple'])}, post-training "
        f"{_x(dec['post_training']['total_multiple'])}, inference {_x(inf_mult)}). "
        f"A {_x(claim['multiple'])} rise of inference needs "
        f"{claim['required_rate_per_year'] + 1:.3g}x a year over {claim['horizon_years']:g} years; "
        f"the projection gives {dec['inference']['total_rate_per_year'] + 1:.3g}x a year"
        + (f", so it takes {yrs_needed:.1f} years" if yrs_needed else "") + ". "
        + (f"Demand-implied accelerator spending (median) is above the analysts' line in every "
           f"year from {ANALYST_FROM_YEAR}." if above else
           f"Demand-implied accelerator spending (median) is not above the analysts' line in "
           f"every year from {ANALYST_FROM_YEAR}."))
    gw_last = float(pt["gw"][-1])
    iea = ctx.catalog.economics.get("dc_electricity_world_2030")
    if iea is not None:
        iea_j = float(likely(iea.si))  # J in a year (the row is TWh in 2030)
        avg_gw = iea_j / SECONDS_PER_YEAR / 1e9  # energy per year -> average GW
        reason += (f" Serving it would take {gw_last:,.0f} GW of {years[-1]}'s hardware; for scale, "
                   f"the IEA puts all data centres at {iea_j / 3.6e15:,.0f} TWh in 2030 (~{avg_gw:,.0f} GW "
                   "on average): power, not the scaling laws, would bind first.")
    f = dec["inference"]["factors"]
    top = max(f, key=lambda k: f[k]["log_share"])
    assumption = (f"the growth of tokens per query (reasoning chains, trees, agents): it carries "
                  f"{f['tokens_per_query']['log_share']:.0%} of inference's log-growth"
                  if top == "tokens_per_query" else
                  f"the growth of {display.label_in_text(top)} ({f[top]['log_share']:.0%} of "
                  "inference's log-growth)")
    rows = []
    for k, name, key in LAWS:
        d = dec[k]
        rows.append(Row(f"{name}: compute {years[0]} → {years[-1]}", d["total_multiple"], "x",
                        f"{d['total_rate_per_year'] + 1:.3g}x a year; {years[-1]}: "
                        f"{display.number(pt[key][-1])} FLOP/yr"))
    rows += [
        Row("claimed rise of inference", claim["multiple"], "x", "BG2 interview"),
        Row("growth rate it needs", claim["required_rate_per_year"] + 1, "x",
            f"per year over {claim['horizon_years']:g} years"),
        Row("years to the claim at the projected rate", yrs_needed, "years"),
    ]
    for k, v in f.items():
        rows.append(Row(f"inference factor: {display.label_in_text(k)}", v["multiple"], "x",
                        f"{v['log_share']:.0%} of the log-growth"))
    for i in idx[:2] + idx[-1:]:
        rows.append(Row(f"{years[i]}: demand-implied accelerator spending (median)", spend[i],
                        "USD/yr", f"analysts' line {display.money(pt['analyst_spend_usd'][i])}"))
    rows.append(Row(f"{years[-1]}: power to serve the demand", gw_last * 1e9, "W",
                    f"{display.compact(pt['accelerators'][-1])} accelerators of that year's generation"))
    for c in pj.checks:
        month = c["observed"].rsplit("_", 2)
        when = f"{month[-2]}-{month[-1]}" if len(month) == 3 else c["observed"]
        rows.append(Row(f"check {c['year']}: model tokens / Google's tokens per month ({when})",
                        c["ratio_model_to_observed"], "x", c["note"]))
    for by in pj.base_year:  # the base year and near-term growth against published figures
        n = by.numbers
        pub = format_value(n.get("published"), _unit(by.claim.unit))
        if "published_upper" in n:
            pub += f" to {format_value(n['published_upper'], _unit(by.claim.unit))}"
        rows.append(Row(by.claim.text, by.value, _unit(by.claim.unit),
                        f"published {pub} ({n['ratio_model_to_published']:.2f}x"
                        + (f", {n['ratio_model_to_upper']:.2f}x the upper end"
                           if "ratio_model_to_upper" in n else "") + "); "
                        f"{by.verdict.value}"))
    table = Table("Per year (likely inputs)", [
        {"year": r["year"], "hardware": r["hardware"], "pre-training FLOP": r["pretraining_flops"],
         "post-training FLOP": r["post_training_flops"], "inference FLOP": r["inference_flops"],
         "tokens": r["tokens"], "accelerators": r["accelerators"], "GW": r["gw"],
         "capex USD": r["capex_usd"]} for r in pj.rows()])
    figs = [ctx.figure("Compute demand by scaling law, and spending vs the analysts",
                       png_via_file, plot_projection, pj,
                       caption="tokenfab.demand's chart: FLOP per year stacked by law (left); "
                       "demand-implied accelerator spending against a ~8% extrapolation (right).")]
    if pj.bands is not None:
        b = pj.bands["gw"]
        figs.append(ctx.figure("Power needed to serve the demand", bands, years, b["p10"], b["p50"],
                               b["p90"], label="GW (median)", xlabel="year",
                               ylabel="GW of newest-generation capacity", logy=True,
                               title="GW to serve the projected demand (Monte Carlo band)",
                               caption=f"{pj.samples:,} draws of every ranged input."))
    figs.append(ctx.figure("Where the growth of inference comes from", bars,
                           [display.label_in_text(k) for k in f], [f[k]["log_share"] for k in f],
                           ylabel="share of log-growth", fmt="{:.0%}",
                           title=f"Inference compute x{display.number(inf_mult)} over {span}, by factor"))
    res = pj.inputs.resolved
    srcs = [INTERVIEW] + [source_from_text(k, res.sources[k].describe())
                          for k in DEMAND_INPUTS.names if k in res.sources
                          and res.sources[k].origin not in ("scenario", "flag")]
    srcs += [catalog_source(ctx.catalog, k) for k in ("google_tokens_per_month_2025_10",
                                                      "training_compute_growth",
                                                      "dc_electricity_world_2030")
             if k in ctx.catalog.economics]
    return Section(sp.key, sp.title, (meta.get("claim") or sp.claim).strip(), verdict,
                   reason=reason, assumption=assumption, rows=rows, tables=[table],
                   figures=figs, sources=dedupe(srcs), scenarios=[path], notes=list(pj.notes))


def _unit(unit: str) -> str:
    """The report's unit for a base-year check's unit (counts of H100e are plain counts)."""
    return {"H100e": "", "tokens/month": "tok/month"}.get(unit, unit)
