"""Growth curves and the decomposition of a growth multiple."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenfab.demand import growth as gr
from tokenfab.errors import TokenfabError

T = np.arange(-2, 9, dtype=float)


def test_zero_rate_is_flat():
    np.testing.assert_allclose(gr.exponential(T, 7.0, 0.0), 7.0)
    np.testing.assert_allclose(gr.logistic(T, 7.0, 0.0, 100.0), 7.0)


def test_exponential_hand_values():
    # Epoch: 4.6x per year -> rate 3.6; two years -> 21.16x
    assert gr.exponential(2.0, 1.0, 3.6) == pytest.approx(21.16)
    assert gr.cagr(21.16, 2.0) == pytest.approx(3.6)


def test_logistic_limits():
    x = gr.logistic(np.array([0.0, 1.0, 200.0]), 1.0, 1.0, 1000.0)
    assert x[0] == pytest.approx(1.0)
    assert x[1] == pytest.approx(1000 / (1 + 999 / 2))  # k = ln 2
    assert x[2] == pytest.approx(1000.0)
    # far below the ceiling it grows like the exponential of the same rate
    assert gr.logistic(3.0, 1.0, 1.0, 1e12) == pytest.approx(8.0, rel=1e-9)
    # a ceiling below the start decays toward it
    assert gr.logistic(50.0, 10.0, 0.5, 2.0) == pytest.approx(2.0)


def test_curve_dispatch_and_errors():
    assert gr.curve("exponential", 1.0, 2.0, 1.0) == pytest.approx(4.0)
    with pytest.raises(TokenfabError, match="ceiling"):
        gr.curve("logistic", 1.0, 2.0, 1.0)
    with pytest.raises(TokenfabError, match="curve must be one of"):
        gr.curve("gompertz", 1.0, 2.0, 1.0)


@settings(max_examples=80, deadline=None)
@given(total=st.floats(1.5, 1e12), horizon=st.floats(0.5, 30.0),
       raw=st.lists(st.floats(0.01, 10.0), min_size=1, max_size=6))
def test_decomposition_multiplies_back_to_the_total(total, horizon, raw):
    shares = {f"f{i}": w / sum(raw) for i, w in enumerate(raw)}
    dec = gr.decompose_multiple(total, horizon, shares)
    prod = math.prod(v["multiple"] for v in dec.values())
    assert prod == pytest.approx(total, rel=1e-9)
    for v in dec.values():
        assert (1 + v["rate_per_year"]) ** horizon == pytest.approx(v["multiple"], rel=1e-9)


def test_billion_over_ten_years_is_about_8x_per_year():
    dec = gr.decompose_multiple(1e9, 10.0, {"users": 0.25, "compute_per_user": 0.75})
    assert dec["users"]["multiple"] == pytest.approx(10 ** 2.25)
    assert dec["compute_per_user"]["multiple"] == pytest.approx(10 ** 6.75)
    assert gr.years_to_multiple(1e9, {"a": 1.0}) == pytest.approx(9 * math.log(10) / math.log(2))


def test_log_shares_sum_to_one_and_flat_has_none():
    s = gr.log_shares({"a": 4.0, "b": 16.0})
    assert float(s["a"]) == pytest.approx(1 / 3)
    assert float(s["a"] + s["b"]) == pytest.approx(1.0)
    flat = gr.log_shares({"a": 1.0, "b": 1.0})
    assert float(flat["a"]) == 0.0
    assert math.isinf(float(gr.years_to_multiple(10.0, {"a": 0.0})))


def test_decompose_rejects_bad_input():
    with pytest.raises(TokenfabError, match="add up to 1"):
        gr.decompose_multiple(1e9, 7, {"a": 0.3})
    with pytest.raises(TokenfabError, match="horizon_years"):
        gr.decompose_multiple(1e9, 0, {"a": 1.0})
    with pytest.raises(TokenfabError, match="total_multiple"):
        gr.decompose_multiple(-1, 5, {"a": 1.0})
