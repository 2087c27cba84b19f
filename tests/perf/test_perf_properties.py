"""Properties of the engine (hypothesis): monotone in resources and limits, memory-feasible,
finite."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenfab.catalog import load_catalog
from tokenfab.errors import InfeasibleError
from tokenfab.perf import pareto, predict
from tokenfab.perf.serving import sweep

CAT = load_catalog()
CASES = [("llama3.1-8b", "h100-sxm"), ("mixtral-8x7b", "h200-sxm"),
         ("llama2-70b", "b200"), ("deepseek-r1", "gb200-nvl72"), ("qwen3-32b", "mi300x")]
FAST = settings(max_examples=12, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

case = st.sampled_from(CASES)
tokens_in = st.sampled_from([128, 1024, 4096])
tokens_out = st.sampled_from([64, 512, 2048])


def _best(model, hw, count=None, **kw):
    try:
        return predict(model, hw, count, catalog=CAT, **kw).output_tokens_per_s_per_accelerator
    except InfeasibleError:
        return 0.0


@FAST
@given(case, tokens_in, tokens_out, st.sampled_from([10.0, 30.0, 80.0]))
def test_more_accelerators_never_lower_throughput(c, n_in, n_out, inter):
    model, hw = c
    dom = CAT.hardware(hw).scaleup_domain_size
    small = _best(model, hw, dom, input_tokens=n_in, output_tokens=n_out,
                  interactivity_min=inter, disaggregated=False)
    big = _best(model, hw, 2 * dom, input_tokens=n_in, output_tokens=n_out,
                interactivity_min=inter, disaggregated=False)
    assert big >= small * (1 - 1e-9)


@FAST
@given(case, tokens_in, tokens_out, st.sampled_from([1.5, 2.0, 4.0]))
def test_more_bandwidth_never_lowers_frontier(c, n_in, n_out, k):
    model, hw_id = c
    hw = CAT.hardware(hw_id)
    fast = replace(hw, hbm_bw_bytes_per_s=hw.hbm_bw_bytes_per_s * k,
                   scaleup_bw_bytes_per_s_unidir=hw.scaleup_bw_bytes_per_s_unidir * k)
    m = CAT.model(model)
    for inter in (5.0, 40.0):
        a = _best(m, hw, input_tokens=n_in, output_tokens=n_out, interactivity_min=inter)
        b = _best(m, fast, input_tokens=n_in, output_tokens=n_out, interactivity_min=inter)
        assert b >= a * (1 - 1e-9)


@FAST
@given(case, tokens_in, tokens_out, st.floats(0.01, 0.3), st.floats(0.2, 0.95))
def test_tighter_tpot_never_raises_throughput(c, n_in, n_out, tpot, shrink):
    model, hw = c
    loose = _best(model, hw, input_tokens=n_in, output_tokens=n_out, tpot_max_s=tpot)
    tight = _best(model, hw, input_tokens=n_in, output_tokens=n_out, tpot_max_s=tpot * shrink)
    assert tight <= loose * (1 + 1e-9)


@FAST
@given(case, st.floats(5, 200), st.floats(1.05, 3.0))
def test_higher_interactivity_never_raises_throughput(c, inter, k):
    model, hw = c
    fr = pareto(model, hw, catalog=CAT, input_tokens=1024, output_tokens=512)
    lo = fr.to_frame()["interactivity_tokens_per_s_per_user"].max()
    if inter * k > lo:
        return
    assert fr.throughput_at(inter * k) <= fr.throughput_at(inter)


@FAST
@given(case, tokens_in, tokens_out)
def test_memory_never_exceeded_and_outputs_finite(c, n_in, n_out):
    model, hw_id = c
    hw = CAT.hardware(hw_id)
    df, _, _ = sweep(model, hw, precisions=["fp8", "bf16"], input_tokens=n_in,
                     output_tokens=n_out, catalog=CAT)
    used = df["mem_weights"] + df["mem_kv"]
    assert (used <= hw.hbm_capacity_bytes * 0.9 + 1).all()
    num = df.select_dtypes("number").to_numpy()
    assert np.isfinite(num).all()
    assert (df["per_acc"] > 0).all() and (df["tpot_s"] > 0).all() and (df["ttft_s"] > 0).all()


@pytest.mark.parametrize("model,hw", CASES)
def test_prediction_memory_breakdown_fits(model, hw):
    p = predict(model, hw, catalog=CAT, precision="fp8")
    m = p.memory_bytes
    assert m["used"] <= m["capacity"] * (1 + 1e-9)
