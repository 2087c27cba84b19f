"""Goodput (effective training time ratio) of a checkpointed job, analytically.

Goodput here is Meta's "effective training time": useful (kept) training time divided by
elapsed wall time (Llama 3 report; Kokolis et al. call it ETTR). Work done after the last
checkpoint when a failure strikes, checkpoint saves and restarts are the waste.

Two models:

* :func:`daly_goodput` -- exact for Poisson failures under Daly's complete model: each
  segment needs ``tau + delta`` of uninterrupted time, each interruption costs a restart
  ``R`` that can itself be interrupted. Daly (2006) eq. for the expected wall time
  ``T_w = M e^{R/M} (e^{(tau+delta)/M} - 1) T_s / tau`` gives
  ``G = T_s / T_w = tau / (M e^{R/M} (e^{(tau+delta)/M} - 1))``.
  :mod:`tokenfab.cluster.simulate` reproduces it by Monte Carlo.
* :func:`first_order_goodput` -- the first-order waste model that Young's formula
  minimises: ``waste = delta/tau + (tau/2 + R)/M``, ``G = 1 - waste`` (clipped at 0 only
  where the first-order model itself goes negative, reported as 0 goodput).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.cluster.reliability import daly_interval_s, young_interval_s

__all__ = ["checkpoint_interval_s", "daly_goodput", "first_order_goodput", "optimal_goodput"]

INTERVAL_POLICIES = ("daly", "young")


def daly_goodput(interval_s: ArrayLike, save_time_s: ArrayLike, mtbf_s: ArrayLike,
                 restart_s: ArrayLike) -> np.ndarray:
    """Expected goodput of a job under Daly's complete checkpoint/restart model.

    ``G = tau / (M * exp(R/M) * (exp((tau + delta)/M) - 1))``

    Exact in expectation (renewal-reward) for exponential times between interruptions:
    between two interruptions of length ``X`` the job restarts (``R``) and then completes
    ``floor((X - R)/(tau + delta))`` checkpointed segments of ``tau`` useful seconds;
    ``E[floor(...)] = e^{-R/M} / (e^{(tau+delta)/M} - 1)`` and ``E[X] = M``.

    Reference: J. T. Daly, FGCS 22(3):303-312, 2006, doi:10.1016/j.future.2004.11.016.

    Parameters
    ----------
    interval_s : array_like
        Compute time between checkpoints ``tau`` [s], > 0.
    save_time_s : array_like
        Blocking checkpoint save time ``delta`` [s], >= 0.
    mtbf_s : array_like
        Job mean time between interruptions ``M`` [s], > 0.
    restart_s : array_like
        Restart time ``R`` [s], >= 0.

    Returns
    -------
    numpy.ndarray
        Goodput in [0, 1].
    """
    tau = np.asarray(interval_s, dtype=float)
    d = np.asarray(save_time_s, dtype=float)
    m = np.asarray(mtbf_s, dtype=float)
    r = np.asarray(restart_s, dtype=float)
    # tau / (M (e^{c/M} - 1)) * e^{-R/M}, with expm1 for accuracy when c << M
    with np.errstate(over="ignore"):
        g = tau / (m * np.expm1((tau + d) / m)) * np.exp(-r / m)
    return np.where(np.isfinite(g), g, 0.0)


def first_order_goodput(interval_s: ArrayLike, save_time_s: ArrayLike, mtbf_s: ArrayLike,
                        restart_s: ArrayLike) -> np.ndarray:
    """First-order goodput ``1 - delta/tau - (tau/2 + R)/M`` (floored at 0).

    The cost function that Young (1974) minimises; good when ``tau, delta, R << M``.
    Parameters as in :func:`daly_goodput`.
    """
    tau = np.asarray(interval_s, dtype=float)
    g = (1.0 - np.asarray(save_time_s, dtype=float) / tau
         - (tau / 2.0 + np.asarray(restart_s, dtype=float)) / np.asarray(mtbf_s, dtype=float))
    return np.asarray(np.maximum(g, 0.0), dtype=float)


def checkpoint_interval_s(save_time_s: ArrayLike, mtbf_s: ArrayLike,
                          policy: str = "daly") -> np.ndarray:
    """Compute time between checkpoints under ``policy`` (``"daly"`` or ``"young"``).

    A save time of zero would give a zero interval; it is floored at one microsecond
    so that goodput stays defined (its limit is then ``e^{-R/M}``).
    """
    if policy == "daly":
        tau = daly_interval_s(save_time_s, mtbf_s)
    elif policy == "young":
        tau = young_interval_s(save_time_s, mtbf_s)
    else:
        from tokenfab.errors import TokenfabError

        raise TokenfabError(f"checkpoint interval policy must be one of "
                            f"{', '.join(INTERVAL_POLICIES)}, got {policy!r}",
                            field="interval_policy", value=policy)
    return np.asarray(np.maximum(tau, 1e-6), dtype=float)


def optimal_goodput(save_time_s: ArrayLike, mtbf_s: ArrayLike, restart_s: ArrayLike,
                    policy: str = "daly") -> tuple[np.ndarray, np.ndarray]:
    """``(goodput, tau)`` with the checkpoint interval chosen by ``policy``.

    Goodput from :func:`daly_goodput`. Parameters as there.
    """
    tau = checkpoint_interval_s(save_time_s, mtbf_s, policy)
    return daly_goodput(tau, save_time_s, mtbf_s, restart_s), tau
