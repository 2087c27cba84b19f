"""Benchmark: failure simulation of 500k accelerators x 90 days x 1,000 replicas on one core.

Target (issue 7): <= 10 s. Prints the wall time, the events simulated per second, and the
simulated vs analytic goodput. Run: ``python benchmarks/bench_cluster.py`` (pin to one core
with ``taskset -c 0`` to be strict; NumPy's elementwise kernels here are single-threaded).
"""

from __future__ import annotations

import time

from tokenfab.cluster.simulate import simulate_goodput
from tokenfab.cluster.site import ClusterSection, evaluate_site

TARGET_S = 10.0


def main() -> None:
    sec = ClusterSection(hardware="gb200-nvl72", accelerators=500_000, days=90, samples=0,
                         trials=0)
    for mode in ("storage", "memory"):
        r = evaluate_site(sec.model_copy(update={"checkpoint": mode}))
        t0 = time.perf_counter()
        sim = simulate_goodput(r.mtbf_s, 90 * 86400.0, r.restart_s, r.interval_s, r.save_time_s,
                               replicas=1000, seed=0)
        dt = time.perf_counter() - t0
        events = float(sim.interruptions.sum())
        s = sim.summary()
        print(f"{mode:8s} 500k accelerators x 90 days x 1000 replicas: {dt:6.2f} s "
              f"(target <= {TARGET_S:g} s, {dt / TARGET_S:.2f} of budget); "
              f"{events / 1e6:.1f} M interruptions, {events / dt / 1e6:.1f} M events/s; "
              f"goodput simulated {s['goodput_mean']:.4f} +/- {s['goodput_se']:.4f}, "
              f"analytic {r.goodput:.4f}")


if __name__ == "__main__":
    main()
