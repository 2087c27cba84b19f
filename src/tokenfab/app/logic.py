"""What the dashboard computes, without Streamlit: inputs -> scenario tables -> library calls.

Every number comes from the library's public API (:mod:`tokenfab.perf`, :mod:`tokenfab.factory`,
:mod:`tokenfab.demand`, :mod:`tokenfab.market`, :mod:`tokenfab.cluster`); the dashboard only
collects :class:`Inputs`, shows the results, and offers the scenario (TOML) and results
(CSV/JSON) for download. The scenario tables are validated by the same scenario sections as
a TOML file, so what the user downloads runs unchanged with the CLI.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Any

import pandas as pd

from tokenfab.catalog import Catalog

DEFAULT_MODEL = "deepseek-r1"
DEFAULT_HARDWARE = "gb200-nvl72"
DEFAULT_VS = "h100-sxm"


@dataclass(frozen=True)
class Inputs:
    """The dashboard's inputs, in the units people type (MW, tok/s, USD/Mtok, USD/MWh)."""

    model: str = DEFAULT_MODEL
    hardware: str = DEFAULT_HARDWARE
    vs: str = DEFAULT_VS  # "" for no comparison
    precision: str = "native"
    count: int = 0  # accelerators in one deployment; 0 lets the engine choose
    input_tokens: int = 1024
    output_tokens: int = 1024
    power_mw: float = 2000.0
    interactivity: float = 50.0
    price_usd_per_mtok: float = 1.0
    electricity_usd_per_mwh: float = 70.0
    cluster_accelerators: int = 100_000
    checkpoint: str = "memory"
    knowledge_gdp_tusd: float = 50.0
    ai_spend_share: float = 0.2
    gross_margin: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: the inputs each tab's computation reads: the dashboard caches each tab by these alone, so
#: changing one input recomputes only the tabs that read it
DEPENDS: dict[str, tuple[str, ...]] = {
    "frontier": ("model", "hardware", "vs", "precision", "count", "input_tokens",
                 "output_tokens"),
    "factory": ("model", "hardware", "vs", "precision", "input_tokens", "output_tokens",
                "power_mw", "interactivity", "price_usd_per_mtok", "electricity_usd_per_mwh"),
    "demand": ("model", "interactivity"),
    "market": ("knowledge_gdp_tusd", "ai_spend_share", "gross_margin"),
    "cluster": ("hardware", "cluster_accelerators", "checkpoint"),
}


def only(inp: Inputs, part: str) -> Inputs:
    """``inp`` with every input ``part`` does not read reset to its default: the cache key of
    that tab (equal keys give equal results)."""
    return replace(Inputs(), **{k: getattr(inp, k) for k in DEPENDS[part]})


def default_inputs(catalog: Catalog) -> Inputs:
    """Inputs whose prices start at the factory model's sourced likely values."""
    from tokenfab.factory.inputs import FACTORY_INPUTS

    d = FACTORY_INPUTS.resolve({"power": 1.0}, catalog,
                               {"hardware": catalog.hardware(DEFAULT_HARDWARE)}).point()
    return Inputs(price_usd_per_mtok=round(d["price"] * 1e6, 4),
                  electricity_usd_per_mwh=round(d["electricity_price"] * 3.6e9, 2))


def precision_of(catalog: Catalog, hardware: str, precision: str) -> str:
    """``native`` -> the narrowest format the hardware runs natively (as the factory does)."""
    from tokenfab.perf.precision import native_precision

    return native_precision(catalog.hardware(hardware)) if precision == "native" else precision


