"""`tokenfab market`: JSON shape, the interview scenario, bad input -> message and exit 2."""

import json
from pathlib import Path

import pytest

from tokenfab.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "interview" / "three_layers.toml"


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_layers_gw_share_and_claims(capsys):
    d = _json(capsys, ["market", "--json", "--samples", "2000"])
    for name in ("replacement", "migration", "augmentation"):
        q = d["layers"][name]
        assert q["p10"] <= q["p50"] <= q["p90"] and q["p10"] > 0
    for key in ("infrastructure_usd_per_year", "gw", "share_of_world_electricity"):
        assert d[key]["p10"] <= d[key]["p50"] <= d[key]["p90"]
    # the total is the sum of the layers (medians of a sum ~ sum of medians, not equal)
    assert d["infrastructure_usd_per_year"]["p50"] > d["layers"]["augmentation"]["p50"]
    keys = {c["key"]: c for c in d["claims"]}
    for k in ("intelligence_gdp", "token_services", "ai_factories", "infra_2030_low",
              "infra_2030_high", "gross_margin", "per_worker_share"):
        assert 0.0 <= keys[k]["percentile"] <= 100.0
    # a larger claim is never more likely than a smaller one on the same output
    assert keys["infra_2030_high"]["probability_model_reaches"] <= \
        keys["infra_2030_low"]["probability_model_reaches"]
    assert d["interview_arithmetic"]["token_services_usd_per_year"] == 10e12
    assert d["sensitivity"][0]["swing_gw"] >= d["sensitivity"][-1]["swing_gw"]
    assert d["inputs"]["capex_usd_per_w"]["source"].startswith("catalog capex_per_gw_model_prior")


def test_interview_scenario_reproduces_10T_and_5T_in_every_draw(capsys):
    d = _json(capsys, ["market", str(SCENARIO), "--json", "--samples", "500"])
    for q in ("p10", "p50", "p90"):
        assert d["token_services_usd_per_year"][q] == pytest.approx(10e12, rel=1e-12)
        assert d["layers"]["augmentation"][q] == pytest.approx(5e12, rel=1e-12)
    assert d["scenario"]["claim"].startswith("$50T")


def test_country_run(capsys):
    d = _json(capsys, ["market", "--country", "JP", "--json", "--samples", "500"])
    assert d["region"] == "JP"
    assert d["share_of_country_electricity"]["p50"] > d["share_of_world_electricity"]["p50"]
    assert d["claims"] == []


def test_plot_writes_a_file(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "waterfall.png"
    assert main(["market", "--samples", "300", "--plot", str(out)]) == 0
    assert out.stat().st_size > 10_000


def _scenario(tmp_path, body):
    p = tmp_path / "s.toml"
    p.write_text("[market]\n" + body + "\n", encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("body, expect", [
    ("labour_share = 1.5", "market.labour_share: must be > 0 and <= 1; got 1.5"),
    ("world_gdp = -5", "market.world_gdp: must be > 0"),
    ('world_gdp = "-5 TUSD"', "market.world_gdp: must be > 0"),
    ("ai_spend_share = { low = 0.1, likely = 0.2, high = 1.4 }", "market.ai_spend_share"),
    ("gross_margin = 1.0", "market.gross_margin: must be >= 0 and < 1"),
    ("capex_per_power = 0", "market.capex_per_power: must be > 0"),
    ("labor_share = 0.5", "did you mean 'labour_share'"),
    ("samples = -1", "market.samples"),
    ("seed = -1", "market.seed"),
    ('country = "Germny"', "market.country: unknown country 'Germny'; did you mean 'Germany'?"),
    ("migration_width_years = 0", "market.migration_width_years: must be > 0"),
])
def test_bad_scenario_values_exit_2_with_a_message(tmp_path, capsys, body, expect):
    assert main(["market", _scenario(tmp_path, body)]) == 2
    err = capsys.readouterr().err
    assert expect in err
    assert "Traceback" not in err


def test_bad_flags_exit_2(capsys):
    assert main(["market", "--country", "Germny"]) == 2
    assert "did you mean 'Germany'" in capsys.readouterr().err
    assert main(["market", "--samples", "1"]) == 2  # 0 = point estimate, else >= 2 draws
    assert "samples: must be 0 (point estimate) or 2" in capsys.readouterr().err
    assert main(["market", "/nonexistent/s.toml"]) == 2
    assert "not found" in capsys.readouterr().err


def test_all_countries_table(capsys):
    d = _json(capsys, ["market", "--country", "all", "--json", "--samples", "300"])
    rows = d["countries"]
    assert len(rows) >= 15 and rows[0]["gw"]["p50"] >= rows[-1]["gw"]["p50"]
    world = _json(capsys, ["market", "--json", "--samples", "300"])
    # the countries' own demand adds up to less than the world's
    assert sum(r["gw"]["p50"] for r in rows) < world["gw"]["p50"]
    assert all(r["sources"]["gdp_usd"].startswith("countries.csv") for r in rows)


def test_waterfall_to_a_file_object():
    import io

    pytest.importorskip("matplotlib")
    from tokenfab.market import run_market
    from tokenfab.report.figures.market import waterfall_figure

    buf = io.BytesIO()
    waterfall_figure(run_market(samples=200, sensitivity=False), buf)
    assert buf.getvalue()[:4] == b"\x89PNG"


def test_hardware_capex_keeps_the_catalog_spread(capsys):
    from tokenfab.catalog import load_catalog
    from tokenfab.factory import capex_usd_per_it_w

    d = _json(capsys, ["market", "--hardware", "gb200-nvl72", "--json", "--samples", "300"])
    v = d["inputs"]["capex_usd_per_w"]["value"]
    econ = load_catalog().economics
    pue = econ["pue_ai_liquid_cooled"].value
    prior = econ["capex_per_gw_model_prior"]
    assert v["likely"] == pytest.approx(capex_usd_per_it_w("gb200-nvl72") / pue)
    assert v["high"] / v["likely"] == pytest.approx(prior.high / prior.value)
    # a GB200 site lands among the independent per-GW estimates (Bernstein $35B, Epoch $38B
    # per IT GW, NVIDIA $50-60B): 30-60 USD/W
    assert 30 < v["likely"] < 60
    assert main(["market", "--hardware", "h1000"]) == 2
    assert "did you mean 'h100-sxm'" in capsys.readouterr().err
