"""Fabric sizing and power roll-up against published reference designs and figures."""

from __future__ import annotations

import math

import pytest

from tokenfab.catalog import load_catalog
from tokenfab.cluster.inputs import catalog_si
from tokenfab.cluster.network import clos_fabric, design_fabric
from tokenfab.cluster.site import ClusterSection, evaluate_site
from tokenfab.errors import InfeasibleError, TokenfabError


@pytest.mark.parametrize("sus,gpus,leaf,spine,leaf_spine_cables", [
    (1, 248, 8, 4, 256), (2, 504, 16, 8, 512), (3, 760, 24, 16, 768), (4, 1016, 32, 16, 1024)])
def test_dgx_superpod_h100_switch_counts(sus, gpus, leaf, spine, leaf_spine_cables):
    # NVIDIA DGX SuperPOD H100 RA (RA-11333-001 v11): rail-optimized, 64-port NDR switches,
    # SU = 32 nodes x 8 rails; 4 SU = 127 nodes / 1,016 GPUs -> 32 leaf + 16 spine,
    # 1,024 spine-leaf cables (3 SU uses 16 spines, not 12: spines divide the 32 uplinks)
    f = clos_fabric(gpus, 64, rails=8, rail_optimized=True)
    assert (f["tiers"], f["leaf"], f["spine"]) == (2, leaf, spine)
    assert f["links_leaf_spine"] == leaf_spine_cables
    assert sus * 8 == leaf


def test_superpod_4su_leaf_count_from_catalog():
    assert clos_fabric(1016, 64, rails=8, rail_optimized=True)["leaf"] == \
        catalog_si("superpod_h100.4su_leaf")


@pytest.mark.parametrize("k,hosts2,sw2,hosts3,sw3", [
    (64, 2048, 96, 65536, 5120), (144, 10368, 216, 746496, 25920)])
def test_textbook_fat_tree_counts(k, hosts2, sw2, hosts3, sw3):
    # Al-Fares et al. SIGCOMM 2008: k^2/2 hosts / 3k/2 switches; k^3/4 hosts / 5k^2/4 switches
    f2 = clos_fabric(hosts2, k)
    assert f2["tiers"] == 2 and f2["leaf"] + f2["spine"] == sw2
    f3 = clos_fabric(hosts3, k)
    assert f3["tiers"] == 3 and f3["leaf"] + f3["spine"] + f3["core"] == sw3
    assert f3["links_endpoint"] + f3["links_leaf_spine"] + f3["links_spine_core"] == 3 * hosts3
    with pytest.raises(InfeasibleError, match="do not fit"):
        clos_fabric(hosts3 + 1, k)


def test_catalog_derived_fabric_rows():
    assert clos_fabric(int(catalog_si("derived.fabric.k64_3tier")), 64)["tiers"] == 3
    assert clos_fabric(int(catalog_si("derived.fabric.k144_3tier")), 144)["tiers"] == 3


def test_oversubscription_shrinks_the_upper_tiers():
    # Meta 24k H100: 7:1 between pods (Llama 3 report); uplinks = k/(1+s) per leaf
    full = clos_fabric(24576, 64, tiers=3)
    over = clos_fabric(24576, 64, tiers=3, oversubscription=7.0)
    assert over["links_leaf_spine"] < full["links_leaf_spine"] / 5
    assert over["leaf"] < full["leaf"]  # 56 of 64 ports face the GPUs
    with pytest.raises(TokenfabError, match="oversubscription"):
        clos_fabric(100, 64, oversubscription=0.5)


