"""Scenario files: TOML, validated once at the boundary by pydantic.

A scenario file has a few top-level keys (``title``, ``description``, ``claim``) and one
table per command that reads it (``[factory]``, ``[demand]``, ``[market]``, ``[cluster]``,
``[plan]``, ``[predict]`` ...). Each module declares its section as a pydantic model and
registers it with :func:`register_section`; every command then loads its section with
:func:`load_section`.

Fields are written the way people write them::

    [factory]
    power = "2 GW"                                   # a quantity with a unit
    electricity_price = "80 USD/MWh"
    interactivity = "50 tok/s"
    pue = { low = 1.1, likely = 1.2, high = 1.4 }    # any number may be a range
    building_cost = { low = "8 USD/W", likely = "10 USD/W", high = "14 USD/W", dist = "triangular" }

Declare such fields with :func:`Quantity` (a number) or :func:`Uncertain` (a number or a
:class:`~tokenfab.uncertainty.Range`). Bad input raises :class:`~tokenfab.errors.TokenfabError`
naming the file, the field, the value and what is allowed; unknown keys get a "did you mean".
:func:`write_resolved` writes the scenario back with every default filled in, so a run can be
reproduced.
"""

from __future__ import annotations

import json
import math
import tomllib
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError

from tokenfab.errors import TokenfabError, did_you_mean
from tokenfab.outputs import atomic_write, check_output_file
from tokenfab.uncertainty import Range
from tokenfab.units import format_quantity, parse_quantity

__all__ = [
    "Dimension",
    "Quantity",
    "ScenarioSection",
    "Uncertain",
    "load_section",
    "load_toml",
    "register_section",
    "humanize",
    "save_resolved",
    "scenario_to_dict",
    "write_resolved",
]

T = TypeVar("T", bound=BaseModel)

_TOP_LEVEL = {"title", "description", "claim", "claims", "verdict_note"}
SECTIONS: dict[str, type[BaseModel]] = {}


class ScenarioSection(BaseModel):
    """Base class of a scenario section: unknown keys are errors, defaults are explicit."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, validate_default=True)


def register_section(name: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: make ``[name]`` a known section of scenario files."""

    def deco(cls: type[T]) -> type[T]:
        SECTIONS[name] = cls
        return cls

    return deco


def bounds_text(gt: float | None, ge: float | None, lt: float | None, le: float | None) -> str:
    """``"> 0 and <= 1"``: the bounds of a field as a person reads them."""
    parts = []
    if gt is not None:
        parts.append(f"> {gt:g}")
    if ge is not None:
        parts.append(f">= {ge:g}")
    if lt is not None:
        parts.append(f"< {lt:g}")
    if le is not None:
        parts.append(f"<= {le:g}")
    return " and ".join(parts)


def _check_bounds(v: float, raw: Any, gt: float | None, ge: float | None, lt: float | None,
                  le: float | None, unit: str, spellings: dict[str, float] | None = None) -> None:
    ok = ((gt is None or v > gt) and (ge is None or v >= ge)
          and (lt is None or v < lt) and (le is None or v <= le))
    if not ok:
        u = f" {unit}" if unit else ""
        # the bounds also in the unit the value was written in ('80 USD/MWh' -> USD/MWh)
        given = raw.split(maxsplit=1)[1].strip() if isinstance(raw, str) and " " in raw.strip() else ""
        k = (spellings or {}).get(given)
        also = ""
        if k and given != unit:
            b = [None if x is None else x / k for x in (gt, ge, lt, le)]
            also = f" (in {given}: {bounds_text(*b)})"
        raise ValueError(f"must be {bounds_text(gt, ge, lt, le)}{u}{also}; got {raw!r}")


