"""Blackwell ~30x Hopper: per GPU at NVIDIA's conditions, and in revenue at equal power.

Two runs:

1. ``blackwell_30x.toml`` (performance engine, :func:`tokenfab.perf.claims.run_scenario`):
   GB200 NVL72 vs H100 tokens/s per GPU on GPT-MoE-1.8T at NVIDIA's footnote conditions, and the
   decomposition of the ratio (FP4, the 72-GPU domain, disaggregation, batch);
2. ``blackwell_30x_revenue.toml`` (factory model, :func:`tokenfab.factory.verdict.scenario_verdict`):
   revenue at equal power on DeepSeek-R1 at 50 tok/s per user, and the ratio across
   interactivities.

The section renders findings, it grades nothing itself: the per-GPU ratio is graded by
:func:`tokenfab.claims.check` inside :func:`tokenfab.perf.claims.run_scenario` (ratio rule:
within a factor 1.25 of the claim supported, within 2 partly), the revenue ratio by the
factory's verdict, and the two are combined by :func:`tokenfab.perf.claims.combine_verdicts`
(the worse of the two, raised to "partly supported" when the interactivity sweep reaches the
claimed ratio somewhere on the frontier).
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

from tokenfab.claims import Verdict as _V
from tokenfab.claims import check
from tokenfab.perf.claims import PredictSection, combine_verdicts, ratio_claim, run_scenario
from tokenfab.perf.serving import pareto
from tokenfab.report.context import ReportContext
from tokenfab.report.figures import bars, frontier_pair, lines
from tokenfab.report.section import Row, Section, Source, Table, Verdict
from tokenfab.report.sections import INTERVIEW, spec
from tokenfab.report.sections import _factory as F
from tokenfab.report.sections._common import catalog_source, dedupe
from tokenfab.scenario import load_section

PERF_SCENARIO = "blackwell_30x.toml"
REVENUE_SCENARIO = "blackwell_30x_revenue.toml"


NVIDIA_GB200 = Source("NVIDIA, GTC 2024-03-18, GB200 NVL72 product page and technical blog 'NVIDIA "
                      "GB200 NVL72 Delivers Trillion-Parameter LLM Training and Real-Time "
                      "Inference': up to 30x faster real-time inference vs the same number of "
                      "H100 on GPT-MoE-1.8T (a projection, not a measurement)")


def ratio_verdict(ratio: float, claimed: float) -> Verdict:
    """Grade a modelled ratio against a claimed one (factors 1.25 and 2, either side): the
    ratio rule of :func:`tokenfab.claims.check`."""
    if claimed <= 0:
        return Verdict.NOT_SUPPORTED
    return check(ratio_claim(claimed), ratio).verdict


def crossing(points: list[tuple[float, float]], target: float) -> float | None:
    """First x at which the y of ``points`` (sorted by x) reaches ``target``, interpolating
    linearly in log(y); None when it never does."""
    pts = sorted(points)
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        if y0 >= target:
            return x0
        if y1 >= target > y0 > 0:
            f = (math.log(target) - math.log(y0)) / (math.log(y1) - math.log(y0))
            return x0 + f * (x1 - x0)
    if pts and pts[-1][1] >= target:
        return pts[-1][0]
    return None


def build(ctx: ReportContext) -> Section:
    sp = spec("blackwell_30x")
    perf_path = ctx.scenario(PERF_SCENARIO)
    perf = run_scenario(perf_path, ctx.catalog)
    psec = load_section(perf_path, "predict", PredictSection)
    claimed = float(perf.get("claimed_ratio") or psec.claimed_ratio or 30.0)
    r_gpu = float(perf["ratio_per_accelerator"])
    finding = perf.get("finding")
    v_gpu = (_V.parse(finding["verdict"]) if finding else ratio_verdict(r_gpu, claimed))

    rev_path, fr, fv = F.run(ctx, REVENUE_SCENARIO)
    v_rev = fv.verdict
    r_rev = fr.point["revenue_usd_per_year"] / fr.point["vs_revenue_usd_per_year"]
    sweep = [s for s in fv.numbers.get("sweep", []) if s.get("ratio")]
    reached = crossing([(float(s["interactivity_tok_s"]), float(s["ratio"])) for s in sweep],
                       claimed)

    verdict = combine_verdicts(v_gpu, v_rev, reached_somewhere=reached is not None)
    pred, base = perf["prediction"], perf["baseline"]
    reason = (f"At NVIDIA's conditions ({psec.model}, {psec.input_tokens:,.0f} in / "
              f"{psec.output_tokens:,.0f} out, TPOT <= {psec.tpot_max_s * 1e3:g} ms, TTFT <= "
              f"{psec.ttft_max_s:g} s) the engine gives {r_gpu:.1f}x per GPU ({v_gpu.value}); "
              f"on a {fr.section.power / 1e9:g} GW site serving {fr.section.model} at "
              f"{fr.section.interactivity:g} tok/s per user, Blackwell earns {r_rev:.1f}x Hopper's "
              f"revenue ({v_rev.value}).")
    if reached is not None:
        reason += (f" Along the frontier the revenue ratio first reaches the claimed {claimed:g}x "
                   f"near {reached:.0f} tok/s per user (see the sweep).")
    assumption = "the operating point on the frontier"
    if sweep:
        lo = min(sweep, key=lambda x: x["ratio"])
        hi = max(sweep, key=lambda x: x["ratio"])
        assumption += (f": across {sweep[0]['interactivity_tok_s']:g}-"
                       f"{sweep[-1]['interactivity_tok_s']:g} tok/s per user the revenue ratio runs "
                       f"from {lo['ratio']:.3g}x (at {lo['interactivity_tok_s']:g}) to "
                       f"{hi['ratio']:.3g}x (at {hi['interactivity_tok_s']:g})")
    batch = next((w for w in perf["waterfall"] if w["step"].startswith("+ batch")), None)
    if batch is not None:
        assumption += (f"; and the larger batch the 72-GPU domain allows ({batch['factor']:.3g}x of "
                       f"the {r_gpu:.3g}x per GPU in the decomposition)")
    rows = [
        Row("claimed ratio", claimed, "x", "NVIDIA GTC 2024 / BG2 interview"),
        Row(f"tokens/s per GPU — {pred['hardware']} ({psec.precision})",
            pred["output_tokens_per_s_per_accelerator"], "tok/s",
            f"bottleneck {pred['bottleneck']}; config {_cfg(pred['config'])}"),
        Row(f"tokens/s per GPU — {base['hardware']} ({psec.baseline_precision})",
            base["output_tokens_per_s_per_accelerator"], "tok/s",
            f"bottleneck {base['bottleneck']}; config {_cfg(base['config'])}"),
        Row("ratio per GPU (engine)", r_gpu, "x", v_gpu.value),
        Row("tokens/s per MW ratio (engine)",
            pred["tokens_per_s_per_mw"] / base["tokens_per_s_per_mw"], "x", "all-in power"),
        Row(f"revenue ratio at equal power ({fr.section.model}, "
            f"{fr.section.interactivity:g} tok/s/user)", r_rev, "x", v_rev.value),
    ]
    for w in perf["waterfall"][1:]:
        rows.append(Row(f"step: {w['step']}", w["factor"], "x",
                        f"cumulative {w['cumulative']:.3g}x"))
    tables = [
        Table("Decomposition: one factor added at a time (the factors multiply to the total)",
              [{"step": w["step"], "tokens/s per GPU": w["output_tokens_per_s_per_accelerator"],
                "factor": w["factor"], "cumulative": w["cumulative"]} for w in perf["waterfall"]]),
        Table("One factor removed at a time from the full configuration (factors interact)",
              [{"without": o["without"], "tokens/s per GPU": o["output_tokens_per_s_per_accelerator"],
                "full / without": o["factor"], "note": o.get("note", "")}
               for o in perf["one_at_a_time"]]),
        Table("Revenue ratio across interactivities (same site, same price curve)",
              [{"tok/s per user": s["interactivity_tok_s"], "ratio": s["ratio"],
                "note": s.get("reason", "")} for s in fv.numbers.get("sweep", [])]),
    ]

    def frontiers() -> Any:
        lim: dict[str, Any] = dict(input_tokens=psec.input_tokens, output_tokens=psec.output_tokens,
                   ttft_max_s=psec.ttft_max_s, input_p99_over_mean=psec.input_p99_over_mean,
                   catalog=ctx.catalog)
        gpu: dict[str, tuple[list[float], list[float]]] = {}
        mw: dict[str, tuple[list[float], list[float]]] = {}
        for hw, prec in ((psec.hardware, psec.precision),
                         (psec.baseline_hardware, psec.baseline_precision)):
            if hw is None:
                continue
            df = pareto(psec.model, hw, precision=prec, **lim).to_frame()
            x = df["interactivity_tokens_per_s_per_user"].astype(float).tolist()
            gpu[f"{hw} {prec}"] = (x, df["output_tokens_per_s_per_accelerator"].astype(float).tolist())
            mw[f"{hw} {prec}"] = (x, df["tokens_per_s_per_mw"].astype(float).tolist())
        marker = 1.0 / psec.tpot_max_s if psec.tpot_max_s else None
        return frontier_pair(gpu, mw, marker_x=marker,
                             title=f"{psec.model}, {psec.input_tokens:,.0f} in / "
                             f"{psec.output_tokens:,.0f} out, p99 TTFT <= {psec.ttft_max_s:g} s")

    steps = perf["waterfall"]
    figs = [
        ctx.figure("Pareto frontiers per GPU and per MW", frontiers,
                   caption="tokens/s per GPU (left) and per MW of all-in power (right) against "
                   "tokens/s per user; the dashed line is the claim's 50 ms between tokens."),
        ctx.figure("Where the ratio comes from", bars,
                   [_short(w["step"]) for w in steps], [w["cumulative"] for w in steps],
                   ylabel="ratio to H100 per GPU (cumulative)", logy=True,
                   ref=(f"claimed {claimed:g}x", claimed),
                   title="Cumulative ratio, one factor added at a time",
                   caption="Each bar adds one factor to the previous one (tokenfab.perf.claims)."),
        ctx.figure("Revenue ratio vs interactivity", lines,
                   {"revenue ratio (model)": ([s["interactivity_tok_s"] for s in sweep],
                                              [s["ratio"] for s in sweep])},
                   hlines={f"claimed {claimed:g}x": claimed}, logy=True,
                   xlabel="interactivity [tokens/s per user]", ylabel="Blackwell / Hopper revenue",
                   title=f"{fr.section.hardware} vs {fr.section.vs} on "
                   f"{fr.section.power / 1e9:g} GW, {fr.section.model}",
                   caption="Points no configuration reaches are left out (see the table)."),
        F.compare_figure(ctx, fr),
    ]
    srcs = [INTERVIEW, NVIDIA_GB200,
            catalog_source(ctx.catalog, "blackwell_over_hopper_tokens_per_mw"),
            catalog_source(ctx.catalog, "gb200_tco_breakeven_perf_vs_h100")] + F.sources(fr)
    return Section(sp.key, sp.title, sp.claim, verdict, reason=reason, assumption=assumption,
                   rows=rows, tables=tables, figures=figs, sources=dedupe(srcs),
                   scenarios=[perf_path, rev_path], notes=list(fv.details) + F.rent_notes(fr))


def _cfg(c: dict[str, Any]) -> str:
    parts = [f"{k}={c[k]}" for k in ("tp", "ep", "pp", "dp", "batch") if k in c]
    if c.get("disaggregated"):
        parts.append("disaggregated")
    return ", ".join(parts)


def _short(step: str) -> str:
    s = step.replace("baseline: ", "").replace(" (engine's choice)", "")
    return "\n".join(textwrap.wrap(s, 24))  # wrapped, never cut with "…"
