"""Speed of the factory Monte Carlo: 1,000,000 draws of every uncertain input (target <= 1 s).

    python benchmarks/bench_factory.py

Times :func:`tokenfab.factory.runner.run_factory` end to end (inputs resolved from the catalog,
draws, the vectorised model, percentiles) for one system and for a pair (``--vs``), with the
throughput given as a range so the performance engine is not part of the timing. Prints the
best of three (the machine is shared; the minimum is the least disturbed run) as seconds and
as a fraction of the budget, and the CPU time of that run (on a shared machine the wall time
includes waiting for a core; the CPU time does not).
"""

from __future__ import annotations

import os
import time

from tokenfab.catalog import load_catalog
from tokenfab.factory.runner import run_factory
from tokenfab.factory.spec import FactorySection
from tokenfab.scenario import validate_section

TARGET_S = 1.0
N = 1_000_000


def _section(**extra: object) -> FactorySection:
    data = {"power": "2 GW", "hardware": "gb200-nvl72", "model": "deepseek-r1",
            "tokens_per_s_per_accelerator": {"low": 4000, "likely": 6000, "high": 8000}, **extra}
    return validate_section(FactorySection, data, prefix="factory")


def _time(label: str, section: FactorySection, repeat: int = 3) -> float:
    cat = load_catalog()
    run_factory(section, cat, samples=1000, with_tornado=False)  # warm-up
    best, cpu, res = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        res = run_factory(section, cat, samples=N, seed=0, with_tornado=False)
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, time.process_time() - c0
    assert res is not None
    cost = res.to_dict().get("p50", {}).get("cost_usd_per_mtok")
    print(f"{label:34s} {N:,} draws: {best:5.2f} s (target <= {TARGET_S:g} s: "
          f"{best / TARGET_S:.2f} of budget; CPU {cpu:.2f} s); p50 cost per Mtok "
          + (f"${cost:.3f}" if isinstance(cost, float) else "n/a"))
    return best


def main() -> None:
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} cores")
    _time("gb200-nvl72, one system", _section())
    _time("gb200-nvl72 vs h100-sxm (pair)", _section(
        vs="h100-sxm", vs_tokens_per_s_per_accelerator={"low": 600, "likely": 1000,
                                                        "high": 1400}))


if __name__ == "__main__":
    main()
