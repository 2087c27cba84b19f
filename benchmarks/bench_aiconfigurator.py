"""tokenfab and NVIDIA aiconfigurator on the same public MLPerf rows: both median errors.

Run: ``pip install -e ".[bench]"`` then ``python benchmarks/bench_aiconfigurator.py
[--max-configs N] [--workers 2] [--score-only]``. aiconfigurator (PyPI ``aiconfigurator``, 0.12) runs on the
CPU: it searches TensorRT-LLM configurations against NVIDIA's measured kernel tables (its
"perf database", shipped in the wheel) and needs no GPU. It takes ~25-35 s per
(system, model, workload, GPU count, latency limits) configuration, so results are cached in
``benchmarks/.cache/aiconfigurator.json`` (delete it to rerun).

Which rows: NVIDIA systems it has tables for (H100, H200, B200, B300, GB200, GB300) and models
whose served precision it can represent with a checkpoint it ships a config for:

* DeepSeek-R1 FP4 -> ``nvidia/DeepSeek-V3.1-NVFP4`` (same architecture: 61 layers, MLA, 256
  routed experts; V3.1 is the post-trained R1/V3 successor);
* gpt-oss-120b FP4 -> ``openai/gpt-oss-120b`` (MXFP4 experts, as served);
* llama2-70b FP8 -> ``nvidia/Llama-3.1-70B-Instruct-FP8`` (same shape: 80 layers, d 8192,
  GQA 8, FFN 28672; the vocabulary differs, 128k vs 32k: a <1 % difference in FLOPs).

Other rows (Llama FP4, Llama 3.1 8B/405B FP8, Mixtral FP8: aiconfigurator ships only BF16
configs for them; AMD and Gaudi: no tables) are not scored by it. Each row: aggregated
and disaggregated serving both searched (``serving-mode auto`` picks the better),
the row's accelerator count (blank: 8, or 72 on an NVL72), p99 TTFT / TPOT limits from the
row (offline: none), the row's input / output means; aiconfigurator's best tokens/s per GPU
is compared with the measured value. tokenfab is scored held out (leave-one-round-out) and in
sample on the same rows. Prints both medians; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FILES = [ROOT / "validation" / "public" / "measured_inference.csv",
         ROOT / "validation" / "public" / "mlperf_v6_0.csv"]
CACHE = ROOT / "benchmarks" / ".cache" / "aiconfigurator.json"
SYSTEMS = {"h100-sxm": "h100_sxm", "h200-sxm": "h200_sxm", "b200": "b200_sxm",
           "b300": "b300_sxm", "gb200-nvl72": "gb200", "gb300-nvl72": "gb300"}
MODELS = {("deepseek-r1", "fp4"): "nvidia/DeepSeek-V3.1-NVFP4",
          ("gpt-oss-120b", "fp4"): "openai/gpt-oss-120b",
          ("llama2-70b", "fp8"): "nvidia/Llama-3.1-70B-Instruct-FP8"}
#: aiconfigurator needs limits: offline rows get limits no run reaches
NO_LIMIT_TTFT_MS, NO_LIMIT_TPOT_MS = 1.0e7, 1.0e5


def _num(row: dict[str, str], key: str) -> float | None:
    v = (row.get(key) or "").strip()
    return float(v) if v else None


def rows() -> list[dict[str, object]]:
    out = []
    for f in FILES:
        if not f.exists():
            continue
        with f.open(newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                hw, model = r["accelerator_id"].strip(), r["model_id"].strip()
                prec = (r.get("precision") or "").strip().lower() or (
                    "fp4" if hw.startswith(("b", "gb")) else "fp8")
                if hw not in SYSTEMS or (model, prec) not in MODELS:
                    continue
                if not (r.get("round") or "").startswith("MLPerf"):
                    continue
                n = _num(r, "num_accelerators")
                count = int(n) if n else (72 if "nvl72" in hw else 8)
                scen = r["scenario"].strip()
                ttft, tpot = _num(r, "ttft_p99_max_s"), _num(r, "tpot_p99_max_s")
                inter = _num(r, "interactivity_min_tokens_per_s_per_user")
                if inter:
                    tpot = min(tpot or math.inf, 1.0 / inter)
                per_acc = r["metric"].strip() == "output_tokens_per_s_per_accelerator"
                meas = float(r["value"]) if per_acc else float(r["value"]) / count
                out.append({"id": r["id"], "file": f.name, "system": SYSTEMS[hw],
                            "hf": MODELS[(model, prec)], "model": model, "hw": hw,
                            "count": count, "scenario": scen,
                            "isl": int(round(float(r["input_tokens_mean"]))),
                            "osl": int(round(float(r["output_tokens_mean"]))),
                            "ttft_ms": NO_LIMIT_TTFT_MS if scen == "offline" or ttft is None
                            else 1e3 * ttft,
                            "tpot_ms": NO_LIMIT_TPOT_MS if scen == "offline" or tpot is None
                            else 1e3 * tpot,
                            "measured_per_acc": meas})
    return out


def key(r: dict[str, object]) -> str:
    return "|".join(str(r[k]) for k in ("system", "hf", "count", "isl", "osl", "ttft_ms",
                                        "tpot_ms"))


def run_aic(r: dict[str, object]) -> dict[str, object]:
    """Best tokens/s per GPU of aiconfigurator under the row's conditions (or an error)."""
    exe = shutil.which("aiconfigurator")
    if exe is None:
        return {"error": "aiconfigurator not installed (pip install -e '.[bench]')"}
    with tempfile.TemporaryDirectory() as d:
        cmd = [exe, "cli", "default", "--model-path", str(r["hf"]), "--total-gpus",
               str(r["count"]), "--system", str(r["system"]), "--backend", "trtllm",
               "--isl", str(r["isl"]), "--osl", str(r["osl"]), "--ttft", f"{r['ttft_ms']:g}",
               "--tpot", f"{r['tpot_ms']:g}", "--serving-mode", "auto", "--no-color",
               "--log-level", "ERROR", "--save-dir", d]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        best = None
        for f in Path(d).rglob("best_config_topn.csv"):
            with f.open(newline="") as fh:
                for row in csv.DictReader(fh):
                    v = float(row.get("tokens/s/gpu_cluster") or row["tokens/s/gpu"])
                    best = v if best is None else max(best, v)
        if best is None:
            tail = (p.stderr or p.stdout).strip().splitlines()[-3:]
            return {"error": " / ".join(tail)[:300] or f"exit {p.returncode}"}
        return {"per_acc": best}


