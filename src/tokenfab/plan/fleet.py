"""Mixed fleets: a share of the work on a cheaper, fixed-function accelerator (ASIC/TPU).

An ASIC site costs less (``asic_capex_saving`` of total capex, taken off the IT part) and may
serve more or fewer tokens per watt than the GPU generation of the same year
(``asic_perf_per_w``), but it only serves the *ASIC-eligible* share of demand (the models it
was built for). The linear program (:mod:`tokenfab.plan.lp`) chooses how much ASIC to build
for a planned share. When the model mix changes (``mix_change_year``, after which only
``asic_share_after_change`` of demand runs on the ASIC) the ASIC sites already built are
stranded: :func:`mix_change_penalty` prices that by re-solving the operations (renting,
dispatch, unserved) with the construction already decided, against a plan that had foreseen
the change.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tokenfab.finance import remaining_balance_fraction
from tokenfab.plan.inputs import PlanPoint
from tokenfab.plan.lp import PlanResult, solve

__all__ = ["MixChange", "mix_change_penalty", "share_path"]


def share_path(p: PlanPoint, *, changed: bool) -> np.ndarray:
    """ASIC-eligible share of demand per year: planned (constant) or after the mix change."""
    s = np.full(p.years, p.asic_share)
    if changed and p.mix_change_year is not None:
        s[p.mix_change_year - p.start_year:] = p.asic_share_after_change
    return s


@dataclass(frozen=True)
class MixChange:
    """What a model-mix change costs a fleet that built ASICs for the old mix."""

    change_year: int
    share_before: float
    share_after: float
    asic_online_w_at_change: float
    stranded_asic_fraction: float
    unpaid_asic_it_capex_usd: float
    penalty_usd: float
    cost_planned_then_changed_usd: float
    cost_with_foresight_usd: float

    def to_dict(self) -> dict[str, float]:
        return {k: float(getattr(self, k)) for k in self.__dataclass_fields__}


def mix_change_penalty(p: PlanPoint, planned: PlanResult | None = None) -> MixChange | None:
    """Price a model-mix change for point inputs ``p`` (None if there is no ASIC or no change).

    ``penalty_usd`` = present cost + unserved penalty of the plan built for the old mix and
    operated after the change, minus that of a plan that foresaw the change.
    ``unpaid_asic_it_capex_usd`` is the IT capex of the ASIC sites still unpaid in the change
    year (:func:`tokenfab.finance.remaining_balance_fraction`) times the share of ASIC capacity left idle.
    """
    if p.mix_change_year is None or p.asic_share <= 0:
        return None
    planned = planned if planned is not None else solve(p)
    builds = {k: v[: max(p.years - planned.lead_years, 0)]
              for k, v in planned.build_started_w.items()}
    changed = share_path(p, changed=True)
    shocked = solve(p, fixed_builds_w=builds, asic_share_path=changed)
    foresight = solve(p, asic_share_path=changed)
    m = p.mix_change_year - p.start_year
    asic_online = planned.columns["asic_online_w"]
    # idle ASIC capacity in the change year, from the re-solved operations
    cap_asic = shocked.columns["asic_capacity_accelerators"][m]
    used = shocked.columns["asic_served_accelerators"][m]
    stranded = float(1.0 - used / cap_asic) if cap_asic > 0 else 0.0
    # unpaid IT capex of ASIC vintages at the change year
    k = p.capex_usd_per_w
    sav = p.asic_capex_saving
    it_usd_per_w = k * p.it_capex_share - k * sav
    started = planned.build_started_w.get("asic", np.zeros(p.years))
    unpaid = 0.0
    for s_idx, w in enumerate(started):
        o = s_idx + planned.lead_years
        if w <= 0 or o > m:
            continue
        age = float(m - o) % p.it_life_years
        unpaid += w * it_usd_per_w * float(remaining_balance_fraction(
            p.cost_of_capital, p.it_life_years, age))
    return MixChange(
        change_year=int(p.mix_change_year), share_before=p.asic_share,
        share_after=p.asic_share_after_change,
        asic_online_w_at_change=float(asic_online[m]), stranded_asic_fraction=stranded,
        unpaid_asic_it_capex_usd=unpaid * stranded,
        penalty_usd=shocked.objective_usd - foresight.objective_usd,
        cost_planned_then_changed_usd=shocked.objective_usd,
        cost_with_foresight_usd=foresight.objective_usd)
