"""The numbers a scenario's ``verdict_note`` quotes are the numbers the tool computes.

A verdict note is prose written by hand into ``scenarios/interview/*.toml``; the report shows
the scenario file beside the section that computes the same figures, so a stale note would give
a reader two answers for one scenario (issue 15, "one scenario gives one answer"). Each check
below formats one figure of the scenario's golden output (``tests/golden/<case>.json``, the
scenario run with its own settings) the way the note writes it and requires that text in the
note. When a change moves a golden number, this test fails until the note is updated.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tokenfab import display

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios" / "interview"
GOLDEN = ROOT / "tests" / "golden"

Out = dict[str, Any]
Check = Callable[[Out], str]


def _year(out: Out, year: int) -> dict[str, Any]:
    return next(y for y in out["years"] if y["year"] == year)


def _finding(out: Out, key: str, claim: str) -> dict[str, Any]:
    return next(f for f in out[key] if f["claim"] == claim)


def _gw(w: float) -> str:
    return f"{display.number(w / 1e9)} GW"


def _demand_checks() -> list[Check]:
    def inf(o: Out) -> dict[str, Any]:
        return o["growth_decomposition"]["inference"]

    def share(factor: str) -> Check:
        return lambda o: f"{inf(o)['factors'][factor]['log_share']:.0%}"

    def google(o: Out, observed: str) -> float:
        return next(c["ratio_model_to_observed"] for c in o["checks"]
                    if c["observed"].endswith(observed))

    return [
        lambda o: f"runs {1 + o['growth_decomposition']['pretraining']['total_rate_per_year']:.1f}x/yr",
        lambda o: f"x{display.number(inf(o)['total_multiple'])} over 2025-2032 "
                  f"({1 + inf(o)['total_rate_per_year']:.1f}x/yr",
        lambda o: f"only {share('users')(o)} of the log-growth",
        lambda o: f"give {share('tokens_per_query')(o)}, FLOPs per token {share('flops_per_token')(o)}",
        lambda o: f"needs {1 + o['growth_decomposition']['claim']['required_rate_per_year']:.1f}x/yr",
        lambda o: f"takes {o['growth_decomposition']['claim']['years_at_projected_rate']:.1f} years",
        lambda o: f"in 2027 ({display.money(_year(o, 2027)['accelerator_spend_usd'])} vs "
                  f"{display.money(_year(o, 2027)['analyst_spend_usd'])})",
        lambda o: "above it from 2027 "
                  f"({display.money(_year(o, 2027)['bands']['accelerator_spend_usd']['p10'])})",
        lambda o: f"{_gw(_year(o, 2027)['power_w_three_laws'])} (2027), "
                  f"{_gw(_year(o, 2028)['power_w_three_laws'])} (2028) and "
                  f"{_gw(_year(o, 2030)['power_w_three_laws'])} (2030)",
        lambda o: f"all of it: {_gw(_year(o, 2027)['power_w'])}, {_gw(_year(o, 2028)['power_w'])}, "
                  f"{_gw(_year(o, 2030)['power_w'])})",
        lambda o: f"({display.number(o['checks'][0]['model_tokens_billed_per_month'])} a month) is "
                  f"{_finding(o, 'base_year', 'base_year_tokens')['numbers']['ratio_model_to_published']:.2f}x",
        lambda o: f"{google(o, '2025_10'):.2f}x Google's alone",
        lambda o: f"({display.number(o['checks'][-1]['model_tokens_billed_per_month'])} a month) is "
                  f"{google(o, '2026_05'):.2f}x Google's May-2026",
        lambda o: f"{display.number(_year(o, 2025)['power_w'] / 1e9)} GW all-in",
        lambda o: f"explain only {_year(o, 2025)['power_w_three_laws'] / 1e9:.2f} GW",
        lambda o: f"2025 AI capex ({display.money(_year(o, 2025)['capex_usd'])})",
        lambda o: f"2026 capex ({display.money(_year(o, 2026)['capex_usd'])}) is "
                  f"{_finding(o, 'base_year', 'forecast_ai_capex_next_year')['numbers']['ratio_model_to_published']:.2f}x",
    ]


def _plan_checks() -> list[Check]:
    def year(o: Out, y: int) -> dict[str, Any]:
        return _year(o, y)

    def mc(o: Out, key: str) -> dict[str, float]:
        return o["monte_carlo"][key]

    verdict = lambda o: o["verdict"]["numbers"]  # noqa: E731
    return [
        lambda o: f"leaves {verdict(o)['unserved_share_rent_only']:.1%} of the 2026-2031 tokens",
        lambda o: f"binds from {verdict(o)['first_shortfall_year']}",
        lambda o: f"short in {o['monte_carlo']['share_of_draws_rent_alone_cannot_keep_up']:.1%} of",
        lambda o: f"from {o['crossover']['first_build_year_in_plan']}, and passes",
        lambda o: f"in 2029 ({year(o, 2029)['online_w'] / 1e9:.1f} GW online; "
                  f"{year(o, 2031)['online_w'] / 1e9:.1f} GW by 2031, p10-p90 "
                  f"{mc(o, 'online_w_final_year')['p10'] / 1e9:.1f}-"
                  f"{mc(o, 'online_w_final_year')['p90'] / 1e9:.1f} GW)",
        lambda o: f"need {year(o, 2029)['demand_w'] / 1e9:.1f} GW in 2029 and "
                  f"{year(o, 2031)['demand_w'] / 1e9:.0f} GW in 2031",
        lambda o: f"so {verdict(o)['unserved_share_plan']:.1%} of the tokens",
        lambda o: f"Present cost {display.money(o['present_cost_usd'])} (p10-p90 "
                  f"{display.money(mc(o, 'present_cost_usd')['p10'])}-"
                  f"{display.money(mc(o, 'present_cost_usd')['p90'])})",
        lambda o: f"costs {display.money(o['crossover']['build_usd_per_accelerator_hour'])} against "
                  f"{display.money(o['crossover']['rent_usd_per_accelerator_hour']['reserved_3yr'][0])}",
        lambda o: f"above {o['crossover']['breakeven_utilization'][0]:.0%} utilisation",
        lambda o: f"late costs {display.money(o['timing']['late']['extra_present_cost_usd'])}",
    ]


def _factory_checks() -> list[Check]:
    def detail(o: Out, pattern: str) -> str:
        m = next(m for d in o["verdict"]["details"] if (m := re.search(pattern, d)))
        return m.group(1)

    return [
        lambda o: f"site costs {display.money(o['capex_usd_per_site_w'] * 1e9)} per GW of site power "
                  f"(p10-p90 {display.money(o['verdict']['band'][0] * 1e9)}-"
                  f"{display.money(o['verdict']['band'][1] * 1e9)})",
        lambda o: f"need {detail(o, r'reaches [$]50B/GW at an accelerator price of ([$][0-9.]+k)')} per GPU",
        lambda o: f"deal price, {detail(o, r'default: ([$][0-9.]+k)')} per GPU",
        lambda o: f"payback is about {o['discounted_payback_years'] * 12:.0f} months",
        lambda o: f"produce {detail(o, r'per output token[)], ([0-9.]+x) Google')} Google's",
    ]


def _cluster_checks() -> list[Check]:
    return [
        lambda o: f"~{o['it_power_w'] / 1e9:.1f} GW of IT power",
        lambda o: f"~{o['facility_power_w'] / 1e9:.1f} GW at the facility",
        lambda o: f"~{o['fabric']['power_w'] / 1e6:.0f} MW",
        lambda o: f"~{o['switches']:,} switches, ~{o['transceivers'] / 1e6:.1f} M transceivers",
        lambda o: f"job MTBF is ~{o['mtbf_hours'] * 60:.0f} min",
        lambda o: f"~{round(o['expected_interruptions'], -3):,.0f} interruptions",
        lambda o: f"goodput is ~{o['goodput']:.2f}",
    ]


def _market_scenario_checks() -> list[Check]:
    return [
        lambda o: f"(~{o['interview_arithmetic']['gw_per_year']:.0f} GW a year at "
                  f"{display.money(o['interview_arithmetic']['capex_usd_per_w'] * 1e9)}/GW, "
                  f"~{o['share_of_world_electricity']['p50']:.0%} of world",
    ]


def _market_default_checks() -> list[Check]:
    def reach(o: Out, key: str) -> str:
        return f"{next(c for c in o['claims'] if c['key'] == key)['probability_model_reaches']:.1%}"

    def value(o: Out, key: str) -> str:
        return display.money(next(c for c in o["claims"] if c["key"] == key)["value"])

    return [
        lambda o: f"all labour income is {value(o, 'labor_income_share_global')}",
        lambda o: f"earn ${o['knowledge_gdp_usd']['p10'] / 1e12:.0f}-"
                  f"{o['knowledge_gdp_usd']['p90'] / 1e12:.0f}T of it",
        lambda o: f"services is reached in {reach(o, 'token_services')} of draws and $5T of "
                  f"factories in {reach(o, 'ai_factories')}",
        lambda o: f"reached in {reach(o, 'infra_2030_low')} of draws and $4T in "
                  f"{reach(o, 'infra_2030_high')}",
    ]


#: (scenario file stem, golden case, checks); a note may quote more than one run
NOTES: list[tuple[str, str, list[Check]]] = [
    ("three_scaling_laws", "demand_three_scaling_laws", _demand_checks()),
    ("stargate", "plan_stargate", _plan_checks()),
    ("two_gw_factory", "factory_two_gw_factory", _factory_checks()),
    ("colossus2", "cluster_colossus2", _cluster_checks()),
    ("three_layers", "market_three_layers", _market_scenario_checks()),
    ("three_layers", "market_default", _market_default_checks()),
]


def _note(stem: str) -> str:
    data = tomllib.loads((SCENARIOS / f"{stem}.toml").read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", data["verdict_note"])


@pytest.mark.parametrize(("stem", "case", "i"), [(s, c, i) for s, c, cs in NOTES
                                                 for i in range(len(cs))])
def test_note_quotes_the_computed_number(stem: str, case: str, i: int) -> None:
    checks = next(cs for s, c, cs in NOTES if (s, c) == (stem, case))
    out = json.loads((GOLDEN / f"{case}.json").read_text(encoding="utf-8"))["output"]
    expected = checks[i](out)
    assert expected in _note(stem), (
        f"scenarios/interview/{stem}.toml verdict_note should say {expected!r} "
        f"(tests/golden/{case}.json); update the note")


def test_the_check_fails_on_a_stale_note() -> None:
    """The mechanism itself: a number moved by 1% no longer matches its text."""
    checks = next(cs for s, _, cs in NOTES if s == "stargate")
    out = json.loads((GOLDEN / "plan_stargate.json").read_text(encoding="utf-8"))["output"]
    assert all(c(out) in _note("stargate") for c in checks)
    out["present_cost_usd"] *= 1.01
    assert not all(c(out) in _note("stargate") for c in checks)
