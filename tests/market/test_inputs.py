"""The market model's one input declaration: bad values refused in scenario files and by
``--set`` (exit 2, the field named), ``--inputs``, point estimates with ``--samples 0``."""

from __future__ import annotations

import json

import pytest

from tokenfab.cli import main
from tokenfab.errors import TokenfabError
from tokenfab.market import MARKET_INPUTS, MarketSection, resolve_market, run_market
from tokenfab.scenario import load_section, toml_scalar

BAD = MARKET_INPUTS.bad_values()



@pytest.mark.parametrize(("name", "value"), BAD, ids=[f"{n}={v!r}" for n, v in BAD])
def test_scenario_file_refuses_bad_value(tmp_path, name, value):
    f = tmp_path / "bad.toml"
    f.write_text(f"[market]\n{name} = {toml_scalar(value)}\n")
    with pytest.raises(TokenfabError) as e:
        resolve_market(load_section(f, "market", MarketSection))
    assert name in str(e.value)


@pytest.mark.parametrize(("name", "value"), [b for b in BAD if not isinstance(b[1], dict)],
                         ids=[f"{n}={v!r}" for n, v in BAD if not isinstance(v, dict)])
def test_cli_set_refuses_bad_value(capsys, name, value):
    assert main(["market", "--samples", "0", "--set", f"{name}={value}"]) == 2
    err = capsys.readouterr().err
    assert name in err and "Traceback" not in err


def test_cli_set_changes_the_run(capsys):
    assert main(["market", "--samples", "0", "--json"]) == 0
    base = json.loads(capsys.readouterr().out)
    assert main(["market", "--samples", "0", "--set", "ai_spend_share=0.2", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["inputs"]["ai_spend_share"]["value"] == 0.2
    assert d["inputs"]["ai_spend_share"]["kind"] == "user"
    assert d["layers"]["augmentation"]["p50"] == pytest.approx(
        2 * base["layers"]["augmentation"]["p50"])


def test_point_estimate_is_the_likely_value():
    r = run_market(samples=0, sensitivity=False)
    assert r.n == 1
    assert r.pct("power_added_w_per_year")["p50"] == pytest.approx(r.point["power_added_w_per_year"])


def test_it_life_is_a_time_in_si_and_years_for_the_model():
    res = resolve_market(MarketSection.model_validate({"it_life": "4 years"}))
    assert res["it_life"] == pytest.approx(4 * 365.25 * 86400)
    from tokenfab.market import resolve_inputs

    assert resolve_inputs(MarketSection.model_validate({"it_life": "4 years"}))[
        "it_life_years"].value == pytest.approx(4.0)


def test_inputs_table(capsys):
    assert main(["market", "--inputs"]) == 0
    out = capsys.readouterr().out
    for i in MARKET_INPUTS:
        assert f"`{i.name}`" in out
