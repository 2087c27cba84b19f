"""Benchmark: sweep throughput with 1, 2 and 4 local Dask workers, and the largest sweep run.

Prints operating points per second (rows written to the Parquet store per second, from the
moment the workers are up; the cluster's start-up is printed separately) for a LocalCluster of 1, 2 and 4 worker processes on this
machine, the scaling efficiency ``rate(N) / (N * rate(1))``, and for the largest sweep
(``scenarios/sweeps/uncertainty.toml``: every system x every model x 3 interactivities x
1,000 economics draws with the factory and cluster chain) its wall time, rows, bytes on disk
and peak memory (driver and, separately, the largest worker).

Run: ``python benchmarks/bench_sweep.py [--workers 1 2 4] [--skip-large]``. On a 2-core
machine 4 workers oversubscribe the cores: the efficiency at 4 shows that, not Dask overhead.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from tokenfab.sweep import load_spec, parse_spec, run_sweep

ROOT = Path(__file__).resolve().parents[1]

SCALING = {
    "sweep": {"chain": "perf-factory", "samples": 200, "seed": 0},
    "axes": {"hardware": "all", "model": ["llama3.1-70b", "deepseek-r1", "gpt-oss-120b",
                                          "llama3.1-8b"],
             "precision": ["fp8", "native"],
             "interactivity": {"start": 10, "stop": 300, "num": 8, "scale": "log"},
             "workload": ["chat", "reasoning", "rag"]},
    "economics": {"power": "1 GW", "electricity_price": ["40 USD/MWh", "120 USD/MWh"]},
}


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux: KiB


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()
    spec = parse_spec(SCALING)
    print(f"machine: {os.cpu_count()} cores; scaling sweep: {len(spec.partitions())} partitions "
          f"x {spec.points_per_partition():,} points = {spec.total_points():,} points")
    tmp = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    try:
        rates: dict[int, float] = {}
        for n in [0, *args.workers]:
            out = tmp / f"w{n}"
            t0 = time.perf_counter()
            ready: list[float] = []
            r = run_sweep(spec, out, workers=n,
                          on_start=lambda *_, got=ready: got.append(time.perf_counter()))
            end = time.perf_counter()
            wall, compute = end - t0, end - ready[0]
            rates[n] = r.points / compute
            label = "serial (no Dask)" if n == 0 else f"{n} worker{'s' * (n > 1)}"
            eff = (f"  scaling efficiency {rates[n] / (n * rates[1]):.0%}"
                   if n > 1 and 1 in rates else "")
            print(f"{label:17s} {r.points:>10,} points: {wall:6.2f} s wall ({wall - compute:4.1f} s "
                  f"cluster start), {rates[n]:>9,.0f} points/s once started{eff}")
            shutil.rmtree(out)
        if not args.skip_large:
            big = load_spec(ROOT / "scenarios" / "sweeps" / "uncertainty.toml")
            out = tmp / "large"
            n = os.cpu_count() or 1
            t0 = time.perf_counter()
            r = run_sweep(big, out, workers=n)
            wall = time.perf_counter() - t0
            size = sum(f.stat().st_size for f in (out / "parts").glob("*.parquet"))
            print(f"largest sweep (uncertainty.toml, {n} workers): {r.points:,} points in "
                  f"{wall:.1f} s ({r.points / wall:,.0f} points/s), {size / 1e6:.1f} MB Parquet "
                  f"({size / max(r.points, 1):.1f} B/point); {len(r.failed)} failed partitions")
        print(f"peak memory: driver {_peak_mb(resource.RUSAGE_SELF):,.0f} MB, largest worker "
              f"process {_peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
