"""Rent or build, year by year: a small linear program solved by HiGHS (SciPy ``linprog``).

Decision variables (years ``t = 0 .. T-1`` of the horizon, lead time ``L`` whole years):

* ``B_k[s]`` facility watts of site type ``k`` (``gpu``, and ``asic`` when an ASIC share is
  given) whose construction starts in year ``s``; they open, with the hardware generation of
  year ``s + L``, in year ``s + L`` (only ``s <= T-1-L`` can open within the horizon);
* ``R_c[s]`` accelerators rented under contract ``c`` (``n_c`` years) signed in year ``s``,
  of the generation of year ``s``;
* ``A_t`` accelerator-equivalents of demand served by ASIC sites;
* ``U_t`` unserved demand (accelerator-equivalents), an explicit slack with a penalty per token.

Minimise the present value of cash cost plus the unserved penalty

.. math::
    \\sum_t \\delta_t \\Big[ \\sum_{k, o \\le t} c_k W_{k,o}
        + \\sum_{c, s \\le t < s + n_c} p_{c,s} R_c[s] + \\pi \\, \\tau \\, U_t \\Big],
    \\qquad \\delta_t = (1 + r)^{-t}

subject to, every year ``t``: GPU capacity + ``A_t`` + ``U_t`` >= demand; ``A_t`` <= ASIC
capacity and <= the ASIC-eligible share of demand; rented accelerators <= the rental cap;
power opening in year ``t`` <= the power that can be connected that year; optionally total
power <= a cap. Capacity per watt of a site grows with the generation it runs
(:func:`tokenfab.plan.econ.generation_year`); ``c_k`` is the annualised cost per watt
(:func:`tokenfab.plan.econ.build_cost_per_w_year`).

References: SciPy ``linprog(method="highs")``; Huangfu & Hall, "Parallelizing the dual revised
simplex method", *Math. Prog. Comp.* 10 (2018) 119-142 (HiGHS).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linprog

from tokenfab.demand.supply import accelerators_for_tokens
from tokenfab.errors import InfeasibleError, TokenfabError
from tokenfab.finance import discount_factors
from tokenfab.plan import econ
from tokenfab.plan.inputs import PlanPoint

__all__ = ["PlanResult", "YEAR_COLUMNS", "site_costs", "solve"]

# variable scaling for a well-conditioned LP: GW, millions of accelerators, USD bn
_W = 1e9
_ACC = 1e6
_USD = 1e9

#: per-year outputs of :class:`PlanResult` (name -> unit)
YEAR_COLUMNS: dict[str, str] = {
    "year": "",
    "demand_tokens": "tokens/yr",
    "demand_accelerators": "accelerator-equivalents",
    "demand_w": "W",
    "rented_accelerators": "accelerators",
    "build_started_w": "W",
    "built_w": "W",
    "online_w": "W",
    "asic_online_w": "W",
    "capacity_accelerators": "accelerator-equivalents",
    "rented_capacity_accelerators": "accelerator-equivalents",
    "asic_capacity_accelerators": "accelerator-equivalents",
    "asic_served_accelerators": "accelerator-equivalents",
    "served_tokens": "tokens/yr",
    "unserved_tokens": "tokens/yr",
    "idle_fraction": "fraction",
    "rent_cost_usd": "USD",
    "build_cost_usd": "USD",
    "cost_usd": "USD",
    "unserved_penalty_usd": "USD",
}


@dataclass(frozen=True)
class SiteCosts:
    """Annualised cost of a watt of each site type and of a rented accelerator [USD]."""

    gpu_usd_per_w_year: float
    asic_usd_per_w_year: float
    rent_usd_per_accelerator_year: np.ndarray  # (contracts, T): signed in year t


def _asic_it_share(capex: float, it_share: float, saving: float) -> float:
    if saving >= it_share:
        raise TokenfabError(f"must be below the IT share of capex ({it_share:.3f}): an ASIC can "
                            "only save on IT equipment", field="plan.asic_capex_saving",
                            value=saving)
    return (it_share - saving) / (1.0 - saving)


def site_costs(p: PlanPoint) -> SiteCosts:
    """Yearly cost per watt of GPU and ASIC sites and per rented accelerator (point inputs)."""
    args = dict(rate=p.cost_of_capital, it_life_years=p.it_life_years,
                facility_life_years=p.facility_life_years, lead_years=p.lead_time_years,
                opex_usd_per_w_year=p.opex_usd_per_w_year)
    gpu = float(econ.build_cost_per_w_year(p.capex_usd_per_w, p.it_capex_share, **args))
    k = p.capex_usd_per_w
    sav = p.asic_capex_saving
    asic = float(econ.build_cost_per_w_year(k * (1.0 - sav),
                                            _asic_it_share(k, p.it_capex_share, sav), **args))
    t = np.arange(p.years)
    rent = np.array([econ.rent_cost_per_accelerator_year(pr, p.rent_price_trend, t)
                     for pr in p.rent_prices_usd_per_hour])
    return SiteCosts(gpu, asic, rent)


@dataclass(frozen=True)
class PlanResult:
    """The optimal plan: per-year columns (see :data:`YEAR_COLUMNS`, SI) and totals."""

    inputs: PlanPoint
    columns: dict[str, np.ndarray]
    rented_by_contract: dict[str, np.ndarray]
    present_cost_usd: float
    present_penalty_usd: float
    build_started_w: dict[str, np.ndarray]
    costs: SiteCosts
    lead_years: int
    notes: list[str] = field(default_factory=list)

    @property
    def objective_usd(self) -> float:
        """Present cash cost plus present unserved penalty (what the LP minimises) [USD]."""
        return self.present_cost_usd + self.present_penalty_usd

    @property
    def total_unserved_tokens(self) -> float:
        return float(self.columns["unserved_tokens"].sum())

    @property
    def first_build_year(self) -> int | None:
        """Calendar year of the first construction start, or None if the plan never builds."""
        started = np.sum(list(self.build_started_w.values()), axis=0)
        idx = np.flatnonzero(started > 1e-6 * max(1.0, float(started.max(initial=0.0))))
        return None if idx.size == 0 else int(self.inputs.start_year + idx[0])

    def to_frame(self) -> pd.DataFrame:
        """One row per year (the columns of :data:`YEAR_COLUMNS` and rentals by contract)."""
        return pd.DataFrame(self.rows()).set_index("year")

    def to_dict(self) -> dict[str, Any]:
        """The per-year rows and the totals (SI: W, USD, tokens)."""
        return {"years": self.rows(), "present_cost_usd": self.present_cost_usd,
                "present_unserved_penalty_usd": self.present_penalty_usd,
                "total_unserved_tokens": self.total_unserved_tokens,
                "first_build_year": self.first_build_year, "notes": list(self.notes)}

    def rows(self) -> list[dict[str, Any]]:
        """One dict per year (the CLI table and JSON)."""
        out = []
        for i in range(self.inputs.years):
            row: dict[str, Any] = {k: float(v[i]) for k, v in self.columns.items()}
            row["year"] = int(self.columns["year"][i])
            for name, arr in self.rented_by_contract.items():
                row[f"rented_{name}"] = float(arr[i])
            out.append(row)
        return out


def caps(p: PlanPoint) -> tuple[np.ndarray, np.ndarray]:
    """Rental cap [accelerators] and connectable new power [W] of each year."""
    t = np.arange(p.years, dtype=float)
    rcap = p.rental_cap * (1.0 + p.rental_cap_growth) ** t
    pcap = p.power_cap_w_per_year * (1.0 + p.power_cap_growth) ** t
    return rcap, pcap


def solve(p: PlanPoint, *, allow_build: bool = True, include_committed: bool = True,
          fixed_builds_w: dict[str, np.ndarray] | None = None,
          asic_share_path: np.ndarray | None = None) -> PlanResult:
    """Solve the rent-or-build LP for point inputs ``p`` (see the module docstring).

    Parameters
    ----------
    p : PlanPoint
        Point inputs (``inputs.point()`` or one of ``inputs.draw(options)``).
    allow_build : bool
        False: no new construction (the "rent only" plan).
    include_committed : bool
        False: ignore the committed sites as well (renting alone).
    fixed_builds_w : dict, optional
        ``{"gpu": W per start year, "asic": ...}``: construction fixed to a given schedule
        (the rest -- renting, ASIC dispatch, unserved -- re-optimised). Used to price building
        too early / too late and a model-mix change.
    asic_share_path : numpy.ndarray, optional
        ASIC-eligible share of demand per year (default: ``asic_share`` every year).

    Returns
    -------
    PlanResult
    """
    T, L = p.years, p.lead_years()
    t = np.arange(T)
    df = discount_factors(p.cost_of_capital, T)
    tok_per_acc = p.tokens_per_accelerator_year()
    demand_tok = econ.demand_path(p.base_demand_tokens(), p.users_growth, p.per_user_growth, T)
    demand_acc = accelerators_for_tokens(demand_tok, p.tokens_per_accelerator_s, p.utilization)
    n_it = p.it_life_years
    speed = p.speedup_per_year
    gen0 = p.start_year - p.reference_year
    acc_per_w = 1.0 / p.accelerator_power_w

    share = (np.full(T, p.asic_share) if asic_share_path is None
             else np.asarray(asic_share_path, dtype=float))
    use_asic = bool(np.any(share > 0)) or (fixed_builds_w is not None
                                          and np.any(fixed_builds_w.get("asic", 0) > 0))
    kinds = ["gpu", "asic"] if use_asic else ["gpu"]
    costs = site_costs(p)
    cw = {"gpu": costs.gpu_usd_per_w_year, "asic": costs.asic_usd_per_w_year}
    perf = {"gpu": 1.0, "asic": p.asic_perf_per_w}

    def cap_per_w(opening: int) -> np.ndarray:
        """Accelerator-equivalents per W of a site opening in year ``opening``, each year."""
        g = econ.generation_year(opening, t, n_it)
        return np.where(t >= opening, acc_per_w * speed ** (gen0 + g), 0.0)

    # --- variable layout --------------------------------------------------------
    nb = max(T - L, 0)
    idx: dict[str, slice] = {}
    n = 0
    for k in kinds:
        idx[f"B_{k}"] = slice(n, n + nb)
        n += nb
    for c in p.rent_names:
        idx[f"R_{c}"] = slice(n, n + T)
        n += T
    if use_asic:
        idx["A"] = slice(n, n + T)
        n += T
    idx["U"] = slice(n, n + T)
    n += T

    cost = np.zeros(n)
    bounds: list[tuple[float, float | None]] = [(0.0, None)] * n
    # capacity matrices (rows: years) in M accelerator-equivalents per variable unit
    cap_gpu = np.zeros((T, n))
    cap_asic = np.zeros((T, n))
    rent_rows = np.zeros((T, n))
    rent_rows_cap = np.zeros((T, n))
    power_rows = np.zeros((T, n))
    for k in kinds:
        sl = idx[f"B_{k}"]
        for j, s in enumerate(range(nb)):
            o = s + L
            col = sl.start + j
            in_service = t >= o
            cost[col] = cw[k] * _W / _USD * float(df[in_service].sum())
            capv = cap_per_w(o) * perf[k] * _W / _ACC
            (cap_gpu if k == "gpu" else cap_asic)[:, col] = capv
            power_rows[o, col] = 1.0
            if not allow_build:
                bounds[col] = (0.0, 0.0)
            if fixed_builds_w is not None:
                v = float(np.asarray(fixed_builds_w.get(k, np.zeros(nb)))[j]) / _W
                bounds[col] = (v, v)
    for ci, (c, n_c) in enumerate(zip(p.rent_names, p.rent_years, strict=True)):
        sl = idx[f"R_{c}"]
        for s in range(T):
            col = sl.start + s
            active = (t >= s) & (t < s + n_c)
            cost[col] = costs.rent_usd_per_accelerator_year[ci, s] * _ACC / _USD * float(
                df[active].sum())
            cap_gpu[active, col] = speed ** (gen0 + s)
            rent_rows_cap[active, col] = speed ** (gen0 + s)
            rent_rows[active, col] = 1.0
    for i in range(T):
        u = idx["U"].start + i
        cost[u] = tok_per_acc * p.unserved_penalty_usd_per_token * _ACC / _USD * df[i]
        if use_asic:
            a = idx["A"].start + i
            bounds[a] = (0.0, share[i] * demand_acc[i] / _ACC)

    # committed sites: fixed GPU capacity and cost
    committed_cap = np.zeros(T)
    committed_cost = np.zeros(T)
    committed_online_w = np.zeros(T)
    committed_new_w = np.zeros(T)
    if include_committed:
        for y, pw in zip(p.committed_years, p.committed_power_w, strict=True):
            o = y - p.start_year
            committed_cap += cap_per_w(o) * pw
            committed_cost += np.where(t >= o, cw["gpu"] * pw, 0.0)
            committed_online_w += np.where(t >= o, pw, 0.0)
            committed_new_w[o] += pw

    # --- constraints: A_ub x <= b_ub --------------------------------------------
    rows, rhs = [], []
    # demand: cap_gpu x + A + U >= demand - committed
    dem = -cap_gpu.copy()
    if use_asic:
        dem[np.arange(T), idx["A"].start + np.arange(T)] = -1.0
    dem[np.arange(T), idx["U"].start + np.arange(T)] = -1.0
    rows.append(dem)
    rhs.append(-(demand_acc - committed_cap) / _ACC)
    if use_asic:
        asic = -cap_asic.copy()
        asic[np.arange(T), idx["A"].start + np.arange(T)] = 1.0
        rows.append(asic)
        rhs.append(np.zeros(T))
    rcap, pcap = caps(p)
    rows.append(rent_rows)
    rhs.append(rcap / _ACC)
    if nb and fixed_builds_w is None:  # power caps bind decisions, not a given schedule
        rows.append(power_rows[L:])
        rhs.append(pcap[L:] / _W)
        if p.total_power_cap_w is not None:
            room = p.total_power_cap_w - (sum(p.committed_power_w) if include_committed else 0.0)
            if room < 0:
                raise TokenfabError(
                    f"committed sites ({sum(p.committed_power_w) / 1e9:.3g} GW) exceed "
                    f"total_power_cap ({p.total_power_cap_w / 1e9:.3g} GW)",
                    field="plan.total_power_cap", value=p.total_power_cap_w)
            tot = np.zeros((1, n))
            for k in kinds:
                tot[0, idx[f"B_{k}"]] = 1.0
            rows.append(tot)
            rhs.append(np.array([room / _W]))
    A_ub = np.vstack(rows)
    b_ub = np.concatenate(rhs)
    res = linprog(cost, A_ub=A_ub, b_ub=b_ub, bounds=bounds, method="highs")
    if res.status != 0:
        # the slack U makes every plan feasible; only a fixed schedule can break power caps
        raise InfeasibleError(
            f"the rent-or-build LP has no solution: {res.message}; demand reaches "
            f"{float(np.max(demand_acc)):.3g} accelerator-equivalents "
            f"({float(np.max(demand_tok)):.3g} tokens/yr); if that is out of scale, check "
            "demand_tokens_per_year, users_growth, per_user_growth and years", field="plan")
    x = res.x

    # --- outputs -------------------------------------------------------------------
    def var(name: str) -> np.ndarray:
        out: np.ndarray = x[idx[name]]
        return out

    started = {k: np.zeros(T) for k in kinds}
    online_new = {k: np.zeros(T) for k in kinds}
    for k in kinds:
        b = var(f"B_{k}") * _W
        started[k][:nb] = b
        online_new[k][L:L + nb] = b
    rented_by = {}
    rent_cost = np.zeros(T)
    rented_total = np.zeros(T)
    for ci, (c, n_c) in enumerate(zip(p.rent_names, p.rent_years, strict=True)):
        r = var(f"R_{c}") * _ACC
        on = np.zeros(T)
        for s in range(T):
            on[s:s + n_c] += r[s]
            rent_cost[s:s + n_c] += r[s] * costs.rent_usd_per_accelerator_year[ci, s]
        rented_by[c] = on
        rented_total += on
    online = {k: np.cumsum(online_new[k]) for k in kinds}
    build_cost = committed_cost + sum(cw[k] * online[k] for k in kinds)
    asic_cap = cap_asic @ x * _ACC if use_asic else np.zeros(T)
    asic_served = var("A") * _ACC if use_asic else np.zeros(T)
    capacity = cap_gpu @ x * _ACC + committed_cap + asic_cap
    unserved_acc = np.maximum(var("U") * _ACC, 0.0)
    served_acc = demand_acc - unserved_acc
    idle = np.where(capacity > 0, np.clip(1.0 - served_acc / np.where(capacity > 0, capacity, 1.0),
                                          0.0, 1.0), 0.0)
    cash = rent_cost + build_cost
    penalty = unserved_acc * tok_per_acc * p.unserved_penalty_usd_per_token
    columns = {
        "year": (p.start_year + t).astype(float),
        "demand_tokens": demand_tok,
        "demand_accelerators": demand_acc,
        # power that would serve all demand with the newest generation of that year
        "demand_w": demand_acc / speed ** (gen0 + t) / acc_per_w,
        "rented_accelerators": rented_total,
        "build_started_w": np.sum(list(started.values()), axis=0),
        "built_w": np.sum(list(online_new.values()), axis=0) + committed_new_w,
        "online_w": np.sum(list(online.values()), axis=0) + committed_online_w,
        "asic_online_w": online.get("asic", np.zeros(T)),
        "capacity_accelerators": capacity,
        "rented_capacity_accelerators": rent_rows_cap @ x * _ACC,
        "asic_capacity_accelerators": asic_cap,
        "asic_served_accelerators": asic_served,
        "served_tokens": served_acc * tok_per_acc,
        "unserved_tokens": unserved_acc * tok_per_acc,
        "idle_fraction": idle,
        "rent_cost_usd": rent_cost,
        "build_cost_usd": build_cost,
        "cost_usd": cash,
        "unserved_penalty_usd": penalty,
    }
    for k, v in columns.items():
        if not np.all(np.isfinite(v)):
            raise FloatingPointError(f"plan column {k!r} is not finite")
    notes = []
    if abs(L - p.lead_time_years) > 1e-6:
        notes.append(f"lead time {p.lead_time_years:.2f} yr rounded up to {L} whole "
                     "years: a site serves from the first full year after it opens")
    if nb == 0:
        notes.append(f"lead time {L} yr >= horizon {T} yr: nothing started now opens in time")
    return PlanResult(
        inputs=p, columns=columns, rented_by_contract=rented_by,
        present_cost_usd=float(np.sum(cash * df)),
        present_penalty_usd=float(np.sum(penalty * df)),
        build_started_w=started, costs=costs, lead_years=L, notes=notes)
