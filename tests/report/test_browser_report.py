"""The report, opened in a real headless browser as a reader would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_browser import browser_page, require_browser

from tokenfab.report import SECTIONS

pytestmark = pytest.mark.browser


def test_report_in_browser(real_report, tmp_path: Path) -> None:
    require_browser()
    errors: list[str] = []
    with browser_page(errors) as page:
        page.goto(real_report.path.resolve().as_uri())
        assert page.title() == "The AI factory, checked"
        rows = page.locator("table.summary tbody tr")
        assert rows.count() == len(SECTIONS)
        # the header states version, date and catalog
        header = page.locator("header.top").inner_text()
        assert "tokenfab" in header and "catalog" in header
        assert real_report.meta["date"] in header
        # following a claim in the contents brings its section into view
        last = SECTIONS[-1].key
        page.locator(f'table.summary a[href="#sec-{last}"]').click()
        page.wait_for_function(f"location.hash === '#sec-{last}'")
        assert page.locator(f"#sec-{last}").is_visible()
        top = page.evaluate(f"document.getElementById('sec-{last}').getBoundingClientRect().top")
        assert abs(top) < 900
        # every verdict badge of the contents agrees with its section
        for s in real_report.sections:
            badge = page.locator(f"#sec-{s.key} h2 .badge")
            assert badge.get_attribute("data-verdict") == s.verdict.value
            if not s.available:
                assert page.locator(f"#sec-{s.key} .not-available").is_visible()
        # every embedded chart decodes and has a size
        n_img = page.locator("figure img").count()
        assert n_img == sum(1 for s in real_report.sections for f in s.figures if f.png)
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length")
        assert broken == 0
        page.evaluate("window.scrollTo(0, 0)")
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot))
        assert shot.stat().st_size > 10_000
        if os.environ.get("TOKENFAB_SCREENSHOTS"):
            page.screenshot(path=os.environ["TOKENFAB_SCREENSHOTS"] + "/report.png")
    assert not errors, f"console errors: {errors}"
