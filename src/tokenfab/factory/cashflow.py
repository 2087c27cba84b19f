"""Yearly cash flows of a factory: construction, staged deployment, falling token prices.

:func:`yearly_cash_flows` turns the steady-state yearly numbers of
:func:`tokenfab.factory.economics.factory_model` (revenue and opex at full deployment and
today's price, capex by part) into a cash flow per year, and :func:`investment_metrics` reads
NPV, IRR and discounted payback from it with :mod:`tokenfab.finance` (the only home of those
formulas).

Timeline (years from the decision, ``τ``):

* facility capex is spent evenly over the construction time ``[0, L)``;
* capacity comes online linearly over the ramp ``[L, L + R)`` (staged deployment), and IT capex
  is spent as it is installed (evenly over the ramp);
* the IT runs for ``life_it`` years after opening, then the horizon ends; the facility's
  unrecovered value (``remaining_balance_fraction``) is credited in the last year (each
  sample's own: a vector of samples pads shorter horizons with zero years);
* the token price falls by ``price_decline_per_year`` from today: ``p(τ) = p_0 (1 - d)^τ``,
  so construction delay costs price.

Year ``t`` collects ``revenue_0 Σ f(τ_j) (1-d)^τ_j Δ - opex_0 Σ f(τ_j) Δ`` over the 8 midpoints
``τ_j = (j + 1/2)/8`` of the year (``Δ = 1/8``), with ``f`` the deployed fraction. The sums are
evaluated in closed form per year (:func:`_midpoint_sums`: ``f`` is 0, linear, then 1 in ``j``,
so a year's sum is a few geometric series over at most 8 points), not on an ``N x T x 8`` grid:
the same numbers as the grid to rounding, in ``O(N T)`` memory and time.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.finance import discounted_payback_years, irr, npv, remaining_balance_fraction
from tokenfab.units import SECONDS_PER_YEAR

__all__ = ["CHUNK", "CashFlows", "cash_flow_metrics", "investment_metrics", "yearly_cash_flows"]

_STEPS = 8  # midpoints per year
#: samples per block in :func:`cash_flow_metrics` (bounds memory; blocks stay in cache)
CHUNK = 1 << 15


@dataclass(frozen=True)
class CashFlows:
    """Cash per year (year axis last) [USD]: revenue, opex, capex (negative), net."""

    revenue_usd: np.ndarray
    opex_usd: np.ndarray
    capex_usd: np.ndarray
    net_usd: np.ndarray


def _a(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def yearly_cash_flows(*, revenue_usd_per_year: ArrayLike, opex_usd_per_year: ArrayLike,
                      capex_it_usd: ArrayLike, capex_facility_usd: ArrayLike,
                      price_decline_per_year: ArrayLike, construction_time: ArrayLike,
                      ramp_time: ArrayLike, life_it: ArrayLike, life_facility: ArrayLike,
                      cost_of_capital: ArrayLike) -> CashFlows:
    """Yearly cash flows (see the module docstring).

    Parameters
    ----------
    revenue_usd_per_year, opex_usd_per_year : [USD/yr]
        At full deployment and today's price (``factory_model``).
    capex_it_usd, capex_facility_usd : [USD]
    price_decline_per_year : [1/yr]
        Fractional fall of the token price per year, in [0, 1).
    construction_time, ramp_time, life_it, life_facility : [s]
    cost_of_capital : [1/yr]
        For the facility's residual value at the end of the horizon.
    """
    y = SECONDS_PER_YEAR
    lead = _a(construction_time) / y
    ramp = np.maximum(_a(ramp_time) / y, 0.0)
    life = _a(life_it) / y
    shape = np.broadcast_shapes(*(np.shape(v) for v in (revenue_usd_per_year, opex_usd_per_year,
                                                        capex_it_usd, capex_facility_usd,
                                                        lead, ramp, life, price_decline_per_year,
                                                        cost_of_capital, life_facility)))
    horizon = int(np.ceil(float(np.max(lead + life)) + 1e-9))
    ex = (...,) + (None,) * 1
    lead_b, ramp_b, life_b = (np.broadcast_to(v, shape) for v in (lead, ramp, life))
    lead_ = lead_b[ex]
    ramp_ = ramp_b[ex]
    priced, deployed = _midpoint_sums(lead_b, np.maximum(ramp_b, 1e-9), life_b,
                                      np.broadcast_to(_a(price_decline_per_year), shape),
                                      horizon)
    rev = np.broadcast_to(_a(revenue_usd_per_year), shape)[ex] * priced
    opex = np.broadcast_to(_a(opex_usd_per_year), shape)[ex] * deployed
    t0 = np.arange(horizon, dtype=float)

    def spread(start: np.ndarray, length: np.ndarray) -> np.ndarray:
        """Share of a sum spent evenly over [start, start + length) in each year (all of it in
        the year of ``start`` when length is ~0)."""
        lo, ln = start, np.maximum(length, 0.0)
        over = np.clip(np.minimum(t0 + 1, lo + ln) - np.maximum(t0, lo), 0.0, None)
        even = over / np.where(ln > 1e-6, ln, 1.0)
        point = (t0 == np.floor(lo + 1e-12)).astype(float)
        out: np.ndarray = np.where(ln > 1e-6, even, point)
        return out

    cap_f = np.broadcast_to(_a(capex_facility_usd), shape)[ex]
    cap_it = np.broadcast_to(_a(capex_it_usd), shape)[ex]
    capex = -(cap_f * spread(np.zeros_like(lead_), lead_) + cap_it * spread(lead_, ramp_))
    residual = (np.broadcast_to(_a(capex_facility_usd), shape)
                * remaining_balance_fraction(cost_of_capital, _a(life_facility) / y,
                                             np.broadcast_to(life, shape)))
    net = rev - opex + capex
    # credited in the sample's own last year (not the longest sample's), so a draw of a Monte
    # Carlo run has the cash flows it has alone
    own_last = np.ceil(np.broadcast_to(lead + life, shape) + 1e-9) - 1.0
    net += np.where(t0 == own_last[ex], residual[ex], 0.0)
    return CashFlows(rev, opex, capex, net)


def _midpoint_sums(lead: np.ndarray, ramp: np.ndarray, life: np.ndarray, decline: np.ndarray,
                   horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Per year ``t < horizon`` (a new last axis): ``(Σ_j f_j ρ^(j+1/2) Δ, Σ_j f_j Δ)`` over the
    year's midpoints ``τ_j = (j + 1/2) Δ``, ``Δ = 1/8``, ``ρ = (1 - d)^Δ`` (so ``ρ^(j+1/2) =
    (1 - d)^τ_j``), with the deployed fraction

    ``f_j = 0`` for ``τ_j < L`` or ``τ_j >= L + n``; ``(τ_j - L)/R`` while ramping; 1 after.

    In index space the three pieces are runs ``[m, m + k)`` with ``k <= 8`` inside a year, and

    ``Σ_{i<k} ρ^(m+i+1/2) (τ_m - L + iΔ)/R = ρ^(m+1/2) ((τ_m - L) G_k + Δ S_k)/R``,
    ``G_k = Σ_{i<k} ρ^i``, ``S_k = Σ_{i<k} i ρ^i`` (tabulated for k = 0..8 per sample, so no
    cancellation as ``d -> 0``); ``Σ_{i<k} (τ_m - L + iΔ)/R = (k (τ_m - L) + Δ k(k-1)/2)/R``.

    ``τ_j >= a`` is ``j >= ceil(a/Δ - 1/2)`` exactly in floating point (``a/Δ`` is exact), so
    the runs hold the same midpoints as a grid would.

    Parameters
    ----------
    lead, ramp, life : [yr]
        Construction time ``L``, ramp ``R`` (> 0), IT life ``n``; arrays of one shape.
    decline : [1/yr]
        Price decline ``d`` in [0, 1).
    horizon : int
        Years (the length of the new axis).
    """
    steps = _STEPS
    dt = 1.0 / steps
    j0 = np.ceil(steps * lead - 0.5)                                # first midpoint online
    j2 = np.ceil(steps * (lead + life) - 0.5)                       # first one past the life
    j1 = np.maximum(np.ceil(steps * (lead + ramp) - 0.5), j0)       # first fully deployed
    lam = np.log1p(-decline) * dt                                   # ln ρ
    i = np.arange(steps, dtype=float)
    powers = np.exp(lam[..., None] * i)                             # ρ^i, i < 8
    zero = np.zeros(np.shape(lead) + (1,))
    g_tab = np.concatenate([zero, np.cumsum(powers, axis=-1)], axis=-1)
    s_tab = np.concatenate([zero, np.cumsum(powers * i, axis=-1)], axis=-1)
    first = steps * np.arange(horizon, dtype=float)                 # first index of each year
    last = first + steps

    def run(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        m = np.clip(a[..., None], first, last)
        k = np.maximum(np.clip(b[..., None], first, last) - m, 0.0)
        return m, k

    m_r, k_r = run(j0, np.minimum(j1, j2))                          # ramping
    m_p, k_p = run(j1, j2)                                          # fully deployed
    kr_i, kp_i = k_r.astype(np.intp), k_p.astype(np.intp)
    off = (m_r + 0.5) * dt - lead[..., None]                        # τ_m - L
    inv = 1.0 / ramp[..., None]
    lam_ = lam[..., None]
    ramp_priced = (np.exp(lam_ * (m_r + 0.5)) * inv
                   * (off * np.take_along_axis(g_tab, kr_i, axis=-1)
                      + dt * np.take_along_axis(s_tab, kr_i, axis=-1)))
    full_priced = np.exp(lam_ * (m_p + 0.5)) * np.take_along_axis(g_tab, kp_i, axis=-1)
    priced = (ramp_priced + full_priced) * dt
    deployed = ((k_r * off + dt * 0.5 * k_r * (k_r - 1.0)) * inv + k_p) * dt
    return priced, deployed


def investment_metrics(cash: CashFlows, cost_of_capital: ArrayLike,
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(npv_usd, irr, discounted_payback_years)`` of the net cash flows at the cost of
    capital (:func:`tokenfab.finance.npv`, :func:`~tokenfab.finance.irr`,
    :func:`~tokenfab.finance.discounted_payback_years`; NaN = no IRR / never pays back)."""
    return (npv(cost_of_capital, cash.net_usd), irr(cash.net_usd),
            discounted_payback_years(cost_of_capital, cash.net_usd))


def cash_flow_metrics(**kw: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(npv_usd, irr, discounted_payback_years)`` of :func:`yearly_cash_flows` (same keywords)
    at its ``cost_of_capital``, in blocks of :data:`CHUNK` samples: memory ``O(CHUNK x T)``
    instead of ``O(N x T)``, the same numbers (a sample's cash flows do not depend on the others;
    shorter horizons only add zero years, which change no metric). The blocks run on a thread
    per core (NumPy releases the GIL inside its loops): ~1.5x on two cores."""
    arrays = {k: _a(v) for k, v in kw.items()}
    shape = np.broadcast_shapes(*(v.shape for v in arrays.values()))
    if len(shape) != 1 or shape[0] <= CHUNK:
        return investment_metrics(yearly_cash_flows(**arrays), arrays["cost_of_capital"])
    n = shape[0]
    out: tuple[np.ndarray, np.ndarray, np.ndarray] = (np.empty(n), np.empty(n), np.empty(n))

    def one(lo: int) -> None:
        part = slice(lo, min(lo + CHUNK, n))
        block = {k: (v[part] if v.ndim else v) for k, v in arrays.items()}
        got = investment_metrics(yearly_cash_flows(**block), block["cost_of_capital"])
        for o, g in zip(out, got, strict=True):
            o[part] = g

    # blocks are independent and NumPy releases the GIL in its loops: one thread per core
    workers = min(os.cpu_count() or 1, -(-n // CHUNK))
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        list(pool.map(one, range(0, n, CHUNK)))
    finally:  # Ctrl-C: drop the queued blocks, let the running ones finish (~0.1 s)
        pool.shutdown(wait=True, cancel_futures=True)
    return out
