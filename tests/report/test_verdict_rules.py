"""The verdict rules of the sections, on hand-made cases (each rule is stated in its docstring)."""

from __future__ import annotations

import numpy as np
import pytest

from tokenfab.report import Verdict
from tokenfab.report.sections._common import verdict_of
from tokenfab.report.sections.blackwell_30x import crossing, ratio_verdict
from tokenfab.report.sections.colossus2 import cluster_verdict
from tokenfab.report.sections.demand import demand_verdict
from tokenfab.report.sections.market import market_verdict
from tokenfab.report.sections.users_x_compute import double_exponential_verdict, growth_checks

S, P, N = Verdict.SUPPORTED, Verdict.PARTLY, Verdict.NOT_SUPPORTED


@pytest.mark.parametrize(("ratio", "claimed", "expected"), [
    (30, 30, S), (24.1, 30, S), (37.4, 30, S),   # within a factor 1.25 either side
    (23.9, 30, P), (15.1, 30, P), (59, 30, P),   # within a factor 2
    (14.9, 30, N), (61, 30, N), (0.0, 30, N),
])
def test_ratio_verdict(ratio: float, claimed: float, expected: Verdict) -> None:
    assert ratio_verdict(ratio, claimed) is expected


def test_crossing_interpolates_in_log() -> None:
    # 10 -> 40 between x=0 and x=10: 20 = sqrt(10 * 40) is reached half-way in log(y)
    assert crossing([(0, 10), (10, 40)], 20) == pytest.approx(5.0)
    assert crossing([(10, 40), (0, 10)], 20) == pytest.approx(5.0)  # order does not matter
    assert crossing([(0, 1), (1, 2)], 30) is None
    assert crossing([(3, 50)], 30) == 3


def test_cluster_verdict() -> None:
    assert cluster_verdict(1.2e9, (0.95, 0.92)) is S
    assert cluster_verdict(1.2e9, (0.93, 0.37)) is P
    assert cluster_verdict(1.2e9, (0.4, 0.3)) is N
    assert cluster_verdict(0.2e9, (0.99, 0.99)) is N  # not a gigawatt cluster
    assert cluster_verdict(3e9, (0.99, 0.99)) is N


def test_demand_and_market_and_double_exponential_rules() -> None:
    assert demand_verdict(True, True, True) is S
    assert demand_verdict(True, False, True) is P
    assert demand_verdict(True, False, False) is N
    assert demand_verdict(False, True, True) is N
    assert market_verdict(True, True, 5, 5) is S
    assert market_verdict(True, False, 5, 5) is P
    assert market_verdict(True, True, 1, 5) is P
    assert market_verdict(True, True, 0, 5) is N
    assert market_verdict(False, True, 5, 5) is N
    assert double_exponential_verdict(True, True, True) is S
    assert double_exponential_verdict(False, True, True) is P
    assert double_exponential_verdict(True, True, False) is N


def test_growth_checks() -> None:
    years = np.arange(8)
    assert growth_checks(2.0 ** years, 3.0 ** years) == (True, True)
    logistic = 1.0 / (1.0 + np.exp(-(years - 2.0)))  # saturating users
    assert growth_checks(logistic, 3.0 ** years) == (False, True)
    assert growth_checks(2.0 ** years, 1.2 ** years) == (True, False)


def test_verdict_words_of_the_modules_map() -> None:
    assert verdict_of("supported") is S
    assert verdict_of("partly") is P
    assert verdict_of("not supported") is N
    with pytest.raises(ValueError):
        verdict_of("maybe")
