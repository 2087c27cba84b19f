"""The shared uncertainty mechanism: ranges, sampling, percentiles, tornado."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenfab.uncertainty import (
    Range,
    monte_carlo,
    percentile_of,
    percentiles,
    point_inputs,
    sample_inputs,
    tornado,
)


def test_pert_mean_matches_the_closed_form():
    # PERT mean = (a + 4m + b) / 6 (Vose 2008)
    r = Range(1.0, 2.0, 6.0)
    x = r.sample(400_000, np.random.default_rng(1))
    assert x.mean() == pytest.approx((1 + 8 + 6) / 6, rel=5e-3)
    assert x.min() >= 1.0 and x.max() <= 6.0


def test_triangular_and_uniform_means():
    rng = np.random.default_rng(2)
    assert Range(0, 3, 6, "triangular").sample(200_000, rng).mean() == pytest.approx(3.0, rel=5e-3)
    assert Range(0, 1, 10, "uniform").sample(200_000, rng).mean() == pytest.approx(5.0, rel=5e-3)
    lu = Range(1, 10, 100, "loguniform").sample(200_000, rng)
    assert np.median(lu) == pytest.approx(10.0, rel=2e-2)


@pytest.mark.parametrize("bad", [(3, 2, 4), (1, 5, 4), (float("nan"), 1, 2), (1, 1, float("inf"))])
def test_range_rejects_bad_orderings_and_non_finite(bad):
    with pytest.raises(ValueError):
        Range(*bad)


def test_loguniform_needs_positive_low():
    with pytest.raises(ValueError, match="low > 0"):
        Range(0, 1, 2, "loguniform")


def test_monte_carlo_is_vectorized_and_reproducible():
    def model(a, b):
        return {"y": a * b, "z": a + 0 * b}

    inputs = {"a": Range(1, 2, 3), "b": 10.0}
    r1 = monte_carlo(model, inputs, n=1000, seed=7)
    r2 = monte_carlo(model, inputs, n=1000, seed=7)
    assert np.array_equal(r1.samples["y"], r2.samples["y"])
    s = r1.summary()
    assert s["y"]["p10"] < s["y"]["p50"] < s["y"]["p90"]
    assert 10 <= s["y"]["p10"] and s["y"]["p90"] <= 30


def test_monte_carlo_refuses_non_finite_outputs():
    with pytest.raises(FloatingPointError), np.errstate(invalid="ignore"):
        monte_carlo(lambda a: {"y": np.log(a - 2)}, {"a": Range(1, 2, 3)}, n=100)


def test_tornado_ranks_by_swing():
    def model(a, b, c):
        return {"y": 10 * a + b + 0 * c}

    bars = tornado(model, {"a": Range(0, 1, 2), "b": Range(0, 1, 2), "c": Range(0, 1, 2)}, "y")
    assert [b.name for b in bars] == ["a", "b", "c"]
    assert bars[0].swing == pytest.approx(20.0)
    assert bars[2].swing == 0.0


def test_point_inputs_and_percentile_of():
    assert point_inputs({"a": Range(1, 2, 3), "b": 4})["a"] == 2.0
    sample = np.arange(1, 101, dtype=float)
    assert percentile_of(sample, 50) == pytest.approx(50.0)
    assert percentiles(5.0) == {"p10": 5.0, "p50": 5.0, "p90": 5.0}


@given(st.floats(-1e6, 1e6), st.floats(0, 1e6), st.floats(0, 1e6), st.integers(1, 50))
def test_samples_stay_within_the_range(low, d1, d2, n):
    r = Range(low, low + d1, low + d1 + d2)
    x = sample_inputs({"x": r}, n, seed=0)["x"]
    assert x.shape == (n,)
    assert np.all(x >= r.low - 1e-9 * max(1, abs(r.low))) and np.all(x <= r.high + 1e-9 * max(1, abs(r.high)))


def test_pert_percentiles_match_the_exact_beta_quantiles():
    """The inverse-CDF sampler reproduces Beta-PERT quantiles (scipy.stats.beta.ppf)."""
    from scipy.stats import beta as beta_dist

    a, m, b = 10.0, 14.0, 30.0
    alpha, bet = 1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a)
    x = Range(a, m, b).sample(1_000_000, np.random.default_rng(3))
    qs = np.array([0.01, 0.1, 0.5, 0.9, 0.99])
    exact = a + (b - a) * beta_dist.ppf(qs, alpha, bet)
    assert np.allclose(np.quantile(x, qs), exact, rtol=3e-3)
