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
  new DeepSeek-R1 interactive scenario, not for offline or server);
* software era: the row's ``date`` (blank: the family's latest supported era,
  :mod:`tokenfab.perf.era`).

Each row's operating points are computed once at software speed 1 (:func:`sweep`); every step
time scales as ``1/s`` with the software speed ``s``, so a row's prediction at any ``s`` is
read off the same points (throughputs times ``s``, latencies over ``s``, the limits re-checked).
This is exact for aggregated serving and for rows without latency limits; disaggregated points
keep the prefill utilization chosen at ``s = 1``. It makes cross-validation and prediction
intervals cheap: one engine sweep per row.

Cross-validation (``cv`` = ``round``, ``submitter``, ``accelerator`` or ``model``): rows are
grouped by that key; for each group the software era (:func:`tokenfab.perf.era.fit_era`) is
fitted on the other groups' rows only and the group's rows are predicted with it. The held-out
errors and the share of measured values inside the held-out 80 % intervals (``coverage_80``)
are reported. Nothing else is fitted: the calibration constants are hand-set with sources.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.catalog.schema import Accelerator, ModelArch
from tokenfab.errors import TokenfabError
from tokenfab.perf.era import (
    ERA,
    NEUTRAL,
    EraFit,
    era_group,
    fit_era,
    format_date,
    parse_date,
    speed_range,
)
from tokenfab.perf.serving import (
    INTERVAL,
    _bottleneck,
    _slo_message,
    adp_balance_available,
    deployment,
    sweep,
)

__all__ = ["validate", "ValidationResult", "Case", "prepare", "fit_cases", "REQUIRED_COLUMNS",
           "METRICS", "CV_KEYS", "read_rows"]

REQUIRED_COLUMNS = ("id", "accelerator_id", "model_id", "scenario", "input_tokens_mean",
                    "output_tokens_mean", "metric", "value")
METRICS = {"output_tokens_per_s": "output_tokens_per_s",
           "output_tokens_per_s_per_accelerator": "output_tokens_per_s_per_accelerator"}
SCENARIOS = ("offline", "server", "interactive")
#: ``--cv`` keys -> the case attribute that groups the rows
CV_KEYS = {"round": "round", "submitter": "submitter", "accelerator": "accelerator_id",
           "model": "model_id"}
_DEFAULT_PRECISION = {"blackwell": "fp4", "rubin": "fp4", "cdna4": "fp4"}
#: spellings seen in submissions -> engine precision (same bytes per weight)
_PRECISION_ALIASES = {"nvfp4": "fp4", "mxfp4": "fp4", "fp16": "bf16", "float16": "bf16",
                      "int8": "fp8", "w8a8": "fp8", "e4m3": "fp8", "mxfp8": "fp8"}
#: words in a row's system description that mean the measured system decoded speculatively
_SPECULATIVE = re.compile(r"\bmtp\b|multi-token prediction|speculative|\beagle")
#: Gauss-Newton passes of the era fit (the prediction is not exactly proportional to the
#: speed on rows with latency limits)
FIT_PASSES = 2
#: scenarios in which the engine may choose MTP speculative decoding without the row saying so
MTP_SCENARIOS = ("interactive",)
#: rows the era is fitted on (the ``round`` column)
FIT_ROWS = re.compile(r"^MLPerf")
#: fit the model-maturity term (:meth:`tokenfab.perf.era.EraFit.maturity`). Off: tried under
#: cross-validation it raised the leave-one-round-out error from 15 % to 19 % (gpt-oss-120b
#: ran fast in its first MLPerf round while DeepSeek-R1 and Llama 3.1 405B ran slow in theirs)
MATURITY = False


