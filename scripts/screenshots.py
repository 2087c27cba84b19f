#!/usr/bin/env python3
"""Take the README screenshots: ``docs/img/report.png`` and ``docs/img/app.png``.

Builds the report on ``scenarios/interview`` into a temporary folder, opens it in headless
Chromium (Debian's ``/usr/bin/chromium``, driven by Playwright; no browser download), then
starts the dashboard on a free loopback port (always stopped afterwards) and photographs it.

    python scripts/screenshots.py [--out docs/img] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs" / "img")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--samples", type=int, default=1000)
    a = ap.parse_args()
    from playwright.sync_api import expect, sync_playwright

    from tokenfab.app.server import running_app
    from tokenfab.catalog import load_catalog
    from tokenfab.report import ReportContext, build_report, default_scenario_dir

    a.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        rep = build_report(d, ctx=ReportContext(load_catalog(), default_scenario_dir(),
                                                samples=a.samples), progress=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=a.chromium, headless=True, args=ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(rep.path.resolve().as_uri())
                page.screenshot(path=str(a.out / "report.png"))
                print(f"wrote {a.out / 'report.png'}")
                with running_app() as url:
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    page.goto(url)
                    page.get_by_text("Download the results (JSON)").wait_for(timeout=90_000)
                    expect(page.locator('[data-testid="stMetric"]').first).to_contain_text(
                        "tokens/s per GPU", timeout=60_000)
                    page.wait_for_timeout(1000)
                    page.screenshot(path=str(a.out / "app.png"))
                    print(f"wrote {a.out / 'app.png'}")
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