def tokenfab_scores() -> dict[str, dict[str, float]]:
    from tokenfab.perf.validate import prepare, score

    cases, _ = prepare([f for f in FILES if f.exists()])
    out: dict[str, dict[str, float]] = {}
    for label, cv in (("held out by round", "round"), ("in sample", None)):
        for r in score(cases, cv=cv).rows:
            out.setdefault(f"{r['file']}|{r['id']}", {})[label] = float(r["error_pct"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-configs", type=int, default=0, help="0: all")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--score-only", action="store_true",
                    help="score the cached configurations only (run none)")
    a = ap.parse_args(argv)
    rs = rows()
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    todo = sorted({key(r) for r in rs} - set(cache))
    if a.max_configs:
        todo = todo[: a.max_configs]
    if a.score_only:
        todo = []
    by_key = {key(r): r for r in rs}
    print(f"{len(rs)} rows aiconfigurator can represent; {len({key(r) for r in rs})} "
          f"configurations, {len(todo)} to run (~30 s each)", flush=True)

    def one(k: str) -> tuple[str, dict[str, object]]:
        return k, run_aic(by_key[k])

    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=max(a.workers, 1)) as ex:
        for i, (k, res) in enumerate(ex.map(one, todo), 1):
            cache[k] = res
            CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True))
            print(f"  [{i}/{len(todo)}] {k}: {res}", flush=True)
    tf = tokenfab_scores()
    both = []
    for r in rs:
        res = cache.get(key(r), {})
        if "per_acc" not in res:
            continue
        e_aic = 100.0 * (float(res["per_acc"]) - float(r["measured_per_acc"])) \
            / float(r["measured_per_acc"])
        t = tf.get(f"{r['file']}|{r['id']}")
        if t is None:
            continue
        both.append((r, e_aic, t))
    if not both:
        print("no row scored by both (see errors above)")
        return 0
    print(f"\n== {len(both)} rows scored by both (median |error|) ==")
    print(f"  aiconfigurator 0.12 (TensorRT-LLM kernel tables): "
          f"{np.median([abs(e) for _, e, _ in both]):.1f} %")
    for label in ("held out by round", "in sample"):
        print(f"  tokenfab, {label}: {np.median([abs(t[label]) for _, _, t in both]):.1f} %")
    print("\n  by model:  rows  aiconfigurator  tokenfab held out")
    for m in sorted({str(r['model']) for r, _, _ in both}):
        sel = [(e, t) for r, e, t in both if r["model"] == m]
        print(f"  {m:14s} {len(sel):4d}  {np.median([abs(e) for e, _ in sel]):13.1f} %"
              f"  {np.median([abs(t['held out by round']) for _, t in sel]):15.1f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