#: the numeric cells of a row: (required, whole number, low, high, unit); low is inclusive,
#: except 0 (a limit must be > 0).
#: A cell outside them (or non-numeric, nan, inf) is refused with exit 2 naming the file, the
#: row, the column and the value (issue 15): bad data is never scored, clamped or skipped in
#: silence. The ranges hold the published rows (measured_inference.csv and mlperf_v6_0.csv:
#: values 203 to 2.5e6 tok/s, 1 to 288 accelerators, 128 to 9,429 tokens, p99 limits 15 ms
#: to 6 s) with orders of magnitude to spare; the token ranges are the sweep spec's and the
#: latency limits the hard bounds of the engine's own inputs
#: (:data:`tokenfab.perf.inputs.PREDICT_INPUTS`).
NUMERIC_CELLS: dict[str, tuple[bool, bool, float, float, str]] = {
    "value": (True, False, 1e-3, 1e9, "tokens/s"),
    "num_accelerators": (False, True, 1.0, 1e6, "accelerators"),
    "input_tokens_mean": (True, False, 1.0, 1e7, "tokens"),
    "output_tokens_mean": (True, False, 1.0, 1e6, "tokens"),
    "ttft_p99_max_s": (False, False, 0.0, 1e6, "s"),
    "tpot_p99_max_s": (False, False, 0.0, 1e4, "s"),
    "interactivity_min_tokens_per_s_per_user": (False, False, 0.0, 1e7, "tokens/s per user"),
}
#: text cells shown or grouped on: a number word there is a spreadsheet's missing value
LABEL_CELLS = ("id", "round", "submitter")
_NONFINITE_WORDS = re.compile(r"[-+]?(nan|inf|infinity)", re.IGNORECASE)


def check_row(row: Mapping[str, str | None], n: int, file: str) -> None:
    """Refuse a row whose numeric cells are not plain finite numbers inside
    :data:`NUMERIC_CELLS`, whose date does not parse, or whose label cells hold a non-finite
    number word (``nan``, ``inf``): a :class:`TokenfabError` naming the file, the row (number
    and id), the column, the value and what is allowed."""
    rid = (row.get("id") or "").strip()
    where = f"row {n}" + (f" (id {rid!r})" if rid else "")

    def bad(col: str, raw: str, allowed: str) -> TokenfabError:
        return TokenfabError(f"{col} = {raw!r}: must be {allowed}", file=file, field=where,
                             value=raw)

    for col in LABEL_CELLS:
        raw = (row.get(col) or "").strip()
        if _NONFINITE_WORDS.fullmatch(raw):
            raise bad(col, raw, "a text label, not a non-finite number word (a spreadsheet's "
                                "missing value?); leave it blank if unknown" if col != "id"
                      else "a text label (or blank: the row number is used)")
    for col, (required, whole, lo, hi, unit) in NUMERIC_CELLS.items():
        raw = (row.get(col) or "").strip()
        allowed = (f"{'a whole number' if whole else 'a number'} "
                   + (f"> 0 and <= {hi:g}" if lo == 0 else f"from {lo:g} to {hi:g}")
                   + f" {unit}" + ("" if required else " (or blank)"))
        if not raw:
            if required:
                raise bad(col, raw, allowed + " (the cell is empty)")
            continue
        try:
            v = float(raw)
        except ValueError:
            raise bad(col, raw, allowed + " (plain digits, no units or thousands "
                                "separators)") from None
        if not (math.isfinite(v) and (lo <= v if lo else v > 0) and v <= hi) \
                or (whole and v != int(v)):
            raise bad(col, raw, allowed)
    raw = (row.get("date") or "").strip()
    if raw:
        try:
            parse_date(raw)
        except TokenfabError as e:
            raise bad("date", raw, f"a date YYYY, YYYY-MM or YYYY-MM-DD from 2015 to 2040 "
                                   f"(or blank: the latest software era) ({e.message})") from None


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


