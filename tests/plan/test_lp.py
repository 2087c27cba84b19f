"""The rent-or-build LP: the issue's checks, hand-calculated costs, and properties."""

from __future__ import annotations

import numpy as np
import pytest

from tokenfab.claims import Verdict
from tokenfab.inputs import RunOptions
from tokenfab.plan import PlanSection, resolve, solve
from tokenfab.plan.analysis import analyse, shifted_schedule, timing_costs
from tokenfab.plan.fleet import mix_change_penalty
from tokenfab.units import HOURS_PER_YEAR

# a simple world: reference generation in the start year, no hardware speedup, one contract
BASE = dict(
    start_year=2025, years=6, reference_system="gb200-nvl72",
    demand_accelerators=100_000, users_growth=0.0, per_user_growth=0.0,
    tokens_per_accelerator_s=1000.0, utilization=1.0, speedup_per_year=1.0,
    rent=[{"name": "annual", "years": 1, "price_usd_per_hour": 3.0}], rent_price_trend=0.0,
    rental_cap=1e9, rental_cap_growth=0.0,
    capex="40 USD/W", it_capex_share=0.6, it_life="5 years", facility_life="10 years",
    cost_of_capital=0.10, lead_time="2 years", opex_per_year="1 USD/W",
    power_cap_per_year="100 GW", power_cap_growth=0.0, unserved_penalty="5 USD/Mtok",
)
P_ACC = 2100.0  # catalog gb200-nvl72 all-in power per accelerator [W]


def point(**kw):
    return resolve(PlanSection(**{**BASE, **kw})).point()


def test_flat_demand_and_cheap_rental_never_builds():
    # renting at 1 USD/h (8.8 kUSD/yr) is far below a built accelerator (~21 kUSD/yr)
    p = point(rent=[{"name": "annual", "years": 1, "price_usd_per_hour": 1.0}])
    r = solve(p)
    assert r.first_build_year is None
    assert r.columns["online_w"].max() == 0.0
    np.testing.assert_allclose(r.columns["rented_accelerators"], 100_000, rtol=1e-9)
    assert r.total_unserved_tokens == pytest.approx(0.0, abs=1e-3)


def test_rent_only_cost_is_the_hand_calculation():
    p = point(rent=[{"name": "annual", "years": 1, "price_usd_per_hour": 1.0}])
    r = solve(p)
    yearly = 100_000 * 1.0 * 365.25 * 24  # accelerators x USD/h x h/yr
    np.testing.assert_allclose(r.columns["cost_usd"], yearly, rtol=1e-9)
    pv = sum(yearly / 1.1 ** t for t in range(6))
    assert r.present_cost_usd == pytest.approx(pv, rel=1e-9)


def test_build_cost_is_the_hand_calculation():
    # no rental at all, flat demand: build exactly the power the demand needs, once
    p = point(rental_cap=0, lead_time="0 years")
    r = solve(p)
    need_w = 100_000 * P_ACC
    assert r.columns["online_w"][-1] == pytest.approx(need_w, rel=1e-6)
    # 40 * (0.6 CRF(10%,5) + 0.4 CRF(10%,10)) + 1 = 40 * 0.223377 + 1 = 9.93507 USD/(W yr)
    np.testing.assert_allclose(r.columns["cost_usd"], 9.93507 * need_w, rtol=1e-5)
    assert r.total_unserved_tokens == pytest.approx(0.0, abs=1e-3)


