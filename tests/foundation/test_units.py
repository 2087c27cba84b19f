"""Units at the boundary: what people write becomes SI, and what cannot be read is named."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenfab.errors import TokenfabError
from tokenfab.units import DIMENSIONS, parse_quantity


@pytest.mark.parametrize(
    ("text", "dim", "expected"),
    [
        ("2 GW", "power", 2e9),
        ("2GW", "power", 2e9),
        ("500MW", "power", 5e8),
        ("2e9W", "power", 2e9),
        (2e9, "power", 2e9),
        ("1.5 kW", "power", 1500.0),
        ("80 USD/MWh", "electricity_price", 80 / 3.6e9),
        ("0.08 USD/kWh", "electricity_price", 0.08 / 3.6e6),
        ("50 tok/s", "token_rate", 50.0),
        ("2 USD/Mtok", "token_price", 2e-6),
        ("3.35 TB/s", "bandwidth", 3.35e12),
        ("400 Gb/s", "bandwidth", 5e10),
        ("80 GB", "bytes", 8e10),
        ("96 GiB", "bytes", 96 * 2**30),
        ("12%", "fraction", 0.12),
        ("90 days", "time", 90 * 86400.0),
        ("1 year", "time", 365.25 * 86400),
        ("10 USD/W", "money_per_power", 10.0),
        ("10 BUSD/GW", "money_per_power", 10.0),
        ("1,000 USD", "money", 1000.0),
        ("1.979 PFLOP/s", "flop_rate", 1.979e15),
    ],
)
def test_parse_quantity_known_values(text, dim, expected):
    assert parse_quantity(text, dim) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "dim", "fragment"),
    [
        ("2 GQ", "power", "unknown unit 'GQ'"),
        ("two GW", "power", "cannot read"),
        ("0..", "count", "expected a plain number"),  # found by hypothesis
        ("1.2.3 GW", "power", "unknown unit '.3 GW'"),
        ("nan", "power", "cannot read"),
        (float("inf"), "power", "not a finite"),
        (float("nan"), "power", "not a finite"),
        (True, "power", "boolean"),
        ([1], "power", "expected a number"),
        ("5 MW", "electricity_price", "unknown unit"),
    ],
)
def test_parse_quantity_rejects_with_a_clear_message(text, dim, fragment):
    with pytest.raises(TokenfabError) as e:
        parse_quantity(text, dim, field="factory.power")
    assert fragment in str(e.value)
    assert "factory.power" in str(e.value)


@given(st.floats(min_value=-1e30, max_value=1e30, allow_nan=False), st.sampled_from(DIMENSIONS))
def test_bare_numbers_are_taken_in_base_units(x, dim):
    assert parse_quantity(x, dim) == x


@given(st.text(max_size=30), st.sampled_from(DIMENSIONS))
def test_arbitrary_text_either_parses_to_a_finite_number_or_raises_tokenfab_error(s, dim):
    try:
        v = parse_quantity(s, dim)
    except TokenfabError:
        return
    assert math.isfinite(v)
