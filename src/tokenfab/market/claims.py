"""The interview's numbers, its own arithmetic, and where each falls in the model's distribution.

Interview: BG2 pod, "NVIDIA: OpenAI, Future of Compute, and the American Dream", J. Huang with
B. Gurley and B. Gerstner, 2025-09-26 (https://www.youtube.com/watch?v=pE6sw_E9Gh0; transcript
https://www.audioscrape.com/person/jensen-huang?page=206). Its macro argument:

* about $50T of world GDP is "human intelligence" (knowledge work);
* AI augments it by "let's pick a number, $10T" of token services a year;
* at a 50 % gross margin that needs ~$5T a year of AI factories;
* example: a $100k employee given $10k of AI becomes more productive;
* NVIDIA elsewhere (FQ2 FY26 call, 2025-08-27): $3-4T of AI infrastructure spend a year by 2030.

:func:`interview_arithmetic` redoes that chain with the model's own functions and points out
that the per-worker example (10 %) implies half the headline. :func:`place_claims` puts each
interview number -- and the independent figures of the catalog -- in the Monte Carlo
distribution of the matching model output: its percentile, the probability that the model
reaches it, where it falls (``where``), and a :class:`tokenfab.claims.Verdict` graded by
:func:`tokenfab.claims.check` with ``Comparison("in_range", x, x)``: *supported* when the model's
likely value is the figure, *partly* when the figure lies inside the model's p10-p90 band, *not
supported* otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.claims import Claim, Comparison, Finding, check
from tokenfab.errors import TokenfabError
from tokenfab.market.layers import (
    augmentation_infra_usd_per_year,
    power_added_w_per_year,
    token_services_usd_per_year,
)
from tokenfab.uncertainty import percentile_of

__all__ = [
    "EMPLOYEE_PAY_USD",
    "INDEPENDENT",
    "Figure",
    "interview_arithmetic",
    "interview_claims",
    "interview_figures",
    "place_claims",
]

_SRC = "BG2 pod, J. Huang, 2025-09-26 (https://www.youtube.com/watch?v=pE6sw_E9Gh0)"

#: "a $100k employee" in the interview's per-worker example [USD/year]
EMPLOYEE_PAY_USD: float = 100e3


def interview_figures(catalog: Catalog | None = None) -> dict[str, float]:
    """The interview's numbers in SI units, read from the catalog's economics table.

    ``knowledge_gdp_usd`` ("$50T", row ``jensen_intelligence_gdp``), ``token_services_usd_per_year``
    ("$10T", ``jensen_ai_augmentation``), ``gross_margin`` ("50%", ``ai_token_gross_margin``),
    ``per_worker_share`` ("$10k for a $100k employee", ``ai_spend_to_salary_ratio``),
    ``infra_2030_low/high`` ("$3-4T by 2030", ``jensen_ai_infra_spend_2030``) and the stated
    ``infrastructure_usd_per_year`` ("$5T"), which is ``$10T x (1 - 50%)``.
    """
    econ = (catalog or load_catalog()).economics
    need = ("jensen_intelligence_gdp", "jensen_ai_augmentation", "ai_token_gross_margin",
            "ai_spend_to_salary_ratio", "jensen_ai_infra_spend_2030")
    missing = [k for k in need if k not in econ]
    if missing:
        raise TokenfabError(f"the catalog's economics table lacks the interview rows {missing}")
    infra = econ["jensen_ai_infra_spend_2030"]
    services = econ["jensen_ai_augmentation"].value * 1e12
    margin = econ["ai_token_gross_margin"].value
    return {
        "knowledge_gdp_usd": econ["jensen_intelligence_gdp"].value * 1e12,
        "token_services_usd_per_year": services,
        "gross_margin": margin,
        "infrastructure_usd_per_year": services * (1.0 - margin),
        "per_worker_share": econ["ai_spend_to_salary_ratio"].value,
        "infra_2030_low": (infra.low if infra.low is not None else infra.value) * 1e12,
        "infra_2030_high": (infra.high if infra.high is not None else infra.value) * 1e12,
    }


@dataclass(frozen=True, slots=True)
class Figure:
    """A published figure compared with one model output (or input).

    ``claim`` is the :class:`tokenfab.claims.Claim` graded by :func:`tokenfab.claims.check`
    (quantity = the model output, comparison = the figure itself).
    """

    key: str
    text: str
    value: float  # in the SI unit of ``output``
    output: str  # model output (or input) it is compared with
    unit: str
    source: str
    kind: str  # "interview" or "independent"
    note: str = ""

    @property
    def claim(self) -> Claim:
        return Claim(self.key, self.text, self.source, self.output,
                     Comparison("in_range", low=self.value, high=self.value), self.unit)


def _t(x: float) -> str:
    return f"${x / 1e12:g}T"


def interview_claims(catalog: Catalog | None = None) -> tuple[Figure, ...]:
    """The interview's numbers, each with the model quantity it is a value of."""
    f = interview_figures(catalog)
    nv = "NVIDIA FQ2 FY26 call, 2025-08-27 (catalog jensen_ai_infra_spend_2030)"
    dated = "the model is an end state, not dated: 2030 can only be lower"
    return (
        Figure("intelligence_gdp", f"{_t(f['knowledge_gdp_usd'])} of 'human intelligence' GDP",
              f["knowledge_gdp_usd"], "knowledge_gdp_usd", "USD/year", _SRC, "interview"),
        Figure("token_services", f"{_t(f['token_services_usd_per_year'])} a year of AI token "
              "services", f["token_services_usd_per_year"], "token_services_usd_per_year",
              "USD/year", _SRC, "interview"),
        Figure("gross_margin", f"{f['gross_margin']:.0%} gross margin on token services",
              f["gross_margin"], "gross_margin", "fraction", _SRC, "interview",
              "an input: placed in its own (claim-based) range"),
        Figure("per_worker_share", f"${f['per_worker_share'] * EMPLOYEE_PAY_USD / 1e3:g}k of AI "
              f"for a ${EMPLOYEE_PAY_USD / 1e3:g}k employee ({f['per_worker_share']:.0%})",
              f["per_worker_share"], "ai_spend_share", "fraction", _SRC, "interview",
              "an input: placed in its own (claim-based) range"),
        Figure("ai_factories", f"{_t(f['infrastructure_usd_per_year'])} a year of AI factories "
              "(layer 3)", f["infrastructure_usd_per_year"], "augmentation_usd_per_year",
              "USD/year", _SRC, "interview"),
        Figure("infra_2030_low", f"{_t(f['infra_2030_low'])} a year of AI infrastructure by 2030 "
              "(low end)", f["infra_2030_low"], "infrastructure_usd_per_year", "USD/year", nv,
              "interview", dated),
        Figure("infra_2030_high", f"{_t(f['infra_2030_high'])} a year of AI infrastructure by "
              "2030 (high end)", f["infra_2030_high"], "infrastructure_usd_per_year", "USD/year",
              nv, "interview", dated),
    )


