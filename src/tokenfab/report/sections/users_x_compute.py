"""Users x compute per user, and rent or build (``three_scaling_laws.toml``, ``stargate.toml``).

Two runs: the demand projection (:func:`tokenfab.demand.project`) splits inference growth into
users and compute per user; the rent-or-build plan (:func:`tokenfab.plan.analyse`) checks
"renting alone cannot keep up" with the plan module's own verdict.

Verdict rule: :func:`tokenfab.plan.verdicts.double_exponential_finding` (this section renders
it).
"""

from __future__ import annotations

import numpy as np

from tokenfab import display
from tokenfab.demand import DemandSection, project
from tokenfab.inputs import RunOptions, Value
from tokenfab.plan import PlanSection, analyse, resolve
from tokenfab.plan.verdicts import (
    double_exponential_finding,
    double_exponential_verdict,
    growth_checks,
    slow_growth_plan,
)
from tokenfab.report.context import ReportContext
from tokenfab.report.figures import lines
from tokenfab.report.figures.plan import plan_figure
from tokenfab.report.section import Row, Section, Table
from tokenfab.report.sections import INTERVIEW, spec
from tokenfab.report.sections._common import dedupe, png_via_file, source_from_text
from tokenfab.scenario import load_section, scenario_meta
from tokenfab.uncertainty import Range

__all__ = ["build", "double_exponential_verdict", "growth_checks"]

DEMAND_SCENARIO = "three_scaling_laws.toml"
PLAN_SCENARIO = "stargate.toml"
#: Monte Carlo draws of the plan (each re-solves two linear programs): kept small
PLAN_SAMPLES_MAX = 100


