"""Default assumptions of the cluster model, read from the catalog's cluster table.

Every default is a :class:`Default`: its value in SI base units, the catalog key it comes
from (``load_catalog().cluster[key]``), the unit conversion, its kind (spec / measured /
derived / estimate / claim) and its source. A few defaults have no row in the catalog; they
are listed in :data:`LOCAL_DEFAULTS` with their source and kind, and say so.

Nothing here computes a model: this module only resolves numbers and their provenance.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.errors import TokenfabError

__all__ = ["Default", "LOCAL_DEFAULTS", "cluster_value", "default", "llama3_cause_rates_per_s"]

# unit of a catalog row -> factor to SI base units
_UNIT_FACTOR = {
    "h": 3600.0, "min": 60.0, "s": 1.0, "day": 86400.0, "days": 86400.0,
    "W": 1.0, "kW": 1e3, "MW": 1e6, "GW": 1e9,
    "TB/s": 1e12, "TB": 1e12, "B/param": 1.0, "Gb/s": 1e9 / 8.0,
    "fraction": 1.0, "ratio": 1.0, "x": 1.0, "count": 1.0, "GPU": 1.0, "GPU-h": 3600.0,
    "switches": 1.0, "nodes": 1.0, "NVL72 racks": 1.0, "modules": 1.0, "x:1": 1.0,
    "ports x 800G": 1.0, "ports x 400G": 1.0, "endpoints": 1.0,
}


@dataclass(frozen=True, slots=True)
class Default:
    """A default value in SI base units with where it comes from."""

    name: str
    value: float
    unit: str  # SI unit of ``value``
    kind: str
    source: str
    key: str = ""  # catalog key ('' for a local default)
    note: str = ""

    def describe(self) -> str:
        where = f"catalog cluster[{self.key}]" if self.key else "tokenfab.cluster.defaults"
        return f"{self.value:g} {self.unit} ({self.kind}; {where}; {self.source})"


def cluster_value(key: str, catalog: Catalog | None = None) -> Default:
    """The catalog cluster row ``key`` converted to SI base units.

    Raises :class:`TokenfabError` (with a 'did you mean') if the key is absent or its unit
    is not one this module knows how to convert.
    """
    cat = catalog or load_catalog()
    table = cat.cluster
    if key not in table:
        from tokenfab.errors import unknown

        raise unknown("cluster assumption", key, table,
                      "the cluster model needs this row of catalog/data/cluster.csv")
    a = table[key]
    if a.unit not in _UNIT_FACTOR:
        raise TokenfabError(f"catalog cluster row '{key}' has unit {a.unit!r}, which the "
                            f"cluster model cannot convert (known: {', '.join(_UNIT_FACTOR)})")
    si = {"h": "s", "min": "s", "day": "s", "days": "s", "kW": "W", "MW": "W", "GW": "W",
          "TB/s": "B/s", "Gb/s": "B/s", "TB": "B", "GPU-h": "GPU-s"}.get(a.unit, a.unit)
    return Default(key, a.value * _UNIT_FACTOR[a.unit], si, a.kind or "", a.source, key, a.note)


#: defaults without a row in the catalog's cluster table: value (SI), unit, kind, source
LOCAL_DEFAULTS: dict[str, Default] = {
    "mfu": Default(
        "mfu", 0.41, "", "measured",
        "Llama 3 Herd of Models (arXiv 2407.21783) Table 4: 38-43% BF16 MFU on 8k-16k H100; "
        "41% at 16,384 GPUs, 8k sequence"),
    "mfu_low": Default("mfu_low", 0.38, "", "measured",
                       "Llama 3 Table 4: 38% at 16,384 GPUs, 131k sequence"),
    "mfu_high": Default("mfu_high", 0.43, "", "measured", "Llama 3 Table 4: 43% at 8,192 GPUs"),
    "pue_likely": Default(
        "pue_likely", 1.2, "", "estimate",
        "research notes cluster.md sec. 4.4 (facility kW per GPU at PUE 1.2); between Google's "
        "1.10 fleet average and the 1.56 industry survey"),
    "repair_time": Default(
        "repair_time", 7200.0, "s", "estimate",
        "AIReSim (github karthikp-ubc/airesim, params.py) automated repair 120 min"),
    "air_cooling_limit": Default(
        "air_cooling_limit", 30e3, "W", "estimate",
        "mlsysim defaults.py (harvard-edge/cs249r_book): air cooling limit ~30 kW per rack"),
    "other_it_fraction": Default(
        "other_it_fraction", 0.03, "", "estimate",
        "SemiAnalysis 100k H100 (Jun 2024): storage servers, switches and optics ~10% of IT; the "
        "back-end fabric is counted explicitly here, ~3% is left for storage/front-end/management"),
    "transceiver_price_usd": Default(
        "transceiver_price_usd", 1250.0, "USD", "estimate",
        "LuxOptX blog '800G optical module cost analysis': 800G OSFP-DR8 USD 1,100-1,400 "
        "volume price (vendor blog, secondary)"),
    "switch_price_usd": Default(
        "switch_price_usd", 200e3, "USD", "estimate",
        "LuxOptX blog '800G optical module cost analysis': 64-port 800G switch USD 150k-250k "
        "(vendor blog, secondary)"),
}


def default(name: str, catalog: Catalog | None = None) -> Default:
    """A named default: a catalog row (see :data:`CATALOG_KEYS`) or a local one."""
    if name in CATALOG_KEYS:
        d = cluster_value(CATALOG_KEYS[name], catalog)
        return Default(name, d.value, d.unit, d.kind, d.source, d.key, d.note)
    if name in LOCAL_DEFAULTS:
        return LOCAL_DEFAULTS[name]
    from tokenfab.errors import unknown

    raise unknown("cluster default", name, list(CATALOG_KEYS) + list(LOCAL_DEFAULTS))


#: model parameter -> catalog cluster key
CATALOG_KEYS: dict[str, str] = {
    "restart_time": "mlsysim.recovery_time_default",
    "storage_bandwidth": "llama3.storage_sustained_bw",
    "checkpoint_bytes_per_param": "ckpt.bytes_per_param",
    "memory_recovery_speedup": "gemini_sosp.recovery_speedup",
    "hot_spare_fraction": "delta.overprovision",
    "pue_low": "pue.google_2023",
    "pue_high": "pue.uptime_2024",
    "switch_power": "switch.spectrum4_asic_power",
    "transceiver_power": "optic.800g_max_power",
    "rack_power_gb200_nvl72": "power.gb200_nvl72_rack",
    "server_power_dgx_h100": "power.dgx_h100_max",
    "gpus_per_rack_hgx": "xai.colossus1.gpus_per_rack",
    "llama3_gpus": "llama3.gpus",
    "llama3_days": "llama3.snapshot_days",
    "llama3_unexpected": "llama3.interruptions_unexpected",
    "llama3_planned": "llama3.interruptions_planned",
}

_CAUSE_PREFIX = "llama3.cause."


def llama3_cause_rates_per_s(catalog: Catalog | None = None) -> dict[str, float]:
    """Per-accelerator interruption rate of each cause [1/s], from the Llama 3 report.

    ``rate_c = count_c / (GPUs x snapshot seconds)`` with the 16,384-GPU, 54-day snapshot of
    "The Llama 3 Herd of Models" (arXiv 2407.21783): 419 unexpected interruptions in
    21.23 M GPU-hours. The causes sum to the 419 (checked by the tests).
    """
    cat = catalog or load_catalog()
    exposure_s = (cluster_value("llama3.gpus", cat).value
                  * cluster_value("llama3.snapshot_days", cat).value)
    return {k[len(_CAUSE_PREFIX):]: a.value / exposure_s
            for k, a in cat.cluster.items() if k.startswith(_CAUSE_PREFIX)}
