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
    # steps 1-2: the fleet before the base year and the other workloads after it
    t = np.array([-1.0, 0.0, 1.0]).reshape(-1, 1)
    laws = np.array([[0.1e9], [0.34e9], [2.4e9]])
    o = other_workloads_power_w(t, laws, 1, 10e9, 1.5, 0.25).ravel()
    assert o[0] + laws[0, 0] == pytest.approx(4.0e9)
    assert o[1] == pytest.approx(9.66e9)
    assert o[2] == pytest.approx(9.66e9 * 1.25)
    # step 3: capex 2025, IT 30.03 USD/W as capacity comes online, facility 11.04 USD/W over
    # the 1-year build before it (half of 2026's 4.52 GW is paid in 2025)
    it, fac = annual_capex_split_usd(np.array([4e9, 10e9, 14.52e9]), 30.03, 11.04, 5.5, 14.0, 1.0)
    assert float(it[0]) == pytest.approx(202.0e9, rel=1e-3)
    assert float(fac[0]) == pytest.approx(61.2e9, rel=1e-3)
    assert float(it[0] + fac[0]) == pytest.approx(263.2e9, rel=1e-3)
    # step 4: H100-equivalents of 10 GW of GB200 NVL72
    cat = load_catalog()
    n = 10e9 / cat.hardware("gb200-nvl72").allin_power_w
    assert n == pytest.approx(4.76e6, rel=1e-3)
    assert h100_equivalents(n, "gb200-nvl72", cat) == pytest.approx(12.0e6, rel=0.01)


def test_worked_example_matches_the_model():
    pj = project(load_section(ROOT / "scenarios" / "interview" / "three_scaling_laws.toml",
                              "demand", DemandSection))
    assert float(pj.hardware.capex_usd_per_w[1]) == pytest.approx(41.07, rel=0.01)
    assert float(pj.hardware.facility_capex_usd_per_w[1]) == pytest.approx(11.04, rel=0.01)
    assert float(pj.point["power_w_three_laws"][0]) == pytest.approx(0.34e9, rel=0.05)
    assert float(pj.point["power_w"][1]) == pytest.approx(14.52e9, rel=0.01)
    assert float(pj.point["capex_usd"][0]) == pytest.approx(263.2e9, rel=0.01)
    assert float(pj.point["power_w_other"][1]) == pytest.approx(12.1e9, rel=0.01)
