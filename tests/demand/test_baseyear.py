"""The 2025 base year against published figures (each test cites its source), and growth to
2030 beside published analyst forecasts (issue 13 item 6). Tolerance: +-25 %."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tokenfab.catalog import load_catalog
from tokenfab.claims import Verdict
from tokenfab.demand import DemandSection, project
from tokenfab.demand.baseyear import h100_equivalents
from tokenfab.demand.inputs import DEMAND_INPUTS
from tokenfab.scenario import load_section
from tokenfab.units import SECONDS_PER_YEAR

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "interview" / "three_scaling_laws.toml"
CAT = load_catalog()


@pytest.fixture(scope="module")
def pj():
    return project(load_section(SCENARIO, "demand", DemandSection))


def _y(pj, key, year=2025):
    return float(pj.point[key][pj.years.index(year)])


def test_installed_compute_matches_epoch_ai_chip_sales(pj):
    # Epoch AI, AI Chip Sales database (2026-01-08): ~15 M H100-equivalents installed, end 2025
    published = CAT.assumption("ai_installed_base_h100e_2025").value
    assert published == 15e6
    model = h100_equivalents(_y(pj, "accelerators"), "gb200-nvl72", CAT)
    assert model == pytest.approx(published, rel=0.25)


def test_fleet_power_is_anchored_on_epoch_ai(pj):
    # Epoch AI (2026-01-08): the installed AI accelerators draw "over 10 GW" (the anchor)
    assert _y(pj, "power_w") == pytest.approx(CAT.assumption("ai_fleet_power_2025").value,
                                              rel=0.25)
    # the three laws alone explain only a few % of it: the rest is the workloads they leave out
    assert _y(pj, "power_w_three_laws") < 0.1 * _y(pj, "power_w")


@pytest.mark.xfail(strict=True, reason=(
    "known miss (issue 13): with sourced capex components and construction-lead facility "
    "capex the 2025 AI capex is ~$263B = 0.67x the filings' $390B. It is carried by the watts "
    "built: 6 GW added in 2025 (installed_power_growth 2.5x into 2025) and only 4.5 GW in 2026 "
    "(other_workloads_growth 25%/yr, IEA), whose facility is what 2025 builds ahead, while the "
    "hyperscalers guide 2026 capex +67% ($650B); and the filings' scope (all capex of four "
    "companies, non-AI included). Not tuned."))
def test_ai_capex_matches_hyperscaler_filings(pj):
    # AMZN $131.8B + GOOGL $91.4B + META $72.2B + MSFT (filings): ~$390B in 2025
    published = CAT.assumption("hyperscaler4_capex_2025").value
    assert _y(pj, "capex_usd") == pytest.approx(published, rel=0.25)


def test_ai_capex_2025_by_hand(pj):
    """2025 capex from its parts (docs/demand.md worked example): fleet 4.0 -> 10 -> 14.5 GW
    (2024, 2025, 2026); IT and facility per facility W from the factory's sourced defaults;
    IT bought as capacity comes online and replaced over 5.5 years; the facility of a watt
    paid evenly over the 1-year build before it opens (half in the year before, half in its
    year) and rebuilt over 14 years."""
    p = pj.inputs.point()
    i = pj.years.index(2025)
    g24 = _y(pj, "power_w") / (1.0 + p["installed_power_growth"])
    g25, g26 = _y(pj, "power_w"), _y(pj, "power_w", 2026)
    c_f = _y(pj, "capex_facility_usd_per_w")
    c_it = _y(pj, "capex_usd_per_w") - c_f
    assert p["construction_years"] == pytest.approx(1.0)
    it = c_it * (g25 - g24 + g24 / p["capex_life_years"])
    fac = c_f * (0.5 * (g25 - g24) + 0.5 * (g26 - g25) + g24 / p["capex_life_facility_years"])
    assert _y(pj, "capex_usd") == pytest.approx(it + fac, rel=1e-9)
    assert float(pj.point["capex_facility_usd"][i]) == pytest.approx(fac, rel=1e-9)
    # the facility is the construction survey's (11.7 USD/W x 1.085 per IT W / PUE 1.15)
    assert c_f == pytest.approx(11.7 * 1.085 / 1.15, rel=1e-3)


def test_tokens_match_the_providers_that_publish_them(pj):
    # Google 1.3e15/month (Alphabet Q3 2025 call), OpenAI API 6B/min (DevDay 2025-10-06),
    # Microsoft 100T per quarter (FY25 Q3 call): the 2025 exit rate of the publishers
    month_min = 365.25 * 24 * 60 / 12
    published = (1.3e15 + 6e9 * month_min + 100e12 / 3)
    assert _y(pj, "tokens_billed") / 12 == pytest.approx(published, rel=0.25)
    # and the whole market is now above Google's May 2025 volume alone
    assert _y(pj, "tokens_billed") / 12 > CAT.assumption("google_tokens_per_month_2025_05").value * SECONDS_PER_YEAR / 12


def test_findings_in_the_json_and_growth_beside_forecasts(pj):
    found = {f.claim.id: f for f in pj.base_year}
    for cid in ("base_year_installed_compute", "base_year_fleet_power", "base_year_tokens"):
        assert found[cid].verdict is Verdict.SUPPORTED, found[cid].headline
    # the capex check is graded, not hidden: 0.67x of the filings (see the xfail above)
    capex = found["base_year_ai_capex"]
    assert capex.verdict is not Verdict.SUPPORTED
    assert 0.6 < capex.numbers["ratio_model_to_published"] < 0.75
    # McKinsey (2025-04-28): 156 GW of AI data-centre capacity in 2030, $5.2T AI capex
    # 2025-2030: shown beside, graded as a ratio (the projection is well above both)
    for cid in ("forecast_ai_capacity_2030", "forecast_ai_capex_cumulative_2030"):
        assert found[cid].numbers["ratio_model_to_published"] > 1.0
    d = pj.to_dict()
    assert {b["claim"] for b in d["base_year"]} == set(found)


def test_capex_no_longer_grows_hundreds_of_times(pj):
    # issue 13: capex grew ~250x in three years from a ~$1B base year; from a published base
    # it grows less than 10x over 2025-2028
    c = pj.point["capex_usd"]
    assert c[3] / c[0] < 10


def test_other_workloads_hand_calculation():
    from tokenfab.demand.supply import other_workloads_power_w

    t = np.array([-1.0, 0.0, 1.0, 2.0]).reshape(-1, 1)
    d = np.array([[0.5e9], [1e9], [3e9], [20e9]])
    o = other_workloads_power_w(t, d, 1, 10e9, 1.5, 0.25)
    # before: 10/2.5 - 0.5 = 3.5 GW; base: 10 - 1 = 9 GW; then 9 x 1.25^t
    np.testing.assert_allclose(o.ravel(), [3.5e9, 9e9, 11.25e9, 14.0625e9])


def test_base_year_inputs_are_declared_with_sources():
    for name in ("api_tokens_per_year", "installed_power_w", "installed_power_growth",
                 "other_workloads_growth", "growth.api_tokens.rate"):
        assert name in DEMAND_INPUTS
    res = DEMAND_INPUTS.resolve({})
    assert "ai_fleet_power_2025" in res.sources["installed_power_w"].text
