"""The 2 GW AI factory: what it costs, what it makes (``two_gw_factory.toml``).

The verdict is the factory model's own (:func:`tokenfab.factory.verdict.scenario_verdict`,
rule ``capex_per_gw``: supported when the modelled all-in capex per W of site power lies in
the claimed interval, partly when its p10-p90 band overlaps it, else not supported).

Both regimes are shown: the scenario as written (power-bound: every token it can make sells)
and the same site capped at a published demand share
(:func:`tokenfab.factory.verdict.sourced_demand_share`), with the site's yearly tokens as a
share of the market's published volume beside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenfab.report.context import ReportContext
from tokenfab.report.figures import waterfall
from tokenfab.report.section import Row, Section, format_value
from tokenfab.report.sections import INTERVIEW, spec
from tokenfab.report.sections import _factory as F
from tokenfab.report.sections._common import band_note, catalog_source, dedupe
from tokenfab.scenario import scenario_meta

if TYPE_CHECKING:  # the model is imported when a section runs, not when it is listed
    from tokenfab.factory.runner import FactoryResult

SCENARIO = "two_gw_factory.toml"


def build(ctx: ReportContext) -> Section:
    sp = spec("factory_2gw")
    path, r, v = F.run(ctx, SCENARIO)
    meta = scenario_meta(path)
    pt = r.point
    site_w = r.section.power
    per_gw = pt["capex_usd_per_site_w"] * 1e9
    chk = r.section.check  # claimed interval, USD per W of site power (= USD bn per GW)
    samples = r.mc.samples if r.mc is not None else {}
    per_gw_s = samples.get("capex_usd_per_site_w")
    rows = [Row("site power", site_w, "W", "scenario"),
            Row("all-in capex per GW of site power", per_gw, "USD",
                band_note(None if per_gw_s is None else per_gw_s * 1e9, "USD", format_value)),
            Row("claimed capex per GW", f"${chk.low:g}-{chk.high:g} B", "",
                "the scenario's claim (NVIDIA FQ2 FY26 call, as reported)")]
    rows += F.rows(r) + F.operating_point_rows(r)
    demand_rows, demand_notes = F.demand_regime(ctx, r)
    rows += demand_rows
    a = r.point
    steps = [("accelerators/systems", a["capex_it_usd"] - _networking(r)),
             ("networking & storage", _networking(r)),
             ("power, cooling, building", a["capex_facility_usd"])]
    figs = [
        ctx.figure("Capex of the site", waterfall, steps, total_label="total capex",
                   ylabel="USD bn", title=f"{r.section.hardware}, {site_w / 1e9:g} GW: capex",
                   scale=1e9, caption="Accelerators from the catalog price; networking, power & "
                   "cooling and building from the Bernstein GB200 NVL72 bottom-up shares."),
        F.histogram_figure(ctx, r, "capex_usd_per_site_w", xlabel="capex, USD bn per GW of site power",
                           marks={f"claim low (${chk.low:g}B)": chk.low,
                                  f"claim high (${chk.high:g}B)": chk.high},
                           title="All-in capex per GW: Monte Carlo vs the claim"),
        F.pnl_figure(ctx, r),
        F.tornado_figure(ctx, r),
    ]
    turns = F.findings_flip(v, ("capex reaches",)) or "the accelerator price"
    srcs = [INTERVIEW] + [catalog_source(ctx.catalog, k) for k in (
        "capex_per_gw_nvidia_claim", "capex_per_gw_bernstein", "capex_per_gw_it_epoch",
        "capex_per_gw_altman")] + F.sources(r)
    return Section(sp.key, sp.title, meta.get("claim") or sp.claim, v.verdict,
                   reason=v.headline + ".", assumption=turns, rows=rows, figures=figs,
                   sources=dedupe(srcs), scenarios=[path], notes=list(v.details) + F.rent_notes(r) + demand_notes)


def _networking(r: FactoryResult) -> float:
    """Networking & storage capex [USD]: its cost per W of IT power times the IT power."""
    from tokenfab.uncertainty import likely

    return float(likely(r.inputs["networking_cost"]) * r.point["it_power_w"])
