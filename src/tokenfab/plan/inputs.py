"""Every input of the rent-or-build plan, declared once (:data:`PLAN_INPUTS`), and the
``[plan]`` scenario section generated from it.

A plan scenario says how fast demand grows (users x compute per user), what renting costs and
how much can be rented, what building costs, how long it takes and how much power can be
connected each year, and optionally which share of the work a cheaper, fixed-function
accelerator (ASIC/TPU) could serve. Every numeric field left out takes its declared default:
a catalog row (``economics.csv``, ``cluster.csv``, read in SI from the catalog given so
``--catalog`` reaches it), the factory model's site cost (:mod:`tokenfab.demand.site`), or a
value with its source and kind. :func:`resolve` returns the values with their sources.

Capacity is counted in *accelerator-equivalents*: accelerators with the all-in power of the
reference system (default ``gb200-nvl72``) and the tokens per watt of the generation they
belong to. A generation ``g`` years newer than the reference serves ``k^g`` times the
reference's tokens per watt (``k`` = ``speedup_per_year``), so the plan does not depend on the
performance engine; set ``tokens_per_accelerator_s`` from ``tokenfab.perf`` for a given model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, create_model, field_validator, model_validator

from tokenfab.catalog import Accelerator, Catalog, load_catalog
from tokenfab.demand.inputs import growth_rate_from_multiple
from tokenfab.demand.site import (
    capex_usd_per_facility_w,
    factory_default,
    it_capex_share,
    opex_usd_per_facility_w_year,
)
from tokenfab.errors import TokenfabError
from tokenfab.inputs import (
    Derived,
    FromCatalog,
    Input,
    InputSet,
    Resolved,
    RunOptions,
    Value,
    with_plausible,
)
from tokenfab.plan import econ
from tokenfab.scenario import Quantity, ScenarioSection, Uncertain, register_section
from tokenfab.uncertainty import Range, likely
from tokenfab.units import SECONDS_PER_YEAR

__all__ = [
    "MAX_PLAN_SAMPLES",
    "PLAN_INPUTS",
    "CommittedSite",
    "PlanInputs",
    "PlanPoint",
    "PlanSection",
    "RentContract",
    "default_speedup",
    "filled_section",
    "resolve",
    "resolve_with_sources",
]

_YEAR_S = SECONDS_PER_YEAR

#: most Monte Carlo draws a plan runs: each draw solves two LPs (the plan and renting alone),
#: ~6 ms each on one core (measured: 200 draws 2.3 s, 1,000 draws 12 s wall on the 2-core CI
#: machine), so 500 draws stay near 6 s, well inside the 20 s a command may take
MAX_PLAN_SAMPLES: int = 500
PLAN_BUDGET = "two linear programs per draw, ~12 ms a draw; 500 draws ~6 s"

_REFERENCE = "reference"  # context key: the reference system (an Accelerator)


# ---------------------------------------------------------------------------------------
# derived defaults
# ---------------------------------------------------------------------------------------
def _cat(catalog: Catalog | None) -> Catalog:
    return catalog if catalog is not None else load_catalog()


def _ref(context: Mapping[str, Any]) -> Accelerator:
    ref = context.get(_REFERENCE)
    if not isinstance(ref, Accelerator):
        raise TokenfabError("the plan's defaults need the reference system",
                            field="plan.reference_system")
    return ref


def _flops_per_w(acc: Accelerator, lowest: bool) -> float:
    if lowest:
        for p in ("fp4", "fp8", "bf16"):
            if acc.supports(p):
                return float(acc.peak_flops_per_s(p)) / float(acc.allin_power_w)
    return float(acc.peak_flops_per_s("fp8")) / float(acc.allin_power_w)


def default_speedup(cat: Catalog, new_id: str, old_id: str = "h100-sxm") -> tuple[Value, str]:
    """Yearly tokens-per-watt improvement from two catalog systems (see :func:`econ.speedup_per_year`).

    likely: dense peak FLOP/s per all-in watt at each system's lowest native precision (the
    serving trend: H100 FP8 -> GB200 FP4); low: at the same precision (FP8 -> FP8); high: the
    catalog's ``blackwell_over_hopper_tokens_per_mw`` ratio over the same years.
    """
    new, old = cat.hardware(new_id), cat.hardware(old_id)
    dy = new.year_available - old.year_available
    if dy <= 0:
        return 1.0, f"reference {new_id} is not newer than {old_id}: no speedup assumed"
    lik = float(econ.speedup_per_year(_flops_per_w(new, True), _flops_per_w(old, True), dy))
    lo = float(econ.speedup_per_year(_flops_per_w(new, False), _flops_per_w(old, False), dy))
    hi = lik
    src = (f"catalog specs: dense peak FLOP/s per all-in W, {old_id} "
           f"({old.year_available}) -> {new_id} ({new.year_available}); likely at lowest native "
           f"precision {lik:.3f}/yr, low at FP8 {lo:.3f}/yr")
    econ_rows = cat.economics
    if "blackwell_over_hopper_tokens_per_mw" in econ_rows:
        hi = max(lik, float(econ_rows["blackwell_over_hopper_tokens_per_mw"].value) ** (1.0 / dy))
        src += (f"; high from catalog blackwell_over_hopper_tokens_per_mw over {dy} yr "
                f"{hi:.3f}/yr")
    lo, hi = min(lo, lik), max(hi, lik)
    return (Range(lo, lik, hi) if hi > lo else lik), src


def _speedup(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    return default_speedup(_cat(catalog), _ref(context).id)[0]


def _capex(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    cat = _cat(catalog)
    v = capex_usd_per_facility_w(_ref(context), cat)
    prior = cat.economics.get("capex_per_gw_model_prior")
    if prior is None or prior.low is None or prior.high is None:
        return v
    return Range(v * prior.low / prior.value, v, v * prior.high / prior.value)


def _it_share(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    return it_capex_share(_ref(context), _cat(catalog))


def _opex(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    return opex_usd_per_facility_w_year(_ref(context), _cat(catalog))


def _factory(name: str) -> Derived:
    def fn(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
        return factory_default(name, catalog)[0]

    return Derived(fn, f"the factory model's {name} default (tokenfab.factory)")


def _lead_time(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    cat = _cat(catalog)
    mid = float(likely(cat.assumption("build.stargate_abilene_years").si))
    lo = float(likely(cat.assumption("build.peer_phase_months").si))
    return Range(min(lo, mid), mid, max(3.0 * _YEAR_S, mid))


# ---------------------------------------------------------------------------------------
# the declaration
# ---------------------------------------------------------------------------------------
_GROWTH = (-0.5, 10.0, "from halving to 11x a year: the fastest sourced trend (OpenAI compute "
           "~3x a year, frontier training compute ~4-5x) stays inside", 1000.0)
#: plausible ranges (SI) of the plan inputs, each with why (issue 15: an input outside them is
#: accepted with a warning); a 4th entry is a hard upper bound where the input had none
_PLAUSIBLE = {
    "utilization": (0.2, 1.0, "as the factory's utilization: the sources give 60-100 %; under "
                    "20 % the fleet idles most of the year"),
    "demand_tokens_per_year": (1e12, 1e21, "Google served ~1.3 quadrillion tokens a month in "
                               "2025 (1.6e16 a year); 1e21 = 60,000x that", 1e25),
    "demand_accelerators": (1.0, 1e8, "one accelerator to 100M (the Stargate scenario: 1.4M)",
                            1e10),
    "users_growth": _GROWTH,
    "per_user_growth": _GROWTH,
    "tokens_per_accelerator_s": (1.0, 1e6, "MLPerf v5.1 rows: 123 to 4,130 output tok/s per "
                                 "GPU; 1e6 bounds any small model", 1e9),
    "speedup_per_year": (0.5, 5.0, "catalog peak FLOP/s per W grows 1.3-2.2x a year", 100.0),
    "rent_on_demand_usd_per_hour": (0.1, 100.0, "GPU-hours rent for $1-10 (gpu_rents.csv)",
                                    1e5),
    "rent_3yr_usd_per_hour": (0.1, 100.0, "GPU-hours rent for $1-10 (gpu_rents.csv)", 1e5),
    "rent_price_trend": (-0.5, 0.5, "H100 rents fell 22% in 2025 (RBC via FT); flat to -50%",
                         10.0),
    "rental_cap": (0.0, 1e8, "Microsoft's ~300k GB200s for OpenAI; 100M bounds the industry",
                   1e10),
    "rental_cap_growth": _GROWTH,
    "capex": (5.0, 200.0, "$35-60B per GW all-in (catalog capex rows); 5-200 USD/W", 1e4),
    "it_life": (2 * SECONDS_PER_YEAR, 10 * SECONDS_PER_YEAR, "2-10 years: hyperscalers "
                "depreciate servers over 5-6 years (10-K filings)", 30 * SECONDS_PER_YEAR),
    "facility_life": (5 * SECONDS_PER_YEAR, 40 * SECONDS_PER_YEAR, "5-40 years: shells and "
                      "power plant are written off over 10-40 years", 100 * SECONDS_PER_YEAR),
    "cost_of_capital": (0.0, 0.3, "investment-grade 7% to GPU-backed debt 15%; 30% is distress"),
    "lead_time": (0.0, 10 * SECONDS_PER_YEAR, "Colossus 122 days to multi-GW campuses in "
                  "~3 years", 50 * SECONDS_PER_YEAR),
    "opex_per_year": (0.0, 10.0, "~0.9 USD per W-year (factory model); 10x bounds it", 1e4),
    "power_cap_per_year": (0.0, 1e11, "the industry adds ~4.5 GW a year (2025); 100 GW a year "
                           "is 20x", 1e13),
    "power_cap_growth": _GROWTH,
    "total_power_cap": (1e6, 1e12, "1 MW to 1 TW (world electricity averages ~3.5 TW)", 1e14),
    "unserved_penalty": (0.0, 1e-3, "up to $1,000 per Mtok (API prices are $0.1-100)", 1.0),
    "asic_perf_per_w": (0.1, 10.0, "an ASIC at 0.1x to 10x the GPU's tokens per watt", 1e3),
}

PLAN_INPUTS = InputSet("plan", with_plausible([
    # -- demand: the double exponential
    Input("demand_tokens_per_year", "tokens", "demand in the first year [tokens/yr] (or give "
          "demand_accelerators)", FromCatalog(
              "google_tokens_per_month_2025_10", scale=_YEAR_S,
              note="a Google-scale lab: monthly tokens x 12 [est]"), gt=0.0),
    Input("demand_accelerators", "count", "demand in the first year [reference "
          "accelerator-equivalents] (instead of demand_tokens_per_year)", None, gt=0.0),
    Input("users_growth", "fraction", "growth of users per year", Range(0.2, 0.5, 1.2),
          gt=-1.0, source=(
              "[est] ChatGPT weekly users 100M (Nov 2023) -> 500M (Mar 2025) -> 800M (Oct 2025) "
              "(catalog chatgpt_weekly_active_users note; OpenAI DevDay 2025-10-06) grew "
              "~3x/yr; slower ahead as 800M approaches the ~5.5B internet users")),
    Input("per_user_growth", "fraction", "growth of tokens per user per year",
          growth_rate_from_multiple("output_length_growth_nonreasoning"), gt=-1.0),
    Input("tokens_per_accelerator_s", "token_rate", "output tokens/s of one reference "
          "accelerator at the service level", Range(123.0, 2327.0, 4130.0), gt=0.0,
          kind="measured", source=(
              "MLPerf Inference v5.1 (2025-09-09) GB200 NVL72 DeepSeek-R1 server: 167,578 "
              "output tok/s / 72 GPUs = 2,327 (tokenfab validation row M054); low: Llama 3.1 "
              "405B server 8,850/72 = 123 (v5.0, M036); high: SemiAnalysis InferenceX "
              "DeepSeek-R1 FP4 at 125 tok/s/user, 4,130 per GPU (M100; InferenceX counts input "
              "+ output tokens, so 2,065 output tokens at 1k/1k: an upper bound) "
              "https://inferencex.semianalysis.com/blog/gb200-nvl72-vs-b200-disagg-deepseek-r1-"
              "fp4-dynamo-trt")),
    Input("utilization", "fraction", "average load of serving capacity",
          _factory("utilization"), gt=0.0, le=1.0),
    Input("speedup_per_year", "count", "tokens per watt of each newer generation (x per year)",
          Derived(_speedup, "dense peak FLOP/s per all-in W, h100-sxm -> the reference system: "
                  "likely at the lowest native precision, low at FP8, high from catalog "
                  "blackwell_over_hopper_tokens_per_mw"), gt=0.0),
    # -- rent
    Input("rent_on_demand_usd_per_hour", "money", "on-demand price of a reference "
          "accelerator-hour [USD/h] (the default contract 'on_demand', 1 year)",
          FromCatalog("rent_gb200_usd_per_gpu_hr", scale=3600.0, note="per GPU-hour"), gt=0.0),
    Input("rent_3yr_usd_per_hour", "money", "3-year contract price of a reference "
          "accelerator-hour [USD/h] (the default contract 'reserved_3yr')",
          Range(2.75, 3.3, 4.5), gt=0.0, source=(
              "SemiAnalysis AI Cloud TCO model, 3-year rental price of a GB200 NVL72 GPU "
              "(costr, as embedded in InferenceX-app constants.ts); low: neocloud TCO 2.75 "
              "(costn), high: on-demand price (catalog rent_gb200_usd_per_gpu_hr)")),
    Input("rent_price_trend", "fraction", "yearly change of the accelerator-hour price",
          Range(-0.25, 0.0, 0.0), gt=-1.0, source=(
              "[est] newest-generation accelerator-hour price ~flat at hyperscalers; low: H100 "
              "-22% and H200 -29% YTD 2025 at neoclouds (RBC Capital Markets data, reported by "
              "the Financial Times, 2025)")),
    Input("rental_cap", "count", "accelerators that can be rented in the first year",
          Range(150_000.0, 300_000.0, 600_000.0), ge=0.0, source=(
              "Microsoft to provide OpenAI ~300,000 GB200 GPUs by end of 2025 (The Information "
              "via https://aibase.com/news/12227); range [est] x0.5..x2")),
    Input("rental_cap_growth", "fraction", "yearly growth of the rental cap (cloud capacity "
          "grows with hyperscaler capex)", FromCatalog("capex_growth_hyperscalers",
                                                      note="a growth rate per year"), gt=-1.0),
    # -- build
    Input("capex", "money_per_power", "all-in capex per watt of facility power",
          Derived(_capex, "tokenfab.factory.capex_usd_per_it_w(reference) / PUE; range: the "
                  "relative spread of catalog capex_per_gw_model_prior"), gt=0.0),
    Input("it_capex_share", "fraction", "share of capex that is IT equipment",
          Derived(_it_share, "tokenfab.factory: accelerators + networking & storage / all-in "
                  "capex per IT W (deal price, NVIDIA networking ratio, C&W facility survey)"), gt=0.0, lt=1.0),
    Input("it_life", "time", "depreciation life of IT equipment",
          FromCatalog("depreciation_life_it_years"), gt=0.0),
    Input("facility_life", "time", "depreciation life of the facility",
          FromCatalog("depreciation_life_facility_years"), gt=0.0),
    Input("cost_of_capital", "fraction", "cost of capital per year",
          _factory("cost_of_capital"), ge=0.0, lt=1.0),
    Input("lead_time", "time", "from decision to tokens", Derived(
        _lead_time, "catalog cluster build.stargate_abilene_years; low: build.peer_phase_months; "
        "high 3 yr [est]"), ge=0.0),
    Input("opex_per_year", "money_per_power", "opex per facility watt and year, at full load "
          "[USD/(W yr)]", Derived(_opex, "tokenfab.factory.opex_usd_per_it_w_year / PUE"),
          ge=0.0),
    Input("power_cap_per_year", "power", "new power that can be connected in the first year",
          Range(0.5e9, 1.5e9, 3.0e9), ge=0.0, source=(
              "[est] one lab connects ~1/3 of the industry's new AI power per year (catalog "
              "ai_gw_added_per_year_2025 = 4.5 GW/yr, BG2 Gerstner); Stargate Abilene ~1.2 GW "
              "in ~2 yr")),
    Input("power_cap_growth", "fraction", "yearly growth of the connectable power",
          Range(0.0, 0.19, 0.4), gt=-1.0, kind="derived", source=(
              "Street view 4.5 GW/yr (2025) -> 9 GW/yr (2029) added AI power = 2x in 4 yr "
              "(catalog ai_gw_added_per_year_2025 note, BG2 Gerstner)")),
    Input("total_power_cap", "power", "total power that can ever be built (optional)", None,
          gt=0.0, uncertain=False),
    Input("unserved_penalty", "token_price", "value of a token not served (lost revenue)",
          FromCatalog("blended_revenue_per_m_tokens"), ge=0.0),
    # -- mixed fleet
    Input("asic_share", "fraction", "share of demand an ASIC could serve", 0.0, ge=0.0, le=1.0,
          source="no ASIC in the fleet unless the scenario says [choice]"),
    Input("asic_capex_saving", "fraction", "capex an ASIC site saves (share of total capex)",
          FromCatalog("asic_rack_capex_saving"), ge=0.0, lt=1.0),
    Input("asic_perf_per_w", "count", "tokens per watt of the ASIC / the GPU of the same year",
          Range(0.6, 1.0, 1.5), gt=0.0, source=(
              "[est] tokens per watt of the ASIC relative to the GPU generation of the same "
              "year; low = the ~0.6x at which even a free chip only breaks even (tokenfab "
              "factory on scenarios/interview/free_asic.toml)")),
    Input("asic_share_after_change", "fraction", "ASIC-eligible share after the model-mix "
          "change", 0.0, ge=0.0, le=1.0, uncertain=False,
          source="no change unless the scenario says [choice]"),
], _PLAUSIBLE))

#: inputs used only when the scenario gives no [[plan.rent]] contracts
_DEFAULT_RENT_INPUTS = ("rent_on_demand_usd_per_hour", "rent_3yr_usd_per_hour")


# ---------------------------------------------------------------------------------------
# scenario section
# ---------------------------------------------------------------------------------------
class RentContract(BaseModel):
    """One rental contract: ``[[plan.rent]] name, years, price_usd_per_hour``."""

    model_config = ConfigDict(extra="forbid")

    name: str
    years: int
    price_usd_per_hour: Uncertain("money", gt=0)  # type: ignore[valid-type]  # pydantic Annotated built at run time

    @field_validator("years")
    @classmethod
    def _years(cls, v: int) -> int:
        if not 1 <= v <= 10:
            raise ValueError(f"must be a whole number of years in 1..10; got {v!r}")
        return v


class CommittedSite(BaseModel):
    """Capacity already under way: ``[[plan.committed]] year, power`` (opens in ``year``)."""

    model_config = ConfigDict(extra="forbid")

    year: int
    power: Quantity("power", gt=0)  # type: ignore[valid-type]  # pydantic Annotated built at run time
    name: str = ""


if TYPE_CHECKING:
    class _Fields(ScenarioSection):
        demand_tokens_per_year: Any = None
        demand_accelerators: Any = None
else:
    _Fields = create_model("PlanInputFields", __base__=ScenarioSection,
                           **PLAN_INPUTS.section_fields())


@register_section("plan")
class PlanSection(_Fields):
    """``[plan]``: rent or build, year by year. Numeric fields are :data:`PLAN_INPUTS`
    (omitted: their sourced defaults); the rest are the horizon, the reference system, the
    rental contracts, the committed sites and the Monte Carlo draws."""

    start_year: int = 2026
    years: int = 8
    reference_system: str = "gb200-nvl72"
    rent: list[RentContract] | None = None
    committed: list[CommittedSite] = []
    mix_change_year: int | None = None
    samples: int = 0

    @field_validator("years")
    @classmethod
    def _years(cls, v: int) -> int:
        if not 1 <= v <= 40:
            raise ValueError(f"must be a whole number of years in 1..40; got {v!r}")
        return v

    @field_validator("start_year")
    @classmethod
    def _start(cls, v: int) -> int:
        if not 2000 <= v <= 2100:
            raise ValueError(f"must be a year in 2000..2100; got {v!r}")
        return v

    @field_validator("samples")
    @classmethod
    def _samples(cls, v: int) -> int:
        if not (v == 0 or 2 <= v <= MAX_PLAN_SAMPLES):
            raise ValueError(f"must be 0 (no Monte Carlo) or 2..{MAX_PLAN_SAMPLES} draws (the "
                             f"plan's time budget: {PLAN_BUDGET}); got {v!r}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> PlanSection:
        if self.demand_tokens_per_year is not None and self.demand_accelerators is not None:
            raise ValueError("give either demand_tokens_per_year or demand_accelerators, not both")
        end = self.start_year + self.years - 1
        for i, c in enumerate(self.committed):
            if not self.start_year <= c.year <= end:
                raise ValueError(f"committed[{i}].year must be within the horizon "
                                 f"{self.start_year}..{end}; got {c.year}")
        if self.mix_change_year is not None and not self.start_year < self.mix_change_year <= end:
            raise ValueError(f"mix_change_year must be in {self.start_year + 1}..{end}; "
                             f"got {self.mix_change_year}")
        if self.rent is not None:
            if not self.rent:
                raise ValueError("rent must list at least one contract ([[plan.rent]])")
            names = [r.name for r in self.rent]
            if len(set(names)) != len(names):
                raise ValueError(f"rent contract names must be unique; got {names}")
        return self

    def given(self) -> dict[str, Any]:
        """The numeric inputs the section sets (the rest take their defaults)."""
        return {i.name: getattr(self, i.name) for i in PLAN_INPUTS
                if getattr(self, i.name) is not None}


# ---------------------------------------------------------------------------------------
# resolved inputs
# ---------------------------------------------------------------------------------------
N = TypeVar("N", float, Value)


@dataclass(frozen=True)
class _PlanFields(Generic[N]):
    """The plan's inputs in model units: money in USD, power in W, time in years where the
    name says ``_years``, token rates in tok/s, prices per accelerator-hour in USD/h, the
    unserved penalty in USD/token. ``N`` is ``float`` (a point) or ``float | Range``."""

    start_year: int
    years: int
    reference_system: str
    reference_year: int
    accelerator_power_w: float
    demand_tokens_per_year: N | None
    demand_accelerators: N | None
    users_growth: N
    per_user_growth: N
    tokens_per_accelerator_s: N
    utilization: N
    speedup_per_year: N
    rent_names: tuple[str, ...]
    rent_years: tuple[int, ...]
    rent_prices_usd_per_hour: tuple[N, ...]
    rent_price_trend: N
    rental_cap: N
    rental_cap_growth: N
    capex_usd_per_w: N
    it_capex_share: N
    it_life_years: N
    facility_life_years: N
    cost_of_capital: N
    lead_time_years: N
    opex_usd_per_w_year: N
    power_cap_w_per_year: N
    power_cap_growth: N
    total_power_cap_w: float | None
    committed_years: tuple[int, ...]
    committed_power_w: tuple[float, ...]
    committed_names: tuple[str, ...]
    unserved_penalty_usd_per_token: N
    asic_share: N
    asic_capex_saving: N
    asic_perf_per_w: N
    mix_change_year: int | None
    asic_share_after_change: float
    samples: int = 0
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    def values(self) -> dict[str, Any]:
        """Every field but the sources (the JSON ``inputs.values``)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sources"}


