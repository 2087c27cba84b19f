"""Verdict rules and flip points, on runs with given throughput (no engine), and the interview
scenario files end to end."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tokenfab.cli import main
from tokenfab.factory.compare import linear_root
from tokenfab.factory.runner import BREAKEVEN_KEY, run_factory
from tokenfab.factory.spec import ClaimCheck, FactorySection
from tokenfab.factory.verdict import judge, scenario_verdict
from tokenfab.scenario import validate_section

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "interview"
FILES = ("two_gw_factory", "perf_per_watt_2x", "blackwell_30x_revenue", "free_asic")


def _run(**kw):
    base = {"power": "1 GW", "hardware": "gb200-nvl72", "tokens_per_s_per_accelerator": 2000,
            "interactivity": 50}
    return run_factory(validate_section(FactorySection, {**base, **kw}), samples=0)


@pytest.mark.parametrize("claim, status", [(2.0, "supported"), (2.4, "supported"),
                                            (3.5, "partly"), (30.0, "not supported")])
def test_revenue_ratio_rule(claim, status):
    r = _run(vs="gb200-nvl72", vs_tokens_per_s_per_accelerator=1000)
    v = judge(r, ClaimCheck(kind="revenue_ratio", ratio=claim))
    assert v.numbers["revenue_ratio"] == pytest.approx(2.0, rel=1e-12)
    assert v.status == status


def test_capex_rule_brackets_the_model_value():
    r = _run()
    x = r.point["capex_usd_per_site_w"]
    assert judge(r, ClaimCheck(kind="capex_per_gw", low=0.9 * x, high=1.1 * x)).status == "supported"
    assert judge(r, ClaimCheck(kind="capex_per_gw", low=1.1 * x, high=1.3 * x)).status == "partly"
    assert judge(r, ClaimCheck(kind="capex_per_gw", low=3 * x, high=4 * x)).status == "not supported"


def test_free_challenger_rule_and_flip():
    # an equally efficient challenger (same system, same throughput): free, it wins
    same = _run(vs="gb200-nvl72", vs_tokens_per_s_per_accelerator=2000, vs_accelerator_price=0)
    v = judge(same, ClaimCheck(kind="free_challenger_loses"))
    assert same.point[BREAKEVEN_KEY] > 0 and v.status == "not supported"
    # a challenger with 1/5 of the tokens per W: even free it loses
    weak = _run(vs="gb200-nvl72", vs_tokens_per_s_per_accelerator=400, vs_accelerator_price=0)
    v = judge(weak, ClaimCheck(kind="free_challenger_loses"))
    assert weak.point[BREAKEVEN_KEY] < 0 and v.status == "supported"
    flip = next(f for f in v.flips if f.input == "vs_throughput_factor")
    # at the flip the free challenger ties exactly
    at = weak.evaluate(vs_throughput_factor=flip.value)
    assert at[BREAKEVEN_KEY] == pytest.approx(0.0, abs=1e-3)
    # being free, it ties below the incumbent's perf/W (same racks here), but not far below
    assert 0.5 < flip.value * 400 / 2000 < 1.0


def test_linear_root_finds_zero_profit_token_price():
    r = _run()
    f = linear_root(r, "profit_usd_per_year", "price_usd_per_mtok", lo=1e-9, hi=1e4)
    assert r.evaluate(price_usd_per_mtok=f.value)["profit_usd_per_year"] == pytest.approx(
        0.0, abs=1e-6 * r.point["tco_usd_per_year"])
    # the zero-profit price is the cost per Mtok divided by the price-curve multiplier
    mult = r.inputs["price_multiplier"]
    assert f.value * mult == pytest.approx(r.point["cost_usd_per_mtok"], rel=1e-9)


def test_no_crossing_is_reported_not_invented():
    r = _run()
    f = linear_root(r, "profit_usd_per_year", "price_usd_per_mtok", lo=100.0, hi=1e4)
    assert f.value is None and "no crossing" in f.note


@pytest.mark.parametrize("name", FILES)
def test_interview_scenarios_run_and_give_a_verdict(name, capsys):
    path = SCENARIOS / f"{name}.toml"
    result, verdict = scenario_verdict(path, samples=500)
    assert verdict is not None
    assert verdict.status in ("supported", "partly", "not supported")
    assert verdict.claim and verdict.headline
    for f in verdict.flips:
        assert f.value is None or math.isfinite(f.value)
    rc = main(["factory", str(path), "--samples", "200"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "Verdict: " in out and verdict.status.upper() in out


def test_perf_per_watt_scenario_is_exactly_two():
    result, verdict = scenario_verdict(SCENARIOS / "perf_per_watt_2x.toml", samples=0)
    assert verdict.numbers["revenue_ratio"] == pytest.approx(2.0, rel=1e-9)
    assert verdict.status == "supported"
    # but profit does not double: the slower site pays the same costs for half the tokens
    p = result.point
    assert p["profit_usd_per_year"] / p["vs_profit_usd_per_year"] > 2.0


def test_unknown_factory_key_gets_a_did_you_mean(tmp_path, capsys):
    p = tmp_path / "s.toml"
    p.write_text('[factory]\npower = "1 GW"\nhardware = "gb200-nvl72"\nelectricity_prize = "80 USD/MWh"\n')
    rc = main(["factory", str(p)])
    err = capsys.readouterr().err
    assert rc == 2 and "did you mean 'electricity_price'" in err


def test_check_that_compares_needs_vs(tmp_path, capsys):
    p = tmp_path / "s.toml"
    p.write_text('[factory]\npower = "1 GW"\nhardware = "gb200-nvl72"\n'
                 'tokens_per_s_per_accelerator = 100\n[factory.check]\nkind = "free_challenger_loses"\n')
    rc = main(["factory", str(p)])
    err = capsys.readouterr().err
    assert rc == 2 and "vs" in err


def test_equal_power_profit_break_even_ignores_electricity_but_cost_break_even_does_not():
    """Both sites buy the same power, so electricity cancels out of the profit comparison (up
    to whole-system rounding); per token the less efficient challenger uses more energy, so
    dearer electricity lowers its cost-per-token break-even."""
    weak = _run(vs="h100-sxm", vs_tokens_per_s_per_accelerator=300, vs_accelerator_price=0)
    v = judge(weak, ClaimCheck(kind="free_challenger_loses"))
    rows = v.numbers["sensitivity"]["electricity_usd_per_mwh"]
    profit = [r["breakeven_price_usd_per_accelerator"] for r in rows]
    cost = [r["breakeven_price_equal_cost_per_mtok_usd_per_accelerator"] for r in rows]
    assert max(profit) - min(profit) < 1e-3 * abs(profit[0])
    assert all(b < a for a, b in zip(cost, cost[1:], strict=False))


def test_scenario_json_carries_the_verdict(capsys):
    import json

    rc = main(["factory", str(SCENARIOS / "free_asic.toml"), "--json", "--samples", "300"])
    out = capsys.readouterr().out
    assert rc == 0
    d = json.loads(out)
    v = d["verdict"]
    assert v["status"] in ("supported", "partly", "not supported")
    assert (d["breakeven_price_usd_per_accelerator"] < 0) == (v["status"] != "not supported") \
        or v["status"] == "partly"
    # the free challenger's capex is only its site: IT power x (network + power/cooling + building)
    i = d["inputs"]
    assert i["vs_accelerator_price_usd"] == 0
    per_w = i["networking_usd_per_it_w"] + i["power_cooling_usd_per_it_w"] + i["building_land_usd_per_it_w"]
    assert d["vs"]["capex_usd"] == pytest.approx(d["vs"]["it_power_w"] * per_w, rel=1e-9)