@dataclass(frozen=True)
class Case:
    """One measured row with its operating points at software speed 1.

    ``points`` holds the sweep's columns (``per_acc``, ``total``, ``ttft_p99_s``,
    ``tpot_p99_s``, ``tpot_s``, ``ttft_s`` and the layout); :meth:`pick` re-reads them at any
    software speed.
    """

    id: str
    family: str
    accelerator_id: str
    model_id: str
    scenario: str
    round: str
    submitter: str
    date: float | None
    metric: str
    measured: float
    ttft_max_s: float | None
    tpot_max_s: float | None
    interactivity_min: float | None
    count: int | None
    points: pd.DataFrame
    hw: Accelerator
    model: ModelArch
    source: str = ""

    def pick(self, speed: float) -> int | None:
        """Index of the best feasible point at software speed ``speed`` (None: none)."""
        df = self.points
        ok = np.ones(len(df), dtype=bool)
        if self.ttft_max_s is not None:
            ok &= df["ttft_p99_s"].to_numpy() / speed <= self.ttft_max_s
            # ADP balance only where TTFT is not limited (tokenfab.perf.engine.evaluate)
            ok &= df["adp_balance"].to_numpy() == 0
        if self.tpot_max_s is not None:
            ok &= df["tpot_p99_s"].to_numpy() / speed <= self.tpot_max_s
        if self.interactivity_min is not None:
            ok &= speed / df["tpot_s"].to_numpy() >= self.interactivity_min
        if not ok.any():
            return None
        thr = np.where(ok, df["per_acc"].to_numpy(), -np.inf)
        return int(np.argmax(thr))

    def value(self, speed: float) -> float | None:
        """The predicted metric at software speed ``speed`` (None: no feasible point)."""
        i = self.pick(speed)
        if i is None:
            return None
        col = "total" if self.metric == "output_tokens_per_s" else "per_acc"
        return float(self.points[col].iloc[i]) * speed

    def why_infeasible(self, speed: float) -> str:
        df = self.points.assign(tpot_p99_s=self.points["tpot_p99_s"] / speed,
                                ttft_p99_s=self.points["ttft_p99_s"] / speed,
                                tpot_s=self.points["tpot_s"] / speed)
        return _slo_message(df, self.model, self.hw, self.count, self.ttft_max_s,
                            self.tpot_max_s, self.interactivity_min)

    def config(self, speed: float) -> dict[str, Any]:
        i = self.pick(speed)
        if i is None:
            return {}
        r = self.points.iloc[i]
        return {"tp": int(r["tp"]), "ep": int(r["ep"]), "pp": int(r["pp"]),
                "dp": int(round(float(r["dp"]))), "batch": int(r["batch"]),
                "precision": str(r["precision"]), "count": int(round(float(r["count"]))),
                "disaggregated": bool(r["disagg"]),
                "prefill_accelerators": round(float(r["prefill_acc"]), 2),
                "mtp_draft_tokens": int(r["mtp"]), "adp_balance": bool(r["adp_balance"]),
                "deployment": deployment(r, self.hw)}

    @property
    def era_group(self) -> str:
        """Software-era group (:func:`tokenfab.perf.era.era_group`)."""
        return era_group(self.family, int(self.model.moe_experts or 0))

    def date_or_latest(self, fit: EraFit) -> float:
        return self.date if self.date is not None else fit.latest(self.era_group)


