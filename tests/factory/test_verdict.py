"""Verdict rules and flip points, on runs with given throughput (no engine), and the interview
scenario files end to end."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tokenfab.catalog import load_catalog
from tokenfab.claims import Claim, Comparison, Finding, Verdict
from tokenfab.cli import main
from tokenfab.factory.compare import linear_root
from tokenfab.factory.runner import BREAKEVEN_KEY, run_factory
from tokenfab.factory.spec import ClaimCheck, FactorySection
from tokenfab.factory.verdict import judge, scenario_verdict
from tokenfab.scenario import validate_section

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "interview"
FILES = ("two_gw_factory", "blackwell_30x_revenue", "free_asic")  # with a [factory.check]


def _run(**kw):
    base = {"power": "1 GW", "hardware": "gb200-nvl72", "tokens_per_s_per_accelerator": 2000,
            "interactivity": 50}
    return run_factory(validate_section(FactorySection, {**base, **kw}), samples=0)


@pytest.mark.parametrize("claim, status", [(2.0, "supported"), (2.4, "supported"),
                                            (3.5, "partly supported"), (30.0, "not supported")])
def test_revenue_ratio_rule(claim, status):
    r = _run(vs="gb200-nvl72", vs_tokens_per_s_per_accelerator=1000)
    v = judge(r, ClaimCheck(kind="revenue_ratio", ratio=claim))
    assert v.numbers["revenue_ratio"] == pytest.approx(2.0, rel=1e-12)
    assert v.verdict.value == status


def test_capex_rule_brackets_the_model_value():
    r = _run()
    x = r.point["capex_usd_per_site_w"]
    def grade(lo, hi):
        return judge(r, ClaimCheck(kind="capex_per_gw", low=lo, high=hi)).verdict

    assert grade(0.9 * x, 1.1 * x) is Verdict.SUPPORTED
    assert grade(1.1 * x, 1.3 * x) is Verdict.PARTLY
    assert grade(3 * x, 4 * x) is Verdict.NOT_SUPPORTED


def test_free_challenger_rule_and_flip():
    # an equally efficient challenger (same system, same throughput): free, it wins
    same = _run(vs="gb200-nvl72", vs_tokens_per_s_per_accelerator=2000, vs_accelerator_price=0)
    v = judge(same, ClaimCheck(kind="free_challenger_loses"))
    assert same.point[BREAKEVEN_KEY] > 0 and v.verdict is Verdict.NOT_SUPPORTED
    # a challenger with 1/5 of the tokens per W: even free it loses
    weak = _run(vs="gb200-nvl72", vs_tokens_per_s_per_accelerator=400, vs_accelerator_price=0)
    v = judge(weak, ClaimCheck(kind="free_challenger_loses"))
    assert weak.point[BREAKEVEN_KEY] < 0 and v.verdict is Verdict.SUPPORTED
    flip = next(f for f in v.numbers["flips"] if f["input"] == "vs_throughput_factor")
    # at the flip the free challenger ties exactly
    at = weak.evaluate(vs_throughput_factor=flip["value"])
    assert at[BREAKEVEN_KEY] == pytest.approx(0.0, abs=1e-3)
    # being free, it ties below the incumbent's perf/W (same racks here), but not far below
    assert 0.5 < flip["value"] * 400 / 2000 < 1.0


def test_linear_root_finds_zero_profit_token_price():
    r = _run(price_input=0)
    f = linear_root(r, "profit_usd_per_year", "price", lo=1e-15, hi=1e-2)
    assert r.evaluate(price=f.value)["profit_usd_per_year"] == pytest.approx(
        0.0, abs=1e-6 * r.point["tco_usd_per_year"])
    # the zero-profit price is the cost per Mtok divided by the price-curve multiplier
    mult = r.inputs["price_multiplier"]
    assert f.value * 1e6 * mult == pytest.approx(r.point["cost_usd_per_mtok"], rel=1e-9)


def test_no_crossing_is_reported_not_invented():
    r = _run()
    f = linear_root(r, "profit_usd_per_year", "price", lo=100e-6, hi=1e-2)
    assert f.value is None and "no crossing" in f.note


@pytest.mark.parametrize("name", FILES)
def test_interview_scenarios_run_and_give_a_verdict(name, capsys):
    path = SCENARIOS / f"{name}.toml"
    result, verdict = scenario_verdict(path, samples=500)
    assert verdict is not None
    assert isinstance(verdict, Finding) and verdict.verdict is not Verdict.UNAVAILABLE
    assert verdict.claim.text and verdict.headline
    for f in verdict.numbers.get("flips", []):
        assert f["value"] is None or math.isfinite(f["value"])
    rc = main(["factory", str(path), "--samples", "200"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "Verdict: " in out and verdict.verdict.value.upper() in out


def test_perf_per_watt_on_two_real_systems_in_both_regimes():
    """GB200 NVL72 vs H100 (real systems, not one system at half speed): power-bound, revenue
    follows tokens per watt exactly (ratio 1, supported); demand-bound, both sell the same
    tokens, so revenue grows 1/(perf-per-watt ratio) as fast (not supported)."""
    from tokenfab.factory.verdict import perf_per_watt_regimes, scenario_claims
    from tokenfab.scenario import load_section

    path = SCENARIOS / "perf_per_watt_2x.toml"
    section = load_section(path, "factory", FactorySection)
    assert section.vs != section.hardware
    claim = scenario_claims(path)[0]
    (p_reg, p_run, p_f), (d_reg, d_run, d_f) = perf_per_watt_regimes(section, claim, samples=0)
    per_w = p_run.point["tokens_per_s_per_mw"] / p_run.point["vs_tokens_per_s_per_mw"]
    assert per_w > 2.0  # GB200 NVL72 makes several times H100's tokens per watt here
    assert p_f.value == pytest.approx(1.0, rel=1e-9) and p_f.verdict is Verdict.SUPPORTED
    assert d_run.point["demand_bound"] and d_run.point["vs_demand_bound"]
    assert d_f.value == pytest.approx(1.0 / per_w, rel=1e-9)
    assert d_f.verdict is Verdict.NOT_SUPPORTED


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
    assert v["verdict"] in ("supported", "partly supported", "not supported")
    assert (d["breakeven_price_usd_per_accelerator"] < 0) == (v["verdict"] != "not supported") \
        or v["verdict"] == "partly supported"
    # the free challenger's capex is only its site: IT power x (network + power/cooling + building)
    i = d["inputs"]
    assert i["vs_accelerator_price"] == 0
    per_w = i["networking_cost"] + i["power_cooling_cost"] + i["building_cost"]
    assert d["vs"]["capex_usd"] == pytest.approx(d["vs"]["it_power_w"] * per_w, rel=1e-9)


def test_claims_tables_in_a_scenario_are_graded(tmp_path, capsys):
    """``[[claims]]`` on any factory quantity: graded by tokenfab.claims.check, printed and in
    the JSON."""
    import json

    p = tmp_path / "s.toml"
    p.write_text('[[claims]]\nid = "cheap"\ntext = "tokens cost under $1 per million"\n'
                 'source = "test"\nquantity = "cost_usd_per_mtok"\nunit = "USD/Mtok"\n'
                 'comparison = { kind = "at_most", target = 1.0 }\n'
                 '[factory]\npower = "1 GW"\nhardware = "gb200-nvl72"\n'
                 'tokens_per_s_per_accelerator = 2000\n')
    rc = main(["factory", str(p), "--json"])
    d = json.loads(capsys.readouterr().out)
    assert rc == 0
    (f,) = d["claims"]
    assert f["claim"] == "cheap" and f["value"] == pytest.approx(d["cost_usd_per_mtok"])
    assert f["verdict"] == ("supported" if d["cost_usd_per_mtok"] <= 1 else "not supported")


def test_a_claim_is_graded_by_the_claims_module():
    r = _run(vs="gb200-nvl72", vs_tokens_per_s_per_accelerator=1000)
    c = Claim("x", "2x perf/W gives 2x revenue", "BG2", "revenue_ratio",
              Comparison("ratio", target=2.0), "x")
    f = judge(r, c)
    assert f.verdict is Verdict.SUPPORTED and f.value == pytest.approx(2.0, rel=1e-12)


# -- no-arbitrage: revenue per accelerator-hour against the market rent (factory.verdict.rent_gap)


def _gap_run(**kw):
    from tokenfab.factory.verdict import rent_gap

    base = {"power": "100 MW", "hardware": "h100-sxm", "model": "deepseek-r1",
            "tokens_per_s_per_accelerator": 1000, "price_input": "0 USD/Mtok",
            "utilization": 0.5, "market_rent": "2 USD/h", **kw}
    r = run_factory(validate_section(FactorySection, base), load_catalog(), samples=0,
                    with_tornado=False)
    return r, rent_gap(r)


def test_rent_gap_ratio_and_what_closes_it_by_hand():
    # 1000 tok/s x 0.5 x 3600 s = 1.8e6 tokens an hour x $8/M = $14.4/h against $2/h: 7.2x
    r, f = _gap_run(price={"low": "1 USD/Mtok", "likely": "8 USD/Mtok", "high": "9 USD/Mtok"})
    n = f.numbers
    assert n["revenue_usd_per_accelerator_hour"] == pytest.approx(14.4, rel=1e-9)
    assert n["revenue_to_rent_ratio"] == pytest.approx(7.2, rel=1e-9)
    assert n["closes alone: token price (blended, per million output tokens)"] == pytest.approx(
        8 / 7.2, rel=1e-9)
    assert n["closes alone: utilization"] == pytest.approx(0.5 / 7.2, rel=1e-9)
    assert n["closes alone: market rent (per accelerator-hour)"] == pytest.approx(14.4)
    # the price's range reaches $1/M < $1.11/M: it alone carries the gap, ln 8 / ln 7.2 of it
    assert n["carrier"].startswith("token price")
    assert n["coverage: token price (blended, per million output tokens)"] == pytest.approx(
        math.log(8) / math.log(7.2), rel=1e-9)
    assert f.verdict.value == "not supported"
    assert "carries the gap" in f.headline
    assert "the market rent $2/h" in f.details[0]


def test_rent_gap_when_no_sourced_input_closes_it_the_market_disagrees():
    _, f = _gap_run(price={"low": "7 USD/Mtok", "likely": "8 USD/Mtok", "high": "9 USD/Mtok"})
    assert f.numbers["coverage_total"] < 1
    assert "the market itself disagrees" in f.headline
    assert any("DeepSeek" in d for d in f.details)


def test_rent_gap_within_2x_is_consistent():
    _, f = _gap_run(price="2 USD/Mtok")  # $3.6/h against $2/h
    assert f.numbers["revenue_to_rent_ratio"] == pytest.approx(1.8)
    assert f.verdict.value == "supported"


def test_rent_gap_throughput_range_is_the_engines_interval():
    """With the engine's throughput (no tokens_per_s given), the throughput row's favourable end
    is the engine's p10 and its coverage is ln(T / p10) / ln(ratio) (issue 13)."""
    from tokenfab.factory.verdict import rent_gap

    base = {"power": "100 MW", "hardware": "h100-sxm", "model": "llama3.1-70b",
            "interactivity": 30, "price_input": "0 USD/Mtok", "price": "8 USD/Mtok",
            "utilization": 0.5, "market_rent": "2 USD/h"}
    r = run_factory(validate_section(FactorySection, base), load_catalog(), samples=0,
                    with_tornado=False)
    f = rent_gap(r)
    t = float(r.op.tokens_per_s_per_accelerator)
    p10 = r.op.details["tokens_per_s_per_accelerator_p10"]
    assert 0 < p10 < t
    name = "throughput at this interactivity (output tok/s per accelerator)"
    ratio = f.numbers["revenue_to_rent_ratio"]
    assert ratio == pytest.approx(t * 0.5 * 3600 * 8e-6 / 2.0, rel=1e-9)
    assert f.numbers[f"coverage: {name}"] == pytest.approx(math.log(t / p10) / math.log(ratio),
                                                           rel=1e-9)
    row = next(d for d in f.details if d.startswith("throughput"))
    assert "80% prediction interval" in row