#: Independent figures from the catalog's economics table: (key, factor to SI, output, text).
INDEPENDENT: tuple[tuple[str, float, str, str], ...] = (
    ("labor_income_share_global", 0.0, "knowledge_gdp_usd",
     "all labour income, ILO share x IMF world GDP (manual work included): an upper bound"),
    ("mckinsey_genai_value", 1e12, "token_services_usd_per_year",
     "McKinsey 2023: generative-AI value, $2.6-4.4T a year"),
    ("dell_oro_dc_capex_2029", 1e12, "infrastructure_usd_per_year",
     "Dell'Oro: all data-center capex in 2029"),
    ("mckinsey_dc_capex_cum_2030", 1e12 / 6.0, "infrastructure_usd_per_year",
     "McKinsey 2025: $6.7T cumulative DC capex 2025-2030, per year (/6)"),
    ("hyperscaler4_capex_2026_guide", 1e9, "infrastructure_usd_per_year",
     "MSFT+GOOGL+AMZN+META capex guidance for 2026"),
    ("hyperscaler4_capex_2025", 1e9, "infrastructure_usd_per_year",
     "MSFT+GOOGL+AMZN+META capex 2025"),
    ("nvda_dc_revenue_fy26", 1e9, "infrastructure_usd_per_year",
     "NVIDIA data-center revenue FY26 (CY2025)"),
    ("ai_gw_added_per_year_2025", 1e9, "power_added_w_per_year",
     "AI capacity added in 2025 (Street view, BG2)"),
    ("citi_ai_capacity_2030", 1e9, "installed_power_w",
     "Citi: new AI capacity by 2030"),
    ("dc_electricity_world_2030", 3.6e15, "electricity_j_per_year",
     "IEA: all data-center electricity in 2030 (base case)"),
)


