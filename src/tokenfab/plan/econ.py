"""Pure, vectorized cost and capacity formulas of the rent-or-build plan.

Every function takes floats or NumPy arrays (a Monte Carlo run passes arrays) and returns
arrays; units are in the names and in brackets. The linear program (:mod:`tokenfab.plan.lp`)
only assembles these coefficients.

The time value of money (capital recovery factor, interest during construction, discount
factors) is :mod:`tokenfab.finance`; this module composes it into the plan's costs.

Accounting convention (annualised capital, as in capacity-expansion models such as PyPSA):
a built site costs, for every year it is in service, the capital-recovery annuity of its
capex over its depreciation life at the cost of capital, plus opex. Within a finite horizon
this charges each year of service once, so a site opened in the last year is not penalised
for the years after the horizon (its residual value is implicitly its remaining annuities).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.demand.growth import exponential
from tokenfab.finance import capital_recovery_factor, construction_financing_factor
from tokenfab.units import HOURS_PER_YEAR

__all__ = [
    "breakeven_utilization",
    "build_cost_per_w_year",
    "demand_path",
    "generation_year",
    "rent_cost_per_accelerator_year",
    "speedup_per_year",
]


def demand_path(base: ArrayLike, users_growth: ArrayLike, per_user_growth: ArrayLike,
                years: int) -> np.ndarray:
    """The double exponential: demand = users x compute per user, each growing exponentially.

    .. math:: D_t = D_0 \\, (1 + g_u)^t \\, (1 + g_c)^t, \\quad t = 0 .. T-1

    Parameters
    ----------
    base : array_like
        Demand in the first year, ``D_0`` [any unit per year: tokens/yr or accelerators].
    users_growth : array_like
        ``g_u``: yearly growth of users [fraction per year; 1.0 = doubling].
    per_user_growth : array_like
        ``g_c``: yearly growth of compute (tokens) per user [fraction per year].
    years : int
        Horizon length ``T`` [years].

    Returns
    -------
    numpy.ndarray
        Shape ``(T,)`` for scalar inputs, ``(..., T)`` for arrays of samples.

    References
    ----------
    Demand identity ``tokens/yr = users x queries/user/yr x tokens/query`` (the interview's
    "double exponential", BG2 pod 2025-09-26, https://www.youtube.com/watch?v=pE6sw_E9Gh0). Each
    factor is :func:`tokenfab.demand.growth.exponential`.
    """
    t = np.arange(years, dtype=float)
    b = np.asarray(base, dtype=float)[..., None]
    gu = np.asarray(users_growth, dtype=float)[..., None]
    gc = np.asarray(per_user_growth, dtype=float)[..., None]
    return exponential(t, exponential(t, b, gu), gc)


def build_cost_per_w_year(capex_usd_per_w: ArrayLike, it_share: ArrayLike, rate: ArrayLike,
                          it_life_years: ArrayLike, facility_life_years: ArrayLike,
                          lead_years: ArrayLike, opex_usd_per_w_year: ArrayLike) -> np.ndarray:
    """Yearly cost of one watt of built capacity while in service [USD / (W yr)].

    .. math::
        c = K \\left[ s \\, \\mathrm{CRF}(r, n_{IT})
            + (1 - s) \\, F(r, L) \\, \\mathrm{CRF}(r, n_{fac}) \\right] + o

    with :func:`tokenfab.finance.capital_recovery_factor` and
    :func:`tokenfab.finance.construction_financing_factor`. The IT part (accelerators, network, servers: share ``s``) is paid at delivery, when the
    site opens; the facility part (power, cooling, building) is spent during the lead time
    and carries interest during construction ``F``. IT is refreshed at the end of its life
    with the same annuity (the hardware generation of the refresh year).

    Parameters
    ----------
    capex_usd_per_w : array_like
        All-in capex ``K`` per watt of facility (grid) power [USD/W].
    it_share : array_like
        Share ``s`` of capex that is IT equipment [fraction].
    rate : array_like
        Cost of capital ``r`` [fraction per year].
    it_life_years, facility_life_years : array_like
        Depreciation lives ``n_IT``, ``n_fac`` [years].
    lead_years : array_like
        Lead time ``L`` from decision to tokens [years].
    opex_usd_per_w_year : array_like
        Energy and non-energy opex per watt [USD/(W yr)], at full load.
    """
    k = np.asarray(capex_usd_per_w, dtype=float)
    s = np.asarray(it_share, dtype=float)
    annuity = (s * capital_recovery_factor(rate, it_life_years)
               + (1.0 - s) * construction_financing_factor(rate, lead_years)
               * capital_recovery_factor(rate, facility_life_years))
    out: np.ndarray = k * annuity + np.asarray(opex_usd_per_w_year, dtype=float)
    return out


def rent_cost_per_accelerator_year(price_usd_per_hour: ArrayLike, trend: ArrayLike,
                                   year_index: ArrayLike) -> np.ndarray:
    """Cost of renting one accelerator for a year signed in year ``t`` [USD/yr].

    .. math:: c_t = p_0 \\, (1 + \\tau)^t \\times 8766\\,\\mathrm{h}

    Parameters
    ----------
    price_usd_per_hour : array_like
        Contract price per accelerator-hour in year 0, ``p_0`` [USD/h].
    trend : array_like
        Yearly price change ``tau`` of a newest-generation accelerator-hour [fraction per year].
    year_index : array_like
        ``t`` [years since the start].
    """
    out: np.ndarray = (np.asarray(price_usd_per_hour, dtype=float)
                       * (1.0 + np.asarray(trend, dtype=float)) ** np.asarray(year_index, dtype=float)
                       * HOURS_PER_YEAR)
    return out


def generation_year(opening_index: ArrayLike, year_index: ArrayLike,
                    it_life_years: ArrayLike) -> np.ndarray:
    """Index of the year whose hardware generation a site runs in year ``t``.

    A site opening in year ``o`` installs that year's generation (annual cadence) and refreshes
    its IT every ``n_IT`` years: ``g = o + floor((t - o) / n_IT) n_IT`` (for ``t >= o``).

    Parameters
    ----------
    opening_index, year_index : array_like
        Opening year ``o`` and current year ``t`` [years since the start].
    it_life_years : array_like
        IT life ``n_IT`` [years].
    """
    o = np.asarray(opening_index, dtype=float)
    t = np.asarray(year_index, dtype=float)
    n = np.asarray(it_life_years, dtype=float)
    out: np.ndarray = o + np.floor(np.maximum(t - o, 0.0) / n) * n
    return out


def breakeven_utilization(build_usd_per_accelerator_year: ArrayLike,
                          rent_usd_per_accelerator_year: ArrayLike) -> np.ndarray:
    """Fraction of a built accelerator's time that must be used for building to beat renting.

    .. math:: u^* = c_{build} / c_{rent}

    Renting pays only for what is used; a built accelerator costs ``c_build`` whether used or
    idle. Above ``u*`` building is cheaper; ``u* > 1`` means renting wins even at full use.

    Parameters
    ----------
    build_usd_per_accelerator_year : array_like
        Yearly cost of one built accelerator (annuity + opex) [USD/yr].
    rent_usd_per_accelerator_year : array_like
        Yearly cost of renting one accelerator of the same generation [USD/yr].
    """
    out: np.ndarray = (np.asarray(build_usd_per_accelerator_year, dtype=float)
                       / np.asarray(rent_usd_per_accelerator_year, dtype=float))
    return out


def speedup_per_year(flops_per_w_new: ArrayLike, flops_per_w_old: ArrayLike,
                     years_apart: ArrayLike) -> np.ndarray:
    """Yearly improvement of tokens per watt implied by two hardware generations.

    .. math:: k = \\left( \\frac{(F/P)_{new}}{(F/P)_{old}} \\right)^{1 / \\Delta y}

    with ``F`` a dense peak FLOP/s and ``P`` the all-in power per accelerator. Peak FLOP/s per
    all-in watt is a proxy for tokens per watt when serving is compute-bound; memory-bound
    decode improves more slowly (HBM bandwidth per watt).

    Parameters
    ----------
    flops_per_w_new, flops_per_w_old : array_like
        Dense peak FLOP/s per all-in watt of the newer and the older system [FLOP/(s W)].
    years_apart : array_like
        Years between their volume availability [years], > 0.
    """
    out: np.ndarray = (np.asarray(flops_per_w_new, dtype=float) / np.asarray(flops_per_w_old, dtype=float)) \
                   ** (1.0 / np.asarray(years_apart, dtype=float))
    return out
