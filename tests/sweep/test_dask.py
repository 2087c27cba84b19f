"""Real Dask: a LocalCluster of 2 worker processes, a separately started scheduler and worker,
a worker killed mid-sweep and a sweep interrupted with Ctrl-C; each gives the serial rows.

Everything binds to 127.0.0.1 and every process started here is killed on teardown.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
from distributed import Client, LocalCluster

from tokenfab.sweep import SweepProgress, parse_spec, run_sweep
from tokenfab.sweep.spec import SweepSpec

from .conftest import Procs, cli, rows, small_spec


def _wait_for(path: Path, timeout: float = 30.0) -> None:
    t0 = time.monotonic()
    while not path.exists():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError(f"{path} did not appear")
        time.sleep(0.05)


def test_local_cluster_two_workers_gives_the_serial_rows(
        tmp_path: Path, spec: SweepSpec, serial_rows: pd.DataFrame) -> None:
    seen: list[SweepProgress] = []
    started: list[tuple[int, Any, int]] = []
    res = run_sweep(spec, tmp_path / "s", workers=2, progress=seen.append,
                    on_start=lambda *a: started.append(a))
    assert res.workers == 2 and started[0][2] == 2 and not res.failed
    assert res.dashboard is None or res.dashboard.startswith("http://127.0.0.1:")
    assert [p.done_partitions for p in seen] == list(range(1, len(spec.partitions()) + 1))
    assert seen[-1].done_points == spec.total_points() and seen[-1].eta_s == 0
    pd.testing.assert_frame_equal(rows(tmp_path / "s"), serial_rows)


def test_separate_scheduler_and_worker_processes(
        tmp_path: Path, spec: SweepSpec, serial_rows: pd.DataFrame, procs: Procs) -> None:
    sched_file = tmp_path / "scheduler.json"
    procs.start([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                 "--port", "0", "--no-dashboard", "--scheduler-file", str(sched_file)])
    _wait_for(sched_file)
    address = json.loads(sched_file.read_text())["address"]
    assert address.startswith("tcp://127.0.0.1:")
    procs.start([sys.executable, "-m", "distributed.cli.dask_worker", address, "--host",
                 "127.0.0.1", "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                 "--name", "w0"])
    with Client(address, timeout="20s") as c:
        c.wait_for_workers(1, timeout=30)
    r = subprocess.run(cli("sweep", "run", "--help"), capture_output=True, text=True,
                       timeout=60)
    assert "--scheduler" in r.stdout
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(_toml(small_spec()))
    r = subprocess.run(cli("sweep", str(spec_file), "--out", str(tmp_path / "s"),
                           "--scheduler", address, "--json"),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["workers"] == 1 and summary["points"] == spec.total_points()
    pd.testing.assert_frame_equal(rows(tmp_path / "s"), serial_rows)


def test_a_killed_worker_is_retried(tmp_path: Path, spec: SweepSpec,
                                    serial_rows: pd.DataFrame) -> None:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=50) as cluster, \
            Client(cluster) as client:
        pids: dict[str, int] = client.run(os.getpid)
        victim = sorted(pids.values())[0]
        killed: list[int] = []

        def kill_once(p: SweepProgress) -> None:
            if not killed:
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

        res = run_sweep(spec, tmp_path / "s", client=client, progress=kill_once, window=6)
        assert killed and not res.failed
        assert victim not in client.run(os.getpid).values()  # the nanny started a new one
    df = rows(tmp_path / "s")
    pd.testing.assert_frame_equal(df, serial_rows)


def test_every_worker_killed_at_once_is_retried(tmp_path: Path, spec: SweepSpec,
                                                serial_rows: pd.DataFrame) -> None:
    """All workers die together (e.g. each past its memory limit): the nannies restart them and
    the sweep goes on, because no task depends on data held only by the dead workers."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, silence_logs=50) as cluster, \
            Client(cluster) as client:
        victims = sorted(client.run(os.getpid).values())
        killed: list[int] = []

        def kill_all_once(p: SweepProgress) -> None:
            if not killed:
                for v in victims:
                    os.kill(v, signal.SIGKILL)
                killed.extend(victims)

        res = run_sweep(spec, tmp_path / "s", client=client, progress=kill_all_once, window=6)
        assert killed and not res.failed, res.failed
    pd.testing.assert_frame_equal(rows(tmp_path / "s"), serial_rows)


def test_ctrl_c_then_resume_gives_every_row_once(tmp_path: Path, procs: Procs) -> None:
    d = small_spec(samples=0)
    d["axes"].update(hardware="all", model=["llama3.1-8b", "llama3.1-70b", "deepseek-r1"],
                     workload=["chat", "reasoning", "rag"])
    spec = parse_spec(d)
    spec_file = tmp_path / "spec.toml"
    spec_file.write_text(_toml(d))
    out = tmp_path / "s"
    p = procs.start(cli("sweep", str(spec_file), "--out", str(out), "--workers", "0"))
    manifest = out / "manifest.json"
    t0 = time.monotonic()
    while time.monotonic() - t0 < 60:
        try:
            if len(json.loads(manifest.read_text())["partitions"]) >= 3:
                break
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.02)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    done = json.loads(manifest.read_text())["partitions"]
    assert 3 <= len(done) < len(spec.partitions())
    assert not list((out / "parts").glob(".tmp-*"))  # no half-written file
    stamps = {k: (out / "parts" / f"{k}.parquet").stat().st_mtime_ns for k in done}
    r = subprocess.run(cli("sweep", str(spec_file), "--out", str(out), "--resume",
                           "--workers", "0", "--json"),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["skipped_partitions"] >= len(done)
    for k, st in stamps.items():
        assert (out / "parts" / f"{k}.parquet").stat().st_mtime_ns == st
    df = rows(out)
    assert len(df) == spec.total_points()
    assert not df.duplicated(["hardware", "model", "workload", "precision",
                              "interactivity_target", "econ_electricity_price"]).any()
    ref = tmp_path / "ref"
    run_sweep(spec, ref, workers=0)
    pd.testing.assert_frame_equal(df, rows(ref))


def _toml(d: dict[str, Any]) -> str:
    """A spec dict as TOML (just what the tests need: tables of scalars, lists, inline tables)."""
    def val(v: Any) -> str:
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{k} = {val(x)}" for k, x in v.items()) + " }"
        return repr(v)

    return "\n".join(f"[{name}]\n" + "\n".join(f"{k} = {val(v)}" for k, v in table.items())
                     + "\n" for name, table in d.items())
