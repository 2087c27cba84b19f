"""The catalog: accelerators/systems, LLM architectures, and economic and cluster assumptions.

Shipped data lives in ``catalog/data/`` (CSV, SI units, one row per item) with a provenance
table beside each (``*_sources.csv``: id, field, kind, source, note). Users add or override
entries from a TOML file (``--catalog FILE`` or the ``TOKENFAB_CATALOG`` environment
variable, several files separated by ``os.pathsep``)::

    [[accelerator]]
    id = "my-asic"
    base = "h100-sxm"                 # optional: start from a shipped entry
    name = "Hypothetical ASIC"
    fp8_dense_flops_per_s = "2 PFLOP/s"     # a plain value: kind 'user', source = this file
    price_usd = { value = 12000, kind = "estimate", source = "https://example.org/quote" }

    [[model]]
    id = "my-model"
    base = "llama3.1-70b"
    layers = 100

Every value is validated exactly like the shipped data (same :data:`FieldSpec` tables).
"""

from __future__ import annotations

import csv
import hashlib
import math
import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from tokenfab.catalog.schema import (
    ACCELERATOR_FIELDS,
    FAMILIES,
    GATED_ACTIVATIONS,
    MODEL_FIELDS,
    STATUSES,
    UNGATED_ACTIVATIONS,
    VALUE_KINDS,
    Accelerator,
    FieldSpec,
    ModelArch,
    Provenance,
)
from tokenfab.errors import TokenfabError, did_you_mean, unknown
from tokenfab.uncertainty import Range
from tokenfab.units import catalog_unit, parse_quantity

__all__ = [
    "implausible_field",
    "Accelerator",
    "Assumption",
    "Catalog",
    "ModelArch",
    "Provenance",
    "load_catalog",
]

ENV_VAR = "TOKENFAB_CATALOG"

_UNIT_DIMENSION = {"FLOP/s": "flop_rate", "B": "bytes", "B/s": "bandwidth", "W": "power",
                   "USD": "money"}
_ATTENTION_TYPES = ("mha", "gqa", "mla")


