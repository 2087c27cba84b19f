"""A 500,000-GPU site: Colossus 2 (``colossus2.toml``).

:func:`tokenfab.cluster.site.evaluate_site` on the scenario (in-memory checkpoints, as the
scenario assumes), :func:`tokenfab.cluster.sensitivity.checkpoint_alternative` (the same site
with storage checkpoints) and :func:`tokenfab.cluster.sensitivity.failure_rate_sensitivity`
(twice the failure rate). This module only renders.

Verdict rule: the claim has two parts, "a gigawatt cluster" (facility power between 0.5 and
2 GW) and "usable as one machine" (goodput of one job on the whole site >= 0.9, the level
large operators report). Supported when both hold with either checkpointing; partly when the
power holds and the goodput reaches 0.9 only with the scenario's in-memory checkpoints (or
lies between 0.5 and 0.9); not supported otherwise.
"""

from __future__ import annotations

from tokenfab.report.context import ReportContext
from tokenfab.report.figures import bars
from tokenfab.report.section import Row, Section, Table, Verdict
from tokenfab.report.sections import INTERVIEW, spec
from tokenfab.report.sections._common import dedupe, png_via_file, source_from_text

SCENARIO = "colossus2.toml"
GIGAWATT_W = (0.5e9, 2.0e9)
GOODPUT_OK = 0.9
GOODPUT_FLOOR = 0.5


def cluster_verdict(facility_power_w: float, goodputs: tuple[float, ...]) -> Verdict:
    """The rule of the module docstring, over the goodput of each checkpointing mode."""
    gw_ok = GIGAWATT_W[0] <= facility_power_w <= GIGAWATT_W[1]
    if gw_ok and min(goodputs) >= GOODPUT_OK:
        return Verdict.SUPPORTED
    if gw_ok and max(goodputs) >= GOODPUT_FLOOR:
        return Verdict.PARTLY
    return Verdict.NOT_SUPPORTED


