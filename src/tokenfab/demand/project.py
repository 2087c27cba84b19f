"""The demand projection: three laws x growth -> FLOPs and tokens per year -> supply.

:func:`demand_model` is the vectorized model (years x samples); :func:`project` runs it once at
the likely inputs and, with ``samples > 0``, on Monte Carlo draws of every range (the shared
:mod:`tokenfab.uncertainty` mechanism), and decomposes the growth into its factors.

Identities (per year ``t``)
---------------------------
* pre-training   ``C_pre = runs(t) * C_run(t)``; ``C_run(0) = frontier_run_flops`` or
  ``6 N (r o N)`` from ``frontier_params``; implied ``N, D`` by :func:`chinchilla_allocation`.
* post-training  ``C_RL = rho(t) C_pre`` (ratio mode) or rollouts x tokens x ``N (2 + 6 f)``.
* inference      ``C_inf = users(t) * q(t) * 365.25 * sum_k s_k(t) F_k(t) * m(t)`` over query
  kinds ``k`` (chat, reasoning chain, tree search, agent) with shares ``s_k`` and FLOPs per
  query ``F_k`` (:func:`tokenfab.demand.laws.query_flops`), ``m(t)`` the served-model growth.
* supply         accelerators = tokens / (tokens/s/accelerator x year x utilization)
  + training FLOPs / (peak x MFU x year); GW = accelerators x all-in power; capex per
  :func:`tokenfab.demand.supply.annual_capex_split_usd` (IT the year capacity comes online,
  facility spent over the construction time before it).
* comparison     ``accelerator_spend = capex x accelerator share`` (absolute level) and
  ``demand_indexed_spend = S_0 V(t) / V(t_0)``: the analysts' observed base-year spending
  ``S_0`` grown like the demand-implied installed capacity value ``V = GW x capex/W`` (the
  growth of demand applied to today's real spending, whatever today's utilization), against
  ``analyst_spend`` (``S_0`` grown ~8 %/yr).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.claims import Finding
from tokenfab.demand import growth as gr
from tokenfab.demand import laws, supply
from tokenfab.demand.baseyear import base_year_findings
from tokenfab.demand.inputs import (
    DemandInputs,
    DemandSection,
    parse_years,
    resolve_demand,
)
from tokenfab.errors import TokenfabError
from tokenfab.inputs import RunOptions
from tokenfab.perf.model_costs import ModelCosts, model_costs
from tokenfab.uncertainty import likely
from tokenfab.units import DAYS_PER_YEAR, SECONDS_PER_YEAR

__all__ = ["MAIN_OUTPUTS", "ROW_OUTPUTS", "DemandProjection", "demand_model", "project"]

#: outputs that get percentile bands and JSON rows
MAIN_OUTPUTS = ("pretraining_flops", "post_training_flops", "inference_flops", "tokens",
                "accelerators", "gw", "capex_usd", "accelerator_spend_usd",
                "demand_indexed_spend_usd")

#: outputs in each year's JSON row (units: FLOP/yr, tokens/yr, accelerators, GW, USD/yr ...)
ROW_OUTPUTS = ("pretraining_flops", "post_training_flops", "inference_flops", "tokens",
               "tokens_billed", "api_tokens", "power_w_three_laws", "power_w_other",
               "accelerators_three_laws", "accelerators_other", "accelerators", "h100e",
               "accelerators_inference",
               "accelerators_training", "gw", "capex_usd", "capex_facility_usd",
               "accelerator_spend_usd", "analyst_spend_usd", "demand_indexed_spend_usd", "users",
               "queries_per_user_per_day", "tokens_per_query", "flops_per_token",
               "frontier_run_flops", "frontier_params", "reasoning_query_share", "agent_share")


def _check_share(name: str, x: np.ndarray, years: list[int]) -> None:
    bad = (x < 0) | (x > 1 + 1e-12)
    if np.any(bad):
        row = int(np.argwhere(bad)[0][0])
        raise TokenfabError(
            f"reaches {float(np.asarray(x)[bad].ravel()[0]):.3g} in {years[row]}; a share must stay "
            "in [0, 1] (give the growth a logistic curve with a ceiling <= 1, or a lower rate)",
            field=name)


def demand_model(t: np.ndarray, p: Mapping[str, Any], *, kinds: Mapping[str, str],
                 rl_mode: str, costs: ModelCosts, hw: supply.GenerationTable, years: list[int],
                 ref_flops_per_token: float, max_context_tokens: float = np.inf
                 ) -> dict[str, np.ndarray]:
    """Demand and supply for years ``t`` (a column, years since the base year) and inputs ``p``.

    Inputs in ``p`` are numbers or arrays of samples (broadcast against ``t``); ``hw`` holds
    the per-year hardware (arrays over years), its (input + output) tokens/s measured at a request shape whose
    FLOPs per token are ``ref_flops_per_token``: a year whose mix costs more FLOPs per token
    (longer contexts, a larger served model) gets proportionally fewer tokens/s. Returns arrays
    of shape (years, samples) (or (years, 1)) keyed by output name; units: FLOP/yr, tokens/yr,
    accelerators, W, USD/yr.
    """
    t = np.asarray(t, float).reshape(-1, 1)

    def grow(name: str, x0: Any) -> np.ndarray:
        return gr.curve(kinds[name], t, x0, p[f"growth.{name}.rate"], p.get(f"growth.{name}.ceiling"))

    # --- pre-training: 6 N D -------------------------------------------------------
    ratio_tp = np.asarray(p["tokens_per_param"], float) * np.asarray(p["overtrain"], float)
    if "frontier_params" in p:
        n0 = np.asarray(p["frontier_params"], float)
        c0 = laws.pretraining_flops(n0, ratio_tp * n0)
    else:
        c0 = np.asarray(p["frontier_run_flops"], float)
    run_flops = grow("frontier_run_flops", c0)
    runs = grow("frontier_runs", p["frontier_runs_per_year"])
    pre = runs * run_flops
    n_params, d_tokens = laws.chinchilla_allocation(run_flops, ratio_tp)
    # --- post-training (RL) -------------------------------------------------------
    if rl_mode == "ratio":
        rho = grow("rl_ratio", p["rl_to_pretrain_ratio"])
        post = laws.rl_flops_from_ratio(pre, rho)
    else:
        policy = np.asarray(p["rl_active_params"], float) if "rl_active_params" in p else n_params
        post = laws.rl_flops_from_rollouts(grow("rl_rollouts", p["rl_rollouts_per_year"]),
                                           p["rl_tokens_per_rollout"], policy, p["rl_trained_fraction"])
    # --- inference ------------------------------------------------------------------
    users = grow("users", p["users"])
    qpd = grow("queries_per_user", p["queries_per_user_per_day"])
    queries = users * qpd * DAYS_PER_YEAR
    m = np.asarray(p["reasoning_multiplier"], float)
    a0 = np.asarray(p["answer_tokens"], float)
    answer = grow("answer_tokens", a0)
    reasoning = grow("reasoning_tokens", (m - 1.0) * a0)
    q_reason = grow("reasoning_share", laws.query_share_from_token_share(p["reasoning_token_share"], m))
    s_tree = grow("tree_share", p["tree_share"])
    s_agent = grow("agent_share", p["agent_share"])
    for name, x in (("reasoning_share", q_reason), ("tree_share", s_tree), ("agent_share", s_agent),
                    ("tree_share + agent_share", s_tree + s_agent)):
        _check_share(name, x, years)
    rest = 1.0 - s_tree - s_agent
    inp = p["input_tokens"]
    shapes = {
        "chat": laws.chain_tokens(inp, answer, 0.0),
        "reasoning": laws.chain_tokens(inp, answer, reasoning),
        "tree": laws.tree_tokens(inp, answer, p["tree_branching"], p["tree_depth"],
                                 p["tree_keep_fraction"], p["tree_tokens_per_node"],
                                 p["tree_eval_tokens_per_node"]),
        "agent": laws.agent_tokens(grow("agent_steps", p["agent_steps"]),
                                   p["agent_initial_context_tokens"],
                                   p["agent_output_tokens_per_step"],
                                   p["agent_tool_tokens_per_step"], p["agent_cache_hit_fraction"],
                                   max_context_tokens),
    }
    shares = {"chat": rest * (1.0 - q_reason), "reasoning": rest * q_reason, "tree": s_tree,
              "agent": s_agent}
    model_growth = grow("model_flops", 1.0)
    flops_q = sum(shares[k] * laws.query_flops(costs, *shapes[k][1:]) for k in shapes) * model_growth
    tokens_q = sum(shares[k] * (shapes[k][1] + shapes[k][2]) for k in shapes)
    billed_q = sum(shares[k] * shapes[k][0] for k in shapes)
    api = grow("api_tokens", p["api_tokens_per_year"])
    assistant_tokens = queries * tokens_q
    tokens = assistant_tokens + api
    inf = tokens * flops_q / tokens_q
    # --- supply -----------------------------------------------------------------------
    tps = hw.processed_tokens_per_s_per_accelerator.reshape(-1, 1)
    peak = hw.peak_flops_per_s.reshape(-1, 1)
    flops_per_token = flops_q / tokens_q
    acc_inf = supply.accelerators_for_tokens(tokens, tps * ref_flops_per_token / flops_per_token,
                                             p["inference_utilization"])
    acc_train = (supply.accelerators_for_flops(pre, peak, p["pretraining_mfu"])
                 + supply.accelerators_for_flops(post, peak, p["post_training_mfu"]))
    acc = acc_inf + acc_train
    watts = supply.power_w(acc, hw.allin_power_w.reshape(-1, 1))
    capex_w = (np.asarray(p["capex_usd_per_w"], float) if "capex_usd_per_w" in p
               else hw.capex_usd_per_w.reshape(-1, 1))
    out = {
        "pretraining_flops": pre, "post_training_flops": post, "inference_flops": inf,
        "tokens": tokens, "tokens_billed": queries * billed_q + api,
        "api_tokens": api,
        "token_uplift": np.divide(tokens, assistant_tokens, out=np.ones(np.broadcast_shapes(
            np.shape(tokens), np.shape(assistant_tokens))), where=assistant_tokens > 0),
        "frontier_run_flops": run_flops, "frontier_runs": runs, "frontier_params": n_params,
        "frontier_tokens": d_tokens, "users": users, "queries_per_user_per_day": qpd,
        "queries": queries, "tokens_per_query": tokens_q, "flops_per_token": flops_per_token,
        "reasoning_query_share": rest * q_reason, "agent_share": s_agent, "tree_share": s_tree,
        "accelerators_inference": acc_inf, "accelerators_training": acc_train,
        "accelerators": acc, "power_w": watts, "capex_usd_per_w": capex_w * np.ones_like(watts),
        "h100e_per_accelerator": hw.h100e_per_accelerator.reshape(-1, 1)
        if hw.h100e_per_accelerator is not None else np.ones_like(watts),
        "capex_facility_usd_per_w": capex_w * hw.facility_share().reshape(-1, 1)
        * np.ones_like(watts),
    }
    return {k: np.broadcast_to(np.asarray(v, float), np.broadcast_shapes(np.shape(v), t.shape))
            for k, v in out.items()}


def installed_power_w(p: Mapping[str, Any]) -> np.ndarray:
    """All-in facility power of the base year's installed fleet [W].

    ``P_0 = P_chip x k`` with ``P_chip`` the chips' own power (Epoch AI: "over 10 GW of direct
    chip power draw, before server and data-center overhead") and ``k`` the all-in watts per
    chip watt (``fleet_power_overhead``: Epoch's system overhead 1.82 x PUE), unless the
    scenario gives ``installed_power_w`` itself.
    """
    if p.get("installed_power_w") is not None:
        return np.asarray(p["installed_power_w"], float)
    out: np.ndarray = (np.asarray(p["installed_chip_power_w"], float)
                       * np.asarray(p["fleet_power_overhead"], float))
    return out


def _finish(out: dict[str, np.ndarray], p: Mapping[str, Any], years_ext: list[int],
            base_year: int, analyst_base_year: int, analyst_mode: str) -> dict[str, np.ndarray]:
    """The fleet the three laws leave out, capex (needs last year's power), spending and GW;
    drops the extra first year."""
    t = np.asarray(years_ext, float) - base_year
    if base_year not in years_ext:
        raise TokenfabError(f"must include the base year {base_year} (its published fleet "
                            "anchors the workloads the three laws leave out); got "
                            f"{years_ext[1]}:{years_ext[-1]}", field="years")
    b = years_ext.index(base_year)
    laws_w = out["power_w"]
    installed_w = installed_power_w(p)
    other_w = supply.other_workloads_power_w(t, laws_w, b, installed_w,
                                             p["installed_power_growth"],
                                             p["other_workloads_growth"])
    # the fleet the three laws leave out runs at the installed base's compute per watt
    # (Epoch's H100e over its all-in power), not the newest generation's
    h100e_per_w = np.asarray(p["installed_h100e"], float) / installed_w
    gen_h100e = out["h100e_per_accelerator"]
    other_acc = other_w * h100e_per_w / gen_h100e
    out = {**out, "power_w_three_laws": laws_w, "power_w_other": other_w,
           "accelerators_three_laws": out["accelerators"],
           "accelerators_other": other_acc,
           "h100e": out["accelerators"] * gen_h100e + other_w * h100e_per_w,
           "power_w": laws_w + other_w, "accelerators": out["accelerators"] + other_acc}
    w = out["power_w"]
    cap_f = out["capex_facility_usd_per_w"]
    it, fac = supply.annual_capex_split_usd(w, out["capex_usd_per_w"] - cap_f, cap_f,
                                            p["capex_life_years"], p["capex_life_facility_years"],
                                            p["construction_years"])
    capex = it + fac
    res = {k: v[1:] for k, v in out.items() if k != "h100e_per_accelerator"}
    res["gw"] = res["power_w"] / 1e9
    res["capex_usd"] = capex
    res["capex_facility_usd"] = fac
    res["accelerator_spend_usd"] = capex * np.asarray(p["accelerator_share_of_capex"], float)
    yrs = np.asarray(years_ext[1:], float).reshape(-1, 1)
    res["analyst_spend_usd"] = supply.analyst_baseline(yrs, analyst_base_year, p["analyst_base_usd"],
                                                       p["analyst_growth"], analyst_mode) * np.ones_like(capex)
    # observed base-year spending grown like the demand-implied installed capacity (USD of it)
    value = res["power_w"] * res["capex_usd_per_w"]
    yl = years_ext[1:]
    b = yl.index(analyst_base_year) if analyst_base_year in yl else 0
    res["demand_indexed_spend_usd"] = (np.asarray(p["analyst_base_usd"], float)
                                       * value / value[b:b + 1])
    return res


@dataclass(frozen=True)
class DemandProjection:
    """A projection: per-year outputs at the likely inputs, percentile bands, decomposition.

    ``point[k]`` and ``bands[k][q]`` are arrays over :attr:`years` in SI (FLOP/yr, tokens/yr,
    accelerators, W, USD/yr; ``gw`` in GW as its name says).
    """

    years: list[int]
    point: dict[str, np.ndarray]
    bands: dict[str, dict[str, np.ndarray]] | None
    samples: int
    decomposition: dict[str, Any]
    hardware: supply.GenerationTable
    section: DemandSection
    inputs: DemandInputs
    notes: list[str] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    base_year: list[Finding] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per year (the JSON ``years`` list)."""
        out = []
        for i, y in enumerate(self.years):
            row: dict[str, Any] = {"year": y, "hardware": self.hardware.hardware[i + 1]}
            for k in ROW_OUTPUTS:
                row[k] = float(self.point[k][i])
            row["power_w"] = float(self.point["power_w"][i])
            if self.bands is not None:
                row["bands"] = {k: {q: float(v[i]) for q, v in self.bands[k].items()}
                                for k in MAIN_OUTPUTS}
            out.append(row)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"years": self.rows(), "growth_decomposition": self.decomposition,
                "checks": self.checks, "samples": self.samples,
                "base_year": [f.to_dict() for f in self.base_year],
                "hardware": self.hardware.to_dict(), "notes": self.notes}

    def to_frame(self) -> pd.DataFrame:
        """One row per year: the point outputs (no bands)."""
        return pd.DataFrame([{k: v for k, v in r.items() if k != "bands"} for r in self.rows()]
                            ).set_index("year")


def _decomposition(pt: dict[str, np.ndarray], years: list[int], claim_multiple: float,
                   claim_horizon: float | None) -> dict[str, Any]:
    """Factor multiples first -> last year, their log shares, and the claim split into them."""
    horizon = years[-1] - years[0]
    first, last = 0, len(years) - 1

    def mult(x: np.ndarray, inputs: str = "") -> float:
        if not x[first] > 0:  # a zero start leaves every multiple of this law 0/0
            raise TokenfabError(
                f"is {float(x[first]):g} in {years[0]}, so its growth to {years[-1]} (the "
                "growth decomposition) is undefined; give a positive value", field=inputs)
        return float(x[last] / x[first])

    inf_factors = {
        "users": mult(pt["users"], "demand.users"),
        "queries_per_user": mult(pt["queries_per_user_per_day"],
                                 "demand.queries_per_user_per_day"),
        "tokens_per_query": mult(pt["tokens_per_query"]),
        "api_uplift": mult(pt["token_uplift"]),
        "flops_per_token": mult(pt["flops_per_token"]),
    }
    pre_factors = {"frontier_runs": mult(pt["frontier_runs"], "demand.frontier_runs_per_year"),
                   "flops_per_run": mult(pt["frontier_run_flops"])}
    post_factors = {"pretraining": mult(pt["pretraining_flops"]),
                    "rl_to_pretrain_ratio": mult(
                        pt["post_training_flops"] / pt["pretraining_flops"],
                        "demand.rl_to_pretrain_ratio (rl_rollouts_per_year in rollouts mode)")}

    def law(factors: dict[str, float], total_key: str) -> dict[str, Any]:
        shares = gr.log_shares(factors)
        return {"total_multiple": mult(pt[total_key]),
                "total_rate_per_year": float(gr.cagr(mult(pt[total_key]), horizon)) if horizon else 0.0,
                "factors": {k: {"multiple": v,
                                "rate_per_year": float(gr.cagr(v, horizon)) if horizon else 0.0,
                                "log_share": float(shares[k])} for k, v in factors.items()}}

    total = pt["pretraining_flops"] + pt["post_training_flops"] + pt["inference_flops"]
    out: dict[str, Any] = {
        "first_year": years[0], "last_year": years[-1], "horizon_years": horizon,
        "inference": law(inf_factors, "inference_flops"),
        "pretraining": law(pre_factors, "pretraining_flops"),
        "post_training": law(post_factors, "post_training_flops"),
        "total_compute_multiple": float(total[last] / total[first]),
    }
    inf_total = out["inference"]["total_multiple"]
    claim: dict[str, Any] = {"multiple": claim_multiple}
    h = float(claim_horizon) if claim_horizon else float(horizon)
    claim["horizon_years"] = h
    shares = {k: v["log_share"] for k, v in out["inference"]["factors"].items()}
    if horizon and inf_total > 1 and abs(sum(shares.values()) - 1) < 1e-6:
        claim["factors"] = gr.decompose_multiple(claim_multiple, h, shares)
        rate = inf_total ** (1.0 / horizon)
        claim["years_at_projected_rate"] = float(np.log(claim_multiple) / np.log(rate))
    else:
        claim["factors"] = None
        claim["years_at_projected_rate"] = None
    claim["projected_multiple_over_horizon"] = inf_total
    claim["required_rate_per_year"] = float(claim_multiple ** (1.0 / h) - 1.0) if h > 0 else None
    out["claim"] = claim
    return out


def project(section: DemandSection, *, years: list[int] | None = None,
            options: RunOptions | None = None, catalog: Catalog | None = None,
            flags: Mapping[str, Any] | None = None) -> DemandProjection:
    """Run the demand model over ``years`` (default: the section's).

    Parameters
    ----------
    section : DemandSection
    years : list of int, optional
    options : RunOptions, optional
        Monte Carlo draws for the p10/p50/p90 bands (0: point estimate only) and their seed.
    catalog : Catalog, optional
        The catalog every default is read from (the shipped one if None).
    flags : mapping, optional
        ``--set`` values (SI or text with units) over the section's.

    Returns
    -------
    DemandProjection
    """
    opts = options if options is not None else RunOptions()
    cat = catalog if catalog is not None else load_catalog()
    inputs = resolve_demand(section, cat, flags)
    yrs = list(years) if years is not None else parse_years(section.years)
    years_ext = [yrs[0] - 1] + yrs
    pt_in: dict[str, Any] = dict(inputs.point())
    try:
        model = cat.model(section.model)
        for hw_id in section.generations.values():
            cat.hardware(hw_id)
    except TokenfabError as e:
        raise TokenfabError(str(e), field="demand.model" if "model" in str(e).split("'")[0]
                            else "demand.generations") from None
    costs = model_costs(model)
    # request shape for the throughput engine: the base year's mix at likely inputs
    a, i = pt_in["answer_tokens"], pt_in["input_tokens"]
    o_mean = a * (1.0 + float(laws.query_share_from_token_share(
        pt_in["reasoning_token_share"], pt_in["reasoning_multiplier"]))
        * (pt_in["reasoning_multiplier"] - 1.0))
    ref_flops = float(laws.query_flops(costs, i, o_mean, i / 2.0, i + o_mean / 2.0)) / (i + o_mean)
    hw = supply.generation_table(
        years_ext, section.cadence, model_id=section.model, precision=section.precision,
        training_precision=section.training_precision, input_tokens=i, output_tokens=o_mean,
        interactivity_tok_s=pt_in["interactivity"],
        gain_after_last=pt_in["hardware_gain_after_last"], catalog=cat)
    kinds = dict(inputs.curves)
    t = np.asarray(years_ext, float) - section.base_year

    def run(p: Mapping[str, Any]) -> dict[str, np.ndarray]:
        raw = demand_model(t, p, kinds=kinds, rl_mode=section.rl_mode, costs=costs, hw=hw,
                           years=years_ext, ref_flops_per_token=ref_flops,
                           max_context_tokens=float(model.max_context_tokens))
        res = _finish(raw, p, years_ext, section.base_year, section.analyst_base_year,
                      section.analyst_mode)
        for k, v in res.items():
            if not np.all(np.isfinite(v)):
                raise TokenfabError(f"the projection of {k} is not finite (overflow?); check the "
                                    "growth rates and the years", field=k)
        return res

    point = {k: v[:, 0] for k, v in run(pt_in).items()}
    bands = None
    if opts.monte_carlo:
        res = run(inputs.resolved.sample(opts))
        bands = {k: {f"p{q}": np.percentile(res[k], q, axis=1) for q in (10, 50, 90)}
                 for k in (*MAIN_OUTPUTS, "analyst_spend_usd")}
    notes = list(hw.notes)
    notes.append(f"tokens/s per accelerator: {hw.throughput_source}; capex: {hw.capex_source}")
    notes.append("each year is served by that year's generation alone (a lower bound on power)")
    horizon = pt_in.get("claim_horizon_years")
    dec = _decomposition(point, yrs, pt_in["claim_multiple"], horizon)
    proj = DemandProjection(yrs, point, bands, opts.samples, dec, hw, section, inputs, notes,
                            _checks(point, yrs, cat))
    return replace(proj, base_year=base_year_findings(proj, cat))


def _checks(point: dict[str, np.ndarray], years: list[int], cat: Catalog) -> list[dict[str, Any]]:
    """The projected token volume against observed ones (Google's monthly tokens)."""
    out = []
    for key, a in sorted(cat.economics.items()):
        if not key.startswith("google_tokens_per_month_"):
            continue
        try:
            y = int(str(a.year)[:4])
        except ValueError:
            continue
        if y not in years:
            continue
        model = float(point["tokens_billed"][years.index(y)]) / 12.0
        observed = float(likely(a.si)) * SECONDS_PER_YEAR / 12.0  # tok/s -> tokens per month
        out.append({"observed": f"economics.csv:{key}", "observed_tokens_per_month": observed,
                    "year": y, "model_tokens_billed_per_month": model,
                    "ratio_model_to_observed": model / observed,
                    "note": "the observation is one provider (Google) only; the model is the "
                            "whole market"})
    return out
