"""tokenfab.display against strings checked by hand (the one formatter of CLI, report, app)."""

from __future__ import annotations

import math

import pytest

from tokenfab import display as D


@pytest.mark.parametrize(("x", "per", "want"), [
    (56.7e9, "", "$56.7B"),            # was "$56.7G" in the factory table
    (391874740506.8567, "", "$392B"),  # float noise of issue 15
    (2.5e12, "yr", "$2.5T/yr"),
    (-1.77e6, "", "-$1.77M"),
    (-3.5e5, "", "-$350K"),
    (1234.5, "", "$1,234"),
    (41.934, "W", "$41.93/W"),
    (0.645, "Mtok", "$0.645/Mtok"),
    (0.0902, "", "$0.0902"),
    (2.3e15, "", "$2,300T"),            # never "P" on money
    (999_600.0, "", "$1M"),             # rounding up crosses the prefix
    (0.0, "", "$0"),
    (math.nan, "", "—"),
    (None, "", "—"),
])
def test_money(x, per, want):
    assert D.money(x, per) == want


@pytest.mark.parametrize(("x", "unit", "want"), [
    (2.1e9, "W", "2.1 GW"),
    (870e6, "W", "870 MW"),
    (1.979e15, "FLOP/s", "1.98 PFLOP/s"),
    (8.279999999999998e27, "FLOP", "8.28×10²⁷ FLOP"),
    (8.3e27, "FLOP/yr", "8.3×10²⁷ FLOP/yr"),
    (4.72e16, "tokens", "4.72×10¹⁶ tokens"),
    (0.0123, "s", "0.0123 s"),
])
def test_quantity(x, unit, want):
    assert D.quantity(x, unit) == want


@pytest.mark.parametrize(("x", "want"), [
    (460824, "460,824"), (3794747.8, "3,794,748"), (2.0, "2"), (0.8815, "0.881"),
    (1.2e-5, "1.2×10⁻⁵"), (1e16, "1×10¹⁶"), (-4057.9, "-4,058"),
])
def test_number(x, want):
    assert D.number(x) == want


@pytest.mark.parametrize(("x", "unit", "want"), [
    (0.837, "%", "83.7%"), (4.36e4, "x", "43,600×"), (0.752, "years", "0.752 years"),
    (True, "", "yes"), (False, "", "no"), (1.2e9, "W", "1.2 GW"), (3.9e11, "USD/yr", "$390B/yr"),
])
def test_value(x, unit, want):
    assert D.value(x, unit) == want


@pytest.mark.parametrize(("name", "want"), [
    ("profit_usd_per_year", "Profit per year"),           # not "Profit usd per year"
    ("breakeven_price_usd_per_accelerator", "Break-even accelerator price"),
    ("hyperscale_capex_usd_per_year", "Hyperscale capex per year"),
    ("fp8_dense_flops_per_s", "FP8 dense FLOP per s"),
    ("rental_cap_binds", "Rental cap binds"),
    ("pue", "PUE"),
])
def test_label(name, want):
    assert D.label(name) == want


def test_input_label_from_doc():
    assert D.input_label("life_it") == "IT equipment life"
    assert D.input_label("x_y", "share of the market's token volume (demand cap)") == \
        "Share of the market's token volume"
    assert D.input_label("x_y") == "X y"


@pytest.mark.parametrize(("name", "x", "want"), [
    ("facility_power_w", 1.226e9, "1.23 GW"),
    ("electricity_j_per_year", 3.402e18, "945 TWh/yr"),
    ("time_to_train_days", 0.8816, "0.882 days"),
    ("gross_margin", 0.5, "50%"),
    ("cost_usd_per_mtok", 0.195, "$0.195/Mtok"),
    ("racks", 7, "7"),
])
def test_of_field(name, x, want):
    assert D.of_field(x, name) == want


def test_prose_marks_names_and_unscientific_numbers():
    assert D.prose("largest effects on profit_usd_per_year") == \
        "largest effects on `profit_usd_per_year`"
    assert D.prose("catalog gpu_rents.csv: Spheron on_demand") == \
        "catalog gpu_rents.csv: Spheron on-demand"
    assert D.prose("utilization 8.8e-06 vs 5.2e-05") == "utilization 8.8×10⁻⁶ vs 5.2×10⁻⁵"
    assert D.prose("arXiv:2407.21783 and 2e+12 B/s") == "arXiv:2407.21783 and 2×10¹² B/s"


def test_cell():
    assert D.cell(391874740506.8567) == "391,874,740,507"
    assert D.cell(None) == "—" and D.cell(True) == "yes"
    np = pytest.importorskip("numpy")
    assert D.cell(np.float64(0.5)) == "0.5" and D.cell(np.bool_(False)) == "no"
