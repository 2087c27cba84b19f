"""Every page people read passes the scanner (:mod:`tests.display.scan`): the text output of
every command (the golden cases without ``--json``, default arguments, a few more) and the
report's HTML and console lines. JSON is not scanned: machines read it (``tests/test_golden.py``
guards it)."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.display.scan import html_text, problems
from tests.test_golden import golden

ROOT = Path(__file__).resolve().parents[2]
S = "scenarios/interview"

#: text runs beyond the golden cases: default arguments and other views
EXTRA: list[tuple[str, list[str]]] = [
    ("market_default", ["market"]),
    ("demand_default", ["demand"]),
    ("plan_default", ["plan"]),
    ("factory_generations", ["factory", "--power", "100MW", "--hardware", "gb200-nvl72",
                             "--model", "llama3.1-70b", "--generations", "h100-sxm,b200,gb200-nvl72"]),
    ("cluster_default", ["cluster", "--hardware", "h100-sxm", "--accelerators", "16384",
                         "--samples", "200", "--trials", "50"]),
    ("catalog_show_model", ["catalog", "show", "llama3.1-70b"]),
    ("catalog_show_hardware", ["catalog", "show", "gb200-nvl72"]),
]

CASES = [(n, [a for a in argv if a != "--json"]) for n, argv in golden.CASES] + EXTRA


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*golden.tokenfab_command(), *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def outputs() -> dict[str, subprocess.CompletedProcess[str]]:
    with ThreadPoolExecutor(2) as ex:
        runs = list(ex.map(lambda c: _run(c[1]), CASES))
    return {name: r for (name, _), r in zip(CASES, runs, strict=True)}


@pytest.mark.parametrize("name", [n for n, _ in CASES])
def test_command_text_reads_clean(outputs, name):
    r = outputs[name]
    assert r.returncode == 0, r.stderr[-2000:]
    bad = problems(r.stdout)
    assert not bad, f"tokenfab {' '.join(dict(CASES)[name])}:\n" + "\n".join(bad[:40])


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("report_pages")
    r = _run(["report", "-o", str(out), "--samples", "200"])
    assert r.returncode == 0, r.stderr[-3000:]
    return out, r.stdout


def test_report_html_reads_clean(report_dir):
    out, _ = report_dir
    text = html_text((out / "index.html").read_text(encoding="utf-8"))
    bad = problems(text)
    assert not bad, "\n".join(bad[:60])


def test_report_console_reads_clean(report_dir):
    _, stdout = report_dir
    assert not problems(stdout), problems(stdout)


def test_report_wide_tables_scroll_in_their_box(report_dir):
    out, _ = report_dir
    page = (out / "index.html").read_text(encoding="utf-8")
    assert ".wide { overflow-x: auto" in page
    # every data table sits inside a scrolling box
    assert page.count("<table") == page.count('<div class="wide"><table')


@pytest.mark.parametrize("command", [
    ["factory"], ["predict"], ["cluster"], ["market"], ["demand"], ["plan"]])
def test_json_with_inputs_prints_json(command):
    r = _run([*command, "--inputs", "--json"])
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert rows and all({"name", "unit", "default", "source"} <= set(x) for x in rows)
    assert len({x["name"] for x in rows}) == len(rows)
