"""The ``[plan]`` scenario section and its sourced defaults.

A plan scenario says how fast demand grows (users x compute per user), what renting costs and
how much can be rented, what building costs, how long it takes and how much power can be
connected each year, and optionally which share of the work a cheaper, fixed-function
accelerator (ASIC/TPU) could serve. Every field left out takes a default from the catalog
(``economics.csv``, ``cluster.csv``, the reference system's specs) or, where the catalog has
no row, from :data:`PLAN_DEFAULTS` below, each with its source; :func:`resolve` returns the
values together with those sources so a report can print them.

Capacity is counted in *accelerator-equivalents*: accelerators with the all-in power of the
reference system (default ``gb200-nvl72``) and the tokens per watt of the generation they
belong to. A generation ``g`` years newer than the reference serves ``k^g`` times the
reference's tokens per watt (``k`` = ``speedup_per_year``), so the plan does not depend on the
performance engine; set ``tokens_per_accelerator_s`` from ``tokenfab.perf`` for a given model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.errors import TokenfabError
from tokenfab.factory.defaults import Default
from tokenfab.plan import econ
from tokenfab.scenario import Quantity, ScenarioSection, Uncertain, register_section
from tokenfab.uncertainty import Range, likely

__all__ = [
    "CommittedSite",
    "PLAN_DEFAULTS",
    "PlanInputs",
    "PlanSection",
    "RentContract",
    "resolve",
]

_YEAR_S = econ.SECONDS_PER_YEAR


#: Plan inputs that no catalog table holds, with their sources (SI units).
PLAN_DEFAULTS: dict[str, Default] = {
    "users_growth": Default(
        Range(0.2, 0.5, 1.2), kind="estimate", source=
        "[est] ChatGPT weekly users 100M (Nov 2023) -> 500M (Mar 2025) -> 800M (Oct 2025) "
        "(catalog chatgpt_weekly_active_users note; OpenAI DevDay 2025-10-06) grew ~3x/yr; "
        "slower ahead as 800M approaches the ~5.5B internet users"),
    "tokens_per_accelerator_s": Default(
        Range(123.0, 2327.0, 4130.0), kind="measured", source=
        "MLPerf Inference v5.1 (2025-09-09) GB200 NVL72 DeepSeek-R1 server: 167,578 output "
        "tok/s / 72 GPUs = 2,327 (tokenfab validation row M054); low: Llama 3.1 405B server "
        "8,850/72 = 123 (v5.0, M036); high: SemiAnalysis InferenceX DeepSeek-R1 FP4 at 125 "
        "tok/s/user, 4,130 per GPU (M100)"),
    "rent_3yr_usd_per_hour": Default(
        Range(2.75, 3.3, 4.5), kind="estimate", source=
        "SemiAnalysis AI Cloud TCO model, 3-year rental price of a GB200 NVL72 GPU (costr, as "
        "embedded in InferenceX-app constants.ts); low: neocloud TCO 2.75 (costn), high: "
        "on-demand price (catalog rent_gb200_usd_per_gpu_hr)"),
    "rent_price_trend": Default(
        Range(-0.25, 0.0, 0.0), kind="estimate", source=
        "[est] newest-generation accelerator-hour price ~flat at hyperscalers; low: H100 -22% "
        "and H200 -29% YTD 2025 at neoclouds (RBC via FT, economics.md sec. 1.6)"),
    "rental_cap": Default(
        Range(150_000.0, 300_000.0, 600_000.0), kind="estimate", source=
        "Microsoft to provide OpenAI ~300,000 GB200 GPUs by end of 2025 (The Information via "
        "https://aibase.com/news/12227); range [est] x0.5..x2"),
    "power_cap_per_year": Default(
        Range(0.5e9, 1.5e9, 3.0e9), kind="estimate", source=
        "[est] one lab connects ~1/3 of the industry's new AI power per year (catalog "
        "ai_gw_added_per_year_2025 = 4.5 GW/yr, BG2 Gerstner); Stargate Abilene ~1.2 GW in ~2 yr"),
    "power_cap_growth": Default(
        Range(0.0, 0.19, 0.4), kind="derived", source=
        "[derived] Street view 4.5 GW/yr (2025) -> 9 GW/yr (2029) added AI power = 2x in 4 yr "
        "(catalog ai_gw_added_per_year_2025 note, BG2 Gerstner)"),
    "asic_perf_per_w": Default(
        Range(0.6, 1.0, 1.5), kind="estimate", source=
        "[est] tokens per watt of the ASIC relative to the GPU generation of the same year; low "
        "= the ~0.6x at which even a free chip only breaks even (economics.md sec. 1.8)"),
}


# ---------------------------------------------------------------------------------------
# scenario section
# ---------------------------------------------------------------------------------------
class RentContract(BaseModel):
    """One rental contract: ``[[plan.rent]] name, years, price_usd_per_hour``."""

    model_config = ConfigDict(extra="forbid")

    name: str
    years: int
    price_usd_per_hour: Uncertain("money", gt=0)  # type: ignore[valid-type]

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
    power: Quantity("power", gt=0)  # type: ignore[valid-type]
    name: str = ""


_U = Uncertain


@register_section("plan")
class PlanSection(ScenarioSection):
    """``[plan]``: rent or build, year by year. Omitted fields take sourced defaults."""

    start_year: int = 2026
    years: int = 8
    reference_system: str = "gb200-nvl72"
    # -- demand: the double exponential
    demand_tokens_per_year: _U("tokens", gt=0) | None = None  # type: ignore[valid-type]
    demand_accelerators: _U("count", gt=0) | None = None  # type: ignore[valid-type]
    users_growth: _U("fraction", gt=-1) | None = None  # type: ignore[valid-type]
    per_user_growth: _U("fraction", gt=-1) | None = None  # type: ignore[valid-type]
    tokens_per_accelerator_s: _U("token_rate", gt=0) | None = None  # type: ignore[valid-type]
    utilisation: _U("fraction", gt=0, le=1) | None = None  # type: ignore[valid-type]
    speedup_per_year: _U("count", gt=0) | None = None  # type: ignore[valid-type]
    # -- rent
    rent: list[RentContract] | None = None
    rent_price_trend: _U("fraction", gt=-1) | None = None  # type: ignore[valid-type]
    rental_cap: _U("count", ge=0) | None = None  # type: ignore[valid-type]
    rental_cap_growth: _U("fraction", gt=-1) | None = None  # type: ignore[valid-type]
    # -- build
    capex: _U("money_per_power", gt=0) | None = None  # type: ignore[valid-type]
    it_capex_share: _U("fraction", gt=0, lt=1) | None = None  # type: ignore[valid-type]
    it_life: _U("time", gt=0) | None = None  # type: ignore[valid-type]
    facility_life: _U("time", gt=0) | None = None  # type: ignore[valid-type]
    cost_of_capital: _U("fraction", ge=0, lt=1) | None = None  # type: ignore[valid-type]
    lead_time: _U("time", ge=0) | None = None  # type: ignore[valid-type]
    opex_per_year: _U("money_per_power", ge=0) | None = None  # type: ignore[valid-type]
    power_cap_per_year: _U("power", ge=0) | None = None  # type: ignore[valid-type]
    power_cap_growth: _U("fraction", gt=-1) | None = None  # type: ignore[valid-type]
    total_power_cap: Quantity("power", gt=0) | None = None  # type: ignore[valid-type]
    committed: list[CommittedSite] = []
    unserved_penalty: _U("token_price", ge=0) | None = None  # type: ignore[valid-type]
    # -- mixed fleet
    asic_share: _U("fraction", ge=0, le=1) = 0.0  # type: ignore[valid-type]
    asic_capex_saving: _U("fraction", ge=0, lt=1) | None = None  # type: ignore[valid-type]
    asic_perf_per_w: _U("count", gt=0) | None = None  # type: ignore[valid-type]
    mix_change_year: int | None = None
    asic_share_after_change: Quantity("fraction", ge=0, le=1) = 0.0  # type: ignore[valid-type]
    # -- uncertainty
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
        if not 0 <= v <= 5000:
            raise ValueError(f"must be in 0..5000 (0 = no Monte Carlo); got {v!r}")
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


# ---------------------------------------------------------------------------------------
# resolved inputs
# ---------------------------------------------------------------------------------------
Num = float | Range


@dataclass(frozen=True)
class PlanInputs:
    """Every input of the plan in SI units (numbers or :class:`Range`), with sources.

    Money in USD, power in W, time in years where the name says ``_years``, token rates in
    tok/s, prices per accelerator-hour in USD/h, the unserved penalty in USD/token.
    """

    start_year: int
    years: int
    reference_system: str
    reference_year: int
    accelerator_power_w: float
    demand_tokens_per_year: Num | None
    demand_accelerators: Num | None
    users_growth: Num
    per_user_growth: Num
    tokens_per_accelerator_s: Num
    utilisation: Num
    speedup_per_year: Num
    rent_names: tuple[str, ...]
    rent_years: tuple[int, ...]
    rent_prices_usd_per_hour: tuple[Num, ...]
    rent_price_trend: Num
    rental_cap: Num
    rental_cap_growth: Num
    capex_usd_per_w: Num
    it_capex_share: Num
    it_life_years: Num
    facility_life_years: Num
    cost_of_capital: Num
    lead_time_years: Num
    opex_usd_per_w_year: Num
    power_cap_w_per_year: Num
    power_cap_growth: Num
    total_power_cap_w: float | None
    committed_years: tuple[int, ...]
    committed_power_w: tuple[float, ...]
    committed_names: tuple[str, ...]
    unserved_penalty_usd_per_token: Num
    asic_share: Num
    asic_capex_saving: Num
    asic_perf_per_w: Num
    mix_change_year: int | None
    asic_share_after_change: float
    samples: int = 0
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    # -- uncertainty --------------------------------------------------------------
    def _uncertain_fields(self) -> list[str]:
        return [f.name for f in fields(self) if isinstance(getattr(self, f.name), Range)]

    def point(self) -> PlanInputs:
        """The same inputs with every range at its likely value."""
        kw: dict[str, Any] = {n: likely(getattr(self, n)) for n in self._uncertain_fields()}
        kw["rent_prices_usd_per_hour"] = tuple(likely(p) for p in self.rent_prices_usd_per_hour)
        return replace(self, **kw)

    def draw(self, n: int, seed: int | None = 0) -> list[PlanInputs]:
        """``n`` point inputs with every range sampled (independently, each its distribution)."""
        rng = np.random.default_rng(seed)
        cols: dict[str, np.ndarray] = {name: getattr(self, name).sample(n, rng)
                                       for name in self._uncertain_fields()}
        prices = [p.sample(n, rng) if isinstance(p, Range) else np.full(n, float(p))
                  for p in self.rent_prices_usd_per_hour]
        out = []
        base = self.point()
        for i in range(n):
            kw: dict[str, Any] = {k: float(v[i]) for k, v in cols.items()}
            kw["rent_prices_usd_per_hour"] = tuple(float(p[i]) for p in prices)
            out.append(replace(base, **kw))
        return out

    def uncertain_names(self) -> list[str]:
        names = [n for n in self._uncertain_fields()
                 if getattr(self, n).low != getattr(self, n).high]
        names += [f"rent[{nm}]" for nm, p in zip(self.rent_names, self.rent_prices_usd_per_hour,
                                                  strict=True) if isinstance(p, Range)]
        return names

    # -- derived quantities (point inputs only) --------------------------------------
    def tokens_per_accelerator_year(self) -> float:
        """Tokens one reference accelerator-equivalent serves in a year [tokens/yr]."""
        return float(likely(self.tokens_per_accelerator_s) * likely(self.utilisation) * _YEAR_S)

    def base_demand_tokens(self) -> float:
        """Demand in the first year [tokens/yr]."""
        if self.demand_tokens_per_year is not None:
            return float(likely(self.demand_tokens_per_year))
        assert self.demand_accelerators is not None
        return float(likely(self.demand_accelerators)) * self.tokens_per_accelerator_year()

    def lead_years(self) -> int:
        """Lead time rounded up to whole years: capacity serves from the first full year."""
        return int(math.ceil(float(likely(self.lead_time_years)) - 1e-9))


# ---------------------------------------------------------------------------------------
# resolution: scenario + catalog -> PlanInputs
# ---------------------------------------------------------------------------------------
def _scaled(v: Num, factor: float) -> Num:
    return v.scaled(factor) if isinstance(v, Range) else float(v) * factor


class _Resolver:
    def __init__(self, cat: Catalog) -> None:
        self.cat = cat
        self.sources: dict[str, str] = {}

    def econ(self, key: str, unit: str, factor: float = 1.0, table: str = "economics") -> Num:
        """A catalog assumption, checked to be in ``unit``, scaled to SI by ``factor``."""
        rows = self.cat.economics if table == "economics" else self.cat.cluster
        if key not in rows:
            raise TokenfabError(
                f"the catalog has no {table} row '{key}', which the plan needs as a default; "
                "set the corresponding [plan] field in the scenario", field=f"{table}.{key}")
        a = rows[key]
        if a.unit.strip() != unit:
            raise TokenfabError(f"catalog row '{key}' is in '{a.unit}', the plan expects '{unit}'",
                                field=f"{table}.{key}", value=a.unit)
        return _scaled(a.range, factor)

    def src(self, key: str, table: str = "economics") -> str:
        rows = self.cat.economics if table == "economics" else self.cat.cluster
        a = rows[key]
        return f"catalog {table} '{key}': {a.source}" + (f" ({a.note})" if a.note else "")

    def pick(self, name: str, given: Any, default: Any, source: str | Any) -> Any:
        if given is not None:
            self.sources[name] = "scenario"
            return given
        value = default() if callable(default) else default
        self.sources[name] = source() if callable(source) else source
        return value

    def plan_default(self, name: str, given: Any, key: str | None = None, factor: float = 1.0
                     ) -> Any:
        d = PLAN_DEFAULTS[key or name]
        return self.pick(name, given, lambda: _scaled(d.value, factor), f"{d.kind}: {d.source}")


def _flops_per_w(acc: Any, lowest: bool) -> float:
    if lowest:
        for p in ("fp4", "fp8", "bf16"):
            if acc.supports(p):
                return acc.peak_flops_per_s(p) / acc.allin_power_w
    return acc.peak_flops_per_s("fp8") / acc.allin_power_w


def default_speedup(cat: Catalog, new_id: str, old_id: str = "h100-sxm") -> tuple[Num, str]:
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
    src = (f"[derived] catalog specs: dense peak FLOP/s per all-in W, {old_id} "
           f"({old.year_available}) -> {new_id} ({new.year_available}); likely at lowest native "
           f"precision {lik:.3f}/yr, low at FP8 {lo:.3f}/yr")
    econ_rows = cat.economics
    if "blackwell_over_hopper_tokens_per_mw" in econ_rows:
        hi = max(lik, float(econ_rows["blackwell_over_hopper_tokens_per_mw"].value) ** (1.0 / dy))
        src += (f"; high from catalog blackwell_over_hopper_tokens_per_mw over {dy} yr "
                f"{hi:.3f}/yr")
    lo, hi = min(lo, lik), max(hi, lik)
    return (Range(lo, lik, hi) if hi > lo else lik), src


def _factory_defaults(r: _Resolver, ref: str) -> dict[str, tuple[Num, str]]:
    """Capex, IT share, opex per facility watt, cost of capital and utilisation, taken from
    :mod:`tokenfab.factory` so the plan and the factory model price a site the same way."""
    from tokenfab.factory import capex_usd_per_it_w, opex_usd_per_it_w_year
    from tokenfab.factory.defaults import OWN_DEFAULTS

    pue = float(likely(r.econ("pue_ai_liquid_cooled", "ratio")))
    per_it = capex_usd_per_it_w(ref, r.cat)
    it_only = capex_usd_per_it_w(ref, r.cat, power_cooling_cost=0.0,
                                 building_cost=0.0)
    opex_it = opex_usd_per_it_w_year(ref, r.cat)
    pue_src = r.src("pue_ai_liquid_cooled")
    coc, util = OWN_DEFAULTS["cost_of_capital"], OWN_DEFAULTS["utilization"]
    return {
        "capex_usd_per_w": (per_it / pue, f"[derived] tokenfab.factory.capex_usd_per_it_w({ref}) "
                            f"= {per_it:.1f} USD per IT W / PUE {pue:.2f} ({pue_src})"),
        "it_capex_share": (it_only / per_it, "[derived] tokenfab.factory: accelerators + "
                           "networking & storage / all-in capex per IT W (catalog price and "
                           "Bernstein shares)"),
        "opex_usd_per_w_year": (opex_it / pue, f"[derived] tokenfab.factory.opex_usd_per_it_w_year"
                                f" = {opex_it:.3f} USD/(IT W yr) / PUE {pue:.2f}"),
        "cost_of_capital": (coc.value, f"{coc.kind}: {coc.source} (tokenfab.factory default)"),
        "utilisation": (util.value, f"{util.kind}: {util.source} (tokenfab.factory default)"),
    }


def resolve(section: PlanSection | None = None, catalog: Catalog | None = None) -> PlanInputs:
    """Fill every omitted field of ``section`` from the catalog / :data:`PLAN_DEFAULTS`.

    Raises :class:`~tokenfab.errors.TokenfabError` for an unknown reference system or a
    catalog row the defaults need but cannot find.
    """
    s = section if section is not None else PlanSection()
    cat = catalog if catalog is not None else load_catalog()
    r = _Resolver(cat)
    ref = cat.hardware(s.reference_system)
    r.sources["reference_system"] = "scenario" if section is not None else "default"

    # demand
    if s.demand_tokens_per_year is None and s.demand_accelerators is None:
        demand = r.pick("demand_tokens_per_year", None,
                        lambda: _scaled(r.econ("google_tokens_per_month_2025_10",
                                               "tokens per month"), 12.0),
                        lambda: "[est] a Google-scale lab: 12 x " +
                        r.src("google_tokens_per_month_2025_10"))
        demand_acc = None
    else:
        demand = s.demand_tokens_per_year
        demand_acc = s.demand_accelerators
        r.sources["demand"] = "scenario"
    users = r.plan_default("users_growth", s.users_growth)
    per_user = r.pick("per_user_growth", s.per_user_growth,
                      lambda: _scaled(r.econ("output_length_growth_nonreasoning", "x per year"),
                                      1.0),
                      lambda: "[derived] growth factor - 1 of " +
                      r.src("output_length_growth_nonreasoning"))
    if s.per_user_growth is None:
        per_user = (Range(per_user.low - 1, per_user.likely - 1, per_user.high - 1)
                    if isinstance(per_user, Range) else per_user - 1.0)
    tok_s = r.plan_default("tokens_per_accelerator_s", s.tokens_per_accelerator_s)
    sp_default, sp_src = default_speedup(cat, ref.id)
    speedup = r.pick("speedup_per_year", s.speedup_per_year, sp_default, sp_src)

    # rent
    if s.rent is None:
        od = r.econ("rent_gb200_usd_per_gpu_hr", "USD per GPU-hr")
        names, yrs, prices = ("on_demand", "reserved_3yr"), (1, 3), (
            od, PLAN_DEFAULTS["rent_3yr_usd_per_hour"].value)
        r.sources["rent"] = ("on_demand: " + r.src("rent_gb200_usd_per_gpu_hr") +
                             "; reserved_3yr: " + PLAN_DEFAULTS["rent_3yr_usd_per_hour"].source)
    else:
        names = tuple(c.name for c in s.rent)
        yrs = tuple(c.years for c in s.rent)
        prices = tuple(c.price_usd_per_hour for c in s.rent)
        r.sources["rent"] = "scenario"
    trend = r.plan_default("rent_price_trend", s.rent_price_trend)
    rcap = r.plan_default("rental_cap", s.rental_cap)
    rcap_g = r.pick("rental_cap_growth", s.rental_cap_growth,
                    lambda: r.econ("capex_growth_hyperscalers", "per year"),
                    lambda: "cloud capacity grows with hyperscaler capex: " +
                    r.src("capex_growth_hyperscalers"))

    # build: site cost as in tokenfab.factory (computed only when a field is left out)
    fd_cache: dict[str, dict[str, tuple[Num, str]]] = {}

    def fd(name: str) -> tuple[Num, str]:
        if not fd_cache:
            fd_cache["v"] = _factory_defaults(r, ref.id)
        return fd_cache["v"][name]

    def capex_default() -> Num:
        # the factory gives a point value; its spread is that of the catalog's capex prior
        prior = r.cat.economics.get("capex_per_gw_model_prior")
        v = float(likely(fd("capex_usd_per_w")[0]))
        if prior is None or prior.low is None or prior.high is None:
            return v
        return Range(v * prior.low / prior.value, v, v * prior.high / prior.value)

    capex = r.pick("capex_usd_per_w", s.capex, capex_default,
                   lambda: fd("capex_usd_per_w")[1] + "; range: relative spread of " +
                   r.src("capex_per_gw_model_prior"))
    its = r.pick("it_capex_share", s.it_capex_share, lambda: fd("it_capex_share")[0],
                 lambda: fd("it_capex_share")[1])
    util = r.pick("utilisation", s.utilisation, lambda: fd("utilisation")[0],
                  lambda: fd("utilisation")[1])
    coc = r.pick("cost_of_capital", s.cost_of_capital, lambda: fd("cost_of_capital")[0],
                 lambda: fd("cost_of_capital")[1])
    opex = r.pick("opex_usd_per_w_year", s.opex_per_year, lambda: fd("opex_usd_per_w_year")[0],
                  lambda: fd("opex_usd_per_w_year")[1])
    yr = 1.0 / _YEAR_S
    it_life = r.pick("it_life_years", None if s.it_life is None else _scaled(s.it_life, yr),
                     lambda: r.econ("depreciation_life_it_years", "years"),
                     lambda: r.src("depreciation_life_it_years"))
    fac_life = r.pick("facility_life_years",
                      None if s.facility_life is None else _scaled(s.facility_life, yr),
                      lambda: r.econ("depreciation_life_facility_years", "years"),
                      lambda: r.src("depreciation_life_facility_years"))

    def lead_default() -> Num:
        mid = float(likely(r.econ("build.stargate_abilene_years", "years", table="cluster")))
        lo = float(likely(r.econ("build.peer_phase_months", "months", 1 / 12, table="cluster")))
        return Range(min(lo, mid), mid, max(3.0, mid))

    lead = r.pick("lead_time_years", None if s.lead_time is None else _scaled(s.lead_time, yr),
                  lead_default,
                  lambda: (r.src("build.stargate_abilene_years", "cluster") + "; low: " +
                           r.src("build.peer_phase_months", "cluster") + "; high 3 yr [est]"))

    pcap = r.plan_default("power_cap_w_per_year", s.power_cap_per_year, "power_cap_per_year")
    pcap_g = r.plan_default("power_cap_growth", s.power_cap_growth)
    penalty = r.pick("unserved_penalty_usd_per_token", s.unserved_penalty,
                     lambda: r.econ("blended_revenue_per_m_tokens", "USD per M tokens", 1e-6),
                     lambda: "lost revenue: " + r.src("blended_revenue_per_m_tokens"))
    # mixed fleet
    asic_saving = r.pick("asic_capex_saving", s.asic_capex_saving,
                         lambda: r.econ("asic_rack_capex_saving", "fraction of total capex"),
                         lambda: r.src("asic_rack_capex_saving"))
    asic_perf = r.plan_default("asic_perf_per_w", s.asic_perf_per_w)
    r.sources.setdefault("asic_share", "scenario" if section is not None else "default (none)")
    if not isinstance(s.asic_share, Range) and float(s.asic_share) == 0.0:
        # no ASIC in the fleet: its cost and speed do not matter, keep them out of Monte Carlo
        asic_saving, asic_perf = likely(asic_saving), likely(asic_perf)

    return PlanInputs(
        start_year=s.start_year, years=s.years, reference_system=ref.id,
        reference_year=int(ref.year_available), accelerator_power_w=float(ref.allin_power_w),
        demand_tokens_per_year=demand, demand_accelerators=demand_acc,
        users_growth=users, per_user_growth=per_user, tokens_per_accelerator_s=tok_s,
        utilisation=util, speedup_per_year=speedup,
        rent_names=tuple(names), rent_years=tuple(int(y) for y in yrs),
        rent_prices_usd_per_hour=tuple(prices), rent_price_trend=trend,
        rental_cap=rcap, rental_cap_growth=rcap_g,
        capex_usd_per_w=capex, it_capex_share=its, it_life_years=it_life,
        facility_life_years=fac_life, cost_of_capital=coc, lead_time_years=lead,
        opex_usd_per_w_year=opex, power_cap_w_per_year=pcap, power_cap_growth=pcap_g,
        total_power_cap_w=s.total_power_cap,
        committed_years=tuple(c.year for c in s.committed),
        committed_power_w=tuple(float(c.power) for c in s.committed),
        committed_names=tuple(c.name for c in s.committed),
        unserved_penalty_usd_per_token=penalty, asic_share=s.asic_share,
        asic_capex_saving=asic_saving, asic_perf_per_w=asic_perf,
        mix_change_year=s.mix_change_year, asic_share_after_change=float(s.asic_share_after_change),
        samples=s.samples, sources=dict(r.sources),
    )
