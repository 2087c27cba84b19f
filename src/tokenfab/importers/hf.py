"""Import a local Hugging Face ``config.json`` as a catalog model, every field sourced.

``tokenfab catalog import-hf PATH --id ID`` reads ``PATH`` (a ``config.json`` or a directory
holding one, and ``model.safetensors.index.json`` when present), maps the keys of the
architecture named in ``architectures`` to :data:`~tokenfab.catalog.schema.MODEL_FIELDS`,
and returns the entry with a :class:`~tokenfab.catalog.schema.Provenance` per field whose
``source`` is the file and whose ``note`` names the key it came from. Nothing is guessed: an
architecture not in :data:`ARCHITECTURES`, a required key that is missing, or a key that
switches on a feature the catalog cannot describe is a :class:`TokenfabError` naming the file,
the ``architectures`` value and the keys.

The key -> field mapping of every supported architecture is tabulated in ``docs/catalog.md``;
the semantics follow the ``transformers`` configuration classes (``configuration_*.py``) of
each architecture.

Parameter check
---------------
:func:`check_checkpoint` compares the count derived from the config
(:func:`tokenfab.perf.params.param_counts`, MTP modules included because checkpoints ship
them) with ``metadata.total_size`` of the safetensors index divided by the bytes per weight
of the checkpoint's dtype. For quantized checkpoints (FP8 block scales, MXFP4 experts with
BF16 attention) bytes per weight is not one number, so the check is reported as approximate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenfab.catalog.schema import MODEL_FIELDS, ModelArch, Provenance
from tokenfab.errors import TokenfabError

__all__ = [
    "ARCHITECTURES",
    "CheckpointCheck",
    "HFImport",
    "check_checkpoint",
    "import_hf",
    "read_hf_files",
]

CONFIG_NAME = "config.json"
INDEX_NAME = "model.safetensors.index.json"

#: bytes per weight of the dtype names used by ``torch_dtype`` / ``dtype``
DTYPE_BYTES: dict[str, float] = {"bfloat16": 2.0, "float16": 2.0, "float32": 4.0,
                                 "float8_e4m3fn": 1.0}
#: bytes per weight of quantized checkpoints (``quantization_config.quant_method``)
QUANT_BYTES: dict[str, float] = {"fp8": 1.0, "mxfp4": 4.25 / 8}


@dataclass
class _Reader:
    """Reads keys of one config dict, recording the key behind every catalog field."""

    cfg: dict[str, Any]
    file: str
    arch: str
    prefix: str = ""  # "text_config." for multimodal configs
    values: dict[str, Any] = field(default_factory=dict)
    prov: dict[str, Provenance] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def has(self, key: str) -> bool:
        return self.cfg.get(key) is not None

    def raw(self, key: str, default: Any = None) -> Any:
        self.used.add(key)
        v = self.cfg.get(key)
        return default if v is None else v

    def int_key(self, key: str) -> int | None:
        v = self.raw(key)
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v):
            raise TokenfabError(f"expected a whole number, got {v!r}", file=self.file,
                                field=self.prefix + key, value=v)
        return int(v)

    def take(self, fld: str, key: str, *, required: bool = True, default: Any = None,
             default_note: str = "") -> Any:
        """Set ``fld`` from config key ``key`` (kind ``spec``); a documented default if absent."""
        v = self.int_key(key) if isinstance(self.cfg.get(key), (int, float)) and not isinstance(
            self.cfg.get(key), bool) else self.raw(key)
        if v is None:
            if default is not None:
                self.set(fld, default, "derived",
                         f"'{self.prefix}{key}' absent: {default_note or 'transformers default'}")
                return default
            if required:
                self.missing.append(f"{self.prefix}{key} -> {fld}")
            return None
        self.set(fld, v, "spec", f"{CONFIG_NAME} '{self.prefix}{key}'")
        return v

    def set(self, fld: str, value: Any, kind: str, note: str) -> None:
        self.values[fld] = value
        self.prov[fld] = Provenance(kind, self.file, note)


# -- the architecture families -----------------------------------------------------------

def _activation(r: _Reader) -> None:
    act = r.raw("hidden_act", "silu")
    if act not in ("silu", "swish"):
        raise TokenfabError(
            f"hidden_act {act!r} is not supported for {r.arch} (the gated FFN of these "
            "architectures is SiLU-gated: 'silu')", file=r.file, field=r.prefix + "hidden_act",
            value=act, allowed="silu")
    r.set("activation", "swiglu", "spec",
          f"{CONFIG_NAME} '{r.prefix}hidden_act' = {act!r}: gated FFN (gate, up, down)")


def _tie(r: _Reader) -> None:
    r.take("tie_embeddings", "tie_word_embeddings", default=False,
           default_note=f"transformers {r.arch} config default false")


def _gqa_core(r: _Reader) -> None:
    """Layers, width, heads, KV heads, head dim, vocab, context, tie, activation."""
    r.take("layers", "num_hidden_layers")
    d = r.take("hidden_size", "hidden_size")
    n = r.take("attention_heads", "num_attention_heads")
    kv = r.take("kv_heads", "num_key_value_heads", required=False)
    if kv is None and n is not None:
        r.set("kv_heads", n, "derived",
              f"'{r.prefix}num_key_value_heads' absent: transformers default = num_attention_heads")
        kv = n
    if r.has("head_dim"):
        r.take("head_dim", "head_dim")
    elif d and n:
        if d % n:
            raise TokenfabError(f"hidden_size {d} is not a multiple of num_attention_heads {n} "
                                "and no head_dim is given", file=r.file, field=r.prefix + "head_dim")
        r.set("head_dim", d // n, "derived",
              f"'{r.prefix}head_dim' absent: hidden_size / num_attention_heads")
    r.take("vocab_size", "vocab_size")
    r.take("max_context_tokens", "max_position_embeddings")
    if n is not None and kv is not None:
        r.set("attention_type", "gqa" if kv < n else "mha", "derived",
              f"num_key_value_heads {kv} {'<' if kv < n else '='} num_attention_heads {n}")
    _tie(r)
    _activation(r)


def _no_sliding(r: _Reader, flag: str = "use_sliding_window") -> None:
    if r.raw(flag, False):
        raise TokenfabError(
            f"{flag} = true: per-layer sliding windows of {r.arch} are not mapped "
            "(the catalog has one window for a count of layers); remove it or add the entry "
            "by hand", file=r.file, field=r.prefix + flag, value=True)


def _dense_ffn(r: _Reader) -> None:
    r.take("ffn_intermediate_size", "intermediate_size")


def _llama(r: _Reader) -> None:
    _gqa_core(r)
    _dense_ffn(r)
    if r.raw("mlp_bias", False):
        raise TokenfabError("mlp_bias = true is not mapped (biases are not catalog fields)",
                            file=r.file, field=r.prefix + "mlp_bias", value=True)


def _mistral(r: _Reader) -> None:
    _gqa_core(r)
    _dense_ffn(r)
    _all_layer_window(r)


def _all_layer_window(r: _Reader) -> None:
    w = r.int_key("sliding_window")
    if w:
        r.set("sliding_window_tokens", w, "spec", f"{CONFIG_NAME} '{r.prefix}sliding_window'")
        r.set("sliding_window_layers", r.values.get("layers"), "derived",
              "every layer uses the window (one sliding_window for the whole model)")


def _qwen_dense(r: _Reader) -> None:
    _gqa_core(r)
    _dense_ffn(r)
    _no_sliding(r)


def _moe_layers_by_step(r: _Reader, L: int) -> int:
    """Dense (non-MoE) layers of a Qwen2/3-MoE config: ``mlp_only_layers`` and sparse step."""
    step = r.int_key("decoder_sparse_step") or 1
    only = r.raw("mlp_only_layers", []) or []
    return sum(1 for i in range(L) if i in only or (i + 1) % step != 0)


def _qwen_moe(r: _Reader, *, shared: bool) -> None:
    _gqa_core(r)
    _no_sliding(r)
    r.take("moe_experts", "num_experts")
    r.take("moe_top_k", "num_experts_per_tok")
    f_e = r.take("moe_expert_ffn_size", "moe_intermediate_size")
    L = r.values.get("layers") or 0
    n_dense = _moe_layers_by_step(r, L)
    r.set("moe_dense_layers", n_dense, "derived",
          "layers without MoE from 'decoder_sparse_step' and 'mlp_only_layers' "
          "(the count; positions do not change parameters or per-token cost)")
    if n_dense:
        r.take("moe_dense_ffn_size", "intermediate_size")
    if shared:
        f_s = r.int_key("shared_expert_intermediate_size") or 0
        if f_s and f_e:
            if f_s % f_e:
                raise TokenfabError(
                    f"shared_expert_intermediate_size {f_s} is not a multiple of "
                    f"moe_intermediate_size {f_e}: the catalog describes shared experts as "
                    "experts of the routed size", file=r.file,
                    field=r.prefix + "shared_expert_intermediate_size", value=f_s)
            r.set("moe_shared_experts", f_s // f_e, "derived",
                  f"'shared_expert_intermediate_size' {f_s} = {f_s // f_e} x moe_intermediate_size"
                  " (same weights; its sigmoid gate d*1 is not counted)")
        else:
            r.set("moe_shared_experts", 0, "derived", "'shared_expert_intermediate_size' 0 or absent")
    else:
        r.set("moe_shared_experts", 0, "derived", f"{r.arch} has no shared expert")


def _mixtral(r: _Reader) -> None:
    _gqa_core(r)
    _all_layer_window(r)
    r.take("moe_experts", "num_local_experts")
    r.take("moe_top_k", "num_experts_per_tok")
    r.take("moe_expert_ffn_size", "intermediate_size")
    r.set("moe_shared_experts", 0, "derived", "Mixtral has no shared expert")
    r.set("moe_dense_layers", 0, "derived", "every Mixtral layer is MoE")


def _deepseek(r: _Reader) -> None:
    """DeepSeek-V2/V3/V3.2 and Kimi-K2 (MLA, shared experts, leading dense layers, MTP)."""
    r.take("layers", "num_hidden_layers")
    r.take("hidden_size", "hidden_size")
    r.take("attention_heads", "num_attention_heads")
    r.take("vocab_size", "vocab_size")
    r.take("max_context_tokens", "max_position_embeddings")
    r.set("attention_type", "mla", "derived", f"{r.arch}: multi-head latent attention")
    r.take("mla_q_lora_rank", "q_lora_rank", required=False)
    if r.cfg.get("q_lora_rank") is None:
        r.used.add("q_lora_rank")
        r.prov["mla_q_lora_rank"] = Provenance("spec", r.file,
                                               f"{CONFIG_NAME} 'q_lora_rank' null: no query LoRA")
    r.take("mla_kv_lora_rank", "kv_lora_rank")
    r.take("mla_qk_nope_head_dim", "qk_nope_head_dim")
    r.take("mla_qk_rope_head_dim", "qk_rope_head_dim")
    r.take("mla_v_head_dim", "v_head_dim")
    r.take("moe_experts", "n_routed_experts")
    r.take("moe_top_k", "num_experts_per_tok")
    r.take("moe_shared_experts", "n_shared_experts", default=0, default_note="no shared expert")
    r.take("moe_expert_ffn_size", "moe_intermediate_size")
    freq = r.int_key("moe_layer_freq") or 1
    k = r.take("moe_dense_layers", "first_k_dense_replace", default=0,
               default_note="every layer is MoE")
    L = r.values.get("layers") or 0
    if freq != 1:
        n_dense = sum(1 for i in range(L) if not (i >= (k or 0) and i % freq == 0))
        r.set("moe_dense_layers", n_dense, "derived",
              f"layers without MoE from 'first_k_dense_replace' {k} and 'moe_layer_freq' {freq}")
    if r.values.get("moe_dense_layers"):
        r.take("moe_dense_ffn_size", "intermediate_size")
    if r.has("num_nextn_predict_layers"):
        r.take("mtp_layers", "num_nextn_predict_layers")
    _tie(r)
    _activation(r)


def _glm4_moe(r: _Reader) -> None:
    _gqa_core(r)
    r.take("moe_experts", "n_routed_experts")
    r.take("moe_top_k", "num_experts_per_tok")
    r.take("moe_shared_experts", "n_shared_experts", default=0, default_note="no shared expert")
    r.take("moe_expert_ffn_size", "moe_intermediate_size")
    if r.take("moe_dense_layers", "first_k_dense_replace", default=0,
              default_note="every layer is MoE"):
        r.take("moe_dense_ffn_size", "intermediate_size")
    if r.has("num_nextn_predict_layers"):
        r.take("mtp_layers", "num_nextn_predict_layers")


def _gpt_oss(r: _Reader) -> None:
    _gqa_core(r)
    r.take("moe_experts", "num_local_experts")
    if r.has("num_experts_per_tok"):
        r.take("moe_top_k", "num_experts_per_tok")
    else:
        r.take("moe_top_k", "experts_per_token")
    r.take("moe_expert_ffn_size", "intermediate_size")
    r.set("moe_shared_experts", 0, "derived", "gpt-oss has no shared expert")
    r.set("moe_dense_layers", 0, "derived", "every gpt-oss layer is MoE")
    types = r.raw("layer_types")
    w = r.int_key("sliding_window")
    if types and w:
        n_sw = sum(1 for t in types if t == "sliding_attention")
        r.set("sliding_window_tokens", w, "spec", f"{CONFIG_NAME} '{r.prefix}sliding_window'")
        r.set("sliding_window_layers", n_sw, "derived",
              f"count of 'sliding_attention' in '{r.prefix}layer_types' ({len(types)} layers)")
    elif w:
        raise TokenfabError("sliding_window is set but layer_types is absent: which layers use "
                            "it is not stated", file=r.file, field=r.prefix + "layer_types")


def _llama4(r: _Reader) -> None:
    _gqa_core(r)
    r.take("moe_experts", "num_local_experts")
    r.take("moe_top_k", "num_experts_per_tok")
    r.take("moe_expert_ffn_size", "intermediate_size")
    r.set("moe_shared_experts", 1, "derived",
          "Llama4TextMoe has one shared expert of intermediate_size (transformers "
          "modeling_llama4.py)")
    L = r.values.get("layers") or 0
    moe_layers = r.raw("moe_layers")
    if moe_layers is None:
        step = r.int_key("interleave_moe_layer_step") or 1
        moe_layers = list(range(step - 1, L, step))
        how = f"'interleave_moe_layer_step' {step}: every {step}th layer is MoE"
    else:
        how = f"'moe_layers' lists {len(moe_layers)} MoE layers"
    n_dense = L - len(moe_layers)
    r.set("moe_dense_layers", n_dense, "derived",
          f"{how}; the other {n_dense} are dense (interleaved, not leading: the count, not the "
          "position, sets parameters and per-token cost)")
    if n_dense:
        r.take("moe_dense_ffn_size", "intermediate_size_mlp")
    chunk = r.int_key("attention_chunk_size")
    if chunk:
        nope = r.raw("no_rope_layers")
        if nope:
            n_chunked = sum(1 for x in nope if x)
            how = "layers with 1 in 'no_rope_layers' (RoPE layers use chunked attention)"
        else:
            interval = r.int_key("no_rope_layer_interval") or 4
            n_chunked = sum(1 for i in range(L) if (i + 1) % interval != 0)
            how = f"every layer but each {interval}th ('no_rope_layer_interval')"
        r.set("sliding_window_tokens", chunk, "spec",
              f"{CONFIG_NAME} '{r.prefix}attention_chunk_size': chunked attention (a token "
              "attends within its chunk), bounded like a window of that size")
        r.set("sliding_window_layers", n_chunked, "derived", how)


Mapper = Callable[[_Reader], None]

#: ``architectures[0]`` -> mapper. Kimi-K2 ships as ``DeepseekV3ForCausalLM``.
ARCHITECTURES: dict[str, Mapper] = {
    "LlamaForCausalLM": _llama,
    "MistralForCausalLM": _mistral,
    "Qwen2ForCausalLM": _qwen_dense,
    "Qwen3ForCausalLM": _qwen_dense,
    "Qwen2MoeForCausalLM": lambda r: _qwen_moe(r, shared=True),
    "Qwen3MoeForCausalLM": lambda r: _qwen_moe(r, shared=False),
    "MixtralForCausalLM": _mixtral,
    "DeepseekV2ForCausalLM": _deepseek,
    "DeepseekV3ForCausalLM": _deepseek,
    "DeepseekV32ForCausalLM": _deepseek,
    "GptOssForCausalLM": _gpt_oss,
    "Glm4MoeForCausalLM": _glm4_moe,
    "Llama4ForConditionalGeneration": _llama4,
    "Llama4ForCausalLM": _llama4,
}

#: weights each architecture has that the catalog does not count (stated in the report)
NOT_COUNTED: dict[str, str] = {
    "Qwen2ForCausalLM": "QKV biases",
    "Qwen2MoeForCausalLM": "QKV biases, shared-expert gate",
    "Qwen3ForCausalLM": "QK-norm weights",
    "Qwen3MoeForCausalLM": "QK-norm weights",
    "DeepseekV3ForCausalLM": "router score-correction biases",
    "DeepseekV32ForCausalLM": "router score-correction biases; the sparse-attention indexer "
                              "(wq_b, wk, k_norm, weights_proj per layer)",
    "GptOssForCausalLM": "QKV/O and expert biases, router bias, attention sinks",
    "Glm4MoeForCausalLM": "QKV biases, QK-norm weights, router score-correction biases",
    "Llama4ForConditionalGeneration": "QK-norm (no weights), the vision encoder and projector",
    "Llama4ForCausalLM": "QK-norm (no weights)",
}

#: config keys that carry no architecture shape (tokens ids, training and runtime settings)
_IGNORED_KEYS = frozenset({
    "_name_or_path", "architectures", "model_type", "auto_map", "bos_token_id", "eos_token_id",
    "pad_token_id", "torch_dtype", "dtype", "transformers_version", "use_cache",
    "initializer_range", "rms_norm_eps", "layer_norm_eps", "rope_theta", "rope_scaling",
    "rope_parameters", "attention_dropout", "quantization_config", "pretraining_tp",
})

_FAMILY_KEYS = {  # keys that identify a family, used to say what an unknown config looks like
    "num_local_experts": "MoE experts (Mixtral/gpt-oss/Llama 4 spelling)",
    "num_experts": "MoE experts (Qwen spelling)",
    "n_routed_experts": "MoE experts (DeepSeek/GLM spelling)",
    "kv_lora_rank": "multi-head latent attention (DeepSeek)",
    "sliding_window": "sliding-window attention",
    "layer_types": "per-layer attention types",
    "text_config": "a multimodal wrapper (text model nested in 'text_config')",
}


@dataclass(frozen=True)
class CheckpointCheck:
    """Derived parameter count vs the checkpoint's ``metadata.total_size``."""

    index_file: str
    total_size_bytes: int
    bytes_per_weight: float
    basis: str  # where bytes_per_weight came from
    implied_params: float
    derived_params: int  # total + MTP (what the checkpoint holds)
    approximate: bool

    @property
    def rel_diff(self) -> float:
        """``derived / implied - 1``."""
        return self.derived_params / self.implied_params - 1.0


