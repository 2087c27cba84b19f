"""Charts label inputs in words and never cut their titles (issue 15, analyst-grade pages)."""

from __future__ import annotations

from tokenfab.factory.inputs import input_label
from tokenfab.report.figures import NUMBER, _label, bars, tornado


def _yticks(fig) -> list[str]:
    """The bar labels from the top (the widest swing) down."""
    return [t.get_text() for t in fig.axes[0].get_yticklabels()][::-1]


def test_tornado_bars_are_labelled_in_words() -> None:
    fig = tornado([("life_it", 1.0, 2.0), ("cost_of_capital", 0.5, 3.0)], base=1.5)
    assert _yticks(fig) == ["IT equipment life", "Cost of capital"]


def test_factory_tornado_names_the_challengers_inputs() -> None:
    fig = tornado([("vs_accelerator_price", 1.0, 2.0), ("price_input", 0.0, 4.0)], base=1.5,
                  labels=input_label)
    assert _yticks(fig) == ["Challenger: purchase price per accelerator", "Input-token price"]


def test_long_titles_wrap_instead_of_running_off_the_figure() -> None:
    title = "gb200-nvl72 vs h100-sxm, 2 GW: challenger break-even accelerator price (USD k)"
    fig = tornado([("scale-out network and storage per IT watt", 1.0, 2.0)], base=1.5, title=title)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    t = fig.axes[0].title
    box = t.get_window_extent(renderer=canvas.get_renderer())
    assert box.x1 <= fig.bbox.x1 + 1 and box.x0 >= -1, (box, fig.bbox)


def test_bar_value_labels_read_as_numbers() -> None:
    assert _label(NUMBER, 1234.5) == "1,234"
    assert _label(NUMBER, 3.2e16) == "3.2×10¹⁶"
    assert _label("{:.0%}", 0.68) == "68%"
    fig = bars(["a", "b"], [1234.0, 5.0])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "1,234" in texts and not any("e+" in t for t in texts)
