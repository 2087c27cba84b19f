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


def _sign_changes(c: np.ndarray) -> np.ndarray:
    """Sign changes along the last axis, zeros skipped (Descartes' rule of signs)."""
    s = np.sign(c)
    nz = s != 0
    t = np.arange(c.shape[-1])
    last = np.maximum.accumulate(np.where(nz, t, -1), axis=-1)   # last non-zero at or before t
    prev = np.concatenate([np.full(last.shape[:-1] + (1,), -1), last[..., :-1]], axis=-1)
    prev_sign = np.take_along_axis(s, np.maximum(prev, 0), axis=-1)
    out: np.ndarray = np.sum(nz & (prev >= 0) & (s != prev_sign), axis=-1)
    return out


def _npv_and_slope(rate: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NPV and dNPV/dr at ``rate`` by Horner's rule in ``x = 1/(1+r)``."""
    x = 1.0 / (1.0 + rate)
    f = c[..., -1].copy()
    g = np.zeros_like(f)
    for t in range(c.shape[-1] - 2, -1, -1):
        g = g * x + f
        f = f * x + c[..., t]
    return f, -g * x * x


def _npv_and_dx(x: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``f(x) = Σ_t c_t x^t`` and ``f'(x)`` by Horner's rule (``x = 1/(1+r)``: f is the NPV)."""
    f = c[..., -1].copy()
    g = np.zeros_like(f)
    for t in range(c.shape[-1] - 2, -1, -1):
        g *= x
        g += f
        f *= x
        f += c[..., t]
    return f, g


def _irr_newton(c: np.ndarray, lo: np.ndarray, hi: np.ndarray, f_lo: np.ndarray,
                iterations: int = 100) -> np.ndarray:
    """The root of the NPV in ``[lo, hi]`` (rows of ``c``, sign change bracketed): Newton steps
    on the polynomial ``f(x) = Σ c_t x^t`` in the discount factor ``x = 1/(1+r)``, kept inside
    a shrinking bracket, a bisection step whenever Newton leaves it.

    In ``x`` the NPV is a polynomial (in ``r`` it is a sum of steep hyperbolas), so Newton
    converges in a few steps even from a start 50 % off, where steps in ``r`` crawl at high
    rates of return; the root is the same."""
    # start where the money in and out balance at their cash-weighted mean times:
    # (1 + r)^(t_in - t_out) = in / out
    t = np.arange(c.shape[-1], dtype=float)
    pos, neg = np.maximum(c, 0.0), np.maximum(-c, 0.0)
    p_sum, n_sum = pos.sum(axis=-1), neg.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        span = (pos @ t) / p_sum - (neg @ t) / n_sum
        r0 = (p_sum / n_sum) ** (1.0 / span) - 1.0
    r0 = np.where(np.isfinite(r0) & (r0 > lo) & (r0 < hi), r0, 0.5 * (lo + hi))
    # the bracket in x (x falls as r rises): [x(hi), x(lo)], with f's sign at x(lo) = f_lo
    x_lo, x_hi = 1.0 / (1.0 + hi), 1.0 / (1.0 + lo)
    x = 1.0 / (1.0 + r0)
    f_right = f_lo
    out = np.full(lo.shape, np.nan)
    act = np.arange(lo.shape[0])
    eps = np.finfo(float).eps
    for _ in range(iterations):
        if act.size == 0:
            break
        f, fp = _npv_and_dx(x, c)
        same = np.sign(f) == np.sign(f_right)
        x_hi = np.where(same, x, x_hi)
        f_right = np.where(same, f, f_right)
        x_lo = np.where(same, x_lo, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = f / fp
        new = x - step
        bad = ~np.isfinite(new) | (new <= x_lo) | (new >= x_hi)
        new = np.where(bad, 0.5 * (x_lo + x_hi), new)
        # quadratic convergence: a step below 1e-10 x leaves a relative error ~1e-20 after
        # it is taken; a converged step is done even when rounding puts it a hair outside
        # the bracket (whose end is x itself once f(x) has the sign of f at that end)
        small = np.isfinite(step) & (np.abs(step) <= 1e-10 * x)
        done = (f == 0) | small | (x_hi - x_lo <= 4.0 * eps * x)
        out[act[done]] = np.where(f[done] == 0, x[done],
                                  np.where(small[done], (x - step)[done], new[done]))
        keep = ~done
        act, x, x_lo, x_hi, f_right, c = (act[keep], new[keep], x_lo[keep], x_hi[keep],
                                          f_right[keep], c[keep])
    out[act] = x
    r: np.ndarray = 1.0 / out - 1.0
    return r


def irr(cash_usd: ArrayLike, *, low: float = -0.99, high: float = 100.0,
        iterations: int = 64) -> np.ndarray:
    """Internal rate of return: the rate at which the NPV of the cash flows is zero.

    Vectorised over the last axis. Defined when the NPV changes sign between ``low`` and
    ``high`` (a conventional investment: money out first, in later); otherwise the result is
    NaN and callers must say "no IRR" (never print it).

    Cash flows with one sign change have exactly one root (Descartes' rule of signs in
    ``x = 1/(1+r)``); it is found by Newton steps kept inside the bisection bracket (quadratic
    convergence, ~6 NPV evaluations). Others (several roots possible) are bisected
    ``iterations`` times from the bracket, so the root chosen is the bisection's.

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
    shape = c.shape[:-1]
    flat = c.reshape((-1, c.shape[-1]))
    lo = np.full(flat.shape[0], low)
    hi = np.full(flat.shape[0], high)
    f_lo = _npv_and_slope(lo, flat)[0]
    f_hi = _npv_and_slope(hi, flat)[0]
    ok = np.sign(f_lo) * np.sign(f_hi) < 0
    out = np.full(flat.shape[0], np.nan)
    one = ok & (_sign_changes(flat) == 1)
    if one.any():
        out[one] = _irr_newton(flat[one], lo[one], hi[one], f_lo[one])
    many = ok & ~one
    if many.any():
        c2, lo2, hi2, fl2 = flat[many], lo[many], hi[many], f_lo[many]
        for _ in range(iterations):
            mid = 0.5 * (lo2 + hi2)
            f_mid = _npv_and_slope(mid, c2)[0]
            same = np.sign(f_mid) == np.sign(fl2)
            lo2 = np.where(same, mid, lo2)
            fl2 = np.where(same, f_mid, fl2)
            hi2 = np.where(same, hi2, mid)
        out[many] = 0.5 * (lo2 + hi2)
    return out.reshape(shape)


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