def test_rent_gap_given_throughput_has_no_engine_range():
    _, f = _gap_run(price="8 USD/Mtok")  # tokens_per_s given as a point: no interval to use
    name = "throughput at this interactivity (output tok/s per accelerator)"
    assert f.numbers[f"coverage: {name}"] == 0.0
    assert any("no range" in d for d in f.details if d.startswith("throughput"))


# -- the two regimes of a site: its tokens against the market, and a published demand share


def test_market_share_and_demand_bound_run_by_hand():
    """Site share = output tokens x (1 + input per output) / market volume; the demand-bound
    run at a share s sells s x market tokens (input + output), so its utilization is
    s x market / (capacity x (1 + r)), and its revenue that many tokens at the blended price."""
    from tokenfab.factory.verdict import demand_bound_run, market_share, sourced_demand_share
    from tokenfab.uncertainty import likely
    from tokenfab.units import SECONDS_PER_YEAR

    cat = load_catalog()
    r = run_factory(validate_section(FactorySection, {
        "power": "100 MW", "hardware": "h100-sxm", "model": "deepseek-r1",
        "tokens_per_s_per_accelerator": 1000, "price": "2 USD/Mtok", "price_input": "1 USD/Mtok",
        "input_tokens": 3000, "output_tokens": 1000, "utilization": 0.5}), cat, samples=0,
        with_tornado=False)
    market = float(likely(r.resolved.values["market_tokens_per_year"]))
    processed, x = market_share(r)
    assert processed == pytest.approx(r.point["tokens_per_year"] * 4, rel=1e-12)
    assert x == pytest.approx(processed / market, rel=1e-12)
    share, how = sourced_demand_share(r, cat)
    o = cat.assumption("openrouter_tokens_per_day")
    assert share == pytest.approx(o.value * SECONDS_PER_YEAR / market, rel=1e-12)
    assert "OpenRouter" in how and o.source in how
    d = demand_bound_run(r, share, cat)
    capacity = r.point["tokens_per_year"] / 0.5  # output tokens a year at full utilization
    assert d.point["demand_bound"] == 1.0
    assert d.point["utilization"] == pytest.approx(share * market / (capacity * 4), rel=1e-9)
    sold_out = share * market / 4  # output tokens sold
    assert d.point["revenue_usd_per_year"] == pytest.approx(sold_out / 1e6 * (2 + 3 * 1), rel=1e-9)
    # a share above what the site can make leaves it power-bound
    assert demand_bound_run(r, min(1.0, 10 * x), cat).point["demand_bound"] == 0.0
