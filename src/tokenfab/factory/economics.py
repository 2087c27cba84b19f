"""The factory model: power budget -> systems -> tokens -> revenue, capex, opex, TCO, $/Mtok.

One pure, vectorized function, :func:`factory_model`, returning a :class:`FactoryOutputs`. It
takes the throughput per accelerator at the chosen operating point as an *input*
(``tokens_per_s_per_accelerator``), so a Monte Carlo run or a test does not need the performance
engine; :mod:`tokenfab.factory.runner` asks the engine for that number. Inputs are SI and named
as in :data:`tokenfab.factory.inputs.FACTORY_INPUTS` (the scenario fields).

Equations (all per year; ``Y`` = :data:`tokenfab.units.SECONDS_PER_YEAR`; ``CRF`` =
:func:`tokenfab.finance.capital_recovery_factor`)
------------------------------------------------------------------------------------
``it_w = allin_power / reference_pue``  (IT power per accelerator)

``systems = floor(power / pue / (it_w * accelerators_per_system))``,
``N = systems * accelerators_per_system``, ``P_it = N * it_w``

``tokens_per_year = N * tokens_per_s_per_accelerator * throughput_factor * utilization * Y``
(output tokens)

``u = min(utilization, demand_share * market_tokens_per_year / (capacity * (1 + r)))``
(``r = input_per_output``; the site sells at most its share of the market, input + output)

``revenue = tokens_per_year * price_multiplier * (price + r * price_input)``

``capex_it = N * accelerator_price + P_it * networking_cost``
``capex_facility = P_it * (power_cooling_cost + building_cost)``

``opex = P_it * (pue * Y * electricity_price + opex_nonenergy_per_year)``

``tco = capex_it * CRF(r, life_it / Y) + capex_facility * CRF(r, life_facility / Y) + opex``

``cost_usd_per_mtok = tco / (tokens_per_year / 1e6)``,
``gross_margin = (revenue - tco) / revenue``,
``payback_years = (capex_it + capex_facility) / (revenue - opex)`` (simple, undiscounted;
``inf`` when revenue does not cover opex).

The capital charge is the level annuity that repays capex with interest at the cost of capital
``r`` over the asset life (Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 6,
"equivalent annual cost"); with ``r = 0`` it is straight-line depreciation.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from tokenfab.factory.facility import (
    facility_capex_usd_per_it_w,
    it_power_per_accelerator_w,
    opex_usd_per_it_w_year_model,
    whole_systems,
)
from tokenfab.finance import capital_recovery_factor
from tokenfab.units import HOURS_PER_YEAR, SECONDS_PER_YEAR

__all__ = [
    "EXTRA_KEYS",
    "OUTPUT_KEYS",
    "FactoryOutputs",
    "PairOutputs",
    "breakeven_accelerator_price_cost_usd",
    "breakeven_accelerator_price_usd",
    "factory_model",
    "pair_model",
]

#: the outputs every report prints (and the JSON keys of ``tokenfab factory --json``)
OUTPUT_KEYS: tuple[str, ...] = (
    "accelerators",
    "it_power_w",
    "tokens_per_year",
    "revenue_usd_per_year",
    "capex_usd",
    "opex_usd_per_year",
    "tco_usd_per_year",
    "cost_usd_per_mtok",
    "gross_margin",
    "payback_years",
)

#: further outputs of :func:`factory_model`
EXTRA_KEYS: tuple[str, ...] = (
    "systems",
    "facility_power_w",
    "capex_it_usd",
    "capex_facility_usd",
    "capital_charge_usd_per_year",
    "profit_usd_per_year",
    "revenue_usd_per_mw_year",
    "tokens_per_s_per_mw",
    "capex_usd_per_site_w",
    "price_usd_per_mtok_effective",
    "price_input_usd_per_mtok_effective",
    "utilization",
    "demand_bound",
    "revenue_usd_per_accelerator_hour",
    "cost_usd_per_accelerator_hour",
)

BREAKEVEN_KEY = "breakeven_price_usd_per_accelerator"
#: the challenger price that equalizes cost per million tokens (demand-limited comparison)
BREAKEVEN_COST_KEY = "breakeven_price_equal_cost_per_mtok_usd_per_accelerator"


def _a(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


@dataclass(frozen=True)
class FactoryOutputs:
    """What :func:`factory_model` computes: arrays (0-d for a point run), the unit in each name.

    Tokens are OUTPUT tokens (the ones a user waits for and an API bills at the output price).
    """

    #: accelerators installed (whole systems only) [-]
    accelerators: np.ndarray
    #: IT power drawn by them [W]
    it_power_w: np.ndarray
    #: output tokens sold per year [tokens/yr]
    tokens_per_year: np.ndarray
    #: token revenue [USD/yr]
    revenue_usd_per_year: np.ndarray
    #: IT plus facility capex [USD]
    capex_usd: np.ndarray
    #: electricity, maintenance, staff [USD/yr]
    opex_usd_per_year: np.ndarray
    #: opex plus the capital charge [USD/yr]
    tco_usd_per_year: np.ndarray
    #: TCO per million output tokens [USD/Mtok]
    cost_usd_per_mtok: np.ndarray
    #: (revenue - TCO) / revenue [-]
    gross_margin: np.ndarray
    #: capex / (revenue - opex), undiscounted at a constant price; inf when never [yr]
    payback_years: np.ndarray
    #: whole systems installed [-]
    systems: np.ndarray
    #: part of the power budget used: IT power x PUE [W]
    facility_power_w: np.ndarray
    #: accelerators plus networking and storage [USD]
    capex_it_usd: np.ndarray
    #: power, cooling, building [USD]
    capex_facility_usd: np.ndarray
    #: annuity of the capex at the cost of capital [USD/yr]
    capital_charge_usd_per_year: np.ndarray
    #: revenue - TCO [USD/yr]
    profit_usd_per_year: np.ndarray
    #: revenue per MW of site power [USD/(MW yr)]
    revenue_usd_per_mw_year: np.ndarray
    #: output tokens per second per MW of site power [tok/(s MW)]
    tokens_per_s_per_mw: np.ndarray
    #: capex per W of site power [USD/W]
    capex_usd_per_site_w: np.ndarray
    #: price applied per million output tokens (price x price_multiplier) [USD/Mtok]
    price_usd_per_mtok_effective: np.ndarray
    #: price applied per million input tokens (price_input x price_multiplier) [USD/Mtok]
    price_input_usd_per_mtok_effective: np.ndarray
    #: fraction of the year serving: the utilization input, or less when demand binds [-]
    utilization: np.ndarray
    #: 1 where the demand cap, not power, limits the tokens sold [bool]
    demand_bound: np.ndarray
    #: revenue per installed accelerator and hour [USD/h]
    revenue_usd_per_accelerator_hour: np.ndarray
    #: TCO per installed accelerator and hour [USD/h]
    cost_usd_per_accelerator_hour: np.ndarray

    def to_dict(self) -> dict[str, np.ndarray]:
        """``{field: array}`` in :data:`OUTPUT_KEYS` + :data:`EXTRA_KEYS` order (the JSON keys)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_frame(self) -> pd.DataFrame:
        """One row per sample (one row for a point run), one column per output."""
        d = self.to_dict()
        n = max((np.size(v) for v in d.values()), default=1)
        return pd.DataFrame({k: np.broadcast_to(np.asarray(v, float), (n,)) if np.ndim(v)
                             else np.full(n, float(v)) for k, v in d.items()})


