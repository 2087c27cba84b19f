"""`tokenfab app` stops cleanly: SIGTERM to the CLI stops Streamlit too and frees the port."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tokenfab.app.server import free_port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def _nothing_listens(port: int) -> bool:
    """No server accepts on the port (a socket in TIME_WAIT from our own checks is fine)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stopping_tokenfab_app_stops_streamlit_and_frees_the_port(sig: int) -> None:
    pytest.importorskip("streamlit")
    exe = shutil.which("tokenfab")
    cmd = [exe] if exe else [sys.executable, "-m", "tokenfab.cli"]
    port = free_port()
    proc = subprocess.Popen([*cmd, "app", "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        health = f"http://127.0.0.1:{port}/_stcore/health"
        deadline = time.monotonic() + 90
        while not _answers(health):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the dashboard did not start within 90 s"
            time.sleep(0.3)
        proc.send_signal(sig)  # to the CLI only, as a service manager would
        rc = proc.wait(timeout=30)
        assert rc == 128 + sig
        deadline = time.monotonic() + 15
        while not (_nothing_listens(port) and _group_gone(proc.pid)):
            assert time.monotonic() < deadline, f"port {port} still served after the CLI exited"
            time.sleep(0.2)
        assert not _answers(health)
    finally:
        if not _group_gone(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.wait(timeout=5)
