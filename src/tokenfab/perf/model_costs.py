"""Per-token FLOPs, weight bytes and KV-cache bytes of an LLM, for prefill and decode.

Everything here is a pure function of a :class:`~tokenfab.catalog.schema.ModelArch` (through
:func:`tokenfab.perf.params.param_counts`) and of NumPy arrays of context lengths / token
counts. Symbols: ``d`` hidden size, ``L`` layers, ``n_q`` query heads, ``n_kv`` KV heads,
``h`` head dim, ``E`` routed experts, ``k`` experts per token, ``c`` context length.

Equations
---------
* Matmul FLOPs per token: ``2 * P_matmul`` where ``P_matmul`` counts every weight a token
  multiplies (attention projections, dense FFN, ``k`` routed + shared experts, router,
  LM head; not the input-embedding lookup). Kaplan et al. 2020, arXiv:2001.08361, Table 1.
* Attention-core FLOPs per token and per layer at context ``c``:
  GQA/MHA ``4 * n_q * h * c`` (``QK^T`` and ``AV``); MLA in the absorbed decode form
  ``2 * n_q * (2 r_kv + r_rope) * c`` (scores against the ``r_kv + r_rope`` latent, values
  from the ``r_kv`` latent; DeepSeek-V2, arXiv:2405.04434, App. C); MLA prefill in the
  expanded form ``2 * n_q * (d_nope + d_rope + d_v) * c``. Sliding-window layers use
  ``min(c, W)``. A prefill of ``I`` tokens sees on average ``c = I/2`` (causal mask).
* KV-cache bytes per token and per layer: GQA ``2 * n_kv * h * b_kv``; MLA
  ``(r_kv + r_rope) * b_kv`` (the compressed latent and the shared rotary key).
* MoE weight traffic: a step that routes ``T`` tokens, each to ``k`` of ``E`` experts
  uniformly, touches on average ``E * (1 - (1 - k/E)^T)`` distinct experts
  (expected occupancy; uniform routing is an assumption, real routers are less balanced).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.catalog.schema import ModelArch
from tokenfab.perf.params import param_counts

__all__ = ["ModelCosts", "model_costs", "experts_touched"]


@dataclass(frozen=True, slots=True)
class ModelCosts:
    """Architecture quantities the step-time model needs (counts, not bytes).

    Attributes
    ----------
    layers : int
        Transformer layers ``L``.
    hidden : int
        Hidden size ``d``.
    full_layers, window_layers : int
        Layers with full attention and with sliding-window attention.
    window : float
        Sliding-window size [tokens] (``inf`` when none).
    matmul_params_dense : float
        Non-routed weights a token multiplies (attention, dense FFN, shared experts, router,
        LM head) [parameters].
    stored_params_dense : float
        Non-routed weights held in memory (adds the input embedding when untied) [parameters].
    expert_params : float
        Weights of one routed expert (summed over MoE layers: ``moe_layers * expert``)
        [parameters]; 0 for dense models.
    experts : int
        Routed experts per MoE layer ``E`` (0 for dense).
    top_k : int
        Routed experts per token ``k``.
    attn_flops_decode_per_ctx : float
        Attention-core FLOPs per token per context position, summed over layers, decode form.
    attn_flops_prefill_per_ctx : float
        Same for prefill (expanded MLA form).
    kv_elems_per_token : float
        KV-cache elements per token, summed over layers.
    kv_shard_max : int
        Largest tensor-parallel degree that splits the KV cache (``n_kv``; 1 for MLA, whose
        latent is replicated on every TP rank).
    moe_layers : int
        Layers with a routed-expert FFN.
    head_params : float
        LM-head weights ``V*d`` (multiplied per token, kept in BF16 in quantized checkpoints).
    embed_stored_params : float
        Embedding + untied LM head held in memory (kept in BF16) [parameters].
    is_mla : bool
        Multi-head latent attention (decode runs the absorbed-MLA kernel).
    mtp_layers : int
        Multi-token-prediction modules shipped with the model (usable as a speculative
        drafter; DeepSeek-V3/R1: 1).
    """

    layers: int
    hidden: int
    full_layers: int
    window_layers: int
    window: float
    matmul_params_dense: float
    stored_params_dense: float
    expert_params: float
    experts: int
    top_k: int
    attn_flops_decode_per_ctx: float
    attn_flops_prefill_per_ctx: float
    kv_elems_per_token: float
    kv_shard_max: int
    moe_layers: int = 0
    head_params: float = 0.0
    embed_stored_params: float = 0.0
    is_mla: bool = False
    mtp_layers: int = 0

    @property
    def is_moe(self) -> bool:
        return self.experts > 0

    @property
    def stored_params(self) -> float:
        """All weights held in memory [parameters]."""
        return self.stored_params_dense + self.experts * self.expert_params

    @property
    def matmul_params_active(self) -> float:
        """Weights one token multiplies [parameters] (``2x`` this = matmul FLOPs per token)."""
        return self.matmul_params_dense + self.top_k * self.expert_params

    def effective_context(self, ctx: ArrayLike) -> np.ndarray:
        """Layer-averaged attended context [tokens]: ``(L_full*c + L_win*min(c, W)) / L``."""
        c = np.asarray(ctx, dtype=float)
        out: np.ndarray = (self.full_layers * c
                           + self.window_layers * np.minimum(c, self.window)) / self.layers
        return out

    def decode_flops_per_token(self, ctx: ArrayLike) -> np.ndarray:
        """Matmul and attention FLOPs of one decode token at context ``ctx`` [FLOP].

        ``2*P_active + a_dec * c_eff`` (see module docstring).
        """
        return (2.0 * self.matmul_params_active
                + self.attn_flops_decode_per_ctx * self.effective_context(ctx))

    def decode_attn_flops(self, ctx: ArrayLike) -> np.ndarray:
        """Attention-core FLOPs of one decode token at context ``ctx`` [FLOP] (absorbed MLA)."""
        return self.attn_flops_decode_per_ctx * self.effective_context(ctx)

    def prefill_attn_flops(self, prompt: ArrayLike) -> np.ndarray:
        """Attention-core FLOPs per token of a ``prompt``-token prefill [FLOP] (causal: ``c = I/2``)."""
        return self.attn_flops_prefill_per_ctx * self.effective_context(np.asarray(prompt) / 2.0)

    def kv_bytes_per_token(self, kv_bytes_per_elem: float) -> float:
        """KV-cache bytes of one token over all layers [B] (no sliding-window discount)."""
        return self.kv_elems_per_token * kv_bytes_per_elem


def model_costs(model: ModelArch) -> ModelCosts:
    """Derive the :class:`ModelCosts` of an architecture.

    Parameters
    ----------
    model : ModelArch
        The architecture (catalog record).

    Returns
    -------
    ModelCosts
        Parameter counts split dense/routed, attention FLOPs per context position and KV
        elements per token (equations in the module docstring).
    """
    pc = param_counts(model)
    d, L = model.hidden_size, model.layers
    n_q = model.attention_heads
    if model.is_mla:
        r_kv = int(model.mla_kv_lora_rank or 0)
        r_rope = int(model.mla_qk_rope_head_dim or 0)
        p_nope = int(model.mla_qk_nope_head_dim or 0)
        v = int(model.mla_v_head_dim or 0)
        a_dec = 2.0 * n_q * (2 * r_kv + r_rope)
        a_pre = 2.0 * n_q * (p_nope + r_rope + v)
        kv_elems = float(r_kv + r_rope)
        kv_shard = 1
    else:
        h = model.head_dim or d // n_q
        n_kv = model.kv_heads or n_q
        a_dec = a_pre = 4.0 * n_q * h
        kv_elems = 2.0 * n_kv * h
        kv_shard = int(n_kv)
    win_layers = int(model.sliding_window_layers or 0) if model.sliding_window_tokens else 0
    window = float(model.sliding_window_tokens or 0) if win_layers else float("inf")
    # non-routed weights multiplied per token: everything active except the input embedding
    dense_matmul = float(pc.active_excl_input_embedding
                         - pc.moe_layers * pc.routed_per_token * pc.expert)
    dense_stored = float(pc.total - pc.moe_layers * pc.routed_experts * pc.expert)
    return ModelCosts(
        layers=L,
        hidden=d,
        full_layers=L - win_layers,
        window_layers=win_layers,
        window=window,
        matmul_params_dense=dense_matmul,
        stored_params_dense=dense_stored,
        expert_params=float(pc.moe_layers * pc.expert),
        experts=int(pc.routed_experts),
        top_k=int(pc.routed_per_token),
        attn_flops_decode_per_ctx=a_dec * L,
        attn_flops_prefill_per_ctx=a_pre * L,
        kv_elems_per_token=kv_elems * L,
        kv_shard_max=kv_shard,
        moe_layers=int(pc.moe_layers),
        head_params=float(model.vocab_size * d),
        embed_stored_params=float(pc.embedding + pc.lm_head),
        is_mla=bool(model.is_mla),
        mtp_layers=int(model.mtp_layers or 0),
    )


def experts_touched(tokens: ArrayLike, experts: int, top_k: int) -> np.ndarray:
    """Expected distinct experts hit when ``tokens`` each pick ``top_k`` of ``experts``.

    ``E * (1 - (1 - k/E)^T)`` (occupancy of uniform routing). Returns 0 for dense models.

    Parameters
    ----------
    tokens : array_like
        Tokens routed in one step through one MoE layer of the expert-parallel group [-].
    experts : int
        Routed experts ``E`` [-].
    top_k : int
        Experts per token ``k`` [-].
    """
    t = np.asarray(tokens, dtype=float)
    if experts <= 0:
        return np.zeros_like(t)
    return experts * -np.expm1(t * np.log1p(-top_k / experts)) if top_k < experts \
        else np.full_like(t, float(experts))
