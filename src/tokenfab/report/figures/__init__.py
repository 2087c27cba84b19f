"""Shared chart helpers of the report and the app (matplotlib, Agg, no pyplot state).

Every function returns a :class:`matplotlib.figure.Figure`; :func:`to_png` renders one to PNG
bytes. matplotlib is imported lazily (it is the optional ``plot``/``app`` extra). Module
authors' own plotting functions are preferred where they exist; these cover the rest.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from tokenfab import display
from tokenfab.outputs import atomic_target

_COLORS = ("#1a56a8", "#d1495b", "#2e933c", "#edae49", "#6c4f9c", "#00798c", "#8c564b",
           "#7f7f7f")



#: the default value label of bar charts: :func:`tokenfab.display.number` (separators, powers
#: of ten beyond a thousand trillion; never ``1.23e+03``)
NUMBER = "number"


def _label(fmt: str, v: float) -> str:
    """A bar's value label: ``fmt`` a format string (``"{:.0%}"``) or :data:`NUMBER`."""
    return display.number(v) if fmt == NUMBER else fmt.format(v)

def new_figure(width_in: float = 7.5, height_in: float = 4.0, ncols: int = 1) -> tuple[Any, Any]:
    """A figure not registered with pyplot (safe in threads and servers) and its axes."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes


def to_png(fig: Any, dpi: int = 110) -> bytes:
    """Render a matplotlib figure to PNG bytes with the Agg backend."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def save(fig: Any, path: str | Path, dpi: int = 120) -> Path:
    """Write ``fig`` to ``path`` (PNG, SVG or PDF by its suffix) atomically: a temporary file
    beside it, renamed when complete, so an interrupted run leaves no half-written chart."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    target = Path(path)
    if fig.canvas is None or not hasattr(fig.canvas, "print_figure"):
        FigureCanvasAgg(fig)
    fmt = target.suffix.lstrip(".").lower() or "png"
    with atomic_target(target) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi)
    return target


def _style(ax: Any, title: str = "", xlabel: str = "", ylabel: str = "") -> None:
    if title:
        ax.set_title(title, fontsize=11, wrap=True)  # never cut at the figure edge
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _plain_log(ax: Any, which: str = "x") -> None:
    """Log-axis ticks as plain numbers (0.2, 1, 5) without crowded minor labels."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis = ax.xaxis if which == "x" else ax.yaxis
    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def _short(label: str, n: int = 60) -> str:
    """A long legend label wrapped onto lines of ``n`` characters (never cut with "…")."""
    import textwrap

    return label if len(label) <= n else "\n".join(textwrap.wrap(label, n))


def frontier(curves: Mapping[str, tuple[Sequence[float], Sequence[float]]], *,
             xlabel: str = "interactivity [tokens/s per user]",
             ylabel: str = "throughput [tokens/s per GPU]", title: str = "",
             marker_x: float | None = None, logy: bool = False, ax: Any = None) -> Any:
    """Pareto frontiers, one line per system: ``{label: (x, y)}``; optional vertical SLA line."""
    fig = None
    if ax is None:
        fig, ax = new_figure()
    for i, (label, (x, y)) in enumerate(curves.items()):
        xs, ys = np.asarray(x, float), np.asarray(y, float)
        order = np.argsort(xs)
        ax.plot(xs[order], ys[order], "-o", ms=3, lw=1.8, color=_COLORS[i % len(_COLORS)],
                label=label)
    if marker_x is not None:
        ax.axvline(marker_x, ls="--", color="#555", lw=1)
        ax.annotate(f"{marker_x:g} tok/s/user", (marker_x, ax.get_ylim()[1]), fontsize=8,
                    ha="left", va="top", xytext=(3, -3), textcoords="offset points")
    if logy:
        ax.set_yscale("log")
    _style(ax, title, xlabel, ylabel)
    ax.legend(fontsize=8, frameon=False)
    return fig if fig is not None else ax.figure


def frontier_pair(curves_gpu: Mapping[str, tuple[Sequence[float], Sequence[float]]],
                  curves_mw: Mapping[str, tuple[Sequence[float], Sequence[float]]], *,
                  marker_x: float | None = None, title: str = "") -> Any:
    """Two panels: tokens/s per GPU and tokens/s per MW, both vs tokens/s per user."""
    fig, (a, b) = new_figure(11, 4.2, ncols=2)
    frontier(curves_gpu, ax=a, marker_x=marker_x, title="per GPU", logy=True)
    frontier(curves_mw, ax=b, marker_x=marker_x, ylabel="throughput [tokens/s per MW all-in]",
             title="per MW of all-in power", logy=True)
    if title:
        fig.suptitle(title, fontsize=12)
    return fig