def _case(row: dict[str, str], rid: str, cat: Catalog, source: str) -> tuple[Case | None, str]:
    """(case, skip reason)."""
    scen = (row.get("scenario") or "").strip().lower()
    if scen not in SCENARIOS:
        return None, f"scenario {scen!r} not one of {', '.join(SCENARIOS)}"
    metric = (row.get("metric") or "").strip()
    if metric not in METRICS:
        return None, f"metric {metric!r} not one of {', '.join(METRICS)}"
    hw_id, model_id = row["accelerator_id"].strip(), row["model_id"].strip()
    if hw_id not in cat.hardware_ids:
        return None, f"accelerator {hw_id!r} not in the catalog"
    if model_id not in cat.model_ids:
        return None, f"model {model_id!r} not in the catalog"
    try:
        n_in, n_out = _num(row, "input_tokens_mean"), _num(row, "output_tokens_mean")
        n = _num(row, "num_accelerators")
        ttft = _num(row, "ttft_p99_max_s")
        tpot = _num(row, "tpot_p99_max_s")
        inter = _num(row, "interactivity_min_tokens_per_s_per_user")
    except ValueError as e:
        return None, f"bad number: {e}"
    if n_in is None or n_out is None or n_in <= 0 or n_out <= 0:
        return None, "input_tokens_mean / output_tokens_mean missing or not > 0"
    if n is not None and (n < 1 or n != int(n)):
        return None, f"num_accelerators {n!r} is not a whole number >= 1"
    if metric == "output_tokens_per_s" and n is None:
        return None, "metric output_tokens_per_s needs num_accelerators"
    try:
        meas = float(row["value"])
    except ValueError:
        return None, f"value {row['value']!r} is not a number"
    if not math.isfinite(meas) or meas <= 0:
        return None, f"value {row['value']!r} is not > 0"
    hw = cat.hardware(hw_id)
    m = cat.model(model_id)
    # blank precision: the family's usual MLPerf choice (README of the validation data)
    prec = (row.get("precision") or "").strip().lower() or _DEFAULT_PRECISION.get(hw.family,
                                                                                  "fp8")
    prec = _PRECISION_ALIASES.get(prec, prec)
    if prec not in ("fp4", "fp8", "bf16"):
        return None, f"precision {prec!r} not one of fp4, fp8, bf16"
    if scen == "offline":
        ttft = tpot = inter = None
    text = f"{row.get('system_description') or ''} {row.get('notes') or ''}".lower()
    # speculative decoding with the model's MTP module: required when the row says the system
    # used it; the engine's choice in the interactive scenario (a per-user speed floor is what
    # MTP is for: NVIDIA's MLPerf v6.0 write-up names MTP for DeepSeek-R1 interactive); else off
    spec: bool | None = True if _SPECULATIVE.search(text) else (
        None if scen in MTP_SCENARIOS else False)
    try:
        date: float | None = parse_date((row.get("date") or "").strip())
    except TokenfabError:
        date = None
    count = int(n) if n else None
    try:
        # the row's software date decides the schedulers it had (blank: the latest era)
        bal: bool | Literal["both"] = "both" if date is None or adp_balance_available(date) \
            else False
        df, _, _ = sweep(m, hw, count, precisions=[prec], input_tokens=n_in,
                         output_tokens=n_out, catalog=cat, mtp=spec, era=NEUTRAL,
                         adp_balance=bal)
    except TokenfabError as e:
        return None, f"no prediction: {e}"
    except Exception as e:  # a bug on one row must not hide the other rows' scores
        return None, f"internal error ({type(e).__name__}: {e}); please report"
    keep = ["per_acc", "total", "ttft_s", "tpot_s", "ttft_p99_s", "tpot_p99_s", "tp", "pp",
            "ep", "dp", "batch", "count", "disagg", "prefill_acc", "prefill_size", "mtp",
            "precision", "t_compute", "t_memory", "t_comm", "t_overhead", "rho", "adp_balance"]
    df = df[df["per_acc"] > 0][keep].reset_index(drop=True)
    if df.empty:
        return None, "no prediction: no operating point"
    fam = hw.family  # the catalog's family (the row's column is informational)
    return Case(rid, fam, hw.id, model_id, scen, (row.get("round") or "").strip(),
                (row.get("submitter") or "").strip(), date, metric, meas, ttft, tpot, inter,
                count, df, hw, m, source), ""


def prepare(paths: str | Path | Sequence[str | Path], catalog: Catalog | None = None,
            progress: Callable[[], Any] | None = None
            ) -> tuple[list[Case], list[dict[str, str]]]:
    """Read one or more CSVs and sweep every row once (software speed 1).

    Returns the cases and the skipped rows (``id``, ``reason``).
    """
    cat = catalog or load_catalog()
    files = [paths] if isinstance(paths, (str, Path)) else list(paths)
    cases: list[Case] = []
    skipped: list[dict[str, str]] = []
    for path in files:
        rows = read_rows(path)
        for n, r in enumerate(rows, start=1):  # every row checked before any is predicted
            check_row(r, n, Path(path).name)
        for r in rows:
            rid = (r.get("id") or "").strip() or f"row{len(cases) + len(skipped) + 1}"
            c, reason = _case(r, rid, cat, Path(path).name)
            if progress is not None:
                progress()
            if c is None:
                skipped.append({"id": rid, "reason": reason})
            else:
                cases.append(c)
    return cases, skipped


