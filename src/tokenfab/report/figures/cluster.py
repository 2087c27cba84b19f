"""Charts of the cluster model (matplotlib, imported lazily, Agg backend)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tokenfab.errors import TokenfabError


def plot_goodput_vs_size(section: Any, out: Path, catalog: Any,
                         flags: dict[str, Any] | None = None) -> Path:
    """Goodput vs job size (analytic storage and in-memory checkpointing, plus simulated
    points for the section's mode), saved to ``out`` with matplotlib's Agg backend."""
    import numpy as np

    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise TokenfabError("plotting needs matplotlib: pip install 'tokenfab[plot]'",
                            field="--plot") from None
    from tokenfab.cluster.site import evaluate_site, goodput_vs_size, resolve_cluster

    p = resolve_cluster(section, catalog, flags).point()
    n, spare = p["accelerators"], p["hot_spare_fraction"]
    sizes = np.unique(np.round(np.logspace(3, np.log10(max(2 * n, 1e6)), 40)))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for mode, style in (("storage", "-"), ("memory", "--")):
        jobs, g = goodput_vs_size(section, sizes, catalog, checkpoint=mode, flags=flags)
        ax.plot(jobs, g, style, label=f"analytic (Daly), {mode} checkpoints")
    pts = np.unique(np.round(np.logspace(3, np.log10(max(n, 1e4)), 6)))
    sim = []
    for size in pts:
        sec = section.model_copy(update={"samples": 0, "trials": 100, "model": None,
                                         "tokens": None})
        r = evaluate_site(sec, catalog, flags={**(flags or {}), "accelerators": float(size)})
        assert r.simulation is not None
        sim.append((r.job_accelerators, r.simulation.goodput.mean()))
    xs, ys = zip(*sim, strict=True)
    ax.plot(xs, ys, "o", label=f"simulated, {section.checkpoint} checkpoints (100 trials)")
    ax.axvline(n * (1 - spare), color="grey", lw=0.8)
    ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(f"accelerators in the job ({spare:.0%} of the site "
                  "held as hot spares)")
    ax.set_ylabel("goodput (effective training time ratio)")
    ax.set_title(f"Goodput vs job size: {section.hardware}, Llama 3 failure rates")
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
