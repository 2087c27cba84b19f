"""The dashboard, used in a real headless browser: change an input, see numbers and a chart change."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from report_browser import browser_page, require_browser, streamlit_server

pytestmark = pytest.mark.browser


def _number(text: str) -> float:
    return float(re.sub(r"[^0-9.]", "", text))


def _wait_idle(page: object) -> None:
    """Wait until Streamlit has finished the current run (its 'running' widget is gone)."""
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def test_app_updates_when_an_input_changes(tmp_path: Path) -> None:
    require_browser()
    from playwright.sync_api import expect

    errors: list[str] = []
    with streamlit_server() as url, browser_page(errors) as page:
        page.goto(url)
        page.get_by_text("Download the results (JSON)").wait_for(timeout=90_000)
        # the frontier tab: per-GPU throughput of both systems, and the chart
        first = page.locator('[data-testid="stMetric"]').first
        expect(first).to_contain_text("tokens/s per GPU", timeout=60_000)
        # the factory tab
        page.get_by_role("tab", name="Factory P&L").click()
        panel = page.get_by_role("tabpanel", name="Factory P&L")
        acc = panel.locator('[data-testid="stMetric"]', has_text="Accelerators").locator(
            '[data-testid="stMetricValue"]')
        expect(acc).to_have_text(re.compile(r"\d"), timeout=60_000)
        before = _number(acc.inner_text())
        img_before = panel.locator("img").first.get_attribute("src")
        assert before > 0
        # halve the site power, as a user would: type and press Enter
        box = page.get_by_label("Site power [MW]")
        box.fill("1000")
        box.press("Enter")
        expect(acc).not_to_have_text(acc.inner_text(), timeout=60_000)
        after = _number(acc.inner_text())
        assert abs(after - before / 2) <= 72, (before, after)  # whole systems only
        page.wait_for_function(
            "([sel, old]) => { const i = document.querySelectorAll(sel)[0]; "
            "return i && i.getAttribute('src') !== old; }",
            arg=['[role="tabpanel"]:not([hidden]) img', img_before], timeout=60_000)
        # the scenario downloads as TOML with the new power, and loads as a factory scenario
        _wait_idle(page)
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name="Download the scenario (TOML)").click()
        toml_path = tmp_path / "scenario.toml"
        dl.value.save_as(toml_path)
        from tokenfab.factory.spec import FactorySection
        from tokenfab.scenario import load_section

        assert load_section(toml_path, "factory", FactorySection).power == pytest.approx(1e9)
        # the cluster tab computes too
        page.get_by_role("tab", name="Cluster goodput").click()
        expect(page.get_by_role("tabpanel", name="Cluster goodput").locator(
            '[data-testid="stMetric"]', has_text="Goodput")).to_be_visible(timeout=60_000)
        # an interactivity no system reaches (1,000 tok/s per user) is a clear message, not a crash
        page.get_by_role("slider", name="Interactivity [tokens/s per user]").press("End")
        page.get_by_role("tab", name="Factory P&L").click()
        alert = page.get_by_role("tabpanel", name="Factory P&L").locator('[data-testid="stAlert"]')
        expect(alert).to_contain_text("interactivity", timeout=60_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.get_by_role("slider", name="Interactivity [tokens/s per user]").press("Home")
        shot = tmp_path / "app.png"
        page.get_by_role("tab", name="Frontier").click()
        page.wait_for_timeout(500)
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("TOKENFAB_SCREENSHOTS"):
            page.screenshot(path=os.environ["TOKENFAB_SCREENSHOTS"] + "/app.png")
    assert not errors, f"console errors: {errors}"
