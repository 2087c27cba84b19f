"""One way to declare a model's inputs: name, dimension, bounds, default, kind and source.

Every model declares its numeric inputs once, beside its kernel, as an :class:`InputSet` of
:class:`Input` records. Everything else is generated from that declaration:

* the scenario section's fields (:meth:`InputSet.section_fields`: units parsed, bounds checked,
  ranges allowed where the input is uncertain);
* the CLI's ``--set NAME=VALUE`` overrides (:meth:`InputSet.parse_overrides`) and
  ``--save-scenario`` comments (:meth:`Resolved.comments`);
* the defaults tables in the docs (:meth:`InputSet.markdown_table`);
* the bad-input tests (:meth:`InputSet.bad_values`).

A default is a plain value (with its ``source`` and ``kind`` stated in the :class:`Input`),
a catalog row (:class:`FromCatalog`: economics.csv / cluster.csv, read in SI through the
catalog passed in, so ``--catalog`` reaches it), a field of the accelerator being modelled
(:class:`FromHardware`), or a value derived from other inputs (:class:`Derived`, with its
recipe in words). :meth:`InputSet.resolve` turns what a scenario gave into a
:class:`Resolved`: every value (a float or a :class:`~tokenfab.uncertainty.Range`) and where
it came from. :class:`RunOptions` carries the Monte Carlo settings, with one meaning for every
command: ``samples`` draws (0 = a point estimate at each input's likely value) from ``seed``.

Example::

    >>> from tokenfab.inputs import Input, InputSet
    >>> demo = InputSet("demo", [
    ...     Input("pue", "count", "facility power / IT power", default=1.2, ge=1.0, le=3.0,
    ...           kind="estimate", source="Uptime Institute 2024 survey"),
    ... ])
    >>> r = demo.resolve({})
    >>> r.values["pue"], r.sources["pue"].origin
    (1.2, 'default')
    >>> demo.resolve({"pue": "1.3"}).values["pue"]
    1.3
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from tokenfab.catalog.age import source_date
from tokenfab.display import of_dimension
from tokenfab.errors import TokenfabError, did_you_mean
from tokenfab.scenario import bounds_text
from tokenfab.uncertainty import Range, likely
from tokenfab.units import _UNITS, DIMENSIONS, parse_quantity

if TYPE_CHECKING:
    from tokenfab.catalog import Catalog

__all__ = [
    "KINDS",
    "MAX_SAMPLES",
    "Derived",
    "FromCatalog",
    "FromHardware",
    "Input",
    "InputSet",
    "Resolved",
    "RunOptions",
    "Source",
    "Sourced",
    "Value",
    "with_plausible",
]

Value = float | Range

#: what a number is: a vendor spec, a measurement, an estimate, a value derived from others,
#: a claim being checked, or what the user / scenario gave
KINDS: tuple[str, ...] = ("spec", "measured", "estimate", "derived", "claim", "user")

#: largest Monte Carlo run any command accepts (memory: a few dozen float64 arrays this long)
MAX_SAMPLES: int = 1_000_000


# -----------------------------------------------------------------------------------
# where a default comes from
# -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Source:
    """Where a resolved value comes from.

    ``origin`` is ``"default"`` (the declaration), ``"catalog"`` (a catalog row),
    ``"hardware"`` (a field of the accelerator), ``"derived"`` (from other inputs),
    ``"scenario"`` (the scenario file or the Python call) or ``"flag"`` (the command line).
    """

    text: str
    kind: str
    origin: str

    def describe(self) -> str:
        return f"{self.text} [{self.kind}]" if self.text else f"[{self.kind}]"


@dataclass(frozen=True, slots=True)
class FromCatalog:
    """Default = a row of the catalog's assumption tables (``economics.csv``, ``cluster.csv``).

    The row is read in SI (:attr:`tokenfab.catalog.Assumption.si`) from the catalog given to
    :meth:`InputSet.resolve`, so a user catalog reaches it. ``scale`` converts the row's
    quantity into the input's (e.g. a per-rack price divided by 72 accelerators); say why in
    ``note``. ``point`` = True takes the row's likely value even when the row has a range.
    """

    key: str
    scale: float = 1.0
    note: str = ""
    point: bool = False


@dataclass(frozen=True, slots=True)
class FromHardware:
    """Default = a field of the accelerator being modelled (``context[context_key]``)."""

    field: str
    context_key: str = "hardware"
    scale: float = 1.0
    note: str = ""


@dataclass(frozen=True, slots=True)
class Derived:
    """Default = ``fn(catalog, context, **deps)``: computed from other inputs of the set.

    ``recipe`` says how, in words (it becomes the source text), e.g. ``"rack price / 72"``.
    ``fn`` returns a float or a :class:`Range`; ``deps`` are names of inputs of the same set
    (resolved first, whether given or defaulted).
    """

    fn: Callable[..., Value | Sourced]
    recipe: str
    deps: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Sourced:
    """What a :class:`Derived` function may return instead of a bare value: the value with the
    provenance of *this* resolution (the catalog rows it read, with their dates and kind), so a
    defaulted input names the row it came from, not only the recipe."""

    value: Value
    text: str
    kind: str = "derived"


Default = Value | FromCatalog | FromHardware | Derived | None


# -----------------------------------------------------------------------------------
# one input
# -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Input:
    """One numeric input of a model.

    Parameters
    ----------
    name : str
        The scenario field, the ``--set`` name and the model's keyword (unit in the name where
        the dimension does not make it plain).
    dimension : str
        A :mod:`tokenfab.units` dimension (``power``, ``money_per_power``, ``fraction`` ...);
        values are parsed to its SI base unit.
    doc : str
        One line: what the input means.
    default : float, Range, FromCatalog, FromHardware, Derived or None
        None: no default (the input is required when ``required``, else absent).
    kind, source : str
        For a plain default: what kind of number it is (one of :data:`KINDS`) and where it
        comes from (URL or paper). Catalog and hardware defaults carry their row's own.
    gt, ge, lt, le : float, optional
        Bounds in SI; a value outside them is refused with a message naming field, value and
        bounds.
    uncertain : bool
        Whether a range ``{low, likely, high}`` is allowed (Monte Carlo).
    plausible : (float, float), optional
        The range the model was validated for (SI): a value inside the bounds but outside this
        range is accepted with a warning.
    plausible_note : str
        One line: why that range (its source or reasoning); required with ``plausible``.
    required : bool
        The scenario must give it (no default).
    """

    name: str
    dimension: str
    doc: str
    default: Default = None
    kind: str = "estimate"
    source: str = ""
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    uncertain: bool = True
    plausible: tuple[float, float] | None = None
    required: bool = False
    plausible_note: str = ""

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSIONS:
            raise ValueError(f"Input {self.name!r}: unknown dimension {self.dimension!r} "
                             f"(known: {', '.join(DIMENSIONS)})")
        if self.kind not in KINDS:
            raise ValueError(f"Input {self.name!r}: kind {self.kind!r} is not one of {KINDS}")
        if isinstance(self.default, (int, float, Range)) and not self.source:
            raise ValueError(f"Input {self.name!r}: a plain default needs its source")
        if self.plausible is not None and not self.plausible_note:
            raise ValueError(f"Input {self.name!r}: a plausible range needs plausible_note "
                             "(one line: its source or reasoning)")

    # -- units and bounds -----------------------------------------------------------
    @property
    def unit(self) -> str:
        """The SI base unit of the dimension (``""`` for dimensionless)."""
        return _UNITS[self.dimension][0]

    @property
    def bounds(self) -> str:
        return bounds_text(self.gt, self.ge, self.lt, self.le)

    def _in_bounds(self, v: float) -> bool:
        return ((self.gt is None or v > self.gt) and (self.ge is None or v >= self.ge)
                and (self.lt is None or v < self.lt) and (self.le is None or v <= self.le))

    def check(self, value: Value, *, raw: Any = None, where: str = "") -> Value:
        """``value`` (SI) if inside the bounds, else a :class:`TokenfabError` naming it."""
        ends = (value.low, value.high) if isinstance(value, Range) else (float(value),)
        for v in ends:
            if not math.isfinite(v) or not self._in_bounds(v):
                u = f" {self.unit}" if self.unit else ""
                raise TokenfabError(f"must be {self.bounds}{u}; got {raw if raw is not None else v!r}",
                                    field=where or self.name, value=raw)
        return value

    def parse(self, raw: Any, *, where: str = "") -> Value:
        """A scenario or flag value -> SI float or :class:`Range`, bounds checked.

        Accepts a number (already SI), ``"2 GW"``, a :class:`Range`, or a table
        ``{low, likely, high[, dist]}`` of such (only when ``uncertain``).
        """
        where = where or self.name
        if isinstance(raw, Range):
            if not self.uncertain:
                raise TokenfabError("a range is not allowed here; give one number", field=where)
            return self.check(raw, raw=raw, where=where)
        if isinstance(raw, Mapping):
            if not self.uncertain:
                raise TokenfabError("a range is not allowed here; give one number", field=where)
            keys = set(raw)
            if keys - {"low", "likely", "high", "dist"} or not {"low", "high"} <= keys:
                raise TokenfabError("a range needs 'low' and 'high' (and optionally 'likely', "
                                    f"'dist'); got keys {sorted(keys)}", field=where)
            lo = parse_quantity(raw["low"], self.dimension, field=where)
            hi = parse_quantity(raw["high"], self.dimension, field=where)
            mid = (parse_quantity(raw["likely"], self.dimension, field=where) if "likely" in raw
                   else (lo + hi) / 2.0)
            try:
                r = Range(lo, mid, hi, str(raw.get("dist", "pert")))
            except ValueError as e:
                raise TokenfabError(str(e), field=where, value=dict(raw)) from None
            return self.check(r, raw=dict(raw), where=where)
        v = parse_quantity(raw, self.dimension, field=where)
        return self.check(v, raw=raw, where=where)

    def annotation(self) -> Any:
        """The pydantic annotation of the scenario field (see :mod:`tokenfab.scenario`)."""
        from tokenfab.scenario import Quantity, Uncertain

        make = Uncertain if self.uncertain else Quantity
        return make(self.dimension, gt=self.gt, ge=self.ge, lt=self.lt, le=self.le)

    def implausible(self, value: Value) -> str | None:
        """A warning when ``value`` lies outside the range the model was validated for."""
        if self.plausible is None:
            return None
        lo, hi = self.plausible
        ends = (value.low, value.high) if isinstance(value, Range) else (float(value),)
        bad = [v for v in ends if v < lo or v > hi]
        if not bad:
            return None
        def h(v: float) -> str:
            return of_dimension(v, self.dimension, self.unit)

        return (f"{self.name} = {h(bad[0])} is outside the range the model was validated for "
                f"({h(lo)} to {h(hi)}); the result is an extrapolation")


# -----------------------------------------------------------------------------------
# options of a run (one meaning for every command)
# -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RunOptions:
    """How to run a model: ``samples`` Monte Carlo draws (0 = point estimate) from ``seed``."""

    samples: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.samples, bool) or not isinstance(self.samples, (int, np.integer)):
            raise TokenfabError("must be a whole number", field="samples", value=self.samples)
        if self.samples < 0 or self.samples == 1 or self.samples > MAX_SAMPLES:
            raise TokenfabError(f"must be 0 (point estimate) or 2 to {MAX_SAMPLES:,} Monte Carlo "
                                f"draws; got {self.samples}", field="samples", value=self.samples)
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) \
                or self.seed < 0:
            raise TokenfabError(f"must be a whole number >= 0 (a NumPy seed); got {self.seed!r}",
                                field="seed", value=self.seed)

    @property
    def monte_carlo(self) -> bool:
        return self.samples >= 2

    def rng(self) -> np.random.Generator:
        return np.random.default_rng(self.seed)


# -----------------------------------------------------------------------------------
# the resolved inputs of one run
# -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Resolved:
    """Every input's value (SI float or :class:`Range`) and its :class:`Source`."""

    section: str
    values: dict[str, Value]
    sources: dict[str, Source]
    warnings: tuple[str, ...] = ()

    def __getitem__(self, name: str) -> Value:
        return self.values[name]

    def __contains__(self, name: object) -> bool:
        return name in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def point(self) -> dict[str, float]:
        """Each input at its likely value."""
        return {k: float(likely(v)) for k, v in self.values.items()}

    def uncertain(self) -> list[str]:
        """Names of the inputs that are ranges (the Monte Carlo's sample axes)."""
        return [k for k, v in self.values.items() if isinstance(v, Range)]

    def sample(self, options: RunOptions) -> dict[str, np.ndarray | float]:
        """Ranges drawn ``options.samples`` times (in declaration order, one generator); plain
        values stay floats. With ``samples == 0``: :meth:`point`."""
        if not options.monte_carlo:
            return dict(self.point())
        rng = options.rng()
        return {k: (v.sample(options.samples, rng) if isinstance(v, Range) else float(v))
                for k, v in self.values.items()}

    def given(self) -> list[str]:
        """Names set by the scenario or a flag (not defaults)."""
        return [k for k, s in self.sources.items() if s.origin in ("scenario", "flag")]

    def comments(self) -> dict[str, str]:
        """Field -> source text of each default (for ``--save-scenario``)."""
        return {k: s.describe() for k, s in self.sources.items()
                if s.origin not in ("scenario", "flag")}

    def with_values(self, origin: str = "scenario", **values: Value) -> Resolved:
        """A copy with some values replaced (their source becomes ``origin``)."""
        v = {**self.values, **values}
        s = {**self.sources, **{k: Source("", "user", origin) for k in values}}
        return Resolved(self.section, v, s, self.warnings)


