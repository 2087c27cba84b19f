"""Parallel layouts (tensor / expert / pipeline / data) and the memory they need per accelerator.

A *layout* is ``(tp, pp, ep)``:

* ``tp`` tensor-parallel degree of attention and dense layers inside one pipeline stage
  (Megatron-LM, Shoeybi et al. 2019, arXiv:1909.08053);
* ``pp`` pipeline stages, each holding ``L/pp`` layers (GPipe, Huang et al. 2019,
  arXiv:1811.06965);
* ``ep`` expert-parallel degree of MoE layers (GShard, Lepikhin et al. 2020,
  arXiv:2006.16668). ``ep == tp`` shards experts over the TP group; ``ep = a * tp`` with
  ``a > 1`` runs attention data-parallel over ``a`` groups that share one expert group
  (DeepSeek-V3 serving, arXiv:2412.19437 section 3.4).

One *replica* (the unit that holds a full copy of the weights) spans ``pp * max(tp, ep)``
accelerators; the deployment runs ``dp = count / (tp * pp)`` attention replicas.

Memory per accelerator (weights sharded, KV cache of the sequences it serves)::

    W = (P_dense_stored * b_w + P_embed * 2) / (tp * pp) + E * P_expert * b_w / (ep * pp)
    KV per sequence = c * kv_elems * b_kv / min(tp, n_kv)       # MLA: latent not split by tp
    usable = HBM * (1 - reserve);  B_max = floor((usable - W) / KV per sequence)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tokenfab.catalog.schema import Accelerator
from tokenfab.perf.calibration import SERVING
from tokenfab.perf.model_costs import ModelCosts
from tokenfab.perf.precision import KV_BYTES, WEIGHT_BYTES, dense_precision

__all__ = ["Layouts", "enumerate_layouts", "open_count_layouts", "weight_bytes_per_accelerator",
           "kv_bytes_per_sequence", "DEFAULT_MAX_COUNT"]

#: deployments considered when the caller leaves ``count`` open: up to this many
#: accelerators, or one scale-up domain if larger
DEFAULT_MAX_COUNT = 64


@dataclass(frozen=True, slots=True)
class Layouts:
    """Arrays of candidate layouts (one entry per layout)."""

    tp: np.ndarray
    pp: np.ndarray
    ep: np.ndarray

    @property
    def replica_size(self) -> np.ndarray:
        """Accelerators holding one full copy of the weights: ``pp * max(tp, ep)``."""
        out: np.ndarray = self.pp * np.maximum(self.tp, self.ep)
        return out

    @property
    def attention_group(self) -> np.ndarray:
        """Accelerators of one attention replica: ``tp * pp``."""
        out: np.ndarray = self.tp * self.pp
        return out

    def __len__(self) -> int:
        return int(self.tp.size)

    def take(self, idx: np.ndarray) -> Layouts:
        return Layouts(self.tp[idx], self.pp[idx], self.ep[idx])


def _degrees(limit: int, extra: int | None = None) -> list[int]:
    out = [1]
    while out[-1] * 2 <= limit:
        out.append(out[-1] * 2)
    if extra and extra <= limit and extra not in out:
        out.append(extra)
    return out


def enumerate_layouts(mc: ModelCosts, hw: Accelerator, count: int | None,
                      limit: int | None = None) -> Layouts:
    """All ``(tp, pp, ep)`` layouts whose replica fits ``count`` accelerators.

    Degrees are powers of two (plus the scale-up domain size, e.g. 72); ``pp <= L``;
    for MoE ``ep`` is ``tp`` times a power of two and at most ``max(tp, E)``; for dense
    models ``ep = 1``. With a given ``count`` the replica size must divide it.

    Parameters
    ----------
    mc : ModelCosts
        The model.
    hw : Accelerator
        The accelerator (its ``scaleup_domain_size``).
    count : int or None
        Accelerators in the deployment; None: any replica up to ``limit``.
    limit : int, optional
        Largest replica when ``count`` is None (default ``max(DEFAULT_MAX_COUNT, domain)``).
    """
    domain = int(hw.scaleup_domain_size)
    if count:
        limit = int(count)
    elif limit is None:
        limit = max(DEFAULT_MAX_COUNT, domain)
    tps, pps, eps = [], [], []
    for tp in _degrees(limit, domain):
        for pp in _degrees(limit // tp):
            if pp > mc.layers:
                continue
            if mc.is_moe:
                ep_opts = [tp * a for a in _degrees(limit // (tp * pp))]
                if domain % tp == 0 and domain // tp * tp * pp <= limit:
                    ep_opts.append(domain)
                ep_opts = sorted({e for e in ep_opts if e <= max(tp, mc.experts)})
            else:
                ep_opts = [1]
            for ep in ep_opts:
                size = pp * max(tp, ep)
                if size > limit or (count and count % size):
                    continue
                tps.append(tp)
                pps.append(pp)
                eps.append(ep)
    return Layouts(np.array(tps, dtype=float), np.array(pps, dtype=float),
                   np.array(eps, dtype=float))


def weight_bytes_per_accelerator(mc: ModelCosts, lay: Layouts, precision: str) -> np.ndarray:
    """Weight bytes held by one accelerator of each layout [B] (module docstring).

    Embedding and LM head stay in BF16 (2 B) in FP8/FP4 checkpoints; the non-expert
    weights of an FP4 MoE checkpoint stay FP8 (:func:`dense_precision`).
    """
    b = WEIGHT_BYTES[precision]
    b_d = WEIGHT_BYTES[dense_precision(precision, mc.is_moe)]
    dense = ((mc.stored_params_dense - mc.embed_stored_params) * b_d
             + mc.embed_stored_params * max(b_d, 2.0)) / (lay.tp * lay.pp)
    expert = mc.experts * mc.expert_params * b / (np.maximum(lay.ep, 1.0) * lay.pp)
    out: np.ndarray = dense + expert
    return out


def kv_bytes_per_sequence(mc: ModelCosts, lay: Layouts | np.ndarray, context: float,
                          precision: str) -> np.ndarray:
    """KV-cache bytes one sequence of ``context`` tokens occupies on one accelerator [B].

    Summed over the ``L/pp`` layers of a stage, for all ``pp`` microbatches of the stage's
    sequences the stage holds the KV of every sequence of its replica: per sequence of a
    microbatch this is ``c_eff * kv_elems * b_kv / min(tp, n_kv)`` (the ``1/pp`` of layers
    and the ``pp`` microbatches cancel).
    """
    tp = lay.tp if isinstance(lay, Layouts) else np.asarray(lay, dtype=float)
    shard = np.minimum(tp, float(mc.kv_shard_max))
    out: np.ndarray = (mc.effective_context(context) * mc.kv_elems_per_token
                       * KV_BYTES[precision] / shard)
    return out


def open_count_layouts(mc: ModelCosts, hw: Accelerator, precision: str,
                       context: float) -> Layouts:
    """Layouts considered when the caller leaves the deployment size open.

    Replicas stay inside one scale-up domain when the weights and one sequence of
    ``context`` tokens fit there (serving stacks scale out over the network only when a
    model does not fit a server or rack); otherwise replicas of up to
    ``max(DEFAULT_MAX_COUNT, domain)`` accelerators, spanning domains, are allowed.
    """
    inside = enumerate_layouts(mc, hw, None, limit=int(hw.scaleup_domain_size))
    need = weight_bytes_per_accelerator(mc, inside, precision) \
        + kv_bytes_per_sequence(mc, inside, context, precision)
    if len(inside) and (need <= usable_memory_bytes(hw)).any():
        return inside
    return enumerate_layouts(mc, hw, None)


def usable_memory_bytes(hw: Accelerator) -> float:
    """HBM available to weights and KV cache: ``HBM * (1 - reserve)`` [B]."""
    return hw.hbm_capacity_bytes * (1.0 - SERVING.memory_reserve_frac)
