"""Evaluate one partition of a sweep (one system x one model) as a vectorised block.

For every workload x precision x software generation the performance engine computes one
Pareto frontier (:func:`tokenfab.perf.serving.pareto`); every interactivity target is then
read off that frontier at once (:func:`frontier_at`), and the economics of all targets x
economics combinations x Monte Carlo draws are one call of the factory model per combination
(:func:`tokenfab.sweep.adapter.factory_block`). There is no Python call per point.

Infeasible points are kept, with the reason (the model does not fit, the target is faster
than the frontier reaches, the site cannot hold one system), never dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from tokenfab.catalog import Accelerator, Catalog
from tokenfab.errors import InfeasibleError
from tokenfab.perf.calibration import Calibration, calibration_for
from tokenfab.perf.precision import resolve_precision
from tokenfab.perf.serving import pareto
from tokenfab.sweep.adapter import CLUSTER_COLUMNS, FACTORY_COLUMNS, cluster_block, factory_block
from tokenfab.sweep.spec import Software, SweepSpec

__all__ = ["PERF_COLUMNS", "evaluate_partition", "frontier_at", "partition_chunks", "schema"]

#: operating-point columns read from the frontier (float)
PERF_COLUMNS: tuple[str, ...] = ("tokens_per_s_per_accelerator",
                                 "interactivity_tokens_per_s_per_user", "tokens_per_s_per_mw",
                                 "ttft_s", "tpot_s")
#: configuration columns (integers; null where infeasible)
CONFIG_COLUMNS: tuple[str, ...] = ("tp", "ep", "pp", "dp", "batch", "count")
_FRONTIER = {"tokens_per_s_per_accelerator": "output_tokens_per_s_per_accelerator",
             "interactivity_tokens_per_s_per_user": "interactivity_tokens_per_s_per_user",
             "tokens_per_s_per_mw": "tokens_per_s_per_mw", "ttft_s": "ttft_s", "tpot_s": "tpot_s"}


def frontier_at(interactivity: np.ndarray, throughput: np.ndarray,
                targets: np.ndarray) -> np.ndarray:
    """Index of the fastest frontier point at least as interactive as each target.

    ``best(x) = argmax { throughput_i : interactivity_i >= x }`` for all targets at once: the
    points sorted by interactivity, a running maximum of throughput from the most interactive
    end, and a binary search per target. -1 where no point reaches the target. The same
    reading as :meth:`tokenfab.perf.serving.Frontier.throughput_at`, vectorised.

    Parameters
    ----------
    interactivity : array (n,) [tok/s/user]
    throughput : array (n,) [tok/s per accelerator]
    targets : array (m,) [tok/s/user]

    Returns
    -------
    array of int (m,): indices into the inputs, or -1.
    """
    inter = np.asarray(interactivity, dtype=float)
    thr = np.asarray(throughput, dtype=float)
    n = len(inter)
    t = np.asarray(targets, dtype=float)
    if n == 0:
        return np.full(t.shape, -1, dtype=np.int64)
    order = np.argsort(inter, kind="stable")
    rev = thr[order][::-1]  # most interactive first
    run = np.maximum.accumulate(rev)
    at_max = np.where(rev >= run, np.arange(n), 0)
    pos = np.maximum.accumulate(at_max)  # position (in rev) of the running maximum
    best_sorted = (n - 1 - pos)[::-1]  # for sorted index i: best sorted index in i..n-1
    first = np.searchsorted(inter[order], t, side="left")
    ok = first < n
    out = np.full(t.shape, -1, dtype=np.int64)
    out[ok] = order[best_sorted[first[ok]]]
    return out


def _calibration(hw: Accelerator, software: Software) -> Calibration | None:
    if not software.scale:
        return None
    base = calibration_for(hw.family)
    return calibration_for(hw.family, **{k: getattr(base, k) * f for k, f in software.scale})


@dataclass
class _Cols:
    """Columns under construction: values and null masks (True = null)."""

    values: dict[str, list[np.ndarray]] = field(default_factory=dict)
    nulls: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, name: str, values: np.ndarray, null: np.ndarray | None = None) -> None:
        self.values.setdefault(name, []).append(values)
        self.nulls.setdefault(name, []).append(
            np.zeros(len(values), dtype=bool) if null is None else null)

    def cat(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        return np.concatenate(self.values[name]), np.concatenate(self.nulls[name])


def schema(spec: SweepSpec) -> pa.Schema:
    """The Arrow schema of every partition of ``spec`` (identical across partitions)."""
    f: list[pa.Field] = [
        pa.field("hardware", pa.string()), pa.field("model", pa.string()),
        pa.field("workload", pa.string()), pa.field("input_tokens", pa.int64()),
        pa.field("output_tokens", pa.int64()), pa.field("precision", pa.string()),
        pa.field("precision_used", pa.string()), pa.field("software", pa.string()),
        pa.field("interactivity_target", pa.float64()),
    ]
    f += [pa.field(f"econ_{k}", pa.float64()) for k in spec.economics_axes] if spec.uses_factory else []
    f += [pa.field("draw", pa.int64()), pa.field("feasible", pa.bool_()),
          pa.field("reason", pa.string())]
    f += [pa.field(k, pa.float64()) for k in PERF_COLUMNS]
    f += [pa.field(k, pa.int64()) for k in CONFIG_COLUMNS]
    f += [pa.field("disaggregated", pa.bool_())]
    if spec.uses_factory:
        f += [pa.field(k, pa.float64()) for k in FACTORY_COLUMNS]
    if spec.chain == "perf-factory-cluster":
        f += [pa.field(f"cluster_{k}", pa.float64()) for k in CLUSTER_COLUMNS]
    return pa.schema(f)


def _perf_block(spec: SweepSpec, hw: Accelerator, model: str, catalog: Catalog) -> _Cols:
    """R = workloads x precisions x software x targets operating points (one frontier each
    of the first three)."""
    cols = _Cols()
    targets = np.asarray(spec.interactivity, dtype=float)
    m = len(targets)
    for wl in spec.workload:
        for prec in spec.precision:
            used = resolve_precision(prec, hw)
            for sw in spec.software:
                cols.add("workload", np.full(m, wl.name, dtype=object))
                cols.add("input_tokens", np.full(m, wl.input_tokens, dtype=np.int64))
                cols.add("output_tokens", np.full(m, wl.output_tokens, dtype=np.int64))
                cols.add("precision", np.full(m, prec, dtype=object))
                cols.add("precision_used", np.full(m, used, dtype=object))
                cols.add("software", np.full(m, sw.name, dtype=object))
                cols.add("interactivity_target", targets)
                try:
                    fr = pareto(model, hw, precision=used, input_tokens=wl.input_tokens,
                                output_tokens=wl.output_tokens, ttft_max_s=spec.ttft_max_s,
                                catalog=catalog, calibration=_calibration(hw, sw)).to_frame()
                    idx = frontier_at(fr["interactivity_tokens_per_s_per_user"].to_numpy(),
                                      fr["output_tokens_per_s_per_accelerator"].to_numpy(), targets)
                    best = float(fr["interactivity_tokens_per_s_per_user"].max())
                    reason = np.full(m, f"no operating point reaches the target (best "
                                     f"achievable {best:.4g} tok/s/user)", dtype=object)
                except InfeasibleError as e:
                    fr = None
                    idx = np.full(m, -1, dtype=np.int64)
                    reason = np.full(m, str(e), dtype=object)
                ok = idx >= 0
                cols.add("feasible", ok)
                cols.add("reason", reason.astype(object), ok)
                take = np.where(ok, idx, 0)
                for name, src in _FRONTIER.items():
                    v = fr[src].to_numpy(dtype=float)[take] if fr is not None else np.zeros(m)
                    cols.add(name, np.where(ok, v, np.nan), ~ok)
                for name in CONFIG_COLUMNS:
                    v = fr[name].to_numpy(dtype=np.int64)[take] if fr is not None else np.zeros(
                        m, dtype=np.int64)
                    cols.add(name, v, ~ok)
                v = (fr["disaggregated"].to_numpy(dtype=bool)[take] if fr is not None
                     else np.zeros(m, dtype=bool))
                cols.add("disaggregated", v, ~ok)
    return cols


def evaluate_partition(spec: SweepSpec, hardware: str, model: str,
                       catalog: Catalog | None = None) -> pa.Table:
    """Every row of one (hardware, model) partition, as an Arrow table of :func:`schema`.

    Row order: economics combination, then workload, precision, software, interactivity
    target, then Monte Carlo draw. Holds the whole partition in memory; the store writes
    :func:`partition_chunks` one at a time instead.
    """
    return pa.concat_tables(list(partition_chunks(spec, hardware, model, catalog)))


def partition_chunks(spec: SweepSpec, hardware: str, model: str,
                     catalog: Catalog | None = None) -> Iterator[pa.Table]:
    """The rows of one partition, one Arrow table (of :func:`schema`) per economics combination.

    The frontiers are computed once; the economics of each combination are evaluated only
    when its chunk is asked for, so a consumer that writes each chunk before asking for the
    next holds ``workloads x precisions x software x targets x draws`` rows at a time,
    however many economics combinations the spec has. Same rows and order as
    :func:`evaluate_partition`.
    """
    cat = catalog if catalog is not None else spec.catalog()
    hw = cat.hardware(hardware)
    perf = _perf_block(spec, hw, model, cat)
    d = spec.draws
    combos = spec.economics_combinations()
    sch = schema(spec)

    def rep(a: np.ndarray) -> np.ndarray:
        return np.repeat(a, d)

    tps, tps_null = perf.cat("tokens_per_s_per_accelerator")
    feas, _ = perf.cat("feasible")
    reason, reason_null = perf.cat("reason")
    r = len(feas)
    for combo in combos:
        out = _Cols()
        n = r * d
        out.add("hardware", np.full(n, hardware, dtype=object))
        out.add("model", np.full(n, model, dtype=object))
        for name in ("workload", "input_tokens", "output_tokens", "precision", "precision_used",
                     "software", "interactivity_target", *PERF_COLUMNS, *CONFIG_COLUMNS,
                     "disaggregated"):
            v, null = perf.cat(name)
            out.add(name, rep(v), rep(null))
        for k in spec.economics_axes if spec.uses_factory else ():
            out.add(f"econ_{k}", np.full(n, combo[k]))
        out.add("draw", np.tile(np.arange(d, dtype=np.int64), r))
        row_feas = rep(feas)
        row_reason = rep(reason)
        row_reason_null = rep(reason_null)
        if spec.uses_factory:
            econ = {**spec.economics_fixed, **combo}
            inter, _ = perf.cat("interactivity_target")
            try:
                fac, _sampled = factory_block(hardware, model, cat, econ,
                                              np.where(tps_null, np.nan, tps), inter,
                                              spec.samples, spec.seed)
            except InfeasibleError as e:
                fac = {k: np.full(n, np.nan) for k in FACTORY_COLUMNS}
                row_feas = np.zeros(n, dtype=bool)
                row_reason = np.where(row_reason_null, str(e), row_reason).astype(object)
                row_reason_null = np.zeros(n, dtype=bool)
            for k in FACTORY_COLUMNS:
                out.add(k, fac[k], np.isnan(fac[k]))  # payback may be inf ("never")
            if spec.chain == "perf-factory-cluster":
                cl = cluster_block(hardware, fac["accelerators"], cat)
                for k, v in cl.items():
                    out.add(k, v, np.isnan(v))
        out.add("feasible", row_feas)
        out.add("reason", row_reason, row_reason_null)
        arrays = []
        for f in sch:
            v, null = out.cat(f.name)
            if pa.types.is_string(f.type):  # object array of shared str: 8 B per row
                v = np.where(null, "", v).astype(object)
            arrays.append(pa.array(v, type=f.type, mask=null if null.any() else None))
        del out
        yield pa.Table.from_arrays(arrays, schema=sch)


def partition_rows(spec: SweepSpec, pairs: Sequence[tuple[str, str]]) -> int:
    """Rows that ``pairs`` partitions write."""
    return spec.points_per_partition() * len(pairs)
