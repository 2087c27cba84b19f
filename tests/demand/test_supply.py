"""Supply: accelerators, power, capex, the analysts' line, the engine's throughput."""

from __future__ import annotations

import numpy as np
import pytest

from tokenfab.catalog import load_catalog
from tokenfab.demand import supply
from tokenfab.errors import TokenfabError
from tokenfab.perf.serving import predict


def test_accelerators_hand_calc():
    # 1e16 tokens/yr at 10k tok/s per accelerator, 50% utilization
    n = supply.accelerators_for_tokens(1e16, 1e4, 0.5)
    assert float(n) == pytest.approx(1e16 / (1e4 * 0.5 * 365.25 * 86400))
    # 3e26 FLOP in a year at 2.5 PFLOP/s and 40% MFU: ~9.5k accelerators
    m = supply.accelerators_for_flops(3e26, 2.5e15, 0.4)
    assert float(m) == pytest.approx(3e26 / (1e15 * 365.25 * 86400))
    assert float(supply.power_w(1e5, 2100.0)) == pytest.approx(0.21e9)


def test_capex_new_plus_replacement():
    # 10 GW needed after 8 GW, $40/W, 5-year life: 2 GW new + 1.6 GW replaced
    assert float(supply.annual_capex_usd(10e9, 8e9, 40.0, 5.0)) == pytest.approx(40 * 3.6e9)
    # shrinking demand builds nothing new but still replaces
    assert float(supply.annual_capex_usd(6e9, 8e9, 40.0, 5.0)) == pytest.approx(40 * 1.6e9)


def test_construction_lead_weights_by_hand_and_by_brute_force():
    w = supply.construction_lead_weights
    # 1-year build, capacity online evenly through year j: half the facility paid in j - 1
    np.testing.assert_allclose(w(1.0, 2), [0.5, 0.5, 0.0])
    np.testing.assert_allclose(w(2.0, 2), [0.25, 0.5, 0.25])
    np.testing.assert_allclose(w(0.5, 1), [0.75, 0.25])   # P(b > a) = int_0^.5 b db / .5
    np.testing.assert_allclose(w(0.0, 1), [1.0, 0.0])      # no lead: the IT year
    # samples: one column per construction time, each summing to 1
    ws = w(np.array([0.0, 0.33, 1.0, 1.7]), 2)
    assert ws.shape == (3, 4)
    np.testing.assert_allclose(ws.sum(axis=0), 1.0)
    # independent check: midpoint grid over (a, b) of the spend time j + a - b
    n = 2000
    a = (np.arange(n) + 0.5) / n
    b = 1.7 * (np.arange(n) + 0.5) / n
    d = b[None, :] - a[:, None]
    grid = [np.mean((d > k - 1) & (d <= k)) for k in range(3)]
    np.testing.assert_allclose(ws[:, 3], grid, atol=2e-3)


def test_capex_split_hand_calculation():
    # G = 4, 10, 15 GW; IT 30 and facility 10 USD/W; lives 5 and 14 years; 1-year build
    g = np.array([4e9, 10e9, 15e9])
    it, fac = supply.annual_capex_split_usd(g, 30.0, 10.0, 5.0, 14.0, 1.0)
    # year 1: IT 30 (6 + 4/5) GW; facility 10 (0.5 x 6 + 0.5 x 5) + 10 x 4/14
    np.testing.assert_allclose(it, [30 * 6.8e9, 30 * 7e9])
    # year 2: after the horizon G grows 1.5x again (22.5 GW, +7.5): 10 (2.5 + 3.75) + 10 x 10/14
    np.testing.assert_allclose(fac, [55e9 + 40e9 / 14, 62.5e9 + 100e9 / 14])
    # no lead and one life: the lead-free capex of annual_capex_usd
    it0, fac0 = supply.annual_capex_split_usd(g, 30.0, 10.0, 5.0, 5.0, 0.0)
    np.testing.assert_allclose(it0 + fac0, supply.annual_capex_usd(g[1:], g[:-1], 40.0, 5.0))
    # samples: a column per construction time, each as if run alone
    gs = np.tile(g.reshape(-1, 1), (1, 2))
    its, facs = supply.annual_capex_split_usd(gs, 30.0, 10.0, 5.0, 14.0, np.array([0.0, 1.0]))
    np.testing.assert_allclose(facs[:, 1], fac)
    np.testing.assert_allclose(facs[:, 0], supply.annual_capex_split_usd(g, 30.0, 10.0, 5.0,
                                                                         14.0, 0.0)[1])
    # a shrinking fleet builds no facility ahead; a fast-growing one builds more than it adds
    _, shrink = supply.annual_capex_split_usd(np.array([10e9, 10e9, 8e9]), 30.0, 10.0, 5.0,
                                              14.0, 1.0)
    assert shrink[1] == pytest.approx(10 * 10e9 / 14)
    assert fac[1] > 10.0 * 5e9


def test_analyst_baseline_linear_and_compound():
    y = np.array([2025, 2027, 2029])
    np.testing.assert_allclose(supply.analyst_baseline(y, 2025, 200e9, 0.08),
                               [200e9, 232e9, 264e9])
    np.testing.assert_allclose(supply.analyst_baseline(y, 2025, 200e9, 0.08, "compound"),
                               200e9 * 1.08 ** np.array([0, 2, 4]))
    with pytest.raises(TokenfabError, match="analyst_mode"):
        supply.analyst_baseline(y, 2025, 1.0, 0.08, "exponential")


def test_generation_for_years():
    cad = {2023: "h100-sxm", 2025: "gb200-nvl72", 2027: "vr200-nvl144"}
    assert supply.generation_for_years([2024, 2025, 2026, 2030], cad) == [
        "h100-sxm", "gb200-nvl72", "gb200-nvl72", "vr200-nvl144"]
    with pytest.raises(TokenfabError, match="no hardware generation available in 2020"):
        supply.generation_for_years([2020], cad)


def test_generation_table_gain_after_last_generation():
    tab = supply.generation_table([2026, 2027, 2028, 2029], {2025: "gb200-nvl72", 2027: "vr200-nvl144"},
                                  model_id="llama3.1-70b", precision="fp8", training_precision="bf16",
                                  input_tokens=1000, output_tokens=1000, interactivity_tok_s=50,
                                  gain_after_last=0.5)
    assert tab.hardware == ["gb200-nvl72", "vr200-nvl144", "vr200-nvl144", "vr200-nvl144"]
    tps = tab.processed_tokens_per_s_per_accelerator
    assert tps[2] / tps[1] == pytest.approx(1.5) and tps[3] / tps[1] == pytest.approx(2.25)
    assert tab.allin_power_w[3] == tab.allin_power_w[1]
    assert np.all(tab.capex_usd_per_w > 20) and np.all(tab.capex_usd_per_w < 80)


def test_processed_tokens_are_the_engines_output_tokens_times_i_plus_o_over_o():
    cat = load_catalog()
    r = predict("llama3.1-70b", "h100-sxm", precision="fp8", input_tokens=3000,
                output_tokens=1000, interactivity_min=50)
    got = supply.processed_tokens_per_s(cat.model("llama3.1-70b"), cat.hardware("h100-sxm"),
                                        "fp8", 3000.0, 1000.0, 50.0)
    assert got == pytest.approx(r.output_tokens_per_s_per_accelerator * 4.0)
