"""The spec: axes expand as documented; bad input names the field (exit 2 from the CLI)."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tokenfab.errors import TokenfabError
from tokenfab.sweep import load_spec, parse_spec
from tokenfab.uncertainty import Range

from .conftest import cli, small_spec


def test_sizes_and_axes() -> None:
    s = parse_spec(small_spec())
    assert s.partitions() == [(h, m) for h in ("h100-sxm", "gb200-nvl72", "mi300x")
                              for m in ("llama3.1-8b", "llama3.1-70b")]
    # 2 workloads x 1 precision x 1 software x 3 targets x 2 electricity prices x 3 draws
    assert s.points_per_partition() == 2 * 3 * 2 * 3
    assert s.total_points() == 6 * 36
    assert s.economics_axes["electricity_price"] == pytest.approx((40 / 3.6e9, 120 / 3.6e9))
    assert s.economics_fixed["power"] == 50e6


def test_log_range_and_all() -> None:
    d = small_spec()
    d["axes"].update(hardware="all", interactivity={"start": 10, "stop": 1000, "num": 3,
                                                    "scale": "log"}, workload="all")
    s = parse_spec(d)
    assert s.interactivity == pytest.approx((10.0, 100.0, 1000.0))
    assert len(s.hardware) >= 17 and [w.name for w in s.workload] == ["chat", "reasoning", "rag"]
    assert [(w.input_tokens, w.output_tokens) for w in s.workload] == [
        (1024, 1024), (1024, 8192), (8192, 1024)]


def test_linear_range_with_units() -> None:
    d = small_spec()
    d["axes"]["interactivity"] = {"start": "10 tok/s", "stop": "30 tok/s", "num": 3}
    assert parse_spec(d).interactivity == pytest.approx((10.0, 20.0, 30.0))


def test_range_is_sampled_and_digest_is_stable() -> None:
    d = small_spec()
    d["economics"]["utilization"] = {"low": 0.5, "likely": 0.7, "high": 0.9}
    s = parse_spec(d)
    assert s.economics_fixed["utilization"] == Range(0.5, 0.7, 0.9)
    assert s.digest() == parse_spec(d).digest() != parse_spec(small_spec()).digest()


@pytest.mark.parametrize("path, value, field", [
    (("axes", "hardwares"), ["h100-sxm"], "axes.hardwares"),
    (("axes", "hardware"), ["h1000"], "axes.hardware"),
    (("axes", "model"), ["llama-99b"], "axes.model"),
    (("axes", "precision"), ["fp6"], "axes.precision"),
    (("axes", "interactivity"), {"start": 50, "stop": 10, "num": 3}, "axes.interactivity.stop"),
    (("axes", "interactivity"), {"start": 0, "stop": 10, "num": 3, "scale": "log"},
     "axes.interactivity.start"),
    (("axes", "interactivity"), {"start": 1, "stop": 10, "num": 0}, "axes.interactivity.num"),
    (("axes", "interactivity"), {"start": 1, "stop": 10}, "axes.interactivity.num"),
    (("axes", "interactivity"), [10, "fast"], "axes.interactivity[1]"),
    (("axes", "workload"), ["chatty"], "axes.workload[0]"),
    (("axes", "software"), [{"name": "old", "scale": {"compute_eff": -1}}],
     "axes.software[0].scale.compute_eff"),
    (("axes", "software"), [{"name": "old", "scale": {"compute_efficiency": 0.5}}],
     "axes.software[0].scale.compute_efficiency"),
    (("sweep", "chain"), "perf-market", "sweep.chain"),
    (("sweep", "samples"), 1, "sweep.samples"),
    (("economics", "electricty_price"), "70 USD/MWh", "economics.electricty_price"),
    (("economics", "electricity_price"), ["70 USD/MWh", "70 USD/GWh"],
     "economics.electricity_price[1]"),
    (("economics", "pue"), 0.5, "economics.pue"),
    (("economics", "power"), {"low": "1 GW", "likely": "2 GW", "high": "3 GW"},
     "economics.power"),
])
def test_bad_input_names_the_field(path: tuple[str, str], value: Any, field: str) -> None:
    d = small_spec()
    d[path[0]][path[1]] = value
    with pytest.raises(TokenfabError) as e:
        parse_spec(d)
    assert e.value.field == field, str(e.value)
    assert field in str(e.value)


def test_unknown_hardware_suggests() -> None:
    d = small_spec()
    d["axes"]["hardware"] = ["h100"]
    with pytest.raises(TokenfabError, match="did you mean 'h100-sxm'"):
        parse_spec(d)


def test_economics_need_a_factory_chain() -> None:
    with pytest.raises(TokenfabError, match="perf chain runs no economics"):
        parse_spec(small_spec(chain="perf"))


def test_shipped_specs_load() -> None:
    for f in sorted(Path("scenarios/sweeps").glob("*.toml")):
        s = load_spec(f)
        assert s.total_points() > 0 and all(math.isfinite(x) for x in s.interactivity)


def test_cli_spec_error_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[axes]\nhardware = ["h100-sxm"]\nmodel = ["llama3.1-8b"]\n'
                   'interactivity = { start = 50, stop = 10, num = 3 }\n')
    r = subprocess.run(cli("sweep", str(bad), "--out", str(tmp_path / "o"), "--workers", "0"),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "axes.interactivity.stop" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o").exists()