# -----------------------------------------------------------------------------------
# a model's set of inputs
# -----------------------------------------------------------------------------------
class InputSet:
    """The declared inputs of one model (one scenario section)."""

    def __init__(self, section: str, inputs: Iterable[Input]) -> None:
        self.section = section
        self._inputs: dict[str, Input] = {}
        for i in inputs:
            if i.name in self._inputs:
                raise ValueError(f"InputSet {section!r}: input {i.name!r} declared twice")
            self._inputs[i.name] = i
        for i in self._inputs.values():
            if isinstance(i.default, Derived):
                missing = [d for d in i.default.deps if d not in self._inputs]
                if missing:
                    raise ValueError(f"InputSet {section!r}: {i.name!r} derives from unknown "
                                     f"inputs {missing}")

    # -- access ---------------------------------------------------------------------
    def __iter__(self) -> Iterator[Input]:
        return iter(self._inputs.values())

    def __len__(self) -> int:
        return len(self._inputs)

    def __contains__(self, name: object) -> bool:
        return name in self._inputs

    def __getitem__(self, name: str) -> Input:
        try:
            return self._inputs[name]
        except KeyError:
            raise self._unknown(name) from None

    @property
    def names(self) -> list[str]:
        return list(self._inputs)

    def _unknown(self, name: str, value: Any = None) -> TokenfabError:
        guess = did_you_mean(name, self._inputs)
        hint = f"; did you mean '{guess}'?" if guess else ""
        return TokenfabError(f"unknown {self.section} input '{name}'{hint}", field=name,
                             value=value, allowed=", ".join(self._inputs))

    # -- generated scenario fields ----------------------------------------------------
    def section_fields(self) -> dict[str, Any]:
        """``name -> (annotation, default)`` for :func:`pydantic.create_model`: every input
        optional (None = take the default) unless ``required``."""
        out: dict[str, Any] = {}
        for i in self:
            ann = i.annotation()
            out[i.name] = (ann, ...) if i.required else (ann | None, None)
        return out

    def section_model(self, base: type | None = None, name: str | None = None) -> type:
        """A pydantic scenario-section class with one field per input (subclass it to add the
        section's non-numeric fields: ids, precision, nested tables)."""
        from pydantic import create_model

        from tokenfab.scenario import ScenarioSection

        cls_name = name or f"{self.section.title().replace('_', '')}Inputs"
        return create_model(cls_name, __base__=base or ScenarioSection,
                            **self.section_fields())

    def parse_overrides(self, pairs: Sequence[str], *, flag: str = "--set") -> dict[str, Value]:
        """``["pue=1.3", "electricity_price=70 USD/MWh"]`` -> ``{name: SI value}``.

        A range is written ``low..high`` or ``low..likely..high`` (``"0.07..0.1..0.15"``).
        """
        out: dict[str, Value] = {}
        for p in pairs:
            if "=" not in p:
                raise TokenfabError(f"expected NAME=VALUE, got {p!r}", field=flag, value=p,
                                    allowed=", ".join(self._inputs))
            k, _, raw = (x.strip() for x in p.partition("="))
            if k not in self._inputs:
                raise self._unknown(k, p)
            parts = [x.strip() for x in raw.split("..")] if ".." in raw else []
            val: Any = raw
            if parts:
                if len(parts) not in (2, 3) or not all(parts):
                    raise TokenfabError(f"a range is low..high or low..likely..high; got {raw!r}",
                                        field=f"{flag} {k}", value=raw)
                val = ({"low": parts[0], "high": parts[1]} if len(parts) == 2 else
                       {"low": parts[0], "likely": parts[1], "high": parts[2]})
            out[k] = self._inputs[k].parse(val, where=f"{flag} {k}")
        return out

    # -- resolution -------------------------------------------------------------------
    def _default(self, i: Input, catalog: Catalog | None, context: Mapping[str, Any],
                 done: Mapping[str, Value]) -> tuple[Value, Source] | None:
        d = i.default
        if d is None:
            return None
        if isinstance(d, FromCatalog):
            if catalog is None:
                from tokenfab.catalog import load_catalog

                catalog = load_catalog()
            try:
                row = catalog.assumption(d.key)
            except TokenfabError as e:
                raise TokenfabError(f"the default of {self.section}.{i.name} needs the catalog "
                                    f"row '{d.key}' ({e})") from None
            if row.dimension != i.dimension and not (d.scale != 1.0 or d.note):
                raise TokenfabError(f"catalog row '{d.key}' is a {row.dimension} "
                                    f"({row.unit!r}) but {self.section}.{i.name} is a "
                                    f"{i.dimension}; declare the conversion with scale= and note=")
            si = row.si
            v: Value = likely(si) if d.point else si
            v = v.scaled(d.scale) if isinstance(v, Range) else float(v) * d.scale
            src = row.source + (f" ({row.year})" if row.year else "")
            text = f"catalog {d.key}: {src}" + (f"; {d.note}" if d.note else "")
            kind = row.kind if row.kind in KINDS else ("claim" if "[claim]" in row.note
                                                       else "estimate")
            return v, Source(text, kind, "catalog")
        if isinstance(d, FromHardware):
            hw = context.get(d.context_key)
            if hw is None:
                raise TokenfabError(f"{self.section}.{i.name}: its default is the accelerator's "
                                    f"{d.field}, but no '{d.context_key}' was given")
            raw = getattr(hw, d.field, None)
            if raw is None:
                raise TokenfabError(f"accelerator '{hw.id}' has no {d.field} in the catalog; "
                                    f"give {self.section}.{i.name}", field=f"{self.section}.{i.name}")
            prov = getattr(hw, "provenance", {}).get(d.field)
            text = f"catalog {hw.id}.{d.field}" + (f": {prov.source}" if prov else "")
            text += f" ({source_date(prov) or 'undated'})" if prov is not None else ""
            text += f"; {d.note}" if d.note else ""
            return float(raw) * d.scale, Source(text, prov.kind if prov else "estimate", "hardware")
        if isinstance(d, Derived):
            got = d.fn(catalog, context, **{k: done[k] for k in d.deps})
            if isinstance(got, Sourced):
                return got.value, Source(f"derived: {d.recipe}; here: {got.text}",
                                         got.kind if got.kind in KINDS else "derived", "derived")
            return got, Source(f"derived: {d.recipe}", "derived", "derived")
        return d, Source(i.source, i.kind, "default")

    def resolve(self, given: Mapping[str, Any] | None = None, catalog: Catalog | None = None,
                context: Mapping[str, Any] | None = None, *, origin: str = "scenario",
                flags: Mapping[str, Any] | None = None) -> Resolved:
        """Every input's value and source: ``flags`` over ``given`` over the defaults.

        Parameters
        ----------
        given : mapping, optional
            Values from the scenario or the Python call (raw text, SI numbers, ranges or
            tables); ``None`` values mean "take the default". Unknown names are errors.
        catalog : Catalog, optional
            The catalog whose rows supply :class:`FromCatalog` defaults (the shipped one if
            None); pass the CLI's so ``--catalog`` reaches every default.
        context : mapping, optional
            Objects defaults may read, e.g. ``{"hardware": Accelerator}``.
        origin : str
            Recorded as the source of ``given`` values (``"scenario"`` or ``"flag"``).
        flags : mapping, optional
            Values from the command line, recorded with origin ``"flag"``.
        """
        context = context or {}
        raw: dict[str, tuple[Any, str]] = {}
        for src_map, org in ((given or {}, origin), (flags or {}, "flag")):
            for k, v in src_map.items():
                if v is None:
                    continue
                if k not in self._inputs:
                    raise self._unknown(k, v)
                raw[k] = (v, org)
        values: dict[str, Value] = {}
        sources: dict[str, Source] = {}
        pending = list(self._inputs.values())
        while pending:
            progressed = False
            for i in list(pending):
                if i.name in raw:
                    v, org = raw[i.name]
                    values[i.name] = i.parse(v, where=f"{self.section}.{i.name}")
                    sources[i.name] = Source("", "user", org)
                elif isinstance(i.default, Derived):
                    if not all(d in values for d in i.default.deps):
                        continue  # its inputs first
                    got = self._default(i, catalog, context, values)
                    assert got is not None
                    values[i.name] = i.check(got[0], where=f"{self.section}.{i.name} (derived)")
                    sources[i.name] = got[1]
                else:
                    got = self._default(i, catalog, context, values)
                    if got is None:
                        if i.required:
                            raise TokenfabError("missing required input",
                                                field=f"{self.section}.{i.name}")
                    else:
                        values[i.name] = got[0]
                        sources[i.name] = got[1]
                pending.remove(i)
                progressed = True
            if not progressed:
                raise ValueError(f"InputSet {self.section!r}: circular Derived defaults among "
                                 f"{[i.name for i in pending]}")
        warnings = tuple(w for k, v in values.items()
                         if (w := self._inputs[k].implausible(v)) is not None)
        ordered = {k: values[k] for k in self._inputs if k in values}
        return Resolved(self.section, ordered, {k: sources[k] for k in ordered}, warnings)

    # -- generated documentation and tests --------------------------------------------
    def markdown_table(self, catalog: Catalog | None = None,
                       context: Mapping[str, Any] | None = None) -> str:
        """The defaults table of the docs: input, unit, bounds, default, kind, source."""
        rows = ["| input | unit | allowed | default | kind | source |",
                "|---|---|---|---|---|---|"]
        try:
            res: Resolved | None = self.resolve({}, catalog, context)
        except TokenfabError:
            res = None
        for i in self:
            v = res.values.get(i.name) if res else None
            s = res.sources.get(i.name) if res else None
            if isinstance(v, Range):
                shown = f"{v.low:g} / {v.likely:g} / {v.high:g}"
            elif v is not None:
                shown = f"{float(v):g}"
            else:
                shown = "required" if i.required else "—"
            src = (s.text if s else i.source).replace("|", "/")
            kind = s.kind if s else i.kind
            rows.append(f"| `{i.name}` — {i.doc} | {i.unit or '—'} | {i.bounds or 'any'} | "
                        f"{shown} | {kind} | {src} |")
        return "\n".join(rows)

    def bad_values(self) -> list[tuple[str, Any]]:
        """``(name, value)`` pairs each input must refuse: outside each bound, a wrong unit,
        not a number. Tests feed them to the scenario loader and the CLI."""
        out: list[tuple[str, Any]] = []
        for i in self:
            for b, step in ((i.gt, 0.0), (i.ge, -1.0), (i.lt, 0.0), (i.le, 1.0)):
                if b is None:
                    continue
                bad = b + step * max(1.0, abs(b)) if step else b
                out.append((i.name, bad))
            out.append((i.name, "12 parsecs"))
            out.append((i.name, "lots"))
            if not i.uncertain:
                out.append((i.name, {"low": 1, "high": 2}))
        return out


