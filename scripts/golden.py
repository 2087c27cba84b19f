#!/usr/bin/env python3
"""Freeze today's behaviour: run every modelling CLI command with ``--json`` and store the output.

Each case below is ``(name, argv)``; ``argv`` is what follows ``tokenfab`` on the command line.
Its output is written to ``tests/golden/<name>.json`` as ``{"argv": [...], "output": ...}``
(pretty-printed, sorted keys) and ``tests/test_golden.py`` reruns the stored argv and compares.
Paths in argv are relative to the repository root (the commands run there), so the golden files
do not depend on where the checkout lives.

    python scripts/golden.py                 # regenerate every case
    python scripts/golden.py NAME [NAME ...] # regenerate only these cases
    python scripts/golden.py --list          # print the cases

Regenerate only after listing every intended difference in tests/golden/CHANGES.toml and in the
commit message (see tests/golden/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

S = "scenarios/interview"

#: (name, argv after ``tokenfab``). Add a case here, then run ``python scripts/golden.py NAME``.
#: Scenario files run with their own [section] settings (samples, seed) so the golden output is
#: what the shipped scenario produces; flag-only cases with sampling keep --samples small.
CASES: list[tuple[str, list[str]]] = [
    # factory: every scenario with a [factory] section, then flag-only runs
    ("factory_blackwell_30x_revenue", ["factory", f"{S}/blackwell_30x_revenue.toml", "--json"]),
    ("factory_free_asic", ["factory", f"{S}/free_asic.toml", "--json"]),
    ("factory_perf_per_watt_2x", ["factory", f"{S}/perf_per_watt_2x.toml", "--json"]),
    ("factory_two_gw_factory", ["factory", f"{S}/two_gw_factory.toml", "--json"]),
    ("factory_flags_b200_llama70b",
     ["factory", "--power", "1GW", "--hardware", "b200", "--model", "llama3.1-70b",
      "--interactivity", "50", "--json"]),
    ("factory_flags_b200_llama70b_vs_h100",
     ["factory", "--power", "1GW", "--hardware", "b200", "--model", "llama3.1-70b",
      "--interactivity", "50", "--vs", "h100-sxm", "--json"]),
    ("factory_flags_b200_llama70b_samples2000",
     ["factory", "--power", "1GW", "--hardware", "b200", "--model", "llama3.1-70b",
      "--interactivity", "50", "--samples", "2000", "--json"]),
    # demand
    ("demand_three_scaling_laws", ["demand", f"{S}/three_scaling_laws.toml", "--json"]),
    ("demand_fit", ["demand", "fit", "--json"]),
    # market
    ("market_three_layers", ["market", f"{S}/three_layers.toml", "--json"]),
    ("market_default", ["market", "--json"]),
    ("market_country_all", ["market", "--country", "all", "--json"]),
    # cluster
    ("cluster_colossus2", ["cluster", f"{S}/colossus2.toml", "--json"]),
    ("cluster_flags_gb200_500k",
     ["cluster", "--hardware", "gb200-nvl72", "--accelerators", "500000", "--days", "90",
      "--samples", "200", "--json"]),
    # plan
    ("plan_stargate", ["plan", f"{S}/stargate.toml", "--json"]),
    # predict / pareto / validate
    ("predict_blackwell_30x", ["predict", f"{S}/blackwell_30x.toml", "--json"]),
    ("predict_readme_llama2_h100",
     ["predict", "--model", "llama2-70b", "--hardware", "h100-sxm", "--count", "8",
      "--precision", "fp8", "--input-tokens", "1024", "--output-tokens", "1024",
      "--ttft-max-s", "2", "--tpot-max-s", "0.2", "--json"]),
    ("pareto_deepseek_r1_gb200",
     ["pareto", "--model", "deepseek-r1", "--hardware", "gb200-nvl72", "--json"]),
    ("validate_measured_extra", ["validate", "--data", "validation/measured_extra.csv", "--json"]),
    # catalog
    ("catalog_hardware", ["catalog", "hardware", "--json"]),
    ("catalog_models", ["catalog", "models", "--json"]),
]

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_DIR = ROOT / "tests" / "golden"
#: environment variables that change what the CLI computes; removed before every run
_SCRUB_ENV = ("TOKENFAB_CATALOG",)


def tokenfab_command() -> list[str]:
    """The installed ``tokenfab`` console script (the CLI as users run it)."""
    beside = Path(sys.executable).parent / "tokenfab"
    exe = str(beside) if beside.exists() else shutil.which("tokenfab")
    if exe is None:
        raise RuntimeError("no 'tokenfab' console script found; run `pip install -e .` first")
    return [exe]


def run_case(argv: list[str]) -> object:
    """Run ``tokenfab *argv`` from the repository root and return its parsed JSON stdout."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB_ENV}
    proc = subprocess.run([*tokenfab_command(), *argv], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"tokenfab {' '.join(argv)} exited {proc.returncode}:\n{proc.stderr}")
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as e:
        raise RuntimeError(f"tokenfab {' '.join(argv)}: stdout is not JSON ({e}):\n"
                           f"{proc.stdout[:2000]}") from e


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.json"


def dumps(argv: list[str], output: object) -> str:
    return json.dumps({"argv": argv, "output": output}, indent=2, sort_keys=True,
                      ensure_ascii=False, allow_nan=False) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", help="cases to regenerate (default: all)")
    ap.add_argument("--list", action="store_true", help="print the cases and exit")
    a = ap.parse_args()
    names = [n for n, _ in CASES]
    if len(set(names)) != len(names):
        ap.error("duplicate case names in CASES")
    if a.list:
        for name, argv in CASES:
            print(f"{name}: tokenfab {' '.join(argv)}")
        return 0
    unknown = sorted(set(a.names) - set(names))
    if unknown:
        ap.error(f"unknown case(s): {', '.join(unknown)}")
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for name, argv in CASES:
        if a.names and name not in a.names:
            continue
        print(f"{name}: tokenfab {' '.join(argv)}", flush=True)
        golden_path(name).write_text(dumps(argv, run_case(argv)), encoding="utf-8")
    stale = sorted(p.name for p in GOLDEN_DIR.glob("*.json") if p.stem not in names)
    if stale:
        print(f"warning: golden files with no case in CASES (delete them?): {', '.join(stale)}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
