"""Cost and capacity formulas of the plan against hand calculations and textbook values."""

from __future__ import annotations

import numpy as np
import pytest

from tokenfab import finance
from tokenfab.plan import econ, fleet


def test_plan_uses_the_one_finance_module():
    # the time value of money lives once, in tokenfab.finance (no copies in plan)
    assert econ.capital_recovery_factor is finance.capital_recovery_factor
    assert econ.construction_financing_factor is finance.construction_financing_factor
    assert fleet.remaining_balance_fraction is finance.remaining_balance_fraction
    for name in ("capital_recovery_factor", "construction_financing_factor", "discount_factors",
                 "remaining_balance_fraction"):
        assert name not in econ.__all__ and name not in fleet.__all__


def test_build_cost_per_w_year_hand_calculation():
    # K = 40 USD/W, 60% IT over 5 yr, facility over 10 yr, 10%, lead 2 yr, opex 1 USD/(W yr)
    # 40 * (0.6 * 0.263797 + 0.4 * 1.05 * 0.162745) + 1 = 40 * 0.226630 + 1 = 10.0652
    got = econ.build_cost_per_w_year(40.0, 0.6, 0.10, 5.0, 10.0, 2.0, 1.0)
    assert got == pytest.approx(10.0652, rel=1e-4)


def test_demand_path_is_users_times_per_user():
    d = econ.demand_path(100.0, 0.5, 1.0, 4)
    np.testing.assert_allclose(d, [100, 300, 900, 2700])  # 1.5 x 2 = 3x per year
    # vectorized over samples: one row per draw
    d2 = econ.demand_path(np.array([1.0, 2.0]), np.array([0.0, 1.0]), 0.0, 3)
    np.testing.assert_allclose(d2, [[1, 1, 1], [2, 4, 8]])


def test_generation_year_refreshes_at_end_of_it_life():
    # a site opening in year 1 with a 3-year IT life runs gen 1 in years 1-3, gen 4 in 4-6
    g = econ.generation_year(1, np.arange(1, 8), 3.0)
    np.testing.assert_allclose(g, [1, 1, 1, 4, 4, 4, 7])


def test_speedup_per_year_from_two_generations():
    # 4x the FLOP/s per watt after 2 years = 2x per year
    assert econ.speedup_per_year(4.0, 1.0, 2.0) == pytest.approx(2.0)


def test_rent_cost_and_breakeven():
    # 3 USD/h, -10%/yr, signed in year 2: 3 * 0.81 * 8766 h
    got = econ.rent_cost_per_accelerator_year(3.0, -0.10, 2)
    assert got == pytest.approx(3.0 * 0.81 * 365.25 * 24)
    assert econ.breakeven_utilization(20_000.0, 25_000.0) == pytest.approx(0.8)
