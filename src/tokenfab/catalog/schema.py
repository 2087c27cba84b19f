"""Typed records of the catalog: accelerators/systems and LLM architectures.

Every numeric field is in SI base units, with the unit in the field name
(``_bytes``, ``_bytes_per_s``, ``_flops_per_s``, ``_w``, ``_usd``). Counts are plain
integers (layers, heads, accelerators). A value the source does not give is ``None``
(e.g. ``fp4_dense_flops_per_s`` on Hopper, which has no FP4 tensor cores).

The provenance of each value lives beside it in :attr:`Accelerator.provenance`
(field name -> :class:`Provenance`), loaded from ``data/*_sources.csv``.

The ``FIELDS`` tables below are the schema as data (PyPSA style): name, unit, kind of
value and description. The loaders, the docs and the bad-input tests all read them, so
they cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ValueKind = Literal["spec", "measured", "estimate", "derived", "user"]
VALUE_KINDS: tuple[str, ...] = ("spec", "measured", "estimate", "derived", "user")

FAMILIES: tuple[str, ...] = (
    "hopper",
    "blackwell",
    "rubin",
    "cdna3",
    "cdna4",
    "tpu",
    "trainium",
    "gaudi",
)

PRECISIONS: tuple[str, ...] = ("fp4", "fp8", "bf16")


def check_precision(value: str) -> str:
    """``value`` if it is one of :data:`PRECISIONS`, else ValueError saying what is allowed."""
    if value not in PRECISIONS:
        raise ValueError(f"must be one of {', '.join(PRECISIONS)}, got {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one catalog value comes from."""

    kind: str  # one of VALUE_KINDS
    source: str  # URL, paper, or file path (user entries)
    note: str = ""
    date: str = ""  # ISO date (YYYY, YYYY-MM or YYYY-MM-DD) of the source, when stated


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column of a catalog table: its unit, whether it is required, and a description."""

    name: str
    unit: str  # "" for dimensionless counts / text
    type: Literal["str", "int", "float", "bool"]
    required: bool
    description: str
    minimum: float | None = None  # inclusive lower bound for numbers
    exclusive_minimum: bool = False  # True: value must be > minimum


ACCELERATOR_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "", "str", True, "catalog id, lower-case (e.g. h100-sxm)"),
    FieldSpec("name", "", "str", True, "human-readable name"),
    FieldSpec("vendor", "", "str", True, "vendor"),
    FieldSpec("family", "", "str", True, "hardware family: " + ", ".join(FAMILIES)),
    FieldSpec("year_available", "year", "int", True, "first volume availability", 2000),
    FieldSpec("status", "", "str", True, "shipping | cloud-only | announced"),
    FieldSpec("fp4_dense_flops_per_s", "FLOP/s", "float", False,
              "dense (no 2:4 sparsity) peak FP4 tensor FLOP/s per accelerator", 0, True),
    FieldSpec("fp8_dense_flops_per_s", "FLOP/s", "float", False,
              "dense peak FP8 tensor FLOP/s per accelerator", 0, True),
    FieldSpec("bf16_dense_flops_per_s", "FLOP/s", "float", True,
              "dense peak BF16 tensor FLOP/s per accelerator", 0, True),
    FieldSpec("hbm_capacity_bytes", "B", "float", True, "HBM capacity per accelerator", 0, True),
    FieldSpec("hbm_bw_bytes_per_s", "B/s", "float", True, "HBM bandwidth per accelerator", 0, True),
    FieldSpec("scaleup_domain_size", "accelerators", "int", True,
              "accelerators joined by the scale-up fabric (NVLink / xGMI / ICI / NeuronLink)", 1),
    FieldSpec("scaleup_bw_bytes_per_s_unidir", "B/s", "float", True,
              "scale-up bandwidth per accelerator, one direction", 0, True),
    FieldSpec("scaleout_bw_bytes_per_s_unidir", "B/s", "float", True,
              "back-end (scale-out) NIC bandwidth per accelerator, one direction", 0, True),
    FieldSpec("accelerators_per_system", "accelerators", "int", True,
              "accelerators in the unit you buy and power (8-GPU server, 72-GPU rack, ...)", 1),
    FieldSpec("tdp_w", "W", "float", True, "accelerator board/module power (TDP/TGP)", 0, True),
    FieldSpec("allin_power_w", "W", "float", True,
              "all-in facility power per accelerator: host, network, cooling (PUE) share", 0, True),
    FieldSpec("price_usd", "USD", "float", True,
              "indicative purchase price per accelerator (system price / accelerators)", 0),
)

MODEL_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "", "str", True, "catalog id (e.g. llama3.1-70b)"),
    FieldSpec("name", "", "str", True, "human-readable name / checkpoint"),
    FieldSpec("total_params_published", "parameters", "float", True,
              "total parameters as published (count, not billions)", 0, True),
    FieldSpec("active_params_published", "parameters", "float", False,
              "parameters active per token as published (count)", 0, True),
    FieldSpec("layers", "", "int", True, "transformer layers", 1),
    FieldSpec("hidden_size", "", "int", True, "model (residual) width", 1),
    FieldSpec("attention_heads", "", "int", True, "query heads", 1),
    FieldSpec("kv_heads", "", "int", False, "key/value heads (GQA/MHA; blank for MLA)", 1),
    FieldSpec("head_dim", "", "int", False, "dimension per head (GQA/MHA)", 1),
    FieldSpec("ffn_intermediate_size", "", "int", False, "dense FFN inner size", 1),
    FieldSpec("vocab_size", "", "int", True, "vocabulary size", 1),
    FieldSpec("max_context_tokens", "tokens", "int", True, "maximum context length", 1),
    FieldSpec("attention_type", "", "str", True, "mha | gqa | mla"),
    FieldSpec("sliding_window_tokens", "tokens", "int", False, "sliding-window size", 1),
    FieldSpec("sliding_window_layers", "", "int", False, "number of sliding-window layers", 0),
    FieldSpec("moe_experts", "", "int", False, "routed experts per MoE layer", 1),
    FieldSpec("moe_top_k", "", "int", False, "routed experts per token", 1),
    FieldSpec("moe_shared_experts", "", "int", False, "shared (always-on) experts per MoE layer", 0),
    FieldSpec("moe_expert_ffn_size", "", "int", False, "inner size of one expert", 1),
    FieldSpec("moe_dense_layers", "", "int", False, "leading dense (non-MoE) layers", 0),
    FieldSpec("moe_dense_ffn_size", "", "int", False, "inner FFN size of the dense layers", 1),
    FieldSpec("mla_q_lora_rank", "", "int", False, "MLA query low-rank dimension", 1),
    FieldSpec("mla_kv_lora_rank", "", "int", False, "MLA compressed KV dimension", 1),
    FieldSpec("mla_qk_nope_head_dim", "", "int", False, "MLA non-rotary q/k head dim", 1),
    FieldSpec("mla_qk_rope_head_dim", "", "int", False, "MLA rotary q/k head dim", 1),
    FieldSpec("mla_v_head_dim", "", "int", False, "MLA value head dim", 1),
    FieldSpec("mtp_layers", "", "int", False, "multi-token-prediction layers (not counted as main params)", 0),
    FieldSpec("tie_embeddings", "", "bool", True, "input and output embeddings shared"),
    FieldSpec("activation", "", "str", True, "swiglu | gelu (gated FFN has 3 matrices, gelu 2)"),
    FieldSpec("release_date", "", "str", False,
              "public release date, YYYY-MM-DD (software maturity of its serving stack)"),
)


@dataclass(frozen=True, slots=True)
class Accelerator:
    """One accelerator package, as deployed in its system (per-GPU values for racks)."""

    id: str
    name: str
    vendor: str
    family: str
    year_available: int
    status: str
    fp4_dense_flops_per_s: float | None
    fp8_dense_flops_per_s: float | None
    bf16_dense_flops_per_s: float
    hbm_capacity_bytes: float
    hbm_bw_bytes_per_s: float
    scaleup_domain_size: int
    scaleup_bw_bytes_per_s_unidir: float
    scaleout_bw_bytes_per_s_unidir: float
    accelerators_per_system: int
    tdp_w: float
    allin_power_w: float
    price_usd: float
    provenance: dict[str, Provenance] = field(default_factory=dict, compare=False, repr=False)
    origin: str = "builtin"  # "builtin" or the user catalog file that defined/overrode it

    def peak_flops_per_s(self, precision: str) -> float:
        """Dense peak FLOP/s at ``precision``; falls back to the next wider supported format.

        An accelerator without FP4 units runs FP4 weights at its FP8 (or BF16) rate: the
        weights are smaller but the math is not faster. This mirrors how serving stacks
        upcast (e.g. W4A8 on Hopper).
        """
        order = PRECISIONS[PRECISIONS.index(precision):]
        for p in order:
            v = getattr(self, f"{p}_dense_flops_per_s")
            if v is not None:
                return float(v)
        return float(self.bf16_dense_flops_per_s)

    def supports(self, precision: str) -> bool:
        """True when the accelerator has tensor units for ``precision`` natively."""
        return getattr(self, f"{precision}_dense_flops_per_s") is not None


@dataclass(frozen=True, slots=True)
class ModelArch:
    """An LLM architecture: enough to derive parameters, FLOPs, bytes and KV cache per token."""

    id: str
    name: str
    total_params_published: float
    active_params_published: float | None
    layers: int
    hidden_size: int
    attention_heads: int
    kv_heads: int | None
    head_dim: int | None
    ffn_intermediate_size: int | None
    vocab_size: int
    max_context_tokens: int
    attention_type: str
    sliding_window_tokens: int | None
    sliding_window_layers: int | None
    moe_experts: int | None
    moe_top_k: int | None
    moe_shared_experts: int | None
    moe_expert_ffn_size: int | None
    moe_dense_layers: int | None
    moe_dense_ffn_size: int | None
    mla_q_lora_rank: int | None
    mla_kv_lora_rank: int | None
    mla_qk_nope_head_dim: int | None
    mla_qk_rope_head_dim: int | None
    mla_v_head_dim: int | None
    mtp_layers: int | None
    tie_embeddings: bool
    activation: str
    release_date: str | None = None
    provenance: dict[str, Provenance] = field(default_factory=dict, compare=False, repr=False)
    origin: str = "builtin"

    @property
    def is_moe(self) -> bool:
        return bool(self.moe_experts)

    @property
    def is_mla(self) -> bool:
        return self.attention_type == "mla"
