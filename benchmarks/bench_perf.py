"""Speed of the inference engine, and a ratio against llm-analysis on the same configurations.

Run: ``python benchmarks/bench_perf.py`` (one core: ``taskset -c 0`` if available).
Prints figures and ratios; it asserts nothing (targets are in docs/perf.md):

* full frontier of one model on one system over all layouts x batch sizes x precisions
  (target <= 100 ms);
* ``validate`` of every public row (258: validation/public + measured_extra) with 80 %
  intervals, in sample and under leave-one-round-out cross-validation (target <= 10 s on one
  core), with the medians and coverage it reaches;
* operating points evaluated per second in a sweep (target >= 1e6 /s);
* llm-analysis (PyPI ``llm-analysis``, ``pip install tokenfab[bench]``) timed on the same
  (tp, pp, batch, precision) grid for a dense model (it has no continuous batching,
  disaggregation, MLA or p99 model, so it evaluates a subset of what we do per point);
* a cross-check of one decode-step latency against llm-analysis;
* a per-operator cross-check of the MoE / MLA terms against NVIDIA's measured TensorRT-LLM
  kernel tables shipped with ``aiconfigurator`` (PyPI, optional; read only here, never by
  the engine): fused-MoE layer time and absorbed-MLA decode kernel time for DeepSeek-R1.
"""

from __future__ import annotations

import os
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from tokenfab.catalog import load_catalog  # noqa: E402
from tokenfab.perf import pareto  # noqa: E402
from tokenfab.perf.calibration import calibration_for  # noqa: E402
from tokenfab.perf.engine import Workload, evaluate  # noqa: E402
from tokenfab.perf.model_costs import model_costs  # noqa: E402
from tokenfab.perf.parallelism import enumerate_layouts  # noqa: E402


def best_time(fn, repeat: int = 7) -> float:
    fn()  # warm-up
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return min(ts)


def validate_speed() -> None:
    from tokenfab.perf.fit import PUBLIC_FILES
    from tokenfab.perf.validate import prepare, score

    files = [p for p in PUBLIC_FILES if p.exists()]
    if not files:
        print("\n(validation/public not present: validate timing skipped)")
        return
    print("\n== validate with 80 % intervals (one sweep per row; CPU time on one core) ==")
    c0, w0 = time.process_time(), time.perf_counter()
    cases, skipped = prepare(files)
    res = score(cases, skipped)
    c1, w1 = time.process_time(), time.perf_counter()
    cv = score(cases, skipped, cv="round")
    c2 = time.process_time()
    print(f"{len(cases)} rows: sweep + score in sample {c1 - c0:.2f} s CPU ({w1 - w0:.2f} s wall)"
          f"; + leave-one-round-out refits {c2 - c1:.2f} s CPU (target <= 10 s)")
    print(f"  in sample median |error| {res.median_abs_pct_error:.1f}%, coverage_80 "
          f"{res.coverage_80:.0%}; held out by round {cv.median_abs_pct_error:.1f}%, "
          f"coverage_80 {cv.coverage_80:.0%}")


