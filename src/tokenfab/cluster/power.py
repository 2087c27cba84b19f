"""Power and cooling roll-up of a site: systems -> racks -> IT power -> facility power.

``P_IT = n_systems * P_system + P_fabric + f_other * (n_systems * P_system + P_fabric)``
``P_facility = PUE * P_IT``; energy per year ``E = P_facility * 8766 h * load``.

``P_system`` (a whole 8-GPU server or NVL72 rack: accelerators, CPUs, NICs, scale-up
switches, fans, power-supply losses) comes from the catalog where a measured/spec'd system
figure exists (:data:`SYSTEM_POWER_KEYS`); otherwise it is scaled from the accelerator TDP
with the ratio of the anchor system of the same kind (8-GPU server: DGX H100 10.2 kW /
(8 x 700 W) = 1.82; rack-scale: GB200 NVL72 120 kW / (72 x 1200 W) = 1.39). The fabric is
sized by :mod:`tokenfab.cluster.network`; ``f_other`` covers storage, front-end and
management (an estimate, see :mod:`tokenfab.cluster.inputs`).

Cooling: racks above the air-cooling limit (~30 kW, an estimate) need liquid (direct-to-
chip) cooling; the PUE is an input, not derived from the cooling type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.catalog import Accelerator, Catalog, load_catalog
from tokenfab.cluster.inputs import RACK_SCALE_MIN, catalog_si
from tokenfab.units import HOURS_PER_YEAR, SECONDS_PER_HOUR

__all__ = ["SYSTEM_POWER_KEYS", "SystemPower", "annual_energy_j", "cooling_type",
           "facility_power_w", "it_power_w", "racks", "system_power"]

#: hardware id -> catalog cluster key of the power of one system (kW), and accelerators in it
SYSTEM_POWER_KEYS: dict[str, tuple[str, int]] = {
    "h100-sxm": ("power.dgx_h100_max", 8),
    "h200-sxm": ("power.dgx_h100_max", 8),
    "gb200-nvl72": ("power.gb200_nvl72_rack", 72),
}

# anchor systems for the TDP-ratio fallback: (hardware id of the anchor, TDP key)
_ANCHOR_SERVER: tuple[str, int, str] = ("power.dgx_h100_max", 8, "power.h100_tdp")
_ANCHOR_RACK: tuple[str, int] = ("power.gb200_nvl72_rack", 72)  # GB200 TDP: accelerator table


@dataclass(frozen=True, slots=True)
class SystemPower:
    """IT power of one system [W] with where it comes from."""

    value: float  # [W]
    kind: str
    source: str
    key: str  # the catalog row it is read or scaled from
    note: str = ""


def system_power(acc: Accelerator, catalog: Catalog | None = None) -> SystemPower:
    """IT power of one system of ``acc`` [W], with its provenance.

    A catalog figure for this hardware where one exists, else ``tdp x ratio`` of the anchor
    system of the same kind (see the module docstring), reported as kind ``derived``.
    """
    cat = catalog or load_catalog()
    n = acc.accelerators_per_system
    if acc.id in SYSTEM_POWER_KEYS:
        key, per = SYSTEM_POWER_KEYS[acc.id]
        row = cat.assumption(key)
        w = catalog_si(key, cat)
        return SystemPower(w * n / per, row.kind or "", row.source, key,
                           f"{w / 1e3:g} kW per {per} accelerators")
    if n >= RACK_SCALE_MIN:
        key = _ANCHOR_RACK[0]
        ratio = catalog_si(key, cat) / (_ANCHOR_RACK[1] * cat.hardware("gb200-nvl72").tdp_w)
        what = "GB200 NVL72 rack"
    else:
        key, per_server, tdp_key = _ANCHOR_SERVER
        ratio = catalog_si(key, cat) / (per_server * catalog_si(tdp_key, cat))
        what = "DGX H100 server"
    src = cat.assumption(key).source
    return SystemPower(n * acc.tdp_w * ratio, "derived",
                       f"{n} x TDP {acc.tdp_w:g} W x {ratio:.3f} ({what} system/TDP ratio; {src})",
                       key, "no system power for this hardware in the catalog")


def racks(accelerators: ArrayLike, accelerators_per_system: int,
          accelerators_per_rack: int) -> np.ndarray:
    """Compute racks ``ceil(N / accelerators_per_rack)`` (whole systems per rack)."""
    per_rack = max(accelerators_per_rack, accelerators_per_system)
    return np.ceil(np.asarray(accelerators, dtype=float) / per_rack)


def it_power_w(systems: ArrayLike, system_power_w: ArrayLike, fabric_power_w: ArrayLike,
               other_fraction: ArrayLike) -> np.ndarray:
    """Critical IT power [W] ``(n P_sys + P_fabric) (1 + f_other)``.

    Parameters
    ----------
    systems : array_like
        Systems (servers or racks) [count].
    system_power_w : array_like
        Power of one system [W].
    fabric_power_w : array_like
        Scale-out switches and optics [W].
    other_fraction : array_like
        Storage, front-end and management as a fraction of the above [-].
    """
    base = (np.asarray(systems, dtype=float) * np.asarray(system_power_w, dtype=float)
            + np.asarray(fabric_power_w, dtype=float))
    return np.asarray(base * (1.0 + np.asarray(other_fraction, dtype=float)), dtype=float)


def facility_power_w(it_w: ArrayLike, pue: ArrayLike) -> np.ndarray:
    """Facility power [W] = PUE x IT power (The Green Grid's definition of PUE)."""
    return np.asarray(np.asarray(it_w, dtype=float) * np.asarray(pue, dtype=float), dtype=float)


def annual_energy_j(facility_w: ArrayLike, load_factor: ArrayLike = 1.0) -> np.ndarray:
    """Energy per year [J] = facility power x 8766 h (:data:`tokenfab.units.HOURS_PER_YEAR`)
    x 3600 s/h x load factor."""
    return np.asarray((np.asarray(facility_w, dtype=float) * HOURS_PER_YEAR * SECONDS_PER_HOUR
                       * np.asarray(load_factor, dtype=float)), dtype=float)


def cooling_type(rack_power_w: float, air_limit_w: float) -> str:
    """``"liquid"`` when a rack exceeds the air-cooling limit, else ``"air"``."""
    return "liquid" if rack_power_w > air_limit_w and math.isfinite(rack_power_w) else "air"
