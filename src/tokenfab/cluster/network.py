"""Scale-out network fabric: Clos / fat-tree of k-port switches, rail-optimized option.

The scale-up domain (NVLink/NVSwitch inside an HGX server or an NVL72 rack) is part of the
system and its power; this module sizes the back-end scale-out fabric that joins the
domains. One fabric *plane* connects every accelerator once at the port speed; an
accelerator whose NIC is faster than a port gets several planes (multi-plane, e.g. an
800G ConnectX-8 split into 4 x 200G planes).

Clos counting for ``E`` endpoints per plane, ``k``-port switches, leaf oversubscription
``s`` (downlinks : uplinks), non-blocking above the leaves:

* leaf down ports ``d = floor(k s / (1 + s))``, up ports ``u = k - d``;
  leaves ``L = ceil(E / d)`` (rail-optimized: one leaf per rail and per group of ``d``
  nodes, ``L = rails * ceil(nodes / d)``);
* 2 tiers (possible while ``L <= k``): spines ``S = ceil(L u / k)``, rounded up to a
  divisor of ``u`` so that every leaf has the same number of links to every spine
  (NVIDIA DGX SuperPOD H100 RA: 1/2/4 SU -> 4/8/16 spines, 3 SU -> 16, not 12);
* 3 tiers (possible while ``L <= k^2 / 2``): aggregation ``A = ceil(L u / (k/2))`` with
  ``k/2`` down and ``k/2`` up, core ``C = ceil(A (k/2) / k)``.

With ``s = 1`` this gives the textbook counts: 2 tiers ``k^2/2`` hosts with ``3N/k``
switches, 3 tiers ``k^3/4`` hosts with ``5N/k`` switches (Al-Fares et al., "A scalable,
commodity data center network architecture", SIGCOMM 2008). More than 3 tiers raises
:class:`~tokenfab.errors.InfeasibleError`.

Links are counted per tier; transceivers = one module per NIC port plus one per
``ports_per_transceiver`` switch ports on optical tiers (DAC/ACC copper tiers have none).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from tokenfab.errors import InfeasibleError, TokenfabError

__all__ = ["SWITCHES", "Fabric", "SwitchModel", "clos_fabric", "design_fabric"]


@dataclass(frozen=True, slots=True)
class SwitchModel:
    """A switch ASIC/box: port configurations (ports, port speed in bit/s)."""

    id: str
    name: str
    configs: tuple[tuple[int, float], ...]
    source: str


# port options as published; power/price come from the defaults (per box, excluding optics)
SWITCHES: dict[str, SwitchModel] = {
    "sn5600": SwitchModel("sn5600", "NVIDIA Spectrum-4 SN5600 (51.2 Tb/s)",
                          ((64, 800e9), (128, 400e9), (256, 200e9)),
                          "catalog cluster[switch.sn5600_ports]: 64x800G, or 128x400G / 256x200G "
                          "(https://probsee.com/p/NVIDIA_Spectrum_SN5600; NVIDIA SN5000 docs)"),
    "qm9700": SwitchModel("qm9700", "NVIDIA Quantum-2 QM9700 (NDR)", ((64, 400e9),),
                          "catalog cluster[switch.qm9700_ports]: 64x400G NDR"),
    "q3400": SwitchModel("q3400", "NVIDIA Quantum-X800 Q3400 (XDR)", ((144, 800e9),),
                         "catalog cluster[switch.quantum_x800_ports]: 144x800G"),
}


@dataclass(frozen=True, slots=True)
class Fabric:
    """Bill of materials of a scale-out fabric (all planes)."""

    endpoints: int  # accelerators attached
    planes: int
    port_speed_bps: float
    radix: int
    tiers: int
    oversubscription: float
    rail_optimized: bool
    leaf: int
    spine: int  # 2nd tier (spine or aggregation)
    core: int  # 3rd tier (0 for 2 tiers)
    links_endpoint: int
    links_leaf_spine: int
    links_spine_core: int
    transceivers: int
    switch_power_w: float
    transceiver_power_w: float
    switch_cost_usd: float
    transceiver_cost_usd: float

    @property
    def switches(self) -> int:
        return self.leaf + self.spine + self.core

    @property
    def links(self) -> int:
        return self.links_endpoint + self.links_leaf_spine + self.links_spine_core

    @property
    def power_w(self) -> float:
        return self.switch_power_w + self.transceiver_power_w

    @property
    def cost_usd(self) -> float:
        return self.switch_cost_usd + self.transceiver_cost_usd

    def to_dict(self) -> dict[str, float | int | bool]:
        d = asdict(self)
        d.update(switches=self.switches, links=self.links, power_w=self.power_w,
                 cost_usd=self.cost_usd)
        return d


def _balanced(spines: int, uplinks_per_leaf: int) -> int:
    """Smallest divisor of ``uplinks_per_leaf`` that is >= ``spines``."""
    for s in range(max(spines, 1), uplinks_per_leaf + 1):
        if uplinks_per_leaf % s == 0:
            return s
    return spines


def clos_fabric(endpoints: int, radix: int, *, oversubscription: float = 1.0,
                tiers: int | None = None, rails: int = 1, rail_optimized: bool = False,
                balanced_spines: bool = True) -> dict[str, int]:
    """Switch and link counts of one plane (see the module docstring for the equations).

    Parameters
    ----------
    endpoints : int
        Accelerator ports on this plane ``E`` [count], >= 1.
    radix : int
        Ports per switch ``k`` at the port speed, even, >= 4.
    oversubscription : float
        Leaf downlink:uplink ratio ``s`` (1 = non-blocking), >= 1.
    tiers : int, optional
        2 or 3; default: the fewest that fit.
    rails : int
        Accelerators per node with one NIC each (8 for HGX); used when ``rail_optimized``.
    rail_optimized : bool
        Rail-optimized leaves: NIC ``r`` of every node goes to a leaf of rail ``r``.
    balanced_spines : bool
        Round 2-tier spines up to a divisor of the leaf uplinks.

    Returns
    -------
    dict
        ``tiers, leaf, spine, core, links_endpoint, links_leaf_spine, links_spine_core``.
    """
    k = int(radix)
    if k < 4 or k % 2:
        raise TokenfabError(f"switch radix must be an even number >= 4, got {radix}",
                            field="radix", value=radix)
    if endpoints < 1:
        raise TokenfabError(f"endpoints must be >= 1, got {endpoints}", field="endpoints")
    if not (oversubscription >= 1.0 and math.isfinite(oversubscription)):
        raise TokenfabError(f"oversubscription must be >= 1 (downlinks:uplinks), got "
                            f"{oversubscription}", field="oversubscription", value=oversubscription)
    d = int(math.floor(k * oversubscription / (1.0 + oversubscription)))
    d = min(max(d, 1), k - 1)
    u = k - d
    if rail_optimized and rails > 1:
        nodes = math.ceil(endpoints / rails)
        leaves = rails * math.ceil(nodes / d)
    else:
        leaves = math.ceil(endpoints / d)
    fits2 = leaves <= k
    fits3 = leaves <= k * k // 2
    if tiers is None:
        tiers = 1 if endpoints <= k and not rail_optimized else (2 if fits2 else 3)
        if tiers == 1:
            return {"tiers": 1, "leaf": 1, "spine": 0, "core": 0, "links_endpoint": endpoints,
                    "links_leaf_spine": 0, "links_spine_core": 0}
    if tiers not in (2, 3):
        raise TokenfabError(f"tiers must be 2 or 3, got {tiers}", field="tiers", value=tiers)
    if (tiers == 2 and not fits2) or not fits3:
        cap2 = k * d
        cap3 = (k * k // 2) * d
        raise InfeasibleError(
            f"{endpoints:,} endpoints do not fit a {tiers}-tier Clos of {k}-port switches at "
            f"{oversubscription:g}:1 (2 tiers hold {cap2:,}, 3 tiers {cap3:,}); use a larger "
            "radix (a lower port speed / more planes) or more oversubscription",
            field="accelerators", value=endpoints)
    up = leaves * u
    if tiers == 2:
        spines = math.ceil(up / k)
        if balanced_spines:
            spines = _balanced(spines, u)
        return {"tiers": 2, "leaf": leaves, "spine": spines, "core": 0,
                "links_endpoint": endpoints, "links_leaf_spine": up, "links_spine_core": 0}
    half = k // 2
    agg = math.ceil(up / half)
    core = math.ceil(agg * half / k)
    return {"tiers": 3, "leaf": leaves, "spine": agg, "core": core, "links_endpoint": endpoints,
            "links_leaf_spine": up, "links_spine_core": agg * half}


def design_fabric(accelerators: int, nic_bps: float, switch: str = "sn5600", *,
                  port_speed_bps: float | None = None, oversubscription: float = 1.0,
                  tiers: int | None = None, rail_optimized: bool = True, rails: int = 8,
                  copper_endpoint_links: bool = False, ports_per_transceiver: int = 1,
                  switch_power_w: float = 500.0, transceiver_power_w: float = 20.0,
                  switch_price_usd: float = 0.0, transceiver_price_usd: float = 0.0) -> Fabric:
    """Size the scale-out fabric for ``accelerators`` with ``nic_bps`` of NIC each.

    Without ``port_speed_bps`` every port configuration of the switch at or below the NIC
    speed is tried and the one with the fewest tiers, then the fewest switches, is kept.
    Planes = NIC speed / port speed. Power = switches x ``switch_power_w`` (box, without
    optics) + transceivers x ``transceiver_power_w``; cost likewise.

    Parameters
    ----------
    accelerators : int
        Accelerators attached to the fabric [count].
    nic_bps : float
        Scale-out NIC bandwidth per accelerator, one direction [bit/s].
    switch : str
        A key of :data:`SWITCHES`.
    ports_per_transceiver : int
        Switch ports served by one pluggable module (1; 2 for twin-port OSFP).
    switch_power_w, transceiver_power_w : float
        [W] per switch (without optics) and per transceiver module.
    switch_price_usd, transceiver_price_usd : float
        [USD] per unit.
    """
    if switch not in SWITCHES:
        from tokenfab.errors import unknown

        raise unknown("switch", switch, SWITCHES, field="switch")
    if not (nic_bps > 0 and math.isfinite(nic_bps)):
        raise TokenfabError(f"NIC bandwidth must be > 0 bit/s, got {nic_bps}", field="nic_bps")
    sw = SWITCHES[switch]
    if port_speed_bps is not None:
        opts = [c for c in sw.configs if c[1] == port_speed_bps]
        if not opts:
            allowed = ", ".join(f"{s / 1e9:g}G" for _, s in sw.configs)
            raise TokenfabError(f"{sw.name} has no {port_speed_bps / 1e9:g}G ports (allowed: "
                                f"{allowed})", field="port_speed", value=port_speed_bps)
    else:
        opts = [c for c in sw.configs if c[1] <= nic_bps * (1 + 1e-9)] or [min(sw.configs,
                                                                              key=lambda c: c[1])]
    best: tuple[tuple[int, int], int, float, dict[str, int]] | None = None
    err: InfeasibleError | None = None
    for radix, speed in opts:
        planes = max(1, math.ceil(nic_bps / speed - 1e-9))
        try:
            plane = clos_fabric(accelerators, radix, oversubscription=oversubscription,
                                tiers=tiers, rails=rails, rail_optimized=rail_optimized)
        except InfeasibleError as e:
            err = e
            continue
        nsw = planes * (plane["leaf"] + plane["spine"] + plane["core"])
        score = (plane["tiers"], nsw)
        if best is None or score < best[0]:
            best = (score, radix, speed, {**plane, "planes": planes})
    if best is None:
        assert err is not None
        raise err
    _, radix, speed, p = best
    planes = p["planes"]
    leaf, spine, core = (planes * p["leaf"], planes * p["spine"], planes * p["core"])
    le, ls, sc = (planes * p["links_endpoint"], planes * p["links_leaf_spine"],
                  planes * p["links_spine_core"])
    # NIC side: one module per accelerator NIC (a multi-plane NIC breaks out one module)
    nic_modules = 0 if copper_endpoint_links else accelerators
    switch_ports_optical = (0 if copper_endpoint_links else le) + 2 * ls + 2 * sc
    switch_modules = math.ceil(switch_ports_optical / max(1, ports_per_transceiver))
    # breakout: several low-speed ports share one module at the switch's top port speed
    top = max(s for _, s in sw.configs)
    if speed < top:
        switch_modules = math.ceil(switch_modules * speed / top)
    xcvr = nic_modules + switch_modules
    nsw = leaf + spine + core
    return Fabric(endpoints=int(accelerators), planes=planes, port_speed_bps=float(speed),
                  radix=int(radix), tiers=int(p["tiers"]), oversubscription=float(oversubscription),
                  rail_optimized=bool(rail_optimized), leaf=leaf, spine=spine, core=core,
                  links_endpoint=le, links_leaf_spine=ls, links_spine_core=sc, transceivers=xcvr,
                  switch_power_w=nsw * switch_power_w, transceiver_power_w=xcvr * transceiver_power_w,
                  switch_cost_usd=nsw * switch_price_usd,
                  transceiver_cost_usd=xcvr * transceiver_price_usd)
