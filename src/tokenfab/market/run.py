"""One entry point for a market run: resolve inputs -> Monte Carlo -> percentiles, claims,
waterfall and sensitivity. The CLI and the report call :func:`run_market`; it does no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.inputs import RunOptions
from tokenfab.market.claims import interview_arithmetic, place_claims
from tokenfab.market.inputs import MarketOptions, MarketSection, model_inputs, resolve_inputs
from tokenfab.market.layers import market_model
from tokenfab.market.resolved import ResolvedInput
from tokenfab.market.sovereign import country, country_inputs, load_countries
from tokenfab.uncertainty import (
    Range,
    likely,
    monte_carlo,
    percentiles,
    point_inputs,
    sample_inputs,
    tornado,
)

__all__ = ["LAYERS", "WATERFALL", "MarketResult", "run_market", "run_sovereign"]

#: JSON name of each layer -> model output
LAYERS: dict[str, str] = {
    "replacement": "replacement_usd_per_year",
    "migration": "migration_usd_per_year",
    "augmentation": "augmentation_usd_per_year",
}

#: steps of the GDP -> GW waterfall: (label, model output, unit)
WATERFALL: tuple[tuple[str, str, str], ...] = (
    ("GDP", "gdp_usd", "USD/year"),
    ("labour income", "labour_income_usd", "USD/year"),
    ("knowledge-work GDP", "knowledge_gdp_usd", "USD/year"),
    ("token services", "token_services_usd_per_year", "USD/year"),
    ("layer 3: augmentation", "augmentation_usd_per_year", "USD/year"),
    ("+ layer 1: replacement", "replacement_usd_per_year", "USD/year"),
    ("+ layer 2: migration", "migration_usd_per_year", "USD/year"),
    ("infrastructure", "infrastructure_usd_per_year", "USD/year"),
    ("GW added per year", "power_added_w_per_year", "W/year"),
    ("GW installed (steady state)", "installed_power_w", "W"),
)


def _model(world_electricity_j_per_year: Any = None, **kw: Any) -> dict[str, Any]:
    """:func:`market_model` plus the GDP itself and the share of *world* electricity."""
    out = market_model(**kw)
    out["gdp_usd"] = np.asarray(kw["gdp_usd"], dtype=float)
    ref = kw["electricity_j_per_year"] if world_electricity_j_per_year is None \
        else world_electricity_j_per_year
    out["share_of_world_electricity"] = out["electricity_j_per_year"] / np.asarray(ref)
    return out


@dataclass(frozen=True)
class MarketResult:
    """Everything a market run produced (samples in SI units).

    ``samples`` maps each output of :func:`tokenfab.market.layers.market_model` (names with
    their unit: ``knowledge_gdp_usd``, ``power_added_w_per_year``, ...) to its Monte Carlo
    draws; ``point`` gives each at the likely inputs.
    """

    region: str  # "WLD" or a country code
    region_name: str
    n: int
    seed: int
    inputs: dict[str, ResolvedInput]
    samples: dict[str, np.ndarray]
    claims: list[dict[str, Any]]
    arithmetic: dict[str, Any]
    sensitivity: list[dict[str, Any]]
    point: dict[str, float] = field(default_factory=dict)  # every output at the likely inputs

    def to_frame(self) -> pd.DataFrame:
        """One row per output: p10 / p50 / p90 of its draws and its value at the likely inputs."""
        rows = [{"output": k, **percentiles(v), "point": self.point.get(k, float("nan"))}
                for k, v in self.samples.items() if np.ndim(v) >= 1]
        return pd.DataFrame(rows).set_index("output")

    def pct(self, output: str, scale: float = 1.0) -> dict[str, float]:
        return {k: v / scale for k, v in percentiles(self.samples[output]).items()}

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``tokenfab market --json`` (USD per year, GW, fractions)."""
        d: dict[str, Any] = {
            "region": self.region, "region_name": self.region_name,
            "samples": self.n, "seed": self.seed,
            "layers": {name: {**self.pct(out), "unit": "USD/year"} for name, out in LAYERS.items()},
            "knowledge_gdp_usd": self.pct("knowledge_gdp_usd"),
            "token_services_usd_per_year": self.pct("token_services_usd_per_year"),
            "infrastructure_usd_per_year": self.pct("infrastructure_usd_per_year"),
            "gw": {**self.pct("power_added_w_per_year", 1e9),
                   "meaning": "GW of AI factories bought per year (infrastructure / capex per W)"},
            "gw_installed": {**self.pct("installed_power_w", 1e9),
                             "meaning": "GW installed when that rate has run one server life"},
            "share_of_world_electricity": self.pct("share_of_world_electricity"),
            "claims": self.claims,
            "interview_arithmetic": self.arithmetic,
            "sensitivity": self.sensitivity,
            "waterfall": [{"step": lab, "output": out, "unit": "GW" if unit.startswith("W") else unit,
                           **self.pct(out, 1e9 if unit.startswith("W") else 1.0)}
                          for lab, out, unit in WATERFALL],
            "inputs": {k: r.to_dict() for k, r in self.inputs.items() if r.value is not None},
        }
        if self.region != "WLD":
            d["share_of_country_electricity"] = self.pct("share_of_electricity")
        return d