def test_growth_beyond_rental_cap_builds_early_enough_when_power_allows():
    # demand doubles each year; renting is cheaper per hour but capped at 150k
    p = point(users_growth=1.0, rental_cap=150_000,
              rent=[{"name": "annual", "years": 1, "price_usd_per_hour": 1.5}])
    r = solve(p)
    tok = 1000.0 * 365.25 * 86400
    # the cap binds from 2026 (200k > 150k); nothing started in 2025 opens before 2027 (lead
    # 2 yr), so 2026 is short by exactly 50k accelerator-years, and no year after it is
    np.testing.assert_allclose(r.columns["unserved_tokens"][:2], [0.0, 50_000 * tok],
                               rtol=1e-6, atol=1e-3 * tok)
    np.testing.assert_allclose(r.columns["unserved_tokens"][2:], 0.0, atol=1e-3 * tok)
    assert r.first_build_year == 2025
    # and it does not build more than needed: capacity = demand once sites are open
    np.testing.assert_allclose(r.columns["capacity_accelerators"][2:],
                               r.columns["demand_accelerators"][2:], rtol=1e-6)
    # renting stays at the cap: cheaper per hour than building
    np.testing.assert_allclose(r.columns["rented_accelerators"][1:], 150_000, rtol=1e-6)


def test_demand_beyond_both_caps_is_reported_unserved_not_dropped():
    # 1 GW of new power per year (476k accelerators) and 50k rentals cannot serve 3M
    p = point(demand_accelerators=3_000_000, rental_cap=50_000, power_cap_per_year="1 GW")
    r = solve(p)
    tok = 1000.0 * 365.25 * 86400  # tokens per accelerator-year
    # hand calculation: capacity = 50k rented + (1 GW / 2.1 kW) per year online from year 2
    built_acc = np.array([0, 0, 1, 2, 3, 4]) * 1e9 / P_ACC
    expect = (3_000_000 - 50_000 - built_acc) * tok
    np.testing.assert_allclose(r.columns["unserved_tokens"], expect, rtol=1e-6)
    np.testing.assert_allclose(r.columns["served_tokens"] + r.columns["unserved_tokens"],
                               r.columns["demand_tokens"], rtol=1e-12)


def test_zero_penalty_still_reports_every_unserved_token():
    p = point(unserved_penalty=0.0)
    r = solve(p)
    # serving costs money and is worth nothing: nothing is served, and that is reported
    assert r.present_cost_usd == pytest.approx(0.0, abs=1.0)
    np.testing.assert_allclose(r.columns["unserved_tokens"], r.columns["demand_tokens"])


def test_committed_sites_count_as_capacity_and_cost():
    p = point(rental_cap=0, power_cap_per_year="0 GW",
              committed=[{"year": 2025, "power": "0.105 GW"}])  # 50k accelerators
    r = solve(p)
    tok = 1000.0 * 365.25 * 86400
    np.testing.assert_allclose(r.columns["unserved_tokens"], 50_000 * tok, rtol=1e-6)
    assert r.columns["build_cost_usd"][0] > 0
    assert r.columns["online_w"][0] == pytest.approx(0.105e9)


def test_speedup_makes_later_sites_serve_more():
    p = point(speedup_per_year=2.0, rental_cap=0, lead_time="0 years", users_growth=1.0)
    r = solve(p)
    # demand doubles and each generation doubles tokens per watt: after the first 0.21 GW
    # (100k accelerators), each year adds 100k x 2^(t-1) equivalents at 2^t per accelerator,
    # i.e. 0.105 GW; in year 5 the year-0 site refreshes its IT (5-yr life) to a 32x
    # generation and nothing new is needed
    np.testing.assert_allclose(r.columns["built_w"],
                               np.array([0.21, 0.105, 0.105, 0.105, 0.105, 0.0]) * 1e9,
                               rtol=1e-6, atol=1.0)


def test_objective_matches_the_reported_costs():
    p = point(users_growth=0.8, rental_cap=120_000, power_cap_per_year="0.3 GW")
    r = solve(p)
    df = 1.1 ** -np.arange(6)
    assert r.present_cost_usd == pytest.approx(float(np.sum(r.columns["cost_usd"] * df)))
    assert r.present_penalty_usd == pytest.approx(
        float(np.sum(r.columns["unserved_tokens"] * 5e-6 * df)))


def test_more_rental_capacity_never_costs_more():
    prev = None
    for cap in (0, 50_000, 150_000, 400_000):
        r = solve(point(users_growth=1.0, rental_cap=cap, power_cap_per_year="0.2 GW"))
        if prev is not None:
            assert r.objective_usd <= prev + 1e-6 * prev
        prev = r.objective_usd


