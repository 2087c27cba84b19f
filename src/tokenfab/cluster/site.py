"""A site of N accelerators end to end: power, fabric, failures, checkpoints, goodput, time
to train. This module wires the pure models of :mod:`tokenfab.cluster` together; it holds
the ``[cluster]`` scenario section and no equations of its own.

The section's numeric fields are generated from :data:`tokenfab.cluster.inputs.CLUSTER_INPUTS`
(a field left out takes its sourced default when :func:`evaluate_site` resolves it with the
catalog it is given); the rest are choices (hardware, checkpoint mode, switch ...) and the run
options: ``samples`` Monte Carlo draws of the uncertain inputs (the ``ranges``) from ``seed``
(:class:`tokenfab.inputs.RunOptions`), and ``trials`` replicas of the failure simulation.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, field_validator

from tokenfab.catalog import Accelerator, Catalog, load_catalog
from tokenfab.cluster import goodput as gp
from tokenfab.cluster import power as pw
from tokenfab.cluster import reliability as rel
from tokenfab.cluster.inputs import (
    CLUSTER_INPUTS,
    llama3_cause_rates_per_s,
    llama3_planned_rate_per_s,
    llama3_unexpected_share,
)
from tokenfab.cluster.network import SWITCHES, Fabric, design_fabric
from tokenfab.cluster.simulate import SimulationResult, simulate_goodput
from tokenfab.errors import InfeasibleError, TokenfabError, unknown
from tokenfab.inputs import Resolved, RunOptions
from tokenfab.perf.params import param_counts
from tokenfab.perf.training import time_to_train_s, training_flops
from tokenfab.scenario import ScenarioSection, register_section
from tokenfab.uncertainty import likely, monte_carlo, uncertain_names
from tokenfab.units import SECONDS_PER_DAY, SECONDS_PER_HOUR

__all__ = ["ClusterOptions", "ClusterSection", "SiteResult", "evaluate_site", "goodput_vs_size",
           "resolve_cluster"]

DEFAULT_CHECKPOINT_MODEL = "llama3.1-405b"
#: below this goodput (0.1% of wall time kept) a time to train is reported as infeasible
MIN_GOODPUT = 1e-3
#: most interruptions the failure simulation draws in one run (trials x expected per job):
#: ~6-20 s at the 10-35 M events/s measured for simulate_goodput on one core (a run that
#: would take minutes is refused with the knobs that shrink it); a 500k-accelerator, 90-day
#: job with 1,000 trials needs ~1.5e7
MAX_SIMULATED_EVENTS = 2e8
#: the inputs given as ranges that the Monte Carlo propagates into ``ranges``
RANGE_INPUTS = ("pue", "mfu", "failure_rate_multiplier", "restart_time")


class ClusterOptions(ScenarioSection):
    """The non-numeric fields of ``[cluster]`` (choices and run options); the numeric ones
    are generated from :data:`~tokenfab.cluster.inputs.CLUSTER_INPUTS`."""

    hardware: str = "gb200-nvl72"
    samples: int = Field(2000, ge=0, description=(
        "Monte Carlo draws of the uncertain inputs (0 = point estimate only)"))
    trials: int = Field(1000, ge=0, le=100_000,
                        description="replicas of the failure simulation (0 = none)")
    seed: int = Field(0, ge=0, description="random seed (NumPy; >= 0)")
    model: str | None = None
    precision: Literal["fp4", "fp8", "bf16"] = "bf16"
    include_planned: bool = False
    checkpoint: Literal["storage", "memory"] = "storage"
    checkpoint_model: str | None = None
    interval_policy: Literal["daly", "young"] = "daly"
    switch: str = "sn5600"
    tiers: int | None = Field(None, ge=2, le=3)
    rail_optimized: bool = True

    @field_validator("model", "checkpoint_model", "hardware")
    @classmethod
    def _an_id(cls, v: str | None) -> str | None:
        # an empty id would silently fall back to the default model (`or` below)
        if v is not None and not v.strip():
            raise ValueError("must be a catalog id ('tokenfab catalog models' / 'hardware' "
                             "list them), not empty; leave the field out for the default")
        return v

    def given(self) -> dict[str, Any]:
        """The numeric fields this section sets (SI values or ranges; unset ones omitted)."""
        return {k: v for k in CLUSTER_INPUTS.names if (v := getattr(self, k, None)) is not None}

    def run_options(self) -> RunOptions:
        """``samples`` and ``seed`` as the one :class:`~tokenfab.inputs.RunOptions`."""
        return RunOptions(int(self.samples), int(self.seed))


#: ``[cluster]``: a site and one synchronous training job on it (numeric fields generated)
ClusterSection: type[ClusterOptions] = register_section("cluster")(
    CLUSTER_INPUTS.section_model(base=ClusterOptions, name="ClusterSection"))


def resolve_cluster(s: ClusterOptions, catalog: Catalog | None = None,
                    flags: Mapping[str, Any] | None = None) -> Resolved:
    """Every numeric input of ``s`` with its value and source: ``flags`` (``--set``) over the
    section over the defaults, read from ``catalog`` (so ``--catalog`` reaches them)."""
    cat = catalog or load_catalog()
    acc = cat.hardware(s.hardware, field="cluster.hardware")
    return CLUSTER_INPUTS.resolve(s.given(), cat, {"hardware": acc}, flags=flags)


@dataclass(frozen=True)
class SiteResult:
    """Everything :func:`evaluate_site` computes (point values at the likely inputs), in SI:
    powers [W], energies [J], times [s], sizes [B], rates [1/s]."""

    options: ClusterOptions
    inputs: Resolved
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
    unexpected_share: float = 1.0
    simulation: SimulationResult | None = None
    training_flops: float | None = None
    time_to_train_s: float | None = None
    ranges: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def accelerators(self) -> int:
        return int(likely(self.inputs["accelerators"]))

    @property
    def duration_s(self) -> float:
        """Wall-clock length of the job [s]."""
        return float(likely(self.inputs["days"])) * SECONDS_PER_DAY

    def value(self, name: str) -> float:
        """The likely value of input ``name`` (SI)."""
        return float(likely(self.inputs[name]))

    def _by_cause(self) -> dict[str, float]:
        """Expected interruptions per cause; planned ones (no cause breakdown in the Llama 3
        report) appear as ``planned`` when included."""
        share = self.unexpected_share if self.options.include_planned else 1.0
        out = {k: v * self.expected_interruptions * share for k, v in self.cause_share.items()}
        if self.options.include_planned:
            out["planned"] = self.expected_interruptions * (1.0 - share)
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``tokenfab cluster --json``."""
        out: dict[str, Any] = {
            "hardware": self.accelerator.id,
            "accelerators": self.accelerators,
            "job_accelerators": self.job_accelerators,
            "spare_accelerators": self.spare_accelerators,
            "days": self.value("days"),
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
            "mtbf_hours": self.mtbf_s / SECONDS_PER_HOUR,
            "interruption_share_by_cause": self.cause_share,
            "expected_interruptions_by_cause": self._by_cause(),
            "checkpoint": self.options.checkpoint,
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
            out["model"] = self.options.model
            out["tokens"] = self.value("tokens")
            out["training_flops"] = self.training_flops
            out["time_to_train_days"] = self.time_to_train_s / SECONDS_PER_DAY
        if self.ranges:
            out["ranges"] = self.ranges
        out["system_power_source"] = self.system_power_source
        return out

    def to_frame(self) -> pd.DataFrame:
        """The scalar results as one row per quantity (``quantity``, ``value``)."""
        d = self.to_dict()
        rows = [(k, v) for k, v in d.items() if isinstance(v, (int, float)) and
                not isinstance(v, bool)]
        return pd.DataFrame(rows, columns=["quantity", "value"])


def _job_split(n: int, spare_fraction: float, unit: int) -> tuple[int, int]:
    spares = int(math.floor(n * spare_fraction / unit)) * unit
    return n - spares, spares


def _checkpoint_params(s: ClusterOptions, cat: Catalog) -> float:
    name = s.checkpoint_model or s.model or DEFAULT_CHECKPOINT_MODEL
    field = ("cluster.checkpoint_model" if s.checkpoint_model else
             "cluster.model" if s.model else None)
    return float(param_counts(cat.model(name, field=field)).total)


def _whole(p: Mapping[str, float], name: str) -> int:
    v = p[name]
    if v != int(v):
        raise TokenfabError(f"must be a whole number, got {v:g}", field=f"cluster.{name}", value=v)
    return int(v)


def _reliability(s: ClusterOptions, p: Mapping[str, float], acc: Accelerator, job: int,
                 spares: int, ckpt_bytes: float, restart_base: Any, multiplier: Any,
                 rates: dict[str, float], planned_rate: float) -> dict[str, Any]:
    """Vectorized over ``restart_base`` and ``multiplier`` (arrays in a Monte Carlo);
    ``p`` holds the other inputs (likely values, SI)."""
    lam = (sum(rates.values()) + (planned_rate if s.include_planned else 0.0)) * np.asarray(
        multiplier, dtype=float)
    m = rel.job_mtbf_s(job, lam)
    if s.checkpoint == "storage":
        save = rel.checkpoint_save_time_s(ckpt_bytes, p["storage_bandwidth"])
        base = np.asarray(restart_base, dtype=float)
    else:  # in-memory (GEMINI): shard per accelerator to a peer's CPU memory over the NIC
        save = rel.checkpoint_save_time_s(ckpt_bytes / job, acc.scaleout_bw_bytes_per_s_unidir)
        base = np.asarray(restart_base, dtype=float) / p["memory_recovery_speedup"]
    unit = acc.scaleup_domain_size
    repair = p["repair_time"]
    p_no = rel.p_spares_exhausted(job * lam, repair, spares // unit)
    r = rel.restart_time_s(base, save, p_no, repair)
    if "checkpoint_interval" in p:
        tau = np.broadcast_to(np.asarray(p["checkpoint_interval"], dtype=float),
                              np.shape(m)) * 1.0
    else:
        tau = gp.checkpoint_interval_s(save, m, s.interval_policy)
        if "min_checkpoint_interval" in p:
            tau = np.maximum(tau, p["min_checkpoint_interval"])
    g = gp.daly_goodput(tau, save, m, r)
    return {"lam": lam, "mtbf": m, "save": save, "restart": r, "p_no": p_no, "tau": tau, "g": g}


def evaluate_site(s: ClusterOptions, catalog: Catalog | None = None,
                  progress: Callable[[int], None] | None = None, *,
                  flags: Mapping[str, Any] | None = None,
                  resolved: Resolved | None = None) -> SiteResult:
    """Evaluate a ``[cluster]`` section: power, fabric, reliability, goodput, time to train.

    The numeric inputs are resolved by :func:`resolve_cluster` (``flags`` = ``--set``
    values over the section over the catalog's defaults), unless ``resolved`` is given.
    Point values use the likely value of every range; ranges (PUE, MFU, failure-rate
    multiplier, restart time) are propagated by :func:`tokenfab.uncertainty.monte_carlo`
    (``s.samples`` draws from ``s.seed``) through the same vectorized models into ``ranges``
    (p10/p50/p90). The failure simulation (``s.trials`` replicas) runs at the point values.
    """
    cat = catalog or load_catalog()
    acc = cat.hardware(s.hardware, field="cluster.hardware")
    if s.switch not in SWITCHES:
        raise unknown("switch", s.switch, SWITCHES, field="cluster.switch")
    options = s.run_options()
    res = resolved if resolved is not None else resolve_cluster(s, cat, flags)
    p = res.point()
    n = _whole(p, "accelerators")
    if (s.model is None) != ("tokens" not in p):
        raise TokenfabError("give both model and tokens for a time to train (or neither)",
                            field="cluster.model" if s.model is None else "cluster.tokens")
    unit = acc.scaleup_domain_size
    job, spares = _job_split(n, p["hot_spare_fraction"], unit)
    if job < 1:
        raise InfeasibleError(f"no accelerators left for the job after {spares} hot spares",
                              field="cluster.hot_spare_fraction", value=p["hot_spare_fraction"])
    duration_s = p["days"] * SECONDS_PER_DAY
    # --- power and racks
    sp = pw.system_power(acc, cat)
    systems = math.ceil(n / acc.accelerators_per_system)
    per_rack = _whole(p, "accelerators_per_rack")
    nracks = int(pw.racks(n, acc.accelerators_per_system, per_rack))
    rack_w = sp.value * max(per_rack, acc.accelerators_per_system) / acc.accelerators_per_system
    fab = design_fabric(
        n, acc.scaleout_bw_bytes_per_s_unidir * 8.0, s.switch, port_speed_bps=(
            p["port_speed"] * 8.0 if "port_speed" in p else None),
        oversubscription=p["oversubscription"], tiers=s.tiers,
        rail_optimized=s.rail_optimized, rails=min(acc.accelerators_per_system, 8)
        if acc.accelerators_per_system < 32 else 4,
        ports_per_transceiver=_whole(p, "ports_per_transceiver"),
        switch_power_w=p["switch_power"], transceiver_power_w=p["transceiver_power"],
        switch_price_usd=p["switch_price"], transceiver_price_usd=p["transceiver_price"])
    # --- reliability inputs
    rates = llama3_cause_rates_per_s(cat)
    planned_rate = llama3_planned_rate_per_s(cat)
    total = sum(rates.values())
    share = {k: v / total for k, v in sorted(rates.items(), key=lambda kv: -kv[1])}
    params = _checkpoint_params(s, cat)
    ckpt_bytes = float(rel.checkpoint_bytes(params, p["checkpoint_bytes_per_param"]))
    flops = None
    peak = acc.peak_flops_per_s(s.precision)
    if s.model is not None and "tokens" in p:
        flops = float(training_flops(param_counts(cat.model(s.model, field="cluster.model")).active, p["tokens"]))

    def model(pue: Any, mfu: Any, failure_rate_multiplier: Any,
              restart_time: Any) -> dict[str, Any]:
        it = pw.it_power_w(systems, sp.value, fab.power_w, p["other_it_fraction"])
        r = _reliability(s, p, acc, job, spares, ckpt_bytes, restart_time,
                         failure_rate_multiplier, rates, planned_rate)
        out = {"it_power_w": it, "facility_power_w": pw.facility_power_w(it, pue),
               "goodput": r["g"], "mtbf_hours": r["mtbf"] / SECONDS_PER_HOUR,
               "expected_interruptions": job * r["lam"] * p["days"] * SECONDS_PER_DAY}
        if flops is not None:
            with np.errstate(divide="ignore"):
                out["time_to_train_days"] = (time_to_train_s(flops, job, peak, mfu, r["g"])
                                             / SECONDS_PER_DAY)
        return out

    inputs = {k: res[k] for k in RANGE_INPUTS}
    r = _reliability(s, p, acc, job, spares, ckpt_bytes, p["restart_time"],
                     p["failure_rate_multiplier"], rates, planned_rate)
    it = float(pw.it_power_w(systems, sp.value, fab.power_w, p["other_it_fraction"]))
    fac = float(pw.facility_power_w(it, p["pue"]))
    m, save, restart, tau = (float(r["mtbf"]), float(r["save"]), float(r["restart"]),
                             float(r["tau"]))
    g = float(r["g"])
    ttt = None
    if flops is not None:
        if g < MIN_GOODPUT:
            raise InfeasibleError(
                f"goodput is {g:.2g} (< {MIN_GOODPUT:g}): the job (MTBF {m / 60:.3g} min) never "
                f"completes a checkpoint segment after a {restart / 60:.3g} min restart; use "
                "in-memory checkpointing, a smaller job or a lower failure rate",
                field="cluster.accelerators", value=n)
        ttt = float(time_to_train_s(flops, job, peak, p["mfu"], g))
    ranges: dict[str, dict[str, float]] = {}
    if uncertain_names(inputs) and options.monte_carlo:
        mc = monte_carlo(model, inputs, n=options.samples, seed=options.seed)
        ranges = {k: v for k, v in mc.summary().items() if k != "expected_interruptions"
                  or "failure_rate_multiplier" in uncertain_names(inputs)}
    sim = None
    if s.trials > 0:
        events = s.trials * duration_s / m
        if events > MAX_SIMULATED_EVENTS:
            raise InfeasibleError(
                f"the failure simulation would draw ~{events:.3g} interruptions ({s.trials} "
                f"trials x {duration_s / m:.3g} per {p['days']:g}-day job at an MTBF of "
                f"{m:.3g} s), more than {MAX_SIMULATED_EVENTS:.0e}; lower cluster.trials (0: "
                "analytic goodput only), cluster.days or cluster.failure_rate_multiplier",
                field="cluster.trials", value=s.trials)
        sim = simulate_goodput(m, duration_s, restart, tau, save, replicas=int(s.trials),
                               seed=options.seed, progress=progress)
    return SiteResult(
        options=s, inputs=res, accelerator=acc, job_accelerators=job, spare_accelerators=spares,
        systems=systems, racks=nracks, rack_power_w=float(rack_w),
        cooling=pw.cooling_type(rack_w, p["air_cooling_limit"]),
        system_power_source=f"{sp.kind}: {sp.source}" + (f" ({sp.note})" if sp.note else ""),
        fabric=fab, it_power_w=it, facility_power_w=fac,
        energy_per_year_j=float(pw.annual_energy_j(fac)),
        rate_per_accel_s=float(r["lam"]), cause_share=share, mtbf_s=m,
        expected_interruptions=float(rel.expected_interruptions(job, r["lam"], duration_s)),
        checkpoint_bytes=ckpt_bytes, save_time_s=save, restart_s=restart,
        p_no_spare=float(r["p_no"]), interval_s=tau,
        young_interval_s=float(rel.young_interval_s(save, m)),
        daly_interval_s=float(rel.daly_interval_s(save, m)), goodput=g,
        goodput_first_order=float(gp.first_order_goodput(tau, save, m, restart)),
        unexpected_share=llama3_unexpected_share(cat),
        simulation=sim, training_flops=flops, time_to_train_s=ttt, ranges=ranges)


def goodput_vs_size(s: ClusterOptions, sizes: np.ndarray, catalog: Catalog | None = None,
                    checkpoint: Literal["storage", "memory"] | None = None,
                    flags: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Analytic goodput for each *site* size in ``sizes`` (other inputs as ``s``).

    Returns ``(job_accelerators, goodput)``: the hot-spare fraction of ``s`` is held out of
    each site as in :func:`evaluate_site`.
    """
    cat = catalog or load_catalog()
    acc = cat.hardware(s.hardware, field="cluster.hardware")
    sec = s.model_copy(update={"checkpoint": checkpoint or s.checkpoint})
    p = resolve_cluster(sec, cat, flags).point()
    rates = llama3_cause_rates_per_s(cat)
    planned = llama3_planned_rate_per_s(cat)
    params = _checkpoint_params(sec, cat)
    ckpt_bytes = float(rel.checkpoint_bytes(params, p["checkpoint_bytes_per_param"]))
    jobs, out = [], []
    for size in np.asarray(sizes, dtype=float):
        job, spares = _job_split(int(size), p["hot_spare_fraction"], acc.scaleup_domain_size)
        r = _reliability(sec, p, acc, job, spares, ckpt_bytes, p["restart_time"],
                         p["failure_rate_multiplier"], rates, planned)
        jobs.append(job)
        out.append(float(r["g"]))
    return np.array(jobs), np.array(out)

