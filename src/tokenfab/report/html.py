"""Render a built report to one self-contained HTML page (stdlib only; figures as base64 PNG)."""

from __future__ import annotations

import base64
import re
from html import escape
from typing import TYPE_CHECKING, Any

from tokenfab import display
from tokenfab.report.section import Section, Source, Table, Verdict

if TYPE_CHECKING:
    from tokenfab.report.builder import Report

_CSS = """
:root { --ok:#1b7f3b; --partly:#b26a00; --no:#b3261e; --na:#6b6b6b; --ink:#1d1d1f;
        --muted:#5f6368; --line:#e3e3e3; --bg:#fafafa; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0; background: #fff; }
main { max-width: 1060px; margin: 0 auto; padding: 0 24px 48px; }
header.top { background: #14213d; color: #fff; padding: 28px 24px; }
header.top .inner { max-width: 1060px; margin: 0 auto; }
header.top h1 { margin: 0 0 6px; font-size: 28px; }
header.top p { margin: 2px 0; color: #d9dde6; font-size: 13px; }
h2 { margin: 42px 0 8px; font-size: 22px; border-bottom: 2px solid var(--line); padding-bottom: 6px; }
blockquote { margin: 10px 0; padding: 8px 14px; border-left: 4px solid #9aa5b1; background: var(--bg);
             font-style: italic; }
.badge { display: inline-block; padding: 1px 10px; border-radius: 12px; color: #fff; font-size: 13px;
         font-weight: 600; white-space: nowrap; vertical-align: middle; }
.badge.ok { background: var(--ok); } .badge.partly { background: var(--partly); }
.badge.no { background: var(--no); } .badge.na { background: var(--na); }
.verdict { font-size: 16px; margin: 12px 0 4px; }
.turns { color: var(--muted); margin: 4px 0 12px; }
.na-box { border: 1px dashed var(--na); background: #f4f4f4; padding: 10px 14px; margin: 12px 0;
          font-family: ui-monospace, monospace; font-size: 13px; white-space: pre-wrap; }
table { border-collapse: collapse; margin: 10px 0 16px; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: left; vertical-align: top; }
th { background: var(--bg); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.note { color: var(--muted); font-size: 13px; }
table.summary td:first-child { color: var(--muted); }
figure { margin: 14px 0 22px; }
figure img { max-width: 100%; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: 13px; }
.fig-missing { border: 1px dashed var(--na); padding: 18px; color: var(--na); font-size: 13px; }
details { margin: 8px 0; } summary { cursor: pointer; color: var(--muted); }
pre { background: var(--bg); border: 1px solid var(--line); padding: 10px; overflow-x: auto; font-size: 12px; }
.refs { font-size: 13px; color: var(--muted); }
footer { border-top: 2px solid var(--line); margin-top: 48px; padding-top: 12px; font-size: 13px; }
footer ol { padding-left: 22px; } a { color: #1a56a8; }
.wide { overflow-x: auto; max-width: 100%; }
.wide > table { margin: 0; }
code { font-family: ui-monospace, monospace; font-size: 0.92em; background: var(--bg);
       padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
h2, h4, figcaption, .refs, td { overflow-wrap: anywhere; }
td.num { overflow-wrap: normal; }
.notes li { color: var(--muted); font-size: 14px; }
"""


def _text(text: str) -> str:
    """Prose for the page: escaped, field and catalog names (snake_case) set as ``<code>``."""
    return "".join(f"<code>{escape(p)}</code>" if code else escape(p)
                   for p, code in display.code_spans(str(text)))


def _label(name: str) -> str:
    """A row or column label: a bare field name in words, other text as prose."""
    t = str(name)
    if re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", t):
        return escape(display.label(t))
    return _text(t)


def _cell(v: Any, column: str) -> str:
    """One table cell for people (:mod:`tokenfab.display`): money, units, separators, words."""
    if isinstance(v, str):
        return _text(v)
    if re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", column):
        return escape(display.of_field(v, column))
    return escape(display.cell(v))


def _badge(v: Verdict) -> str:
    return f'<span class="badge {v.css}" data-verdict="{escape(v.value)}">{escape(v.value)}</span>'


def _link(src: Source) -> str:
    if src.url:
        return f'{_text(src.label)} — <a href="{escape(src.url)}">{escape(src.url)}</a>'
    return _text(src.label)


