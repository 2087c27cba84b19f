"""Accuracy against published measurements, and the validate command on unseen files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tokenfab.cli import main
from tokenfab.perf.validate import validate

#: repository copies of the shared public files (validation/public/README.md)
DATA = Path(__file__).resolve().parents[2] / "validation" / "public" / "measured_inference.csv"
needs_data = pytest.mark.skipif(not DATA.exists(), reason="validation/public not present")
#: public MoE measurements gathered for the MoE/MLA work (repo file, scored separately)
EXTRA = Path(__file__).resolve().parents[2] / "validation" / "measured_extra.csv"


@pytest.fixture(scope="module")
def result():
    if not DATA.exists():
        pytest.skip("validation/public not present")
    return validate(DATA)


@needs_data
def test_median_error_below_20_percent(result):
    assert result["n_scored"] >= 40
    assert result["median_abs_pct_error"] <= 20.0, result["by_family"]


@needs_data
def test_no_family_above_30_percent(result):
    for fam, err in result["by_family"].items():
        assert err <= 30.0, (fam, err)


@needs_data
def test_rows_are_predictions_not_copies(result):
    # the measured value never enters: errors are spread, not all zero
    errs = [abs(r["error_pct"]) for r in result["rows"]]
    assert sum(e < 1e-6 for e in errs) == 0
    assert all(r["predicted"] > 0 for r in result["rows"])


def test_extra_moe_file_scored_separately():
    """validation/measured_extra.csv: every row scores; DeepSeek mature-software rows in range.

    Reported, not gated like the shared file: the rows mix 2025-2026 software eras and
    InferenceX recipes (see the file's notes). The gate guards the MoE/MLA physics against
    the 3-6x over-prediction it had: DeepSeek rows from 2025-2026 production software
    (TRT-LLM blog 3 July 2025, blog 10 ADP balance, MLPerf v6.0, InferenceX peaks).
    """
    with open(EXTRA, newline="") as f:
        n_rows = sum(1 for _ in csv.DictReader(f))
    res = validate(EXTRA)
    assert res["skipped"] == [] and res["n_scored"] == n_rows
    by_id = {r["id"]: r for r in res["rows"]}
    mature = [abs(by_id[i]["error_pct"]) for i in ("E001", "E004", "E005", "E006", "E016",
                                                      "E017")]
    print(f"\nmeasured_extra.csv: median |error| {res['median_abs_pct_error']:.1f}% over "
          f"{res['n_scored']} rows; by family {res['by_family']}; DeepSeek mature-software "
          f"rows {sorted(round(e) for e in mature)}")
    assert max(mature) < 100.0, mature  # was 3-6x before the MoE/MLA work
    # the older-software twin of each pair is predicted no lower than the newer one
    assert by_id["E002"]["predicted"] >= by_id["E002"]["measured"]
    assert by_id["E007"]["error_pct"] > by_id["E006"]["error_pct"]


HEADER = ["id", "round", "date", "submitter", "division", "accelerator_id", "family",
          "num_accelerators", "model_id", "precision", "scenario", "input_tokens_mean",
          "output_tokens_mean", "ttft_p99_max_s", "tpot_p99_max_s",
          "interactivity_min_tokens_per_s_per_user", "metric", "value", "source_url",
          "system_description", "notes"]


def _write(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=HEADER)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in HEADER})
    return path


def test_unseen_file_scores_and_skips(tmp_path):
    base = dict(accelerator_id="h100-sxm", family="hopper", model_id="llama3.1-70b",
                precision="fp8", input_tokens_mean="1000", output_tokens_mean="500")
    f = _write(tmp_path / "m.csv", [
        base | dict(id="A", num_accelerators="8", scenario="offline",
                    metric="output_tokens_per_s", value="20000"),
        base | dict(id="B", scenario="interactive", metric="output_tokens_per_s_per_accelerator",
                    interactivity_min_tokens_per_s_per_user="50", value="1000"),
        base | dict(id="C", accelerator_id="z900", num_accelerators="8", scenario="offline",
                    metric="output_tokens_per_s", value="1"),
        base | dict(id="D", num_accelerators="8", scenario="offline", metric="joules",
                    value="1"),
        base | dict(id="E", num_accelerators="8", scenario="server", ttft_p99_max_s="0.0001",
                    tpot_p99_max_s="0.2", metric="output_tokens_per_s", value="1000"),
    ])
    res = validate(f)
    assert [r["id"] for r in res["rows"]] == ["A", "B"]
    reasons = {s["id"]: s["reason"] for s in res["skipped"]}
    assert "z900" in reasons["C"] and "metric" in reasons["D"] and "TTFT" in reasons["E"]
    assert res["rows"][1]["config"]["count"] >= 1  # blank count: engine's choice


def test_cli_validate_json_and_errors(tmp_path, capsys):
    base = dict(accelerator_id="h200-sxm", family="hopper", model_id="llama2-70b",
                precision="fp8", input_tokens_mean="222.3", output_tokens_mean="293",
                num_accelerators="8", scenario="offline", metric="output_tokens_per_s")
    f = _write(tmp_path / "m.csv", [base | dict(id="X", value="34812.1")])
    assert main(["validate", "--data", str(f), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"rows", "median_abs_pct_error", "by_family", "skipped"} <= set(out)
    assert {"id", "predicted", "measured", "error_pct"} <= set(out["rows"][0])
    assert main(["validate", "--data", str(tmp_path / "missing.csv")]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["validate", "--data", str(bad)]) == 2
    assert "missing column" in capsys.readouterr().err


def test_cli_predict_and_pareto(capsys, tmp_path):
    assert main(["predict", "--model", "llama2-70b", "--hardware", "h100-sxm", "--count", "8",
                 "--precision", "fp8", "--ttft-max-s", "2", "--tpot-max-s", "0.2",
                 "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["config"]["tp"] * d["config"]["pp"] * d["config"]["dp"] == 8
    assert main(["predict", "--model", "llama3.1-405b", "--hardware", "h100-sxm",
                 "--count", "1"]) == 2
    assert "does not fit" in capsys.readouterr().err
    assert main(["pareto", "--model", "llama3.1-8b", "--hardware", "h100-sxm", "--json"]) == 0
    pts = json.loads(capsys.readouterr().out)["points"]
    assert len(pts) > 3
    assert main(["pareto", "--model", "llama3.1-8b", "--hardware", "h100-sxm", "--plot",
                 str(tmp_path / "f.svg")]) == 2


# -- malformed cells are refused, naming file, row, column, value and what is allowed (#15) --
_GOOD = dict(id="X", round="r1", accelerator_id="h200-sxm", family="hopper",
             model_id="llama2-70b", precision="fp8", input_tokens_mean="222.3",
             output_tokens_mean="293", num_accelerators="8", scenario="offline",
             metric="output_tokens_per_s", value="34812.1")


@pytest.mark.parametrize("col,raw,allowed", [
    ("value", "inf", "from 0.001 to 1e+09 tokens/s"),
    ("value", "nan", "from 0.001 to 1e+09 tokens/s"),
    ("value", "-5", "from 0.001 to 1e+09 tokens/s"),
    ("value", "1e308", "from 0.001 to 1e+09 tokens/s"),   # was: error_pct -inf in the JSON
    ("value", "1e-320", "from 0.001 to 1e+09 tokens/s"),  # was: error_pct inf in the JSON
    ("value", "", "the cell is empty"),
    ("value", "1,000", "no units or thousands separators"),
    ("input_tokens_mean", "0.5", "from 1 to 1e+07 tokens"),
    ("num_accelerators", "2.5", "a whole number from 1 to 1e+06"),
    ("ttft_p99_max_s", "-inf", "> 0 and <= 1e+06 s (or blank)"),
    ("round", "-inf", "a text label"),                    # was: '-inf' printed in the table
    ("round", "nan", "a text label"),
    ("id", "nan", "a text label"),                        # was: 'nan' printed as the row id
    ("date", "2025-13", "a date YYYY, YYYY-MM or YYYY-MM-DD"),  # was: taken as blank, silently
])
def test_validate_refuses_malformed_cells(tmp_path, capsys, col, raw, allowed):
    f = _write(tmp_path / "m.csv", [_GOOD | dict(id="A"), _GOOD | {"id": "B", col: raw}])
    for extra in ([], ["--json"]):
        assert main(["validate", "--data", str(f), *extra]) == 2
        cap = capsys.readouterr()
        assert cap.out.strip() == ""
        assert "m.csv: row 2 (id " in cap.err and f"{col} = {raw!r}" in cap.err, cap.err
        assert allowed in cap.err and "Traceback" not in cap.err


def test_validate_blank_optional_cells_still_score(tmp_path):
    """Blank optional cells keep their meaning (engine's count, no limits, latest era)."""
    f = _write(tmp_path / "m.csv", [_GOOD | dict(num_accelerators="", metric=
                                                 "output_tokens_per_s_per_accelerator",
                                                 value="4000", round="", date="")])
    res = validate(f)
    assert res["skipped"] == [] and len(res["rows"]) == 1
