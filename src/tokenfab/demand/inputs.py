"""Every input of the demand model, declared once: :data:`DEMAND_INPUTS`.

Each numeric input is an :class:`~tokenfab.inputs.Input` with its dimension, bounds, default
and source: a catalog row (``economics.csv``, read in SI through the catalog given, so
``--catalog`` reaches it), a value with its source and kind, or a value derived from catalog
rows with its recipe. The ``[demand]`` scenario section (:class:`DemandSection`), ``tokenfab
demand --set NAME=VALUE``, ``--inputs``, the ``--save-scenario`` comments, the defaults table
of ``docs/demand.md`` and the bad-input tests are all generated from it.

Growth factors are tables ``{curve, rate, ceiling}`` under ``[demand.growth]``: ``rate`` is the
fractional growth per year (``0`` flat, ``3.6`` = 4.6x/yr), ``ceiling`` the logistic curve's
limit in the factor's own unit. Their numbers are inputs named ``growth.<factor>.rate`` and
``growth.<factor>.ceiling`` (``--set growth.users.rate=0.5``); a key left out of a table
takes the factor's default (curve included). Example::

    [demand]
    model = "deepseek-v3"
    users = { low = 8e8, likely = 1.2e9, high = 1.45e9 }

    [demand.growth]
    users = { curve = "logistic", rate = 1.0, ceiling = 5.5e9 }
    reasoning_tokens = { curve = "exponential", rate = 0 }
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.demand.site import factory_default
from tokenfab.errors import TokenfabError
from tokenfab.inputs import (
    Derived,
    FromCatalog,
    Input,
    InputSet,
    Resolved,
    Source,
    Sourced,
    Value,
    with_plausible,
)
from tokenfab.scenario import ScenarioSection, register_section
from tokenfab.uncertainty import Range, likely
from tokenfab.units import SECONDS_PER_YEAR

__all__ = [
    "DEFAULT_CADENCE",
    "DEFAULT_CURVES",
    "DEMAND_INPUTS",
    "GROWTH_FACTORS",
    "DemandInputs",
    "DemandSection",
    "Growth",
    "GrowthSpec",
    "growth_rate_from_multiple",
    "parse_years",
    "resolve_demand",
]

#: seconds per day (the catalog's "per day" rows are per second in SI)
_DAY_S = 86400.0

#: growth factors: name -> the base-value input it multiplies
GROWTH_FACTORS: tuple[str, ...] = (
    "frontier_run_flops", "frontier_runs", "rl_ratio", "rl_rollouts", "users",
    "queries_per_user", "answer_tokens", "reasoning_tokens", "reasoning_share", "tree_share",
    "agent_share", "agent_steps", "model_flops", "api_tokens")

Curve = Literal["exponential", "logistic"]

#: the default curve of each growth factor
DEFAULT_CURVES: dict[str, Curve] = {
    "frontier_run_flops": "exponential", "frontier_runs": "exponential", "rl_ratio": "logistic",
    "rl_rollouts": "exponential", "users": "logistic", "queries_per_user": "exponential",
    "answer_tokens": "logistic", "reasoning_tokens": "logistic", "reasoning_share": "logistic",
    "tree_share": "exponential", "agent_share": "logistic", "agent_steps": "logistic",
    "model_flops": "exponential", "api_tokens": "exponential"}

#: the annual cadence: first year each generation serves the demand -> accelerator id
DEFAULT_CADENCE: dict[str, str] = {"2023": "h100-sxm", "2025": "gb200-nvl72",
                                   "2026": "gb300-nvl72", "2027": "vr200-nvl144"}

#: Google AI Overviews monthly users (the high end of the default user count)
AI_OVERVIEWS_MONTHLY_USERS = 2e9
_AI_OVERVIEWS_SOURCE = ("Google AI Overviews 'over 2 billion monthly users' (Alphabet Q2 2025 "
                        "earnings call, 2025-07-23, https://abc.xyz/investor/)")


# -----------------------------------------------------------------------------------
# derived defaults (recipes in words beside each)
# -----------------------------------------------------------------------------------
def _cat(catalog: Catalog | None) -> Catalog:
    return catalog if catalog is not None else load_catalog()


def growth_rate_from_multiple(key: str) -> Derived:
    """A growth factor per year (``x per year``) as a growth rate: ``row - 1``."""

    def fn(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
        v = _cat(catalog).assumption(key).si
        if isinstance(v, Range):
            return Range(v.low - 1.0, v.likely - 1.0, v.high - 1.0, v.dist)
        return float(v) - 1.0

    return Derived(fn, f"catalog {key} - 1 (a multiple per year as a growth rate)")


def _users(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    cat = _cat(catalog)
    chatgpt = cat.assumption("chatgpt_weekly_active_users").value
    gemini = cat.assumption("gemini_app_mau").value
    return Range(chatgpt, chatgpt + gemini, chatgpt + AI_OVERVIEWS_MONTHLY_USERS)


def _queries_per_user_per_day(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    cat = _cat(catalog)
    msg = cat.assumption("chatgpt_messages_per_day")
    wau = cat.assumption("chatgpt_weekly_active_users")
    si = msg.si
    per_day = (si.scaled(_DAY_S) if isinstance(si, Range)
               else Range(float(si) * _DAY_S, float(si) * _DAY_S, float(si) * _DAY_S))
    return Range(per_day.low / (wau.high or wau.value), per_day.likely / wau.value,
                 per_day.high / (wau.low or wau.value))


def _api_tokens_per_year(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    cat = _cat(catalog)
    per_s = sum(float(likely(cat.assumption(k).si))
                for k in ("openai_api_tokens_per_min", "google_api_tokens_per_min"))
    exit_rate = per_s * SECONDS_PER_YEAR
    return Range(0.5 * exit_rate, 0.75 * exit_rate, exit_rate)


def _fleet_power_overhead(catalog: Catalog | None, context: Mapping[str, Any]) -> Sourced:
    """All-in facility W per W of accelerator TDP: Epoch AI's method (system overhead x PUE)
    as likely, bracketed by the catalog's newest rack and its Hopper server (both all-in)."""
    cat = _cat(catalog)
    ratio = {h: float(cat.hardware(h).allin_power_w) / float(cat.hardware(h).tdp_w)
             for h in ("gb200-nvl72", "h100-sxm")}
    epoch = float(likely(cat.assumption("epoch_system_overhead").si))
    pue = float(likely(cat.assumption("pue_ai_liquid_cooled").si))
    v = Range(ratio["gb200-nvl72"], epoch * pue, ratio["h100-sxm"])
    return Sourced(v, f"gb200-nvl72 {ratio['gb200-nvl72']:.2f}; Epoch {epoch:g} x PUE {pue:g} "
                      f"= {epoch * pue:.2f}; h100-sxm {ratio['h100-sxm']:.2f}", "estimate")


