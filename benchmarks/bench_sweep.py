"""Benchmark: sweep throughput with 1, 2 and 4 local Dask workers, and the largest sweep run.

Prints operating points per second (rows written to the Parquet store per second, from the
moment the workers are up; the cluster's start-up is printed separately) for a LocalCluster of 1, 2 and 4 worker processes on this
machine, the scaling efficiency ``rate(N) / (N * rate(1))``, and for the largest sweep
(``scenarios/sweeps/uncertainty.toml``: every system x every model x 3 interactivities x
1,000 economics draws with the factory and cluster chain) its wall time, rows, bytes on disk
and peak memory (driver and, separately, the largest worker).

Run: ``python benchmarks/bench_sweep.py [--workers 1 2 4] [--skip-large]``. On a 2-core
machine 4 workers oversubscribe the cores: the efficiency at 4 shows that, not Dask overhead.

``--bounded`` (about 15 minutes on 2 cores) shows that memory does not grow with the sweep:
the same sweep shape at growing sizes (more economics combinations per partition and more
partitions), each run in a fresh subprocess whose Dask workers have a hard memory limit
(``--cap-mb``, enforced by the nanny: a worker past 95% of it is terminated and its task
fails), while a sampler records the peak RSS of the driver and of every worker. Printed per
size: rows, the rows' size in memory (Arrow, uncompressed: what holding the results would
take), bytes on disk (Parquet, zstd), peak RSS per process, the ratios to the cap, and the
wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

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


#: the bounded-memory sweep: a chunk (what a worker holds) is 10 targets x 1,000 draws =
#: 10,000 rows, whatever the sweep's size; the size grows with ``electricity_price`` values
#: (economics combinations per partition) and partitions
def _bounded_spec(combos: int, hardware: int) -> dict[str, Any]:
    from tokenfab.catalog import load_catalog

    hw = list(load_catalog().hardware_ids)[:hardware]
    return {
        "sweep": {"chain": "perf-factory", "samples": 1000, "seed": 0},
        "axes": {"hardware": hw, "model": ["llama3.1-8b", "llama3.1-70b"],
                 "precision": ["fp8"],
                 "interactivity": {"start": 10, "stop": 300, "num": 10, "scale": "log"},
                 "workload": ["chat"]},
        "economics": {"power": "1 GW",
                      "electricity_price": [f"{40 + 2 * i} USD/MWh" for i in range(combos)],
                      "utilization": {"low": 0.5, "likely": 0.7, "high": 0.9}},
    }


def _tree_rss(root: Any) -> dict[int, tuple[str, int]]:
    """RSS [bytes] of ``root`` and its descendants, by pid (with a role: driver / worker)."""
    import psutil

    out: dict[int, tuple[str, int]] = {}
    procs = [root, *root.children(recursive=True)]
    for p in procs:
        try:
            cmd = " ".join(p.cmdline())
            role = ("driver" if p.pid == root.pid else "worker" if "spawn_main" in cmd
                    or "forkserver" in cmd else "other")
            out[p.pid] = (role, p.memory_info().rss)
        except psutil.Error:
            pass
    return out


def bounded_child(out: str, combos: int, hardware: int, cap_mb: int, workers: int) -> None:
    """One bounded run (in its own process): a LocalCluster of ``workers`` processes with a
    ``cap_mb`` memory limit each; prints one JSON line."""
    import dask
    import psutil
    from distributed import Client, LocalCluster

    # the workers hold no Dask data (each task writes its rows and returns a receipt), so
    # spilling has nothing to spill, and pausing at 80% of the limit would stall a worker whose
    # baseline sits above it; the hard limit (terminate at 95%) stays
    dask.config.set({"distributed.worker.memory.target": False,
                     "distributed.worker.memory.spill": False,
                     "distributed.worker.memory.pause": False})
    spec = parse_spec(_bounded_spec(combos, hardware))
    me = psutil.Process()
    peaks: dict[int, tuple[str, int]] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid, (role, rss) in _tree_rss(me).items():
                if rss > peaks.get(pid, (role, 0))[1]:
                    peaks[pid] = (role, rss)
            stop.wait(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    t0 = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address=None, silence_logs=40,
                      memory_limit=f"{cap_mb}MB") as cluster, Client(cluster) as client:
        r = run_sweep(spec, out, client=client)
    wall = time.perf_counter() - t0
    stop.set()
    t.join()
    roles: dict[str, list[int]] = {}
    for role, rss in peaks.values():
        roles.setdefault(role, []).append(rss)
    print(json.dumps({"rows": r.points, "failed": len(r.failed), "wall_s": wall,
                      "partitions": len(spec.partitions()),
                      "chunk_rows": spec.points_per_partition() // combos,
                      "peak_rss": {k: sorted(v, reverse=True) for k, v in roles.items()},
                      "ru_maxrss_driver": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                      * 1024}))


def _arrow_and_disk_bytes(parts: Path) -> tuple[int, int]:
    """The rows' size as Arrow tables (read back one row group at a time) and on disk."""
    import pyarrow.parquet as pq

    from tokenfab.sweep import Store

    arrow = disk = 0
    for f in Store.open(parts.parent).files():
        disk += f.stat().st_size
        pf = pq.ParquetFile(f)
        for i in range(pf.num_row_groups):
            arrow += pf.read_row_group(i).nbytes
    return arrow, disk


