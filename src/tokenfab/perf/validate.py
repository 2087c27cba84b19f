"""Predict every row of a measured-results CSV under the row's conditions and score the error.

The CSV format is that of ``shared/validation/measured_inference.csv`` (its README defines
the columns). The measured ``value`` is read only to compute the error *after* the
prediction; it never enters the prediction.

Row -> prediction:

* ``offline``: throughput-max, no latency limit;
* ``server`` / ``interactive``: the row's p99 TTFT / TPOT limits (checked against the
  engine's modelled p99, see :mod:`tokenfab.perf.calibration`), and the interactivity floor
  when the row gives one;
* ``num_accelerators`` blank: the engine chooses the deployment size (per-accelerator
  metric); otherwise exactly that many accelerators;
* ``precision`` blank: the family's usual MLPerf choice (Blackwell/CDNA4 FP4, else FP8);
* speculative decoding with the model's MTP module only when the row's own description of
  the system (``system_description`` / ``notes``) says the measured system used MTP or
  speculative decoding; otherwise without (NVIDIA's MLPerf v6.0 write-up names MTP for the
  new DeepSeek-R1 interactive scenario, not for offline or server).
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.errors import TokenfabError
from tokenfab.perf.serving import predict

__all__ = ["validate", "REQUIRED_COLUMNS", "METRICS"]

REQUIRED_COLUMNS = ("id", "accelerator_id", "model_id", "scenario", "input_tokens_mean",
                    "output_tokens_mean", "metric", "value")
METRICS = {"output_tokens_per_s": "output_tokens_per_s",
           "output_tokens_per_s_per_accelerator": "output_tokens_per_s_per_accelerator"}
SCENARIOS = ("offline", "server", "interactive")
_DEFAULT_PRECISION = {"blackwell": "fp4", "rubin": "fp4", "cdna4": "fp4"}
#: spellings seen in submissions -> engine precision (same bytes per weight)
_PRECISION_ALIASES = {"nvfp4": "fp4", "mxfp4": "fp4", "fp16": "bf16", "float16": "bf16",
                      "int8": "fp8", "w8a8": "fp8", "e4m3": "fp8", "mxfp8": "fp8"}


#: words in a row's system description that mean the measured system decoded speculatively
_SPECULATIVE = re.compile(r"\bmtp\b|multi-token prediction|speculative|\beagle")


def _num(row: dict[str, str], key: str) -> float | None:
    raw = (row.get(key) or "").strip()
    if not raw:
        return None
    v = float(raw)
    if not math.isfinite(v):
        raise ValueError(f"{key} is not finite")
    return v


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """Rows of the CSV as dicts; raises :class:`TokenfabError` on a missing file or column."""
    p = Path(path)
    try:
        with open(p, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
            cols = reader.fieldnames or []
    except FileNotFoundError:
        raise TokenfabError("file not found", file=str(p), field="--data") from None
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise TokenfabError(f"cannot read CSV: {e}", file=str(p), field="--data") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise TokenfabError(f"missing column(s) {', '.join(missing)}; the format is that of "
                            "measured_inference.csv (see its README)", file=str(p))
    return rows


def _row_prediction(row: dict[str, str], cat: Catalog) -> tuple[float | None, str, dict[str, Any]]:
    """(predicted value or None, skip reason, details)."""
    scen = (row.get("scenario") or "").strip().lower()
    if scen not in SCENARIOS:
        return None, f"scenario {scen!r} not one of {', '.join(SCENARIOS)}", {}
    metric = (row.get("metric") or "").strip()
    if metric not in METRICS:
        return None, f"metric {metric!r} not one of {', '.join(METRICS)}", {}
    hw_id, model_id = row["accelerator_id"].strip(), row["model_id"].strip()
    if hw_id not in cat.hardware_ids:
        return None, f"accelerator {hw_id!r} not in the catalog", {}
    if model_id not in cat.model_ids:
        return None, f"model {model_id!r} not in the catalog", {}
    try:
        n_in, n_out = _num(row, "input_tokens_mean"), _num(row, "output_tokens_mean")
        n = _num(row, "num_accelerators")
        ttft = _num(row, "ttft_p99_max_s")
        tpot = _num(row, "tpot_p99_max_s")
        inter = _num(row, "interactivity_min_tokens_per_s_per_user")
    except ValueError as e:
        return None, f"bad number: {e}", {}
    if n_in is None or n_out is None or n_in <= 0 or n_out <= 0:
        return None, "input_tokens_mean / output_tokens_mean missing or not > 0", {}
    if n is not None and (n < 1 or n != int(n)):
        return None, f"num_accelerators {n!r} is not a whole number >= 1", {}
    if metric == "output_tokens_per_s" and n is None:
        return None, "metric output_tokens_per_s needs num_accelerators", {}
    hw = cat.hardware(hw_id)
    # blank precision: the family's usual MLPerf choice (README of the validation data)
    prec = (row.get("precision") or "").strip().lower() or _DEFAULT_PRECISION.get(hw.family,
                                                                                  "fp8")
    prec = _PRECISION_ALIASES.get(prec, prec)
    if prec not in ("fp4", "fp8", "bf16"):
        return None, f"precision {prec!r} not one of fp4, fp8, bf16", {}
    if scen == "offline":
        ttft = tpot = inter = None
    text = f"{row.get('system_description') or ''} {row.get('notes') or ''}".lower()
    spec = bool(_SPECULATIVE.search(text))
    try:
        pr = predict(model_id, hw_id, int(n) if n else None, precision=prec, input_tokens=n_in,
                     output_tokens=n_out, ttft_max_s=ttft, tpot_max_s=tpot,
                     interactivity_min=inter, catalog=cat, mtp=spec)
    except TokenfabError as e:
        return None, f"no prediction: {e}", {}
    except Exception as e:  # a bug on one row must not hide the other rows' scores
        return None, f"internal error ({type(e).__name__}: {e}); please report", {}
    val = getattr(pr, METRICS[metric])
    return float(val), "", {"config": pr.config, "bottleneck": pr.bottleneck,
                            "tpot_s": pr.tpot_s, "ttft_s": pr.ttft_s}


def validate(path: str | Path, catalog: Catalog | None = None,
             progress: Any = None) -> dict[str, Any]:
    """Score the engine on a measured-results CSV.

    Returns
    -------
    dict
        ``rows`` (``id``, ``family``, ``accelerator_id``, ``model_id``, ``scenario``,
        ``predicted``, ``measured``, ``error_pct`` = ``100 (pred - meas) / meas``, ``config``),
        ``median_abs_pct_error`` (overall), ``by_family`` (median abs % error per hardware
        family), ``skipped`` (``id`` and ``reason``).
    """
    cat = catalog or load_catalog()
    rows = read_rows(path)
    out_rows: list[dict[str, Any]] = []
    skipped: list[dict[str, str]] = []
    for r in rows:
        rid = (r.get("id") or "").strip() or f"row{len(out_rows) + len(skipped) + 1}"
        pred, reason, info = _row_prediction(r, cat)
        if progress is not None:
            progress()
        if pred is None:
            skipped.append({"id": rid, "reason": reason})
            continue
        try:
            meas = float(r["value"])
        except ValueError:
            skipped.append({"id": rid, "reason": f"value {r['value']!r} is not a number"})
            continue
        if not math.isfinite(meas) or meas <= 0:
            skipped.append({"id": rid, "reason": f"value {r['value']!r} is not > 0"})
            continue
        hw = cat.hardware(r["accelerator_id"].strip())
        fam = (r.get("family") or "").strip() or hw.family
        out_rows.append({
            "id": rid, "family": fam, "accelerator_id": hw.id,
            "model_id": r["model_id"].strip(), "scenario": r["scenario"].strip().lower(),
            "round": (r.get("round") or "").strip(),
            "predicted": pred, "measured": meas,
            "error_pct": 100.0 * (pred - meas) / meas, **info,
        })
    errs = np.array([abs(x["error_pct"]) for x in out_rows])
    by_fam: dict[str, float] = {}
    for fam in sorted({x["family"] for x in out_rows}):
        by_fam[fam] = float(np.median([abs(x["error_pct"]) for x in out_rows
                                       if x["family"] == fam]))
    return {
        "rows": out_rows,
        "median_abs_pct_error": float(np.median(errs)) if errs.size else 0.0,
        "by_family": by_fam,
        "skipped": skipped,
        "n_scored": len(out_rows),
    }
