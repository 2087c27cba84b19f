"""One uncertainty mechanism for every module: ranges -> samples -> percentiles, sensitivity.

Any model input may be a :class:`Range` (low / likely / high) instead of a number. Because
every model is a vectorized NumPy function, a Monte Carlo run simply passes arrays of samples
where numbers were: :func:`monte_carlo` draws them, calls the model once, and summarises.
:func:`tornado` ranks the inputs by how far each one alone, moved from its low to its high
value, swings an output (one-at-a-time sensitivity, the classic tornado chart).

Distributions
-------------
``pert`` (default): the Beta-PERT distribution on [low, high] with mode ``likely``,
    alpha = 1 + 4 (m - a) / (b - a), beta = 1 + 4 (b - m) / (b - a)
    (Malcolm et al. 1959; Vose, *Risk Analysis*, 3rd ed., 2008, sec. 9.1.2).
``triangular``: triangular on [low, high] with mode ``likely``.
``uniform``: uniform on [low, high] (``likely`` used only for point estimates).
``loguniform``: log-uniform on [low, high]; for inputs that span orders of magnitude.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

DISTRIBUTIONS = ("pert", "triangular", "uniform", "loguniform")


@dataclass(frozen=True, slots=True)
class Range:
    """An uncertain input: ``low <= likely <= high`` and a distribution between them."""

    low: float
    likely: float
    high: float
    dist: str = "pert"

    def __post_init__(self) -> None:
        for name in ("low", "likely", "high"):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"range {name} must be a finite number, got {v!r}")
        if not (self.low <= self.likely <= self.high):
            raise ValueError(
                f"range must satisfy low <= likely <= high, got low={self.low}, "
                f"likely={self.likely}, high={self.high}")
        if self.dist not in DISTRIBUTIONS:
            raise ValueError(f"dist must be one of {', '.join(DISTRIBUTIONS)}, got {self.dist!r}")
        if self.dist == "loguniform" and self.low <= 0:
            raise ValueError(f"a loguniform range needs low > 0, got {self.low}")

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws from the range's distribution."""
        a, m, b = float(self.low), float(self.likely), float(self.high)
        if b == a:
            return np.full(n, a)
        if self.dist == "uniform":
            return rng.uniform(a, b, n)
        if self.dist == "loguniform":
            return np.exp(rng.uniform(math.log(a), math.log(b), n))
        if self.dist == "triangular":
            return rng.triangular(a, m, b, n)
        alpha = 1.0 + 4.0 * (m - a) / (b - a)
        beta = 1.0 + 4.0 * (b - m) / (b - a)
        out = _beta_by_inverse_cdf(alpha, beta, rng.random(n))
        out *= b - a                                # a + (b - a) x, in place
        out += a
        return out

    def scaled(self, factor: float) -> Range:
        """The same range in other units (e.g. GW -> W)."""
        lo, hi = sorted((self.low * factor, self.high * factor))
        return Range(lo, self.likely * factor, hi, self.dist)


Uncertain = float | Range

_QUANTILE_POINTS = 4096


