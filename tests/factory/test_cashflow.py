"""The yearly cash flows and investment metrics against brute force.

``yearly_cash_flows`` sums the deployed fraction and the falling price over 8 midpoints a year
in closed form; here the same sums are taken point by point on an explicit grid (the
definition), and IRR by plain bisection, on random inputs including the edge cases (no ramp,
no decline, ramp longer than the life, boundaries on grid points).
"""

from __future__ import annotations

import numpy as np
import pytest

from tokenfab.factory.cashflow import investment_metrics, yearly_cash_flows
from tokenfab.finance import irr, npv, remaining_balance_fraction
from tokenfab.units import SECONDS_PER_YEAR as Y


def _grid(rev0, opex0, cap_it, cap_f, d, lead, ramp, life, life_f, r, horizon=None):
    """Point-by-point midpoint sums (8 a year) of one sample: the definition. The facility's
    residual value is credited in the sample's own last year; ``horizon`` pads with zero years
    (a vector run's longest)."""
    own = int(np.ceil(lead + life + 1e-9))
    horizon = horizon or own
    rev, opex, capex = np.zeros(horizon), np.zeros(horizon), np.zeros(horizon)
    for j in range(horizon * 8):
        tau = (j + 0.5) / 8
        if tau < lead or tau >= lead + life:
            f = 0.0
        else:
            f = min(max((tau - lead) / max(ramp, 1e-9), 0.0), 1.0)
        rev[j // 8] += rev0 * f * (1 - d) ** tau / 8
        opex[j // 8] += opex0 * f / 8
    for t in range(horizon):
        if lead > 1e-6:
            capex[t] -= cap_f * max(min(t + 1, lead) - max(t, 0.0), 0.0) / lead
        elif t == 0:
            capex[t] -= cap_f
        if ramp > 1e-6:
            capex[t] -= cap_it * max(min(t + 1, lead + ramp) - max(t, lead), 0.0) / ramp
        elif t == int(np.floor(lead + 1e-12)):
            capex[t] -= cap_it
    net = rev - opex + capex
    net[own - 1] += cap_f * float(remaining_balance_fraction(r, life_f, life))
    return rev, opex, capex, net


def _draws(n, seed=1):
    g = np.random.default_rng(seed)
    lead = g.uniform(0, 3, n)
    ramp = g.uniform(0, 2.5, n)
    life = g.uniform(2, 7, n)
    d = g.uniform(0, 0.9, n)
    # edge cases: no ramp, no decline, tiny decline, ramp longer than the life, boundaries on
    # midpoints and on year ends
    ramp[:5] = 0.0
    d[5:10] = 0.0
    d[10:12] = 1e-9
    ramp[12:15] = life[12:15] + 1.0
    lead[15:20] = np.array([1.0, 1.0625, 2.0, 0.0, 0.5])
    life[15:20] = np.array([5.0, 4.9375, 5.5, 3.0, 4.0])
    ramp[15:20] = np.array([1.0, 0.125, 0.0, 0.0, 0.5])
    return dict(rev0=g.uniform(1e8, 1e10, n), opex0=g.uniform(1e7, 3e9, n),
                cap_it=g.uniform(1e9, 3e10, n), cap_f=g.uniform(1e8, 1e10, n), d=d, lead=lead,
                ramp=ramp, life=life, life_f=g.uniform(10, 20, n), r=g.uniform(0, 0.2, n))


def _run(x):
    return yearly_cash_flows(
        revenue_usd_per_year=x["rev0"], opex_usd_per_year=x["opex0"], capex_it_usd=x["cap_it"],
        capex_facility_usd=x["cap_f"], price_decline_per_year=x["d"],
        construction_time=x["lead"] * Y, ramp_time=x["ramp"] * Y, life_it=x["life"] * Y,
        life_facility=x["life_f"] * Y, cost_of_capital=x["r"])


def test_cash_flows_match_the_midpoint_grid():
    x = _draws(200)
    cash = _run(x)
    h = cash.net_usd.shape[-1]
    for i in range(200):
        ref = _grid(*(x[k][i] for k in ("rev0", "opex0", "cap_it", "cap_f", "d", "lead", "ramp",
                                        "life", "life_f", "r")), horizon=h)
        for got, want in zip((cash.revenue_usd, cash.opex_usd, cash.capex_usd, cash.net_usd),
                             ref, strict=True):
            scale = np.max(np.abs(want))
            np.testing.assert_allclose(got[i], want, rtol=1e-10, atol=1e-10 * scale)


def test_point_and_vector_runs_agree():
    x = _draws(30, seed=3)
    cash = _run(x)
    for i in (0, 7, 17, 29):
        one = _run({k: v[i] for k, v in x.items()})
        h = one.net_usd.size
        np.testing.assert_allclose(one.revenue_usd, cash.revenue_usd[i, :h], rtol=1e-12)
        np.testing.assert_allclose(one.capex_usd, cash.capex_usd[i, :h], rtol=1e-12)


def _bisect(c, lo=-0.99, hi=100.0):
    f_lo = float(npv(lo, c))
    if np.sign(f_lo) * np.sign(float(npv(hi, c))) >= 0:
        return float("nan")
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f = float(npv(mid, c))
        if np.sign(f) == np.sign(f_lo):
            lo, f_lo = mid, f
        else:
            hi = mid
    return 0.5 * (lo + hi)


def test_irr_matches_bisection_including_several_sign_changes():
    x = _draws(300, seed=5)
    net = _run(x).net_usd
    # rows with two or more sign changes (late years below opex, the residual credit last)
    extra = np.array([[-100.0, 230.0, -132.0, 0.0], [-100.0, 50.0, -10.0, 80.0],
                      [-1.0, 0.0, 0.0, 2.0], [100.0, -50.0, -60.0, 0.0],
                      [-100.0, -10.0, -5.0, -1.0]])
    rows = [r[np.abs(r) > 0] if r.size else r for r in net] + list(extra)
    got = [float(irr(r)) for r in rows]
    want = [_bisect(r) for r in rows]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14, equal_nan=True)
    # the vectorised call over all rows gives the same as one row at a time
    np.testing.assert_allclose(irr(net), [float(irr(r)) for r in net], rtol=1e-12,
                               equal_nan=True)
    assert np.isnan(got[-1])  # never positive: no IRR


@pytest.mark.parametrize("rate", [0.0, 0.1])
def test_investment_metrics_npv_is_the_discounted_sum(rate):
    x = _draws(30, seed=7)
    cash = _run(x)
    n, _, dpb = investment_metrics(cash, rate)
    t = np.arange(cash.net_usd.shape[-1])
    np.testing.assert_allclose(n, (cash.net_usd / (1 + rate) ** t).sum(axis=-1), rtol=1e-12)
    cum = np.cumsum(cash.net_usd / (1 + rate) ** t, axis=-1)
    for i in range(30):
        if np.isfinite(dpb[i]):
            k = int(np.floor(dpb[i]))
            assert cum[i, k] < 0 <= cum[i, min(k + 1, t.size - 1)]


def test_irr_matches_a_scalar_root_finder_on_every_kind_of_cash_flow():
    """The vectorised IRR (Newton in x = 1/(1+r) for one sign change, bisection otherwise)
    against scipy's brentq draw by draw: conventional flows (returns from -50 % to +900 %),
    flows with several sign changes where exactly one root lies in the bracket, and flows with
    no root (NaN)."""
    from scipy.optimize import brentq

    from tokenfab.finance import irr

    rng = np.random.default_rng(7)
    n, t = 3000, 8
    c = rng.lognormal(0.0, 1.0, (n, t)) * rng.uniform(0.05, 3.0, (n, 1))
    c[:, :2] *= -rng.uniform(0.5, 4.0, (n, 1))           # money out first
    c[n // 2:, 5] *= -1.0                                 # a later outflow: several changes
    c[-100:] = np.abs(c[-100:])                           # all positive: no root
    got = irr(c)

    def f(r, row):
        return float(np.sum(row / (1.0 + r) ** np.arange(t)))

    for i in range(n):
        lo_f, hi_f = f(-0.99, c[i]), f(100.0, c[i])
        if lo_f * hi_f >= 0:
            assert np.isnan(got[i]), i
            continue
        ref = brentq(f, -0.99, 100.0, args=(c[i],), xtol=1e-15, rtol=1e-15, maxiter=500)
        # with one sign change the root is unique: the same number
        if np.count_nonzero(np.diff(np.sign(c[i][c[i] != 0]))) == 1:
            assert got[i] == pytest.approx(ref, rel=1e-12, abs=1e-14), i
        assert abs(f(float(got[i]), c[i])) <= 1e-9 * float(np.abs(c[i]).sum()), i