def test_timing_costs_are_not_negative_when_power_does_not_bind():
    p = point(users_growth=1.0, rental_cap=150_000,
              rent=[{"name": "annual", "years": 1, "price_usd_per_hour": 1.5}])
    r = solve(p)
    t = timing_costs(p, r)
    assert t["early"]["extra_present_cost_usd"] >= -1e-6 * r.objective_usd
    assert t["late"]["extra_present_cost_usd"] > 0
    assert t["late"]["extra_unserved_tokens"] > 0


def test_shifted_schedule_moves_and_drops_starts():
    p = point(users_growth=1.0, rental_cap=150_000)
    r = solve(p)
    late = shifted_schedule(r, 1)["gpu"]
    early = shifted_schedule(r, -1)["gpu"]
    b = r.build_started_w["gpu"][:4]
    np.testing.assert_allclose(late[1:], b[:-1])
    assert early[0] == pytest.approx(b[0] + b[1])


def test_asic_share_is_built_cheaper_and_mix_change_costs():
    kw = dict(asic_share=0.5, asic_capex_saving=0.19, asic_perf_per_w=1.0, rental_cap=0,
              lead_time="0 years", mix_change_year=2027, asic_share_after_change=0.1)
    p = point(**kw)
    r = solve(p)
    # half of the (flat) demand on ASIC sites, which are cheaper per watt
    assert r.costs.asic_usd_per_w_year < r.costs.gpu_usd_per_w_year
    np.testing.assert_allclose(r.columns["asic_served_accelerators"], 50_000, rtol=1e-6)
    m = mix_change_penalty(p, r)
    assert m is not None
    assert m.penalty_usd > 0
    assert m.cost_with_foresight_usd <= m.cost_planned_then_changed_usd
    # from 2027 only 10% of demand runs on ASICs: 40k of the 50k ASIC equivalents idle
    assert m.stranded_asic_fraction == pytest.approx(0.8, rel=1e-6)
    assert m.unpaid_asic_it_capex_usd > 0


def test_analyse_rent_only_verdict():
    rep = analyse(resolve(PlanSection(**{**BASE, "users_growth": 1.0, "rental_cap": 150_000})))
    assert rep.finding.verdict is Verdict.SUPPORTED
    assert rep.finding.numbers["first_shortfall_year"] == 2026
    rep2 = analyse(resolve(PlanSection(**BASE)))
    assert rep2.finding.verdict is Verdict.NOT_SUPPORTED


def test_monte_carlo_runs_over_ranges():
    sec = PlanSection(**{**BASE, "users_growth": {"low": 0.0, "likely": 0.5, "high": 1.0},
                         "rental_cap": {"low": 50_000, "likely": 100_000, "high": 300_000}})
    rep = analyse(resolve(sec), options=RunOptions(8, 1))
    mc = rep.monte_carlo
    assert mc["samples"] == 8
    assert set(mc["uncertain_inputs"]) == {"users_growth", "rental_cap"}
    assert mc["present_cost_usd"]["p10"] <= mc["present_cost_usd"]["p90"]
    assert 0.0 <= mc["share_of_draws_rent_alone_cannot_keep_up"] <= 1.0


def test_rent_hours_constant():
    assert HOURS_PER_YEAR == pytest.approx(8766.0)


def test_verdict_distinguishes_cap_from_cost():
    # renting is not capped but costs more per token (3 USD/h over 3.6 Mtok/h) than the
    # 0.1 USD/Mtok the tokens are worth: unserved by choice, not because renting cannot keep up
    rep = analyse(resolve(PlanSection(**{**BASE, "unserved_penalty": "0.1 USD/Mtok",
                                          "power_cap_per_year": "0 GW"})))
    assert rep.finding.verdict is Verdict.SUPPORTED
    assert rep.finding.numbers["rental_cap_binds"] is False
    assert "only in cost" in rep.finding.headline
