"""Growth curves (exponential, logistic), their product, and decomposition of a growth multiple.

A growth *rate* here is the fractional growth per year ``r`` (``r = 0``: flat; ``r = 3.6``:
4.6x per year); the continuous rate is ``k = ln(1 + r)``. All functions are vectorized: ``t``
may be a column of years and the parameters rows of Monte Carlo samples.

References
----------
* Verhulst, P.-F. 1838, "Notice sur la loi que la population suit dans son accroissement"
  (the logistic curve); e.g. Bass 1969, Management Science 15(5) for technology adoption.
* Decomposition of a product of growth factors into log shares: the standard index
  decomposition (e.g. Kaya identity, Ang 2004, Energy Policy 32(9), "LMDI"), exact here
  because each factor is a single multiplicative term.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.errors import TokenfabError

__all__ = [
    "CURVES",
    "cagr",
    "curve",
    "decompose_multiple",
    "exponential",
    "log_shares",
    "logistic",
    "years_to_multiple",
]

CURVES = ("exponential", "logistic")


def exponential(t_years: ArrayLike, x0: ArrayLike, rate_per_year: ArrayLike) -> np.ndarray:
    """Exponential growth ``x(t) = x0 (1 + r)^t``.

    Parameters
    ----------
    t_years : array_like
        ``t`` [years] since the base year (may be negative).
    x0 : array_like
        Value at ``t = 0`` [the factor's unit].
    rate_per_year : array_like
        ``r`` [1/year], > -1.

    Returns
    -------
    ndarray
    """
    out: np.ndarray = np.asarray(x0, float) * (1.0 + np.asarray(rate_per_year, float)) ** np.asarray(t_years, float)
    return out


def logistic(t_years: ArrayLike, x0: ArrayLike, rate_per_year: ArrayLike,
             ceiling: ArrayLike) -> np.ndarray:
    """Logistic (Verhulst) growth from ``x0`` toward the ceiling ``K``.

    ``x(t) = K / (1 + ((K - x0) / x0) exp(-k t))`` with ``k = ln(1 + r)``: early on (``x << K``)
    it grows like the exponential of the same ``r``; it saturates at ``K``. ``r = 0`` keeps
    ``x0``; a ceiling below ``x0`` decays toward it.

    Parameters
    ----------
    t_years : array_like
        [years] since the base year.
    x0 : array_like
        Value at ``t = 0``, > 0.
    rate_per_year : array_like
        ``r`` [1/year], > -1.
    ceiling : array_like
        ``K`` [the factor's unit], > 0.

    Returns
    -------
    ndarray
    """
    x0_ = np.asarray(x0, float)
    k_ = np.asarray(ceiling, float)
    k = np.log1p(np.asarray(rate_per_year, float))
    with np.errstate(divide="ignore"):  # x0 = 0 gives K / inf = 0, the limit
        out: np.ndarray = k_ / (1.0 + (k_ - x0_) / x0_ * np.exp(-k * np.asarray(t_years, float)))
        return out


def curve(kind: str, t_years: ArrayLike, x0: ArrayLike, rate_per_year: ArrayLike,
          ceiling: ArrayLike | None = None) -> np.ndarray:
    """:func:`exponential` or :func:`logistic` by name (``ceiling`` required for logistic)."""
    if kind == "exponential":
        return exponential(t_years, x0, rate_per_year)
    if kind == "logistic":
        if ceiling is None:
            raise TokenfabError("a logistic curve needs a ceiling", field="ceiling")
        return logistic(t_years, x0, rate_per_year, ceiling)
    raise TokenfabError(f"curve must be one of {', '.join(CURVES)}, got {kind!r}", field="curve")


def cagr(multiple: ArrayLike, years: ArrayLike) -> np.ndarray:
    """Compound annual growth rate ``r = M^(1/T) - 1`` of a multiple ``M`` over ``T`` years."""
    return np.asarray(multiple, float) ** (1.0 / np.asarray(years, float)) - 1.0


def log_shares(multiples: Mapping[str, ArrayLike]) -> dict[str, np.ndarray]:
    """Each factor's share of the total growth, in logs: ``ln m_i / sum_j ln m_j``.

    The factors multiply to the total, so the log shares add to 1 (exact, no residual).
    A total multiple of exactly 1 has no growth to share: its shares are returned as 0.
    """
    logs = {k: np.log(np.asarray(v, float)) for k, v in multiples.items()}
    total = sum(logs.values())
    safe = np.where(np.abs(total) < 1e-12, 1.0, total)
    return {k: np.where(np.abs(total) < 1e-12, 0.0, v / safe) for k, v in logs.items()}


def decompose_multiple(total_multiple: float, horizon_years: float,
                       shares: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """Split a total growth multiple into factors that would produce it over a horizon.

    Factor ``i`` gets ``m_i = M^(s_i)`` (its share ``s_i`` of ``ln M``) and grows at
    ``r_i = m_i^(1/T) - 1`` per year; ``prod_i m_i = M`` exactly.

    Parameters
    ----------
    total_multiple : float
        ``M`` [-], > 0 (e.g. 1e9 for "a billion times").
    horizon_years : float
        ``T`` [years], > 0.
    shares : mapping
        ``s_i`` [-], summing to 1 (e.g. from :func:`log_shares` of a projection).

    Returns
    -------
    dict
        ``{factor: {"share": s_i, "multiple": m_i, "rate_per_year": r_i}}``.
    """
    if not (np.isfinite(total_multiple) and total_multiple > 0):
        raise TokenfabError(f"must be a positive number, got {total_multiple!r}", field="total_multiple")
    if not (np.isfinite(horizon_years) and horizon_years > 0):
        raise TokenfabError(f"must be > 0 years, got {horizon_years!r}", field="horizon_years")
    s = sum(shares.values())
    if not shares or abs(s - 1.0) > 1e-6:
        raise TokenfabError(f"shares must add up to 1, got {s:g}", field="shares")
    out = {}
    for k, v in shares.items():
        m = float(total_multiple) ** float(v)
        out[k] = {"share": float(v), "multiple": m,
                  "rate_per_year": float(m ** (1.0 / horizon_years) - 1.0)}
    return out


def years_to_multiple(total_multiple: float, rates_per_year: Mapping[str, ArrayLike]) -> np.ndarray:
    """Years for a product of exponential factors growing at ``r_i`` to reach ``M``.

    ``T = ln M / sum_i ln(1 + r_i)``; infinite (no growth) where the summed log rate is <= 0.
    """
    total = sum(np.log1p(np.asarray(r, float)) for r in rates_per_year.values())
    total = np.asarray(total, float)
    return np.where(total > 0, np.log(total_multiple) / np.where(total > 0, total, 1.0), np.inf)