def factory_model(
    *,
    power: ArrayLike,
    tokens_per_s_per_accelerator: ArrayLike,
    allin_power: ArrayLike,
    accelerators_per_system: int,
    accelerator_price: ArrayLike,
    price: ArrayLike,
    pue: ArrayLike,
    reference_pue: ArrayLike,
    electricity_price: ArrayLike,
    opex_nonenergy_per_year: ArrayLike,
    networking_cost: ArrayLike,
    power_cooling_cost: ArrayLike,
    building_cost: ArrayLike,
    life_it: ArrayLike,
    life_facility: ArrayLike,
    cost_of_capital: ArrayLike,
    utilization: ArrayLike,
    price_multiplier: ArrayLike = 1.0,
    throughput_factor: ArrayLike = 1.0,
    price_input: ArrayLike = 0.0,
    input_per_output: ArrayLike = 0.0,
    demand_share: ArrayLike = 0.0,
    market_tokens_per_year: ArrayLike = 0.0,
) -> FactoryOutputs:
    """Economics of a token factory on a power budget (see the module docstring for equations).

    Parameters
    ----------
    power : [W]
        Site (utility) power budget.
    tokens_per_s_per_accelerator : [tok/s]
        OUTPUT tokens per second per accelerator at the operating point (performance engine).
    allin_power : [W]
        Facility power per accelerator at ``reference_pue`` (catalog ``allin_power_w``).
    accelerators_per_system : int
        Accelerators per server/rack; only whole systems are installed.
    accelerator_price : [USD]
        Price per accelerator (system price / accelerators).
    price : [USD/token]
        Revenue per output token at the reference interactivity.
    pue, reference_pue : [-]
        Site PUE; PUE at which ``allin_power`` is stated.
    electricity_price : [USD/J]
    opex_nonenergy_per_year : [USD/(W yr)]
    networking_cost, power_cooling_cost, building_cost : [USD/W]
        Site costs per watt of IT power.
    life_it, life_facility : [s]
    cost_of_capital : [1/yr]
    utilization : [-]
        Fraction of the year spent serving at the operating point, in (0, 1].
    price_multiplier : [-]
        Price-curve multiplier at the operating point's interactivity (:mod:`.pricing`).
    throughput_factor : [-]
        Multiplier on the engine's throughput (model uncertainty or a what-if).
    price_input : [USD/token]
        Price of an input (prompt) token.
    input_per_output : [-]
        Input tokens sold per output token (the workload's input / output lengths).
    demand_share, market_tokens_per_year : [-], [tokens/yr]
        The site sells at most ``demand_share x market_tokens_per_year`` tokens (input + output)
        a year; ``demand_share = 0`` means no demand limit. Where it binds the utilization
        falls to ``cap / capacity`` (``demand_bound``).

    Returns
    -------
    FactoryOutputs
        Arrays in USD, W, tokens, years (units in the field names).
    """
    it_w = it_power_per_accelerator_w(allin_power, reference_pue)
    fit = whole_systems(power, pue, it_w, accelerators_per_system)
    n = fit["accelerators"]
    p_it = fit["it_power_w"]

    capacity = n * _a(tokens_per_s_per_accelerator) * _a(throughput_factor) * SECONDS_PER_YEAR
    total_per_output = 1.0 + _a(input_per_output)
    share = _a(demand_share)
    cap = np.where(share > 0, share * _a(market_tokens_per_year), np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.where(capacity > 0, cap / (capacity * total_per_output), np.inf)
    util = np.minimum(_a(utilization), room)
    bound = _a(utilization) > room
    tokens_per_year = capacity * util
    price_per_mtok = _a(price) * 1e6 * _a(price_multiplier)
    price_in_per_mtok = _a(price_input) * 1e6 * _a(price_multiplier)
    revenue = tokens_per_year / 1e6 * (price_per_mtok + _a(input_per_output) * price_in_per_mtok)

    capex_it = n * _a(accelerator_price) + p_it * _a(networking_cost)
    capex_fac = p_it * facility_capex_usd_per_it_w(power_cooling_cost, building_cost)
    capex = capex_it + capex_fac
    opex = p_it * opex_usd_per_it_w_year_model(pue, electricity_price, opex_nonenergy_per_year)
    capital = (capex_it * capital_recovery_factor(cost_of_capital, _a(life_it) / SECONDS_PER_YEAR)
               + capex_fac * capital_recovery_factor(cost_of_capital,
                                                     _a(life_facility) / SECONDS_PER_YEAR))
    tco = capital + opex
    profit = revenue - tco
    mtok = tokens_per_year / 1e6
    with np.errstate(divide="ignore", invalid="ignore"):
        cost_per_mtok = tco / mtok
        margin = profit / revenue
        cash = revenue - opex
        payback = np.where(cash > 0, capex / np.where(cash > 0, cash, 1.0), np.inf)
    site_mw = _a(power) / 1e6
    acc_hours = n * HOURS_PER_YEAR
    with np.errstate(divide="ignore", invalid="ignore"):
        rev_h, cost_h = revenue / acc_hours, tco / acc_hours
    return FactoryOutputs(
        accelerators=n, it_power_w=p_it, tokens_per_year=tokens_per_year,
        revenue_usd_per_year=revenue, capex_usd=capex, opex_usd_per_year=opex,
        tco_usd_per_year=tco, cost_usd_per_mtok=cost_per_mtok, gross_margin=margin,
        payback_years=payback, systems=fit["systems"], facility_power_w=fit["facility_power_w"],
        capex_it_usd=capex_it, capex_facility_usd=capex_fac,
        capital_charge_usd_per_year=capital, profit_usd_per_year=profit,
        revenue_usd_per_mw_year=revenue / site_mw,
        tokens_per_s_per_mw=tokens_per_year / SECONDS_PER_YEAR / site_mw,
        capex_usd_per_site_w=capex / _a(power), price_usd_per_mtok_effective=price_per_mtok,
        price_input_usd_per_mtok_effective=price_in_per_mtok, utilization=util,
        demand_bound=bound.astype(float), revenue_usd_per_accelerator_hour=rev_h,
        cost_usd_per_accelerator_hour=cost_h)


def breakeven_accelerator_price_usd(
    challenger: FactoryOutputs,
    incumbent: FactoryOutputs,
    challenger_price_usd: ArrayLike,
    cost_of_capital: ArrayLike,
    life_it: ArrayLike,
) -> np.ndarray:
    """The challenger's accelerator price at which its yearly profit equals the incumbent's.

    Profit is linear in the challenger's accelerator price ``p`` (its capital charge is
    ``N_c * p * CRF``), so

    ``p* = p + (profit_c - profit_i) / (N_c * CRF(r, life_it))``

    where ``profit_c`` is evaluated at the challenger's current price ``p``. A negative ``p*``
    means that even a free challenger earns less than the incumbent on the same power.

    Parameters
    ----------
    challenger, incumbent : FactoryOutputs
        Outputs of :func:`factory_model` on the same site power.
    challenger_price_usd : [USD]
        The price at which ``challenger`` was evaluated.
    cost_of_capital : [1/yr]
    life_it : [s]

    Returns
    -------
    array [USD per accelerator]
    """
    crf = capital_recovery_factor(cost_of_capital, _a(life_it) / SECONDS_PER_YEAR)
    gap = challenger.profit_usd_per_year - incumbent.profit_usd_per_year
    out: np.ndarray = _a(challenger_price_usd) + gap / (challenger.accelerators * crf)
    return out


def breakeven_accelerator_price_cost_usd(
    challenger: FactoryOutputs,
    incumbent: FactoryOutputs,
    challenger_price_usd: ArrayLike,
    cost_of_capital: ArrayLike,
    life_it: ArrayLike,
) -> np.ndarray:
    """The challenger's accelerator price at which its cost per million tokens equals the
    incumbent's (the comparison when demand, not power, limits output).

    ``p* = p + (cost_i * Mtok_c - tco_c) / (N_c * CRF(r, life_it))``

    Unlike the profit break-even at equal power, this one depends on electricity and building
    costs: a challenger with lower perf/W needs more of both per token.

    Returns
    -------
    array [USD per accelerator]; negative when even a free challenger costs more per token.
    """
    crf = capital_recovery_factor(cost_of_capital, _a(life_it) / SECONDS_PER_YEAR)
    mtok_c = challenger.tokens_per_year / 1e6
    gap = incumbent.cost_usd_per_mtok * mtok_c - challenger.tco_usd_per_year
    out: np.ndarray = _a(challenger_price_usd) + gap / (challenger.accelerators * crf)
    return out


@dataclass(frozen=True)
class PairOutputs:
    """Two systems on one site: ``main`` (the incumbent) and ``vs`` (the challenger), and the
    challenger's break-even accelerator prices [USD per accelerator]."""

    main: FactoryOutputs
    vs: FactoryOutputs
    breakeven_price_usd_per_accelerator: np.ndarray
    breakeven_price_equal_cost_per_mtok_usd_per_accelerator: np.ndarray

    def to_dict(self) -> dict[str, np.ndarray]:
        """The main outputs, the challenger's with a ``vs_`` prefix, and both break-evens."""
        out = self.main.to_dict()
        out.update({f"vs_{k}": v for k, v in self.vs.to_dict().items()})
        out[BREAKEVEN_KEY] = self.breakeven_price_usd_per_accelerator
        out[BREAKEVEN_COST_KEY] = self.breakeven_price_equal_cost_per_mtok_usd_per_accelerator
        return out

    def to_frame(self) -> pd.DataFrame:
        d = self.to_dict()
        n = max((np.size(v) for v in d.values()), default=1)
        return pd.DataFrame({k: np.broadcast_to(np.asarray(v, float), (n,)) for k, v in d.items()})


def pair_model(**kw: Any) -> PairOutputs:
    """:func:`factory_model` for two systems on one site: the shared site inputs, and the
    challenger's own system inputs under a ``vs_`` prefix (``vs_accelerator_price`` ...)."""
    main = {k: v for k, v in kw.items() if not k.startswith("vs_")}
    other = {**main, **{k[3:]: v for k, v in kw.items() if k.startswith("vs_")}}
    a = factory_model(**main)
    b = factory_model(**other)
    return PairOutputs(
        a, b,
        breakeven_accelerator_price_usd(b, a, other["accelerator_price"], kw["cost_of_capital"],
                                        kw["life_it"]),
        breakeven_accelerator_price_cost_usd(b, a, other["accelerator_price"],
                                             kw["cost_of_capital"], kw["life_it"]))
