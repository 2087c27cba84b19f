"""What the sweep page of the dashboard computes, without Streamlit: a sweep directory ->
its landscape figures, the values of its axes, and a filtered slice of its rows.

Every read goes through DuckDB over the partition files (:func:`tokenfab.sweep.query.connect`),
so a sweep larger than memory is browsed in bounded memory: the page asks for aggregates and
at most ``limit`` rows, never the whole table. The figures are the report's
(:mod:`tokenfab.report.figures.sweep`), not a second copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tokenfab.errors import TokenfabError

#: environment variable through which ``tokenfab app --sweep DIR`` hands DIR to the page
ENV = "TOKENFAB_SWEEP_DIR"
#: the text axes a user filters on (columns of the store)
TEXT_AXES: tuple[str, ...] = ("model", "hardware", "workload", "precision", "software")
#: rows shown at most in the table (the count of all matching rows is shown beside it)
ROW_LIMIT = 1000


def _lib() -> Any:
    try:
        import tokenfab.sweep as lib
    except ModuleNotFoundError as e:
        raise TokenfabError(f"needs the sweep extra ({e.name} is not installed): "
                            "pip install 'tokenfab[sweep]'") from None
    return lib


def check_sweep_dir(path: str | Path, field_name: str = "--sweep") -> Path:
    """``path`` as a sweep directory with at least one finished partition, or a
    :class:`TokenfabError` naming ``field_name``, the value and what is expected."""
    text = str(path).strip()
    shown = text if len(text) <= 200 else text[:200] + "..."
    if not text:
        raise TokenfabError("is empty; give a sweep directory (written by tokenfab sweep)",
                            field=field_name, value=text)
    p = Path(text).expanduser()
    try:
        exists, is_dir = p.exists(), p.is_dir()
        has_manifest = is_dir and (p / "manifest.json").is_file()
    except OSError as e:  # e.g. a name longer than the file system allows
        raise TokenfabError(f"{shown!r} cannot be read as a directory ({e.strerror}); give a "
                            "sweep directory (written by tokenfab sweep)", field=field_name,
                            value=shown) from None
    if not exists:
        raise TokenfabError(f"{shown!r} does not exist; give a sweep directory (written by "
                            "tokenfab sweep)", field=field_name, value=shown)
    if not is_dir:
        raise TokenfabError(f"{shown!r} is not a directory; give a sweep directory (written by "
                            "tokenfab sweep)", field=field_name, value=shown)
    if not has_manifest:
        raise TokenfabError(f"{shown!r} is not a sweep directory (no manifest.json; write one "
                            "with tokenfab sweep SPEC.toml --out DIR)", field=field_name,
                            value=shown)
    try:
        store = _lib().Store.open(p)
    except TokenfabError as e:
        raise TokenfabError(str(e).removeprefix(f"{e.field}: ") if e.field else str(e),
                            field=field_name, value=shown) from None
    if not any(f.is_file() for f in store.files()):
        raise TokenfabError(f"{shown!r} has no finished partitions yet (run or --resume the "
                            "sweep)", field=field_name, value=shown)
    return p


def stamp(path: Path) -> float:
    """Modification time of the manifest: a cache key that changes when the sweep does."""
    return (path / "manifest.json").stat().st_mtime


@dataclass(frozen=True)
class Filters:
    """The table's filters: for each text axis the values kept (empty = all), the range of
    interactivity targets [tok/s/user], and whether infeasible points are shown."""

    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    interactivity: tuple[float, float] | None = None
    feasible_only: bool = False


def axis_values(path: Path) -> dict[str, list[Any]]:
    """The distinct values of each text axis and of ``interactivity_target`` in the store."""
    con, _ = _connect(path)
    out: dict[str, list[Any]] = {}
    for col in (*TEXT_AXES, "interactivity_target"):
        out[col] = [r[0] for r in con.execute(
            f"SELECT DISTINCT {col} FROM sweep ORDER BY 1").fetchall()]
    return out


def _connect(path: Path) -> Any:
    _lib()
    from tokenfab.sweep.query import connect

    return connect(path)


def _where(f: Filters) -> tuple[str, list[Any]]:
    terms: list[str] = []
    params: list[Any] = []
    for col in TEXT_AXES:
        vals = f.values.get(col, ())
        if vals:
            terms.append(f"list_contains(?, {col})")
            params.append(list(vals))
    if f.interactivity is not None:
        terms.append("interactivity_target BETWEEN ? AND ?")
        params += [float(f.interactivity[0]), float(f.interactivity[1])]
    if f.feasible_only:
        terms.append("feasible")
    return (" WHERE " + " AND ".join(terms)) if terms else "", params


def filtered_rows(path: Path, f: Filters, limit: int = ROW_LIMIT) -> tuple[pd.DataFrame, int]:
    """At most ``limit`` rows matching ``f`` (in the store's key order) and the count of all
    matching rows."""
    con, _ = _connect(path)
    where, params = _where(f)
    n = int(con.execute(f"SELECT count(*) FROM sweep{where}", params).fetchone()[0])
    df: pd.DataFrame = con.execute(
        f"SELECT * FROM sweep{where} ORDER BY hardware, model, workload, precision, software, "
        f"interactivity_target, draw LIMIT {int(limit)}", params).df()
    return df, n


def landscape_pngs(path: Path) -> tuple[Any, bytes, bytes]:
    """The landscape of the sweep and the report's two figures of it, as PNG bytes:
    the winner per model x interactivity (heatmap) and the metric's spread per system."""
    from tokenfab.report import figures as F
    from tokenfab.report.figures.sweep import distribution_figure, winner_heatmap

    land = _lib().landscape(path)
    return land, F.to_png(winner_heatmap(land), dpi=100), F.to_png(distribution_figure(land),
                                                                   dpi=100)
