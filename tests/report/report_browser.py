"""Helpers of the browser tests: headless Debian Chromium driven by Playwright, a Streamlit server.

Browser tests skip with a reason when ``/usr/bin/chromium`` or playwright is missing, unless
``TOKENFAB_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def streamlit_server(app_file: Path, timeout_s: float = 60.0) -> Iterator[str]:
    """Run ``streamlit run app_file`` headless on a free loopback port; always terminated."""
    if shutil.which("streamlit") is None:
        try:
            import streamlit  # noqa: F401
        except ImportError:
            if os.environ.get("TOKENFAB_REQUIRE_BROWSER") == "1":
                pytest.fail("streamlit is not installed")
            pytest.skip("streamlit is not installed (pip install 'tokenfab[app]')")
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(app_file), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
           "--server.fileWatcherType", "none"]
    env = dict(os.environ, MPLBACKEND="Agg")
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                log.seek(0)
                out = log.read().decode(errors="replace")
                raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{out[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"streamlit did not answer on {url} within {timeout_s:.0f} s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()
