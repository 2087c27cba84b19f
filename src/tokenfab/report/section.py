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


_SI = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_MONEY = ((1e12, " T"), (1e9, " B"), (1e6, " M"), (1e3, " k"))


def format_value(value: float | str | None, unit: str = "") -> str:
    """Human formatting: ``(2.5e12, 'USD/yr')`` -> ``'$2.5 T/yr'``, ``(0.42, '%')`` -> ``'42%'``.

    Units: ``USD...`` money (a ``/...`` suffix is kept), ``%`` a fraction shown as a
    percentage, ``x`` a ratio, ``''`` a plain count; anything else gets SI prefixes.
    """
    if value is None:
        return "—"
    if isinstance(value, str):
        return value if not unit else f"{value} {unit}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    v = float(value)
    if not math.isfinite(v):
        return "—"
    if unit.startswith("USD"):
        rest = unit[3:]
        sign = "-" if v < 0 else ""
        a = abs(v)
        for p, s in _MONEY:
            if a >= p:
                return f"{sign}${a / p:.3g}{s}{rest}"
        return f"{sign}${a:.3g}{rest}" if a < 100 else f"{sign}${a:,.0f}{rest}"
    if unit == "%":
        return f"{100 * v:.3g}%"
    if unit == "x":
        if abs(v) >= 1e4:
            return f"{_sci(v, '')}×"
        return f"{v:,.0f}×" if abs(v) >= 1000 else f"{v:.3g}×"
    if unit in ("", "count"):
        if abs(v) >= 1e9:
            return _sci(v, "")
        return f"{v:,.0f}" if abs(v) >= 1000 or v == int(v) else f"{v:.3g}"
    if unit in ("tok", "tokens", "FLOP", "FLOP/yr", "tokens/yr"):
        return _sci(v, unit)
    if unit in ("years", "year", "days", "hours", "minutes", "s"):
        return f"{v:.3g} {unit}"
    return _si(v, unit)


def _sci(v: float, unit: str) -> str:
    """``1.53e17 tokens``: scientific notation with three significant digits."""
    if v == 0:
        return f"0 {unit}".strip()
    m, e = f"{v:.2e}".split("e")
    return f"{float(m):.3g}e{int(e)} {unit}".strip()


def _si(v: float, unit: str) -> str:
    for p, s in _SI:
        if abs(v) >= p:
            return f"{v / p:.3g} {s}{unit}".strip()
    return f"{v:.3g} {unit}".strip()
