"""Every numeric input of the factory model, declared once (:class:`~tokenfab.inputs.InputSet`).

The ``[factory]`` scenario section's numeric fields, ``tokenfab factory --set NAME=VALUE``,
``--inputs``, the ``--save-scenario`` comments and the defaults table of ``docs/factory.md`` are
generated from :data:`FACTORY_INPUTS`. Each input's name is at once the scenario field, the
``--set`` name and the keyword of :func:`tokenfab.factory.economics.factory_model`; values are SI
(W, s, USD, USD/W, USD/J, USD/token, fractions).

Defaults are catalog rows (:class:`~tokenfab.inputs.FromCatalog`, read through the catalog the
command was given, so ``--catalog`` reaches them), fields of the accelerator being modelled
(:class:`~tokenfab.inputs.FromHardware`), values derived from other rows
(:class:`~tokenfab.inputs.Derived`, with the recipe as their source) or this module's own, each
with its source and kind.

The ``vs_`` inputs describe the system compared with (``--vs``); left out, each takes the
``--vs`` system's own catalog value, exactly as its counterpart does for the first system
(:data:`SYSTEM_INPUTS` resolved with that system as the context).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from tokenfab import display
from tokenfab.catalog import Catalog, load_catalog
from tokenfab.catalog.age import source_date
from tokenfab.errors import TokenfabError
from tokenfab.factory.pricing import market_rent, model_token_price
from tokenfab.inputs import (
    Derived,
    FromCatalog,
    FromHardware,
    Input,
    InputSet,
    Sourced,
    Value,
    with_plausible,
)
from tokenfab.uncertainty import Range, likely
from tokenfab.units import SECONDS_PER_YEAR

__all__ = [
    "FACTORY_INPUTS",
    "SITE_COST_INPUTS",
    "SYSTEM_INPUTS",
    "VS_PREFIX",
    "deal_price",
    "input_doc",
    "input_label",
    "site_cost_share",
    "sourced_networking_cost",
    "survey_facility_cost",
]

VS_PREFIX = "vs_"
#: the model priced when none is given (the [factory] section's default model)
DEFAULT_MODEL = "deepseek-r1"

#: the GB200 NVL72 bottom-up (Bernstein): the storage share's base and the reconciliation test's
#: cross-check, no longer the default split of the site's capex
_RACK_USD = "rack_allin_cost_gb200_nvl72"
_RACK_W = "rack_power_gb200_nvl72"


def _cat(catalog: Catalog | None) -> Catalog:
    return catalog if catalog is not None else load_catalog()


def _sum(*xs: Value) -> Value:
    """Sum of ranges, low+low / likely+likely / high+high (comonotone: the wide reading)."""
    if not any(isinstance(x, Range) for x in xs):
        return float(sum(float(x) for x in xs if not isinstance(x, Range)))
    lo = sum(x.low if isinstance(x, Range) else float(x) for x in xs)
    hi = sum(x.high if isinstance(x, Range) else float(x) for x in xs)
    return Range(lo, sum(likely(x) for x in xs), hi)


def rack_usd_per_it_w(catalog: Catalog | None = None) -> float:
    """All-in capex of a GB200 NVL72 rack per watt of its IT power (likely values) [USD/W].

    ``rack_allin_cost_gb200_nvl72 / rack_power_gb200_nvl72`` (Bernstein, Oct 2025: $5.9M per
    rack of ~125 kW IT).
    """
    cat = _cat(catalog)
    return likely(cat.assumption(_RACK_USD).si) / likely(cat.assumption(_RACK_W).si)


def site_cost_share(catalog: Catalog | None, *share_keys: str) -> Value:
    """A share of the GB200 NVL72 rack's all-in capex per IT watt [USD/W]:
    ``sum(shares) x rack_usd_per_it_w`` (ranges summed comonotonically)."""
    cat = _cat(catalog)
    total = _sum(*(cat.assumption(k).si for k in share_keys))
    k = rack_usd_per_it_w(cat)
    return total.scaled(k) if isinstance(total, Range) else float(total) * k


def _model_price(side: str) -> Any:
    def fn(catalog: Catalog | None, context: Mapping[str, Any]) -> Sourced:
        cat = _cat(catalog)
        model = context.get("model") or cat.model(DEFAULT_MODEL)
        tp = model_token_price(cat, model, side)
        return Sourced(tp.value, tp.source, tp.kind)

    return fn


def _rent(catalog: Catalog | None, context: Mapping[str, Any]) -> Sourced:
    tp = market_rent(_cat(catalog), context["hardware"])
    return Sourced(tp.value, tp.source, tp.kind)


def _accelerator_price(catalog: Catalog | None, context: Mapping[str, Any]) -> Sourced:
    """:func:`deal_price` with the row it used: the capex.csv deal row (source, year, kind) or
    the catalog accelerator's ``price_usd`` (source, date, kind)."""
    cat = _cat(catalog)
    hw = context["hardware"]
    key = _deal_key(cat, hw)
    if key is not None:
        row = cat.assumption(key)
        return Sourced(row.si, f"capex.csv {key}: {row.source}"
                       + (f" ({row.year})" if row.year else ""), row.kind)
    prov = getattr(hw, "provenance", {}).get("price_usd")
    text = f"catalog {hw.id}.price_usd" + (f": {prov.source}" if prov else "")
    text += f" ({source_date(prov) or 'undated'})" if prov is not None else ""
    return Sourced(float(hw.price_usd), text, prov.kind if prov is not None else "estimate")


