"""The layer functions against hand calculations and the research notes' own arithmetic."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfab.market.layers import (
    YEAR_S,
    augmentation_infra_usd_per_year,
    electricity_share,
    installed_power_w,
    knowledge_gdp_usd,
    knowledge_share_of_labour_income,
    market_model,
    migration_share,
    migration_spend_usd_per_year,
    power_added_w_per_year,
    replacement_spend_usd_per_year,
    token_services_usd_per_year,
)

TWH = 3.6e15


def test_replacement_hand_calculation():
    # $1T installed base, 5-year life, half of each refresh accelerated: $1T / 5 x 0.5 = $100B/yr
    assert replacement_spend_usd_per_year(1e12, 5.0, 0.5) == pytest.approx(100e9, rel=1e-12)


def test_migration_curve_is_a_logistic():
    assert migration_share(2026, 2026, 2.0) == pytest.approx(0.5)
    # symmetric about the midpoint
    assert migration_share(2029, 2026, 2.0) + migration_share(2023, 2026, 2.0) == pytest.approx(1.0)
    # 10% -> 90% takes 2 ln 9 w years (Fisher-Pry)
    w = 2.0
    t10 = 2026 - w * math.log(9)
    t90 = 2026 + w * math.log(9)
    assert migration_share(t10, 2026, w) == pytest.approx(0.1)
    assert migration_share(t90, 2026, w) == pytest.approx(0.9)
    assert migration_spend_usd_per_year(150e9, 0.5, 0.5) == pytest.approx(37.5e9)


def test_knowledge_share_of_labour_income_limits_and_hand_value():
    assert knowledge_share_of_labour_income(0.3, 1.0) == pytest.approx(0.3)  # no premium: k = e
    assert knowledge_share_of_labour_income(1.0, 2.0) == pytest.approx(1.0)  # everyone
    # e = 0.3, p = 2: 0.6 / (0.6 + 0.7) = 0.4615
    assert knowledge_share_of_labour_income(0.3, 2.0) == pytest.approx(0.6 / 1.3)


def test_world_labour_income_matches_the_research_note():
    # economics.md sec. 4.1: 0.523 x $117T ~ $61T of labour income (all labour)
    assert knowledge_gdp_usd(117.17e12, 0.523, 1.0) == pytest.approx(61.3e12, rel=0.01)


def test_layer3_reproduces_the_interview_chain():
    services = token_services_usd_per_year(50e12, 0.2)
    assert services == 10e12
    assert augmentation_infra_usd_per_year(services, 0.5) == 5e12


def test_gw_and_electricity_share_match_the_research_note():
    # economics.md sec. 4.7: $5T/yr / ~$50B per GW ~ 100 GW/yr; x 5.5 yr ~ 550 GW;
    # at 80% load ~3,850 TWh/yr ~ 14% of ~27,700 TWh
    added = power_added_w_per_year(5e12, 50.0)
    assert added == pytest.approx(100e9)
    installed = installed_power_w(added, 5.5)
    assert installed == pytest.approx(550e9)
    assert installed * 0.8 * YEAR_S / TWH == pytest.approx(3850, rel=0.01)
    assert electricity_share(installed, 0.8, 27_700 * TWH) == pytest.approx(0.139, rel=0.01)


def _inputs(**over):
    base = dict(gdp_usd=117e12, labour_share=0.523, knowledge_employment_share=0.3,
                knowledge_wage_premium=1.8, ai_spend_share=0.1, gross_margin=0.5,
                installed_base_usd=1e12, it_life_years=5.5, accelerated_share=0.5,
                hyperscale_capex_usd_per_year=151e9, classic_workload_share=0.5,
                migration_midpoint_year=2026.0, migration_width_years=2.0, horizon_year=2030.0,
                capex_usd_per_w=45.0, load_factor=0.8, electricity_j_per_year=30856 * TWH)
    base.update(over)
    return base


def test_market_model_composes_the_layers():
    out = market_model(**_inputs())
    total = out["replacement_usd_per_year"] + out["migration_usd_per_year"] + \
        out["augmentation_usd_per_year"]
    assert out["infrastructure_usd_per_year"] == pytest.approx(total)
    assert out["power_added_w_per_year"] == pytest.approx(total / 45.0)
    k = 0.3 * 1.8 / (0.3 * 1.8 + 0.7)
    assert out["knowledge_gdp_usd"] == pytest.approx(117e12 * 0.523 * k)
    # an override replaces the derived knowledge GDP
    out2 = market_model(**_inputs(knowledge_gdp_override_usd=50e12, ai_spend_share=0.2))
    assert out2["augmentation_usd_per_year"] == 5e12


def test_market_model_is_vectorized():
    n = 7
    out = market_model(**_inputs(ai_spend_share=np.linspace(0.05, 0.5, n),
                                 capex_usd_per_w=np.full(n, 45.0)))
    assert out["power_added_w_per_year"].shape == (n,)
    assert np.all(np.diff(out["power_added_w_per_year"]) > 0)


@settings(max_examples=60, deadline=None)
@given(r=st.floats(0.0, 1.0), g=st.floats(0.0, 0.95), c=st.floats(5.0, 200.0),
       e=st.floats(0.01, 1.0), p=st.floats(0.5, 5.0))
def test_market_model_outputs_are_finite_and_ordered(r, g, c, e, p):
    out = market_model(**_inputs(ai_spend_share=r, gross_margin=g, capex_usd_per_w=c,
                                 knowledge_employment_share=e, knowledge_wage_premium=p))
    for v in out.values():
        assert np.all(np.isfinite(v)) and np.all(np.asarray(v) >= 0)
    # knowledge GDP never exceeds labour income; layer 3 never exceeds token services
    assert out["knowledge_gdp_usd"] <= out["labour_income_usd"] * (1 + 1e-12)
    assert out["augmentation_usd_per_year"] <= out["token_services_usd_per_year"] + 1e-6
