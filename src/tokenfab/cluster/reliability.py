"""Failures, job MTBF, checkpoint intervals, checkpoint write/restore times and hot spares.

All functions are pure and vectorized: pass NumPy arrays where numbers are and the result
broadcasts. Times are seconds, sizes bytes, bandwidths bytes per second, rates per second.

Symbols: ``N`` accelerators in the job, ``lam`` per-accelerator interruption rate [1/s],
``M`` job mean time between interruptions [s], ``delta`` checkpoint save time (blocking)
[s], ``R`` restart time after an interruption [s], ``tau`` compute time between
checkpoints [s].
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "availability_optimal_interval_s",
    "checkpoint_bytes",
    "checkpoint_save_time_s",
    "daly_interval_s",
    "expected_interruptions",
    "job_mtbf_s",
    "p_spares_exhausted",
    "restart_time_s",
    "young_interval_s",
]


def job_mtbf_s(accelerators: ArrayLike, rate_per_accel_s: ArrayLike) -> np.ndarray:
    """Mean time between interruptions of a job that any single failure stops.

    ``M = 1 / (N * lam)`` (components in series; Kokolis et al., "Revisiting Reliability in
    Large-Scale ML Research Clusters", arXiv 2410.21680; Epoch AI, "Hardware failures won't
    limit AI scaling").

    Parameters
    ----------
    accelerators : array_like
        Accelerators in the job, ``N`` [count], > 0.
    rate_per_accel_s : array_like
        Interruption rate per accelerator, ``lam`` [1/s], > 0.

    Returns
    -------
    numpy.ndarray
        Job MTBF ``M`` [s].
    """
    return np.asarray(1.0 / (np.asarray(accelerators, dtype=float) * np.asarray(rate_per_accel_s, dtype=float)), dtype=float)


def expected_interruptions(accelerators: ArrayLike, rate_per_accel_s: ArrayLike,
                           duration_s: ArrayLike) -> np.ndarray:
    """Expected interruptions ``E[n] = N * lam * T`` of a job of ``N`` accelerators.

    Parameters
    ----------
    accelerators : array_like
        ``N`` [count].
    rate_per_accel_s : array_like
        ``lam`` [1/s].
    duration_s : array_like
        Wall-clock duration ``T`` [s].
    """
    return np.asarray((np.asarray(accelerators, dtype=float) * np.asarray(rate_per_accel_s, dtype=float)
                       * np.asarray(duration_s, dtype=float)), dtype=float)


def young_interval_s(save_time_s: ArrayLike, mtbf_s: ArrayLike) -> np.ndarray:
    """Young's first-order optimum compute time between checkpoints.

    ``tau = sqrt(2 * delta * M)``

    Reference: J. W. Young, "A first order approximation to the optimum checkpoint
    interval", CACM 17(9):530-531, 1974.

    Parameters
    ----------
    save_time_s : array_like
        Checkpoint save time ``delta`` [s], >= 0.
    mtbf_s : array_like
        Job MTBF ``M`` [s], > 0.
    """
    return np.asarray(np.sqrt(2.0 * np.asarray(save_time_s, dtype=float) * np.asarray(mtbf_s, dtype=float)), dtype=float)


def daly_interval_s(save_time_s: ArrayLike, mtbf_s: ArrayLike) -> np.ndarray:
    """Daly's higher-order optimum compute time between checkpoints.

    ``tau = sqrt(2 delta M) [1 + (1/3) sqrt(delta/(2M)) + (1/9) (delta/(2M))] - delta``
    for ``delta < 2M``, else ``tau = M``.

    It minimises the expected wall time of Daly's complete model (see
    :func:`tokenfab.cluster.goodput.daly_goodput`), which counts failures during
    checkpoints and restarts. Reference: J. T. Daly, "A higher order estimate of the optimum
    checkpoint interval for restart dumps", Future Generation Computer Systems
    22(3):303-312, 2006, doi:10.1016/j.future.2004.11.016 (perturbation solution). Figs. 3-5
    (delta = 5 min, R = 10 min) report tau = 117, 57 and 9.1 min for M = 24 h, 6 h, 15 min.

    Parameters
    ----------
    save_time_s : array_like
        ``delta`` [s], >= 0.
    mtbf_s : array_like
        ``M`` [s], > 0.
    """
    d = np.asarray(save_time_s, dtype=float)
    m = np.asarray(mtbf_s, dtype=float)
    x = d / (2.0 * m)
    tau = np.sqrt(2.0 * d * m) * (1.0 + np.sqrt(x) / 3.0 + x / 9.0) - d
    return np.where(d < 2.0 * m, tau, m)


def availability_optimal_interval_s(save_time_s: ArrayLike, mtbf_s: ArrayLike,
                                    restart_s: ArrayLike) -> np.ndarray:
    """Checkpoint period that maximises availability (Saxena et al., NVIDIA).

    ``T_c = T_s + sqrt(2 (T_f + T_r) T_s + T_s^2)``; reduces to Young when
    ``T_s << T_r << T_f``. Reference: Saxena, Hukerikar, Blaz, Raj, arXiv 2410.18124 (2024).
    ``T_c`` is the full period (compute + save) [s].
    """
    ts = np.asarray(save_time_s, dtype=float)
    return np.asarray(ts + np.sqrt(2.0 * (np.asarray(mtbf_s, dtype=float) + np.asarray(restart_s, dtype=float))
                                   * ts + ts * ts), dtype=float)


def checkpoint_bytes(params: ArrayLike, bytes_per_param: ArrayLike) -> np.ndarray:
    """Checkpoint size [B] = parameters x bytes per parameter.

    About 14 B/param for mixed-precision Adam (2 bf16 weights + 12 fp32 master, m, v;
    gradients are not saved): ZeRO, Rajbhandari et al. 2020 (catalog
    ``ckpt.bytes_per_param``).
    """
    return np.asarray(np.asarray(params, dtype=float) * np.asarray(bytes_per_param, dtype=float), dtype=float)


def checkpoint_save_time_s(ckpt_bytes: ArrayLike, bandwidth_bytes_per_s: ArrayLike) -> np.ndarray:
    """Blocking checkpoint save (or load) time ``delta = bytes / bandwidth`` [s].

    For storage checkpoints ``bandwidth`` is the aggregate sustained write bandwidth of the
    storage system (Llama 3: 2 TB/s on Tectonic). For in-memory checkpoints (GEMINI,
    SOSP'23: copies to peer CPU memory over the network) pass the job's shard per
    accelerator and the per-accelerator network bandwidth.
    """
    return np.asarray(np.asarray(ckpt_bytes, dtype=float) / np.asarray(bandwidth_bytes_per_s, dtype=float), dtype=float)


def p_spares_exhausted(failure_rate_units_per_s: ArrayLike, repair_time_s: ArrayLike,
                       spare_units: ArrayLike) -> np.ndarray:
    """Probability that a failed unit finds no hot spare free.

    Units under repair form an M/G/inf queue: their number is Poisson with mean
    ``a = Lambda * T_repair`` (Palm's theorem), so a newly failed unit finds every one of the
    ``S`` spares in use with probability ``P(Poisson(a) >= S)`` (the failed unit itself is
    one of the ``a``). ``S = 0`` gives 1.

    Parameters
    ----------
    failure_rate_units_per_s : array_like
        Failures of the job per second, ``Lambda`` [1/s].
    repair_time_s : array_like
        Mean repair / replacement time of a failed unit ``T_repair`` [s].
    spare_units : array_like
        Hot spares ``S`` [count of failure units].
    """
    a = np.asarray(failure_rate_units_per_s, dtype=float) * np.asarray(repair_time_s, dtype=float)
    s = np.floor(np.asarray(spare_units, dtype=float))
    return np.where(s <= 0, 1.0, stats.poisson.sf(s - 1.0, a))


def restart_time_s(base_restart_s: ArrayLike, load_time_s: ArrayLike, p_no_spare: ArrayLike,
                   repair_time_s: ArrayLike) -> np.ndarray:
    """Mean time from an interruption to resumed training ``R`` [s].

    ``R = R0 + load + P(no spare) * T_repair``: detection, rescheduling and initialisation
    ``R0``, reading the last checkpoint back (``load``), and, when no hot spare is free,
    waiting for the failed unit to be repaired.
    """
    return np.asarray((np.asarray(base_restart_s, dtype=float) + np.asarray(load_time_s, dtype=float)
                       + np.asarray(p_no_spare, dtype=float) * np.asarray(repair_time_s, dtype=float)), dtype=float)
