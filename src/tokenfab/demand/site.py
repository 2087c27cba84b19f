"""What demand and plan take from the factory model: site cost per watt and its defaults.

One place that reads :mod:`tokenfab.factory` through its public functions, so the demand
projection and the rent-or-build plan price a site exactly as the factory model does.
"""

from __future__ import annotations

from tokenfab.catalog import Accelerator, Catalog, load_catalog
from tokenfab.factory import capex_usd_per_it_w, opex_usd_per_it_w_year
from tokenfab.factory.defaults import default_inputs
from tokenfab.inputs import Value
from tokenfab.uncertainty import likely

__all__ = ["capex_usd_per_facility_w", "factory_default", "it_capex_share",
           "opex_usd_per_facility_w_year", "reference_pue"]

#: any catalog accelerator: the factory's operating defaults do not depend on it
_ANY_HARDWARE = "gb200-nvl72"


def factory_default(name: str, catalog: Catalog | None = None,
                    hardware: Accelerator | str = _ANY_HARDWARE) -> tuple[Value, str, str]:
    """A default of the factory model: ``(value, source, kind)`` (e.g. ``utilization``,
    ``cost_of_capital``)."""
    d = default_inputs(hardware, catalog if catalog is not None else load_catalog())[name]
    return d.value, d.source, d.kind


def reference_pue(catalog: Catalog | None = None,
                  hardware: Accelerator | str = _ANY_HARDWARE) -> float:
    """The PUE at which the catalog's all-in power per accelerator is read (likely value)."""
    return float(likely(factory_default("reference_pue", catalog, hardware)[0]))


def capex_usd_per_facility_w(hardware: Accelerator | str, catalog: Catalog | None = None,
                             **overrides: float) -> float:
    """All-in capex per watt of facility power [USD/W]:
    :func:`tokenfab.factory.capex_usd_per_it_w` / PUE (IT power = facility power / PUE)."""
    cat = catalog if catalog is not None else load_catalog()
    return float(capex_usd_per_it_w(hardware, cat, **overrides)) / reference_pue(cat, hardware)


def opex_usd_per_facility_w_year(hardware: Accelerator | str,
                                 catalog: Catalog | None = None) -> float:
    """Opex per watt of facility power and year, at full load [USD/(W yr)]."""
    cat = catalog if catalog is not None else load_catalog()
    return float(opex_usd_per_it_w_year(hardware, cat)) / reference_pue(cat, hardware)


def it_capex_share(hardware: Accelerator | str, catalog: Catalog | None = None) -> float:
    """Share of all-in capex that is IT equipment (accelerators, networking, storage) [-]."""
    cat = catalog if catalog is not None else load_catalog()
    return (float(capex_usd_per_it_w(hardware, cat, power_cooling_cost=0.0,
                                     building_cost=0.0))
            / float(capex_usd_per_it_w(hardware, cat)))
