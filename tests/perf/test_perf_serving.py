"""predict / pareto: contract, hand-calculated anchors, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tokenfab import pareto, predict
from tokenfab.catalog import load_catalog
from tokenfab.errors import InfeasibleError, TokenfabError, UnknownNameError
from tokenfab.perf.serving import FRONTIER_COLUMNS


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


KEYS = {"output_tokens_per_s", "output_tokens_per_s_per_accelerator", "ttft_s", "tpot_s",
        "interactivity_tokens_per_s_per_user", "tokens_per_s_per_mw", "bottleneck",
        "memory_bytes", "config"}


def test_prediction_contract(cat):
    p = predict("llama2-70b", "h100-sxm", 8, precision="fp8", input_tokens=1024,
                output_tokens=1024, ttft_max_s=2, tpot_max_s=0.2, catalog=cat)
    d = p.to_dict()
    assert KEYS <= set(d)
    assert {"tp", "ep", "pp", "dp", "batch", "precision"} <= set(d["config"])
    assert d["config"]["precision"] == "fp8"
    assert d["output_tokens_per_s"] == pytest.approx(8 * d["output_tokens_per_s_per_accelerator"])
    assert p.tpot_p99_s <= 0.2 and p.ttft_p99_s <= 2
    assert p.interactivity_tokens_per_s_per_user == pytest.approx(1 / p.tpot_s)
    # tokens/s per MW from the catalog's all-in power (1.73 kW per H100)
    assert p.tokens_per_s_per_mw == pytest.approx(
        p.output_tokens_per_s_per_accelerator / 1730 * 1e6)
    assert all(math.isfinite(v) for v in d.values() if isinstance(v, float))


def test_memory_bound_decode_matches_hand_calculation(cat):
    """Batch-1 decode of llama2-70b in BF16 on TP8 H100: weights / (8 x 3.35 TB/s x eff)."""
    p = predict("llama2-70b", "h100-sxm", 8, precision="bf16", input_tokens=128,
                output_tokens=1024, interactivity_min=1, catalog=cat)
    fr = pareto("llama2-70b", "h100-sxm", 8, precision="bf16", input_tokens=128,
                output_tokens=1024, catalog=cat).to_frame()
    fastest = fr.iloc[-1]
    hand = 2 * 68.98e9 / (8 * 3.35e12 * 0.85)  # ~6.1 ms of weight streaming per token
    # never faster than streaming the weights; 160 all-reduces and launch costs add ~4 ms
    assert hand < fastest["tpot_s"] < hand * 2.0
    assert p.output_tokens_per_s_per_accelerator > 0


def test_offline_h100_llama2_70b_close_to_mlperf_v5(cat):
    """MLPerf Inference v5.0, 8x H100, Llama-2-70B offline: 31,306.8 tokens/s (NVIDIA)."""
    p = predict("llama2-70b", "h100-sxm", 8, precision="fp8", input_tokens=222.3,
                output_tokens=291.9, catalog=cat)
    assert p.output_tokens_per_s == pytest.approx(31306.8, rel=0.15)


def test_pareto_frame(cat):
    fr = pareto("llama3.1-8b", "h200-sxm", 8, catalog=cat)
    df = fr.to_frame()
    assert list(df.columns[: len(FRONTIER_COLUMNS)]) == list(FRONTIER_COLUMNS)
    x = df["interactivity_tokens_per_s_per_user"].to_numpy()
    y = df["output_tokens_per_s_per_accelerator"].to_numpy()
    assert np.all(np.diff(x) >= 0)
    assert np.all(np.diff(y) <= 1e-9 * y[0])  # more interactive -> never more throughput
    assert set(df["precision"]) <= {"fp8", "bf16"}
    assert np.isfinite(df.select_dtypes("number").to_numpy()).all()
    mid = float(np.median(x))
    assert fr.throughput_at(mid) == pytest.approx(y[x >= mid].max())
    with pytest.raises(InfeasibleError, match="best achievable"):
        fr.throughput_at(x.max() * 10)


def test_predict_equals_frontier_best(cat):
    fr = pareto("mixtral-8x7b", "h100-sxm", 8, precision="fp8", catalog=cat).to_frame()
    p = predict("mixtral-8x7b", "h100-sxm", 8, precision="fp8", interactivity_min=40,
                catalog=cat)
    best = fr.loc[fr.interactivity_tokens_per_s_per_user >= 40,
                  "output_tokens_per_s_per_accelerator"].max()
    assert p.output_tokens_per_s_per_accelerator == pytest.approx(best)


def test_open_count_chooses_deployment(cat):
    p = predict("deepseek-r1", "gb200-nvl72", precision="fp4", input_tokens=1024,
                output_tokens=1024, interactivity_min=50, catalog=cat)
    assert p.config["count"] >= 1
    assert p.interactivity_tokens_per_s_per_user >= 50


def test_does_not_fit(cat):
    with pytest.raises(InfeasibleError, match="does not fit.*GB usable"):
        predict("llama3.1-405b", "h100-sxm", 2, catalog=cat)


def test_unreachable_slo_reports_best(cat):
    with pytest.raises(InfeasibleError, match="best achievable"):
        predict("llama2-70b", "h100-sxm", 8, tpot_max_s=1e-4, catalog=cat)


@pytest.mark.parametrize("kw,field", [
    ({"input_tokens": -1}, "input_tokens"), ({"output_tokens": 0}, "output_tokens"),
    ({"ttft_max_s": float("nan")}, "ttft_max_s"), ({"precision": "int3"}, "precision"),
    ({"count": 0}, "count"), ({"input_p99_over_mean": 0.5}, "input_p99_over_mean"),
])
def test_bad_input_names_field(cat, kw, field):
    args = {"count": 8} | kw
    count = args.pop("count")
    with pytest.raises(TokenfabError, match=field):
        predict("llama2-70b", "h100-sxm", count, catalog=cat, **args)


def test_unknown_ids(cat):
    with pytest.raises(UnknownNameError, match="did you mean 'h100-sxm'"):
        predict("llama2-70b", "h100-sxn", catalog=cat)
