"""``tokenfab demand`` and ``tokenfab demand fit`` through tokenfab.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokenfab.cli import main

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "interview" / "three_scaling_laws.toml"


def _json(capsys, argv):
    rc = main(argv)
    out = capsys.readouterr().out
    assert rc == 0, out
    return json.loads(out)


def test_demand_json_rows(capsys):
    d = _json(capsys, ["demand", "--json", "--years", "2025:2027", "--samples", "50"])
    assert [r["year"] for r in d["years"]] == [2025, 2026, 2027]
    for r in d["years"]:
        for k in ("pretraining_flops", "post_training_flops", "inference_flops", "tokens",
                  "accelerators", "gw", "capex_usd"):
            assert r[k] > 0, k
    dec = d["growth_decomposition"]
    assert set(dec["inference"]["factors"]) == {"users", "queries_per_user", "tokens_per_query",
                                                 "api_uplift", "flops_per_token"}
    assert dec["claim"]["multiple"] == 1e9


def test_demand_fit_subcommand(capsys):
    d = _json(capsys, ["demand", "fit", "--json"])
    names = [f["name"] for f in d["fits"]]
    assert "google_monthly_tokens (all points)" in names
    assert main(["demand", "fit"]) == 0
    assert "Exponential growth fits" in capsys.readouterr().out


def test_demand_with_scenario_file_positional_and_plot(capsys, tmp_path):
    if not SCENARIO.exists():
        pytest.skip("scenario file not present")
    png = tmp_path / "demand.png"
    d = _json(capsys, ["demand", str(SCENARIO), "--json", "--samples", "40", "--plot", str(png)])
    assert d["scenario"]["title"]
    assert png.stat().st_size > 10_000
    # options before the file work too, and the table output runs
    assert main(["demand", "--samples", "0", "--years", "2025:2026", str(SCENARIO)]) == 0
    assert "Compute demand and supply" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["demand", "--years", "2030:2025"], "--years"),
    (["demand", "--years", "soon"], "FIRST:LAST"),
    (["demand", "--samples", "-3"], "samples: must be 0"),
    (["demand", "--set", "users=-3"], "--set users: must be >= 0"),
    (["demand", "--set", "userz=3"], "did you mean 'users'"),
    (["demand", "missing.toml"], "not found"),
])
def test_bad_flags_exit_2(capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("body, message", [
    ("[demand]\nusers = -5\n", "demand.users: must be >= 0"),
    ("[demand]\nuserz = 5\n", "did you mean 'users'"),
    ("[demand.growth]\nfrontier_runs = { curve = 'logistic', rate = 1.0 }\n",
     "demand.growth.frontier_runs.ceiling: a logistic curve needs a 'ceiling'"),
    ("[demand.growth]\nusers = { rate = -2 }\n", "demand.growth.users.rate: must be > -1"),
    ("[demand]\nmodel = 'llama9'\n", "demand.model: unknown model"),
    ("[demand]\nrl_mode = 'magic'\n", "demand.rl_mode"),
    ("[demand]\nusers = 0\n", "demand.users: is 0 in 2025"),
    ("[demand]\nfrontier_runs_per_year = 0\n", "demand.frontier_runs_per_year: is 0"),
])
def test_bad_scenario_exit_2(capsys, tmp_path, body, message):
    f = tmp_path / "bad.toml"
    f.write_text(body)
    assert main(["demand", str(f), "--samples", "0", "--years", "2025:2026"]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert "Traceback" not in err


def test_single_year_has_no_horizon(capsys):
    d = _json(capsys, ["demand", "--json", "--years", "2025:2025", "--samples", "0"])
    assert len(d["years"]) == 1
    assert d["growth_decomposition"]["claim"]["required_rate_per_year"] is None
    assert main(["demand", "--years", "2025:2025", "--samples", "0"]) == 0
    assert "has no horizon" in capsys.readouterr().out


def test_inputs_lists_every_input_with_its_source(capsys):
    from tokenfab.demand.inputs import DEMAND_INPUTS

    assert main(["demand", "--inputs"]) == 0
    out = capsys.readouterr().out
    for name in DEMAND_INPUTS.names:
        assert f"`{name}`" in out, name
    assert "chinchilla_tokens_per_param" in out


def test_save_scenario_round_trip(capsys, tmp_path):
    saved = tmp_path / "resolved.toml"
    a = _json(capsys, ["demand", "--json", "--samples", "0", "--years", "2025:2027",
                       "--set", "users=1.1e9", "--save-scenario", str(saved)])
    text = saved.read_text()
    assert "users = 1100000000.0" in text
    assert "# catalog chinchilla_tokens_per_param" in text  # a default's source as a comment
    b = _json(capsys, ["demand", str(saved), "--json", "--samples", "0"])
    assert a["years"] == b["years"]