def scenario_tables(inp: Inputs) -> dict[str, Any]:
    """The inputs as a scenario document (``[factory]``, ``[cluster]``, ``[market]``)."""
    factory: dict[str, Any] = {
        "power": f"{inp.power_mw:g} MW", "hardware": inp.hardware, "model": inp.model,
        "interactivity": f"{inp.interactivity:g} tok/s", "precision": inp.precision,
        "input_tokens": int(inp.input_tokens), "output_tokens": int(inp.output_tokens),
        "price": f"{inp.price_usd_per_mtok:g} USD/Mtok",
        "electricity_price": f"{inp.electricity_usd_per_mwh:g} USD/MWh",
    }
    if inp.vs:
        factory["vs"] = inp.vs
    return {
        "title": f"tokenfab dashboard: {inp.model} on {inp.hardware}",
        "description": "Exported from the tokenfab dashboard (tokenfab app).",
        "factory": factory,
        "cluster": {"hardware": inp.hardware, "accelerators": int(inp.cluster_accelerators),
                    "checkpoint": inp.checkpoint, "trials": 100, "samples": 500},
        "market": {"knowledge_gdp": f"{inp.knowledge_gdp_tusd:g} TUSD",
                   "ai_spend_share": inp.ai_spend_share, "gross_margin": inp.gross_margin},
    }


def scenario_toml(inp: Inputs) -> str:
    """The scenario as TOML text; it loads with ``tokenfab factory|cluster|market FILE``."""
    from tokenfab.scenario import to_toml

    return to_toml(scenario_tables(inp))


def _section(name: str, model: type, inp: Inputs) -> Any:
    from tokenfab.scenario import validate_section

    return validate_section(model, scenario_tables(inp)[name], prefix=name)


def frontier(inp: Inputs, catalog: Catalog) -> pd.DataFrame:
    """Pareto frontier of the system (and the comparison system), one row per point."""
    from tokenfab.perf import pareto

    frames: list[pd.DataFrame] = []
    for hw in [inp.hardware] + ([inp.vs] if inp.vs and inp.vs != inp.hardware else []):
        prec = precision_of(catalog, hw, inp.precision)
        f = pareto(inp.model, hw, inp.count or None, precision=prec,
                   input_tokens=inp.input_tokens, output_tokens=inp.output_tokens, catalog=catalog)
        df = f.to_frame()
        df.insert(0, "hardware", hw)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def factory(inp: Inputs, catalog: Catalog) -> Any:
    """:func:`tokenfab.factory.runner.run_factory` on the inputs (point values and tornado)."""
    from tokenfab.factory.runner import run_factory
    from tokenfab.factory.spec import FactorySection

    return run_factory(_section("factory", FactorySection, inp), catalog, samples=0)


def market(inp: Inputs, catalog: Catalog, samples: int = 2000) -> Any:
    """:func:`tokenfab.market.run_market` with layer 3 set by the inputs."""
    from tokenfab.market import MarketSection, run_market

    return run_market(_section("market", MarketSection, inp), samples=samples, seed=0,
                      catalog=catalog)


def cluster(inp: Inputs, catalog: Catalog) -> Any:
    """:func:`tokenfab.cluster.site.evaluate_site` on the inputs."""
    from tokenfab.cluster.site import ClusterSection, evaluate_site

    return evaluate_site(_section("cluster", ClusterSection, inp), catalog)


def demand(inp: Inputs, catalog: Catalog, samples: int = 200) -> Any:
    """:func:`tokenfab.demand.project` with the served model and interactivity of the inputs."""
    from tokenfab.demand import DemandSection, project
    from tokenfab.inputs import RunOptions

    sec = DemandSection.model_validate({"model": inp.model, "interactivity": inp.interactivity})
    return project(sec, options=RunOptions(samples, 0), catalog=catalog)


def results_json(parts: dict[str, Any]) -> str:
    """Strict JSON of every result the dashboard shows (``to_dict`` where there is one)."""
    from tokenfab.serialize import to_jsonable

    def clean(v: Any) -> Any:
        if isinstance(v, pd.DataFrame):
            return v.to_dict(orient="records")
        if hasattr(v, "to_dict"):
            return v.to_dict()
        return v

    return json.dumps(to_jsonable(_finite({k: clean(v) for k, v in parts.items()})), indent=2,
                      allow_nan=False)


def _finite(obj: Any) -> Any:
    """Replace non-finite floats (e.g. a payback of 'never') by None before strict JSON."""
    import math

    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    try:
        import numpy as np

        if isinstance(obj, np.floating) and not np.isfinite(obj):
            return None
        if isinstance(obj, np.ndarray):
            return _finite(obj.tolist())
    except ImportError:  # numpy is a core dependency
        pass
    return obj
