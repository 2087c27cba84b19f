"""``tokenfab factory``: JSON keys, Monte Carlo percentiles, the plot, and bad input (exit 2)."""

from __future__ import annotations

import json

import pytest

from tokenfab.cli import main

KEYS = ("accelerators", "it_power_w", "tokens_per_year", "revenue_usd_per_year", "capex_usd",
        "opex_usd_per_year", "tco_usd_per_year", "cost_usd_per_mtok", "gross_margin",
        "payback_years")

GIVEN = """
title = "given throughput"
[factory]
power = "{power}"
hardware = "gb200-nvl72"
tokens_per_s_per_accelerator = 2000
interactivity = "50 tok/s"
vs = "h100-sxm"
vs_tokens_per_s_per_accelerator = 400
"""


def _run(argv, capsys):
    rc = main(argv)
    out = capsys.readouterr()
    return rc, out.out, out.err


def _scenario(tmp_path, text):
    p = tmp_path / "s.toml"
    p.write_text(text)
    return str(p)


def test_scenario_json_has_every_key_and_vs(tmp_path, capsys):
    rc, out, err = _run([ "factory", _scenario(tmp_path, GIVEN.format(power="2 GW")), "--json"], capsys)
    assert rc == 0, err
    d = json.loads(out)
    for k in KEYS:
        assert k in d
        assert k in d["vs"]
    assert "breakeven_price_usd_per_accelerator" in d
    assert d["accelerators"] % 72 == 0 and d["vs"]["accelerators"] % 8 == 0
    # the challenger earns less than the incumbent per MW, so its break-even is below its price
    assert d["breakeven_price_usd_per_accelerator"] < d["inputs"]["vs_accelerator_price"]


def test_samples_add_percentiles(tmp_path, capsys):
    rc, out, err = _run(["factory", _scenario(tmp_path, GIVEN.format(power="500MW")), "--json",
                         "--samples", "2000"], capsys)
    assert rc == 0, err
    d = json.loads(out)
    for q in ("p10", "p50", "p90"):
        for k in KEYS:
            assert k in d[q] and k in d["vs"][q]
    assert d["p10"]["revenue_usd_per_year"] <= d["p50"]["revenue_usd_per_year"] <= d["p90"]["revenue_usd_per_year"]
    assert "breakeven_price_usd_per_accelerator" in d["p50"]


def test_plot_writes_a_png(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    png = tmp_path / "t.png"
    rc, out, err = _run(["factory", _scenario(tmp_path, GIVEN.format(power="2GW")), "--plot", str(png)],
                        capsys)
    assert rc == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "break-even price of h100-sxm" in out


def test_engine_command_from_the_issue(capsys):
    rc, out, err = _run(["factory", "--power", "2GW", "--hardware", "gb200-nvl72", "--model",
                         "deepseek-r1", "--interactivity", "50", "--vs", "h100-sxm", "--json"], capsys)
    assert rc == 0, err
    d = json.loads(out)
    assert d["operating_point"]["source"].startswith("perf engine")
    assert d["operating_point"]["interactivity_achieved_tok_s_per_user"] >= 50
    assert d["vs"]["operating_point"]["interactivity_achieved_tok_s_per_user"] >= 50
    # power accepted with units: 2 GW
    assert d["power_w"] == 2e9


@pytest.mark.parametrize("power", ["2GW", "2000MW", "2e9W", "2e9"])
def test_power_units(power, tmp_path, capsys):
    rc, out, err = _run(["factory", _scenario(tmp_path, GIVEN.format(power="1 GW")), "--power", power,
                         "--json"], capsys)
    assert rc == 0, err
    assert json.loads(out)["power_w"] == 2e9


def test_power_too_small_for_one_system(capsys):
    rc, out, err = _run(["factory", "--power", "100kW", "--hardware", "gb200-nvl72",
                         "--interactivity", "50"], capsys)
    assert rc == 2
    assert "too small for one gb200-nvl72 system" in err and "Traceback" not in err


def test_non_monotone_price_curve(tmp_path, capsys):
    text = GIVEN.format(power="1 GW") + "price_curve = { interactivity = [10, 50], multiplier = [2, 1] }\n"
    rc, out, err = _run(["factory", _scenario(tmp_path, text)], capsys)
    assert rc == 2
    assert "price_curve" in err and "not monotone" in err


def test_unreachable_interactivity(capsys):
    rc, out, err = _run(["factory", "--power", "1GW", "--hardware", "h100-sxm", "--model",
                         "deepseek-r1", "--interactivity", "100000"], capsys)
    assert rc == 2
    assert "100000" in err.replace(",", "") or "1e+05" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv, fragment", [
    (["--power", "-2GW", "--hardware", "h100-sxm"], "power"),
    (["--power", "2 parsecs", "--hardware", "h100-sxm"], "unit"),
    (["--power", "2GW", "--hardware", "h1000"], "did you mean"),
    (["--hardware", "h100-sxm"], "--power"),
    (["--power", "2GW", "--hardware", "h100-sxm", "--samples", "1"], "samples"),
    (["--power", "2GW", "--hardware", "h100-sxm", "--generations", " , "], "--generations"),
])
def test_bad_flags_exit_2(argv, fragment, capsys):
    rc, out, err = _run(["factory", *argv], capsys)
    assert rc == 2
    assert fragment in err


