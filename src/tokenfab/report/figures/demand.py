"""Charts of a demand projection (matplotlib, imported lazily; Agg backend)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tokenfab.errors import TokenfabError
from tokenfab.uncertainty import Range, likely

if TYPE_CHECKING:
    from tokenfab.demand.project import DemandProjection

__all__ = ["plot_projection"]

_LAWS = (("pretraining_flops", "pre-training (6ND)", "#4C72B0"),
         ("post_training_flops", "post-training (RL)", "#DD8452"),
         ("inference_flops", "inference (thinking)", "#55A868"))


def plot_projection(proj: DemandProjection, path: str | Path) -> Path:
    """Two panels: compute demand stacked by law (p10-p90 band of the total), and the
    demand-implied accelerator spending against the analysts' extrapolation.

    Parameters
    ----------
    proj : DemandProjection
    path : str or Path
        Output file; the format follows the suffix (``.png``, ``.svg``, ``.pdf``).

    Returns
    -------
    Path
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise TokenfabError("plotting needs matplotlib: pip install 'tokenfab[plot]'",
                            field="--plot") from None
    out = Path(path)
    if not out.parent.exists():
        raise TokenfabError(f"directory {str(out.parent)!r} does not exist", field="--plot")
    years = np.asarray(proj.years)
    pt = proj.point
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5.2))
    # -- panel 1: FLOP/yr stacked by law ----------------------------------------------------
    total = sum(pt[k] for k, _, _ in _LAWS)
    floor = float(np.min(total)) / 20.0
    lower = np.full_like(total, floor)
    for key, label, color in _LAWS:
        upper = lower + pt[key]
        ax1.fill_between(years, lower, upper, color=color, alpha=0.85, label=label, linewidth=0)
        lower = upper
    if proj.bands is not None:
        tot_lo = sum(proj.bands[k]["p10"] for k, _, _ in _LAWS)
        tot_hi = sum(proj.bands[k]["p90"] for k, _, _ in _LAWS)
        ax1.fill_between(years, tot_lo, tot_hi, facecolor="none", edgecolor="black", hatch="//",
                         linewidth=0.6, label=f"total, p10-p90 ({proj.samples} samples)")
    ax1.set_yscale("log")
    ax1.set_ylabel("compute demand [FLOP per year]")
    ax1.set_title("Compute demand by scaling law (likely inputs)")
    ax1.legend(loc="upper left", fontsize=8)
    ax1.grid(True, which="major", alpha=0.3)
    # -- panel 2: accelerator spending vs the analysts' line ------------------------------------
    ax2.plot(years, pt["accelerator_spend_usd"] / 1e9, color="#C44E52", lw=2,
             label="demand-implied accelerator spending")
    if proj.bands is not None:
        b = proj.bands["accelerator_spend_usd"]
        ax2.fill_between(years, b["p10"] / 1e9, b["p90"] / 1e9, color="#C44E52", alpha=0.2,
                         label="p10-p90")
    ax2.plot(years, pt["demand_indexed_spend_usd"] / 1e9, color="#8172B3", lw=2,
             label=f"{proj.section.analyst_base_year} spending grown like demand")
    if proj.bands is not None:
        b = proj.bands["demand_indexed_spend_usd"]
        ax2.fill_between(years, b["p10"] / 1e9, b["p90"] / 1e9, color="#8172B3", alpha=0.15)
    s = proj.section
    ax2.plot(years, pt["analyst_spend_usd"] / 1e9, color="black", ls="--", lw=1.5,
             label=f"analysts: {s.analyst_mode} "
                   f"{likely_pct(proj.inputs.resolved.values['analyst_growth'])}/yr from "
                   f"{s.analyst_base_year}")
    ax2.set_yscale("log")
    ax2.set_ylabel("USD bn per year")
    ax2.set_title("Accelerator spending: demand vs a ~8% extrapolation")
    ax2.legend(loc="upper left", fontsize=8)
    ax2.grid(True, which="major", alpha=0.3)
    for ax in (ax1, ax2):
        ax.set_xticks(years)
        ax.tick_params(axis="x", labelrotation=45)
    fig.suptitle(f"tokenfab demand — {s.model}, {years[0]}-{years[-1]}", fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out


def likely_pct(v: float | Range) -> str:
    """``0.08`` or a Range around it -> ``'8%'``."""
    return f"{100 * likely(v):.0f}%"