@dataclass(frozen=True)
class HFImport:
    """The result of :func:`import_hf`: catalog values, provenance and the checks."""

    architecture: str
    config_file: str
    values: dict[str, Any]
    provenance: dict[str, Provenance]
    model: ModelArch
    not_counted: str
    checkpoint: CheckpointCheck | None
    notes: tuple[str, ...] = ()


def read_hf_files(path: str | Path) -> tuple[dict[str, Any], Path, dict[str, Any] | None, Path | None]:
    """``(config, config_path, index, index_path)`` from a ``config.json`` or its directory."""
    p = Path(path)
    try:
        is_dir = p.is_dir()
        cfg_path = p / CONFIG_NAME if is_dir else p
        idx_path: Path | None = p / INDEX_NAME if is_dir else p.parent / INDEX_NAME
        found = cfg_path.is_file()
    except (OSError, ValueError) as e:  # a name too long, a NUL byte
        raise TokenfabError(f"cannot read this path: {e}", field="PATH",
                            value=str(path)[:120]) from None
    if not found:
        where = (f"no {CONFIG_NAME} in this directory" if is_dir else
                 "not a file" if cfg_path.exists() else "file not found")
        raise TokenfabError(f"{where} (PATH: a config.json or a directory with one)",
                            file=str(cfg_path if is_dir else p), field="PATH",
                            value=str(path)[:120])
    cfg = _read_json(cfg_path)
    if not isinstance(cfg, dict):
        raise TokenfabError("expected a JSON object", file=str(cfg_path))
    index = None
    if idx_path is not None and idx_path.exists():
        index = _read_json(idx_path)
    else:
        idx_path = None
    return cfg, cfg_path, index, idx_path


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise TokenfabError(f"cannot read: {e}", file=str(path)) from None
    except json.JSONDecodeError as e:
        raise TokenfabError(f"not valid JSON: {e}", file=str(path)) from None


