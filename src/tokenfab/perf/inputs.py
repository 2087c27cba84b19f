"""The numeric inputs of the performance engine's ``[predict]`` section, declared once.

Scenario fields (:class:`tokenfab.perf.claims.PredictSection`), ``tokenfab predict --set
NAME=VALUE`` / ``--inputs`` and the defaults table of ``docs/perf.md`` are generated from
:data:`PREDICT_INPUTS`. The request shape and the service level are conditions of a run (what
the user asks), so none of them is uncertain; the engine's own uncertainty is in its
calibration constants (:mod:`tokenfab.perf.calibration`, :mod:`tokenfab.perf.era`).
"""

from __future__ import annotations

from typing import Any

from tokenfab.inputs import Input, InputSet, with_plausible

__all__ = ["PREDICT_INPUTS", "predict_kwargs", "MAX_COUNT"]

#: the most accelerators one deployment (``count``, ``baseline_count``, ``--count``) may have:
#: 10x the largest announced site (xAI's Colossus 2, ~1M GPUs planned, as in
#: :mod:`tokenfab.cluster.inputs`); beyond it a count is a typo (1e11 ran and printed 2e14 tok/s)
MAX_COUNT = 10_000_000

_WORKLOAD = ("tokenfab default: a 1k-in / 1k-out chat request, the SemiAnalysis InferenceMAX "
             "1k/1k workload (https://inferencemax.semianalysis.com)")

#: plausible ranges (SI) of the predict inputs, each with why (issue 15: an input outside them
#: is accepted with a warning); a 4th entry is a hard upper bound where the input had none
_PLAUSIBLE = {
    "input_tokens": (1.0, 1e7, "one token to the longest context windows (Llama 4 Scout 10M)",
                     1e9),
    "output_tokens": (1.0, 1e6, "one token to the longest reasoning traces (~100k) x10", 1e9),
    "ttft_max_s": (1e-3, 600.0, "1 ms to 10 minutes (MLPerf server limits 0.5-6 s)", 1e6),
    "tpot_max_s": (1e-4, 10.0, "0.1 ms to 10 s per token (MLPerf limits 15-200 ms)", 1e4),
    "interactivity_min": (0.1, 1e4, "0.1 to 10,000 tok/s per user (served today: 5-1,000)",
                          1e7),
    "input_p99_over_mean": (1.0, 100.0, "a p99 prompt 1x to 100x the mean", 1e4),
}

PREDICT_INPUTS = InputSet("predict", with_plausible([
    Input("input_tokens", "tokens", "mean prompt tokens per request", default=1024.0,
          kind="estimate", source=_WORKLOAD, ge=1.0, uncertain=False),
    Input("output_tokens", "tokens", "mean generated tokens per request", default=1024.0,
          kind="estimate", source=_WORKLOAD, ge=1.0, uncertain=False),
    Input("ttft_max_s", "time", "p99 limit on time to first token (none: no limit)",
          gt=0.0, uncertain=False),
    Input("tpot_max_s", "time", "p99 limit on time per output token (none: no limit)",
          gt=0.0, uncertain=False),
    Input("interactivity_min", "token_rate",
          "minimum mean decode speed per user, tokens/s (none: no floor)", gt=0.0,
          uncertain=False),
    Input("input_p99_over_mean", "count",
          "p99 / mean prompt length of the request mix (none: MLPerf-like mix, 2.43; "
          "1: fixed-length prompts)", ge=1.0, uncertain=False),
    Input("prefix_cache_hit", "fraction",
          "share of prompt tokens served from a prefix (KV) cache instead of prefilled",
          default=0.0, kind="estimate",
          source="tokenfab default: no prefix reuse (MLPerf and InferenceMAX prompts are "
                 "distinct); chat and agent traffic reuse system prompts and history",
          ge=0.0, lt=1.0, uncertain=False),
], _PLAUSIBLE))


def predict_kwargs(values: dict[str, Any]) -> dict[str, Any]:
    """Resolved ``[predict]`` inputs -> keyword arguments of :func:`tokenfab.perf.predict`
    (every input, ``None`` where there is no limit)."""
    out: dict[str, Any] = {name: None for name in PREDICT_INPUTS.names}
    out.update({k: (None if v is None else float(v)) for k, v in values.items()
                if k in PREDICT_INPUTS})
    return out
