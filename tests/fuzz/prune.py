"""Maintenance: delete the allow-list entries of ``known_failures.txt`` that a fix made stale.

    python -m tests.fuzz.prune          # runs every reproducer; rewrites the file

An entry whose reproducer now ends ``ok`` or ``rejected`` is deleted together with the
comment block above it (when no other entry shares that block). An entry whose reproducer now
fails in another class is kept and printed: it needs a person to re-classify it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.fuzz import harness as H

KNOWN = Path(__file__).with_name("known_failures.txt")


def main() -> int:
    known = [k for k in H.load_known(KNOWN) if k.cls != "hang"]
    limit = float(os.environ.get("TOKENFAB_FUZZ_LIMIT_S", "20"))
    with H.Pool(workers=int(os.environ.get("TOKENFAB_FUZZ_WORKERS", "2")), limit_s=limit) as pool:
        repro = pool.run([k.reproducer for k in known])
    fixed = {k.line for k, r in zip(known, repro, strict=True) if r.cls in H.PASS}
    moved = [(k, r) for k, r in zip(known, repro, strict=True)
             if r.cls not in H.PASS and r.cls != k.cls]
    lines = KNOWN.read_text(encoding="utf-8").splitlines()
    # groups: the comment lines above a run of entries, and those entries (with line numbers)
    groups: list[tuple[list[str], list[tuple[int, str]]]] = [([], [])]
    for n, line in enumerate(lines, start=1):
        is_entry = bool(line.strip()) and not line.startswith("#")
        if not is_entry and groups[-1][1]:
            groups.append(([], []))
        (groups[-1][1].append((n, line)) if is_entry else groups[-1][0].append(line))
    out: list[str] = []
    for comments, entries in groups:
        left = [line for n, line in entries if n not in fixed]
        if entries and not left:
            continue  # every entry of the block is fixed: its explanation goes too
        out += comments + left
    text = "\n".join(out)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    KNOWN.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    print(f"deleted {len(fixed)} fixed entr(y/ies)")
    for k, r in moved:
        print(f"line {k.line}: listed {k.cls}, now {r.cls}: {r.case.label()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
