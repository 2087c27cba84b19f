"""AI factory economics: a power budget -> systems -> tokens -> revenue, capex, opex, TCO.

Where things are
----------------
:mod:`.inputs`
    :data:`FACTORY_INPUTS`: every numeric input, its bounds, default and source (one place).
:mod:`.economics`
    :func:`factory_model`, the pure, vectorized model (throughput per accelerator is an input),
    returning :class:`FactoryOutputs`.
:mod:`.runner`
    :func:`run_factory`: a ``[factory]`` section evaluated at the performance engine's
    operating point -> :class:`FactoryResult`.
:mod:`.verdict`
    :func:`judge`, :func:`scenario_verdict`: claims graded with :func:`tokenfab.claims.check`.
:mod:`.compare`
    :func:`generations`, :func:`ratio_sweep`, :func:`cadence_finding`.
:func:`capex_usd_per_it_w`, :func:`opex_usd_per_it_w_year`
    All-in site cost per watt of IT power from the defaults (used by other modules).

See ``docs/factory.md`` for the equations, defaults and a worked example.
"""

from __future__ import annotations

from typing import Any

from tokenfab.catalog import Accelerator, Catalog, load_catalog
from tokenfab.errors import TokenfabError, did_you_mean
from tokenfab.factory.compare import cadence_finding, generations, ratio_sweep
from tokenfab.factory.economics import FactoryOutputs, PairOutputs, factory_model
from tokenfab.factory.facility import (
    facility_capex_usd_per_it_w,
    it_capex_usd_per_it_w,
    it_power_per_accelerator_w,
    opex_usd_per_it_w_year_model,
)
from tokenfab.factory.inputs import FACTORY_INPUTS, SITE_COST_INPUTS
from tokenfab.factory.runner import FactoryResult, run_factory
from tokenfab.factory.spec import FactorySection
from tokenfab.factory.verdict import judge, scenario_verdict

__all__ = [
    "FACTORY_INPUTS",
    "FactoryOutputs",
    "FactoryResult",
    "FactorySection",
    "PairOutputs",
    "cadence_finding",
    "capex_usd_per_it_w",
    "factory_model",
    "generations",
    "judge",
    "opex_usd_per_it_w_year",
    "ratio_sweep",
    "run_factory",
    "scenario_verdict",
    "site_inputs",
]


def site_inputs(hardware: Accelerator | str, catalog: Catalog | None = None,
                **overrides: Any) -> dict[str, float]:
    """The site-cost inputs (:data:`SITE_COST_INPUTS`) for ``hardware``: defaults (likely values)
    with ``overrides`` (SI, by input name) applied."""
    cat = catalog if catalog is not None else load_catalog()
    for k in overrides:
        if k not in SITE_COST_INPUTS:
            guess = did_you_mean(k, SITE_COST_INPUTS)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise TokenfabError(f"unknown site-cost input '{k}'{hint}", field=k,
                                allowed=", ".join(SITE_COST_INPUTS))
    hw = (hardware if isinstance(hardware, Accelerator) else cat.hardware(hardware))
    res = FACTORY_INPUTS.resolve({"power": 1.0, **overrides}, cat, {"hardware": hw})
    return {k: res.point()[k] for k in SITE_COST_INPUTS}


def capex_usd_per_it_w(hardware: Accelerator | str, catalog: Catalog | None = None,
                       **overrides: Any) -> float:
    """All-in capex per watt of IT power for a site built with ``hardware`` [USD/W].

    ``accelerator_price / (allin_power / reference_pue) + networking_cost + power_cooling_cost
    + building_cost``

    Accelerators at the reported deal price (else the catalog price); networking at NVIDIA's
    networking / compute revenue ratio, storage at Bernstein's share; power & cooling and
    building from the Cushman & Wakefield 2025 construction survey (see
    :data:`tokenfab.factory.inputs.FACTORY_INPUTS` for each source). Likely values are used
    where a default is a range.

    Parameters
    ----------
    hardware : Accelerator or str
        A catalog accelerator (or its id).
    catalog : Catalog, optional
        Defaults to :func:`tokenfab.catalog.load_catalog`.
    **overrides
        Any of :data:`~tokenfab.factory.inputs.SITE_COST_INPUTS` in SI, e.g.
        ``accelerator_price=0``, ``building_cost=6``.

    Returns
    -------
    float [USD per W of IT power]. Multiply by IT power for the site's capex.
    """
    v = site_inputs(hardware, catalog, **overrides)
    it_w = it_power_per_accelerator_w(v["allin_power"], v["reference_pue"])
    return float(it_capex_usd_per_it_w(v["accelerator_price"], it_w, v["networking_cost"])
                 + facility_capex_usd_per_it_w(v["power_cooling_cost"], v["building_cost"]))


def opex_usd_per_it_w_year(hardware: Accelerator | str, catalog: Catalog | None = None,
                           **overrides: Any) -> float:
    """Operating cost per watt of IT power and year, excluding capital charges [USD/(W yr)].

    ``pue * SECONDS_PER_YEAR * electricity_price + opex_nonenergy_per_year``
    (electricity at full load, plus maintenance and staff; defaults at their likely values).

    Parameters
    ----------
    hardware : Accelerator or str
        A catalog accelerator (or its id); the result does not depend on it today but the
        signature matches :func:`capex_usd_per_it_w`.
    catalog : Catalog, optional
    **overrides
        e.g. ``electricity_price=100/3.6e9`` (USD/J), ``pue=1.3``.

    Returns
    -------
    float [USD per W of IT power per year]
    """
    v = site_inputs(hardware, catalog, **overrides)
    return float(opex_usd_per_it_w_year_model(v["pue"], v["electricity_price"],
                                              v["opex_nonenergy_per_year"]))