def _unknown_architecture(cfg: dict[str, Any], file: str) -> TokenfabError:
    archs = cfg.get("architectures")
    name = archs[0] if isinstance(archs, list) and archs else archs
    # what a generic dense-transformer reading could not fill, and what the config has
    r = _Reader(cfg.get("text_config") or cfg, file, str(name))
    try:
        _gqa_core(r)
        _dense_ffn(r)
    except TokenfabError:
        pass
    unmapped = [s.name for s in MODEL_FIELDS
                if s.name not in r.values
                and s.name not in ("id", "name", "total_params_published")
                and (s.required or s.name in ("kv_heads", "head_dim", "ffn_intermediate_size"))]
    unknown_keys = sorted(k for k in cfg if k not in r.used and k not in _IGNORED_KEYS)
    hints = [f"{k} ({_FAMILY_KEYS[k]})" for k in unknown_keys if k in _FAMILY_KEYS]
    what = (f"architectures = {archs!r}" if archs is not None
            else f"no 'architectures' key (model_type = {cfg.get('model_type')!r})")
    msg = (f"unsupported architecture: {what}; supported: {', '.join(ARCHITECTURES)}. "
           f"Catalog fields it could not map: {', '.join(unmapped) or 'none'}; "
           f"config keys not understood: {', '.join(unknown_keys) or 'none'}")
    if hints:
        msg += f" (features: {'; '.join(hints)})"
    return TokenfabError(msg + ". Nothing was guessed: write the entry by hand "
                         "(README 'Adding a model or an accelerator').", file=file,
                         field="architectures", value=name)


