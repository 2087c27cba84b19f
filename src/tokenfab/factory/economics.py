"""The factory model: power budget -> systems -> tokens -> revenue, capex, opex, TCO, $/Mtok.

One pure, vectorized function, :func:`factory_model`. It takes the throughput per accelerator
at the chosen operating point as an *input* (``tokens_per_s_per_accelerator``), so a Monte Carlo
run or a test does not need the performance engine; :mod:`tokenfab.factory.runner` asks the
engine for that number.

Equations (all per year; ``Y`` = seconds per year; ``CRF`` = capital recovery factor)
------------------------------------------------------------------------------------
``it_w = allin_power_w / reference_pue``  (IT power per accelerator)

``systems = floor(power_w / pue / (it_w * accelerators_per_system))``,
``N = systems * accelerators_per_system``, ``P_it = N * it_w``

``tokens_per_year = N * tokens_per_s_per_accelerator * throughput_factor * utilization * Y``

``revenue = tokens_per_year / 1e6 * price_usd_per_mtok * price_multiplier``

``capex_it = N * accelerator_price_usd + P_it * networking_usd_per_it_w``
``capex_facility = P_it * (power_cooling_usd_per_it_w + building_land_usd_per_it_w)``

``opex = P_it * (pue * Y * electricity_usd_per_j + opex_nonenergy_usd_per_it_w_year)``

``tco = capex_it * CRF(r, life_it_years) + capex_facility * CRF(r, life_facility_years) + opex``

``cost_usd_per_mtok = tco / (tokens_per_year / 1e6)``,
``gross_margin = (revenue - tco) / revenue``,
``payback_years = (capex_it + capex_facility) / (revenue - opex)`` (simple, undiscounted;
``inf`` when revenue does not cover opex).

The capital charge is the level annuity that repays capex with interest at the cost of capital
``r`` over the asset life (Brealey, Myers & Allen, *Principles of Corporate Finance*, ch. 6,
"equivalent annual cost"); with ``r = 0`` it is straight-line depreciation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tokenfab.factory.facility import (
    SECONDS_PER_YEAR,
    facility_capex_usd_per_it_w,
    it_power_per_accelerator_w,
    opex_usd_per_it_w_year_model,
    whole_systems,
)

ArrayLike = Any

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
)


def capital_recovery_factor(rate: ArrayLike, life_years: ArrayLike) -> ArrayLike:
    """Capital recovery factor: the level annual payment per dollar of capex.

    ``CRF = r / (1 - (1 + r) ** -n)``; ``CRF -> 1 / n`` as ``r -> 0``.

    Parameters
    ----------
    rate : float or array [1/yr]
        Cost of capital (e.g. 0.10).
    life_years : float or array [yr]
        Depreciation life, > 0.

    Returns
    -------
    float or array [1/yr]

    References
    ----------
    Brealey, Myers & Allen, *Principles of Corporate Finance*, 13th ed., sec. 6.3
    (equivalent annual cost).

    >>> round(float(capital_recovery_factor(0.10, 5)), 4)
    0.2638
    """
    r = np.asarray(rate, dtype=float)
    n = np.asarray(life_years, dtype=float)
    small = np.abs(r) < 1e-9
    safe = np.where(small, 1.0, r)
    with np.errstate(divide="ignore", invalid="ignore"):
        crf = safe / (1.0 - (1.0 + safe) ** (-n))
    return np.where(small, 1.0 / n, crf)


def factory_model(
    *,
    power_w: ArrayLike,
    tokens_per_s_per_accelerator: ArrayLike,
    allin_power_w: ArrayLike,
    accelerators_per_system: int,
    accelerator_price_usd: ArrayLike,
    price_usd_per_mtok: ArrayLike,
    pue: ArrayLike,
    reference_pue: ArrayLike,
    electricity_usd_per_j: ArrayLike,
    opex_nonenergy_usd_per_it_w_year: ArrayLike,
    networking_usd_per_it_w: ArrayLike,
    power_cooling_usd_per_it_w: ArrayLike,
    building_land_usd_per_it_w: ArrayLike,
    life_it_years: ArrayLike,
    life_facility_years: ArrayLike,
    cost_of_capital: ArrayLike,
    utilization: ArrayLike,
    price_multiplier: ArrayLike = 1.0,
    throughput_factor: ArrayLike = 1.0,
) -> dict[str, np.ndarray]:
    """Economics of a token factory on a power budget (see the module docstring for equations).

    Parameters
    ----------
    power_w : [W]
        Site (utility) power budget.
    tokens_per_s_per_accelerator : [tok/s]
        Output tokens per second per accelerator at the operating point (performance engine).
    allin_power_w : [W]
        Facility power per accelerator at ``reference_pue`` (catalog ``allin_power_w``).
    accelerators_per_system : int
        Accelerators per server/rack; only whole systems are installed.
    accelerator_price_usd : [USD]
        Price per accelerator (system price / accelerators).
    price_usd_per_mtok : [USD per 1e6 output tokens]
        Revenue per million output tokens at the reference interactivity.
    pue, reference_pue : [-]
        Site PUE; PUE at which ``allin_power_w`` is stated.
    electricity_usd_per_j : [USD/J]
    opex_nonenergy_usd_per_it_w_year : [USD/(W yr)]
    networking_usd_per_it_w, power_cooling_usd_per_it_w, building_land_usd_per_it_w : [USD/W]
        Site costs per watt of IT power.
    life_it_years, life_facility_years : [yr]
    cost_of_capital : [1/yr]
    utilization : [-]
        Fraction of the year spent serving at the operating point, in (0, 1].
    price_multiplier : [-]
        Price-curve multiplier at the operating point's interactivity (:mod:`.pricing`).
    throughput_factor : [-]
        Multiplier on the engine's throughput (model uncertainty or a what-if).

    Returns
    -------
    dict of arrays
        :data:`OUTPUT_KEYS` and :data:`EXTRA_KEYS`, in USD, W, tokens, years.
    """
    it_w = it_power_per_accelerator_w(allin_power_w, reference_pue)
    fit = whole_systems(power_w, pue, it_w, accelerators_per_system)
    n = fit["accelerators"]
    p_it = fit["it_power_w"]

    tokens_per_year = (n * np.asarray(tokens_per_s_per_accelerator, dtype=float)
                       * np.asarray(throughput_factor, dtype=float)
                       * np.asarray(utilization, dtype=float) * SECONDS_PER_YEAR)
    price = np.asarray(price_usd_per_mtok, dtype=float) * np.asarray(price_multiplier, dtype=float)
    revenue = tokens_per_year / 1e6 * price

    capex_it = n * np.asarray(accelerator_price_usd, dtype=float) + p_it * np.asarray(
        networking_usd_per_it_w, dtype=float)
    capex_fac = p_it * facility_capex_usd_per_it_w(power_cooling_usd_per_it_w,
                                                   building_land_usd_per_it_w)
    capex = capex_it + capex_fac
    opex = p_it * opex_usd_per_it_w_year_model(pue, electricity_usd_per_j,
                                               opex_nonenergy_usd_per_it_w_year)
    capital = (capex_it * capital_recovery_factor(cost_of_capital, life_it_years)
               + capex_fac * capital_recovery_factor(cost_of_capital, life_facility_years))
    tco = capital + opex
    profit = revenue - tco
    mtok = tokens_per_year / 1e6
    with np.errstate(divide="ignore", invalid="ignore"):
        cost_per_mtok = tco / mtok
        margin = profit / revenue
        cash = revenue - opex
        payback = np.where(cash > 0, capex / np.where(cash > 0, cash, 1.0), np.inf)
    power = np.asarray(power_w, dtype=float)
    return {
        "accelerators": n,
        "it_power_w": p_it,
        "tokens_per_year": tokens_per_year,
        "revenue_usd_per_year": revenue,
        "capex_usd": capex,
        "opex_usd_per_year": opex,
        "tco_usd_per_year": tco,
        "cost_usd_per_mtok": cost_per_mtok,
        "gross_margin": margin,
        "payback_years": payback,
        "systems": fit["systems"],
        "facility_power_w": fit["facility_power_w"],
        "capex_it_usd": capex_it,
        "capex_facility_usd": capex_fac,
        "capital_charge_usd_per_year": capital,
        "profit_usd_per_year": profit,
        "revenue_usd_per_mw_year": revenue / (power / 1e6),
        "tokens_per_s_per_mw": tokens_per_year / SECONDS_PER_YEAR / (power / 1e6),
        "capex_usd_per_site_w": capex / power,
        "price_usd_per_mtok_effective": price,
    }


def breakeven_accelerator_price_usd(
    challenger: dict[str, np.ndarray],
    incumbent: dict[str, np.ndarray],
    challenger_price_usd: ArrayLike,
    cost_of_capital: ArrayLike,
    life_it_years: ArrayLike,
) -> np.ndarray:
    """The challenger's accelerator price at which its yearly profit equals the incumbent's.

    Profit is linear in the challenger's accelerator price ``p`` (its capital charge is
    ``N_c * p * CRF``), so

    ``p* = p + (profit_c - profit_i) / (N_c * CRF(r, life_it_years))``

    where ``profit_c`` is evaluated at the challenger's current price ``p``. A negative ``p*``
    means that even a free challenger earns less than the incumbent on the same power.

    Parameters
    ----------
    challenger, incumbent : dict of arrays
        Outputs of :func:`factory_model` on the same site power.
    challenger_price_usd : [USD]
        The price at which ``challenger`` was evaluated.
    cost_of_capital : [1/yr]
    life_it_years : [yr]

    Returns
    -------
    array [USD per accelerator]
    """
    crf = capital_recovery_factor(cost_of_capital, life_it_years)
    gap = challenger["profit_usd_per_year"] - incumbent["profit_usd_per_year"]
    return np.asarray(challenger_price_usd, dtype=float) + gap / (challenger["accelerators"] * crf)


def breakeven_accelerator_price_cost_usd(
    challenger: dict[str, np.ndarray],
    incumbent: dict[str, np.ndarray],
    challenger_price_usd: ArrayLike,
    cost_of_capital: ArrayLike,
    life_it_years: ArrayLike,
) -> np.ndarray:
    """The challenger's accelerator price at which its cost per million tokens equals the
    incumbent's (the comparison when demand, not power, limits output).

    ``p* = p + (cost_i * Mtok_c - tco_c) / (N_c * CRF(r, life_it_years))``

    Unlike the profit break-even at equal power, this one depends on electricity and building
    costs: a challenger with lower perf/W needs more of both per token.

    Returns
    -------
    array [USD per accelerator]; negative when even a free challenger costs more per token.
    """
    crf = capital_recovery_factor(cost_of_capital, life_it_years)
    mtok_c = challenger["tokens_per_year"] / 1e6
    gap = incumbent["cost_usd_per_mtok"] * mtok_c - challenger["tco_usd_per_year"]
    return np.asarray(challenger_price_usd, dtype=float) + gap / (challenger["accelerators"] * crf)
