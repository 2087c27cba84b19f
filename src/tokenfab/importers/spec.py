"""Import a vendor spec sheet (a small TOML format) as a catalog accelerator of kind ``spec``.

The format (documented with an example in ``docs/catalog.md``)::

    [spec]
    id = "mi450x"                      # catalog id of the new accelerator
    name = "AMD Instinct MI450X"
    vendor = "AMD"
    family = "cdna4"                   # which family calibration the engine uses
    year_available = 2026
    status = "announced"               # shipping | cloud-only | announced
    source = "https://vendor.example/datasheet.pdf"   # default source of every value
    date = "2025-06-12"                # date of the sheet (ISO), shown as the values' age

    fp4_dense = "20 PFLOP/s"           # dense peaks; or fp4_sparse = "40 PFLOP/s" (dense = /2)
    fp8_dense = "10 PFLOP/s"
    bf16_dense = "5 PFLOP/s"
    hbm_capacity = "432 GB"
    hbm_bandwidth = "19.6 TB/s"
    scaleup_domain_size = 72
    scaleup_bandwidth_bidir = "3.6 TB/s"   # or scaleup_bandwidth_unidir
    scaleout_bandwidth = "800 Gb/s"        # per accelerator, one direction
    accelerators_per_system = 72
    tdp = "2300 W"
    allin_power = "3.2 kW"             # optional: estimated from the family when absent
    price = { value = "45000 USD", kind = "estimate", source = "https://...", note = "..." }

Any value may be a table ``{ value, kind, source, note, date }`` like the user catalog's. A
plain value is kind ``spec`` with the sheet's ``source``. Halving a sparse peak or a
bidirectional bandwidth gives kind ``derived``. When ``allin_power`` is absent it is estimated
as ``tdp`` times the median all-in/TDP ratio of the shipped accelerators of the same family
(kind ``estimate``, the ratio and the entries named in the note).

The performance engine's calibration is not changed: the new part uses the constants of its
``family`` (:data:`tokenfab.perf.calibration.CALIBRATION`) and has no measured rows, which
:func:`import_spec` states in :attr:`SpecImport.statement`.
"""

from __future__ import annotations

import statistics
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokenfab.catalog.schema import (
    ACCELERATOR_FIELDS,
    FAMILIES,
    VALUE_KINDS,
    Accelerator,
    Provenance,
)
from tokenfab.errors import TokenfabError, did_you_mean
from tokenfab.units import parse_quantity

__all__ = ["SPEC_KEYS", "SpecImport", "import_spec"]

#: spec-sheet key -> (catalog field, dimension for units.parse_quantity, factor)
_QUANTITIES: dict[str, tuple[str, str, float]] = {
    "fp4_dense": ("fp4_dense_flops_per_s", "flop_rate", 1.0),
    "fp8_dense": ("fp8_dense_flops_per_s", "flop_rate", 1.0),
    "bf16_dense": ("bf16_dense_flops_per_s", "flop_rate", 1.0),
    "fp4_sparse": ("fp4_dense_flops_per_s", "flop_rate", 0.5),
    "fp8_sparse": ("fp8_dense_flops_per_s", "flop_rate", 0.5),
    "bf16_sparse": ("bf16_dense_flops_per_s", "flop_rate", 0.5),
    "hbm_capacity": ("hbm_capacity_bytes", "bytes", 1.0),
    "hbm_bandwidth": ("hbm_bw_bytes_per_s", "bandwidth", 1.0),
    "scaleup_bandwidth_unidir": ("scaleup_bw_bytes_per_s_unidir", "bandwidth", 1.0),
    "scaleup_bandwidth_bidir": ("scaleup_bw_bytes_per_s_unidir", "bandwidth", 0.5),
    "scaleout_bandwidth": ("scaleout_bw_bytes_per_s_unidir", "bandwidth", 1.0),
    "tdp": ("tdp_w", "power", 1.0),
    "allin_power": ("allin_power_w", "power", 1.0),
    "price": ("price_usd", "money", 1.0),
}
_COUNTS = {"scaleup_domain_size": "scaleup_domain_size",
           "accelerators_per_system": "accelerators_per_system",
           "year_available": "year_available"}
_TEXT = {"id": "id", "name": "name", "vendor": "vendor", "family": "family", "status": "status"}
_META = ("source", "date")
SPEC_KEYS: tuple[str, ...] = tuple(_TEXT) + tuple(_COUNTS) + tuple(_QUANTITIES) + _META
_STATUSES = ("shipping", "cloud-only", "announced")