def _data_path(name: str) -> Path:
    return Path(str(resources.files("tokenfab.catalog") / "data" / name))


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(_data_path(name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def coerce_value(spec: FieldSpec, raw: Any, where: str) -> Any:
    """Validate and convert one raw value (CSV text or TOML value) for ``spec``.

    Returns None for an empty optional value; raises :class:`TokenfabError` naming
    ``where`` (file and field), the value and what is allowed.
    """
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        if spec.required:
            raise TokenfabError(f"missing required value ({spec.description})", field=where)
        return None
    if spec.type == "str":
        if not isinstance(raw, str):
            raise TokenfabError(f"expected text, got {raw!r}", field=where, value=raw)
        return raw.strip()
    if spec.type == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true"
        raise TokenfabError(f"expected true or false, got {raw!r}", field=where, value=raw)
    dim = _UNIT_DIMENSION.get(spec.unit, "count")
    if isinstance(raw, str) and dim == "count":
        try:
            value = float(raw)
        except ValueError:
            raise TokenfabError(f"expected a number, got {raw!r}", field=where, value=raw) from None
        if not math.isfinite(value):
            raise TokenfabError(f"expected a finite number, got {raw!r}", field=where, value=raw)
    else:
        value = parse_quantity(raw, dim, field=where)
    if spec.minimum is not None:
        bad = value <= spec.minimum if spec.exclusive_minimum else value < spec.minimum
        if bad:
            op = ">" if spec.exclusive_minimum else ">="
            unit = f" {spec.unit}" if spec.unit else ""
            raise TokenfabError(f"must be {op} {spec.minimum:g}{unit}, got {raw!r}",
                                field=where, value=raw)
    if spec.maximum is not None and value > spec.maximum:
        unit = f" {spec.unit}" if spec.unit else ""
        raise TokenfabError(f"must be <= {spec.maximum:g}{unit} (beyond it the engine's "
                            f"arithmetic overflows), got {raw!r}", field=where, value=raw)
    if spec.type == "int":
        if value != int(value):
            raise TokenfabError(f"must be a whole number, got {raw!r}", field=where, value=raw)
        return int(value)
    return float(value)


def _check_semantics(obj: Accelerator | ModelArch, where: str) -> None:
    if isinstance(obj, Accelerator):
        if obj.family not in FAMILIES:
            raise TokenfabError(f"family must be one of {', '.join(FAMILIES)}, got {obj.family!r}",
                                field=f"{where}.family", value=obj.family)
        if obj.status not in STATUSES:
            raise TokenfabError(f"status must be one of {', '.join(STATUSES)}, got {obj.status!r}",
                                field=f"{where}.status", value=obj.status)
        if obj.allin_power_w < obj.tdp_w:
            raise TokenfabError(
                f"allin_power_w ({obj.allin_power_w:g} W) must be >= tdp_w ({obj.tdp_w:g} W): "
                "all-in power includes the accelerator itself", field=f"{where}.allin_power_w",
                value=obj.allin_power_w)
    else:
        acts = sorted(GATED_ACTIVATIONS | UNGATED_ACTIVATIONS)
        if obj.activation.strip().lower() not in acts:
            raise TokenfabError(f"activation must be one of {', '.join(acts)}, got "
                                f"{obj.activation!r}", field=f"{where}.activation",
                                value=obj.activation)
        if obj.attention_type not in _ATTENTION_TYPES:
            raise TokenfabError(
                f"attention_type must be one of {', '.join(_ATTENTION_TYPES)}, got {obj.attention_type!r}",
                field=f"{where}.attention_type", value=obj.attention_type)
        need: tuple[str, ...]
        if obj.is_mla:
            need = ("mla_kv_lora_rank", "mla_qk_nope_head_dim", "mla_qk_rope_head_dim", "mla_v_head_dim")
        else:
            need = ("kv_heads", "head_dim")
        if obj.moe_experts:
            need = need + ("moe_top_k", "moe_expert_ffn_size")
        else:
            need = need + ("ffn_intermediate_size",)
        for n in need:
            if getattr(obj, n) is None:
                raise TokenfabError(f"required for a {obj.attention_type}"
                                    f"{' MoE' if obj.moe_experts else ' dense'} model",
                                    field=f"{where}.{n}")
        if obj.moe_experts and obj.moe_top_k and obj.moe_top_k > obj.moe_experts:
            raise TokenfabError(f"moe_top_k ({obj.moe_top_k}) must be <= moe_experts ({obj.moe_experts})",
                                field=f"{where}.moe_top_k", value=obj.moe_top_k)
        if obj.release_date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}",
                                                             obj.release_date):
            raise TokenfabError("must be a date YYYY-MM-DD", field=f"{where}.release_date",
                                value=obj.release_date)
        if obj.kv_heads and obj.attention_heads % obj.kv_heads:
            raise TokenfabError(f"attention_heads ({obj.attention_heads}) must be a multiple of "
                                f"kv_heads ({obj.kv_heads})", field=f"{where}.kv_heads",
                                value=obj.kv_heads)


def _build(cls: type, specs: Sequence[FieldSpec], values: dict[str, Any],
           provenance: dict[str, Provenance], origin: str, where: str) -> Any:
    kwargs = {s.name: coerce_value(s, values.get(s.name), f"{where}.{s.name}") for s in specs}
    obj = cls(**kwargs, provenance=provenance, origin=origin)
    _check_semantics(obj, where)
    return obj


