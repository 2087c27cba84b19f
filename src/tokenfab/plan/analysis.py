"""The plan and its verdicts: renting alone, the crossover, timing, mixed fleets, uncertainty.

* **Renting alone**: the same demand served with no construction at all (no committed sites
  either). The claim "renting alone cannot keep up" (:data:`RENT_ALONE_CLAIM`) is graded by
  :func:`tokenfab.claims.check`: *supported* when that plan leaves at least
  :data:`SHORTFALL_TOLERANCE` of the horizon's tokens unserved (with a Monte Carlo: and so do
  >= 80% of the draws), *not supported* otherwise; the headline says whether the rental cap
  binds or renting more simply costs more than the tokens are worth.
* **Crossover**: per year, the cost of an accelerator-hour in a site opening that year
  (annuity + opex) against each rental contract; their ratio is the utilisation a built site
  must reach to beat renting (:func:`tokenfab.plan.econ.breakeven_utilization`).
* **Timing**: the optimal construction schedule moved one year earlier or later, operations
  re-optimised: the cost of building too early (idle capacity) or too late (rent at the cap,
  then unserved demand).
* **Mixed fleet**: :func:`tokenfab.plan.fleet.mix_change_penalty`.
* **Monte Carlo**: the LP re-solved for draws of every input range.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tokenfab.claims import Claim, Comparison, Finding, check
from tokenfab.inputs import RunOptions
from tokenfab.plan import econ
from tokenfab.plan.fleet import MixChange, mix_change_penalty
from tokenfab.plan.inputs import PlanInputs, PlanPoint
from tokenfab.plan.lp import PlanResult, caps, solve
from tokenfab.uncertainty import Range, percentiles
from tokenfab.units import HOURS_PER_YEAR

__all__ = ["RENT_ALONE_CLAIM", "SHORTFALL_TOLERANCE", "PlanReport", "analyse", "crossover",
           "monte_carlo_plan", "rent_alone_finding", "shifted_schedule", "timing_costs"]

#: share of the horizon's demand tokens left unserved at which a plan "cannot keep up"
SHORTFALL_TOLERANCE = 0.005

#: the interview's claim, graded on the unserved share of the rent-only plan
RENT_ALONE_CLAIM = Claim(
    id="rent_alone_cannot_keep_up", text="renting alone cannot keep up",
    source="Jensen Huang, BG2 Pod 2025-09-26 (users and compute per user both grow "
           "exponentially, so OpenAI both rents and builds), "
           "https://www.youtube.com/watch?v=pE6sw_E9Gh0",
    quantity="unserved_share_rent_only",
    comparison=Comparison("at_least", target=SHORTFALL_TOLERANCE), unit="")


def crossover(p: PlanPoint, result: PlanResult) -> dict[str, Any]:
    """Build-vs-rent cost per accelerator-hour per year, and the break-even utilization.

    Both sides are per accelerator of the same generation, so the hardware speedup cancels;
    what remains is the annualised site cost against the contract price and its trend.
    """
    hours = HOURS_PER_YEAR
    build_hr = result.costs.gpu_usd_per_w_year * p.accelerator_power_w / hours
    rent_hr = result.costs.rent_usd_per_accelerator_year / hours  # (contracts, T)
    cheapest = rent_hr.min(axis=0)
    u_star = econ.breakeven_utilization(build_hr, cheapest)
    years = p.start_year + np.arange(p.years)
    L = result.lead_years
    # building decided in year t serves from t + L: compare with renting then
    beats = [int(years[i]) for i in range(p.years - L) if u_star[i + L] < 1.0]
    return {
        "build_usd_per_accelerator_hour": float(build_hr),
        "rent_usd_per_accelerator_hour": {n: rent_hr[i].tolist()
                                          for i, n in enumerate(p.rent_names)},
        "breakeven_utilization": u_star.tolist(),
        "first_decision_year_build_beats_rent": beats[0] if beats else None,
        "first_build_year_in_plan": result.first_build_year,
    }


def shifted_schedule(result: PlanResult, shift_years: int) -> dict[str, np.ndarray]:
    """The plan's construction starts moved by ``shift_years`` (negative: earlier).

    Starts that would move before the first year stay in the first year; starts moved past
    the last useful start year (their sites would open after the horizon) are dropped.
    """
    nb = max(result.inputs.years - result.lead_years, 0)
    out = {}
    for k, started in result.build_started_w.items():
        b = np.asarray(started[:nb], dtype=float)
        new = np.zeros(nb)
        for s, w in enumerate(b):
            j = s + shift_years
            if j < 0:
                j = 0
            if j < nb:
                new[j] += w
        out[k] = new
    return out


def timing_costs(p: PlanPoint, result: PlanResult) -> dict[str, Any]:
    """Extra present cost (cash + unserved penalty) of building one year early / one year late.

    Operations (renting, ASIC dispatch, unserved) are re-optimised around the moved schedule;
    power caps are not re-checked for the moved schedule (one year earlier may not have had
    the power).
    """
    if not any(np.any(v > 0) for v in result.build_started_w.values()):
        return {"early": None, "late": None, "note": "the plan builds nothing"}
    out: dict[str, Any] = {}
    for name, shift in (("early", -1), ("late", 1)):
        r = solve(p, fixed_builds_w=shifted_schedule(result, shift))
        out[name] = {
            "extra_present_cost_usd": r.objective_usd - result.objective_usd,
            "extra_cash_present_cost_usd": r.present_cost_usd - result.present_cost_usd,
            "extra_unserved_tokens": r.total_unserved_tokens - result.total_unserved_tokens,
            "mean_idle_fraction": float(np.mean(r.columns["idle_fraction"])),
        }
    return out


def rent_alone_finding(p: PlanPoint, plan: PlanResult, rent_only: PlanResult,
                       sample: np.ndarray | None = None) -> Finding:
    """Grade :data:`RENT_ALONE_CLAIM` on the rent-only plan's unserved share of the horizon's
    tokens (``sample``: the same share in each Monte Carlo draw)."""
    demand = float(rent_only.columns["demand_tokens"].sum())
    share = rent_only.total_unserved_tokens / demand if demand > 0 else 0.0
    short = rent_only.columns["unserved_tokens"] > SHORTFALL_TOLERANCE * rent_only.columns[
        "demand_tokens"]
    first = int(p.start_year + np.flatnonzero(short)[0]) if short.any() else None
    rcap, _ = caps(p)
    at_cap = short & (rent_only.columns["rented_accelerators"] >= rcap * (1 - 1e-6))
    keeps_up_not = share >= SHORTFALL_TOLERANCE
    if keeps_up_not and at_cap.any():
        text = (f"renting alone leaves {share:.1%} of the horizon's tokens unserved; "
                f"the rental cap binds from {int(p.start_year + np.flatnonzero(at_cap)[0])}")
    elif keeps_up_not:
        text = (f"only in cost: renting alone leaves {share:.1%} of the tokens "
                "unserved because renting more costs more than the tokens are worth (the "
                "rental cap does not bind)")
    else:
        text = ("under these inputs renting alone serves demand "
                f"(present cost {rent_only.present_cost_usd / 1e9:,.1f} bn USD vs "
                f"{plan.present_cost_usd / 1e9:,.1f} bn USD for the optimal plan)")
    numbers = {"rental_cap_binds": bool(at_cap.any()), "unserved_share_rent_only": share,
               "first_shortfall_year": first,
               "unserved_share_plan": (plan.total_unserved_tokens / demand if demand > 0
                                       else 0.0),
               "rent_only_present_cost_usd": rent_only.present_cost_usd,
               "rent_only_objective_usd": rent_only.objective_usd}
    return check(RENT_ALONE_CLAIM, share, sample, headline=text, numbers=numbers)


def monte_carlo_plan(inputs: PlanInputs, options: RunOptions,
                     progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Re-solve the plan (and the rent-only plan) for ``options.samples`` draws of the input
    ranges.

    Returns percentiles (p10/p50/p90) of the present cost, the unserved share of the plan and
    of renting alone, the first build year, the power online in the last year, and the share
    of draws in which renting alone cannot keep up. ``progress(i)`` is called after each draw.
    """
    cost, unserved, ro_unserved, first, online = [], [], [], [], []
    for i, d in enumerate(inputs.draw(options)):
        r = solve(d)
        ro = solve(d, allow_build=False, include_committed=False)
        demand = float(r.columns["demand_tokens"].sum())
        cost.append(r.present_cost_usd)
        unserved.append(r.total_unserved_tokens / demand)
        ro_unserved.append(ro.total_unserved_tokens / demand)
        first.append(np.nan if r.first_build_year is None else r.first_build_year)
        online.append(float(r.columns["online_w"][-1]))
        if progress is not None:
            progress(i + 1)
    ro_arr = np.array(ro_unserved)
    first_arr = np.array(first, dtype=float)
    builds = np.isfinite(first_arr)
    return {
        "samples": options.samples, "seed": options.seed,
        "uncertain_inputs": inputs.uncertain_names(),
        "present_cost_usd": percentiles(np.array(cost)),
        "unserved_share_plan": percentiles(np.array(unserved)),
        "unserved_share_rent_only": percentiles(ro_arr),
        "unserved_share_rent_only_draws": ro_arr,
        "online_w_final_year": percentiles(np.array(online)),
        "share_of_draws_rent_alone_cannot_keep_up": float(np.mean(ro_arr >= SHORTFALL_TOLERANCE)),
        "share_of_draws_that_build": float(np.mean(builds)),
        "first_build_year": percentiles(first_arr[builds]) if builds.any() else None,
    }


