"""Price versus interactivity: faster tokens sell for more.

A :class:`PriceCurve` maps interactivity (output tokens/s seen by one user) to a price
*multiplier* on the factory's reference price per million tokens (``price_usd_per_mtok``):
piecewise linear in ``log(interactivity)`` between its points, flat beyond the first and last
point. The curve must not decrease (a faster token never sells for less); a curve that does is
rejected with the offending points named.

Default curve (:data:`DEFAULT_PRICE_CURVE`), from OpenAI's API service tiers for the same
model (GPT-5, output tokens):

=====================  ===========  ===========  ===================================================
tier                   tok/s/user   multiplier   source
=====================  ===========  ===========  ===================================================
Batch (24 h, no SLA)   5 [est]      0.5          OpenAI pricing: Batch API 50% off ($5 vs $10 /M out)
Standard (no SLA)      30 [est]     1.0          OpenAI pricing: GPT-5 $10 /M output (2025-08-07)
Priority ("Fast")      50           2.0          openai.com/api-priority-processing: GPT-5 $20 /M
                                                 output, latency SLA "99% > 50 tokens per second"
=====================  ===========  ===========  ===================================================

The prices are published (spec); the speeds of the Batch and Standard tiers are not
guaranteed by the provider and are our estimates. Beyond 50 tok/s/user the curve stays flat:
no published price list charges more for the same model at higher speed (NVIDIA's GTC 2026
"token tiers" chart is a vendor claim, not a price list).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tokenfab.errors import TokenfabError


@dataclass(frozen=True)
class PriceCurve:
    """Price multiplier versus interactivity [tok/s/user]; non-decreasing, flat beyond ends."""

    interactivity_tok_s: tuple[float, ...]
    multiplier: tuple[float, ...]
    source: str = "user"

    def __post_init__(self) -> None:
        check_price_curve(self.interactivity_tok_s, self.multiplier)

    def __call__(self, interactivity_tok_s: Any) -> np.ndarray:
        """Multiplier at ``interactivity_tok_s`` (number or array, > 0) [-].

        ``m(x) = interp(log x, log x_i, m_i)``, constant outside ``[x_0, x_n]``.
        """
        x = np.asarray(interactivity_tok_s, dtype=float)
        if np.any(~np.isfinite(x)) or np.any(x <= 0):
            raise TokenfabError("interactivity must be > 0 tok/s/user for the price curve",
                                field="interactivity", value=interactivity_tok_s)
        out: np.ndarray = np.interp(np.log(x), np.log(np.asarray(self.interactivity_tok_s)),
                                    np.asarray(self.multiplier))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"interactivity_tok_s": list(self.interactivity_tok_s),
                "multiplier": list(self.multiplier), "source": self.source}


def check_price_curve(interactivity_tok_s: Sequence[float], multiplier: Sequence[float],
                      field: str = "price_curve") -> None:
    """Raise :class:`TokenfabError` unless the curve is a valid, non-decreasing price curve.

    Rules: at least one point; same number of interactivities and multipliers; every value
    finite and > 0; interactivity strictly increasing; multiplier never decreasing.
    """
    xs, ms = list(interactivity_tok_s), list(multiplier)
    if not xs:
        raise TokenfabError("needs at least one point", field=field)
    if len(xs) != len(ms):
        raise TokenfabError(f"has {len(xs)} interactivities but {len(ms)} multipliers; give one "
                            "multiplier per interactivity", field=field)
    for name, vals in (("interactivity", xs), ("multiplier", ms)):
        for v in vals:
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or v <= 0:
                raise TokenfabError(f"every {name} must be a finite number > 0, got {v!r}",
                                    field=f"{field}.{name}", value=v)
    for a, b in zip(xs, xs[1:], strict=False):
        if b <= a:
            raise TokenfabError(f"interactivity must be strictly increasing, got {a:g} then {b:g} "
                                "tok/s/user", field=f"{field}.interactivity", value=xs)
    for i in range(1, len(ms)):
        if ms[i] < ms[i - 1]:
            raise TokenfabError(
                f"is not monotone: the price must not fall as tokens get faster, but the multiplier "
                f"drops from {ms[i - 1]:g} at {xs[i - 1]:g} tok/s/user to {ms[i]:g} at "
                f"{xs[i]:g} tok/s/user", field=f"{field}.multiplier", value=ms)


DEFAULT_PRICE_CURVE = PriceCurve(
    (5.0, 30.0, 50.0), (0.5, 1.0, 2.0),
    source="OpenAI API service tiers for GPT-5 output tokens: Batch 50% off (speed ~5 tok/s "
    "[est]), Standard $10/M (speed ~30 tok/s [est]), Priority $20/M with SLA 99% > 50 tok/s "
    "(https://openai.com/api-priority-processing/); flat beyond 50 tok/s")

FLAT_PRICE_CURVE = PriceCurve((1.0,), (1.0,), source="flat: price independent of interactivity")