def build(ctx: ReportContext) -> Section:
    sp = spec("users_x_compute")
    dpath = ctx.scenario(DEMAND_SCENARIO)
    ppath = ctx.scenario(PLAN_SCENARIO)
    dsec = load_section(dpath, "demand", DemandSection)
    pj = project(dsec, options=RunOptions(0, ctx.seed), catalog=ctx.catalog)
    years = np.asarray(pj.years)
    users = np.asarray(pj.point["users"], float)
    per_user = np.asarray(pj.point["inference_flops"], float) / users
    g_users = users[1:] / users[:-1]
    g_per_user = per_user[1:] / per_user[:-1]
    users_exp, per_user_exp = growth_checks(users, per_user)
    psec = load_section(ppath, "plan", PlanSection)
    meta = scenario_meta(ppath)
    # the file's own draws when it sets them (what `tokenfab plan FILE` runs: one scenario, one
    # answer), else the report's, capped: each draw re-solves two linear programs
    n, _ = ctx.draws(psec)
    if "samples" in ctx.explicit or "samples" not in psec.model_fields_set:
        n = min(ctx.samples, PLAN_SAMPLES_MAX)
    rep = analyse(resolve(psec, ctx.catalog), options=RunOptions(n if n >= 2 else 0, ctx.seed),
                  meta=meta)
    v = rep.finding.numbers
    finding = double_exponential_finding(pj, rep)
    verdict = finding.verdict
    f = pj.decomposition["inference"]["factors"]
    user_share = f["users"]["log_share"]
    reason = (
        f"Users grow {g_users[0]:.2f}x in {years[1]} but {g_users[-1]:.2f}x in {years[-1]} "
        + ("(still exponential)" if users_exp else "(saturating: a logistic curve, not an exponential)")
        + f"; compute per user grows {g_per_user.min():.2g}-{g_per_user.max():.2g}x a year"
        + (" (exponential)" if per_user_exp else "") + f". Users carry {user_share:.0%} of the "
        f"log-growth of inference to {years[-1]}, compute per user the rest. Rent or build: "
        f"{rep.finding.verdict.value}: {rep.finding.headline}.")
    mc = rep.monte_carlo
    if mc:
        reason += (f" In {display.percent(mc['share_of_draws_rent_alone_cannot_keep_up'])} of "
                   f"{mc['samples']} "
                   "Monte Carlo draws renting alone cannot keep up.")
    ins = rep.inputs
    slow = slow_growth_plan(psec, ctx.catalog)
    assumption = (f"the growth of users ({_pct(ins.users_growth)} a year in {PLAN_SCENARIO}) and of "
                  f"compute per user ({_pct(ins.per_user_growth)} a year) against the rental cap "
                  "and the power that can be connected per year")
    if slow is not None:
        assumption += (f"; at the low ends of both ranges the rent-and-build plan leaves "
                       f"{slow['unserved_share_plan']:.0%} of the tokens unserved and renting "
                       f"alone {slow['unserved_share_rent_only']:.0%}")
    plan = rep.plan
    rows = [Row(f"users {years[0]} → {years[-1]}", users[-1] / users[0], "x",
                f"{display.compact(users[0])} → {display.compact(users[-1])}"),
            Row(f"inference compute per user {years[0]} → {years[-1]}", per_user[-1] / per_user[0],
                "x"),
            Row("users' share of inference log-growth", user_share, "%"),
            Row("renting alone: unserved share of tokens", v["unserved_share_rent_only"], "%",
                f"first shortfall {v['first_shortfall_year']}; the rental cap "
                f"{'binds' if v['rental_cap_binds'] else 'does not bind'}"),
            Row("optimal rent+build plan: unserved share", v["unserved_share_plan"], "%"),
            Row("present cost of the plan", plan.present_cost_usd, "USD"),
            Row("first build year in the plan", str(plan.first_build_year), ""),
            Row("power online in the last year", float(plan.columns["online_w"][-1]), "W"),
            Row("built accelerator-hour", rep.crossover["build_usd_per_accelerator_hour"], "USD",
                _rent_note(rep.crossover.get("rent_usd_per_accelerator_hour", {}))),
            Row("cost of building one year late", rep.timing["late"]["extra_present_cost_usd"],
                "USD", "present value, mostly unserved tokens"),
            Row("cost of building one year early", rep.timing["early"]["extra_present_cost_usd"],
                "USD", "present value")]
    if mc:
        pc = mc["present_cost_usd"]
        rows.append(Row("present cost, Monte Carlo median", pc["p50"], "USD",
                        f"p10–p90 ${pc['p10'] / 1e9:,.0f} B – ${pc['p90'] / 1e9:,.0f} B "
                        f"({mc['samples']} draws)"))
    table = Table("The plan, per year", [
        {k: r[k] for k in ("year", "demand_w", "rented_accelerators", "built_w", "online_w",
                           "unserved_tokens", "cost_usd")} for r in plan.rows()])
    figs = [
        ctx.figure("Users and compute per user", lines,
                   {"users (x first year)": (years, users / users[0]),
                    "inference compute per user (x first year)": (years, per_user / per_user[0])},
                   logy=True, xlabel="year", ylabel="multiple of the first year",
                   title="The 'double exponential': users x compute per user",
                   caption=f"tokenfab.demand, {DEMAND_SCENARIO}, likely inputs."),
        ctx.figure("The rent-or-build plan", png_via_file,
                   lambda path: plan_figure(plan, path, title="Stargate: rent or build"),
                   caption="tokenfab.plan's chart: demand vs rented and built capacity, with the "
                   "unserved gap; power online and construction starts, and the yearly cost."),
    ]
    srcs = [INTERVIEW] + [source_from_text(k, str(s)) for k, s in rep.inputs.sources.items()
                          if s and s not in ("scenario", "default")]
    return Section(sp.key, sp.title, sp.claim, verdict, reason=reason, assumption=assumption,
                   rows=rows, tables=[table], figures=figs, sources=dedupe(srcs),
                   scenarios=[dpath, ppath], notes=list(plan.notes))


def _rent_note(rents: dict[str, list[float]]) -> str:
    """``'vs $3.30 (reserved_3yr), $4.50 (on_demand) to rent in the first year'``."""
    parts = [f"${v[0]:.2f} ({k.replace('_', ' ')})" for k, v in rents.items() if v]
    return ("vs " + ", ".join(parts) + " to rent in the first year") if parts else ""


def _pct(v: Value) -> str:
    """A growth rate (a number or a Range of fractions) as ``'+15% to +60%'``."""
    lo, hi = (v.low, v.high) if isinstance(v, Range) else (v, v)
    if lo == hi:
        return f"+{float(lo):.0%}"
    return f"+{float(lo):.0%} to +{float(hi):.0%}"
