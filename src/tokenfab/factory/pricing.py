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
from tokenfab.uncertainty import Range


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


#: the OpenAI API service tiers as a price curve (opt-in: ``price_curve`` in a scenario); the
#: default curve is flat, because the price table already holds each provider's price at the
#: speed it serves, and open-model providers serve 30-100+ tok/s/user at their standard price
OPENAI_TIER_CURVE = DEFAULT_PRICE_CURVE
DEFAULT_PRICE_CURVE = FLAT_PRICE_CURVE


# -----------------------------------------------------------------------------------------
# token prices per model, GPU rents per accelerator (catalog tables)
# -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TablePrice:
    """A price from a catalog table: likely value and range (SI) and where it comes from."""

    value: Range | float
    source: str
    kind: str


def _stat(xs: Sequence[float]) -> Range | float:
    lo, mid, hi = min(xs), float(np.median(xs)), max(xs)
    return float(mid) if lo == hi else Range(lo, mid, hi)


def _latest_per_provider(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    best: dict[str, dict[str, str]] = {}
    for r in rows:
        p = r["provider"]
        if p not in best or r["date"] > best[p]["date"]:
            best[p] = r
    return list(best.values())


def model_token_price(catalog: Any, model: Any, side: str) -> TablePrice:
    """The default API price of ``model`` for ``side`` = ``"input"`` or ``"output"`` [USD/token].

    Rule: the median over providers (each at its latest date) of the standard-tier prices in
    ``token_prices.csv``, with the provider spread (min..max) as its range. A model not in the
    table is priced by its size: (median over table models of output price per billion total
    parameters) x its total parameters in billions, with the spread of that ratio across table
    models as the range; the input price is the median input/output ratio of the table times
    that.
    """
    rows = [r for r in catalog.token_prices() if r.get("tier", "standard") == "standard"]
    col = f"{side}_usd_per_mtok"
    mine = _latest_per_provider([r for r in rows if r["model"] == model.id])
    if mine:
        xs = [float(r[col]) * 1e-6 for r in mine]
        v = _stat(xs)
        provs = ", ".join(f"{r['provider']} ${float(r[col]):g} ({r['date'][:7]})" for r in mine)
        kind = "measured" if len(mine) > 1 else mine[0].get("kind", "spec") or "spec"
        return TablePrice(v, f"token_prices.csv {model.id} {side}: median of {len(mine)} "
                          f"provider(s) [{provs}]", kind if kind in ("spec", "measured",
                                                                     "estimate") else "spec")
    per_b: dict[str, list[float]] = {}
    ratio: list[float] = []
    for r in rows:
        try:
            m = catalog.model(r["model"])
        except Exception:  # noqa: BLE001 - a table row for a model this catalog lacks
            continue
        per_b.setdefault(m.id, []).append(float(r["output_usd_per_mtok"])
                                          / (m.total_params_published / 1e9))
        ratio.append(float(r["input_usd_per_mtok"]) / float(r["output_usd_per_mtok"]))
    k = [float(np.median(v)) for v in per_b.values()]
    size_b = model.total_params_published / 1e9
    out = Range(min(k) * size_b, float(np.median(k)) * size_b, max(k) * size_b)
    v = out if side == "output" else out.scaled(float(np.median(ratio)))
    v = v.scaled(1e-6)
    return TablePrice(v, f"rule by size ({model.id} is not in token_prices.csv): "
                      f"{np.median(k):.4g} USD per Mtok output per billion total parameters "
                      f"(median of {len(k)} table models, range {min(k):.3g}-{max(k):.3g})"
                      + ("" if side == "output" else f" x input/output {np.median(ratio):.2f}"),
                      "estimate")


def market_rent(catalog: Any, hardware: Any) -> TablePrice:
    """The market rent of one accelerator [USD/s]: the median of ``gpu_rents.csv`` rows for it
    (on-demand and contract), low..high over the rows' ranges. An accelerator not in the table
    is scaled from the H100 rows by purchase price (rent / price of an H100 x its price)."""
    rows = catalog.gpu_rents()
    mine = [r for r in rows if r["accelerator"] == hardware.id]
    scale, note = 1.0, ""
    if not mine:
        mine = [r for r in rows if r["accelerator"] == "h100-sxm"]
        h100 = catalog.hardware("h100-sxm")
        scale = float(hardware.price_usd) / float(h100.price_usd)
        note = (f"; {hardware.id} is not in gpu_rents.csv: H100 rents x purchase price ratio "
                f"{scale:.2f}")
    mid = [float(r["usd_per_hour"]) for r in mine]
    lo = [float(r["low"] or r["usd_per_hour"]) for r in mine]
    hi = [float(r["high"] or r["usd_per_hour"]) for r in mine]
    per_s = scale / 3600.0
    v: Range | float = (Range(min(lo) * per_s, float(np.median(mid)) * per_s, max(hi) * per_s)
                        if min(lo) < max(hi) else float(np.median(mid)) * per_s)
    provs = ", ".join(f"{r['provider']} {r['contract']} ${float(r['usd_per_hour']):g}/h "
                      f"({r['date'][:7]})" for r in mine)
    return TablePrice(v, f"gpu_rents.csv: median of {len(mine)} row(s) [{provs}]{note}",
                      "measured" if not note else "estimate")