def interview_arithmetic(capex_usd_per_w: float | None = None,
                        catalog: Catalog | None = None) -> dict[str, Any]:
    """The interview's chain with its own point inputs, through the model's functions.

    ``$50T x 20% -> $10T`` of token services, ``x (1 - 50%) -> $5T`` of infrastructure a year;
    its per-worker example, ``$10k / $100k = 10%``, applied to the same $50T gives $5T of
    services (and $2.5T of infrastructure), not $10T: the headline needs $20k per $100k.

    Parameters
    ----------
    capex_usd_per_w : float, optional
        Capex per watt [USD/W] to turn the $5T into GW per year; default: the likely value of
        the catalog's ``capex_per_gw_model_prior``.
    catalog : Catalog, optional
        Where the interview's figures are read (:func:`interview_figures`).
    """
    cat = catalog or load_catalog()
    f = interview_figures(cat)
    k = f["knowledge_gdp_usd"]
    headline_share = f["token_services_usd_per_year"] / k  # 0.2
    services = float(token_services_usd_per_year(k, headline_share))
    infra = float(augmentation_infra_usd_per_year(services, f["gross_margin"]))
    worker_share = f["per_worker_share"]  # 0.1
    worker_services = float(token_services_usd_per_year(k, worker_share))
    worker_infra = float(augmentation_infra_usd_per_year(worker_services, f["gross_margin"]))
    if capex_usd_per_w is None:
        capex_usd_per_w = cat.economics["capex_per_gw_model_prior"].value  # USD bn/GW = USD/W
    gw = float(power_added_w_per_year(infra, capex_usd_per_w)) / 1e9
    consistent = bool(np.isclose(services, f["token_services_usd_per_year"])
                      and np.isclose(infra, f["infrastructure_usd_per_year"]))
    need = headline_share * EMPLOYEE_PAY_USD
    return {
        "knowledge_gdp_usd": k,
        "implied_ai_spend_share": headline_share,
        "token_services_usd_per_year": services,
        "gross_margin": f["gross_margin"],
        "infrastructure_usd_per_year": infra,
        "reproduces_headline": consistent,
        "per_worker_ai_spend_share": worker_share,
        "per_worker_token_services_usd_per_year": worker_services,
        "per_worker_infrastructure_usd_per_year": worker_infra,
        "headline_needs_ai_per_100k_usd": need,
        "capex_usd_per_w": float(capex_usd_per_w),
        "gw_per_year": gw,
        "finding": (
            f"{_t(k)} x {headline_share:.0%} = {_t(services)} of token services; at "
            f"{f['gross_margin']:.0%} gross margin {_t(infra)} a year of AI factories "
            f"(~{gw:.0f} GW a year at ${capex_usd_per_w:.0f}B/GW). Its own example, "
            f"${worker_share * EMPLOYEE_PAY_USD / 1e3:g}k per ${EMPLOYEE_PAY_USD / 1e3:g}k "
            f"employee = {worker_share:.0%}, gives {_t(worker_services)} of services "
            f"({_t(worker_infra)} of factories), not {_t(services)}: the headline needs "
            f"${need / 1e3:g}k per ${EMPLOYEE_PAY_USD / 1e3:g}k employee."),
    }


def _where(pct: float, at_min: bool = False, at_max: bool = False) -> str:
    if at_min:
        return "at the low end of the model's range"
    if at_max:
        return "at the high end of the model's range"
    if pct <= 0.0:
        return "below every draw of the model"
    if pct >= 100.0:
        return "above every draw of the model"
    if pct < 10.0:
        return "below the model's p10"
    if pct > 90.0:
        return "above the model's p90"
    return "inside the model's p10-p90"


