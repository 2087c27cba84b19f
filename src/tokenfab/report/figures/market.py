"""The GDP -> GW waterfall figure (matplotlib, imported lazily; Agg backend)."""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from tokenfab.market.run import MarketResult

__all__ = ["fmt_usd", "waterfall_figure"]


def fmt_usd(x: float) -> str:
    """``3.2e12`` -> ``$3.20T``, ``4.5e10`` -> ``$45B``, else millions (the market's labels)."""
    if abs(x) >= 1e12:
        return f"${x / 1e12:.2f}T"
    if abs(x) >= 1e9:
        return f"${x / 1e9:.0f}B"
    return f"${x / 1e6:.0f}M"

_DOLLAR_STEPS = ("gdp_usd", "labour_income_usd", "knowledge_gdp_usd", "token_services_usd_per_year",
                 "augmentation_usd_per_year", "replacement_usd_per_year", "migration_usd_per_year",
                 "infrastructure_usd_per_year")
_LABELS = {
    "gdp_usd": "GDP",
    "labour_income_usd": "x labour share\n= labour income",
    "knowledge_gdp_usd": "x knowledge share\n= knowledge GDP",
    "token_services_usd_per_year": "x AI spend share\n= token services",
    "augmentation_usd_per_year": "x (1 - margin)\n= layer 3",
    "replacement_usd_per_year": "+ layer 1\nreplacement",
    "migration_usd_per_year": "+ layer 2\nmigration",
    "infrastructure_usd_per_year": "= infrastructure\nper year",
}


def waterfall_figure(result: MarketResult, path: str | Path | IO[bytes],
                     fmt: str | None = None) -> Path | IO[bytes]:
    """Write the waterfall from GDP to GW: medians as bars, p10-p90 as error bars.

    Left: the dollar steps (log scale, USD/year): GDP, labour income, knowledge-work GDP,
    token services, layer 3, plus layers 1 and 2, total infrastructure. Right: GW bought per
    year and installed at steady state, annotated with the share of world electricity.
    ``path`` may be a file name (format from its suffix) or a binary file object (``fmt``,
    default PNG), e.g. ``io.BytesIO()`` for a report.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    target: Path | IO[bytes] = path if hasattr(path, "write") else Path(path)  # type: ignore[arg-type]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(14.5, 5.4), gridspec_kw={"width_ratios": [3.2, 1]})
    meds, los, his = [], [], []
    for key in _DOLLAR_STEPS:
        q = result.pct(key)
        meds.append(q["p50"])
        los.append(q["p50"] - q["p10"])
        his.append(q["p90"] - q["p50"])
    colors = ["#8c8c8c"] * 4 + ["#1f77b4", "#6baed6", "#9ecae1", "#08519c"]
    x = range(len(_DOLLAR_STEPS))
    ax.bar(x, meds, color=colors, yerr=[los, his], capsize=4, ecolor="#333333")
    ax.set_yscale("log")
    ax.set_xticks(list(x), [_LABELS[k] for k in _DOLLAR_STEPS], fontsize=8)
    ax.set_ylabel("USD per year (median, p10-p90)")
    for i, m in enumerate(meds):
        ax.annotate(fmt_usd(m), (i, m), textcoords="offset points", xytext=(14, 4),
                    ha="left", fontsize=8)
    ax.set_title(f"{result.region_name}: from GDP to AI-factory spend ({result.n} draws)")
    g = [result.pct("power_added_w_per_year", 1e9), result.pct("installed_power_w", 1e9)]
    ax2.bar([0, 1], [q["p50"] for q in g], color=["#31a354", "#006d2c"],
            yerr=[[q["p50"] - q["p10"] for q in g], [q["p90"] - q["p50"] for q in g]],
            capsize=4, ecolor="#333333")
    ax2.set_xticks([0, 1], ["GW bought\nper year", "GW installed\n(one server life)"], fontsize=8)
    ax2.set_ylabel("GW (median, p10-p90)")
    share = result.pct("share_of_world_electricity")
    title = (f"= {share['p50']:.1%} of world electricity\n(p10 {share['p10']:.1%}, "
             f"p90 {share['p90']:.1%})")
    if result.region != "WLD":
        own = result.pct("share_of_electricity")
        title += f"\n= {own['p50']:.0%} of {result.region} electricity"
    ax2.set_title(title, fontsize=9)
    for i, q in enumerate(g):
        ax2.annotate(f"{q['p50']:.1f} GW", (i, q["p50"]), textcoords="offset points",
                     xytext=(14, 4), ha="left", fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(target, dpi=130, format=fmt or (None if isinstance(target, Path) else "png"))
    finally:
        plt.close(fig)
    return target
