"""Software era: how much faster the same silicon runs as serving software matures.

The engine's calibration constants (:mod:`tokenfab.perf.calibration`) describe kernels and
fixed costs; the software that drives them moves every few months (8x H100 on llama2-70b gained
about half from MLPerf v4.0 to v5.0 on the same hardware; B200 on DeepSeek-R1 gained ~1.7x from
v5.1 to v6.0). That drift is modelled as one multiplicative *software speed* per hardware family
and date, applied to every step time of the engine (:attr:`Calibration.software_speed`)::

    ln s_f(t) = a_f + b_f * (min(max(t, t0_f), t1_f) - T_REF)

``a_f`` is the family's log speed at ``T_REF`` relative to the hand-set constants, ``b_f`` its
log speed gain per year, and ``[t0_f, t1_f]`` the dates of the public results it was fitted on:
before them the era is held at the first fitted date; after them the trend continues for
:data:`EXTRAPOLATE_YEARS` and is then held (the default date is the latest supported era,
``t1_f``). ``f`` is an era group: the hardware family times fine-grained MoE or dense models
(:func:`era_group`).

Fitting (:func:`fit_era`): least squares of the log residuals ``r = ln(measured / predicted at
s = 1)`` of public results on the same hardware across rounds, with each family's ``(a_f, b_f)``
shrunk toward the pooled ``(a, b)`` of all families (ridge penalties ``SHRINK_A`` and
``SHRINK_B``, in rows' worth) and outliers down-weighted (Huber weights beyond
``HUBER_LOG``). The spread of the residuals after the fit, shrunk toward the pooled spread,
is the family's ``sigma``: the uncertainty of the calibration, which sets the prediction
intervals (:func:`speed_range`). ``tokenfab validate --cv`` refits on the training folds only;
the shipped table :data:`ERA` is the fit on every public file
(``python -m tokenfab.perf.fit``; ``src/tokenfab/perf/data/era_fit.json``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from tokenfab.catalog import load_catalog
from tokenfab.errors import TokenfabError
from tokenfab.uncertainty import Range

__all__ = ["EraTerm", "EraFit", "ERA", "NEUTRAL", "T_REF", "era_group", "parse_date", "format_date", "fit_era",
           "SoftwareShare", "software_share", "model_release",
           "load_era", "speed_range", "ERA_FILE", "SHRINK_A", "SHRINK_B", "HUBER_LOG"]

#: reference date of the intercepts [decimal year]
T_REF = 2025.5
#: ridge penalty on a family's intercept / slope deviation from the pooled fit [rows]. The
#: slope is effectively pooled (one software trend for every family, each family its own
#: level): per-family slopes raised the leave-one-round-out error (docs/perf.md)
SHRINK_A = 30.0
SHRINK_B = 1.0e6
#: log residual beyond which a row's weight falls as 1/|r| (Huber) [-]
HUBER_LOG = 0.25
#: the trend continues this long past the last fitted result, then the era is held [years]
#: (software keeps improving: results newer than every fitted row ran faster; a year at the
#: pooled trend is a few percent, and the interval widens with the distance)
EXTRAPOLATE_YEARS = 1.0
#: routed experts from which a model's serving software is counted as fine-grained MoE
MOE_EXPERTS = 16
#: pooled-spread weight in a family's sigma [rows]
SIGMA_PRIOR_ROWS = 10.0
#: z of the 10th/90th percentiles of a normal
Z80 = 1.2815515655446004

#: rows a model needs for its median residual to enter the between-model spread
MODEL_MIN_ROWS = 5
#: time constant of software maturity for a newly released model [years]
MATURITY_TAU = 0.4

ERA_FILE = Path(__file__).with_name("data") / "era_fit.json"

_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$")


def model_release(model_id: str | None) -> float | None:
    """Release date of a built-in catalog model [decimal year] (its ``release_date`` with
    source in ``catalog/data/models_sources.csv``), None when unknown."""
    if not model_id:
        return None
    cat = load_catalog()
    if model_id not in cat.model_ids:
        return None
    rel = cat.model(model_id).release_date
    return parse_date(rel, field="release_date") if rel else None


def era_group(family: str, experts: int) -> str:
    """The software-era group of a model on a family: ``family/moe`` for fine-grained MoE
    models (>= :data:`MOE_EXPERTS` routed experts: DeepSeek, gpt-oss, Qwen3-MoE, Kimi), else
    ``family/dense``. Their serving software matures separately (grouped-GEMM, all-to-all and
    attention-DP kernels vs dense GEMM paths): DeepSeek-R1 on B200 gained ~1.7x between MLPerf
    v5.1 and v6.0 while Llama-2-70B gained ~3 %.

    >>> era_group("blackwell", 256), era_group("hopper", 8)
    ('blackwell/moe', 'hopper/dense')
    """
    return f"{family}/{'moe' if experts >= MOE_EXPERTS else 'dense'}"


def parse_date(text: str | float | int, *, field: str = "software_date") -> float:
    """``"2025-06"`` / ``"2025-06-15"`` / ``"2025"`` / ``2025.5`` -> decimal year.

    >>> parse_date("2025-07")
    2025.5
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        y = float(text)
        if not 2015.0 <= y <= 2040.0:
            raise TokenfabError(f"must be a date between 2015 and 2040, got {text!r}",
                                field=field, value=text)
        return y
    m = _DATE.match(str(text))
    if not m:
        raise TokenfabError(f"must be a date YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2025-06), got "
                            f"{text!r:.60}", field=field, value=text)
    y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        day = date(y, mo, d)
    except ValueError:
        raise TokenfabError(f"not a calendar date: {text!r}", field=field, value=text) from None
    if not 2015 <= y <= 2040:
        raise TokenfabError(f"must be a date between 2015 and 2040, got {text!r}", field=field,
                            value=text)
    if m.group(3):
        start = date(y, 1, 1)
        return y + (day - start).days / (date(y + 1, 1, 1) - start).days
    return y + (mo - 1) / 12.0


