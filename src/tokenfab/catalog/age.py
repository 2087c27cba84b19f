"""The date of each catalog value's source, and its age: how current is the catalog?

A value's date is, in order of preference:

1. the ``date`` of its :class:`~tokenfab.catalog.schema.Provenance` (user entries, importers);
2. the date of its source in ``data/source_dates.csv`` (source URL prefix -> date, with how
   the date was established: page date, MLPerf round publication, snapshot commit date);
3. a date written in the source itself: an arXiv id (``arXiv:2412.19437`` -> 2024-12) or a
   dated URL path (``/2024/10/03/`` or ``/2024/06/``).

When a value cites several sources, the newest date is its date (the value was last checked
then). A value whose sources carry no date is reported as undated, never given a guessed date.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from tokenfab.catalog.schema import Provenance

__all__ = ["source_date", "age_years"]

_ARXIV = re.compile(r"arXiv[:/ ](\d{2})(\d{2})\.\d{4,5}", re.IGNORECASE)
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{2})(\d{2})\.\d{4,5}", re.IGNORECASE)
_URL_DATE = re.compile(r"/(20\d{2})/(0[1-9]|1[0-2])(?:/([0-3]\d))?(?:/|$)")
_ISO = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, str], ...]:
    path = Path(str(resources.files("tokenfab.catalog") / "data" / "source_dates.csv"))
    if not path.exists():
        return ()
    with open(path, newline="", encoding="utf-8") as f:
        rows = [(r["source_prefix"].strip(), r["date"].strip()) for r in csv.DictReader(f)]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))  # longest prefix first


def _dates_in(source: str) -> list[str]:
    out: list[str] = []
    for part in re.split(r"\s;\s|;\s|\s\(|\),?\s", source):
        part = part.strip()
        for prefix, d in _table():
            if prefix and prefix in part:
                out.append(d)
                break
    for m in list(_ARXIV.finditer(source)) + list(_ARXIV_URL.finditer(source)):
        out.append(f"20{m.group(1)}-{m.group(2)}")
    for m in _URL_DATE.finditer(source):
        out.append("-".join(g for g in m.groups() if g))
    return out


def source_date(p: Provenance | None) -> str:
    """The ISO date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) of a value's source, or ``""``."""
    if p is None:
        return ""
    if p.date:
        return p.date
    found = _dates_in(p.source)
    return max(found) if found else ""


def age_years(iso: str, today: date | None = None) -> float | None:
    """Years between ``iso`` (start of the month/year when partial) and ``today``."""
    m = _ISO.match(iso or "")
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    today = today or date.today()
    return (today - date(y, mo, d)).days / 365.25
