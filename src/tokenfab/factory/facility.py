"""Facility: a site's power budget -> IT power -> whole systems; capex and opex per IT watt.

Conventions
-----------
* ``power_w`` is the site (utility) power budget; ``it_power_w = power_w / pue`` is what the
  IT equipment (accelerators, hosts, network) may draw.
* The catalog's ``allin_power_w`` is the facility power per accelerator *including* its share
  of host, network and cooling (SemiAnalysis InferenceX "all-in provisioned power"). We read it
  as facility power at the reference PUE of a liquid-cooled AI hall (``pue_ai_liquid_cooled``),
  so the IT power per accelerator is ``allin_power_w / reference_pue``. A site with a different
  PUE then fits proportionally more or fewer accelerators.
* Site costs are per watt of IT power ("critical IT load"), the unit data-center construction
  is quoted in. Defaults are sourced component by component (capex.csv): accelerators at the
  reported deal price per GPU where there is one (else the catalog ``price_usd``); scale-out
  network at NVIDIA's reported networking / compute revenue ratio x that price, plus Bernstein's
  storage share; power & cooling and building from the Cushman & Wakefield 2025 construction-cost
  survey x the Turner & Townsend AI premium. The Bernstein GB200 NVL72 bottom-up ($5.9M per
  rack of ~125 kW IT) is the cross-check (``tests/factory/test_market_references.py``).

Every function here is a pure NumPy function: pass arrays where numbers were and it vectorizes
(this is how :mod:`tokenfab.uncertainty` runs a Monte Carlo).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.units import SECONDS_PER_YEAR


def it_power_per_accelerator_w(allin_power_w: ArrayLike, reference_pue: ArrayLike) -> np.ndarray:
    """IT power drawn per accelerator.

    ``it_w = allin_power_w / reference_pue``

    Parameters
    ----------
    allin_power_w : float or array [W]
        Facility power per accelerator including host, network and cooling share (catalog).
    reference_pue : float or array [-]
        PUE at which the all-in figure is stated (``pue_ai_liquid_cooled``).

    Returns
    -------
    float or array [W]
    """
    out: np.ndarray = np.asarray(allin_power_w, dtype=float) / np.asarray(reference_pue, dtype=float)
    return out


def whole_systems(
    power_w: ArrayLike,
    pue: ArrayLike,
    it_w_per_accelerator: ArrayLike,
    accelerators_per_system: int,
) -> dict[str, np.ndarray]:
    """Whole systems (servers / racks) that fit a site power budget.

    ``systems = floor(power_w / pue / (it_w_per_accelerator * accelerators_per_system))``,
    ``accelerators = systems * accelerators_per_system``,
    ``it_power_w = accelerators * it_w_per_accelerator``.

    Parameters
    ----------
    power_w : float or array [W]
        Site (utility) power budget.
    pue : float or array [-]
        Power usage effectiveness of the site (facility power / IT power), >= 1.
    it_w_per_accelerator : float or array [W]
        IT power per accelerator (:func:`it_power_per_accelerator_w`).
    accelerators_per_system : int [accelerators]
        Accelerators in the unit you buy and power (8-GPU server, 72-GPU rack).

    Returns
    -------
    dict
        ``systems`` [-], ``accelerators`` [-], ``it_power_w`` [W] and ``facility_power_w`` [W]
        (the part of the budget actually used: ``it_power_w * pue``).

    References
    ----------
    The Green Grid, "PUE: a comprehensive examination of the metric", WP#49 (2012).
    """
    it_budget_w = np.asarray(power_w, dtype=float) / np.asarray(pue, dtype=float)
    system_w = np.asarray(it_w_per_accelerator, dtype=float) * accelerators_per_system
    # a tiny relative tolerance so that a budget of exactly N systems is not floored to N-1
    systems = np.floor(it_budget_w / system_w * (1.0 + 1e-12))
    accelerators = systems * accelerators_per_system
    it_power_w = accelerators * np.asarray(it_w_per_accelerator, dtype=float)
    return {"systems": systems, "accelerators": accelerators, "it_power_w": it_power_w,
            "facility_power_w": it_power_w * np.asarray(pue, dtype=float)}


def it_capex_usd_per_it_w(
    accelerator_price_usd: ArrayLike,
    it_w_per_accelerator: ArrayLike,
    networking_usd_per_it_w: ArrayLike,
) -> np.ndarray:
    """IT equipment capex per IT watt (depreciated over the IT life).

    ``accelerator_price_usd / it_w_per_accelerator + networking_usd_per_it_w``

    Parameters
    ----------
    accelerator_price_usd : float or array [USD]
        Purchase price per accelerator (system price / accelerators per system).
    it_w_per_accelerator : float or array [W]
    networking_usd_per_it_w : float or array [USD/W]
        Scale-out network and storage per IT watt.

    Returns
    -------
    float or array [USD/W]
    """
    out: np.ndarray = (np.asarray(accelerator_price_usd, dtype=float)
                       / np.asarray(it_w_per_accelerator, dtype=float)
                       + np.asarray(networking_usd_per_it_w, dtype=float))
    return out


def facility_capex_usd_per_it_w(
    power_cooling_usd_per_it_w: ArrayLike,
    building_land_usd_per_it_w: ArrayLike,
) -> np.ndarray:
    """Facility capex per IT watt (depreciated over the facility life).

    ``power_cooling_usd_per_it_w + building_land_usd_per_it_w``

    Parameters
    ----------
    power_cooling_usd_per_it_w : float or array [USD/W]
        Mechanical and electrical plant: generation, transformers, distribution, cooling.
    building_land_usd_per_it_w : float or array [USD/W]
        Land, shell, construction labour.

    Returns
    -------
    float or array [USD/W]
    """
    out: np.ndarray = np.asarray(power_cooling_usd_per_it_w, dtype=float) + np.asarray(
        building_land_usd_per_it_w, dtype=float)
    return out


def opex_usd_per_it_w_year_model(
    pue: ArrayLike,
    electricity_usd_per_j: ArrayLike,
    opex_nonenergy_usd_per_it_w_year: ArrayLike,
    power_draw_fraction: ArrayLike = 1.0,
) -> np.ndarray:
    """Operating cost per IT watt and year: electricity plus maintenance and staff.

    ``pue * power_draw_fraction * SECONDS_PER_YEAR * electricity_usd_per_j
    + opex_nonenergy_usd_per_it_w_year``

    Parameters
    ----------
    pue : float or array [-]
    electricity_usd_per_j : float or array [USD/J]
        Electricity price (80 USD/MWh = 2.22e-8 USD/J).
    opex_nonenergy_usd_per_it_w_year : float or array [USD/(W yr)]
        Maintenance, staff, insurance per IT watt (Epoch AI 2026: $0.3B per GW-yr).
    power_draw_fraction : float or array [-]
        Average IT draw / installed IT power. 1 (default) bills the site at full load, the
        conservative reading for an inference factory that runs flat out.

    Returns
    -------
    float or array [USD/(W yr)]
    """
    energy = (np.asarray(pue, dtype=float) * np.asarray(power_draw_fraction, dtype=float)
              * SECONDS_PER_YEAR * np.asarray(electricity_usd_per_j, dtype=float))
    out: np.ndarray = energy + np.asarray(opex_nonenergy_usd_per_it_w_year, dtype=float)
    return out

