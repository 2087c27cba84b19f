"""Run a sweep: partitions as Dask tasks (or in this process), streamed to the results store.

No scheduler of our own: :mod:`dask.distributed` places the tasks, retries those whose worker
died, and scales from a ``LocalCluster`` of processes on a laptop to a cluster reached with
``scheduler="tcp://host:8786"``. Each task evaluates a whole (hardware, model) partition and
writes its Parquet file itself; only a small :class:`~tokenfab.sweep.store.PartitionResult`
comes back, so the driver's memory does not grow with the sweep. At most ``window`` tasks are
in flight, so an interruption loses at most those.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distributed import Client, LocalCluster, as_completed

from tokenfab.errors import TokenfabError
from tokenfab.sweep.spec import SweepSpec
from tokenfab.sweep.store import PartitionResult, Store, partition_key, run_partition

__all__ = ["SweepProgress", "SweepResult", "run_sweep"]


@dataclass(frozen=True)
class SweepProgress:
    """Where a running sweep is (passed to the ``progress`` callback after each partition)."""

    done_points: int
    total_points: int
    done_partitions: int
    total_partitions: int
    failed_partitions: int
    elapsed_s: float
    skipped_partitions: int = 0

    @property
    def points_per_s(self) -> float:
        """Points computed per second in this run (resumed partitions not counted)."""
        return self.done_points / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        rate = self.points_per_s
        left = self.total_points - self.done_points
        return left / rate if rate > 0 else None


@dataclass
class SweepResult:
    """What a run did."""

    out: Path
    computed_partitions: int
    skipped_partitions: int
    failed: dict[str, str] = field(default_factory=dict)
    points: int = 0
    seconds: float = 0.0
    workers: int = 0
    dashboard: str | None = None

    @property
    def points_per_s(self) -> float:
        return self.points / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"out": str(self.out), "computed_partitions": self.computed_partitions,
                "skipped_partitions": self.skipped_partitions, "failed": self.failed,
                "points": self.points, "seconds": round(self.seconds, 3),
                "points_per_s": round(self.points_per_s, 1), "workers": self.workers,
                "dashboard": self.dashboard}


def _dashboard(client: Client) -> str | None:
    try:
        services = client.scheduler_info().get("services", {})
    except Exception:  # pragma: no cover - an unreachable scheduler fails earlier
        return None
    return str(client.dashboard_link) if "dashboard" in services else None


@contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[Client]:
    """A client of a new local cluster (processes bound to 127.0.0.1) or of ``scheduler``."""
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="15s")
        except (OSError, TimeoutError) as e:
            raise TokenfabError(f"cannot reach the Dask scheduler ({type(e).__name__}: {e})",
                                field="--scheduler", value=scheduler) from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address="127.0.0.1:0",
                           silence_logs=40)
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def run_sweep(spec: SweepSpec, out: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, client: Client | None = None, resume: bool = False,
              progress: Callable[[SweepProgress], None] | None = None,
              on_start: Callable[[int, str | None, int], None] | None = None,
              window: int | None = None) -> SweepResult:
    """Run (or finish) a sweep into the results store ``out``.

    Parameters
    ----------
    spec : SweepSpec
    out : path
        The sweep directory (created; with ``resume``, an earlier run of the same spec).
    workers : int, optional
        ``0``: run in this process, no Dask (the serial reference). ``N``: a ``LocalCluster``
        of N worker processes (default: one per core).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); ``workers`` is ignored.
    client : distributed.Client, optional
        Use this client (its cluster is left running).
    resume : bool
        Skip finished partitions of an earlier run of the same spec.
    progress : callable, optional
        Called with a :class:`SweepProgress` after each partition.
    on_start : callable, optional
        Called once with (partitions to compute, dashboard address or None, workers).
    window : int, optional
        Tasks in flight at once (default: 2 per worker thread + 2).

    Returns
    -------
    SweepResult
    """
    if workers is not None and workers < 0:
        raise TokenfabError(f"must be >= 0, got {workers}", field="--workers", value=workers)
    store = Store.prepare(out, spec, resume=resume)
    todo = store.pending(spec)
    per = spec.points_per_partition()
    total_parts = len(spec.partitions())
    skipped = total_parts - len(todo)
    result = SweepResult(store.path, 0, skipped)
    t0 = time.perf_counter()
    state = {"done": 0, "failed": 0}

    def finished(r: PartitionResult) -> None:
        store.record(r, save=False)
        store.save_if_due()
        if r.ok:
            state["done"] += 1
            result.points += r.rows
        else:
            state["failed"] += 1
            result.failed[r.key] = r.error or "failed"
        if progress is not None:
            progress(SweepProgress(result.points, per * len(todo), state["done"] + skipped,
                                   total_parts, state["failed"], time.perf_counter() - t0,
                                   skipped))

    try:
        if workers == 0 and scheduler is None and client is None:
            if on_start is not None:
                on_start(len(todo), None, 0)
            for hw, model in todo:
                finished(run_partition(spec, hw, model, str(store.path)))
        elif client is not None:
            result.workers, result.dashboard = _run_dask(client, spec, store, todo, finished,
                                                         on_start, window)
        else:
            with _client(workers, scheduler) as c:
                result.workers, result.dashboard = _run_dask(c, spec, store, todo, finished,
                                                             on_start, window)
    finally:  # also on Ctrl-C: every partition finished so far is in the manifest
        store.save()
    result.computed_partitions = state["done"]
    result.seconds = time.perf_counter() - t0
    return result


def _run_dask(client: Client, spec: SweepSpec, store: Store, todo: list[tuple[str, str]],
              finished: Callable[[PartitionResult], None],
              on_start: Callable[[int, str | None, int], None] | None,
              window: int | None) -> tuple[int, str | None]:
    info = client.scheduler_info()
    nworkers = len(info.get("workers", {}))
    threads = sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values()) or 1
    dash = _dashboard(client)
    if on_start is not None:
        on_start(len(todo), dash, nworkers)
    limit = window or 2 * threads + 2
    # the spec goes with each task (a few kB), not scattered: scattered data dies with the
    # workers holding it, and then every later task fails ("lost scattered data")
    out = str(store.path)
    pending = iter(todo)
    inflight: dict[Any, tuple[str, str]] = {}
    ac = as_completed()

    def submit_next() -> bool:
        nxt = next(pending, None)
        if nxt is None:
            return False
        fut = client.submit(run_partition, spec, nxt[0], nxt[1], out, pure=False,
                            key=f"tokenfab-sweep-{partition_key(*nxt)}-{os.urandom(4).hex()}")
        inflight[fut] = nxt
        ac.add(fut)
        return True

    try:
        for _ in range(limit):
            if not submit_next():
                break
        for fut in ac:
            hw, model = inflight.pop(fut)
            try:
                r = fut.result()
            except Exception as e:  # the worker died more often than Dask retries
                r = PartitionResult(partition_key(hw, model), hw, model,
                                    error=f"{type(e).__name__}: {e}")
            finished(r)
            fut.release()
            submit_next()
    except BaseException:
        client.cancel(list(inflight))
        raise
    return nworkers, dash
