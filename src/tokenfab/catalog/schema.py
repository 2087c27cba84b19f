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

#: an accelerator's availability (the ``status`` column)
STATUSES: tuple[str, ...] = ("shipping", "cloud-only", "announced")
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

#: FFN activations: gated ones have three matrices (gate, up, down), ungated two
GATED_ACTIVATIONS: frozenset[str] = frozenset({"swiglu", "geglu", "reglu"})
UNGATED_ACTIVATIONS: frozenset[str] = frozenset({"gelu", "relu", "silu"})


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
    #: inclusive upper bound: beyond it the engine's float64 products (FLOPs, bytes, params)
    #: overflow or stop meaning anything; a user value above it is refused
    maximum: float | None = None
    #: the range real hardware / published models span (SI): a user value outside it is
    #: accepted with a warning (``plausible_note`` says where the range comes from)
    plausible: tuple[float, float] | None = None
    plausible_note: str = ""


ACCELERATOR_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", "", "str", True, "catalog id, lower-case (e.g. h100-sxm)"),
    FieldSpec("name", "", "str", True, "human-readable name"),
    FieldSpec("vendor", "", "str", True, "vendor"),
    FieldSpec("family", "", "str", True, "hardware family: " + ", ".join(FAMILIES)),
    FieldSpec("year_available", "year", "int", True, "first volume availability", 2000),
    FieldSpec("status", "", "str", True, " | ".join(STATUSES)),
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


# -- plausible ranges and hard maxima (issue 15): lo, hi, maximum, why -----------------------
_G, _T, _P = 1e9, 1e12, 1e15
_LIMITS: dict[str, tuple[float, float, float, str]] = {
    "year_available": (2012, 2032, 2100, "Kepler-era 2012 to the announced roadmaps (Rubin "
                       "Ultra 2027, Feynman 2028) with margin; shipped 2022-2026"),
    "fp4_dense_flops_per_s": (1 * _T, 200 * _P, 1e21, "1 TFLOP/s to 200 PFLOP/s per package; "
                              "shipped 2.5 (MI300X-class) to 40 PFLOP/s (Rubin-class)"),
    "fp8_dense_flops_per_s": (1 * _T, 100 * _P, 1e21, "1 TFLOP/s to 100 PFLOP/s; shipped "
                              "0.46 to 20 PFLOP/s"),
    "bf16_dense_flops_per_s": (1 * _T, 50 * _P, 1e21, "1 TFLOP/s to 50 PFLOP/s; shipped "
                               "0.2 to 10 PFLOP/s"),
    "hbm_capacity_bytes": (8 * _G, 4 * _T, 1e16, "8 GB to 4 TB per package; shipped 16 GB "
                           "(Trainium-class) to 432 GB, Rubin Ultra announced at 1 TB"),
    "hbm_bw_bytes_per_s": (0.1 * _T, 200 * _T, 1e18, "0.1 to 200 TB/s; shipped 0.8 to "
                           "22 TB/s (HBM4)"),
    "scaleup_domain_size": (1, 16_384, 1e7, "one package to 16k: TPU Ironwood pods (9,216 "
                            "chips) are the largest shipped domain"),
    "scaleup_bw_bytes_per_s_unidir": (1 * _G, 20 * _T, 1e17, "1 GB/s to 20 TB/s; shipped 0.2 "
                                      "to 1.8 TB/s (NVLink 6)"),
    "scaleout_bw_bytes_per_s_unidir": (0.1 * _G, 5 * _T, 1e17, "0.1 GB/s to 5 TB/s; shipped "
                                       "3 to 300 GB/s (1.6-2.4 Tb/s NICs)"),
    "accelerators_per_system": (1, 16_384, 1e7, "one card to a 16k-chip pod; shipped 4 to 144 "
                                "(NVL144)"),
    "tdp_w": (10, 20_000, 1e7, "10 W to 20 kW per package; shipped 130 W to 2.3 kW"),
    "allin_power_w": (20, 50_000, 1e8, "20 W to 50 kW facility power per package; shipped "
                      "0.3 to 3.5 kW"),
    "price_usd": (0, 2_000_000, 1e12, "free to $2M per package; shipped $7.8k to $56k"),
    "total_params_published": (1e6, 1e15, 1e20, "1M to 1000T parameters; shipped 6B to 1.8T "
                               "(GPT-MoE-1.8T)"),
    "active_params_published": (1e6, 1e15, 1e20, "as total_params_published; shipped active "
                                "3.3B to 405B"),
    "layers": (1, 2048, 1e7, "shipped 24 to 126 (Llama 3.1 405B); 2048 = 16x the deepest"),
    "hidden_size": (64, 262_144, 1e9, "shipped 2,048 to 16,384; 262k = 16x the widest"),
    "attention_heads": (1, 4096, 1e7, "shipped 16 to 128"),
    "kv_heads": (1, 4096, 1e7, "shipped 1 (MQA) to 16"),
    "head_dim": (8, 4096, 1e7, "shipped 64 to 256"),
    "ffn_intermediate_size": (64, 1_048_576, 1e10, "shipped 12,288 to 53,248"),
    "vocab_size": (256, 4_194_304, 1e10, "byte-level 256 to 4M; shipped 32k to 262k"),
    "max_context_tokens": (256, 1e8, 1e12, "shipped 2k to 1M; Llama 4 Scout claims 10M"),
    "sliding_window_tokens": (16, 1e8, 1e12, "shipped 128 to 8,192"),
    "sliding_window_layers": (0, 2048, 1e7, "at most the layers (see layers)"),
    "moe_experts": (1, 65_536, 1e9, "shipped 8 to 384 (Kimi K2); 65k = PEER-style extremes"),
    "moe_top_k": (1, 1024, 1e9, "shipped 1 to 8"),
    "moe_shared_experts": (0, 64, 1e9, "shipped 0 to 1"),
    "moe_expert_ffn_size": (16, 1_048_576, 1e10, "shipped 768 to 30,720"),
    "moe_dense_layers": (0, 2048, 1e7, "shipped 0 to 24; at most the layers"),
    "moe_dense_ffn_size": (64, 1_048_576, 1e10, "shipped 10,944 to 18,432"),
    "mla_q_lora_rank": (16, 65_536, 1e9, "DeepSeek-V3/Kimi K2: 1,536"),
    "mla_kv_lora_rank": (16, 65_536, 1e9, "DeepSeek-V3/Kimi K2: 512"),
    "mla_qk_nope_head_dim": (8, 4096, 1e7, "DeepSeek-V3: 128"),
    "mla_qk_rope_head_dim": (8, 4096, 1e7, "DeepSeek-V3: 64"),
    "mla_v_head_dim": (8, 4096, 1e7, "DeepSeek-V3: 128"),
    "mtp_layers": (0, 64, 1e4, "DeepSeek-V3: 1; a draft of a few tokens needs a few layers"),
}


def _with_limits(specs: tuple[FieldSpec, ...]) -> tuple[FieldSpec, ...]:
    from dataclasses import replace

    out = []
    for s in specs:
        lim = _LIMITS.get(s.name)
        out.append(s if lim is None else replace(s, plausible=(lim[0], lim[1]), maximum=lim[2],
                                                 plausible_note=lim[3]))
    return tuple(out)


ACCELERATOR_FIELDS = _with_limits(ACCELERATOR_FIELDS)
MODEL_FIELDS = _with_limits(MODEL_FIELDS)
