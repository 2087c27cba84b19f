"""The factory against published unit economics (issue 13): each test names its source and
states its tolerance.

1. DeepSeek's disclosure of its V3/R1 serving fleet (2025-03-01): cost at $2 per H800-hour and
   theoretical revenue at R1 prices, from its published token counts.
2. IREN's 5-year GB300 contract with Microsoft (2025-11-03): implied price per GPU-hour, and
   the factory's own cost per GB300-hour beside it.
2b. Microsoft's five-year contract with the Aker-Nscale joint venture in Narvik (2025-09-17,
   ~52,000 GB300): implied price per GPU-hour, and our cost beside it.
3. All-in capex per GW of a GB200 site (default, sourced components) against three public
   estimates, and Bernstein's bottom-up as a cross-check of the components.
4. "2x perf/W gives 2x revenue" on two real systems, power-bound and demand-bound.
"""

from __future__ import annotations

import math

import pytest

from tokenfab.catalog import load_catalog
from tokenfab.factory import capex_usd_per_it_w
from tokenfab.factory.economics import factory_model
from tokenfab.factory.inputs import (
    deal_price,
    site_cost_share,
    sourced_networking_cost,
    survey_facility_cost,
)
from tokenfab.factory.runner import run_factory
from tokenfab.factory.spec import FactorySection
from tokenfab.scenario import validate_section
from tokenfab.uncertainty import likely
from tokenfab.units import HOURS_PER_YEAR, SECONDS_PER_YEAR

Y = SECONDS_PER_YEAR
CAT = load_catalog()


def _site(**kw):
    base = dict(pue=1.0, reference_pue=1.0, accelerators_per_system=8, accelerator_price=0.0,
                networking_cost=0.0, power_cooling_cost=0.0, building_cost=0.0,
                electricity_price=0.0, opex_nonenergy_per_year=0.0, life_it=5 * Y,
                life_facility=10 * Y, cost_of_capital=0.0, utilization=1.0)
    return {**base, **kw}


def test_deepseek_disclosed_revenue_per_gpu_hour_is_reproduced():
    """DeepSeek, 'DeepSeek-V3/R1 Inference System Overview' (2025-03-01,
    github.com/deepseek-ai/open-infra-index, day_6_one_more_thing): 226.75 H800 nodes of 8 GPUs
    on average over 24 h; 608B input tokens (342B cache hits at $0.14/M, 266B misses at
    $0.55/M), 168B output tokens at $2.19/M; cost $87,072/day at $2/GPU-hour; theoretical
    revenue $562,027/day. Tolerance 0.5% (the published inputs are rounded to 3 digits)."""
    gpus = 226.75 * 8
    day = 86400.0
    out_tps = 168e9 / (gpus * day)
    in_per_out = 608e9 / 168e9
    price_in = (342 * 0.14 + 266 * 0.55) / 608 * 1e-6
    o = factory_model(**_site(power=gpus * 1000.0, allin_power=1000.0,
                              tokens_per_s_per_accelerator=out_tps, price=2.19e-6,
                              price_input=price_in, input_per_output=in_per_out))
    per_hour = float(o.revenue_usd_per_accelerator_hour)
    assert per_hour == pytest.approx(562_027 / (gpus * 24), rel=0.005)
    # the disclosed cost: $2 per GPU-hour
    assert gpus * 24 * 2.0 == pytest.approx(87_072, rel=1e-6)
    # revenue / rent: the disclosed 'cost-profit ratio' of 545%
    assert per_hour / 2.0 - 1 == pytest.approx(5.45, rel=0.01)


def test_iren_microsoft_contract_implied_gpu_hour_and_our_cost():
    """IREN-Microsoft (Reuters / Benzinga 2025-11-03): $9.7B over 5 years for GB300 capacity
    on 200 MW of critical IT, equipment from Dell for $5.8B. GPUs from the IT power and the
    catalog's all-in power per GB300 agree with GPUs from the equipment bill and the reported
    deal price within 10%; the implied price is ~$2 per GPU-hour, and the factory's own cost
    per GB300-hour (TCO at the default costs) lies within 30% of it."""
    c = CAT.capex
    hw = CAT.hardware("gb300-nvl72")
    it_w = hw.allin_power_w / 1.15
    gpus_power = c["iren_childress_critical_it_w"].value / it_w
    gpus_bill = c["iren_dell_equipment_usd"].value / c["deal_price_gb300_nvl72_per_gpu"].value
    assert gpus_power == pytest.approx(gpus_bill, rel=0.10)
    implied = c["iren_microsoft_contract_usd"].value / 5 / (gpus_power * HOURS_PER_YEAR)
    assert 1.7 < implied < 2.5
    r = run_factory(validate_section(FactorySection, {
        "power": "230 MW", "hardware": "gb300-nvl72", "model": "deepseek-r1",
        "tokens_per_s_per_accelerator": 5000}), CAT, samples=0, with_tornado=False)
    ours = r.point["cost_usd_per_accelerator_hour"]
    assert ours == pytest.approx(implied, rel=0.30)


