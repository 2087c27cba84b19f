"""Helpers shared by the CLI commands: catalog access, JSON output, stderr messages."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from tokenfab import display
from tokenfab.catalog import Catalog, load_catalog
from tokenfab.errors import TokenfabError
from tokenfab.outputs import check_output_dir, check_output_file
from tokenfab.serialize import to_jsonable

# piped output (files, CI logs) gets a wide console instead of Rich's 80-column default
stdout = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 200)
_stderr = Console(stderr=True, soft_wrap=True, highlight=False)


@dataclass
class _State:
    catalog_files: list[str] = field(default_factory=list)


state = _State()


def console_err(msg: str) -> None:
    """Print a message to stderr (no markup interpretation)."""
    _stderr.print(msg, markup=False)


def get_catalog(extra: list[str] | None = None) -> Catalog:
    """The catalog with the user files of ``--catalog`` (global and per command) merged in."""
    cat = load_catalog(list(state.catalog_files) + list(extra or []))
    for line in cat.overrides:
        console_err(f"note: {line}")
    for line in cat.warnings:
        console_err(f"warning: {line}")
    return cat


def print_json(obj: Any) -> None:
    """Print ``obj`` as JSON on stdout (strict: no NaN or infinity)."""
    sys.stdout.write(json.dumps(to_jsonable(obj), indent=2, allow_nan=False) + "\n")
    sys.stdout.flush()


def warn_implausible(doc: dict[str, Any] | None, *resolved: Any) -> list[str]:
    """Say each input outside the range its model was validated for: on stderr, and in
    ``doc["warnings"]`` (the JSON) when ``doc`` is given. ``resolved``: the run's
    :class:`~tokenfab.inputs.Resolved` (None entries are skipped)."""
    warnings = [w for r in resolved if r is not None for w in r.warnings]
    for w in warnings:
        console_err(f"warning: {w}")
    if doc is not None and warnings:
        doc["warnings"] = [*doc.get("warnings", []), *warnings]
    return warnings


def fail(message: str, **kw: Any) -> TokenfabError:
    """A TokenfabError to raise from a command (printed without traceback, exit 2)."""
    return TokenfabError(message, **kw)


def fmt_si(x: float | None, unit: str = "", digits: int = 3) -> str:
    """``1.979e15, 'FLOP/s'`` -> ``'1.98 PFLOP/s'``; None -> '—' (:func:`tokenfab.display.value`:
    money as $K/M/B/T, counts with separators, never ``e+``)."""
    if unit in ("", "count", "tokens", "tok"):
        return display.compact(x, digits) + (f" {unit}" if unit and x is not None else "")
    return display.value(x, unit, digits)


#: help text of every modelling command's ``--set`` option (one meaning everywhere)
SET_HELP = ("NAME=VALUE: set any input of the model, with units or as a range "
            "(e.g. --set 'electricity_price=70 USD/MWh' --set pue=1.1..1.2..1.4); "
            "'tokenfab <command> --inputs' lists them with defaults and sources")


def parse_set(inputs: Any, pairs: list[str] | None) -> dict[str, Any]:
    """``--set NAME=VALUE`` pairs -> ``{name: SI value}`` for an :class:`~tokenfab.inputs.InputSet`
    (bad names and values raise :class:`TokenfabError` naming the flag, value and what is allowed)."""
    return dict(inputs.parse_overrides(list(pairs or []), flag="--set")) if pairs else {}


def print_inputs(inputs: Any, catalog: Catalog | None = None,
                 context: dict[str, Any] | None = None, *, json_out: bool = False) -> None:
    """``--inputs``: the model's inputs as a table (name, unit, allowed, default, kind, source);
    with ``--json``, the same as a JSON list (:func:`inputs_records`)."""
    if json_out:
        print_json(inputs_records(inputs, catalog, context))
        return
    stdout.print(inputs.markdown_table(catalog, context), markup=False, highlight=False)


def inputs_records(inputs: Any, catalog: Catalog | None = None,
                   context: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of ``--inputs`` as data: name, doc, dimension, unit, allowed, default (SI; a range
    as ``{low, likely, high}``; None when required or not resolvable here), kind, source."""
    from tokenfab.uncertainty import Range

    try:
        res = inputs.resolve({}, catalog, context)
    except TokenfabError:
        res = None
    out: list[dict[str, Any]] = []
    for i in inputs:
        v = res.values.get(i.name) if res else None
        src = res.sources.get(i.name) if res else None
        if isinstance(v, Range):
            default: Any = {"low": float(v.low), "likely": float(v.likely), "high": float(v.high)}
        else:
            default = None if v is None else float(v)
        out.append({"name": i.name, "doc": i.doc, "dimension": i.dimension, "unit": i.unit,
                    "allowed": i.bounds or "any", "required": bool(i.required),
                    "default": default, "kind": src.kind if src else i.kind,
                    "source": src.text if src else i.source,
                    "plausible": list(i.plausible) if i.plausible else None})
    return out


