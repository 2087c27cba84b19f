"""Growth-rate fits: recover known rates, intervals, the data series."""

from __future__ import annotations

import numpy as np
import pytest

from tokenfab.demand.fit import data_series, decimal_year, fit_all, fit_exponential
from tokenfab.errors import TokenfabError


def test_exact_exponential_is_recovered():
    t = np.array([2020.0, 2021.0, 2022.5, 2024.0])
    f = fit_exponential(t, 3.0 * 4.6 ** (t - 2020.0))
    assert f.multiple_per_year == pytest.approx(4.6, rel=1e-12)
    assert f.r2 == pytest.approx(1.0)
    assert f.multiple_ci95[0] == pytest.approx(4.6, rel=1e-9)
    assert f.doubling_months == pytest.approx(12 * np.log(2) / np.log(4.6))


def test_noisy_rate_is_inside_the_interval():
    rng = np.random.default_rng(1)
    covered = 0
    for _ in range(200):
        t = np.linspace(0, 3, 8)
        y = 10.0 * 5.0 ** t * np.exp(rng.normal(0, 0.3, t.size))
        f = fit_exponential(t, y)
        covered += f.multiple_ci95[0] <= 5.0 <= f.multiple_ci95[1]
    # a 95% interval covers the true rate in ~95% of repetitions
    assert 0.89 <= covered / 200 <= 0.99


def test_two_points_have_no_interval_and_bad_input_raises():
    f = fit_exponential([2024.0, 2025.0], [9.7e12, 480e12])
    assert f.multiple_per_year == pytest.approx(480 / 9.7)
    assert f.multiple_ci95 is None
    with pytest.raises(TokenfabError, match="positive"):
        fit_exponential([0, 1, 2], [1.0, -2.0, 3.0])
    with pytest.raises(TokenfabError, match="two observations"):
        fit_exponential([1.0, 1.0], [1.0, 2.0])


def test_google_tokens_fit_has_a_ci_and_decelerates():
    res = fit_all()
    fits = {f["name"]: f for f in res["fits"]}
    g = fits["google_monthly_tokens (all points)"]
    assert g["n"] == 5
    lo, hi = g["multiple_ci95"]
    assert lo < g["multiple_per_year"] < hi
    # 9.7T (May 2024) -> 3.2Q (May 2026) is 330x in two years, ~18x/yr
    assert 5 < g["multiple_per_year"] < 50
    recent = fits["google_monthly_tokens (since May 2025)"]
    assert recent["multiple_per_year"] < g["multiple_per_year"]
    published = {p["key"]: p for p in res["published"]}
    assert published["training_compute_growth"]["multiple_per_year"] == pytest.approx(4.6)


def test_series_come_from_the_catalog():
    s = {x.name: x for x in data_series()}
    g = s["google_monthly_tokens"]
    assert g.values[0] == pytest.approx(9.7e12) and g.values[-1] == pytest.approx(3.2e15)
    assert all("economics.csv:google_tokens_per_month" in src for src in g.sources)
    assert decimal_year(g.dates[0]) == pytest.approx(2024.38, abs=0.01)
