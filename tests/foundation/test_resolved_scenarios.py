"""``--save-scenario``: every modelling command writes the scenario it ran, and running that file
gives the same results (round trip), through the same validation as any scenario file."""

from __future__ import annotations

import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tokenfab.cli import main
from tokenfab.errors import TokenfabError
from tokenfab.scenario import (
    ScenarioSection,
    Uncertain,
    load_section,
    register_section,
    save_resolved,
    to_toml,
    write_resolved,
)
from tokenfab.uncertainty import Range

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "interview"

#: keys that say where a value came from: a default's source on the first run, "scenario file"
#: on the second (the resolved file carries the original source as a comment)
_PROVENANCE = {"sources", "scenario", "scenario_file"}


def _norm(x: Any) -> Any:
    if isinstance(x, dict):
        drop = _PROVENANCE | ({"source", "kind"} if "source" in x else set())
        return {k: _norm(v) for k, v in x.items() if k not in drop}
    if isinstance(x, list):
        return [_norm(v) for v in x]
    return x


def _assert_same(a: Any, b: Any, path: str = "") -> None:
    """Equal, floats bit for bit: the resolved file writes "5.5 years", "70 USD/MWh" ... only
    where the text reads back to exactly the float that ran (issue 15)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), (path, set(a) ^ set(b))
        for k in a:
            _assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and not isinstance(b, bool) and isinstance(b, (int, float)):
        assert a == b or (math.isnan(a) and math.isnan(b)), (path, a, b)
    else:
        assert a == b, (path, a, b)


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[Any, str]:
    rc = main(argv)
    out = capsys.readouterr()
    assert rc == 0, out.err
    return json.loads(out.out), out.err


# command, section, first run, options repeated on the second run (not part of the section)
FLAG_RUNS = [
    ("factory", ["--power", "500MW", "--hardware", "gb200-nvl72", "--vs", "h100-sxm", "--price", "3",
                 "--electricity-price", "60", "--interactivity", "40", "--samples", "300",
                 "--seed", "3"], []),
    ("demand", ["--years", "2025:2028", "--samples", "200", "--seed", "2"],
     ["--samples", "200", "--seed", "2"]),
    ("market", ["--country", "DE", "--hardware", "gb300-nvl72", "--samples", "500", "--seed", "1"],
     []),
    ("cluster", ["--hardware", "gb200-nvl72", "--accelerators", "20000", "--samples", "20",
                 "--model", "llama3.1-405b", "--tokens", "15 Ttok", "--checkpoint", "memory",
                 "--seed", "4"], []),
    ("plan", ["--samples", "4", "--seed", "5"], ["--seed", "5"]),
    ("predict", ["--model", "llama3.1-70b", "--hardware", "h100-sxm", "--tpot-max-s", "0.05",
                 "--input-tokens", "2000"], []),
]

FILE_RUNS = [
    ("factory", "free_asic.toml", []),
    ("factory", "two_gw_factory.toml", []),
    ("demand", "three_scaling_laws.toml", ["--samples", "200"]),
    ("market", "three_layers.toml", ["--samples", "500"]),
    ("cluster", "colossus2.toml", ["--samples", "20"]),
    ("plan", "stargate.toml", []),
    ("predict", "blackwell_30x.toml", []),
]

SECTION = {"predict": "predict"}


def _result(cmd: str, doc: Any) -> Any:
    # `predict FILE` wraps the prediction with the file's title and claim
    if cmd == "predict" and "prediction" in doc and "baseline" not in doc:
        return doc["prediction"]
    return doc


@pytest.mark.parametrize(("cmd", "argv", "again"), FLAG_RUNS, ids=[r[0] for r in FLAG_RUNS])
def test_flags_round_trip(cmd, argv, again, tmp_path, capsys):
    out = tmp_path / "sub" / "resolved.toml"
    out.parent.mkdir()  # an output path's folder must exist (tokenfab.outputs creates none)
    first, err = _run([cmd, *argv, "--save-scenario", str(out), "--json"], capsys)
    assert f"wrote resolved scenario to {out}" in err
    second, _ = _run([cmd, str(out), *again, "--json"], capsys)
    _assert_same(_norm(_result(cmd, first)), _norm(_result(cmd, second)))


@pytest.mark.parametrize(("cmd", "name", "again"), FILE_RUNS, ids=[r[1] for r in FILE_RUNS])
def test_shipped_scenario_round_trip(cmd, name, again, tmp_path, capsys):
    src = SCENARIOS / name
    out = tmp_path / "resolved.toml"
    first, _ = _run([cmd, str(src), *again, "--save-scenario", str(out), "--json"], capsys)
    second, _ = _run([cmd, str(out), *again, "--json"], capsys)
    _assert_same(_norm(first), _norm(second))
    written = tomllib.loads(out.read_text())
    original = tomllib.loads(src.read_text())
    for k in ("title", "description", "claim"):
        assert written.get(k) == original.get(k), k
    # every key of the shipped section is in the resolved one (nothing given is dropped)
    assert set(original[cmd]) <= set(written[cmd])


def test_factory_file_fills_catalog_defaults_with_sources_in_human_units(tmp_path, capsys):
    from tokenfab.catalog import load_catalog
    from tokenfab.factory.inputs import FACTORY_INPUTS
    from tokenfab.factory.spec import FactorySection
    from tokenfab.units import parse_quantity

    out = tmp_path / "f.toml"
    _run(["factory", "--power", "1GW", "--hardware", "gb200-nvl72", "--price", "2",
          "--save-scenario", str(out), "--json"], capsys)
    text = out.read_text()
    doc = tomllib.loads(text)["factory"]
    # written the way a person types them (issue 15), not as SI floats
    assert doc["price"] == "2 USD/Mtok"
    assert doc["power"] == "1 GW"
    assert doc["life_it"]["likely"] == "5.5 years"
    assert doc["utilization"]["likely"] == "80 %"
    assert doc["electricity_price"]["high"] == "120 USD/MWh"
    # defaults filled in with the catalog values; the PUE range as a {low, likely, high} table
    cat = load_catalog()
    d = FACTORY_INPUTS.resolve({"power": 1.0}, cat, {"hardware": cat.hardware("gb200-nvl72")})
    pue = d["pue"]
    assert doc["pue"] == {"low": pue.low, "likely": pue.likely, "high": pue.high, "dist": pue.dist}
    # every text reads back to the very float that ran, catalog figures included
    el = d["electricity_price"]
    assert parse_quantity(doc["electricity_price"]["likely"], "electricity_price") == el.likely
    assert parse_quantity(doc["life_it"]["low"], "time") == d["life_it"].low
    assert doc["price_curve"]["multiplier"] == [1.0]  # flat by default (issue 13)
    # each filled default carries its source; the user's price does not get the default's
    line = next(x for x in text.splitlines() if x.startswith("pue ="))
    assert "catalog pue_ai_liquid_cooled" in line
    assert "#" not in next(x for x in text.splitlines() if x.startswith("price ="))
    sec = load_section(out, "factory", FactorySection)
    assert sec.pue == pue and sec.accelerator_price == d["accelerator_price"]
    assert sec.life_it == d["life_it"] and sec.electricity_price == el


def test_market_and_plan_sources_are_the_modules_own(tmp_path, capsys):
    out = tmp_path / "m.toml"
    _run(["market", "--samples", "100", "--save-scenario", str(out), "--json"], capsys)
    text = out.read_text()
    line = next(x for x in text.splitlines() if x.startswith("world_gdp ="))
    assert "catalog world_gdp_2025" in line
    assert "world_electricity =" in text  # a default that is not a catalog row
    out = tmp_path / "p.toml"
    _run(["plan", "--save-scenario", str(out), "--json"], capsys)
    doc = tomllib.loads(out.read_text())["plan"]
    assert [r["name"] for r in doc["rent"]] == ["on_demand", "reserved_3yr"]
    assert doc["lead_time"]["likely"].endswith(("years", "year"))  # as typed, about 2 years


def test_resolved_file_is_checked_like_any_scenario(tmp_path, capsys):
    from tokenfab.cluster.site import ClusterSection

    out = tmp_path / "c.toml"
    _run(["cluster", "--hardware", "gb200-nvl72", "--accelerators", "1000", "--samples", "0",
          "--save-scenario", str(out), "--json"], capsys)
    text = out.read_text()
    load_section(out, "cluster", ClusterSection)
    bad = tmp_path / "bad.toml"
    assert 'hot_spare_fraction = "5 %"' in text
    bad.write_text(text.replace('hot_spare_fraction = "5 %"', "hot_spare_fraction = 1.5"))
    with pytest.raises(TokenfabError, match=r"cluster\.hot_spare_fraction: must be >= 0 and < 1"):
        load_section(bad, "cluster", ClusterSection)
    bad.write_text(text.replace("days =", "dayz ="))
    with pytest.raises(TokenfabError, match="did you mean 'days'"):
        load_section(bad, "cluster", ClusterSection)
    # the CLI says so too (exit 2, no traceback)
    assert main(["cluster", str(bad)]) == 2
    assert "dayz" in capsys.readouterr().err


def test_save_scenario_error_exits_2(tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("x")
    rc = main(["predict", "--model", "llama3.1-70b", "--hardware", "h100-sxm",
               "--save-scenario", str(target / "sub.toml")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "--save-scenario" in err and "is not a folder" in err


# -- the writer ------------------------------------------------------------------------------
class _Inner(ScenarioSection):
    curve: str = "logistic"
    rate: Uncertain("count") = 0.5  # type: ignore[valid-type]
    ceiling: Uncertain("count") | None = None  # type: ignore[valid-type]


@register_section("_outer")
class _Outer(ScenarioSection):
    power: Uncertain("power", gt=0) = 2e9  # type: ignore[valid-type]
    vs: str | None = None
    pue: Uncertain("count", ge=1) | None = None  # type: ignore[valid-type]
    growth: dict[str, _Inner] = {}
    cadence: dict[str, str] = {"2025": "gb200-nvl72"}
    rows: list[_Inner] = []


def test_writer_nests_tables_omits_none_and_comments_sub_fields(tmp_path):
    s = _Outer(growth={"users": {"rate": {"low": 0.1, "high": 0.9}, "ceiling": 5.5e9},
                       "tokens": {"curve": "exponential"}},
               rows=[{"rate": 2.0}, {"rate": {"low": 1, "likely": 2, "high": 4, "dist": "uniform"}}])
    p = write_resolved(tmp_path, "_outer", s, comments={"growth.users": "ITU [est]",
                                                        "power": "site\nbudget"}, path=tmp_path / "x.toml")
    text = p.read_text()
    assert p == tmp_path / "x.toml"
    assert "[_outer.growth.users]  # ITU [est]" in text
    assert 'power = "2 GW"  # site budget' in text
    assert "vs =" not in text and "pue =" not in text and "ceiling" not in text.split("tokens]")[1]
    data = tomllib.loads(text)["_outer"]
    back = _Outer.model_validate(data)
    assert back == s
    assert back.rows[1].rate == Range(1.0, 2.0, 4.0, "uniform")
    # the old form still writes resolved_<name>.toml in a directory
    q = write_resolved(tmp_path / "d", "_outer", s)
    assert q == tmp_path / "d" / "resolved__outer.toml" and _Outer.model_validate(
        tomllib.loads(q.read_text())["_outer"]) == s
    assert to_toml({"t": {"a": None, "b": 1}}) == "[t]\nb = 1\n"


def test_save_resolved_fills_only_unset_fields_and_keeps_user_values(tmp_path):
    s = _Outer(power="1 GW")
    back = save_resolved(tmp_path / "o.toml", "_outer", s, {"title": "t", "bogus": "x"},
                         {"power": "default source", "pue": "pue source"},
                         fill={"pue": Range(1.1, 1.2, 1.4), "power": 5e9})
    assert back.power == 1e9 and back.pue == Range(1.1, 1.2, 1.4)
    text = (tmp_path / "o.toml").read_text()
    assert "# pue source" in text and "default source" not in text  # power was the user's
    assert tomllib.loads(text)["title"] == "t" and "bogus" not in text
    with pytest.raises(TokenfabError, match="pue"):
        save_resolved(tmp_path / "o.toml", "_outer", s, fill={"pue": 0.5})


#: fields a resolved file may leave unset: the model chooses or derives them (an engine-picked
#: count, a derived knowledge GDP, a fabric design), or they are options nobody set
LEFT_UNSET = {
    "factory": {"ttft_max", "tpot_max", "tokens_per_s_per_accelerator",
                "vs_tokens_per_s_per_accelerator", "check",
                "demand_share"},  # no default: no demand limit unless given
    "demand": {"frontier_params", "rl_active_params", "capex_usd_per_w", "claim_horizon_years",
               "installed_power_w"},  # derived in the model: chip power x overhead, sampled jointly
    "market": {"knowledge_gdp"},
    "cluster": {"accelerators_per_rack", "checkpoint_model", "checkpoint_interval",
                "min_checkpoint_interval", "port_speed", "tiers"},
    "plan": {"demand_accelerators", "total_power_cap", "mix_change_year"},
    "predict": {"count", "ttft_max_s", "interactivity_min", "disaggregated", "input_p99_over_mean",
                "baseline_hardware", "baseline_count", "claimed_ratio"},
}


@pytest.mark.parametrize(("cmd", "argv", "again"), FLAG_RUNS, ids=[r[0] for r in FLAG_RUNS])
def test_every_default_is_written(cmd, argv, again, tmp_path, capsys):
    from tokenfab.scenario import SECTIONS

    out = tmp_path / "r.toml"
    _run([cmd, *argv, "--save-scenario", str(out), "--json"], capsys)
    sec = load_section(out, cmd, SECTIONS[cmd])
    unset = {k for k, v in sec if v is None}
    assert unset <= LEFT_UNSET[cmd], unset - LEFT_UNSET[cmd]
