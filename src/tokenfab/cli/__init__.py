"""Command-line interface: thin wrappers that parse, call the library and print.

Each command group lives in its own module here and exposes ``register(app)``; add a module
name to :data:`COMMAND_MODULES` to wire it in. Bad input (a :class:`TokenfabError` or a
usage error) prints one clear message to stderr and exits 2, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

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


def _command_name(argv: list[str]) -> str:
    """The command path of ``argv`` (``factory``, ``catalog show``), for the net's messages."""
    words: list[str] = []
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "--catalog":
            skip = True
            continue
        if a.startswith("-") or len(words) == 2:
            break
        if words:  # a second word only when the first is a group (``catalog show``)
            group = typer.main.get_command(app)
            sub = getattr(group, "commands", {}).get(words[0])
            if a not in (getattr(sub, "commands", None) or {}):
                break
        words.append(a)
    return " ".join(words) or "tokenfab"


def _flag_value(argv: list[str], flag: str) -> str | None:
    for i, a in enumerate(argv):
        if a == flag and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith(flag + "="):
            return a.split("=", 1)[1]
    return None


def _net_message(e: BaseException, argv: list[str]) -> str:
    """The message of main()'s last-resort net (see :func:`main`)."""
    name = _command_name(argv)
    if isinstance(e, MemoryError):
        samples = _flag_value(argv, "--samples")
        size = f"--samples {samples} too large for memory" if samples else \
            "the run is too large for memory"
        return (f"{name}: {size} (a {type(e).__name__}); use fewer samples, accelerators or "
                f"days, or a smaller range")
    what = "recursion too deep" if isinstance(e, RecursionError) else "input out of range"
    return (f"{name}: {what}: a value is beyond what the model can compute "
            f"({type(e).__name__}: {e}); check the magnitudes of the inputs")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tokenfab`` console script.

    Bad input (a :class:`TokenfabError`, a usage error) exits 2 with one message. A last-resort
    net also turns resource and arithmetic failures on absurd input into exit 2 instead of a
    traceback: ``MemoryError`` ("--samples N too large for memory"), ``RecursionError``,
    ``OverflowError`` and NumPy's ``FloatingPointError`` ("<command>: input out of range").
    The net is not the fix: each case it catches is a missing declared bound in a model's
    ``Input`` (the fuzzing suite, ``tests/fuzz``, lists them). Ctrl-C exits 130.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        _register_all()  # inside: a Ctrl-C while the commands import is still exit 130
        cmd = typer.main.get_command(app)
        rv = cmd.main(args=argv, prog_name="tokenfab", standalone_mode=False)
    except TokenfabError as e:
        console_err(f"error: {e}")
        return e.exit_code
    except KeyboardInterrupt:
        console_err("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except (MemoryError, RecursionError, OverflowError, FloatingPointError) as e:
        console_err(f"error: {_net_message(e, args)}")
        return 2
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

