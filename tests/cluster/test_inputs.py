"""The cluster model's one input declaration: bad values refused everywhere (scenario file and
``--set``), ``--catalog`` reaching the defaults, ``--inputs``, ``samples`` vs ``trials``."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tokenfab.cli import main
from tokenfab.cluster.inputs import CLUSTER_INPUTS
from tokenfab.cluster.sensitivity import failure_rate_sensitivity
from tokenfab.cluster.site import ClusterSection, evaluate_site, resolve_cluster
from tokenfab.errors import TokenfabError
from tokenfab.scenario import load_section, toml_scalar

BAD = CLUSTER_INPUTS.bad_values()
BASE = ["cluster", "--hardware", "gb200-nvl72", "--accelerators", "1000", "--trials", "0",
        "--samples", "0"]



@pytest.mark.parametrize(("name", "value"), BAD, ids=[f"{n}={v!r}" for n, v in BAD])
def test_scenario_file_refuses_bad_value(tmp_path, name, value):
    f = tmp_path / "bad.toml"
    f.write_text(f'[cluster]\nhardware = "gb200-nvl72"\n{name} = {toml_scalar(value)}\n')
    with pytest.raises(TokenfabError) as e:
        sec = load_section(f, "cluster", ClusterSection)
        resolve_cluster(sec)
    assert name in str(e.value)


@pytest.mark.parametrize(("name", "value"), [b for b in BAD if not isinstance(b[1], dict)],
                         ids=[f"{n}={v!r}" for n, v in BAD if not isinstance(v, dict)])
def test_cli_set_refuses_bad_value(capsys, name, value):
    assert main([*BASE, "--set", f"{name}={value}"]) == 2
    err = capsys.readouterr().err
    assert name in err and "Traceback" not in err


def test_cli_set_unknown_name_suggests(capsys):
    assert main([*BASE, "--set", "pue_x=1.3"]) == 2
    assert "did you mean 'pue'" in capsys.readouterr().err


def test_cli_set_changes_the_run_and_is_saved(tmp_path, capsys):
    assert main([*BASE, "--json"]) == 0
    base = json.loads(capsys.readouterr().out)
    out = tmp_path / "r.toml"
    assert main([*BASE, "--set", "pue=1.5", "--set", "switch_price=100 k$", "--json",
                 "--save-scenario", str(out)]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["facility_power_w"] == pytest.approx(d["it_power_w"] * 1.5)
    assert d["fabric"]["cost_usd"] < base["fabric"]["cost_usd"]
    sec = load_section(out, "cluster", ClusterSection)
    assert sec.pue == 1.5 and sec.switch_price == 100e3
    text = out.read_text()
    assert "catalog switch.spectrum4_asic_power" in text  # a default's source as a comment
    assert "# " not in next(x for x in text.splitlines() if x.startswith("pue ="))


class _Edited:
    """The shipped catalog with one assumption row changed (user catalogs hold hardware and
    models only; this checks the model reads every default from the catalog it is given)."""

    def __init__(self, key: str, value: float) -> None:
        from tokenfab.catalog import load_catalog

        self._cat, self._key, self._value = load_catalog(), key, value

    def __getattr__(self, name: str) -> object:
        return getattr(self._cat, name)

    def assumption(self, key: str) -> object:
        a = self._cat.assumption(key)
        return dataclasses.replace(a, value=self._value, source="edited") if key == self._key \
            else a


@pytest.mark.parametrize(("key", "value", "field", "expect"), [
    ("llama3.storage_sustained_bw", 4e12, "storage_bandwidth", 4e12),  # the row is SI (B/s)
    ("pue.uptime_2024", 1.7, "pue", 1.7),
    ("xai.colossus1.gpus_per_rack", 32.0, "accelerators_per_rack", 32.0),
    ("delta.overprovision", 0.1, "hot_spare_fraction", 0.1),
])
def test_catalog_reaches_every_default(key, value, field, expect):
    cat = _Edited(key, value)
    sec = ClusterSection(hardware="h100-sxm", accelerators=1024, samples=0, trials=0)
    res = resolve_cluster(sec, cat)
    v = res[field]
    assert getattr(v, "high", v) == expect
    r = evaluate_site(sec, cat)
    if field == "accelerators_per_rack":
        assert r.racks == 1024 // 32


def test_inputs_table_lists_every_input_with_a_source(capsys):
    assert main(["cluster", "--inputs"]) == 0
    out = capsys.readouterr().out
    for i in CLUSTER_INPUTS:
        assert f"`{i.name}`" in out
    res = resolve_cluster(ClusterSection())
    for name, src in res.sources.items():
        assert src.text and src.kind, name


def test_samples_are_monte_carlo_draws_and_trials_are_simulation_replicas(capsys):
    sec = ClusterSection(hardware="gb200-nvl72", accelerators=20_000, samples=0, trials=30)
    r = evaluate_site(sec)
    assert r.ranges == {} and r.simulation is not None and r.simulation.replicas == 30
    r = evaluate_site(sec.model_copy(update={"samples": 200, "trials": 0}))
    assert r.simulation is None and r.ranges["facility_power_w"]["p10"] < r.facility_power_w \
        < r.ranges["facility_power_w"]["p90"]
    assert main([*BASE[:-2], "--samples", "1"]) == 2
    assert "samples" in capsys.readouterr().err


def test_failure_rate_sensitivity_halves_mtbf_and_lowers_goodput():
    sec = ClusterSection(hardware="gb200-nvl72", accelerators=100_000, checkpoint="memory")
    s = failure_rate_sensitivity(sec, factor=2.0)
    assert s.mtbf_scaled_s == pytest.approx(s.mtbf_s / 2)
    assert s.goodput_scaled < s.goodput
    assert failure_rate_sensitivity(sec, factor=1.0).goodput_scaled == pytest.approx(s.goodput)
    with pytest.raises(TokenfabError, match="factor"):
        failure_rate_sensitivity(sec, factor=0.0)


def test_result_to_frame_has_the_json_scalars():
    r = evaluate_site(ClusterSection(hardware="h100-sxm", accelerators=1024, samples=0, trials=0))
    f = r.to_frame()
    row = f.set_index("quantity")["value"]
    assert row["goodput"] == r.goodput and row["it_power_w"] == r.it_power_w
