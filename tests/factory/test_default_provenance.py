"""Issue 13: every defaulted price, rent and capex component names the row it came from, with
the row's date (or says 'undated') and kind, not only the recipe."""

from __future__ import annotations

import re

import pytest

from tokenfab.catalog import load_catalog
from tokenfab.factory.inputs import FACTORY_INPUTS

_DATE = re.compile(r"\((?:20\d\d(?:-\d\d)?(?:-\d\d)?|undated)\)")


def _sources(hw_id: str, model_id: str) -> dict:
    cat = load_catalog()
    ctx = {"hardware": cat.hardware(hw_id), "model": cat.model(model_id)}
    r = FACTORY_INPUTS.resolve({"power": 1e9}, catalog=cat, context=ctx)
    return r.sources


def test_deal_price_default_names_its_row_and_year() -> None:
    src = _sources("gb200-nvl72", "deepseek-r1")["accelerator_price"]
    assert "here: capex.csv deal_price_gb200_nvl72_per_gpu" in src.text
    row = load_catalog().assumption("deal_price_gb200_nvl72_per_gpu")
    assert f"({row.year})" in src.text
    assert src.kind == row.kind


def test_catalog_price_default_names_field_and_date_or_undated() -> None:
    src = _sources("h100-sxm", "llama3.1-70b")["accelerator_price"]
    assert "here: catalog h100-sxm.price_usd" in src.text
    assert _DATE.search(src.text.rsplit("here:", 1)[1]), src.text


@pytest.mark.parametrize("name", ["price", "price_input", "market_rent"])
def test_table_defaults_name_each_row_with_its_month(name: str) -> None:
    src = _sources("gb200-nvl72", "deepseek-r1")[name]
    here = src.text.split("here:", 1)[1]
    assert re.search(r"\(20\d\d-\d\d\)", here), src.text
    assert src.kind in ("spec", "measured", "estimate")


def test_hardware_field_defaults_carry_a_date_or_undated() -> None:
    src = _sources("h100-sxm", "llama3.1-70b")["allin_power"]
    assert src.origin == "hardware"
    assert _DATE.search(src.text), src.text