def bounded(tmp: Path, sizes: list[tuple[int, int]], cap_mb: int, workers: int) -> None:
    cap = cap_mb * 1e6
    print(f"bounded memory: {workers} Dask workers, each with a hard memory limit of "
          f"{cap_mb} MB (nanny-enforced); chunk = 10,000 rows")
    print(f"{'rows':>12} {'Arrow GB':>9} {'disk GB':>8} {'Arrow/cap':>9} {'disk/cap':>8} "
          f"{'driver MB':>9} {'workers MB (peak RSS each)':>27} {'wall s':>7} failed")
    for combos, hardware in sizes:
        out = tmp / f"bounded-{combos}-{hardware}"
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                   MKL_NUM_THREADS="1")
        p = subprocess.run([sys.executable, __file__, "--bounded-child", str(out), str(combos),
                            str(hardware), str(cap_mb), str(workers)],
                           capture_output=True, text=True, env=env, check=False)
        if p.returncode != 0:
            print(f"run failed (exit {p.returncode}): {p.stderr[-2000:]}")
            continue
        d = json.loads(p.stdout.strip().splitlines()[-1])
        arrow, disk = _arrow_and_disk_bytes(out / "parts")
        w = ", ".join(f"{x / 1e6:,.0f}" for x in d["peak_rss"].get("worker", []))
        drv = max(d["peak_rss"]["driver"][0], d["ru_maxrss_driver"])
        print(f"{d['rows']:>12,} {arrow / 1e9:>9.2f} {disk / 1e9:>8.2f} {arrow / cap:>8.0f}x "
              f"{disk / cap:>7.1f}x {drv / 1e6:>9,.0f} {w:>27} {d['wall_s']:>7.0f} "
              f"{d['failed']}")
        shutil.rmtree(out, ignore_errors=True)


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux: KiB


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--bounded", action="store_true",
                    help="only the bounded-memory runs (about 15 minutes on 2 cores)")
    ap.add_argument("--cap-mb", type=int, default=350, help="memory limit per worker [MB]")
    ap.add_argument("--sizes", default="2x2,8x8,60x20",
                    help="bounded runs: COMBOSxHARDWARE, comma separated (2 models each)")
    ap.add_argument("--bounded-child", nargs=5, metavar=("OUT", "COMBOS", "HW", "CAP", "W"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.bounded_child:
        o, c, h, cap, w = args.bounded_child
        bounded_child(o, int(c), int(h), int(cap), int(w))
        return
    if args.bounded:
        tmp = Path(tempfile.mkdtemp(prefix="bench-sweep-bounded-"))
        try:
            sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes.split(",")]
            bounded(tmp, sizes, args.cap_mb, os.cpu_count() or 1)  # type: ignore[arg-type]
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return
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