def run_market(section: MarketOptions | None = None, *, country_code: str | None = None,
               samples: int | None = None, seed: int | None = None,
               catalog: Catalog | None = None, sensitivity: bool = True,
               flags: dict[str, Any] | None = None) -> MarketResult:
    """Run the market model (world, or one country) with every input's range.

    Parameters
    ----------
    section : MarketSection, optional
        Scenario values; missing ones take their sourced defaults.
    country_code : str, optional
        ISO alpha-2 code or name; overrides ``section.country``.
    samples, seed : int, optional
        Monte Carlo draws (0 = point estimate at every input's likely value) and seed
        (:class:`tokenfab.inputs.RunOptions`); override the section's.
    catalog : Catalog, optional
        Catalog for the defaults (default: :func:`tokenfab.catalog.load_catalog`).
    sensitivity : bool
        Also rank the inputs by their one-at-a-time swing of GW per year (tornado).
    flags : dict, optional
        ``--set`` values (SI) over the section's.
    """
    section = section or MarketSection()
    cat = catalog or load_catalog()
    opts = RunOptions(int(samples if samples is not None else section.samples),
                      int(seed if seed is not None else section.seed))
    n, s = max(opts.samples, 1), opts.seed
    resolved = resolve_inputs(section, cat, flags)
    code = country_code if country_code is not None else section.country
    extra: dict[str, Any] = {}
    if code is not None and code.strip().upper() not in ("WLD", "WORLD"):
        c = country(code, "--country" if country_code is not None else "market.country")
        world_gdp = likely(resolved["gdp_usd"].value)  # type: ignore[arg-type]
        world_el = resolved["electricity_j_per_year"].value
        resolved = country_inputs(resolved, c, world_gdp)
        extra["world_electricity_j_per_year"] = world_el
        region, region_name = c.code, c.name
    else:
        region, region_name = "WLD", load_countries()["WLD"].name
    inputs = {**model_inputs(resolved), **extra}
    drawn_from = inputs if opts.monte_carlo else point_inputs(inputs)
    mc = monte_carlo(_model, drawn_from, n=n, seed=s)
    drawn = sample_inputs(drawn_from, n, s)  # the same draws (same seed, same order)
    world = region == "WLD"
    point = {k: float(np.asarray(v)) for k, v in _model(**point_inputs(inputs)).items()}
    at_likely = {**{k: float(likely(v)) for k, v in inputs.items()
                    if isinstance(v, (int, float, Range))}, **point}
    claims = place_claims(mc.samples, drawn, cat, world=world, point=at_likely)
    capex = likely(resolved["capex_usd_per_w"].value)  # type: ignore[arg-type]
    arithmetic = interview_arithmetic(capex, cat)
    bars = tornado(_model, inputs, "power_added_w_per_year") if sensitivity else []
    sens = [{"input": b.name, "unit": resolved[b.name].unit if b.name in resolved else "",
             "low": _bound(inputs[b.name], "low"), "high": _bound(inputs[b.name], "high"),
             "gw_at_low": b.output_at_low / 1e9, "gw_at_high": b.output_at_high / 1e9,
             "swing_gw": b.swing / 1e9} for b in bars if b.swing > 0]
    return MarketResult(region, region_name, n, s, resolved, mc.samples, claims, arithmetic,
                        sens, point)


def _bound(v: Any, which: str) -> float:
    return float(getattr(v, which)) if isinstance(v, Range) else float(v)


def run_sovereign(section: MarketOptions | None = None, *, samples: int | None = None,
                  seed: int | None = None, catalog: Catalog | None = None,
                  on_country: Any = None,
                  flags: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every country of ``countries.csv``: spend, GW and electricity shares (p10/p50/p90).

    ``on_country(code)`` is called after each country (a progress hook for the CLI).
    Rows are sorted by median GW bought per year, largest first.
    """
    rows: list[dict[str, Any]] = []
    for code in [c for c in load_countries() if c != "WLD"]:
        r = run_market(section, country_code=code, samples=samples, seed=seed, catalog=catalog,
                       sensitivity=False, flags=flags)
        rows.append({
            "code": r.region, "name": r.region_name,
            "knowledge_gdp_usd": r.pct("knowledge_gdp_usd"),
            "infrastructure_usd_per_year": r.pct("infrastructure_usd_per_year"),
            "gw": r.pct("power_added_w_per_year", 1e9),
            "gw_installed": r.pct("installed_power_w", 1e9),
            "share_of_country_electricity": r.pct("share_of_electricity"),
            "share_of_world_electricity": r.pct("share_of_world_electricity"),
            "sources": {k: v.source for k, v in r.inputs.items()
                        if k in ("gdp_usd", "labour_share", "knowledge_employment_share",
                                 "electricity_j_per_year")},
        })
        if on_country is not None:
            on_country(code)
    rows.sort(key=lambda x: x["gw"]["p50"], reverse=True)
    return rows