def format_date(t: float) -> str:
    """Decimal year -> ``YYYY-MM``."""
    y = int(math.floor(t + 1e-9))
    mo = int(round((t - y) * 12.0)) + 1
    if mo > 12:
        y, mo = y + 1, 1
    return f"{y:04d}-{mo:02d}"


@dataclass(frozen=True, slots=True)
class EraTerm:
    """The fitted software speed of one era group (hardware family x MoE or dense).

    Attributes
    ----------
    a : float
        Log speed at :data:`T_REF` relative to the hand-set calibration [-].
    b : float
        Log speed gain per year [1/yr].
    t0, t1 : float
        First and last date of the fitted results [decimal year]; the era is held outside.
    sigma : float
        Spread (standard deviation) of the log residuals after the fit [-].
    n : int
        Rows fitted.
    """

    a: float
    b: float
    t0: float
    t1: float
    sigma: float
    n: int

    def log_speed(self, t: float) -> float:
        return self.a + self.b * (min(max(t, self.t0), self.t1 + EXTRAPOLATE_YEARS) - T_REF)


@dataclass(frozen=True)
class EraFit:
    """Software speed per family plus the pooled term (used for families without data)."""

    families: dict[str, EraTerm]
    pooled: EraTerm
    source: str = ""
    maturity_a: float = 0.0
    maturity_tau: float = MATURITY_TAU
    #: models the fit saw, and the spread of their mean residuals (between-model sd): a model
    #: the fit has not seen carries that spread in its interval (:func:`speed_range`)
    models: tuple[str, ...] = ()
    model_sigma: float = 0.0
    #: residual spread of each (era group, model) cell with rows, shrunk toward its group's
    #: ``sigma`` (``"group|model"`` keys): a seen model's interval is its own spread
    cell_sigmas: dict[str, float] = field(default_factory=dict)

    def term(self, family: str) -> EraTerm:
        """The term of an era group (``family/moe``, ``family/dense``; the pooled term for a
        group without fitted results)."""
        return self.families.get(family, self.pooled)

    def latest(self, family: str) -> float:
        """The latest supported era of ``family`` [decimal year] (the default date): the
        month of its last fitted result (a whole month, so that the ``YYYY-MM`` a prediction
        reports reruns it exactly)."""
        return parse_date(format_date(self.term(family).t1))

    def maturity(self, model_id: str | None, t: float) -> float:
        """Log speed lost to an immature software stack for a recently released model:
        ``-A exp(-age / tau)``, ``age`` = years since the model's release
        (:func:`model_release`, the catalog's ``release_date``; unknown: 0)."""
        if self.maturity_a == 0.0:
            return 0.0
        rel = model_release(model_id)
        if rel is None:
            return 0.0
        age = max(t - rel, 0.0)
        return -self.maturity_a * math.exp(-age / self.maturity_tau)

    def log_speed(self, family: str, t: float | None = None,
                  model_id: str | None = None) -> float:
        term = self.term(family)
        tt = term.t1 if t is None else t
        return term.log_speed(tt) + self.maturity(model_id, tt)

    def speed(self, family: str, t: float | None = None, model_id: str | None = None) -> float:
        """Software speed ``s_f(t)`` (default: the latest supported era)."""
        return math.exp(self.log_speed(family, t, model_id))

    def to_dict(self) -> dict[str, Any]:
        return {"t_ref": T_REF, "source": self.source, "pooled": asdict(self.pooled),
                "families": {k: asdict(v) for k, v in sorted(self.families.items())},
                "maturity_a": self.maturity_a, "maturity_tau": self.maturity_tau,
                "models": sorted(self.models), "model_sigma": self.model_sigma,
                "cell_sigmas": dict(sorted(self.cell_sigmas.items()))}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EraFit:
        return cls({k: EraTerm(**v) for k, v in d["families"].items()}, EraTerm(**d["pooled"]),
                   str(d.get("source", "")), float(d.get("maturity_a", 0.0)),
                   float(d.get("maturity_tau", MATURITY_TAU)),
                   tuple(d.get("models", ())), float(d.get("model_sigma", 0.0)),
                   {str(k): float(v) for k, v in d.get("cell_sigmas", {}).items()})


