"""The annual cadence and the falling cost per token.

Successive NVIDIA generations on the same site and service level as the 2 GW factory
(``two_gw_factory.toml``: DeepSeek-R1 at 50 tok/s per user), each at its native precision, run
through :func:`tokenfab.factory.compare.generations` (the performance engine picks each
system's configuration).

The verdict is :func:`tokenfab.factory.compare.cadence_finding` (supported when every
generation raises tokens per MW and lowers the cost per million tokens of the one before,
within a 5% tolerance for noise in the configuration search; partly when the last generation
beats the first on both but some step does not; not supported otherwise).
"""

from __future__ import annotations

from tokenfab.factory.compare import cadence_finding, generations
from tokenfab.factory.spec import FactorySection
from tokenfab.perf.era import software_share
from tokenfab.report.context import ReportContext
from tokenfab.report.figures import lines
from tokenfab.report.section import Row, Section, Source, Table
from tokenfab.report.sections import INTERVIEW, spec
from tokenfab.report.sections._common import catalog_source, dedupe
from tokenfab.scenario import load_section

SCENARIO = "two_gw_factory.toml"
#: Hopper -> Blackwell -> Blackwell Ultra -> Rubin (the interview's cadence)
GENERATIONS: tuple[str, ...] = ("h100-sxm", "gb200-nvl72", "gb300-nvl72", "vr200-nvl144")

NVIDIA_ROADMAP = Source("NVIDIA GTC 2025 roadmap: Blackwell Ultra (2025), Rubin (2026), Rubin "
                        "Ultra (2027), Feynman (Tom's Hardware)",
                        "https://www.tomshardware.com/tech-industry/semiconductors/"
                        "nvidia-enterprise-roadmap-rubin-rubin-ultra-feynman-and-silicon-photonics")


