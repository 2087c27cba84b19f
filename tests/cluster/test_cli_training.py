"""`tokenfab cluster` end to end, the colossus2 scenario, and the time-to-train arithmetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokenfab.catalog import load_catalog
from tokenfab.cli import main
from tokenfab.cluster.site import ClusterSection, evaluate_site
from tokenfab.perf.params import param_counts
from tokenfab.perf.training import time_to_train_s, training_flops
from tokenfab.scenario import load_section, load_toml

REPO = Path(__file__).resolve().parents[2]
SCENARIO = REPO / "scenarios" / "interview" / "colossus2.toml"
KEYS = ("it_power_w", "facility_power_w", "racks", "switches", "transceivers",
        "expected_interruptions", "mtbf_hours", "checkpoint_interval_s", "goodput")


def test_llama3_405b_training_compute():
    # Llama 3 report: 405B trained on 15.6T tokens with 3.8e25 FLOPs (6 N D)
    n = param_counts(load_catalog().model("llama3.1-405b")).active
    assert training_flops(n, 15.6e12) == pytest.approx(3.8e25, rel=0.03)


def test_time_to_train_hand_calculation():
    # 6e24 FLOP on 1,000 x 1e15 FLOP/s at 50% MFU and 80% goodput = 1.5e7 s
    assert time_to_train_s(6e24, 1000, 1e15, 0.5, 0.8) == pytest.approx(1.5e7)


def test_cli_json_keys(capsys):
    assert main(["cluster", "--hardware", "gb200-nvl72", "--accelerators", "500000",
                 "--trials", "20", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    for k in KEYS:
        assert k in d and d[k] >= 0
    assert "time_to_train_days" not in d
    assert 0 < d["goodput"] <= 1 and d["simulation"]["replicas"] == 20
    assert abs(d["simulation"]["goodput_mean"] - d["goodput"]) < 0.01
    by_cause = d["expected_interruptions_by_cause"]
    assert sum(by_cause.values()) == pytest.approx(d["expected_interruptions"])
    # Llama 3: faulty GPUs 148 of 419
    assert by_cause["faulty_gpu"] / d["expected_interruptions"] == pytest.approx(148 / 419)


def test_cli_time_to_train(capsys):
    assert main(["cluster", "--hardware", "h100-sxm", "--accelerators", "16384", "--trials", "0",
                 "--model", "llama3.1-405b", "--tokens", "15.6 Ttok", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    # 3.8e25 / (15,564 job GPUs x 989 TFLOP/s x 41% x ~0.95) ~ 65 days
    assert 50 < d["time_to_train_days"] < 80


@pytest.mark.parametrize("args,msg", [
    (["--hardware", "gb200", "--accelerators", "10"], "did you mean"),
    (["--hardware", "gb200-nvl72", "--accelerators", "-5"], "accelerators"),
    (["--hardware", "gb200-nvl72", "--accelerators", "100", "--model", "llama3.1-405b"], "tokens"),
    (["--hardware", "gb200-nvl72", "--accelerators", "100", "--checkpoint", "tape"], "checkpoint"),
    ([], "scenario file"),
    (["--hardware", "gb200-nvl72", "--accelerators", "1000", "--days", "1e9", "--trials", "10"],
     "cluster.days"),  # a job longer than 10 years is refused by the declared bound
    (["--hardware", "gb200-nvl72", "--accelerators", "4000000", "--days", "3650", "--trials",
      "100000"], "cluster.trials"),  # the simulation would draw too many interruptions
])
def test_cli_bad_input_exits_2(capsys, args, msg):
    assert main(["cluster", *args]) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err


def test_storage_checkpoints_at_this_scale_with_slow_restart_have_no_goodput():
    # job MTBF ~ restart time -> infeasible time to train is an answer, not a crash
    s = ClusterSection(hardware="gb200-nvl72", accelerators=2_000_000, samples=0, trials=0,
                       restart_time=7200, model="llama3.1-405b", tokens=1e12)
    from tokenfab.errors import InfeasibleError

    with pytest.raises(InfeasibleError, match="goodput is"):
        evaluate_site(s)


def test_colossus2_scenario(capsys, tmp_path):
    meta = load_toml(SCENARIO)
    for k in ("title", "description", "claim", "verdict_note"):
        assert len(str(meta.get(k, ""))) > 20
    sec = load_section(SCENARIO, "cluster", ClusterSection)
    assert sec.accelerators == 550_000
    assert main(["cluster", str(SCENARIO), "--trials", "50", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["it_power_w"] > 0.9e9 and d["facility_power_w"] > 1e9  # "gigawatt cluster"
    assert 0.9 < d["goodput"] < 0.97 and "time_to_train_days" in d
    # storage checkpoints collapse at this scale (verdict_note)
    assert main(["cluster", str(SCENARIO), "--trials", "0", "--checkpoint", "storage",
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["goodput"] < 0.5


def test_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "g.png"
    assert main(["cluster", "--hardware", "gb200-nvl72", "--accelerators", "50000",
                 "--trials", "0", "--plot", str(out)]) == 0
    assert out.stat().st_size > 10_000