def _deal_key(cat: Catalog, hw: Any) -> str | None:
    """The capex.csv deal-price row :func:`deal_price` uses for ``hw``, or None (no row, or a
    ``--catalog`` that changed the accelerator's price)."""
    key = f"deal_price_{hw.id.replace('-', '_')}_per_gpu"
    if key not in cat.capex:
        return None
    try:
        shipped = float(load_catalog().hardware(hw.id).price_usd)
    except TokenfabError:
        return None
    return key if float(hw.price_usd) == shipped else None


def deal_price(catalog: Catalog | None, hw: Any) -> Value:
    """Reported deal price per GPU (capex.csv ``deal_price_<system>_per_gpu``) where there is
    one, else the catalog accelerator's ``price_usd`` [USD].

    A catalog (``--catalog``) that gives the accelerator a ``price_usd`` other than the shipped
    one is taken at its word: its price, not the deal row, is the default.
    """
    cat = _cat(catalog)
    key = _deal_key(cat, hw)
    return cat.assumption(key).si if key is not None else float(hw.price_usd)


def survey_facility_cost(catalog: Catalog | None, power_cooling: bool) -> Value:
    """Facility cost per IT watt from the construction-cost survey [USD/W]:
    ``facility_cost_per_critical_w x (1 + ai_facility_premium) x share`` (power & cooling) or
    ``x (1 - share)`` (building), capex.csv (Cushman & Wakefield 2025, Turner & Townsend)."""
    cat = _cat(catalog)
    base = cat.assumption("facility_cost_per_critical_w").si
    k = 1.0 + likely(cat.assumption("ai_facility_premium").si)
    share = likely(cat.assumption("share_facility_power_cooling").si)
    k *= share if power_cooling else 1.0 - share
    return base.scaled(k) if isinstance(base, Range) else float(base) * k


def sourced_networking_cost(catalog: Catalog | None, hw: Any) -> Value:
    """Scale-out network and storage per IT watt of a site built with ``hw`` [USD/W].

    ``r_net x P_deal / (p_allin / PUE_ref) + s_storage x rack_usd_per_it_w`` with ``r_net``
    NVIDIA's Data Center networking / compute revenue (capex.csv
    ``networking_to_compute_revenue_nvidia``, CFO commentary Q3 FY26: 0.19), ``P_deal`` the
    accelerator's :func:`deal_price` (likely), ``p_allin / PUE_ref`` its IT power, and storage
    Bernstein's share of the GB200 NVL72 rack (``share_capex_storage``, the only sourced storage
    row). The range is the revenue ratio's (Hopper-era 0.113 to Q4 FY26 0.216) plus the share's.
    """
    cat = _cat(catalog)
    it_w = float(hw.allin_power_w) / likely(cat.assumption("pue_ai_liquid_cooled").si)
    ratio = cat.assumption("networking_to_compute_revenue_nvidia").si
    k = likely(deal_price(cat, hw)) / it_w
    net = ratio.scaled(k) if isinstance(ratio, Range) else float(ratio) * k
    return _sum(net, site_cost_share(cat, "share_capex_storage"))


