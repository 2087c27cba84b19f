"""A site of N accelerators end to end: power, fabric, failures, checkpoints, goodput, time
to train. This module wires the pure models of :mod:`tokenfab.cluster` together; it holds
the ``[cluster]`` scenario section and no equations of its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import Field

from tokenfab.catalog import Accelerator, Catalog, load_catalog
from tokenfab.cluster import goodput as gp
from tokenfab.cluster import power as pw
from tokenfab.cluster import reliability as rel
from tokenfab.cluster.defaults import default, llama3_cause_rates_per_s
from tokenfab.cluster.network import SWITCHES, Fabric, design_fabric
from tokenfab.cluster.simulate import SimulationResult, simulate_goodput
from tokenfab.errors import InfeasibleError, TokenfabError
from tokenfab.perf.training import time_to_train_s, training_flops
from tokenfab.scenario import Quantity, ScenarioSection, Uncertain, register_section
from tokenfab.uncertainty import Range, likely, monte_carlo, uncertain_names

__all__ = ["ClusterSection", "SiteResult", "evaluate_site", "goodput_vs_size"]

DAY_S = 86400.0
DEFAULT_CHECKPOINT_MODEL = "llama3.1-405b"
#: below this goodput (0.1% of wall time kept) a time to train is reported as infeasible
MIN_GOODPUT = 1e-3
#: most interruptions the failure simulation draws in one run (samples x expected per job):
#: ~1 min at the 10-35 M events/s measured for simulate_goodput on one core; a 4M-accelerator,
#: 365-day job with 1,000 samples needs ~6.5e8
MAX_SIMULATED_EVENTS = 2e9


def _d(name: str) -> float:
    return default(name).value


def _range(lo: str, mid: str, hi: str) -> Range:
    return Range(_d(lo), _d(mid), _d(hi))


@register_section("cluster")
class ClusterSection(ScenarioSection):
    """``[cluster]``: a site and one synchronous training job on it.

    Defaults come from the catalog's cluster table (see :mod:`tokenfab.cluster.defaults`).
    """

    hardware: str = "gb200-nvl72"
    accelerators: Quantity("count", gt=0) = 500_000  # type: ignore[valid-type]
    days: Quantity("count", gt=0) = 90.0  # type: ignore[valid-type]
    samples: int = Field(1000, ge=0, description="Monte Carlo replicas of the failure simulation")
    seed: int = Field(0, ge=0, description="random seed (NumPy; >= 0)")
    # training
    model: str | None = None
    tokens: Quantity("tokens", gt=0) | None = None  # type: ignore[valid-type]
    precision: Literal["fp4", "fp8", "bf16"] = "bf16"
    mfu: Uncertain("fraction", gt=0, le=1) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _range("mfu_low", "mfu", "mfu_high"))
    # power
    pue: Uncertain("count", ge=1) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _range("pue_low", "pue_likely", "pue_high"))
    other_it_fraction: Quantity("fraction", ge=0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("other_it_fraction"))
    accelerators_per_rack: int | None = Field(None, ge=1)
    # failures
    failure_rate_multiplier: Uncertain("count", gt=0) = 1.0  # type: ignore[valid-type]
    include_planned: bool = False
    # checkpointing and restart
    checkpoint: Literal["storage", "memory"] = "storage"
    checkpoint_model: str | None = None
    checkpoint_bytes_per_param: Quantity("count", gt=0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("checkpoint_bytes_per_param"))
    storage_bandwidth: Quantity("bandwidth", gt=0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("storage_bandwidth"))
    restart_time: Uncertain("time", ge=0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("restart_time"))
    memory_recovery_speedup: Quantity("count", ge=1) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("memory_recovery_speedup"))
    hot_spare_fraction: Quantity("fraction", ge=0, lt=1) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("hot_spare_fraction"))
    repair_time: Quantity("time", ge=0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("repair_time"))
    interval_policy: Literal["daly", "young"] = "daly"
    checkpoint_interval: Quantity("time", gt=0) | None = None  # type: ignore[valid-type]
    #: floor on the optimal interval, e.g. one training step (checkpoints cannot be more
    #: frequent than iterations; GEMINI checkpoints to CPU memory every iteration)
    min_checkpoint_interval: Quantity("time", gt=0) | None = None  # type: ignore[valid-type]
    # fabric
    switch: str = "sn5600"
    port_speed: Quantity("bandwidth", gt=0) | None = None  # type: ignore[valid-type]
    oversubscription: Quantity("count", ge=1) = 1.0  # type: ignore[valid-type]
    tiers: int | None = Field(None, ge=2, le=3)
    rail_optimized: bool = True
    ports_per_transceiver: int = Field(1, ge=1)
    switch_power: Quantity("power", ge=0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("switch_power"))
    transceiver_power: Quantity("power", ge=0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("transceiver_power"))
    switch_price: Quantity("money", ge=0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("switch_price_usd"))
    transceiver_price: Quantity("money", ge=0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _d("transceiver_price_usd"))


@dataclass
class SiteResult:
    """Everything :func:`evaluate_site` computes (point values at the likely inputs)."""

    inputs: ClusterSection
    accelerator: Accelerator
    job_accelerators: int
    spare_accelerators: int
    systems: int
    racks: int
    rack_power_w: float
    cooling: str
    system_power_source: str
    fabric: Fabric
    it_power_w: float
    facility_power_w: float
    energy_per_year_j: float
    rate_per_accel_s: float
    cause_share: dict[str, float]
    mtbf_s: float
    expected_interruptions: float
    checkpoint_bytes: float
    save_time_s: float
    restart_s: float
    p_no_spare: float
    interval_s: float
    young_interval_s: float
    daly_interval_s: float
    goodput: float
    goodput_first_order: float
    simulation: SimulationResult | None = None
    training_flops: float | None = None
    time_to_train_s: float | None = None
    ranges: dict[str, dict[str, float]] = field(default_factory=dict)

    def _by_cause(self) -> dict[str, float]:
        """Expected interruptions per cause; planned ones (no cause breakdown in the Llama 3
        report) appear as ``planned`` when included."""
        share = 1.0
        out: dict[str, float] = {}
        if self.inputs.include_planned:
            unexpected, planned = _d("llama3_unexpected"), _d("llama3_planned")
            share = unexpected / (unexpected + planned)
        out = {k: v * self.expected_interruptions * share for k, v in self.cause_share.items()}
        if self.inputs.include_planned:
            out["planned"] = self.expected_interruptions * (1.0 - share)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``tokenfab cluster --json``."""
        out: dict[str, Any] = {
            "hardware": self.accelerator.id,
            "accelerators": int(self.inputs.accelerators),
            "job_accelerators": self.job_accelerators,
            "spare_accelerators": self.spare_accelerators,
            "days": float(self.inputs.days),
            "it_power_w": self.it_power_w,
            "facility_power_w": self.facility_power_w,
            "energy_per_year_j": self.energy_per_year_j,
            "racks": self.racks,
            "rack_power_w": self.rack_power_w,
            "cooling": self.cooling,
            "switches": self.fabric.switches,
            "links": self.fabric.links,
            "transceivers": self.fabric.transceivers,
            "fabric": self.fabric.to_dict(),
            "expected_interruptions": self.expected_interruptions,
            "mtbf_hours": self.mtbf_s / 3600.0,
            "interruption_share_by_cause": self.cause_share,
            "expected_interruptions_by_cause": self._by_cause(),
            "checkpoint": self.inputs.checkpoint,
            "checkpoint_bytes": self.checkpoint_bytes,
            "checkpoint_save_time_s": self.save_time_s,
            "restart_time_s": self.restart_s,
            "p_no_hot_spare": self.p_no_spare,
            "checkpoint_interval_s": self.interval_s,
            "young_interval_s": self.young_interval_s,
            "daly_interval_s": self.daly_interval_s,
            "goodput": self.goodput,
            "goodput_first_order": self.goodput_first_order,
        }
        if self.simulation is not None:
            out["simulation"] = {"replicas": self.simulation.replicas, **self.simulation.summary()}
        if self.time_to_train_s is not None:
            out["model"] = self.inputs.model
            out["tokens"] = self.inputs.tokens
            out["training_flops"] = self.training_flops
            out["time_to_train_days"] = self.time_to_train_s / DAY_S
        if self.ranges:
            out["ranges"] = self.ranges
        out["system_power_source"] = self.system_power_source
        return out


