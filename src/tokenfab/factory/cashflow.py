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
  unrecovered value (``remaining_balance_fraction``) is credited in the last year;
* the token price falls by ``price_decline_per_year`` from today: ``p(τ) = p_0 (1 - d)^τ``,
  so construction delay costs price.

Year ``t`` collects ``revenue_0 ∫ f(τ) (1-d)^τ dτ - opex_0 ∫ f(τ) dτ`` over ``[t, t+1)``,
with ``f`` the deployed fraction, integrated with 8 midpoints per year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from tokenfab.finance import discounted_payback_years, irr, npv, remaining_balance_fraction
from tokenfab.units import SECONDS_PER_YEAR

__all__ = ["CashFlows", "investment_metrics", "yearly_cash_flows"]

_STEPS = 8  # midpoints per year


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
    tau = (np.arange(horizon * _STEPS) + 0.5) / _STEPS  # midpoints [yr]
    ex = (...,) + (None,) * 1
    lead_, ramp_, life_ = (np.broadcast_to(v, shape)[ex] for v in (lead, ramp, life))
    online = (tau >= lead_) & (tau < lead_ + life_)
    f = np.where(online, np.clip((tau - lead_) / np.maximum(ramp_, 1e-9), 0.0, 1.0), 0.0)
    price = (1.0 - np.broadcast_to(_a(price_decline_per_year), shape)[ex]) ** tau
    dt = 1.0 / _STEPS

    def per_year(x: np.ndarray) -> np.ndarray:
        out: np.ndarray = x.reshape(x.shape[:-1] + (horizon, _STEPS)).sum(axis=-1) * dt
        return out

    rev = np.broadcast_to(_a(revenue_usd_per_year), shape)[ex] * per_year(f * price)
    opex = np.broadcast_to(_a(opex_usd_per_year), shape)[ex] * per_year(f)
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
    net[..., -1] += residual
    return CashFlows(rev, opex, capex, net)


def investment_metrics(cash: CashFlows, cost_of_capital: ArrayLike,
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(npv_usd, irr, discounted_payback_years)`` of the net cash flows at the cost of
    capital (:func:`tokenfab.finance.npv`, :func:`~tokenfab.finance.irr`,
    :func:`~tokenfab.finance.discounted_payback_years`; NaN = no IRR / never pays back)."""
    return (npv(cost_of_capital, cash.net_usd), irr(cash.net_usd),
            discounted_payback_years(cost_of_capital, cash.net_usd))
