"""MoE / MLA physics: hand calculations against published kernel rates and checkpoint layouts."""

from __future__ import annotations

import numpy as np
import pytest

import tokenfab
from tokenfab.catalog import load_catalog
from tokenfab.perf.calibration import SERVING, calibration_for
from tokenfab.perf.engine import Workload, evaluate, stage_time
from tokenfab.perf.model_costs import model_costs
from tokenfab.perf.parallelism import Layouts, weight_bytes_per_accelerator
from tokenfab.perf.precision import dense_precision


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def _one(tp: float, ep: float, pp: float = 1.0) -> Layouts:
    return Layouts(np.array([tp]), np.array([pp]), np.array([ep]))


def test_mla_decode_attention_at_flashmla_rate(cat):
    """Absorbed-MLA decode on Hopper: BF16 math at 0.67 of peak (FlashMLA 660/989 TFLOP/s)
    times c / (c + 535): doubling the kernel efficiency removes exactly half the attention
    compute time, which is checked against a hand value."""
    mc, hw = model_costs(cat.model("deepseek-r1")), cat.hardware("h200-sxm")
    cal = calibration_for("hopper")
    B, ctx = 512.0, 8192.0
    lay = _one(1.0, 8.0)
    args = (mc, hw, cal, "fp8", lay, np.array([B]), np.array([B * mc.decode_attn_flops(ctx)]),
            np.array([B]), ctx)
    t1 = stage_time(*args).total[0]
    t2 = stage_time(mc, hw, calibration_for("hopper", mla_attn_eff=2 * cal.mla_attn_eff),
                    *args[3:]).total[0]
    # hand value: 2 n_q (2 r_kv + r_rope) = 2*128*1088 FLOP per context position and layer
    flops = B * 2 * 128 * (2 * 512 + 64) * 61 * ctx
    t_att = flops / (989e12 * 0.67 * ctx / (ctx + 535.0))
    assert t1 - t2 == pytest.approx(t_att / 2, rel=0.02)
    # FlashMLA-class rate: ~0.6 TFLOP/s-scale per GPU, i.e. > 1 ms per step here
    assert 0.05 < t_att < 0.2


def test_blackwell_mla_uses_fp8_math(cat):
    assert calibration_for("blackwell").mla_math_fp8
    assert not calibration_for("hopper").mla_math_fp8


def test_fp4_moe_checkpoint_keeps_non_expert_weights_fp8(cat):
    """nvidia/DeepSeek-R1-FP4: routed experts NVFP4 (4.5 bits), the rest FP8, embeddings BF16."""
    mc = model_costs(cat.model("deepseek-r1"))
    assert dense_precision("fp4", True) == "fp8" and dense_precision("fp4", False) == "fp4"
    w = weight_bytes_per_accelerator(mc, _one(1.0, 8.0), "fp4")[0]
    hand = ((mc.stored_params_dense - mc.embed_stored_params) * 1.0
            + mc.embed_stored_params * 2.0 + mc.experts * mc.expert_params * 0.5625 / 8)
    assert w == pytest.approx(hand)
    assert 60e9 < w < 70e9  # TRT-LLM blog 3: ~80 GB per B200 incl. activations
    dense = model_costs(cat.model("llama2-70b"))
    w70 = weight_bytes_per_accelerator(dense, _one(1.0, 1.0), "fp4")[0]
    assert w70 < 0.6 * weight_bytes_per_accelerator(dense, _one(1.0, 1.0), "fp8")[0]


def test_in_flight_context_is_length_biased(cat):
    """Variable-length outputs (cv^2 = 1): a request holds its slot for O steps, so in-flight
    sequences average I + O of context; fixed-length requests average I + O/2."""
    mc, hw = model_costs(cat.model("llama3.1-8b")), cat.hardware("h100-sxm")
    cal, lay = calibration_for("hopper"), _one(1.0, 1.0)
    n_in, n_out = 1000.0, 3000.0
    var = evaluate(mc, hw, cal, "fp8", lay, Workload(n_in, n_out), 1, ("aggregated",))
    fix = evaluate(mc, hw, cal, "fp8", lay, Workload(n_in, n_out, input_p99_over_mean=1.0), 1,
                   ("aggregated",))
    kv_var = var["mem_kv"][0] / var["batch"][0]
    kv_fix = fix["mem_kv"][0] / fix["batch"][0]
    assert kv_var / kv_fix == pytest.approx((n_in + n_out) / (n_in + n_out / 2))


