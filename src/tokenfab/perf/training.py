"""Time to train a model on the site: ``6 N D`` FLOPs at an MFU, with goodput.

``t = 6 N D / (n_acc * F_peak * MFU * G)``

``N`` active parameters per token (:func:`tokenfab.perf.params.param_counts`), ``D``
training tokens, ``n_acc`` accelerators in the job, ``F_peak`` dense peak FLOP/s per
accelerator at the training precision, ``MFU`` model FLOPs utilization while running, and
``G`` goodput (the share of wall time that ends up as kept training).

References: Kaplan et al., "Scaling Laws for Neural Language Models" (2020), ``C ~ 6 N D``;
Chowdhery et al., PaLM (2022), MFU definition; Llama 3 (arXiv 2407.21783) Table 4: 38-43%
BF16 MFU on 8k-16k H100 -- the default MFU range.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["training_flops", "time_to_train_s"]


def training_flops(active_params: ArrayLike, tokens: ArrayLike,
                   flops_per_param_token: ArrayLike = 6.0) -> np.ndarray:
    """Training compute ``C = k N D`` [FLOP], ``k = 6`` (forward 2ND + backward 4ND).

    The one home of 6ND: the cluster's time to train and the demand model's pre-training law
    both call it.

    Parameters
    ----------
    active_params : array_like
        Parameters active per token ``N`` [count].
    tokens : array_like
        Training tokens ``D`` [count].
    flops_per_param_token : array_like
        ``k`` [FLOP / (param token)]; 6 (Kaplan et al. 2020, arXiv:2001.08361, sec. 2.1).

    >>> f"{float(training_flops(70e9, 1.4e12)):.3e}"
    '5.880e+23'
    """
    out: np.ndarray = (np.asarray(flops_per_param_token, dtype=float)
                       * np.asarray(active_params, dtype=float) * np.asarray(tokens, dtype=float))
    return out


def time_to_train_s(flops: ArrayLike, accelerators: ArrayLike, peak_flops_per_s: ArrayLike,
                    mfu: ArrayLike, goodput: ArrayLike) -> np.ndarray:
    """Wall-clock time [s] to do ``flops`` of training.

    Parameters
    ----------
    flops : array_like
        Training compute [FLOP].
    accelerators : array_like
        Accelerators in the job [count].
    peak_flops_per_s : array_like
        Dense peak per accelerator at the training precision [FLOP/s].
    mfu : array_like
        Model FLOPs utilization in (0, 1] [-].
    goodput : array_like
        Effective training time ratio in (0, 1] [-]; 0 gives an infinite time, which the
        caller must report as infeasible.
    """
    rate = (np.asarray(accelerators, dtype=float) * np.asarray(peak_flops_per_s, dtype=float)
            * np.asarray(mfu, dtype=float) * np.asarray(goodput, dtype=float))
    with np.errstate(divide="ignore"):
        out: np.ndarray = np.asarray(flops, dtype=float) / rate
    return out
