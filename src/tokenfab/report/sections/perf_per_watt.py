"""2x performance per watt gives 2x revenue (``perf_per_watt_2x.toml``).

The verdict is the factory model's own (rule ``revenue_ratio``: supported when the revenue
ratio at equal power is within a factor 1.25 of the claim, partly within a factor 2). The
section adds what the claim leaves out: profit and cost per token do not scale by the same 2x.
"""

from __future__ import annotations

from tokenfab.report.context import ReportContext
from tokenfab.report.section import Row, Section
from tokenfab.report.sections import INTERVIEW, spec
from tokenfab.report.sections import _factory as F
from tokenfab.report.sections._common import dedupe
from tokenfab.scenario import scenario_meta

SCENARIO = "perf_per_watt_2x.toml"


def build(ctx: ReportContext) -> Section:
    sp = spec("perf_per_watt")
    path, r, v = F.run(ctx, SCENARIO)
    meta = scenario_meta(path)
    pt = r.point
    rows = [
        Row("revenue ratio at equal power", pt["revenue_usd_per_year"] / pt["vs_revenue_usd_per_year"],
            "x", f"claimed {r.section.check.ratio:g}x"),
        Row("tokens per MW ratio", pt["tokens_per_s_per_mw"] / pt["vs_tokens_per_s_per_mw"], "x",
            f"challenger throughput factor {float(r.inputs['vs_throughput_factor']):g}"),
        Row("profit ratio", pt["profit_usd_per_year"] / pt["vs_profit_usd_per_year"], "x",
            "capex and opex are the same for both sites"),
        Row("cost per million tokens ratio (challenger / incumbent)",
            pt["vs_cost_usd_per_mtok"] / pt["cost_usd_per_mtok"], "x"),
    ] + F.rows(r)
    figs = [F.compare_figure(ctx, r), F.pnl_figure(ctx, r), F.pnl_figure(ctx, r, vs=True),
            F.tornado_figure(ctx, r)]
    assumption = ("the factory is power-limited and every token sells at the same price: "
                  "revenue is then tokens per watt x power x price, so the ratio is exactly the "
                  "perf/W ratio; if demand, not power, limits the site, revenue does not scale")
    return Section(sp.key, sp.title, meta.get("claim") or sp.claim, v.verdict,
                   reason=v.headline + ".", assumption=assumption, rows=rows, figures=figs,
                   sources=dedupe([INTERVIEW] + F.sources(r)), scenarios=[path],
                   notes=list(v.details))
