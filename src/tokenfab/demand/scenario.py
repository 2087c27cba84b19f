"""The ``[demand]`` scenario section: every input of the demand model, its default and source.

Defaults come from the catalog's economics table where it has a row (``economics.csv:<key>``);
the few it lacks are defined in :data:`OWN_DEFAULTS` with a source and a kind (estimate /
measured / claim). Any number may be written as a range ``{low, likely, high}``.

Growth factors are tables ``{curve, rate, ceiling}``: ``rate`` is the fractional growth per
year (``0`` flat, ``3.6`` = 4.6x/yr), ``ceiling`` the logistic curve's limit in the factor's own
unit. Example::

    [demand]
    model = "deepseek-v3"
    users = { low = 8e8, likely = 1.2e9, high = 1.45e9 }

    [demand.growth]
    users = { curve = "logistic", rate = 1.0, ceiling = 5.5e9 }
    reasoning_tokens = { curve = "exponential", rate = 0 }
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, field_validator, model_validator

from tokenfab.catalog import load_catalog
from tokenfab.errors import TokenfabError
from tokenfab.scenario import Quantity, ScenarioSection, Uncertain, register_section
from tokenfab.uncertainty import Range

__all__ = ["DemandSection", "GrowthSpec", "Growth", "OWN_DEFAULTS", "default_sources",
           "parse_years"]


# -----------------------------------------------------------------------------------
# defaults
# -----------------------------------------------------------------------------------
def _eco(key: str, transform: Callable[[float], float] | None = None) -> float | Range:
    """An economics row as a number or Range (``transform`` applied to low/likely/high)."""
    a = load_catalog().assumption(key)
    r = a.range
    if transform is None:
        return r
    if isinstance(r, Range):
        lo, hi = sorted((transform(r.low), transform(r.high)))
        return Range(lo, transform(r.likely), hi, r.dist)
    return transform(r)


def _users() -> Range:
    chatgpt = load_catalog().assumption("chatgpt_weekly_active_users").value
    gemini = load_catalog().assumption("gemini_app_mau").value
    overviews = OWN_DEFAULTS["ai_overviews_monthly_users"][0]
    return Range(chatgpt, chatgpt + gemini, chatgpt + overviews)


def _queries_per_user_per_day() -> Range:
    cat = load_catalog()
    msg = cat.assumption("chatgpt_messages_per_day")
    wau = cat.assumption("chatgpt_weekly_active_users")
    lo = (msg.low or msg.value) / (wau.high or wau.value)
    hi = (msg.high or msg.value) / (wau.low or wau.value)
    return Range(lo, msg.value / wau.value, hi)


#: inputs the economics table has no row for: (value, source, kind)
OWN_DEFAULTS: dict[str, tuple[Any, str, str]] = {
    "ai_overviews_monthly_users": (
        2e9, "Google AI Overviews 'over 2 billion monthly users' (Alphabet Q2 2025 earnings call, "
        "2025-07-23; e.g. reportify.ai/news/1145677014397882368)", "measured"),
    "frontier_run_flops": (
        Range(1e26, 3e26, 5e26),
        "largest pre-training runs of 2025: Grok 4 ~3e26 FLOP (Nesov's reading of xAI's 100k-H100 "
        "run, LessWrong 2025, in shared/background/economics.md sec. 3.2); Epoch AI lists "
        "several models above 1e26 [est]", "estimate"),
    "frontier_runs_per_year": (
        Range(3.0, 6.0, 12.0),
        "about six labs at the frontier in 2025 (OpenAI, Google, Anthropic, xAI, Meta, "
        "DeepSeek), ~one frontier-scale run each per year [est]", "estimate"),
    "overtrain": (1.0, "Chinchilla-optimal (no over-training) [choice]", "estimate"),
    "pretraining_mfu": (
        Range(0.3, 0.4, 0.5),
        "Llama 3 405B: 38-43% BF16 MFU on 16k H100 (Meta, arXiv:2407.21783); SemiAnalysis "
        "2025-08-20: GPT-3 175B on H100 34% -> 54%", "measured"),
    "post_training_mfu": (
        Range(0.05, 0.1, 0.4),
        "decode-heavy RL runs at low utilization: Nesov reads Grok 4's RL as ~pre-training "
        "GPU-time with ~5x fewer FLOPs (LessWrong 2025) -> ~0.4/5 [est]", "estimate"),
    "rl_rollouts_per_year": (
        1e8, "sized so that rollouts mode ~ ratio mode for the 2025 defaults (3e26 FLOP "
        "pre-training, 20% RL) [est]", "estimate"),
    "input_tokens": (
        Range(300.0, 1000.0, 3000.0),
        "prompt + conversation context per query; with the answer consistent with the "
        "1,000-3,000 tokens per ChatGPT message cross-check in shared/background/economics.md "
        "sec. 2.3 [est]", "estimate"),
    "answer_tokens": (
        Range(300.0, 600.0, 1000.0),
        "non-reasoning answer length [est], same cross-check", "estimate"),
    "tree_share": (Range(0.0, 0.01, 0.05), "share of queries answered by tree search: rare in "
                   "deployed products [est]", "estimate"),
    "tree_branching": (5.0, "Tree of Thoughts BFS, Game of 24 (Yao et al. 2023, arXiv:2305.10601)",
                       "measured"),
    "tree_depth": (3.0, "Tree of Thoughts: 3 thought steps for Game of 24", "measured"),
    "tree_keep_fraction": (0.2, "Tree of Thoughts keeps the best 5 states of ~25 candidates",
                           "measured"),
    "tree_tokens_per_node": (Range(50.0, 200.0, 1000.0), "thought length [est]", "estimate"),
    "tree_eval_tokens_per_node": (Range(10.0, 50.0, 200.0), "value prompt output per state [est]",
                                  "estimate"),
    "agent_share": (Range(0.001, 0.01, 0.05), "share of queries that are agent tasks, 2025 [est]",
                    "estimate"),
    "agent_steps": (Range(5.0, 20.0, 100.0), "model calls per agent task [est]; extreme: a Google "
                    "I/O 2026 coding demo used 15k requests", "estimate"),
    "agent_initial_context_tokens": (Range(2000.0, 5000.0, 20000.0),
                                     "system prompt + task + tool schemas [est]", "estimate"),
    "agent_output_tokens_per_step": (Range(200.0, 500.0, 2000.0), "[est]", "estimate"),
    "agent_tool_tokens_per_step": (Range(500.0, 2000.0, 10000.0), "tool results per call [est]",
                                   "estimate"),
    "agent_cache_hit_fraction": (Range(0.5, 0.8, 0.95), "prefix caching of re-read context, "
                                 "standard in production serving [est]", "estimate"),
    "interactivity": (50.0, "output tokens/s per user; InferenceMAX reports operating points "
                      "at ~35-90 tok/s/user [choice]", "estimate"),
    "hardware_gain_after_last": (0.6, "Epoch AI (Apr 2025): performance per chip 1.6x/yr, applied "
                                 "after the last generation of the cadence [est]", "estimate"),
    "claim_multiple": (1e9, "Jensen Huang, BG2 2025-09-25: inference demand 'a billion times' "
                       "[claim]", "claim"),
    # growth
    "growth.frontier_runs": (0.0, "[est] constant number of frontier runs", "estimate"),
    "growth.rl_ratio": (Range(0.0, 0.5, 1.0), "RL share rising from ~5% (DeepSeek-R1, early 2025) "
                        "to ~parity (Grok 4, mid 2025), ceiling 1 [est]", "estimate"),
    "growth.users": (Range(0.5, 1.0, 2.0), "ChatGPT WAU 100M (Nov 2023) -> 800M (Oct 2025) = "
                     "~3x/yr, decelerating; logistic ceiling 5.5e9 = internet users (ITU Facts "
                     "and Figures 2024) [est]", "estimate"),
    "growth.queries_per_user": (Range(0.0, 0.2, 0.5), "[est]", "estimate"),
    "growth.reasoning_share": (Range(0.5, 1.0, 2.0), "reasoning went from ~0% to >50% of "
                               "OpenRouter tokens in 2025 (a16z 2025-12-04); ceiling 1 [est]",
                               "estimate"),
    "growth.tree_share": (0.0, "[est]", "estimate"),
    "growth.agent_share": (Range(0.5, 1.0, 2.0), "[est]; ceiling 0.5", "estimate"),
    "growth.agent_steps": (Range(0.3, 1.0, 2.3), "METR 2025 (arXiv:2503.14499): task length "
                           "doubling every ~7 months = 2.3/yr (high); ceiling 1000 [est]",
                           "estimate"),
    "growth.model_flops": (0.0, "served model size held constant (distillation and MoE offset "
                           "scale) [est]", "estimate"),
    "growth.reasoning_tokens.ceiling": (Range(5.5e4, 1e5, 1e6), "~55k tokens per o3 ARC-AGI "
                                        "sample; 1M-token context windows (high) [est]",
                                        "estimate"),
    "growth.answer_tokens.ceiling": (2000.0, "[est]", "estimate"),
}


def _own(key: str) -> Any:
    return OWN_DEFAULTS[key][0]


#: catalog-sourced defaults: field -> economics key (and how the value is transformed)
CATALOG_DEFAULTS: dict[str, str] = {
    "tokens_per_param": "chinchilla_tokens_per_param",
    "rl_to_pretrain_ratio": "rl_to_pretrain_compute_ratio",
    "rl_tokens_per_rollout": "tokens_per_hard_task_sample_o3",
    "reasoning_multiplier": "reasoning_vs_nonreasoning_token_multiplier",
    "reasoning_token_share": "reasoning_share_of_tokens_openrouter",
    "users": "low: chatgpt_weekly_active_users; likely: + gemini_app_mau (overlap ignored); "
             "high: ChatGPT + Google AI Overviews' 2B monthly users (Alphabet Q2 2025)",
    "queries_per_user_per_day": "chatgpt_messages_per_day / chatgpt_weekly_active_users",
    "capex_life_years": "depreciation_life_it_years",
    "accelerator_share_of_capex": "share_capex_gpu",
    "analyst_base_usd": "nvda_dc_revenue_fy26 (NVIDIA data-center revenue, CY2025)",
    "analyst_growth": "nvda_street_growth_2027_2030",
    "growth.frontier_run_flops": "training_compute_growth - 1",
    "growth.rl_rollouts": "training_compute_growth - 1",
    "growth.reasoning_tokens": "output_length_growth_reasoning - 1",
    "growth.answer_tokens": "output_length_growth_nonreasoning - 1",
    "capex_usd_per_w": "tokenfab.factory.capex_usd_per_it_w per generation; without the factory "
                       "model: capex_per_gw_model_prior",
    "inference_utilization": "tokenfab.factory.defaults.OWN_DEFAULTS['utilization']",
}


def default_sources() -> dict[str, str]:
    """``field -> source`` of every default (for docs and resolved scenarios)."""
    out = {k: f"{src} — {kind}" for k, (_, src, kind) in OWN_DEFAULTS.items()}
    out.update({k: (v if v.startswith("tokenfab.") else f"economics.csv: {v}")
                for k, v in CATALOG_DEFAULTS.items()})
    return out


# -----------------------------------------------------------------------------------
# section models
# -----------------------------------------------------------------------------------
def _optional_uncertain(dimension: str = "count", *, number_only: bool = False,
                        **bounds: float) -> Any:
    """Like :func:`Uncertain` (or :func:`Quantity` with ``number_only``), but None is allowed."""
    inner = (Quantity if number_only else Uncertain)(dimension, **bounds)
    validate = inner.__metadata__[0].func

    def v(raw: Any) -> Any:
        return None if raw is None else validate(raw)

    return Annotated[Any, PlainValidator(v)]


class GrowthSpec(ScenarioSection):
    """One growth factor: ``exponential`` (``x0 (1+r)^t``) or ``logistic`` toward ``ceiling``."""

    curve: Literal["exponential", "logistic"] = "exponential"
    rate: Uncertain("count", gt=-1.0) = 0.0  # type: ignore[valid-type]
    ceiling: _optional_uncertain("count", gt=0.0) = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _logistic_needs_ceiling(self) -> GrowthSpec:
        if self.curve == "logistic" and self.ceiling is None:
            raise ValueError("a logistic curve needs a 'ceiling' (the limit, in the factor's unit)")
        return self


def _g(rate: Any, curve: str = "exponential", ceiling: Any = None) -> Callable[[], GrowthSpec]:
    def make() -> GrowthSpec:
        r = rate() if callable(rate) else rate
        c = ceiling() if callable(ceiling) else ceiling
        return GrowthSpec(curve=curve, rate=r, ceiling=c)

    return make


def _minus_one(key: str) -> Callable[[], Any]:
    return lambda: _eco(key, lambda x: x - 1.0)


class Growth(ScenarioSection):
    """Growth of every factor of the three laws (see :class:`GrowthSpec`)."""

    frontier_run_flops: GrowthSpec = Field(default_factory=_g(_minus_one("training_compute_growth")))
    frontier_runs: GrowthSpec = Field(default_factory=_g(_own("growth.frontier_runs")))
    rl_ratio: GrowthSpec = Field(default_factory=_g(_own("growth.rl_ratio"), "logistic", 1.0))
    rl_rollouts: GrowthSpec = Field(default_factory=_g(_minus_one("training_compute_growth")))
    users: GrowthSpec = Field(default_factory=_g(_own("growth.users"), "logistic", 5.5e9))
    queries_per_user: GrowthSpec = Field(default_factory=_g(_own("growth.queries_per_user")))
    answer_tokens: GrowthSpec = Field(default_factory=_g(
        _minus_one("output_length_growth_nonreasoning"), "logistic",
        _own("growth.answer_tokens.ceiling")))
    reasoning_tokens: GrowthSpec = Field(default_factory=_g(
        _minus_one("output_length_growth_reasoning"), "logistic",
        _own("growth.reasoning_tokens.ceiling")))
    reasoning_share: GrowthSpec = Field(default_factory=_g(_own("growth.reasoning_share"),
                                                           "logistic", 1.0))
    tree_share: GrowthSpec = Field(default_factory=_g(_own("growth.tree_share")))
    agent_share: GrowthSpec = Field(default_factory=_g(_own("growth.agent_share"), "logistic", 0.5))
    agent_steps: GrowthSpec = Field(default_factory=_g(_own("growth.agent_steps"), "logistic", 1000.0))
    model_flops: GrowthSpec = Field(default_factory=_g(_own("growth.model_flops")))


_YEARS_RE = re.compile(r"^\s*(\d{4})\s*:\s*(\d{4})\s*$")


def parse_years(text: str, field: str = "years") -> list[int]:
    """``"2025:2032"`` -> ``[2025, ..., 2032]`` (inclusive; 1 to 100 years, 1990-2200)."""
    m = _YEARS_RE.match(str(text))
    if not m:
        raise TokenfabError(f"must be FIRST:LAST, e.g. '2025:2032'; got {text!r}", field=field)
    a, b = int(m.group(1)), int(m.group(2))
    if not (1990 <= a <= b <= 2200) or b - a > 100:
        raise TokenfabError(f"must be FIRST:LAST with 1990 <= FIRST <= LAST <= 2200 and at most 100 "
                            f"years; got {text!r}", field=field)
    return list(range(a, b + 1))


_DEFAULT_CADENCE = {"2023": "h100-sxm", "2025": "gb200-nvl72", "2026": "gb300-nvl72",
                    "2027": "vr200-nvl144"}

_fraction = Uncertain("fraction", ge=0.0, le=1.0)
_pos = Uncertain("count", gt=0.0)
_nonneg = Uncertain("count", ge=0.0)


@register_section("demand")
class DemandSection(ScenarioSection):
    """Inputs of ``tokenfab demand``: the three laws, their growth, supply and the comparison."""

    base_year: int = Field(2025, ge=1990, le=2200)
    years: str = "2025:2032"
    model: str = "deepseek-v3"
    precision: Literal["fp4", "fp8", "bf16"] = "fp8"
    training_precision: Literal["fp4", "fp8", "bf16"] = "bf16"
    interactivity: Quantity("token_rate", gt=0.0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _own("interactivity"))
    # pre-training
    frontier_run_flops: Uncertain("flops", gt=0.0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _own("frontier_run_flops"))
    frontier_params: _optional_uncertain("count", gt=0.0) = None  # type: ignore[valid-type]
    tokens_per_param: _pos = Field(default_factory=lambda: _eco("chinchilla_tokens_per_param"))  # type: ignore[valid-type]
    overtrain: _pos = Field(default_factory=lambda: _own("overtrain"))  # type: ignore[valid-type]
    frontier_runs_per_year: _nonneg = Field(default_factory=lambda: _own("frontier_runs_per_year"))  # type: ignore[valid-type]
    pretraining_mfu: Uncertain("fraction", gt=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _own("pretraining_mfu"))
    # post-training
    rl_mode: Literal["ratio", "rollouts"] = "ratio"
    rl_to_pretrain_ratio: _nonneg = Field(default_factory=lambda: _eco("rl_to_pretrain_compute_ratio"))  # type: ignore[valid-type]
    rl_rollouts_per_year: _nonneg = Field(default_factory=lambda: _own("rl_rollouts_per_year"))  # type: ignore[valid-type]
    rl_tokens_per_rollout: _pos = Field(default_factory=lambda: _eco("tokens_per_hard_task_sample_o3"))  # type: ignore[valid-type]
    rl_trained_fraction: _fraction = 1.0  # type: ignore[valid-type]
    rl_active_params: _optional_uncertain("count", gt=0.0) = None  # type: ignore[valid-type]
    post_training_mfu: Uncertain("fraction", gt=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _own("post_training_mfu"))
    # inference
    users: _nonneg = Field(default_factory=_users)  # type: ignore[valid-type]
    queries_per_user_per_day: _nonneg = Field(default_factory=_queries_per_user_per_day)  # type: ignore[valid-type]
    input_tokens: _nonneg = Field(default_factory=lambda: _own("input_tokens"))  # type: ignore[valid-type]
    answer_tokens: _pos = Field(default_factory=lambda: _own("answer_tokens"))  # type: ignore[valid-type]
    reasoning_multiplier: Uncertain("count", ge=1.0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _eco("reasoning_vs_nonreasoning_token_multiplier"))
    reasoning_token_share: _fraction = Field(  # type: ignore[valid-type]
        default_factory=lambda: _eco("reasoning_share_of_tokens_openrouter"))
    tree_share: _fraction = Field(default_factory=lambda: _own("tree_share"))  # type: ignore[valid-type]
    tree_branching: Uncertain("count", ge=1.0) = Field(default_factory=lambda: _own("tree_branching"))  # type: ignore[valid-type]
    tree_depth: Uncertain("count", ge=1.0) = Field(default_factory=lambda: _own("tree_depth"))  # type: ignore[valid-type]
    tree_keep_fraction: Uncertain("fraction", gt=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _own("tree_keep_fraction"))
    tree_tokens_per_node: _nonneg = Field(default_factory=lambda: _own("tree_tokens_per_node"))  # type: ignore[valid-type]
    tree_eval_tokens_per_node: _nonneg = Field(default_factory=lambda: _own("tree_eval_tokens_per_node"))  # type: ignore[valid-type]
    agent_share: _fraction = Field(default_factory=lambda: _own("agent_share"))  # type: ignore[valid-type]
    agent_steps: Uncertain("count", ge=1.0) = Field(default_factory=lambda: _own("agent_steps"))  # type: ignore[valid-type]
    agent_initial_context_tokens: _nonneg = Field(  # type: ignore[valid-type]
        default_factory=lambda: _own("agent_initial_context_tokens"))
    agent_output_tokens_per_step: _nonneg = Field(  # type: ignore[valid-type]
        default_factory=lambda: _own("agent_output_tokens_per_step"))
    agent_tool_tokens_per_step: _nonneg = Field(  # type: ignore[valid-type]
        default_factory=lambda: _own("agent_tool_tokens_per_step"))
    agent_cache_hit_fraction: _fraction = Field(  # type: ignore[valid-type]
        default_factory=lambda: _own("agent_cache_hit_fraction"))
    growth: Growth = Field(default_factory=Growth)
    # supply
    generations: dict[str, str] = Field(default_factory=lambda: dict(_DEFAULT_CADENCE))
    hardware_gain_after_last: Quantity("count", gt=-1.0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _own("hardware_gain_after_last"))
    inference_utilization: Uncertain("fraction", gt=0.0, le=1.0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _factory_utilization())
    capex_usd_per_w: _optional_uncertain("money_per_power", gt=0.0) = None  # type: ignore[valid-type]
    capex_life_years: _pos = Field(default_factory=lambda: _eco("depreciation_life_it_years"))  # type: ignore[valid-type]
    # comparison with the analysts' view
    accelerator_share_of_capex: _fraction = Field(default_factory=lambda: _eco("share_capex_gpu"))  # type: ignore[valid-type]
    analyst_base_year: int = Field(2025, ge=1990, le=2200)
    analyst_base_usd: Uncertain("money", gt=0.0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _eco("nvda_dc_revenue_fy26", lambda x: x * 1e9))
    analyst_growth: Uncertain("fraction", gt=-1.0) = Field(  # type: ignore[valid-type]
        default_factory=lambda: _eco("nvda_street_growth_2027_2030"))
    analyst_mode: Literal["linear", "compound"] = "linear"
    # the claim
    claim_multiple: Quantity("count", gt=1.0) = Field(default_factory=lambda: _own("claim_multiple"))  # type: ignore[valid-type]
    claim_horizon_years: _optional_uncertain("count", number_only=True, gt=0.0) = None  # type: ignore[valid-type]

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


def _factory_utilization() -> Any:
    try:
        from tokenfab.factory.defaults import OWN_DEFAULTS as FACTORY_DEFAULTS
    except ImportError:  # pragma: no cover - the factory model ships with the package
        return Range(0.6, 0.8, 1.0)
    return FACTORY_DEFAULTS["utilization"].value