def _quantity_validator(dimension: str, gt: float | None, ge: float | None, lt: float | None,
                        le: float | None, allow_range: bool) -> Callable[[Any], Any]:
    from tokenfab.units import _UNITS  # base unit names for messages

    unit, spellings = _UNITS[dimension][0], _UNITS[dimension][1]

    def one(raw: Any) -> float:
        try:
            v = parse_quantity(raw, dimension)
        except TokenfabError as e:
            raise ValueError(str(e)) from None
        _check_bounds(v, raw, gt, ge, lt, le, unit, spellings)
        return v

    def validate(raw: Any) -> Any:
        if isinstance(raw, Range):
            return raw
        if isinstance(raw, dict):
            if not allow_range:
                raise ValueError("a range is not allowed here; give one number")
            keys = set(raw)
            extra = keys - {"low", "likely", "high", "dist"}
            if extra or not {"low", "high"} <= keys:
                raise ValueError("a range needs 'low' and 'high' (and optionally 'likely', 'dist'); "
                                 f"got keys {sorted(keys)}")
            lo, hi = one(raw["low"]), one(raw["high"])
            mid = one(raw["likely"]) if "likely" in raw else (lo + hi) / 2.0
            try:
                return Range(lo, mid, hi, str(raw.get("dist", "pert")))
            except ValueError as e:
                raise ValueError(str(e)) from None
        return one(raw)

    return validate


@dataclass(frozen=True, slots=True)
class Dimension:
    """Marks a scenario field as a quantity of ``dimension``: the writer puts it back in the
    units a person types (:func:`tokenfab.units.format_quantity`)."""

    dimension: str


def Quantity(dimension: str = "count", *, gt: float | None = None, ge: float | None = None,
             lt: float | None = None, le: float | None = None) -> Any:
    """A float field read from a number or ``"<number> <unit>"`` of ``dimension``."""
    return Annotated[float, PlainValidator(_quantity_validator(dimension, gt, ge, lt, le, False)),
                     Dimension(dimension)]


def Uncertain(dimension: str = "count", *, gt: float | None = None, ge: float | None = None,
              lt: float | None = None, le: float | None = None) -> Any:
    """A field that is a quantity or a range ``{low, likely, high[, dist]}`` of quantities."""
    return Annotated[Any, PlainValidator(_quantity_validator(dimension, gt, ge, lt, le, True)),
                     Dimension(dimension)]


