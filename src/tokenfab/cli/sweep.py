"""``tokenfab sweep SPEC.toml --out DIR`` (run or resume a sweep) and
``tokenfab sweep query DIR "SQL"`` (DuckDB over its results)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup

from tokenfab import display
from tokenfab.cli.common import (
    console_err,
    out_dir_option,
    print_json,
    scenario_path,
    state,
    stdout,
)
from tokenfab.errors import TokenfabError


class _RunByDefault(TyperGroup):
    """``tokenfab sweep SPEC ...`` is ``tokenfab sweep run SPEC ...`` (``query`` is a command)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


sweep_app = typer.Typer(cls=_RunByDefault, no_args_is_help=True, add_completion=False,
                        rich_markup_mode=None,
                        help="Design-space sweeps on Dask into a Parquet store; "
                        "'tokenfab sweep SPEC.toml --out DIR' runs one, "
                        "'tokenfab sweep query DIR \"SQL\"' reads it (docs/sweep.md).")


def _lib() -> Any:
    """The sweep package (its dependencies are the optional ``sweep`` extra)."""
    try:
        import tokenfab.sweep as lib
    except ModuleNotFoundError as e:
        raise TokenfabError(f"needs the sweep extra ({e.name} is not installed): "
                            "pip install 'tokenfab[sweep]'") from None
    return lib


def _env_catalog_files() -> list[str]:
    return [p for p in os.environ.get("TOKENFAB_CATALOG", "").split(os.pathsep) if p]


def _fmt_s(s: float | None) -> str:
    if s is None:
        return "?"
    s = int(round(s))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


@sweep_app.command("run")
def run_cmd(
    spec_file: Path = typer.Argument(..., metavar="SPEC.toml", parser=scenario_path,
                                    help="the sweep spec"),
    out: str = typer.Option(..., "--out", "-o", callback=out_dir_option, metavar="DIR", help="results directory"),
    workers: int | None = typer.Option(None, "--workers", min=0,
                                       help="local worker processes (default: one per core; "
                                       "0: no Dask, run in this process)"),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="tcp://HOST:8786",
                                         help="address of a running Dask scheduler"),
    resume: bool = typer.Option(False, "--resume", help="finish an interrupted sweep in DIR: "
                                "finished partitions are kept"),
    json_out: bool = typer.Option(False, "--json", help="print the run summary as JSON"),
) -> None:
    """Run a sweep: every point of SPEC's axes through its model chain, into DIR."""
    lib = _lib()
    if workers is not None and scheduler is not None:
        raise TokenfabError("give --workers or --scheduler, not both", field="--workers")
    spec = lib.load_spec(spec_file, catalog_files=_env_catalog_files() + list(state.catalog_files))
    show = sys.stderr.isatty() and not json_out

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TextColumn

    bar = Progress(TextColumn("[bold]sweep[/]"), BarColumn(),
                   TextColumn("{task.completed:,.0f}/{task.total:,.0f} points"),
                   TextColumn("{task.fields[rate]} points/s  ETA {task.fields[eta]}"),
                   TextColumn("{task.fields[failed]}"),
                   console=Console(stderr=True), transient=False, disable=not show)
    task: list[TaskID] = []

    def on_start(n: int, dashboard: str | None, nworkers: int) -> None:
        where = "this process" if scheduler is None and workers == 0 else (
            f"{nworkers} Dask workers" + (f" at {scheduler}" if scheduler else " (local)"))
        console_err(f"sweep: {n} of {len(spec.partitions())} partitions to compute "
                    f"({spec.points_per_partition():,} points each) on {where}")
        if dashboard:
            console_err(f"Dask dashboard: {dashboard}")
        task.append(bar.add_task("", total=n * spec.points_per_partition(), rate="-", eta="?",
                                 failed=""))

    def progress(p: Any) -> None:
        if task:
            bar.update(task[0], completed=p.done_points, rate=f"{p.points_per_s:,.0f}",
                       eta=_fmt_s(p.eta_s),
                       failed=f"{p.failed_partitions} failed" if p.failed_partitions else "")

    with bar:
        res = lib.run_sweep(spec, out, workers=workers, scheduler=scheduler, resume=resume,
                            progress=progress, on_start=on_start)
    if json_out:
        print_json(res.to_dict())
    else:
        stdout.print(f"wrote {res.points:,} points ({res.computed_partitions} partitions, "
                     f"{res.skipped_partitions} already done) to {res.out} in "
                     f"{res.seconds:.1f} s ({res.points_per_s:,.0f} points/s)",
                     markup=False, highlight=False)
    for key, err in res.failed.items():
        console_err(f"partition {key} failed: {err}")
    if res.failed:
        raise typer.Exit(1)


@sweep_app.command("query")
def query_cmd(
    directory: Path = typer.Argument(..., metavar="DIR", help="a sweep directory"),
    sql: str = typer.Argument(..., metavar="SQL", help="DuckDB SQL over the view 'sweep'"),
    json_out: bool = typer.Option(False, "--json", help="print the rows as JSON"),
    csv: bool = typer.Option(False, "--csv", help="print the rows as CSV"),
    limit: int = typer.Option(50, "--limit", min=0, help="rows to print as a table (0: all)"),
) -> None:
    """Query a sweep with DuckDB SQL (the rows are the view 'sweep')."""
    df = _lib().query(directory, sql)
    if json_out:
        print_json(df.to_dict(orient="records"))
    elif csv:
        sys.stdout.write(df.to_csv(index=False))
    else:
        shown = df if limit == 0 else df.head(limit)
        # numbers for people (no float noise, no e+); --csv / --json keep the raw values
        stdout.print(shown.to_string(index=False, float_format=display.number), markup=False,
                     highlight=False)
        if len(shown) < len(df):
            stdout.print(f"({len(df) - len(shown)} more rows; --limit 0 shows all)",
                         markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(sweep_app, name="sweep")