def _table_html(t: Table) -> str:
    """A section's table: headers in words, cells through :mod:`tokenfab.display`, inside a box
    that scrolls sideways when the table is wider than the page (``.wide``)."""
    import pandas as pd

    data = t.data if isinstance(t.data, pd.DataFrame) else pd.DataFrame(list(t.data))
    cols = [str(c) for c in data.columns]
    head = "".join(f"<th>{_label(c)}</th>" for c in cols)
    rows = []
    for rec in data.itertuples(index=False, name=None):
        cells = []
        for c, v in zip(cols, rec, strict=True):
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            cells.append(f'<td class="num">{_cell(v, c)}</td>' if num else f"<td>{_cell(v, c)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = (f'<table class="dataframe"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(rows) + "</tbody></table>")
    note = f'<p class="refs">{_text(t.note)}</p>' if t.note else ""
    return f'<h4>{_label(t.title)}</h4><div class="wide">{body}</div>{note}'


def _section_html(i: int, s: Section, ref_index: dict[str, int]) -> str:
    out = [f'<section id="sec-{escape(s.key)}" data-section="{escape(s.key)}" '
           f'data-verdict="{escape(s.verdict.value)}">',
           f"<h2>{i}. {escape(s.title)} {_badge(s.verdict)}</h2>",
           f"<blockquote>{escape(s.claim)}</blockquote>"]
    if not s.available:
        out.append(f'<div class="na-box not-available">not available: {escape(s.error or "")}</div>')
    else:
        out.append(f'<p class="verdict"><b>Verdict: {escape(s.verdict.value)}.</b> '
                   f"{_text(s.reason)}</p>")
        if s.assumption:
            out.append(f'<p class="turns"><b>Turns on:</b> {_text(s.assumption)}</p>')
    if s.rows:
        out.append('<div class="wide"><table class="numbers"><thead><tr><th>quantity</th>'
                   "<th>value</th><th>note / source</th></tr></thead><tbody>")
        for r in s.rows:
            out.append(f"<tr><td>{_label(r.label)}</td><td class=\"num\">{_text(r.formatted())}"
                       f'</td><td class="note">{_text(r.note)}</td></tr>')
        out.append("</tbody></table></div>")
    out.extend(_table_html(t) for t in s.tables)
    for f in s.figures:
        if f.png:
            b64 = base64.b64encode(f.png).decode("ascii")
            out.append(f'<figure><img alt="{escape(f.title)}" src="data:image/png;base64,{b64}">'
                       f"<figcaption><b>{escape(f.title)}.</b> {_text(f.caption)}</figcaption></figure>")
        else:
            out.append(f'<figure><div class="fig-missing">chart "{escape(f.title)}" not available: '
                       f"{escape(f.error or '')}</div></figure>")
    if s.notes:
        out.append('<ul class="notes">' + "".join(f"<li>{_text(n)}</li>" for n in s.notes) + "</ul>")
    if s.sources:
        refs = ", ".join(f'<a href="#ref-{ref_index[src.key]}">[{ref_index[src.key]}]</a> '
                         f"{_text(src.label)}" for src in s.sources)
        out.append(f'<p class="refs"><b>Sources:</b> {refs}</p>')
    for p in s.scenarios:
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as e:
            text = f"(cannot read: {e})"
        out.append(f"<details><summary>scenario {escape(p.name)}</summary><pre>{escape(text)}</pre>"
                   "</details>")
    out.append(f'<p class="refs">built in {s.seconds:.2f} s</p></section>')
    return "\n".join(out)


def render_html(report: Report) -> str:
    """The whole report as one HTML document (no external files, no scripts)."""
    meta: dict[str, Any] = report.meta
    ref_index: dict[str, int] = {}
    refs: list[Source] = []
    for s in report.sections:
        for src in s.sources:
            if src.key not in ref_index:
                refs.append(src)
                ref_index[src.key] = len(refs)
    counts = {v: sum(1 for s in report.sections if s.verdict is v) for v in Verdict}
    tally = ", ".join(f"{n} {v.value}" for v, n in counts.items() if n)

    toc = ['<div class="wide"><table class="summary" id="summary"><thead><tr><th>#</th><th>claim</th>'
           "<th>verdict</th><th>why</th></tr></thead><tbody>"]
    for i, s in enumerate(report.sections, 1):
        why = s.reason if s.available else f"not available: {s.error}"
        toc.append(f'<tr><td>{i}</td><td><a href="#sec-{escape(s.key)}">{escape(s.title)}</a></td>'
                   f"<td>{_badge(s.verdict)}</td><td>{_text(why)}</td></tr>")
    toc.append("</tbody></table></div>")

    body = [_section_html(i, s, ref_index) for i, s in enumerate(report.sections, 1)]
    foot = ['<footer id="sources"><h3>Sources</h3><ol>']
    foot.extend(f'<li id="ref-{i}">{_link(src)}</li>' for i, src in enumerate(refs, 1))
    foot.append("</ol>")
    foot.append(f"<p>Generated by tokenfab {escape(meta.get('version', ''))} on "
                f"{escape(meta.get('date', ''))} in {report.seconds:.1f} s. Monte Carlo: "
                f"{display.count(meta.get('samples'))} draws, seed {meta.get('seed')}. The tool checks claims; it "
                "does not advertise them: where the models cannot reproduce a claim, the report "
                "says so.</p></footer>")

    title = escape(meta.get("title", "tokenfab report"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tokenfab {escape(meta.get('version', ''))}">
<title>{title}</title><style>{_CSS}</style></head>
<body>
<header class="top"><div class="inner"><h1>{title}</h1>
<p>The claims of the BG2 interview with Jensen Huang (Sept 2025), run through tokenfab's
first-principles models.</p>
<p>tokenfab {escape(meta.get('version', ''))} · {escape(meta.get('date', ''))} ·
{escape(meta.get('catalog', ''))}</p>
<p>scenarios: {escape(meta.get('scenario_dir', ''))} · {escape(tally)}</p></div></header>
<main>
<h2 id="contents">Claims and verdicts</h2>
<p class="turns">Each claim is run through the models on the scenario named in its section.
{_badge(Verdict.SUPPORTED)} the models reproduce it within the tolerance its section states;
{_badge(Verdict.PARTLY)} part of it holds, or it holds only under an assumption the section names;
{_badge(Verdict.NOT_SUPPORTED)} the models do not reproduce it;
{_badge(Verdict.UNAVAILABLE)} the section could not be built (the reason is shown).
Ranges are Monte Carlo p10-p90 over the sourced input ranges.</p>
{''.join(toc)}
{''.join(body)}
{''.join(foot)}
</main></body></html>
"""