def main() -> None:
    cat = load_catalog()
    print("== frontier: all layouts x batches x precisions (x aggregated/disaggregated) ==")
    for model, hw, count in [("llama3.1-70b", "h100-sxm", 8), ("llama3.1-70b", "b200", None),
                             ("deepseek-r1", "gb200-nvl72", 72),
                             ("deepseek-r1", "gb200-nvl72", None),  # + MTP variants
                             ("gpt-oss-120b", "b200", None),
                             ("gpt-moe-1.8t", "h100-sxm", None)]:
        t = best_time(lambda m=model, h=hw, c=count: pareto(m, h, c, catalog=cat))
        n = len(pareto(model, hw, count, catalog=cat).to_frame())
        print(f"{model:14s} on {hw:12s} count={count!s:5s}: {t * 1e3:6.1f} ms "
              f"({n} frontier points; target <= 100 ms)")

    validate_speed()

    print("\n== operating points per second (engine.evaluate, NumPy only) ==")
    m = cat.model("llama3.1-70b")
    hw = cat.hardware("gb200-nvl72")
    mc = model_costs(m)
    cal = calibration_for(hw.family)
    lay = enumerate_layouts(mc, hw, 512)
    wl = Workload(1024.0, 1024.0, 2.0, 0.1)
    res = evaluate(mc, hw, cal, "fp4", lay, wl, 512)
    n_pts = len(res["per_acc"])
    t = best_time(lambda: evaluate(mc, hw, cal, "fp4", lay, wl, 512))
    print(f"{len(lay)} layouts x {n_pts // max(len(lay), 1)} batch/mode points = {n_pts} points in "
          f"{t * 1e3:.1f} ms -> {n_pts / t:,.0f} points/s (target >= 1e6/s)")

    aiconfigurator_crosscheck(cat)

    print("\n== llm-analysis on the same dense grid (tp, pp, batch, precision), gpt-j-6b ==")
    try:
        from llm_analysis.analysis import LLMAnalysis
        from llm_analysis.config import (
            DtypeConfig,
            GPUConfig,
            ModelConfig,
            ParallelismConfig,
        )
    except ImportError:
        print("llm-analysis not installed (pip install 'tokenfab[bench]'): skipped")
        return
    # llm-analysis asserts ffn_dim % hidden_dim == 0, which Llama (3.5x) fails: use GPT-J-6B
    m = cat.model("gpt-j-6b")
    hw = cat.hardware("h100-sxm")
    mc = model_costs(m)
    lay = enumerate_layouts(mc, hw, 8)
    cal = calibration_for(hw.family)
    wl = Workload(1024.0, 1024.0)
    ours = best_time(lambda: [evaluate(mc, hw, cal, p, lay, wl, 8, ("aggregated",))
                              for p in ("fp8", "bf16")])
    res = [evaluate(mc, hw, cal, p, lay, wl, 8, ("aggregated",)) for p in ("fp8", "bf16")]
    grid = [(int(tp), int(pp), int(b), p) for p, r in zip(("fp8", "bf16"), res, strict=True)
            for tp, pp, b in zip(r["tp"], r["pp"], r["batch"], strict=True)]
    mcfg = ModelConfig(name=m.id, num_layers=m.layers, n_head=m.attention_heads,
                       hidden_dim=m.hidden_size, vocab_size=m.vocab_size,
                       max_seq_len=m.max_context_tokens, num_key_value_heads=m.kv_heads,
                       ffn_embed_dim=m.ffn_intermediate_size, model_type="gptj")
    gcfg = GPUConfig(name=hw.id, mem_per_GPU_in_GB=hw.hbm_capacity_bytes / 1e9,
                     hbm_bandwidth_in_GB_per_sec=hw.hbm_bw_bytes_per_s / 1e9,
                     intra_node_bandwidth_in_GB_per_sec=hw.scaleup_bw_bytes_per_s_unidir / 1e9,
                     intra_node_min_message_latency=8e-6,
                     peak_fp16_TFLOPS=hw.bf16_dense_flops_per_s / 1e12,
                     peak_i8_TFLOPS=hw.fp8_dense_flops_per_s / 1e12,
                     inter_node_bandwidth_in_GB_per_sec=hw.scaleout_bw_bytes_per_s_unidir / 1e9)
    dt = {"fp8": DtypeConfig(name="w8a8e16", weight_bits=8, activation_bits=8,
                             embedding_bits=16),
          "bf16": DtypeConfig(name="w16a16e16", weight_bits=16, activation_bits=16,
                              embedding_bits=16)}
    sample = grid[:: max(1, len(grid) // 150)]
    ok = 0
    import contextlib
    import io
    import logging

    logging.disable(logging.CRITICAL)
    t0 = time.perf_counter()
    for tp, pp, b, p in sample:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            try:
                la = LLMAnalysis(mcfg, gcfg, dt[p], ParallelismConfig(tp_size=tp, pp_size=pp),
                                 flops_efficiency=0.62, hbm_memory_efficiency=0.85)
                la.inference(batch_size_per_gpu=max(1, b // (tp * pp)), seq_len=1024,
                             num_tokens_to_generate=1024)
                ok += 1
            except Exception:  # llm-analysis rejects configs that do not fit
                pass
    t_la = (time.perf_counter() - t0) / len(sample) * len(grid)
    print(f"same grid: {len(grid)} (tp, pp, batch, precision) points; ours {ours * 1e3:.1f} ms "
          f"(with TTFT/TPOT p99 and serving model), llm-analysis ~{t_la * 1e3:,.0f} ms "
          f"(timed {len(sample)} points, {ok} evaluated, extrapolated) -> ratio "
          f"{t_la / ours:,.0f}x")

    print(f"\n== cross-check: decode step, {m.id} BF16, TP8, batch 1, 1024 context ==")
    from tokenfab.perf.engine import stage_time
    from tokenfab.perf.parallelism import Layouts

    one = Layouts(np.array([8.0]), np.array([1.0]), np.array([1.0]))
    st = stage_time(mc, hw, cal, "bf16", one, np.array([1.0]),
                    np.array([mc.decode_attn_flops(1024.0)]), np.array([1.0]), 1024.0)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        la = LLMAnalysis(mcfg, gcfg, dt["bf16"], ParallelismConfig(tp_size=8),
                         flops_efficiency=0.62, hbm_memory_efficiency=0.85)
        s = la.inference(batch_size_per_gpu=1, seq_len=1024, num_tokens_to_generate=64)
    ll = s.get("decode_latency", 0.0)  # per generated token
    print(f"tokenfab {st.total[0] * 1e3:.2f} ms/token (memory {st.memory[0] * 1e3:.2f}, comm "
          f"{st.comm[0] * 1e3:.2f}, overhead {st.overhead[0] * 1e3:.2f}); llm-analysis "
          f"{ll * 1e3:.2f} ms/token (roofline + TP comm; no launch/step overheads, which are "
          "1.5 ms + 10 us/layer in ours)")


def aiconfigurator_crosscheck(cat) -> None:
    """Ours vs measured TRT-LLM kernels (aiconfigurator 0.12 tables), DeepSeek-R1 shapes."""
    print("\n== cross-check vs measured TRT-LLM kernels (aiconfigurator tables), DeepSeek-R1 ==")
    try:
        import glob
        from dataclasses import replace

        import aiconfigurator_core
        import pandas as pd
    except ImportError:
        print("aiconfigurator not installed (pip install aiconfigurator): skipped")
        return
    from tokenfab.perf.engine import stage_time
    from tokenfab.perf.parallelism import Layouts

    root = os.path.join(os.path.dirname(aiconfigurator_core.__file__), "systems", "data")
    m = cat.model("deepseek-r1")
    mc = model_costs(m)
    # isolate the routed-expert term: no dense weights, no attention
    mc_e = replace(mc, matmul_params_dense=0.0, head_params=0.0, attn_flops_decode_per_ctx=0.0,
                   kv_elems_per_token=0.0)
    for system, hw_id, dtype, prec in [("b200_sxm", "b200", "nvfp4", "fp4"),
                                       ("gb200", "gb200-nvl72", "nvfp4", "fp4"),
                                       ("h200_sxm", "h200-sxm", "fp8_block", "fp8")]:
        files = sorted(glob.glob(os.path.join(root, system, "moe", "trtllm", "*",
                                              "moe_perf.parquet")))
        df = None
        for f in reversed(files):
            d = pd.read_parquet(f)
            d = d[(d.hidden_size == 7168) & (d.inter_size == 2048) & (d.num_experts == 256)
                  & (d.topk == 8) & (d.moe_tp_size == 1) & (d.moe_dtype == dtype)]
            if len(d):
                df = d
                break
        if df is None:
            print(f"{system}: no DeepSeek MoE table")
            continue
        hw = cat.hardware(hw_id)
        cal = calibration_for(hw.family, layer_overhead_s=0.0, step_overhead_s=0.0)
        out = []
        for ep in (8, 32):
            for tokens in (256, 2048, 8192):
                q = df[(df.moe_ep_size == ep) & (df.num_tokens == tokens)]
                if q.empty:
                    continue
                meas = {dist: q[q.distribution == dist].latency.min() * 1e-3
                        for dist in ("balanced", "power_law_1.01")}
                lay = Layouts(np.array([1.0]), np.array([1.0]), np.array([float(ep)]))
                st = stage_time(mc_e, hw, cal, prec, lay, np.array([tokens / ep]),
                                np.array([0.0]), np.array([0.0]), 0.0)
                ours = (st.compute[0] + st.memory[0]) / mc.moe_layers
                out.append(f"EP{ep} T={tokens}: ours {ours * 1e6:.0f} us vs measured "
                           f"{meas['balanced'] * 1e6:.0f} (balanced) / "
                           f"{meas['power_law_1.01'] * 1e6:.0f} (skewed)")
        print(f"{system} {dtype} fused MoE per layer: " + "; ".join(out))
        # absorbed-MLA decode kernel, 128 heads, batch 512
        fm = sorted(glob.glob(os.path.join(root, system, "mla", "trtllm", "*",
                                           "generation_mla_perf.parquet")))
        if not fm:
            continue
        g = pd.read_parquet(fm[-1])
        g = g[(g.num_heads == 128) & (g.batch_size == 512) & (g.kv_cache_dtype == "fp8")]
        cal0 = calibration_for(hw.family)
        rows = []
        for step in (1023, 4095):
            r = g[g.step == step]
            if r.empty:
                continue
            ctx = step + 1.0
            flops = 512 * 2 * 128 * (2 * 512 + 64) * ctx
            p = "fp8" if cal0.mla_math_fp8 else "bf16"
            ours = flops / (hw.peak_flops_per_s(p) * cal0.mla_attn_eff * ctx
                            / (ctx + cal0.mla_ctx_half_tokens))
            rows.append(f"ctx {int(ctx)}: ours {ours * 1e6:.0f} us vs measured "
                        f"{r.latency.min() * 1e3:.0f} us")
        print(f"{system} MLA decode kernel (batch 512, one layer): " + "; ".join(rows))


if __name__ == "__main__":
    main()