def _factory_utilization(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    return factory_default("utilization", catalog)[0]


def _factory_construction_years(catalog: Catalog | None, context: Mapping[str, Any]) -> Value:
    v = factory_default("construction_time", catalog)[0]
    k = 1.0 / SECONDS_PER_YEAR
    return v.scaled(k) if isinstance(v, Range) else float(v) * k


# -----------------------------------------------------------------------------------
# the declaration
# -----------------------------------------------------------------------------------
_EST = "estimate"


def _rate(factor: str, default: Value | Derived, source: str = "", kind: str = _EST) -> Input:
    return Input(f"growth.{factor}.rate", "count", f"growth of {factor} per year (fraction)",
                 default, kind=kind, source=source, gt=-1.0)


def _ceiling(factor: str, default: Value | None, source: str = "") -> Input:
    return Input(f"growth.{factor}.ceiling", "count",
                 f"logistic limit of {factor} (in the factor's unit)", default, kind=_EST,
                 source=source, gt=0.0)


_GROWTH = (-0.5, 10.0, "from halving to 11x a year: the fastest sourced trend (frontier "
           "training compute ~4-5x a year, Epoch AI) stays inside", 1000.0)
_TOK = 1e9  # hard bound on a token count per request/step: beyond any context window x100
#: plausible ranges (SI) of the demand inputs, each with why (issue 15: an input outside them
#: is accepted with a warning); a 4th entry is a hard upper bound where the input had none
_PLAUSIBLE = {
    "pretraining_mfu": (0.1, 0.7, "Llama 3 405B 38-43 % BF16 MFU (Meta 2024); GPT-3 on H100 "
                        "34-54 % (SemiAnalysis 2025); 70 % leaves margin over the best reported"),
    "post_training_mfu": (0.01, 0.7, "decode-heavy RL runs at 5-40 % (the default); 1 % to "
                          "the pre-training ceiling"),
    "inference_utilization": (0.2, 1.0, "as the factory's utilization: the sources give "
                              "60-100 %; under 20 % the fleet idles most of the year"),
    "frontier_run_flops": (1e22, 1e30, "GPT-3 (3e23) to 2,000x Grok 3's ~5e26 FLOP", 1e40),
    "tokens_per_param": (5.0, 100.0, "Chinchilla-optimal ~20 (Hoffmann et al. 2022); "
                         "overtraining is the separate 'overtrain' input", 1e6),
    "overtrain": (1.0, 1000.0, "Llama 3 8B trained on ~90x its Chinchilla-optimal tokens", 1e6),
    "frontier_runs_per_year": (0.0, 1000.0, "Epoch AI counts ~30 models above 1e25 FLOP by "
                               "2025", 1e6),
    "rl_to_pretrain_ratio": (0.0, 10.0, "RL at 0.05-1x of pre-training compute (xAI Grok 4 "
                             "~1x)", 1e4),
    "rl_rollouts_per_year": (0.0, 1e12, "default 1e8 rollouts a year; 1e12 = 10,000x", 1e18),
    "rl_tokens_per_rollout": (100.0, 1e6, "reasoning rollouts of 10k-100k tokens", _TOK),
    "users": (0.0, 1e10, "at most everyone: ~5.5B internet users (ITU 2024), 8B people", 1e11),
    "queries_per_user_per_day": (0.0, 1000.0, "~3 a day today; 1,000 is one a minute awake",
                                 1e6),
    "input_tokens": (0.0, 1e7, "up to the longest context windows (10M)", _TOK),
    "answer_tokens": (1.0, 1e5, "answers of hundreds to thousands of tokens", _TOK),
    "reasoning_multiplier": (1.0, 1000.0, "reasoning models think 4-30x the answer", 1e6),
    "tree_branching": (1.0, 100.0, "tree search branches 2-10 ways", 1e3),
    "tree_depth": (1.0, 20.0, "tree search 2-5 levels deep (branching^depth nodes)", 50.0),
    "tree_tokens_per_node": (0.0, 1e5, "tens to thousands of tokens a node", _TOK),
    "tree_eval_tokens_per_node": (0.0, 1e5, "a verifier reads tens to hundreds of tokens", _TOK),
    "agent_steps": (1.0, 1e4, "agents take 5-100 steps (default range)", 1e7),
    "agent_initial_context_tokens": (0.0, 1e7, "up to the longest context windows", _TOK),
    "agent_output_tokens_per_step": (0.0, 1e5, "hundreds to thousands a step", _TOK),
    "agent_tool_tokens_per_step": (0.0, 1e6, "tool output of hundreds to 10k tokens", _TOK),
    "capex_life_years": (1.0, 30.0, "IT depreciation 5-6 years; 30 is a facility's life", 100.0),
    "capex_life_facility_years": (5.0, 40.0, "data-centre shells and plant written off over "
                                  "10-40 years (Epoch AI 2026 uses 14)", 100.0),
    "construction_years": (0.0, 5.0, "the fastest build (Colossus, 122 days) to the slowest "
                           "multi-GW campus plans", 20.0),
    "analyst_base_usd": (1e10, 5e12, "2025 AI capex consensus ~$0.2-0.6T", 1e15),
    "analyst_growth": (-0.5, 2.0, "analysts expect 5-10% a year", 100.0),
    "frontier_params": (1e8, 1e15, "100M to 1,000T parameters (frontier models ~1-2T)", 1e20),
    "rl_active_params": (1e8, 1e15, "as frontier_params", 1e20),
    "capex_usd_per_w": (5.0, 200.0, "$35-60B per GW all-in (catalog capex rows)", 1e4),
    "api_tokens_per_year": (1e12, 1e21, "Google ~1.6e16 tokens a year (2025); 1e21 = 60,000x",
                            1e25),
    "installed_power_w": (1e8, 1e12, "AI data centres ~17-37 GW all-in in 2025; 1 TW bounds it",
                          1e14),
    "installed_chip_power_w": (1e8, 1e12, "Epoch AI: over 10 GW of chips in 2025", 1e14),
    "fleet_power_overhead": (1.2, 4.0, "1.5 (newest racks) to 2.5 (Hopper servers, all-in)",
                             10.0),
    "installed_h100e": (1e5, 1e9, "Epoch AI: ~15 M H100e in 2025", 1e11),
    "installed_power_growth": _GROWTH,
    "other_workloads_growth": _GROWTH,
    "interactivity": (1.0, 1e4, "5-1,000 tok/s per user served today", 1e7),
    "hardware_gain_after_last": _GROWTH,
    "claim_multiple": (1.0, 1e12, "the interview's 'a billion times'", 1e30),
    "claim_horizon_years": (1.0, 100.0, "claims about years to decades", 1000.0),
    "growth.rl_ratio.ceiling": (0.0, 100.0, "RL compute up to 100x pre-training", 1e6),
    "growth.users.ceiling": (1e6, 1e10, "at most everyone (8B people)", 1e11),
    "growth.answer_tokens.ceiling": (10.0, 1e6, "answers up to a book", _TOK),
    "growth.reasoning_tokens.ceiling": (100.0, 1e8, "reasoning up to 100M tokens", _TOK),
    "growth.reasoning_share.ceiling": (0.0, 1.0, "a share"),
    "growth.agent_share.ceiling": (0.0, 1.0, "a share"),
    "growth.agent_steps.ceiling": (1.0, 1e6, "a million steps", 1e9),
}
_PLAUSIBLE.update({f"growth.{f}.rate": _GROWTH for f in (
    "frontier_run_flops", "frontier_runs", "rl_ratio", "rl_rollouts", "users", "queries_per_user",
    "answer_tokens", "reasoning_tokens", "reasoning_share", "tree_share", "agent_share",
    "agent_steps", "model_flops", "api_tokens")})

DEMAND_INPUTS = InputSet("demand", with_plausible([
    # -- pre-training ----------------------------------------------------------------
    Input("frontier_run_flops", "flops", "training compute of one frontier run in the base year",
          Range(1e26, 3e26, 5e26), gt=0.0, source=(
              "largest pre-training runs of 2025: Grok 4 ~3e26 FLOP (Nesov's reading of xAI's "
              "100k-H100 run, LessWrong 2025, https://www.lesswrong.com/posts/eq2aJt8ZqMaGhBu3r/"
              "zach-stein-perlman-s-shortform?commentId=8rb4sJPQsqaxjJ2DD); Epoch AI lists "
              "several models above 1e26 (https://epoch.ai/data-insights/models-over-1e25-flop) "
              "[est]")),
    Input("tokens_per_param", "count", "training tokens per parameter (Chinchilla: ~20)",
          FromCatalog("chinchilla_tokens_per_param"), gt=0.0),
    Input("overtrain", "count", "training tokens beyond Chinchilla-optimal (x)", 1.0, gt=0.0,
          source="Chinchilla-optimal (no over-training) [choice]"),
    Input("frontier_runs_per_year", "count", "frontier-scale runs per year (all labs)",
          Range(3.0, 6.0, 12.0), ge=0.0, source=(
              "about six labs at the frontier in 2025 (OpenAI, Google, Anthropic, xAI, Meta, "
              "DeepSeek), ~one frontier-scale run each per year [est]")),
    Input("pretraining_mfu", "fraction", "model FLOPs utilization of pre-training, over the year",
          Range(0.3, 0.4, 0.5), gt=0.0, le=1.0, kind="measured", source=(
              "Llama 3 405B: 38-43% BF16 MFU on 16k H100 (Meta, arXiv:2407.21783); SemiAnalysis "
              "2025-08-20: GPT-3 175B on H100 34% -> 54%")),
    # -- post-training (RL) ----------------------------------------------------------
    Input("rl_to_pretrain_ratio", "count", "RL compute / pre-training compute (ratio mode)",
          FromCatalog("rl_to_pretrain_compute_ratio"), ge=0.0),
    Input("rl_rollouts_per_year", "count", "RL rollouts per year (rollouts mode)", 1e8, ge=0.0,
          source="sized so that rollouts mode ~ ratio mode for the 2025 defaults (3e26 FLOP "
                 "pre-training, 20% RL) [est]"),
    Input("rl_tokens_per_rollout", "tokens", "tokens generated per RL rollout",
          FromCatalog("tokens_per_hard_task_sample_o3"), gt=0.0),
    Input("rl_trained_fraction", "fraction", "share of the policy's parameters trained by RL",
          1.0, ge=0.0, le=1.0, source="full fine-tuning of the policy [choice]"),
    Input("post_training_mfu", "fraction", "model FLOPs utilization of RL post-training",
          Range(0.05, 0.1, 0.4), gt=0.0, le=1.0, source=(
              "decode-heavy RL runs at low utilization: Nesov reads Grok 4's RL as ~pre-training "
              "GPU-time with ~5x fewer FLOPs (LessWrong 2025) -> ~0.4/5 [est]")),
    # -- inference -------------------------------------------------------------------
    Input("users", "count", "people using frontier AI assistants in the base year",
          Derived(_users, "low: catalog chatgpt_weekly_active_users; likely: + gemini_app_mau "
                  "(overlap ignored); high: ChatGPT + " + _AI_OVERVIEWS_SOURCE), ge=0.0),
    Input("queries_per_user_per_day", "count", "queries (messages) per user per day",
          Derived(_queries_per_user_per_day, "catalog chatgpt_messages_per_day / "
                  "chatgpt_weekly_active_users (low: low messages / high users; high: the "
                  "reverse)"), ge=0.0),
    Input("input_tokens", "tokens", "prompt + context tokens per query",
          Range(300.0, 1000.0, 3000.0), ge=0.0, source=(
              "prompt + conversation context per query; with the answer, 1,000-3,000 tokens per "
              "ChatGPT message: x catalog chatgpt_messages_per_day gives 1-3 × 10¹⁵ tokens a month, "
              "the order of catalog google_tokens_per_month_2025_10 [est]")),
    Input("answer_tokens", "tokens", "visible answer tokens per (non-reasoning) query",
          Range(300.0, 600.0, 1000.0), gt=0.0,
          source="non-reasoning answer length [est], same cross-check"),
    Input("reasoning_multiplier", "count", "output tokens of a reasoning query / a plain one",
          FromCatalog("reasoning_vs_nonreasoning_token_multiplier"), ge=1.0),
    Input("reasoning_token_share", "fraction", "share of output tokens from reasoning models",
          FromCatalog("reasoning_share_of_tokens_openrouter"), ge=0.0, le=1.0),
    Input("tree_share", "fraction", "share of queries answered by tree search",
          Range(0.0, 0.01, 0.05), ge=0.0, le=1.0,
          source="share of queries answered by tree search: rare in deployed products [est]"),
    Input("tree_branching", "count", "tree search: candidates per state", 5.0, ge=1.0,
          kind="measured", source="Tree of Thoughts BFS, Game of 24 (Yao et al. 2023, "
                                  "arXiv:2305.10601)"),
    Input("tree_depth", "count", "tree search: thought steps", 3.0, ge=1.0, kind="measured",
          source="Tree of Thoughts: 3 thought steps for Game of 24"),
    Input("tree_keep_fraction", "fraction", "tree search: share of states kept per step", 0.2,
          gt=0.0, le=1.0, kind="measured",
          source="Tree of Thoughts keeps the best 5 states of ~25 candidates"),
    Input("tree_tokens_per_node", "tokens", "tree search: tokens per thought",
          Range(50.0, 200.0, 1000.0), ge=0.0, source="thought length [est]"),
    Input("tree_eval_tokens_per_node", "tokens", "tree search: value-prompt tokens per state",
          Range(10.0, 50.0, 200.0), ge=0.0, source="value prompt output per state [est]"),
    Input("agent_share", "fraction", "share of queries that are agent tasks",
          Range(0.001, 0.01, 0.05), ge=0.0, le=1.0,
          source="share of queries that are agent tasks, 2025 [est]"),
    Input("agent_steps", "count", "model calls per agent task", Range(5.0, 20.0, 100.0),
          ge=1.0, source="model calls per agent task [est]; extreme: a Google I/O 2026 coding "
                         "demo used 15k requests"),
    Input("agent_initial_context_tokens", "tokens", "agent: system prompt + task + tools",
          Range(2000.0, 5000.0, 20000.0), ge=0.0,
          source="system prompt + task + tool schemas [est]"),
    Input("agent_output_tokens_per_step", "tokens", "agent: output tokens per call",
          Range(200.0, 500.0, 2000.0), ge=0.0, source="output per model call [est]"),
    Input("agent_tool_tokens_per_step", "tokens", "agent: tool-result tokens per call",
          Range(500.0, 2000.0, 10000.0), ge=0.0, source="tool results per call [est]"),
    Input("agent_cache_hit_fraction", "fraction", "agent: share of re-read context from cache",
          Range(0.5, 0.8, 0.95), ge=0.0, le=1.0,
          source="prefix caching of re-read context, standard in production serving [est]"),
    # -- supply ----------------------------------------------------------------------
    Input("inference_utilization", "fraction", "average load of the serving fleet",
          Derived(_factory_utilization, "the factory model's utilization default "
                  "(tokenfab.factory): Nesov (LessWrong 2025) 60%; Epoch AI 2026 TCO model "
                  "80-100% load [est]"), gt=0.0, le=1.0),
    Input("capex_life_years", "count", "depreciation life of the IT equipment [years]",
          FromCatalog("depreciation_life_it_years", scale=1.0 / SECONDS_PER_YEAR,
                      note="in years"), gt=0.0),
    Input("capex_life_facility_years", "count", "depreciation life of the facility (power, "
          "cooling, building) [years]: its capacity is rebuilt over this life, not the IT's",
          FromCatalog("depreciation_life_facility_years", scale=1.0 / SECONDS_PER_YEAR,
                      note="in years"), gt=0.0),
    Input("construction_years", "count", "construction time [years]: a watt's facility capex is "
          "spent evenly over it before the watt comes online (supply.annual_capex_split_usd)",
          Derived(_factory_construction_years, "the factory model's construction_time default "
                  "(tokenfab.factory): xAI Colossus 122 days to first operation (2024); Stargate "
                  "Abilene ~1 year groundbreaking to first racks (2025); typical hyperscale build "
                  "18-24 months [est]"), ge=0.0, le=20.0),
    # -- comparison with the analysts' view ------------------------------------------
    Input("accelerator_share_of_capex", "fraction", "accelerators' share of AI capex",
          FromCatalog("share_capex_gpu"), ge=0.0, le=1.0),
    Input("analyst_base_usd", "money", "the analysts' base-year spending (NVIDIA DC revenue)",
          FromCatalog("nvda_dc_revenue_fy26"), gt=0.0),
    Input("analyst_growth", "fraction", "the analysts' growth of spending per year",
          FromCatalog("nvda_street_growth_2027_2030", note="a growth rate per year"), gt=-1.0),
    # -- optional: no default --------------------------------------------------------
    Input("frontier_params", "count", "parameters of the frontier run (then C = 6 N D, D = "
          "tokens_per_param x overtrain x N)", None, gt=0.0),
    Input("rl_active_params", "count", "active parameters of the RL policy (rollouts mode; "
          "default: the frontier run's)", None, gt=0.0),
    Input("capex_usd_per_w", "money_per_power", "capex per facility watt (default: the factory "
          "model's, per generation)", None, gt=0.0),
    # -- growth ----------------------------------------------------------------------
    _rate("frontier_run_flops", growth_rate_from_multiple("training_compute_growth")),
    _rate("frontier_runs", 0.0, "constant number of frontier runs [est]"),
    _rate("rl_ratio", Range(0.0, 0.5, 1.0), "RL share rising from ~5% (DeepSeek-R1, early "
          "2025) to ~parity (Grok 4, mid 2025) [est]"),
    _ceiling("rl_ratio", 1.0, "RL compute at most equal to pre-training [est]"),
    _rate("rl_rollouts", growth_rate_from_multiple("training_compute_growth")),
    _rate("users", Range(0.5, 1.0, 2.0), "ChatGPT WAU 100M (Nov 2023) -> 800M (Oct 2025) = "
          "~3x/yr, decelerating [est]"),
    _ceiling("users", 5.5e9, "internet users (ITU Facts and Figures 2024)"),
    _rate("queries_per_user", Range(0.0, 0.2, 0.5), "[est]"),
    _rate("answer_tokens", growth_rate_from_multiple("output_length_growth_nonreasoning")),
    _ceiling("answer_tokens", 2000.0, "[est]"),
    _rate("reasoning_tokens", growth_rate_from_multiple("output_length_growth_reasoning")),
    _ceiling("reasoning_tokens", Range(5.5e4, 1e5, 1e6), "~55k tokens per o3 ARC-AGI sample; "
             "1M-token context windows (high) [est]"),
    _rate("reasoning_share", Range(0.5, 1.0, 2.0), "reasoning went from ~0% to >50% of "
          "OpenRouter tokens in 2025 (a16z 2025-12-04) [est]"),
    _ceiling("reasoning_share", 1.0, "a share"),
    _rate("tree_share", 0.0, "[est]"),
    _rate("agent_share", Range(0.5, 1.0, 2.0), "[est]"),
    _ceiling("agent_share", 0.5, "[est]"),
    _rate("agent_steps", Range(0.3, 1.0, 2.3), "METR 2025 (arXiv:2503.14499): task length "
          "doubling every ~7 months = 2.3/yr (high) [est]"),
    _ceiling("agent_steps", 1000.0, "[est]"),
    _rate("model_flops", 0.0, "served model size held constant (distillation and MoE offset "
          "scale) [est]"),
    # -- the base year: workloads the three laws leave out (issue 13 item 6) ----------
    Input("api_tokens_per_year", "tokens", "developer-API tokens in the base year, beyond the "
          "assistant apps' users x queries", Derived(
              _api_tokens_per_year, "(catalog openai_api_tokens_per_min + "
              "google_api_tokens_per_min) x a year = the 2025 exit rate (high); the year's "
              "average at ~3x/yr growth is lower: likely 0.75x, low 0.5x [est]"), ge=0.0),
    _rate("api_tokens", Range(0.5, 1.5, 4.0), "Google API 7B tokens/min (Q3 2025) -> 16B "
          "(Q1 2026), ~2.3x in two quarters; Google tokens fit 5.8x/yr since May 2025, "
          "decelerating (tokenfab demand fit) [est]"),
    Input("installed_chip_power_w", "power", "chip power (sum of accelerator TDPs) of the "
          "installed AI accelerator fleet in the base year", FromCatalog(
              "ai_fleet_chip_power_2025"), gt=0.0),
    Input("fleet_power_overhead", "count", "all-in facility watts per watt of accelerator "
          "TDP for the installed fleet (servers, network, cooling: system overhead x PUE)",
          Derived(_fleet_power_overhead, "low: catalog gb200-nvl72 allin_power_w / tdp_w "
                  "(the newest racks); likely: catalog epoch_system_overhead x "
                  "pue_ai_liquid_cooled (Epoch AI's method); high: catalog h100-sxm "
                  "allin_power_w / tdp_w (the Hopper fleet)"), ge=1.0),
    Input("installed_power_w", "power", "all-in facility power of the installed AI fleet in "
          "the base year (default: installed_chip_power_w x fleet_power_overhead, sampled "
          "jointly)", None, gt=0.0),
    Input("installed_h100e", "count", "installed AI compute in the base year [H100-equivalents "
          "of dense FP8]: the compute per watt of the fleet the three laws leave out",
          FromCatalog("ai_installed_base_h100e_2025"), gt=0.0),
    Input("installed_power_growth", "fraction", "growth of the fleet's power into the base "
          "year (previous year -> base year)", Range(1.0, 1.5, 2.0), gt=-1.0, kind="derived",
          source="catalog ai_compute_stock_growth 3.3x/yr (Epoch AI, H100e) / ~1.3x/yr FLOP "
                 "per watt of the fleet as Blackwell (~1.6x H100's FP8 FLOP/W) joins = ~2.5x "
                 "in power [est]"),
    Input("other_workloads_growth", "fraction", "growth per year of the fleet power the three "
          "laws leave out (other models, recommendation, research, capacity ahead of demand)",
          Range(0.15, 0.25, 0.5), gt=-1.0, source=(
              "IEA Energy and AI (2025-04-10): data-centre electricity +15%/yr 2024-2030 (low); "
              "AI-focused data-centre electricity ~triples 2025-2030 = +25%/yr (likely); high "
              "[est]")),
    # -- not sampled -----------------------------------------------------------------
    Input("interactivity", "token_rate", "output tokens/s per user (the service level)", 50.0,
          gt=0.0, uncertain=False, source=("InferenceMAX reports operating points at ~35-90 "
                                           "tok/s/user [choice]")),
    Input("hardware_gain_after_last", "count", "throughput gain per year after the last "
          "generation of the cadence", 0.6, gt=-1.0, uncertain=False,
          source="Epoch AI (Apr 2025): performance per chip 1.6x/yr [est]"),
    Input("claim_multiple", "count", "the claimed growth multiple of inference demand", 1e9,
          gt=1.0, uncertain=False, kind="claim",
          source="Jensen Huang, BG2 2025-09-25: inference demand 'a billion times' [claim]"),
    Input("claim_horizon_years", "count", "years over which the claim is read (default: the "
          "projection's)", None, gt=0.0, uncertain=False),
], _PLAUSIBLE))

#: the flat (scenario-section) inputs, i.e. everything but the growth tables
_FLAT = [i for i in DEMAND_INPUTS if not i.name.startswith("growth.")]


# -----------------------------------------------------------------------------------
# the scenario section (fields generated from DEMAND_INPUTS)
# -----------------------------------------------------------------------------------
class _GrowthSpecBase(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    curve: Curve | None = None


#: one growth factor: ``exponential`` (``x0 (1+r)^t``) or ``logistic`` toward ``ceiling``; a
#: key left out takes the factor's default (rate and ceiling annotations from DEMAND_INPUTS)
_SPEC_FIELDS: dict[str, Any] = {
    "rate": (DEMAND_INPUTS["growth.users.rate"].annotation() | None, None),
    "ceiling": (DEMAND_INPUTS["growth.users.ceiling"].annotation() | None, None)}
GrowthSpec: type[BaseModel] = create_model("GrowthSpec", __base__=_GrowthSpecBase,
                                           **_SPEC_FIELDS)


_GROWTH_FIELDS: dict[str, Any] = {f: (GrowthSpec | None, None) for f in GROWTH_FACTORS}
Growth: type[BaseModel] = create_model("Growth", __base__=ScenarioSection, **_GROWTH_FIELDS)
Growth.__doc__ = "Growth of every factor of the three laws (see :class:`GrowthSpec`)."


def _numeric_fields() -> Any:
    return create_model("DemandInputFields", __base__=ScenarioSection,
                        **{i.name: DEMAND_INPUTS.section_fields()[i.name] for i in _FLAT})


_YEARS_RE = re.compile(r"^\s*(\d{4})\s*:\s*(\d{4})\s*$")


def parse_years(text: str, field: str = "years") -> list[int]:
    """``"2025:2032"`` -> ``[2025, ..., 2032]`` (inclusive; 1 to 100 years, 1990-2200)."""
    m = _YEARS_RE.match(str(text))
    if not m:
        raise TokenfabError(f"must be FIRST:LAST, e.g. '2025:2032'; got {text!r}", field=field)
    a, b = int(m.group(1)), int(m.group(2))
    if not (1990 <= a <= b <= 2200) or b - a > 100:
        raise TokenfabError(f"must be FIRST:LAST with 1990 <= FIRST <= LAST <= 2200 and at most "
                            f"100 years; got {text!r}", field=field)
    return list(range(a, b + 1))


if TYPE_CHECKING:
    _Fields = ScenarioSection
else:
    _Fields = _numeric_fields()


@register_section("demand")
class DemandSection(_Fields):
    """``[demand]``: the numeric inputs of :data:`DEMAND_INPUTS` (None = the default) and the
    choices that are not numbers (years, served model, precisions, RL mode, growth curves,
    hardware cadence, the analysts' mode)."""

    base_year: int = Field(2025, ge=1990, le=2200)
    years: str = "2025:2032"
    model: str = "deepseek-v3"
    precision: Literal["fp4", "fp8", "bf16"] = "fp8"
    training_precision: Literal["fp4", "fp8", "bf16"] = "bf16"
    rl_mode: Literal["ratio", "rollouts"] = "ratio"
    growth: Growth = Field(default_factory=Growth)
    generations: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_CADENCE))
    analyst_base_year: int = Field(2025, ge=1990, le=2200)
    analyst_mode: Literal["linear", "compound"] = "linear"

    @field_validator("years")
    @classmethod
    def _years(cls, v: str) -> str:
        try:
            parse_years(v)
        except TokenfabError as e:
            raise ValueError(str(e).removeprefix("years: ")) from None
        return v

    @field_validator("generations")
    @classmethod
    def _generations(cls, v: dict[str, str]) -> dict[str, str]:
        if not v:
            raise ValueError("needs at least one 'YEAR = \"accelerator-id\"' entry")
        for year in v:
            if not re.fullmatch(r"\d{4}", str(year)):
                raise ValueError(f"keys must be years like \"2025\"; got {year!r}")
        return v

    @property
    def cadence(self) -> dict[int, str]:
        """``generations`` with integer years."""
        return {int(k): v for k, v in self.generations.items()}

    def given(self) -> dict[str, Any]:
        """The numeric inputs the section sets, flat (``growth.<factor>.rate`` ...)."""
        out: dict[str, Any] = {i.name: getattr(self, i.name) for i in _FLAT
                               if getattr(self, i.name) is not None}
        for f in GROWTH_FACTORS:
            spec = getattr(self.growth, f)
            if spec is None:
                continue
            for k in ("rate", "ceiling"):
                if getattr(spec, k) is not None:
                    out[f"growth.{f}.{k}"] = getattr(spec, k)
        return out

    def curves(self) -> dict[str, Curve]:
        """The curve of every growth factor (the section's, else the default)."""
        out = dict(DEFAULT_CURVES)
        for f in GROWTH_FACTORS:
            spec = getattr(self.growth, f)
            if spec is not None and spec.curve is not None:
                out[f] = spec.curve
        return out


