"""Sovereign AI: the augmentation layer for one country, with bundled, sourced country data.

``catalog/data/countries.csv`` holds, per country (ISO 3166 alpha-2 code; ``WLD`` = world):
nominal GDP (IMF WEO), labour income share of GDP (ILO), knowledge workers' share of employment
(ISCO-08 groups 1-3, ILO / WEF), and electricity consumption (Ember, national operators). Every
value carries a source and a kind (``measured``, ``derived`` or ``estimate``); estimates are
marked ``[est]`` in the source and, in the model, get a +-20 % range (:data:`ESTIMATE_SPREAD`).

A country's market is the world model with the country's own GDP, labour share, knowledge
employment share and electricity; layers 1 and 2 (the global installed base and the
hyperscalers' own workloads, which have no per-country data) are allocated by the country's
share of world GDP.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from tokenfab.errors import TokenfabError, unknown
from tokenfab.market.resolved import ResolvedInput
from tokenfab.uncertainty import Range

__all__ = ["ESTIMATE_SPREAD", "Country", "country", "country_inputs", "load_countries"]

#: relative half-width of the range given to a country value of kind "estimate" [fraction]
ESTIMATE_SPREAD: float = 0.2

_TWH_J = 3.6e15


@dataclass(frozen=True, slots=True)
class Country:
    """One row of ``countries.csv`` in SI units, with the source and kind of every value."""

    code: str
    name: str
    gdp_usd: float  # nominal GDP [USD/year]
    gdp_year: int
    labour_share: float  # [fraction of GDP]
    knowledge_employment_share: float  # [fraction of employment]
    electricity_j_per_year: float  # [J/year]
    electricity_year: int
    sources: dict[str, str] = field(default_factory=dict)  # gdp / labour / knowledge / electricity
    kinds: dict[str, str] = field(default_factory=dict)

    def uncertain(self, what: str, value: float, hi_cap: float | None = None) -> float | Range:
        """``value`` as a number (measured/derived) or a +-20 % range (estimate)."""
        if self.kinds.get(what) != "estimate":
            return value
        hi = value * (1 + ESTIMATE_SPREAD)
        if hi_cap is not None:
            hi = min(hi, hi_cap)
        return Range(value * (1 - ESTIMATE_SPREAD), value, hi)


def _path() -> Path:
    return Path(str(resources.files("tokenfab.catalog") / "data" / "countries.csv"))


def _num(row: dict[str, str], col: str, lo: float, hi: float) -> float:
    try:
        v = float(row[col])
    except (KeyError, ValueError):
        raise TokenfabError(f"countries.csv row {row.get('code')!r}: {col} must be a number, "
                            f"got {row.get(col)!r}") from None
    if not (math.isfinite(v) and lo <= v <= hi):
        raise TokenfabError(f"countries.csv row {row.get('code')!r}: {col} must be in "
                            f"[{lo:g}, {hi:g}], got {v!r}")
    return v


_KINDS = ("measured", "derived", "estimate")


@lru_cache(maxsize=1)
def load_countries() -> dict[str, Country]:
    """All rows of ``countries.csv`` by code (``WLD`` = world)."""
    out: dict[str, Country] = {}
    with open(_path(), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code = row["code"].strip().upper()
            kinds = {k: row[f"{c}_kind"].strip() for k, c in
                     (("gdp", "gdp"), ("labour", "labour_share"), ("knowledge", "knowledge"),
                      ("electricity", "electricity"))}
            for k, v in kinds.items():
                if v not in _KINDS:
                    raise TokenfabError(f"countries.csv row {code!r}: {k} kind must be one of "
                                        f"{', '.join(_KINDS)}, got {v!r}")
            sources = {k: row[f"{c}_source"].strip() for k, c in
                       (("gdp", "gdp"), ("labour", "labour_share"), ("knowledge", "knowledge"),
                        ("electricity", "electricity"))}
            out[code] = Country(
                code=code, name=row["name"].strip(),
                gdp_usd=_num(row, "gdp_usd_bn", 1e-3, 1e6) * 1e9,
                gdp_year=int(_num(row, "gdp_year", 1990, 2100)),
                labour_share=_num(row, "labour_income_share", 0.01, 1.0),
                knowledge_employment_share=_num(row, "knowledge_employment_share", 0.0, 1.0),
                electricity_j_per_year=_num(row, "electricity_twh", 1e-3, 1e6) * _TWH_J,
                electricity_year=int(_num(row, "electricity_year", 1990, 2100)),
                sources=sources, kinds=kinds)
    return out


def country(code: str, field: str = "--country") -> Country:
    """A country by ISO alpha-2 code or English name (case-insensitive); ``did you mean``.

    ``field`` names where the code came from in the error message.
    """
    table = load_countries()
    key = code.strip().upper()
    if key in table:
        return table[key]
    by_name = {c.name.upper(): c for c in table.values()}
    if key in by_name:
        return by_name[key]
    choices = [c for c in table if c != "WLD"] + [c.name for c in table.values() if c.code != "WLD"]
    raise unknown("country", code, choices, "codes are ISO 3166 alpha-2, e.g. US, CN, DE",
                  field=field)


def _scale(v: float | Range | None, k: float) -> float | Range | None:
    if v is None:
        return None
    return v.scaled(k) if isinstance(v, Range) else float(v) * k


def country_inputs(resolved: dict[str, ResolvedInput], c: Country,
                   world_gdp_usd: float) -> dict[str, ResolvedInput]:
    """Move world-level inputs to country ``c``.

    GDP, labour share, knowledge employment share and electricity become the country's
    (estimates as +-20 % ranges); layers 1 and 2 are scaled by ``c.gdp_usd / world_gdp_usd``.
    A scenario that fixes ``knowledge_gdp`` (a world figure) cannot be moved to a country.
    """
    if resolved.get("knowledge_gdp_override_usd") is not None and \
            resolved["knowledge_gdp_override_usd"].value is not None:
        raise TokenfabError("knowledge_gdp is a world figure; remove it from [market] to run one "
                            "country", field="market.knowledge_gdp",
                            value=resolved["knowledge_gdp_override_usd"].value)
    if not world_gdp_usd > 0:
        raise TokenfabError(f"world GDP must be > 0 USD, got {world_gdp_usd!r}")
    out = dict(resolved)
    share = c.gdp_usd / world_gdp_usd

    def put(name: str, value: Any, unit: str, key: str) -> None:
        out[name] = ResolvedInput(name, value, unit, f"countries.csv {c.code}: {c.sources[key]}",
                                  c.kinds[key])

    put("gdp_usd", c.uncertain("gdp", c.gdp_usd), "USD/year", "gdp")
    put("labour_share", c.uncertain("labour", c.labour_share, 1.0), "fraction", "labour")
    put("knowledge_employment_share",
        c.uncertain("knowledge", c.knowledge_employment_share, 1.0), "fraction", "knowledge")
    put("electricity_j_per_year", c.uncertain("electricity", c.electricity_j_per_year),
        "J/year", "electricity")
    for name in ("installed_base_usd", "hyperscale_capex_usd_per_year"):
        r = resolved[name]
        out[name] = ResolvedInput(name, _scale(r.value, share), r.unit,
                                  f"world value x {c.code} share of world GDP ({share:.4f}); "
                                  f"world: {r.source}", r.kind)
    return out
