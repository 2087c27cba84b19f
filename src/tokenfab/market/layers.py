"""The market in three layers, from dollars of GDP to gigawatts: pure, vectorized models.

The interview under test (BG2 pod, J. Huang with B. Gurley and B. Gerstner, 2025-09-26,
https://www.youtube.com/watch?v=pE6sw_E9Gh0) frames AI infrastructure demand as three
layers:

1. **replacement** -- the installed base of general-purpose (CPU) data centers is refreshed at
   the end of its life, and a share of each refresh is bought as accelerated computing;
2. **migration** -- hyperscale workloads (search, recommenders, ads, shopping) move from CPUs to
   GPUs: their compute budgets times a migration curve;
3. **augmentation** -- knowledge workers get AI (tokens) worth a share of their pay; token
   services at a gross margin leave the rest for AI-factory infrastructure.

Dollars of infrastructure per year become watts through capex per watt, and watts become a
share of world electricity through a load factor. Every function takes NumPy arrays (or
floats) and broadcasts, so a Monte Carlo run passes arrays of samples where numbers were
(:func:`tokenfab.uncertainty.monte_carlo`). Units are SI: USD, USD per year, W, s.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tokenfab.units import parse_quantity

ArrayLike = Any  # float | np.ndarray

#: seconds in a Julian year [s]; same constant as tokenfab.units
YEAR_S: float = parse_quantity("1 year", "time")

__all__ = [
    "YEAR_S",
    "augmentation_infra_usd_per_year",
    "electricity_share",
    "installed_power_w",
    "knowledge_gdp_usd",
    "knowledge_share_of_labour_income",
    "market_model",
    "migration_share",
    "migration_spend_usd_per_year",
    "power_added_w_per_year",
    "replacement_spend_usd_per_year",
    "token_services_usd_per_year",
]


# ---------------------------------------------------------------------------------------
# layer 1: replacement of the general-purpose installed base
# ---------------------------------------------------------------------------------------
def replacement_spend_usd_per_year(installed_base_usd: ArrayLike, it_life_years: ArrayLike,
                                   accelerated_share: ArrayLike) -> ArrayLike:
    """Layer 1: accelerated-computing spend from refreshing the CPU data-center base.

    .. math:: S_1 = \\frac{B}{L} \\, a

    A steady-state installed base ``B`` with service life ``L`` is replaced at ``B / L`` per
    year; a share ``a`` of each refresh is bought as accelerated systems.

    Parameters
    ----------
    installed_base_usd : array_like
        Installed base of general-purpose data-center infrastructure ``B`` [USD]. The interview's
        "a trillion dollars" is a claim (Huang, NVIDIA FQ1 FY24 call, May 2023); no independent
        measure is known (catalog ``dc_installed_base_general_purpose``).
    it_life_years : array_like
        Service life of servers ``L`` [year] (hyperscaler 10-K depreciation lives, catalog
        ``depreciation_life_it_years``).
    accelerated_share : array_like
        Share ``a`` of the refresh spent on accelerated systems [fraction, 0-1].

    Returns
    -------
    array_like
        Spend [USD/year].
    """
    return np.asarray(installed_base_usd) / np.asarray(it_life_years) * np.asarray(accelerated_share)


# ---------------------------------------------------------------------------------------
# layer 2: hyperscale workloads migrating from CPU to GPU
# ---------------------------------------------------------------------------------------
def migration_share(year: ArrayLike, midpoint_year: ArrayLike, width_years: ArrayLike) -> ArrayLike:
    """Share of a workload migrated by ``year``: a logistic adoption curve.

    .. math:: m(t) = \\frac{1}{1 + e^{-(t - t_{1/2}) / w}}

    The logistic (Fisher-Pry) substitution curve: the share that has switched to the new
    technology grows as an S-curve, half-way at ``t_1/2``; ``w`` sets its steepness (10 % to
    90 % takes ``2 ln 9 w = 4.39 w`` years). J. C. Fisher and R. H. Pry, "A simple substitution
    model of technological change", *Technological Forecasting and Social Change* 3 (1971)
    75-88, doi:10.1016/S0040-1625(71)80005-7.

    Parameters
    ----------
    year : array_like
        Year evaluated [year].
    midpoint_year : array_like
        Year by which half of the workload has migrated ``t_1/2`` [year].
    width_years : array_like
        Logistic scale ``w`` [year], > 0.

    Returns
    -------
    array_like
        Migrated share [fraction, 0-1].
    """
    z = (np.asarray(year, dtype=float) - np.asarray(midpoint_year)) / np.asarray(width_years)
    return 1.0 / (1.0 + np.exp(-z))


def migration_spend_usd_per_year(hyperscale_capex_usd_per_year: ArrayLike,
                                 classic_workload_share: ArrayLike,
                                 migrated_share: ArrayLike) -> ArrayLike:
    """Layer 2: hyperscale compute budgets that have moved to accelerated computing.

    .. math:: S_2 = C_h \\, s_w \\, m(t)

    Parameters
    ----------
    hyperscale_capex_usd_per_year : array_like
        Pre-generative-AI capex of the hyperscalers ``C_h`` [USD/year] (2023: MSFT + GOOGL +
        AMZN + META, catalog ``hyperscaler4_capex_2023``).
    classic_workload_share : array_like
        Share ``s_w`` of that capex serving their own search, recommender, ads and shopping
        workloads (the rest is cloud capacity rented out, networks, buildings) [fraction, 0-1].
    migrated_share : array_like
        Share ``m(t)`` of those workloads running on accelerators (:func:`migration_share`)
        [fraction, 0-1].

    Returns
    -------
    array_like
        Spend [USD/year].
    """
    return (np.asarray(hyperscale_capex_usd_per_year) * np.asarray(classic_workload_share)
            * np.asarray(migrated_share))


# ---------------------------------------------------------------------------------------
# layer 3: augmentation of knowledge work
# ---------------------------------------------------------------------------------------
def knowledge_share_of_labour_income(employment_share: ArrayLike, wage_premium: ArrayLike) -> ArrayLike:
    """Share of all labour income earned by knowledge workers.

    .. math:: k = \\frac{e \\, p}{e \\, p + (1 - e)}

    With a share ``e`` of workers in knowledge occupations (ISCO-08 major groups 1-3:
    managers, professionals, technicians and associate professionals) earning ``p`` times the
    average pay of the other workers, knowledge workers receive ``k`` of the labour income.
    ``p = 1`` gives ``k = e``; ``e = 1`` gives ``k = 1``.

    Parameters
    ----------
    employment_share : array_like
        Knowledge workers' share of employment ``e`` [fraction, 0-1].
    wage_premium : array_like
        Their average labour income relative to the other workers' ``p`` [ratio, > 0].

    Returns
    -------
    array_like
        ``k`` [fraction, 0-1].
    """
    e = np.asarray(employment_share, dtype=float)
    ep = e * np.asarray(wage_premium)
    return ep / (ep + (1.0 - e))


def knowledge_gdp_usd(gdp_usd: ArrayLike, labour_share: ArrayLike,
                      knowledge_labour_share: ArrayLike) -> ArrayLike:
    """Knowledge-work GDP: the labour income of knowledge workers.

    .. math:: K = Y \\, \\lambda \\, k

    Parameters
    ----------
    gdp_usd : array_like
        Nominal GDP ``Y`` [USD/year] (IMF WEO).
    labour_share : array_like
        Labour income share of GDP ``lambda`` [fraction] (ILO SDG 10.4.1: compensation of
        employees plus the labour income of the self-employed; 52.3 % of world GDP in 2024).
    knowledge_labour_share : array_like
        Knowledge workers' share of labour income ``k`` [fraction]
        (:func:`knowledge_share_of_labour_income`).

    Returns
    -------
    array_like
        ``K`` [USD/year]. The interview calls ~$50T of world GDP "human intelligence GDP".
    """
    return np.asarray(gdp_usd) * np.asarray(labour_share) * np.asarray(knowledge_labour_share)


def token_services_usd_per_year(knowledge_gdp: ArrayLike, ai_spend_share: ArrayLike) -> ArrayLike:
    """Spend on AI token services: a share of knowledge workers' pay.

    .. math:: T = K \\, r

    The interview's example, "$10k of AI for a $100k employee", is ``r = 0.1``; its headline
    "$10T" on "$50T" is ``r = 0.2``.

    Parameters
    ----------
    knowledge_gdp : array_like
        Knowledge-work GDP ``K`` [USD/year].
    ai_spend_share : array_like
        AI spend per USD of knowledge-worker pay ``r`` [fraction, >= 0].

    Returns
    -------
    array_like
        ``T`` [USD/year].
    """
    return np.asarray(knowledge_gdp) * np.asarray(ai_spend_share)


def augmentation_infra_usd_per_year(token_services: ArrayLike, gross_margin: ArrayLike) -> ArrayLike:
    """Layer 3: the part of token-service revenue that pays for AI-factory infrastructure.

    .. math:: S_3 = T \\, (1 - g)

    The interview: "$10T" of token services "at 50% gross margin" needs "$5T" of AI factories
    per year, i.e. the cost of goods sold is all infrastructure.

    Parameters
    ----------
    token_services : array_like
        Token-service revenue ``T`` [USD/year].
    gross_margin : array_like
        Gross margin of token services ``g`` [fraction, 0-1].

    Returns
    -------
    array_like
        ``S_3`` [USD/year].
    """
    return np.asarray(token_services) * (1.0 - np.asarray(gross_margin))


# ---------------------------------------------------------------------------------------
# dollars -> watts -> share of electricity
# ---------------------------------------------------------------------------------------
def power_added_w_per_year(infrastructure_usd_per_year: ArrayLike, capex_usd_per_w: ArrayLike) -> ArrayLike:
    """AI-factory power bought per year by an infrastructure spend.

    .. math:: \\dot P = S / c

    Parameters
    ----------
    infrastructure_usd_per_year : array_like
        Spend on AI factories ``S`` [USD/year], taken as all capex.
    capex_usd_per_w : array_like
        All-in capex per watt of facility power ``c`` [USD/W] (USD bn per GW; catalog
        ``capex_per_gw_*``).

    Returns
    -------
    array_like
        ``dP/dt`` [W/year].
    """
    return np.asarray(infrastructure_usd_per_year) / np.asarray(capex_usd_per_w)


def installed_power_w(power_added_w_per_year: ArrayLike, life_years: ArrayLike) -> ArrayLike:
    """Installed power when a constant build rate has run for one asset life.

    .. math:: P = \\dot P \\, L

    Steady state: each year's additions retire after ``L`` years. Capex per watt is all-in
    (facility and IT); buildings outlive servers, so taking ``L`` = server life makes the
    installed power a lower bound.

    Parameters
    ----------
    power_added_w_per_year : array_like
        Build rate ``dP/dt`` [W/year].
    life_years : array_like
        Asset life ``L`` [year].

    Returns
    -------
    array_like
        ``P`` [W].
    """
    return np.asarray(power_added_w_per_year) * np.asarray(life_years)


def electricity_share(installed_w: ArrayLike, load_factor: ArrayLike,
                      reference_energy_j_per_year: ArrayLike) -> ArrayLike:
    """Share of a reference electricity consumption drawn by installed AI factories.

    .. math:: \\sigma = \\frac{P \\, f \\, t_{yr}}{E}

    Parameters
    ----------
    installed_w : array_like
        Installed facility power ``P`` [W].
    load_factor : array_like
        Average draw over nameplate ``f`` [fraction, 0-1].
    reference_energy_j_per_year : array_like
        Electricity consumption it is compared with ``E`` [J/year] (world: Ember, 30,856 TWh
        in 2024).

    Returns
    -------
    array_like
        ``sigma`` [fraction]; may exceed 1 when the build-out is larger than today's grid.
    """
    return (np.asarray(installed_w) * np.asarray(load_factor) * YEAR_S
            / np.asarray(reference_energy_j_per_year))


# ---------------------------------------------------------------------------------------
# the whole bridge
# ---------------------------------------------------------------------------------------
def market_model(
    *,
    gdp_usd: ArrayLike,
    labour_share: ArrayLike,
    knowledge_employment_share: ArrayLike,
    knowledge_wage_premium: ArrayLike,
    ai_spend_share: ArrayLike,
    gross_margin: ArrayLike,
    installed_base_usd: ArrayLike,
    it_life_years: ArrayLike,
    accelerated_share: ArrayLike,
    hyperscale_capex_usd_per_year: ArrayLike,
    classic_workload_share: ArrayLike,
    migration_midpoint_year: ArrayLike,
    migration_width_years: ArrayLike,
    horizon_year: ArrayLike,
    capex_usd_per_w: ArrayLike,
    load_factor: ArrayLike,
    electricity_j_per_year: ArrayLike,
    knowledge_gdp_override_usd: ArrayLike | None = None,
) -> dict[str, ArrayLike]:
    """GDP -> three layers -> infrastructure spend -> watts -> share of electricity.

    Composes the functions of this module (see each for its equation and units). When
    ``knowledge_gdp_override_usd`` is given, it replaces ``gdp * labour_share * k`` (the
    interview states "$50T" directly).

    Returns
    -------
    dict
        ``labour_income_usd``, ``knowledge_gdp_usd``, ``token_services_usd_per_year``,
        ``replacement_usd_per_year``, ``migration_usd_per_year``, ``augmentation_usd_per_year``,
        ``infrastructure_usd_per_year`` (sum of the layers), ``power_added_w_per_year``,
        ``installed_power_w``, ``electricity_j_per_year`` (drawn by the installed factories),
        ``share_of_electricity``.
    """
    labour_income = np.asarray(gdp_usd) * np.asarray(labour_share)
    if knowledge_gdp_override_usd is None:
        k = knowledge_share_of_labour_income(knowledge_employment_share, knowledge_wage_premium)
        kgdp = knowledge_gdp_usd(gdp_usd, labour_share, k)
    else:
        kgdp = np.asarray(knowledge_gdp_override_usd, dtype=float)
    services = token_services_usd_per_year(kgdp, ai_spend_share)
    s3 = augmentation_infra_usd_per_year(services, gross_margin)
    s1 = replacement_spend_usd_per_year(installed_base_usd, it_life_years, accelerated_share)
    m = migration_share(horizon_year, migration_midpoint_year, migration_width_years)
    s2 = migration_spend_usd_per_year(hyperscale_capex_usd_per_year, classic_workload_share, m)
    infra = s1 + s2 + s3
    added = power_added_w_per_year(infra, capex_usd_per_w)
    installed = installed_power_w(added, it_life_years)
    drawn = installed * np.asarray(load_factor) * YEAR_S
    return {
        "labour_income_usd": labour_income,
        "knowledge_gdp_usd": kgdp,
        "token_services_usd_per_year": services,
        "replacement_usd_per_year": s1,
        "migration_usd_per_year": s2,
        "augmentation_usd_per_year": s3,
        "infrastructure_usd_per_year": infra,
        "power_added_w_per_year": added,
        "installed_power_w": installed,
        "electricity_j_per_year": drawn,
        "share_of_electricity": electricity_share(installed, load_factor, electricity_j_per_year),
    }
