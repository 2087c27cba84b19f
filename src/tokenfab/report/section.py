"""What one report section is: a claim of the interview, the models' numbers, a verdict.

A section module (``tokenfab/report/sections/<name>.py``) exposes ``build(ctx) -> Section``;
it calls the library's public Python API, never the CLI. The builder renders every section
the same way, so a section only decides *what* to show, not how.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenfab import display

# re-exported: a section's verdict is the claims verdict (sections import it from here)
from tokenfab.claims import Verdict as Verdict


@dataclass(frozen=True, slots=True)
class Row:
    """One number of a section's table: ``value`` in ``unit`` (SI unless the unit says)."""

    label: str
    value: float | str | None
    unit: str = ""
    note: str = ""

    def formatted(self) -> str:
        return format_value(self.value, self.unit)


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table (a pandas DataFrame or a list of dict rows)."""

    title: str
    data: Any
    note: str = ""


@dataclass(frozen=True, slots=True)
class FigureData:
    """A rendered chart: PNG bytes (embedded as base64), or the reason it could not be drawn."""

    title: str
    png: bytes | None
    caption: str = ""
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """A reference: a label and, where there is one, a URL."""

    label: str
    url: str = ""

    @property
    def key(self) -> str:
        return self.url or self.label


@dataclass
class Section:
    """One claim, checked.

    Attributes
    ----------
    key, title, claim
        Identifier, heading and the interview's words (quoted or paraphrased).
    verdict, reason
        The grade and, in one or two sentences, why.
    assumption
        The assumption the verdict turns on (where it flips).
    rows, tables, figures, sources
        The models' numbers, charts and references.
    scenarios
        Scenario files the section ran (shown with their content).
    error
        Set when the section could not be built ("not available: <error>").
    """

    key: str
    title: str
    claim: str
    verdict: Verdict = Verdict.UNAVAILABLE
    reason: str = ""
    assumption: str = ""
    rows: list[Row] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[FigureData] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    scenarios: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def available(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``report.json``); numbers stay numbers, non-finite become None."""
        def num(v: Any) -> Any:
            if isinstance(v, float) and not math.isfinite(v):
                return None
            return v

        return {
            "key": self.key, "title": self.title, "claim": self.claim,
            "verdict": self.verdict.value, "reason": self.reason, "assumption": self.assumption,
            "numbers": [{"label": r.label, "value": num(r.value), "unit": r.unit, "note": r.note}
                        for r in self.rows],
            "figures": [{"title": f.title, "caption": f.caption, "error": f.error}
                        for f in self.figures],
            "sources": [{"label": s.label, "url": s.url} for s in self.sources],
            "scenarios": [str(p) for p in self.scenarios],
            "notes": list(self.notes),
            "error": self.error,
            "seconds": round(self.seconds, 3),
        }


def format_value(value: float | str | None, unit: str = "") -> str:
    """Human formatting, by :func:`tokenfab.display.value` (the one formatter of the CLI, the
    report and the app): ``(2.5e12, 'USD/yr')`` -> ``'$2.5T/yr'``, ``(0.42, '%')`` -> ``'42%'``.

    Units: ``USD...`` money (a ``/...`` suffix is kept), ``%`` a fraction shown as a
    percentage, ``x`` a ratio, ``''`` a plain count; anything else gets SI prefixes (powers of
    ten, ``8.28×10²⁷ FLOP``, where no prefix fits).
    """
    if isinstance(value, str):
        return display.prose(value) if not unit else f"{value} {unit}"
    return display.value(value, unit)
