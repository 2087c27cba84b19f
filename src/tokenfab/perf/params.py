"""Parameter counts derived from a :class:`~tokenfab.catalog.schema.ModelArch`.

Pure functions, no I/O. The count covers every weight *matrix* and every RMSNorm/LayerNorm
weight vector that the architecture fields determine. Symbols used in the docstrings:

``d``   hidden size (``hidden_size``)
``L``   transformer layers of the main model (``layers``; MTP modules excluded)
``V``   vocabulary rows (``vocab_size``)
``n_q`` query heads, ``n_kv`` key/value heads, ``h`` head dim (GQA/MHA)
``f``   dense FFN inner size; ``f_e`` expert inner size
``E``   routed experts per MoE layer, ``k`` routed experts per token, ``S`` shared experts

What is counted
---------------
* Embedding ``V*d``; LM head ``V*d`` unless ``tie_embeddings``; final norm ``d``.
* Per layer: attention projections (below), two norm vectors ``2*d`` (pre-attention and
  pre-FFN RMSNorm). GPT-J has one LayerNorm with weight and bias per block, which is also
  ``2*d``.
* FFN: gated (``swiglu``/``geglu``: gate, up, down) ``3*d*f``; non-gated (``gelu``/``relu``)
  ``2*d*f``.
* MoE layer: ``E`` routed experts + ``S`` shared experts (each one FFN of size ``f_e``) +
  router ``d*E``.
* MLA (DeepSeek-V2/V3, Kimi K2), with ``r_q``, ``r_kv`` the q/kv LoRA ranks, ``p``/``r`` the
  non-rotary/rotary q-k head dims, ``v`` the value head dim and ``n`` heads::

      d*r_q + r_q + r_q*n*(p + r)            # q_a_proj, q_a_layernorm, q_b_proj
      (or d*n*(p + r) without q-LoRA)        # q_proj
      + d*(r_kv + r) + r_kv + r_kv*n*(p + v) # kv_a_proj_with_mqa, kv_a_layernorm, kv_b_proj
      + n*v*d                                # o_proj

  i.e. the two latent LayerNorms *are* counted (they are weights of the checkpoint).

What is not counted
-------------------
``ModelArch`` has no fields for biases, QK-norm weights, attention sinks, router biases or
score-correction biases. They are left out; for every catalog model they are below 0.1 % of
the total (gpt-oss: QKV/O/expert biases ~0.03 %; GPT-J: MLP/LM-head biases ~0.01 %).
Rotary embeddings have no weights.

Multi-token prediction (MTP) modules (DeepSeek-V3 ``num_nextn_predict_layers``, GLM-4.5)
are *not* part of :attr:`ParamCounts.total` (the published "671B" of DeepSeek-V3 excludes
its MTP module); they are reported separately in :attr:`ParamCounts.mtp`. One MTP module is
counted as one full layer of the model's last-layer kind (MoE if the model is MoE) plus
``eh_proj`` ``2*d*d`` and three norms ``3*d`` (``enorm``, ``hnorm``, shared-head norm); it
shares the embedding and LM head with the main model (DeepSeek-V3 ``README_WEIGHTS.md``).

Active parameters
-----------------
:attr:`ParamCounts.active` uses the same scope as ``total``: everything a token touches,
including the input embedding and the LM head, with ``k`` routed + ``S`` shared experts per
MoE layer (so ``active == total`` for a dense model). Labs publish active counts under
different conventions; :attr:`ParamCounts.active_excl_input_embedding` (OpenAI's convention
for gpt-oss; the right basis for matmul FLOPs per token, ``~2 * active_excl_input_embedding``)
and :attr:`ParamCounts.active_excl_embeddings` (neither embedding nor head) are provided.

References
----------
* Llama: ``meta-llama/llama-models`` ``models/llama3/model.py``; HF ``LlamaConfig``.
* DeepSeek-V3: arXiv:2412.19437; ``deepseek-ai/DeepSeek-V3`` ``inference/model.py`` and
  ``README_WEIGHTS.md`` (671B main + 14B MTP; 36.7B activated).
* Mixtral: arXiv:2401.04088; HF ``MixtralConfig``.
* gpt-oss: arXiv:2508.10925 (model card: 116.83B total, 5.13B active excl. embedding).
* Qwen3: Qwen3 Technical Report (2025); GLM-4.5: arXiv:2508.06471.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenfab.catalog.schema import GATED_ACTIVATIONS, UNGATED_ACTIVATIONS, ModelArch

__all__ = ["ParamCounts", "param_counts", "ffn_params", "attention_params"]


@dataclass(frozen=True, slots=True)
class ParamCounts:
    """Parameter counts of one model (counts, not billions).

    Per-layer fields describe one layer; ``total``/``active`` are whole-model sums.

    Attributes
    ----------
    total : int
        All weights of the main model (embedding, layers, final norm, LM head), MTP excluded.
    active : int
        Weights touched per token, same scope as ``total`` (routed top-k + shared experts).
    embedding : int
        Input embedding ``V*d`` (when tied, this matrix is also the LM head).
    lm_head : int
        Separate output projection ``V*d``; 0 when embeddings are tied.
    final_norm : int
        Final norm vector ``d``.
    attention_per_layer : int
        Attention weights of one layer (GQA/MHA or MLA, see module docstring).
    norms_per_layer : int
        Norm vectors of one layer, ``2*d``.
    dense_ffn_per_layer : int
        FFN of one dense layer (dense models: ``ffn_intermediate_size``; MoE models: the
        leading dense layers, ``moe_dense_ffn_size``); 0 when there is none.
    expert : int
        One routed expert FFN; 0 for dense models.
    shared_expert : int
        One shared expert FFN; 0 when there are none.
    router : int
        Router (gate) of one MoE layer, ``d*E``.
    dense_layers : int
        Layers with a dense FFN.
    moe_layers : int
        Layers with a MoE FFN.
    mtp : int
        Weights of the MTP modules, *not* included in ``total``.
    routed_experts, routed_per_token, shared_experts : int
        ``E``, ``k`` and ``S`` of each MoE layer (0 for dense models).
    """

    total: int
    active: int
    embedding: int
    lm_head: int
    final_norm: int
    attention_per_layer: int
    norms_per_layer: int
    dense_ffn_per_layer: int
    expert: int
    shared_expert: int
    router: int
    dense_layers: int
    moe_layers: int
    mtp: int
    routed_experts: int = 0
    routed_per_token: int = 0
    shared_experts: int = 0

    @property
    def moe_layer_total(self) -> int:
        """FFN weights of one MoE layer: ``E*expert + S*shared_expert + router``."""
        return (self.routed_experts * self.expert
                + self.shared_experts * self.shared_expert + self.router)

    @property
    def moe_layer_active(self) -> int:
        """FFN weights one token touches in a MoE layer: ``k*expert + S*shared_expert + router``."""
        return (self.routed_per_token * self.expert
                + self.shared_experts * self.shared_expert + self.router)

    @property
    def total_with_mtp(self) -> int:
        """``total`` plus the MTP modules (the size of a checkpoint that ships them)."""
        return self.total + self.mtp

    @property
    def active_excl_embeddings(self) -> int:
        """Active weights without the embedding and without the LM head."""
        return self.active - self.embedding - self.lm_head

    @property
    def active_excl_input_embedding(self) -> int:
        """Active weights without the input-embedding lookup (the LM head is kept).

        The LM head is a ``V*d`` matmul per token whether or not it is tied to the embedding,
        so this is ``active_excl_embeddings + V*d``. It is the basis for matmul FLOPs per
        token (``2`` FLOP per weight) and matches OpenAI's published gpt-oss active counts.
        """
        return self.active_excl_embeddings + self.embedding


def ffn_params(d: int, f: int, activation: str) -> int:
    """Weights of one feed-forward block.

    Parameters
    ----------
    d : int
        Model width.
    f : int
        FFN inner size.
    activation : str
        ``swiglu``/``geglu``/``reglu`` (gated: ``W_gate``, ``W_up``, ``W_down`` ->
        ``3*d*f``) or ``gelu``/``relu``/``silu`` (``W_in``, ``W_out`` -> ``2*d*f``).

    Returns
    -------
    int
        Parameter count (biases not included).
    """
    act = activation.strip().lower()
    if act in GATED_ACTIVATIONS:
        return 3 * d * f
    if act in UNGATED_ACTIVATIONS:
        return 2 * d * f
    raise ValueError(
        f"unknown activation {activation!r}: expected one of "
        f"{sorted(GATED_ACTIVATIONS | UNGATED_ACTIVATIONS)}"
    )


def attention_params(model: ModelArch) -> int:
    """Attention weights of one layer.

    GQA/MHA (``h`` defaults to ``d/n_q``, ``n_kv`` to ``n_q``)::

        d*n_q*h  (Q) + 2*d*n_kv*h  (K, V) + n_q*h*d  (O)

    MLA: see the module docstring (q/kv LoRA down- and up-projections, the two latent
    LayerNorms, output projection), after DeepSeek-V3 ``inference/model.py``.

    Parameters
    ----------
    model : ModelArch
        The architecture.

    Returns
    -------
    int
        Parameter count of one layer's attention block (biases not included).
    """
    d = model.hidden_size
    n = model.attention_heads
    if model.is_mla:
        p = _req(model.mla_qk_nope_head_dim, "mla_qk_nope_head_dim", model)
        r = _req(model.mla_qk_rope_head_dim, "mla_qk_rope_head_dim", model)
        v = _req(model.mla_v_head_dim, "mla_v_head_dim", model)
        r_kv = _req(model.mla_kv_lora_rank, "mla_kv_lora_rank", model)
        r_q = model.mla_q_lora_rank
        if r_q:
            q = d * r_q + r_q + r_q * n * (p + r)
        else:
            q = d * n * (p + r)
        kv = d * (r_kv + r) + r_kv + r_kv * n * (p + v)
        o = n * v * d
        return q + kv + o
    h = model.head_dim or d // n
    n_kv = model.kv_heads or n
    return d * n * h + 2 * d * n_kv * h + n * h * d


def param_counts(model: ModelArch) -> ParamCounts:
    """Derive total, active and per-component parameter counts from an architecture.

    Formula (see the module docstring for each term)::

        total  = V*d [+ V*d untied head] + d
               + L*(attn + 2*d)
               + n_dense*ffn(f_dense)
               + n_moe*(E*ffn(f_e) + S*ffn(f_e) + d*E)
        active = same with k in place of E

    ``n_dense = moe_dense_layers`` (leading dense layers) and ``n_moe = L - n_dense`` for a
    MoE model; ``n_dense = L`` for a dense model. MTP modules are returned in ``mtp`` and are
    not part of ``total``.

    Parameters
    ----------
    model : ModelArch
        The architecture (``tokenfab.catalog.schema.ModelArch``).

    Returns
    -------
    ParamCounts
        Counts as integers.

    Raises
    ------
    ValueError
        When a field the architecture needs is missing (e.g. ``ffn_intermediate_size`` of a
        dense model) or the activation is unknown.

    Examples
    --------
    DeepSeek-V3 (HF ``config.json``) gives 671.0B total, 37.5B active incl. embedding and
    head, 36.6B excluding the input embedding; published: 671B / 37B (36.7B).
    """
    d = model.hidden_size
    L = model.layers
    V = model.vocab_size
    act = model.activation

    embedding = V * d
    lm_head = 0 if model.tie_embeddings else V * d
    final_norm = d
    attn = attention_params(model)
    norms = 2 * d

    if model.is_moe:
        E = model.moe_experts or 0
        k = _req(model.moe_top_k, "moe_top_k", model)
        S = model.moe_shared_experts or 0
        f_e = _req(model.moe_expert_ffn_size, "moe_expert_ffn_size", model)
        n_dense = model.moe_dense_layers or 0
        if not 0 <= n_dense <= L:
            raise ValueError(f"{model.id}: moe_dense_layers {n_dense} not in [0, {L}]")
        if k > E:
            raise ValueError(f"{model.id}: moe_top_k {k} > moe_experts {E}")
        n_moe = L - n_dense
        expert = ffn_params(d, f_e, act)
        shared = expert if S else 0
        router = d * E
        if n_dense:
            f_dense = model.moe_dense_ffn_size or model.ffn_intermediate_size
            f_dense = _req(f_dense, "moe_dense_ffn_size", model)
            dense_ffn = ffn_params(d, f_dense, act)
        else:
            dense_ffn = 0
        routed_total, routed_active, shared_total = E * expert, k * expert, S * shared
    else:
        f = _req(model.ffn_intermediate_size, "ffn_intermediate_size", model)
        n_dense, n_moe = L, 0
        expert = shared = router = 0
        E = k = S = 0
        dense_ffn = ffn_params(d, f, act)
        routed_total = routed_active = shared_total = 0

    common = embedding + lm_head + final_norm + L * (attn + norms) + n_dense * dense_ffn
    total = common + n_moe * (routed_total + shared_total + router)
    active = common + n_moe * (routed_active + shared_total + router)

    mtp = 0
    if model.mtp_layers:
        layer_ffn = (routed_total + shared_total + router) if n_moe else dense_ffn
        one = attn + norms + layer_ffn + 2 * d * d + 3 * d
        mtp = model.mtp_layers * one

    return ParamCounts(
        total=total,
        active=active,
        embedding=embedding,
        lm_head=lm_head,
        final_norm=final_norm,
        attention_per_layer=attn,
        norms_per_layer=norms,
        dense_ffn_per_layer=dense_ffn,
        expert=expert,
        shared_expert=shared,
        router=router,
        dense_layers=n_dense,
        moe_layers=n_moe,
        mtp=mtp,
        routed_experts=E,
        routed_per_token=k,
        shared_experts=S,
    )


def _req(value: int | None, name: str, model: ModelArch) -> int:
    if value is None or value == 0:
        raise ValueError(f"{model.id}: field {name!r} is required for this architecture")
    return int(value)