@lru_cache(maxsize=256)
def _beta_quantile_table(alpha: float, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """The Beta(alpha, beta) quantile function on a uniform grid of 4097 probabilities."""
    from scipy.special import betaincinv

    q = betaincinv(alpha, beta, np.linspace(0.0, 1.0, _QUANTILE_POINTS + 1))
    q[0], q[-1] = 0.0, 1.0
    return q[:-1].copy(), np.diff(q)


def _beta_by_inverse_cdf(alpha: float, beta: float, u: np.ndarray) -> np.ndarray:
    """Beta draws by inverse-transform sampling of uniforms ``u`` (overwritten: the draws are
    returned in ``u``'s memory).

    The quantile function (``scipy.special.betaincinv``) is tabulated once per shape on 4,097
    points and interpolated linearly: about twice as fast as ``Generator.beta`` for 1e6 draws,
    with the mean exact and percentiles within ~1e-3 of the true ones between p0.1 and p99.9.
    With ``x = 4096 u`` and ``i = min(floor(x), 4095)``: ``q_i + (x - i) (q_{i+1} - q_i)``,
    evaluated in place (no temporaries of the draws' size but the index).
    """
    q, dq = _beta_quantile_table(round(alpha, 12), round(beta, 12))
    x = u
    x *= _QUANTILE_POINTS
    i = x.astype(np.intp)
    np.minimum(i, _QUANTILE_POINTS - 1, out=i)
    x -= i
    x *= np.take(dq, i)
    x += np.take(q, i)
    return x


def likely(value: Uncertain) -> float:
    """Point estimate of a number or a range (its ``likely`` value)."""
    return float(value.likely) if isinstance(value, Range) else float(value)


def point_inputs(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Replace every :class:`Range` in ``inputs`` by its likely value."""
    return {k: (likely(v) if isinstance(v, Range) else v) for k, v in inputs.items()}


def uncertain_names(inputs: Mapping[str, Any]) -> list[str]:
    """Names of the inputs given as ranges."""
    return [k for k, v in inputs.items() if isinstance(v, Range) and v.low != v.high]


def sample_inputs(inputs: Mapping[str, Any], n: int, seed: int | None = 0) -> dict[str, Any]:
    """Draw ``n`` samples of every :class:`Range` (independently); other values pass through."""
    if n < 1:
        raise ValueError(f"samples must be >= 1, got {n}")
    rng = np.random.default_rng(seed)
    return {k: (v.sample(n, rng) if isinstance(v, Range) else v) for k, v in inputs.items()}


def percentiles(x: np.ndarray | float, qs: tuple[int, ...] = (10, 50, 90)) -> dict[str, float]:
    """``{"p10": ..., "p50": ..., "p90": ...}`` of a sample (a scalar gives itself)."""
    arr = np.asarray(x, dtype=float).ravel()
    vals = np.percentile(arr, qs)
    return {f"p{q}": float(v) for q, v in zip(qs, vals, strict=True)}


def percentile_of(sample: np.ndarray, value: float) -> float:
    """Where ``value`` falls in ``sample``: the percentage of draws at or below it (0-100)."""
    arr = np.sort(np.asarray(sample, dtype=float).ravel())
    return float(100.0 * np.searchsorted(arr, value, side="right") / arr.size)


@dataclass(frozen=True, slots=True)
class MonteCarloResult:
    """Samples of every output of a model, with their percentiles."""

    samples: dict[str, np.ndarray]
    n: int

    def summary(self, qs: tuple[int, ...] = (10, 50, 90)) -> dict[str, dict[str, float]]:
        return {k: percentiles(v, qs) for k, v in self.samples.items()}


def monte_carlo(
    model: Callable[..., Mapping[str, Any]],
    inputs: Mapping[str, Any],
    n: int = 10_000,
    seed: int | None = 0,
) -> MonteCarloResult:
    """Run a vectorized ``model(**inputs) -> {output: array}`` on ``n`` joint samples.

    The model is called once with arrays of length ``n`` for the uncertain inputs.
    Outputs that do not depend on any range are broadcast to length ``n``.
    """
    drawn = sample_inputs(inputs, n, seed)
    out = model(**drawn)
    # every sample array is its own memory: an output the model computed afresh (a float
    # array of n values owning its data, met once) is kept as it is, anything else (scalars,
    # views, the drawn inputs, an array returned under two names) is copied
    taken = {id(v) for v in drawn.values()}
    samples: dict[str, np.ndarray] = {}
    for k, v in out.items():
        if np.ndim(v) > 1:
            continue
        fresh = (isinstance(v, np.ndarray) and v.dtype == np.float64 and v.shape == (n,)
                 and v.base is None and v.flags.writeable and id(v) not in taken)
        samples[k] = v if fresh else np.broadcast_to(np.asarray(v, dtype=float), (n,)).copy()
        taken.add(id(v))
    for k, v in samples.items():
        # min and max are NaN when any value is, +-inf when any is: no temporary of n values
        if not (np.isfinite(v.min()) and np.isfinite(v.max())):
            raise FloatingPointError(f"Monte Carlo output {k!r} has non-finite values")
    return MonteCarloResult(samples=samples, n=n)


@dataclass(frozen=True, slots=True)
class TornadoBar:
    """The effect of one input moved alone from its low to its high value."""

    name: str
    output_at_low: float
    output_at_high: float
    base: float

    @property
    def swing(self) -> float:
        return abs(self.output_at_high - self.output_at_low)


def tornado(
    model: Callable[..., Mapping[str, Any]],
    inputs: Mapping[str, Any],
    output: str,
) -> list[TornadoBar]:
    """One-at-a-time sensitivity of ``output`` to each range input, largest swing first."""
    base_inputs = point_inputs(inputs)
    base = float(np.asarray(model(**base_inputs)[output]))
    bars = []
    for name in uncertain_names(inputs):
        r: Range = inputs[name]
        lo = float(np.asarray(model(**{**base_inputs, name: r.low})[output]))
        hi = float(np.asarray(model(**{**base_inputs, name: r.high})[output]))
        bars.append(TornadoBar(name, lo, hi, base))
    return sorted(bars, key=lambda b: b.swing, reverse=True)
