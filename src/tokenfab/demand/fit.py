"""Growth rates fitted to data: least squares on the logarithm, with confidence intervals.

For an exponential ``y = y0 g^t``, ``ln y = a + b t`` is linear: ordinary least squares gives
``b`` and its standard error ``se_b = sqrt(SSR / (n - 2) / S_tt)``; the two-sided 95 % interval
is ``b +- t_{0.975, n-2} se_b`` (Student t; e.g. Montgomery & Runger, *Applied Statistics and
Probability for Engineers*, 6th ed., sec. 11-5). The growth multiple per year is ``g = e^b``,
the doubling time ``ln 2 / b``. With two points there is no interval (zero degrees of freedom).

Data (values from the catalog's economics table; dates of measurement defined here):

* Google's monthly tokens processed across products (``google_tokens_per_month_*``).
* ChatGPT weekly active users (``chatgpt_weekly_active_users`` and the history in its note).
* Epoch AI's training-compute trend (``training_compute_growth``: 4.6x/yr, 4-5x for frontier
  models) is itself a published fit; it is reported beside the fits, not refitted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from tokenfab.catalog import load_catalog
from tokenfab.errors import TokenfabError
from tokenfab.uncertainty import likely
from tokenfab.units import SECONDS_PER_YEAR

__all__ = ["GrowthFit", "Series", "data_series", "fit_exponential", "fit_all", "decimal_year"]


def decimal_year(d: date) -> float:
    """Calendar date -> decimal year (``2025-07-02`` -> ~2025.5)."""
    start = date(d.year, 1, 1)
    days = (date(d.year + 1, 1, 1) - start).days
    return d.year + (d - start).days / days


@dataclass(frozen=True, slots=True)
class GrowthFit:
    """An exponential fit ``y = y0 g^(t - t0)`` with its 95 % confidence interval."""

    name: str
    n: int
    rate_per_year: float
    multiple_per_year: float
    multiple_ci95: tuple[float, float] | None
    doubling_months: float
    doubling_months_ci95: tuple[float, float] | None
    r2: float
    t0: float
    y0: float
    source: str = ""
    points: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "n": self.n, "rate_per_year": self.rate_per_year,
                "multiple_per_year": self.multiple_per_year,
                "multiple_ci95": list(self.multiple_ci95) if self.multiple_ci95 else None,
                "doubling_months": self.doubling_months,
                "doubling_months_ci95": (list(self.doubling_months_ci95)
                                         if self.doubling_months_ci95 else None),
                "r2": self.r2, "t0": self.t0, "y0": self.y0, "source": self.source,
                "points": self.points}


def _doubling_months(b: float) -> float:
    return 12.0 * math.log(2.0) / b if b > 0 else math.inf


def fit_exponential(t_years: ArrayLike, values: ArrayLike, *, name: str = "",
                    source: str = "", confidence: float = 0.95) -> GrowthFit:
    """Least-squares exponential growth rate of ``values`` observed at ``t_years``.

    Parameters
    ----------
    t_years : array_like
        Observation times [decimal years]; at least two distinct.
    values : array_like
        Observations [any unit], > 0.
    name, source : str
        Labels carried into the result.
    confidence : float
        Two-sided confidence level of the interval, in (0, 1).

    Returns
    -------
    GrowthFit
        Rate ``g - 1`` per year, multiple ``g`` with its interval, doubling time, ``R^2``.
    """
    t = np.asarray(t_years, float).ravel()
    y = np.asarray(values, float).ravel()
    if t.size != y.size:
        raise TokenfabError(f"needs as many times as values; got {t.size} and {y.size}", field=name or "fit")
    if t.size < 2 or np.ptp(t) == 0:
        raise TokenfabError("needs at least two observations at different times", field=name or "fit")
    if np.any(~np.isfinite(y)) or np.any(y <= 0):
        raise TokenfabError("values must be positive and finite to fit an exponential",
                            field=name or "fit", value=y.tolist())
    if not 0 < confidence < 1:
        raise TokenfabError(f"must be in (0, 1), got {confidence}", field="confidence")
    t0 = float(t.min())
    x = t - t0
    ly = np.log(y)
    sxx = float(np.sum((x - x.mean()) ** 2))
    b = float(np.sum((x - x.mean()) * (ly - ly.mean())) / sxx)
    a = float(ly.mean() - b * x.mean())
    resid = ly - (a + b * x)
    ssr = float(np.sum(resid ** 2))
    sst = float(np.sum((ly - ly.mean()) ** 2))
    r2 = 1.0 - ssr / sst if sst > 0 else 1.0
    dof = t.size - 2
    ci = None
    dci = None
    if dof > 0:
        se = math.sqrt(ssr / dof / sxx)
        q = float(stats.t.ppf(0.5 + confidence / 2.0, dof))
        lo, hi = b - q * se, b + q * se
        ci = (math.exp(lo), math.exp(hi))
        dci = (_doubling_months(hi), _doubling_months(lo))
    points = [{"t": float(ti), "value": float(yi)} for ti, yi in zip(t, y, strict=True)]
    return GrowthFit(name, int(t.size), math.exp(b) - 1.0, math.exp(b), ci, _doubling_months(b), dci,
                     r2, t0, math.exp(a), source, points)


@dataclass(frozen=True, slots=True)
class Series:
    """A sourced time series: observation dates and values."""

    name: str
    unit: str
    dates: tuple[date, ...]
    values: tuple[float, ...]
    sources: tuple[str, ...]

    @property
    def t_years(self) -> np.ndarray:
        return np.array([decimal_year(d) for d in self.dates])


#: Google tokens: catalog key -> date the volume was measured (the month it describes)
GOOGLE_TOKEN_DATES: dict[str, date] = {
    # Pichai at I/O 2025 (2025-05-20): "this time last year we were processing 9.7 trillion"
    "google_tokens_per_month_2024": date(2024, 5, 20),
    "google_tokens_per_month_2025_05": date(2025, 5, 20),  # I/O 2025
    "google_tokens_per_month_2025_07": date(2025, 7, 23),  # Alphabet Q2 2025 call
    "google_tokens_per_month_2025_10": date(2025, 10, 29),  # Alphabet Q3 2025 call
    "google_tokens_per_month_2026_05": date(2026, 5, 19),  # I/O 2026
}

#: ChatGPT weekly active users before the catalog's latest value (catalog note; each entry
#: names its source): date -> users
CHATGPT_WAU_HISTORY: tuple[tuple[date, float, str], ...] = (
    (date(2023, 11, 6), 1e8, "OpenAI DevDay 2023-11-06 (mezha.media)"),
    (date(2025, 3, 31), 5e8, "OpenAI, Mar 2025 (as reported)"),
    (date(2025, 8, 4), 7e8, "OpenAI, Aug 2025 (as reported)"),
)


def data_series(catalog: Any = None) -> list[Series]:
    """The series ``tokenfab demand fit`` fits, values read from the catalog."""
    cat = catalog or load_catalog()
    eco = cat.economics
    g_dates, g_vals, g_src = [], [], []
    for key, d in GOOGLE_TOKEN_DATES.items():
        if key in eco:
            g_dates.append(d)
            # the row is a token rate in SI (tok/s); the series is tokens per month
            g_vals.append(float(likely(eco[key].si)) * SECONDS_PER_YEAR / 12.0)
            g_src.append(f"economics.csv:{key} ({eco[key].source})")
    out = [Series("google_monthly_tokens", "tokens per month", tuple(g_dates), tuple(g_vals),
                  tuple(g_src))]
    if "chatgpt_weekly_active_users" in eco:
        a = eco["chatgpt_weekly_active_users"]
        rows = [*CHATGPT_WAU_HISTORY, (date(2025, 10, 6), a.value,
                                       f"economics.csv:chatgpt_weekly_active_users ({a.source})")]
        out.append(Series("chatgpt_weekly_active_users", "users", tuple(r[0] for r in rows),
                          tuple(r[1] for r in rows), tuple(r[2] for r in rows)))
    return out


def _subset(s: Series, since: date) -> tuple[np.ndarray, np.ndarray]:
    keep = [i for i, d in enumerate(s.dates) if d >= since]
    return s.t_years[keep], np.asarray(s.values, float)[keep]


def fit_all(catalog: Any = None, confidence: float = 0.95) -> dict[str, Any]:
    """Fit every series (all points, and the points from May 2025 on where there are >= 3),
    and report Epoch's published training-compute trend beside them."""
    cat = catalog or load_catalog()
    fits: list[GrowthFit] = []
    for s in data_series(cat):
        if len(s.values) < 2:
            continue
        src = "; ".join(s.sources)
        fits.append(fit_exponential(s.t_years, s.values, name=f"{s.name} (all points)",
                                    source=src, confidence=confidence))
        t, y = _subset(s, date(2025, 5, 1))
        if 3 <= t.size < len(s.values):
            fits.append(fit_exponential(t, y, name=f"{s.name} (since May 2025)", source=src,
                                        confidence=confidence))
    published = []
    for key, label in (("training_compute_growth", "training compute of notable/frontier models"),
                       ("token_growth_per_year", "token volume (catalog estimate)"),
                       ("output_length_growth_reasoning", "output length, reasoning models")):
        if key in cat.economics:
            a = cat.economics[key]
            published.append({"name": label, "key": key, "multiple_per_year": a.value,
                              "low": a.low, "high": a.high, "source": a.source})
    return {"fits": [f.to_dict() for f in fits], "published": published,
            "confidence": confidence}


def fit_series(t_years: Sequence[float], values: Sequence[float], **kw: Any) -> GrowthFit:
    """Alias of :func:`fit_exponential` for plain sequences."""
    return fit_exponential(np.asarray(t_years), np.asarray(values), **kw)