@dataclass(frozen=True)
class PlanPoint(_PlanFields[float]):
    """Point inputs of the LP (every value a float)."""

    def tokens_per_accelerator_year(self) -> float:
        """Tokens one reference accelerator-equivalent serves in a year [tokens/yr]."""
        return self.tokens_per_accelerator_s * self.utilization * _YEAR_S

    def base_demand_tokens(self) -> float:
        """Demand in the first year [tokens/yr]."""
        if self.demand_tokens_per_year is not None:
            return self.demand_tokens_per_year
        assert self.demand_accelerators is not None
        return self.demand_accelerators * self.tokens_per_accelerator_year()

    def lead_years(self) -> int:
        """Lead time rounded up to whole years: capacity serves from the first full year."""
        return int(math.ceil(self.lead_time_years - 1e-9))


_RANGE_FIELDS = ("demand_tokens_per_year", "demand_accelerators", "users_growth",
                 "per_user_growth", "tokens_per_accelerator_s", "utilization", "speedup_per_year",
                 "rent_price_trend", "rental_cap", "rental_cap_growth", "capex_usd_per_w",
                 "it_capex_share", "it_life_years", "facility_life_years", "cost_of_capital",
                 "lead_time_years", "opex_usd_per_w_year", "power_cap_w_per_year",
                 "power_cap_growth", "unserved_penalty_usd_per_token", "asic_share",
                 "asic_capex_saving", "asic_perf_per_w")


