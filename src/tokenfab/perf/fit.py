"""Fit the shipped software-era table from the public validation files.

``python -m tokenfab.perf.fit`` sweeps every row of ``validation/public/*.csv`` (copies of the
shared MLPerf files) and ``validation/measured_extra.csv`` once, fits
:func:`tokenfab.perf.validate.fit_cases` (MLPerf rows only) and writes
``src/tokenfab/perf/data/era_fit.json``; ``--check`` only compares the fit with the shipped
file (a test runs it). Cross-validation (``tokenfab validate --cv``) never reads the shipped
file: it refits on each training fold.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tokenfab.perf.era import ERA_FILE, EraFit, load_era
from tokenfab.perf.validate import fit_cases, prepare

__all__ = ["PUBLIC_FILES", "fit_public", "main"]

_ROOT = Path(__file__).resolve().parents[3]
#: the files the shipped table is fitted on (repository paths)
PUBLIC_FILES = (_ROOT / "validation" / "public" / "measured_inference.csv",
                _ROOT / "validation" / "public" / "mlperf_v6_0.csv",
                _ROOT / "validation" / "measured_extra.csv")


def fit_public(files: tuple[Path, ...] = PUBLIC_FILES) -> EraFit:
    """The era fit on every public file (MLPerf rows)."""
    cases, _ = prepare(list(files))
    names = ", ".join(p.name for p in files)
    return fit_cases(cases, source=f"tokenfab.perf.fit on the MLPerf rows of {names}")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    fit = fit_public()
    text = json.dumps(fit.to_dict(), indent=2, sort_keys=True) + "\n"
    if "--check" in args:
        shipped = load_era(ERA_FILE)
        same = json.dumps(shipped.to_dict(), indent=2, sort_keys=True) + "\n" == text
        print("shipped era fit is current" if same else "shipped era fit is STALE: rerun "
              "python -m tokenfab.perf.fit")
        return 0 if same else 1
    ERA_FILE.parent.mkdir(parents=True, exist_ok=True)
    ERA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {ERA_FILE}")
    for fam, t in sorted(fit.families.items()):
        print(f"  {fam:10s} speed at its latest era {fit.speed(fam):.3f} "
              f"(a={t.a:+.3f}, b={t.b:+.3f}/yr, {t.n} rows, sigma {t.sigma:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