def test_about_five_transceivers_per_gpu_at_128k():
    # NVIDIA CPO blog: a 128,000-GPU data center with pluggables needs ~655,000 transceivers
    # (~5.1 per GPU). Modelled: GB300 NVL72 (800G/GPU), 3-tier, one module per port and per
    # NIC = 6.0 per GPU. The 17% gap is module packing (twin-port OSFP, copper) that NVIDIA
    # does not itemise; the tolerance says so.
    acc = load_catalog().hardware("gb300-nvl72")
    f = design_fabric(128_000, acc.scaleout_bw_bytes_per_s_unidir * 8)
    per_gpu = f.transceivers / 128_000
    anchor = catalog_si("nvidia.transceivers_per_128k_gpus") / 128_000
    assert anchor == pytest.approx(5.12, abs=0.01)
    assert per_gpu == pytest.approx(anchor, rel=0.2)
    # twin-port modules on the switch side halve the switch-side count
    f2 = design_fabric(128_000, acc.scaleout_bw_bytes_per_s_unidir * 8, ports_per_transceiver=2)
    assert f2.transceivers < f.transceivers


def _site(hw: str, n: int, **kw) -> object:
    return evaluate_site(ClusterSection(hardware=hw, accelerators=n, samples=0, trials=0,
                                        hot_spare_fraction=0.0, **kw))


def test_100k_h100_need_about_150_mw_of_it():
    # SemiAnalysis "100,000 H100 Clusters" (Jun 2024): ~150 MW critical IT (catalog
    # power.100k_h100_critical_it); 700 W GPU + 575 W server overhead, storage/network ~10%
    r = _site("h100-sxm", 100_000)
    anchor = catalog_si("power.100k_h100_critical_it")
    assert r.it_power_w == pytest.approx(anchor, rel=0.10)
    # DGX H100 10.2 kW / 8 = 1,275 W per GPU at the server = 700 + 575 (SemiAnalysis)
    assert r.systems * 10.2e3 / 100_000 == pytest.approx(700 + 575)


def test_gb200_nvl72_rack_power():
    # one GB200 NVL72 rack: ~120 kW (Tom's Hardware, Mar 2025) to 132 kW fully loaded
    # (Schneider Electric, in accelerators.csv notes); power shelves 8 x 33 kW = 264 kW
    # nameplate, i.e. 132 kW with 2N redundancy
    r = _site("gb200-nvl72", 72)
    assert 120e3 <= r.rack_power_w <= 132e3
    assert r.rack_power_w <= 8 * catalog_si("power.gb200_power_shelf") / 2
    assert r.racks == 1 and r.cooling == "liquid"


def test_gb200_superpod_scalable_unit_is_about_1_2_mw():
    # DGX SuperPOD GB200 RA: SU = 8 NVL72 racks (576 GPUs), SU TDP 1.2 MW
    r = _site("gb200-nvl72", 576)
    assert r.racks == catalog_si("superpod_gb200.su_racks")
    assert r.it_power_w == pytest.approx(catalog_si("superpod_gb200.su_tdp"), rel=0.15)


def test_facility_power_and_energy_arithmetic():
    r = _site("gb200-nvl72", 72_000, pue=1.25)
    assert r.facility_power_w == pytest.approx(1.25 * r.it_power_w)
    assert r.energy_per_year_j == pytest.approx(r.facility_power_w * 8766 * 3600)
    assert r.racks == 1000


def test_550k_gb200_is_a_gigawatt_class_site():
    # research notes 4.4: 550k GB200/GB300 at 2.0-2.3 kW IT -> ~1.1-1.27 GW IT; modelled
    # with the 120 kW rack: 1.67 kW/GPU at the rack + fabric + storage
    r = _site("gb200-nvl72", 550_000)
    assert 0.9e9 < r.it_power_w < 1.3e9
    assert r.facility_power_w > 1e9


def test_fallback_system_power_scales_tdp():
    acc = load_catalog().hardware("gb300-nvl72")
    from tokenfab.cluster.power import system_power

    sp = system_power(acc)
    assert sp.kind == "derived"
    # GB200 rack ratio 120 kW / (72 x 1200 W) applied to 1400 W
    assert sp.value == pytest.approx(72 * 1400 * 120e3 / (72 * 1200))
    assert math.isfinite(sp.value)
