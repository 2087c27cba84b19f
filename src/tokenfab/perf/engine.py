"""Vectorized evaluation of every operating point (layout x batch x precision x serving mode).

Step time of one pipeline stage on one accelerator, for ``T`` tokens of one microbatch::

    t_stage = sum over g in {dense GEMMs, routed-expert GEMMs, attention} of
                  max(F_g / (P eta_c eta_g(M)), bytes_g / (BW eta_m))
              + t_allreduce(TP) + t_alltoall(EP) + t_p2p(PP) + L/pp * o_layer + o_step / pp

with the GEMM size efficiency ``eta_g(M) = (M + M_min) / (M + M_half)`` (rows per GEMM; tile and
wave quantization, Calculon-style size-dependent efficiency; ``M_min`` rows are the smallest
tile of the small-batch swap-AB / GEMV kernels, so a batch-1 GEMM stays bandwidth-bound), a relative efficiency and a load
imbalance for grouped expert GEMMs (:class:`~tokenfab.perf.calibration.ServingConstants`).

Continuous batching (aggregated prefill + decode on one replica, Orca/vLLM style; Yu et al.,
OSDI'22; Kwon et al., SOSP'23). With ``B`` sequences per microbatch decoding at
``R_d = B / t_dec`` tokens/s and prefills batched into chunks of ``C`` tokens occupying the
replica ``t_occ = t_pre(C) * I / C`` per request, a fraction ``rho = lambda * t_occ`` of the
time goes to prefill, and Little's law gives the arrival rate the batch sustains::

    lambda = R_d / (O + R_d * t_occ);   X = lambda * O;   TPOT = pp * t_dec / (1 - rho)

The p99 over requests of their mean TPOT adds the Poisson spread of the number of prefill
chunks ``n = rho * O * TPOT / t_chunk`` that stall a request:
``TPOT_99 = (TPOT + z_99 * sqrt(n) * t_chunk / O) * j`` (``z_99 = 2.33``, ``j`` a small
batch-jitter factor).

TTFT: prefill latency ``S`` plus an M/G/1 wait ``W`` of the prefill queue (Kingman's formula
for the mean, exponential tail for the p99); the p99 of the sum combines the two excesses over
their means in quadrature (independent, roughly Gaussian-tailed sum)::

    E[W] = rho / (1 - rho) * (1 + cv^2) / 2 * t_occ;   W_99 = E[W] / rho * ln(100 rho)
    TTFT_99 = E[S] + E[W] + sqrt((S_99 - E[S])^2 + (W_99 - E[W])^2)

Disaggregated serving (Splitwise, Patel et al., ISCA'24; DistServe, Zhong et al., OSDI'24):
decode pool at ``x_d`` tokens/s per accelerator without prefill interference, prefill pool
costing ``g = n_p * t_occ / rho_p`` accelerator-seconds per request at the highest
utilization ``rho_p`` meeting the TTFT bound; per accelerator ``O / (O / x_d + g)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tokenfab.catalog.schema import Accelerator
from tokenfab.perf.calibration import SERVING, Calibration
from tokenfab.perf.model_costs import ModelCosts, experts_touched
from tokenfab.perf.parallelism import (
    Layouts,
    kv_bytes_per_sequence,
    usable_memory_bytes,
    weight_bytes_per_accelerator,
)
from tokenfab.perf.power import sustained_fraction
from tokenfab.perf.precision import KV_BYTES, WEIGHT_BYTES, dense_precision, math_precision
from tokenfab.perf.roofline import allreduce_time, alltoall_time, link_bandwidth

__all__ = ["Workload", "stage_time", "evaluate", "in_flight_context", "N_BATCH",
           "adp_stalled_share", "adp_arrival_rate", "adp_balance_wait"]

#: batch sizes evaluated per layout (geometric grid from 1 to the largest that fits)
N_BATCH = 48
_RHO_GRID = np.linspace(0.02, 0.98, 49)


@dataclass(frozen=True, slots=True)
class Workload:
    """Request shape and service-level limits.

    Attributes
    ----------
    input_tokens, output_tokens : float
        Mean prompt and generated tokens per request [tokens].
    ttft_max_s, tpot_max_s : float or None
        p99 limits on time to first token and time per output token [s].
    interactivity_min : float or None
        Minimum mean decode speed per user [tokens/s].
    input_p99_over_mean : float or None
        p99 / mean prompt length of the request mix; None: the global MLPerf-like default
        (:class:`~tokenfab.perf.calibration.ServingConstants`); 1: fixed-length prompts
        (synthetic benchmarks), which also makes prefill service deterministic (M/D/1).
    """

    input_tokens: float
    output_tokens: float
    ttft_max_s: float | None = None
    tpot_max_s: float | None = None
    interactivity_min: float | None = None
    input_p99_over_mean: float | None = None
    prefix_cache_hit: float = 0.0


def peak_sustained(hw: Accelerator, cal: Calibration, precision: str) -> float:
    """Dense peak FLOP/s at ``precision`` the accelerator sustains under its power limit
    (:func:`tokenfab.perf.power.sustained_fraction`) [FLOP/s]."""
    peak = hw.peak_flops_per_s(precision)
    return peak * sustained_fraction(hw.tdp_w, peak, precision, cal.watts_per_pflops)


def ep_imbalance(ep: np.ndarray, routed_per_rank: np.ndarray) -> np.ndarray:
    """Busiest / mean expert-parallel rank load in one step [-].

    A learned router's skew (``ServingConstants.ep_load_imbalance``) times the statistical
    excess of the busiest of ``n = ep`` ranks when each receives a binomial share of
    ``mu`` routed token copies on average: ``1 + sqrt(2 ln n) sqrt((1 - 1/n) / mu)`` (the
    expected maximum of ``n`` near-normal counts, Gumbel limit). Small steps (latency-bound
    server and interactive runs of large MoE models) wait for their busiest rank; large
    offline steps average out.

    >>> round(float(ep_imbalance(np.array(8.0), np.array(64.0))), 3)
    1.486
    """
    n = np.maximum(np.asarray(ep, dtype=float), 1.0)
    mu = np.maximum(np.asarray(routed_per_rank, dtype=float), 1.0)
    excess = np.sqrt(2.0 * np.log(n)) * np.sqrt((1.0 - 1.0 / n) / mu)
    return np.where(n > 1, SERVING.ep_load_imbalance * (1.0 + excess), 1.0)


def mtp_tokens_per_step(draft_tokens: int) -> float:
    """Expected tokens a sequence emits per verify step with ``n`` MTP draft tokens:
    ``1 + sum_i prod_{j <= i} a_j`` (a draft is kept only if every earlier one was; ``a_j``
    = ``ServingConstants.mtp_acceptance_by_position``; Leviathan et al. 2023,
    arXiv:2211.17192, eq. 1 with per-position rates).

    >>> mtp_tokens_per_step(1), round(mtp_tokens_per_step(3), 4)
    (1.85, 2.9019)
    """
    acc = SERVING.mtp_acceptance_by_position
    out, run = 1.0, 1.0
    for i in range(int(draft_tokens)):
        run *= acc[min(i, len(acc) - 1)]
        out += run
    return out


@dataclass(frozen=True, slots=True)
class StageTime:
    """Components of one stage step [s] (arrays).

    ``compute`` sums the operator groups that are compute-bound, ``memory`` those that are
    bandwidth-bound (per-operator roofline, as GenZ / LLM-Viewer do: kernels run one after
    another, so their rooflines add rather than overlap).
    """

    compute: np.ndarray
    memory: np.ndarray
    comm: np.ndarray
    overhead: np.ndarray

    @property
    def total(self) -> np.ndarray:
        out: np.ndarray = self.compute + self.memory + self.comm + self.overhead
        return out


def stage_time(mc: ModelCosts, hw: Accelerator, cal: Calibration, precision: str,
               lay: Layouts, tokens: np.ndarray, attn_flops: np.ndarray,
               kv_sequences: np.ndarray, kv_context: float,
               phase: str = "decode") -> StageTime:
    """Time of one microbatch step through one pipeline stage on one accelerator.

    Parameters
    ----------
    mc : ModelCosts
        Model quantities.
    hw : Accelerator
        Peak FLOP/s, HBM bandwidth, scale-up/out bandwidths and domain size.
    cal : Calibration
        Achievable fractions and fixed costs of the family.
    precision : str
        Weight/activation precision (``fp4``, ``fp8``, ``bf16``); KV cache FP8 unless BF16.
    lay : Layouts
        Layout arrays (``tp``, ``pp``, ``ep``), broadcastable against ``tokens``.
    tokens : ndarray
        Tokens of the microbatch on one attention replica [tokens].
    attn_flops : ndarray
        Attention-core FLOPs of the microbatch on its attention replica [FLOP]
        (:meth:`ModelCosts.decode_attn_flops` / :meth:`ModelCosts.prefill_attn_flops`).
    kv_sequences : ndarray
        Sequences whose KV cache is read in the step [-].
    kv_context : float
        Mean context of those sequences [tokens].
    phase : str
        ``decode`` or ``prefill``. MLA decode runs the absorbed-MLA kernel at
        ``P_mla * eta_mla * c / (c + c_half)`` (:class:`~tokenfab.perf.calibration.Calibration`
        fields ``mla_*``: FlashMLA and measured TensorRT-LLM kernel rates); prefill and
        GQA/MHA attention run at ``P_attn * eta_c``.

    Returns
    -------
    StageTime
        ``compute``, ``memory``, ``comm`` and ``overhead`` [s]; ``total`` combines them
        (module docstring).
    """
    tp, pp, ep = lay.tp, lay.pp, lay.ep
    n = tp * pp
    attn_prec = "bf16" if precision == "bf16" else "fp8"
    # FP4 weights on hardware without FP4 tensor units run weight-only (W4A16: MXFP4 ->
    # BF16 math; TensorRT-LLM's Hopper default for MXFP4 checkpoints, vLLM Marlin/Triton)
    p_math = math_precision(precision, hw)
    peak_w = peak_sustained(hw, cal, p_math) * cal.compute_efficiency(p_math)
    p_dense = dense_precision(precision, mc.is_moe)
    peak_d = peak_sustained(hw, cal, p_dense) * cal.compute_efficiency(p_dense)
    if mc.is_mla and phase == "decode":
        mla_prec = "fp8" if cal.mla_math_fp8 and precision != "bf16" else "bf16"
        c_eff = max(float(mc.effective_context(kv_context)), 1.0)
        peak_a = (peak_sustained(hw, cal, mla_prec) * cal.mla_attn_eff
                  * c_eff / (c_eff + cal.mla_ctx_half_tokens))
    else:
        peak_a = peak_sustained(hw, cal, attn_prec) * cal.compute_eff
    bw = hw.hbm_bw_bytes_per_s * cal.mem_eff
    b_w = WEIGHT_BYTES[precision]
    b_d = WEIGHT_BYTES[p_dense]
    t = np.asarray(tokens, dtype=float)
    m_half = cal.gemm_m_half_tokens
    m_min = SERVING.gemm_min_rows
    # dense GEMMs (attention projections, dense FFN, shared experts, LM head)
    f_dense = t * 2.0 * mc.matmul_params_dense / n
    w_dense = ((mc.matmul_params_dense - mc.head_params) * b_d
               + mc.head_params * max(b_d, 2.0)) / n
    c_dense = f_dense / (peak_d * (t + m_min) / (t + m_half))
    m_dense = w_dense / bw
    # routed experts: tokens of the expert group spread over the experts they touch
    if mc.is_moe:
        ad = np.maximum(ep / tp, 1.0)
        routed = t * ad * mc.top_k
        touched = experts_touched(t * ad, mc.experts, mc.top_k)
        m_tok = routed / np.maximum(touched, 1e-9)  # GEMM rows per touched expert
        eff_e = SERVING.moe_gemm_rel_eff * (m_tok + m_min) / (m_tok + m_half)
        # the busiest rank sets the step: its token copies carry the router skew and the
        # statistical excess of small steps; its weight reads only the skew (a rank reads
        # each of its experts once however many tokens it gets)
        imb_c = ep_imbalance(ep, routed / np.maximum(ep, 1.0))
        imb_m = np.where(ep > 1, SERVING.ep_load_imbalance, 1.0)
        c_exp = imb_c * t * mc.top_k * 2.0 * mc.expert_params / n / (peak_w * eff_e)
        m_exp = imb_m * touched * mc.expert_params * b_w / (np.maximum(ep, 1.0) * pp) / bw
    else:
        c_exp = m_exp = 0.0
    # attention core: FLOPs against the context, KV-cache reads
    c_att = np.asarray(attn_flops, dtype=float) / n / peak_a
    m_att = np.asarray(kv_sequences, dtype=float) \
        * kv_bytes_per_sequence(mc, tp, kv_context, precision) / bw
    pad = cal.static_shape_padding
    c_dense, c_exp, c_att, m_att = c_dense * pad, c_exp * pad, c_att * pad, m_att * pad
    # grouped expert GEMMs overlap weight streaming and tile math only partly (each expert's
    # weights are used once, by a few padded row tiles): their time is the 2-norm of the
    # compute and memory times, between the roofline max and the sum. NVIDIA's measured
    # TensorRT-LLM fused-MoE tables (aiconfigurator 0.12, B200 NVFP4 DeepSeek shape, EP8,
    # 256 tokens: 153 us measured vs 152 us 2-norm, 116 us max) and gpt-oss W4A8 (78 us vs
    # 64 us 2-norm, 56 us max)
    t_exp = np.hypot(c_exp, m_exp)
    t_c = (np.where(c_dense >= m_dense, c_dense, 0.0) + np.where(c_exp >= m_exp, t_exp, 0.0)
           + np.where(c_att >= m_att, c_att, 0.0))
    t_m = (np.where(c_dense >= m_dense, 0.0, m_dense) + np.where(c_exp >= m_exp, 0.0, t_exp)
           + np.where(c_att >= m_att, 0.0, m_att)
           + _activation_time(mc, t, tp, pp, bw) * pad)

    domain = hw.scaleup_domain_size
    su = hw.scaleup_bw_bytes_per_s_unidir * cal.scaleup_eff
    so = hw.scaleout_bw_bytes_per_s_unidir * cal.scaleout_eff
    layers = mc.layers / pp
    act = t * mc.hidden * 2.0  # BF16 activations
    lat_tp = np.where(tp <= domain, cal.collective_latency_s, cal.scaleout_latency_s)
    t_ar = 2.0 * layers * allreduce_time(act, tp, link_bandwidth(tp, domain, su, so), lat_tp)
    if mc.is_moe:
        # dispatch (FP8 for quantized models) + combine (BF16) of k copies of each token
        disp = t * mc.top_k * mc.hidden * (min(b_w, 1.0) + 2.0) / tp
        lat_ep = np.where(ep <= domain, cal.collective_latency_s, cal.scaleout_latency_s)
        t_ep = (mc.moe_layers / pp) * alltoall_time(
            disp, ep, link_bandwidth(ep, domain, su, so), 2.0 * lat_ep)
    else:
        t_ep = 0.0
    span = pp * np.maximum(tp, ep)
    bw_pp = np.where(span <= domain, su, so)
    lat_pp = np.where(span <= domain, cal.collective_latency_s, cal.scaleout_latency_s)
    t_pp = np.where(pp > 1, act / bw_pp + lat_pp, 0.0)
    # per-layer fixed cost scales with the kernels a layer launches: o_layer is calibrated on
    # dense GQA layers (~10 kernels); a routed-MoE FFN and an MLA attention block add more
    # per-sequence host work of a step (scheduling, input preparation, sampling, detokenizing)
    # grows with the batch and is what makes small models slower than their roofline
    over = (layers * cal.layer_overhead_s * _kernel_factor(mc) + cal.step_overhead_s / pp
            + SERVING.seq_overhead_s * np.asarray(kv_sequences, dtype=float) / pp)
    comm = t_ar + t_ep + t_pp
    # the software era divides every step time (tokenfab.perf.era)
    k = 1.0 / cal.software_speed
    t_c, t_m, comm, over = t_c * k, t_m * k, comm * k, over * k
    shape = np.broadcast_shapes(np.shape(t_c), np.shape(t_m), np.shape(comm), np.shape(over))
    return StageTime(np.broadcast_to(t_c, shape), np.broadcast_to(t_m, shape),
                     np.broadcast_to(comm, shape), np.broadcast_to(over, shape))


def _activation_time(mc: ModelCosts, tokens: np.ndarray, tp: np.ndarray, pp: np.ndarray,
                     bw: float) -> np.ndarray:
    """Element-wise activation traffic of a step (norms, residual adds, RoPE, activation
    quantization, SwiGLU, GEMM outputs written and re-read): memory-bound kernels whose bytes
    scale with ``d`` per token and layer, not with the weights [s].

    ``t * d * (L / pp) * a / tp / BW`` with ``a`` = ``ServingConstants.act_bytes_per_hidden``.
    Relative to the GEMM work (``~24 d^2`` FLOP per token and layer) it falls as ``1/d``: it is
    what makes small models (d = 4,096) slower than their weights and FLOPs suggest.
    """
    out: np.ndarray = (np.asarray(tokens, dtype=float) * mc.hidden * (mc.layers / pp)
                       * SERVING.act_bytes_per_hidden / tp / bw)
    return out


def _kernel_factor(mc: ModelCosts) -> float:
    """Kernels per layer relative to a dense GQA layer (``ServingConstants.kernels_*``)."""
    k = SERVING.kernels_dense_layer
    extra = (SERVING.kernels_moe_extra * mc.moe_layers / mc.layers
             + (SERVING.kernels_mla_extra if mc.is_mla else 0.0))
    return (k + extra) / k


def adp_stalled_share(rho: np.ndarray, a_dp: np.ndarray, balanced: bool) -> np.ndarray:
    """Share of time a replica of ``a`` attention-DP ranks has its decode stalled by
    prefill, each rank prefilling a share ``rho`` of the time [-].

    Attention-DP ranks meet at every MoE layer, so a prefill chunk on any rank stalls every
    rank. Round-robin (each rank schedules its own prefills, independently): stalled
    whenever at least one rank prefills, ``1 - (1 - rho)^a`` (~ ``a rho`` for small
    ``rho``). ADP balance (TensorRT-LLM tech blog 10: contexts held until every rank has one,
    so all ranks prefill in the same iterations, at a measured balance ratio ``beta`` = mean /
    busiest rank tokens): ``rho / beta``.

    Hand check against blog 10 (8 GB200, DeepSeek-V3, DP8, round-robin 25,664 -> balanced
    34,140 tok/s = 1.33x): the throughput ratio ``(1 - rho / beta) / (1 - rho)^8`` is 1.33
    at ``rho`` = 0.04 (a 4 % prefill share: 803-token prompts among 3,653-token outputs).

    >>> round(float(adp_stalled_share(np.array(0.04), np.array(8.0), False)), 4)
    0.2786
    >>> round(float(adp_stalled_share(np.array(0.04), np.array(8.0), True)), 4)
    0.0456
    """
    a = np.maximum(np.asarray(a_dp, dtype=float), 1.0)
    r = np.clip(np.asarray(rho, dtype=float), 0.0, 1.0)
    out: np.ndarray
    if balanced:
        out = np.where(a > 1.0, np.minimum(r / SERVING.adp_balance_ratio, 1.0), r)
        return out
    out = 1.0 - (1.0 - r) ** a
    return out


def adp_arrival_rate(r_d: np.ndarray, n_out: float, t_occ: np.ndarray, a_dp: np.ndarray,
                     balanced: bool) -> np.ndarray:
    """Requests/s one rank sustains: the root of ``lam O = R_d (1 - rho_s(lam t_occ))``
    (decoding at ``R_d`` tokens/s whenever not stalled, :func:`adp_stalled_share`).
    Balanced: closed form ``R_d / (O + R_d t_occ / beta)``; round-robin: Newton steps from
    the linearised root ``R_d / (O + R_d t_occ a)``, which lies below it (the function is
    concave and increasing, so the steps approach the root from below) [1/s]."""
    a = np.maximum(np.asarray(a_dp, dtype=float), 1.0)
    if balanced:
        k = np.where(a > 1.0, 1.0 / SERVING.adp_balance_ratio, 1.0)
        out: np.ndarray = r_d / (n_out + r_d * t_occ * k)
        return out
    lam = r_d / (n_out + r_d * t_occ * a)
    for _ in range(4):
        rho = np.clip(lam * t_occ, 0.0, 1.0)
        f = lam * n_out - r_d * (1.0 - rho) ** a
        df = n_out + r_d * a * t_occ * (1.0 - rho) ** np.maximum(a - 1.0, 0.0)
        lam = lam - f / df
    return np.asarray(lam)


def adp_balance_wait(a_dp: np.ndarray, lam: np.ndarray, t_iter: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Extra TTFT of ADP balance: a context waits for the other ``a - 1`` ranks to receive
    one (requests dispatched in turn at ``a lam`` per second to the replica), at most
    ``timeout_iters`` iterations [s] (mean, p99).

    The ``a``-th arrival after a request is Erlang(``a - 1``, ``a lam``): the mean wait over
    the ``a`` positions in a round is ``(a - 1) / (2 a lam)``; the p99 of the longest,
    ``(a - 1 + z_99 sqrt(a - 1)) / (a lam)`` (normal approximation); both capped at
    ``timeout_iters * t_iter``.

    >>> [round(float(x), 3) for x in adp_balance_wait(np.array(8.0), np.array(10.0), np.array(0.05))]
    [0.044, 0.164]
    """
    a = np.maximum(np.asarray(a_dp, dtype=float), 1.0)
    rate = np.maximum(a * np.asarray(lam, dtype=float), 1e-12)
    cap = SERVING.adp_balance_timeout_iters * np.asarray(t_iter, dtype=float)
    mean = np.minimum((a - 1.0) / (2.0 * rate), cap)
    p99 = np.minimum((a - 1.0 + SERVING.tail_z * np.sqrt(a - 1.0)) / rate, cap)
    return mean, p99


