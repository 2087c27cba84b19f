"""Small helpers shared by the section modules (verdict mapping, sources, percentiles)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from tokenfab import display
from tokenfab.report.section import Source, Verdict

_URL = re.compile(r"https?://[^\s;,)\]]+")

_STATUS = {
    "supported": Verdict.SUPPORTED,
    "partly": Verdict.PARTLY,
    "partly supported": Verdict.PARTLY,
    "partially supported": Verdict.PARTLY,
    "not supported": Verdict.NOT_SUPPORTED,
    "unsupported": Verdict.NOT_SUPPORTED,
    "contradicted": Verdict.NOT_SUPPORTED,
}


def verdict_of(status: str) -> Verdict:
    """Map a module's verdict word (``supported`` / ``partly`` / ``not supported``) to ours."""
    key = str(status).strip().lower().replace("_", " ")
    if key not in _STATUS:
        raise ValueError(f"unknown verdict status {status!r}")
    return _STATUS[key]


def source_from_text(label: str, text: str, limit: int | None = None) -> Source:
    """A :class:`Source` from free text that may contain a URL (the first one becomes the link).

    The text is kept whole (a source cut with "…" cannot be checked; ``limit`` is ignored and
    kept for callers); an input or catalog name as ``label`` is shown in words.
    """
    del limit
    m = _URL.search(text or "")
    url = m.group(0).rstrip(".") if m else ""
    body = (text or "").strip()
    label = _words(label)
    return Source(f"{label}: {body}" if label else body, url)


def _words(label: str) -> str:
    """``'tokens_per_param'`` -> ``'Tokens per param'``; ``'key (kind, year)'`` likewise."""
    head, sep, rest = (label or "").partition(" (")
    if re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+", head):
        return display.label(head) + sep + rest
    return label


def dedupe(sources: Iterable[Source]) -> list[Source]:
    """Sources in order, without repeats (same URL, or same label when there is no URL)."""
    seen: set[str] = set()
    out = []
    for s in sources:
        if s.key in seen:
            continue
        seen.add(s.key)
        out.append(s)
    return out


def catalog_source(catalog: Any, key: str) -> Source:
    """The source of an economics/cluster assumption of the catalog."""
    a = catalog.assumption(key)
    return source_from_text(f"{key} ({a.kind}, {a.year})", a.source)


def band(sample: Any) -> tuple[float, float, float] | None:
    """``(p10, p50, p90)`` of the finite values of a sample, or None when there are none."""
    if sample is None:
        return None
    x = np.asarray(sample, dtype=float).ravel()
    x = x[np.isfinite(x)]
    if x.size == 0:
        return None
    p10, p50, p90 = np.percentile(x, (10, 50, 90))
    return float(p10), float(p50), float(p90)


def band_note(sample: Any, unit: str, fmt: Any) -> str:
    """``'p10-p90: $41 B-$46 B'`` for a Monte Carlo sample (empty without one)."""
    b = band(sample)
    if b is None:
        return ""
    return f"p10–p90: {fmt(b[0], unit)} – {fmt(b[2], unit)}"


def png_via_file(write: Any, *args: Any, **kwargs: Any) -> bytes:
    """Call a module's ``write(*args, path, **kwargs)`` plotting function on a temporary PNG
    file and return its bytes (to reuse the module authors' charts as they are)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "figure.png"
        write(*args, p, **kwargs)
        return p.read_bytes()
