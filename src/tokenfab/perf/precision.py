"""Number formats: bytes per element of weights and KV cache, and which precision a part runs.

The one home of these tables; the performance engine, the factory and the demand model all
read them here.

* Weights: FP4 is NVFP4/MXFP4, 4-bit values plus one 8-bit scale per 16 (NVFP4) or 32 (MXFP4)
  values -> 4.5 bits = 0.5625 bytes (NVIDIA, "Introducing NVFP4", developer blog 2025).
* KV cache: FP8 with FP8/FP4 weights (TensorRT-LLM / vLLM default for quantized serving),
  BF16 otherwise.

>>> WEIGHT_BYTES["fp4"], KV_BYTES["fp4"]
(0.5625, 1.0)
"""

from __future__ import annotations

from typing import Any

from tokenfab.catalog.schema import PRECISIONS

__all__ = ["KV_BYTES", "PRECISIONS", "WEIGHT_BYTES", "dense_precision", "native_precision",
           "resolve_precision", "math_precision", "emulation_note"]

#: bytes per weight at each precision (FP4 includes its block scales)
WEIGHT_BYTES: dict[str, float] = {"fp4": 0.5625, "fp8": 1.0, "bf16": 2.0}
#: bytes per KV-cache element at each serving precision
KV_BYTES: dict[str, float] = {"fp4": 1.0, "fp8": 1.0, "bf16": 2.0}


def dense_precision(precision: str, is_moe: bool) -> str:
    """Precision of the non-expert weights (attention, dense FFN, shared experts).

    FP4 checkpoints of MoE models quantize only the routed experts: NVIDIA's
    ``nvidia/DeepSeek-R1-FP4`` (TensorRT Model Optimizer: "the MoE layers inside this
    checkpoint have been quantized into FP4", TensorRT-LLM tech blog 3, 2025; attention in
    FP8) and OpenAI's ``gpt-oss`` (MXFP4 experts, other weights BF16). Those weights are then
    served at FP8. Dense models quantize every linear layer (MLPerf llama FP4 submissions).

    >>> dense_precision("fp4", True), dense_precision("fp4", False)
    ('fp8', 'fp4')
    """
    return "fp8" if precision == "fp4" and is_moe else precision


def native_precision(hw: Any) -> str:
    """The narrowest precision the accelerator runs natively (fp4 on Blackwell, fp8 on Hopper)."""
    for p in ("fp4", "fp8", "bf16"):
        if hw.supports(p):
            return str(p)
    return "bf16"


def resolve_precision(precision: str, hw: Any) -> str:
    """``"native"`` -> :func:`native_precision` of ``hw``; any other precision unchanged."""
    return native_precision(hw) if precision == "native" else precision


def math_precision(precision: str, hw: Any) -> str:
    """The precision the tensor cores compute in: FP4 weights on hardware without FP4 tensor
    units run weight-only (W4A16: dequantized to BF16 in the GEMM; TensorRT-LLM's Hopper
    default for MXFP4 checkpoints is ``W4A16_MXFP4``, tech blog 9; vLLM Marlin the same).

    >>> class H100:
    ...     def supports(self, p): return p in ("fp8", "bf16")
    >>> math_precision("fp4", H100()), math_precision("fp8", H100())
    ('bf16', 'fp8')
    """
    return "bf16" if precision == "fp4" and not hw.supports("fp4") else precision


def emulation_note(precision: str, hw: Any) -> str:
    """A sentence when ``precision`` is emulated on ``hw`` (FP4 without FP4 tensor cores),
    else ``""``: the weights take 4.5 bits in memory but the math runs in BF16."""
    if math_precision(precision, hw) == precision:
        return ""
    hw_id = getattr(hw, "id", "this accelerator")
    return (f"{precision} on {hw_id} is emulated: it has no FP4 tensor cores, so weights are "
            "stored in FP4 (4.5 bits, less memory and bandwidth) and the math runs in BF16 "
            "(W4A16 weight-only, TensorRT-LLM's Hopper path for MXFP4 checkpoints); no FP4 "
            "compute speed-up")