@dataclass(frozen=True)
class PlanInputs(_PlanFields[Value]):
    """Every input of the plan (numbers or :class:`Range`), with sources."""

    def _uncertain_fields(self) -> list[str]:
        return [n for n in _RANGE_FIELDS if isinstance(getattr(self, n), Range)]

    def _point_kw(self) -> dict[str, Any]:
        kw = {f.name: getattr(self, f.name) for f in fields(self)}
        for n in _RANGE_FIELDS:
            v = kw[n]
            kw[n] = None if v is None else float(likely(v))
        kw["rent_prices_usd_per_hour"] = tuple(float(likely(p))
                                               for p in self.rent_prices_usd_per_hour)
        return kw

    def point(self) -> PlanPoint:
        """The same inputs with every range at its likely value."""
        return PlanPoint(**self._point_kw())

    def draw(self, options: RunOptions) -> list[PlanPoint]:
        """``options.samples`` point inputs with every range sampled (independently, each its
        distribution; the fields in declaration order, then the rent prices, from
        ``options.seed``)."""
        n = options.samples
        rng = options.rng()
        cols: dict[str, np.ndarray] = {}
        for name in self._uncertain_fields():
            v = getattr(self, name)
            assert isinstance(v, Range)
            cols[name] = v.sample(n, rng)
        prices = [p.sample(n, rng) if isinstance(p, Range) else np.full(n, float(p))
                  for p in self.rent_prices_usd_per_hour]
        base = self.point()
        out = []
        for i in range(n):
            kw: dict[str, Any] = {k: float(v[i]) for k, v in cols.items()}
            kw["rent_prices_usd_per_hour"] = tuple(float(p[i]) for p in prices)
            out.append(replace(base, **kw))
        return out

    def uncertain_names(self) -> list[str]:
        names = []
        for n in self._uncertain_fields():
            v = getattr(self, n)
            if isinstance(v, Range) and v.low != v.high:
                names.append(n)
        names += [f"rent[{nm}]" for nm, p in zip(self.rent_names, self.rent_prices_usd_per_hour,
                                                  strict=True) if isinstance(p, Range)]
        return names


