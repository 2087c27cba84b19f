"""Chart of a rent-or-build plan (matplotlib, imported lazily, Agg backend)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tokenfab.plan.lp import PlanResult

__all__ = ["plan_figure"]


def plan_figure(result: PlanResult, path: str | Path | None = None, title: str = "") -> Any:
    """Two panels: demand vs capacity by source (accelerator-equivalents, log scale) with the
    unserved gap, and power online / construction starts with the yearly cost.

    Writes ``path`` (PNG/SVG/PDF by suffix) when given; returns the matplotlib figure.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = result.columns
    years = c["year"].astype(int)
    rented = c["rented_capacity_accelerators"]
    asic = c["asic_capacity_accelerators"]
    built = np.clip(c["capacity_accelerators"] - rented - asic, 0.0, None)
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8.5, 7.5), sharex=True,
                                   gridspec_kw={"height_ratios": [3, 2]})
    ax1.stackplot(years, rented, built, asic, labels=["rented", "built (GPU)", "built (ASIC)"],
                  colors=["#9ecae1", "#3182bd", "#31a354"], alpha=0.9, step="mid")
    ax1.plot(years, c["demand_accelerators"], "k-o", lw=2, ms=4, label="demand")
    served = c["demand_accelerators"] - c["unserved_tokens"] / max(
        result.inputs.tokens_per_accelerator_year(), 1e-300)
    gap = c["unserved_tokens"] > 0
    if gap.any():
        ax1.fill_between(years, served, c["demand_accelerators"], where=gap, step="mid",
                         color="#de2d26", alpha=0.35, label="unserved")
    ax1.set_yscale("log")
    ax1.set_ylabel(f"accelerator-equivalents\n({result.inputs.reference_system})")
    ax1.legend(loc="upper left", fontsize=8)
    ax1.grid(True, which="both", alpha=0.3)
    ax1.set_title(title or "Rent or build: the plan")

    w = 0.38
    ax2.bar(years - w / 2, c["online_w"] / 1e9, width=w, color="#3182bd", label="online GW")
    ax2.bar(years + w / 2, c["build_started_w"] / 1e9, width=w, color="#fdae6b",
            label="construction started GW")
    ax2.set_ylabel("GW")
    ax2.grid(True, axis="y", alpha=0.3)
    ax3 = ax2.twinx()
    ax3.plot(years, c["cost_usd"] / 1e9, "r-s", ms=4, label="cost (bn USD/yr)")
    ax3.set_ylabel("cost [bn USD/yr]")
    h1, l1 = ax2.get_legend_handles_labels()
    h2, l2 = ax3.get_legend_handles_labels()
    ax2.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=8)
    ax2.set_xlabel("year")
    ax2.set_xticks(years)
    fig.tight_layout()
    if path is not None:
        fig.savefig(str(path), dpi=120)
        plt.close(fig)
    return fig