def build(ctx: ReportContext) -> Section:
    sp = spec("cadence")
    path = ctx.scenario(SCENARIO)
    base = load_section(path, "factory", FactorySection).model_copy(update={"precision": "native"})
    rows_g = generations(base, list(GENERATIONS), ctx.catalog)
    finding = cadence_finding(rows_g, text=sp.claim, source=INTERVIEW.label)
    verdict, problems = finding.verdict, finding.details
    ok = [r for r in rows_g if "tokens_per_s_per_mw" in r]
    first, last = ok[0], ok[-1]
    years = last["year"] - first["year"]
    tok_x = last["tokens_per_s_per_mw"] / first["tokens_per_s_per_mw"]
    cost_x = first["cost_usd_per_mtok"] / last["cost_usd_per_mtok"]
    per_year = cost_x ** (1 / years) if years > 0 else float("nan")
    reason = (f"From {first['hardware']} ({first['year']}) to {last['hardware']} ({last['year']}) "
              f"tokens per MW rise {tok_x:.1f}x and the cost per million tokens falls "
              f"{cost_x:.1f}x (about {per_year:.2g}x a year) at {base.interactivity:g} tok/s per "
              f"user on {base.model}.")
    if problems:
        reason += " But: " + "; ".join(problems) + "."
    srcs = [INTERVIEW, NVIDIA_ROADMAP] + [catalog_source(ctx.catalog, k) for k in (
        "price_decline_fixed_capability", "cost_per_token_decline_msft",
        "rubin_cost_per_token_vs_blackwell")]
    epoch = ctx.catalog.assumption("price_decline_fixed_capability")
    msft = ctx.catalog.assumption("cost_per_token_decline_msft")
    rows = []
    for r in rows_g:
        if "tokens_per_s_per_mw" not in r:
            rows.append(Row(f"{r['hardware']} ({r['year']})", "not reachable", "", r.get("reason", "")))
            continue
        rows.append(Row(f"{r['hardware']} ({r['year']}): tokens/s per MW", r["tokens_per_s_per_mw"],
                        "tok/s", f"{r['tokens_per_mw_vs_first']:.3g}x the first"))
        rows.append(Row(f"{r['hardware']} ({r['year']}): cost per million tokens",
                        r["cost_usd_per_mtok"], "USD", f"{r['cost_per_mtok_vs_first']:.3g}x the first"))
    rows += [Row("modelled fall of cost per token, per year", per_year, "x",
                 f"{first['year']}-{last['year']}, hardware only (same model, same service level)"),
             Row("observed fall of prices at fixed capability, per year", epoch.value, "x",
                 f"Epoch AI, range {epoch.low:g}-{epoch.high:g}x (includes better models and "
                 "software)"),
             Row("Microsoft: cost per token fall, per year", msft.value, "x", "claim, FY25 Q3 call")]
    # how much of a generation's gain is software: the software-era trend of the engine
    sw = software_share(tok_x, float(years)) if years > 0 and tok_x > 0 else None
    if sw is not None:
        rows += [Row("software speed gain per year on the same silicon", sw.per_year, "x",
                     "software-era trend fitted on round-over-round MLPerf results "
                     "(tokenfab.perf.era; beyond the serving mechanisms the engine models)"),
                 Row(f"share of the {first['hardware']} -> {last['hardware']} gain from "
                     "software", sw.software_share, "%",
                     f"tokens per MW x{tok_x:.3g} at one software era, x{sw.software_gain:.3g} "
                     f"from software over {years:g} years (log share, perf.era.software_share)")]
        reason += (f" Software on the same silicon adds about {sw.per_year:.3g}x a year (the "
                   f"engine's software-era trend): {100.0 * sw.software_share:.0f}% of the "
                   f"{first['hardware']} -> {last['hardware']} gain on a log scale.")
    by_id = {r["hardware"]: r for r in ok}
    rubin = ctx.catalog.economics.get("rubin_cost_per_token_vs_blackwell")
    if rubin is not None and "vr200-nvl144" in by_id and "gb200-nvl72" in by_id:
        model_x = by_id["vr200-nvl144"]["cost_usd_per_mtok"] / by_id["gb200-nvl72"]["cost_usd_per_mtok"]
        rows.append(Row("Rubin / Blackwell cost per token: model", model_x, "x",
                        f"NVIDIA claims {rubin.value:g}x ({rubin.source}); the model gives "
                        f"{model_x:.2g}x at this service level"))
    x = [r["year"] + 0.15 * i for i, r in enumerate(ok)]  # same-year systems side by side
    label = ", ".join(f"{r['hardware']}" for r in ok)
    figs = [
        ctx.figure("Tokens per MW by generation", lines,
                   {"tokens/s per MW": (x, [r["tokens_per_s_per_mw"] for r in ok])}, logy=True,
                   xlabel="year available", ylabel="tokens/s per MW of site power",
                   title=f"{base.model} at {base.interactivity:g} tok/s/user: {label}",
                   caption="Each system at its native precision; the engine picks the layout."),
        ctx.figure("Cost per million tokens by generation", lines,
                   {"USD per million tokens": (x, [r["cost_usd_per_mtok"] for r in ok])}, logy=True,
                   xlabel="year available", ylabel="USD per million tokens",
                   title="Cost per million tokens (capex annuitised + opex)",
                   caption="Catalog prices and the factory's default costs, likely values."),
    ]
    table = Table("Generations on the same 2 GW site", [
        {k: r.get(k) for k in ("hardware", "year", "tokens_per_s_per_mw", "cost_usd_per_mtok",
                               "gross_margin", "tokens_per_mw_per_year_x",
                               "cost_per_mtok_per_year_x", "reason")} for r in rows_g])
    fp8 = [r for r in generations(base.model_copy(update={"precision": "fp8"}),
                                  list(GENERATIONS), ctx.catalog) if "tokens_per_s_per_mw" in r]
    assumption = ("each system's catalog price and all-in power, and native precision (FP4 from "
                  "Blackwell on)")
    if len(fp8) >= 2:
        x8 = fp8[-1]["tokens_per_s_per_mw"] / fp8[0]["tokens_per_s_per_mw"]
        assumption += (f": at FP8 for all, tokens per MW rise {x8:.3g}x from {fp8[0]['hardware']} "
                       f"to {fp8[-1]['hardware']} instead of {tok_x:.3g}x")
    return Section(sp.key, sp.title, sp.claim, verdict, reason=reason, assumption=assumption,
                   rows=rows, tables=[table], figures=figs, sources=dedupe(srcs),
                   scenarios=[path])
