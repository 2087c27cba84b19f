"""docs/demand.md's worked example, by hand, against the code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tokenfab.catalog import load_catalog
from tokenfab.demand import DemandSection, project
from tokenfab.demand.baseyear import h100_equivalents
from tokenfab.demand.supply import annual_capex_split_usd, other_workloads_power_w
from tokenfab.scenario import load_section

ROOT = Path(__file__).resolve().parents[2]


def test_worked_example_by_hand():
    # the fleet: Epoch's 10 GW of chip power x (system overhead 1.82 x PUE 1.15)
    p0 = 10e9 * 1.82 * 1.15
    assert p0 == pytest.approx(20.93e9, rel=1e-4)
    # steps 1-2: the fleet before the base year and the other workloads after it
    t = np.array([-1.0, 0.0, 1.0]).reshape(-1, 1)
    laws = np.array([[0.1e9], [0.34e9], [2.44e9]])
    o = other_workloads_power_w(t, laws, 1, p0, 1.5, 0.25).ravel()
    assert o[0] + laws[0, 0] == pytest.approx(8.372e9)
    assert o[1] == pytest.approx(20.59e9)
    assert o[2] == pytest.approx(20.59e9 * 1.25)
    p26 = o[2] + 2.44e9
    assert p26 == pytest.approx(28.18e9, rel=1e-3)
    # step 3: capex 2025, IT 30.03 USD/W as capacity comes online, facility 11.04 USD/W over
    # the 1-year build before it (half of 2026's 7.25 GW is paid in 2025)
    it, fac = annual_capex_split_usd(np.array([p0 / 2.5, p0, p26]), 30.03, 11.04, 5.5, 14.0, 1.0)
    assert float(it[0]) == pytest.approx(422.8e9, rel=1e-3)
    assert float(fac[0]) == pytest.approx(115.9e9, rel=1e-3)
    assert float(it[0] + fac[0]) == pytest.approx(538.8e9, rel=1e-3)
    # step 4: H100-equivalents: the other fleet at the installed base's compute per watt,
    # the three laws' at GB200 NVL72's
    cat = load_catalog()
    other = o[1] * 15e6 / p0
    assert other == pytest.approx(14.76e6, rel=1e-3)
    n = 0.34e9 / cat.hardware("gb200-nvl72").allin_power_w
    assert n == pytest.approx(161.9e3, rel=1e-3)
    assert other + h100_equivalents(n, "gb200-nvl72", cat) == pytest.approx(15.2e6, rel=0.01)


def test_worked_example_matches_the_model():
    pj = project(load_section(ROOT / "scenarios" / "interview" / "three_scaling_laws.toml",
                              "demand", DemandSection))
    assert float(pj.hardware.capex_usd_per_w[1]) == pytest.approx(41.07, rel=0.01)
    assert float(pj.hardware.facility_capex_usd_per_w[1]) == pytest.approx(11.04, rel=0.01)
    assert float(pj.point["power_w_three_laws"][0]) == pytest.approx(0.34e9, rel=0.05)
    assert float(pj.point["power_w_three_laws"][1]) == pytest.approx(2.44e9, rel=0.05)
    assert float(pj.point["power_w"][0]) == pytest.approx(20.93e9, rel=1e-3)
    assert float(pj.point["power_w"][1]) == pytest.approx(28.18e9, rel=0.01)
    assert float(pj.point["capex_usd"][0]) == pytest.approx(538.8e9, rel=0.01)
    assert float(pj.point["power_w_other"][1]) == pytest.approx(25.74e9, rel=0.01)
    assert float(pj.point["h100e"][0]) == pytest.approx(15.2e6, rel=0.01)
