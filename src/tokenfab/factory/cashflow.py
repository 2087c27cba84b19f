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

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.finance import npv_irr_payback, remaining_balance_fraction
from tokenfab.units import SECONDS_PER_YEAR

__all__ = ["CHUNK", "CashFlows", "cash_flow_metrics", "investment_metrics", "yearly_cash_flows"]

_STEPS = 8  # midpoints per year
#: samples per block in :func:`cash_flow_metrics` (a block's temporaries stay in cache)
CHUNK = 1 << 13


@dataclass(frozen=True)
class CashFlows:
    """Cash per year (year axis last) [USD]: revenue, opex, capex (negative), net."""

    revenue_usd: np.ndarray
    opex_usd: np.ndarray
    capex_usd: np.ndarray
    net_usd: np.ndarray


def _a(x: ArrayLike) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _flat_inputs(kw: dict[str, ArrayLike]) -> tuple[dict[str, np.ndarray], tuple[int, ...]]:
    """The keywords of :func:`yearly_cash_flows` broadcast to one shape and flattened to 1-D,
    in years (times) and per year; and the shape."""
    y = SECONDS_PER_YEAR
    v = {k: _a(x) for k, x in kw.items()}
    shape = np.broadcast_shapes(*(x.shape for x in v.values()))
    size = int(np.prod(shape))
    flat = {k: np.broadcast_to(x, shape).reshape(size) for k, x in v.items()}
    for k in ("construction_time", "ramp_time", "life_it", "life_facility"):
        flat[k] = flat[k] / y
    flat["ramp_time"] = np.maximum(flat["ramp_time"], 0.0)
    return flat, shape


