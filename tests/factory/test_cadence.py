"""The cadence rule (tokenfab.factory.compare.cadence_finding) on hand-made generations."""

from __future__ import annotations

from tokenfab.claims import Verdict
from tokenfab.factory.compare import cadence_finding

S, P, N = Verdict.SUPPORTED, Verdict.PARTLY, Verdict.NOT_SUPPORTED


def _gen(tok: list[float], cost: list[float]) -> list[dict]:
    return [{"hardware": f"g{i}", "year": 2022 + i, "tokens_per_s_per_mw": t,
             "cost_usd_per_mtok": c} for i, (t, c) in enumerate(zip(tok, cost, strict=True))]


def test_cadence_finding() -> None:
    assert cadence_finding(_gen([1, 2, 4], [1, 0.5, 0.25])).verdict is S
    assert cadence_finding(_gen([1, 1.02, 4], [1, 1.03, 0.25])).verdict is S  # within 5%
    f = cadence_finding(_gen([1, 3, 2, 4], [1, 0.3, 0.5, 0.2]))
    assert f.verdict is P and any("fewer tokens per MW" in w for w in f.details)
    assert cadence_finding(_gen([2, 1], [0.5, 1])).verdict is N
    rows = _gen([1, 2], [1, 0.5]) + [{"hardware": "x", "year": 2030, "reason": "too slow"}]
    f = cadence_finding(rows)
    assert f.verdict is P and "x: too slow" in f.details
    assert cadence_finding(_gen([1], [1])).verdict is N
