"""What the factory-based sections share: run a scenario through ``tokenfab.factory``'s own
verdict (:func:`tokenfab.factory.verdict.scenario_verdict`), and show its P&L, tornado and sources.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tokenfab import display
from tokenfab.claims import Finding
from tokenfab.report.context import ReportContext
from tokenfab.report.figures import histogram, waterfall
from tokenfab.report.section import FigureData, Row, Source, format_value
from tokenfab.report.sections._common import band_note, dedupe, source_from_text

#: the outputs shown for each system: (key, label, unit)
MAIN_OUTPUTS: tuple[tuple[str, str, str], ...] = (
    ("accelerators", "accelerators", ""),
    ("it_power_w", "IT power", "W"),
    ("tokens_per_s_per_mw", "tokens/s per MW of site power", "tok/s"),
    ("tokens_per_year", "tokens per year", "tok"),
    ("revenue_usd_per_year", "revenue", "USD/yr"),
    ("capex_usd", "capex", "USD"),
    ("opex_usd_per_year", "opex (electricity, maintenance, staff)", "USD/yr"),
    ("tco_usd_per_year", "TCO (opex + capital charge)", "USD/yr"),
    ("profit_usd_per_year", "profit", "USD/yr"),
    ("cost_usd_per_mtok", "cost per million tokens", "USD"),
    ("gross_margin", "gross margin", "%"),
)
#: below the cash-flow rows: not a headline (undiscounted, at today's price, no build time)
SIMPLE_PAYBACK: tuple[tuple[str, str, str], ...] = (
    ("payback_years", "simple payback at today's price (undiscounted, constant price, no "
     "construction or ramp)", "years"),
)
#: the cash-flow metrics (first system): JSON key, label, unit, what a missing value means
CASH_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("npv_usd", "NPV at the cost of capital (yearly cash flows: construction, ramp, falling "
     "price)", "USD", "—"),
    ("irr", "IRR", "%", "no IRR"),
    ("discounted_payback_years", "discounted payback", "years", "never"),
)


def run(ctx: ReportContext, scenario: str) -> tuple[Path, Any, Any]:
    """Run ``scenario`` (a file in the scenario folder) with the draws of :meth:`ReportContext.draws`
    (the file's own samples and seed unless the report was given others: the CLI's answer).

    Returns the path, the :class:`~tokenfab.factory.runner.FactoryResult` and the factory's own
    :class:`~tokenfab.factory.verdict.Verdict` (None when the file has no check).
    """
    from tokenfab.factory.spec import FactorySection
    from tokenfab.factory.verdict import scenario_verdict
    from tokenfab.scenario import load_section

    path = ctx.scenario(scenario)
    samples, seed = ctx.draws(load_section(path, "factory", FactorySection))
    result, verdict = scenario_verdict(path, ctx.catalog, samples=samples, seed=seed)
    return path, result, verdict


def label(result: Any, vs: bool = False) -> str:
    """The system's id; a challenger that is the same system is marked as such."""
    s = result.section
    if vs and s.vs == s.hardware:
        return f"{s.vs} (challenger)"
    return str(s.vs if vs else s.hardware)


def cash_rows(result: Any) -> list[Row]:
    """NPV, IRR and discounted payback of the yearly cash flows (the first system), each with
    its Monte Carlo p10-p90 (draws with no IRR or no payback count as the worst)."""
    h = result.headline()
    out = []
    for key, name, unit, none in CASH_ROWS:
        v = h.get(key)
        note = ""
        if f"{key}_p10" in h:
            lo, hi = h[f"{key}_p10"], h[f"{key}_p90"]
            note = (f"p10–p90: {none if lo is None else format_value(lo, unit)} – "
                    f"{none if hi is None else format_value(hi, unit)}")
        out.append(Row(name, none if v is None else v, unit if v is not None else "", note))
    return out


def rows(result: Any, keys: tuple[tuple[str, str, str], ...] = MAIN_OUTPUTS) -> list[Row]:
    """Point values of the main outputs (with the challenger's beside, when there is one),
    each with its Monte Carlo p10-p90 band; with the default keys, then the cash-flow metrics
    (:func:`cash_rows`) and the simple payback below them."""
    if keys is MAIN_OUTPUTS:
        return (_rows(result, MAIN_OUTPUTS) + cash_rows(result) + _rows(result, SIMPLE_PAYBACK)
                + rent_rows(result))
    return _rows(result, keys)


