"""The GB200 NVL72 vs H100 '30x' scenario: runs, is not forced, decomposes exactly."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from tokenfab.errors import TokenfabError
from tokenfab.perf.claims import run_scenario

SCEN = Path(__file__).resolve().parents[2] / "scenarios" / "interview" / "blackwell_30x.toml"


def test_blackwell_30x_decomposition():
    r = run_scenario(SCEN)
    ratio = r["ratio_per_accelerator"]
    assert math.isfinite(ratio) and ratio > 1
    # waterfall factors multiply to the total ratio
    prod = math.prod(s["factor"] for s in r["waterfall"])
    assert prod == pytest.approx(ratio, rel=1e-9)
    assert r["waterfall"][-1]["cumulative"] == pytest.approx(ratio)
    for side in ("prediction", "baseline"):
        p = r[side]
        assert p["tpot_p99_s"] <= 0.05 + 1e-12 and p["ttft_p99_s"] <= 5 + 1e-12
    assert r["prediction"]["config"]["precision"] == "fp4"
    assert r["baseline"]["config"]["precision"] == "fp8"
    assert {o["without"].split()[0] for o in r["one_at_a_time"]} >= {"fp4", "disaggregation"}


def test_bad_scenario_names_field(tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[predict]\nmodel = "llama2-70b"\nhardware = "h100-sxm"\nprecision = "fp3"\n')
    with pytest.raises(TokenfabError, match="precision"):
        run_scenario(f)
