"""NPV, IRR and discounted payback of :mod:`tokenfab.finance` against plain per-series
reference implementations.

The vectorised code (year-major blocks, Horner's rule, a Newton start in ``x = 1/(1+r)``,
converged Newton steps finishing without the bracketed loop, several-sign-change series
gathered across blocks) must give the numbers of the textbook definitions, computed here one
series at a time with Python floats:

* NPV: ``Σ C_t / (1 + r)^t`` with ``math.fsum`` (correctly rounded sum);
* IRR: plain bisection of ``[-0.99, 100]`` on the sign of that NPV, run until the bracket
  stops shrinking; NaN when the ends do not bracket a sign change (the documented rule: with
  several sign changes the root chosen is the bisection's);
* discounted payback: the running sum year by year, interpolated in the year it turns >= 0.

Tolerances are relative to the scale of the problem: an NPV to ``1e-12 Σ |C_t| / (1 + r)^t``,
a rate to ``1e-12 (1 + |r|)``, a payback to ``1e-12`` years (rounding is the only difference).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import tokenfab.finance as fin
from tokenfab.factory import cashflow
from tokenfab.factory.cashflow import cash_flow_metrics, investment_metrics, yearly_cash_flows
from tokenfab.finance import discounted_payback_years, irr, npv, npv_irr_payback
from tokenfab.units import SECONDS_PER_YEAR as Y

LOW, HIGH = -0.99, 100.0


def _npv_ref(rate: float, cash: list[float]) -> float:
    return math.fsum(c / (1.0 + rate) ** t for t, c in enumerate(cash))


def _scale(rate: float, cash: list[float]) -> float:
    return math.fsum(abs(c) / (1.0 + rate) ** t for t, c in enumerate(cash))


def _sign(x: float) -> int:
    return int(x > 0) - int(x < 0)


def _irr_ref(cash: list[float]) -> float:
    lo, hi = LOW, HIGH
    s_lo = _sign(_npv_ref(lo, cash))
    if s_lo * _sign(_npv_ref(hi, cash)) >= 0:
        return math.nan
    while True:
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:
            return mid
        if _sign(_npv_ref(mid, cash)) == s_lo:
            lo = mid
        else:
            hi = mid


def _payback_ref(rate: float, cash: list[float]) -> float:
    cum = 0.0
    for t, c in enumerate(cash):
        d = c / (1.0 + rate) ** t
        if cum + d >= 0.0:
            return 0.0 if t == 0 else (t - 1) + (-cum / d if d > 0 else 0.0)
        cum += d
    return math.nan


def _sign_changes_ref(cash: list[float]) -> int:
    signs = [_sign(c) for c in cash if c != 0]
    return sum(a != b for a, b in zip(signs, signs[1:], strict=False))


def _factory_draws(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Net cash flows of random factories (``yearly_cash_flows``), from loss-makers to IRRs of
    thousands of per cent (tiny year-0 capex), with the cost of capital of each."""
    g = np.random.default_rng(seed)
    rate = g.uniform(0.0, 0.2, n)
    cash = yearly_cash_flows(
        revenue_usd_per_year=g.uniform(1e8, 3e11, n), opex_usd_per_year=g.uniform(1e7, 3e10, n),
        capex_it_usd=g.uniform(1e9, 6e10, n), capex_facility_usd=g.uniform(1e8, 2e10, n),
        price_decline_per_year=g.uniform(0.0, 0.9, n),
        construction_time=g.uniform(0.0, 2.5, n) * Y, ramp_time=g.uniform(0.0, 2.5, n) * Y,
        life_it=g.uniform(2.0, 7.0, n) * Y, life_facility=g.uniform(10.0, 20.0, n) * Y,
        cost_of_capital=rate)
    return cash.net_usd, rate


