"""The scanner of text for people finds each offence of issue 15 and passes clean text."""

from __future__ import annotations

import pytest

from tests.display.scan import html_text, problems


@pytest.mark.parametrize(("text", "kind"), [
    ("│ revenue per year │ $56.7G │", "money-suffix"),
    ("NPV -$2.1 P", "money-suffix"),
    ("value 391874740506.8567", "float-noise"),
    ("3,794,747.8 tok/s", "float-noise"),
    ("2032: 8.279999999999998e+27 FLOP", "scientific"),
    ("utilization 8.8e-06", "scientific"),
    ("Inference FLOPs 2025→2032: x9.89e+04 (417%/yr)", "scientific"),
    ("Claim ×1e+09 over 7 years", "scientific"),
    ("accelerators 460824", "no-separator"),
    ("Sensitivity of profit_usd_per_year", "snake-case"),
    ("catalog row: profit_usd_per_year", "snake-case"),
    ("Epoch AI lists several m…", "ellipsis"),
    ("priced b...", "ellipsis"),
    ("rental cap binds: True", "boolean"),
    ("Sensitivity of profit usd per year", "field-words"),
])
def test_each_offence_is_found(text, kind):
    assert [p for p in problems(text) if p.startswith(kind)], problems(text)


@pytest.mark.parametrize("text", [
    "revenue per year $56.7B, capex $41.9B, opex $874M, 4.72×10¹⁶ tokens",
    "source: gpu_rents.csv, arXiv:2407.21783, https://example.com/a_b_c?x=1e+5",
    "set it with --set electricity_price=80 or see `cost_of_capital`",
    "Huang, 'a trillion dollars of installed ... will transition'",
    "year 2026, 1,234,567 accelerators, 0.645 $/Mtok, gb200-nvl72, llama3.1-70b",
    "Google 50x (2024-25, catalog google_tokens_per_month_2025_05)",
])
def test_clean_text_passes(text):
    assert problems(text) == []


def test_html_code_is_not_prose():
    page = ("<p>largest effect: <code>profit_usd_per_year</code></p><style>.a_b{}</style>"
            "<p>rental cap binds: False</p>")
    text = html_text(page)
    assert "profit_usd_per_year" not in text
    assert [p.split(":")[0] for p in problems(text)] == ["boolean"]


def test_paths_are_not_prose():
    assert problems("wrote /tmp/pytest-of-root/report_pages0/index.html (1.8 MB)") == []
