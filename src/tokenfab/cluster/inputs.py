"""The inputs of the cluster model: one :class:`~tokenfab.inputs.InputSet`, ``CLUSTER_INPUTS``.

Every numeric field of the ``[cluster]`` scenario section, every ``--set NAME=VALUE`` of
``tokenfab cluster``, the ``--inputs`` table, the ``--save-scenario`` comments, the defaults
table of ``docs/cluster.md`` and the bad-input tests come from this declaration. A default
is a row of the catalog's cluster table (:class:`~tokenfab.inputs.FromCatalog`, read in SI
from the catalog given to :meth:`~tokenfab.inputs.InputSet.resolve`, so ``--catalog``
reaches it), a value derived from the catalog or the accelerator
(:class:`~tokenfab.inputs.Derived`), or a value stated here with its source and kind.

The failure data of the reliability model (the Llama 3 interruption counts per cause) are
data, not inputs: :func:`llama3_cause_rates_per_s` reads them from the same catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokenfab.catalog import Accelerator, Catalog, load_catalog
from tokenfab.inputs import Derived, FromCatalog, Input, InputSet, Value, with_plausible
from tokenfab.uncertainty import Range, likely

__all__ = [
    "CLUSTER_INPUTS",
    "RACK_SCALE_MIN",
    "catalog_si",
    "default_accelerators_per_rack",
    "llama3_cause_rates_per_s",
    "llama3_planned_rate_per_s",
]

#: accelerators per system at or above which a system is a rack (NVL72 and larger)
RACK_SCALE_MIN = 32

_CAUSE_PREFIX = "llama3.cause."


def catalog_si(key: str, catalog: Catalog | None = None) -> float:
    """The likely value of catalog row ``key`` in SI (:attr:`tokenfab.catalog.Assumption.si`)."""
    return float(likely((catalog or load_catalog()).assumption(key).si))


def default_accelerators_per_rack(acc: Accelerator, catalog: Catalog | None = None) -> int:
    """A rack-scale system is its own rack; 8-GPU servers go 64 GPUs (8 servers) per
    liquid-cooled rack as in xAI Colossus 1 (catalog ``xai.colossus1.gpus_per_rack``)."""
    if acc.accelerators_per_system >= RACK_SCALE_MIN:
        return acc.accelerators_per_system
    return int(catalog_si("xai.colossus1.gpus_per_rack", catalog))


def _pue(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    return Range(catalog_si("pue.google_2023", catalog), 1.2, catalog_si("pue.uptime_2024", catalog))


def _per_rack(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    acc = context.get("hardware")
    if not isinstance(acc, Accelerator):
        raise ValueError("cluster.accelerators_per_rack: its default needs the accelerator "
                         "(context['hardware'])")
    return float(default_accelerators_per_rack(acc, catalog))


_LLAMA3 = "The Llama 3 Herd of Models (arXiv 2407.21783)"
_LUXOPTX = "LuxOptX blog '800G optical module cost analysis'"

#: the cluster model's inputs (names = ``[cluster]`` fields = ``--set`` names)
_DAY = 86_400.0
#: plausible ranges (SI) of the cluster inputs, each with why (issue 15: an input outside them
#: is accepted with a warning); a 4th entry is a hard upper bound where the input had none
_PLAUSIBLE = {
    "mfu": (0.1, 0.7, "Llama 3 405B 38-43 % BF16 MFU (Meta 2024); GPT-3 on H100 34-54 % "
            "(SemiAnalysis 2025); 70 % leaves margin over the best reported"),
    "hot_spare_fraction": (0.0, 0.25, "Cui et al. 2025 (SC25) ~5 % spares for 99.9 % job "
                           "availability, 5-20 % in its first version"),
    "accelerators": (1.0, 1e7, "one accelerator to 10M: the largest announced sites are ~1M "
                     "GPUs (the interview's 500k; xAI Colossus 2 plans ~1M)", 1e9),
    "tokens": (1e9, 1e15, "1B to 1,000T training tokens: Llama 3 405B used 15.6T "
               "(arXiv 2407.21783)", 1e18),
    "pue": (1.0, 2.0, "hyperscale ~1.1 to the Uptime Institute 2024 survey average 1.56", 5.0),
    "other_it_fraction": (0.0, 0.5, "~3% after the back-end fabric (SemiAnalysis 100k H100); "
                          "half the IT power would be a CPU-heavy site", 10.0),
    "accelerators_per_rack": (1.0, 1024.0, "shipped racks hold 4 to 144 accelerators", 1e6),
    "air_cooling_limit": (5e3, 2e5, "air-cooled racks top out near 30-40 kW; 200 kW is "
                          "liquid-cooled territory", 1e7),
    "failure_rate_multiplier": (0.1, 10.0, "Llama 3's measured failure rates x0.1 to x10", 1e4),
    "checkpoint_bytes_per_param": (1.0, 32.0, "bf16 weights alone (2 B) to weights, master "
                                   "copy and Adam state (14-16 B)", 1e3),
    "storage_bandwidth": (1e9, 1e14, "1 GB/s to 100 TB/s: Llama 3's storage delivered 2-7 TB/s",
                          1e18),
    "restart_time": (0.0, _DAY, "minutes in Llama 3's run; a day is a broken site", 365 * _DAY),
    "memory_recovery_speedup": (1.0, 100.0, "in-memory recovery vs storage: ~13x (default "
                                "source); 100x bounds any storage gap", 1e6),
    "repair_time": (0.0, 30 * _DAY, "hours to swap a node; a month is a spare-parts shortage",
                    365 * _DAY),
    "checkpoint_interval": (60.0, _DAY, "a minute to a day (Young/Daly optima are ~10-60 min "
                            "at 100k-GPU scale)", 365 * _DAY),
    "min_checkpoint_interval": (1.0, _DAY, "the storage write time: seconds to hours",
                                365 * _DAY),
    "port_speed": (1.25e9, 1e12, "10 Gb/s to 8 Tb/s ports; shipped NICs 400-1,600 Gb/s", 1e15),
    "oversubscription": (1.0, 16.0, "1:1 non-blocking back-end to 16:1 front-end networks",
                         1e3),
    "ports_per_transceiver": (1.0, 8.0, "one to eight ports per optical module (OSFP 2x400G)",
                              64.0),
    "switch_power": (0.0, 1e5, "a 51.2 Tb/s switch draws ~0.5-2 kW", 1e7),
    "transceiver_power": (0.0, 100.0, "800G optics draw ~12-20 W (LuxOptX)", 1e4),
    "switch_price": (0.0, 2e6, "~$20k to $200k per switch", 1e9),
    "transceiver_price": (0.0, 2e4, "~$500 to $1,250 per 800G module (LuxOptX)", 1e7),
}

CLUSTER_INPUTS = InputSet("cluster", with_plausible([
    # the site and the job
    Input("accelerators", "count", "accelerators on the site (job + hot spares)",
          default=500_000.0, kind="claim", gt=0, uncertain=False,
          source="the interview's 500,000-GPU site (BG2 pod, J. Huang, 2025-09-26)"),
    Input("days", "count", "wall-clock length of the job [days]", default=90.0, gt=0,
          le=3650.0, plausible=(1.0, 365.0), uncertain=False, kind="estimate",
          plausible_note="a day to a year: frontier pre-training runs take ~2-4 months",
          source=f"about three months of pre-training ({_LLAMA3}: a 54-day snapshot of the "
          "405B run)"),
    Input("tokens", "tokens", "training tokens (with model: time to train)", gt=0,
          uncertain=False),
    Input("mfu", "fraction", "model FLOPs utilisation of the job", gt=0, le=1,
          default=Range(0.38, 0.41, 0.43), kind="measured",
          source=f"{_LLAMA3} Table 4: BF16 MFU 38% (16,384 GPUs, 131k sequence), 41% "
          "(16,384 GPUs, 8k sequence), 43% (8,192 GPUs)"),
    # power and racks
    Input("pue", "count", "power usage effectiveness (facility / IT power)", ge=1,
          default=Derived(_pue, "low: catalog pue.google_2023 (Google 2024 Environmental "
                          "Report, fleet 1.10); likely 1.2 [estimate] (between Google's fleet "
                          "average and the survey); high: "
                          "catalog pue.uptime_2024 (Uptime Institute 2024 survey, 1.56)")),
    Input("other_it_fraction", "fraction", "storage, front-end and management as a fraction "
          "of systems + fabric IT power", default=0.03, ge=0, uncertain=False, kind="estimate",
          source="SemiAnalysis 100k H100 (Jun 2024): storage servers, switches and optics ~10% "
                 "of IT; the back-end fabric is counted explicitly here, ~3% is left for "
                 "storage/front-end/management"),
    Input("accelerators_per_rack", "count", "accelerators per rack", ge=1, uncertain=False,
          default=Derived(_per_rack, "a rack-scale system (>= 32 accelerators) is its own rack; "
                          "8-GPU servers: catalog xai.colossus1.gpus_per_rack (64, xAI "
                          "Colossus 1)")),
    Input("air_cooling_limit", "power", "rack power above which a rack needs liquid cooling",
          default=30e3, gt=0, uncertain=False, kind="estimate",
          source="mlsysim defaults.py (harvard-edge/cs249r_book): air cooling limit ~30 kW per "
                 "rack"),
    # failures
    Input("failure_rate_multiplier", "count", "scale on the Llama 3 per-GPU interruption rate",
          default=1.0, gt=0, kind="estimate",
          source=f"1 = the per-GPU rates measured on 16,384 H100 ({_LLAMA3}); Blackwell-era "
                 "rates are unpublished"),
    # checkpointing and restart
    Input("checkpoint_bytes_per_param", "count", "checkpoint bytes per parameter [B/param]",
          default=FromCatalog("ckpt.bytes_per_param"), gt=0, uncertain=False),
    Input("storage_bandwidth", "bandwidth", "sustained checkpoint write bandwidth of storage",
          default=FromCatalog("llama3.storage_sustained_bw"), gt=0, uncertain=False),
    Input("restart_time", "time", "time to detect, reschedule and reinitialise after an "
          "interruption (before reading the checkpoint)",
          default=FromCatalog("mlsysim.recovery_time_default"), ge=0),
    Input("memory_recovery_speedup", "count", "restart speed-up with in-memory checkpoints",
          default=FromCatalog("gemini_sosp.recovery_speedup"), ge=1, uncertain=False),
    Input("hot_spare_fraction", "fraction", "share of the site held as hot spares",
          default=FromCatalog("delta.overprovision"), ge=0, lt=1, uncertain=False),
    Input("repair_time", "time", "mean repair / replacement time of a failed unit",
          default=7200.0, ge=0, uncertain=False, kind="estimate",
          source="AIReSim (github karthikp-ubc/airesim, params.py) automated repair 120 min"),
    Input("checkpoint_interval", "time", "compute time between checkpoints (default: the "
          "interval policy's optimum)", gt=0, uncertain=False),
    Input("min_checkpoint_interval", "time", "floor on the optimal interval, e.g. one "
          "training step", gt=0, uncertain=False),
    # fabric
    Input("port_speed", "bandwidth", "switch port speed (default: the fastest the NIC uses)",
          gt=0, uncertain=False),
    Input("oversubscription", "count", "leaf oversubscription (downlinks : uplinks)",
          default=1.0, ge=1, uncertain=False, kind="estimate",
          source="a non-blocking (1:1) back-end fabric, as NVIDIA's DGX SuperPOD reference "
                 "architectures build"),
    Input("ports_per_transceiver", "count", "switch ports served by one optical module",
          default=1.0, ge=1, uncertain=False, kind="estimate",
          source="one 800G OSFP module per 800G switch port"),
    Input("switch_power", "power", "power of one switch box (without optics)",
          default=FromCatalog("switch.spectrum4_asic_power"), ge=0, uncertain=False),
    Input("transceiver_power", "power", "power of one optical module",
          default=FromCatalog("optic.800g_max_power"), ge=0, uncertain=False),
    Input("switch_price", "money", "price of one 64-port 800G switch", default=200e3, ge=0,
          uncertain=False, kind="estimate",
          source=f"{_LUXOPTX}: 64-port 800G switch USD 150k-250k (vendor blog, secondary)"),
    Input("transceiver_price", "money", "price of one 800G optical module", default=1250.0,
          ge=0, uncertain=False, kind="estimate",
          source=f"{_LUXOPTX}: 800G OSFP-DR8 USD 1,100-1,400 volume price (vendor blog, "
                 "secondary)"),
], _PLAUSIBLE))


def llama3_cause_rates_per_s(catalog: Catalog | None = None) -> dict[str, float]:
    """Per-accelerator interruption rate of each cause [1/s], from the Llama 3 report.

    ``rate_c = count_c / (GPUs x snapshot seconds)`` with the 16,384-GPU, 54-day snapshot of
    "The Llama 3 Herd of Models" (arXiv 2407.21783): 419 unexpected interruptions in
    21.23 M GPU-hours. The causes sum to the 419 (checked by the tests).
    """
    cat = catalog or load_catalog()
    exposure_s = catalog_si("llama3.gpus", cat) * catalog_si("llama3.snapshot_days", cat)
    return {k[len(_CAUSE_PREFIX):]: float(likely(a.si)) / exposure_s
            for k, a in cat.cluster.items() if k.startswith(_CAUSE_PREFIX)}


def llama3_planned_rate_per_s(catalog: Catalog | None = None) -> float:
    """Per-accelerator rate of planned interruptions [1/s] (47 in the Llama 3 snapshot)."""
    cat = catalog or load_catalog()
    exposure_s = catalog_si("llama3.gpus", cat) * catalog_si("llama3.snapshot_days", cat)
    return catalog_si("llama3.interruptions_planned", cat) / exposure_s


def llama3_unexpected_share(catalog: Catalog | None = None) -> float:
    """Unexpected / (unexpected + planned) interruptions of the Llama 3 snapshot."""
    cat = catalog or load_catalog()
    u = catalog_si("llama3.interruptions_unexpected", cat)
    return u / (u + catalog_si("llama3.interruptions_planned", cat))
