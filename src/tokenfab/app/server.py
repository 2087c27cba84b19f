"""Run the dashboard: the ``streamlit run`` command line, and a bounded, always-stopped server
for tests and screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from tokenfab.app import APP_FILE
from tokenfab.errors import TokenfabError


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def streamlit_command(port: int, host: str = "127.0.0.1") -> list[str]:
    """``python -m streamlit run dashboard.py`` headless, without telemetry or dev toolbar."""
    return [sys.executable, "-m", "streamlit", "run", str(APP_FILE),
            "--server.headless", "true", "--server.port", str(port), "--server.address", host,
            "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
            "--global.developmentMode", "false", "--client.toolbarMode", "viewer"]


@contextmanager
def running_app(port: int | None = None, host: str = "127.0.0.1",
                timeout_s: float = 60.0) -> Iterator[str]:
    """Start the dashboard, wait (at most ``timeout_s``) until it answers, yield its URL, and
    always terminate it.

    Raises
    ------
    TokenfabError
        streamlit is missing, exits early, or does not answer in time (with its log).
    """
    try:
        import streamlit  # noqa: F401
    except ImportError:
        raise TokenfabError("the dashboard needs streamlit: pip install 'tokenfab[app]'") from None
    port = port or free_port(host)
    url = f"http://{host}:{port}"
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(streamlit_command(port, host), stdout=log, stderr=subprocess.STDOUT,
                            env=dict(os.environ, MPLBACKEND="Agg"))

    def tail() -> str:
        log.seek(0)
        return log.read().decode(errors="replace")[-3000:]

    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise TokenfabError(f"streamlit exited with code {proc.returncode}:\n{tail()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TokenfabError(f"the dashboard did not answer on {url} within "
                                    f"{timeout_s:.0f} s:\n{tail()}")
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