def test_generations_on_the_same_site(capsys):
    ids = ["h100-sxm", "gb200-nvl72", "vr200-nvl144"]
    rc, out, err = _run(["factory", "--power", "1GW", "--hardware", "h100-sxm", "--interactivity", "50",
                         "--generations", ",".join(ids), "--json"], capsys)
    assert rc == 0, err
    rows = json.loads(out)["generations"]
    assert [r["hardware"] for r in rows] == ids
    first = rows[0]
    assert first["tokens_per_mw_vs_first"] == pytest.approx(1.0)
    for r in rows[1:]:
        if r.get("reason"):
            continue
        dy = r["year"] - first["year"]
        assert r["tokens_per_mw_per_year_x"] == pytest.approx(r["tokens_per_mw_vs_first"] ** (1 / dy))
        assert r["tokens_per_mw_vs_first"] == pytest.approx(
            r["tokens_per_s_per_mw"] / first["tokens_per_s_per_mw"])


def test_generations_unknown_id_exit_2(capsys):
    rc, out, err = _run(["factory", "--power", "1GW", "--hardware", "h100-sxm", "--interactivity", "50",
                         "--generations", "h100-sxm,rubin9000"], capsys)
    assert rc == 2 and "rubin9000" in err


def test_bare_numbers_on_the_command_line_use_the_quoted_units(tmp_path, capsys):
    rc, out, err = _run(["factory", _scenario(tmp_path, GIVEN.format(power="1 GW")), "--price", "3",
                         "--electricity-price", "90", "--json"], capsys)
    assert rc == 0, err
    inputs = json.loads(out)["inputs"]
    assert inputs["price"] * 1e6 == pytest.approx(3.0)
    assert inputs["electricity_price"] * 3.6e9 == pytest.approx(90.0)


def test_set_and_inputs_reach_the_model(tmp_path, capsys):
    """--set NAME=VALUE with units or as a range; --inputs lists every input with its source."""
    rc, out, err = _run(["factory", _scenario(tmp_path, GIVEN.format(power="1 GW")), "--set",
                         "electricity_price=90 USD/MWh", "--set", "pue=1.1..1.2..1.4", "--json"],
                        capsys)
    assert rc == 0, err
    d = json.loads(out)
    assert d["inputs"]["electricity_price"] * 3.6e9 == pytest.approx(90.0)
    assert d["inputs"]["pue"] == pytest.approx(1.2)
    assert d["sources"]["pue"]["origin"] == "scenario"
    rc, out, err = _run(["factory", "--hardware", "b200", "--inputs"], capsys)
    assert rc == 0, err
    assert "| `electricity_price`" in out and "catalog electricity_price_dc" in out
    assert "deal_price_<system>_per_gpu" in out and "price_usd" in out
    assert "token_prices.csv" in out
    rc, out, err = _run(["factory", "--power", "1GW", "--hardware", "b200", "--set",
                         "electricity_prize=9"], capsys)
    assert rc == 2 and "did you mean 'electricity_price'" in err


def test_user_catalog_reaches_every_default(tmp_path, capsys):
    """--catalog: a user accelerator entry's price is the default accelerator_price."""
    cat = tmp_path / "c.toml"
    cat.write_text('[[accelerator]]\nid = "b200"\nbase = "b200"\nprice_usd = 12345\n')
    rc, out, err = _run(["factory", "--power", "1GW", "--hardware", "b200", "--model",
                         "llama3.1-70b", "--interactivity", "50", "--catalog", str(cat),
                         "--json"], capsys)
    assert rc == 0, err
    assert json.loads(out)["inputs"]["accelerator_price"] == 12345


def test_bare_price_in_a_scenario_is_rejected_not_read_as_usd_per_token(tmp_path, capsys):
    rc, out, err = _run(["factory", _scenario(tmp_path, GIVEN.format(power="1 GW") + "price = 2\n")],
                        capsys)
    assert rc == 2 and "factory.price" in err and "USD/token" in err


def test_json_has_the_issue_13_keys_and_cash_flow_percentiles(capsys):
    """issue 13 'Done when': the keys of factory --json, and the Monte Carlo p10/p50/p90 of NPV,
    IRR and discounted payback (ordered: p10 <= p50 <= p90 where all are defined)."""
    rc, out, err = _run(["factory", "--power", "100MW", "--hardware", "h100-sxm",
                         "--set", "tokens_per_s_per_accelerator=1000", "--samples", "400",
                         "--json"], capsys)
    assert rc == 0, err
    d = json.loads(out)
    for k in ("price_usd_per_mtok_applied", "revenue_usd_per_accelerator_hour",
              "cost_usd_per_accelerator_hour", "market_rent_usd_per_accelerator_hour",
              "npv_usd", "irr", "discounted_payback_years", "utilization", "demand_bound",
              "rent_gap"):
        assert k in d, k
    assert set(d["price_usd_per_mtok_applied"]) >= {"input", "output"}
    assert isinstance(d["demand_bound"], bool)
    for k in ("npv_usd", "irr", "discounted_payback_years"):
        qs = [d[f"{k}_{q}"] for q in ("p10", "p50", "p90")]
        assert [d[q][k] for q in ("p10", "p50", "p90")] == qs
        if all(q is not None for q in qs):
            assert qs[0] <= qs[1] <= qs[2], (k, qs)
    assert d["npv_usd_p10"] < d["npv_usd"] < d["npv_usd_p90"]
    # the simple payback is labelled as such in the table, below the cash-flow rows
    rc, out, err = _run(["factory", "--power", "100MW", "--hardware", "h100-sxm",
                         "--set", "tokens_per_s_per_accelerator=1000"], capsys)
    assert rc == 0, err
    assert out.index("NPV at the cost of capital") < out.index("simple payback at today's price")
