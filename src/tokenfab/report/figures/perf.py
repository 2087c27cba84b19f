"""Plot a Pareto frontier (matplotlib, Agg backend; optional ``plot`` extra)."""

from __future__ import annotations

import html
from pathlib import Path

from tokenfab.errors import TokenfabError
from tokenfab.outputs import atomic_target, atomic_write
from tokenfab.perf.serving import Frontier

__all__ = ["plot_frontier"]


def plot_frontier(frontier: Frontier, path: str | Path) -> Path:
    """Write tokens/s per accelerator vs tokens/s per user to ``path`` (``.png`` or ``.html``).

    PNG needs matplotlib (``pip install tokenfab[plot]``); HTML embeds the PNG plus the
    frontier table, so it also needs matplotlib.
    """
    p = Path(path)
    if p.suffix.lower() not in (".png", ".html"):
        raise TokenfabError(f"must end in .png or .html, got {p.name!r}", field="--plot",
                            value=str(p))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise TokenfabError("plotting needs matplotlib: pip install 'tokenfab[plot]'",
                            field="--plot") from None
    df = frontier.to_frame()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for prec, g in df.groupby("precision"):
        ax.plot(g["interactivity_tokens_per_s_per_user"],
                g["output_tokens_per_s_per_accelerator"], marker="o", ms=3, label=str(prec))
    ax.set_xlabel("tokens/s per user (interactivity)")
    ax.set_ylabel("output tokens/s per accelerator")
    ax.set_title(f"{frontier.model} on {frontier.hardware}")
    ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    ax.legend(title="precision")
    fig.tight_layout()
    if p.suffix.lower() == ".png":
        with atomic_target(p) as tmp:  # whole or not at all (Ctrl-C leaves nothing)
            fig.savefig(tmp, dpi=120, format="png")
        plt.close(fig)
        return p
    import base64
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    img = base64.b64encode(buf.getvalue()).decode()
    table = df.to_html(index=False, float_format=lambda x: f"{x:.4g}")
    title = html.escape(f"{frontier.model} on {frontier.hardware}")
    atomic_write(p, f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
                    f"</head><body><h1>{title}</h1><img src='data:image/png;base64,{img}'/>"
                    f"{table}</body></html>")
    return p
