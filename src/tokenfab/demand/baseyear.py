"""The projection's base year against published 2025 figures, and its growth against analysts.

Each comparison is a :class:`~tokenfab.claims.Claim` built from catalog rows (source, date,
kind in ``economics.csv``) and graded by :func:`tokenfab.claims.check` on the model's number:
``in_range`` within +-25 % of the published figure (:data:`TOLERANCE`). The forecasts for 2030
are shown beside the model (``ratio``: supported within 1.25x, partly within 2x), not tuned to.

Published 2025 figures
----------------------
* installed AI compute: Epoch AI AI Chip Sales (2026-01-08), ~15 M H100-equivalents, and
* installed chip power: Epoch AI, "over 10 GW of direct chip power draw, before server and
  data-center overhead" (all-in: x ``fleet_power_overhead``). These two anchor the model (a
  calibration: their checks only confirm the anchors hold when the three laws need less);
* AI capex of all buyers, bracketed: at least the four largest US clouds' 2025 capex (company
  filings, ~$390 B: a subset of buyers, non-AI included), at most Dell'Oro's worldwide
  data-centre capex (~$714 B: all buyers, general-purpose servers included);
* tokens processed, 2025 exit rate, by the providers that publish it: Google (all surfaces,
  Q3 2025 call), OpenAI's API (DevDay 2025-10-06) and Microsoft (FY25 Q3 call);
* 2026 capex beside the four's guidance (~$650 B), shown as a ratio.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.claims import Claim, Comparison, Finding, check
from tokenfab.uncertainty import likely
from tokenfab.units import SECONDS_PER_YEAR

if TYPE_CHECKING:  # the projection calls these checks; typing only
    from tokenfab.demand.project import DemandProjection

__all__ = ["TOLERANCE", "BaseYearCheck", "base_year_findings", "h100_equivalents"]

#: accepted relative deviation of the model's base year from a published figure
TOLERANCE = 0.25

_MONTH_S = SECONDS_PER_YEAR / 12.0


@dataclass(frozen=True)
class BaseYearCheck:
    """One published figure: its claim and the model's number for it."""

    claim: Claim
    model_value: float


def _row(cat: Catalog, key: str) -> float:
    return float(likely(cat.assumption(key).si))


def _src(cat: Catalog, *keys: str) -> str:
    return "; ".join(f"catalog {k}: {cat.assumption(k).source}" for k in keys)


def h100_equivalents(accelerators: float, hardware_id: str, catalog: Catalog) -> float:
    """Accelerators of ``hardware_id`` in H100-equivalents: dense FP8 FLOP/s over the
    H100 SXM's (Epoch AI's unit for the installed base)."""
    hw, h100 = catalog.hardware(hardware_id), catalog.hardware("h100-sxm")
    return accelerators * float(hw.peak_flops_per_s("fp8")) / float(h100.peak_flops_per_s("fp8"))


def _within(target: float) -> Comparison:
    return Comparison("in_range", low=target * (1 - TOLERANCE), high=target * (1 + TOLERANCE))


