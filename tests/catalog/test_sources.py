"""Every source the package ships (issue 15): never cut with '…', a URL or a paper for every
catalog source, no aggregator or blog standing in for the primary document, and no citation of
the project's background notes (they do not ship; their primary sources are cited instead).

What could not be fixed yet is listed, row by row and with the reason, in ``source_gaps.txt``
beside this file; the test fails on any new problem and on any listed gap that is fixed (so the
list only shrinks: remove the line)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tokenfab.catalog.audit import (
    AGGREGATORS,
    aggregator_domains,
    catalog_keys,
    catalog_sources,
    has_reference,
    problems,
)
from tokenfab.inputs import Derived, FromCatalog, FromHardware

GAPS = Path(__file__).with_name("source_gaps.txt")

INPUT_SETS = [("tokenfab.factory.inputs", "FACTORY_INPUTS"), ("tokenfab.factory.inputs", "SYSTEM_INPUTS"),
              ("tokenfab.demand.inputs", "DEMAND_INPUTS"), ("tokenfab.market.inputs", "MARKET_INPUTS"),
              ("tokenfab.cluster.inputs", "CLUSTER_INPUTS"), ("tokenfab.plan.inputs", "PLAN_INPUTS"),
              ("tokenfab.perf.inputs", "PREDICT_INPUTS")]


def _gaps() -> dict[str, str]:
    """``where -> problem kind`` of the known gaps (``where<TAB>kind<TAB>why``)."""
    out = {}
    for line in GAPS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        where, kind, *_ = line.split("\t")
        out[f"{where}\t{kind}"] = line
    return out


def _kinds(text: str, keys: set[str]) -> list[str]:
    """Problem kinds of a catalog source: ``aggregator:<domain>``, ``no-reference``, ``cut``,
    ``background``."""
    out = [f"aggregator:{d}" for d in aggregator_domains(text)]
    if not has_reference(text, keys):
        out.append("no-reference")
    if "…" in text:
        out.append("cut")
    if any("background notes" in p for p in problems(text, keys)):
        out.append("background")
    return out


def _input_sources() -> list[tuple[str, str]]:
    out = []
    for mod, name in INPUT_SETS:
        for i in getattr(importlib.import_module(mod), name):
            d = i.default
            text = (d.recipe if isinstance(d, Derived) else d.note
                    if isinstance(d, (FromCatalog, FromHardware)) else i.source)
            if text:
                out.append((f"{name}.{i.name}", text))
    return out


def _claim_sources() -> list[tuple[str, str]]:
    from tokenfab.demand.verdicts import DEMAND_CLAIM
    from tokenfab.market.claims import interview_claims
    from tokenfab.plan.analysis import RENT_ALONE_CLAIM
    from tokenfab.plan.verdicts import DOUBLE_EXPONENTIAL_CLAIM

    out = [(c.id, c.source) for c in (DEMAND_CLAIM, RENT_ALONE_CLAIM, DOUBLE_EXPONENTIAL_CLAIM)]
    out += [(f"market.{f.key}", f.source) for f in interview_claims()]
    return out


def test_catalog_sources_have_no_new_problems_and_no_stale_gaps():
    keys = catalog_keys()
    gaps = _gaps()
    found = {f"{w}\t{k}" for w, t in catalog_sources() for k in _kinds(t, keys)}
    new = sorted(found - set(gaps))
    assert not new, ("sources with problems not in tests/catalog/source_gaps.txt (fix the source: "
                     "the primary document's URL, the paper; or, if it truly cannot be, list it "
                     "with why):\n" + "\n".join(new[:40]))
    stale = sorted(set(gaps) - found)
    assert not stale, "fixed gaps still listed in source_gaps.txt (remove them):\n" + "\n".join(stale)


def test_no_source_is_cut_or_cites_the_background_notes():
    """(2) and (4) hold everywhere, with no allowance: catalog, inputs, claims."""
    keys = catalog_keys()
    everything = [*catalog_sources(), *_input_sources(), *_claim_sources()]
    assert len(everything) > 1000
    bad = [(w, p) for w, t in everything for p in problems(t, keys)
           if p.startswith(("cut", "cites the project"))]
    assert not bad, bad[:20]


def test_inputs_and_claims_cite_no_aggregator():
    bad = [(w, d) for w, t in [*_input_sources(), *_claim_sources()] for d in aggregator_domains(t)]
    assert not bad, bad


def test_claims_name_their_document():
    keys = catalog_keys()
    bad = [(w, t) for w, t in _claim_sources() if not has_reference(t, keys)]
    assert not bad, bad


def test_every_gap_says_why():
    for line in _gaps().values():
        parts = line.split("\t")
        assert len(parts) == 3 and len(parts[2].strip()) > 10, line
        if parts[1].startswith("aggregator:"):
            assert parts[1].split(":", 1)[1] in AGGREGATORS, line


@pytest.mark.parametrize(("text", "kinds"), [
    ("https://arxiv.org/abs/2407.21783", []),
    ("Kokolis et al., HPCA 2025", []),
    ("Daly 2006 FGCS 22(3) doi:10.1016/j.future.2004.11.016", []),
    ("catalog pue_ai_liquid_cooled", []),
    ("IMF WEO via exaputra.com", ["aggregator:exaputra.com"]),
    ("Llama 3 paper via https://ai-papers.xuzou.cn/papers/llama3_2024", ["aggregator:ai-papers.xuzou.cn"]),
    ("see shared/background/economics.md sec. 2.3", ["no-reference", "background"]),
    ("[derived]", ["no-reference"]),
    ("Tom's Hardware 20 Mar 2025", ["no-reference"]),
    ("https://example.org/a-very-long-source-cut-here…", ["cut"]),
    ("gpu-specs.ts", ["no-reference"]),  # a file name is not a web address
])
def test_the_checks_can_fail(text, kinds):
    assert _kinds(text, {"pue_ai_liquid_cooled"}) == kinds


def test_report_sources_are_never_cut():
    from tokenfab.report.sections._common import source_from_text

    long = "x " * 400 + "https://example.org/doc"
    s = source_from_text("label", long)
    assert "…" not in s.label and s.label.endswith("https://example.org/doc")
    assert s.url == "https://example.org/doc"
