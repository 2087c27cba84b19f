"""Rent or build: when an AI lab should rent cloud accelerators and when it should build its
own factories, year by year, under a double-exponential demand (users x compute per user).

Public API
----------
:class:`PlanSection`
    The ``[plan]`` scenario section (registered with :mod:`tokenfab.scenario`).
:data:`PLAN_INPUTS`
    Every numeric input declared once (default, source, bounds).
:func:`resolve`
    Scenario section + catalog (+ ``--set`` flags) -> :class:`PlanInputs` with every default
    and its source; ``.point()`` -> :class:`PlanPoint` (floats) for the LP.
:func:`solve`
    The linear program (SciPy HiGHS) -> :class:`PlanResult`, per-year rent / build / unserved.
:func:`analyse`
    The plan plus its verdicts: renting alone, the build-vs-rent crossover, the cost of
    building one year too early / too late, the mixed-fleet (ASIC) penalty, and an optional
    Monte Carlo over the input ranges.
"""

from tokenfab.plan.analysis import PlanReport, analyse
from tokenfab.plan.inputs import PLAN_INPUTS, PlanInputs, PlanPoint, PlanSection, resolve
from tokenfab.plan.lp import PlanResult, solve

__all__ = ["PLAN_INPUTS", "PlanInputs", "PlanPoint", "PlanReport", "PlanResult", "PlanSection",
           "analyse", "resolve", "solve"]
