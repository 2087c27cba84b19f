"""What a user catalog changes: entries added, fields changed, with both values' provenance.

:func:`diff_catalogs` compares two :class:`~tokenfab.catalog.Catalog` objects field by field
(the shipped catalog and the shipped catalog with user files merged over it, for
``tokenfab catalog diff``). A change of provenance alone (same value, other source or kind)
is reported too: the number is the same, but what stands behind it is not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tokenfab.catalog import Catalog
from tokenfab.catalog.schema import ACCELERATOR_FIELDS, MODEL_FIELDS, Provenance

__all__ = ["Change", "diff_catalogs"]


@dataclass(frozen=True)
class Change:
    """One difference: ``status`` is ``added``, ``removed``, ``changed`` or ``source``."""

    table: str  # "accelerator" | "model"
    id: str
    field: str  # "" for a whole entry added/removed
    status: str
    old: Any = None
    new: Any = None
    old_provenance: Provenance | None = None
    new_provenance: Provenance | None = None

    @property
    def rel_change(self) -> float | None:
        """``new / old - 1`` for numbers, else None."""
        if isinstance(self.old, (int, float)) and isinstance(self.new, (int, float)) \
                and not isinstance(self.old, bool) and self.old:
            return self.new / self.old - 1.0
        return None

    def to_dict(self) -> dict[str, Any]:
        def prov(p: Provenance | None) -> dict[str, str] | None:
            return None if p is None else {"kind": p.kind, "source": p.source, "note": p.note,
                                           "date": p.date}
        return {"table": self.table, "id": self.id, "field": self.field, "status": self.status,
                "old": self.old, "new": self.new, "rel_change": self.rel_change,
                "old_source": prov(self.old_provenance), "new_source": prov(self.new_provenance)}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)
    return a == b


def diff_catalogs(base: Catalog, other: Catalog) -> list[Change]:
    """Every difference from ``base`` to ``other``, accelerators first, in id order."""
    out: list[Change] = []
    for table, specs, get_ids, get in (
            ("accelerator", ACCELERATOR_FIELDS, lambda c: c.hardware_ids, lambda c, i: c.hardware(i)),
            ("model", MODEL_FIELDS, lambda c: c.model_ids, lambda c, i: c.model(i))):
        a_ids, b_ids = set(get_ids(base)), set(get_ids(other))
        for i in sorted(b_ids - a_ids):
            out.append(Change(table, i, "", "added", new=get(other, i).name))
        for i in sorted(a_ids - b_ids):
            out.append(Change(table, i, "", "removed", old=get(base, i).name))
        for i in sorted(a_ids & b_ids):
            a, b = get(base, i), get(other, i)
            for s in specs:
                if s.name == "id":
                    continue
                va, vb = getattr(a, s.name), getattr(b, s.name)
                pa, pb = a.provenance.get(s.name), b.provenance.get(s.name)
                if not _same(va, vb):
                    out.append(Change(table, i, s.name, "changed", va, vb, pa, pb))
                elif pa != pb and (pa is not None or pb is not None):
                    out.append(Change(table, i, s.name, "source", va, vb, pa, pb))
    return out
