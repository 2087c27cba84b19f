"""How long the dashboard takes from changing a control to showing the new number.

The bound here is loose (a hang or a full recompute of every tab on every change would
still be caught); the actual figures and the 1 s target are in benchmarks/bench_app.py."""

from __future__ import annotations

import pytest
from report_browser import browser_page, require_browser, streamlit_server, time_to_update

pytestmark = pytest.mark.browser


def test_changing_a_factory_input_updates_the_factory_tab_in_bounded_time() -> None:
    require_browser()
    from playwright.sync_api import expect

    errors: list[str] = []
    with streamlit_server() as url, browser_page(errors) as page:
        page.goto(url)
        page.get_by_text("Download the results (JSON)").wait_for(timeout=90_000)
        page.get_by_role("tab", name="Factory P&L").click()
        panel = page.get_by_role("tabpanel", name="Factory P&L")
        cost = panel.locator('[data-testid="stMetric"]', has_text="TCO per year").locator(
            '[data-testid="stMetricValue"]')
        expect(cost).to_have_text(__import__("re").compile(r"\d"), timeout=60_000)
        box = page.get_by_label("Electricity [USD/MWh]")

        def change(v: str) -> None:
            box.fill(v)
            box.press("Enter")

        first = time_to_update(page, lambda: change("140"), cost)
        again = time_to_update(page, lambda: change("70"), cost)  # back: the cached result
        print(f"\nelectricity change -> factory tab updated: {first:.2f} s (computed), "
              f"{again:.2f} s (cached)")
        assert first < 15 and again < 15
        assert page.locator('[data-testid="stException"]').count() == 0
    assert not errors, f"console errors: {errors}"
