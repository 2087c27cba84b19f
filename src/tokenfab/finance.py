"""Finance formulas shared by every model: annuities, construction interest, cash flows.

One home for the time value of money, so that ``factory``, ``plan`` and ``demand`` cannot
drift apart. Every function is pure and vectorised: scalars or NumPy arrays in (a Monte
Carlo run passes arrays), arrays out; units are in the names and in brackets.

Conventions
-----------
* ``rate`` is a cost of capital per year, ``r > -1``. ``r = 0`` is allowed everywhere and
  takes the limit of the formula (``CRF(0, n) = 1/n``); formulas are evaluated in the
  numerically safe branch for ``|r| < 1e-12``.
* Years are real numbers where the formula allows (a 5.5-year life is fine).
* A cash-flow series has its year axis last: ``cash[..., t]`` is the net cash of year
  ``t = 0 .. T-1``, with year 0 undiscounted (money spent or received "now").

References
----------
Brealey, Myers & Allen, *Principles of Corporate Finance*, 13th ed. (2020), ch. 2 and 6;
Short, Packey & Holt, *A Manual for the Economic Evaluation of Energy Efficiency and Renewable
Energy Technologies*, NREL/TP-462-5173 (1995), sec. 4.

>>> round(float(capital_recovery_factor(0.10, 5)), 4)
0.2638
>>> round(float(npv(0.10, [-100.0, 60.0, 60.0])), 2)
4.13
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.units import HOURS_PER_YEAR, SECONDS_PER_YEAR

__all__ = [
    "HOURS_PER_YEAR",
    "SECONDS_PER_YEAR",
    "annualized_cost_per_w",
    "capital_recovery_factor",
    "construction_financing_factor",
    "discount_factors",
    "discounted_payback_years",
    "irr",
    "npv",
    "remaining_balance_fraction",
]

_SMALL = 1e-12


def capital_recovery_factor(rate: ArrayLike, life_years: ArrayLike) -> np.ndarray:
    """Capital recovery factor: the level annual payment per dollar of capex.

    .. math:: \\mathrm{CRF}(r, n) = \\frac{r}{1 - (1 + r)^{-n}}, \\qquad \\mathrm{CRF}(0, n) = 1/n

    Parameters
    ----------
    rate : array_like
        Cost of capital ``r`` [fraction per year], ``r > -1``.
    life_years : array_like
        Depreciation (economic) life ``n`` [years], ``n > 0``; need not be whole.

    Returns
    -------
    numpy.ndarray
        [1/year]

    References
    ----------
    Brealey, Myers & Allen, *Principles of Corporate Finance*, 13th ed., sec. 6.3 (equivalent
    annual cost); NREL/TP-462-5173 (1995), eq. 4-4.

    >>> round(float(capital_recovery_factor(0.0, 4)), 4)
    0.25
    """
    r = np.asarray(rate, dtype=float)
    n = np.asarray(life_years, dtype=float)
    small = np.abs(r) < _SMALL
    safe = np.where(small, 1.0, r)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        crf = safe / (1.0 - (1.0 + safe) ** (-n))
    return np.where(small, 1.0 / n, crf)


def construction_financing_factor(rate: ArrayLike, lead_years: ArrayLike) -> np.ndarray:
    """Capex at opening per dollar spent evenly during construction (interest during construction).

    A dollar spent uniformly over the ``L`` years before opening is worth, at opening,

    .. math:: F(r, L) = \\frac{(1 + r)^L - 1}{r L}, \\qquad F(r, 0) = F(0, L) = 1

    Parameters
    ----------
    rate : array_like
        Cost of capital ``r`` [fraction per year].
    lead_years : array_like
        Construction period ``L`` [years], >= 0.

    References
    ----------
    Continuous-spend approximation of interest during construction (NREL/TP-462-5173, sec. 4).

    >>> round(float(construction_financing_factor(0.10, 2)), 4)
    1.05
    """
    r = np.asarray(rate, dtype=float)
    lead = np.asarray(lead_years, dtype=float)
    rl = r * lead
    ok = np.abs(rl) > _SMALL
    with np.errstate(divide="ignore", invalid="ignore"):
        f = ((1.0 + r) ** lead - 1.0) / np.where(ok, rl, 1.0)
    return np.where(ok, f, 1.0)


def remaining_balance_fraction(rate: ArrayLike, life_years: ArrayLike,
                               age_years: ArrayLike) -> np.ndarray:
    """Share of a capex still unpaid after ``a`` years of a level annuity over ``n`` years.

    .. math:: b(r, n, a) = \\frac{(1 + r)^n - (1 + r)^a}{(1 + r)^n - 1}, \\quad
              b(0, n, a) = 1 - a / n, \\quad b = 0 \\text{ for } a \\ge n

    Parameters
    ----------
    rate : array_like
        Cost of capital ``r`` [fraction per year].
    life_years : array_like
        Depreciation life ``n`` [years].
    age_years : array_like
        Years of service so far ``a`` [years]; negative ages count as 0.

    References
    ----------
    Outstanding balance of an amortising loan (Brealey, Myers & Allen, ch. 2).
    """
    r = np.asarray(rate, dtype=float)
    n = np.asarray(life_years, dtype=float)
    a = np.maximum(np.asarray(age_years, dtype=float), 0.0)
    big = np.abs(r) > _SMALL
    rr = np.where(big, r, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(big, ((1.0 + rr) ** n - (1.0 + rr) ** a) / ((1.0 + rr) ** n - 1.0),
                     1.0 - a / n)
    return np.where(a >= n, 0.0, b)


def annualized_cost_per_w(capex_usd_per_w: ArrayLike, rate: ArrayLike, life_years: ArrayLike,
                          lead_years: ArrayLike = 0.0) -> np.ndarray:
    """Yearly capital charge of one watt of capacity [USD/(W yr)].

    .. math:: c = K \\, F(r, L) \\, \\mathrm{CRF}(r, n)

    Parameters
    ----------
    capex_usd_per_w : array_like
        Capex ``K`` per watt [USD/W].
    rate : array_like
        Cost of capital ``r`` [fraction per year].
    life_years : array_like
        Depreciation life ``n`` [years].
    lead_years : array_like, optional
        Construction period ``L`` during which the capex is spent evenly [years]; 0 = paid at
        opening (no interest during construction).

    >>> round(float(annualized_cost_per_w(10.0, 0.10, 5)), 3)
    2.638
    """
    out: np.ndarray = (np.asarray(capex_usd_per_w, dtype=float)
                       * construction_financing_factor(rate, lead_years)
                       * capital_recovery_factor(rate, life_years))
    return out


def discount_factors(rate: ArrayLike, years: int) -> np.ndarray:
    """Present-value factors ``(1 + r)^-t`` for ``t = 0 .. T-1`` (year 0 undiscounted).

    Returns an array of shape ``(T,)`` for a scalar rate, ``(..., T)`` for an array of rates.
    """
    r = np.asarray(rate, dtype=float)[..., None]
    if years <= 0:
        return np.ones(r.shape[:-1] + (0,))
    # cumulative product of 1/(1+r): one division per year instead of a power per element
    step = np.broadcast_to(1.0 / (1.0 + r), r.shape[:-1] + (years,)).copy()
    step[..., 0] = 1.0
    return np.cumprod(step, axis=-1)


def npv(rate: ArrayLike, cash_usd: ArrayLike) -> np.ndarray:
    """Net present value of yearly cash flows [USD].

    .. math:: \\mathrm{NPV} = \\sum_{t=0}^{T-1} \\frac{C_t}{(1 + r)^t}

    Parameters
    ----------
    rate : array_like
        Discount rate ``r`` [fraction per year]; broadcasts against ``cash_usd[..., 0]``.
    cash_usd : array_like
        Net cash of each year, year axis last [USD].
    """
    c = np.asarray(cash_usd, dtype=float)
    return np.asarray(np.sum(c * discount_factors(rate, c.shape[-1]), axis=-1))


def irr(cash_usd: ArrayLike, *, low: float = -0.99, high: float = 100.0,
        iterations: int = 64) -> np.ndarray:
    """Internal rate of return: the rate at which the NPV of the cash flows is zero.

    Vectorised bisection over the last axis. Defined when the NPV changes sign between
    ``low`` and ``high`` (a conventional investment: money out first, in later); otherwise
    the result is NaN and callers must say "no IRR" (never print it).

    Parameters
    ----------
    cash_usd : array_like
        Net cash of each year, year axis last [USD].
    low, high : float
        Bracket of rates searched [fraction per year].
    iterations : int
        Bisection steps: 64 halve the default bracket (101 wide) to ~5e-18, below float
        precision of a rate.

    >>> round(float(irr([-100.0, 60.0, 60.0])), 4)
    0.1307
    """
    c = np.asarray(cash_usd, dtype=float)
    lo = np.full(c.shape[:-1], low)
    hi = np.full(c.shape[:-1], high)
    f_lo = npv(lo, c)
    f_hi = npv(hi, c)
    ok = np.sign(f_lo) * np.sign(f_hi) < 0
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        f_mid = npv(mid, c)
        same = np.sign(f_mid) == np.sign(f_lo)
        lo = np.where(same, mid, lo)
        f_lo = np.where(same, f_mid, f_lo)
        hi = np.where(same, hi, mid)
    return np.where(ok, 0.5 * (lo + hi), np.nan)


def discounted_payback_years(rate: ArrayLike, cash_usd: ArrayLike) -> np.ndarray:
    """Years until the cumulative discounted cash flow turns non-negative.

    Linear interpolation inside the year in which it crosses zero; NaN when it never does
    within the series (callers print "not within T years", never a number).

    Parameters
    ----------
    rate : array_like
        Discount rate [fraction per year].
    cash_usd : array_like
        Net cash of each year, year axis last [USD]; year 0 is typically the capex (< 0).

    >>> round(float(discounted_payback_years(0.0, [-100.0, 60.0, 60.0])), 3)
    1.667
    """
    c = np.asarray(cash_usd, dtype=float)
    d = c * discount_factors(rate, c.shape[-1])
    cum = np.cumsum(d, axis=-1)
    pos = cum >= 0.0
    any_pos = pos.any(axis=-1)
    first = np.argmax(pos, axis=-1)
    prev = np.take_along_axis(cum, np.maximum(first - 1, 0)[..., None], axis=-1)[..., 0]
    this = np.take_along_axis(d, first[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(this > 0, -prev / this, 0.0)
    years = np.where(first == 0, 0.0, (first - 1) + frac)
    return np.where(any_pos, years, np.nan)
