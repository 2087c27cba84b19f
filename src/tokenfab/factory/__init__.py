"""AI factory economics: a power budget -> systems -> tokens -> revenue, capex, opex, TCO.

Public entry points
-------------------
:func:`capex_usd_per_it_w`, :func:`opex_usd_per_it_w_year`
    All-in site cost per watt of IT power from the catalog defaults (used by other modules).
:func:`factory_model`
    The pure, vectorized model (throughput per accelerator is an input).
:func:`run_factory`, :class:`FactorySection`
    A ``[factory]`` scenario section evaluated with the performance engine's operating point.
:func:`scenario_verdict`, :func:`judge`, :class:`Verdict`
    The verdict on a scenario's claim (supported / partly / not supported, and flip points).
:func:`generations`, :func:`ratio_sweep`
    Successive systems on one site; a comparison across interactivities.

See ``docs/factory.md`` for the equations, defaults and a worked example.
"""

from __future__ import annotations

from typing import Any

from tokenfab.catalog import Accelerator, Catalog
from tokenfab.factory.defaults import default_inputs, resolve
from tokenfab.factory.facility import (
    facility_capex_usd_per_it_w,
    it_capex_usd_per_it_w,
    it_power_per_accelerator_w,
    opex_usd_per_it_w_year_model,
)
from tokenfab.uncertainty import point_inputs

__all__ = [
    "FactorySection",
    "Verdict",
    "capex_usd_per_it_w",
    "factory_model",
    "generations",
    "judge",
    "opex_usd_per_it_w_year",
    "ratio_sweep",
    "run_factory",
    "scenario_verdict",
]


def __getattr__(name: str) -> Any:
    """Lazy access to the runner-level API (keeps ``import tokenfab.factory`` light)."""
    if name == "factory_model":
        from tokenfab.factory.economics import factory_model

        return factory_model
    if name in ("run_factory",):
        from tokenfab.factory import runner

        return getattr(runner, name)
    if name == "FactorySection":
        from tokenfab.factory.spec import FactorySection

        return FactorySection
    if name in ("scenario_verdict", "judge", "Verdict"):
        from tokenfab.factory import verdict

        return getattr(verdict, name)
    if name in ("generations", "ratio_sweep"):
        from tokenfab.factory import compare

        return getattr(compare, name)
    raise AttributeError(f"module 'tokenfab.factory' has no attribute {name!r}")


def capex_usd_per_it_w(hardware: Accelerator | str, catalog: Catalog | None = None,
                       **overrides: Any) -> float:
    """All-in capex per watt of IT power for a site built with ``hardware`` [USD/W].

    ``accelerator_price_usd / (allin_power_w / reference_pue) + networking_usd_per_it_w
    + power_cooling_usd_per_it_w + building_land_usd_per_it_w``

    Accelerators/systems from the catalog price; networking & storage, power & cooling, and
    land & building from the Bernstein GB200 NVL72 bottom-up (see
    :func:`tokenfab.factory.defaults.default_inputs` for each source). Likely values are used
    where a default is a range.

    Parameters
    ----------
    hardware : Accelerator or str
        A catalog accelerator (or its id).
    catalog : Catalog, optional
        Defaults to :func:`tokenfab.catalog.load_catalog`.
    **overrides
        Any default by name, e.g. ``accelerator_price_usd=0``, ``building_land_usd_per_it_w=6``.

    Returns
    -------
    float [USD per W of IT power]. Multiply by IT power for the site's capex.
    """
    v = point_inputs(resolve(default_inputs(hardware, catalog), overrides))
    it_w = it_power_per_accelerator_w(v["allin_power_w"], v["reference_pue"])
    return float(it_capex_usd_per_it_w(v["accelerator_price_usd"], it_w, v["networking_usd_per_it_w"])
                 + facility_capex_usd_per_it_w(v["power_cooling_usd_per_it_w"],
                                               v["building_land_usd_per_it_w"]))


def opex_usd_per_it_w_year(hardware: Accelerator | str, catalog: Catalog | None = None,
                           **overrides: Any) -> float:
    """Operating cost per watt of IT power and year, excluding capital charges [USD/(W yr)].

    ``pue * SECONDS_PER_YEAR * electricity_usd_per_j + opex_nonenergy_usd_per_it_w_year``
    (electricity at full load, plus maintenance and staff; catalog defaults, likely values).

    Parameters
    ----------
    hardware : Accelerator or str
        A catalog accelerator (or its id); the result does not depend on it today but the
        signature matches :func:`capex_usd_per_it_w`.
    catalog : Catalog, optional
    **overrides
        e.g. ``electricity_usd_per_j=100/3.6e9``, ``pue=1.3``.

    Returns
    -------
    float [USD per W of IT power per year]
    """
    v = point_inputs(resolve(default_inputs(hardware, catalog), overrides))
    return float(opex_usd_per_it_w_year_model(v["pue"], v["electricity_usd_per_j"],
                                              v["opex_nonenergy_usd_per_it_w_year"]))
