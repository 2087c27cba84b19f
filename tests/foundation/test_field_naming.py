"""Bad ids and out-of-range values in scenario files, flags and API calls name their field
(issue 15: "every rejection naming field, value and what is allowed"). Each case was a
fuzz finding (tests/fuzz/known_failures.txt) or a known gap of the long run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tokenfab
from tokenfab.cli import main
from tokenfab.errors import ManyErrors, TokenfabError

SCEN = Path(__file__).resolve().parents[2] / "scenarios" / "interview"


def _mutated(tmp_path: Path, name: str, section: str, field: str, value: str) -> Path:
    """``scenarios/interview/<name>.toml`` with ``field`` of ``[section]`` set to ``value``."""
    out, inside, done = [], False, False
    for line in (SCEN / f"{name}.toml").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            if inside and not done:
                out.append(f"{field} = {value}")
                done = True
            inside = line.strip() == f"[{section}]"
        if inside and re.match(rf"{re.escape(field)}\s*=", line):
            line, done = f"{field} = {value}", True
        out.append(line)
    if inside and not done:
        out.append(f"{field} = {value}")
    p = tmp_path / "s.toml"
    p.write_text("\n".join(out) + "\n", encoding="utf-8")
    return p


@pytest.mark.parametrize("cmd,name,section,field,value,wants", [
    # unknown ids: the message names the field, not only the value
    ("factory", "free_asic", "factory", "vs", '"h1000"',
     ["factory.vs: unknown accelerator 'h1000'; did you mean 'h100-sxm'?"]),
    ("factory", "two_gw_factory", "factory", "vs", '"50 tok/s"',
     ["factory.vs: unknown accelerator '50 tok/s'"]),
    ("predict", "blackwell_30x", "predict", "baseline_hardware", '"h1000"',
     ["predict.baseline_hardware: unknown accelerator 'h1000'; did you mean 'h100-sxm'?"]),
    ("predict", "blackwell_30x", "predict", "baseline_hardware", '""',
     ["predict.baseline_hardware: must be a catalog accelerator id", "not empty"]),
    ("plan", "stargate", "plan", "reference_system", '"h1000"',
     ["plan.reference_system: unknown accelerator 'h1000'"]),
    ("cluster", "colossus2", "cluster", "checkpoint_model", '"h1000"',
     ["cluster.checkpoint_model: unknown model 'h1000'"]),
    ("cluster", "colossus2", "cluster", "checkpoint_model", '""',
     ["cluster.checkpoint_model: must be a catalog id", "not empty"]),
    # the engine's 'count' is the section's baseline_count for the baseline
    ("predict", "blackwell_30x", "predict", "baseline_count", "1",
     ["predict.baseline_count: gpt-moe-1.8t does not fit on 1 x h100-sxm"]),
    # claimed_ratio: declared bounds (was: 1e308 and 0 accepted, nan/-1 named 'comparison')
    *[("predict", "blackwell_30x", "predict", "claimed_ratio", v,
       ["predict.claimed_ratio: must be a finite ratio > 0 and <= 10000"])
      for v in ("0", "-1", "nan", "inf", "1e308")],
    # input_tokens: the engine's bounds (1 to 1e9 tokens)
    ("factory", "free_asic", "factory", "input_tokens", "99999999999",
     ["factory.input_tokens: must be a whole number of tokens from 1 to 1,000,000,000"]),
    ("factory", "free_asic", "factory", "output_tokens", "0",
     ["factory.output_tokens: must be a whole number of tokens from 1"]),
])
def test_scenario_field_is_named(tmp_path, capsys, cmd, name, section, field, value, wants):
    p = _mutated(tmp_path, name, section, field, value)
    assert main([cmd, str(p), "--json"]) == 2
    err = capsys.readouterr().err
    for w in wants:
        assert w in err, err
    assert "Traceback" not in err


def test_context_too_long_names_the_token_fields(tmp_path, capsys):
    """A context that does not fit says which inputs made the sequence long."""
    p = _mutated(tmp_path, "free_asic", "factory", "input_tokens", "10000000")
    assert main(["factory", str(p), "--json"]) == 2
    err = capsys.readouterr().err
    assert "input_tokens + output_tokens = 10,000,000 + 1,024 tokens" in err, err


@pytest.mark.parametrize("argv", [["sweep", "run", "", "--out", "o"], ["factory", ""],
                                  ["predict", "  "], ["cluster", ""], ["plan", ""]])
def test_empty_scenario_path_is_named(tmp_path, capsys, monkeypatch, argv):
    """'' is not read as the current folder ("'.': is a directory")."""
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "the path is empty" in err and "TOML" in err and "'.'" not in err, err


def test_cli_output_tokens_at_least_one(capsys):
    """1e-320 output tokens gave NaN latencies; now below the declared bound (>= 1 token)."""
    assert main(["predict", "--model", "llama2-70b", "--output-tokens", "1e-320",
                 "--hardware", "gaudi3"]) == 2
    err = capsys.readouterr().err
    assert "output_tokens: must be >= 1" in err and "1e-320" in err, err


# -- the Python API: every wrong argument named, all of them at once -----------------------
@pytest.mark.parametrize("fn", [tokenfab.predict, tokenfab.pareto])
def test_api_names_every_bad_argument(fn):
    with pytest.raises(ManyErrors) as e:
        fn("llama3.1-70b", "h100-sxm", precision=8, calibration="x")
    msg = str(e.value)
    assert msg.startswith("2 bad arguments: precision: must be one of fp4, fp8, bf16")
    assert "got 8" in msg and "calibration: must be a tokenfab.perf.calibration." in msg
    assert "'x'" in msg
    with pytest.raises(ManyErrors) as e:
        fn(123, "h1000", precision="fp3", count=0)
    names = [x.field for x in e.value.errors]
    assert names == ["model", "hardware", "precision", "count"], names


@pytest.mark.parametrize("era", [1024, "1024", 2025.5])
def test_api_era_of_wrong_type_is_named(era):
    """``era`` given a number raised AttributeError deep in the engine."""
    with pytest.raises(TokenfabError, match=r"^era: must be a tokenfab\.perf\.era\.EraFit"):
        tokenfab.predict("llama2-70b", "h100-sxm", era=era)


@pytest.mark.parametrize("kw", [dict(output_tokens=1e-320), dict(input_tokens=0.5),
                                dict(output_tokens=True)])
def test_api_tokens_at_least_one(kw):
    (name, v), = kw.items()
    with pytest.raises(TokenfabError, match=rf"^{name}: must be"):
        tokenfab.predict("llama2-70b", "h100-sxm", **kw)


def test_api_good_call_unchanged():
    """The checks do not change a valid call's answer (>= 1 token is the boundary)."""
    p = tokenfab.predict("llama2-70b", "h100-sxm", 8, input_tokens=1, output_tokens=1,
                         interval=False)
    assert p.output_tokens_per_s_per_accelerator > 0


