"""Comparisons at equal power: flip points, interactivity sweeps, and generations on one site.

* :func:`linear_root` finds where an output crosses a target as one input moves; the break-even
  prices and profits are linear in electricity price, building cost and the challenger's
  throughput, so two evaluations give the exact crossing (a third checks linearity).
* :func:`ratio_sweep` re-runs a comparison across interactivities (where on the frontier does a
  claimed ratio hold?), masking points no configuration reaches with the reason.
* :func:`generations` puts successive systems on the same site: tokens per MW, $ per million
  tokens, and the implied yearly cadence ``(x_i / x_0) ** (1 / (year_i - year_0))``;
  :func:`cadence_finding` grades "every generation makes more tokens per MW at a lower cost per
  token" on those rows.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from tokenfab.catalog import Catalog, load_catalog
from tokenfab.claims import Claim, Comparison, Finding, Verdict, check
from tokenfab.errors import InfeasibleError, TokenfabError
from tokenfab.factory.runner import FactoryResult, run_factory
from tokenfab.factory.spec import FactorySection


@dataclass(frozen=True)
class Flip:
    """Where an output crosses a target as one input moves (others at their likely values)."""

    input: str
    value: float | None  # None: no crossing inside the allowed interval
    output: str
    target: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.input, "value": self.value, "output": self.output,
                "target": self.target, "note": self.note}


def linear_root(result: FactoryResult, output: str, name: str, *, target: float = 0.0,
                lo: float, hi: float, note: str = "") -> Flip:
    """Value of input ``name`` in ``[lo, hi]`` at which ``output`` equals ``target``.

    Evaluates the model at ``lo`` and ``hi`` and interpolates; a third evaluation at the root
    checks that the output is linear in the input there (else the root is refined by bisection).
    """
    f_lo = result.evaluate(**{name: lo})[output] - target
    f_hi = result.evaluate(**{name: hi})[output] - target
    if not (np.isfinite(f_lo) and np.isfinite(f_hi)) or f_lo == f_hi or f_lo * f_hi > 0:
        return Flip(name, None, output, target, note or f"no crossing for {name} in [{lo:g}, {hi:g}]")
    x = lo + (hi - lo) * f_lo / (f_lo - f_hi)
    fx = result.evaluate(**{name: x})[output] - target
    scale = max(abs(f_lo), abs(f_hi), 1e-300)
    a, b, fa = lo, hi, f_lo
    for _ in range(200):  # not linear (whole-system rounding): bisection to a relative 1e-9
        if abs(fx) <= 1e-9 * scale:
            break
        if fa * fx < 0:
            b = x
        else:
            a, fa = x, fx
        x = 0.5 * (a + b)
        fx = result.evaluate(**{name: x})[output] - target
    return Flip(name, float(x), output, target, note)


def ratio_sweep(section: FactorySection, interactivities: list[float],
                catalog: Catalog | None = None, output: str = "revenue_usd_per_year",
                ) -> list[dict[str, Any]]:
    """``output`` of ``hardware`` over ``vs`` at each interactivity (point values).

    A point that no configuration of either system reaches is kept with ``ratio: None`` and the
    engine's reason, not dropped.
    """
    if section.vs is None:
        raise TokenfabError("a ratio sweep needs 'vs'", field="vs")
    cat = catalog if catalog is not None else load_catalog()
    rows: list[dict[str, Any]] = []
    for x in interactivities:
        s = section.model_copy(update={"interactivity": float(x), "samples": 0})
        try:
            r = run_factory(s, cat, samples=0, with_tornado=False)
        except InfeasibleError as e:
            rows.append({"interactivity_tok_s": float(x), "ratio": None, "reason": str(e)})
            continue
        a, b = r.point[output], r.point["vs_" + output]
        rows.append({"interactivity_tok_s": float(x), "ratio": a / b if b > 0 else None,
                     "reason": "" if b > 0 else f"{section.vs} produces no {output}"})
    return rows


def generations(section: FactorySection, hardware_ids: list[str],
                catalog: Catalog | None = None) -> list[dict[str, Any]]:
    """Successive systems on the same site and service level.

    Returns one row per system: ``hardware``, ``year``, ``tokens_per_s_per_mw``,
    ``cost_usd_per_mtok``, ``revenue_usd_per_mw_year``, ratios to the first row, and the yearly
    cadence of tokens per MW and of $ per million tokens since the first row. A system that
    cannot reach the service level is reported with its reason.
    """
    if section.tokens_per_s_per_accelerator is not None:
        raise TokenfabError("a generations comparison takes each system's throughput from the "
                            "performance engine; remove 'tokens_per_s_per_accelerator'",
                            field="tokens_per_s_per_accelerator")
    cat = catalog if catalog is not None else load_catalog()
    rows: list[dict[str, Any]] = []
    for hw_id in hardware_ids:
        hw = cat.hardware(hw_id)
        s = section.model_copy(update={"hardware": hw.id, "vs": None, "samples": 0,
                                       "vs_tokens_per_s_per_accelerator": None,
                                       "vs_accelerator_price": None, "check": None})
        try:
            r = run_factory(s, cat, samples=0, with_tornado=False)
        except InfeasibleError as e:
            rows.append({"hardware": hw.id, "year": hw.year_available, "reason": str(e)})
            continue
        p = r.point
        rows.append({"hardware": hw.id, "year": hw.year_available,
                     "tokens_per_s_per_mw": p["tokens_per_s_per_mw"],
                     "cost_usd_per_mtok": p["cost_usd_per_mtok"],
                     "revenue_usd_per_mw_year": p["revenue_usd_per_mw_year"],
                     "gross_margin": p["gross_margin"], "reason": ""})
    base = next((row for row in rows if "tokens_per_s_per_mw" in row), None)
    for row in rows:
        if base is None or "tokens_per_s_per_mw" not in row:
            continue
        row["tokens_per_mw_vs_first"] = row["tokens_per_s_per_mw"] / base["tokens_per_s_per_mw"]
        row["cost_per_mtok_vs_first"] = row["cost_usd_per_mtok"] / base["cost_usd_per_mtok"]
        dy = row["year"] - base["year"]
        if dy > 0:
            row["tokens_per_mw_per_year_x"] = row["tokens_per_mw_vs_first"] ** (1.0 / dy)
            row["cost_per_mtok_per_year_x"] = row["cost_per_mtok_vs_first"] ** (1.0 / dy)
    return rows


#: relative tolerance of the cadence rule (noise in the engine's configuration search)
CADENCE_TOLERANCE = 0.05


def cadence_finding(rows: list[dict[str, Any]], *, text: str = "", source: str = "",
                    tolerance: float = CADENCE_TOLERANCE) -> Finding:
    """Grade "each generation raises tokens per MW and lowers the cost per million tokens".

    ``rows`` are :func:`generations` rows, oldest first. The claim's quantity is the number of
    backward steps (a generation with fewer tokens per MW, or a higher cost per million tokens,
    than the one before, beyond ``tolerance``; or one that cannot reach the service level),
    graded ``at_most 0`` by :func:`tokenfab.claims.check`. Rule: supported with no backward
    step; partly when there are some but the last generation beats the first on both; not
    supported otherwise (or with fewer than two reachable generations).
    """
    claim = Claim("cadence", text or "each generation makes more tokens per MW at a lower cost "
                  "per million tokens", source or "NVIDIA annual cadence", "backward_steps",
                  Comparison("at_most", target=0.0), "")
    ok = [r for r in rows if "tokens_per_s_per_mw" in r]
    if len(ok) < 2:
        f = check(claim, float(len(rows)), headline="fewer than two generations reach the "
                  "service level")
        return dataclasses.replace(f, verdict=Verdict.NOT_SUPPORTED)
    backwards = []
    for a, b in zip(ok, ok[1:], strict=False):
        if b["tokens_per_s_per_mw"] < a["tokens_per_s_per_mw"] * (1 - tolerance):
            backwards.append(f"{b['hardware']} makes fewer tokens per MW than {a['hardware']}")
        if b["cost_usd_per_mtok"] > a["cost_usd_per_mtok"] * (1 + tolerance):
            backwards.append(f"{b['hardware']} costs more per million tokens than {a['hardware']}")
    backwards += [f"{r['hardware']}: {r.get('reason', 'infeasible')}" for r in rows
                  if "tokens_per_s_per_mw" not in r]
    first, last = ok[0], ok[-1]
    better = (last["tokens_per_s_per_mw"] > first["tokens_per_s_per_mw"]
              and last["cost_usd_per_mtok"] < first["cost_usd_per_mtok"])
    f = check(claim, float(len(backwards)), details=backwards,
              headline=f"{len(backwards)} backward step(s) from {first['hardware']} to "
              f"{last['hardware']}", numbers={"last_beats_first": better})
    if f.verdict is Verdict.NOT_SUPPORTED and better:
        f = dataclasses.replace(f, verdict=Verdict.PARTLY)
    return f