def _weighted_lsq(x: np.ndarray, y: np.ndarray, w: np.ndarray, ridge: np.ndarray,
                  prior: np.ndarray) -> np.ndarray:
    """argmin sum w (y - x beta)^2 + sum ridge (beta - prior)^2."""
    xtw = x.T * w
    lhs = xtw @ x + np.diag(ridge)
    rhs = xtw @ y + ridge * prior
    return np.asarray(np.linalg.solve(lhs, rhs))


def fit_era(families: Sequence[str], dates: Sequence[float], log_resid: Sequence[float],
            *, source: str = "", ages: Sequence[float] | None = None,
            tau: float = MATURITY_TAU, models: Sequence[str] | None = None) -> EraFit:
    """Fit the software speed per family from log residuals of predictions at ``s = 1``.

    Parameters
    ----------
    families : sequence of str
        Hardware family of each row.
    dates : sequence of float
        Date of each result [decimal year].
    log_resid : sequence of float
        ``ln(measured / predicted)`` of each row with the software speed at 1 [-].
    source : str
        Where the rows come from (recorded in the fit).
    ages : sequence of float, optional
        Years since each row's model was released (inf: unknown); with them one global
        maturity amplitude ``A >= 0`` is fitted as well (``-A exp(-age / tau)``).
    tau : float
        Maturity time constant [years].
    models : sequence of str, optional
        Model id of each row: the fit records the models it saw and the between-model
        spread ``sd_m`` of their median residuals (models with >= :data:`MODEL_MIN_ROWS`
        rows; robust sd), the uncertainty of a model's own software level that a model the
        fit has not seen carries (:func:`speed_range`).

    Returns
    -------
    EraFit
        Per-family terms (intercept and slope shrunk toward the pooled fit, Huber-weighted)
        and the pooled term.
    """
    fam = np.asarray(families, dtype=object)
    t = np.asarray(dates, dtype=float)
    r0 = np.asarray(log_resid, dtype=float)
    mat = (np.zeros_like(r0) if ages is None
           else np.exp(-np.asarray(ages, dtype=float) / tau))
    ok = np.isfinite(t) & np.isfinite(r0)
    mod = (np.asarray(models, dtype=object) if models is not None
           else np.full(len(r0), "", dtype=object))[ok]
    fam, t, r0, mat = fam[ok], t[ok], r0[ok], mat[ok]
    amp = 0.0
    r = r0
    if r.size == 0:
        z = EraTerm(0.0, 0.0, T_REF, T_REF, 0.2, 0)
        return EraFit({}, z, source)
    x = np.column_stack([np.ones_like(t), t - T_REF])
    w = np.ones_like(r)
    names = sorted(set(fam.tolist()))
    coef: dict[str, np.ndarray] = {}
    pooled = np.zeros(2)
    for _ in range(6):  # iteratively reweighted (Huber); alternating with the maturity A
        r = r0 + amp * mat
        pooled = _weighted_lsq(x, r, w, np.array([1e-6, 1.0]), np.zeros(2))
        for f in names:
            sel = fam == f
            coef[f] = _weighted_lsq(x[sel], r[sel], w[sel], np.array([SHRINK_A, SHRINK_B]),
                                    pooled)
        pred = np.array([x[i] @ coef[str(fam[i])] for i in range(r.size)])
        if ages is not None and float(np.sum(w * mat * mat)) > 0:
            amp = max(-float(np.sum(w * mat * (r0 - pred))) / float(np.sum(w * mat * mat)),
                      0.0)
        res = np.abs(r0 + amp * mat - pred)
        w = np.minimum(1.0, HUBER_LOG / np.maximum(res, 1e-12))
    resid = r0 + amp * mat - np.array([x[i] @ coef[str(fam[i])] for i in range(r.size)])
    s_pool = _robust_sd(resid)
    terms = {}
    for f in names:
        sel = fam == f
        n = int(sel.sum())
        s_f = _robust_sd(resid[sel]) if n >= 3 else s_pool
        sig = math.sqrt((n * s_f ** 2 + SIGMA_PRIOR_ROWS * s_pool ** 2) / (n + SIGMA_PRIOR_ROWS))
        terms[f] = EraTerm(float(coef[f][0]), float(coef[f][1]), float(t[sel].min()),
                           float(t[sel].max()), sig, n)
    pooled_term = EraTerm(float(pooled[0]), float(pooled[1]), float(t.min()), float(t.max()),
                          s_pool, int(r.size))
    seen: tuple[str, ...] = ()
    sd_m = 0.0
    if models is not None:
        seen = tuple(sorted({str(x) for x in mod.tolist()}))
        meds = [float(np.median(resid[mod == k])) for k in seen
                if int(np.sum(mod == k)) >= MODEL_MIN_ROWS]
        sd_m = float(np.std(meds, ddof=1)) if len(meds) >= 3 else 0.0
    cells: dict[str, float] = {}
    if models is not None:
        for f in names:
            for k in sorted({str(x) for x in mod[fam == f].tolist()}):
                sel = (fam == f) & (mod == k)
                n = int(sel.sum())
                if n >= 3:
                    s_c = _robust_sd(resid[sel])
                    g = terms[f].sigma
                    cells[f"{f}|{k}"] = math.sqrt((n * s_c ** 2 + SIGMA_PRIOR_ROWS * g ** 2)
                                                  / (n + SIGMA_PRIOR_ROWS))
    return EraFit(terms, pooled_term, source, amp, tau, seen, sd_m, cells)