# -- found by the 10,000-case run after the fixes above ------------------------------------
@pytest.mark.parametrize("argv,wants", [
    # --inputs used to print the table and ignore the other flags
    (["plan", "--inputs", "--seed", "-1"], "seed: must be a whole number >= 0"),
    (["plan", "--inputs", "--samples", "-1"], "samples: must be 0"),
    (["predict", "--inputs", "--json", "--tpot-max-s", "nan"], "tpot_max_s"),
    (["predict", "--inputs", "--output-tokens", "1e400"], "output_tokens"),
    (["factory", "--power", "2 GW", "--hardware", "gb200-nvl72", "--inputs",
      "--interactivity", "-1e9"], "interactivity: must be > 0"),
    (["factory", "--inputs", "--price", "-1"], "--price: must be > 0"),
    (["factory", "--inputs", "--seed", "-1"], "seed: must be a whole number >= 0"),
    # a count beyond any site (1e11 ran and printed 2e14 tok/s)
    (["predict", "--model", "llama2-70b", "--hardware", "h100-sxm", "--count", "100000000000"],
     "--count"),
    # a directory given as the scenario / spec file
    (["sweep", "run", "/", "-o", "o"], "'SPEC.toml': '/' is a directory"),
    (["factory", "/"], "'/' is a directory"),
    # a sweep directory whose name is too long for the file system (was: OSError traceback)
    (["sweep", "query", "x" * 300, "select 1"], "DIR: cannot open"),
])
def test_long_run_findings_are_rejected_with_the_field(tmp_path, capsys, monkeypatch, argv,
                                                       wants):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert wants in err and "Traceback" not in err, err


def test_inputs_alone_still_lists(capsys):
    assert main(["plan", "--inputs", "--json"]) == 0 and capsys.readouterr().out.startswith("[")
    assert main(["factory", "--inputs"]) == 0 and "power" in capsys.readouterr().out


def test_baseline_count_beyond_any_site(tmp_path, capsys):
    p = _mutated(tmp_path, "blackwell_30x", "predict", "baseline_count", "100000000000")
    assert main(["predict", str(p), "--json"]) == 2
    assert ("predict.baseline_count: must be a whole number of accelerators from 1 to "
            "10,000,000") in capsys.readouterr().err


def test_plot_name_with_a_newline_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["pareto", "--model", "llama2-70b", "--hardware", "h100-sxm", "--plot",
                 "x\ny.png"]) == 2
    assert "--plot: the path contains control characters ('\\n')" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_api_workload_errors_all_named():
    with pytest.raises(ManyErrors) as e:
        tokenfab.pareto("llama3.1-405b", "b300", input_tokens=0.001, software_date=0.001,
                        prefix_cache_hit=1e308)
    assert [x.field for x in e.value.errors] == ["software_date", "input_tokens",
                                                 "prefix_cache_hit"]
    assert "got 0.001" in str(e.value) and "got 1e+308" in str(e.value)


def test_slo_infeasible_names_the_request_shape(tmp_path, capsys):
    """1 output token per 32k-token prompt: the limits fail because of the workload, and the
    message says which workload (it named only the limits)."""
    p = _mutated(tmp_path, "blackwell_30x", "predict", "output_tokens", "1")
    assert main(["predict", str(p), "--json"]) == 2
    err = capsys.readouterr().err
    assert "meets the limits for input_tokens = 32,768, output_tokens = 1; p99 TPOT" in err, err


@pytest.mark.parametrize("fn", [tokenfab.predict, tokenfab.pareto])
def test_disaggregated_on_one_accelerator_is_an_answer(fn):
    """Fresh-seed long run: count=1 with disaggregated=True left no operating point and
    formatting the max-batch message with None raised TypeError."""
    with pytest.raises(TokenfabError, match=r"^disaggregated: no disaggregated configuration "
                                            r"of llama2-70b on 1 x h100-sxm: separate prefill"):
        fn("llama2-70b", "h100-sxm", 1, disaggregated=True)


def test_disaggregated_on_one_accelerator_cli(capsys):
    assert main(["predict", "--model", "llama2-70b", "--hardware", "h100-sxm", "--tpot-max-s",
                 "8", "--count", "1", "--disaggregated"]) == 2
    assert "disaggregated: no disaggregated configuration" in capsys.readouterr().err