def waterfall(steps: Sequence[tuple[str, float]], *, total_label: str | None = "total",
              ylabel: str = "", title: str = "", scale: float = 1.0, fmt: str = NUMBER) -> Any:
    """A waterfall: each step adds its (signed) value to a running total, drawn as a bar.

    ``scale`` divides every value for display (e.g. 1e9 to show billions).
    """
    fig, ax = new_figure(8, 4.2)
    run = 0.0
    labels, bottoms, heights, colors = [], [], [], []
    for label, v in steps:
        v = float(v) / scale
        labels.append(label)
        bottoms.append(run if v >= 0 else run + v)
        heights.append(abs(v))
        colors.append(_COLORS[2] if v >= 0 else _COLORS[1])
        run += v
    if total_label:
        labels.append(total_label)
        bottoms.append(min(0.0, run))
        heights.append(abs(run))
        colors.append(_COLORS[0])
    x = np.arange(len(labels))
    ax.bar(x, heights, bottom=bottoms, color=colors, width=0.65)
    for xi, b, h in zip(x, bottoms, heights, strict=True):
        ax.text(xi, b + h, _label(fmt, h), ha="center", va="bottom", fontsize=8)
    ax.axhline(0, color="#333", lw=0.8)
    ax.set_xticks(x, labels, rotation=20, ha="right", fontsize=9)
    _style(ax, title, "", ylabel)
    return fig


def chain(steps: Sequence[tuple[str, float]], *, ylabel: str = "", title: str = "",
          logy: bool = True, fmt: str = NUMBER) -> Any:
    """A multiplicative chain drawn as bars of its running value (e.g. GDP -> services -> GW)."""
    fig, ax = new_figure(8, 4.2)
    labels = [s[0] for s in steps]
    vals = np.asarray([float(s[1]) for s in steps])
    x = np.arange(len(vals))
    ax.bar(x, vals, color=[_COLORS[i % len(_COLORS)] for i in range(len(vals))], width=0.65)
    for xi, v in zip(x, vals, strict=True):
        ax.text(xi, v, _label(fmt, v), ha="center", va="bottom", fontsize=8)
    if logy and np.all(vals > 0):
        ax.set_yscale("log")
    ax.set_xticks(x, labels, rotation=20, ha="right", fontsize=9)
    _style(ax, title, "", ylabel)
    return fig


def stacked(x: Sequence[float], series: Mapping[str, Sequence[float]], *, xlabel: str = "year",
            ylabel: str = "", title: str = "", logy: bool = False,
            overlay: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None = None) -> Any:
    """A stacked area chart (e.g. compute demand by scaling law), with optional overlay lines."""
    fig, ax = new_figure()
    xs = np.asarray(x, float)
    ys = [np.asarray(v, float) for v in series.values()]
    ax.stackplot(xs, *ys, labels=list(series), colors=_COLORS[: len(ys)], alpha=0.85)
    for i, (label, (ox, oy)) in enumerate((overlay or {}).items()):
        ax.plot(ox, oy, "--", color=_COLORS[(len(ys) + i) % len(_COLORS)], lw=2, label=label)
    if logy:
        ax.set_yscale("log")
    _style(ax, title, xlabel, ylabel)
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return fig


def bands(x: Sequence[float], p10: Sequence[float], p50: Sequence[float], p90: Sequence[float], *,
          label: str = "median", xlabel: str = "", ylabel: str = "", title: str = "",
          logy: bool = False, lines: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None = None,
          ax: Any = None) -> Any:
    """A Monte Carlo band: p10-p90 shaded around the median, with optional reference lines."""
    fig = None
    if ax is None:
        fig, ax = new_figure()
    ax.fill_between(x, p10, p90, color=_COLORS[0], alpha=0.2, label="p10-p90")
    ax.plot(x, p50, color=_COLORS[0], lw=2, label=label)
    for i, (name, (lx, ly)) in enumerate((lines or {}).items(), 1):
        ax.plot(lx, ly, "--", color=_COLORS[i % len(_COLORS)], lw=1.6, label=name)
    if logy:
        ax.set_yscale("log")
    _style(ax, title, xlabel, ylabel)
    ax.legend(fontsize=8, frameon=False)
    return fig if fig is not None else ax.figure


def tornado(bars: Sequence[Any], *, base: float | None = None, xlabel: str = "", title: str = "",
            scale: float = 1.0, max_bars: int = 10,
            labels: Callable[[str], str] = display.input_label) -> Any:
    """A tornado chart from :class:`tokenfab.uncertainty.TornadoBar` items (or (name, lo, hi)).

    Each bar spans the output with that input at its low and at its high value, all others
    at their likely values; the widest swing is on top. ``labels`` turns an input's name into
    the words on its bar (never the snake_case name).
    """
    items = []
    for b in bars[:max_bars]:
        if hasattr(b, "output_at_low"):
            items.append((b.name, b.output_at_low / scale, b.output_at_high / scale))
            base = b.base if base is None else base
        else:
            name, lo, hi = b
            items.append((name, lo / scale, hi / scale))
    items = items[::-1]
    b0 = base / scale if base is not None else 0.0
    fig, ax = new_figure(8, 0.9 + 0.42 * max(len(items), 1))
    for i, (_name, lo, hi) in enumerate(items):
        ax.barh(i, hi - b0, left=b0, color=_COLORS[2], height=0.6)
        ax.barh(i, lo - b0, left=b0, color=_COLORS[1], height=0.6)
    ax.set_yticks(range(len(items)), [labels(n) for n, _, _ in items], fontsize=9)
    if base is not None:
        ax.axvline(b0, color="#333", lw=1)
    _style(ax, title, xlabel + "  (green: input high, red: input low)", "")
    return fig


