"""`tokenfab catalog ...`: tables, JSON with sources, and the unknown-id message."""

import json

from tokenfab.cli import main
from tokenfab.errors import did_you_mean

from .test_catalog_loader import REQUIRED_HW, REQUIRED_MODELS


def test_hardware_json_lists_every_id_with_fields_and_sources(capsys):
    assert main(["catalog", "hardware", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {r["id"]: r for r in rows}
    assert set(REQUIRED_HW) <= set(by_id)
    h100 = by_id["h100-sxm"]
    assert h100["hbm_bw_bytes_per_s"] == 3.35e12
    assert h100["sources"]["hbm_bw_bytes_per_s"]["kind"] == "spec"
    assert h100["sources"]["hbm_bw_bytes_per_s"]["source"].startswith("http")


def test_models_json_includes_derived_parameter_counts(capsys):
    assert main(["catalog", "models", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert set(REQUIRED_MODELS) <= set(rows)
    # DeepSeek-V3: 671B total (main model, MTP excluded), DeepSeek-V3 technical report
    assert abs(rows["deepseek-v3"]["derived_total_params"] / 671e9 - 1) < 0.02


def test_tables_print(capsys):
    assert main(["catalog", "hardware"]) == 0
    out = capsys.readouterr().out
    assert "gb200-nvl72" in out and "tpu-v7" in out
    assert main(["catalog", "models"]) == 0
    assert "qwen3-235b-a22b" in capsys.readouterr().out
    assert main(["catalog", "show", "mi355x"]) == 0
    assert "HBM bandwidth bytes per s" in capsys.readouterr().out  # field names in words


def test_unknown_id_message_and_exit_code(capsys):
    assert main(["catalog", "show", "h1000"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        "error: unknown accelerator 'h1000'; did you mean 'h100-sxm'? "
        "('tokenfab catalog hardware' lists them)")
    assert main(["catalog", "show", "deepseek-r2"]) == 2
    assert "did you mean 'deepseek-r1'" in capsys.readouterr().err


def test_bad_flag_is_a_usage_error_with_exit_2(capsys):
    assert main(["catalog", "hardware", "--jsn"]) == 2
    err = capsys.readouterr().err
    assert "No such option" in err and "Traceback" not in err


def test_did_you_mean_prefers_prefix_and_shared_words():
    assert did_you_mean("h100", ["h100-sxm", "h200-sxm"]) == "h100-sxm"
    assert did_you_mean("hbm_bandwidth", ["hbm_bw_bytes_per_s", "tdp_w"]) == "hbm_bw_bytes_per_s"
    assert did_you_mean("zzz", ["h100-sxm"]) is None
