"""The verdict on "users x compute per user grow exponentially, so renting alone cannot keep
up", from a demand projection and a rent-or-build plan.

Rule over three parts -- (1) users grow exponentially (their yearly growth in the last year
of the projection is at least half of that in the first: no saturation), (2) compute per user
grows exponentially (at least :data:`PER_USER_MIN_GROWTH` a year in every year), (3) renting
alone cannot keep up (:data:`tokenfab.plan.analysis.RENT_ALONE_CLAIM`): *supported* when all
three hold; *partly* when (3) and one of (1), (2) hold; *not supported* otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.catalog import Catalog
from tokenfab.claims import Claim, Comparison, Finding, Verdict
from tokenfab.demand.project import DemandProjection
from tokenfab.inputs import RunOptions
from tokenfab.plan.analysis import PlanReport, analyse
from tokenfab.plan.inputs import PlanSection, resolve
from tokenfab.uncertainty import Range

__all__ = ["DOUBLE_EXPONENTIAL_CLAIM", "PER_USER_MIN_GROWTH", "double_exponential_finding",
           "double_exponential_verdict", "growth_checks", "slow_growth_plan"]

PER_USER_MIN_GROWTH = 1.5

DOUBLE_EXPONENTIAL_CLAIM = Claim(
    id="double_exponential_rent_and_build",
    text="users and compute per user both grow exponentially, so renting alone cannot keep up",
    source="Jensen Huang, BG2 Pod 2025-09-26, https://www.youtube.com/watch?v=pE6sw_E9Gh0",
    quantity="unserved_share_rent_only",
    comparison=Comparison("at_least", target=0.005))


def growth_checks(users: ArrayLike, per_user: ArrayLike) -> tuple[bool, bool]:
    """(users still exponential, compute per user exponential) from yearly series.

    Users: the growth in the last year is at least half the growth in the first (a logistic
    curve near its ceiling fails). Compute per user: at least 1.5x in every year.
    """
    u = np.asarray(users, float)
    c = np.asarray(per_user, float)
    g_u = u[1:] / u[:-1]
    g_c = c[1:] / c[:-1]
    users_exp = bool(g_u[0] > 1 and (g_u[-1] - 1) >= 0.5 * (g_u[0] - 1))
    return users_exp, bool(np.all(g_c >= PER_USER_MIN_GROWTH))


def double_exponential_verdict(users_exp: bool, per_user_exp: bool, rent_cannot: bool) -> Verdict:
    """The rule of the module docstring."""
    if users_exp and per_user_exp and rent_cannot:
        return Verdict.SUPPORTED
    if rent_cannot and (users_exp or per_user_exp):
        return Verdict.PARTLY
    return Verdict.NOT_SUPPORTED


def double_exponential_finding(pj: DemandProjection, rep: PlanReport) -> Finding:
    """Grade :data:`DOUBLE_EXPONENTIAL_CLAIM` on a projection and a plan (the module's rule)."""
    users = np.asarray(pj.point["users"], float)
    per_user = np.asarray(pj.point["inference_flops"], float) / users
    users_exp, per_user_exp = growth_checks(users, per_user)
    rent_cannot = rep.finding.verdict in (Verdict.SUPPORTED, Verdict.PARTLY)
    verdict = double_exponential_verdict(users_exp, per_user_exp, rent_cannot)
    return Finding(DOUBLE_EXPONENTIAL_CLAIM, verdict, rep.finding.value,
                   headline=(f"users exponential: {users_exp}; compute per user exponential: "
                             f"{per_user_exp}; renting alone cannot keep up: {rent_cannot}"),
                   numbers={"users_exponential": users_exp,
                            "per_user_exponential": per_user_exp,
                            "rent_alone_cannot_keep_up": rent_cannot})


def slow_growth_plan(section: PlanSection, catalog: Catalog | None = None
                     ) -> dict[str, Any] | None:
    """The rent-alone finding's numbers with users and per-user growth at the low end of their
    ranges (None when the section gives plain numbers)."""
    u, c = section.given().get("users_growth"), section.given().get("per_user_growth")
    if not (isinstance(u, Range) and isinstance(c, Range)):
        return None
    low = section.model_copy(update={"users_growth": u.low, "per_user_growth": c.low})
    return analyse(resolve(low, catalog), options=RunOptions(0)).finding.numbers