def test_narvik_microsoft_contract_implied_gpu_hour_and_our_cost():
    """Aker-Nscale joint venture and Microsoft (Aker stock exchange announcement 2025-09-17):
    $6.2B over five years for GPU capacity in Narvik; Nscale's release of 2025-10-15 puts it at
    ~52,000 GB300. Implied price: $6.2B / 5 / (52,000 x 8,766 h) = $2.72 per GPU-hour (an
    upper figure if delivery is staged: fewer GPU-hours than the full fleet for five years).
    The factory's own cost per GB300-hour (TCO at the default costs, US electricity price:
    Narvik's hydro power is cheaper) lies within 30% of it and below it (a lessor needs a
    margin). Power per GPU from Nscale's Loughton release (50 MW for 23,040 GB300) lies within
    10% of the catalog's all-in power per GB300."""
    c = CAT.capex
    implied = (c["narvik_microsoft_contract_usd"].value / 5
               / (c["narvik_microsoft_gb300_gpus"].value * HOURS_PER_YEAR))
    assert implied == pytest.approx(2.72, rel=0.01)
    r = run_factory(validate_section(FactorySection, {
        "power": "120 MW", "hardware": "gb300-nvl72", "model": "deepseek-r1",
        "tokens_per_s_per_accelerator": 5000}), CAT, samples=0, with_tornado=False)
    ours = r.point["cost_usd_per_accelerator_hour"]
    assert ours == pytest.approx(implied, rel=0.30)
    assert ours < implied
    per_gpu_w = c["loughton_ai_capacity_w"].value / c["loughton_microsoft_gb300_gpus"].value
    assert CAT.hardware("gb300-nvl72").allin_power_w == pytest.approx(per_gpu_w, rel=0.10)


def test_allin_capex_per_gw_reconciles_with_three_public_estimates():
    """GB200 NVL72 site at the DEFAULT capex, each component sourced (capex.csv: reported deal
    price per GPU; NVIDIA's networking / compute revenue x that price, Bernstein's storage
    share; Cushman & Wakefield facility cost + Turner & Townsend AI premium) against Bernstein
    $35B/GW (GB200, Oct 2025), Morgan Stanley $33B/GW (GB300, May 2026) and Epoch AI $38B per GW
    of IT (2026-05, = $33B per site GW at PUE 1.15). Tolerance: within 30% of their median (the
    estimates differ in scope: land, soft costs, storage)."""
    r = run_factory(validate_section(FactorySection, {
        "power": "1 GW", "hardware": "gb200-nvl72", "model": "deepseek-r1",
        "tokens_per_s_per_accelerator": 5000}), CAT, samples=0, with_tornado=False)
    ours = r.point["capex_usd_per_site_w"]
    refs = [CAT.assumption("capex_per_gw_bernstein").value,
            CAT.assumption("ms_capex_per_gw_gb300").value,
            CAT.assumption("capex_per_gw_it_epoch").value / 1.15]
    mid = sorted(refs)[1]
    assert ours == pytest.approx(mid, rel=0.30), (ours, refs)
    # the facility part is the construction survey's, not Bernstein's shares (1.6x it)
    it_w = r.point["it_power_w"]
    fac = r.point["capex_facility_usd"] / it_w
    assert fac == pytest.approx(11.7 * 1.085, rel=1e-3)
    # the accelerators at the reported deal price, the network at NVIDIA's revenue ratio
    hw = CAT.hardware("gb200-nvl72")
    assert likely(deal_price(CAT, hw)) == pytest.approx(52083)
    per_gpu_it_w = hw.allin_power_w / 1.15
    net = likely(sourced_networking_cost(CAT, hw))
    assert net == pytest.approx(0.19 * 52083 / per_gpu_it_w + 0.0125 * 5.9e6 / 125e3, rel=1e-3)


def test_bernstein_bottom_up_cross_checks_the_sourced_components():
    """Bernstein's GB200 NVL72 bottom-up (Oct 2025: $5.9M per rack of ~125 kW IT, capex shares)
    is no longer the default; it cross-checks the sourced components. Its networking + storage
    per IT W lies within 30% of ours (NVIDIA's revenue ratio); its facility (mechanical &
    electrical + land, building, labour: 43% of $47.2/W = $20.3/W) is 1.6x the construction
    survey's $12.7/W (it includes generation and soft costs the survey leaves out), and its
    all-in per site W is within 30% of ours."""
    hw = CAT.hardware("gb200-nvl72")
    b_net = site_cost_share(CAT, "share_capex_networking", "share_capex_storage")
    b_fac = site_cost_share(CAT, "share_capex_mech_electrical",
                            "share_capex_land_building_labor")
    assert likely(b_net) == pytest.approx(likely(sourced_networking_cost(CAT, hw)), rel=0.30)
    survey = likely(survey_facility_cost(CAT, True)) + likely(survey_facility_cost(CAT, False))
    assert likely(b_fac) / survey == pytest.approx(1.6, rel=0.05)
    ours = capex_usd_per_it_w(hw, CAT)
    bern = capex_usd_per_it_w(hw, CAT, networking_cost=likely(b_net),
                              power_cooling_cost=likely(site_cost_share(
                                  CAT, "share_capex_mech_electrical")),
                              building_cost=likely(site_cost_share(
                                  CAT, "share_capex_land_building_labor")))
    assert bern / ours == pytest.approx(1.0, rel=0.30)
    assert bern > ours