def _load_builtin(kind: str) -> dict[str, Any]:
    cls, specs, stem = ((Accelerator, ACCELERATOR_FIELDS, "accelerators") if kind == "accelerator"
                        else (ModelArch, MODEL_FIELDS, "models"))
    prov: dict[str, dict[str, Provenance]] = {}
    for r in _read_csv(f"{stem}_sources.csv"):
        prov.setdefault(r["id"], {})[r["field"]] = Provenance(r["kind"], r["source"], r.get("note", ""))
    out = {}
    for row in _read_csv(f"{stem}.csv"):
        obj = _build(cls, specs, row, prov.get(row["id"], {}), "builtin",
                     f"{stem}.csv[{row['id']}]")
        out[obj.id] = obj
    return out


@dataclass(frozen=True, slots=True)
class Assumption:
    """One row of the economic or cluster assumptions: ``value``/``low``/``high`` in SI, in the
    unit its ``unit`` column names (``USD/W``, ``s``, ``fraction`` ...); ``as_published`` keeps
    the figure as its source wrote it (``"55 USD bn per GW (low 50, high 60)"``)."""

    key: str
    value: float
    unit: str
    low: float | None
    high: float | None
    year: str
    source: str
    note: str
    kind: str
    as_published: str = ""

    @property
    def range(self) -> Range | float:
        """A :class:`Range` (low / value / high) where the row gives one, else the value."""
        if self.low is None or self.high is None:
            return self.value
        lo, hi = min(self.low, self.value, self.high), max(self.low, self.value, self.high)
        return Range(lo, self.value, hi)

    @property
    def dimension(self) -> str:
        """The :mod:`tokenfab.units` dimension of the row (from its ``unit`` column)."""
        return catalog_unit(self.unit, where=self.key)[0]

    @property
    def si_unit(self) -> str:
        """The SI unit of :attr:`si` (``USD/W``, ``USD/J``, ``s`` ...; ``""`` dimensionless)."""
        return catalog_unit(self.unit, where=self.key)[2]

    @property
    def si(self) -> Range | float:
        """The row in SI base units: a :class:`Range` where the row gives low/high, else a float.

        The ``unit`` column is parsed once by :func:`tokenfab.units.catalog_unit`; no model
        keeps its own conversion table.
        """
        k = catalog_unit(self.unit, where=self.key)[1]
        r = self.range
        return r.scaled(k) if isinstance(r, Range) else float(r) * k


_RANGE_TEXT = re.compile(r"^\s*([0-9.]+(?:[eE][-+]?\d+)?)\s*-\s*([0-9.]+(?:[eE][-+]?\d+)?)\s*$")


def _num(x: str | None) -> float | None:
    if x is None or x.strip() == "":
        return None
    try:
        v = float(x)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _load_assumptions(name: str) -> dict[str, Assumption]:
    out: dict[str, Assumption] = {}
    try:
        rows = _read_csv(name)
    except FileNotFoundError:
        return out
    for r in rows:
        v = _num(r.get("value"))
        low, high = _num(r.get("low")), _num(r.get("high"))
        if v is None:
            # a range written as "120-135": the midpoint, with the ends as low/high
            m = _RANGE_TEXT.match(r.get("value") or "")
            if m is None:
                continue  # formulas and prose ('k^3/4', 'tens of MW') are not values
            low, high = float(m.group(1)), float(m.group(2))
            v = (low + high) / 2.0
        out[r["key"]] = Assumption(r["key"], v, r.get("unit", ""), low,
                                   high, r.get("year", "") or "",
                                   r.get("source", ""), r.get("note", r.get("context", "")) or "",
                                   r.get("kind", "") or "", r.get("as_published", "") or "")
    return out


@lru_cache(maxsize=1)
def _builtin() -> tuple[dict[str, Accelerator], dict[str, ModelArch]]:
    return _load_builtin("accelerator"), _load_builtin("model")


@lru_cache(maxsize=8)
def _text_rows(name: str) -> list[dict[str, str]]:
    try:
        return [dict(r) for r in _read_csv(name)]
    except FileNotFoundError:
        return []