# -----------------------------------------------------------------------------------
# loading
# -----------------------------------------------------------------------------------
def load_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file; a missing file or bad TOML raises a :class:`TokenfabError`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TokenfabError("scenario file not found", file=str(p)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise TokenfabError(f"cannot read scenario file: {e}", file=str(p)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TokenfabError(f"not valid TOML: {e}", file=str(p)) from None


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the (nested) model that holds ``loc``'s last element."""
    cur: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or not (isinstance(cur, type) and issubclass(cur, BaseModel)):
            continue
        f = cur.model_fields.get(str(part))
        if f is None:
            return []
        ann = f.annotation
        args = getattr(ann, "__args__", ()) or ()
        nxt = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if nxt is None:
            # list[Model] / dict[str, Model]
            for a in args:
                inner = [x for x in getattr(a, "__args__", ()) if isinstance(x, type)
                         and issubclass(x, BaseModel)]
                if inner:
                    nxt = inner[0]
        if nxt is None:
            return []
        cur = nxt
    return list(cur.model_fields) if isinstance(cur, type) and issubclass(cur, BaseModel) else []


def format_validation_error(err: ValidationError, model: type[BaseModel], file: str | None,
                            prefix: str = "") -> TokenfabError:
    """Turn pydantic's error into one message that names file, field, value and what is allowed."""
    lines = []
    for e in err.errors():
        loc = tuple(e.get("loc", ()))
        field = ".".join(str(x) for x in ((prefix,) if prefix else ()) + loc)
        typ = e.get("type", "")
        value = e.get("input")
        if typ == "extra_forbidden":
            names = _fields_at(model, loc)
            guess = did_you_mean(str(loc[-1]), names) if names else None
            msg = f"unknown key '{loc[-1]}'"
            msg += f"; did you mean '{guess}'?" if guess else ""
            if names:
                msg += f" (allowed: {', '.join(names)})"
        elif typ == "missing":
            msg = "missing required key"
        else:
            msg = str(e.get("msg", "invalid value")).removeprefix("Value error, ")
            if "got" not in msg:
                msg += f"; got {value!r}"
        lines.append(f"{field}: {msg}" if field else msg)
    text = lines[0] if len(lines) == 1 else "invalid input:\n  " + "\n  ".join(lines)
    return TokenfabError(text, file=file)


def validate_section(model: type[T], data: Any, *, file: str | None = None, prefix: str = "") -> T:
    """Validate ``data`` against a section model; errors become :class:`TokenfabError`."""
    if not isinstance(data, dict):
        raise TokenfabError(f"must be a table, got {type(data).__name__}", file=file, field=prefix or None)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise format_validation_error(e, model, file, prefix) from None


#: modules that declare the scenario sections of the shipped commands; imported before a
#: file's top level is checked, so a file with several sections is valid for every command
SECTION_MODULES: tuple[str, ...] = (
    "tokenfab.perf.claims",
    "tokenfab.factory.spec",
    "tokenfab.demand.inputs",
    "tokenfab.market.inputs",
    "tokenfab.cluster.site",
    "tokenfab.plan.inputs",
)


def _import_sections() -> None:
    import importlib

    for m in SECTION_MODULES:
        importlib.import_module(m)


def check_top_level(data: dict[str, Any], file: str) -> None:
    """Unknown top-level keys / sections are errors with a 'did you mean'."""
    _import_sections()
    allowed = _TOP_LEVEL | set(SECTIONS)
    for k in data:
        if k not in allowed:
            guess = did_you_mean(k, allowed)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise TokenfabError(f"unknown section or key '{k}'{hint} (allowed: "
                                f"{', '.join(sorted(allowed))})", file=file, field=k)


def load_section(path: str | Path, name: str, model: type[T], *, required: bool = True,
                 overrides: dict[str, Any] | None = None) -> T:
    """Load ``[name]`` of the scenario file at ``path`` as ``model``.

    A file without that section gives the defaults when ``required`` is False. ``overrides``
    (e.g. CLI flags) replace the file's fields before validation; None values are ignored.
    """
    data = load_toml(path)
    check_top_level(data, str(path))
    if name not in data:
        if required:
            raise TokenfabError(f"has no [{name}] section", file=str(path), field=name)
        data[name] = {}
    raw = data[name]
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    if given and isinstance(raw, dict):
        raw = {**raw, **given}
    return validate_section(model, raw, file=str(path), prefix=name)


def scenario_meta(path: str | Path) -> dict[str, str]:
    """``title``, ``description`` and ``claim`` of a scenario file (empty strings if absent)."""
    data = load_toml(path)
    return {k: str(data.get(k, "")) for k in ("title", "description", "claim")}


# -----------------------------------------------------------------------------------
# writing
# -----------------------------------------------------------------------------------
def _plain(v: Any) -> Any:
    if isinstance(v, Range):
        return {"low": v.low, "likely": v.likely, "high": v.high, "dist": v.dist}
    if isinstance(v, BaseModel):
        return {k: _plain(x) for k, x in v}
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def scenario_to_dict(section: BaseModel) -> dict[str, Any]:
    """A section as plain data (ranges as ``{low, likely, high, dist}`` tables), SI units."""
    return {k: _plain(x) for k, x in section}


def _dimension_of(annotation: Any) -> str | None:
    """The :class:`Dimension` marked on a field's annotation (inside ``X | None`` too)."""
    if typing.get_origin(annotation) is Annotated:
        for m in typing.get_args(annotation)[1:]:
            if isinstance(m, Dimension):
                return m.dimension
    for a in typing.get_args(annotation):
        d = _dimension_of(a)
        if d is not None:
            return d
    return None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """Section models an annotation holds (``Model``, ``Model | None``, ``list[Model]``,
    ``dict[str, Model]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for a in typing.get_args(annotation):
        out += _models_in(a)
    return out


def _human(value: Any, dimension: str) -> Any:
    """A plain quantity or range table in the units a person types (exact on reading back)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return format_quantity(float(value), dimension)
    if _is_range(value) and all(isinstance(value.get(k), (int, float)) for k in ("low", "high")):
        mid = value.get("likely", value["low"])
        first = format_quantity(float(mid), dimension)
        unit = first.split(" ", 1)[1] if isinstance(first, str) and " " in first else None
        out = dict(value)
        for k in ("low", "likely", "high"):
            if isinstance(value.get(k), (int, float)) and not isinstance(value.get(k), bool):
                out[k] = format_quantity(float(value[k]), dimension, unit=unit)
        return out
    return value


def humanize(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a section as :func:`scenario_to_dict` gives it, SI) with every quantity field
    written as ``"5.5 years"``, ``"70 USD/MWh"`` ...; each reads back to exactly the same float.
    Sub-tables and arrays of tables are walked with their own models."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        field = model.model_fields.get(k)
        if field is None:
            out[k] = v
            continue
        dim = _dimension_of(field.annotation)
        if dim is None:
            for m in field.metadata:
                if isinstance(m, Dimension):
                    dim = m.dimension
        if dim is not None:
            out[k] = _human(v, dim)
            continue
        subs = _models_in(field.annotation)
        origins = {typing.get_origin(a) for a in (field.annotation, *typing.get_args(field.annotation))}
        if not subs:
            out[k] = v
        elif isinstance(v, dict) and dict in origins:  # dict[str, Model]
            out[k] = {a: humanize(subs[0], b) if isinstance(b, dict) else b for a, b in v.items()}
        elif isinstance(v, dict):
            out[k] = humanize(subs[0], v)
        elif isinstance(v, list):
            out[k] = [humanize(subs[0], x) if isinstance(x, dict) else x for x in v]
        else:
            out[k] = v
    return out


def toml_scalar(v: Any) -> str:
    """A value as TOML (numbers, booleans, strings, inline tables and arrays); NaN/inf refused."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError("non-finite value cannot be written")
        return repr(v)
    if v is None:
        return '""'
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_scalar(x)}" for k, x in v.items()) + " }"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_scalar(x) for x in v) + "]"
    return json.dumps(str(v), ensure_ascii=False)  # a TOML basic string is a JSON string


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() else f'"{k}"'


def _is_range(v: Any) -> bool:
    return isinstance(v, dict) and {"low", "high"} <= set(v) and set(v) <= {"low", "likely", "high",
                                                                          "dist"}


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def _comment(text: str | None) -> str:
    return f"  # {' '.join(str(text).split())}" if text else ""


def _inline(v: Any) -> str:
    """A value on one line; ``None`` entries of inline tables are left out (TOML has no null)."""
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_inline(x)}" for k, x in v.items()
                                if x is not None) + " }"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_inline(x) for x in v) + "]"
    return toml_scalar(v)


def _write_table(out: list[str], header: str, table: dict[str, Any], comments: dict[str, str],
                 prefix: str, header_comment: str | None = None) -> None:
    """``[header]``, then its scalar keys, then its sub-tables and arrays of tables (TOML needs
    that order). ``None`` values are left out: a field that is not set stays not set."""
    out.append(f"\n[{header}]{_comment(header_comment)}")
    nested = []
    for k, v in table.items():
        if v is None:
            continue
        if (isinstance(v, dict) and v and not _is_range(v)) or _is_table_array(v):
            nested.append((k, v))
            continue
        out.append(f"{_key(k)} = {_inline(v)}{_comment(comments.get(f'{prefix}.{k}'))}")
    for k, v in nested:
        if isinstance(v, dict):
            _write_table(out, f"{header}.{_key(k)}", v, comments, f"{prefix}.{k}",
                         comments.get(f"{prefix}.{k}"))
        else:
            first = True
            for item in v:
                out.append(f"\n[[{header}.{_key(k)}]]"
                           + (_comment(comments.get(f"{prefix}.{k}")) if first else ""))
                first = False
                out.extend(f"{_key(a)} = {_inline(b)}" for a, b in item.items() if b is not None)


def to_toml(sections: dict[str, Any], comments: dict[str, str] | None = None) -> str:
    """Serialize ``{"title": ..., "factory": {...}}`` to TOML; ``comments`` maps
    ``section.field`` (``section.table.field`` in sub-tables) to a trailing comment (e.g. the
    source of a default). Tables that are not ranges become sub-tables (``[demand.growth]``);
    ``None`` values are left out."""
    comments = comments or {}
    out: list[str] = []
    for k, v in sections.items():
        if not isinstance(v, dict) and v is not None:
            out.append(f"{_key(k)} = {toml_scalar(v)}")
    for k, v in sections.items():
        if isinstance(v, dict):
            _write_table(out, _key(k), v, comments, k)
    return "\n".join(out).strip() + "\n"


_HEADER = ("# resolved by tokenfab: every default filled in, quantities in the units people type "
           "(each reads back to exactly the value that ran)\n")


def write_resolved(out_dir: str | Path, name: str, section: BaseModel,
                   meta: dict[str, str] | None = None, comments: dict[str, str] | None = None,
                   *, path: str | Path | None = None) -> Path:
    """Write ``out_dir/resolved_<name>.toml`` (or exactly ``path`` when given): the section with
    every default filled in; ``comments`` maps a field (``growth.users`` in a sub-table) to a
    trailing comment."""
    if path is None:  # into a folder the caller owns (the report's): create it
        target = Path(out_dir) / f"resolved_{name}.toml"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise TokenfabError(f"cannot create the folder: {e}", file=str(target)) from None
    else:  # a path the user named: checked, never a folder created for it
        target = check_output_file(path, flag="--save-scenario")
    doc: dict[str, Any] = {k: v for k, v in (meta or {}).items() if v}
    doc[name] = humanize(type(section), scenario_to_dict(section))
    text = _HEADER + to_toml(doc, {f"{name}.{k}": v for k, v in (comments or {}).items()})
    try:
        atomic_write(target, text)
    except OSError as e:
        raise TokenfabError(f"cannot write the resolved scenario: {e}", file=str(target)) from None
    return target


def _user_set(section: BaseModel, dotted: str) -> bool:
    """Whether the scenario or a flag set ``dotted`` (``growth.users``): then a default's
    source does not apply to it."""
    cur: Any = section
    for part in dotted.split("."):
        if not isinstance(cur, BaseModel) or part not in cur.model_fields_set:
            return False
        cur = getattr(cur, part)
    return True


def save_resolved(path: str | Path, name: str, section: T, meta: dict[str, str] | None = None,
                  sources: dict[str, str] | None = None, *,
                  fill: dict[str, Any] | None = None) -> T:
    """Write the scenario a command ran to ``path`` (``--save-scenario``) and check it loads.

    Parameters
    ----------
    path : str or Path
        The TOML file to write.
    name : str
        The section (``factory``, ``demand`` ...).
    section : ScenarioSection
        The section the command ran (flags already applied).
    meta : dict, optional
        ``title``, ``description``, ``claim`` of the scenario file, if any.
    sources : dict, optional
        Field (``growth.users`` in a sub-table) -> where its default comes from; written as a
        trailing comment, except on fields the scenario or a flag set.
    fill : dict, optional
        Field -> resolved default for fields the section leaves as ``None`` ("take the
        default"): written as values, so the file runs the same without the defaults' code.

    Returns
    -------
    The section as read back from the file (same validation as any scenario file). The file
    is written once; a section that does not survive the trip raises :class:`TokenfabError`.
    """
    model = type(section)
    data = scenario_to_dict(section)
    for k, v in (fill or {}).items():
        if data.get(k) is None and v is not None:
            data[k] = _plain(v)
    full = validate_section(model, data, prefix=name)
    meta = {k: v for k, v in (meta or {}).items() if k in _TOP_LEVEL and v}
    comments = {k: v for k, v in (sources or {}).items() if not _user_set(section, k)}
    p = write_resolved(".", name, full, meta=meta, comments=comments, path=path)
    return load_section(p, name, model)
