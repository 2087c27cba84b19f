"""The landscape of a sweep: who wins each (model, interactivity) cell, and the metric's spread.

Inputs are a :class:`tokenfab.sweep.Landscape` (computed in DuckDB by
:func:`tokenfab.sweep.landscape`); matplotlib is imported lazily (optional ``plot`` extra).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tokenfab.report.figures import _COLORS, _style, new_figure

__all__ = ["distribution_figure", "winner_heatmap"]

_LABEL = {"cost_usd_per_mtok": "cost per million output tokens [USD/Mtok]",
          "tokens_per_s_per_mw": "output tokens/s per MW"}


def winner_heatmap(land: Any) -> Any:
    """Cells = model x interactivity target; colour = the winning system; text = the winner
    and its margin over the runner-up (x)."""
    w = land.winners
    models = sorted(w["model"].unique())
    targets = sorted(w["interactivity_target"].unique())
    systems = sorted(w["winner"].unique())
    colors = {s: _COLORS[i % len(_COLORS)] for i, s in enumerate(systems)}
    fig, ax = new_figure(max(6.0, 1.3 * len(targets) + 2.5), max(2.5, 0.55 * len(models) + 1.5))
    from matplotlib.patches import Patch, Rectangle

    for _, r in w.iterrows():
        x = targets.index(r["interactivity_target"])
        y = models.index(r["model"])
        ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, color=colors[r["winner"]], alpha=0.8))
        margin = r["margin"]
        text = r["winner"] + ("" if np.isnan(margin) else f"\n{margin:.2f}x")
        ax.text(x, y, text, ha="center", va="center", fontsize=7, color="white")
    ax.set_xlim(-0.5, len(targets) - 0.5)
    ax.set_ylim(-0.5, len(models) - 0.5)
    ax.set_xticks(range(len(targets)), [f"{t:.3g}" for t in targets])
    ax.set_yticks(range(len(models)), models)
    better = "lowest" if land.lower_is_better else "highest"
    _style(ax, f"winner: {better} median {land.metric} ({land.workload})",
           "interactivity target [tok/s/user]", "")
    ax.grid(False)
    ax.legend(handles=[Patch(color=colors[s], label=s) for s in systems], fontsize=7,
              loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


def distribution_figure(land: Any) -> Any:
    """Per system: p10-p90 whiskers, p25-p75 box and the median of the metric (log scale)."""
    d = land.distribution
    fig, ax = new_figure(7.5, max(2.5, 0.4 * len(d) + 1.2))
    y = np.arange(len(d))
    ax.hlines(y, d["p10"], d["p90"], color="#555555", lw=1)
    ax.barh(y, d["p75"] - d["p25"], left=d["p25"], height=0.5, color=_COLORS[0], alpha=0.6)
    ax.plot(d["p50"], y, "|", color="black", ms=12, mew=2)
    ax.set_yticks(y, d["hardware"])
    ax.set_xscale("log")
    _style(ax, "spread over every feasible point (box p25-p75, whiskers p10-p90)",
           _LABEL.get(land.metric, land.metric), "")
    return fig
