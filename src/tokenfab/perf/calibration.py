"""Calibration constants: few, global per hardware family, each with its justification.

The engine multiplies datasheet peaks by *achievable fractions* (never folded into the
catalog: aiconfigurator convention, peaks and derates are separate fields) and adds fixed
per-step costs. None of these is fitted per measured row; the software era they represent is
**MLPerf Inference v5.0/v5.1 (2025), TensorRT-LLM 0.17-1.0 / vLLM 0.8-0.10 / ROCm 6.3-7**.
Older rounds (v4.0/v4.1, 2024) ran the same hardware 20-50 % slower; the validation report
shows that drift instead of hiding it.

Where each number comes from (details and links in ``docs/perf.md``):

* ``compute_eff``: achieved / dense peak of large GEMMs in serving kernels. Hopper FP8
  cuBLASLt/TRT-LLM GEMMs reach ~1,300-1,500 of 1,979 TFLOP/s (65-75 %); served end to end
  (attention, norms, quantization, sampling at lower efficiency) MLPerf v5.x llama2-70b
  offline implies ~50 % model-FLOP utilization on H100/H200. Blackwell: FP4 GEMMs at the
  1,000-1,200 W power cap sustain well below the 9-10 PFLOP/s datasheet (clock throttling;
  NVFP4 block-scale overhead), and the non-GEMM work runs at FP8/BF16 rates, so the
  end-to-end fraction of the FP4 peak is lower (``fp4_compute_eff``). CDNA3: MI300X GEMM
  microbenchmarks reach ~45-55 % of the FP8 datasheet peak (SemiAnalysis MI300X vs H100
  training study, Dec 2024; chipsandcheese MI300X testing). Gaudi: Intel's Gaudi 2 MME
  sustains ~70-80 % of peak BF16/FP8 on large GEMMs (Habana docs, Gaudi 2 white paper), but
  the SynapseAI 1.14 serving stack of MLPerf v4.0 was far less mature.
* ``mem_eff``: achieved / peak HBM bandwidth for streaming reads: 80-90 % on H100/H200/B200
  (NVIDIA nvbandwidth / babelstream results), ~70-80 % on MI300X (chipsandcheese: ~4.0-4.3 of
  5.3 TB/s), ~75 % on Gaudi 2.
* ``scaleup_eff`` / ``scaleout_eff``: NCCL all-reduce bus bandwidth / link bandwidth, ~0.8
  on NVLink (nccl-tests on DGX H100: ~360-370 GB/s busbw of 450), ~0.7-0.8 on InfiniBand
  400G (~40-45 of 50 GB/s), ~0.6 on xGMI (RCCL on MI300X).
* ``collective_latency_s``: fixed cost of one small-message collective: ~8-15 us for
  NVLink one-shot all-reduce (TRT-LLM custom all-reduce / NCCL LL protocol), ~15-25 us over
  xGMI/RoCE; ``scaleout_latency_s`` ~20-30 us for an InfiniBand collective.
* ``layer_overhead_s``: per-layer, per-step fixed cost (kernel launches and tails, ~8-12
  kernels per layer at ~1.5-3 us even with CUDA graphs); ``step_overhead_s``: per-step
  scheduler, sampling and host sync (~1-3 ms in TRT-LLM/vLLM at large batch).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from tokenfab.errors import TokenfabError

__all__ = ["Calibration", "CALIBRATION", "SERVING", "ServingConstants", "calibration_for"]


@dataclass(frozen=True, slots=True)
class Calibration:
    """Achievable fractions of datasheet peaks and fixed costs of one hardware family.

    Attributes
    ----------
    compute_eff : float
        Achieved / dense peak FLOP/s at FP8 and BF16 [-].
    fp4_compute_eff : float
        Achieved / dense peak FP4 FLOP/s (end to end, non-GEMM work included) [-].
    mem_eff : float
        Achieved / peak HBM bandwidth [-].
    scaleup_eff, scaleout_eff : float
        Achieved / peak per-accelerator scale-up and scale-out bandwidth [-].
    collective_latency_s : float
        Fixed cost of one collective inside the scale-up domain [s].
    scaleout_latency_s : float
        Fixed cost of one collective that crosses the scale-out network [s].
    layer_overhead_s : float
        Fixed cost per layer per step (launches, kernel tails) [s].
    step_overhead_s : float
        Fixed cost per step (scheduling, sampling, host sync) [s].
    gemm_m_half_tokens : float
        GEMM rows at which a GEMM reaches half its large-size efficiency,
        ``eta(M) = M / (M + M_half)``; set by the tensor-core MMA tile height: Hopper
        ``wgmma`` M=64 per warp group (128-row CTA tiles), Blackwell ``tcgen05.mma`` M=128
        (256 with 2-CTA pairs), CDNA MFMA tiles 64-128 (CUTLASS / CK tile shapes) [tokens].
    static_shape_padding : float
        Work multiplier of graph-compiled stacks that pad sequences and batches to static
        bucket shapes (Habana TGI-gaudi ``PAD_SEQUENCE_TO_MULTIPLE_OF=128`` and batch
        buckets; XLA/JetStream and Neuron bucketing); 1 for CUDA/HIP eager kernels with
        paged attention [-].
    software_era : str
        Which software generation the constants represent.
    mla_attn_eff : float
        Largest achieved / peak FLOP/s of the absorbed-MLA decode attention kernel (long
        contexts, large batches) [-]. FlashMLA: 660 TFLOP/s on H800 SXM5 against a 989 TFLOP/s
        dense BF16 peak = 0.67 (deepseek-ai/FlashMLA README and "A Deep-Dive Into the New Flash
        MLA Kernel", 2025-04-22). Measured (kernel microbenchmark).
    mla_ctx_half_tokens : float
        Context at which the MLA decode kernel reaches half of ``mla_attn_eff``:
        ``eta_mla(c) = mla_attn_eff * c / (c + c_half)`` (per-sequence fixed work: split-KV
        combine, Q load, softmax). Fitted to NVIDIA's measured TensorRT-LLM MLA generation
        kernel tables shipped in ``aiconfigurator`` 0.12 (``systems/data/*/mla/trtllm/
        1.3.0rc20/generation_mla_perf.parquet``, 128 heads, batch 512, contexts 1k-8k):
        H200 BF16 math 443 -> 633 TFLOP/s gives ``c_half = 535`` and a 674 TFLOP/s
        (0.68) asymptote, consistent with FlashMLA; B200 FP8 math 1,188 -> 2,525 TFLOP/s
        gives ``c_half = 1,570`` and a 0.67 asymptote of the FP8 peak. Other families:
        1,000, an estimate [tokens].
    mla_math_fp8 : bool
        Whether absorbed-MLA decode math runs at the FP8 rate with an FP8 KV cache
        (TensorRT-LLM on Blackwell: "FP8 KV cache and FP8 attention", TRT-LLM tech blog 3,
        2025) or at the BF16 rate (FlashMLA and TRT-LLM on Hopper: BF16 math, an FP8 KV
        cache is dequantized) [-].
    watts_per_pflops : float
        Board power per FP8-equivalent PFLOP/s at full boost clocks, the power-cap model of
        :mod:`tokenfab.perf.power` (0: no cap). Estimates: Hopper 350 (H100/H200 run FP8 GEMMs
        at their 700 W limit), Blackwell 222 (B200 at its 1,000 W limit at the 9 PFLOP/s FP4
        peak; B300/GB300, 1.5x the FP4 peak for +10-17 % power, are capped), CDNA3 370 (MI300X
        throttles to ~0.78 of its 2.1 GHz peak clock at 750 W; MI325X, the same die at
        1,000 W, does not: AMD MLPerf v6.0 llama2-70b offline 33,880 vs 27,072-27,599 tok/s
        on 8 GPUs, the evidence this value was set with), CDNA4 280 (MI355X at 1,400 W
        unthrottled); Rubin 0 (a new process node: no basis to cap it) [W/(PFLOP/s)].
    software_speed : float
        Speed of the serving software relative to the constants above: divides every step
        time. Set per date by :mod:`tokenfab.perf.era` (``software_date``) [-].
    """

    compute_eff: float
    fp4_compute_eff: float
    mem_eff: float
    scaleup_eff: float
    scaleout_eff: float
    collective_latency_s: float
    scaleout_latency_s: float
    layer_overhead_s: float
    step_overhead_s: float
    gemm_m_half_tokens: float
    software_era: str
    static_shape_padding: float = 1.0
    mla_attn_eff: float = 0.67
    mla_ctx_half_tokens: float = 1000.0
    mla_math_fp8: bool = False
    watts_per_pflops: float = 0.0
    software_speed: float = 1.0

    def compute_efficiency(self, precision: str) -> float:
        """The compute fraction for ``precision`` (``fp4`` has its own)."""
        return self.fp4_compute_eff if precision == "fp4" else self.compute_eff


_NV_2025 = "MLPerf Inference v5.0/v5.1 (2025), TensorRT-LLM"

#: one entry per hardware family (keys = catalog ``family`` values)
CALIBRATION: dict[str, Calibration] = {
    "hopper": Calibration(0.62, 0.62, 0.85, 0.80, 0.75, 10e-6, 25e-6, 10e-6, 1.5e-3, 128.0, _NV_2025,
                          mla_ctx_half_tokens=535.0, watts_per_pflops=350.0),
    "blackwell": Calibration(0.62, 0.43, 0.85, 0.80, 0.75, 10e-6, 25e-6, 8e-6, 1.5e-3, 256.0, _NV_2025,
                             mla_ctx_half_tokens=1570.0, mla_math_fp8=True,
                             watts_per_pflops=222.0),
    "rubin": Calibration(0.62, 0.43, 0.85, 0.80, 0.75, 10e-6, 25e-6, 8e-6, 1.5e-3, 256.0,
                         "assumed equal to Blackwell (no measurements: not shipping)",
                         mla_ctx_half_tokens=1570.0, mla_math_fp8=True),
    "cdna3": Calibration(0.50, 0.50, 0.81, 0.60, 0.70, 20e-6, 30e-6, 12e-6, 2.0e-3, 128.0,
                         "MLPerf v4.1/v5.1 (2024-2025), vLLM/ROCm 6.x", watts_per_pflops=370.0),
    "cdna4": Calibration(0.50, 0.35, 0.81, 0.60, 0.70, 20e-6, 30e-6, 12e-6, 2.0e-3, 128.0,
                         "MLPerf v5.1 (2025), vLLM/ROCm 7 (open division)", watts_per_pflops=280.0),
    "gaudi": Calibration(0.45, 0.45, 0.70, 0.60, 0.70, 25e-6, 35e-6, 15e-6, 3.0e-3, 128.0,
                         "MLPerf v4.0 (2024), SynapseAI 1.14 / TGI-gaudi", 1.3),
    "tpu": Calibration(0.55, 0.55, 0.80, 0.70, 0.70, 15e-6, 30e-6, 10e-6, 2.0e-3, 128.0,
                       "estimate: no LLM measurement in the validation set", 1.15),
    "trainium": Calibration(0.50, 0.50, 0.75, 0.70, 0.70, 20e-6, 35e-6, 12e-6, 2.0e-3, 128.0,
                            "estimate: no LLM measurement in the validation set", 1.15),
}


@dataclass(frozen=True, slots=True)
class ServingConstants:
    """Global serving constants (not per family): memory reserve, batching and tail latency.

    Attributes
    ----------
    memory_reserve_frac : float
        Share of HBM not available to weights + KV (activations, workspaces, CUDA graphs,
        fragmentation). vLLM's default ``gpu_memory_utilization = 0.9``
        (https://docs.vllm.ai/en/latest/configuration/engine_args.html) [-].
    prefill_chunk_tokens : float
        Tokens batched into one prefill step (TensorRT-LLM ``max_num_tokens`` default 8192,
        https://nvidia.github.io/TensorRT-LLM/performance/performance-tuning-guide/) [tokens].
    input_p99_over_mean : float
        p99 / mean prompt length used for the p99 TTFT. Median over the MLPerf datasets of
        ``p99/mean``: llama2-70b 3.56, mixtral 3.65, llama3.1-405b 2.01, llama3.1-8b 2.43,
        deepseek-r1 1.78 (the MLPerf Inference datasets' prompt lengths,
        https://github.com/mlcommons/inference) [-].
    service_cv2 : float
        Squared coefficient of variation of prefill service time (prompt length) for the
        Kingman M/G/1 waiting time; MLPerf prompt-length CVs are ~0.5-1.0 [-].
    tpot_p99_over_mean : float
        Residual p99 / mean of a request's TPOT from batch-composition and context-length
        jitter, on top of the modelled prefill-stall spread [-]. Estimate.
    tail_z : float
        Standard-normal 99th percentile, 2.326, for Poisson counts (normal approximation).
    moe_gemm_rel_eff : float
        Grouped (MoE) GEMM efficiency relative to a dense GEMM of the same size, including
        routing, permutation and un-permutation kernels. MegaBlocks (Gale et al. 2023,
        arXiv:2211.15841) and vLLM fused-MoE benchmarks report 60-75 % [-]. Estimate.
    gemm_min_rows : float
        Smallest effective GEMM tile height: small-batch kernels (TensorRT-LLM / CUTLASS
        swap-AB and GEMV paths, N-tiles of 8-16) waste at most ~16 rows, so
        ``eta(M) = (M + 16) / (M + M_half)`` and a batch-1 GEMM remains bandwidth-bound [rows].
    output_cv2 : float
        Squared coefficient of variation of output lengths of variable-length request mixes
        (ignored for fixed-length synthetic requests, ``input_p99_over_mean = 1``). Sets the
        mean context of the in-flight sequences by length-biased sampling (a request holds
        its KV slot for as many steps as it generates; inspection paradox):
        ``c = I + E[O^2] / (2 E[O]) = I + O (1 + cv^2) / 2``. 1 = exponential-like,
        long-tailed outputs (reasoning traces: DeepSeek-R1 MLPerf set, mean 3.7k, cap 20k,
        "pronounced long-tail distribution", TensorRT-LLM tech blog 10). Estimate [-].
    kernels_dense_layer, kernels_moe_extra, kernels_mla_extra : float
        Kernels launched per layer: a dense GQA decoder layer ~10 (QKV GEMM, RoPE, attention,
        O-proj, 2 norms/residuals, gate-up GEMM, activation, down GEMM, all-reduce); a routed
        MoE FFN adds ~8 (router GEMM, top-k, token permute + quantize, two grouped GEMMs and
        the activation, finalize/un-permute, dispatch and combine); MLA adds ~6 (fused
        Q/KV down-projection, Q and KV norms, Q up-projection, RoPE + FP8 quantize, the two
        absorbed BMMs). Read off the DeepSeek-R1 dataflows of TensorRT-LLM tech blogs 1 and 3
        (which also note Top-K alone was 18 PyTorch ops before fusion). The per-layer
        overhead ``o_layer`` (calibrated on dense layers) scales with their ratio. Estimate.
    mtp_draft_tokens : float
        Draft tokens per step when a model's MTP module is used for speculative decoding
        (one MTP module, DeepSeek-V3 style) [tokens].
    mtp_acceptance : float
        Acceptance rate of an MTP draft token: "between 85% and 90%" for the second token,
        1.8x tokens per second (DeepSeek-V3 technical report, arXiv:2412.19437, sec. 5.4.3).
        Measured (lower end) [-].
    mtp_acceptance_by_position : tuple of float
        Conditional acceptance of the i-th MTP draft token given the earlier ones were
        accepted: the first is ``mtp_acceptance``; each further draft conditions on more
        guessed context, so the rate falls (DeepSeek-V3 reports only the first; TensorRT-LLM
        runs DeepSeek-R1 with up to 3 MTP draft tokens, tech blog 2). Estimate beyond the
        first [-].
    seq_overhead_s : float
        Host time per sequence per decode step (scheduling, input preparation, sampling,
        detokenization) that the GPU waits for without overlap. SGLang's "zero-overhead
        batch scheduler" (v0.4 blog, 2024-12-04) and vLLM V1 (blog, 2025-01-27) were written
        because this CPU work left GPUs idle for small models at large batch: a few us per
        sequence (2 us: 1,000 sequences add 2 ms to a step). Estimate [s].
    act_bytes_per_hidden : float
        HBM bytes of element-wise activation traffic per token, per layer, per unit of hidden
        size ``d`` (:func:`tokenfab.perf.engine._activation_time`). Counted from a fused
        decoder layer's dataflow (TensorRT-LLM: norm + quantize, RoPE, residual + norm fused):
        BF16 outputs of the QKV (~1.5 d), O (d), gate/up (2 x 3.5 d for Llama's f = 3.5 d) and
        down (d) GEMMs are written and read once more by the next kernel, plus the
        norms/residuals: ~ 2 B x 2 x 12 d = 48 d bytes. Estimate [B].
    ep_load_imbalance : float
        Busiest / mean expert-parallel rank load from the router's skew (DeepSeek-V3 tech.
        report on EPLB; 1.1-1.4 without redundant experts); the engine adds the statistical
        excess of the busiest rank in small steps (:func:`tokenfab.perf.engine.ep_imbalance`)
        [-]. Estimate.
    """

    memory_reserve_frac: float = 0.10
    moe_gemm_rel_eff: float = 0.65
    gemm_min_rows: float = 16.0
    ep_load_imbalance: float = 1.2
    output_cv2: float = 1.0
    kernels_dense_layer: float = 10.0
    kernels_moe_extra: float = 8.0
    kernels_mla_extra: float = 6.0
    mtp_draft_tokens: float = 1.0
    mtp_acceptance: float = 0.85
    mtp_acceptance_by_position: tuple[float, ...] = (0.85, 0.75, 0.65, 0.55)
    seq_overhead_s: float = 2.0e-6
    act_bytes_per_hidden: float = 48.0
    prefill_chunk_tokens: float = 8192.0
    input_p99_over_mean: float = 2.43
    service_cv2: float = 0.5
    tpot_p99_over_mean: float = 1.05
    tail_z: float = 2.326


SERVING = ServingConstants()


def calibration_for(family: str, **overrides: float) -> Calibration:
    """The calibration of ``family`` (unknown families raise), with optional overrides.

    Parameters
    ----------
    family : str
        Hardware family of the accelerator (``hopper``, ``blackwell``, ...).
    **overrides : float
        Field values to replace (what-if studies, sensitivity).
    """
    try:
        cal = CALIBRATION[family]
    except KeyError:
        raise TokenfabError(f"no calibration for hardware family {family!r}",
                            field="family", value=family,
                            allowed=", ".join(sorted(CALIBRATION))) from None
    names = {f.name for f in fields(Calibration)}
    bad = set(overrides) - names
    if bad:
        raise TokenfabError(f"unknown calibration field(s) {sorted(bad)}",
                            allowed=", ".join(sorted(names)))
    return replace(cal, **overrides) if overrides else cal  # type: ignore[arg-type]  # float fields only: names checked above