def base_year_findings(pj: DemandProjection, catalog: Catalog | None = None,
                       year: int = 2025, forecast_year: int = 2030) -> list[Finding]:
    """The model's ``year`` against published figures (+-25 %) and its ``forecast_year``
    against analysts' forecasts (empty when the projection covers neither year)."""
    cat = catalog if catalog is not None else load_catalog()
    out: list[Finding] = []
    if year in pj.years:
        i = pj.years.index(year)
        pt = {k: float(v[i]) for k, v in pj.point.items()}
        published_tokens = (_row(cat, "google_tokens_per_month_2025_10") * _MONTH_S
                            + _row(cat, "openai_api_tokens_per_min") * _MONTH_S
                            + _row(cat, "msft_tokens_per_quarter_2025q1") * _MONTH_S)
        overhead = float(likely(pj.inputs.point()["fleet_power_overhead"]))
        four, world = _row(cat, "hyperscaler4_capex_2025"), _row(cat, "dell_oro_dc_capex_2025")
        checks = [
            ("base_year_installed_compute", "installed AI compute, end of 2025 [H100e] (an "
             "anchor with the chip power: the fleet the three laws leave out runs at its "
             "compute per watt)", _within(_row(cat, "ai_installed_base_h100e_2025")),
             pt["h100e"], "H100e", _src(cat, "ai_installed_base_h100e_2025"), None),
            ("base_year_fleet_power", "installed AI fleet chip power, 2025 [W] (the anchor: "
             f"all-in power / the fleet's all-in watts per chip watt, {overhead:.2f})",
             _within(_row(cat, "ai_fleet_chip_power_2025")), pt["power_w"] / overhead, "W",
             _src(cat, "ai_fleet_chip_power_2025", "epoch_system_overhead"), None),
            ("base_year_ai_capex", "AI capex 2025, all buyers [USD/yr]: between the four "
             "largest US clouds' total capex (a subset of buyers, non-AI included) and "
             "worldwide data-centre capex (all buyers, general purpose included)",
             Comparison("in_range", low=four, high=world), pt["capex_usd"], "USD/yr",
             _src(cat, "hyperscaler4_capex_2025", "dell_oro_dc_capex_2025"), (four, world)),
            ("base_year_tokens", "tokens processed per month, 2025 exit rate of the providers "
             "that publish it (Google all surfaces + OpenAI API + Microsoft)",
             _within(published_tokens), pt["tokens_billed"] / 12.0, "tokens/month",
             _src(cat, "google_tokens_per_month_2025_10", "openai_api_tokens_per_min",
                  "msft_tokens_per_quarter_2025q1"), None),
        ]
        # a bracket (two published figures bounding the quantity) reports both ends; a single
        # published figure is checked within +-TOLERANCE
        for cid, text, comp, value, unit, src, bracket in checks:
            c = Claim(cid, text, src, cid, comp, unit)
            if bracket is not None:
                lo, hi = bracket
                nums = {"published": lo, "published_upper": hi,
                        "ratio_model_to_published": value / lo,
                        "ratio_model_to_upper": value / hi}
            else:
                target = (float(comp.low or 0.0) + float(comp.high or 0.0)) / 2.0
                nums = {"published": target, "ratio_model_to_published": value / target}
            out.append(check(c, value, numbers=nums))
    if year + 1 in pj.years:
        k = pj.years.index(year + 1)
        key = "hyperscaler4_capex_2026_guide"
        target, value = _row(cat, key), float(pj.point["capex_usd"][k])
        c = Claim("forecast_ai_capex_next_year", f"AI capex {year + 1} [USD/yr] beside the four "
                  "US clouds' guidance (their total capex; the bracket's lower end in "
                  f"{year})", _src(cat, key), "forecast_ai_capex_next_year",
                  Comparison("ratio", target=target), "USD/yr")
        out.append(check(c, value, numbers={"published": target,
                                            "ratio_model_to_published": value / target}))
    if forecast_year in pj.years:
        j = pj.years.index(forecast_year)
        first = pj.years.index(year) if year in pj.years else 0
        cum_capex = float(pj.point["capex_usd"][first:j + 1].sum())
        for cid, text, target, value, unit, key in (
                ("forecast_ai_capacity_2030", "AI data-centre capacity 2030 [W]",
                 _row(cat, "mckinsey_ai_dc_capacity_2030"), float(pj.point["power_w"][j]), "W",
                 "mckinsey_ai_dc_capacity_2030"),
                ("forecast_ai_capex_cumulative_2030", "cumulative AI data-centre capex "
                 "2025-2030 [USD]", _row(cat, "mckinsey_ai_dc_capex_cumulative_2030"),
                 cum_capex, "USD", "mckinsey_ai_dc_capex_cumulative_2030")):
            c = Claim(cid, text, _src(cat, key), cid, Comparison("ratio", target=target), unit)
            out.append(check(c, value, numbers={"published": target,
                                                "ratio_model_to_published": value / target}))
    return out
