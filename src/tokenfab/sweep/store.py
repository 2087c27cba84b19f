"""The results store: one Parquet file per partition and a manifest, never half written.

Layout of a sweep directory::

    DIR/manifest.json          spec, its digest, tokenfab version, catalog hash, and per
                               partition: rows, bytes, sha256, seconds; per failed partition:
                               the error
    DIR/parts/<key>.parquet    one (hardware, model) partition

Every file is written to a temporary name in the same folder and renamed into place
(``os.replace`` is atomic on POSIX), so a crash, a killed worker or Ctrl-C leaves either the
whole file or none. ``--resume`` keeps every partition whose file matches its recorded
checksum, adopts complete files the manifest has not recorded yet (a driver killed between
a worker's rename and the manifest update), and recomputes the rest.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import time
import traceback
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from tokenfab.errors import TokenfabError
from tokenfab.sweep.block import partition_chunks, schema
from tokenfab.sweep.spec import SweepSpec

__all__ = ["FORMAT", "Manifest", "PartitionResult", "Store", "catalog_hash", "partition_key",
           "run_partition", "tokenfab_version"]

#: version of the store layout (bumped on an incompatible change)
FORMAT = 1
MANIFEST = "manifest.json"
PARTS = "parts"
_META_DIGEST = b"tokenfab.sweep.spec_digest"
_META_KEY = b"tokenfab.sweep.partition"
#: rows per Parquet row group (bounded, so readers can stream a partition too)
ROW_GROUP = 256 * 1024
#: the manifest is rewritten at most this often while partitions finish (and at the end);
#: a partition finished in between is adopted by ``--resume`` from its file's metadata
SAVE_EVERY_S = 0.5


def tokenfab_version() -> str:
    try:
        return version("tokenfab")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def catalog_hash(user_files: Iterable[str] = ()) -> str:
    """sha256 of the built-in catalog data files and the user catalog files, in order."""
    import tokenfab.catalog as _catalog

    h = hashlib.sha256()
    data = Path(_catalog.__file__).parent / "data"
    for p in sorted(data.iterdir()):
        if p.is_file():
            h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    for f in user_files:
        h.update(b"user\0" + Path(f).read_bytes() + b"\0")
    return h.hexdigest()


def partition_key(hardware: str, model: str) -> str:
    """A file-name-safe, unique key of a (hardware, model) partition."""
    raw = f"{hardware}__{model}"
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", raw)
    if safe != raw:
        safe += f"-{zlib.crc32(raw.encode()):08x}"
    return safe


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_json_atomic(path: Path, obj: Any) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, sort_keys=True, allow_nan=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True)
class PartitionResult:
    """What a task reports back (small: the rows stay on disk)."""

    key: str
    hardware: str
    model: str
    rows: int = 0
    bytes: int = 0
    sha256: str = ""
    seconds: float = 0.0
    error: str | None = None
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run_partition(spec: SweepSpec, hardware: str, model: str, out_dir: str) -> PartitionResult:
    """Evaluate one partition and write it to ``out_dir/parts`` (write, fsync, rename).

    The rows stream to the file: each economics combination's chunk
    (:func:`~tokenfab.sweep.block.partition_chunks`) is written as its own row groups before
    the next is computed, so the task holds one chunk, not the partition.

    The Dask task: an exception is caught and returned as the partition's error (recorded in
    the manifest; the sweep goes on); only the worker's death reaches the scheduler, which
    retries the task on another worker.
    """
    key = partition_key(hardware, model)
    t0 = time.perf_counter()
    parts = Path(out_dir) / PARTS
    tmp = parts / f".tmp-{key}-{uuid.uuid4().hex}.parquet"
    try:
        sch = schema(spec)
        meta = dict(sch.metadata or {})
        meta.update({_META_DIGEST: spec.digest().encode(), _META_KEY: key.encode()})
        sch = sch.with_metadata(meta)
        rows = 0
        with pq.ParquetWriter(tmp, sch, compression="zstd") as writer:
            for chunk in partition_chunks(spec, hardware, model):
                writer.write_table(chunk.replace_schema_metadata(meta), row_group_size=ROW_GROUP)
                rows += chunk.num_rows
                del chunk
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        final = parts / f"{key}.parquet"
        os.replace(tmp, final)
        return PartitionResult(key, hardware, model, rows, final.stat().st_size,
                               sha256_file(final), time.perf_counter() - t0)
    except Exception as e:
        return PartitionResult(key, hardware, model, seconds=time.perf_counter() - t0,
                               error=f"{type(e).__name__}: {e}",
                               traceback=traceback.format_exc(limit=8))
    finally:
        tmp.unlink(missing_ok=True)


@dataclass
class Manifest:
    """The manifest document (``manifest.json``)."""

    spec: dict[str, Any]
    spec_digest: str
    catalog_hash: str
    tokenfab_version: str
    created: str
    partitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, dict[str, Any]] = field(default_factory=dict)
    total_partitions: int = 0
    rows_per_partition: int = 0
    format: int = FORMAT

    def to_dict(self) -> dict[str, Any]:
        return {"format": self.format, "tokenfab_version": self.tokenfab_version,
                "created": self.created, "spec_digest": self.spec_digest,
                "catalog_hash": self.catalog_hash, "spec": self.spec,
                "total_partitions": self.total_partitions,
                "rows_per_partition": self.rows_per_partition,
                "partitions": self.partitions, "errors": self.errors}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Manifest:
        return cls(spec=d["spec"], spec_digest=d["spec_digest"], catalog_hash=d["catalog_hash"],
                   tokenfab_version=d["tokenfab_version"], created=d["created"],
                   partitions=dict(d.get("partitions", {})), errors=dict(d.get("errors", {})),
                   total_partitions=int(d.get("total_partitions", 0)),
                   rows_per_partition=int(d.get("rows_per_partition", 0)),
                   format=int(d.get("format", FORMAT)))


class Store:
    """A sweep directory: its manifest and partition files."""

    def __init__(self, path: str | Path, manifest: Manifest) -> None:
        self.path = Path(path)
        self.manifest = manifest
        self._dirty = False
        self._saved_at = -float("inf")

    @property
    def parts(self) -> Path:
        return self.path / PARTS

    @staticmethod
    def read_manifest(path: str | Path) -> Manifest:
        p = Path(path) / MANIFEST
        shown = str(path) if len(str(path)) <= 80 else str(path)[:80] + "..."
        try:
            found = p.is_file()
        except OSError as e:  # a name too long for the file system, a permission denied...
            raise TokenfabError(f"cannot open {shown!r} as a sweep directory: "
                                f"{e.strerror or e}", field="DIR", value=shown) from None
        if not found:
            raise TokenfabError(f"{shown!r} is not a sweep directory (no manifest.json)",
                                field="DIR", value=shown)
        try:
            return Manifest.from_dict(json.loads(p.read_text(encoding="utf-8")))
        except OSError as e:
            raise TokenfabError(f"cannot read {str(p)!r}: {e.strerror or e}", field="DIR",
                                value=shown) from None
        except (ValueError, KeyError) as e:
            raise TokenfabError(f"unreadable manifest.json ({e})", field="DIR",
                                value=str(path)) from None

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """An existing sweep directory (read only use: query, report)."""
        return cls(path, cls.read_manifest(path))

    @classmethod
    def prepare(cls, path: str | Path, spec: SweepSpec, *, resume: bool) -> Store:
        """Create the directory, or (``resume``) reopen it and check it is the same sweep.

        Raises :class:`TokenfabError` when the directory holds another sweep, or holds this
        one and ``resume`` was not asked for (finished work is never overwritten).
        """
        p = Path(path)
        chash = catalog_hash(spec.catalog_files)
        if (p / MANIFEST).is_file():
            old = cls.read_manifest(p)
            if not resume:
                raise TokenfabError("already holds a sweep; pass --resume to finish it, or "
                                    "choose a new directory", field="--out", value=str(p))
            if old.spec_digest != spec.digest():
                raise TokenfabError("holds a different sweep (its spec differs from this one); "
                                    "--resume needs the same spec", field="--out", value=str(p))
            if old.catalog_hash != chash:
                raise TokenfabError("was swept with a different catalog (catalog hash "
                                    f"{old.catalog_hash[:12]} vs {chash[:12]}); resuming would "
                                    "mix results", field="--out", value=str(p))
            store = cls(p, old)
        else:
            if p.exists() and (not p.is_dir() or any(p.iterdir())):
                raise TokenfabError("exists and is not an empty directory or a sweep",
                                    field="--out", value=str(p))
            m = Manifest(spec=spec.to_dict(), spec_digest=spec.digest(), catalog_hash=chash,
                         tokenfab_version=tokenfab_version(),
                         created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"))
            store = cls(p, m)
        store.manifest.total_partitions = len(spec.partitions())
        store.manifest.rows_per_partition = spec.points_per_partition()
        store.parts.mkdir(parents=True, exist_ok=True)
        for tmp in store.parts.glob(".tmp-*"):
            tmp.unlink(missing_ok=True)  # partitions that were in flight when a run stopped
        store.save()
        return store

    def save(self) -> None:
        _write_json_atomic(self.path / MANIFEST, self.manifest.to_dict())
        self._dirty = False
        self._saved_at = time.monotonic()

    def file(self, key: str) -> Path:
        return self.parts / f"{key}.parquet"

    def _adoptable(self, key: str, rows: int) -> bool:
        """A complete file of this sweep that the manifest has not recorded yet."""
        try:
            md = pq.read_metadata(self.file(key))
        except Exception:
            return False
        kv = md.metadata or {}
        return (kv.get(_META_DIGEST) == self.manifest.spec_digest.encode()
                and kv.get(_META_KEY) == key.encode() and md.num_rows == rows)

    def pending(self, spec: SweepSpec) -> list[tuple[str, str]]:
        """Partitions still to compute: finished ones (checksum verified) are skipped."""
        todo = []
        rows = spec.points_per_partition()
        changed = False
        for hw, model in spec.partitions():
            key = partition_key(hw, model)
            f = self.file(key)
            rec = self.manifest.partitions.get(key)
            if rec is not None and f.is_file() and sha256_file(f) == rec.get("sha256"):
                continue
            if rec is None and f.is_file() and self._adoptable(key, rows):
                self.record(PartitionResult(key, hw, model, rows, f.stat().st_size,
                                            sha256_file(f)), save=False)
                changed = True
                continue
            if rec is not None:
                del self.manifest.partitions[key]
                changed = True
            todo.append((hw, model))
        if changed:
            self.save()
        return todo

    def record(self, r: PartitionResult, *, save: bool = True) -> None:
        """Record a finished (or failed) partition in the manifest."""
        if r.ok:
            self.manifest.partitions[r.key] = {
                "hardware": r.hardware, "model": r.model, "rows": r.rows, "bytes": r.bytes,
                "sha256": r.sha256, "seconds": round(r.seconds, 4)}
            self.manifest.errors.pop(r.key, None)
        else:
            self.manifest.errors[r.key] = {"hardware": r.hardware, "model": r.model,
                                           "error": r.error, "traceback": r.traceback}
        if save:
            self.save()
        else:
            self._dirty = True

    def save_if_due(self, every_s: float | None = None) -> None:
        """Rewrite the manifest when it changed and the last write is ``every_s`` old: a
        sweep of many partitions rewrites it O(seconds), not O(partitions^2) bytes."""
        every = SAVE_EVERY_S if every_s is None else every_s
        if self._dirty and time.monotonic() - self._saved_at >= every:
            self.save()

    def files(self) -> list[Path]:
        """The recorded partition files."""
        return [self.file(k) for k in sorted(self.manifest.partitions)]
