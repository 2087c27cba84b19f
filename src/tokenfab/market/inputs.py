"""Inputs of the market model: the ``[market]`` scenario section and its sourced defaults.

Every input of :func:`tokenfab.market.layers.market_model` is a number or a
:class:`~tokenfab.uncertainty.Range`. A field left out of the scenario takes its default from
the catalog's economics table (``load_catalog().economics[key]``, whose ``low``/``high``
become the range) or, where the catalog has no row, from :data:`MODULE_DEFAULTS` below, each
with its source and kind. World electricity comes from the ``WLD`` row of
``catalog/data/countries.csv``.

Scenario example (``scenarios/interview/three_layers.toml``)::

    [market]
    knowledge_gdp = "50 TUSD"             # the interview's "$50T of intelligence GDP"
    ai_spend_share = 0.2                  # $10T / $50T
    gross_margin = { low = 0.3, likely = 0.5, high = 0.7 }
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import field_validator

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.errors import TokenfabError
from tokenfab.scenario import (
    Quantity,
    ScenarioSection,
    Uncertain,
    register_section,
    validate_section,
)
from tokenfab.uncertainty import Range

#: largest Monte Carlo run accepted (memory: ~25 arrays of this many float64)
MAX_SAMPLES: int = 1_000_000

__all__ = [
    "MAX_SAMPLES",
    "MODULE_DEFAULTS",
    "InputSpec",
    "MarketSection",
    "ResolvedInput",
    "market_section",
    "resolve_inputs",
]


@register_section("market")
class MarketSection(ScenarioSection):
    """``[market]``: every field optional; a missing one takes its sourced default."""

    country: str | None = None
    hardware: str | None = None  # catalog accelerator id: capex per W from tokenfab.factory
    samples: int = 10_000
    seed: int = 0
    horizon_year: Quantity("count", ge=2000, le=2100) = 2030.0  # type: ignore[valid-type]

    world_gdp: Uncertain("money", gt=0) | None = None  # type: ignore[valid-type]
    labour_share: Uncertain("fraction", gt=0, le=1) | None = None  # type: ignore[valid-type]
    knowledge_employment_share: Uncertain("fraction", gt=0, le=1) | None = None  # type: ignore[valid-type]
    knowledge_wage_premium: Uncertain("count", gt=0) | None = None  # type: ignore[valid-type]
    knowledge_gdp: Uncertain("money", gt=0) | None = None  # type: ignore[valid-type]
    ai_spend_share: Uncertain("fraction", ge=0, le=1) | None = None  # type: ignore[valid-type]
    gross_margin: Uncertain("fraction", ge=0, lt=1) | None = None  # type: ignore[valid-type]
    installed_base: Uncertain("money", ge=0) | None = None  # type: ignore[valid-type]
    it_life_years: Uncertain("count", gt=0, le=30) | None = None  # type: ignore[valid-type]
    accelerated_share: Uncertain("fraction", ge=0, le=1) | None = None  # type: ignore[valid-type]
    hyperscale_capex: Uncertain("money", ge=0) | None = None  # type: ignore[valid-type]
    classic_workload_share: Uncertain("fraction", ge=0, le=1) | None = None  # type: ignore[valid-type]
    migration_midpoint_year: Uncertain("count", ge=2000, le=2100) | None = None  # type: ignore[valid-type]
    migration_width_years: Uncertain("count", gt=0, le=50) | None = None  # type: ignore[valid-type]
    capex_per_power: Uncertain("money_per_power", gt=0) | None = None  # type: ignore[valid-type]
    load_factor: Uncertain("fraction", gt=0, le=1) | None = None  # type: ignore[valid-type]
    world_electricity: Uncertain("energy", gt=0) | None = None  # type: ignore[valid-type]

    @field_validator("samples")
    @classmethod
    def _samples_positive(cls, v: int) -> int:
        if v < 1 or v > MAX_SAMPLES:
            raise ValueError(f"must be >= 1 and <= {MAX_SAMPLES}; got {v}")
        return v

    @field_validator("seed")
    @classmethod
    def _seed_non_negative(cls, v: int) -> int:
        if v < 0:
            raise ValueError(f"must be >= 0; got {v}")
        return v


def market_section(**fields: Any) -> MarketSection:
    """Build a validated :class:`MarketSection` from keyword arguments (the Python API).

    Bad values raise :class:`TokenfabError` naming the field, e.g. ``market.labour_share:
    must be > 0 and <= 1; got 1.5``.
    """
    return validate_section(MarketSection, fields, prefix="market")


@dataclass(frozen=True, slots=True)
class InputSpec:
    """Where a default comes from: a catalog row (``key``) or a value stated here."""

    model_name: str  # keyword of market_model
    field: str  # scenario field
    unit: str  # display unit of the model value (SI)
    catalog_key: str | None = None
    catalog_unit: str | None = None  # unit string the catalog row must carry
    factor: float = 1.0  # catalog unit -> SI
    value: float | Range | None = None  # module default when no catalog row
    source: str = ""
    kind: str = ""


#: Defaults with no catalog row: each value, its source, and its kind.
MODULE_DEFAULTS: dict[str, InputSpec] = {
    "knowledge_employment_share": InputSpec(
        "knowledge_employment_share", "knowledge_employment_share", "fraction",
        value=Range(0.25, 0.30, 0.35),
        source="[derived] Gartner (C. Roth, 2019-12-11): >1 billion knowledge workers / ILO "
        "3.3 billion workers = 0.30 (countries.csv WLD); +-0.05 [est] for the definition "
        "(ISCO-08 groups 1-3 vs 'information workers')", kind="derived"),
    "knowledge_wage_premium": InputSpec(
        "knowledge_wage_premium", "knowledge_wage_premium", "ratio",
        value=Range(1.3, 1.8, 3.0),
        source="[est] average labour income of managers/professionals/technicians relative to "
        "other workers; ILO Global Wage Report 2016/17 places high-skill occupations across the "
        "upper half of the wage distribution; no single global ratio found; high end for economies "
        "where the skill premium is large", kind="estimate"),
    "accelerated_share": InputSpec(
        "accelerated_share", "accelerated_share", "fraction",
        value=Range(0.3, 0.5, 1.0),
        source="likely: IDC server tracker, >50% of 2024 server revenue from servers with "
        "embedded GPUs, ~50% projected for 2025 (catalog server_market_2024/2025 notes); high: "
        "Huang, 'a trillion dollars of installed ... will transition' [claim]; low [est]",
        kind="estimate"),
    "classic_workload_share": InputSpec(
        "classic_workload_share", "classic_workload_share", "fraction",
        value=Range(0.3, 0.5, 0.7),
        source="[est] share of the hyperscalers' pre-2023 capex serving their own search, "
        "recommender, ads and shopping workloads (the rest: cloud capacity rented out)",
        kind="estimate"),
    "migration_midpoint_year": InputSpec(
        "migration_midpoint_year", "migration_midpoint_year", "year",
        value=Range(2024.0, 2026.0, 2029.0),
        source="[est] Huang 2025-11 (recommender-systems.com 2025-11-23): recommenders 'have "
        "already moved from CPUs to GPUs' [claim]; IDC: GPU servers >50% of server revenue 2024",
        kind="estimate"),
    "migration_width_years": InputSpec(
        "migration_width_years", "migration_width_years", "year",
        value=2.0,
        source="[est] logistic scale: 10% -> 90% in 4.4 x 2 = 8.8 years (Fisher-Pry 1971)",
        kind="estimate"),
    "load_factor": InputSpec(
        "load_factor", "load_factor", "fraction",
        value=Range(0.6, 0.8, 0.95),
        source="[est] average facility draw over nameplate; economics.md sec. 4.7 uses 80%",
        kind="estimate"),
}

#: Defaults read from the catalog's economics table (key, unit it must have, factor to SI).
CATALOG_DEFAULTS: dict[str, InputSpec] = {
    "gdp_usd": InputSpec("gdp_usd", "world_gdp", "USD/year", "world_gdp_2025", "USD tn", 1e12),
    "labour_share": InputSpec("labour_share", "labour_share", "fraction",
                              "labor_income_share_global", "fraction of GDP", 1.0),
    "ai_spend_share": InputSpec("ai_spend_share", "ai_spend_share", "fraction",
                                "ai_spend_to_salary_ratio", "fraction", 1.0),
    "gross_margin": InputSpec("gross_margin", "gross_margin", "fraction",
                              "ai_token_gross_margin", "fraction", 1.0),
    "installed_base_usd": InputSpec("installed_base_usd", "installed_base", "USD",
                                    "dc_installed_base_general_purpose", "USD tn", 1e12),
    "it_life_years": InputSpec("it_life_years", "it_life_years", "year",
                               "depreciation_life_it_years", "years", 1.0),
    "hyperscale_capex_usd_per_year": InputSpec(
        "hyperscale_capex_usd_per_year", "hyperscale_capex", "USD/year",
        "hyperscaler4_capex_2023", "USD bn", 1e9),
    "capex_usd_per_w": InputSpec("capex_usd_per_w", "capex_per_power", "USD/W",
                                 "capex_per_gw_model_prior", "USD bn per GW", 1.0),
}

#: scenario field -> market_model keyword, for fields whose names differ
FIELD_TO_MODEL: dict[str, str] = {
    "world_gdp": "gdp_usd",
    "installed_base": "installed_base_usd",
    "hyperscale_capex": "hyperscale_capex_usd_per_year",
    "capex_per_power": "capex_usd_per_w",
    "world_electricity": "electricity_j_per_year",
    "knowledge_gdp": "knowledge_gdp_override_usd",
    "horizon_year": "horizon_year",
}


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


def _catalog_default(spec: InputSpec, cat: Catalog) -> ResolvedInput:
    table = cat.economics
    key = spec.catalog_key or ""
    if key not in table:
        raise TokenfabError(f"the catalog's economics table has no row '{key}' (needed for "
                            f"the default of market.{spec.field}); give market.{spec.field} in "
                            "the scenario or restore the row")
    row = table[key]
    if spec.catalog_unit is not None and row.unit.strip() != spec.catalog_unit:
        raise TokenfabError(f"catalog economics row '{key}' has unit '{row.unit}', expected "
                            f"'{spec.catalog_unit}'", field=f"market.{spec.field}")
    r = row.range
    value: float | Range = r.scaled(spec.factor) if isinstance(r, Range) else float(r) * spec.factor
    src = f"catalog economics '{key}': {row.source}" + (f" ({row.note})" if row.note else "")
    return ResolvedInput(spec.model_name, value, spec.unit, src, row.kind or "")


def world_electricity_default() -> ResolvedInput:
    """World electricity demand [J/year]: Ember 2024 (countries.csv ``WLD``), with a range."""
    from tokenfab.market.sovereign import load_countries

    wld = load_countries()["WLD"]
    likely = wld.electricity_j_per_year
    twh = 3.6e15
    low = 27_700 * twh  # IEA: 415 TWh of data centres = ~1.5% -> ~27,700 TWh (final consumption)
    high = 31_029 * twh  # IEA Electricity 2025: 31,029 TWh generation in 2024 (ideas.energy)
    return ResolvedInput(
        "electricity_j_per_year", Range(min(low, likely), likely, max(high, likely)), "J/year",
        f"likely: {wld.sources['electricity']}; low: IEA 'Energy and AI' 2025 (415 TWh = ~1.5% -> "
        "~27,700 TWh consumption); high: IEA Electricity 2025, 31,029 TWh generation 2024 "
        "(via ideas.energy)", "measured")


def hardware_capex_default(hardware: str, cat: Catalog, prior: ResolvedInput) -> ResolvedInput:
    """Capex per facility watt for a site built with ``hardware``, with the prior's spread.

    .. math:: c = c_{IT} / \\mathrm{PUE}

    ``c_IT`` is :func:`tokenfab.factory.capex_usd_per_it_w` (all-in capex per watt of IT
    power: systems, network, power and cooling, building); dividing by the catalog's PUE for
    liquid-cooled AI sites (``pue_ai_liquid_cooled``, likely value) gives capex per watt drawn
    from the grid. The uncertainty stays the catalog's: low and high scale with the ratios
    low/likely and high/likely of ``capex_per_gw_model_prior``.
    """
    from tokenfab.errors import UnknownNameError
    from tokenfab.factory import capex_usd_per_it_w

    try:
        acc = cat.hardware(hardware)
    except UnknownNameError as e:
        raise TokenfabError(str(e), field="market.hardware", value=hardware) from None
    if "pue_ai_liquid_cooled" not in cat.economics:
        raise TokenfabError("the catalog's economics table has no row 'pue_ai_liquid_cooled' "
                            "(needed with market.hardware)")
    pue = cat.economics["pue_ai_liquid_cooled"].value
    c_it = capex_usd_per_it_w(acc, cat)
    likely_c = c_it / pue
    p = prior.value
    if isinstance(p, Range) and p.likely > 0:
        value: float | Range = Range(likely_c * p.low / p.likely, likely_c,
                                     likely_c * p.high / p.likely, p.dist)
    else:
        value = likely_c
    return ResolvedInput(
        "capex_usd_per_w", value, "USD/W",
        f"tokenfab.factory.capex_usd_per_it_w('{acc.id}') = {c_it:.1f} USD/W(IT) / PUE {pue:g} "
        "(catalog pue_ai_liquid_cooled); range: relative spread of " + prior.source,
        "derived")


def resolve_inputs(section: MarketSection | None = None,
                   catalog: Catalog | None = None) -> dict[str, ResolvedInput]:
    """Every keyword of :func:`~tokenfab.market.layers.market_model` with its value and source.

    Scenario values win (kind ``user``); the rest come from the catalog or
    :data:`MODULE_DEFAULTS`. World-level inputs: use
    :func:`tokenfab.market.sovereign.country_inputs` to move them to one country.
    """
    section = section or MarketSection()
    cat = catalog or load_catalog()
    out: dict[str, ResolvedInput] = {}
    for spec in CATALOG_DEFAULTS.values():
        out[spec.model_name] = _catalog_default(spec, cat)
    for spec in MODULE_DEFAULTS.values():
        out[spec.model_name] = ResolvedInput(spec.model_name, spec.value, spec.unit, spec.source,
                                             spec.kind)
    out["electricity_j_per_year"] = world_electricity_default()
    if section.hardware is not None:
        out["capex_usd_per_w"] = hardware_capex_default(section.hardware, cat,
                                                        out["capex_usd_per_w"])
    out["horizon_year"] = ResolvedInput("horizon_year", float(section.horizon_year), "year",
                                        "the interview's '$3-4T by 2030' (scenario horizon_year)",
                                        "user" if "horizon_year" in section.model_fields_set
                                        else "assumption")
    out["knowledge_gdp_override_usd"] = ResolvedInput(
        "knowledge_gdp_override_usd", None, "USD/year",
        "derived: world GDP x labour share x knowledge share of labour income", "derived")
    units = {r.name: r.unit for r in out.values()}
    for fname in section.model_fields_set:
        if fname in ("country", "hardware", "samples", "seed", "horizon_year"):
            continue
        value = getattr(section, fname)
        if value is None:
            continue
        name = FIELD_TO_MODEL.get(fname, fname)
        out[name] = ResolvedInput(name, value, units.get(name, ""), "scenario file", "user")
    return out


def model_inputs(resolved: dict[str, ResolvedInput]) -> dict[str, Any]:
    """``{keyword: number | Range | None}`` for :func:`~tokenfab.market.layers.market_model`."""
    return {k: r.value for k, r in resolved.items()}
