"""Command-line interface: thin wrappers that parse, call the library and print.

Each command group lives in its own module here and exposes ``register(app)``; add a module
name to :data:`COMMAND_MODULES` to wire it in. Bad input (a :class:`TokenfabError` or a
usage error) prints one clear message to stderr and exits 2, never a traceback.
"""

from __future__ import annotations

import importlib

import typer

from tokenfab.cli.common import console_err, state
from tokenfab.errors import TokenfabError

#: command modules under tokenfab.cli, each with a ``register(app)`` function
COMMAND_MODULES: tuple[str, ...] = ("catalog", "report", "market", "cluster", "factory", "plan", "demand", "perf")
COMMAND_MODULES += ("sweep",)  # tokenfab sweep (needs the sweep extra; see cli/sweep.py)

app = typer.Typer(
    name="tokenfab",
    help="tokenfab: the AI factory, checked. First-principles models of LLM inference, "
    "factory economics, compute demand and large clusters, with a sourced catalog.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    catalog: list[str] = typer.Option(
        [], "--catalog", metavar="FILE", help="TOML file of extra/overriding accelerators and models "
        "(repeatable; also read from $TOKENFAB_CATALOG)."),
) -> None:
    state.catalog_files = list(catalog)


_registered = False


def _register_all() -> None:
    global _registered
    if _registered:
        return
    for name in COMMAND_MODULES:
        importlib.import_module(f"tokenfab.cli.{name}").register(app)
    _registered = True


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tokenfab`` console script."""
    _register_all()
    cmd = typer.main.get_command(app)
    try:
        rv = cmd.main(args=argv, prog_name="tokenfab", standalone_mode=False)
    except TokenfabError as e:
        console_err(f"error: {e}")
        return e.exit_code
    except KeyboardInterrupt:
        console_err("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # click-style exceptions (typer vendors click): duck-typed
        kind = type(e).__name__
        if kind == "NoArgsIsHelpError":
            ctx = getattr(e, "ctx", None)
            print(ctx.get_help() if ctx is not None else str(e))
            return 0
        if kind == "Exit":
            return int(getattr(e, "exit_code", 0) or 0)
        if kind == "Abort":
            console_err("aborted")
            return 1
        if hasattr(e, "format_message") and hasattr(e, "exit_code"):
            ctx = getattr(e, "ctx", None)
            hint = f"\nRun '{ctx.command_path} --help' for usage." if ctx is not None else ""
            console_err(f"error: {e.format_message()}{hint}")
            code = int(e.exit_code)
            return 2 if code == 1 and "Usage" in kind else code
        raise
    return rv if isinstance(rv, int) else 0

