"""The cash-flow worked example of docs/factory.md, recomputed by hand and run through the code.

The hand computation below uses plain loops over the 8 midpoints of each year (the model's
definition), the annuity balance formula and discounting written out; it does not call the
code. The doc's table must equal it (to its 3 printed decimals) and the code must equal it
(to 1e-9).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tokenfab.factory.cashflow import investment_metrics, yearly_cash_flows
from tokenfab.units import SECONDS_PER_YEAR as Y

DOC = Path(__file__).resolve().parents[2] / "docs" / "factory.md"
R0, O0, CAPEX_IT, CAPEX_F = 300e6, 30e6, 150e6, 60e6
D, RATE, LEAD, RAMP, LIFE, LIFE_F = 0.3, 0.10, 1.0, 1.0, 3.0, 10.0


def _by_hand():
    q = 1.0 - D
    mids = [(k + 0.5) / 8 for k in range(8)]
    c = sum(q ** m for m in mids) / 8                     # full year: mean price factor
    e = sum(m * q ** m for m in mids) / 8                 # ramp year: deployed x price
    b = ((1 + RATE) ** LIFE_F - (1 + RATE) ** LIFE) / ((1 + RATE) ** LIFE_F - 1)
    rev = [0.0, R0 * q * e, R0 * q ** 2 * c, R0 * q ** 3 * c, 0.0]
    opex = [0.0, O0 * 0.5, O0, O0, 0.0]
    capex = [-CAPEX_F, -CAPEX_IT, 0.0, 0.0, 0.0]
    residual = [0.0, 0.0, 0.0, 0.0, b * CAPEX_F]
    net = [rev[t] - opex[t] + capex[t] + residual[t] for t in range(5)]
    df = [(1 + RATE) ** -t for t in range(5)]
    disc = [n * f for n, f in zip(net, df, strict=True)]
    cum = [sum(disc[: t + 1]) for t in range(5)]
    npv = cum[-1]
    t = next(i for i, x in enumerate(cum) if x >= 0)
    payback = (t - 1) + (-cum[t - 1]) / disc[t]
    lo, hi = 0.0, 1.0                                    # IRR by bisection on the net row
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if sum(x / (1 + mid) ** i for i, x in enumerate(net)) > 0:
            lo = mid
        else:
            hi = mid
    rows = [[t, rev[t], opex[t], capex[t], residual[t], net[t], df[t], disc[t], cum[t]]
            for t in range(5)]
    return rows, npv, 0.5 * (lo + hi), payback


def _doc_rows():
    text = DOC.read_text()
    start = text.index("<!-- cash-flow example table")
    rows = []
    for line in text[start:].splitlines()[3:]:
        if not line.startswith("|"):
            break
        rows.append([float(x) for x in line.strip("|").split("|")])
    return rows


def test_doc_table_is_the_hand_computation():
    rows, npv, irr, payback = _by_hand()
    doc = _doc_rows()
    assert len(doc) == len(rows) == 5
    for want, got in zip(rows, doc, strict=True):
        assert got[0] == want[0]
        for i in (1, 2, 3, 4, 5, 7, 8):                   # $M, 3 decimals
            assert got[i] == pytest.approx(want[i] / 1e6, abs=6e-4)
        assert got[6] == pytest.approx(want[6], abs=6e-6)
    text = DOC.read_text()
    assert f"NPV at 10% = ${npv / 1e6:.3f}M" in text
    assert f"= {payback:.3f} years" in text
    assert f"IRR =\n{irr:.2%}" in text or f"IRR = {irr:.2%}" in text
    assert re.search(r"c = .*\*\*0\.841032\*\*", text)


def test_code_reproduces_the_hand_computation():
    rows, npv, irr, payback = _by_hand()
    cash = yearly_cash_flows(
        revenue_usd_per_year=R0, opex_usd_per_year=O0, capex_it_usd=CAPEX_IT,
        capex_facility_usd=CAPEX_F, price_decline_per_year=D, construction_time=LEAD * Y,
        ramp_time=RAMP * Y, life_it=LIFE * Y, life_facility=LIFE_F * Y, cost_of_capital=RATE)
    assert cash.net_usd.shape == (5,)
    for t, row in enumerate(rows):
        assert cash.revenue_usd[t] == pytest.approx(row[1], rel=1e-9, abs=1e-3)
        assert cash.opex_usd[t] == pytest.approx(row[2], rel=1e-9, abs=1e-3)
        assert cash.capex_usd[t] == pytest.approx(row[3], rel=1e-9, abs=1e-3)
        assert cash.net_usd[t] == pytest.approx(row[5], rel=1e-9)
    got_npv, got_irr, got_payback = (float(x) for x in investment_metrics(cash, RATE))
    assert got_npv == pytest.approx(npv, rel=1e-9)
    assert got_irr == pytest.approx(irr, rel=1e-9)
    assert got_payback == pytest.approx(payback, rel=1e-9)
