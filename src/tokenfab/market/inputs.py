"""Inputs of the market model: one :class:`~tokenfab.inputs.InputSet`, ``MARKET_INPUTS``.

Every input of :func:`tokenfab.market.layers.market_model` is a number or a
:class:`~tokenfab.uncertainty.Range`, declared once below with its dimension, bounds, default,
kind and source. The ``[market]`` scenario section's numeric fields, ``--set NAME=VALUE`` and
``--inputs`` of ``tokenfab market``, the ``--save-scenario`` comments and the bad-input tests
are generated from it. A default is a row of the catalog's economics table
(:class:`~tokenfab.inputs.FromCatalog`, read in SI, its ``low``/``high`` the range), a value
stated here, or derived (world electricity from the ``WLD`` row of
``catalog/data/countries.csv``). With ``hardware`` set, the capex per watt is derived from
:func:`tokenfab.factory.capex_usd_per_it_w` for that accelerator.

Scenario example (``scenarios/interview/three_layers.toml``)::

    [market]
    knowledge_gdp = "50 TUSD"             # the interview's "$50T of intelligence GDP"
    ai_spend_share = 0.2                  # $10T / $50T
    gross_margin = { low = 0.3, likely = 0.5, high = 0.7 }
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.errors import TokenfabError, UnknownNameError
from tokenfab.factory import capex_usd_per_it_w
from tokenfab.inputs import (
    Derived,
    FromCatalog,
    Input,
    InputSet,
    Resolved,
    RunOptions,
    Source,
    Value,
    with_plausible,
)
from tokenfab.market.resolved import ResolvedInput
from tokenfab.market.sovereign import load_countries
from tokenfab.scenario import ScenarioSection, register_section, validate_section
from tokenfab.uncertainty import Range, likely
from tokenfab.units import SECONDS_PER_YEAR

__all__ = [
    "FIELD_TO_MODEL",
    "MARKET_INPUTS",
    "MarketOptions",
    "MarketSection",
    "ResolvedInput",
    "market_section",
    "resolve_inputs",
    "resolve_market",
]

_TWH_J = 3.6e15


def _world_electricity(catalog: Catalog | None, context: Mapping[str, Any]) -> Range:
    wld = load_countries()["WLD"]
    mid = wld.electricity_j_per_year
    low = 27_700 * _TWH_J  # IEA: 415 TWh of data centres = ~1.5% -> ~27,700 TWh consumption
    high = 31_029 * _TWH_J  # IEA Electricity 2025: 31,029 TWh generation in 2024
    return Range(min(low, mid), mid, max(high, mid))


#: the market model's inputs (names = ``[market]`` fields = ``--set`` names)
_YR = 365.25 * 86_400.0
#: plausible ranges (SI) of the market inputs, each with why (issue 15: an input outside them
#: is accepted with a warning); a 4th entry is a hard upper bound where the input had none
_PLAUSIBLE = {
    "load_factor": (0.3, 1.0, "the default 60-95 % of nameplate; under 30 % a site is "
                    "mostly idle or still ramping"),
    "horizon_year": (2020.0, 2060.0, "the sources project to 2030-2050"),
    "world_gdp": (5e13, 5e14, "IMF WEO 2025 world GDP ~$117T; 0.5x to 4x spans past and "
                  "decades ahead", 1e16),
    "knowledge_wage_premium": (1.0, 5.0, "professionals earn 1.3-3x the average wage "
                               "(ILO/OECD earnings by occupation)", 100.0),
    "knowledge_gdp": (1e12, 2e14, "$1T to $200T: all labour income is ~$61T; the interview's "
                      "$50T is the top of the sourced range", 1e16),
    "installed_base": (1e11, 1e13, "data-centre installed base ~$1T (NVIDIA); 0.1x to 10x",
                       1e15),
    "it_life": (2 * _YR, 10 * _YR, "2-10 years: hyperscalers depreciate servers over 5-6 "
                "years (10-K filings)"),
    "hyperscale_capex": (1e10, 5e12, "hyperscaler capex ~$150B a quarter in 2025; $10B to $5T",
                         1e15),
    "migration_midpoint_year": (2020.0, 2050.0, "the CPU-to-GPU migration is under way "
                                "(2024-2030 in the sources)"),
    "migration_width_years": (0.5, 20.0, "a logistic migration over months to two decades"),
    "capex_per_power": (5.0, 200.0, "$35-60B per GW all-in (catalog capex rows); 5-200 USD/W",
                        1e4),
    "world_electricity": (5e19, 5e20, "IEA 2025: ~31,000 TWh (1.1e20 J) a year; 0.5x to 5x",
                          1e22),
}

MARKET_INPUTS = InputSet("market", with_plausible([
    Input("horizon_year", "count", "the year layer 2 (migration) is evaluated in",
          default=2030.0, ge=2000, le=2100, uncertain=False, kind="claim",
          source="the interview's '$3-4T by 2030' (NVIDIA FQ2 FY26 call, 2025-08-27)"),
    Input("world_gdp", "money", "world GDP per year", default=FromCatalog("world_gdp_2025"),
          gt=0),
    Input("labour_share", "fraction", "labour income share of GDP",
          default=FromCatalog("labor_income_share_global"), gt=0, le=1),
    Input("knowledge_employment_share", "fraction", "knowledge workers' share of employment",
          default=Range(0.25, 0.30, 0.35), gt=0, le=1, kind="derived",
          source="[derived] Gartner (C. Roth, 2019-12-11): >1 billion knowledge workers / ILO "
          "3.3 billion workers = 0.30 (countries.csv WLD); +-0.05 [est] for the definition "
          "(ISCO-08 groups 1-3 vs 'information workers')"),
    Input("knowledge_wage_premium", "count", "knowledge workers' pay relative to the average",
          default=Range(1.3, 1.8, 3.0), gt=0, kind="estimate",
          source="[est] average labour income of managers/professionals/technicians relative "
          "to other workers; ILO Global Wage Report 2016/17 places high-skill occupations across "
          "the upper half of the wage distribution; no single global ratio found; high end for "
          "economies where the skill premium is large"),
    Input("knowledge_gdp", "money", "knowledge-work GDP stated directly (replaces GDP x labour "
          "share x knowledge share)", gt=0),
    Input("ai_spend_share", "fraction", "AI token spend per unit of knowledge-work pay",
          default=FromCatalog("ai_spend_to_salary_ratio"), ge=0, le=1),
    Input("gross_margin", "fraction", "gross margin of token services",
          default=FromCatalog("ai_token_gross_margin"), ge=0, lt=1),
    Input("installed_base", "money", "general-purpose data-center installed base",
          default=FromCatalog("dc_installed_base_general_purpose"), ge=0),
    Input("it_life", "time", "service life of IT equipment (replacement cycle)",
          default=FromCatalog("depreciation_life_it_years"), gt=0, le=30 * SECONDS_PER_YEAR),
    Input("accelerated_share", "fraction", "share of the installed base refreshed as "
          "accelerated computing", default=Range(0.3, 0.5, 1.0), ge=0, le=1, kind="estimate",
          source="likely: IDC server tracker, >50% of 2024 server revenue from servers with "
          "embedded GPUs, ~50% projected for 2025 (catalog server_market_2024/2025 notes); high: "
          "Huang, 'a trillion dollars of installed ... will transition' [claim]; low [est]"),
    Input("hyperscale_capex", "money", "hyperscalers' capex per year before the AI build-out",
          default=FromCatalog("hyperscaler4_capex_2023"), ge=0),
    Input("classic_workload_share", "fraction", "share of that capex serving the hyperscalers' "
          "own classic workloads", default=Range(0.3, 0.5, 0.7), ge=0, le=1, kind="estimate",
          source="[est] share of the hyperscalers' pre-2023 capex serving their own search, "
          "recommender, ads and shopping workloads (the rest: cloud capacity rented out)"),
    Input("migration_midpoint_year", "count", "year half of those workloads run on "
          "accelerators", default=Range(2024.0, 2026.0, 2029.0), ge=2000, le=2100,
          kind="estimate",
          source="[est] Huang 2025-11 (recommender-systems.com 2025-11-23): recommenders 'have "
          "already moved from CPUs to GPUs' [claim]; IDC: GPU servers >50% of server revenue "
          "2024"),
    Input("migration_width_years", "count", "logistic scale of the migration [years]",
          default=2.0, gt=0, le=50, kind="estimate",
          source="[est] logistic scale: 10% -> 90% in 4.4 x 2 = 8.8 years (Fisher-Pry 1971)"),
    Input("capex_per_power", "money_per_power", "all-in capex per watt of AI factory",
          default=FromCatalog("capex_per_gw_model_prior"), gt=0),
    Input("load_factor", "fraction", "average facility draw over nameplate power",
          default=Range(0.6, 0.8, 0.95), gt=0, le=1, kind="estimate",
          source="[est] average facility draw over nameplate"),
    Input("world_electricity", "energy", "world electricity use per year",
          default=Derived(_world_electricity, "likely: Ember 2024 world electricity "
                          "(countries.csv WLD); low: IEA 'Energy and AI' 2025 (415 TWh = ~1.5% "
                          "-> ~27,700 TWh consumption); high: IEA Electricity 2025, 31,029 TWh "
                          "generation 2024 (https://www.iea.org/reports/electricity-2025)"), gt=0),
], _PLAUSIBLE))


class MarketOptions(ScenarioSection):
    """The non-numeric fields of ``[market]``; the numeric ones come from ``MARKET_INPUTS``."""

    country: str | None = None
    hardware: str | None = None  # catalog accelerator id: capex per W from tokenfab.factory
    samples: int = Field(10_000, ge=0, description="Monte Carlo draws (0 = point estimate)")
    seed: int = Field(0, ge=0, description="random seed (NumPy; >= 0)")

    def given(self) -> dict[str, Any]:
        """The numeric fields this section sets (SI values or ranges)."""
        return {k: v for k in MARKET_INPUTS.names if (v := getattr(self, k, None)) is not None}

    def run_options(self) -> RunOptions:
        return RunOptions(int(self.samples), int(self.seed))


#: ``[market]``: every field optional; a missing one takes its sourced default
MarketSection: type[MarketOptions] = register_section("market")(
    MARKET_INPUTS.section_model(base=MarketOptions, name="MarketSection"))


def market_section(**fields: Any) -> MarketOptions:
    """Build a validated :class:`MarketSection` from keyword arguments (the Python API).

    Bad values raise :class:`TokenfabError` naming the field, e.g. ``market.labour_share:
    must be > 0 and <= 1; got 1.5``.
    """
    return validate_section(MarketSection, fields, prefix="market")


#: scenario field -> market_model keyword, for fields whose names differ
FIELD_TO_MODEL: dict[str, str] = {
    "world_gdp": "gdp_usd",
    "installed_base": "installed_base_usd",
    "it_life": "it_life_years",
    "hyperscale_capex": "hyperscale_capex_usd_per_year",
    "capex_per_power": "capex_usd_per_w",
    "world_electricity": "electricity_j_per_year",
    "knowledge_gdp": "knowledge_gdp_override_usd",
}

#: the unit each market_model keyword is expressed in (labels of the JSON ``inputs``)
MODEL_UNITS: dict[str, str] = {
    "gdp_usd": "USD/year", "labour_share": "fraction", "knowledge_employment_share": "fraction",
    "knowledge_wage_premium": "ratio", "knowledge_gdp_override_usd": "USD/year",
    "ai_spend_share": "fraction", "gross_margin": "fraction", "installed_base_usd": "USD",
    "it_life_years": "year", "accelerated_share": "fraction",
    "hyperscale_capex_usd_per_year": "USD/year", "classic_workload_share": "fraction",
    "migration_midpoint_year": "year", "migration_width_years": "year", "horizon_year": "year",
    "capex_usd_per_w": "USD/W", "load_factor": "fraction", "electricity_j_per_year": "J/year",
}

#: the order the Monte Carlo draws the inputs in (one generator, dict order): kept as it was
#: so that a seed reproduces the same draws as earlier versions
DRAW_ORDER: tuple[str, ...] = (
    "gdp_usd", "labour_share", "ai_spend_share", "gross_margin", "installed_base_usd",
    "it_life_years", "hyperscale_capex_usd_per_year", "capex_usd_per_w",
    "knowledge_employment_share", "knowledge_wage_premium", "accelerated_share",
    "classic_workload_share", "migration_midpoint_year", "migration_width_years", "load_factor",
    "electricity_j_per_year", "horizon_year", "knowledge_gdp_override_usd",
)

#: model keywords whose SI input is converted for market_model: seconds -> years
_PER_YEAR = {"it_life_years"}


def hardware_capex_default(hardware: str, cat: Catalog, prior: Value,
                           prior_source: str) -> tuple[Value, str]:
    """Capex per facility watt for a site built with ``hardware``, with the prior's spread.

    .. math:: c = c_{IT} / \\mathrm{PUE}

    ``c_IT`` is :func:`tokenfab.factory.capex_usd_per_it_w` (all-in capex per watt of IT
    power: systems, network, power and cooling, building); dividing by the catalog's PUE for
    liquid-cooled AI sites (``pue_ai_liquid_cooled``, likely value) gives capex per watt drawn
    from the grid. The uncertainty stays the catalog's: low and high scale with the ratios
    low/likely and high/likely of ``capex_per_gw_model_prior``.
    """
    try:
        acc = cat.hardware(hardware)
    except UnknownNameError as e:
        raise TokenfabError(str(e), field="market.hardware", value=hardware) from None
    if "pue_ai_liquid_cooled" not in cat.economics:
        raise TokenfabError("the catalog's economics table has no row 'pue_ai_liquid_cooled' "
                            "(needed with market.hardware)")
    pue = float(likely(cat.assumption("pue_ai_liquid_cooled").si))
    c_it = capex_usd_per_it_w(acc, cat)
    likely_c = c_it / pue
    p = prior
    if isinstance(p, Range) and p.likely > 0:
        value: float | Range = Range(likely_c * p.low / p.likely, likely_c,
                                     likely_c * p.high / p.likely, p.dist)
    else:
        value = likely_c
    return value, (f"tokenfab.factory.capex_usd_per_it_w('{acc.id}') = {c_it:.1f} USD/W(IT) / "
                   f"PUE {pue:g} (catalog pue_ai_liquid_cooled); range: relative spread of "
                   + prior_source)


def resolve_market(section: MarketOptions | None = None, catalog: Catalog | None = None,
                   flags: Mapping[str, Any] | None = None) -> Resolved:
    """Every ``[market]`` input with its value (SI) and source: ``flags`` (``--set``) over the
    section over the defaults, read from ``catalog`` (so ``--catalog`` reaches them). With
    ``section.hardware`` and no capex given, the capex per watt is that of the hardware."""
    section = section or MarketSection()
    cat = catalog or load_catalog()
    res = MARKET_INPUTS.resolve(section.given(), cat, flags=flags)
    if section.hardware is not None and res.sources["capex_per_power"].origin == "catalog":
        prior = res["capex_per_power"]
        value, text = hardware_capex_default(section.hardware, cat, prior,
                                             res.sources["capex_per_power"].text)
        res = Resolved(res.section, {**res.values, "capex_per_power": value},
                       {**res.sources, "capex_per_power": Source(text, "derived", "derived")},
                       res.warnings)
    return res


def _model_value(name: str, v: Any) -> Any:
    if name not in _PER_YEAR:
        return v
    if isinstance(v, Range):
        return Range(v.low / SECONDS_PER_YEAR, v.likely / SECONDS_PER_YEAR,
                     v.high / SECONDS_PER_YEAR, v.dist)
    return float(v) / SECONDS_PER_YEAR


def resolve_inputs(section: MarketOptions | None = None, catalog: Catalog | None = None,
                   flags: Mapping[str, Any] | None = None) -> dict[str, ResolvedInput]:
    """Every keyword of :func:`~tokenfab.market.layers.market_model` with its value and source
    (from :func:`resolve_market`; the model's own units: years for ``it_life_years``).

    World-level inputs: use :func:`tokenfab.market.sovereign.country_inputs` to move them to
    one country.
    """
    res = resolve_market(section, catalog, flags)
    out: dict[str, ResolvedInput] = {}
    for field in MARKET_INPUTS.names:
        name = FIELD_TO_MODEL.get(field, field)
        src = res.sources.get(field)
        if field not in res.values or src is None:
            out[name] = ResolvedInput(name, None, MODEL_UNITS[name],
                                      "derived: world GDP x labour share x knowledge share of "
                                      "labour income", "derived")
            continue
        text = src.text or {"scenario": "scenario file", "flag": "--set"}.get(src.origin, "")
        out[name] = ResolvedInput(name, _model_value(name, res.values[field]), MODEL_UNITS[name],
                                  text, src.kind)
    return {k: out[k] for k in DRAW_ORDER}


def model_inputs(resolved: dict[str, ResolvedInput]) -> dict[str, Any]:
    """``{keyword: number | Range | None}`` for :func:`~tokenfab.market.layers.market_model`."""
    return {k: r.value for k, r in resolved.items()}
