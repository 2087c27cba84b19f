"""What-if analyses of a site: the same section with one assumption changed.

The report and the app call these; they never re-run the model with edited inputs themselves.

* :func:`failure_rate_sensitivity` -- goodput when the per-accelerator failure rate is
  scaled (e.g. twice the Llama 3 rate, since Blackwell-era rates are unpublished);
* :func:`checkpoint_alternative` -- the same site with the other checkpoint mode
  (storage <-> in-memory).

Both run the analytic model only (no Monte Carlo ranges, no failure simulation, no time to
train), at the likely value of every input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from tokenfab.catalog import Catalog
from tokenfab.cluster.site import ClusterOptions, SiteResult, evaluate_site, resolve_cluster
from tokenfab.errors import TokenfabError

__all__ = ["FailureRateSensitivity", "analytic_only", "checkpoint_alternative",
           "failure_rate_sensitivity"]


def analytic_only(s: ClusterOptions, **update: Any) -> ClusterOptions:
    """``s`` without Monte Carlo draws, failure simulation or time to train (plus ``update``)."""
    return s.model_copy(update={"samples": 0, "trials": 0, "model": None, "tokens": None,
                                **update})


@dataclass(frozen=True, slots=True)
class FailureRateSensitivity:
    """Goodput of the site at its failure rate and at ``factor`` times it."""

    factor: float
    failure_rate_multiplier: float  # the scaled multiplier actually run
    goodput: float  # at the section's failure rate
    goodput_scaled: float  # at factor x that rate
    mtbf_s: float
    mtbf_scaled_s: float

    def to_dict(self) -> dict[str, float]:
        return {"factor": self.factor, "failure_rate_multiplier": self.failure_rate_multiplier,
                "goodput": self.goodput, "goodput_scaled": self.goodput_scaled,
                "mtbf_s": self.mtbf_s, "mtbf_scaled_s": self.mtbf_scaled_s}


def failure_rate_sensitivity(s: ClusterOptions, catalog: Catalog | None = None,
                             factor: float = 2.0,
                             flags: Mapping[str, Any] | None = None) -> FailureRateSensitivity:
    """Analytic goodput with the failure rate multiplied by ``factor`` (> 0).

    The multiplier used is ``factor`` x the likely value of the section's
    ``failure_rate_multiplier`` (1 = the Llama 3 per-GPU rates); everything else as ``s``.
    """
    if not factor > 0:
        raise TokenfabError(f"must be > 0, got {factor!r}", field="factor", value=factor)
    base = analytic_only(s)
    res = resolve_cluster(base, catalog, flags)
    m = factor * res.point()["failure_rate_multiplier"]
    at_base = evaluate_site(base, catalog, resolved=res)
    scaled = evaluate_site(base, catalog, resolved=res.with_values(
        origin="derived", failure_rate_multiplier=m))
    return FailureRateSensitivity(float(factor), m, at_base.goodput, scaled.goodput,
                                  at_base.mtbf_s, scaled.mtbf_s)


def checkpoint_alternative(s: ClusterOptions, catalog: Catalog | None = None,
                           flags: Mapping[str, Any] | None = None) -> SiteResult:
    """The site with the other checkpoint mode (storage <-> memory), analytic only."""
    other: Literal["storage", "memory"] = "storage" if s.checkpoint == "memory" else "memory"
    return evaluate_site(analytic_only(s, checkpoint=other), catalog, flags=flags)