def _horizon(flat: dict[str, np.ndarray]) -> int:
    """Years of the longest sample: ``ceil(L + n)`` (0 for no samples)."""
    if flat["construction_time"].size == 0:
        return 0
    return int(np.ceil(float(np.max(flat["construction_time"] + flat["life_it"])) + 1e-9))


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

    Returns
    -------
    CashFlows
        Arrays of shape ``inputs' broadcast shape + (T,)``, ``T`` the longest sample's years
        (shorter samples are padded with zero years).
    """
    flat, shape = _flat_inputs(dict(
        revenue_usd_per_year=revenue_usd_per_year, opex_usd_per_year=opex_usd_per_year,
        capex_it_usd=capex_it_usd, capex_facility_usd=capex_facility_usd,
        price_decline_per_year=price_decline_per_year, construction_time=construction_time,
        ramp_time=ramp_time, life_it=life_it, life_facility=life_facility,
        cost_of_capital=cost_of_capital))
    horizon = _horizon(flat)
    parts = _flows(flat, horizon, parts=True)
    # year-major (T, M) -> year-last (..., T): views, no copies
    rev, opex, capex, net = (np.moveaxis(x.reshape((horizon,) + shape), 0, -1) for x in parts)
    return CashFlows(rev, opex, capex, net)


def _rows(start: np.ndarray, end: np.ndarray, horizon: int) -> tuple[int, int]:
    """The years ``[t0, t1)`` (within the horizon) that midpoint indices ``[start, end)`` of
    any sample fall in: the only rows where a sum over them can be non-zero."""
    t0 = int(np.min(start)) // _STEPS
    t1 = -(-int(np.max(end)) // _STEPS)                             # ceil
    return min(t0, horizon), min(max(t1, t0), horizon)


def _flows(f: dict[str, np.ndarray], horizon: int, *, parts: bool,
           ) -> tuple[np.ndarray, ...]:
    """Year-major ``(T, M)`` cash of the 1-D samples ``f`` (:func:`_flat_inputs`):
    ``(revenue, opex, capex, net)`` with ``parts``, else ``(net,)`` (computed in place).

    ``net = R_0 P_t - O_0 D_t + capex_t (+ residual in the sample's last year)`` with ``P, D``
    from :func:`_midpoint_sums` and ``capex_t = -(K_f s_t(0, L) + K_it s_t(L, R))``,
    ``s_t(a, ℓ)`` the share of a sum spent evenly over ``[a, a + ℓ)`` that falls in year ``t``
    (all of it in the year of ``a`` when ``ℓ ~ 0``). Capex is evaluated only in the years up
    to the last one any sample spends in (it is -0 after: adding it changes no bit).
    """
    lead, ramp, life = f["construction_time"], f["ramp_time"], f["life_it"]
    m = lead.size
    priced, deployed = _midpoint_sums(lead, np.maximum(ramp, 1e-9), life,
                                      f["price_decline_per_year"], horizon)
    # the last year with capex: the end of the ramp, or the year of a point spend at L
    spend_end = np.maximum(np.ceil(lead + ramp), np.floor(lead + 1e-12) + 1.0)
    n_cap = min(horizon, int(np.max(spend_end))) if m else 0
    t0 = np.arange(n_cap, dtype=float)[:, None]
    capex_rows = _spread(t0, np.zeros(m), lead)
    capex_rows *= f["capex_facility_usd"]
    share_it = _spread(t0, lead, ramp)
    share_it *= f["capex_it_usd"]
    capex_rows += share_it
    priced *= f["revenue_usd_per_year"]            # revenue
    deployed *= f["opex_usd_per_year"]             # opex
    net = priced - deployed
    net[:n_cap] -= capex_rows                      # + capex (capex = -(K_f s_f + K_it s_it))
    # the facility's unrecovered value, credited in the sample's own last year (not the
    # longest sample's), so a draw of a Monte Carlo run has the cash flows it has alone
    residual = f["capex_facility_usd"] * remaining_balance_fraction(
        f["cost_of_capital"], f["life_facility"], life)
    own_last = (np.ceil(lead + life + 1e-9) - 1.0).astype(np.intp)
    net.reshape(-1)[own_last * m + np.arange(m)] += residual
    if not parts:
        return (net,)
    capex = np.full((horizon, m), -0.0)
    np.negative(capex_rows, out=capex[:n_cap])
    return priced, deployed, capex, net


def _spread(t0: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Year-major ``(T, M)`` share of a sum spent evenly over ``[start, start + length)`` that
    falls in each year ``[t, t + 1)`` (``t0`` the column of years): the overlap over the
    length; all of it in the year of ``start`` when the length is ~0."""
    ln = np.maximum(length, 0.0)
    even: np.ndarray = np.minimum(t0 + 1.0, start + ln)
    even -= np.maximum(t0, start)
    np.maximum(even, 0.0, out=even)
    spread = ln > 1e-6
    even /= np.where(spread, ln, 1.0)
    if spread.all():
        return even
    point = t0 == np.floor(start + 1e-12)
    out: np.ndarray = np.where(spread, even, point)
    return out


def _midpoint_sums(lead: np.ndarray, ramp: np.ndarray, life: np.ndarray, decline: np.ndarray,
                   horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Per year ``t < horizon`` (year-major ``(T, M)``): ``(Σ_j f_j ρ^(j+1/2) Δ, Σ_j f_j Δ)``
    over the year's midpoints ``τ_j = (j + 1/2) Δ``, ``Δ = 1/8``, ``ρ = (1 - d)^Δ`` (so
    ``ρ^(j+1/2) = (1 - d)^τ_j``), with the deployed fraction

    ``f_j = 0`` for ``τ_j < L`` or ``τ_j >= L + n``; ``(τ_j - L)/R`` while ramping; 1 after.

    In index space the ramp and the full deployment are runs ``[j0, j1)`` and ``[j1, j2)``
    (``j1 <= j2``), each cut by year ``t`` to ``[m, m + k)`` with ``k <= 8``, and

    ``Σ_{i<k} ρ^(m+i+1/2) (τ_m - L + iΔ)/R = ρ^(m+1/2) ((τ_m - L) G_k + Δ S_k)/R``,
    ``G_k = Σ_{i<k} ρ^i``, ``S_k = Σ_{i<k} i ρ^i`` (tabulated for k = 0..8 per sample, so no
    cancellation as ``d -> 0``); ``Σ_{i<k} (τ_m - L + iΔ)/R = (k (τ_m - L) + Δ k(k-1)/2)/R``.

    ``τ_j >= a`` is ``j >= ceil(a/Δ - 1/2)`` exactly in floating point (``a/Δ`` is exact), so
    the runs hold the same midpoints as a grid would. Each run is evaluated only in the years
    some sample's run reaches (:func:`_rows`; elsewhere its sums are exactly 0).

    Parameters
    ----------
    lead, ramp, life : [yr]
        Construction time ``L``, ramp ``R`` (> 0), IT life ``n``; 1-D arrays of one length.
    decline : [1/yr]
        Price decline ``d`` in [0, 1).
    horizon : int
        Years (the length of the new first axis).
    """
    steps = _STEPS
    dt = 1.0 / steps
    m = lead.size
    priced, deployed = np.zeros((horizon, m)), np.zeros((horizon, m))
    if m == 0 or horizon == 0:
        return priced, deployed
    j0 = np.ceil(steps * lead - 0.5)                                # first midpoint online
    j2 = np.ceil(steps * (lead + life) - 0.5)                       # first one past the life
    # first fully deployed (past the life: the ramp ends with the life)
    j1 = np.minimum(np.maximum(np.ceil(steps * (lead + ramp) - 0.5), j0), j2)
    lam = np.log1p(-decline) * dt                                   # ln ρ
    g_tab, s_tab = np.zeros((steps + 1, m)), np.zeros((steps + 1, m))
    for i in range(steps):                                          # G_k, S_k, k = 0..8
        p = np.exp(lam * float(i))
        np.add(g_tab[i], p, out=g_tab[i + 1])
        p *= float(i)
        np.add(s_tab[i], p, out=s_tab[i + 1])
    # whole indices as integers: clipping, run lengths and table positions need no rounding
    j0, j1, j2 = (j.astype(np.intp) for j in (j0, j1, j2))
    col = np.arange(m, dtype=np.intp)

    def cut(j: np.ndarray, first: np.ndarray) -> np.ndarray:
        """``j`` clipped to each year's indices ``[first, first + 8]``."""
        out: np.ndarray = np.maximum(j, first)
        np.minimum(out, first + steps, out=out)
        return out

    def at(k: np.ndarray) -> np.ndarray:
        """Flat positions of ``tab[k, sample]`` in a ``(9, M)`` table."""
        pos = k * m
        pos += col
        return pos

    # ramping: ρ^(m+1/2) ((τ_m - L) G_k + Δ S_k) / R, and (k (τ_m - L) + Δ k(k-1)/2) / R
    a, b = _rows(j0, j1, horizon)
    if b > a:
        first = steps * np.arange(a, b, dtype=np.intp)[:, None]     # first index of each year
        c0 = cut(j0, first)
        k_r = cut(j1, first)
        k_r -= c0                                                   # ramping midpoints
        pos = at(k_r)
        inv = 1.0 / ramp
        s_r = np.take(s_tab.reshape(-1), pos)
        g_r = np.take(g_tab.reshape(-1), pos)
        half = c0 + 0.5                                             # m + 1/2
        off = half * dt
        off -= lead                                                 # τ_m - L
        ramp_priced = np.exp(np.multiply(lam, half, out=half))
        ramp_priced *= inv
        s_r *= dt
        g_r *= off
        g_r += s_r
        ramp_priced *= g_r
        priced[a:b] = ramp_priced
        ramp_deployed = np.multiply(k_r, off, out=off)
        tri = (dt * 0.5) * k_r
        k_r -= 1
        tri *= k_r
        ramp_deployed += tri
        ramp_deployed *= inv
        deployed[a:b] = ramp_deployed
    # fully deployed: ρ^(m+1/2) G_k, and k
    a, b = _rows(j1, j2, horizon)
    if b > a:
        first = steps * np.arange(a, b, dtype=np.intp)[:, None]
        c1 = cut(j1, first)
        k_p = cut(j2, first)
        k_p -= c1                                                   # fully deployed midpoints
        half = c1 + 0.5
        full_priced = np.exp(np.multiply(lam, half, out=half))
        full_priced *= np.take(g_tab.reshape(-1), at(k_p))
        priced[a:b] += full_priced
        deployed[a:b] += k_p
    priced *= dt
    deployed *= dt
    return priced, deployed


def investment_metrics(cash: CashFlows, cost_of_capital: ArrayLike,
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(npv_usd, irr, discounted_payback_years)`` of the net cash flows at the cost of
    capital (:func:`tokenfab.finance.npv_irr_payback`: :func:`~tokenfab.finance.npv`,
    :func:`~tokenfab.finance.irr`, :func:`~tokenfab.finance.discounted_payback_years`;
    NaN = no IRR / never pays back)."""
    return npv_irr_payback(cost_of_capital, cash.net_usd)


def cash_flow_metrics(**kw: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(npv_usd, irr, discounted_payback_years)`` of :func:`yearly_cash_flows` (same keywords)
    at its ``cost_of_capital``: :func:`investment_metrics` of the net cash alone, built in
    blocks of :data:`CHUNK` samples (a block's ``T x CHUNK`` temporaries stay in cache) into
    one year-major array that :func:`~tokenfab.finance.npv_irr_payback` reads without a copy.
    The same numbers as ``investment_metrics(yearly_cash_flows(**kw), cost_of_capital)``."""
    flat, shape = _flat_inputs(kw)
    n = flat["construction_time"].size
    horizon = _horizon(flat)
    net = np.empty((horizon, n))
    for lo in range(0, n, CHUNK):
        part = slice(lo, min(lo + CHUNK, n))
        net[:, part] = _flows({k: v[part] for k, v in flat.items()}, horizon, parts=False)[0]
    rate = flat["cost_of_capital"]
    npv_, irr_, dpb = npv_irr_payback(rate, net.T)
    return npv_.reshape(shape), irr_.reshape(shape), dpb.reshape(shape)
