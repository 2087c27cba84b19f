"""One input of a market run in the model's own units, with where its value came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tokenfab.uncertainty import Range

__all__ = ["ResolvedInput"]


@dataclass(frozen=True, slots=True)
class ResolvedInput:
    """One model input with where its value came from."""

    name: str  # market_model keyword
    value: float | Range | None
    unit: str
    source: str
    kind: str  # measured / estimate / claim / derived / user / ...

    def to_dict(self) -> dict[str, Any]:
        v = self.value
        if isinstance(v, Range):
            val: Any = {"low": v.low, "likely": v.likely, "high": v.high, "dist": v.dist}
        else:
            val = v
        return {"value": val, "unit": self.unit, "source": self.source, "kind": self.kind}