def rent_rows(result: Any) -> list[Row]:
    """Revenue and cost per accelerator-hour beside the market rent, and their ratio, with the
    no-arbitrage finding's headline (:func:`tokenfab.factory.verdict.rent_gap`)."""
    from tokenfab.factory.verdict import rent_gap

    f = rent_gap(result)
    n = f.numbers
    if "revenue_to_rent_ratio" not in n:
        return []
    return [Row("revenue per accelerator-hour", n["revenue_usd_per_accelerator_hour"], "USD/h"),
            Row("cost per accelerator-hour (capital charge + opex)",
                n["cost_usd_per_accelerator_hour"], "USD/h"),
            Row("market rent per accelerator-hour", n["market_rent_usd_per_accelerator_hour"],
                "USD/h", result.table_sources.get("market_rent", "")),
            Row("revenue per accelerator-hour / market rent", n["revenue_to_rent_ratio"], "x",
                f"no-arbitrage: {f.verdict.value}; {f.headline}")]


def demand_regime(ctx: ReportContext, result: Any) -> tuple[list[Row], list[str]]:
    """The site's yearly tokens as a share of the market's published volume, and the same
    scenario demand-bound at a published share (point values): rows and notes.

    The library decides the share and runs the model
    (:func:`tokenfab.factory.verdict.sourced_demand_share`,
    :func:`~tokenfab.factory.verdict.demand_bound_run`); this only renders."""
    from tokenfab.factory.verdict import demand_bound_run, market_share, sourced_demand_share

    processed, x = market_share(result)
    share, how = sourced_demand_share(result, ctx.catalog)
    d = demand_bound_run(result, share, ctx.catalog)
    dh, h = d.headline(), result.headline()
    tag = f"demand-bound at {format_value(share, '%')} of the market"
    rows = [Row("tokens processed per year (input + output)", processed, "tok",
                "the site's output tokens with their input tokens, as the market volume counts"),
            Row("site tokens as a share of the market's published token volume", x, "x",
                f"market_tokens_per_year: {result.sources['market_tokens_per_year'].text}"),
            Row(f"{tag}: utilization", d.point["utilization"], "%",
                f"share: {how}"),
            Row(f"{tag}: revenue", d.point["revenue_usd_per_year"], "USD/yr",
                f"power-bound: {format_value(result.point['revenue_usd_per_year'], 'USD/yr')}"),
            Row(f"{tag}: NPV", dh["npv_usd"], "USD",
                f"power-bound: {format_value(h['npv_usd'], 'USD')}"),
            Row(f"{tag}: IRR", "no IRR" if dh["irr"] is None else dh["irr"],
                "" if dh["irr"] is None else "%",
                "power-bound: " + ("no IRR" if h["irr"] is None else format_value(h["irr"], "%"))),
            ]
    if dh.get("revenue_to_rent_ratio") is not None:
        rows.append(Row(f"{tag}: revenue per accelerator-hour / market rent",
                        dh["revenue_to_rent_ratio"], "x",
                        f"power-bound: {format_value(h['revenue_to_rent_ratio'], 'x')}"))
    notes = [
        f"Two regimes. Power-bound (the scenario as written, no demand cap): the site sells "
        f"every token it can make, {format_value(x, 'x')} the market's published yearly "
        f"volume; that is the regime the revenue, NPV and IRR above describe. Demand-bound at "
        f"a published share ({format_value(share, '%')} of the market: all of OpenRouter's "
        f"volume, sources in the row): the site sells "
        f"{format_value(share * float(_likely(result.resolved.values['market_tokens_per_year'])), 'tok')}"
        f" a year, runs at {format_value(d.point['utilization'], '%')} utilization and its NPV "
        f"is {format_value(dh['npv_usd'], 'USD')}. The share is generous for one site serving "
        "one model (OpenRouter routes hundreds of models to many providers), so the "
        "demand-bound figures are an upper end.",
        "Why the default stays un-capped: the claim graded here is the capex per GW, which the "
        "demand cap does not change, and no published figure says what share of the market one "
        "site would win (a demand_share is an assumption about buyers, not about the site); so "
        "the section keeps the scenario as written and shows the demand-bound result beside "
        "it. 'Pays for itself by selling tokens' holds only between the two: it needs buyers "
        "for a volume several times the largest published one.",
    ]
    return rows, notes


def _likely(v: Any) -> float:
    from tokenfab.uncertainty import likely

    return float(likely(v))


def rent_notes(result: Any) -> list[str]:
    """The no-arbitrage finding as notes: its verdict and headline, then its details."""
    from tokenfab.factory.verdict import rent_gap

    f = rent_gap(result)
    return [f"No-arbitrage against the market rent: {f.verdict.value.upper()} — {f.headline}",
            *f.details]