# -----------------------------------------------------------------------------------
# resolution
# -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemandInputs:
    """The resolved inputs of a run: every value and source, and each growth factor's curve."""

    resolved: Resolved
    curves: dict[str, Curve]

    def point(self) -> dict[str, float]:
        return self.resolved.point()


def resolve_demand(section: DemandSection, catalog: Catalog | None = None,
                   flags: Mapping[str, Any] | None = None) -> DemandInputs:
    """Every input of ``section``: ``flags`` (``--set``) over the section over the defaults.

    A growth factor on an exponential curve has no ceiling unless one is given; a logistic
    factor without a ceiling (none given, no default) is an error naming the field.
    """
    curves = section.curves()
    res = DEMAND_INPUTS.resolve(section.given(), catalog, flags=flags)
    drop = [f"growth.{f}.ceiling" for f, c in curves.items() if c == "exponential"
            and f"growth.{f}.ceiling" in res.values
            and res.sources[f"growth.{f}.ceiling"].origin not in ("scenario", "flag")]
    for f, c in curves.items():
        if c == "logistic" and f"growth.{f}.ceiling" not in res.values:
            raise TokenfabError("a logistic curve needs a 'ceiling' (the limit, in the factor's "
                                "unit)", field=f"demand.growth.{f}.ceiling")
    values = {k: v for k, v in res.values.items() if k not in drop}
    sources: dict[str, Source] = {k: v for k, v in res.sources.items() if k not in drop}
    return DemandInputs(Resolved(res.section, values, sources, res.warnings), curves)


def filled_section(section: DemandSection, inputs: DemandInputs,
                   years: str | None = None) -> DemandSection:
    """``section`` with every resolved input written in (what ``--save-scenario`` writes)."""
    data = section.model_dump()
    if years is not None:
        data["years"] = years
    v = inputs.resolved.values
    for i in _FLAT:
        if i.name in v:
            data[i.name] = v[i.name]
    data["growth"] = {f: {"curve": inputs.curves[f], "rate": v[f"growth.{f}.rate"],
                          **({"ceiling": v[f"growth.{f}.ceiling"]}
                             if f"growth.{f}.ceiling" in v else {})}
                      for f in GROWTH_FACTORS}
    return DemandSection.model_validate(data)


def point_value(v: Value) -> float:
    """A resolved value at its likely value."""
    return float(likely(v))


def names(kind: str = "all") -> Sequence[str]:
    """The declared input names (``"flat"``: the section's fields; ``"growth"``: the rest)."""
    if kind == "flat":
        return [i.name for i in _FLAT]
    if kind == "growth":
        return [i.name for i in DEMAND_INPUTS if i.name.startswith("growth.")]
    return DEMAND_INPUTS.names
