"""The sweep's only contact with the factory and cluster models: one adapter per model.

The factory package is being refactored (typed results, an ``InputSet`` of its inputs); every
call the sweep makes into it goes through :func:`validate_economics` (names and values of the
``[economics]`` table, checked by the factory's own ``[factory]`` section) and
:func:`factory_block` (the vectorised economics of a block of operating points). After a
change to the factory's public API only this module needs fixing.

The cluster model is reached through :func:`cluster_block` the same way.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from tokenfab.catalog import Catalog
from tokenfab.cluster.site import ClusterSection, evaluate_site
from tokenfab.errors import TokenfabError, did_you_mean
from tokenfab.factory.inputs import FACTORY_INPUTS, VS_PREFIX
from tokenfab.factory.pricing import DEFAULT_PRICE_CURVE
from tokenfab.factory.runner import run_factory
from tokenfab.factory.spec import FactorySection
from tokenfab.scenario import validate_section
from tokenfab.uncertainty import Range

__all__ = ["CLUSTER_COLUMNS", "ECONOMICS_NAMES", "FACTORY_COLUMNS", "cluster_block",
           "factory_block", "validate_economics"]

#: ``[economics]`` keys: the factory's site power and every input it declares that may be a
#: range (its cost, price and operating inputs), by ``[factory]`` name
ECONOMICS_NAMES: tuple[str, ...] = ("power", *(
    i.name for i in FACTORY_INPUTS if i.uncertain and not i.name.startswith(VS_PREFIX)))

#: factory outputs written for every point (names and units of the factory model)
FACTORY_COLUMNS: tuple[str, ...] = (
    "accelerators", "it_power_w", "tokens_per_year", "revenue_usd_per_year", "capex_usd",
    "opex_usd_per_year", "tco_usd_per_year", "cost_usd_per_mtok", "gross_margin",
    "payback_years", "profit_usd_per_year", "price_usd_per_mtok_effective",
)

#: cluster outputs (prefixed ``cluster_`` in the store): the site of the factory's accelerators
CLUSTER_COLUMNS: tuple[str, ...] = ("racks", "switches", "transceivers", "mtbf_hours",
                                    "interruptions_per_day", "goodput")


def _validate_one(name: str, value: Any, where: str, hardware: str, model: str) -> float | Range:
    data = {"power": 1e9, "hardware": hardware, "model": model, name: value}
    try:
        section = validate_section(FactorySection, data, prefix="economics")
    except TokenfabError as e:
        msg = str(e).removeprefix(f"economics.{name}: ")
        raise TokenfabError(msg, field=where, value=value) from None
    out = getattr(section, name)
    if isinstance(out, Range) or isinstance(out, (int, float)):
        return out if isinstance(out, Range) else float(out)
    raise TokenfabError(f"must be a number, a quantity or a range, got {value!r}", field=where)


def validate_economics(table: Mapping[str, Any], hardware: str, model: str,
                       ) -> tuple[dict[str, float | Range], dict[str, tuple[float, ...]]]:
    """Split ``[economics]`` into fixed values (numbers or ranges) and axes (lists), in SI.

    Each value is checked by the factory's ``[factory]`` section (units, bounds), so the
    errors are the factory's, naming ``economics.<name>`` (``economics.<name>[i]`` in a list).
    """
    fixed: dict[str, float | Range] = {}
    axes: dict[str, tuple[float, ...]] = {}
    for name, raw in table.items():
        if name not in ECONOMICS_NAMES:
            guess = did_you_mean(name, ECONOMICS_NAMES)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise TokenfabError(f"unknown factory input '{name}'{hint} (allowed: "
                                f"{', '.join(ECONOMICS_NAMES)})", field=f"economics.{name}")
        if isinstance(raw, list):
            if not raw:
                raise TokenfabError("an axis needs at least one value", field=f"economics.{name}")
            vals = []
            for i, x in enumerate(raw):
                if isinstance(x, dict):
                    raise TokenfabError("a list (axis) holds values, not ranges; sample a range "
                                        "with sweep.samples instead", field=f"economics.{name}[{i}]")
                v = _validate_one(name, x, f"economics.{name}[{i}]", hardware, model)
                vals.append(float(v) if not isinstance(v, Range) else v.likely)
            if len(set(vals)) != len(vals):
                raise TokenfabError("lists a value twice", field=f"economics.{name}", value=raw)
            axes[name] = tuple(vals)
        else:
            fixed[name] = _validate_one(name, raw, f"economics.{name}", hardware, model)
    if isinstance(fixed.get("power"), Range):
        raise TokenfabError("the site power is one value or an axis (a list), not a range",
                            field="economics.power")
    return fixed, axes


def _crn(name: str, seed: int) -> np.random.Generator:
    """One generator per input name and seed: draw ``i`` of an input is the same number in
    every partition (common random numbers, so systems are compared on the same draws)."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def factory_block(hardware: str, model: str, catalog: Catalog, economics: Mapping[str, Any],
                  tokens_per_s_per_accelerator: np.ndarray, interactivity: np.ndarray,
                  samples: int, seed: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Factory economics of ``R`` operating points x ``D`` draws, in one vectorised call.

    The factory resolves its inputs once (catalog defaults with ``economics`` applied, and the
    check that the site holds one whole system); its vectorised model is then evaluated on
    arrays of shape ``(R, D)``: throughput per accelerator of each point, the price-curve
    multiplier at each point's interactivity, and ``D`` draws of every uncertain input
    (``samples`` = 0: one draw at the likely values). Points with a NaN throughput
    (infeasible) give NaN outputs.

    Parameters
    ----------
    hardware, model : str
        Catalog ids.
    catalog : Catalog
    economics : mapping
        ``[factory]`` input names -> SI value or :class:`Range` (``power`` included).
    tokens_per_s_per_accelerator : array (R,) [tok/s]
    interactivity : array (R,) [tok/s/user]
        The service level sold at each point (prices it on the factory's price curve).
    samples, seed : int

    Returns
    -------
    outputs : dict of arrays (R * D,)
        :data:`FACTORY_COLUMNS`, row-major (point, draw).
    sampled : dict of arrays (D,)
        The draws of each uncertain input, by factory model input name (empty for
        ``samples`` = 0).

    Raises
    ------
    InfeasibleError
        The site power does not hold one system of ``hardware``.
    """
    fields = {k: v for k, v in economics.items()}
    section = FactorySection(hardware=hardware, model=model, tokens_per_s_per_accelerator=1.0,
                             **fields)
    res = run_factory(section, catalog, samples=0, with_tornado=False)
    kw: dict[str, Any] = {}
    sampled: dict[str, np.ndarray] = {}
    d = max(1, samples)
    for name, v in res.inputs.items():
        if isinstance(v, Range):
            if samples and v.low != v.high:
                sampled[name] = v.sample(samples, _crn(name, seed))
                kw[name] = sampled[name][None, :]
            else:
                kw[name] = np.float64(v.likely)
        else:
            kw[name] = v
    tps = np.asarray(tokens_per_s_per_accelerator, dtype=float)
    ok = np.isfinite(tps) & (tps > 0)
    kw["tokens_per_s_per_accelerator"] = np.where(ok, tps, 1.0)[:, None]
    inter = np.asarray(interactivity, dtype=float)
    kw["price_multiplier"] = np.asarray(DEFAULT_PRICE_CURVE(inter), dtype=float)[:, None]
    out = res.model(**kw)
    shape = (len(tps), d)
    cols: dict[str, np.ndarray] = {}
    for k in FACTORY_COLUMNS:
        a = np.broadcast_to(np.asarray(out[k], dtype=float), shape)
        cols[k] = np.where(ok[:, None], a, np.nan).reshape(-1)
    return cols, sampled


def cluster_block(hardware: str, accelerators: np.ndarray, catalog: Catalog,
                  ) -> dict[str, np.ndarray]:
    """The site of each point's accelerators: racks, fabric, failures and goodput.

    One cluster evaluation per distinct accelerator count (at its likely inputs, no failure
    simulation), mapped back onto the rows; rows with no accelerators give NaN.

    Returns
    -------
    dict of arrays (len(accelerators),)
        ``cluster_`` + :data:`CLUSTER_COLUMNS`.
    """
    n = np.asarray(accelerators, dtype=float)
    out = {f"cluster_{k}": np.full(n.shape, np.nan) for k in CLUSTER_COLUMNS}
    good = np.isfinite(n) & (n >= 1)
    if not good.any():
        return out
    uniq, inv = np.unique(n[good].astype(np.int64), return_inverse=True)
    vals = np.full((len(uniq), len(CLUSTER_COLUMNS)), np.nan)
    for i, count in enumerate(uniq):
        section = ClusterSection.model_validate(
            {"hardware": hardware, "accelerators": int(count), "samples": 0, "trials": 0})
        site = evaluate_site(section, catalog)
        days = float(site.to_dict()["days"])
        vals[i] = (site.racks, site.fabric.switches, site.fabric.transceivers,
                   site.mtbf_s / 3600.0, site.expected_interruptions / days, site.goodput)
    for j, k in enumerate(CLUSTER_COLUMNS):
        col = out[f"cluster_{k}"]
        col[good] = vals[inv, j]
    return out

