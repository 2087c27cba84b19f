"""Claims and verdicts: one home for "does the model support this statement?".

A :class:`Claim` is a published statement about a quantity the models compute ("a GW of AI
factory costs $50-60B", "GB200 NVL72 is 30x an H100 system"): its words, its source, the
result key it is about, and a :class:`Comparison` that says how to grade it. :func:`check`
grades a claim against the model's number (and, when there is one, its Monte Carlo sample)
and returns a :class:`Finding`: one :class:`Verdict`, the number, its p10-p90 band, a
headline and the details. Models compute; this module grades; the report and the app only
render findings.

Claims can be declared in a scenario file (``[[claims]]`` tables, see :func:`claims_from`)::

    [[claims]]
    id = "capex_per_gw"
    text = "A gigawatt of AI factory costs $50-60B"
    source = "NVIDIA FQ2 FY26 earnings call, 2025-08-27"
    quantity = "capex_usd_per_site_w"
    unit = "USD/W"
    comparison = { kind = "in_range", low = 50, high = 60 }

Grading rules (stated so they can be checked; each has a test):

* ``in_range [low, high]``: *supported* when the point lies in the interval; *partly* when the
  p10-p90 band (without a sample: the point +-``band_without_sample``) overlaps it; else *not
  supported*.
* ``ratio target``: *supported* when the point is within a factor ``supported_within`` (1.25)
  of the target, *partly* within ``partly_within`` (2), else *not supported*.
* ``at_least x`` / ``at_most x``: *supported* when the point satisfies it and, with a sample,
  so do >= 80% of the draws; *partly* when the point or >= 20% of draws do; else *not
  supported*.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

import numpy as np

from tokenfab.errors import TokenfabError

__all__ = [
    "COMPARISONS",
    "Claim",
    "Comparison",
    "Finding",
    "Verdict",
    "check",
    "claims_from",
]

COMPARISONS: tuple[str, ...] = ("in_range", "ratio", "at_least", "at_most")


class Verdict(StrEnum):
    """The verdict on a claim: three grades, plus 'not available' when it could not be run."""

    SUPPORTED = "supported"
    PARTLY = "partly supported"
    NOT_SUPPORTED = "not supported"
    UNAVAILABLE = "not available"

    @property
    def css(self) -> str:
        return {"supported": "ok", "partly supported": "partly", "not supported": "no",
                "not available": "na"}[self.value]

    @classmethod
    def parse(cls, text: str) -> Verdict:
        """``"partly"`` / ``"partly supported"`` / ``"supported"`` ... -> Verdict."""
        t = text.strip().lower()
        if t == "partly":
            return cls.PARTLY
        for v in cls:
            if v.value == t:
                return v
        raise TokenfabError(f"unknown verdict {text!r}", allowed=", ".join(v.value for v in cls))


@dataclass(frozen=True, slots=True)
class Comparison:
    """How a claim is graded against the model's number (see the module's rules)."""

    kind: Literal["in_range", "ratio", "at_least", "at_most"]
    low: float | None = None
    high: float | None = None
    target: float | None = None
    supported_within: float = 1.25
    partly_within: float = 2.0
    band_without_sample: float = 0.2
    share_supported: float = 0.8
    share_partly: float = 0.2

    def __post_init__(self) -> None:
        if self.kind not in COMPARISONS:
            raise TokenfabError(f"unknown comparison {self.kind!r}", field="comparison.kind",
                                value=self.kind, allowed=", ".join(COMPARISONS))
        need = {"in_range": ("low", "high"), "ratio": ("target",),
                "at_least": ("target",), "at_most": ("target",)}[self.kind]
        for n in need:
            v = getattr(self, n)
            if v is None or not math.isfinite(float(v)):
                raise TokenfabError(f"comparison '{self.kind}' needs a finite '{n}'",
                                    field=f"comparison.{n}", value=v)
        if self.kind == "in_range" and float(self.low) > float(self.high):  # type: ignore[arg-type]
            raise TokenfabError(f"low must be <= high; got {self.low} > {self.high}",
                                field="comparison.low")
        if self.kind == "ratio" and float(self.target) <= 0:  # type: ignore[arg-type]
            raise TokenfabError("a ratio target must be > 0", field="comparison.target",
                                value=self.target)

    def describe(self, unit: str = "") -> str:
        u = f" {unit}" if unit else ""
        if self.kind == "in_range":
            return f"between {self.low:g} and {self.high:g}{u}"
        if self.kind == "ratio":
            return f"{self.target:g}x"
        return f"{'at least' if self.kind == 'at_least' else 'at most'} {self.target:g}{u}"


@dataclass(frozen=True, slots=True)
class Claim:
    """A published statement about a quantity the models compute."""

    id: str
    text: str
    source: str
    quantity: str
    comparison: Comparison
    unit: str = ""


@dataclass
class Finding:
    """The verdict on one claim, with the numbers behind it."""

    claim: Claim
    verdict: Verdict
    value: float | None
    band: tuple[float, float] | None = None
    headline: str = ""
    details: list[str] = field(default_factory=list)
    numbers: dict[str, Any] = field(default_factory=dict)
    share_supporting: float | None = None

    def to_dict(self) -> dict[str, Any]:
        def num(v: Any) -> Any:
            return None if isinstance(v, float) and not math.isfinite(v) else v

        return {"claim": self.claim.id, "text": self.claim.text, "source": self.claim.source,
                "quantity": self.claim.quantity, "unit": self.claim.unit,
                "comparison": self.claim.comparison.describe(self.claim.unit),
                "verdict": self.verdict.value, "value": num(self.value),
                "band": None if self.band is None else [num(self.band[0]), num(self.band[1])],
                "share_supporting": self.share_supporting,
                "headline": self.headline, "details": list(self.details),
                "numbers": {k: num(v) for k, v in self.numbers.items()}}

    def text(self) -> str:
        lines = [f"Claim: {self.claim.text}" if self.claim.text else "",
                 f"Verdict: {self.verdict.value.upper()} — {self.headline}"]
        lines += [f"  - {d}" for d in self.details]
        return "\n".join(x for x in lines if x)


def _finite(sample: Any) -> np.ndarray | None:
    if sample is None:
        return None
    x = np.asarray(sample, dtype=float).ravel()
    x = x[np.isfinite(x)]
    return x if x.size else None


def check(claim: Claim, value: float | None, sample: Sequence[float] | np.ndarray | None = None,
          *, headline: str = "", details: Sequence[str] = (),
          numbers: Mapping[str, Any] | None = None) -> Finding:
    """Grade ``claim`` against the model's ``value`` (and its Monte Carlo ``sample``).

    Parameters
    ----------
    claim : Claim
    value : float or None
        The model's point estimate of ``claim.quantity``; None or non-finite gives
        :attr:`Verdict.UNAVAILABLE`.
    sample : array_like, optional
        Monte Carlo draws of the same quantity; sets the p10-p90 band and the share of draws
        that support the claim.
    headline, details, numbers
        What the model says in words, and extra numbers to show.

    >>> c = Claim("x", "costs $50-60B/GW", "NVIDIA", "capex", Comparison("in_range", 50, 60))
    >>> check(c, 30.0).verdict.value
    'not supported'
    >>> check(c, 55.0).verdict.value
    'supported'
    >>> check(c, 44.0, [40, 45, 52, 58, 61]).verdict.value
    'partly supported'
    """
    numbers = dict(numbers or {})
    if value is None or not math.isfinite(float(value)):
        return Finding(claim, Verdict.UNAVAILABLE, None, None,
                       headline or "the model gives no finite value", list(details), numbers)
    v = float(value)
    c = claim.comparison
    x = _finite(sample)
    band = (float(np.percentile(x, 10)), float(np.percentile(x, 90))) if x is not None else None
    share: float | None = None
    if c.kind == "in_range":
        lo, hi = float(c.low), float(c.high)  # type: ignore[arg-type]
        b = band or (v * (1 - c.band_without_sample), v * (1 + c.band_without_sample))
        b = (min(b), max(b))
        if x is not None:
            share = float(np.mean((x >= lo) & (x <= hi)))
        verdict = (Verdict.SUPPORTED if lo <= v <= hi else
                   Verdict.PARTLY if b[0] <= hi and b[1] >= lo else Verdict.NOT_SUPPORTED)
    elif c.kind == "ratio":
        t = float(c.target)  # type: ignore[arg-type]
        if v <= 0:
            verdict = Verdict.NOT_SUPPORTED
        else:
            dev = abs(math.log(v / t))
            verdict = (Verdict.SUPPORTED if dev <= math.log(c.supported_within) else
                       Verdict.PARTLY if dev <= math.log(c.partly_within) else
                       Verdict.NOT_SUPPORTED)
        if x is not None:
            pos = x[x > 0]
            share = float(np.mean(np.abs(np.log(pos / t)) <= math.log(c.supported_within))
                          * pos.size / x.size) if pos.size else 0.0
    else:
        t = float(c.target)  # type: ignore[arg-type]
        ok_point = v >= t if c.kind == "at_least" else v <= t
        if x is not None:
            share = float(np.mean(x >= t if c.kind == "at_least" else x <= t))
        if share is None:
            verdict = Verdict.SUPPORTED if ok_point else Verdict.NOT_SUPPORTED
        elif ok_point and share >= c.share_supported:
            verdict = Verdict.SUPPORTED
        elif ok_point or share >= c.share_partly:
            verdict = Verdict.PARTLY
        else:
            verdict = Verdict.NOT_SUPPORTED
    if not headline:
        u = f" {claim.unit}" if claim.unit else ""
        headline = f"the model gives {v:.4g}{u}; the claim is {c.describe(claim.unit)}"
        if band is not None:
            headline += f" (model p10-p90 {band[0]:.4g}-{band[1]:.4g}{u})"
    return Finding(claim, verdict, v, band, headline, list(details), numbers, share)


def claims_from(data: Mapping[str, Any], *, file: str | None = None) -> list[Claim]:
    """The ``[[claims]]`` tables of a scenario file (already parsed TOML) as :class:`Claim`s.

    Each table needs ``id``, ``text``, ``source``, ``quantity`` and ``comparison`` (a table
    with ``kind`` and its numbers); ``unit`` is optional. Bad tables raise
    :class:`TokenfabError` naming the file and the field.
    """
    raw = data.get("claims", [])
    if not isinstance(raw, list):
        raise TokenfabError("must be an array of tables ([[claims]])", file=file, field="claims")
    out = []
    allowed = {"id", "text", "source", "quantity", "comparison", "unit"}
    cmp_allowed = {"kind", "low", "high", "target", "supported_within", "partly_within",
                   "band_without_sample", "share_supported", "share_partly"}
    for n, t in enumerate(raw):
        where = f"claims[{n}]"
        if not isinstance(t, dict):
            raise TokenfabError("must be a table", file=file, field=where)
        extra = set(t) - allowed
        if extra:
            raise TokenfabError(f"unknown key(s) {sorted(extra)}", file=file, field=where,
                                allowed=", ".join(sorted(allowed)))
        for k in ("id", "text", "source", "quantity", "comparison"):
            if k not in t:
                raise TokenfabError(f"missing required key '{k}'", file=file, field=where)
        cmp = t["comparison"]
        if not isinstance(cmp, dict):
            raise TokenfabError("must be a table, e.g. { kind = \"ratio\", target = 30 }",
                                file=file, field=f"{where}.comparison")
        bad = set(cmp) - cmp_allowed
        if bad:
            raise TokenfabError(f"unknown key(s) {sorted(bad)}", file=file,
                                field=f"{where}.comparison", allowed=", ".join(sorted(cmp_allowed)))
        try:
            nums = {k: float(v) for k, v in cmp.items() if k != "kind"}
        except (TypeError, ValueError):
            raise TokenfabError("comparison numbers must be numbers", file=file,
                                field=f"{where}.comparison") from None
        try:
            comparison = Comparison(kind=str(cmp.get("kind")), **nums)  # type: ignore[arg-type]
        except TokenfabError as e:
            raise TokenfabError(str(e), file=file, field=where) from None
        out.append(Claim(str(t["id"]), str(t["text"]), str(t["source"]), str(t["quantity"]),
                         comparison, str(t.get("unit", ""))))
    return out