#: hand-made series: several sign changes (two roots, three), no root at all, roots outside
#: the bracket, zeros inside and at the ends, one year, a root at r = 0 exactly
_EDGE = [
    [-100.0, 230.0, -132.0],                   # roots 10 % and 20 %: bisection picks one
    [-100.0, 50.0, -10.0, 80.0, 0.0, 0.0],     # three sign changes, one real root
    [-1.0, 6.0, -11.0, 6.0],                   # (1 - x)(1 - 2x)(1 - 3x): r = 0, 1, 2
    [100.0, -50.0, -60.0, 0.0],                # borrowing: money in first
    [-100.0, -10.0, -5.0, -1.0],               # never positive: no IRR
    [100.0, 10.0, 5.0, 1.0],                   # never negative: no IRR
    [-1.0, 0.0, 0.0, 2.0],                     # zeros between
    [0.0, -5.0, 0.0, 3.0, 4.0, 0.0],           # zeros at both ends
    [-1.0, 1000.0],                            # IRR 999: above the bracket, NaN
    [-1.0, 0.005],                             # IRR -0.995: below the bracket, NaN
    [-1.0, 150.0, 1.0],                        # IRR ~ 149: above the bracket
    [-1.0, 90.0, 30.0, 1.0],                   # IRR ~ 90: near the top of the bracket
    [-100.0, 100.0],                           # IRR exactly 0
    [5.0],                                     # one year
    [-3.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1e-9],
]


def _rows() -> tuple[np.ndarray, np.ndarray]:
    """Factory draws and the edge cases, padded with zero years to one length (as a Monte
    Carlo run pads shorter horizons)."""
    net, rate = _factory_draws(300, seed=11)
    width = max(net.shape[1], max(len(e) for e in _EDGE))
    edge = np.zeros((len(_EDGE), width))
    for i, e in enumerate(_EDGE):
        edge[i, :len(e)] = e
    pad = np.zeros((net.shape[0], width))
    pad[:, :net.shape[1]] = net
    g = np.random.default_rng(2)
    return (np.concatenate([pad, edge]),
            np.concatenate([rate, g.uniform(0.0, 0.2, len(_EDGE))]))


def test_the_draws_cover_the_hard_cases():
    cash, _ = _rows()
    changes = [_sign_changes_ref(c) for c in cash.tolist()]
    irrs = [_irr_ref(c) for c in cash.tolist()]
    assert sum(k >= 2 for k in changes) >= 5                  # several sign changes
    assert sum(math.isnan(r) for r in irrs) >= 10             # no IRR
    assert sum(r > 5.0 for r in irrs if not math.isnan(r)) >= 5   # IRRs above 500 %
    assert sum(r < 0.0 for r in irrs if not math.isnan(r)) >= 5   # negative IRRs


def test_npv_irr_payback_match_the_reference_per_series():
    cash, rate = _rows()
    got_npv, got_irr, got_dpb = npv_irr_payback(rate, cash)
    for i, (c, r) in enumerate(zip(cash.tolist(), rate.tolist(), strict=True)):
        assert abs(got_npv[i] - _npv_ref(r, c)) <= 1e-12 * _scale(r, c), i
        want = _irr_ref(c)
        if math.isnan(want):
            assert math.isnan(got_irr[i]), (i, got_irr[i])
        else:
            assert abs(got_irr[i] - want) <= 1e-12 * (1.0 + abs(want)), (i, got_irr[i], want)
        want_dpb = _payback_ref(r, c)
        if math.isnan(want_dpb):
            assert math.isnan(got_dpb[i]), i
        else:
            assert abs(got_dpb[i] - want_dpb) <= 1e-12, (i, got_dpb[i], want_dpb)


def test_the_one_pass_and_the_single_functions_agree_exactly():
    cash, rate = _rows()
    one = npv_irr_payback(rate, cash)
    each = (npv(rate, cash), irr(cash), discounted_payback_years(rate, cash))
    for a, b in zip(one, each, strict=True):
        np.testing.assert_array_equal(a, b)
    # a scalar rate, and one series at a time, give the same numbers as the vector call
    np.testing.assert_array_equal(npv(0.1, cash), npv(np.full(len(cash), 0.1), cash))
    for i in (0, 5, 300, 302, len(cash) - 1):
        assert np.array_equal(irr(cash[i]), one[1][i], equal_nan=True)
        assert np.array_equal(npv(rate[i], cash[i]), one[0][i])


