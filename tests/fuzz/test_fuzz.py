"""The fuzz runs: a derandomized few hundred cases by default, >= 10,000 with ``-m fuzz``.

Every case must end ``ok`` or ``rejected`` (see :data:`tests.fuzz.harness.CLASSES`), except
the known failures listed in ``known_failures.txt`` (each with its reason and a reproducer):
those are expected failures, and an entry whose reproducer no longer fails as listed fails
the test (no stale entries). Knobs (environment): ``TOKENFAB_FUZZ_CASES`` (the long run's
count, 10000), ``TOKENFAB_FUZZ_WORKERS`` (2), ``TOKENFAB_FUZZ_LIMIT_S`` (20),
``TOKENFAB_FUZZ_OUT`` (a folder for ``failures.jsonl`` and ``summary.json``).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from tests.fuzz import harness as H
from tests.fuzz import strategies as S

KNOWN = Path(__file__).with_name("known_failures.txt")
WORKERS = int(os.environ.get("TOKENFAB_FUZZ_WORKERS", "2"))
LIMIT_S = float(os.environ.get("TOKENFAB_FUZZ_LIMIT_S", "20"))

#: the default (CI) run: cases per family, derandomized
CI_CASES = {"cli": 160, "path": 30, "scenario": 40, "catalog": 30, "csv": 20, "api": 30}


def _out_dir() -> Path:
    d = os.environ.get("TOKENFAB_FUZZ_OUT")
    p = Path(d) if d else Path(tempfile.gettempdir()) / "tokenfab-fuzz"
    p.mkdir(parents=True, exist_ok=True)
    return p


def check_against_known(results: list[H.Result], known: list[H.Known],
                        repro: list[H.Result]) -> list[str]:
    """The problems of a run: failures no entry allows, and entries whose reproducer no
    longer fails as listed (stale)."""
    problems = []
    for r in results:
        if r.cls == "hang" and name_is_ci(known):
            continue  # hangs are listed for the long run
        if r.cls not in H.PASS and not any(k.matches(r) for k in known):
            problems.append(f"new {r.cls}: {r.case.label()}\n      {r.why} | "
                            f"{H._tail(r.outcome.stderr or r.outcome.tb, 300)}")
    for k, r in zip(known, repro, strict=True):
        if r.cls != k.cls:
            problems.append(f"stale entry (known_failures.txt:{k.line}, {k.cls}): its "
                            f"reproducer is now {r.cls}: {r.case.label()}")
        elif not k.matches(r):
            problems.append(f"known_failures.txt:{k.line}: the pattern {k.pattern!r} does not "
                            f"match its own reproducer {r.case.label()!r}")
    return problems


def name_is_ci(known: list[H.Known]) -> bool:
    return not any(k.cls == "hang" for k in known)


def run_and_check(cases: list[H.Case], name: str) -> dict[str, object]:
    known = H.load_known(KNOWN)
    if name != "long":  # a hang's reproducer takes the whole limit: checked in the long run
        known = [k for k in known if k.cls != "hang"]
    with H.Pool(workers=WORKERS, limit_s=LIMIT_S) as pool:
        results = pool.run(cases)
        repro = pool.run([k.reproducer for k in known])
    out = _out_dir()
    H.write_jsonl(results + repro, out / f"{name}-failures.jsonl")
    summary = H.summarize(results)
    (out / f"{name}-summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    problems = check_against_known(results, known, repro)
    assert not problems, (f"{len(problems)} problem(s) (cases in {out}):\n  "
                          + "\n  ".join(problems[:40]))
    return summary


def ci_cases() -> list[H.Case]:
    cases: list[H.Case] = []
    for fam, n in CI_CASES.items():
        cases += S.draw_cases(S.FAMILIES[fam](), n)
    return cases


def test_fuzz_ci_sample() -> None:
    """A derandomized few hundred cases over every family: only known failures."""
    cases = ci_cases()
    assert len(cases) >= 200
    summary = run_and_check(cases, "ci")
    classes = summary["classes"]
    assert isinstance(classes, dict)
    assert classes["ok"] > 0 and classes["rejected"] > 0  # the fuzz reaches both


def test_subprocess_sample_agrees_and_leaks_nothing() -> None:
    """A sample through the real console script: the same class as in-process, no leftover
    ``.part`` files, no stray process group."""
    cases = [c for c in ci_cases() if c.origin in ("path", "cli") and "app" not in c.argv][:6]
    cases.append(H.Case(argv=("factory", "--power", "2 GW", "--hardware", "gb200-nvl72",
                              "--json"), origin="cli"))
    with H.Pool(workers=WORKERS, limit_s=LIMIT_S) as pool:
        inproc = pool.run(cases)
    for r in inproc:
        sp, leaks = H.run_subprocess(r.case, limit_s=LIMIT_S * 3)
        assert not leaks, f"{r.case.label()}: left {leaks}"
        assert sp.outcome.rc in (0, 2) or r.cls not in H.PASS, (r.case.label(), sp.outcome)
        if r.cls in H.PASS:
            assert sp.cls == r.cls, (r.case.label(), sp.cls, r.cls, sp.outcome.stderr[-300:])


@pytest.mark.fuzz
def test_fuzz_long_run() -> None:
    """>= 10,000 cases (``TOKENFAB_FUZZ_CASES``): only known failures."""
    n = int(os.environ.get("TOKENFAB_FUZZ_CASES", "10000"))
    cases = long_cases(n)
    assert len(cases) >= n
    run_and_check(cases, "long")


def long_cases(n: int, first_seed: int = 1) -> list[H.Case]:
    """``n`` distinct cases, the families in the proportions of the CI run, drawn from
    successive seeds from ``first_seed`` on until there are enough (the default draws the
    same cases every run; another ``first_seed`` draws fresh ones)."""
    total = sum(CI_CASES.values())
    cases: list[H.Case] = []
    seen: set[str] = set()
    seed = first_seed
    while len(cases) < n and seed < first_seed + 49:
        for fam, share in CI_CASES.items():
            want = max(1, round(n * share / total))
            for c in S.draw_cases(S.FAMILIES[fam](), want, seed=seed):
                k = c.label() + repr(c.files)
                if k not in seen:
                    seen.add(k)
                    cases.append(c)
        seed += 1
    return cases[:n] if len(cases) >= n else cases
