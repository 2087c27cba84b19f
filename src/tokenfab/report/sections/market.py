"""The three market layers: from GDP to gigawatts (``three_layers.toml``).

Two runs of :func:`tokenfab.market.run_market`: the scenario (layer 3 pinned at the
interview's own point inputs: does its arithmetic hold?) and the model with every input a
sourced range (where does each interview number fall in the distribution?).

Verdict rule: supported when the arithmetic reproduces the headline, the interview's own
per-worker example agrees with it, and every interview output figure lies inside the model's
p10-p90; partly when the arithmetic reproduces and at least one figure lies inside the p10-p90;
not supported otherwise.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from tokenfab import display
from tokenfab.report.context import ReportContext
from tokenfab.report.figures import histogram, tornado
from tokenfab.report.section import Row, Section, Table, Verdict, format_value
from tokenfab.report.sections import INTERVIEW, spec
from tokenfab.report.sections._common import dedupe, source_from_text

if TYPE_CHECKING:  # the model is imported when a section runs, not when it is listed
    from tokenfab.market import MarketResult

SCENARIO = "three_layers.toml"
INSIDE = "inside the model's p10-p90"


def market_verdict(reproduces: bool, example_agrees: bool, n_inside: int, n_figures: int) -> Verdict:
    """The rule of the module docstring."""
    if reproduces and example_agrees and n_figures > 0 and n_inside == n_figures:
        return Verdict.SUPPORTED
    if reproduces and n_inside > 0:
        return Verdict.PARTLY
    return Verdict.NOT_SUPPORTED


def build(ctx: ReportContext) -> Section:
    from tokenfab.market import MARKET_INPUTS, MarketSection, run_market
    from tokenfab.report.figures.market import waterfall_figure
    from tokenfab.scenario import load_section, scenario_meta

    sp = spec("market")
    path = ctx.scenario(SCENARIO)
    meta = scenario_meta(path)
    sec = load_section(path, "market", MarketSection)
    n, seed = ctx.draws(sec)  # the file's own draws, as 'tokenfab market FILE' runs it
    pinned = run_market(sec, samples=n, seed=seed, catalog=ctx.catalog)
    ranged = run_market(None, samples=n, seed=seed, catalog=ctx.catalog)
    ar = pinned.arithmetic
    outputs = [c for c in ranged.claims
               if c["kind"] == "interview" and "an input" not in c.get("note", "")]
    inside = [c for c in outputs if c["where"] == INSIDE]
    consistent_example = abs(ar["per_worker_ai_spend_share"] - ar["implied_ai_spend_share"]) < 1e-9
    verdict = market_verdict(bool(ar["reproduces_headline"]), consistent_example, len(inside),
                             len(outputs))
    placed = "; ".join(f"{c['text']}: {c['where']} (percentile {c['percentile']:.0f})"
                       for c in outputs)
    reason = (("The interview's chain reproduces exactly" if ar["reproduces_headline"] else
               "The interview's chain does not reproduce") + f" ({ar['finding']}) With every input "
              f"a sourced range ({ranged.n:,} draws): {placed}.")
    top = ranged.sensitivity[0] if ranged.sensitivity else None
    if top is None:
        assumption = "the share of knowledge-work pay spent on AI"
    else:
        unit = "%" if top["unit"] == "fraction" else top["unit"]
        assumption = (f"{display.label_in_text(top['input'])} (from {format_value(top['low'], unit)} to "
                      f"{format_value(top['high'], unit)}) moves the GW bought per year from "
                      f"{top['gw_at_low']:.0f} to {top['gw_at_high']:.0f}, the largest swing of "
                      "any input")

    def p(res: MarketResult, key: str, scale: float = 1.0) -> dict[str, float]:
        return res.pct(key, scale)

    rows = [
        Row("interview: knowledge-work GDP", ar["knowledge_gdp_usd"], "USD/yr", "stated ($50T)"),
        Row("interview: token services (x 20%)", ar["token_services_usd_per_year"], "USD/yr"),
        Row("interview: AI factories per year (x (1 - 50%))", ar["infrastructure_usd_per_year"],
            "USD/yr"),
        Row("interview: its own example ($10k per $100k employee) gives", ar[
            "per_worker_token_services_usd_per_year"], "USD/yr",
            f"token services; the headline needs ${ar['headline_needs_ai_per_100k_usd'] / 1e3:g}k "
            "per $100k"),
        Row("GW of AI factories per year implied", ar["gw_per_year"] * 1e9, "W",
            f"at ${ar['capex_usd_per_w']:.0f}B per GW"),
    ]
    for name, key in (("layer 1: replacement", "replacement_usd_per_year"),
                      ("layer 2: migration", "migration_usd_per_year"),
                      ("layer 3: augmentation", "augmentation_usd_per_year"),
                      ("infrastructure, all layers", "infrastructure_usd_per_year"),
                      ("knowledge-work GDP", "knowledge_gdp_usd"),
                      ("token services", "token_services_usd_per_year")):
        q = p(ranged, key)
        rows.append(Row(f"model (sourced ranges): {name}, median", q["p50"], "USD/yr",
                        f"p10–p90: {format_value(q['p10'], 'USD')} – {format_value(q['p90'], 'USD')}"))
    gw = p(ranged, "power_added_w_per_year")
    rows.append(Row("model: GW of AI factories bought per year, median", gw["p50"], "W",
                    f"p10–p90: {format_value(gw['p10'], 'W')} – {format_value(gw['p90'], 'W')}"))
    el = p(ranged, "share_of_world_electricity")
    rows.append(Row("model: share of world electricity (steady state), median", el["p50"], "%",
                    f"p10–p90: {format_value(el['p10'], '%')} – {format_value(el['p90'], '%')}"))
    claims_table = Table("Each figure in the model's distribution (every input a sourced range)", [
        {"figure": c["text"], "value": format_value(c["value"], _unit(c["unit"])),
         "percentile": round(c["percentile"], 1),
         "P(model >= figure)": round(c["probability_model_reaches"], 3),
         "where": c["where"], "verdict": c["verdict"], "kind": c["kind"]} for c in ranged.claims])
    infra = ranged.samples["infrastructure_usd_per_year"] / 1e12
    marks = {c["text"]: c["value"] / 1e12 for c in ranged.claims
             if c["compared_with"] == "infrastructure_usd_per_year"}

    def wf() -> bytes:
        buf = io.BytesIO()
        waterfall_figure(ranged, buf)
        return buf.getvalue()

    base = ranged.point.get("power_added_w_per_year", 0.0) / 1e9
    figs = [
        ctx.figure("From GDP to gigawatts", wf,
                   caption="tokenfab.market's waterfall: medians, with p10-p90 as error bars."),
        ctx.figure("Infrastructure spend per year: model vs the figures", histogram, infra,
                   marks=marks, xlabel="USD T per year", logx=True,
                   title="All three layers: AI infrastructure per year",
                   caption=f"{ranged.n:,} Monte Carlo draws; dashed lines are the interview's and "
                   "independent figures."),
        ctx.figure("What moves the gigawatts", tornado,
                   [(s["input"], s["gw_at_low"], s["gw_at_high"]) for s in ranged.sensitivity],
                   base=base, xlabel="GW bought per year",
                   labels=lambda n: display.input_label(
                       n, MARKET_INPUTS[n].doc if n in MARKET_INPUTS else ""),
                   title="Sensitivity of GW per year (one input at a time)"),
    ]
    srcs = [INTERVIEW] + [source_from_text(c["key"], c["source"]) for c in ranged.claims]
    srcs += [source_from_text(k, r.source) for k, r in ranged.inputs.items()
             if getattr(r, "source", "")]
    return Section(sp.key, sp.title, meta.get("claim") or sp.claim, verdict, reason=reason,
                   assumption=assumption, rows=rows, tables=[claims_table], figures=figs,
                   sources=dedupe(srcs), scenarios=[path])


def _unit(u: str) -> str:
    return {"USD/year": "USD/yr", "W/year": "W", "J/year": "J", "fraction": "%"}.get(u, u)
