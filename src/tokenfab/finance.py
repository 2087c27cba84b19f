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
    "npv_irr_payback",
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
    any_small = bool(small.any())
    safe = np.where(small, 1.0, r) if any_small else r
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        crf = safe / (1.0 - (1.0 + safe) ** (-n))
    if not any_small:
        return np.asarray(crf)
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
    all_big = bool(big.all())
    rr = r if all_big else np.where(big, r, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        grown = (1.0 + rr) ** n
        b = (grown - (1.0 + rr) ** a) / (grown - 1.0)
        if not all_big:
            b = np.where(big, b, 1.0 - a / n)
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


def _discount_factors_year_major(rate: np.ndarray | float, years: int) -> np.ndarray:
    """``(1 + r)^-t`` as ``(T, ...)`` (year axis first): the cumulative product of
    ``1/(1 + r)``, one division per rate instead of a power per element."""
    r = np.asarray(rate, dtype=float)
    step = np.empty((years,) + r.shape)
    step[...] = 1.0 / (1.0 + r)
    step[0] = 1.0
    return np.cumprod(step, axis=0)


def discount_factors(rate: ArrayLike, years: int) -> np.ndarray:
    """Present-value factors ``(1 + r)^-t`` for ``t = 0 .. T-1`` (year 0 undiscounted).

    Returns an array of shape ``(T,)`` for a scalar rate, ``(..., T)`` for an array of rates.
    """
    r = np.asarray(rate, dtype=float)
    if years <= 0:
        return np.ones(r.shape + (0,))
    return np.moveaxis(_discount_factors_year_major(r, years), 0, -1)


def _year_major(rate: ArrayLike, cash_usd: ArrayLike,
                ) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """``(r, c, shape)``: the cash flows as a C-contiguous ``(T, M)`` array (year ``t`` is row
    ``t``, so a year of every series is one contiguous read) and the rates as ``(M,)`` (or a
    scalar), over the ``M`` series of the broadcast shape.

    A year-last array that is already year-major in memory (the transpose of a ``(T, M)``
    array, as :func:`tokenfab.factory.cashflow.cash_flow_metrics` passes) is not copied."""
    c = np.asarray(cash_usd, dtype=float)
    r = np.asarray(rate, dtype=float)
    shape = np.broadcast_shapes(r.shape, c.shape[:-1])
    if c.shape[:-1] != shape:
        c = np.broadcast_to(c, shape + c.shape[-1:])
    ct = np.ascontiguousarray(np.moveaxis(c, -1, 0).reshape(c.shape[-1], -1))
    r_flat = r if r.ndim == 0 else np.broadcast_to(r, shape).reshape(-1)
    return r_flat, ct, shape


def _discounted(rate: np.ndarray, ct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(d, cum)``: discounted cash ``d_t = C_t (1 + r)^-t`` and its running sum (``cum[-1]``
    is the NPV), year-major ``(T, M)``. The factor of year ``t`` is the previous year's times
    ``1/(1 + r)`` (:func:`discount_factors`' cumulative product, one division per series);
    row by row, so every operation reads contiguous memory."""
    x = 1.0 / (1.0 + rate)
    d = np.empty(ct.shape)
    cum = np.empty(ct.shape)
    d[0] = ct[0]
    cum[0] = ct[0]
    if ct.shape[0] > 1:
        f = np.array(x, dtype=float, copy=True)
        for t in range(1, ct.shape[0]):
            np.multiply(ct[t], f, out=d[t])
            np.add(cum[t - 1], d[t], out=cum[t])
            f *= x
    return d, cum


def _first_true(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(any, first)`` along axis 0 of a year-major boolean array: whether a year is True and
    the first one that is (0 if none): the count of years before the running OR turns True.
    Row by row, so every step reads contiguous memory (``argmax`` and ``accumulate`` along
    axis 0 walk strided columns and are several times slower)."""
    seen = mask[0].copy()
    first = np.zeros(mask.shape[1:], dtype=np.intp)
    for t in range(1, mask.shape[0]):
        first += ~seen
        seen |= mask[t]
    return seen, np.where(seen, first, 0)


def _payback(d: np.ndarray, cum: np.ndarray) -> np.ndarray:
    """Discounted payback [yr] from year-major ``d`` and ``cum`` (:func:`_discounted`): the
    first year ``k`` with ``cum_k >= 0``, less the part of that year not needed,
    ``(k - 1) + (-cum_{k-1}) / d_k``; 0 when year 0 already pays; NaN when no year does."""
    any_pos, first = _first_true(cum >= 0.0)
    cols = np.arange(cum.shape[1])
    prev = cum[np.maximum(first - 1, 0), cols]
    this = d[first, cols]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(this > 0, -prev / this, 0.0)
    years = np.where(first == 0, 0.0, (first - 1) + frac)
    out: np.ndarray = np.where(any_pos, years, np.nan)
    return out


def npv(rate: ArrayLike, cash_usd: ArrayLike) -> np.ndarray:
    """Net present value of yearly cash flows [USD].

    .. math:: \\mathrm{NPV} = \\sum_{t=0}^{T-1} \\frac{C_t}{(1 + r)^t}

    Summed year by year in order (the same sum as :func:`discounted_payback_years` runs).

    Parameters
    ----------
    rate : array_like
        Discount rate ``r`` [fraction per year]; broadcasts against ``cash_usd[..., 0]``.
    cash_usd : array_like
        Net cash of each year, year axis last [USD].
    """
    r, ct, shape = _year_major(rate, cash_usd)
    if ct.shape[0] == 0:
        return np.zeros(shape)
    out: np.ndarray = _discounted(r, ct)[1][-1].reshape(shape)
    return out


def _one_sign_change(ct: np.ndarray) -> np.ndarray:
    """Series (columns of year-major ``ct``) whose signs change exactly once, zeros skipped
    (Descartes' rule of signs: then the NPV has exactly one root in ``x = 1/(1+r) > 0``): both
    signs occur, and not both "a negative year after a positive one" and "a positive year
    after a negative one" (either alone is one change). Row by row (see :func:`_first_true`)."""
    neg, pos = ct < 0.0, ct > 0.0
    seen_neg, seen_pos = neg[0].copy(), pos[0].copy()
    neg_after_pos = np.zeros(ct.shape[1:], dtype=bool)
    pos_after_neg = np.zeros(ct.shape[1:], dtype=bool)
    for t in range(1, ct.shape[0]):
        neg_after_pos |= neg[t] & seen_pos
        pos_after_neg |= pos[t] & seen_neg
        seen_neg |= neg[t]
        seen_pos |= pos[t]
    out: np.ndarray = seen_pos & seen_neg & ~(neg_after_pos & pos_after_neg)
    return out


def _npv_at(x: np.ndarray | float, ct: np.ndarray) -> np.ndarray:
    """NPV of the columns of year-major ``ct`` at ``x = 1/(1+r)`` by Horner's rule,
    ``(...(C_{T-1} x + C_{T-2}) x + ...) x + C_0`` (in place: no temporaries)."""
    f: np.ndarray = ct[-1].copy()
    for t in range(ct.shape[0] - 2, -1, -1):
        f *= x
        f += ct[t]
    return f


def _npv_and_derivative(x: np.ndarray, ct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(f, g)``: ``f = Σ C_t x^t`` and ``g = df/dx = Σ t C_t x^(t-1)`` of the columns of
    year-major ``ct`` by Horner's rule (in place: no temporaries)."""
    f = ct[-1].copy()
    g = f.copy()
    if ct.shape[0] < 2:
        return f, np.zeros_like(f)
    f *= x
    f += ct[-2]
    for t in range(ct.shape[0] - 3, -1, -1):
        g *= x
        g += f
        f *= x
        f += ct[t]
    return f, g


def _npv_and_slope(rate: np.ndarray, ct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """NPV and ``dNPV/dr`` at ``rate`` (columns of year-major ``ct``): with ``x = 1/(1+r)``,
    ``dNPV/dr = -x^2 df/dx`` (:func:`_npv_and_derivative`)."""
    x = 1.0 / (1.0 + rate)
    f, g = _npv_and_derivative(x, ct)
    g *= x
    g *= x
    np.negative(g, out=g)
    return f, g


def _irr_start(ct: np.ndarray, x_min: float, x_max: float, steps: int) -> np.ndarray:
    """A start for the IRR of each column of year-major ``ct`` (one sign change), as
    ``x = 1/(1 + r)``: where the money in and out balance at their cash-weighted mean times,

    .. math:: x_0 = \\left(\\frac{\\sum_t C_t^-}{\\sum_t C_t^+}\\right)^{1/(\\bar t^+ - \\bar t^-)}

    (within ~10 % of the root), then ``steps`` plain Newton steps on the NPV polynomial
    ``f(x) = Σ C_t x^t`` in ``x`` (kept in ``[x_min, x_max]``). In ``x`` the NPV of a large
    IRR is nearly linear (``C_0 + C_1 x``), where Newton in ``r`` crawls along a hyperbola; 4
    steps bring every draw of the factory Monte Carlo within ~3e-7 of the root (median 3e-13),
    and :func:`_irr_one_change` finishes (and guards) from there.
    """
    t = np.arange(ct.shape[0], dtype=float)
    pos = np.maximum(ct, 0.0)
    neg = pos - ct                                  # max(-C, 0), exactly
    p_sum, n_sum = pos.sum(axis=0), neg.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        span = (t @ pos) / p_sum - (t @ neg) / n_sum
        x: np.ndarray = (n_sum / p_sum) ** (1.0 / span)
        x[~np.isfinite(x)] = 1.0
        np.clip(x, x_min, x_max, out=x)
        for _ in range(steps):
            f, g = _npv_and_derivative(x, ct)
            f /= g
            x -= f
            x[~np.isfinite(x)] = 1.0
            np.clip(x, x_min, x_max, out=x)
    return x


def _irr_one_change(ct: np.ndarray, lo: float, hi: float, lo_positive: np.ndarray,
                    rounds: int = 3) -> np.ndarray:
    """The root of the NPV in ``[lo, hi]`` of each column of year-major ``ct`` (one sign
    change, root bracketed; ``lo_positive``: the NPV at ``lo`` is > 0).

    From the start of :func:`_irr_start`, Newton steps in ``x`` on the series not yet done: a
    series is done when its step is below ``1e-9 x`` (that is ``|Δr| <= 1e-9 (1 + r)``:
    quadratic convergence leaves an error ~1e-18) and lands inside the bracket; its root is
    ``r = 1/x - 1``. After ``rounds`` steps the few left go on with the bracketed Newton of
    :func:`_irr_newton`."""
    x_min, x_max = 1.0 / (1.0 + hi), 1.0 / (1.0 + lo)
    x = _irr_start(ct, x_min, x_max, 4)
    out = np.empty(x.shape)
    act = np.arange(x.size)
    for _ in range(rounds):
        f, g = _npv_and_derivative(x, ct)
        with np.errstate(divide="ignore", invalid="ignore"):
            f /= g
        new = x - f
        done = (np.abs(f) <= 1e-9 * x) & (new > x_min) & (new < x_max)   # False for NaN
        out[act[done]] = 1.0 / new[done] - 1.0
        rest = ~done
        if not rest.any():
            return out
        act, x, ct, lo_positive = (act[rest], np.clip(new[rest], x_min, x_max),
                                   np.compress(rest, ct, axis=1), lo_positive[rest])
        x[~np.isfinite(x)] = 1.0
    out[act] = _irr_newton(ct, lo, hi, lo_positive, 1.0 / x - 1.0)
    return out


def _irr_newton(ct: np.ndarray, lo: float, hi: float, lo_positive: np.ndarray,
                r: np.ndarray, iterations: int = 100) -> np.ndarray:
    """The root of the NPV in ``[lo, hi]`` of each column of year-major ``ct`` (one sign
    change, root bracketed; ``lo_positive``: the NPV at ``lo`` is > 0), from the rates ``r``:
    Newton steps ``r <- r - f(r)/f'(r)`` kept inside a shrinking bracket, a bisection step
    whenever Newton leaves it. A series stops when the step is below ``1e-9 (1 + |r|)``
    (quadratic convergence: the error after it is ~1e-18), when ``f(r) = 0``, or when the
    bracket is a few ulps wide."""
    m = ct.shape[1]
    r = np.where((r > lo) & (r < hi), r, 0.5 * (lo + hi))
    lo_ = np.full(m, lo)
    hi_ = np.full(m, hi)
    out = np.full(m, np.nan)
    act = np.arange(m)
    ulps = 4.0 * np.finfo(float).eps
    for _ in range(iterations):
        if act.size == 0:
            break
        f, fp = _npv_and_slope(r, ct)
        # the NPV keeps the sign it has at lo below the root: r becomes the new lo or hi
        same = (f > 0.0) == lo_positive
        np.copyto(lo_, r, where=same)
        np.copyto(hi_, r, where=~same)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = f / fp
        new = r - step
        tol = np.abs(r)
        tol += 1.0
        # a converged step is done even when rounding puts r - step a hair outside the
        # bracket (the bracket's end is r itself once f(r) has the sign of f(lo)); sending it
        # to the bisection instead cost ~100 more iterations for ~0.3 % of the draws
        small = np.abs(step) <= 1e-9 * tol          # False for a NaN or infinite step
        done = small | (f == 0.0) | (hi_ - lo_ <= ulps * tol)
        inside = (new > lo_) & (new < hi_)          # False for NaN
        np.copyto(new, 0.5 * (lo_ + hi_), where=~inside & ~small)
        np.copyto(new, r, where=f == 0.0)
        if done.any():
            out[act[done]] = new[done]
            keep = ~done
            act, new, lo_, hi_ = act[keep], new[keep], lo_[keep], hi_[keep]
            lo_positive, ct = lo_positive[keep], np.compress(keep, ct, axis=1)
        r = new
    out[act] = r
    return out


def _irr_bisect(ct: np.ndarray, lo: float, hi: float, lo_positive: np.ndarray,
                iterations: int) -> np.ndarray:
    """``iterations`` bisection steps of the bracket ``[lo, hi]`` (columns of year-major
    ``ct``, ``lo_positive``: the NPV at ``lo`` is > 0); the midpoint of the last bracket."""
    m = ct.shape[1]
    lo_, hi_ = np.full(m, lo), np.full(m, hi)
    sign_lo = np.where(lo_positive, 1.0, -1.0)
    for _ in range(iterations):
        mid = 0.5 * (lo_ + hi_)
        # an NPV of exactly 0 at mid counts as the other sign: mid becomes hi
        same = np.sign(_npv_at(1.0 / (1.0 + mid), ct)) == sign_lo
        np.copyto(lo_, mid, where=same)
        np.copyto(hi_, mid, where=~same)
    out: np.ndarray = 0.5 * (lo_ + hi_)
    return out


#: series per block in :func:`irr` and :func:`npv_irr_payback`: a block's ``T x BLOCK``
#: arrays stay in cache
BLOCK = 1 << 14


def _irr_year_major(ct: np.ndarray, low: float, high: float, iterations: int) -> np.ndarray:
    """:func:`irr` of the columns of year-major ``ct``, in blocks of :data:`BLOCK` series; the
    series with several sign changes are gathered from all blocks and bisected together.
    (Columns are picked with ``np.compress``/``np.take``, which keep the result year-major;
    ``ct[:, mask]`` would return a column-major copy and make every year a strided read.)"""
    m = ct.shape[1]
    out = np.full(m, np.nan)
    x_lo, x_hi = 1.0 / (1.0 + low), 1.0 / (1.0 + high)
    many: list[np.ndarray] = []
    for b in range(0, m, BLOCK):
        c = ct[:, b:b + BLOCK]
        f_lo, f_hi = _npv_at(x_lo, c), _npv_at(x_hi, c)
        ok = np.sign(f_lo) * np.sign(f_hi) < 0
        one = ok & _one_sign_change(c)
        if one.any():
            out[b + np.flatnonzero(one)] = _irr_one_change(
                np.compress(one, c, axis=1), low, high, f_lo[one] > 0.0)
        several = ok & ~one
        if several.any():
            many.append(b + np.flatnonzero(several))
    if many:
        idx = np.concatenate(many)
        c = np.take(ct, idx, axis=1)
        out[idx] = _irr_bisect(c, low, high, _npv_at(x_lo, c) > 0.0, iterations)
    return out


def irr(cash_usd: ArrayLike, *, low: float = -0.99, high: float = 100.0,
        iterations: int = 64) -> np.ndarray:
    """Internal rate of return: the rate at which the NPV of the cash flows is zero.

    .. math:: \\sum_{t=0}^{T-1} \\frac{C_t}{(1 + \\mathrm{IRR})^t} = 0

    Vectorised over the last axis. Defined when the NPV changes sign between ``low`` and
    ``high`` (a conventional investment: money out first, in later); otherwise the result is
    NaN and callers must say "no IRR" (never print it).

    Cash flows with one sign change have exactly one root (Descartes' rule of signs in
    ``x = 1/(1+r)``); it is found by Newton steps on the NPV polynomial in ``x`` from where
    the money in and out balance at their cash-weighted mean times (:func:`_irr_start`; 5 NPV
    evaluations for nearly every series), finished by Newton steps kept inside the bisection
    bracket for the rare series that have not converged. Others (several roots possible) are
    bisected ``iterations`` times from the bracket, so the root chosen is the bisection's.
    The work runs in blocks of :data:`BLOCK` series on a year-major copy (every year of a
    block is one contiguous row); the several-sign-change series of all blocks are bisected
    together.

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
    _, ct, shape = _year_major(0.0, cash_usd)
    return _irr_year_major(ct, low, high, iterations).reshape(shape)


def discounted_payback_years(rate: ArrayLike, cash_usd: ArrayLike) -> np.ndarray:
    """Years until the cumulative discounted cash flow turns non-negative.

    .. math:: \\min\\{\\tau : \\textstyle\\sum_{t \\le \\tau} C_t (1 + r)^{-t} \\ge 0\\}

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
    r, ct, shape = _year_major(rate, cash_usd)
    if ct.shape[0] == 0:
        return np.full(shape, np.nan)
    return _payback(*_discounted(r, ct)).reshape(shape)


def npv_irr_payback(rate: ArrayLike, cash_usd: ArrayLike, *, low: float = -0.99,
                    high: float = 100.0, iterations: int = 64,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(npv(rate, cash), irr(cash), discounted_payback_years(rate, cash))`` in one pass:
    the discounted cash is formed once for the NPV and the payback, and the work runs in
    blocks of :data:`BLOCK` series (a block's arrays stay in cache). The same numbers as the
    three functions (the same formulas, :func:`npv`, :func:`irr`,
    :func:`discounted_payback_years`)."""
    r, ct, shape = _year_major(rate, cash_usd)
    m = ct.shape[1]
    if ct.shape[0] == 0:
        return np.zeros(shape), np.full(shape, np.nan), np.full(shape, np.nan)
    npv_, dpb = np.empty(m), np.empty(m)
    for b in range(0, m, BLOCK):
        part = slice(b, b + BLOCK)
        d, cum = _discounted(r if r.ndim == 0 else r[part], ct[:, part])
        npv_[part] = cum[-1]
        dpb[part] = _payback(d, cum)
    irr_ = _irr_year_major(ct, low, high, iterations)
    return npv_.reshape(shape), irr_.reshape(shape), dpb.reshape(shape)