@dataclass(frozen=True)
class PlanReport:
    """Everything ``tokenfab plan`` prints."""

    inputs: PlanInputs
    plan: PlanResult
    rent_only: PlanResult
    finding: Finding
    crossover: dict[str, Any]
    timing: dict[str, Any]
    mix_change: MixChange | None
    monte_carlo: dict[str, Any] | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The plan's per-year rows (SI)."""
        return self.plan.to_frame()

    def to_dict(self) -> dict[str, Any]:
        p = self.inputs
        pt = p.point()
        mc = (None if self.monte_carlo is None else
              {k: v for k, v in self.monte_carlo.items() if not k.endswith("_draws")})
        return {
            **{k: v for k, v in self.meta.items() if v},
            "years": self.plan.rows(),
            "present_cost_usd": self.plan.present_cost_usd,
            "present_unserved_penalty_usd": self.plan.present_penalty_usd,
            "total_unserved_tokens": self.plan.total_unserved_tokens,
            "first_build_year": self.plan.first_build_year,
            "verdict": self.finding.to_dict(),
            "crossover": self.crossover,
            "timing": self.timing,
            "mix_change": None if self.mix_change is None else self.mix_change.to_dict(),
            "monte_carlo": mc,
            "notes": self.plan.notes,
            "inputs": {
                "reference_system": p.reference_system,
                "lead_time_years_used": self.plan.lead_years,
                "tokens_per_accelerator_year": pt.tokens_per_accelerator_year(),
                "build_usd_per_w_year": self.plan.costs.gpu_usd_per_w_year,
                "asic_usd_per_w_year": self.plan.costs.asic_usd_per_w_year,
                "values": {k: _plain(v) for k, v in p.values().items()},
                "sources": p.sources,
            },
        }


def _plain(v: Any) -> Any:
    if isinstance(v, Range):
        return {"low": v.low, "likely": v.likely, "high": v.high, "dist": v.dist}
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    return v


def analyse(inputs: PlanInputs, *, options: RunOptions | None = None,
            progress: Callable[[int], None] | None = None,
            meta: dict[str, str] | None = None) -> PlanReport:
    """Solve the plan at the likely inputs and derive every verdict (see module docstring).

    ``options``: Monte Carlo draws over the input ranges (default: the scenario's
    ``samples``, seed 0).
    """
    opts = options if options is not None else RunOptions(inputs.samples, 0)
    p = inputs.point()
    plan = solve(p)
    rent_only = solve(p, allow_build=False, include_committed=False)
    mc = monte_carlo_plan(inputs, opts, progress) if opts.monte_carlo else None
    sample = None if mc is None else mc["unserved_share_rent_only_draws"]
    return PlanReport(
        inputs=inputs, plan=plan, rent_only=rent_only,
        finding=rent_alone_finding(p, plan, rent_only, sample), crossover=crossover(p, plan),
        timing=timing_costs(p, plan), mix_change=mix_change_penalty(p, plan),
        monte_carlo=mc, meta=dict(meta or {}))