def _job_split(n: int, spare_fraction: float, unit: int) -> tuple[int, int]:
    spares = int(math.floor(n * spare_fraction / unit)) * unit
    return n - spares, spares


def _checkpoint_params(s: ClusterSection, cat: Catalog) -> float:
    name = s.checkpoint_model or s.model or DEFAULT_CHECKPOINT_MODEL
    from tokenfab.perf.params import param_counts

    return float(param_counts(cat.model(name)).total)


def _reliability(s: ClusterSection, acc: Accelerator, job: int, spares: int, ckpt_bytes: float,
                 restart_base: Any, multiplier: Any, rates: dict[str, float],
                 planned_rate: float) -> dict[str, Any]:
    """Vectorized over ``restart_base`` and ``multiplier`` (arrays in a Monte Carlo)."""
    lam = (sum(rates.values()) + (planned_rate if s.include_planned else 0.0)) * np.asarray(
        multiplier, dtype=float)
    m = rel.job_mtbf_s(job, lam)
    if s.checkpoint == "storage":
        save = rel.checkpoint_save_time_s(ckpt_bytes, s.storage_bandwidth)
        base = np.asarray(restart_base, dtype=float)
    else:  # in-memory (GEMINI): shard per accelerator to a peer's CPU memory over the NIC
        save = rel.checkpoint_save_time_s(ckpt_bytes / job, acc.scaleout_bw_bytes_per_s_unidir)
        base = np.asarray(restart_base, dtype=float) / s.memory_recovery_speedup
    unit = acc.scaleup_domain_size
    p_no = rel.p_spares_exhausted(job * lam, s.repair_time, spares // unit)
    r = rel.restart_time_s(base, save, p_no, s.repair_time)
    if s.checkpoint_interval is not None:
        tau = np.broadcast_to(np.asarray(s.checkpoint_interval, dtype=float), np.shape(m)) * 1.0
    else:
        tau = gp.checkpoint_interval_s(save, m, s.interval_policy)
        if s.min_checkpoint_interval is not None:
            tau = np.maximum(tau, s.min_checkpoint_interval)
    g = gp.daly_goodput(tau, save, m, r)
    return {"lam": lam, "mtbf": m, "save": save, "restart": r, "p_no": p_no, "tau": tau, "g": g}


def evaluate_site(s: ClusterSection, catalog: Catalog | None = None,
                  progress: Callable[[int], None] | None = None,
                  range_samples: int = 2000) -> SiteResult:
    """Evaluate a ``[cluster]`` section: power, fabric, reliability, goodput, time to train.

    Point values use the likely value of every range; ranges (PUE, MFU, failure-rate
    multiplier, restart time) are propagated by :func:`tokenfab.uncertainty.monte_carlo`
    through the same vectorized models into ``ranges`` (p10/p50/p90). The failure
    simulation (``samples`` replicas) runs at the point values.
    """
    cat = catalog or load_catalog()
    acc = cat.hardware(s.hardware)
    if s.switch not in SWITCHES:
        from tokenfab.errors import unknown

        raise unknown("switch", s.switch, SWITCHES, field="cluster.switch")
    n = int(s.accelerators)
    if n != s.accelerators:
        raise TokenfabError(f"must be a whole number, got {s.accelerators}",
                            field="cluster.accelerators", value=s.accelerators)
    if (s.model is None) != (s.tokens is None):
        raise TokenfabError("give both model and tokens for a time to train (or neither)",
                            field="cluster.model" if s.model is None else "cluster.tokens")
    unit = acc.scaleup_domain_size
    job, spares = _job_split(n, float(s.hot_spare_fraction), unit)
    if job < 1:
        raise InfeasibleError(f"no accelerators left for the job after {spares} hot spares",
                              field="cluster.hot_spare_fraction", value=s.hot_spare_fraction)
    # --- power and racks
    sp = pw.system_power(acc, cat)
    systems = math.ceil(n / acc.accelerators_per_system)
    per_rack = s.accelerators_per_rack or pw.default_accelerators_per_rack(acc, cat)
    nracks = int(pw.racks(n, acc.accelerators_per_system, per_rack))
    rack_w = sp.value * max(per_rack, acc.accelerators_per_system) / acc.accelerators_per_system
    fab = design_fabric(
        n, acc.scaleout_bw_bytes_per_s_unidir * 8.0, s.switch, port_speed_bps=(
            None if s.port_speed is None else s.port_speed * 8.0),
        oversubscription=float(s.oversubscription), tiers=s.tiers,
        rail_optimized=s.rail_optimized, rails=min(acc.accelerators_per_system, 8)
        if acc.accelerators_per_system < 32 else 4,
        ports_per_transceiver=s.ports_per_transceiver, switch_power_w=float(s.switch_power),
        transceiver_power_w=float(s.transceiver_power), switch_price_usd=float(s.switch_price),
        transceiver_price_usd=float(s.transceiver_price))
    # --- reliability inputs
    rates = llama3_cause_rates_per_s(cat)
    exposure = _d("llama3_gpus") * _d("llama3_days")
    planned_rate = _d("llama3_planned") / exposure
    total = sum(rates.values())
    share = {k: v / total for k, v in sorted(rates.items(), key=lambda kv: -kv[1])}
    params = _checkpoint_params(s, cat)
    ckpt_bytes = float(rel.checkpoint_bytes(params, s.checkpoint_bytes_per_param))
    flops = None
    peak = acc.peak_flops_per_s(s.precision)
    if s.model is not None and s.tokens is not None:
        from tokenfab.perf.params import param_counts

        flops = float(training_flops(param_counts(cat.model(s.model)).active, s.tokens))

    def model(pue: Any, mfu: Any, failure_rate_multiplier: Any, restart_time: Any) -> dict[str, Any]:
        it = pw.it_power_w(systems, sp.value, fab.power_w, s.other_it_fraction)
        r = _reliability(s, acc, job, spares, ckpt_bytes, restart_time, failure_rate_multiplier,
                         rates, planned_rate)
        out = {"it_power_w": it, "facility_power_w": pw.facility_power_w(it, pue),
               "goodput": r["g"], "mtbf_hours": r["mtbf"] / 3600.0,
               "expected_interruptions": job * r["lam"] * s.days * DAY_S}
        if flops is not None:
            with np.errstate(divide="ignore"):
                out["time_to_train_days"] = time_to_train_s(flops, job, peak, mfu, r["g"]) / DAY_S
        return out

    inputs = {"pue": s.pue, "mfu": s.mfu, "failure_rate_multiplier": s.failure_rate_multiplier,
              "restart_time": s.restart_time}
    point_in = {k: likely(v) for k, v in inputs.items()}
    r = _reliability(s, acc, job, spares, ckpt_bytes, point_in["restart_time"],
                     point_in["failure_rate_multiplier"], rates, planned_rate)
    it = float(pw.it_power_w(systems, sp.value, fab.power_w, s.other_it_fraction))
    fac = float(pw.facility_power_w(it, point_in["pue"]))
    m, save, restart, tau = (float(r["mtbf"]), float(r["save"]), float(r["restart"]),
                             float(r["tau"]))
    g = float(r["g"])
    ttt = None
    if flops is not None:
        if g < MIN_GOODPUT:
            raise InfeasibleError(
                f"goodput is {g:.2g} (< {MIN_GOODPUT:g}): the job (MTBF {m / 60:.3g} min) never completes a checkpoint "
                f"segment after a {restart / 60:.3g} min restart; use in-memory checkpointing, "
                "a smaller job or a lower failure rate", field="cluster.accelerators", value=n)
        ttt = float(time_to_train_s(flops, job, peak, point_in["mfu"], g))
    ranges: dict[str, dict[str, float]] = {}
    if uncertain_names(inputs) and range_samples > 0:
        mc = monte_carlo(model, inputs, n=range_samples, seed=s.seed)
        ranges = {k: v for k, v in mc.summary().items() if k != "expected_interruptions"
                  or "failure_rate_multiplier" in uncertain_names(inputs)}
    sim = None
    if s.samples > 0:
        events = s.samples * s.days * DAY_S / m
        if events > MAX_SIMULATED_EVENTS:
            raise InfeasibleError(
                f"the failure simulation would draw ~{events:.3g} interruptions ({s.samples} "
                f"samples x {s.days * DAY_S / m:.3g} per {s.days:g}-day job at an MTBF of "
                f"{m:.3g} s), more than {MAX_SIMULATED_EVENTS:.0e}; lower cluster.samples (0: "
                "analytic goodput only), cluster.days or cluster.failure_rate_multiplier",
                field="cluster.samples", value=s.samples)
        sim = simulate_goodput(m, s.days * DAY_S, restart, tau, save, replicas=int(s.samples),
                               seed=s.seed, progress=progress)
    return SiteResult(
        inputs=s, accelerator=acc, job_accelerators=job, spare_accelerators=spares,
        systems=systems, racks=nracks, rack_power_w=float(rack_w),
        cooling=pw.cooling_type(rack_w, _d("air_cooling_limit")),
        system_power_source=f"{sp.kind}: {sp.source}" + (f" ({sp.note})" if sp.note else ""),
        fabric=fab, it_power_w=it, facility_power_w=fac,
        energy_per_year_j=float(pw.annual_energy_j(fac)),
        rate_per_accel_s=float(r["lam"]), cause_share=share, mtbf_s=m,
        expected_interruptions=float(rel.expected_interruptions(job, r["lam"], s.days * DAY_S)),
        checkpoint_bytes=ckpt_bytes, save_time_s=save, restart_s=restart,
        p_no_spare=float(r["p_no"]), interval_s=tau,
        young_interval_s=float(rel.young_interval_s(save, m)),
        daly_interval_s=float(rel.daly_interval_s(save, m)), goodput=g,
        goodput_first_order=float(gp.first_order_goodput(tau, save, m, restart)),
        simulation=sim, training_flops=flops, time_to_train_s=ttt, ranges=ranges)


def goodput_vs_size(s: ClusterSection, sizes: np.ndarray, catalog: Catalog | None = None,
                    checkpoint: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Analytic goodput for each *site* size in ``sizes`` (other inputs as ``s``).

    Returns ``(job_accelerators, goodput)``: the hot-spare fraction of ``s`` is held out of
    each site as in :func:`evaluate_site`.
    """
    cat = catalog or load_catalog()
    acc = cat.hardware(s.hardware)
    sec = s.model_copy(update={"checkpoint": checkpoint or s.checkpoint})
    rates = llama3_cause_rates_per_s(cat)
    planned = _d("llama3_planned") / (_d("llama3_gpus") * _d("llama3_days"))
    params = _checkpoint_params(sec, cat)
    ckpt_bytes = float(rel.checkpoint_bytes(params, sec.checkpoint_bytes_per_param))
    jobs, out = [], []
    for size in np.asarray(sizes, dtype=float):
        job, spares = _job_split(int(size), float(sec.hot_spare_fraction), acc.scaleup_domain_size)
        r = _reliability(sec, acc, job, spares, ckpt_bytes, likely(sec.restart_time),
                         likely(sec.failure_rate_multiplier), rates, planned)
        jobs.append(job)
        out.append(float(r["g"]))
    return np.array(jobs), np.array(out)
