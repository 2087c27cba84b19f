"""Time of one forward step on one accelerator: roofline compute/memory plus collectives.

Pure, vectorized functions (NumPy broadcasting over any array arguments).

References
----------
* Roofline: Williams, Waterman, Patterson, "Roofline: an insightful visual performance model",
  CACM 52(4), 2009, doi:10.1145/1498765.1498785.
* Ring all-reduce cost ``2 (n-1)/n * S / B``: Patarasuk & Yuan, J. Parallel Distrib. Comput.
  69(2), 2009, doi:10.1016/j.jpdc.2008.09.002; NCCL performance notes
  (https://github.com/NVIDIA/nccl-tests/blob/master/doc/PERFORMANCE.md, "bus bandwidth").
* All-to-all cost ``(n-1)/n * S / B`` per rank: same NCCL notes (alltoall busbw).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["roofline_time", "allreduce_time", "alltoall_time", "link_bandwidth"]


def roofline_time(flops: ArrayLike, peak_flops_per_s: ArrayLike, bytes_: ArrayLike,
                  bw_bytes_per_s: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Compute and memory time of a kernel sequence: ``(F / P, M / BW)``.

    The step time of a well-overlapped kernel is ``max`` of the two (Williams et al. 2009).

    Parameters
    ----------
    flops : array_like
        Floating-point operations [FLOP].
    peak_flops_per_s : array_like
        Achievable compute rate (peak x efficiency) [FLOP/s].
    bytes_ : array_like
        Bytes moved to/from HBM [B].
    bw_bytes_per_s : array_like
        Achievable HBM bandwidth (peak x efficiency) [B/s].

    Returns
    -------
    (t_compute_s, t_memory_s) : tuple of ndarray
        Times [s].
    """
    return (np.asarray(flops, dtype=float) / peak_flops_per_s,
            np.asarray(bytes_, dtype=float) / bw_bytes_per_s)


def link_bandwidth(group: ArrayLike, domain: int, scaleup_bw_bytes_per_s: float,
                   scaleout_bw_bytes_per_s: float) -> np.ndarray:
    """Bandwidth per accelerator of a collective over ``group`` ranks [B/s].

    A group that fits in the scale-up domain uses the scale-up fabric; one that spans several
    domains is limited by the scale-out NIC for the share of traffic that leaves the domain:
    ``1 / BW = f_in / BW_up + f_out / BW_out`` with ``f_out = 1 - D/n`` (a rank's peers outside
    its own domain of ``D``).

    Parameters
    ----------
    group : array_like
        Ranks in the collective [-].
    domain : int
        Accelerators per scale-up domain ``D`` [-].
    scaleup_bw_bytes_per_s, scaleout_bw_bytes_per_s : float
        Achievable per-accelerator one-direction bandwidths [B/s].
    """
    n = np.asarray(group, dtype=float)
    f_out = np.clip(1.0 - domain / np.maximum(n, 1.0), 0.0, 1.0)
    out: np.ndarray = 1.0 / ((1.0 - f_out) / scaleup_bw_bytes_per_s
                             + f_out / scaleout_bw_bytes_per_s)
    return out


def allreduce_time(message_bytes: ArrayLike, group: ArrayLike, bw_bytes_per_s: ArrayLike,
                   latency_s: ArrayLike) -> np.ndarray:
    """Ring all-reduce of ``S`` bytes over ``n`` ranks: ``2 (n-1)/n * S / BW + alpha`` [s].

    Zero when ``n == 1``.

    Parameters
    ----------
    message_bytes : array_like
        Bytes reduced (per rank, full vector) [B].
    group : array_like
        Ranks ``n`` [-].
    bw_bytes_per_s : array_like
        Per-rank achievable bandwidth [B/s].
    latency_s : array_like
        Fixed cost of one collective ``alpha`` [s].
    """
    n = np.asarray(group, dtype=float)
    t = 2.0 * (n - 1.0) / np.maximum(n, 1.0) * np.asarray(message_bytes, dtype=float) \
        / bw_bytes_per_s + latency_s
    return np.where(n > 1, t, 0.0)


def alltoall_time(bytes_per_rank: ArrayLike, group: ArrayLike, bw_bytes_per_s: ArrayLike,
                  latency_s: ArrayLike) -> np.ndarray:
    """All-to-all where each rank holds ``S`` bytes: ``(n-1)/n * S / BW + alpha`` [s].

    Zero when ``n == 1``.
    """
    n = np.asarray(group, dtype=float)
    t = (n - 1.0) / np.maximum(n, 1.0) * np.asarray(bytes_per_rank, dtype=float) \
        / bw_bytes_per_s + latency_s
    return np.where(n > 1, t, 0.0)
