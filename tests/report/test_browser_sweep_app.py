"""``tokenfab app --sweep DIR`` in a real headless browser: the winner heatmap renders, the
filters narrow the table, and a bad directory typed into the page is a message, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_browser import browser_page, require_browser

pytestmark = pytest.mark.browser


def _idle(page: object) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def test_sweep_page_shows_the_landscape(tmp_path: Path) -> None:
    require_browser()
    pytest.importorskip("streamlit")
    pytest.importorskip("duckdb")
    from playwright.sync_api import expect
    from tests.sweep.conftest import small_spec

    from tokenfab.app import SWEEP_APP_FILE
    from tokenfab.app.server import running_app
    from tokenfab.app.sweep_view import ENV
    from tokenfab.sweep import parse_spec, run_sweep

    spec = parse_spec(small_spec())
    out = tmp_path / "sweep"
    run_sweep(spec, out, workers=0)
    errors: list[str] = []
    with running_app(script=SWEEP_APP_FILE, env={ENV: str(out)}) as url, \
            browser_page(errors) as page:
        page.goto(url)
        heat = page.locator('[data-testid="stImage"]', has_text="winner per model").locator("img")
        expect(heat).to_be_visible(timeout=90_000)
        page.wait_for_function("(i) => i.complete && i.naturalWidth > 300",
                               arg=heat.element_handle(), timeout=30_000)
        expect(page.get_by_text(f"{spec.total_points():,} matching rows")).to_be_visible(
            timeout=30_000)
        # filter: feasible points only, applied with the form's button
        page.get_by_text("Feasible points only").click()
        page.get_by_role("button", name="Apply filters").click()
        from tokenfab.sweep import query

        n = int(query(out, "SELECT count(*) AS n FROM sweep WHERE feasible")["n"][0])
        assert 0 < n < spec.total_points()
        expect(page.get_by_text(f"{n:,} matching rows")).to_be_visible(timeout=60_000)
        # a bad directory typed into the page: the message, no exception
        box = page.get_by_role("textbox", name="Sweep directory")
        box.fill(str(tmp_path / "missing"))
        box.press("Enter")
        alert = page.locator('[data-testid="stAlert"]')
        expect(alert).to_contain_text("does not exist", timeout=60_000)
        _idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0
    assert not errors, f"console errors: {errors}"