def test_attention_dp_prefill_stalls_add_up(cat):
    """Aggregated attention-DP over a ranks: TPOT = t_dec / (1 - rho)^a with rho each rank's
    own prefill share under the round-robin scheduler (TRT-LLM ADP blog: uncoordinated ranks
    stall each other whenever any of them prefills); the ADP-balance scheduler:
    t_dec / (1 - rho / beta)."""
    mc, hw = model_costs(cat.model("deepseek-r1")), cat.hardware("b200")
    cal = calibration_for("blackwell")
    wl = Workload(803.8, 3700.0)
    r = evaluate(mc, hw, cal, "fp4", _one(1.0, 8.0), wl, 8, ("aggregated",), mtp=False)
    a = 8.0
    t_dec = (r["t_compute"] + r["t_memory"] + r["t_comm"] + r["t_overhead"])
    rr, bal = r["adp_balance"] == 0, r["adp_balance"] == 1
    assert rr.any() and bal.any()
    assert np.allclose(r["tpot_s"][rr], t_dec[rr] / (1.0 - r["rho"][rr]) ** a)
    beta = SERVING.adp_balance_ratio
    assert np.allclose(r["tpot_s"][bal], t_dec[bal] / (1.0 - r["rho"][bal] / beta))
    # an 8-way attention-DP replica loses throughput to prefill stalls vs TP8 ranks that
    # prefill together: the per-GPU rate at the best batch stays below the stall-free rate
    stall_free = (r["batch"] / t_dec / 1.0).max()
    assert r["per_acc"][rr].max() < 0.9 * stall_free
    # balancing the ranks recovers most of it
    assert r["per_acc"][bal].max() > 1.1 * r["per_acc"][rr].max()


def test_adp_balance_hand_check_against_blog10(cat):
    """TensorRT-LLM tech blog 10: 8 GB200, DeepSeek-V3, DP8 + EP8, 803 / 3,653 tokens:
    round-robin 25,664 -> ADP balance 34,140 tok/s (1.33x). The engine, same layout and
    workload, offline (no TTFT limit): the best of each scheduler within 1.2-1.45x."""
    mc, hw = model_costs(cat.model("deepseek-v3")), cat.hardware("gb200-nvl72")
    cal = calibration_for("blackwell")
    r = evaluate(mc, hw, cal, "fp4", _one(1.0, 8.0), Workload(803.0, 3653.0), 8,
                 ("aggregated",), mtp=False)
    rr, bal = r["adp_balance"] == 0, r["adp_balance"] == 1
    ratio = r["per_acc"][bal].max() / r["per_acc"][rr].max()
    assert 1.2 <= ratio <= 1.45, ratio
    # by hand at the engine's own prefill share: (1 - rho / beta) / (1 - 8 rho)
    i = int(np.argmax(np.where(rr, r["per_acc"], -1.0)))
    t_dec = r["t_compute"][i] + r["t_memory"][i] + r["t_comm"][i] + r["t_overhead"][i]
    assert r["per_acc"][i] == pytest.approx(r["batch"][i] / t_dec * (1 - r["rho"][i]) ** 8,
                                            rel=1e-6)


def test_adp_balance_only_without_ttft_limit_and_from_its_release():
    kw = dict(precision="fp4", input_tokens=803.8, output_tokens=3886.0)
    off = tokenfab.predict("deepseek-r1", "b200", 8, **kw, interval=False)
    assert off.config["adp_balance"]
    srv = tokenfab.predict("deepseek-r1", "b200", 8, ttft_max_s=2.0, tpot_max_s=0.08, **kw,
                           interval=False)
    assert not srv.config["adp_balance"]
    old = tokenfab.predict("deepseek-r1", "b200", 8, software_date="2025-08", **kw,
                           interval=False)
    assert not old.config["adp_balance"]
    assert old.output_tokens_per_s < off.output_tokens_per_s


def test_mtp_speculative_decoding(cat):
    """DeepSeek-R1 ships one MTP module: near the interactivity limit of plain decoding
    (125 tok/s/user on 8 B200, memory-bound) a step that yields 1 + 0.85 tokens per
    weight pass buys much more than it costs; models without MTP ignore the option."""
    kw = dict(precision="fp4", input_tokens=1024, output_tokens=1024, interactivity_min=125)
    p0 = tokenfab.predict("deepseek-r1", "b200", 8, mtp=False, **kw)
    p1 = tokenfab.predict("deepseek-r1", "b200", 8, mtp=True, **kw)
    pn = tokenfab.predict("deepseek-r1", "b200", 8, **kw)
    assert p0.config["mtp_draft_tokens"] == 0 and p1.config["mtp_draft_tokens"] == 1
    assert p1.output_tokens_per_s > 1.5 * p0.output_tokens_per_s
    assert pn.output_tokens_per_s == pytest.approx(max(p0.output_tokens_per_s,
                                                       p1.output_tokens_per_s))
    q1 = tokenfab.predict("llama3.1-8b", "h100-sxm", 1, precision="fp8", mtp=True)
    q0 = tokenfab.predict("llama3.1-8b", "h100-sxm", 1, precision="fp8", mtp=False)
    assert q1.output_tokens_per_s == q0.output_tokens_per_s
    assert q1.config["mtp_draft_tokens"] == 0


def test_w4a16_on_hardware_without_fp4(cat):
    """FP4 weights on H100 (no FP4 units) run BF16 math (W4A16): a compute-bound expert step
    is twice as slow as the same step at FP8 math would be."""
    mc, hw = model_costs(cat.model("gpt-oss-120b")), cat.hardware("h100-sxm")
    cal = calibration_for("hopper")
    B = np.array([8192.0])
    lay = _one(1.0, 1.0)
    t4 = stage_time(mc, hw, cal, "fp4", lay, B, B * 0.0, B * 0.0, 0.0, phase="prefill")
    t8 = stage_time(mc, hw, cal, "fp8", lay, B, B * 0.0, B * 0.0, 0.0, phase="prefill")
    assert t4.compute[0] > 1.5 * t8.compute[0]
