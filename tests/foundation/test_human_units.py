"""``--save-scenario`` writes quantities the way people type them ("5.5 years", "70 USD/MWh",
"2 USD/Mtok", "1 GW", "80 %") and every text reads back to exactly the float that ran (issue 15).

The property is checked over every declared Input of every model: any finite value inside the
input's bounds (and ranges of them) -> text -> the scenario loader's parser -> the same float,
bit for bit."""

from __future__ import annotations

import math
import struct
import time
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenfab.cluster.inputs import CLUSTER_INPUTS
from tokenfab.demand.inputs import DEMAND_INPUTS
from tokenfab.errors import TokenfabError
from tokenfab.factory.inputs import FACTORY_INPUTS, SYSTEM_INPUTS
from tokenfab.inputs import Input
from tokenfab.market.inputs import MARKET_INPUTS
from tokenfab.perf.inputs import PREDICT_INPUTS
from tokenfab.plan.inputs import PLAN_INPUTS
from tokenfab.scenario import _human, humanize
from tokenfab.uncertainty import Range
from tokenfab.units import (
    _UNITS,
    DIMENSIONS,
    DISPLAY_UNITS,
    SECONDS_PER_YEAR,
    format_quantity,
    parse_quantity,
)

ALL_INPUTS: list[Input] = [i for s in (FACTORY_INPUTS, SYSTEM_INPUTS, DEMAND_INPUTS, MARKET_INPUTS,
                                       CLUSTER_INPUTS, PLAN_INPUTS, PREDICT_INPUTS) for i in s]


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def _in_bounds(i: Input, v: float) -> bool:
    return ((i.gt is None or v > i.gt) and (i.ge is None or v >= i.ge)
            and (i.lt is None or v < i.lt) and (i.le is None or v <= i.le))


def _values(i: Input) -> st.SearchStrategy[float]:
    """Any finite float inside the input's bounds, and 'round' ones (a few digits in a display
    unit, what people actually write)."""
    lo = max(x for x in (i.gt, i.ge, -1e300) if x is not None)
    hi = min(x for x in (i.lt, i.le, 1e300) if x is not None)
    anyf = st.floats(lo, hi, allow_nan=False, allow_infinity=False,
                     exclude_min=i.gt is not None, exclude_max=i.lt is not None)
    units = DISPLAY_UNITS[i.dimension] or ("",)
    typed = st.builds(lambda n, k, u: parse_quantity(f"{n / 10**k} {u}".strip(), i.dimension),
                      st.integers(-10**6, 10**6), st.integers(0, 4), st.sampled_from(units))
    return st.one_of(anyf, typed.filter(lambda v: _in_bounds(i, v)))


_IDS = [f"{k}-{i.name}" for k, i in enumerate(ALL_INPUTS)]


@pytest.mark.parametrize("i", ALL_INPUTS, ids=_IDS)
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_input_value_round_trips_through_its_text_exactly(i, data):
    v = data.draw(_values(i))
    text = format_quantity(v, i.dimension)
    back = i.parse(text, where=i.name)
    assert isinstance(back, float) and _bits(back) == _bits(v), (i.name, v, text, back)
    if DISPLAY_UNITS[i.dimension] and 1e-250 < abs(v) < 1e250:
        assert isinstance(text, str) and " " in text  # a unit beside the number


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([i for i in ALL_INPUTS if i.uncertain]), st.data())
def test_every_uncertain_input_range_round_trips_exactly(i, data):
    vals = sorted(data.draw(st.lists(_values(i), min_size=3, max_size=3)))
    if vals[0] == vals[2]:
        return
    r = Range(vals[0], vals[1], vals[2], data.draw(st.sampled_from(["pert", "triangular",
                                                                     "uniform"])))
    table = {"low": r.low, "likely": r.likely, "high": r.high, "dist": r.dist}
    written = _human(table, i.dimension)
    back = i.parse(written, where=i.name)
    assert isinstance(back, Range)
    assert [_bits(x) for x in (back.low, back.likely, back.high)] == \
        [_bits(x) for x in (r.low, r.likely, r.high)] and back.dist == r.dist, (i.name, written)