# ---------------------------------------------------------------------------------------
# resolution: scenario + catalog -> PlanInputs
# ---------------------------------------------------------------------------------------
def _in_years(v: Value) -> Value:
    return v.scaled(1.0 / _YEAR_S) if isinstance(v, Range) else float(v) / _YEAR_S


def resolve(section: PlanSection | None = None, catalog: Catalog | None = None,
            flags: Mapping[str, Any] | None = None) -> PlanInputs:
    """Every input of ``section``: ``flags`` (``--set``) over the section over the defaults.

    Raises :class:`~tokenfab.errors.TokenfabError` for an unknown reference system or a
    catalog row a default needs but cannot find.
    """
    return resolve_with_sources(section, catalog, flags)[0]


def resolve_with_sources(section: PlanSection | None = None, catalog: Catalog | None = None,
                         flags: Mapping[str, Any] | None = None) -> tuple[PlanInputs, Resolved]:
    """:func:`resolve`, and the :class:`~tokenfab.inputs.Resolved` inputs it came from."""
    s = section if section is not None else PlanSection()
    cat = catalog if catalog is not None else load_catalog()
    ref = cat.hardware(s.reference_system, field="plan.reference_system")
    given = s.given()
    fl = dict(flags or {})
    for k in ("demand_tokens_per_year", "demand_accelerators"):
        other = ("demand_accelerators" if k == "demand_tokens_per_year"
                 else "demand_tokens_per_year")
        if k in fl:
            given.pop(other, None)  # a flag's demand replaces the scenario's
    if "demand_tokens_per_year" in fl and "demand_accelerators" in fl:
        raise TokenfabError("give either demand_tokens_per_year or demand_accelerators, not both",
                            field="--set")
    res = PLAN_INPUTS.resolve(given, cat, {_REFERENCE: ref}, flags=fl)
    v = dict(res.values)
    src = {k: x.describe() if x.origin not in ("scenario", "flag") else x.origin
           for k, x in res.sources.items()}
    if "demand_accelerators" in v:
        v.pop("demand_tokens_per_year", None)
        src.pop("demand_tokens_per_year", None)
    if s.rent is None:
        names: tuple[str, ...] = ("on_demand", "reserved_3yr")
        yrs: tuple[int, ...] = (1, 3)
        prices: tuple[Value, ...] = (v["rent_on_demand_usd_per_hour"],
                                     v["rent_3yr_usd_per_hour"])
        src["rent"] = (f"on_demand: {src['rent_on_demand_usd_per_hour']}; "
                       f"reserved_3yr: {src['rent_3yr_usd_per_hour']}")
    else:
        names = tuple(c.name for c in s.rent)
        yrs = tuple(c.years for c in s.rent)
        prices = tuple(c.price_usd_per_hour for c in s.rent)
        src["rent"] = "scenario"
        for k in _DEFAULT_RENT_INPUTS:
            src.pop(k, None)
    asic_saving, asic_perf = v["asic_capex_saving"], v["asic_perf_per_w"]
    if not isinstance(v["asic_share"], Range) and float(v["asic_share"]) == 0.0:
        # no ASIC in the fleet: its cost and speed do not matter, keep them out of Monte Carlo
        asic_saving, asic_perf = float(likely(asic_saving)), float(likely(asic_perf))
    total = v.get("total_power_cap")
    return PlanInputs(
        start_year=s.start_year, years=s.years, reference_system=ref.id,
        reference_year=int(ref.year_available), accelerator_power_w=float(ref.allin_power_w),
        demand_tokens_per_year=v.get("demand_tokens_per_year"),
        demand_accelerators=v.get("demand_accelerators"),
        users_growth=v["users_growth"], per_user_growth=v["per_user_growth"],
        tokens_per_accelerator_s=v["tokens_per_accelerator_s"], utilization=v["utilization"],
        speedup_per_year=v["speedup_per_year"],
        rent_names=names, rent_years=yrs, rent_prices_usd_per_hour=prices,
        rent_price_trend=v["rent_price_trend"], rental_cap=v["rental_cap"],
        rental_cap_growth=v["rental_cap_growth"],
        capex_usd_per_w=v["capex"], it_capex_share=v["it_capex_share"],
        it_life_years=_in_years(v["it_life"]),
        facility_life_years=_in_years(v["facility_life"]),
        cost_of_capital=v["cost_of_capital"], lead_time_years=_in_years(v["lead_time"]),
        opex_usd_per_w_year=v["opex_per_year"], power_cap_w_per_year=v["power_cap_per_year"],
        power_cap_growth=v["power_cap_growth"],
        total_power_cap_w=None if total is None else float(likely(total)),
        committed_years=tuple(c.year for c in s.committed),
        committed_power_w=tuple(float(c.power) for c in s.committed),
        committed_names=tuple(c.name for c in s.committed),
        unserved_penalty_usd_per_token=v["unserved_penalty"], asic_share=v["asic_share"],
        asic_capex_saving=asic_saving, asic_perf_per_w=asic_perf,
        mix_change_year=s.mix_change_year,
        asic_share_after_change=float(likely(v["asic_share_after_change"])),
        samples=s.samples, sources=src,
    ), res


def filled_section(section: PlanSection, inputs: PlanInputs, resolved: Resolved) -> PlanSection:
    """``section`` with every resolved input written in (what ``--save-scenario`` writes)."""
    data = section.model_dump()
    for k, val in resolved.values.items():
        if k == "demand_tokens_per_year" and inputs.demand_accelerators is not None:
            continue
        data[k] = val
    data["rent"] = [{"name": n, "years": y, "price_usd_per_hour": p} for n, y, p in zip(
        inputs.rent_names, inputs.rent_years, inputs.rent_prices_usd_per_hour, strict=True)]
    return PlanSection.model_validate(data)
