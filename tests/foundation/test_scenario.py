"""Scenario files: units, ranges, unknown keys with 'did you mean', and clear errors."""

import math
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenfab.errors import TokenfabError
from tokenfab.scenario import (
    Quantity,
    ScenarioSection,
    Uncertain,
    load_section,
    register_section,
    to_toml,
    write_resolved,
)
from tokenfab.uncertainty import Range


class _Site(ScenarioSection):
    name: str = "site"
    accelerators: int = 8


@register_section("_testfactory")
class _Factory(ScenarioSection):
    power: Quantity("power", gt=0) = 2e9
    electricity_price: Uncertain("electricity_price", ge=0) = 80 / 3.6e9
    pue: Uncertain("count", ge=1, le=3) = 1.2
    utilization: Uncertain("fraction", gt=0, le=1) = 0.8
    hardware: str = "gb200-nvl72"
    site: _Site = _Site()


def _write(tmp_path, text):
    p = tmp_path / "s.toml"
    p.write_text(text)
    return p


def test_quantities_and_ranges_are_parsed(tmp_path):
    p = _write(tmp_path, """
title = "t"
[_testfactory]
power = "500 MW"
electricity_price = { low = "40 USD/MWh", likely = "80 USD/MWh", high = "120 USD/MWh" }
pue = { low = 1.1, high = 1.5, dist = "uniform" }
utilization = "70%"
""")
    s = load_section(p, "_testfactory", _Factory)
    assert s.power == 5e8
    assert isinstance(s.electricity_price, Range)
    assert s.electricity_price.likely == pytest.approx(80 / 3.6e9)
    assert s.pue == Range(1.1, 1.3, 1.5, "uniform")
    assert s.utilization == pytest.approx(0.7)


def test_defaults_fill_a_missing_section_when_not_required(tmp_path):
    p = _write(tmp_path, 'title = "only a title"\n')
    s = load_section(p, "_testfactory", _Factory, required=False)
    assert s.power == 2e9
    with pytest.raises(TokenfabError, match=r"has no \[_testfactory\] section"):
        load_section(p, "_testfactory", _Factory)


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        ('[_testfactory]\npowr = "2 GW"', ["unknown key 'powr'", "did you mean 'power'"]),
        ('[_testfactory]\npower = "-2 GW"', ["_testfactory.power", "must be > 0", "-2 GW"]),
        ('[_testfactory]\npower = 0', ["_testfactory.power", "must be > 0"]),
        ('[_testfactory]\npower = "2 GQ"', ["_testfactory.power", "unknown unit"]),
        ('[_testfactory]\npower = nan', ["_testfactory.power", "finite"]),
        ('[_testfactory]\npower = inf', ["_testfactory.power", "finite"]),
        ('[_testfactory]\npower = true', ["_testfactory.power", "boolean"]),
        ('[_testfactory]\npue = 0.5', ["_testfactory.pue", "must be >= 1"]),
        ('[_testfactory]\npue = { low = 2, likely = 1.5, high = 1.8 }', ["_testfactory.pue", "low <= likely <= high"]),
        ('[_testfactory]\npue = { low = 1.1 }', ["_testfactory.pue", "needs 'low' and 'high'"]),
        ('[_testfactory]\nutilization = "150%"', ["_testfactory.utilization", "<= 1"]),
        ('[_testfactory]\npower = { low = 1, high = 2 }', ["_testfactory.power", "range is not allowed"]),
        ('[_testfactory]\nsite = { nme = "x" }', ["unknown key 'nme'", "did you mean 'name'"]),
        ('[_testfactory]\nsite = { accelerators = "many" }', ["_testfactory.site.accelerators"]),
        ('[_testfactori]\npower = 1', ["unknown section or key '_testfactori'", "did you mean '_testfactory'"]),
        ('[_testfactory]\npower = ', ["not valid TOML"]),
        ('_testfactory = 3', ["must be a table"]),
    ],
)
def test_bad_input_names_file_field_value_and_what_is_allowed(tmp_path, body, fragments):
    p = _write(tmp_path, body)
    with pytest.raises(TokenfabError) as e:
        load_section(p, "_testfactory", _Factory)
    msg = str(e.value)
    assert str(p) in msg
    for f in fragments:
        assert f in msg, msg


def test_missing_file(tmp_path):
    with pytest.raises(TokenfabError, match="not found"):
        load_section(tmp_path / "nope.toml", "_testfactory", _Factory)


def test_resolved_scenario_round_trips(tmp_path):
    s = _Factory(pue={"low": 1.1, "likely": 1.2, "high": 1.4}, power="1 GW")
    path = write_resolved(tmp_path, "_testfactory", s, meta={"title": "round trip"},
                          comments={"power": "user input"})
    text = path.read_text()
    assert "# user input" in text
    back = load_section(path, "_testfactory", _Factory)
    assert back == s


_scalar = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                    st.text(max_size=12), st.booleans())


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["power", "pue", "utilization", "electricity_price",
                                        "hardware", "powr", "zzz"]), _scalar, max_size=4))
def test_any_malformed_section_gives_a_tokenfab_error_or_a_valid_finite_model(tmp_path, data):
    body = to_toml({"_testfactory": data}) if all(
        not (isinstance(v, float) and not math.isfinite(v)) for v in data.values()) else None
    if body is None:  # TOML cannot carry nan/inf via our writer: write them literally
        body = "[_testfactory]\n" + "\n".join(
            f"{k} = {'nan' if v != v else ('inf' if v > 0 else '-inf')}" if isinstance(v, float)
            and not math.isfinite(v) else f"{k} = {v!r}".replace("True", "true").replace("False", "false")
            for k, v in data.items())
    try:
        tomllib.loads(body)
    except tomllib.TOMLDecodeError:
        return
    p = _write(tmp_path, body)
    try:
        s = load_section(p, "_testfactory", _Factory)
    except TokenfabError as e:
        assert str(p) in str(e)
        return
    for v in (s.power, s.pue, s.utilization, s.electricity_price):
        vals = [v.low, v.likely, v.high] if isinstance(v, Range) else [v]
        assert all(math.isfinite(x) for x in vals)
    assert s.power > 0


def test_a_file_with_every_shipped_section_is_valid_for_each_command(tmp_path):
    """A scenario may hold several commands' sections; each command reads its own."""
    from tokenfab.scenario import SECTIONS, check_top_level

    check_top_level({"factory": {}, "demand": {}, "market": {}, "cluster": {}, "plan": {},
                     "predict": {}, "title": "t"}, "f.toml")
    assert {"factory", "demand", "market", "cluster", "plan", "predict"} <= set(SECTIONS)


def test_out_of_bounds_message_gives_the_bounds_in_the_unit_written_too():
    from pydantic import BaseModel

    from tokenfab.scenario import Quantity

    class _Price(BaseModel):
        p: Quantity("electricity_price", ge=0, le=2000 / 3.6e9)  # type: ignore[valid-type]

    with pytest.raises(ValueError, match=r"USD/J \(in USD/MWh: >= 0 and <= 2000\); got '5000 USD/MWh'"):
        _Price(p="5000 USD/MWh")