@lru_cache(maxsize=4)
def _assumptions(name: str) -> dict[str, Assumption]:
    return _load_assumptions(name)


class Catalog:
    """Accelerators and models by id, with user entries merged over the shipped ones."""

    def __init__(self, accelerators: dict[str, Accelerator], models: dict[str, ModelArch],
                 overrides: list[str] | None = None,
                 assumptions: dict[str, dict[str, Assumption]] | None = None) -> None:
        self._acc = accelerators
        self._models = models
        #: human-readable lines: which user entries replaced shipped ones
        self.overrides: list[str] = overrides or []
        #: user ``[[assumption]]`` rows by table (``economics``/``cluster``), over the shipped
        self._user_rows: dict[str, dict[str, Assumption]] = assumptions or {}
        #: user values outside the plausible range of their field (accepted, said on stderr)
        self.warnings: list[str] = []

    # -- lookups -----------------------------------------------------------------
    def hardware(self, hw_id: str, *, field: str | None = None) -> Accelerator:
        """The accelerator ``hw_id``; unknown ids raise with a 'did you mean', naming
        ``field`` (the scenario field or flag the id came from) when given."""
        if isinstance(hw_id, Accelerator):
            return hw_id
        try:
            return self._acc[hw_id]
        except (KeyError, TypeError):
            raise unknown("accelerator", str(hw_id), self._acc,
                          "'tokenfab catalog hardware' lists them", field=field) from None

    def model(self, model_id: str, *, field: str | None = None) -> ModelArch:
        """The model ``model_id``; unknown ids raise with a 'did you mean', naming ``field``
        (the scenario field or flag the id came from) when given."""
        if isinstance(model_id, ModelArch):
            return model_id
        try:
            return self._models[model_id]
        except (KeyError, TypeError):
            raise unknown("model", str(model_id), self._models,
                          "'tokenfab catalog models' lists them", field=field) from None

    @property
    def hardware_ids(self) -> list[str]:
        return list(self._acc)

    @property
    def model_ids(self) -> list[str]:
        return list(self._models)

    def all_hardware(self) -> list[Accelerator]:
        return list(self._acc.values())

    def all_models(self) -> list[ModelArch]:
        return list(self._models.values())

    # -- assumptions ---------------------------------------------------------------
    @property
    def economics(self) -> dict[str, Assumption]:
        """Economic assumptions (``economics.csv``, then user ``[[assumption]]`` rows) by key."""
        rows = self._user_rows.get("economics")
        shipped = _assumptions("economics.csv")
        return {**shipped, **rows} if rows else shipped

    @property
    def cluster(self) -> dict[str, Assumption]:
        """Cluster anchors (``cluster.csv``, then user ``[[assumption]]`` rows) by key."""
        rows = self._user_rows.get("cluster")
        shipped = _assumptions("cluster.csv")
        return {**shipped, **rows} if rows else shipped

    @property
    def capex(self) -> dict[str, Assumption]:
        """Capex components and public deals (``capex.csv``) by key."""
        return _assumptions("capex.csv")

    def assumption(self, key: str) -> Assumption:
        """An economic, capex or cluster assumption by key (unknown keys raise with a 'did you
        mean')."""
        for table in (self.economics, self.capex, self.cluster):
            if key in table:
                return table[key]
        raise unknown("assumption", key, list(self.economics) + list(self.capex)
                      + list(self.cluster))

    def token_prices(self) -> list[dict[str, str]]:
        """API prices per model and provider (``token_prices.csv``: model, provider, date, tier,
        input/output USD per million tokens, speed, source, kind), as text rows."""
        return _text_rows("token_prices.csv")

    def gpu_rents(self) -> list[dict[str, str]]:
        """Accelerator rental prices (``gpu_rents.csv``: accelerator, contract, USD per hour
        with low/high, date, provider, source, kind), as text rows."""
        return _text_rows("gpu_rents.csv")