def _place(value: float, sample: np.ndarray) -> dict[str, Any]:
    """Percentile of ``value`` in ``sample``, the share of draws reaching it, and where it
    falls (``where``)."""
    pct = percentile_of(sample, value)
    lo, hi = float(np.min(sample)), float(np.max(sample))
    scale = max(abs(value), abs(lo), abs(hi), 1e-300)
    if hi - lo <= 1e-12 * scale:  # a fixed quantity (e.g. an input set in the scenario)
        if abs(value - lo) <= 1e-9 * scale:
            return {"percentile": pct, "probability_model_reaches": 1.0,
                    "where": "equal to the model's fixed value"}
        return {"percentile": pct, "probability_model_reaches": float(value <= lo),
                "where": _where(pct)}
    tol = 1e-3 * (hi - lo)
    at_min = abs(value - lo) <= tol
    at_max = abs(value - hi) <= tol
    reach = float(np.mean(sample >= (value - tol if at_min else value)))
    return {"percentile": pct, "probability_model_reaches": reach,
            "where": _where(pct, at_min, at_max)}


def _record(f: Figure, sample: np.ndarray, point: float | None) -> dict[str, Any]:
    """One figure placed in the model's distribution and graded (:func:`tokenfab.claims.check`)."""
    value = float(np.median(sample)) if point is None else point
    finding: Finding = check(f.claim, value, sample)
    rec: dict[str, Any] = {"key": f.key, "text": f.text, "value": f.value, "unit": f.unit,
                           "compared_with": f.output, "kind": f.kind, "source": f.source,
                           **_place(f.value, sample), "verdict": finding.verdict.value,
                           "finding": finding.headline}
    if f.note:
        rec["note"] = f.note
    return rec


def independent_figures(catalog: Catalog | None = None) -> tuple[Figure, ...]:
    """The independent figures of :data:`INDEPENDENT` that the catalog has, in SI."""
    econ = (catalog or load_catalog()).economics
    units = {"power_added_w_per_year": "W/year", "installed_power_w": "W",
             "electricity_j_per_year": "J/year"}
    out = []
    for key, factor, output, text in INDEPENDENT:
        if key not in econ:
            continue
        row = econ[key]
        if key == "labor_income_share_global":
            if "world_gdp_2025" not in econ:
                continue
            value = row.value * econ["world_gdp_2025"].value * 1e12
        else:
            value = row.value * factor
        out.append(Figure(key, text, value, output, units.get(output, "USD/year"),
                          f"catalog economics '{key}': {row.source}", "independent"))
    return tuple(out)


def place_claims(samples: dict[str, np.ndarray], input_samples: dict[str, Any] | None = None,
                 catalog: Catalog | None = None, *, world: bool = True,
                 point: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """Each interview number and independent figure with its percentile in the model and its
    :class:`~tokenfab.claims.Verdict`.

    Parameters
    ----------
    samples : dict
        Monte Carlo samples of the model outputs (``MonteCarloResult.samples``).
    input_samples : dict, optional
        The drawn inputs (``tokenfab.uncertainty.sample_inputs`` with the same seed), to place
        the claims that are inputs (gross margin, per-worker share).
    catalog : Catalog, optional
        Source of the independent figures.
    world : bool
        False for a country run: the interview's numbers and the independent figures are world
        figures, so nothing is placed.
    point : dict, optional
        The model at the likely inputs (the value :func:`tokenfab.claims.check` grades);
        default: the median of each sample.

    Returns
    -------
    list of dict
        ``key, text, value, unit, compared_with, kind, source, percentile,
        probability_model_reaches, where, verdict, finding[, note]``. ``percentile`` is the
        share of draws at or below the value (0-100); ``probability_model_reaches`` the share
        at or above it; ``where`` says where the figure falls; ``verdict`` is the
        :class:`tokenfab.claims.Verdict` and ``finding`` its headline.
    """
    out: list[dict[str, Any]] = []
    if not world:
        return out
    pool: dict[str, Any] = dict(samples)
    for k, v in (input_samples or {}).items():
        if k not in pool and v is not None:
            pool[k] = v
    n = len(next(iter(samples.values())))
    cat = catalog or load_catalog()
    for f in (*interview_claims(cat), *independent_figures(cat)):
        if f.output not in pool:
            continue
        s = np.broadcast_to(np.asarray(pool[f.output], dtype=float), (n,))
        p = (point or {}).get(f.output)
        out.append(_record(f, s, None if p is None else float(p)))
    return out