def _bytes_per_weight(cfg: dict[str, Any]) -> tuple[float | None, str, bool]:
    q = cfg.get("quantization_config")
    if isinstance(q, dict) and q.get("quant_method"):
        m = str(q["quant_method"])
        if m in QUANT_BYTES:
            return QUANT_BYTES[m], f"quantization_config.quant_method = {m!r}", True
        return None, f"quantization_config.quant_method = {m!r} (bytes per weight unknown)", True
    dt = cfg.get("torch_dtype") or cfg.get("dtype")
    if dt is None and isinstance(cfg.get("text_config"), dict):
        dt = cfg["text_config"].get("torch_dtype") or cfg["text_config"].get("dtype")
    if isinstance(dt, str) and dt in DTYPE_BYTES:
        return DTYPE_BYTES[dt], f"torch_dtype = {dt!r}", False
    return None, f"torch_dtype = {dt!r} (bytes per weight unknown)", True


def check_checkpoint(index: dict[str, Any], index_file: str, cfg: dict[str, Any],
                     derived_params: int, bytes_per_weight: float | None = None
                     ) -> CheckpointCheck:
    """Compare ``derived_params`` with ``index['metadata']['total_size'] / bytes per weight``.

    Parameters
    ----------
    index : dict
        The parsed ``model.safetensors.index.json``.
    index_file : str
        Its path (for messages).
    cfg : dict
        The parsed ``config.json`` (dtype and quantization).
    derived_params : int
        Parameters derived from the config, MTP modules included [count].
    bytes_per_weight : float, optional
        Override [B]; otherwise from ``quantization_config`` or ``torch_dtype``.
    """
    meta = index.get("metadata") if isinstance(index, dict) else None
    size = meta.get("total_size") if isinstance(meta, dict) else None
    if not isinstance(size, (int, float)) or isinstance(size, bool) or size <= 0:
        raise TokenfabError("no positive metadata.total_size", file=index_file,
                            field="metadata.total_size", value=size)
    if bytes_per_weight is not None:
        bpw, basis, approx = float(bytes_per_weight), "--bytes-per-weight", False
    else:
        guess, basis, approx = _bytes_per_weight(cfg)
        if guess is None:
            raise TokenfabError(f"cannot tell bytes per weight: {basis}; pass --bytes-per-weight",
                                file=index_file, field="metadata.total_size")
        bpw = guess
    return CheckpointCheck(index_file, int(size), bpw, basis, size / bpw, derived_params, approx)