def fit_cases(cases: Iterable[Case], *, source: str = "") -> EraFit:
    """Fit the software era (:func:`tokenfab.perf.era.fit_era`) on the MLPerf rows of
    ``cases`` (:data:`FIT_ROWS`: one benchmark, audited conditions, round after round on the
    same hardware; vendor blogs and dashboards are scored, not fitted).

    Residuals ``ln(measured / predicted(s)) + ln s`` at the current fit's speed ``s`` (the
    first pass at ``s = 1``), :data:`FIT_PASSES` times: a Gauss-Newton step for rows whose
    prediction is not exactly proportional to the speed (latency limits).
    """
    cs = [c for c in cases if FIT_ROWS.search(c.round)]
    fit = NEUTRAL
    for _ in range(FIT_PASSES):
        fams, dates, res, ages, mods = [], [], [], [], []
        for c in cs:
            t = c.date_or_latest(fit)
            s = fit.speed(c.era_group, t, c.model_id)
            v = c.value(s)
            if v is None or v <= 0:
                continue
            fams.append(c.era_group)
            mods.append(c.model_id)
            dates.append(t)
            res.append(math.log(c.measured / v) + math.log(s))
            rel = c.model.release_date
            ages.append(max(t - parse_date(rel), 0.0) if rel else math.inf)
        fit = fit_era(fams, dates, res, source=source, ages=ages if MATURITY else None,
                      models=mods)
    return fit


def _quantile_scales(fit: EraFit, family: str, t: float,
                     model_id: str | None = None) -> tuple[float, float]:
    rng_ = speed_range(fit, family, t, model_id)
    x = rng_.sample(INTERVAL.samples, INTERVAL.rng()) - rng_.likely
    lo, hi = np.percentile(x, [10.0, 90.0])
    return float(np.exp(lo)), float(np.exp(hi))


def _score(c: Case, fit: EraFit) -> tuple[dict[str, Any] | None, str]:
    t = c.date_or_latest(fit)
    s = fit.speed(c.era_group, t, c.model_id)
    pred = c.value(s)
    if pred is None:
        return None, f"no prediction: {c.why_infeasible(s)}"
    # the fitted spread is that of ln(measured / predicted): the interval scales the
    # prediction (tokenfab.perf.serving.predict does the same)
    lo_s, hi_s = _quantile_scales(fit, c.era_group, t, c.model_id)
    p10, p90 = pred * lo_s, pred * hi_s
    cfg = c.config(s)
    dep = cfg.pop("deployment", {})
    i = c.pick(s)
    assert i is not None
    r = c.points.iloc[i]
    return {"id": c.id, "family": c.family, "accelerator_id": c.accelerator_id,
            "model_id": c.model_id, "scenario": c.scenario, "round": c.round,
            "submitter": c.submitter, "file": c.source,
            "date": None if c.date is None else format_date(c.date),
            "software_date": format_date(t), "software_speed": s,
            "predicted": pred, "predicted_p10": min(p10, pred), "predicted_p90": max(p90, pred),
            "measured": c.measured, "error_pct": 100.0 * (pred - c.measured) / c.measured,
            "config": cfg, "deployment": dep, "bottleneck": _bottleneck(r),
            "tpot_s": float(r["tpot_s"]) / s, "ttft_s": float(r["ttft_s"]) / s}, ""


