"""Write catalog entries as user-catalog TOML (``[[model]]`` / ``[[accelerator]]``).

Every value is written as an inline table ``{ value = ..., kind = ..., source = ..., note = ...,
date = ... }`` so that the loader (:func:`tokenfab.catalog.load_catalog`) records its
provenance exactly as the importer stated it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from tokenfab.catalog.schema import FieldSpec, Provenance

__all__ = ["entry_to_toml"]


def _scalar(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError(f"non-finite value {v!r}")
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)  # a TOML basic string is a JSON string


def entry_to_toml(section: str, values: dict[str, Any], provenance: dict[str, Provenance],
                  specs: Sequence[FieldSpec], comments: Sequence[str] = ()) -> str:
    """One ``[[section]]`` table, fields in schema order, ``None`` values left out.

    Parameters
    ----------
    section : str
        ``model`` or ``accelerator``.
    values : dict
        Field name -> value (SI units, counts as int).
    provenance : dict
        Field name -> :class:`Provenance` (kind, source, note, date).
    specs : sequence of FieldSpec
        The schema table, for the order of the fields.
    comments : sequence of str
        Lines written as ``#`` comments above the table.
    """
    lines = [f"# {c}" if c else "#" for c in comments]
    lines.append(f"[[{section}]]")
    lines.append(f"id = {_scalar(values['id'])}")
    for s in specs:
        if s.name == "id" or values.get(s.name) is None:
            continue
        v = values[s.name]
        p = provenance.get(s.name)
        if p is None:
            lines.append(f"{s.name} = {_scalar(v)}")
            continue
        parts = [f"value = {_scalar(v)}", f"kind = {_scalar(p.kind)}",
                 f"source = {_scalar(p.source)}"]
        if p.note:
            parts.append(f"note = {_scalar(p.note)}")
        if getattr(p, "date", ""):
            parts.append(f"date = {_scalar(p.date)}")
        lines.append(f"{s.name} = {{ {', '.join(parts)} }}")
    return "\n".join(lines) + "\n"
