"""Shared helpers of the sweep tests: small specs, a serial reference run, process cleanup."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytest.importorskip("distributed")
pytest.importorskip("duckdb")

from tokenfab.sweep import parse_spec, query, run_sweep  # noqa: E402
from tokenfab.sweep.spec import SweepSpec  # noqa: E402

#: the columns that identify a row
KEY = ["hardware", "model", "workload", "precision", "software", "interactivity_target", "draw"]


def small_spec(**sweep: Any) -> dict[str, Any]:
    """6 partitions x 12 points x 2 economics values x 3 draws: quick everywhere."""
    return {
        "sweep": {"chain": "perf-factory", "samples": 3, "seed": 7, **sweep},
        "axes": {"hardware": ["h100-sxm", "gb200-nvl72", "mi300x"],
                 "model": ["llama3.1-8b", "llama3.1-70b"],
                 "precision": ["fp8"], "interactivity": [20, 80, 5000],
                 "workload": ["chat", "rag"]},
        "economics": {"power": "50 MW", "electricity_price": ["40 USD/MWh", "120 USD/MWh"]},
    }


def rows(directory: Path) -> pd.DataFrame:
    """Every row of a sweep, in a canonical order."""
    order = ", ".join(KEY + ["econ_electricity_price"])
    return query(directory, f"SELECT * FROM sweep ORDER BY {order}").reset_index(drop=True)


@pytest.fixture(scope="session")
def spec() -> SweepSpec:
    return parse_spec(small_spec())


@pytest.fixture(scope="session")
def serial_dir(tmp_path_factory: pytest.TempPathFactory, spec: SweepSpec) -> Path:
    """The serial reference run (no Dask)."""
    out = tmp_path_factory.mktemp("serial") / "sweep"
    run_sweep(spec, out, workers=0)
    return out


@pytest.fixture(scope="session")
def serial_rows(serial_dir: Path) -> pd.DataFrame:
    return rows(serial_dir)


class Procs:
    """Processes started by a test, each in its own process group, killed on teardown."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], **kw: Any) -> subprocess.Popen[bytes]:
        p = subprocess.Popen(args, start_new_session=True, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, **kw)
        self.procs.append(p)
        return p

    def close(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(p.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                p.wait(timeout=5)


@pytest.fixture
def procs() -> Iterator[Procs]:
    ps = Procs()
    try:
        yield ps
    finally:
        ps.close()


def cli(*args: str) -> list[str]:
    """The command line of ``tokenfab ARGS`` with this interpreter."""
    return [sys.executable, "-c", "import sys; from tokenfab.cli import main; sys.exit(main())",
            *args]
