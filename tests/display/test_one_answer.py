"""One scenario gives one answer: a claim checked by the CLI and by the report on the same
scenario file reports the same number, band and percentile (issue 15).

The report runs a scenario file with the file's own ``samples``/``seed`` (what
``tokenfab <command> FILE`` runs) unless ``tokenfab report --samples/--seed`` are given; then
the CLI with the same flags must agree.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.test_golden import golden
from tokenfab.display import money, percent

ROOT = Path(__file__).resolve().parents[2]
S = "scenarios/interview"


def _tokenfab(*argv: str) -> str:
    r = subprocess.run([*golden.tokenfab_command(), *argv], cwd=ROOT, capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def _report(tmp: Path, *keys_and_flags: str) -> dict:
    _tokenfab("report", "-o", str(tmp), *keys_and_flags)
    return {s["key"]: s for s in json.loads((tmp / "report.json").read_text())["sections"]}


@pytest.mark.parametrize("flags", [[], ["--samples", "300", "--seed", "7"]],
                         ids=["file's own draws", "given draws"])
def test_factory_finding_is_the_same_in_cli_and_report(tmp_path, flags):
    cli = json.loads(_tokenfab("factory", f"{S}/two_gw_factory.toml", "--json", *flags))
    rep = _report(tmp_path, "--only", "factory_2gw", *flags)["factory_2gw"]
    v = cli["verdict"]
    assert rep["verdict"] == v["verdict"]
    assert rep["reason"].rstrip(".") == v["headline"]
    row = next(n for n in rep["numbers"] if n["label"] == "all-in capex per GW of site power")
    assert row["value"] == pytest.approx(v["value"] * 1e9, rel=1e-12)
    # the same p10-p90 band (USD per W of site power = USD per GW / 1e9)
    assert row["note"] == f"p10–p90: {money(v['band'][0] * 1e9)} – {money(v['band'][1] * 1e9)}"


def test_market_percentiles_are_the_same_in_cli_and_report(tmp_path):
    cli = json.loads(_tokenfab("market", "--json"))  # the report's ranged run: every default
    rep = _report(tmp_path, "--only", "market")["market"]
    placed = dict(re.findall(r"([^;:]+?): [^;]*?\(percentile (\d+)\)", rep["reason"]))
    assert placed, rep["reason"]
    for c in cli["claims"]:
        if c["kind"] == "interview" and c["text"] in {k.strip() for k in placed}:
            got = next(v for k, v in placed.items() if k.strip() == c["text"])
            assert int(got) == round(c["percentile"]), (c["text"], got, c["percentile"])


def test_plan_monte_carlo_is_the_same_in_cli_and_report(tmp_path):
    """stargate.toml sets its own 300 draws: the report's rent-or-build section runs them too
    (it used to cap every plan at 100 draws and print '100% of 100' beside the CLI's 99.7%)."""
    cli = json.loads(_tokenfab("plan", f"{S}/stargate.toml", "--json"))
    mc = cli["monte_carlo"]
    rep = _report(tmp_path, "--only", "users_x_compute")["users_x_compute"]
    share = mc["share_of_draws_rent_alone_cannot_keep_up"]
    assert mc["samples"] == 300
    assert (f"In {percent(share)} of {mc['samples']} Monte Carlo draws renting alone cannot "
            "keep up") in rep["reason"], rep["reason"]