def with_plausible(inputs: Iterable[Input],
                   table: Mapping[str, tuple[Any, ...]]) -> list[Input]:
    """``inputs`` with the plausible ranges of ``table`` declared on them.

    ``table`` maps an input's name to ``(low, high, why)`` (SI; ``why`` is one line: the source
    or the reasoning of the range) or ``(low, high, why, le)``, where ``le`` is a hard upper
    bound for an input that has none (beyond it the model stops meaning anything: a value is
    refused, not warned about). Every key must name an input.
    """
    inputs = list(inputs)
    unknown_names = set(table) - {i.name for i in inputs}
    if unknown_names:
        raise ValueError(f"plausible ranges for unknown inputs {sorted(unknown_names)}")
    out = []
    for i in inputs:
        row = table.get(i.name)
        if row is None:
            out.append(i)
            continue
        if len(row) not in (3, 4) or not isinstance(row[2], str):
            raise ValueError(f"Input {i.name!r}: a plausible range is (low, high, why[, le])")
        lo, hi, why = float(row[0]), float(row[1]), row[2]
        le = float(row[3]) if len(row) == 4 else None
        if not why:
            raise ValueError(f"Input {i.name!r}: a plausible range needs its reason")
        extra: dict[str, Any] = {}
        if le is not None and i.le is None and i.lt is None:
            extra["le"] = float(le)
        out.append(replace(i, plausible=(float(lo), float(hi)), plausible_note=why, **extra))
    return out


def samples_shape(values: Mapping[str, Any]) -> tuple[int, ...]:
    """The broadcast shape of a dict of sampled inputs (``()`` for a point run)."""
    shapes = [np.shape(v) for v in values.values()]
    return tuple(np.broadcast_shapes(*shapes)) if shapes else ()