def _rows(result: Any, keys: tuple[tuple[str, str, str], ...]) -> list[Row]:
    out = []
    samples = result.mc.samples if result.mc is not None else {}
    has_vs = result.vs_op is not None
    for key, name, unit in keys:
        for prefix in ("", "vs_") if has_vs else ("",):
            k = prefix + key
            if k not in result.point:
                continue
            who = f" — {label(result, vs=bool(prefix))}" if has_vs else ""
            out.append(Row(name + who, result.point[k], unit,
                           band_note(samples.get(k), unit, format_value)))
    return out


def operating_point_rows(result: Any) -> list[Row]:
    """The performance engine's operating point behind each system."""
    out = []
    for op, vs in ((result.op, False), (result.vs_op, True)):
        if op is None:
            continue
        d = op.to_dict()
        cfg = d.get("config") or {}
        conf = ", ".join(f"{k}={cfg[k]}" for k in ("tp", "ep", "pp", "dp", "batch", "precision")
                         if k in cfg)
        if cfg.get("disaggregated"):
            conf += ", disaggregated"
        out.append(Row(f"tokens/s per accelerator — {label(result, vs)}",
                       d.get("tokens_per_s_per_accelerator"), "tok/s",
                       f"at {d.get('interactivity_tok_s_per_user', 0):g} tok/s/user; {conf}; "
                       f"{d.get('source', '')}"))
    return out


def pnl_figure(ctx: ReportContext, result: Any, *, vs: bool = False, title: str = "") -> FigureData:
    """A yearly P&L waterfall: revenue, minus opex, minus the capital charge, is profit."""
    p = "vs_" if vs else ""
    pt = result.point
    steps = [("revenue", pt[p + "revenue_usd_per_year"]),
             ("opex", -pt[p + "opex_usd_per_year"]),
             ("capital charge", -pt[p + "capital_charge_usd_per_year"])]
    t = title or f"{label(result, vs)}, {result.section.power / 1e9:g} GW: yearly P&L"
    return ctx.figure(t, waterfall, steps, total_label="profit", ylabel="USD bn per year",
                      title=t, scale=1e9,
                      caption="Revenue at the assumed token price, minus operating cost, minus "
                      "the capital charge (capex annuitised over its life at the cost of capital), "
                      "at the likely value of every input.")


def tornado_figure(ctx: ReportContext, result: Any) -> FigureData:
    """The factory module's own tornado chart (inputs ranked by their swing)."""
    from tokenfab.report.figures.factory import tornado_png

    def draw() -> bytes:
        with tempfile.TemporaryDirectory() as d:
            return tornado_png(result, Path(d) / "tornado.png").read_bytes()

    return ctx.figure(f"Sensitivity of {display.label_in_text(result.tornado_output)}", draw,
                      caption="One input at a time moved from its low to its high value, all "
                      "others at their likely values (tokenfab.uncertainty.tornado).")


def histogram_figure(ctx: ReportContext, result: Any, key: str, *, scale: float = 1.0,
                     xlabel: str = "", marks: dict[str, float] | None = None,
                     title: str = "") -> FigureData:
    """A Monte Carlo histogram of one output, with the claim marked."""
    if result.mc is None or key not in result.mc.samples:
        return FigureData(title or key, None, error="no Monte Carlo samples for " + key)
    import numpy as np

    x = np.asarray(result.mc.samples[key], float)
    x = x[np.isfinite(x)] / scale
    return ctx.figure(title or key, histogram, x, marks=marks, xlabel=xlabel, title=title,
                      caption=f"{result.mc.n:,} Monte Carlo draws of every input given as a range.")


def sources(result: Any) -> list[Source]:
    """Where every default input of the run comes from."""
    return dedupe(source_from_text(k, d.text) for k, d in result.sources.items()
                  if d.origin not in ("scenario", "flag"))


def findings_flip(verdict: Finding, words: tuple[str, ...]) -> str:
    """The first finding that mentions one of ``words`` (used for 'turns on')."""
    for f in verdict.details:
        if any(w in f for w in words):
            return f
    return ""


def compare_figure(ctx: ReportContext, result: Any, title: str = "") -> FigureData:
    """Revenue, TCO and profit per year of both systems on the same power."""
    from tokenfab.report.figures import grouped_bars

    pt = result.point
    cats = ["revenue", "TCO", "profit"]
    keys = ["revenue_usd_per_year", "tco_usd_per_year", "profit_usd_per_year"]
    series = {label(result): [pt[k] for k in keys]}
    series[label(result, vs=True)] = [pt["vs_" + k] for k in keys]
    t = title or f"Same {result.section.power / 1e9:g} GW, two systems: yearly P&L"
    return ctx.figure(t, grouped_bars, cats, series, ylabel="USD bn per year", title=t, scale=1e9,
                      caption="Point values at the likely inputs; both sites buy the same power "
                      "and buildings.")