@dataclass(frozen=True)
class SpecImport:
    """The result of :func:`import_spec`."""

    spec_file: str
    values: dict[str, Any]
    provenance: dict[str, Provenance]
    accelerator: Accelerator
    family: str
    statement: tuple[str, ...]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TokenfabError("spec sheet not found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as e:
        raise TokenfabError(f"cannot read spec sheet: {e}", file=str(path)) from None
    except tomllib.TOMLDecodeError as e:
        raise TokenfabError(f"not valid TOML: {e}", file=str(path)) from None
    if set(data) != {"spec"} or not isinstance(data.get("spec"), dict):
        raise TokenfabError(f"expected exactly one [spec] table, got {sorted(data) or 'nothing'}",
                            file=str(path), field=",".join(sorted(data)) or None)
    return data["spec"]


def import_spec(path: str | Path, builtin: dict[str, Accelerator] | None = None) -> SpecImport:
    """Read a spec-sheet TOML file into an accelerator entry.

    Parameters
    ----------
    path : str or Path
        The spec sheet (format in the module docstring).
    builtin : dict, optional
        Shipped accelerators by id (for the all-in power estimate); default: the shipped
        catalog.

    Raises
    ------
    TokenfabError
        Missing file, bad TOML, unknown key (with a 'did you mean'), bad unit or value,
        unknown family, a required value that is absent.
    """
    from tokenfab.catalog import _build, load_catalog
    from tokenfab.perf.calibration import CALIBRATION

    p = Path(path)
    file = str(p)
    spec = _read(p)
    for k in spec:
        if k not in SPEC_KEYS:
            guess = did_you_mean(k, SPEC_KEYS)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise TokenfabError(f"unknown key '{k}'{hint}", file=file, field=f"spec.{k}",
                                value=spec[k], allowed=", ".join(SPEC_KEYS))
    source = spec.get("source")
    if not isinstance(source, str) or not source.strip():
        raise TokenfabError("missing 'source' (the URL or document of the spec sheet)",
                            file=file, field="spec.source")
    date = str(spec.get("date", "") or "")
    values: dict[str, Any] = {}
    prov: dict[str, Provenance] = {}

    def unwrap(key: str, raw: Any) -> tuple[Any, Provenance]:
        if isinstance(raw, dict):
            extra = set(raw) - {"value", "kind", "source", "note", "date"}
            if "value" not in raw or extra:
                raise TokenfabError("a table value needs 'value' and may have 'kind', 'source', "
                                    f"'note', 'date' (got {sorted(raw)})", file=file,
                                    field=f"spec.{key}")
            kind = raw.get("kind", "spec")
            if kind not in VALUE_KINDS:
                raise TokenfabError(f"kind must be one of {', '.join(VALUE_KINDS)}, got {kind!r}",
                                    file=file, field=f"spec.{key}.kind", value=kind)
            return raw["value"], Provenance(kind, str(raw.get("source", source)),
                                            str(raw.get("note", "")), str(raw.get("date", date)))
        return raw, Provenance("spec", source, f"spec sheet '{key}'", date)

    for key, fld in {**_TEXT, **_COUNTS}.items():
        if key in spec:
            v, pr = unwrap(key, spec[key])
            values[fld] = v
            if key in _COUNTS:
                prov[fld] = pr
    for key, (fld, dim, factor) in _QUANTITIES.items():
        if key not in spec:
            continue
        if fld in values:
            raise TokenfabError(f"'{key}' gives {fld} a second time", file=file, field=f"spec.{key}")
        raw, pr = unwrap(key, spec[key])
        v = parse_quantity(raw, dim, field=f"{file}: spec.{key}") * factor
        if factor != 1.0:
            what = "sparse peak / 2 (2:4 sparsity)" if "sparse" in key else "bidirectional / 2"
            pr = Provenance("derived", pr.source, f"spec sheet '{key}' = {raw}: {what}", pr.date)
        values[fld] = v
        prov[fld] = pr

    fam = values.get("family")
    if fam not in FAMILIES:
        guess = did_you_mean(str(fam), FAMILIES) if fam else None
        hint = f"; did you mean '{guess}'?" if guess else ""
        raise TokenfabError(f"family must be one of {', '.join(FAMILIES)} (it selects the "
                            f"calibration), got {fam!r}{hint}", file=file, field="spec.family",
                            value=fam)
    if values.get("status") not in _STATUSES:
        raise TokenfabError(f"status must be one of {', '.join(_STATUSES)}, got "
                            f"{values.get('status')!r}", file=file, field="spec.status",
                            value=values.get("status"))

    if "allin_power_w" not in values and "tdp_w" in values:
        acc = builtin if builtin is not None else {a.id: a for a in load_catalog(
            use_env=False).all_hardware()}
        same = sorted((a for a in acc.values() if a.family == fam), key=lambda a: a.id)
        if not same:
            raise TokenfabError(f"no 'allin_power' and no shipped {fam} accelerator to estimate "
                                "it from; give allin_power", file=file, field="spec.allin_power")
        ratio = statistics.median(a.allin_power_w / a.tdp_w for a in same)
        values["allin_power_w"] = values["tdp_w"] * ratio
        prov["allin_power_w"] = Provenance(
            "estimate", "tokenfab catalog (shipped accelerators.csv)",
            f"no all-in power on the sheet: tdp x {ratio:.3f}, the median all-in/TDP ratio of "
            f"the shipped {fam} entries ({', '.join(a.id for a in same)})", "")

    for s in ACCELERATOR_FIELDS:
        if s.required and s.name not in values:
            key = next((k for k, f in {**_TEXT, **_COUNTS}.items() if f == s.name),
                       next((k for k, (f, _, _) in _QUANTITIES.items() if f == s.name), s.name))
            raise TokenfabError(f"missing '{key}' ({s.description}); an unknown value may be "
                                "given as a table with kind = \"estimate\" and a note",
                                file=file, field=f"spec.{key}")
    try:
        acc_obj = _build(Accelerator, ACCELERATOR_FIELDS, values, prov, file, f"spec[{values['id']}]")
    except TokenfabError as e:
        raise TokenfabError(str(e), file=file) from None
    cal = CALIBRATION[fam]
    statement = (
        f"calibration: family '{fam}' constants of tokenfab.perf.calibration (compute_eff "
        f"{cal.compute_eff:g}, fp4_compute_eff {cal.fp4_compute_eff:g}, mem_eff {cal.mem_eff:g}; "
        f"software era: {cal.software_era}); they are not changed for this part",
        f"no measurements: '{values['id']}' has no rows in the validation data, so its "
        "predictions are spec-based estimates ('tokenfab validate' cannot score it)",
    )
    return SpecImport(file, values, prov, acc_obj, fam, statement)
