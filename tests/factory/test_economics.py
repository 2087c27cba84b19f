"""The factory model against a hand calculation, and its properties (power scaling, free
challenger, break-even price)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfab.factory.economics import (
    FactoryOutputs,
    breakeven_accelerator_price_usd,
    factory_model,
)
from tokenfab.factory.facility import whole_systems
from tokenfab.finance import capital_recovery_factor
from tokenfab.units import SECONDS_PER_YEAR

Y = SECONDS_PER_YEAR
#: a documented case in round numbers, SI (see test_cost_per_mtok_matches_hand_calculation)
HAND = dict(
    power=10e6, pue=1.25, reference_pue=1.25, allin_power=1250.0, accelerators_per_system=8,
    tokens_per_s_per_accelerator=1000.0, utilization=0.5, accelerator_price=30_000.0,
    networking_cost=5.0, power_cooling_cost=10.0, building_cost=5.0,
    electricity_price=100 / 3.6e9, opex_nonenergy_per_year=0.25,
    life_it=4.0 * Y, life_facility=10.0 * Y, cost_of_capital=0.0, price=2.0e-6,
)


def test_cost_per_mtok_matches_hand_calculation():
    """Hand calculation (Julian year Y = 365.25 d = 31,557,600 s):

    * IT power per accelerator = 1250 W / 1.25 = 1000 W; a system of 8 = 8 kW.
      IT budget = 10 MW / 1.25 = 8 MW -> 1000 systems, 8000 accelerators, 8 MW IT.
    * tokens/yr = 8000 x 1000 tok/s x 0.5 x Y = 1.262304e14 = 126,230,400 Mtok.
    * capex IT = 8000 x $30,000 + 8 MW x $5/W = $240M + $40M = $280M;
      capex facility = 8 MW x ($10 + $5)/W = $120M.
    * capital charge at 0% = $280M / 4 yr + $120M / 10 yr = $70M + $12M = $82M/yr.
    * energy = 8 MW x 1.25 x Y = 3.15576e14 J = 87,660 MWh x $100 = $8.766M;
      other opex = 8e6 W x $0.25 = $2M -> opex $10.766M/yr.
    * TCO = $92.766M/yr -> cost = 92,766,000 / 126,230,400 = $0.734894 per Mtok.
    * revenue at $2/Mtok = $252,460,800; margin = 1 - 92.766/252.4608 = 0.632553;
      payback = $400M / ($252.4608M - $10.766M) = 1.654980 yr.
    """
    out = factory_model(**HAND)
    assert out.accelerators == 8000
    assert out.it_power_w == pytest.approx(8e6)
    assert out.tokens_per_year == pytest.approx(1.262304e14, rel=1e-12)
    assert out.capex_usd == pytest.approx(400e6, rel=1e-12)
    assert out.opex_usd_per_year == pytest.approx(10.766e6, rel=1e-9)
    assert out.tco_usd_per_year == pytest.approx(92.766e6, rel=1e-9)
    assert out.cost_usd_per_mtok == pytest.approx(0.734894, abs=1e-6)
    assert out.revenue_usd_per_year == pytest.approx(252_460_800, rel=1e-12)
    assert out.gross_margin == pytest.approx(0.632553, abs=1e-6)
    assert out.payback_years == pytest.approx(1.654980, abs=1e-6)


def test_capital_recovery_factor_matches_annuity_tables():
    # standard annuity table values: (A/P, 10%, 5) = 0.26380, (A/P, 8%, 10) = 0.14903
    assert float(capital_recovery_factor(0.10, 5)) == pytest.approx(0.26380, abs=5e-6)
    assert float(capital_recovery_factor(0.08, 10)) == pytest.approx(0.14903, abs=5e-6)
    assert float(capital_recovery_factor(0.0, 4)) == pytest.approx(0.25)
    # continuous at r -> 0
    assert float(capital_recovery_factor(1e-7, 4)) == pytest.approx(0.25, rel=1e-6)


def test_payback_is_inf_when_revenue_does_not_cover_opex():
    out = factory_model(**{**HAND, "price": 0.01e-6})
    assert math.isinf(float(out.payback_years))
    assert out.gross_margin < 0


def test_vectorized_equals_scalar():
    prices = np.array([0.5, 1.0, 2.0, 4.0])
    vec = factory_model(**{**HAND, "price": prices * 1e-6})
    for i, p in enumerate(prices):
        one = factory_model(**{**HAND, "price": float(p) * 1e-6})
        for k in ("revenue_usd_per_year", "gross_margin", "cost_usd_per_mtok", "payback_years"):
            assert np.broadcast_to(getattr(vec, k), prices.shape)[i] == pytest.approx(float(getattr(one, k)), rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(power_mw=st.floats(1, 5000), pue=st.floats(1.05, 1.6), allin=st.floats(300, 4000),
       per_system=st.sampled_from([1, 4, 8, 16, 72]), price=st.floats(0.05, 20))
def test_doubling_power_doubles_tokens_and_revenue(power_mw, pue, allin, per_system, price):
    """floor(2x) - 2 floor(x) is 0 or 1: doubling the budget doubles the systems, tokens and
    revenue up to one extra whole system."""
    kw = {**HAND, "pue": pue, "allin_power": allin, "accelerators_per_system": per_system,
          "price": price * 1e-6}
    one = factory_model(**{**kw, "power": power_mw * 1e6})
    two = factory_model(**{**kw, "power": 2 * power_mw * 1e6})
    if one.systems == 0:
        return
    extra = float(two.systems - 2 * one.systems)
    assert extra in (0.0, 1.0)
    per_sys_tokens = float(one.tokens_per_year / one.systems)
    per_sys_rev = float(one.revenue_usd_per_year / one.systems)
    assert float(two.tokens_per_year) == pytest.approx(
        2 * float(one.tokens_per_year) + extra * per_sys_tokens, rel=1e-12)
    assert float(two.revenue_usd_per_year) == pytest.approx(
        2 * float(one.revenue_usd_per_year) + extra * per_sys_rev, rel=1e-12)
    # and the relative error shrinks with size: at most one system in the doubled site
    assert abs(float(two.revenue_usd_per_year) / float(one.revenue_usd_per_year) - 2) \
        <= 1.0 / float(one.systems) + 1e-12


@settings(max_examples=200, deadline=None)
@given(m=st.integers(1, 8), n=st.integers(1, 8), k=st.integers(1, 2000),
       inc_allin=st.floats(500, 3000), inc_per_system=st.sampled_from([4, 8, 72]),
       ch_per_system=st.sampled_from([1, 8, 16, 64]), inc_tps=st.floats(10, 20000),
       inc_price=st.floats(1000, 100_000), token_price=st.floats(0.01, 50),
       elec=st.floats(0, 300), pue=st.floats(1.05, 1.5), rate=st.floats(0, 0.2))
def test_free_challenger_with_equal_perf_per_watt_always_wins(
        m, n, k, inc_allin, inc_per_system, ch_per_system, inc_tps, inc_price, token_price, elec,
        pue, rate):
    """Equal tokens per IT watt and a site both fill exactly (incumbent k*m systems of power
    a, challenger k*n systems of power a*m/n): a free challenger has the same revenue, opex
    and facility capex, and no accelerator capex, so it earns strictly more, and its
    break-even price is positive."""
    ref = 1.2
    inc_it_w = inc_allin / ref
    a = inc_it_w * inc_per_system  # incumbent system IT power
    ch_system_w = a * m / n
    ch_it_w = ch_system_w / ch_per_system
    power_w = pue * a * m * k
    tokens_per_it_w = inc_tps / inc_it_w
    site = {**HAND, "power": power_w, "pue": pue, "reference_pue": ref,
            "electricity_price": elec / 3.6e9, "price": token_price * 1e-6,
            "cost_of_capital": rate}
    inc = factory_model(**{**site, "allin_power": inc_allin, "accelerators_per_system": inc_per_system,
                           "tokens_per_s_per_accelerator": inc_tps, "accelerator_price": inc_price})
    ch = factory_model(**{**site, "allin_power": ch_it_w * ref, "accelerators_per_system": ch_per_system,
                          "tokens_per_s_per_accelerator": tokens_per_it_w * ch_it_w,
                          "accelerator_price": 0.0})
    assert float(ch.it_power_w) == pytest.approx(float(inc.it_power_w), rel=1e-9)
    assert float(ch.profit_usd_per_year) > float(inc.profit_usd_per_year)
    b = float(breakeven_accelerator_price_usd(ch, inc, 0.0, rate, HAND["life_it"]))
    assert b > 0


@settings(max_examples=100, deadline=None)
@given(ch_tps=st.floats(50, 5000), ch_price=st.floats(0, 80_000), token_price=st.floats(0.05, 10))
def test_breakeven_price_equalizes_profit(ch_tps, ch_price, token_price):
    """Evaluating the challenger at its break-even price gives the incumbent's profit."""
    site = {**HAND, "power": 500e6, "price": token_price * 1e-6, "cost_of_capital": 0.1}
    inc = factory_model(**{**site, "tokens_per_s_per_accelerator": 2000.0})
    ch_kw = {**site, "allin_power": 1730.0, "tokens_per_s_per_accelerator": ch_tps,
             "accelerator_price": ch_price}
    ch = factory_model(**ch_kw)
    b = float(breakeven_accelerator_price_usd(ch, inc, ch_price, 0.1, site["life_it"]))
    at_b = factory_model(**{**ch_kw, "accelerator_price": b})
    assert float(at_b.profit_usd_per_year) == pytest.approx(
        float(inc.profit_usd_per_year), rel=1e-9, abs=1e-3 * abs(float(inc.tco_usd_per_year)) * 1e-6)


def test_whole_systems_never_exceed_the_budget():
    power = np.linspace(1e5, 1e9, 1001)
    fit = whole_systems(power, 1.2, 1500.0, 72)
    assert np.all(fit["facility_power_w"] <= power * (1 + 1e-12))
    # one more system would not fit
    assert np.all((fit["systems"] + 1) * 1500.0 * 72 * 1.2 > power)


def test_seconds_per_year_is_the_julian_year():
    assert SECONDS_PER_YEAR == 365.25 * 86400


def test_outputs_are_a_typed_record_with_todays_json_keys():
    from tokenfab.factory.economics import EXTRA_KEYS, OUTPUT_KEYS

    out = factory_model(**HAND)
    assert isinstance(out, FactoryOutputs)
    assert tuple(out.to_dict()) == OUTPUT_KEYS + EXTRA_KEYS
    frame = factory_model(**{**HAND, "utilization": np.array([0.5, 1.0])}).to_frame()
    assert list(frame.columns) == list(OUTPUT_KEYS + EXTRA_KEYS) and len(frame) == 2
    assert frame["tokens_per_year"].iloc[1] == pytest.approx(2 * frame["tokens_per_year"].iloc[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        out.revenue_usd_per_year = 0  # type: ignore[misc]  # frozen
