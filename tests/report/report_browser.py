"""Helpers of the browser tests: headless Debian Chromium driven by Playwright, a Streamlit server.

Browser tests skip with a reason when ``/usr/bin/chromium`` or playwright is missing, unless
``TOKENFAB_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("TOKENFAB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]


def require_browser() -> None:
    """Skip (or fail under TOKENFAB_REQUIRE_BROWSER=1) when the browser stack is missing."""
    why = None
    if not CHROMIUM.exists():
        why = f"{CHROMIUM} not found (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            why = "playwright is not installed (pip install playwright; no browser download needed)"
    if why:
        if os.environ.get("TOKENFAB_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser test required but {why}")
        pytest.skip(why)


@contextmanager
def browser_page(console_errors: list[str]) -> Iterator[object]:
    """A fresh page in headless Chromium; console errors and page errors go to the list."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(30_000)
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: console_errors.append(str(e)))
            yield page
        finally:
            browser.close()


@contextmanager
def streamlit_server(timeout_s: float = 60.0) -> Iterator[str]:
    """The dashboard on a free loopback port (:func:`tokenfab.app.server.running_app`):
    skipped when streamlit is missing, always terminated."""
    try:
        import streamlit  # noqa: F401
    except ImportError:
        if os.environ.get("TOKENFAB_REQUIRE_BROWSER") == "1":
            pytest.fail("streamlit is not installed")
        pytest.skip("streamlit is not installed (pip install 'tokenfab[app]')")
    from tokenfab.app.server import running_app

    with running_app(timeout_s=timeout_s) as url:
        yield url


def time_to_update(page: object, change: object, value_locator: object,
                   timeout_ms: int = 60_000) -> float:
    """Seconds from ``change()`` (a user action on a control) until the text of
    ``value_locator`` differs from what it was and Streamlit is idle again."""
    import time

    before = value_locator.inner_text()  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    change()  # type: ignore[operator]
    page.wait_for_function(  # type: ignore[attr-defined]
        "([el, old]) => el && el.innerText !== old",
        arg=[value_locator.element_handle(), before], timeout=timeout_ms)  # type: ignore[attr-defined]
    return time.perf_counter() - t0
