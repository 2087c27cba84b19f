"""The scanner of text people read: CLI tables and prose, report pages, app pages.

:func:`problems` returns one line per offence (``kind: excerpt``) in a text; :func:`html_text`
turns an HTML page into the text a reader sees (code, scripts, styles and link targets left out:
``<code>`` may hold field names and flags). What counts as an offence (issue 15, "analyst-grade
pages"):

* ``money-suffix``: money with an SI ``G`` or ``P`` (``$56.7G``): money reads ``$56.7B``;
* ``float-noise``: a decimal number with 7 or more significant digits (``391874740506.8567``);
* ``scientific``: ``e+27`` / ``e-05`` notation (people read ``8.28×10²⁷``);
* ``no-separator``: a whole number of 5+ digits without thousands separators (``460824``);
* ``snake-case``: a field name (``profit_usd_per_year``) instead of words; file names
  (``gpu_rents.csv``), a source citing a catalog row (``catalog google_tokens_per_month``,
  the row's key, like a file name), ``--set name=value`` hints and quoted/backticked code are
  allowed;
* ``ellipsis``: a title, metric or source cut with ``…``;
* ``boolean``: ``True`` / ``False`` instead of words;
* ``field-words``: a field name with spaces for underscores (``profit usd per year``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_URL = re.compile(r"(?:https?://|www\.)\S+|\barXiv[: ]\d{4}\.\d{4,5}(?:v\d+)?")
_PATH = re.compile(r"(?<![\w/])/(?:[\w.-]+/)+[\w.-]*")  # file system paths: /tmp/x_y/index.html
_FILE = re.compile(r"\b[\w.-]+\.(?:csv|toml|json|py|md|png|svg|pdf|html|txt)\b")
_QUOTED = re.compile(r"`[^`\n]*`|'[^'\n]*'|\"[^\"\n]*\"")
_SET = re.compile(r"--[a-z][\w-]*(?:[ =]+[a-z]\w*(?:=\S*)?)?")
_CATREF = re.compile(r"\bcatalog [a-z]\w*")  # a source citing a catalog row by its key
_DOTTED = re.compile(r"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\(\))?")  # module paths: tokenfab.x.y

CHECKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("money-suffix", re.compile(r"-?\$\s?-?\d[\d,]*(?:\.\d+)?\s?[GP](?![a-zA-Z])")),
    ("float-noise", re.compile(r"(?<![\w.,])\d[\d,]*\.\d+")),  # filtered by digit count below
    ("scientific", re.compile(r"(?:(?<![\w.])|(?<=[x×]))\d+(?:\.\d+)?[eE][+-]?\d+(?![\w])")),
    ("no-separator", re.compile(r"(?<![\w.,/:#-])\d{5,}(?![\w.,]|-\d)")),
    ("snake-case", re.compile(r"(?<![\w.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w.(-])")),
    # a cut ends in "…" or a word glued to "..." ("priced b..."); " ... " elides a quotation
    ("ellipsis", re.compile(r"…|(?<=\w)\.\.\.(?!\.)")),
    ("boolean", re.compile(r"\b(?:True|False)\b")),
    # a field name with its underscores replaced by spaces ("Sensitivity of profit usd per year")
    ("field-words", re.compile(r"(?<![\w/.-])usd(?![\w/.-])")),
)


def _significant(number: str) -> int:
    return len(number.replace(",", "").replace(".", "").lstrip("0"))


def problems(text: str) -> list[str]:
    """Every offence in ``text`` as ``'kind: …context…'`` (empty when the text reads clean)."""
    out: list[str] = []
    for line in text.splitlines():
        clean = _PATH.sub(" ", _URL.sub(" ", line))
        clean = _FILE.sub(" ", clean)
        clean = _SET.sub(" ", clean)
        for kind, pat in CHECKS:
            target = clean
            if kind == "snake-case":
                target = _CATREF.sub(" ", _DOTTED.sub(" ", _QUOTED.sub(" ", clean)))
            for m in pat.finditer(target):
                if kind == "float-noise" and _significant(m.group()) < 7:
                    continue
                a, b = max(0, m.start() - 40), m.end() + 40
                out.append(f"{kind}: {m.group()!r} in {target[a:b].strip()!r}")
    return out


class _Visible(HTMLParser):
    SKIP = {"code", "script", "style", "pre", "kbd", "samp", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.depth += 1
        elif tag in ("p", "div", "tr", "li", "br", "h1", "h2", "h3", "h4", "table",
                     "section", "caption", "figcaption", "td", "th", "dt", "dd", "summary"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def html_text(page: str) -> str:
    """The text a reader of ``page`` sees, one block per line (code and scripts left out)."""
    p = _Visible()
    p.feed(page)
    return re.sub(r"[ \t]+", " ", "".join(p.parts))
