"""The interview's arithmetic, and placing figures in a distribution."""

import numpy as np
import pytest

from tokenfab.market.claims import interview_arithmetic, interview_claims, place_claims


def test_interview_point_inputs_reproduce_its_arithmetic_exactly():
    a = interview_arithmetic(capex_usd_per_w=50.0)
    assert a["implied_ai_spend_share"] == 0.2
    assert a["token_services_usd_per_year"] == 10e12
    assert a["infrastructure_usd_per_year"] == 5e12
    assert a["reproduces_headline"] is True
    assert a["gw_per_year"] == pytest.approx(100.0)  # $5T / $50B per GW


def test_per_worker_example_implies_half_the_headline():
    a = interview_arithmetic(capex_usd_per_w=50.0)
    assert a["per_worker_ai_spend_share"] == pytest.approx(0.1)  # $10k / $100k
    assert a["per_worker_token_services_usd_per_year"] == pytest.approx(5e12)
    assert a["per_worker_infrastructure_usd_per_year"] == pytest.approx(2.5e12)
    assert a["headline_needs_ai_per_100k_usd"] == pytest.approx(20e3)
    assert "not $10T" in a["finding"]


def test_percentiles_of_claims_on_a_known_sample():
    n = 10_001
    samples = {c.output: np.linspace(0, 20e12, n) for c in interview_claims()
               if c.output not in ("gross_margin", "ai_spend_share")}
    inputs = {"gross_margin": np.linspace(0.3, 0.7, n), "ai_spend_share": np.linspace(0.1, 0.5, n)}
    recs = {r["key"]: r for r in place_claims(samples, inputs, world=True)}
    # $10T in a uniform 0..$20T sample sits at the 50th percentile
    assert recs["token_services"]["percentile"] == pytest.approx(50.0, abs=0.02)
    assert recs["token_services"]["probability_model_reaches"] == pytest.approx(0.5, abs=1e-3)
    assert recs["ai_factories"]["percentile"] == pytest.approx(25.0, abs=0.02)
    # $50T is beyond every draw
    assert recs["intelligence_gdp"]["percentile"] == 100.0
    assert recs["intelligence_gdp"]["where"] == "above every draw of the model"
    # an input claim at the low end of its own range is said to be there
    assert recs["per_worker_share"]["where"] == "at the low end of the model's range"
    assert recs["gross_margin"]["percentile"] == pytest.approx(50.0, abs=0.02)


def test_country_runs_place_no_world_figures():
    s = {"knowledge_gdp_usd": np.ones(10)}
    assert place_claims(s, {}, world=False) == []


def test_interview_figures_match_the_research_data():
    """The catalog's copy keeps the research CSV's interview numbers (skips without ../shared)."""
    import csv
    from pathlib import Path

    from tokenfab.market.claims import interview_figures

    path = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "economics_assumptions.csv"
    if not path.exists():
        pytest.skip("../shared/data/economics_assumptions.csv not available")
    rows = {r["key"]: r for r in csv.DictReader(open(path, encoding="utf-8"))}
    f = interview_figures()
    assert f["knowledge_gdp_usd"] == float(rows["jensen_intelligence_gdp"]["value"]) * 1e12 == 50e12
    assert f["token_services_usd_per_year"] == float(rows["jensen_ai_augmentation"]["value"]) * 1e12
    assert f["gross_margin"] == float(rows["ai_token_gross_margin"]["value"]) == 0.5
    assert f["infra_2030_low"] == float(rows["jensen_ai_infra_spend_2030"]["low"]) * 1e12 == 3e12
    assert f["infra_2030_high"] == float(rows["jensen_ai_infra_spend_2030"]["high"]) * 1e12 == 4e12


def test_a_fixed_output_equal_to_the_claim_is_said_so():
    n = 100
    samples = {"token_services_usd_per_year": np.full(n, 10e12),
               "knowledge_gdp_usd": np.full(n, 50e12)}
    recs = {r["key"]: r for r in place_claims(samples, {"ai_spend_share": np.full(n, 0.2)})}
    assert recs["token_services"]["where"] == "equal to the model's fixed value"
    assert recs["intelligence_gdp"]["where"] == "equal to the model's fixed value"
    # the per-worker 10% against a fixed 20%: below it, and the model always reaches it
    assert recs["per_worker_share"]["where"] == "below every draw of the model"
    assert recs["per_worker_share"]["probability_model_reaches"] == 1.0


def test_figures_are_graded_by_tokenfab_claims():
    from tokenfab.claims import Verdict

    n = 10_001
    samples = {c.output: np.linspace(0, 20e12, n) for c in interview_claims()
               if c.output not in ("gross_margin", "ai_spend_share")}
    recs = {r["key"]: r for r in place_claims(samples, None, world=True,
                                              point={"token_services_usd_per_year": 10e12})}
    # the point equals the figure: supported; inside p10-p90 only: partly; beyond: not
    assert recs["token_services"]["verdict"] == Verdict.SUPPORTED.value
    assert recs["ai_factories"]["verdict"] == Verdict.PARTLY.value  # $5T: median $10T, in band
    assert recs["intelligence_gdp"]["verdict"] == Verdict.NOT_SUPPORTED.value  # $50T > every draw
    assert all(Verdict.parse(r["verdict"]) in Verdict for r in recs.values())