def in_flight_context(wl: Workload) -> float:
    """Mean context of the in-flight sequences [tokens]: ``I + O (1 + cv^2) / 2``.

    Length-biased sampling: a request holds its KV slot for as many decode steps as it
    generates, so ``E[c] = I + E[O^2] / (2 E[O])``; ``cv^2`` of the output lengths is 0 for
    fixed-length requests and :attr:`ServingConstants.output_cv2` otherwise.
    """
    return float(wl.input_tokens) + float(wl.output_tokens) * (1.0 + _output_cv2(wl)) / 2.0


def _output_cv2(wl: Workload) -> float:
    """Squared CV of output lengths: 0 for fixed-length synthetic requests, else the global
    variable-length value (:attr:`ServingConstants.output_cv2`)."""
    fixed = wl.input_p99_over_mean is not None and wl.input_p99_over_mean <= 1.0
    return 0.0 if fixed else SERVING.output_cv2


def _wait(rho: np.ndarray, t_occ: np.ndarray, cv2: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean and p99 M/G/1 wait (Kingman; exponential tail with P(W>0) = rho) [s]."""
    rho = np.clip(rho, 0.0, 0.999)
    mean = rho / (1.0 - rho) * (1.0 + cv2) / 2.0 * t_occ
    p99 = np.where(rho > 0.01, mean / np.maximum(rho, 1e-9) * np.log(np.maximum(100.0 * rho, 1.0)),
                   0.0)
    return mean, p99


def _p99_sum(mean_a: np.ndarray, p99_a: np.ndarray, mean_b: np.ndarray,
             p99_b: np.ndarray) -> np.ndarray:
    """p99 of a sum of two independent delays: means plus excesses in quadrature [s]."""
    out: np.ndarray = mean_a + mean_b + np.hypot(p99_a - mean_a, p99_b - mean_b)
    return out


def _batch_grid(b_max: np.ndarray) -> np.ndarray:
    """(n_layouts, N_BATCH) geometric grid of microbatch sizes from 1 to ``b_max``."""
    f = np.linspace(0.0, 1.0, N_BATCH)[None, :]
    b = np.exp(np.log(np.maximum(b_max, 1.0))[:, None] * f)
    out: np.ndarray = np.maximum(np.floor(b), 1.0)
    return out


def evaluate(mc: ModelCosts, hw: Accelerator, cal: Calibration, precision: str,
             lay: Layouts, wl: Workload, count: int | None,
             modes: tuple[str, ...] = ("aggregated", "disaggregated"),
             mtp: bool = True, mtp_draft_tokens: int | None = None,
             adp: str = "both") -> dict[str, np.ndarray]:
    """All operating points of ``lay`` x batch sizes at one precision, flattened.

    Modes: ``aggregated`` (one replica does both; prefill chunks stall decoding, equations
    in the module docstring) and ``disaggregated`` (separate prefill / decode pools).

    Returns a dict of 1-D arrays (one entry per point): ``per_acc`` (output tokens/s per
    accelerator), ``total`` (tokens/s of the deployment), ``ttft_s``/``tpot_s`` (means),
    ``ttft_p99_s``/``tpot_p99_s``, ``tp``, ``pp``, ``ep``, ``dp``, ``batch`` (concurrent
    sequences per attention replica), ``count`` (accelerators), ``disagg`` (0/1),
    ``prefill_acc`` (accelerators in the prefill pool), components of the decode step and the
    memory breakdown per accelerator, ``mtp`` (draft tokens per step of MTP speculative
    decoding, 0 without; models with an MTP module are evaluated both ways when ``mtp``).
    Layouts whose weights do not fit are dropped. ``adp``: attention-DP schedulers of
    aggregated points (``adp_balance`` column): ``round_robin``; ``balanced`` (layouts with
    attention-DP ranks use ADP balance, which then dominates round-robin: more throughput at
    a lower TPOT; only without a TTFT limit); ``both`` (validation picks per row).
    """
    n_in, n_out = float(wl.input_tokens), float(wl.output_tokens)
    cap = usable_memory_bytes(hw)
    w = weight_bytes_per_accelerator(mc, lay, precision)
    # mean context of the in-flight sequences (paged KV), length-biased
    ctx_mem = in_flight_context(wl)
    kv_seq = kv_bytes_per_sequence(mc, lay, ctx_mem, precision)
    b_fit = np.floor((cap - w) / kv_seq)
    ok = b_fit >= 1
    if not ok.any():
        return {}
    lay, w, kv_seq, b_fit = lay.take(np.flatnonzero(ok)), w[ok], kv_seq[ok], b_fit[ok]
    nl = len(lay)
    col = Layouts(lay.tp[:, None], lay.pp[:, None], lay.ep[:, None])
    B = _batch_grid(b_fit)  # (nl, nb) sequences per microbatch
    n_att = col.tp * col.pp
    rep = np.maximum(col.tp, col.ep) * col.pp
    a_dec = mc.decode_attn_flops(ctx_mem)
    a_pre = mc.prefill_attn_flops(n_in)

    dec = stage_time(mc, hw, cal, precision, col, B, B * a_dec, B, ctx_mem)
    # decode variants: (draft tokens, step components, time per generated token)
    variants = [(0.0, dec, dec.total)]
    n_d = float(SERVING.mtp_draft_tokens if mtp_draft_tokens is None else mtp_draft_tokens)
    if mtp and mc.mtp_layers and n_d > 0:
        # MTP speculative decoding (DeepSeek-V3 report, arXiv:2412.19437 sec. 5.4.3): a
        # verify step runs (1 + n_d) tokens per sequence through the model (KV read once),
        # drafting runs the MTP module(s) n_d times (mtp_layers / L of a one-token step);
        # each step yields 1 + alpha n_d tokens per sequence
        ver = stage_time(mc, hw, cal, precision, col, B * (1.0 + n_d), B * (1.0 + n_d) * a_dec,
                         B, ctx_mem)
        t_step = ver.total + n_d * mc.mtp_layers / mc.layers * dec.total
        variants.append((n_d, ver, t_step / mtp_tokens_per_step(int(n_d))))
    C = max(SERVING.prefill_chunk_tokens, n_in)
    zeros = np.zeros((nl, 1))
    pre = stage_time(mc, hw, cal, precision, col, np.full((nl, 1), C), C * a_pre, zeros, 0.0,
                     phase="prefill")
    # prefix caching: a share h of the prompt is read from the KV cache instead of prefilled
    h = float(wl.prefix_cache_hit)
    t_occ = pre.total * (n_in * (1.0 - h) / C)  # stage occupancy per request
    fixed = wl.input_p99_over_mean is not None and wl.input_p99_over_mean <= 1.0
    in99 = (SERVING.input_p99_over_mean if wl.input_p99_over_mean is None
            else wl.input_p99_over_mean) * n_in
    cv2 = 0.0 if fixed else SERVING.service_cv2
    C99 = max(C, in99)
    pre99 = stage_time(mc, hw, cal, precision, col, np.full((nl, 1), C99),
                       C99 * mc.prefill_attn_flops(in99), zeros, 0.0, phase="prefill")
    # a prompt split in chunks of C tokens pipelines through the pp stages
    chunk = SERVING.prefill_chunk_tokens
    lat_pre = pre.total * (1.0 + (col.pp - 1.0) / max(n_in / chunk, 1.0)) * (1.0 - h)
    lat_pre99 = pre99.total * (1.0 + (col.pp - 1.0) / max(in99 / chunk, 1.0)) * (1.0 - h)

    out: dict[str, list[np.ndarray]] = {}
    shape = B.shape

    def emit(st: StageTime, per_acc: np.ndarray, mask: np.ndarray | None = None,
             **arrays: np.ndarray) -> None:
        if count:
            total, used = per_acc * count, np.full_like(per_acc, float(count))
        else:
            total, used = per_acc * rep, np.broadcast_to(rep, per_acc.shape)
        base = dict(per_acc=per_acc, total=total, count=used, dp=used / n_att, tp=col.tp,
                    pp=col.pp, ep=col.ep, batch=B * col.pp, t_compute=st.compute,
                    t_memory=st.memory, t_comm=st.comm, t_overhead=st.overhead,
                    mem_weights=w[:, None], mem_kv=B * kv_seq[:, None], disagg=np.zeros(1),
                    prefill_acc=np.zeros(1), rho=np.zeros(1), mtp=np.zeros(1),
                    prefill_size=np.zeros(1), adp_balance=np.zeros(1))
        base.update(arrays)
        for k, v in base.items():
            full = np.broadcast_to(v, per_acc.shape)
            out.setdefault(k, []).append(full[mask] if mask is not None else full.ravel())

    g = None
    if "disaggregated" in modes:
        # prefill pool: best layout (same candidates) at the highest utilization meeting TTFT
        g, ttft_mean, ttft99, n_p = _prefill_pool(mc, hw, lay, t_occ[:, 0], lat_pre[:, 0],
                                                  lat_pre99[:, 0], n_in, precision, cal, wl,
                                                  cv2)
    for n_d, st, t_dec in variants:
        r_d = B / t_dec  # tokens/s of one attention replica while decoding
        if "aggregated" in modes:
            # attention-DP ranks (a = ep / tp) meet at every MoE layer: a prefill chunk on any
            # rank stalls all a ranks. Two schedulers (adp_stalled_share): round-robin, each
            # rank's prefills scheduled independently; ADP balance, every rank's prefills
            # held to the same iterations
            a_dp = np.maximum(col.ep / col.tp, 1.0)
            # ADP balance holds contexts back (TTFT): TensorRT-LLM offers it for
            # throughput-oriented runs "where TTFT is not critical" (tech blog 10), so only
            # without a TTFT limit
            offer = wl.ttft_max_s is None and adp != "round_robin"
            multi = a_dp > 1.0  # layouts with ranks to balance
            # (uses ADP balance per layout, mask of the points emitted): "balanced" uses it
            # wherever there are ranks to balance (it dominates round-robin there);
            # "both" emits round-robin everywhere plus balanced where it differs
            schemes: list[tuple[np.ndarray, np.ndarray | None]] = [
                (multi if offer and adp == "balanced" else np.zeros_like(multi), None)]
            if offer and adp == "both" and multi.any():
                schemes.append((multi, np.broadcast_to(multi, B.shape)))
            for use_bal, keep in schemes:
                lam = np.where(use_bal, adp_arrival_rate(r_d, n_out, t_occ, a_dp, True),
                               adp_arrival_rate(r_d, n_out, t_occ, a_dp, False)) \
                    if use_bal.any() else adp_arrival_rate(r_d, n_out, t_occ, a_dp, False)
                rho = lam * t_occ
                rho_s = np.where(use_bal, adp_stalled_share(rho, a_dp, True),
                                 adp_stalled_share(rho, a_dp, False))  # decode stalled
                tpot = col.pp * t_dec / (1.0 - rho_s)
                # a request's own mean TPOT carries a Poisson number of prefill-chunk stalls
                stall = pre.total
                n_stalls = rho_s * n_out * tpot / stall
                tpot99 = (tpot + SERVING.tail_z * np.sqrt(n_stalls) * stall / n_out) \
                    * SERVING.tpot_p99_over_mean
                w_mean, w99 = _wait(rho, t_occ, cv2)
                b_mean, b99 = adp_balance_wait(a_dp, lam, col.pp * t_dec)
                b_mean, b99 = np.where(use_bal, b_mean, 0.0), np.where(use_bal, b99, 0.0)
                emit(st, lam * n_out / n_att, keep, tpot_s=tpot, tpot_p99_s=tpot99,
                     ttft_s=lat_pre + w_mean + b_mean,
                     ttft_p99_s=_p99_sum(lat_pre, lat_pre99, w_mean, w99) + b99,
                     rho=rho, mtp=np.full(1, n_d), adp_balance=use_bal.astype(float))

        if "disaggregated" in modes and g is not None:
            x_d = r_d / n_att  # decode tokens/s per decode accelerator
            tpot = col.pp * t_dec
            phi = (g / n_out) / (1.0 / x_d + g / n_out)  # share of accelerators prefilling
            if count:
                total, n_pre = _split(float(count), phi, n_p, rep, x_d, g, n_out)
                used = np.full_like(total, float(count))
            else:
                # open deployment: whole systems, whole prefill instances and decode replicas
                total = used = n_pre = np.zeros(1)
                best = np.full(shape, -1.0)
                for n_sys in _system_counts(hw, rep):
                    tot_k, pre_k = _split(n_sys, phi, n_p, rep, x_d, g, n_out)
                    better = tot_k / n_sys > best
                    best = np.where(better, tot_k / n_sys, best)
                    total = np.where(better, tot_k, total)
                    used = np.where(better, n_sys, used)
                    n_pre = np.where(better, pre_k, n_pre)
            per_acc = np.where(used > 0, total / np.maximum(used, 1.0), 0.0)
            emit(st, np.broadcast_to(per_acc, shape).copy(), tpot_s=tpot,
                 tpot_p99_s=tpot * SERVING.tpot_p99_over_mean, ttft_s=np.full(1, ttft_mean),
                 ttft_p99_s=np.full(1, ttft99), disagg=np.ones(1), prefill_acc=n_pre,
                 mtp=np.full(1, n_d), prefill_size=np.full(1, n_p))
            if not count:
                out["count"][-1] = np.broadcast_to(used, shape).ravel().copy()
                out["total"][-1] = np.broadcast_to(total, shape).ravel().copy()
                out["dp"][-1] = np.broadcast_to(rep / n_att, shape).ravel()
    return {k: np.concatenate(v) for k, v in out.items()}


def _split(n: float, phi: np.ndarray, n_p: float, rep: np.ndarray, x_d: np.ndarray,
           g: float, n_out: float) -> tuple[np.ndarray, np.ndarray]:
    """Best split of ``n`` accelerators into whole prefill instances of ``n_p`` and whole
    decode replicas of ``rep``: output tokens/s of the deployment and prefill accelerators.

    Tries the prefill-instance counts just below and above the ideal share ``phi n / n_p``
    (at least one); throughput is the slower pool, ``min(n_dec x_d, n_pre O / g)``.
    """
    ideal = phi * n / n_p
    best_tot = np.zeros(np.broadcast_shapes(np.shape(phi), np.shape(rep)))
    best_pre = np.zeros_like(best_tot)
    for k in (np.floor(ideal), np.ceil(ideal)):
        k = np.maximum(k, 1.0)
        n_pre = k * n_p
        n_dec = np.floor(np.maximum(n - n_pre, 0.0) / rep) * rep
        tot = np.where(n_dec >= rep, np.minimum(n_dec * x_d, n_pre / g * n_out), 0.0)
        better = tot > best_tot
        best_tot = np.where(better, tot, best_tot)
        best_pre = np.where(better, n_pre, best_pre)
    return best_tot, best_pre


def _system_counts(hw: Accelerator, rep: np.ndarray) -> list[float]:
    """Deployment sizes tried for an open disaggregated deployment: whole systems, from the
    smallest that holds a decode replica plus a prefill instance up to ``max(64, system)``
    accelerators or 4 systems, whichever is larger [accelerators]."""
    aps = max(int(hw.accelerators_per_system), 1)
    top = max(64, 4 * aps)
    return [float(k * aps) for k in range(1, top // aps + 1)]


def _prefill_pool(mc: ModelCosts, hw: Accelerator, lay: Layouts, t_occ: np.ndarray,
                  lat: np.ndarray, lat99: np.ndarray, n_in: float, precision: str,
                  cal: Calibration, wl: Workload, cv2: float
                  ) -> tuple[float | None, float, float, float]:
    """Cheapest prefill pool: accelerator-seconds per request, TTFT mean/p99, pool size."""
    n_p = lay.tp * lay.pp
    # KV hand-off to the decode pool over the scale-out network (all prefill ranks send)
    kv = n_in * mc.kv_bytes_per_token(KV_BYTES[precision])
    t_x = kv / (n_p * hw.scaleout_bw_bytes_per_s_unidir * cal.scaleout_eff) \
        + cal.scaleout_latency_s
    rho = _RHO_GRID[None, :]
    w_mean, w99 = _wait(rho, t_occ[:, None], cv2)
    ttft99 = _p99_sum(lat[:, None], lat99[:, None], w_mean, w99) + t_x[:, None]
    feasible = ttft99 <= wl.ttft_max_s if wl.ttft_max_s is not None \
        else np.ones_like(ttft99, dtype=bool)
    g = np.where(feasible, (n_p * t_occ)[:, None] / rho, np.inf)
    if not np.isfinite(g).any():
        return None, 0.0, 0.0, 0.0
    i, j = np.unravel_index(np.argmin(g), g.shape)
    return (float(g[i, j]), float(lat[i] + w_mean[i, j] + t_x[i]), float(ttft99[i, j]),
            float(n_p[i]))