def test_blocks_and_memory_layout_change_no_number(monkeypatch):
    """Blocks of 7 series (several-sign-change series spread over many blocks) and a
    year-major array passed as its transpose give the numbers of one block."""
    cash, rate = _rows()
    whole = npv_irr_payback(rate, cash)
    monkeypatch.setattr(fin, "BLOCK", 7)
    small = npv_irr_payback(rate, cash)
    year_major = np.ascontiguousarray(cash.T)
    transposed = npv_irr_payback(rate, year_major.T)
    for a, b, c in zip(whole, small, transposed, strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


def test_one_sign_change_matches_a_plain_count():
    g = np.random.default_rng(4)
    c = g.choice([-1.0, 0.0, 1.0], size=(4000, 6), p=[0.35, 0.3, 0.35])
    got = fin._one_sign_change(np.ascontiguousarray(c.T))
    want = [_sign_changes_ref(r) == 1 for r in c.tolist()]
    np.testing.assert_array_equal(got, want)


def test_irr_stops_within_a_few_npv_passes(monkeypatch):
    """A draw of the 2 GW GB200 Monte Carlo (exact floats) whose Newton in ``r`` once landed on
    the bracket edge: the start and one finishing step do it (no bisection restart)."""
    c = np.array([[float.fromhex(x) for x in (
        "-0x1.8d1c7d2317fcfp+33", "-0x1.588b97131826fp+34", "0x1.58af8f2a4be6cp+36",
        "0x1.118aab9279a42p+36", "0x1.5c80d00399ae4p+35", "0x1.b93b49b034dc1p+34",
        "0x1.1482aa7684451p+34", "0x1.00f95785de3e0p+34")]])
    calls = []
    real = fin._npv_and_derivative

    def counting(x, ct):
        calls.append(ct.shape[1])
        return real(x, ct)

    monkeypatch.setattr(fin, "_npv_and_derivative", counting)
    r = float(irr(c)[0])
    assert len(calls) <= 6, len(calls)
    assert abs(r - _irr_ref(c[0].tolist())) <= 1e-12 * (1 + abs(r))


def test_cash_flow_metrics_in_chunks_equal_one_call(monkeypatch):
    """The chunked Monte Carlo path (net cash only, year-major, chunks of 64 samples) gives
    exactly the metrics of the full cash flows of all samples at once."""
    g = np.random.default_rng(9)
    n = 1000
    kw = dict(revenue_usd_per_year=g.uniform(1e8, 3e10, n),
              opex_usd_per_year=g.uniform(1e7, 3e9, n), capex_it_usd=g.uniform(1e9, 3e10, n),
              capex_facility_usd=g.uniform(1e8, 1e10, n),
              price_decline_per_year=g.uniform(0.0, 0.9, n),
              construction_time=g.uniform(0.0, 3.0, n) * Y, ramp_time=g.uniform(0.0, 2.5, n) * Y,
              life_it=g.uniform(2.0, 7.0, n) * Y, life_facility=g.uniform(10.0, 20.0, n) * Y,
              cost_of_capital=g.uniform(0.0, 0.2, n))
    kw["ramp_time"][:20] = 0.0
    kw["construction_time"][20:30] = 0.0
    want = investment_metrics(yearly_cash_flows(**kw), kw["cost_of_capital"])
    monkeypatch.setattr(cashflow, "CHUNK", 64)
    got = cash_flow_metrics(**kw)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("rate", [0.0, 0.08])
def test_discount_factors_are_powers(rate):
    df = fin.discount_factors(rate, 6)
    np.testing.assert_allclose(df, (1.0 + rate) ** -np.arange(6.0), rtol=1e-14)
    rates = np.array([0.0, 0.05, 0.3])
    np.testing.assert_allclose(fin.discount_factors(rates, 4),
                               (1.0 + rates[:, None]) ** -np.arange(4.0), rtol=1e-14)
    assert fin.discount_factors(rate, 0).shape == (0,)
