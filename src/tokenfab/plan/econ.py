"""Pure, vectorized cost and capacity formulas of the rent-or-build plan.

Every function takes floats or NumPy arrays (a Monte Carlo run passes arrays) and returns
arrays; units are in the names and in brackets. The linear program (:mod:`tokenfab.plan.lp`)
only assembles these coefficients.

Accounting convention (annualised capital, as in capacity-expansion models such as PyPSA):
a built site costs, for every year it is in service, the capital-recovery annuity of its
capex over its depreciation life at the cost of capital, plus opex. Within a finite horizon
this charges each year of service once, so a site opened in the last year is not penalised
for the years after the horizon (its residual value is implicitly its remaining annuities).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.units import _YEAR_S

#: hours in a (Julian) year, the same year as :mod:`tokenfab.units` [h]
HOURS_PER_YEAR: float = _YEAR_S / 3600.0
#: seconds in a (Julian) year [s]
SECONDS_PER_YEAR: float = _YEAR_S

__all__ = [
    "HOURS_PER_YEAR",
    "SECONDS_PER_YEAR",
    "build_cost_per_w_year",
    "capital_recovery_factor",
    "construction_financing_factor",
    "demand_path",
    "discount_factors",
    "generation_year",
    "rent_cost_per_accelerator_year",
    "breakeven_utilisation",
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
    Demand identity ``tokens/yr = users x queries/user/yr x tokens/query`` (tokenfab
    background note ``economics.md`` sec. 2.3; the interview's "double exponential"). Each
    factor is :func:`tokenfab.demand.growth.exponential`.
    """
    from tokenfab.demand.growth import exponential

    t = np.arange(years, dtype=float)
    b = np.asarray(base, dtype=float)[..., None]
    gu = np.asarray(users_growth, dtype=float)[..., None]
    gc = np.asarray(per_user_growth, dtype=float)[..., None]
    return exponential(t, exponential(t, b, gu), gc)


def discount_factors(rate: ArrayLike, years: int) -> np.ndarray:
    """Present-value factors ``(1 + r)^-t`` for ``t = 0 .. T-1`` (year 0 undiscounted).

    Parameters
    ----------
    rate : array_like
        Cost of capital ``r`` [fraction per year].
    years : int
        Horizon ``T`` [years].
    """
    t = np.arange(years, dtype=float)
    return (1.0 + np.asarray(rate, dtype=float)[..., None]) ** -t


def capital_recovery_factor(rate: ArrayLike, life_years: ArrayLike) -> np.ndarray:
    """Annuity per dollar of capex that repays it with interest over its life.

    .. math:: \\mathrm{CRF}(r, n) = \\frac{r}{1 - (1 + r)^{-n}}, \\qquad \\mathrm{CRF}(0, n) = 1/n

    Parameters
    ----------
    rate : array_like
        Cost of capital ``r`` [fraction per year], ``r >= 0``.
    life_years : array_like
        Depreciation (economic) life ``n`` [years], ``n > 0``; need not be whole.

    Returns
    -------
    numpy.ndarray
        [1/year]

    References
    ----------
    Standard engineering-economics annuity factor, e.g. Short, Packey & Holt, *A Manual for
    the Economic Evaluation of Energy Efficiency and Renewable Energy Technologies*, NREL/TP-
    462-5173 (1995), eq. 4-4.
    """
    r = np.asarray(rate, dtype=float)
    n = np.asarray(life_years, dtype=float)
    safe_r = np.where(r > 1e-12, r, 1.0)
    crf = safe_r / (1.0 - (1.0 + safe_r) ** -n)
    return np.where(r > 1e-12, crf, 1.0 / n)


def construction_financing_factor(rate: ArrayLike, lead_years: ArrayLike) -> np.ndarray:
    """Capex at opening per dollar spent evenly during construction (interest during construction).

    A dollar spent uniformly over the ``L`` years before opening is worth, at opening,

    .. math:: F(r, L) = \\frac{(1 + r)^L - 1}{r L}, \\qquad F(r, 0) = F(0, L) = 1

    Parameters
    ----------
    rate : array_like
        Cost of capital ``r`` [fraction per year].
    lead_years : array_like
        Construction period ``L`` [years].

    References
    ----------
    Continuous-spend approximation of interest during construction (NREL/TP-462-5173, sec. 4).
    """
    r = np.asarray(rate, dtype=float)
    lead = np.asarray(lead_years, dtype=float)
    rl = r * lead
    ok = rl > 1e-12
    f = np.where(ok, ((1.0 + r) ** lead - 1.0) / np.where(ok, rl, 1.0), 1.0)
    return f


def build_cost_per_w_year(capex_usd_per_w: ArrayLike, it_share: ArrayLike, rate: ArrayLike,
                          it_life_years: ArrayLike, facility_life_years: ArrayLike,
                          lead_years: ArrayLike, opex_usd_per_w_year: ArrayLike) -> np.ndarray:
    """Yearly cost of one watt of built capacity while in service [USD / (W yr)].

    .. math::
        c = K \\left[ s \\, \\mathrm{CRF}(r, n_{IT})
            + (1 - s) \\, F(r, L) \\, \\mathrm{CRF}(r, n_{fac}) \\right] + o

    The IT part (accelerators, network, servers: share ``s``) is paid at delivery, when the
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
    return k * annuity + np.asarray(opex_usd_per_w_year, dtype=float)


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
    return (np.asarray(price_usd_per_hour, dtype=float)
            * (1.0 + np.asarray(trend, dtype=float)) ** np.asarray(year_index, dtype=float)
            * HOURS_PER_YEAR)


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
    return o + np.floor(np.maximum(t - o, 0.0) / n) * n


def breakeven_utilisation(build_usd_per_accelerator_year: ArrayLike,
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
    return (np.asarray(build_usd_per_accelerator_year, dtype=float)
            / np.asarray(rent_usd_per_accelerator_year, dtype=float))


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
    return (np.asarray(flops_per_w_new, dtype=float) / np.asarray(flops_per_w_old, dtype=float)) \
        ** (1.0 / np.asarray(years_apart, dtype=float))
