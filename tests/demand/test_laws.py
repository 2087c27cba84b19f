"""The three scaling laws against published figures and hand calculations."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfab.catalog import load_catalog
from tokenfab.demand import laws
from tokenfab.perf.model_costs import model_costs


def test_6nd_reproduces_chinchilla_and_behemoth():
    # Chinchilla: 70B params, 1.4T tokens; Hoffmann et al. 2022 Table 3 gives 5.76e23 FLOP
    # (their count includes attention; 6ND = 5.88e23, within 2.1%).
    assert laws.pretraining_flops(70e9, 1.4e12) == pytest.approx(5.76e23, rel=0.025)
    # Llama 4 Behemoth: 6 x 288B active x 30T tokens = 5.18e25 FLOP (Epoch AI dataset)
    assert laws.pretraining_flops(288e9, 30e12) == pytest.approx(5.18e25, rel=0.002)


def test_chinchilla_allocation_inverts_6nd():
    n, d = laws.chinchilla_allocation(5.88e23, 20.0)
    assert float(n) == pytest.approx(70e9, rel=1e-9)
    assert float(d) == pytest.approx(1.4e12, rel=1e-9)
    # vectorized, and over-training (r = 200) gives a smaller model for the same compute
    n2, _ = laws.chinchilla_allocation(np.array([5.88e23, 5.88e23]), np.array([20.0, 200.0]))
    assert n2[1] == pytest.approx(n2[0] / np.sqrt(10.0))


def test_rl_from_ratio_and_rollouts_hand_calc():
    # DeepSeek-R1: RL ~5% of the base model's cost
    assert laws.rl_flops_from_ratio(3e24, 0.05) == pytest.approx(1.5e23)
    # 1e6 rollouts x 10k tokens x 37e9 active x (2 + 6 x 0.5) = 1.85e21 FLOP
    assert laws.rl_flops_from_rollouts(1e6, 1e4, 37e9, 0.5) == pytest.approx(1e10 * 37e9 * 5.0)


def test_tree_nodes_full_tree_and_beam():
    assert laws.tree_nodes(2, 3, 1.0) == pytest.approx(2 + 4 + 8)
    # Tree of Thoughts BFS: beam of 5 kept (of 25) over 3 steps -> 15 expanded states
    assert laws.tree_nodes(5, 3, 0.2) == pytest.approx(15.0)
    got = laws.tree_nodes(np.array([3.0, 3.0]), np.array([4.0, 4.0]), np.array([0.5, 1.0]))
    assert got[0] == pytest.approx(3 * (1 + 1.5 + 1.5**2 + 1.5**3))
    assert got[1] == pytest.approx(3 + 9 + 27 + 81)


@settings(max_examples=60, deadline=None)
@given(b=st.integers(1, 8), depth=st.integers(1, 6), p=st.floats(0.05, 1.0))
def test_tree_nodes_matches_level_sum(b, depth, p):
    expected = sum(b * (b * p) ** (d - 1) for d in range(1, depth + 1))
    assert float(laws.tree_nodes(b, depth, p)) == pytest.approx(expected, rel=1e-9)


def _agent_brute(s, c0, o, r, cap):
    inp = sum(min(c0 + i * (o + r), cap) for i in range(s))
    return inp, s * o


@settings(max_examples=80, deadline=None)
@given(s=st.integers(1, 60), c0=st.integers(0, 5000), o=st.integers(0, 800),
       r=st.integers(0, 3000), cap=st.one_of(st.just(float("inf")), st.integers(1000, 40000)))
def test_agent_tokens_match_the_loop(s, c0, o, r, cap):
    billed, _computed, out, ctx, _ = laws.agent_tokens(s, c0, o, r, 0.0, cap)
    inp, exp_out = _agent_brute(s, c0, o, r, cap)
    assert float(out) == exp_out
    assert float(billed) == pytest.approx(inp + exp_out, rel=1e-12, abs=1e-9)
    assert float(ctx) == pytest.approx(inp / s, rel=1e-12, abs=1e-9)


def test_agent_cache_cuts_compute_not_billing():
    b0, c_none, *_ = laws.agent_tokens(20, 5000, 500, 2000, 0.0)
    b1, c_full, *_ = laws.agent_tokens(20, 5000, 500, 2000, 1.0)
    assert b0 == b1
    # full cache: only new input (c0 + 19 r) and the outputs are computed
    assert float(c_full) == pytest.approx(5000 + 19 * 2000)
    assert float(c_none) == pytest.approx(float(b0) - 20 * 500)


def test_query_share_from_token_share():
    # 50% of tokens (OpenRouter 2025) at 8x tokens per query (Epoch 2025) -> 1/9 of queries
    assert laws.query_share_from_token_share(0.5, 8.0) == pytest.approx(1 / 9)
    q = np.linspace(0, 1, 11)
    m = 5.0
    s = q * m / (q * m + 1 - q)
    np.testing.assert_allclose(laws.query_share_from_token_share(s, m), q, atol=1e-12)


def test_query_flops_is_2n_plus_attention():
    costs = model_costs(load_catalog().model("llama3.1-70b"))
    n = costs.matmul_params_active
    # zero context: 2 N per token, prefill and decode alike
    assert float(laws.query_flops(costs, 1000, 0, 0, 0)) == pytest.approx(1000 * 2 * n)
    assert float(laws.query_flops(costs, 0, 10, 0, 0)) == pytest.approx(10 * 2 * n)
    # attention: 4 n_q h per layer per context token (80 layers, 64 heads of 128)
    extra = float(laws.query_flops(costs, 0, 1, 0, 8192)) - 2 * n
    assert extra == pytest.approx(80 * 4 * 64 * 128 * 8192)


def test_chain_tokens_shape():
    billed, i, o, ci, co = laws.chain_tokens(1000, 600, 4200)
    assert (billed, i, o, ci, co) == (5800, 1000, 4800, 500, 1000 + 2400)


def test_agent_prompt_longer_than_window_is_capped():
    billed, *_ = laws.agent_tokens(4, 50_000, 0, 0, 0.0, 32_000)
    assert float(billed) == pytest.approx(4 * 32_000)