def _per_hw(fn: Callable[[Catalog | None, Any], Value]) -> Any:
    def wrapped(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
        return fn(catalog, context["hardware"])

    return wrapped


def _facility(power_cooling: bool) -> Any:
    def fn(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
        return survey_facility_cost(catalog, power_cooling)

    return fn


_SURVEY = ("facility_cost_per_critical_w x (1 + ai_facility_premium) x {part} (capex.csv: "
           "Cushman & Wakefield Data Center Development Cost Guide 2025, 19 US markets, 11.7 USD "
           "per critical W; Turner & Townsend 2025-2026 AI premium +8.5%; C&W split: critical "
           "capacity + white space = share_facility_power_cooling 63%)")
_DEAL = ("capex.csv deal_price_<system>_per_gpu where there is one (Morgan Stanley: GB200 NVL72 "
         "rack $3.5-4M, GB300 ~$4M to hyperscalers / 72 GPUs), else (or when a --catalog "
         "changes it) the catalog accelerator's price_usd")
_NET = ("networking_to_compute_revenue_nvidia x deal price / IT W per accelerator (NVIDIA CFO "
        "commentary Q3 FY26: Data Center networking $8.2B / compute $43.0B = 0.19) + "
        "share_capex_storage x 47.2 USD per IT W (Bernstein Oct 2025 GB200 NVL72: $5.9M per "
        "rack / 125 kW)")


_EPOCH_COC = (
    "derived: Epoch AI 2026-05-14 'Servers account for 60% of the TCO of a one-gigawatt AI data "
    "center' ($38B capex per GW IT, TCO $8.5B/yr, servers $5B/yr, IT life 5 yr, facility 14 yr, "
    "opex $0.9B/yr) is reproduced by annuities at ~10%/yr [est]; low 7% = investment-grade "
    "hyperscaler WACC, high 15% = neocloud GPU-backed debt [est]")
_UTILIZATION = (
    "fraction of the year the installed accelerators serve at the operating point: Nesov "
    "(LessWrong 2025) 60%; Epoch AI 2026 TCO model 80-100% load [est]")

# -- the inputs of one system (accelerator) on the site -------------------------------------
_SYSTEM: tuple[Input, ...] = (
    Input("accelerator_price", "money", "purchase price per accelerator (system price / "
          "accelerators per system)", default=Derived(_accelerator_price, _DEAL), ge=0),
    Input("allin_power", "power", "facility power per accelerator including host, network and "
          "cooling, stated at reference_pue (SemiAnalysis 'all-in provisioned power')",
          default=FromHardware("allin_power_w"), gt=0),
    Input("tokens_per_s_per_accelerator", "token_rate", "OUTPUT tokens per second per "
          "accelerator at the operating point; given, it bypasses the performance engine",
          gt=0),
    Input("throughput_factor", "count", "multiplier on the engine's throughput (model "
          "uncertainty or a what-if)", default=1.0, gt=0, kind="estimate",
          source="1 = the performance engine's prediction unchanged"),
    Input("market_rent", "money_rate", "market rent of one accelerator (compared with the "
          "factory's revenue and cost per accelerator-hour; not a cost of the factory)",
          default=Derived(_rent, "median of gpu_rents.csv for the accelerator (on-demand and "
                          "contract), range over the rows; others: H100 rents x price ratio"),
          ge=0),
)

#: plausible ranges (SI) of the system inputs, with why (issue 15: outside them a warning;
#: the 4th entry is a hard upper bound where the input had none)
_SYSTEM = tuple(with_plausible(_SYSTEM, {
    "accelerator_price": (0.0, 2e6, "free to $2M per accelerator; catalog $7.8k-$56k", 1e12),
    "allin_power": (20.0, 5e4, "20 W to 50 kW per accelerator; catalog 0.3-3.5 kW", 1e8),
    "tokens_per_s_per_accelerator": (0.01, 1e6, "MLPerf v5.1 rows 123-4,130 output tok/s per "
                                     "GPU; 1e6 bounds any small model", 1e9),
    "throughput_factor": (0.01, 100.0, "a what-if multiplier on the engine", 1e6),
    "market_rent": (0.0, 100 / 3600, "GPU-hours rent for $1-10 (gpu_rents.csv)", 1.0),
}))

#: the inputs that belong to one system; the ``vs_`` copies describe the compared system
SYSTEM_INPUTS = InputSet("factory", _SYSTEM)


def _vs(i: Input) -> Input:
    return dataclasses.replace(i, name=VS_PREFIX + i.name, default=None, source="",
                               doc=f"{i.doc}, of the --vs system (left out: that system's own "
                               "value, as for the first)")


#: site cost inputs that :func:`tokenfab.factory.capex_usd_per_it_w` and friends accept
SITE_COST_INPUTS: tuple[str, ...] = (
    "pue", "reference_pue", "electricity_price", "opex_nonenergy_per_year", "networking_cost",
    "power_cooling_cost", "building_cost", "accelerator_price", "allin_power")

FACTORY_INPUTS = InputSet("factory", [
    # -- the site and its service level (never ranges) --
    Input("power", "power", "site (utility) power budget", gt=0, le=1e12, uncertain=False,
          plausible=(1e6, 2e10), plausible_note="1 MW (an edge site) to 20 GW (several "
          "times the largest announced campus, Stargate ~10 GW)",
          required=True),
    Input("interactivity", "token_rate", "service level: output tokens/s seen by one user "
          "(the operating point is the highest-throughput configuration reaching it)", gt=0,
          uncertain=False),
    Input("ttft_max", "time", "service level: longest time to first token", gt=0,
          uncertain=False),
    Input("tpot_max", "time", "service level: longest time per output token", gt=0,
          uncertain=False),
    # -- site costs (ranges are sampled in this order: keep it) --
    Input("pue", "count", "power usage effectiveness of the site (facility / IT power)",
          default=FromCatalog("pue_ai_liquid_cooled"), ge=1, le=3),
    Input("reference_pue", "count", "PUE at which the catalog's all-in power per accelerator "
          "is stated", default=FromCatalog("pue_ai_liquid_cooled", point=True, note=(
              "the catalog's all-in power per accelerator is read as facility power at this "
              "PUE (likely value)")), ge=1, le=3, uncertain=False),
    Input("electricity_price", "electricity_price", "electricity price (bounded at 2,000 "
          "USD/MWh so that a bare number, read as USD per J, fails loudly)",
          default=FromCatalog("electricity_price_dc"), ge=0, le=2000 / 3.6e9),
    Input("opex_nonenergy_per_year", "money_per_power", "maintenance, staff, insurance per "
          "watt of IT power and year [USD/(W yr)]",
          default=FromCatalog("opex_nonenergy_per_gw_year", scale=SECONDS_PER_YEAR,
                              note="USD per GW-yr read as USD/(W yr)"), ge=0),
    Input("life_it", "time", "depreciation life of IT equipment (accelerators, network)",
          default=FromCatalog("depreciation_life_it_years"), gt=0, le=30 * SECONDS_PER_YEAR,
          plausible=(2 * SECONDS_PER_YEAR, 10 * SECONDS_PER_YEAR), plausible_note=(
              "2-10 years: hyperscalers depreciate servers over 5-6 years (10-K filings)")),
    Input("life_facility", "time", "depreciation life of the facility (power, cooling, "
          "building)", default=FromCatalog("depreciation_life_facility_years"), gt=0,
          le=100 * SECONDS_PER_YEAR, plausible=(5 * SECONDS_PER_YEAR, 40 * SECONDS_PER_YEAR),
          plausible_note="5-40 years: data-centre shells and power plant are written off over "
          "10-40 years (Epoch AI 2026 uses 14)"),
    Input("price", "token_price", "price of an OUTPUT token (standard tier); bounded at 1000 "
          "USD/Mtok so that a bare number, read as USD per token, fails loudly",
          default=Derived(_model_price("output"), (
              "median over providers of the model's output price in token_prices.csv (each "
              "provider at its latest date), provider spread as the range; a model not in the "
              "table: priced by total parameters (rule in factory.pricing.model_token_price)")),
          gt=0, le=1e-3),
    Input("price_input", "token_price", "price of an INPUT (prompt) token; revenue counts "
          "input_tokens / output_tokens of them per output token",
          default=Derived(_model_price("input"), (
              "median over providers of the model's input price in token_prices.csv, spread "
              "as the range (cache-miss prices); rule by size for models not in the table")),
          ge=0, le=1e-3),
    Input("networking_cost", "money_per_power", "scale-out network and storage per IT watt "
          "(depreciated over the IT life)",
          default=Derived(_per_hw(sourced_networking_cost), _NET), ge=0),
    Input("power_cooling_cost", "money_per_power", "mechanical and electrical plant per IT "
          "watt: generation, transformers, distribution, cooling",
          default=Derived(_facility(True), _SURVEY.format(part="share")), ge=0),
    Input("building_cost", "money_per_power", "land, shell and construction labour per IT "
          "watt", default=Derived(_facility(False), _SURVEY.format(part="(1 - share)")), ge=0),
    _SYSTEM[0], _SYSTEM[1],
    Input("cost_of_capital", "fraction", "cost of capital per year (the discount rate of the "
          "annuities)", default=Range(0.07, 0.10, 0.15), ge=0, lt=1, kind="estimate",
          source=_EPOCH_COC),
    Input("utilization", "fraction", "fraction of the year the accelerators serve at the "
          "operating point", default=Range(0.6, 0.8, 1.0), gt=0, le=1, kind="estimate",
          source=_UTILIZATION),
    _SYSTEM[2], _SYSTEM[3], _SYSTEM[4],
    # -- demand and time (cash flows) --
    Input("demand_share", "fraction", "share of the market's token volume this site can sell; "
          "given, it caps the tokens sold (and so the utilization); left out: no demand limit",
          gt=0, le=1, uncertain=True),
    Input("market_tokens_per_year", "tokens", "market token volume per year (input + output "
          "tokens), the base of demand_share",
          default=FromCatalog("market_tokens_per_year_2026"), gt=0),
    Input("price_decline_per_year", "fraction", "fractional fall of the token price per year "
          "over the asset life", default=FromCatalog("token_price_decline_per_year"), ge=0,
          lt=1),
    Input("construction_time", "time", "from the decision to the first capacity online; "
          "facility capex is spent evenly over it", default=Range(
              0.33 * SECONDS_PER_YEAR, 1.0 * SECONDS_PER_YEAR, 2.0 * SECONDS_PER_YEAR),
          ge=0, le=20 * SECONDS_PER_YEAR, plausible=(0, 5 * SECONDS_PER_YEAR),
          plausible_note="0-5 years: the fastest build (Colossus, 122 days) to the slowest "
          "multi-GW campus plans",
          kind="estimate", source=(
              "[est] xAI Colossus: 122 days to first operation (2024); Stargate Abilene: ~1 "
              "year from groundbreaking (mid-2024) to first GB200 racks (mid-2025); typical "
              "hyperscale build 18-24 months")),
    Input("ramp_time", "time", "staged deployment: capacity comes online linearly over this "
          "time after the first (IT capex is spent as it is installed)", default=Range(
              0.25 * SECONDS_PER_YEAR, 1.0 * SECONDS_PER_YEAR, 2.0 * SECONDS_PER_YEAR),
          ge=0, le=20 * SECONDS_PER_YEAR, plausible=(0, 5 * SECONDS_PER_YEAR),
          plausible_note="0-5 years: the fastest build (Colossus, 122 days) to the slowest "
          "multi-GW campus plans",
          kind="estimate", source=(
              "[est] phased deliveries through the year after opening: IREN/Microsoft GB300 "
              "'in phases through 2026', Nscale Texas 104k GPUs 'over 12 to 18 months' (2025)")),
    # -- the compared system (--vs) --
    *(_vs(i) for i in _SYSTEM),
])

#: plausible ranges (SI) of the site inputs, with why (issue 15), declared beside the set
FACTORY_INPUTS = InputSet("factory", with_plausible(FACTORY_INPUTS, {
    "interactivity": (1.0, 1e4, "5-1,000 tok/s per user served today", 1e7),
    "ttft_max": (1e-3, 600.0, "1 ms to 10 minutes (MLPerf server limits 0.5-6 s)", 1e6),
    "tpot_max": (1e-4, 10.0, "0.1 ms to 10 s per token (MLPerf limits 15-200 ms)", 1e4),
    "opex_nonenergy_per_year": (0.0, 10.0, "~0.9 USD per W-year (Epoch AI 2026 opex "
                                "$0.9B/yr per GW); 10x bounds it", 1e4),
    "networking_cost": (0.0, 50.0, "~6 USD per IT W (GB200: NVIDIA's networking / compute "
                        "revenue x deal price); all-in ~47 USD per IT W (Bernstein)", 1e4),
    "power_cooling_cost": (0.0, 50.0, "~8 USD per IT W (Cushman & Wakefield 2025 survey); "
                           "all-in ~47 USD per IT W (Bernstein)", 1e4),
    "building_cost": (0.0, 50.0, "~5 USD per IT W (Cushman & Wakefield 2025 survey); all-in "
                      "~47 USD per IT W (Bernstein)", 1e4),
    "market_tokens_per_year": (1e12, 1e21, "Google ~1.6e16 tokens a year (2025)", 1e25),
    "pue": (1.03, 2.0, "Google's fleet 1.09-1.10 (2024) to the Uptime 2024 survey average "
            "1.56 (catalog pue_*); 2 for old enterprise rooms"),
    "reference_pue": (1.03, 2.0, "as pue: Google 1.09 to the survey average 1.56"),
    "electricity_price": (20 / 3.6e9, 300 / 3.6e9, "20-300 USD/MWh: half the catalog's low "
                          "(40) to 2.5x its high (120; EIA industrial average 80.6 in 2023)"),
    "price": (1e-8, 1e-4, "0.01-100 USD per million output tokens: token_prices.csv lists "
              "0.30-3.50 (2025); 100 leaves ~30x above its highest"),
    "price_input": (0.0, 1e-4, "0-100 USD per million input tokens: token_prices.csv lists "
                    "0.12-3.50 (2025)"),
    "cost_of_capital": (0.03, 0.25, "3-25 %/yr: the default 7-15 % (investment grade to "
                        "venture-like, Epoch AI 2026 reproduced at ~10 %) with margin"),
    "utilization": (0.2, 1.0, "the sources give 60-100 % (Nesov 2025; Epoch AI 2026); under "
                    "20 % the site idles most of the year"),
}))


def inputs_table(catalog: Catalog | None = None, hardware: str = "gb200-nvl72") -> str:
    """The defaults table (markdown) of :data:`FACTORY_INPUTS` for a site built with
    ``hardware`` (``tokenfab factory --inputs``, ``docs/factory.md``)."""
    cat = _cat(catalog)
    shown = InputSet("factory", [dataclasses.replace(i, required=False) for i in FACTORY_INPUTS])
    return shown.markdown_table(cat, {"hardware": cat.hardware(hardware)})


def input_doc(name: str) -> tuple[str, bool]:
    """(the doc of factory input ``name``, whether it is the challenger's): a ``vs_`` input
    reads as the --vs system's copy of the base input (``""`` for an unknown name)."""
    vs = name.startswith(VS_PREFIX)
    base = name[len(VS_PREFIX):] if vs else name
    return next((i.doc for i in FACTORY_INPUTS if i.name == base), ""), vs


def input_label(name: str) -> str:
    """A factory input in words for a chart or a table (``life_it`` -> 'IT equipment life';
    a ``vs_`` input is the challenger's: 'Challenger: accelerator price')."""
    doc, vs = input_doc(name)
    if not vs:
        return display.input_label(name, doc)
    lab = display.input_label(name[len(VS_PREFIX):], doc)
    return "Challenger: " + display.in_text(lab)
