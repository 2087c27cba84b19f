"""Supply: FLOPs and tokens per year -> accelerators of each year's generation -> GW -> capex.

The pure functions come first; :func:`generation_table` (at the edge: catalog, performance
engine, factory model) fills the per-year hardware inputs they take.

Assumptions (stated once, here)
-------------------------------
* Each year's demand is served by that year's hardware generation (the annual cadence): the
  accelerators and gigawatts are those of a fleet *entirely* of the newest generation, a
  lower bound on the power of a real fleet that still runs older systems.
* Capex of a year is split into IT (accelerators, network, storage: bought the year the
  capacity comes online) and facility (power, cooling, building: spent evenly over the
  construction time *before* it comes online), :func:`annual_capex_split_usd`:
  ``IT_y = c^IT_y (max(G_y - G_{y-1}, 0) + G_{y-1} / life_IT)`` and
  ``F_y = sum_k w_k(L) c^F_{y+k} max(G_{y+k} - G_{y+k-1}, 0) + c^F_y G_{y-1} / life_F``
  (:func:`construction_lead_weights`). Capacity needed after the last projected year grows at
  the last year's rate (the rule for the facility spent then on later capacity).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.demand.site import capex_usd_per_facility_w, it_capex_share
from tokenfab.errors import TokenfabError
from tokenfab.perf.serving import predict
from tokenfab.units import SECONDS_PER_YEAR

__all__ = [
    "GenerationTable",
    "accelerators_for_flops",
    "accelerators_for_tokens",
    "analyst_baseline",
    "annual_capex_split_usd",
    "annual_capex_usd",
    "construction_lead_weights",
    "generation_for_years",
    "generation_table",
    "other_workloads_power_w",
    "power_w",
]


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
    out: np.ndarray = (np.asarray(tokens_per_year, float)
                       / (np.asarray(tokens_per_s_per_accelerator, float) * SECONDS_PER_YEAR
                          * np.asarray(utilization, float)))
    return out


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
    out: np.ndarray = (np.asarray(flops_per_year, float)
                       / (np.asarray(peak_flops_per_s, float) * np.asarray(model_flops_utilization, float)
                          * SECONDS_PER_YEAR))
    return out


def power_w(accelerators: ArrayLike, allin_power_w: ArrayLike) -> np.ndarray:
    """Facility power of a fleet: ``W = N * p_allin`` (all-in per accelerator: host,
    network, cooling and facility overhead) [W]."""
    out: np.ndarray = np.asarray(accelerators, float) * np.asarray(allin_power_w, float)
    return out


def other_workloads_power_w(t_years: ArrayLike, three_laws_w: ArrayLike, base_index: int,
                            installed_w: ArrayLike, installed_growth: ArrayLike,
                            other_growth: ArrayLike) -> np.ndarray:
    """Fleet power the three laws leave out, anchored on the published base-year fleet.

    The base year's installed fleet ``P_0`` (published) minus what the three laws need then,
    ``D_0``, is the power of everything else (other models and workloads, research and
    experiments, older generations, capacity built ahead of demand):
    ``O_0 = max(P_0 - D_0, 0)``; it grows at ``g_o`` a year, ``O_t = O_0 (1 + g_o)^t`` for
    ``t >= 0``. Before the base year the fleet was ``P_t = P_0 / (1 + g_b)^{-t}`` and
    ``O_t = max(P_t - D_t, 0)``.

    Parameters
    ----------
    t_years : array_like
        Years since the base year ``t``, a column (years, 1).
    three_laws_w : array_like
        ``D_t``, power the three laws need [W], (years, samples).
    base_index : int
        Row of ``t = 0`` in ``t_years``.
    installed_w : array_like
        ``P_0`` [W].
    installed_growth, other_growth : array_like
        ``g_b``, ``g_o`` [1/year].

    Returns
    -------
    ndarray
        ``O_t`` [W], broadcast (years, samples).
    """
    t = np.asarray(t_years, float).reshape(-1, 1)
    d = np.asarray(three_laws_w, float)
    p0 = np.asarray(installed_w, float)
    o0 = np.maximum(p0 - d[base_index:base_index + 1], 0.0)
    ahead = o0 * (1.0 + np.asarray(other_growth, float)) ** np.maximum(t, 0.0)
    before = np.maximum(p0 / (1.0 + np.asarray(installed_growth, float)) ** np.maximum(-t, 0.0)
                        - d, 0.0)
    out: np.ndarray = np.where(t >= 0, ahead, before)
    return out


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
    out: np.ndarray = np.asarray(capex_usd_per_w, float) * (np.maximum(g - gp, 0.0) + gp / np.asarray(life_years, float))
    return out


def construction_lead_weights(construction_years: ArrayLike, lags: int) -> np.ndarray:
    """Share of a year's facility capex spent ``k`` years earlier, ``k = 0..lags``.

    Capacity that comes online in year ``j`` does so evenly through the year (the model's IT
    capex is booked in year ``j``); each unit's facility is paid evenly over the ``L`` years
    before it comes online. A unit online at ``j + a`` (``a ~ U[0, 1)``) is paid at
    ``j + a - b`` (``b ~ U[0, L]``, how long before opening), which lies in year ``j - k`` when
    ``k - 1 < D <= k`` for ``D = b - a``; so the share spent in year ``j - k`` is

    ``w_k = F(k) - F(k - 1)``, ``F(x) = P(D <= x) = (H(x + 1) - H(x)) / L``, with
    ``H(z) = 0`` (``z <= 0``), ``z^2 / 2`` (``0 < z <= L``), ``L^2/2 + L (z - L)`` (``z > L``)

    (the convolution of the two uniform laws). ``L = 1``: ``w = (1/2, 1/2)``; ``L -> 0``: all
    in year ``j``; the weights sum to 1 when ``lags >= ceil(L)``.

    Parameters
    ----------
    construction_years : array_like
        ``L`` [years], >= 0 (a number or samples).
    lags : int
        Largest ``k`` returned.

    Returns
    -------
    ndarray
        ``w``, shape ``(lags + 1,) + shape(L)``.
    """
    lead = np.asarray(construction_years, float)
    safe = np.maximum(lead, 1e-9)

    def h(z: np.ndarray) -> np.ndarray:
        zc = np.clip(z, 0.0, safe)
        out: np.ndarray = zc * zc / 2.0 + safe * np.maximum(z - safe, 0.0)
        return out

    def cdf(x: float) -> np.ndarray:
        spread = (h(np.asarray(x + 1.0)) - h(np.asarray(x))) / safe
        out: np.ndarray = np.where(lead > 1e-9, spread, np.clip(x + 1.0, 0.0, 1.0))
        return out

    k = np.arange(lags + 1, dtype=float)
    out: np.ndarray = np.stack([cdf(float(i)) - cdf(float(i) - 1.0) for i in k])
    return out


def annual_capex_split_usd(power_w: ArrayLike, it_usd_per_w: ArrayLike,
                           facility_usd_per_w: ArrayLike, life_it_years: ArrayLike,
                           life_facility_years: ArrayLike, construction_years: ArrayLike,
                           ) -> tuple[np.ndarray, np.ndarray]:
    """Capex of each year, IT and facility apart, with the facility built ahead of capacity.

    ``IT_y = c^IT_y (max(G_y - G_{y-1}, 0) + G_{y-1} / life_IT)`` (bought the year capacity
    comes online, replaced over the IT life) and

    ``F_y = sum_{k=0..K} w_k c^F_{y+k} max(G_{y+k} - G_{y+k-1}, 0) + c^F_y G_{y-1} / life_F``

    with ``w_k`` the :func:`construction_lead_weights` of the construction time ``L`` and
    ``K = ceil(max L)``: the facility of capacity added in year ``y + k`` is partly paid in year
    ``y``; it is rebuilt over the facility's own life, not the IT's (a new accelerator reuses
    the hall). With ``L = 0`` and ``life_F = life_IT`` this is
    ``(c^IT + c^F)(max(G_y - G_{y-1}, 0) + G_{y-1}/life)``, the capex of a model without lead.

    Rule after the last year: capacity keeps the last year's growth factor,
    ``G_{T+m} = G_T (G_T / G_{T-1})^m`` (``G_{T-1} = 0``: no later additions), at the last
    year's ``c^F``.

    Parameters
    ----------
    power_w : array_like
        ``G``, capacity needed per year [W], shape (years, ...) whose first row is the year
        before the first output year.
    it_usd_per_w, facility_usd_per_w : array_like
        ``c^IT``, ``c^F`` per watt of that capacity [USD/W], broadcast against ``power_w``.
    life_it_years, life_facility_years : array_like
        [years], > 0.
    construction_years : array_like
        ``L`` [years], >= 0 (a number or samples, broadcast against one row of ``power_w``).

    Returns
    -------
    (ndarray, ndarray)
        ``(IT_y, F_y)`` [USD/year] for the years after the first row, shape (years - 1, ...).
    """
    g = np.asarray(power_w, float)
    shape = g.shape
    c_it = np.broadcast_to(np.asarray(it_usd_per_w, float), shape)
    c_f = np.broadcast_to(np.asarray(facility_usd_per_w, float), shape)
    lead = np.asarray(construction_years, float)
    lags = int(np.ceil(float(np.max(lead)) - 1e-9)) if lead.size else 0
    lags = max(lags, 0)
    # capacity extended `lags` years past the horizon at the last year's growth factor
    last, prev = g[-1], g[-2]
    ratio = np.divide(last, prev, out=np.zeros_like(last), where=prev > 0)
    ext = [last * ratio ** m for m in range(1, lags + 1)]
    g_ext = np.concatenate([g, np.stack(ext)]) if ext else g
    c_f_ext = np.concatenate([c_f, np.broadcast_to(c_f[-1], (lags,) + shape[1:])]) if lags else c_f
    added = np.maximum(g_ext[1:] - g_ext[:-1], 0.0)       # added in years 1..T-1+lags
    spend_f = c_f_ext[1:] * added                          # facility of what comes online then
    w = construction_lead_weights(lead, lags)
    n = shape[0] - 1
    fac = sum(w[k] * spend_f[k:k + n] for k in range(lags + 1))
    gp = g[:-1]
    fac = fac + c_f[1:] * gp / np.asarray(life_facility_years, float)
    it = c_it[1:] * (added[:n] + gp / np.asarray(life_it_years, float))
    return np.asarray(it, float), np.asarray(fac, float)


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
@dataclass(frozen=True)
class GenerationTable:
    """Per-year hardware inputs of the supply step (arrays over years, SI).

    ``processed_tokens_per_s_per_accelerator`` counts input *and* output tokens (the
    performance engine's output tokens/s x ``(I + O) / O``), unlike the factory's
    ``tokens_per_s_per_accelerator`` (output tokens only).
    """

    years: list[int]
    hardware: list[str]
    processed_tokens_per_s_per_accelerator: np.ndarray
    peak_flops_per_s: np.ndarray
    allin_power_w: np.ndarray
    capex_usd_per_w: np.ndarray
    throughput_source: str
    capex_source: str
    notes: list[str] = field(default_factory=list)
    #: the facility part (power, cooling, building) of ``capex_usd_per_w`` [USD/W]
    facility_capex_usd_per_w: np.ndarray | None = None
    #: dense FP8 FLOP/s of one accelerator over the H100 SXM's [H100e] (Epoch AI's unit)
    h100e_per_accelerator: np.ndarray | None = None

    def facility_share(self) -> np.ndarray:
        """Facility capex / all-in capex per year [-] (0 where the table has no split)."""
        if self.facility_capex_usd_per_w is None:
            return np.zeros_like(self.capex_usd_per_w)
        out: np.ndarray = self.facility_capex_usd_per_w / self.capex_usd_per_w
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"years": self.years, "hardware": self.hardware,
                "processed_tokens_per_s_per_accelerator":
                    self.processed_tokens_per_s_per_accelerator,
                "peak_flops_per_s": self.peak_flops_per_s, "allin_power_w": self.allin_power_w,
                "capex_usd_per_w": self.capex_usd_per_w,
                "facility_capex_usd_per_w": self.facility_capex_usd_per_w,
                "h100e_per_accelerator": self.h100e_per_accelerator,
                "throughput_source": self.throughput_source, "capex_source": self.capex_source,
                "notes": self.notes}


def processed_tokens_per_s(model: Any, hw: Any, precision: str, input_tokens: float,
                           output_tokens: float, interactivity_tok_s: float,
                           catalog: Catalog | None = None) -> float:
    """Input + output tokens per second per accelerator at a request shape and service level.

    ``tau = tau_out (I + O) / O`` with ``tau_out`` the output tokens/s per accelerator of
    :func:`tokenfab.perf.serving.predict` at ``I`` prompt and ``O`` output tokens and the
    interactivity floor.
    """
    r = predict(model, hw, precision=precision, input_tokens=int(round(input_tokens)),
                output_tokens=max(1, int(round(output_tokens))),
                interactivity_min=interactivity_tok_s, catalog=catalog)
    out = float(r.output_tokens_per_s_per_accelerator)
    return out * (input_tokens + output_tokens) / output_tokens


def generation_table(years: Sequence[int], cadence: Mapping[int, str], *, model_id: str,
                     precision: str, training_precision: str, input_tokens: float,
                     output_tokens: float, interactivity_tok_s: float,
                     gain_after_last: float = 0.0,
                     catalog: Catalog | None = None) -> GenerationTable:
    """Hardware inputs for each year: tokens/s per accelerator, peak FLOP/s, power, capex/W.

    Tokens/s per accelerator (input + output) come from the performance engine
    (:func:`processed_tokens_per_s`) at the request shape (``input_tokens``,
    ``output_tokens``) and the interactivity floor. Years after the newest generation of the
    cadence keep its hardware, with throughput and peak FLOP/s multiplied by
    ``(1 + gain_after_last)`` per year (power and capex per accelerator unchanged). Capex per
    facility watt: :func:`tokenfab.demand.site.capex_usd_per_facility_w` (the factory model's
    site cost); its facility part (power & cooling, building) is
    ``capex x (1 - it_capex_share)`` (:func:`tokenfab.demand.site.it_capex_share`).

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

    Returns
    -------
    GenerationTable
    """
    cat = catalog if catalog is not None else load_catalog()
    model = cat.model(model_id)
    gens = generation_for_years(years, cadence)
    last_start = max(cadence)
    cache: dict[str, tuple[float, float, float, float, float, float]] = {}
    notes: list[str] = []
    h100_fp8 = float(cat.hardware("h100-sxm").peak_flops_per_s("fp8"))
    for hw_id in dict.fromkeys(gens):
        hw = cat.hardware(hw_id)
        tps = processed_tokens_per_s(model, hw, precision, input_tokens, output_tokens,
                                     interactivity_tok_s, cat)
        capex = capex_usd_per_facility_w(hw, cat)
        facility = capex * (1.0 - it_capex_share(hw, cat))
        cache[hw_id] = (tps, hw.peak_flops_per_s(training_precision), hw.allin_power_w, capex,
                        facility, float(hw.peak_flops_per_s("fp8")) / h100_fp8)
    rows = []
    for y, g in zip(years, gens, strict=True):
        tps, peak, pw, capex, facility, h100e = cache[g]
        extra = max(0, y - last_start) if g == cadence[last_start] else 0
        gain = (1.0 + gain_after_last) ** extra
        rows.append((tps * gain, peak * gain, pw, capex, facility, h100e * gain))
    if gain_after_last and any(y > last_start for y in years):
        notes.append(f"after {last_start}: {cadence[last_start]} x {1 + gain_after_last:g} per "
                     "year in throughput and FLOP/s (no newer generation in the cadence)")
    arr = np.array(rows, dtype=float).reshape(len(years), 6)
    return GenerationTable(list(years), gens, arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3],
                           "tokenfab.perf.predict",
                           "tokenfab.factory.capex_usd_per_it_w (per IT W, x IT/all-in power); "
                           "facility part: power_cooling_cost + building_cost",
                           notes, arr[:, 4], arr[:, 5])