def import_hf(path: str | Path, model_id: str, *, name: str | None = None,
              total_params: float | None = None, active_params: float | None = None,
              params_source: str | None = None, source_date: str = "",
              bytes_per_weight: float | None = None) -> HFImport:
    """Map a Hugging Face config to a catalog model entry.

    Parameters
    ----------
    path : str or Path
        ``config.json`` or a directory holding it (and optionally the safetensors index).
    model_id : str
        Catalog id of the new entry.
    name : str, optional
        Human-readable name (default: ``_name_or_path`` or the directory name).
    total_params, active_params : float, optional
        Published parameter counts [count]; without them the derived counts are written as
        kind ``derived``.
    params_source : str, optional
        Where the published counts come from (URL); required with ``total_params``.
    source_date : str, optional
        Date of the config (e.g. the commit date on the Hub), recorded with every value.
    bytes_per_weight : float, optional
        Override for the checkpoint check [B].

    Raises
    ------
    TokenfabError
        Missing file, bad JSON, unknown architecture, missing or unsupported keys.
    """
    from tokenfab.catalog import _check_semantics  # the loader's own semantic checks
    from tokenfab.perf.params import param_counts

    cfg, cfg_path, index, idx_path = read_hf_files(path)
    file = str(cfg_path)
    archs = cfg.get("architectures")
    arch = archs[0] if isinstance(archs, list) and archs and isinstance(archs[0], str) else None
    if arch not in ARCHITECTURES:
        raise _unknown_architecture(cfg, file)
    sub, prefix = cfg, ""
    if arch == "Llama4ForConditionalGeneration":
        text = cfg.get("text_config")
        if not isinstance(text, dict):
            raise TokenfabError("Llama4ForConditionalGeneration without a 'text_config' table",
                                file=file, field="text_config")
        sub, prefix = text, "text_config."
    r = _Reader(sub, file, arch, prefix)
    ARCHITECTURES[arch](r)
    if r.missing:
        raise TokenfabError(f"{arch}: required keys missing: {', '.join(r.missing)}",
                            file=file, field="architectures", value=arch)

    values = dict(r.values)
    prov = dict(r.prov)
    values["id"] = model_id
    values["name"] = name or str(cfg.get("_name_or_path") or cfg_path.parent.name or model_id)
    prov["name"] = Provenance("user", file, "--name" if name else "_name_or_path or directory name")

    # a provisional record to count parameters with the engine's own formula
    values.setdefault("total_params_published", 1.0)
    tmp = _model(values, prov)
    counts = param_counts(tmp)
    notes: list[str] = []
    if total_params is not None:
        if not params_source:
            raise TokenfabError("a published count needs its source (--params-source URL)",
                                field="--total-params", value=total_params)
        values["total_params_published"] = float(total_params)
        prov["total_params_published"] = Provenance("spec", params_source, "published total")
    else:
        values["total_params_published"] = float(counts.total)
        prov["total_params_published"] = Provenance(
            "derived", file, "no published count given (--total-params): derived from this "
            "config by tokenfab.perf.params.param_counts (MTP excluded)")
    if active_params is not None:
        if not params_source:
            raise TokenfabError("a published count needs its source (--params-source URL)",
                                field="--active-params", value=active_params)
        values["active_params_published"] = float(active_params)
        prov["active_params_published"] = Provenance("spec", params_source, "published active")
    elif tmp.is_moe:
        values["active_params_published"] = float(counts.active_excl_input_embedding)
        prov["active_params_published"] = Provenance(
            "derived", file, "no published count given (--active-params): derived active "
            "parameters excluding the input-embedding lookup")
    if source_date:
        prov = {k: Provenance(p.kind, p.source, p.note, p.date or source_date)
                if p.source == file else p for k, p in prov.items()}
    model = _model(values, prov)
    try:
        _check_semantics(model, f"{CONFIG_NAME}[{model_id}]")
    except TokenfabError as e:
        raise TokenfabError(str(e), file=file) from None

    check = None
    if index is not None and idx_path is not None:
        check = check_checkpoint(index, str(idx_path), cfg, counts.total_with_mtp,
                                 bytes_per_weight)
    else:
        notes.append(f"no {INDEX_NAME} next to the config: parameter count not checked "
                     "against the checkpoint")
    return HFImport(arch, file, values, prov, model, NOT_COUNTED.get(arch, ""), check,
                    tuple(notes))


def _model(values: dict[str, Any], prov: dict[str, Provenance]) -> ModelArch:
    kw: dict[str, Any] = {s.name: values.get(s.name) for s in MODEL_FIELDS}
    if kw["tie_embeddings"] is None:
        kw["tie_embeddings"] = False
    return ModelArch(**kw, provenance=prov, origin=str(prov.get("layers", Provenance("", "")).source))
