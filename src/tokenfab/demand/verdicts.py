"""The verdict on the interview's demand claim, from a projection.

Claim (BG2 Pod, 2025-09-25/26): compute demand is driven by three scaling laws at once, so
inference demand is headed for "a billion times", far above the analysts' ~8% a year.

Rule, over the claim's three parts -- (a) all three laws grow at once (each law's demand rises
over the horizon), (b) inference grows by the claimed multiple within the horizon at the
projected rate, (c) demand-implied accelerator spending (median, else the point) is above the
analysts' extrapolation in every year from ``analyst_from_year``: *supported* when all three
hold; *partly* when (a) holds and (b) or (c) does; *not supported* otherwise.
"""

from __future__ import annotations

from tokenfab.claims import Claim, Comparison, Finding, Verdict
from tokenfab.demand.project import DemandProjection

__all__ = ["ANALYST_FROM_YEAR", "DEMAND_CLAIM", "demand_finding", "demand_verdict"]

#: first year in which demand-implied spending is compared with the analysts' line
ANALYST_FROM_YEAR = 2027

DEMAND_CLAIM = Claim(
    id="three_scaling_laws_billion_times",
    text="three scaling laws at once; inference demand 'a billion times', far above the "
         "analysts' ~8% a year",
    source="Jensen Huang, BG2 Pod 2025-09-25, https://www.youtube.com/watch?v=pE6sw_E9Gh0",
    quantity="inference_flops multiple",
    comparison=Comparison("at_least", target=1e9), unit="x")


def demand_verdict(laws_grow: bool, billion: bool, above_analysts: bool) -> Verdict:
    """The rule of the module docstring."""
    if laws_grow and billion and above_analysts:
        return Verdict.SUPPORTED
    if laws_grow and (billion or above_analysts):
        return Verdict.PARTLY
    return Verdict.NOT_SUPPORTED


def demand_finding(pj: DemandProjection, analyst_from_year: int = ANALYST_FROM_YEAR) -> Finding:
    """Grade the claim on a projection (see the module's rule)."""
    dec = pj.decomposition
    laws_grow = all(dec[k]["total_multiple"] > 1.0
                    for k in ("pretraining", "post_training", "inference"))
    claim = dec["claim"]
    inf_mult = float(dec["inference"]["total_multiple"])
    billion = inf_mult >= claim["multiple"] and claim["horizon_years"] >= dec["horizon_years"]
    spend = (pj.bands["accelerator_spend_usd"]["p50"] if pj.bands is not None
             else pj.point["accelerator_spend_usd"])
    idx = [i for i, y in enumerate(pj.years) if y >= analyst_from_year]
    above = bool(idx) and all(spend[i] > pj.point["analyst_spend_usd"][i] for i in idx)
    verdict = demand_verdict(laws_grow, billion, above)
    c = DEMAND_CLAIM
    if claim["multiple"] != 1e9:
        c = Claim(c.id, c.text, c.source, c.quantity,
                  Comparison("at_least", target=float(claim["multiple"])), c.unit)
    return Finding(c, verdict, inf_mult,
                   headline=(f"laws grow at once: {laws_grow}; x{claim['multiple']:.3g} within "
                             f"the horizon: {billion}; above the analysts from "
                             f"{analyst_from_year}: {above}"),
                   numbers={"laws_grow": laws_grow, "billion": billion,
                            "above_analysts": above})