@pytest.mark.parametrize("share, ratio", [(None, 8149.47 / 1264.38), (1e-4, 1.0)])
def test_two_x_perf_per_watt_in_both_regimes(share, ratio):
    """GB200 NVL72 (FP4) and H100 (FP8) serving DeepSeek-R1 at 50 tok/s/user (the engine's
    operating points in the golden blackwell_30x run: 8,149 and 1,264 tok/s per GPU), each on
    2 GW. Power-bound, revenue follows tokens per W (x the rack/GPU power ratio); demand-bound
    (a 0.01% share of the market), both sell the same tokens and revenue is equal: perf/W buys
    nothing but lower cost."""
    runs = {}
    for hw, tps in (("gb200-nvl72", 8149.47), ("h100-sxm", 1264.38)):
        kw = {"power": "2 GW", "hardware": hw, "model": "deepseek-r1",
              "tokens_per_s_per_accelerator": tps}
        if share is not None:
            kw["demand_share"] = share
        runs[hw] = run_factory(validate_section(FactorySection, kw), CAT, samples=0,
                               with_tornado=False).point
    a, b = runs["gb200-nvl72"], runs["h100-sxm"]
    rev = a["revenue_usd_per_year"] / b["revenue_usd_per_year"]
    if share is None:
        per_w = a["tokens_per_s_per_mw"] / b["tokens_per_s_per_mw"]
        assert rev == pytest.approx(per_w, rel=1e-9)
        assert not a["demand_bound"] and not b["demand_bound"]
    else:
        assert rev == pytest.approx(ratio, rel=1e-9)
        assert a["demand_bound"] and b["demand_bound"]
        assert a["utilization"] < b["utilization"] < 0.8
        assert a["cost_usd_per_mtok"] > 0 and math.isfinite(a["profit_usd_per_year"])


def test_oracle_gpu_rental_margin_is_a_known_disagreement():
    """Oracle's Nvidia GPU-rental business (The Information, 2025-10-07, from internal documents;
    catalog capex.csv ``oracle_nvidia_rental_*``): ~$900M revenue and $125M gross profit in the
    three months to August 2025, a 14 % gross margin (<10 % to >20 % over the year; ~7 % after
    further depreciation). So cost / revenue = 0.86 (0.79-0.93).

    Ours: the factory's cost per H100-hour (capital charge at the default cost of capital,
    energy, opex, at the default utilization) over the H100 market rent (gpu_rents.csv median)
    = ~0.61, a 39 % lessor margin. Reproduced would be within 0.10 of Oracle's ratio; it is
    NOT: the model leaves a lessor about three times Oracle's margin. What could carry it, not
    tuned: utilization (Oracle loses money on small rentals and was ramping Blackwell, which lost
    ~$100M in the quarter: idle capacity; ours matches 0.86 at ~0.57 utilization, below the
    input's 0.6-1.0 range), a price to OpenAI-scale customers below the median rent, and
    Oracle's accounting of direct costs. Kept as a finding: this test fails when the gap closes
    (then make it a reproduction) or widens past 2x in margin terms."""
    margin = CAT.assumption("oracle_nvidia_rental_gross_margin").si
    oracle_ratio = 1.0 - likely(margin)
    assert oracle_ratio == pytest.approx(1 - 125 / 900, abs=0.01)
    r = run_factory(validate_section(FactorySection, {
        "power": "100 MW", "hardware": "h100-sxm", "model": "llama3.1-70b",
        "tokens_per_s_per_accelerator": 1000}), CAT, samples=0, with_tornado=False)
    rent_h = likely(r.resolved.values["market_rent"]) * 3600.0
    assert rent_h == pytest.approx(2.30, rel=0.05)  # the H100 rows' median (gpu_rents.csv)
    ours = r.point["cost_usd_per_accelerator_hour"] / rent_h
    assert abs(ours - oracle_ratio) > 0.10, "the model now reproduces Oracle: make it a check"
    assert 0.45 < ours < oracle_ratio - 0.10, ours
    # the utilization at which our cost ratio would equal Oracle's (cost per served hour ~ 1/u)
    u = r.point["utilization"]
    u_star = u * ours / oracle_ratio
    assert 0.45 < u_star < 0.65, u_star
