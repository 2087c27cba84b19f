"""Per-token costs checked against hand calculations from the published architectures."""

from __future__ import annotations

import numpy as np
import pytest

from tokenfab.catalog import load_catalog
from tokenfab.perf.model_costs import experts_touched, model_costs
from tokenfab.perf.roofline import allreduce_time, alltoall_time, link_bandwidth


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def test_llama2_70b_kv_and_attention(cat):
    mc = model_costs(cat.model("llama2-70b"))
    # GQA: 2 (K,V) * 8 kv heads * 128 dims * 80 layers elements per token
    assert mc.kv_elems_per_token == 2 * 8 * 128 * 80
    # 4 * n_q * h FLOPs per context position per layer
    assert mc.attn_flops_decode_per_ctx == 4 * 64 * 128 * 80
    assert mc.kv_shard_max == 8
    # dense: all 69.0B parameters are stored; ~68.7B multiplied per token (no input embedding)
    assert mc.stored_params == pytest.approx(68.98e9, rel=1e-3)
    assert 2 * mc.matmul_params_active == pytest.approx(2 * 68.71e9, rel=1e-3)


def test_deepseek_mla_latent_kv(cat):
    mc = model_costs(cat.model("deepseek-r1"))
    # MLA caches the 512-dim latent plus the 64-dim rotary key per layer (61 layers)
    assert mc.kv_elems_per_token == (512 + 64) * 61
    assert mc.kv_shard_max == 1
    # absorbed decode: 2 * n * (2 r_kv + r_rope) per position per layer
    assert mc.attn_flops_decode_per_ctx == 2 * 128 * (2 * 512 + 64) * 61
    # 256 routed experts, 8 per token; ~37B active (published 37B)
    assert (mc.experts, mc.top_k) == (256, 8)
    assert mc.matmul_params_active == pytest.approx(36.6e9, rel=0.03)


def test_sliding_window_caps_context(cat):
    mc = model_costs(cat.model("gpt-oss-120b"))
    assert mc.window_layers == 18 and mc.window == 128
    # at long context half the layers attend to only 128 tokens
    assert mc.effective_context(10_000) == pytest.approx((18 * 10_000 + 18 * 128) / 36)


def test_experts_touched_limits():
    assert experts_touched(1, 256, 8) == pytest.approx(8.0)
    assert experts_touched(1e6, 256, 8) == pytest.approx(256.0)
    t = experts_touched(np.arange(1, 200), 64, 4)
    assert np.all(np.diff(t) > 0) and np.all(t <= 64)
    assert experts_touched(10, 0, 0) == 0.0


def test_ring_allreduce_hand_value():
    # 1 GB over 8 ranks at 100 GB/s: 2*7/8 * 1e9/1e11 = 17.5 ms, plus 10 us
    assert allreduce_time(1e9, 8, 1e11, 1e-5) == pytest.approx(0.0175 + 1e-5)
    assert allreduce_time(1e9, 1, 1e11, 1e-5) == 0.0
    assert alltoall_time(8e8, 8, 1e11, 0.0) == pytest.approx(7 / 8 * 8e-3)


def test_link_bandwidth_inside_and_across_domains():
    assert link_bandwidth(8, 8, 400e9, 50e9) == pytest.approx(400e9)
    # 16 ranks over two 8-GPU domains: half the peers are remote
    bw = link_bandwidth(16, 8, 400e9, 50e9)
    assert bw == pytest.approx(1 / (0.5 / 400e9 + 0.5 / 50e9))
