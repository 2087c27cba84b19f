"""``tokenfab report`` (the HTML report on the interview's claims) and ``tokenfab app``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from tokenfab.cli.common import (
    console_err,
    get_catalog,
    out_dir_option,
    print_json,
    run_options,
    stdout,
)
from tokenfab.errors import TokenfabError


def report(
    out: str = typer.Option("report", "-o", "--out", callback=out_dir_option, metavar="DIR",
                             help="folder to write index.html (self-contained) and report.json into"),
    scenarios: Path | None = typer.Option(None, "--scenarios", metavar="DIR",
                                          help="folder of the interview scenarios "
                                          "(default: scenarios/interview)"),
    samples: int | None = typer.Option(None, "--samples", min=100, max=200_000,
                                       help="Monte Carlo draws per uncertain output (default "
                                       "2000, or a scenario file's own; given here, it wins)"),
    seed: int | None = typer.Option(None, "--seed", help="random seed of every Monte Carlo run "
                                    "(default 0, or a scenario file's own; given here, it wins)"),
    only: list[str] = typer.Option([], "--only", metavar="KEY",
                                   help="build only these sections (repeatable)"),
    strict: bool = typer.Option(False, "--strict",
                                help="fail on the first section that cannot be built"),
    json_out: bool = typer.Option(False, "--json", help="print the verdicts as JSON"),
    catalog: list[str] = typer.Option([], "--catalog", metavar="FILE",
                                      help="extra TOML catalog file (repeatable)"),
    sweep: Path | None = typer.Option(None, "--sweep", metavar="DIR",
                                      help="add a section with the landscape of this sweep "
                                      "directory (tokenfab sweep)"),
) -> None:
    """Write the report: every claim of the interview, the models' numbers, charts, sources and
    a verdict. Sections whose model is not available are shown as such (and warned about)."""
    from tokenfab.report import ReportContext, build_report, default_scenario_dir

    run_options(samples, seed)  # --seed >= 0, as in every command
    try:
        is_dir = scenarios is None or scenarios.is_dir()
    except (OSError, ValueError) as e:  # a name too long, a NUL byte
        raise TokenfabError(f"cannot read this folder: {e}", field="--scenarios",
                            value=str(scenarios)) from None
    if not is_dir:
        raise TokenfabError("must be a folder of scenario files", field="--scenarios",
                            value=str(scenarios))
    ctx = ReportContext(catalog=get_catalog(catalog),
                        scenario_dir=scenarios if scenarios is not None else default_scenario_dir(),
                        samples=2000 if samples is None else samples,
                        seed=0 if seed is None else seed,
                        explicit=frozenset(k for k, v in (("samples", samples), ("seed", seed))
                                           if v is not None))
    extra = _sweep_section(ctx, sweep)
    try:
        rep = build_report(out, ctx=ctx, only=only or None, **extra, progress=True,
                           warn=lambda m: console_err(f"warning: {m}"), strict=strict)
    except TokenfabError:
        raise
    except Exception as e:
        if strict:
            raise TokenfabError(f"report section failed: {type(e).__name__}: {e}") from e
        raise
    if json_out:
        print_json({"path": str(rep.path), "seconds": rep.seconds,
                    "sections": [{"key": s.key, "title": s.title, "verdict": s.verdict.value,
                                  "reason": s.reason if s.available else s.error}
                                 for s in rep.sections]})
        return
    for s in rep.sections:
        stdout.print(f"  {s.verdict.value:<17} {s.title}", markup=False, highlight=False)
    stdout.print(f"wrote {rep.path} ({rep.path.stat().st_size / 1e6:.1f} MB) in {rep.seconds:.1f} s",
                 markup=False, highlight=False)


def _sweep_section(ctx: Any, sweep: Path | None) -> dict[str, Any]:
    """``--sweep DIR``: the registered sections plus the sweep's landscape section."""
    if sweep is None:
        return {}
    from tokenfab.app.sweep_view import check_sweep_dir

    sweep = check_sweep_dir(sweep)  # the same checks (and messages) as tokenfab app --sweep
    from tokenfab.report.sections import SECTIONS
    from tokenfab.report.sections.sweep import SPEC

    ctx.extras["sweep_dir"] = sweep
    return {"specs": (*SECTIONS, SPEC)}


def app_command(
    port: int = typer.Option(8501, "--port", min=0, max=65535,
                             help="port to serve on (0 picks a free one)"),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
    dry_run: bool = typer.Option(False, "--dry-run", help="print the command instead of running it"),
    sweep: Path | None = typer.Option(None, "--sweep", metavar="DIR",
                                      help="show the landscape of this sweep directory "
                                      "(tokenfab sweep) instead of the model dashboard"),
) -> None:
    """Launch the interactive dashboard (Streamlit, headless) and print its URL."""
    from tokenfab.app import APP_FILE, SWEEP_APP_FILE
    from tokenfab.app.server import free_port, serve, streamlit_command

    script = APP_FILE
    if sweep is not None:
        import os

        from tokenfab.app.sweep_view import ENV, check_sweep_dir

        os.environ[ENV] = str(check_sweep_dir(sweep).resolve())  # the page reads it
        script = SWEEP_APP_FILE
    if port == 0:
        try:
            port = free_port(host)
        except OSError as e:  # socket.gaierror: an address this machine cannot listen on
            raise TokenfabError(f"cannot listen on this address: {e}", field="--host",
                                value=host, allowed="an IPv4 address or host name of this "
                                "machine, e.g. 127.0.0.1 or 0.0.0.0") from None
    cmd = streamlit_command(port, host, script)
    if dry_run:
        print(" ".join(cmd))
        return
    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise TokenfabError("the dashboard needs streamlit: pip install 'tokenfab[app]'") from None
    console_err(f"tokenfab app: http://{host}:{port}  (Ctrl-C to stop)")
    rc = serve(cmd)
    if rc:
        raise typer.Exit(rc)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.command("app")(app_command)