def lines(series: Mapping[str, tuple[ArrayLike, ArrayLike]], *, xlabel: str = "",
          ylabel: str = "", title: str = "", logx: bool = False, logy: bool = False,
          hlines: Mapping[str, float] | None = None, markers: bool = True) -> Any:
    """Several (x, y) lines on one axis, with optional labelled horizontal reference lines."""
    fig, ax = new_figure()
    for i, (label, (x, y)) in enumerate(series.items()):
        ax.plot(x, y, "-o" if markers else "-", ms=3, lw=1.8, color=_COLORS[i % len(_COLORS)],
                label=label)
    for j, (label, yv) in enumerate((hlines or {}).items()):
        ax.axhline(yv, ls=":", color=_COLORS[(len(series) + j) % len(_COLORS)], lw=1.4, label=label)
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    _style(ax, title, xlabel, ylabel)
    ax.legend(fontsize=8, frameon=False)
    return fig


def bars(labels: Sequence[str], values: Sequence[float], *, ylabel: str = "", title: str = "",
         ref: tuple[str, float] | None = None, logy: bool = False, fmt: str = NUMBER,
         colors: Sequence[str] | None = None) -> Any:
    """A labelled bar chart with an optional reference line (e.g. the claimed value)."""
    fig, ax = new_figure(7.5, 4.0)
    x = np.arange(len(labels))
    vals = np.asarray(values, float)
    ax.bar(x, vals, color=list(colors) if colors else [_COLORS[i % len(_COLORS)] for i in x],
           width=0.6)
    for xi, v in zip(x, vals, strict=True):
        ax.text(xi, v, _label(fmt, v), ha="center", va="bottom", fontsize=8)
    if ref is not None:
        ax.axhline(ref[1], ls="--", color="#333", lw=1.2, label=ref[0])
        ax.legend(fontsize=8, frameon=False)
    if logy:
        ax.set_yscale("log")
    ax.set_xticks(x, labels, rotation=15 if len(labels) > 4 else 0, ha="right" if len(labels) > 4 else "center",
                  fontsize=9)
    _style(ax, title, "", ylabel)
    return fig


def histogram(sample: Sequence[float], *, marks: Mapping[str, float] | None = None,
              xlabel: str = "", title: str = "", logx: bool = False, bins: int = 50) -> Any:
    """A Monte Carlo histogram with labelled vertical marks (e.g. where a claimed figure falls)."""
    fig, ax = new_figure(7.5, 3.6)
    s = np.asarray(sample, float)
    if logx and np.all(s > 0):
        edges = np.geomspace(s.min(), s.max(), bins + 1) if s.max() > s.min() else bins
        ax.hist(s, bins=edges, color=_COLORS[0], alpha=0.7)
        ax.set_xscale("log")
        _plain_log(ax, "x")
    else:
        ax.hist(s, bins=bins, color=_COLORS[0], alpha=0.7)
    for i, (label, v) in enumerate((marks or {}).items(), 1):
        ax.axvline(v, ls="--", color=_COLORS[i % len(_COLORS)], lw=1.6, label=_short(label))
    _style(ax, title, xlabel, "draws")
    if marks:
        ax.legend(fontsize=7, frameon=False, loc="upper left")
    return fig


def grouped_bars(categories: Sequence[str], series: Mapping[str, Sequence[float]], *,
                 ylabel: str = "", title: str = "", scale: float = 1.0, logy: bool = False,
                 fmt: str = NUMBER) -> Any:
    """Bars grouped by category, one colour per series (e.g. revenue/TCO/profit per system)."""
    fig, ax = new_figure(8, 4.0)
    n = max(len(series), 1)
    width = 0.8 / n
    x = np.arange(len(categories))
    for i, (name, vals) in enumerate(series.items()):
        v = np.asarray(vals, float) / scale
        pos = x - 0.4 + width * (i + 0.5)
        ax.bar(pos, v, width=width * 0.95, color=_COLORS[i % len(_COLORS)], label=name)
        for xi, vi in zip(pos, v, strict=True):
            ax.text(xi, vi, _label(fmt, vi), ha="center", va="bottom", fontsize=7)
    ax.axhline(0, color="#333", lw=0.8)
    if logy:
        ax.set_yscale("log")
    ax.set_xticks(x, list(categories), fontsize=9)
    _style(ax, title, "", ylabel)
    ax.legend(fontsize=8, frameon=False)
    return fig