def test_the_issue_examples_are_written_as_people_type_them():
    assert format_quantity(5.5 * SECONDS_PER_YEAR, "time") == "5.5 years"
    assert format_quantity(parse_quantity("70 USD/MWh", "electricity_price"),
                           "electricity_price") == "70 USD/MWh"
    assert format_quantity(2e-6, "token_price") == "2 USD/Mtok"
    assert format_quantity(1e9, "power") == "1 GW"
    assert format_quantity(0.8, "fraction") == "80 %"
    assert format_quantity(SECONDS_PER_YEAR, "time") == "1 year"
    assert format_quantity(7200.0, "time") == "2 h"
    assert format_quantity(15e12, "tokens") == "15 Ttok"
    assert format_quantity(1.2, "count") == 1.2  # counts and ratios stay bare numbers
    # a float with no short decimal in the human unit gets the digits it needs, still exact
    odd = 70 * (1 / 3.6e9)  # what the old multiply-by-reciprocal parser gave for "70 USD/MWh"
    text = format_quantity(odd, "electricity_price")
    assert text.endswith(" USD/MWh") and parse_quantity(text, "electricity_price") == odd


def test_parsing_rounds_once_to_the_nearest_float():
    """'70 USD/MWh' is the float nearest 70/3.6e9 (exact rational arithmetic), so every float has
    a decimal in every unit that reads back to it: what makes the writer exact."""
    assert parse_quantity("70 USD/MWh", "electricity_price") == float(Fraction(70, 3_600_000_000))
    assert parse_quantity("5.5 years", "time") == 5.5 * 31_557_600
    assert parse_quantity("12.5 %", "fraction") == float(Fraction(125, 1000))
    assert parse_quantity("0.1 %", "fraction") == 0.001
    assert parse_quantity("1e-3 USD/h", "money_rate") == float(Fraction(1, 3_600_000))


def test_huge_exponents_are_refused_quickly():
    t = time.perf_counter()
    for text in ("1e999999999 W", "1e400 USD/MWh", "-1e999999 %"):
        with pytest.raises(TokenfabError, match="not a finite number"):
            parse_quantity(text, "power" if "W" == text[-1] else
                           "electricity_price" if "MWh" in text else "fraction")
    assert parse_quantity("1e-999999 USD/MWh", "electricity_price") == 0.0
    assert time.perf_counter() - t < 1.0


def test_every_display_unit_is_a_spelling_the_parser_reads():
    assert set(DISPLAY_UNITS) == set(DIMENSIONS)
    for dim, units in DISPLAY_UNITS.items():
        for u in units:
            assert parse_quantity(f"1 {u}", dim) > 0, (dim, u)


def test_extremes_and_signed_zero_round_trip():
    for dim in DIMENSIONS:
        for v in (0.0, -0.0, 5e-324, -5e-324, 1.7976931348623157e308, 1e-300, 0.1 + 0.2):
            text = format_quantity(v, dim)
            assert _bits(parse_quantity(text, dim)) == _bits(v), (dim, v, text)
    with pytest.raises(ValueError, match="non-finite"):
        format_quantity(math.inf, "power")


def test_humanize_walks_sub_tables_and_arrays_of_tables():
    from tokenfab.demand.inputs import DemandSection
    from tokenfab.plan.inputs import PlanSection

    d = humanize(DemandSection, {"interactivity": 50.0, "growth": {"users": {
        "rate": {"low": 0.5, "likely": 1.0, "high": 2.0, "dist": "pert"}}}})
    assert d["interactivity"] == "50 tok/s"
    assert d["growth"]["users"]["rate"]["likely"] == 1.0  # a growth multiple: a bare number
    p = humanize(PlanSection, {"it_life": 5.5 * SECONDS_PER_YEAR})
    assert p["it_life"] == "5.5 years"
    assert _UNITS["time"][0] == "s"
