"""[plan] defaults with sources, bad input -> clear message and exit 2, the CLI and scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokenfab.cli import main
from tokenfab.errors import TokenfabError
from tokenfab.inputs import RunOptions
from tokenfab.plan import PLAN_INPUTS, PlanSection, resolve, solve
from tokenfab.plan.inputs import PlanInputs

ROOT = Path(__file__).resolve().parents[2]
STARGATE = ROOT / "scenarios" / "interview" / "stargate.toml"


def test_every_default_has_a_source():
    p = resolve()
    for name in ("demand_tokens_per_year", "users_growth", "per_user_growth",
                 "tokens_per_accelerator_s", "utilization", "speedup_per_year", "rent",
                 "rent_price_trend", "rental_cap", "rental_cap_growth", "capex",
                 "it_capex_share", "it_life", "facility_life", "cost_of_capital",
                 "lead_time", "opex_per_year", "power_cap_per_year",
                 "power_cap_growth", "unserved_penalty", "asic_capex_saving",
                 "asic_perf_per_w"):
        assert p.sources.get(name), name
        assert p.sources[name] != "scenario"
    assert set(PLAN_INPUTS.names) - {"demand_accelerators", "total_power_cap"} <= set(p.sources)


def test_defaults_come_from_the_catalog_and_factory():
    from tokenfab.catalog import load_catalog
    from tokenfab.factory import capex_usd_per_it_w

    cat = load_catalog()
    p = resolve().point()
    pue = cat.economics["pue_ai_liquid_cooled"].value
    assert p.capex_usd_per_w == pytest.approx(capex_usd_per_it_w("gb200-nvl72", cat) / pue)
    assert p.it_life_years == pytest.approx(cat.economics["depreciation_life_it_years"].value)
    assert p.rent_prices_usd_per_hour[0] == pytest.approx(
        cat.economics["rent_gb200_usd_per_gpu_hr"].value)
    assert p.lead_time_years == pytest.approx(cat.cluster["build.stargate_abilene_years"].value)
    assert p.accelerator_power_w == cat.hardware("gb200-nvl72").allin_power_w
    # speedup: FP4 FLOP/s per all-in W of GB200 over FP8 of H100, 3 years apart
    gb, h = cat.hardware("gb200-nvl72"), cat.hardware("h100-sxm")
    k = ((gb.fp4_dense_flops_per_s / gb.allin_power_w)
         / (h.fp8_dense_flops_per_s / h.allin_power_w)) ** (1 / 3)
    assert p.speedup_per_year == pytest.approx(k)


def test_point_and_draw():
    full = resolve()
    assert isinstance(full, PlanInputs)
    draws = full.draw(RunOptions(3, 2))
    assert len(draws) == 3
    assert len({d.users_growth for d in draws}) == 3
    solve(draws[0])  # a draw is a valid point input


def test_set_flags_override_and_catalog_reaches_the_reference(tmp_path):
    from tokenfab.catalog import load_catalog

    p = resolve(PlanSection(), flags=PLAN_INPUTS.parse_overrides(["utilization=0.5",
                                                                   "capex=30 USD/W"]))
    assert p.utilization == 0.5 and p.capex_usd_per_w == 30.0
    assert p.sources["utilization"] == "flag"
    f = tmp_path / "cat.toml"
    f.write_text('[[accelerator]]\nid = "gb200-nvl72"\nbase = "gb200-nvl72"\nprice_usd = 1.0\n')
    cheap = resolve(catalog=load_catalog([str(f)])).point()
    assert cheap.capex_usd_per_w < 0.8 * resolve().point().capex_usd_per_w


@pytest.mark.parametrize("kw, field", [
    (dict(years=0), "years"),
    (dict(start_year=1900), "start_year"),
    (dict(users_growth=-1.5), "users_growth"),
    (dict(demand_tokens_per_year=1e16, demand_accelerators=1e5), "demand"),
    (dict(mix_change_year=2020), "mix_change_year"),
    (dict(utilization=1.5), "utilization"),
    (dict(rent=[]), "rent"),
    (dict(rent=[{"name": "a", "years": 0, "price_usd_per_hour": 1}]), "years"),
    (dict(committed=[{"year": 2050, "power": "1 GW"}]), "committed"),
    (dict(capex="-3 USD/W"), "capex"),
    (dict(samples=-1), "samples"),
])
def test_bad_section_values_raise(kw, field):
    from tokenfab.scenario import validate_section

    with pytest.raises(TokenfabError) as e:
        validate_section(PlanSection, kw, prefix="plan")
    assert field in str(e.value)


def test_unknown_reference_system_and_bad_asic_saving():
    with pytest.raises(TokenfabError, match="did you mean"):
        resolve(PlanSection(reference_system="gb200-nvl7"))
    p = resolve(PlanSection(asic_share=0.5, asic_capex_saving=0.9)).point()
    with pytest.raises(TokenfabError, match="asic_capex_saving"):
        solve(p)


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "s.toml"
    f.write_text(text, encoding="utf-8")
    return f


def test_cli_json_has_the_issue_fields(capsys):
    assert main(["plan", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    row = doc["years"][0]
    for k in ("rented_accelerators", "built_w", "cost_usd", "unserved_tokens"):
        assert k in row
    assert doc["present_cost_usd"] > 0
    assert doc["inputs"]["sources"]["capex"]


@pytest.mark.parametrize("text, needle", [
    ("[plan]\nyears = 0\n", "plan.years"),
    ("[plan]\nrental_cap = -5\n", "plan.rental_cap"),
    ("[plan]\nrental_cap = \"5 GW\"\n", "plan.rental_cap"),
    ("[plan]\npower_cap_per_yer = \"1 GW\"\n", "did you mean 'power_cap_per_year'"),
    ("[plan]\nreference_system = \"h1000\"\n", "unknown accelerator"),
    ("[plan\n", "not valid TOML"),
    ("[plan]\ndemand_tokens_per_year = 1e40\n", "demand_tokens_per_year"),
])
def test_cli_bad_input_exits_2(tmp_path, capsys, text, needle):
    assert main(["plan", str(_write(tmp_path, text))]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err


def test_cli_bad_samples_and_missing_file(capsys, tmp_path):
    assert main(["plan", "--samples", "-3"]) == 2
    assert main(["plan", str(tmp_path / "nope.toml")]) == 2
    assert "not found" in capsys.readouterr().err


def test_cli_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "plan.png"
    assert main(["plan", "--plot", str(out)]) == 0
    assert out.stat().st_size > 10_000


@pytest.mark.skipif(not STARGATE.exists(), reason="scenario missing")
def test_stargate_scenario_verdict(capsys):
    assert main(["plan", str(STARGATE), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["title"].startswith("Stargate")
    v = doc["verdict"]
    assert v["text"] == "renting alone cannot keep up"
    assert v["verdict"] == "supported"
    assert v["numbers"]["rental_cap_binds"] is True
    # committed Stargate sites are online from 2026
    assert doc["years"][0]["online_w"] == pytest.approx(1.2e9)
    # and the table prints
    assert main(["plan", str(STARGATE)]) == 0
    assert "renting alone cannot keep up" in capsys.readouterr().out
