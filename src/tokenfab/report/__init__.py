"""The report: the interview's claims, each checked by the models, as one HTML page.

>>> from tokenfab.report import build_report
>>> report = build_report("out/")          # doctest: +SKIP
>>> [s.verdict.value for s in report.sections]  # doctest: +SKIP

Sections live in :mod:`tokenfab.report.sections` (one module per claim); shared charts in
:mod:`tokenfab.report.figures`.
"""

from tokenfab.report.builder import Report, build_report, run_section
from tokenfab.report.context import ReportContext, default_scenario_dir
from tokenfab.report.section import FigureData, Row, Section, Source, Table, Verdict
from tokenfab.report.sections import SECTIONS, SectionSpec

__all__ = [
    "SECTIONS",
    "FigureData",
    "Report",
    "ReportContext",
    "Row",
    "Section",
    "SectionSpec",
    "Source",
    "Table",
    "Verdict",
    "build_report",
    "default_scenario_dir",
    "run_section",
]
