"""The real report on scenarios/interview.

``test_every_section_renders`` is marked ``full_package``: it passes only once every model
module (perf, factory, demand, market, cluster, plan) and every interview scenario has landed.
It is MEANT to fail while one is missing: the failure message lists what is not available.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokenfab.report import SECTIONS, Verdict


def test_real_report_always_builds(real_report) -> None:
    """Whatever has landed, the report builds and lists every registered claim."""
    assert real_report.path.is_file()
    assert [s.key for s in real_report.sections] == [s.key for s in SECTIONS]
    html = real_report.path.read_text(encoding="utf-8")
    for s in real_report.sections:
        assert f'id="sec-{s.key}"' in html
        if not s.available:
            assert s.verdict is Verdict.UNAVAILABLE and s.error
    data = json.loads((real_report.path.parent / "report.json").read_text())
    assert len(data["sections"]) == len(SECTIONS)


@pytest.mark.full_package
def test_every_section_renders(real_report) -> None:
    """FULL PACKAGE: with every module landed, no section falls back to 'not available'."""
    missing = {s.key: s.error for s in real_report.sections if not s.available}
    assert not missing, "sections not available:\n" + "\n".join(
        f"  {k}: {v}" for k, v in missing.items())
    for s in real_report.sections:
        assert s.verdict in (Verdict.SUPPORTED, Verdict.PARTLY, Verdict.NOT_SUPPORTED)
        assert s.reason and s.assumption, s.key
        assert s.rows, f"{s.key}: no numbers"
        assert any(f.png for f in s.figures), f"{s.key}: no chart rendered"
        assert not [f.error for f in s.figures if f.error], f"{s.key}: a chart failed"
        assert s.sources, f"{s.key}: no sources"


def test_report_is_reproducible(tmp_path) -> None:
    """Same scenarios, same seed: the same numbers (the docs promise it)."""
    from tokenfab.catalog import load_catalog
    from tokenfab.report import ReportContext, build_report

    scenarios = Path(__file__).resolve().parents[2] / "scenarios" / "interview"
    if not scenarios.is_dir():
        pytest.skip(f"no scenarios folder {scenarios}")
    runs = []
    for i in range(2):
        rep = build_report(tmp_path / str(i), only=["market", "free_asic"], warn=lambda m: None,
                           ctx=ReportContext(load_catalog(), scenarios, samples=300, seed=7))
        runs.append([[r.value for r in s.rows] for s in rep.sections])
    assert runs[0] == runs[1]
