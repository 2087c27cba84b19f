"""The dashboard's pages read as the report does: every tab's visible text passes the scanner
of issue 15 (no $..G, no float noise, no e+ notation, no field names, no True/False)."""

from __future__ import annotations

import pytest
from report_browser import browser_page, require_browser, streamlit_server
from tests.display.scan import problems

pytestmark = pytest.mark.browser

TABS = ("Frontier", "Factory P&L", "Demand", "Market", "Cluster goodput")


def test_every_tab_reads_clean() -> None:
    require_browser()
    from playwright.sync_api import expect

    errors: list[str] = []
    bad: dict[str, list[str]] = {}
    seen: list[str] = []
    with streamlit_server() as url, browser_page(errors) as page:
        page.goto(url)
        page.get_by_text("Download the results (JSON)").wait_for(timeout=90_000)
        for name in TABS:
            tab = page.get_by_role("tab", name=name)
            if tab.count() == 0:
                continue
            tab.click()
            panel = page.get_by_role("tabpanel", name=name)
            expect(panel.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=60_000)
            text = panel.inner_text()
            seen.append(text)
            found = problems(text)
            if found:
                bad[name] = found
    assert any("Revenue per year" in t and "$" in t for t in seen), seen  # the text was read
    assert not bad, bad
