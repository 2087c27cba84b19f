"""Bundled country data: coverage, provenance, consistency with the catalog; country inputs."""

import pytest

from tokenfab.catalog import load_catalog
from tokenfab.errors import TokenfabError, UnknownNameError
from tokenfab.market.inputs import resolve_inputs
from tokenfab.market.sovereign import ESTIMATE_SPREAD, country, country_inputs, load_countries
from tokenfab.uncertainty import Range

REQUIRED = ("US", "CN", "JP", "DE", "IN", "GB", "FR", "KR", "CA", "SA", "AE", "BR")
TWH = 3.6e15


def test_required_countries_and_world_are_present():
    table = load_countries()
    assert set(REQUIRED) <= set(table)
    assert "WLD" in table
    assert 15 <= len(table) - 1 <= 25


def test_every_value_has_a_source_and_a_kind():
    for c in load_countries().values():
        for what in ("gdp", "labour", "knowledge", "electricity"):
            assert c.sources[what], (c.code, what)
            assert c.kinds[what] in ("measured", "derived", "estimate"), (c.code, what)
            if c.kinds[what] == "estimate":
                assert "[est]" in c.sources[what], (c.code, what)


def test_countries_sum_below_the_world():
    table = load_countries()
    world = table["WLD"]
    countries = [c for k, c in table.items() if k != "WLD"]
    gdp = sum(c.gdp_usd for c in countries)
    el = sum(c.electricity_j_per_year for c in countries)
    # these 18 economies are ~3/4 of world GDP (top 20 ~80%, statranker 2025)
    assert 0.6 * world.gdp_usd < gdp < world.gdp_usd
    assert 0.5 * world.electricity_j_per_year < el < world.electricity_j_per_year


def test_world_row_agrees_with_the_catalog():
    econ = load_catalog().economics
    world = load_countries()["WLD"]
    # IMF WEO Oct 2025: $117.17T in both tables
    assert world.gdp_usd == pytest.approx(econ["world_gdp_2025"].value * 1e12, rel=1e-3)
    assert world.labour_share == pytest.approx(econ["labor_income_share_global"].value)
    # IEA: data centres used 415 TWh in 2024, "~1.5% of world electricity"
    share = econ["dc_electricity_world_2024"].value * TWH / world.electricity_j_per_year
    assert 0.012 < share < 0.016


def test_country_lookup_by_code_and_name_with_did_you_mean():
    assert country("us").code == "US"
    assert country("Germany").code == "DE"
    with pytest.raises(UnknownNameError, match="did you mean 'Germany'"):
        country("Germny")
    with pytest.raises(UnknownNameError, match="unknown country 'XX'"):
        country("XX")


def test_country_inputs_use_country_data_and_scale_layers_1_and_2():
    world = resolve_inputs()
    us = country("US")
    world_gdp = world["gdp_usd"].value.likely
    inp = country_inputs(world, us, world_gdp)
    assert inp["gdp_usd"].value == us.gdp_usd  # measured: a number
    share = us.gdp_usd / world_gdp
    assert inp["installed_base_usd"].value.likely == pytest.approx(
        world["installed_base_usd"].value.likely * share)
    # an estimate becomes a +-20% range
    lab = inp["labour_share"].value
    assert isinstance(lab, Range)
    assert lab.low == pytest.approx(us.labour_share * (1 - ESTIMATE_SPREAD))


def test_a_world_knowledge_gdp_cannot_be_moved_to_a_country():
    from tokenfab.market.inputs import market_section

    res = resolve_inputs(market_section(knowledge_gdp="50 TUSD"))
    with pytest.raises(TokenfabError, match="world figure"):
        country_inputs(res, country("US"), 117e12)
