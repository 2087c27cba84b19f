"""Even a free ASIC is a bad deal (``free_asic.toml``).

The verdict is the factory model's own (rule ``free_challenger_loses``: supported when the
challenger's profit break-even accelerator price is negative in the point run and in >= 80% of
the Monte Carlo draws; partly when the point and >= 20% of draws disagree).
"""

from __future__ import annotations

from tokenfab.report.context import ReportContext
from tokenfab.report.section import Row, Section, format_value
from tokenfab.report.sections import INTERVIEW, spec
from tokenfab.report.sections import _factory as F
from tokenfab.report.sections._common import band_note, catalog_source, dedupe
from tokenfab.scenario import scenario_meta

SCENARIO = "free_asic.toml"
BREAKEVEN = "breakeven_price_usd_per_accelerator"
BREAKEVEN_COST = "breakeven_price_equal_cost_per_mtok_usd_per_accelerator"


def build(ctx: ReportContext) -> Section:
    sp = spec("free_asic")
    path, r, v = F.run(ctx, SCENARIO)
    meta = scenario_meta(path)
    pt = r.point
    samples = r.mc.samples if r.mc is not None else {}
    rows = [
        Row(f"challenger ({r.section.vs}) price that ties on profit", pt[BREAKEVEN], "USD",
            band_note(samples.get(BREAKEVEN), "USD", format_value)),
        Row("challenger price that ties on cost per million tokens", pt[BREAKEVEN_COST], "USD",
            band_note(samples.get(BREAKEVEN_COST), "USD", format_value)),
        Row("tokens per MW ratio (incumbent / challenger)",
            pt["tokens_per_s_per_mw"] / pt["vs_tokens_per_s_per_mw"], "x"),
    ] + F.rows(r) + F.operating_point_rows(r)
    figs = [
        F.compare_figure(ctx, r),
        F.histogram_figure(ctx, r, BREAKEVEN, scale=1e3,
                           xlabel="challenger break-even price, USD k per accelerator",
                           marks={"free (0)": 0.0},
                           title="Break-even price of the challenger: Monte Carlo"),
        F.tornado_figure(ctx, r),
    ]
    turns = (F.findings_flip(v, ("perf/W lead shrinks",)) or "the perf/W gap between the systems")
    price = F.findings_flip(v, ("tokens sell for",))
    if price:
        turns += "; " + price
    srcs = [INTERVIEW] + [catalog_source(ctx.catalog, k) for k in (
        "share_capex_gpu", "asic_rack_capex_saving", "server_share_of_tco")] + F.sources(r)
    return Section(sp.key, sp.title, meta.get("claim") or sp.claim, v.verdict,
                   reason=v.headline + ".", assumption=turns, rows=rows, figures=figs,
                   sources=dedupe(srcs), scenarios=[path], notes=list(v.details) + F.rent_notes(r))
