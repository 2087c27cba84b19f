"""Supply: FLOPs and tokens per year -> accelerators of each year's generation -> GW -> capex.

The pure functions come first; :func:`generation_table` (at the edge: catalog, performance
engine, factory model) fills the per-year hardware inputs they take.

Assumptions (stated once, here)
-------------------------------
* Each year's demand is served by that year's hardware generation (the annual cadence): the
  accelerators and gigawatts are those of a fleet *entirely* of the newest generation, a
  lower bound on the power of a real fleet that still runs older systems.
* Capex of a year = capex per watt x (new capacity + replacement of retiring capacity), with
  straight-line retirement over the IT depreciation life: ``capex_y = c_y (max(G_y - G_{y-1}, 0)
  + G_{y-1} / life)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.errors import InfeasibleError, TokenfabError
from tokenfab.perf.model_costs import ModelCosts

__all__ = [
    "SECONDS_PER_YEAR",
    "GenerationTable",
    "accelerators_for_flops",
    "accelerators_for_tokens",
    "analyst_baseline",
    "annual_capex_usd",
    "generation_for_years",
    "generation_table",
    "power_w",
    "roofline_tokens_per_s_per_accelerator",
]

#: a Julian year [s] (365.25 days), as in :mod:`tokenfab.units`
SECONDS_PER_YEAR = 365.25 * 86400.0

#: bytes per weight at each serving precision
BYTES_PER_PARAM = {"fp4": 0.5, "fp8": 1.0, "bf16": 2.0}


# -----------------------------------------------------------------------------------
# pure functions
# -----------------------------------------------------------------------------------
def accelerators_for_tokens(tokens_per_year: ArrayLike, tokens_per_s_per_accelerator: ArrayLike,
                            utilization: ArrayLike = 1.0) -> np.ndarray:
    """Accelerators that serve a yearly token volume.

    ``N = T_yr / (tau * S_yr * u)`` with ``tau`` the tokens/s one accelerator sustains at the
    service level and ``u`` the fleet's average utilization (demand is not flat over a day).

    Parameters
    ----------
    tokens_per_year : array_like
        ``T_yr`` [tokens/year].
    tokens_per_s_per_accelerator : array_like
        ``tau`` [tokens/s], > 0.
    utilization : array_like
        ``u`` [-], in (0, 1].

    Returns
    -------
    ndarray
        [accelerators].
    """
    return (np.asarray(tokens_per_year, float)
            / (np.asarray(tokens_per_s_per_accelerator, float) * SECONDS_PER_YEAR
               * np.asarray(utilization, float)))


def accelerators_for_flops(flops_per_year: ArrayLike, peak_flops_per_s: ArrayLike,
                           model_flops_utilization: ArrayLike) -> np.ndarray:
    """Accelerators that deliver a yearly training compute: ``N = C_yr / (P * MFU * S_yr)``.

    Parameters
    ----------
    flops_per_year : array_like
        ``C_yr`` [FLOP/year].
    peak_flops_per_s : array_like
        ``P``, dense peak at the training precision [FLOP/s].
    model_flops_utilization : array_like
        ``MFU`` [-] averaged over the year (including failures and idle time).

    Returns
    -------
    ndarray
        [accelerators].
    """
    return (np.asarray(flops_per_year, float)
            / (np.asarray(peak_flops_per_s, float) * np.asarray(model_flops_utilization, float)
               * SECONDS_PER_YEAR))


def power_w(accelerators: ArrayLike, allin_power_w: ArrayLike) -> np.ndarray:
    """Facility power of a fleet: ``W = N * p_allin`` (all-in per accelerator: host,
    network, cooling and facility overhead) [W]."""
    return np.asarray(accelerators, float) * np.asarray(allin_power_w, float)


def annual_capex_usd(installed_w: ArrayLike, previous_w: ArrayLike, capex_usd_per_w: ArrayLike,
                     life_years: ArrayLike) -> np.ndarray:
    """Capex of a year: new capacity plus replacement of retiring capacity.

    ``capex = c (max(G - G_prev, 0) + G_prev / life)`` (straight-line retirement).

    Parameters
    ----------
    installed_w, previous_w : array_like
        Capacity needed this year and last year [W].
    capex_usd_per_w : array_like
        All-in capex per watt of that capacity [USD/W].
    life_years : array_like
        Depreciation life of the IT equipment [years], > 0.

    Returns
    -------
    ndarray
        [USD/year].
    """
    g = np.asarray(installed_w, float)
    gp = np.asarray(previous_w, float)
    return np.asarray(capex_usd_per_w, float) * (np.maximum(g - gp, 0.0) + gp / np.asarray(life_years, float))


def analyst_baseline(years: ArrayLike, base_year: float, base_usd: ArrayLike,
                     growth_per_year: ArrayLike, mode: str = "linear") -> np.ndarray:
    """An analyst's extrapolation of spending: a straight line or a constant growth rate.

    ``linear``: ``S(y) = S_0 (1 + g (y - y_0))``; ``compound``: ``S(y) = S_0 (1 + g)^(y - y_0)``.

    Parameters
    ----------
    years : array_like
        Calendar years.
    base_year : float
        ``y_0``.
    base_usd : array_like
        ``S_0`` [USD/year].
    growth_per_year : array_like
        ``g`` [1/year] (the Street's ~8 %, BG2 2025-09).
    mode : {"linear", "compound"}

    Returns
    -------
    ndarray
        [USD/year].
    """
    dt = np.asarray(years, float) - float(base_year)
    g = np.asarray(growth_per_year, float)
    s0 = np.asarray(base_usd, float)
    if mode == "linear":
        return s0 * (1.0 + g * dt)
    if mode == "compound":
        return s0 * (1.0 + g) ** dt
    raise TokenfabError(f"must be 'linear' or 'compound', got {mode!r}", field="analyst_mode")


def roofline_tokens_per_s_per_accelerator(
    costs: ModelCosts, *, input_tokens: float, output_tokens: float, peak_flops_per_s: float,
    hbm_bw_bytes_per_s: float, hbm_bytes: float, scaleup_domain: int, interactivity_tok_s: float,
    bytes_per_param: float = 1.0, kv_bytes_per_elem: float = 1.0,
) -> float:
    """Roofline estimate of tokens (input + output) per second per accelerator.

    Fallback used only when ``tokenfab.perf.predict`` is not importable. A replica of ``G``
    accelerators (a power of two from the smallest whose HBM holds the weights ``W`` at half
    occupancy up to the scale-up domain, the best per-accelerator result kept; communication
    is free here, part of why this is an upper bound) decodes a batch ``B``; one step takes
    ``t(B) = max(B F_dec / (G P), (W + B K) / (G BW))`` (compute vs HBM traffic; ``K`` = KV
    bytes of a sequence at its mean context). ``B`` is the largest batch with
    ``t(B) <= 1/u`` (interactivity ``u``) whose KV cache fits. Prefill is compute bound:
    ``F_pre / P`` seconds per prompt token. Per request: ``I F_pre / P + O G t(B) / B``
    accelerator-seconds. Ideal overlap and 100 % of peak: an *upper bound* on throughput,
    hence a lower bound on accelerators (Williams et al. 2009, "Roofline", CACM 52(4)).

    Parameters
    ----------
    costs : ModelCosts
    input_tokens, output_tokens : float
        Mean prompt and generated tokens per request [tokens].
    peak_flops_per_s, hbm_bw_bytes_per_s, hbm_bytes : float
        Per accelerator [FLOP/s], [B/s], [B].
    scaleup_domain : int
        Accelerators joined by the scale-up network.
    interactivity_tok_s : float
        Output tokens/s seen by one user [tok/s].
    bytes_per_param, kv_bytes_per_elem : float
        Weight and KV-cache bytes per element [B].

    Returns
    -------
    float
        Tokens (input + output) per second per accelerator.
    """
    i, o = float(input_tokens), float(output_tokens)
    w = costs.stored_params * bytes_per_param
    g_min = 1
    while g_min * hbm_bytes * 0.5 < w:
        g_min *= 2
        if g_min > 4096:
            raise InfeasibleError(f"the weights ({w / 1e9:.0f} GB) do not fit in 4096 "
                                  "accelerators at half HBM occupancy")
    f_dec = float(costs.decode_flops_per_token(i + o / 2.0))
    f_pre = float(2.0 * costs.matmul_params_active
                  + costs.attn_flops_prefill_per_ctx * costs.effective_context(i / 2.0))
    k_mean = costs.kv_bytes_per_token(kv_bytes_per_elem) * (i + o / 2.0)
    k_full = costs.kv_bytes_per_token(kv_bytes_per_elem) * (i + o)
    step = 1.0 / interactivity_tok_s
    best = 0.0
    g = g_min
    while g <= max(g_min, scaleup_domain):
        b_compute = g * peak_flops_per_s * step / f_dec
        b_memory = (g * hbm_bw_bytes_per_s * step - w) / k_mean
        b_capacity = (g * hbm_bytes - w) / k_full
        b = min(b_compute, b_memory, b_capacity)
        if b >= 1.0:
            t = max(b * f_dec / (g * peak_flops_per_s), (w + b * k_mean) / (g * hbm_bw_bytes_per_s))
            acc_s = i * f_pre / peak_flops_per_s + o * g * t / b
            best = max(best, (i + o) / acc_s)
        g *= 2
    if best == 0.0:
        raise InfeasibleError(f"no replica of up to {max(g_min, scaleup_domain)} accelerators "
                              f"reaches {interactivity_tok_s:g} tok/s/user (roofline)")
    return best


def generation_for_years(years: Sequence[int], cadence: Mapping[int, str]) -> list[str]:
    """The newest generation available in each year: ``cadence`` maps first year -> id.

    A year before the first generation raises a :class:`TokenfabError`.
    """
    starts = sorted(cadence)
    out = []
    for y in years:
        avail = [s for s in starts if s <= y]
        if not avail:
            raise TokenfabError(f"no hardware generation available in {y}: the first one starts "
                                f"in {starts[0]}", field="generations")
        out.append(cadence[avail[-1]])
    return out


# -----------------------------------------------------------------------------------
# the edge: fill per-year hardware inputs from the catalog, the engine and the factory
# -----------------------------------------------------------------------------------
@dataclass
class GenerationTable:
    """Per-year hardware inputs of the supply step (arrays over years)."""

    years: list[int]
    hardware: list[str]
    tokens_per_s_per_accelerator: np.ndarray
    peak_flops_per_s: np.ndarray
    allin_power_w: np.ndarray
    capex_usd_per_w: np.ndarray
    throughput_source: str
    capex_source: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"years": self.years, "hardware": self.hardware,
                "tokens_per_s_per_accelerator": self.tokens_per_s_per_accelerator,
                "peak_flops_per_s": self.peak_flops_per_s, "allin_power_w": self.allin_power_w,
                "capex_usd_per_w": self.capex_usd_per_w,
                "throughput_source": self.throughput_source, "capex_source": self.capex_source,
                "notes": self.notes}


def _engine_tokens_per_s(model: Any, hw: Any, precision: str, i: float, o: float,
                         interactivity: float) -> float | None:
    """Tokens (input + output) per second per accelerator from the performance engine, or
    None when the engine is not importable."""
    try:
        from tokenfab.perf import predict  # type: ignore[attr-defined]
    except ImportError:
        try:
            from tokenfab.perf.serving import predict
        except ImportError:
            return None
    r = predict(model, hw, precision=precision, input_tokens=int(round(i)),
                output_tokens=max(1, int(round(o))), interactivity_min=interactivity)
    out = float(r.output_tokens_per_s_per_accelerator)
    return out * (i + o) / o


def generation_table(years: Sequence[int], cadence: Mapping[int, str], *, model_id: str,
                     precision: str, training_precision: str, input_tokens: float,
                     output_tokens: float, interactivity_tok_s: float,
                     gain_after_last: float = 0.0, catalog: Any = None,
                     capex_usd_per_w_fallback: float | None = None,
                     use_engine: bool = True) -> GenerationTable:
    """Hardware inputs for each year: tokens/s per accelerator, peak FLOP/s, power, capex/W.

    Tokens/s per accelerator come from ``tokenfab.perf.predict`` at the request shape
    (``input_tokens``, ``output_tokens``) and the interactivity floor, converted from output
    tokens/s to all tokens/s by ``(I + O) / O``; when the engine is not importable, from
    :func:`roofline_tokens_per_s_per_accelerator`. Years after the newest generation of the
    cadence keep its hardware, with throughput and peak FLOP/s multiplied by
    ``(1 + gain_after_last)`` per year (power and capex per accelerator unchanged).
    Capex per facility watt: ``tokenfab.factory.capex_usd_per_it_w`` (per IT watt) x IT/all-in
    power, or ``capex_usd_per_w_fallback`` when the factory model is missing.

    Parameters
    ----------
    years : sequence of int
    cadence : mapping
        First year -> accelerator id.
    model_id, precision, training_precision : str
    input_tokens, output_tokens : float
        Mean request shape [tokens].
    interactivity_tok_s : float
        [tok/s per user].
    gain_after_last : float
        [1/year].
    catalog : Catalog, optional
    capex_usd_per_w_fallback : float, optional
        [USD/W].
    use_engine : bool
        False forces the roofline (tests, comparisons).

    Returns
    -------
    GenerationTable
    """
    from tokenfab.catalog import load_catalog
    from tokenfab.perf.model_costs import model_costs

    cat = catalog or load_catalog()
    model = cat.model(model_id)
    costs = model_costs(model)
    gens = generation_for_years(years, cadence)
    last_start = max(cadence)
    cache: dict[str, tuple[float, float, float, float]] = {}
    sources: set[str] = set()
    capex_sources: set[str] = set()
    notes: list[str] = []
    for hw_id in dict.fromkeys(gens):
        hw = cat.hardware(hw_id)
        tps = _engine_tokens_per_s(model, hw, precision, input_tokens, output_tokens,
                                   interactivity_tok_s) if use_engine else None
        if tps is None:
            tps = roofline_tokens_per_s_per_accelerator(
                costs, input_tokens=input_tokens, output_tokens=output_tokens,
                peak_flops_per_s=hw.peak_flops_per_s(precision),
                hbm_bw_bytes_per_s=hw.hbm_bw_bytes_per_s, hbm_bytes=hw.hbm_capacity_bytes,
                scaleup_domain=hw.scaleup_domain_size, interactivity_tok_s=interactivity_tok_s,
                bytes_per_param=BYTES_PER_PARAM.get(precision, 1.0),
                kv_bytes_per_elem=BYTES_PER_PARAM.get(precision, 1.0))
            sources.add("roofline (tokenfab.demand.supply; upper bound on throughput)")
        else:
            sources.add("tokenfab.perf.predict")
        capex = None
        try:
            from tokenfab.factory import capex_usd_per_it_w
            from tokenfab.factory.defaults import default_inputs
            from tokenfab.factory.facility import it_power_per_accelerator_w
            from tokenfab.uncertainty import likely

            d = default_inputs(hw, cat)
            it_w = float(it_power_per_accelerator_w(likely(d["allin_power"].value),
                                                    likely(d["reference_pue"].value)))
            capex = float(capex_usd_per_it_w(hw, cat)) * it_w / hw.allin_power_w
            capex_sources.add("tokenfab.factory.capex_usd_per_it_w (per IT W, x IT/all-in power)")
        except ImportError:
            capex = None
        if capex is None:
            if capex_usd_per_w_fallback is None:
                raise TokenfabError("no capex per watt: tokenfab.factory is missing and no "
                                    "fallback was given", field="capex_usd_per_w")
            capex = float(capex_usd_per_w_fallback)
            capex_sources.add("economics.csv:capex_per_gw_model_prior")
        cache[hw_id] = (tps, hw.peak_flops_per_s(training_precision), hw.allin_power_w, capex)
    rows = []
    for y, g in zip(years, gens, strict=True):
        tps, peak, pw, capex = cache[g]
        extra = max(0, y - last_start) if g == cadence[last_start] else 0
        gain = (1.0 + gain_after_last) ** extra
        rows.append((tps * gain, peak * gain, pw, capex))
    if gain_after_last and any(y > last_start for y in years):
        notes.append(f"after {last_start}: {cadence[last_start]} x {1 + gain_after_last:g} per "
                     "year in throughput and FLOP/s (no newer generation in the cadence)")
    arr = np.array(rows, dtype=float).reshape(len(years), 4)
    return GenerationTable(list(years), gens, arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3],
                           "; ".join(sorted(sources)), "; ".join(sorted(capex_sources)), notes)