def _robust_sd(x: np.ndarray) -> float:
    """Standard deviation from the 10-90 percentile spread (normal: p90 - p10 = 2.563 sd),
    floored at 0.05 so a family with few agreeing rows does not claim a tiny interval."""
    if x.size < 2:
        return 0.2
    lo, hi = np.percentile(x, [10.0, 90.0])
    return max(float(hi - lo) / (2.0 * Z80), 0.05)


def load_era(path: str | Path | None = None) -> EraFit:
    """The shipped fit (``data/era_fit.json``), or a neutral fit if the file is absent."""
    p = Path(path) if path is not None else ERA_FILE
    try:
        return EraFit.from_dict(json.loads(p.read_text(encoding="utf-8")))
    except FileNotFoundError:
        z = EraTerm(0.0, 0.0, T_REF, T_REF, 0.2, 0)
        return EraFit({}, z, "no fit shipped: software speed 1")


ERA = load_era()


def speed_range(fit: EraFit, family: str, t: float | None = None,
                model_id: str | None = None) -> Range:
    """The software speed's log as a :class:`~tokenfab.uncertainty.Range` (PERT, symmetric):
    ``likely = ln s_f(t)``, ``low/high = likely -/+ 2.65 sigma`` (a symmetric PERT has
    ``sd = (high - low) / (2 sqrt 7)``, so its sd is the fitted ``sigma``); ``sigma`` grows by
    ``|b|`` per year the date lies outside the fitted span (the era is held, its drift not),
    and, for a model the fit has not seen, adds the between-model spread ``model_sigma`` in
    quadrature (its own software level is unknown)."""
    term = fit.term(family)
    tt = term.t1 if t is None else t
    outside = max(term.t0 - tt, tt - term.t1, 0.0)
    base = fit.cell_sigmas.get(f"{family}|{model_id}", term.sigma)
    sig = math.hypot(base, abs(term.b) * outside + 0.0)
    if fit.models and model_id is not None and model_id not in fit.models:
        sig = math.hypot(sig, fit.model_sigma)  # a model the fit has not seen
    mid = fit.log_speed(family, tt, model_id)
    half = 2.0 * math.sqrt(7.0) / 2.0 * sig
    return Range(mid - half, mid, mid + half, "pert")


