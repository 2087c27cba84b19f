"""Run the dashboard: the ``streamlit run`` command line, and a bounded, always-stopped server
for tests and screenshots."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tokenfab.app import APP_FILE
from tokenfab.errors import TokenfabError


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def streamlit_command(port: int, host: str = "127.0.0.1", script: Path = APP_FILE) -> list[str]:
    """``python -m streamlit run dashboard.py`` headless, without telemetry or dev toolbar
    (``script``: another page of the dashboard, e.g. the sweep page)."""
    return [sys.executable, "-m", "streamlit", "run", str(script),
            "--server.headless", "true", "--server.port", str(port), "--server.address", host,
            "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
            "--global.developmentMode", "false", "--client.toolbarMode", "viewer"]


def _stop_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM,
                timeout_s: float = 10.0) -> None:
    """Send ``sig`` to the child's whole process group; SIGKILL it if it outlives ``timeout_s``."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def serve(cmd: list[str]) -> int:
    """Run the dashboard in the foreground until it exits or this process is stopped.

    Streamlit runs in its own process group. SIGTERM, SIGINT and SIGHUP sent to this process
    are forwarded to that whole group, which is then waited for (killed after 10 s), so no
    server outlives ``tokenfab app`` holding the port. Returns the exit code: the server's
    own, or ``128 + signal`` when stopped by a signal (130 for Ctrl-C).
    """
    proc = subprocess.Popen(cmd, env=dict(os.environ, MPLBACKEND="Agg"), start_new_session=True)
    got: list[tuple[int, float]] = []

    def forward(signum: int, _frame: object) -> None:
        # only signal here: waiting inside a handler would deadlock with the main wait
        got.append((signum, time.monotonic()))
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass

    old = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    try:
        while True:
            try:
                rc = proc.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if got and time.monotonic() - got[0][1] > 10.0:
                    os.killpg(proc.pid, signal.SIGKILL)
    finally:
        _stop_group(proc)
        for s, h in old.items():
            signal.signal(s, h)
    return 128 + got[0][0] if got else rc


@contextmanager
def running_app(port: int | None = None, host: str = "127.0.0.1",
                timeout_s: float = 60.0, script: Path = APP_FILE,
                env: dict[str, str] | None = None) -> Iterator[str]:
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
    proc = subprocess.Popen(streamlit_command(port, host, script), stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            env=dict(os.environ, MPLBACKEND="Agg", **(env or {})))

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
        _stop_group(proc)
        log.close()
