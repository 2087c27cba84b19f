"""Golden outputs: every case of ``scripts/golden.py`` rerun and compared with ``tests/golden``.

Each ``tests/golden/<name>.json`` holds ``{"argv": [...], "output": ...}``. The test reruns
``tokenfab *argv`` (a subprocess from the repository root, exactly as the script ran it) and
compares the JSON recursively: numbers within rel 1e-9 / abs 1e-12 (an int and a float of the
same value are equal; a bool is not a number), strings, bools, nulls and keys exactly, list
lengths exactly. Every difference is reported at once as ``path: old -> new``.

Intended differences are listed in ``tests/golden/CHANGES.toml``::

    [[change]]
    case = "factory_free_asic"          # golden file name without .json
    path = "results.payback_years"      # '*' (or '[*]') matches one level; a prefix covers
    reason = "why this changed"         # everything beneath it; "" covers the whole output

A removed or changed value needs an entry; a key only present in the new output is allowed and
reported as a warning. An entry that matches no difference fails the test (stale allowance).
See tests/golden/README.md.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import tomllib
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = ROOT / "tests" / "golden"
CHANGES_FILE = GOLDEN_DIR / "CHANGES.toml"
SCENARIO_DIR = ROOT / "scenarios" / "interview"
REL_TOL, ABS_TOL = 1e-9, 1e-12
#: scenario sections that a CLI command of the same name reads
SECTION_COMMANDS = ("factory", "demand", "market", "cluster", "plan", "predict")


def _load_script():
    spec = importlib.util.spec_from_file_location("tokenfab_golden_script",
                                                  ROOT / "scripts" / "golden.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


golden = _load_script()
GOLDEN_FILES = sorted(GOLDEN_DIR.glob("*.json"))


# ---------------------------------------------------------------------------------------------
# paths and patterns


class _Wild:
    def __repr__(self) -> str:
        return "*"


WILD = _Wild()
_BARE_KEY = re.compile(r"[^.\[\]\"*\s]+")


def fmt_path(path: tuple) -> str:
    """``("years", 1, "gw")`` -> ``years[1].gw``; odd keys are quoted: ``["a.b"]``."""
    out = ""
    for seg in path:
        if isinstance(seg, int):
            out += f"[{seg}]"
        elif _BARE_KEY.fullmatch(seg):
            out += f".{seg}" if out else seg
        else:
            out += f"[{json.dumps(seg)}]"
    return out or "<root>"


_TOKEN = re.compile(r'\.?(?:(\*)|([^.\[\]"*\s]+))|\[(?:(\*)|(\d+)|("(?:[^"\\]|\\.)*"))\]')


def parse_pattern(text: str) -> tuple:
    """Inverse of :func:`fmt_path`, plus ``*`` / ``[*]`` for any one level; "" is the root."""
    segs: list = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise ValueError(f"bad path {text!r} at character {pos}")
        star, key, istar, idx, quoted = m.groups()
        # a key or '*' takes a leading '.' except first; '[...]' never does
        if (star or key is not None) and (text[pos] == ".") != (pos > 0):
            raise ValueError(f"bad path {text!r} at character {pos}")
        if star or istar:
            segs.append(WILD)
        elif key is not None:
            segs.append(key)
        elif idx is not None:
            segs.append(int(idx))
        else:
            segs.append(json.loads(quoted))
        pos = m.end()
    return tuple(segs)


def pattern_matches(pattern: tuple, path: tuple) -> bool:
    """True if ``pattern`` equals ``path`` or a prefix of it (``WILD`` = any one segment)."""
    if len(pattern) > len(path):
        return False
    return all(p is WILD or (type(p) is type(s) and p == s) for p, s in zip(pattern, path, strict=False))


# ---------------------------------------------------------------------------------------------
# recursive comparison


@dataclass(frozen=True)
class Diff:
    path: tuple
    kind: str  # "changed" | "type" | "removed" | "added" | "length"
    old: object = None
    new: object = None

    def describe(self) -> str:
        p = fmt_path(self.path)
        if self.kind == "removed":
            return f"{p}: removed (was {_short(self.old)})"
        if self.kind == "added":
            return f"{p}: added (now {_short(self.new)})"
        if self.kind == "length":
            return f"{p}: list length {self.old} -> {self.new}"
        extra = ""
        if _is_number(self.old) and _is_number(self.new) and self.old != 0:
            extra = f"  (rel {(self.new - self.old) / abs(self.old):+.3g})"
        return f"{p}: {_short(self.old)} -> {_short(self.new)}{extra}"


def _short(v: object, limit: int = 160) -> str:
    s = json.dumps(v, sort_keys=True, ensure_ascii=False)
    return s if len(s) <= limit else s[: limit - 3] + "..."


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def compare(old: object, new: object, path: tuple = ()) -> list[Diff]:
    """Every difference between two JSON values, depth first, keys in sorted order."""
    if _is_number(old) and _is_number(new):
        if math.isclose(old, new, rel_tol=REL_TOL, abs_tol=ABS_TOL):
            return []
        return [Diff(path, "changed", old, new)]
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[Diff] = []
        for k in sorted(old.keys() | new.keys()):
            if k not in new:
                out.append(Diff((*path, k), "removed", old=old[k]))
            elif k not in old:
                out.append(Diff((*path, k), "added", new=new[k]))
            else:
                out += compare(old[k], new[k], (*path, k))
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = [] if len(old) == len(new) else [Diff(path, "length", len(old), len(new))]
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            out += compare(a, b, (*path, i))
        return out
    same_kind = type(old) is type(new) or (_is_number(old) and _is_number(new))
    if same_kind and old == new:
        return []
    return [Diff(path, "changed" if same_kind else "type", old, new)]


# ---------------------------------------------------------------------------------------------
# CHANGES.toml


@dataclass(frozen=True)
class Change:
    case: str
    path: str
    reason: str
    pattern: tuple
    #: match the path itself only (e.g. a list's length), not everything beneath it
    exact: bool = False

    def matches(self, path: tuple) -> bool:
        if self.exact:
            return len(self.pattern) == len(path) and pattern_matches(self.pattern, path)
        return pattern_matches(self.pattern, path)

    def describe(self) -> str:
        return f"case={self.case!r} path={self.path!r} ({self.reason})"


def load_changes(text: str | None = None) -> list[Change]:
    """The entries of CHANGES.toml (or of ``text``), checked: case, path, reason; nothing else."""
    if text is None:
        text = CHANGES_FILE.read_text(encoding="utf-8") if CHANGES_FILE.exists() else ""
    data = tomllib.loads(text)
    extra = set(data) - {"change"}
    if extra:
        raise ValueError(f"CHANGES.toml: unknown top-level key(s) {sorted(extra)}; "
                         "use [[change]] tables")
    out = []
    for i, entry in enumerate(data.get("change", [])):
        where = f"CHANGES.toml [[change]] #{i + 1}"
        if not {"case", "path", "reason"} <= set(entry) <= {"case", "path", "reason", "exact"}:
            raise ValueError(f"{where}: needs the keys case, path, reason (and optionally "
                             f"exact); got {sorted(entry)}")
        exact = entry.pop("exact", False)
        if not isinstance(exact, bool):
            raise ValueError(f"{where}: exact is true or false")
        if not all(isinstance(entry[k], str) for k in entry) or not entry["reason"].strip():
            raise ValueError(f"{where}: case, path and reason are strings, reason not empty")
        out.append(Change(entry["case"], entry["path"], entry["reason"],
                          parse_pattern(entry["path"]), exact))
    return out


def check_case(case: str, old: object, new: object,
               changes: list[Change]) -> tuple[list[str], list[str]]:
    """(errors, warnings) of one case: unlisted differences, stale entries; added keys."""
    mine = [c for c in changes if c.case == case]
    used: set[int] = set()
    unexplained: list[Diff] = []
    added: list[Diff] = []
    for d in compare(old, new):
        hits = [i for i, c in enumerate(mine) if c.matches(d.path)]
        used.update(hits)
        if hits:
            continue
        (added if d.kind == "added" else unexplained).append(d)
    errors = []
    if unexplained:
        errors.append(f"{len(unexplained)} difference(s) from tests/golden/{case}.json not listed "
                      "in tests/golden/CHANGES.toml (path: old -> new):")
        errors += [f"  {d.describe()}" for d in unexplained]
    stale = [c for i, c in enumerate(mine) if i not in used]
    if stale:
        errors.append(f"{len(stale)} stale CHANGES.toml entr(y/ies) matching no difference "
                      "(remove them, or regenerate the golden file if the change is done):")
        errors += [f"  {c.describe()}" for c in stale]
    notes = [f"{case}: key added (not in golden): {d.describe()}" for d in added]
    return errors, notes


# ---------------------------------------------------------------------------------------------
# the golden cases


@pytest.mark.parametrize("golden_file", GOLDEN_FILES, ids=[p.stem for p in GOLDEN_FILES])
def test_golden_output_unchanged(golden_file: Path):
    stored = json.loads(golden_file.read_text(encoding="utf-8"))
    new = golden.run_case(stored["argv"])
    errors, notes = check_case(golden_file.stem, stored["output"], new, load_changes())
    for note in notes:
        warnings.warn(note, stacklevel=1)
    assert not errors, f"tokenfab {' '.join(stored['argv'])}\n" + "\n".join(errors)


def test_golden_files_match_cases():
    """Every case has a golden file with the same argv, and every golden file has a case."""
    assert GOLDEN_FILES, "no golden files: run `python scripts/golden.py`"
    cases = dict(golden.CASES)
    assert len(cases) == len(golden.CASES), "duplicate case names in scripts/golden.py"
    stored = {p.stem: json.loads(p.read_text(encoding="utf-8"))["argv"] for p in GOLDEN_FILES}
    problems = [f"case {n!r} has no tests/golden/{n}.json" for n in cases if n not in stored]
    problems += [f"tests/golden/{n}.json has no case in scripts/golden.py" for n in stored
                 if n not in cases]
    problems += [f"{n}: argv in scripts/golden.py {cases[n]} != stored {stored[n]}"
                 for n in cases if n in stored and cases[n] != stored[n]]
    assert not problems, "regenerate with `python scripts/golden.py NAME`:\n" + "\n".join(problems)


def test_changes_file_is_valid():
    changes = load_changes()
    names = {p.stem for p in GOLDEN_FILES}
    unknown = [c.describe() for c in changes if c.case not in names]
    assert not unknown, "CHANGES.toml entries for cases with no golden file:\n" + "\n".join(unknown)


def test_every_shipped_scenario_is_covered():
    """A scenario file with a [factory]/[demand]/... section is run by a case of that command."""
    missing = []
    for f in sorted(SCENARIO_DIR.glob("*.toml")):
        rel = f.relative_to(ROOT).as_posix()
        sections = tomllib.loads(f.read_text(encoding="utf-8")).keys() & set(SECTION_COMMANDS)
        for section in sorted(sections):
            if not any(argv[0] == section and rel in argv for _, argv in golden.CASES):
                missing.append(f"{rel} [{section}]")
    assert not missing, "scenarios with no golden case in scripts/golden.py:\n" + "\n".join(missing)


# ---------------------------------------------------------------------------------------------
# the comparison itself (fast, no CLI)


def test_compare_tolerance_and_types():
    assert compare({"a": 1.0}, {"a": 1.0 + 1e-12}) == []
    assert compare({"a": 1}, {"a": 1.0}) == []
    assert compare({"a": 0.0}, {"a": 1e-13}) == []
    assert [d.kind for d in compare({"a": 1.0}, {"a": 1.0 + 1e-8})] == ["changed"]
    assert [d.kind for d in compare({"a": True}, {"a": 1})] == ["type"]
    assert [d.kind for d in compare({"a": None}, {"a": 0})] == ["type"]
    assert [d.kind for d in compare({"a": "x"}, {"a": "X"})] == ["changed"]


def test_compare_reports_every_path():
    old = {"r": {"x": 1.0, "y": [1, 2, 3], "gone": {"deep": 1}}, "s": "a"}
    new = {"r": {"x": 2.0, "y": [1, 5], "new": 0}, "s": "b"}
    got = {(fmt_path(d.path), d.kind) for d in compare(old, new)}
    assert got == {("r.x", "changed"), ("r.y", "length"), ("r.y[1]", "changed"),
                   ("r.gone", "removed"), ("r.new", "added"), ("s", "changed")}


def test_paths_round_trip():
    for path in [("a", 0, "b"), (3,), ("llama3.1-70b", "x"), ("a b",), ()]:
        assert parse_pattern(fmt_path(path) if path else "") == path
    assert parse_pattern("years[*].gw") == ("years", WILD, "gw")
    assert parse_pattern("*.gw") == (WILD, "gw")
    for bad in ["a..b", ".a", "a.", "a*", "a[x]", "a[1"]:
        with pytest.raises(ValueError):
            parse_pattern(bad)


def test_check_case_allowances():
    old = {"results": {"payback_years": 3.0, "npv": 1.0}, "rows": [{"gw": 1.0}, {"gw": 2.0}]}
    new = {"results": {"payback_years": 4.0, "npv": 1.0, "irr": 0.1},
           "rows": [{"gw": 1.5}, {"gw": 2.5}]}
    entry = 'case = "c"\nreason = "r"\npath = '

    def run(*paths: str):
        text = "".join(f'[[change]]\n{entry}"{p}"\n' for p in paths)
        return check_case("c", old, new, load_changes(text))

    errors, notes = run()
    assert len(errors) == 4 and "results.payback_years: 3.0 -> 4.0" in errors[1]
    assert notes and "results.irr" in notes[0]
    assert run("results.payback_years", "rows[*].gw") == ([], notes)
    assert run("results", "rows") == ([], [])  # a prefix covers added keys too
    errors, _ = run("results.payback_years", "rows", "results.npv")
    assert errors and "stale" in errors[0] and "results.npv" in errors[1]
    with pytest.raises(ValueError):
        load_changes('[[change]]\ncase = "c"\npath = "x"\n')  # no reason
