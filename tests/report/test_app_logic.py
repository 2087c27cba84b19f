"""The dashboard's logic (no Streamlit): thin over the library, exports that run unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokenfab.app import logic as L
from tokenfab.catalog import load_catalog
from tokenfab.errors import TokenfabError


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def test_defaults_come_from_the_factory_defaults(cat) -> None:
    from tokenfab.factory.inputs import FACTORY_INPUTS

    d = FACTORY_INPUTS.resolve({"power": 1.0}, cat,
                               {"hardware": cat.hardware(L.DEFAULT_HARDWARE)}).point()
    inp = L.default_inputs(cat)
    assert inp.price_usd_per_mtok == pytest.approx(d["price"] * 1e6, rel=1e-3)
    assert inp.electricity_usd_per_mwh == pytest.approx(d["electricity_price"] * 3.6e9, rel=1e-3)


def test_exported_toml_loads_with_every_command_section(cat, tmp_path: Path) -> None:
    from tokenfab.cluster.site import ClusterSection
    from tokenfab.factory.spec import FactorySection
    from tokenfab.market import MarketSection
    from tokenfab.scenario import load_section

    inp = L.Inputs(power_mw=750.0, interactivity=35.0, price_usd_per_mtok=2.5,
                   electricity_usd_per_mwh=90.0, cluster_accelerators=20_000, ai_spend_share=0.1)
    path = tmp_path / "s.toml"
    path.write_text(L.scenario_toml(inp), encoding="utf-8")
    f = load_section(path, "factory", FactorySection)
    assert f.power == pytest.approx(750e6)
    assert f.interactivity == pytest.approx(35.0)
    assert f.price == pytest.approx(2.5e-6)  # USD per token
    assert f.electricity_price == pytest.approx(90 / 3.6e9)  # USD per J
    assert f.vs == inp.vs
    assert load_section(path, "cluster", ClusterSection).accelerators == 20_000
    assert load_section(path, "market", MarketSection).ai_spend_share == pytest.approx(0.1)


def test_factory_tab_is_the_library_run_on_the_exported_scenario(cat, tmp_path: Path) -> None:
    """Thin: the dashboard's numbers are exactly what `tokenfab factory FILE` computes."""
    from tokenfab.factory.runner import run_factory
    from tokenfab.factory.spec import FactorySection
    from tokenfab.scenario import load_section

    inp = L.Inputs(power_mw=500.0)
    path = tmp_path / "s.toml"
    path.write_text(L.scenario_toml(inp), encoding="utf-8")
    direct = run_factory(load_section(path, "factory", FactorySection), cat, samples=0)
    via_app = L.factory(inp, cat)
    for k in ("accelerators", "revenue_usd_per_year", "tco_usd_per_year", "cost_usd_per_mtok"):
        assert via_app.point[k] == direct.point[k]


def test_power_change_scales_the_factory(cat) -> None:
    a = L.factory(L.Inputs(power_mw=2000.0, vs=""), cat).point
    b = L.factory(L.Inputs(power_mw=1000.0, vs=""), cat).point
    # whole systems only: within one system of exactly half
    assert abs(b["accelerators"] - a["accelerators"] / 2) <= 72
    assert b["revenue_usd_per_year"] == pytest.approx(a["revenue_usd_per_year"] / 2, rel=1e-3)


def test_frontier_has_both_systems_and_their_precisions(cat) -> None:
    df = L.frontier(L.Inputs(), cat)
    assert set(df["hardware"]) == {L.DEFAULT_HARDWARE, L.DEFAULT_VS}
    assert set(df.loc[df["hardware"] == "h100-sxm", "precision"]) == {"fp8"}  # native: no FP4
    assert set(df.loc[df["hardware"] == "gb200-nvl72", "precision"]) == {"fp4"}


def test_results_json_is_strict(cat) -> None:
    inp = L.Inputs(power_mw=100.0)
    text = L.results_json({"inputs": inp.to_dict(), "factory": L.factory(inp, cat),
                           "frontier": L.frontier(inp, cat)})
    data = json.loads(text)
    assert data["inputs"]["power_mw"] == 100.0
    assert data["factory"]["accelerators"] > 0
    assert "NaN" not in text and "Infinity" not in text


def test_bad_input_is_a_tokenfab_error(cat) -> None:
    with pytest.raises(TokenfabError):
        L.factory(L.Inputs(hardware="h1000"), cat)
    with pytest.raises(TokenfabError):
        L.market(L.Inputs(ai_spend_share=1.5), cat, samples=10)