def _medians(rows: list[dict[str, Any]], key: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for k in sorted({str(x[key]) for x in rows}):
        out[k] = float(np.median([abs(x["error_pct"]) for x in rows if str(x[key]) == k]))
    return out


@dataclass(frozen=True)
class ValidationResult:
    """Scores of the engine on measured rows (in sample for the era fit, or held out)."""

    rows: tuple[dict[str, Any], ...]
    skipped: tuple[dict[str, str], ...]
    cv: str | None = None
    folds: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    era: dict[str, Any] = field(default_factory=dict)

    @property
    def median_abs_pct_error(self) -> float:
        e = [abs(r["error_pct"]) for r in self.rows]
        return float(np.median(e)) if e else 0.0

    @property
    def coverage_80(self) -> float | None:
        """Share of rows whose measured value lies inside the predicted p10-p90."""
        if not self.rows:
            return None
        inside = [r["predicted_p10"] <= r["measured"] <= r["predicted_p90"] for r in self.rows]
        return float(np.mean(inside))

    def to_dict(self) -> dict[str, Any]:
        rows = list(self.rows)
        return {"rows": rows, "median_abs_pct_error": self.median_abs_pct_error,
                "by_family": _medians(rows, "family"), "by_model": _medians(rows, "model_id"),
                "by_scenario": _medians(rows, "scenario"), "by_round": _medians(rows, "round"),
                "coverage_80": self.coverage_80, "cv": self.cv, "folds": list(self.folds),
                "skipped": list(self.skipped), "n_scored": len(rows), "era": self.era}

    def to_frame(self) -> pd.DataFrame:
        """One row per scored measurement (config and deployment left out)."""
        return pd.DataFrame([{k: v for k, v in r.items() if not isinstance(v, dict)}
                             for r in self.rows])


def validate(path: str | Path | Sequence[str | Path], catalog: Catalog | None = None,
             progress: Callable[[], Any] | None = None, *, cv: str | None = None,
             era: EraFit | None = None) -> dict[str, Any]:
    """Score the engine on one or more measured-results CSVs.

    Parameters
    ----------
    path : path or list of paths
        CSVs in the format of ``measured_inference.csv``.
    catalog : Catalog, optional
    progress : callable, optional
        Called once per row read.
    cv : str, optional
        Grouped cross-validation key (:data:`CV_KEYS`: ``round``, ``submitter``,
        ``accelerator``, ``model``); None scores with the shipped era fit (in sample for it).
    era : EraFit, optional
        The era fit to score with when ``cv`` is None (default the shipped one).

    Returns
    -------
    dict
        :meth:`ValidationResult.to_dict`: ``rows`` (``predicted``, ``predicted_p10``,
        ``predicted_p90``, ``measured``, ``error_pct`` = ``100 (pred - meas) / meas``,
        ``config``, ``deployment``, ``software_date`` ...), ``median_abs_pct_error``,
        ``by_family``, ``by_model``, ``by_scenario``, ``by_round``, ``coverage_80``,
        ``folds`` (per held-out group), ``skipped``, ``n_scored``.
    """
    return validate_result(path, catalog, progress, cv=cv, era=era).to_dict()


def validate_result(path: str | Path | Sequence[str | Path], catalog: Catalog | None = None,
                    progress: Callable[[], Any] | None = None, *, cv: str | None = None,
                    era: EraFit | None = None) -> ValidationResult:
    """:func:`validate` as a typed :class:`ValidationResult`."""
    if cv is not None and cv not in CV_KEYS:
        raise TokenfabError(f"unknown cross-validation key {cv!r}", field="--cv", value=cv,
                            allowed=", ".join(CV_KEYS))
    cases, skipped = prepare(path, catalog, progress)
    return score(cases, skipped, cv=cv, era=era)


def score(cases: list[Case], skipped: list[dict[str, str]] | None = None, *,
          cv: str | None = None, era: EraFit | None = None) -> ValidationResult:
    """Score prepared cases (in sample, or held out by ``cv`` groups)."""
    skipped = list(skipped or [])
    scored: dict[str, dict[str, Any]] = {}
    folds: list[dict[str, Any]] = []
    if cv is None:
        fit = ERA if era is None else era
        for c in cases:
            r, why = _score(c, fit)
            if r is None:
                skipped.append({"id": c.id, "reason": why})
            else:
                scored[c.id + "|" + c.source] = r
        era_info = fit.to_dict()
    else:
        attr = CV_KEYS[cv]
        groups = sorted({str(getattr(c, attr)) for c in cases})
        for g in groups:
            train = [c for c in cases if str(getattr(c, attr)) != g]
            test = [c for c in cases if str(getattr(c, attr)) == g]
            fit = fit_cases(train, source=f"training folds (all but {cv} {g!r})")
            fold_rows = []
            for c in test:
                r, why = _score(c, fit)
                if r is None:
                    skipped.append({"id": c.id, "reason": why})
                    continue
                r["fold"] = g
                scored[c.id + "|" + c.source] = r
                fold_rows.append(r)
            errs = [abs(x["error_pct"]) for x in fold_rows]
            folds.append({"group": g, "n": len(fold_rows), "n_train": len(train),
                          "median_abs_pct_error": float(np.median(errs)) if errs else None})
        era_info = {}
    order = {c.id + "|" + c.source: i for i, c in enumerate(cases)}
    rows = tuple(scored[k] for k in sorted(scored, key=lambda k: order[k]))
    return ValidationResult(rows, tuple(skipped), cv, tuple(folds), era_info)
