"""The report builder: every section rendered, failures shown (never dropped), HTML self-contained."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest

from tokenfab.errors import TokenfabError
from tokenfab.report import (
    Row,
    Section,
    SectionSpec,
    Source,
    Table,
    Verdict,
    build_report,
    run_section,
)
from tokenfab.report.figures import bars, to_png
from tokenfab.report.section import format_value

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _ok_build(ctx):
    return Section(
        "ok", "", "",
        verdict=Verdict.PARTLY,
        reason="the ratio is 3.1x, not 30x",
        assumption="interactivity of 50 tok/s per user",
        rows=[Row("ratio", 3.1, "x", "model"), Row("revenue", 2.5e10, "USD/yr")],
        tables=[Table("per system", [{"system": "h100 <b>", "tok/s": 1234.5}])],
        figures=[ctx.figure("bars", bars, ["a", "b"], [1.0, 3.0], caption="two bars")],
        sources=[Source("Paper A", "https://example.org/a"), Source("Note B")],
    )


def _spec(key: str, module: str) -> SectionSpec:
    return SectionSpec(key, module, f"Title {key}", f"Claim of {key} <with markup>")


def test_format_value_hand_cases() -> None:
    assert format_value(2.5e12, "USD/yr") == "$2.5T/yr"
    assert format_value(-3.2e9, "USD") == "-$3.2B"
    assert format_value(12_000, "USD") == "$12K"
    assert format_value(0.42, "%") == "42%"
    assert format_value(29.7, "x") == "29.7×"
    assert format_value(2e9, "W") == "2 GW"
    assert format_value(16384, "") == "16,384"
    assert format_value(float("nan"), "W") == "—"
    assert format_value(None) == "—"
    assert format_value("GB200", "") == "GB200"


def test_ok_section_renders_numbers_figure_sources(tmp_path: Path, ctx, fake_modules) -> None:
    spec = _spec("ok", fake_modules("ok", _ok_build))
    rep = build_report(tmp_path, ctx=ctx, specs=[spec], warn=pytest.fail)
    (sec,) = rep.sections
    assert sec.available and sec.verdict is Verdict.PARTLY
    assert sec.title == "Title ok" and sec.claim.startswith("Claim of ok")  # filled from the spec
    html = rep.path.read_text(encoding="utf-8")
    assert 'data-verdict="partly supported"' in html
    assert "29.7" not in html and "3.1×" in html and "$25B/yr" in html
    # markup in content is escaped, never injected
    assert "<with markup>" not in html and "&lt;with markup&gt;" in html
    assert "h100 &lt;b&gt;" in html
    # the figure is embedded and is a real PNG
    m = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert m is not None
    assert base64.b64decode(m.group(1)).startswith(PNG_MAGIC)
    # sources appear in the footer, numbered, with their links
    footer = html[html.index('<footer id="sources">'):]
    assert 'id="ref-1"' in footer and "https://example.org/a" in footer and "Note B" in footer
    # self-contained: no external scripts, stylesheets or images
    assert "<script" not in html and "<link" not in html
    assert not re.search(r'src="(?!data:)', html)
    data = json.loads((tmp_path / "report.json").read_text())
    assert data["sections"][0]["verdict"] == "partly supported"
    assert data["sections"][0]["numbers"][0] == {"label": "ratio", "value": 3.1, "unit": "x",
                                                 "note": "model"}


def test_missing_module_is_shown_not_dropped(tmp_path: Path, ctx, fake_modules) -> None:
    ok = _spec("ok", fake_modules("ok", _ok_build))
    missing = _spec("later", "tokenfab_fake_sections.not_written_yet")
    warned: list[str] = []
    rep = build_report(tmp_path, ctx=ctx, specs=[ok, missing], warn=warned.append)
    assert [s.key for s in rep.sections] == ["ok", "later"]
    later = rep.sections[1]
    assert later.verdict is Verdict.UNAVAILABLE and "not_written_yet" in (later.error or "")
    assert len(warned) == 1 and "later" in warned[0] and "not available" in warned[0]
    html = rep.path.read_text(encoding="utf-8")
    sec_html = html[html.index('id="sec-later"'):]
    assert "not available: " in sec_html and "Claim of later" in sec_html
    assert rep.warnings == warned


def test_dependency_module_missing_names_it(ctx, fake_modules) -> None:
    def needs_missing(ctx):
        import tokenfab.no_such_model  # noqa: F401

    spec = _spec("dep", fake_modules("dep", needs_missing))
    sec = run_section(spec, ctx)
    assert not sec.available
    assert "tokenfab.no_such_model is not available yet" in (sec.error or "")


def test_raising_scenario_is_shown_with_reason(ctx, fake_modules) -> None:
    def bad(ctx):
        ctx.scenario("nope.toml")

    spec = _spec("bad", fake_modules("bad", bad))
    sec = run_section(spec, ctx)
    assert sec.verdict is Verdict.UNAVAILABLE
    assert "nope.toml not found" in (sec.error or "")


def test_bug_in_section_reports_type_and_place(ctx, fake_modules) -> None:
    def buggy(ctx):
        return {}["missing-key"]

    sec = run_section(_spec("bug", fake_modules("bug", buggy)), ctx)
    assert sec.error is not None and sec.error.startswith("KeyError")
    assert "test_builder.py" in sec.error


def test_strict_raises(ctx, fake_modules) -> None:
    def bad(ctx):
        raise TokenfabError("no", field="x")

    with pytest.raises(TokenfabError):
        run_section(_spec("bad", fake_modules("bad", bad)), ctx, strict=True)


def test_section_without_verdict_is_an_error(ctx, fake_modules) -> None:
    sec = run_section(_spec("nv", fake_modules("nv", lambda c: Section("nv", "t", "c"))), ctx)
    assert not sec.available and "no verdict" in (sec.error or "")


def test_failing_chart_keeps_the_section(tmp_path: Path, ctx, fake_modules) -> None:
    def build(ctx):
        def broken():
            raise RuntimeError("bad data")

        return Section("c", "", "", verdict=Verdict.SUPPORTED, reason="r",
                       figures=[ctx.figure("broken chart", broken)])

    rep = build_report(tmp_path, ctx=ctx, specs=[_spec("c", fake_modules("c", build))],
                       warn=pytest.fail)
    assert rep.sections[0].available
    assert rep.sections[0].figures[0].png is None
    html = rep.path.read_text(encoding="utf-8")
    assert 'chart "broken chart" not available: RuntimeError: bad data' in html


def test_only_unknown_key_is_bad_input(tmp_path: Path, ctx, fake_modules) -> None:
    spec = _spec("ok", fake_modules("ok", _ok_build))
    with pytest.raises(TokenfabError, match="did you mean 'ok'"):
        build_report(tmp_path, ctx=ctx, specs=[spec], only=["ok2"])


def test_to_png_is_png() -> None:
    assert to_png(bars(["x"], [1.0])).startswith(PNG_MAGIC)


def test_registry_covers_every_interview_claim() -> None:
    from tokenfab.report import SECTIONS

    keys = [s.key for s in SECTIONS]
    assert len(set(keys)) == len(keys)
    for needed in ("demand", "market", "factory_2gw", "perf_per_watt", "blackwell_30x",
                   "free_asic", "colossus2", "users_x_compute", "cadence"):
        assert needed in keys


def test_cli_report_runs_and_bad_folder_exits_2(tmp_path: Path, capsys) -> None:
    from tokenfab.cli import main

    empty = tmp_path / "empty"
    empty.mkdir()
    rc = main(["report", "-o", str(tmp_path / "out"), "--scenarios", str(empty),
               "--only", "free_asic", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and (tmp_path / "out" / "index.html").is_file()
    assert [s["key"] for s in out["sections"]] == ["free_asic"]
    assert main(["report", "-o", str(tmp_path / "o2"), "--scenarios", str(tmp_path / "nope")]) == 2
    assert "--scenarios" in capsys.readouterr().err


def test_cli_app_dry_run_has_headless_flags(capsys) -> None:
    from tokenfab.cli import main

    assert main(["app", "--port", "8765", "--dry-run"]) == 0
    cmd = capsys.readouterr().out
    assert "streamlit run" in cmd and "--server.headless true" in cmd and "8765" in cmd
    assert "dashboard.py" in cmd


def test_docs_list_every_section_and_its_rule() -> None:
    from tokenfab.report import SECTIONS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "report.md").read_text(encoding="utf-8")
    for s in SECTIONS:
        assert f"| `{s.key}` |" in doc, f"docs/report.md has no row for section {s.key}"