#: no software-era correction (speed 1 everywhere): the engine's hand-set constants alone
NEUTRAL = EraFit({}, EraTerm(0.0, 0.0, T_REF, T_REF, 0.2, 0), "neutral: software speed 1")


@dataclass(frozen=True, slots=True)
class SoftwareShare:
    """How much of a generation-over-generation gain is software (the era trend).

    Attributes
    ----------
    years : float
        Time between the two generations [years].
    hardware_gain : float
        Gain of the newer system at one software era (the engine's prediction ratio) [-].
    software_gain : float
        Gain of the same silicon over ``years`` from the fitted software trend,
        ``exp(b years)`` [-].
    total_gain : float
        ``hardware_gain * software_gain`` [-].
    software_share : float
        Share of the total gain, on a log scale, that is software:
        ``ln(software_gain) / ln(total_gain)`` [-].
    per_year : float
        Software speed gain per year, ``exp(b)`` [1/yr].
    group : str
        Era group the trend was read from.
    """

    years: float
    hardware_gain: float
    software_gain: float
    total_gain: float
    software_share: float
    per_year: float
    group: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def software_share(hardware_gain: float, years: float, fit: EraFit | None = None,
                   group: str = "blackwell/moe") -> SoftwareShare:
    """Split a generation's gain into hardware and software using the software-era trend.

    The era fit's slope ``b`` (log speed per year on the same silicon, fitted on
    round-over-round public results, :func:`fit_era`) gives the software gain over the
    ``years`` between two generations, ``exp(b years)``; the newer system's gain at a
    fixed software era (``hardware_gain``, from the engine) is the rest. Equation::

        total = hardware_gain * exp(b years);   share = b years / ln(total)

    Parameters
    ----------
    hardware_gain : float
        Ratio of the newer to the older generation at one software era [-], > 0.
    years : float
        Years between the generations [years], >= 0.
    fit : EraFit, optional
        Default: the shipped fit :data:`ERA`.
    group : str
        Era group whose slope is used (the slope is pooled over families, so the group only
        matters for a fit with per-family slopes).

    >>> fit = EraFit({}, EraTerm(0.0, math.log(1.1), 2024.0, 2026.0, 0.1, 10))
    >>> s = software_share(10.0, 2.0, fit)
    >>> round(s.software_gain, 2), round(s.total_gain, 1), round(s.software_share, 3)
    (1.21, 12.1, 0.076)
    """
    if not hardware_gain > 0 or not math.isfinite(hardware_gain):
        raise TokenfabError("must be a positive finite ratio", field="hardware_gain",
                            value=hardware_gain)
    if not years >= 0 or not math.isfinite(years):
        raise TokenfabError("must be >= 0 years", field="years", value=years)
    f = ERA if fit is None else fit
    b = f.term(group).b
    sw = math.exp(b * years)
    total = hardware_gain * sw
    share = (b * years) / math.log(total) if total > 1.0 else float("nan")
    return SoftwareShare(years, hardware_gain, sw, total, share, math.exp(b), group)