# ---------------------------------------------------------------------------------
# user catalogs
# ---------------------------------------------------------------------------------
_SECTIONS = {"accelerator": (Accelerator, ACCELERATOR_FIELDS),
             "model": (ModelArch, MODEL_FIELDS)}


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TokenfabError("catalog file not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise TokenfabError(f"cannot read catalog file: {e}", file=str(path)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TokenfabError(f"not valid TOML: {e}", file=str(path)) from None


_ASSUMPTION_KEYS = {"key", "value", "low", "high", "unit", "table", "source", "kind", "note",
                    "year"}


def _user_assumptions(path: Path, entries: Any, rows: dict[str, dict[str, Assumption]],
                      overrides: list[str]) -> None:
    """``[[assumption]]`` tables: a row of ``economics.csv`` / ``cluster.csv`` replaced (or a new
    row added, with its ``table`` and ``unit``). Values take units of the row's dimension
    (``value = "60 USD/MWh"``); a bare number is in SI, like every other input."""
    if isinstance(entries, dict):
        entries = [entries]
    if not isinstance(entries, list):
        raise TokenfabError("must be a list of tables ([[assumption]])", file=str(path),
                            field="assumption")
    for i, e in enumerate(entries):
        where = f"assumption[{i}]"
        if not isinstance(e, dict):
            raise TokenfabError("must be a table", file=str(path), field=where)
        extra = set(e) - _ASSUMPTION_KEYS
        if extra:
            raise TokenfabError(f"unknown key(s) {sorted(extra)}", file=str(path), field=where,
                                allowed=", ".join(sorted(_ASSUMPTION_KEYS)))
        key = e.get("key")
        if not isinstance(key, str) or not key.strip() or "value" not in e:
            raise TokenfabError("needs 'key' (a row name) and 'value'", file=str(path),
                                field=where)
        where = f"assumption[{key}]"
        shipped = {"economics": _assumptions("economics.csv"), "cluster": _assumptions("cluster.csv")}
        table = next((t for t, r in shipped.items() if key in r), None)
        base = shipped[table][key] if table else None
        if base is None:
            table = e.get("table")
            if table not in shipped or "unit" not in e:
                known = list(shipped["economics"]) + list(shipped["cluster"])
                guess = did_you_mean(key, known)
                hint = f"did you mean '{guess}'? " if guess else ""
                raise TokenfabError(f"not a shipped row; {hint}a new row needs 'table' "
                                    "('economics' or 'cluster') and 'unit'", file=str(path),
                                    field=where, value=key)
        assert table is not None
        unit = str(e.get("unit", base.unit if base else ""))
        dim, factor, _ = catalog_unit(unit, where=f"{path}: {where}.unit")
        kind = str(e.get("kind", "user"))
        if kind not in VALUE_KINDS:
            raise TokenfabError(f"kind must be one of {', '.join(VALUE_KINDS)}, got {kind!r}",
                                file=str(path), field=f"{where}.kind", value=kind)

        # stored in the row's unit, like the shipped rows
        value, low, high = (parse_quantity(e[n], dim, field=f"{where}.{n}") / factor
                            if n in e else None for n in ("value", "low", "high"))
        if (low is None) != (high is None):
            raise TokenfabError("give both 'low' and 'high', or neither", file=str(path),
                                field=where)
        assert value is not None
        if low is not None and high is not None and not (low <= value <= high):
            raise TokenfabError(f"must satisfy low <= value <= high; got {low:g}, {value:g}, "
                                f"{high:g} ({unit})", file=str(path), field=where)
        rows.setdefault(table, {})[key] = Assumption(
            key, value, unit, low, high, str(e.get("year", "")), str(e.get("source", str(path))),
            str(e.get("note", "")), kind)
        overrides.append(f"{table} row '{key}' from {path} "
                         + ("overrides the shipped row" if base else "is a new row"))


def _merge_user_file(path: Path, acc: dict[str, Accelerator], models: dict[str, ModelArch],
                     builtin_ids: dict[str, set[str]], overrides: list[str],
                     rows: dict[str, dict[str, Assumption]] | None = None,
                     warnings: list[str] | None = None) -> None:
    if warnings is None:
        warnings = []
    data = _read_toml(path)
    for key in data:
        if key not in _SECTIONS and key != "assumption":
            guess = did_you_mean(key, [*_SECTIONS, "assumption"])
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise TokenfabError(f"unknown section '{key}'{hint} (allowed: [[accelerator]], "
                                "[[model]], [[assumption]])", file=str(path), field=key)
    if "assumption" in data:
        _user_assumptions(path, data["assumption"], rows if rows is not None else {}, overrides)
    for section, (cls, specs) in _SECTIONS.items():
        entries = data.get(section, [])
        if isinstance(entries, dict):
            entries = [entries]
        if not isinstance(entries, list):
            raise TokenfabError(f"must be a list of tables ([[{section}]])", file=str(path),
                                field=section)
        table = acc if section == "accelerator" else models
        names = {s.name for s in specs}
        for i, entry in enumerate(entries):
            where = f"{section}[{i}]"
            if not isinstance(entry, dict):
                raise TokenfabError("must be a table", file=str(path), field=where)
            eid = entry.get("id")
            if not isinstance(eid, str) or not eid.strip():
                raise TokenfabError("missing 'id' (a non-empty string)", file=str(path),
                                    field=f"{where}.id", value=eid)
            where = f"{section}[{eid}]"
            values: dict[str, Any] = {}
            prov: dict[str, Provenance] = {}
            base_id = entry.get("base")
            if base_id is not None:
                if base_id not in table:
                    raise unknown(section if section == "model" else "accelerator", str(base_id),
                                  table, field=f"{where}.base")
                base = table[base_id]
                values = {f.name: getattr(base, f.name) for f in fields(base)
                          if f.name in names}
                prov = dict(base.provenance)
            for k, v in entry.items():
                if k in ("base",):
                    continue
                if k not in names:
                    guess = did_you_mean(k, names)
                    hint = f"; did you mean '{guess}'?" if guess else ""
                    raise TokenfabError(f"unknown field '{k}'{hint}", file=str(path),
                                        field=f"{where}.{k}", value=v,
                                        allowed=", ".join(sorted(names)))
                if isinstance(v, dict):
                    extra = set(v) - {"value", "source", "kind", "note", "date"}
                    if "value" not in v or extra:
                        raise TokenfabError(
                            "a table value needs 'value' and may have 'source', 'kind', 'note', "
                            f"'date' (got keys {sorted(v)})", file=str(path), field=f"{where}.{k}")
                    kind = v.get("kind", "user")
                    if kind not in VALUE_KINDS:
                        raise TokenfabError(f"kind must be one of {', '.join(VALUE_KINDS)}, got {kind!r}",
                                            file=str(path), field=f"{where}.{k}.kind", value=kind)
                    prov[k] = Provenance(kind, str(v.get("source", str(path))), str(v.get("note", "")),
                                         str(v.get("date", "")))
                    v = v["value"]
                else:
                    prov[k] = Provenance("user", str(path))
                values[k] = v
            spec_by_name = {s.name: s for s in specs}
            try:
                # values from a base are already converted; only re-validate user ones
                kwargs = {}
                for s in specs:
                    raw = values.get(s.name)
                    if s.name in entry:
                        kwargs[s.name] = coerce_value(spec_by_name[s.name], raw, f"{where}.{s.name}")
                    else:
                        kwargs[s.name] = coerce_value(spec_by_name[s.name], raw, f"{where}.{s.name}") \
                            if base_id is None else raw
                obj = cls(**kwargs, provenance=prov, origin=str(path))
                _check_semantics(obj, where)
                for s in specs:
                    if s.name in entry and (w := implausible_field(s, kwargs[s.name],
                                                                    f"{where}.{s.name}")):
                        warnings.append(w)
            except TokenfabError as e:
                if e.file is None:
                    raise TokenfabError(str(e), file=str(path)) from None
                raise
            if eid in table:
                what = "shipped" if eid in builtin_ids[section] else "earlier user"
                overrides.append(f"{section} '{eid}' from {path} overrides the {what} entry")
            table[eid] = obj


def _env_files() -> list[Path]:
    val = os.environ.get(ENV_VAR, "").strip()
    return [Path(p) for p in val.split(os.pathsep) if p.strip()] if val else []


def load_catalog(user_files: Iterable[str | Path] | None = None, *, use_env: bool = True) -> Catalog:
    """The shipped catalog, with user TOML files (and ``$TOKENFAB_CATALOG``) merged over it.

    Parameters
    ----------
    user_files : iterable of path, optional
        TOML catalog files, applied in order after those named in the environment.
    use_env : bool
        Also read ``TOKENFAB_CATALOG`` (paths separated by ``os.pathsep``).
    """
    files = (_env_files() if use_env else []) + [Path(p) for p in (user_files or [])]
    # cache on path *and* content, so an edited file is read again
    key = tuple((str(f), _digest(f)) for f in files)
    return _load_cached(key)


def _digest(path: Path) -> str:
    try:
        return hashlib.sha1(path.read_bytes()).hexdigest()
    except (OSError, ValueError):  # ValueError: a NUL byte in the path
        return ""  # missing/unreadable: _read_toml reports it


@lru_cache(maxsize=16)
def _load_cached(key: tuple[tuple[str, str], ...]) -> Catalog:
    files = [f for f, _ in key]
    acc0, models0 = _builtin()
    if not files:
        return Catalog(dict(acc0), dict(models0))
    acc, models = dict(acc0), dict(models0)
    overrides: list[str] = []
    rows: dict[str, dict[str, Assumption]] = {}
    warnings: list[str] = []
    builtin_ids = {"accelerator": set(acc0), "model": set(models0)}
    for f in files:
        try:
            _merge_user_file(Path(f), acc, models, builtin_ids, overrides, rows, warnings)
        except TokenfabError as e:
            if e.file is None:  # name the file in every message about it
                raise type(e)(str(e), file=f) from None
            raise
    cat = Catalog(acc, models, overrides, rows)
    cat.warnings = warnings
    return cat


def implausible_field(spec: FieldSpec, value: Any, where: str) -> str | None:
    """A warning when a user's catalog value lies outside its field's plausible range."""
    if spec.plausible is None or value is None or isinstance(value, (str, bool)):
        return None
    lo, hi = spec.plausible
    if lo <= float(value) <= hi:
        return None
    unit = f" {spec.unit}" if spec.unit else ""
    return (f"{where} = {float(value):g}{unit} is outside the plausible range {lo:g} to "
            f"{hi:g}{unit} ({spec.plausible_note}); the results are an extrapolation")


def as_record(obj: Accelerator | ModelArch) -> dict[str, Any]:
    """A JSON-ready dict: ``id``, every field, and ``sources`` (field -> kind/source/note)."""
    specs = ACCELERATOR_FIELDS if isinstance(obj, Accelerator) else MODEL_FIELDS
    rec: dict[str, Any] = {s.name: getattr(obj, s.name) for s in specs}
    rec["sources"] = {k: {"kind": p.kind, "source": p.source, **({"note": p.note} if p.note else {})}
                      for k, p in obj.provenance.items()}
    rec["origin"] = obj.origin
    return rec


def with_overrides(obj: Accelerator | ModelArch, **changes: Any) -> Any:
    """A copy of a catalog record with some fields changed (for what-if studies)."""
    return replace(obj, **changes)
