"""The nomenclature page: every field of the models' result types, its unit and its meaning.

``docs/nomenclature.md`` is generated from :func:`markdown` (``python scripts/gen_docs.py``),
and a test checks that the page equals it, so the docs list exactly the fields the code has.
A field's meaning is its ``#:`` comment in the class body (or its trailing comment); its unit
is read from its name, where the project's convention puts it (``_w``, ``_usd_per_year``...).
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from typing import Any

from tokenfab.claims import Finding
from tokenfab.cluster.site import SiteResult
from tokenfab.demand.project import DemandProjection
from tokenfab.display import label
from tokenfab.factory.economics import FactoryOutputs, PairOutputs
from tokenfab.factory.runner import FactoryResult
from tokenfab.market.run import MarketResult
from tokenfab.perf.claims import Decomposition
from tokenfab.perf.serving import Frontier, Prediction
from tokenfab.perf.validate import ValidationResult
from tokenfab.plan.analysis import PlanReport
from tokenfab.plan.lp import PlanResult

__all__ = ["GLOSSARY", "RESULT_TYPES", "field_docs", "markdown", "unit_of"]

#: the result types a user meets, by command (the page's sections, in order)
RESULT_TYPES: tuple[tuple[str, type], ...] = (
    ("tokenfab predict", Prediction),
    ("tokenfab pareto", Frontier),
    ("tokenfab validate", ValidationResult),
    ("tokenfab predict SCENARIO (a claimed ratio, decomposed)", Decomposition),
    ("tokenfab factory", FactoryOutputs),
    ("tokenfab factory --vs", PairOutputs),
    ("tokenfab factory (the whole run)", FactoryResult),
    ("tokenfab cluster", SiteResult),
    ("tokenfab demand", DemandProjection),
    ("tokenfab market", MarketResult),
    ("tokenfab plan (the optimal plan)", PlanResult),
    ("tokenfab plan (the analysis)", PlanReport),
    ("every verdict", Finding),
)

#: name endings -> unit (longest first); the project's names carry their units
_UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_usd_per_accelerator_hour", "USD per accelerator-hour"),
    ("_usd_per_mtok", "USD per million tokens"),
    ("_usd_per_year", "USD per year"),
    ("_usd_per_site_w", "USD per W of site power"),
    ("_usd_per_it_w", "USD per W of IT power"),
    ("_usd_per_w", "USD per W"),
    ("_tokens_per_s_per_user", "tokens/s per user"),
    ("_tokens_per_s_per_accelerator", "tokens/s per accelerator"),
    ("_tokens_per_s_per_mw", "tokens/s per MW"),
    ("_tokens_per_s", "tokens/s"),
    ("_per_s_per_mw", "per s per MW"),
    ("_per_year", "per year"),
    ("_per_day", "per day"),
    ("_usd", "USD"),
    ("_w", "W"),
    ("_j", "J"),
    ("_s", "s"),
    ("_bytes", "bytes"),
    ("_years", "years"),
    ("_days", "days"),
    ("_hours", "hours"),
    ("_flops", "FLOP"),
)


#: meanings of names used across results (a class's own ``#:`` comment wins)
GLOSSARY: dict[str, str] = {
    "output_tokens_per_s": "output tokens per second of the whole deployment",
    "output_tokens_per_s_per_accelerator": "output tokens per second per accelerator",
    "tokens_per_s_per_accelerator": "OUTPUT tokens per second per accelerator at the operating "
                                    "point",
    "ttft_s": "mean time to first token", "tpot_s": "mean time per output token",
    "ttft_p99_s": "99th-percentile time to first token",
    "tpot_p99_s": "99th-percentile time per output token",
    "interactivity_tokens_per_s_per_user": "output tokens per second seen by one user (1/TPOT)",
    "tokens_per_s_per_mw": "output tokens per second per MW of facility power",
    "bottleneck": "what limits a decode step: compute, memory bandwidth, interconnect or "
                  "overhead",
    "memory_bytes": "memory per accelerator by use (weights, KV cache, activations)",
    "config": "the serving layout chosen (parallelism, batch, precision, deployment)",
    "model": "catalog model id", "hardware": "catalog accelerator/system id",
    "points": "the non-dominated operating points, sorted by interactivity",
    "section": "the scenario section the run used (defaults filled in)",
    "samples": "Monte Carlo draws per output (arrays of length n)",
    "point": "each output at the inputs' likely values",
    "seed": "NumPy seed of the Monte Carlo", "n": "Monte Carlo draws",
    "verdict": "supported / partly supported / not supported / not available",
    "claim": "the claim graded (text, source, quantity, comparison)",
    "value": "the model's value of the claim's quantity", "band": "p10-p90 of that value",
}


def unit_of(name: str) -> str:
    """The unit a field's name states (``capex_usd`` -> ``USD``); ``""`` when it states none."""
    for suffix, unit in _UNIT_SUFFIXES:
        if name.endswith(suffix) or name == suffix.lstrip("_"):
            return unit
    return ""


_COMMENT = re.compile(r"^\s*#:\s?(.*)$")
_FIELD = re.compile(r"^\s*(\w+)\s*:\s*[^=#]+(?:=[^#]*)?(?:#\s*(.*))?$")


def field_docs(cls: type) -> dict[str, str]:
    """Field -> its ``#:`` comment (lines joined) or trailing ``# comment`` in the class body."""
    try:
        lines = inspect.getsource(cls).splitlines()
    except (OSError, TypeError):
        return {}
    out: dict[str, str] = {}
    pending: list[str] = []
    names = {f.name for f in dataclasses.fields(cls)}
    for line in lines[1:]:
        c = _COMMENT.match(line)
        if c:
            pending.append(c.group(1).strip())
            continue
        m = _FIELD.match(line)
        if m and m.group(1) in names and m.group(1) not in out:
            text = " ".join(pending) or (m.group(2) or "").strip()
            if text:
                out[m.group(1)] = text
        pending = [] if not line.strip().startswith("#") else pending
    return out


def _type_text(tp: Any) -> str:
    text = tp if isinstance(tp, str) else getattr(tp, "__name__", str(tp))
    return str(text).replace("|", "or").replace("typing.", "")


def markdown() -> str:
    """The nomenclature tables (one per result type): field, unit, type, meaning."""
    parts: list[str] = []
    for command, cls in RESULT_TYPES:
        docs = field_docs(cls)
        head = (inspect.getdoc(cls) or "").split("\n\n")[0].replace("\n", " ")
        parts.append(f"### `{cls.__name__}` ({command})\n\n{head}\n")
        parts.append("| field | unit | type | meaning |\n|---|---|---|---|")
        for f in dataclasses.fields(cls):
            meaning = docs.get(f.name) or GLOSSARY.get(f.name) or label(f.name)
            parts.append(f"| `{f.name}` | {unit_of(f.name) or '—'} | {_type_text(f.type)} | "
                         f"{meaning.replace('|', '/')} |")
        parts.append("")
    return "\n".join(parts).rstrip("\n")
