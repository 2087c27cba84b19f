"""The projection: flat when nothing grows, linear in users, decomposition, bands, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tokenfab.demand import DemandSection, project
from tokenfab.demand.inputs import DEMAND_INPUTS, GROWTH_FACTORS, Growth, resolve_demand
from tokenfab.errors import TokenfabError
from tokenfab.inputs import RunOptions

YEARS = [2025, 2026, 2027, 2028]


def _flat_section(**kw):
    growth = {name: {"curve": "exponential", "rate": 0.0} for name in GROWTH_FACTORS}
    return DemandSection.model_validate({"growth": growth, "hardware_gain_after_last": 0.0,
                                         "installed_power_growth": 0.0,
                                         "other_workloads_growth": 0.0,
                                         "generations": {"2020": "gb200-nvl72"}, **kw})


def test_every_rate_zero_gives_flat_demand():
    proj = project(_flat_section(), years=YEARS)
    for key in ("pretraining_flops", "post_training_flops", "inference_flops", "tokens",
                "accelerators", "gw", "capex_usd", "users", "tokens_per_query"):
        v = proj.point[key]
        np.testing.assert_allclose(v, v[0], rtol=1e-12, err_msg=key)
    inf = proj.decomposition["inference"]
    assert inf["total_multiple"] == pytest.approx(1.0)
    assert all(f["multiple"] == pytest.approx(1.0) for f in inf["factors"].values())
    # with nothing growing, capex is only the replacement of a constant fleet: IT over its
    # life, the facility over its own
    pt = proj.inputs.point()
    w = proj.point["power_w"][0]
    c_f = proj.point["capex_facility_usd_per_w"][0]
    c_it = proj.point["capex_usd_per_w"][0] - c_f
    assert 0 < c_f < c_it
    assert proj.point["capex_usd"][0] == pytest.approx(
        w * (c_it / pt["capex_life_years"] + c_f / pt["capex_life_facility_years"]))
    assert proj.point["capex_facility_usd"][0] == pytest.approx(
        w * c_f / pt["capex_life_facility_years"])


def test_doubling_users_doubles_inference_only():
    # (exponential users: a logistic ceiling would, rightly, saturate the doubled base)
    growth = {"users": {"curve": "exponential", "rate": 0.5}}
    base = project(DemandSection(growth=growth, api_tokens_per_year=0.0), years=YEARS)
    users = base.inputs.resolved.values["users"]
    doubled = project(DemandSection(growth=growth, api_tokens_per_year=0.0, users={
        "low": 2 * users.low, "likely": 2 * users.likely, "high": 2 * users.high}),
        years=YEARS)
    np.testing.assert_allclose(doubled.point["inference_flops"], 2 * base.point["inference_flops"],
                               rtol=1e-12)
    np.testing.assert_allclose(doubled.point["tokens"], 2 * base.point["tokens"], rtol=1e-12)
    np.testing.assert_allclose(doubled.point["accelerators_inference"],
                               2 * base.point["accelerators_inference"], rtol=1e-12)
    np.testing.assert_allclose(doubled.point["pretraining_flops"], base.point["pretraining_flops"])


def test_decomposition_factors_multiply_to_totals():
    proj = project(DemandSection(), years=list(range(2025, 2033)))
    d = proj.decomposition
    for law in ("inference", "pretraining", "post_training"):
        prod = math.prod(f["multiple"] for f in d[law]["factors"].values())
        assert prod == pytest.approx(d[law]["total_multiple"], rel=1e-9), law
        assert sum(f["log_share"] for f in d[law]["factors"].values()) == pytest.approx(1.0)
    claim = d["claim"]
    assert math.prod(f["multiple"] for f in claim["factors"].values()) == pytest.approx(1e9, rel=1e-9)
    # years to a billion at the projection's average inference growth rate
    rate = d["inference"]["total_multiple"] ** (1 / 7)
    assert claim["years_at_projected_rate"] == pytest.approx(math.log(1e9) / math.log(rate))


def test_pretraining_follows_epoch_rate_and_6nd():
    proj = project(DemandSection(), years=YEARS)
    g = 1 + proj.inputs.point()["growth.frontier_run_flops.rate"]  # 4.6x/yr (Epoch)
    run = proj.point["frontier_run_flops"]
    np.testing.assert_allclose(run[1:] / run[:-1], g, rtol=1e-12)
    n, d = proj.point["frontier_params"], 20.0 * proj.point["frontier_params"]
    np.testing.assert_allclose(6 * n * d, run, rtol=1e-9)
    # frontier_params instead of run FLOPs: C0 = 6 N (20 N)
    alt = project(DemandSection(frontier_params=1e12), years=YEARS)
    assert alt.point["frontier_run_flops"][0] == pytest.approx(6 * 1e12 * 20e12)


def test_rollouts_mode_hand_calc():
    sec = DemandSection(rl_mode="rollouts", rl_rollouts_per_year=1e6, rl_tokens_per_rollout=1e4,
                        rl_active_params=1e11, rl_trained_fraction=1.0,
                        growth={"rl_rollouts": {"rate": 0.0}})
    proj = project(sec, years=YEARS)
    np.testing.assert_allclose(proj.point["post_training_flops"], 1e6 * 1e4 * 1e11 * 8.0)


def test_monte_carlo_bands_are_ordered_and_finite():
    proj = project(DemandSection(), years=YEARS, options=RunOptions(300))
    for key, b in proj.bands.items():
        assert np.all(np.isfinite(b["p10"])), key
        assert np.all(b["p10"] <= b["p50"] + 1e-9 * np.abs(b["p50"])), key
        assert np.all(b["p50"] <= b["p90"] + 1e-9 * np.abs(b["p90"])), key
    rows = proj.rows()
    assert [r["year"] for r in rows] == YEARS
    assert set(rows[0]["bands"]) >= {"inference_flops", "gw", "capex_usd"}


def test_base_year_check_against_google_tokens():
    proj = project(DemandSection(), years=YEARS)
    oct25 = [c for c in proj.checks if c["observed"].endswith("google_tokens_per_month_2025_10")]
    assert len(oct25) == 1
    # the whole-market model must be within a factor of 10 of one provider's observed volume
    assert 0.1 < oct25[0]["ratio_model_to_observed"] < 10


def test_shares_above_one_are_an_error():
    sec = DemandSection(growth={"agent_share": {"curve": "exponential", "rate": 3.0}})
    with pytest.raises(TokenfabError, match="agent_share.*a share must stay in"):
        project(sec, years=list(range(2025, 2033)))


def test_unknown_ids_name_the_field():
    with pytest.raises(TokenfabError, match="demand.model: unknown model 'deepseek-v9'; did you mean"):
        project(DemandSection(model="deepseek-v9"), years=YEARS)
    with pytest.raises(TokenfabError, match="demand.generations: unknown accelerator"):
        project(DemandSection(generations={"2024": "gb20"}), years=YEARS)


def test_docs_list_every_input():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "demand.md"
    text = doc.read_text()
    missing = [k for k in (*DemandSection.model_fields, *Growth.model_fields, *DEMAND_INPUTS.names)
               if k != "growth" and f"`{k}`" not in text]
    assert not missing, f"docs/demand.md does not list: {missing}"


def test_docs_defaults_table_is_generated_from_the_inputs():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "demand.md").read_text()
    assert DEMAND_INPUTS.markdown_table() in text, (
        "docs/demand.md's defaults table is stale: paste DEMAND_INPUTS.markdown_table()")


def test_growth_table_keys_left_out_take_the_factor_default():
    # users: logistic by default; giving only a rate keeps the curve and the ceiling
    res = resolve_demand(DemandSection(growth={"users": {"rate": 0.3}}))
    assert res.curves["users"] == "logistic"
    assert res.resolved.values["growth.users.rate"] == 0.3
    assert res.resolved.values["growth.users.ceiling"] == 5.5e9
    # an exponential curve drops the default ceiling (and so its Monte Carlo draws)
    res = resolve_demand(DemandSection(growth={"users": {"curve": "exponential"}}))
    assert "growth.users.ceiling" not in res.resolved.values


def test_logistic_without_ceiling_names_the_field():
    with pytest.raises(TokenfabError, match="demand.growth.frontier_runs.ceiling"):
        resolve_demand(DemandSection(growth={"frontier_runs": {"curve": "logistic"}}))


def test_set_overrides_the_scenario_and_catalog_reaches_defaults(tmp_path):
    from tokenfab.catalog import load_catalog

    sec = DemandSection(users=1e9)
    res = resolve_demand(sec, flags=DEMAND_INPUTS.parse_overrides(["users=2e9"]))
    assert res.resolved.values["users"] == 2e9
    assert res.resolved.sources["users"].origin == "flag"
    # a user catalog's accelerator price reaches the capex per watt of the projection
    f = tmp_path / "cat.toml"
    f.write_text('[[accelerator]]\nid = "gb200-nvl72"\nbase = "gb200-nvl72"\n'
                 'price_usd = 1.0\n')
    cheap = project(DemandSection(), years=YEARS, catalog=load_catalog([str(f)]))
    base = project(DemandSection(), years=YEARS)
    assert cheap.hardware.capex_usd_per_w[1] < 0.8 * base.hardware.capex_usd_per_w[1]
