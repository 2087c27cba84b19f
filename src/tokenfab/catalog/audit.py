"""Audit of the catalog's sources: what a source must be, and every source the catalog ships.

A source (issue 15) is never cut with "…"; it names a URL or a paper (arXiv id, DOI, a venue),
or a catalog row (``catalog <key>``, whose own source is audited); it points to the primary
document, not a news aggregator, a mirror or a blog quoting it (:data:`AGGREGATORS`); and it
never cites the project's background notes, which do not ship with the package (they are cited
by their own primary sources instead).

:func:`catalog_sources` lists every source text of ``catalog/data/*.csv`` with where it is
(``file:row:column``); :func:`problems` says what is wrong with one. The test suite runs both
over the catalog, the models' declared inputs and the claims (``tests/catalog/test_sources.py``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

__all__ = [
    "AGGREGATORS",
    "aggregator_domains",
    "catalog_sources",
    "has_reference",
    "problems",
]

_DATA = Path(__file__).with_name("data")

#: domains that relay a primary document instead of being it: news aggregators and reposts,
#: mirrors and proxies of papers or blogs, SEO content farms, and blogs summarising a paper
#: or a filing. A source on one of them is replaced by the document it quotes (the paper,
#: the filing, the vendor page); what could not be replaced yet is listed, with why, in
#: ``tests/catalog/source_gaps.txt``.
AGGREGATORS: frozenset[str] = frozenset({
    # mirrors / proxies / paper-summary sites
    "vuink.com", "huggingface.erdda.com", "ai-papers.xuzou.cn", "study.space", "catalyzex.com",
    "sciencestack.ai", "probsee.com", "threadreaderapp.com", "greaterwrong.com", "paper-digest.app",
    "unanswered.io", "agentwiki.org",
    # blogs summarising a paper or a report
    "glennklockwood.com", "micahlerner.com", "wuql20.bearblog.dev", "panilya.github.io", "byteblock.blog",
    "lzwjava.github.io", "kshirol-dev.github.io", "regantih.github.io", "climateerinvest.blogspot.com",
    "convergedigest.blogspot.com",
    # news aggregators, reposts and content farms quoting filings, calls or analysts
    "exaputra.com", "intelligentenergyshift.com", "maaal.com", "en.maaal.com", "alphabiz.co.kr",
    "statistico.com", "energynews.pro", "wionews.com", "nextbigfuture.com", "the-decoder.com",
    "aiforautomation.io", "investing.com", "ng.investing.com", "ainvest.com", "reportify.ai",
    "thedailyscout.com", "briefbriefing.com", "awesomeagents.ai", "techstories.co", "gate.com",
    "blogerroom.com", "faq.com.tw", "the7.net", "pulse.bot", "epium.com", "apetops-us.com",
    "aigazine.com", "ic-components.com", "gnhosting.com", "futurum.media", "lighthousedata.io",
    "feedmygreed.com", "fetchlogic.com", "bgr.com", "findarticles.com", "webpronews.com",
    "oilmarketcap.com", "particle.news", "hyper.ai", "protechbro.com", "tengele.com",
    "world-today-news.com", "occlub.ru", "mirrorfrog.com", "megaobzor.com", "lephongphu.site",
    "usdaed.com", "buzzbytech.com", "cointeeth.com", "xugj520.cn", "kontronn.com",
    "petronellatech.com", "iaqaba.com", "nukta.com", "gulfdays.net", "kfyze.com",
    "troy-technical.com", "rillor.com", "tekdeeps.com", "factryze.ai", "thebeat.tech",
    "getcoai.com", "voice.lapaas.com", "supercluster.blog", "irfiu.info", "pbxscience.com",
    "ideas.energy", "lowdown.today", "datasetsearch.research.google.com", "calendar-australia.com",
})

#: the project's background notes and working files: they do not ship, so the package cites
#: their primary sources instead
_BACKGROUND = re.compile(r"shared/(?:background|data|validation)|background note|research notes?\b"
                         r"|economics_assumptions|tokenfab catalog \w+\.csv"
                         r"|\b(?:economics|cluster|peers|aesthetics)\.md\b", re.I)
_URL = re.compile(r"https?://[^\s;,)\"'>]+", re.I)
_BARE_DOMAIN = re.compile(r"(?<![\w@/.-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[/\s;,)]|$)", re.I)
_PAPER = re.compile(r"arXiv[: ]?\d{4}\.\d{4,5}|\bdoi[: ]|10\.\d{4,9}/\S+|\bet al\.|"
                    r"\b(?:SOSP|OSDI|NSDI|SIGCOMM|HPCA|ISCA|MICRO|ASPLOS|CACM|FGCS|NeurIPS|ICML|"
                    r"ICLR|MLSys|EuroSys|ATC|SC\d\d)\b", re.I)
_CATALOG_REF = re.compile(r"\bcatalog ([A-Za-z0-9_.-]+)")
_FILE_DOMAINS = {"ts", "py", "md", "csv", "toml", "json", "html", "yaml", "txt", "pdf", "h"}


def _domain(host: str) -> str:
    host = host.lower().split(":")[0]
    return host[4:] if host.startswith("www.") else host


def aggregator_domains(text: str) -> list[str]:
    """The :data:`AGGREGATORS` a source text links to or names (``via exaputra.com``)."""
    found = []
    hosts = [_domain(re.sub(r"^https?://", "", u).split("/")[0]) for u in _URL.findall(text)]
    hosts += [_domain(m) for m in _BARE_DOMAIN.findall(_URL.sub(" ", text))]
    for h in hosts:
        for agg in AGGREGATORS:
            if (h == agg or h.endswith("." + agg)) and agg not in found:
                found.append(agg)
    return found


def has_reference(text: str, catalog_keys: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether a source names a document: a URL, a web address, a paper (arXiv, DOI, et al.,
    a venue), or a catalog row (``catalog <key>``) whose own source is audited."""
    if _URL.search(text) or _PAPER.search(text):
        return True
    for d in _BARE_DOMAIN.findall(text):
        if d.rsplit(".", 1)[-1].lower() not in _FILE_DOMAINS:
            return True
    return any(m.rstrip(".,;") in catalog_keys or m.split(".")[0] in catalog_keys
               for m in _CATALOG_REF.findall(text))


