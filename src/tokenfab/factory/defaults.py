"""Default inputs of the factory model, read from the catalog, each with its source.

The economics table (``catalog/data/economics.csv``, copied from the research notes) gives most
inputs directly; a few are derived from it (formula in the source text), and two that the table
does not have (cost of capital, utilization) are defined here with their own sources. Every
default is a number or a :class:`~tokenfab.uncertainty.Range` (low / likely / high) so a Monte
Carlo run can sample it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tokenfab.catalog import Accelerator, Catalog, load_catalog
from tokenfab.errors import TokenfabError, did_you_mean
from tokenfab.uncertainty import Range, likely

#: factor from an economics-table unit to the SI-style unit the model uses
_UNIT_FACTOR: dict[str, float] = {
    "USD m per rack": 1e6,  # -> USD per rack
    "kW per rack": 1e3,  # -> W per rack
    "USD per MWh": 1.0 / 3.6e9,  # -> USD/J
    "USD bn per GW-yr": 1.0,  # -> USD/(W yr)
    "USD bn per GW": 1.0,  # -> USD/W
    "USD per M tokens": 1.0,  # kept per million tokens (unit in the name: _usd_per_mtok)
    "USD k per GPU": 1e3,  # -> USD
    "fraction of capex": 1.0,
    "fraction": 1.0,
    "ratio": 1.0,
    "years": 1.0,
}


@dataclass(frozen=True, slots=True)
class Default:
    """One default input: its value (number or range), where it comes from, and its kind."""

    value: float | Range
    source: str
    kind: str = "estimate"  # spec | measured | estimate | derived | claim

    @property
    def likely(self) -> float:
        return likely(self.value)


def _scaled(value: float | Range, factor: float) -> float | Range:
    return value.scaled(factor) if isinstance(value, Range) else float(value) * factor


def _assumption(cat: Catalog, key: str) -> tuple[float | Range, str, str]:
    """(value in model units, source text, kind) of an economics row."""
    try:
        a = cat.assumption(key)
    except TokenfabError as e:
        raise TokenfabError(
            f"the catalog has no economics assumption '{key}' that the factory model needs "
            f"({e}); is catalog/data/economics.csv installed?") from None
    if a.unit not in _UNIT_FACTOR:
        raise TokenfabError(f"economics assumption '{key}' has unit {a.unit!r}; the factory model "
                            f"reads only: {', '.join(_UNIT_FACTOR)}")
    kind = a.kind or ("claim" if "[claim]" in (a.source + a.note) else "estimate")
    src = a.source + (f" ({a.year})" if a.year else "")
    return _scaled(a.range, _UNIT_FACTOR[a.unit]), f"economics.csv:{key} — {src}", kind


def _sum_ranges(*xs: float | Range) -> float | Range:
    """Sum of ranges, low+low / likely+likely / high+high (comonotone: the wide reading)."""
    if not any(isinstance(x, Range) for x in xs):
        return float(sum(float(x) for x in xs))  # type: ignore[arg-type]
    lo = sum(x.low if isinstance(x, Range) else float(x) for x in xs)
    mid = sum(likely(x) for x in xs)
    hi = sum(x.high if isinstance(x, Range) else float(x) for x in xs)
    return Range(lo, mid, hi)


#: inputs defined here because the economics table has no row for them
OWN_DEFAULTS: dict[str, Default] = {
    "cost_of_capital": Default(
        Range(0.07, 0.10, 0.15),
        "derived: Epoch AI 2026-05-14 'Servers account for 60% of the TCO of a one-gigawatt AI data "
        "center' ($38B capex per GW IT, TCO $8.5B/yr, servers $5B/yr, IT life 5 yr, facility 14 yr, "
        "opex $0.9B/yr) is reproduced by annuities at ~10%/yr [est]; low 7% = investment-grade "
        "hyperscaler WACC, high 15% = neocloud GPU-backed debt [est]",
        "estimate"),
    "utilization": Default(
        Range(0.6, 0.8, 1.0),
        "fraction of the year the installed accelerators serve at the operating point: Nesov "
        "(LessWrong 2025) 60%; Epoch AI 2026 TCO model 80-100% load [est]",
        "estimate"),
}


def default_inputs(hardware: Accelerator | str, catalog: Catalog | None = None) -> dict[str, Default]:
    """Every cost and operating default of the factory model for a site built with ``hardware``.

    Returns name -> :class:`Default`. Names are the keyword arguments of
    :func:`tokenfab.factory.economics.factory_model`.
    """
    cat = catalog if catalog is not None else load_catalog()
    hw = cat.hardware(hardware)
    out: dict[str, Default] = {}

    pue, src, kind = _assumption(cat, "pue_ai_liquid_cooled")
    out["pue"] = Default(pue, src, kind)
    out["reference_pue"] = Default(
        likely(pue), f"{src}; the catalog's all-in power per accelerator is read as facility "
        "power at this PUE", "estimate")
    for name, key in (("electricity_usd_per_j", "electricity_price_dc"),
                      ("opex_nonenergy_usd_per_it_w_year", "opex_nonenergy_per_gw_year"),
                      ("life_it_years", "depreciation_life_it_years"),
                      ("life_facility_years", "depreciation_life_facility_years"),
                      ("price_usd_per_mtok", "blended_revenue_per_m_tokens")):
        v, src, kind = _assumption(cat, key)
        out[name] = Default(v, src, kind)

    # Bernstein GB200 NVL72 bottom-up: all-in $ per rack / IT W per rack, split by capex shares
    rack_usd, src_usd, _ = _assumption(cat, "rack_allin_cost_gb200_nvl72")
    rack_w, src_w, _ = _assumption(cat, "rack_power_gb200_nvl72")
    usd_per_it_w = likely(rack_usd) / likely(rack_w)
    base = (f"derived: share x {likely(rack_usd) / 1e6:g} M$ per GB200 NVL72 rack / "
            f"{likely(rack_w) / 1e3:g} kW IT per rack = share x {usd_per_it_w:.1f} USD/W "
            f"[{src_usd}; {src_w}]")
    net, s1, _ = _assumption(cat, "share_capex_networking")
    sto, s2, _ = _assumption(cat, "share_capex_storage")
    me, s3, _ = _assumption(cat, "share_capex_mech_electrical")
    bl, s4, _ = _assumption(cat, "share_capex_land_building_labor")
    out["networking_usd_per_it_w"] = Default(
        _scaled(_sum_ranges(net, sto), usd_per_it_w), f"{base}; share = networking + storage "
        f"[{s1}; {s2}]", "derived")
    out["power_cooling_usd_per_it_w"] = Default(
        _scaled(me, usd_per_it_w), f"{base}; share = mechanical & electrical [{s3}]", "derived")
    out["building_land_usd_per_it_w"] = Default(
        _scaled(bl, usd_per_it_w), f"{base}; share = land, building & labour [{s4}]", "derived")

    prov = hw.provenance.get("price_usd")
    out["accelerator_price_usd"] = Default(
        float(hw.price_usd), f"catalog {hw.id}.price_usd — {prov.source if prov else 'catalog'}",
        prov.kind if prov else "estimate")
    prov = hw.provenance.get("allin_power_w")
    out["allin_power_w"] = Default(
        float(hw.allin_power_w), f"catalog {hw.id}.allin_power_w — "
        f"{prov.source if prov else 'catalog'}", prov.kind if prov else "estimate")
    out.update(OWN_DEFAULTS)
    return out


def resolve(defaults: dict[str, Default], overrides: dict[str, Any], *,
            what: str = "factory input") -> dict[str, float | Range]:
    """Defaults with ``overrides`` applied; an unknown override name is an error."""
    values: dict[str, float | Range] = {k: d.value for k, d in defaults.items()}
    for k, v in overrides.items():
        if v is None:
            continue
        if k not in values:
            guess = did_you_mean(k, values)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise TokenfabError(f"unknown {what} '{k}'{hint}", field=k, value=v,
                                allowed=", ".join(sorted(values)))
        values[k] = v
    return values
