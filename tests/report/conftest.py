"""Fixtures of the report tests: fake section modules, and one real report shared by tests."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tokenfab.catalog import load_catalog
from tokenfab.report import ReportContext

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios" / "interview"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "full_package: needs EVERY model module (perf, factory, demand, market, cluster, plan) "
        "to have landed; fails by design while one is missing",
    )


@pytest.fixture
def fake_modules(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Callable], str]:
    """Register ``build`` as the section module ``tokenfab_fake_sections.<name>``."""
    pkg = types.ModuleType("tokenfab_fake_sections")
    pkg.__path__ = []  # a namespace for the fakes
    monkeypatch.setitem(sys.modules, "tokenfab_fake_sections", pkg)

    def add(name: str, build: Callable) -> str:
        full = f"tokenfab_fake_sections.{name}"
        mod = types.ModuleType(full)
        mod.build = build  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, full, mod)
        return full

    return add


@pytest.fixture
def ctx(tmp_path: Path) -> ReportContext:
    d = tmp_path / "scenarios"
    d.mkdir()
    return ReportContext(catalog=load_catalog(), scenario_dir=d, samples=200)


@pytest.fixture(scope="session")
def real_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The report on the shipped interview scenarios, built once per test session."""
    from tokenfab.report import build_report

    if not SCENARIOS.is_dir():
        pytest.skip(f"no scenarios folder {SCENARIOS}")
    out = tmp_path_factory.mktemp("report")
    ctx = ReportContext(catalog=load_catalog(), scenario_dir=SCENARIOS, samples=1000)
    yield build_report(out, ctx=ctx, warn=lambda m: None)