def problems(text: str, catalog_keys: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """What is wrong with one source text (empty: nothing)."""
    out = []
    if "…" in text:
        out.append("cut with '…'")
    if _BACKGROUND.search(text):
        out.append("cites the project's background notes or working files, which do not ship; "
                   "cite their primary sources")
    for d in aggregator_domains(text):
        out.append(f"cites an aggregator ({d}) instead of the primary document")
    if not has_reference(text, catalog_keys):
        out.append("names no URL, paper or catalog row")
    return out


#: columns that hold sources, per table (``*_source`` columns of countries.csv too)
_SOURCE_COLUMNS = ("source",)


def catalog_sources(data_dir: str | Path | None = None) -> Iterator[tuple[str, str]]:
    """``(where, text)`` for every source of the shipped catalog tables: ``where`` is
    ``file:row:column`` (row = the table's key, id or code; ``id.field`` in ``*_sources.csv``)."""
    root = Path(data_dir) if data_dir else _DATA
    for f in sorted(root.glob("*.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            for i, r in enumerate(csv.DictReader(fh)):
                row = (r.get("key") or (f"{r['id']}.{r['field']}" if r.get("field") and r.get("id")
                                        else None) or r.get("id") or r.get("code")
                       or "/".join(x for x in (r.get("accelerator") or r.get("model"),
                                               r.get("contract") or r.get("provider"),
                                               r.get("date")) if x) or str(i))
                for col, text in r.items():
                    if not col or not text or not text.strip():
                        continue
                    if col in _SOURCE_COLUMNS or col.endswith("_source"):
                        yield f"{f.name}:{row}:{col}", text.strip()


def catalog_keys(data_dir: str | Path | None = None) -> set[str]:
    """Keys of the assumption tables and ids of accelerators and models (``catalog <key>``)."""
    root = Path(data_dir) if data_dir else _DATA
    keys: set[str] = set()
    for name in ("economics.csv", "cluster.csv", "capex.csv", "accelerators.csv", "models.csv"):
        with (root / name).open(newline="", encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                k = r.get("key") or r.get("id")
                if k:
                    keys.add(k)
    return keys
