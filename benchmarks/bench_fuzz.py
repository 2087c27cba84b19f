"""The long fuzz run: >= 10,000 adversarial cases through the CLI and the Python API.

Runs the harness of ``tests/fuzz`` directly (the same cases as ``pytest -m fuzz``) and prints
the counts per class, per command, the distinct failure signatures (each with a reproducer,
and whether ``tests/fuzz/known_failures.txt`` lists it) and the slowest cases. Writes
``failures.jsonl`` (one failing case a line: argv, class, message tail) and ``summary.json``
into ``--out``.

    python benchmarks/bench_fuzz.py                 # 10,000 cases, 2 workers, 20 s a case
    python benchmarks/bench_fuzz.py --cases 500 --out /tmp/fuzz
    python benchmarks/bench_fuzz.py --first-seed 1000   # 10,000 fresh cases
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fuzz import harness as H  # noqa: E402
from tests.fuzz import test_fuzz as T  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--limit-s", type=float, default=20.0, help="wall-clock limit per case")
    ap.add_argument("--mem-mb", type=int, default=3072, help="address-space limit per worker")
    ap.add_argument("--out", type=Path, default=Path("fuzz-out"))
    ap.add_argument("--first-seed", type=int, default=1,
                    help="first hypothesis seed (default 1: the same cases every run; another "
                         "value draws fresh cases)")
    a = ap.parse_args(argv)
    a.out.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    cases = T.long_cases(a.cases, a.first_seed)
    t_draw = time.perf_counter() - t0
    known = H.load_known(T.KNOWN)

    def progress(done: int, total: int) -> None:
        if done % 500 == 0 or done == total:
            el = time.perf_counter() - t1
            print(f"  {done}/{total} cases, {el:.0f} s", file=sys.stderr, flush=True)

    t1 = time.perf_counter()
    with H.Pool(workers=a.workers, limit_s=a.limit_s, mem_mb=a.mem_mb) as pool:
        results = pool.run(cases, progress)
    t_run = time.perf_counter() - t1

    n_fail = H.write_jsonl(results, a.out / "failures.jsonl")
    s = H.summarize(results)
    (a.out / "summary.json").write_text(json.dumps(s, indent=2), encoding="utf-8")

    print(f"# tokenfab fuzz: {len(results)} cases ({len(cases)} drawn in {t_draw:.0f} s from "
          f"seed {a.first_seed}), "
          f"{a.workers} workers, {a.limit_s:g} s limit, {t_run:.0f} s\n")
    print("| class | cases |\n|---|---:|")
    for c, n in s["classes"].items():
        print(f"| {c} | {n} |")
    print("\n| command | cases | " + " | ".join(H.CLASSES) + " |")
    print("|---|---:|" + "---:|" * len(H.CLASSES))
    for cmd, counts in s["commands"].items():
        print(f"| {cmd} | {sum(counts.values())} | "
              + " | ".join(str(counts.get(c, 0)) for c in H.CLASSES) + " |")
    by_sig = {r.signature: r for r in results if r.cls not in H.PASS}
    print(f"\n## {len(s['signatures'])} distinct failure signatures ({n_fail} failing cases)\n")
    for g in s["signatures"]:
        r = by_sig[g["signature"]]
        listed = any(k.matches(r) for k in known)
        print(f"- {g['count']:5d}  {g['signature']}  [{'known' if listed else 'NEW'}]\n"
              f"         e.g. {g['example'][:220]}")
    print("\n## slowest cases\n")
    for x in s["slowest"]:
        print(f"- {x['seconds']:6.2f} s  {x['class']:10s} {x['case'][:160]}")
    print(f"\nfailures: {a.out / 'failures.jsonl'}; summary: {a.out / 'summary.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