def run_options(samples: int | None, seed: int | None, *, default_samples: int = 0) -> Any:
    """One :class:`~tokenfab.inputs.RunOptions` from ``--samples`` / ``--seed`` (same meaning in
    every command: Monte Carlo draws, 0 = point estimate; a NumPy seed >= 0)."""
    from tokenfab.inputs import RunOptions

    return RunOptions(default_samples if samples is None else samples, 0 if seed is None else seed)


# -- output paths: checked when the flag is read, before any computation ---------------------
#: image formats every ``--plot`` writer supports (matplotlib backends)
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def plot_option(value: Any) -> Any:
    """typer callback of ``--plot``: a writable image path (PNG, SVG or PDF) or None."""
    return None if value is None else check_output_file(value, flag="--plot",
                                                        suffixes=PLOT_SUFFIXES)


def plot_or_html_option(value: Any) -> Any:
    """typer callback of ``--plot`` where an interactive HTML page is also offered."""
    return None if value is None else check_output_file(value, flag="--plot",
                                                        suffixes=(*PLOT_SUFFIXES, ".html"))


def save_scenario_option(value: Any) -> Any:
    """typer callback of ``--save-scenario``: a writable ``.toml`` path or None."""
    return None if value is None else check_output_file(value, flag="--save-scenario",
                                                        suffixes=(".toml",))


def toml_out_option(value: Any) -> Any:
    """typer callback of a ``--out FILE`` that receives TOML."""
    return None if value is None else check_output_file(value, flag="--out", suffixes=(".toml",))


def scenario_path(value: Any) -> Any:
    """typer ``parser`` of a scenario or spec file argument: the path as typed, refused when
    empty (``Path('')`` is the current folder, which would fail later as "'.': is a
    directory", naming neither the argument nor the value)."""
    import typer

    if value is None or isinstance(value, Path):
        return value
    if not str(value).strip():
        raise typer.BadParameter(f"the path is empty ({value!r}); give a TOML file, e.g. "
                                 "scenarios/interview/free_asic.toml")
    p = Path(value)
    try:
        is_dir = p.is_dir()
    except OSError:  # a name too long for the file system: the loader says so
        is_dir = False
    if is_dir:
        raise typer.BadParameter(f"{value!r} is a directory; give a TOML file in it")
    return p


def out_dir_option(value: Any) -> Any:
    """typer callback of ``--out DIR``: a folder that exists or can be created in place."""
    return None if value is None else check_output_dir(value, flag="--out")


# -- inputs in words (shared by every command's tables) --------------------------------------
def input_label(inputs: Any, name: str) -> str:
    """An input of ``inputs`` (an :class:`~tokenfab.inputs.InputSet`) in words, from its doc."""
    inp = _find_input(inputs, name)
    return display.input_label(name, inp.doc if inp is not None else "")


def input_value(inputs: Any, name: str, v: float | None) -> str:
    """A value of an input in the unit a person reads (its declared dimension)."""
    inp = _find_input(inputs, name)
    if inp is None:
        return display.number(v)
    return display.of_dimension(v, inp.dimension, inp.unit)


def _find_input(inputs: Any, name: str) -> Any:
    return next((i for i in (inputs or ()) if getattr(i, "name", None) == name), None)
