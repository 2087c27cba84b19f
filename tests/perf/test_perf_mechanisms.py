"""Hand checks of the mechanisms added for out-of-sample accuracy, and deployability."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from tokenfab.catalog import load_catalog
from tokenfab.cli import main
from tokenfab.perf import pareto, predict
from tokenfab.perf.calibration import CALIBRATION, SERVING
from tokenfab.perf.engine import ep_imbalance, mtp_tokens_per_step, peak_sustained
from tokenfab.perf.inputs import PREDICT_INPUTS
from tokenfab.perf.power import sustained_fraction

CAT = load_catalog()


# -- power-capped sustained clocks --------------------------------------------------------
def test_power_cap_hand_check_mi325x_vs_mi300x():
    w = CALIBRATION["cdna3"].watts_per_pflops
    k300 = sustained_fraction(750.0, 2.615e15, "fp8", w)
    k325 = sustained_fraction(1000.0, 2.615e15, "fp8", w)
    assert k300 == pytest.approx(750.0 / (w * 2.615), rel=1e-12)
    assert k325 == 1.0
    assert k325 / k300 == pytest.approx(1.29, abs=0.02)


def test_mi325x_faster_than_mi300x_when_compute_bound():
    """Same die and datasheet peak: the engine now gives MI325X ~1.2-1.3x on a compute-bound
    run (MLPerf v6.0 llama2-70b offline measures 33,880 vs 27,072-27,599 tok/s)."""
    kw = dict(precision="fp8", input_tokens=222.3, output_tokens=294.45, interval=False)
    a = predict("llama2-70b", "mi300x", 8, **kw).output_tokens_per_s
    b = predict("llama2-70b", "mi325x", 8, **kw).output_tokens_per_s
    assert 1.15 <= b / a <= 1.4


def test_power_cap_b300_vs_b200():
    cal = CALIBRATION["blackwell"]
    b200, b300 = CAT.hardware("b200"), CAT.hardware("b300")
    # B300 lists 1.5x the FP4 peak at 1.1x the power: it sustains ~1.1x, not 1.5x
    w = cal.watts_per_pflops
    k200 = min(1.0, 1000.0 / (w * 0.5 * 9.0))
    k300 = min(1.0, 1100.0 / (w * 0.5 * 13.5))
    r = peak_sustained(b300, cal, "fp4") / peak_sustained(b200, cal, "fp4")
    assert r == pytest.approx(13.5 * k300 / (9.0 * k200), rel=1e-9)
    assert 1.05 <= r <= 1.15
    assert sustained_fraction(1000.0, 9e15, "fp4", 0.0) == 1.0  # no cap when w = 0


# -- per-step overheads --------------------------------------------------------------------
def test_per_sequence_overhead_slows_small_models_more():
    from dataclasses import replace

    import tokenfab.perf.engine as eng

    kw = dict(precision="fp8", input_tokens=870.7, output_tokens=128, interval=False)
    base8 = predict("llama3.1-8b", "h200-sxm", 8, **kw).output_tokens_per_s
    base70 = predict("llama2-70b", "h200-sxm", 8, **kw).output_tokens_per_s
    old = eng.SERVING
    try:
        eng.SERVING = replace(old, seq_overhead_s=0.0)
        free8 = predict("llama3.1-8b", "h200-sxm", 8, **kw).output_tokens_per_s
        free70 = predict("llama2-70b", "h200-sxm", 8, **kw).output_tokens_per_s
    finally:
        eng.SERVING = old
    assert free8 / base8 > free70 / base70 > 1.0


# -- MoE tail: the busiest expert-parallel rank -------------------------------------------
def test_ep_imbalance_hand_check():
    # 8 ranks, 64 token copies per rank: 1.2 * (1 + sqrt(2 ln 8) * sqrt(7/8 / 64))
    expect = SERVING.ep_load_imbalance * (1 + math.sqrt(2 * math.log(8)) * math.sqrt(7 / 8 / 64))
    assert float(ep_imbalance(np.array(8.0), np.array(64.0))) == pytest.approx(expect)
    assert float(ep_imbalance(np.array(1.0), np.array(5.0))) == 1.0
    # large steps average out: the excess vanishes
    assert float(ep_imbalance(np.array(8.0), np.array(1e8))) == pytest.approx(
        SERVING.ep_load_imbalance, rel=1e-3)


def test_moe_server_latency_worse_than_offline_per_token():
    p = predict("deepseek-r1", "b200", 8, precision="fp4", input_tokens=800, output_tokens=3900,
                ttft_max_s=2.0, tpot_max_s=0.08, interval=False)
    assert p.tpot_p99_s <= 0.08


# -- MTP with n draft tokens ---------------------------------------------------------------
def test_mtp_tokens_per_step_hand_check():
    a = SERVING.mtp_acceptance_by_position
    assert mtp_tokens_per_step(0) == 1.0
    assert mtp_tokens_per_step(1) == pytest.approx(1 + a[0])
    assert mtp_tokens_per_step(2) == pytest.approx(1 + a[0] + a[0] * a[1])
    assert mtp_tokens_per_step(3) == pytest.approx(1 + a[0] + a[0] * a[1] + a[0] * a[1] * a[2])


def test_mtp_draft_tokens_raise_interactivity():
    kw = dict(precision="fp4", input_tokens=1024, output_tokens=1024, mtp=True, interval=False)
    one = predict("deepseek-r1", "b200", 8, mtp_draft_tokens=1, **kw)
    fr1 = pareto("deepseek-r1", "b200", 8, precision="fp4", mtp=True, mtp_draft_tokens=1)
    fr3 = pareto("deepseek-r1", "b200", 8, precision="fp4", mtp=True, mtp_draft_tokens=3)
    top1 = fr1.points["interactivity_tokens_per_s_per_user"].max()
    top3 = fr3.points["interactivity_tokens_per_s_per_user"].max()
    assert top3 > top1 and one.config["mtp_draft_tokens"] == 1


# -- prefix caching ------------------------------------------------------------------------
def test_prefix_cache_cuts_ttft_by_the_hit_share():
    kw = dict(precision="fp8", input_tokens=8000, output_tokens=200, interval=False,
              disaggregated=False, max_batch_per_accelerator=1)
    cold = predict("llama3.1-8b", "h100-sxm", 1, **kw)
    warm = predict("llama3.1-8b", "h100-sxm", 1, prefix_cache_hit=0.75, **kw)
    assert warm.ttft_s < 0.5 * cold.ttft_s
    assert warm.output_tokens_per_s > cold.output_tokens_per_s


@pytest.mark.parametrize("bad", [-0.1, 1.0, 1.5])
def test_prefix_cache_bounds(bad):
    from tokenfab.errors import TokenfabError

    with pytest.raises(TokenfabError, match="prefix_cache_hit"):
        predict("llama3.1-8b", "h100-sxm", 1, prefix_cache_hit=bad)


@pytest.mark.parametrize("name,value", PREDICT_INPUTS.bad_values())
def test_bad_set_values_exit_2(name, value, capsys):
    if isinstance(value, dict):
        pytest.skip("ranges are refused by the scenario loader (not a --set spelling)")
    assert main(["predict", "--model", "llama3.1-8b", "--hardware", "h100-sxm", "--set",
                 f"{name}={value}"]) == 2
    assert name in capsys.readouterr().err


# -- deployable configurations -------------------------------------------------------------
def test_issue_example_is_deployable():
    p = predict("gpt-oss-120b", "gb200-nvl72", precision="fp4", interactivity_min=100)
    d, c = p.deployment, p.config
    assert d["accelerators"] % 72 == 0 and d["systems"] * 72 == d["accelerators"]
    assert c["count"] == d["accelerators"]
    assert float(c["prefill_accelerators"]).is_integer()
    assert d["accelerators_used"] <= d["accelerators"]
    assert d["decode_replicas"] * d["replica_accelerators"] + d["prefill_accelerators"] \
        == d["accelerators_used"]
    assert c["tp"] <= 72


def test_frontier_points_are_deployable():
    fr = pareto("deepseek-r1", "h200-sxm", precision="fp8")
    df = fr.to_frame()
    assert (df["tp"] <= 8).all()
    assert (df["count"] % 8 == 0).all() | (df["count"] <= 8).all()


def test_tp_stays_in_the_domain_unless_asked():
    kw = dict(precision="fp8", input_tokens=32768, output_tokens=1024, interval=False)
    p = predict("llama3.1-405b", "h100-sxm", 32, **kw)
    assert p.config["tp"] <= 8
    q = predict("llama3.1-405b", "h100-sxm", 32, tp_across_domains=True, **kw)
    assert q.output_tokens_per_s >= p.output_tokens_per_s * 0.999


# -- intervals and the JSON contract ------------------------------------------------------
def test_predict_json_keys_and_interval_order(capsys):
    assert main(["predict", "--model", "llama2-70b", "--hardware", "h100-sxm", "--count", "8",
                 "--ttft-max-s", "2", "--tpot-max-s", "0.2", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    for k in ("output_tokens_per_s_per_accelerator_p10", "output_tokens_per_s_per_accelerator_p90",
              "output_tokens_per_s_p10", "output_tokens_per_s_p90", "software_date",
              "deployment"):
        assert k in d
    assert (d["output_tokens_per_s_per_accelerator_p10"] <= d["output_tokens_per_s_per_accelerator"]
            <= d["output_tokens_per_s_per_accelerator_p90"])
    assert d["deployment"]["systems"] == 1 and d["deployment"]["accelerators"] == 8


def test_offline_interval_is_the_speed_quantiles():
    from tokenfab.perf.serving import interval_scales

    p = predict("llama2-70b", "h200-sxm", 8)
    lo, hi = interval_scales(CAT.hardware("h200-sxm"), model_id="llama2-70b")
    assert p.output_tokens_per_s_per_accelerator_p10 == pytest.approx(
        p.output_tokens_per_s_per_accelerator * lo)
    assert p.output_tokens_per_s_p90 == pytest.approx(p.output_tokens_per_s * hi)
    assert lo < 1.0 < hi


def test_docs_inputs_table_is_generated():
    """docs/perf.md shows the [predict] inputs exactly as PREDICT_INPUTS declares them."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "perf.md").read_text()
    assert PREDICT_INPUTS.markdown_table() in doc


def test_predict_section_fields_come_from_the_inputs():
    from tokenfab.perf.claims import PredictSection

    assert set(PREDICT_INPUTS.names) <= set(PredictSection.model_fields)


def test_scenario_claims_are_graded(tmp_path):
    from tokenfab.perf.claims import run_scenario

    f = tmp_path / "s.toml"
    f.write_text('''
[predict]
model = "llama2-70b"
hardware = "h100-sxm"
count = 8

[[claims]]
id = "fast"
text = "8 H100 serve llama2-70b at >= 1,000 tok/s per GPU"
source = "test"
quantity = "prediction.output_tokens_per_s_per_accelerator"
comparison = { kind = "at_least", target = 1000 }
''')
    out = run_scenario(f)
    (finding,) = out["findings"]
    assert finding["verdict"] == "supported" and finding["value"] > 1000
