"""Monte Carlo (event-vectorized) simulation of a checkpointed job with random failures.

Each replica is one run of a synchronous training job over a wall-clock horizon ``T``.
Interruptions of the whole job arrive as a Poisson process of rate ``1/M`` (any of the
``N`` accelerators failing stops the job). After each interruption -- and at the start --
the job spends ``R`` restarting (an interruption during a restart starts it again), then
alternates ``tau`` seconds of compute with ``delta`` seconds of blocking checkpoint save.
Work since the last completed checkpoint is lost at an interruption.

Between two interruptions separated by ``X`` the job therefore keeps
``tau * floor(max(X - R, 0) / (tau + delta))`` seconds of useful work. The simulation draws
all inter-arrival times of a block of replicas at once as a 2-D NumPy array (replicas x
events), clips the last interval of each replica at the horizon, and sums the kept work:
no Python loop over events. Goodput of a replica = kept work / ``T``. Its mean converges
to :func:`tokenfab.cluster.goodput.daly_goodput` (tests check this), minus at most one
segment per replica lost at the horizon.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["SimulationResult", "simulate_goodput"]


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """Per-replica outcomes of :func:`simulate_goodput`."""

    goodput: np.ndarray  # kept useful time / horizon, per replica
    interruptions: np.ndarray  # interruptions within the horizon, per replica
    horizon_s: float

    @property
    def replicas(self) -> int:
        return int(self.goodput.size)

    def summary(self) -> dict[str, float]:
        """Mean, standard error and 10/50/90th percentiles of goodput and interruptions."""
        g, n = self.goodput, self.interruptions.astype(float)
        se = float(g.std(ddof=1) / math.sqrt(g.size)) if g.size > 1 else 0.0
        p = np.percentile(g, [10, 50, 90])
        q = np.percentile(n, [10, 50, 90])
        return {"goodput_mean": float(g.mean()), "goodput_se": se,
                "goodput_p10": float(p[0]), "goodput_p50": float(p[1]),
                "goodput_p90": float(p[2]), "interruptions_mean": float(n.mean()),
                "interruptions_p10": float(q[0]), "interruptions_p50": float(q[1]),
                "interruptions_p90": float(q[2])}


def _block(rng: np.random.Generator, reps: int, mtbf_s: float, horizon_s: float,
           restart_s: float, interval_s: float, save_time_s: float,
           max_cells: int) -> tuple[np.ndarray, np.ndarray]:
    mean_events = horizon_s / mtbf_s
    k = int(math.ceil(mean_events + 8.0 * math.sqrt(mean_events) + 16.0))
    k = max(1, min(k, max(1, max_cells // max(reps, 1))))
    cycle = interval_s + save_time_s
    kept = np.zeros(reps)
    count = np.zeros(reps, dtype=np.int64)
    t0 = np.zeros(reps)  # start time of the current interval (after the last failure)
    active = np.ones(reps, dtype=bool)
    while active.any():
        idx = np.flatnonzero(active)
        gaps = rng.exponential(mtbf_s, size=(idx.size, k))
        ends = np.cumsum(gaps, axis=1)
        ends += t0[idx, None]
        starts = ends - gaps
        inside = starts < horizon_s  # intervals that begin before the horizon
        length = np.minimum(ends, horizon_s) - starts
        segs = np.floor(np.maximum(length - restart_s, 0.0) / cycle)
        kept[idx] += interval_s * np.where(inside, segs, 0.0).sum(axis=1)
        count[idx] += (ends < horizon_s).sum(axis=1)
        done = ends[:, -1] >= horizon_s
        t0[idx] = ends[:, -1]
        active[idx[done]] = False
    return kept, count


def simulate_goodput(mtbf_s: float, horizon_s: float, restart_s: float, interval_s: float,
                     save_time_s: float, replicas: int = 1000, seed: int | None = 0,
                     progress: Callable[[int], None] | None = None,
                     max_cells: int = 4_000_000) -> SimulationResult:
    """Simulate ``replicas`` runs of a checkpointed job; see the module docstring.

    Parameters
    ----------
    mtbf_s : float
        Job mean time between interruptions ``M`` [s], > 0.
    horizon_s : float
        Wall-clock length of each run ``T`` [s], > 0.
    restart_s : float
        Restart time ``R`` [s], >= 0.
    interval_s : float
        Compute time between checkpoints ``tau`` [s], > 0.
    save_time_s : float
        Blocking checkpoint save time ``delta`` [s], >= 0.
    replicas : int
        Independent runs, >= 1.
    seed : int or None
        Seed of the NumPy generator (PCG64).
    progress : callable, optional
        Called with the number of replicas finished after each block.
    max_cells : int
        Events drawn per block (memory bound: 8 bytes x a few arrays x this).

    Returns
    -------
    SimulationResult
    """
    for name, v, lo in (("mtbf_s", mtbf_s, 0.0), ("horizon_s", horizon_s, 0.0),
                        ("interval_s", interval_s, 0.0)):
        if not (math.isfinite(v) and v > lo):
            raise ValueError(f"{name} must be a finite number > {lo:g}, got {v!r}")
    for name, v in (("restart_s", restart_s), ("save_time_s", save_time_s)):
        if not (math.isfinite(v) and v >= 0):
            raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
    if replicas < 1:
        raise ValueError(f"replicas must be >= 1, got {replicas}")
    rng = np.random.default_rng(seed)
    mean_events = horizon_s / mtbf_s
    per_rep = mean_events + 8.0 * math.sqrt(mean_events) + 16.0
    block = int(max(1, min(replicas, max_cells // per_rep)))
    kept_all = np.empty(replicas)
    count_all = np.empty(replicas, dtype=np.int64)
    done = 0
    while done < replicas:
        n = min(block, replicas - done)
        kept, count = _block(rng, n, mtbf_s, horizon_s, restart_s, interval_s, save_time_s,
                             max_cells)
        kept_all[done:done + n] = kept
        count_all[done:done + n] = count
        done += n
        if progress is not None:
            progress(done)
    return SimulationResult(kept_all / horizon_s, count_all, float(horizon_s))