def build(ctx: ReportContext) -> Section:
    from tokenfab.cluster.sensitivity import checkpoint_alternative, failure_rate_sensitivity
    from tokenfab.cluster.site import ClusterSection, evaluate_site
    from tokenfab.report.figures.cluster import plot_goodput_vs_size
    from tokenfab.scenario import load_section, scenario_meta

    sp = spec("colossus2")
    path = ctx.scenario(SCENARIO)
    meta = scenario_meta(path)
    sec = load_section(path, "cluster", ClusterSection)
    sec = sec.model_copy(update={"trials": min(int(sec.trials), 300)})
    site = evaluate_site(sec, ctx.catalog)
    alt = checkpoint_alternative(sec, ctx.catalog)
    other_mode = alt.options.checkpoint
    d = site.to_dict()
    g, g_alt = site.goodput, alt.goodput
    gw_ok = GIGAWATT_W[0] <= site.facility_power_w <= GIGAWATT_W[1]
    g_storage = g_alt if other_mode == "storage" else g
    verdict = cluster_verdict(site.facility_power_w, (g, g_alt))
    n = site.accelerators
    days = site.value("days")
    reason = (f"{n:,} {sec.hardware} need {site.it_power_w / 1e9:.2f} GW of IT power and "
              f"{site.facility_power_w / 1e9:.2f} GW at the facility "
              f"({'a gigawatt cluster' if gw_ok else 'not a gigawatt cluster'}), "
              f"{site.racks:,} racks, {site.fabric.switches:,} switches and "
              f"{site.fabric.to_dict()['transceivers']:,} transceivers. One job on all of it is "
              f"interrupted every {site.mtbf_s / 60:.1f} minutes (~{site.expected_interruptions:,.0f} "
              f"times in {days:g} days); goodput is {g:.2f} with {sec.checkpoint} checkpoints "
              f"and {g_alt:.2f} with {other_mode} checkpoints.")
    twice = failure_rate_sensitivity(sec, ctx.catalog, factor=2.0)
    assumption = (f"checkpointing and restart time: goodput {g_storage:.2f} with checkpoints to "
                  f"storage, {max(g, g_alt):.2f} with in-memory checkpoints and a "
                  f"{min(site.restart_s, alt.restart_s):.0f} s restart of the whole job; and the "
                  f"failure rate, taken per GPU from Llama 3 on 16k H100 (twice that rate: goodput "
                  f"{twice.goodput_scaled:.2f} with {sec.checkpoint} checkpoints)")
    rng = d.get("ranges", {})

    def band(key: str, unit_scale: float = 1.0) -> str:
        r = rng.get(key)
        if not r or r["p10"] == r["p90"]:
            return ""
        return f"p10–p90: {r['p10'] / unit_scale:.3g} – {r['p90'] / unit_scale:.3g}"

    rows = [
        Row("accelerators (job + hot spares)", n, "", f"{site.job_accelerators:,} in the job, "
            f"{site.spare_accelerators:,} spares"),
        Row("IT power", site.it_power_w, "W", band("it_power_w", 1e9) and band("it_power_w", 1e9) + " GW"),
        Row("facility power", site.facility_power_w, "W",
            (band("facility_power_w", 1e9) + " GW (PUE range)") if band("facility_power_w", 1e9) else ""),
        Row("racks", site.racks, "", f"{site.rack_power_w / 1e3:.0f} kW each, {site.cooling} cooled; "
            f"{site.system_power_source}"),
        Row("energy per year", f"{site.energy_per_year_j / 3.6e15:.3g} TWh", "", "at full load"),
        Row("fabric: switches", site.fabric.switches, "",
            f"{d['fabric']['tiers']}-tier Clos, radix {d['fabric']['radix']}, "
            f"{'rail-optimized' if d['fabric']['rail_optimized'] else 'not rail-optimized'}"),
        Row("fabric: transceivers", d["fabric"]["transceivers"], "",
            f"{d['fabric']['transceivers'] / n:.2f} per accelerator"),
        Row("fabric: power", d["fabric"]["power_w"], "W"),
        Row("fabric: cost", d["fabric"]["cost_usd"], "USD"),
        Row("job MTBF", site.mtbf_s / 60, "minutes", "Llama 3 per-GPU failure rates"),
        Row(f"expected interruptions in {days:g} days", site.expected_interruptions, ""),
        Row("checkpoint interval", site.interval_s, "s", f"{sec.interval_policy}'s formula"),
        Row("restart time", site.restart_s, "s"),
        Row(f"goodput, {sec.checkpoint} checkpoints (analytic)", g, "%"),
        Row(f"goodput, {other_mode} checkpoints (analytic)", g_alt, "%"),
    ]
    if site.simulation is not None:
        s = site.simulation.summary()
        rows.append(Row("goodput, simulated", s["goodput_mean"], "%",
                        f"{site.simulation.replicas} trials; p10–p90 {s['goodput_p10']:.3f} – "
                        f"{s['goodput_p90']:.3f}"))
    if site.time_to_train_s is not None:
        rows.append(Row(f"time to train {sec.model} on {site.value('tokens'):.3g} tokens",
                        site.time_to_train_s / 86400, "days", "at the scenario's MFU, with goodput"))
    by_cause = d.get("expected_interruptions_by_cause", {})
    figs = [
        ctx.figure("Goodput vs job size", png_via_file, plot_goodput_vs_size, sec.model_copy(
            update={"model": None, "tokens": None}), catalog=ctx.catalog,
            caption="tokenfab.cluster's chart: analytic (Daly) goodput with storage and in-memory "
            "checkpoints, and simulated points; the grey line is this site's job."),
        ctx.figure("Interruptions by cause", bars, list(by_cause)[:8],
                   [by_cause[k] for k in list(by_cause)[:8]],
                   ylabel=f"expected in {days:g} days", fmt="{:,.0f}",
                   title=f"{n:,} accelerators: expected interruptions by cause (Llama 3 rates)"),
    ]
    table = Table("Fabric", [d["fabric"]])
    srcs = [INTERVIEW, source_from_text("system power", site.system_power_source)]
    srcs += _cluster_sources(ctx)
    return Section(sp.key, sp.title, meta.get("claim") or sp.claim, verdict, reason=reason,
                   assumption=assumption, rows=rows, tables=[table], figures=figs,
                   sources=dedupe(srcs), scenarios=[path])


def _cluster_sources(ctx: ReportContext) -> list:
    out = []
    for key, a in sorted(ctx.catalog.cluster.items()):
        if key.startswith(("llama3", "xai.colossus2", "daly", "restart", "storage")):
            out.append(source_from_text(key, a.source))
    return out
