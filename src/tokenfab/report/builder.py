"""Build the report: run every registered section, never lose one, render one HTML file.

A section whose module cannot be imported yet, or whose scenario raises, is kept in the
report as "not available: <reason>" and a warning is printed, so the report always builds.
"""

from __future__ import annotations

import datetime as _dt
import importlib
import json
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenfab.errors import TokenfabError
from tokenfab.outputs import atomic_write
from tokenfab.report.context import ReportContext, default_scenario_dir
from tokenfab.report.section import Section, Verdict
from tokenfab.report.sections import SECTIONS, SectionSpec


@dataclass
class Report:
    """A built report: where it was written and every section, available or not."""

    path: Path
    sections: list[Section]
    meta: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def unavailable(self) -> list[Section]:
        return [s for s in self.sections if not s.available]

    def to_dict(self) -> dict[str, Any]:
        return {"meta": self.meta, "seconds": round(self.seconds, 3),
                "sections": [s.to_dict() for s in self.sections]}


def tokenfab_version() -> str:
    """The installed package version (``0+unknown`` when not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tokenfab")
    except PackageNotFoundError:
        return "0+unknown"


def _where(e: BaseException) -> str:
    tb = traceback.extract_tb(e.__traceback__)
    if not tb:
        return ""
    last = tb[-1]
    return f" ({Path(last.filename).name}:{last.lineno})"


def failure_reason(spec: SectionSpec, e: BaseException) -> str:
    """One line saying why a section could not be built."""
    if isinstance(e, ModuleNotFoundError):
        missing = e.name or str(e)
        if missing.startswith("tokenfab."):
            return f"module {missing} is not available yet ({e})"
        return f"missing dependency {missing} ({e})"
    if isinstance(e, ImportError):
        return f"cannot import what this section needs: {e}"
    if isinstance(e, TokenfabError):
        return str(e)
    return f"{type(e).__name__}: {e}{_where(e)}"


def module_name(spec: SectionSpec) -> str:
    """The module of a section: a bare name lives in :mod:`tokenfab.report.sections`."""
    return spec.module if "." in spec.module else f"tokenfab.report.sections.{spec.module}"


def run_section(spec: SectionSpec, ctx: ReportContext, *, strict: bool = False) -> Section:
    """Build one section; on any failure return it as 'not available' (or raise if ``strict``)."""
    t0 = time.perf_counter()
    try:
        mod = importlib.import_module(module_name(spec))
        sec = mod.build(ctx)
        if not isinstance(sec, Section):
            raise TypeError(f"{spec.module}.build returned {type(sec).__name__}, not a Section")
        if sec.verdict is Verdict.UNAVAILABLE and sec.error is None:
            raise ValueError(f"section {spec.key} gave no verdict")
    except Exception as e:
        if strict:
            raise
        sec = Section(spec.key, spec.title, spec.claim, error=failure_reason(spec, e))
    sec.key = sec.key or spec.key
    sec.title = sec.title or spec.title
    sec.claim = sec.claim or spec.claim
    if sec.error is not None:
        sec.verdict = Verdict.UNAVAILABLE
    sec.seconds = time.perf_counter() - t0
    return sec


def _shown(path: Path) -> str:
    """A path relative to the working directory when it lies below it (no machine paths)."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _stderr_warn(msg: str) -> None:
    sys.stderr.write(f"warning: {msg}\n")


def _catalog_summary(catalog: Any) -> str:
    try:
        hw = len(catalog.hardware_ids)
        md = len(catalog.model_ids)
        text = f"built-in catalog: {hw} accelerators/systems, {md} models"
        overrides = list(getattr(catalog, "overrides", []) or [])
        if overrides:
            text += f"; {len(overrides)} user entries/overrides: " + "; ".join(overrides)
        return text
    except Exception as e:  # a summary must not stop the report
        return f"catalog ({type(e).__name__}: {e})"


def build_report(
    out_dir: str | Path,
    *,
    ctx: ReportContext | None = None,
    specs: Sequence[SectionSpec] = SECTIONS,
    only: Sequence[str] | None = None,
    progress: bool = False,
    warn: Callable[[str], None] | None = None,
    strict: bool = False,
    today: _dt.date | None = None,
) -> Report:
    """Run the sections and write ``out_dir/index.html`` (self-contained) and ``report.json``.

    Parameters
    ----------
    out_dir
        Folder to write into (created if needed).
    ctx
        Catalog, scenario folder and sampling settings; by default the built-in catalog and
        :func:`~tokenfab.report.context.default_scenario_dir`.
    specs, only
        The sections to run (default: all registered), optionally restricted to keys ``only``.
    progress
        Show a Rich progress bar (on stderr) over the sections.
    warn
        Called with a message for every section that is not available (default: stderr).
    strict
        Raise the first section failure instead of showing it as not available.
    """
    from tokenfab.report.html import render_html

    t0 = time.perf_counter()
    warn = warn or _stderr_warn
    if ctx is None:
        from tokenfab.catalog import load_catalog

        ctx = ReportContext(catalog=load_catalog(), scenario_dir=default_scenario_dir())
    chosen = list(specs)
    if only:
        keys = [s.key for s in chosen]
        bad = [k for k in only if k not in keys]
        if bad:
            from tokenfab.errors import unknown

            raise unknown("report section", bad[0], keys, field="--only")
        chosen = [s for s in chosen if s.key in only]

    sections: list[Section] = []
    if progress and not sys.stderr.isatty():
        # not a terminal (a pipe, CI, --json > file): one plain line per section on stderr
        for i, spec in enumerate(chosen, start=1):
            print(f"report: section {i}/{len(chosen)}: {spec.title}", file=sys.stderr,
                  flush=True)
            sections.append(run_section(spec, ctx, strict=strict))
        print(f"report: {len(chosen)}/{len(chosen)} sections done", file=sys.stderr, flush=True)
    elif progress:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("[bold]report[/] {task.description:<40}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                      console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("", total=len(chosen))
            for spec in chosen:
                bar.update(task, description=spec.title[:40])
                sections.append(run_section(spec, ctx, strict=strict))
                bar.advance(task)
    else:
        sections = [run_section(spec, ctx, strict=strict) for spec in chosen]
    messages = [f"section '{s.key}' not available: {s.error}" for s in sections if not s.available]
    for m in messages:
        warn(m)

    meta = {
        "title": "The AI factory, checked",
        "version": tokenfab_version(),
        "date": (today or _dt.datetime.now(_dt.UTC).date()).isoformat(),
        "catalog": _catalog_summary(ctx.catalog),
        "scenario_dir": _shown(ctx.scenario_dir),
        "samples": ctx.samples,
        "seed": ctx.seed,
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = Report(out / "index.html", sections, meta, warnings=messages)
    report.seconds = time.perf_counter() - t0
    # each file whole or not at all: an interrupt (Ctrl-C) never leaves half a page
    atomic_write(report.path, render_html(report))
    atomic_write(out / "report.json", json.dumps(report.to_dict(), indent=2, allow_nan=False))
    return report
