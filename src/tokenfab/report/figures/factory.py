"""Figures of a factory run (matplotlib imported lazily, Agg backend)."""

from __future__ import annotations

from pathlib import Path

from tokenfab.factory.inputs import input_label
from tokenfab.factory.runner import FactoryResult

_LABELS = {
    "profit_usd_per_year": ("profit", 1e9, "USD bn per year"),
    "breakeven_price_usd_per_accelerator": ("challenger break-even accelerator price", 1e3,
                                            "USD k per accelerator"),
    "cost_usd_per_mtok": ("cost per million tokens", 1.0, "USD per Mtok"),
    "gross_margin": ("gross margin", 0.01, "%"),
}


def tornado_png(result: FactoryResult, path: str | Path) -> Path:
    """Write the tornado chart of ``result`` (inputs ranked by their swing) to a PNG file."""
    from tokenfab.report.figures import save, tornado

    name, scale, unit = _LABELS.get(result.tornado_output, (result.tornado_output, 1.0, ""))
    s = result.section
    title = f"{s.hardware}" + (f" vs {s.vs}" if s.vs else "") + f", {s.power / 1e9:g} GW: {name}"
    fig = tornado(result.bars, xlabel=unit, title=title, scale=scale, labels=input_label)
    return save(fig, path, dpi=110)
