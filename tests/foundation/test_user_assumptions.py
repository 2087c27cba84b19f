"""A user catalog can replace an economics/cluster row, so --catalog reaches every default."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokenfab.catalog import load_catalog
from tokenfab.cli import main
from tokenfab.errors import TokenfabError


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "mine.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_row_replaced_with_units_and_range(tmp_path: Path) -> None:
    p = _write(tmp_path, '[[assumption]]\nkey = "electricity_price_dc"\nvalue = "50 USD/MWh"\n'
                         'low = "30 USD/MWh"\nhigh = "70 USD/MWh"\nsource = "PPA quote"\n'
                         'kind = "estimate"\n')
    row = load_catalog([p], use_env=False).assumption("electricity_price_dc")
    assert row.source == "PPA quote" and row.kind == "estimate"
    assert row.si.likely == pytest.approx(50 / 3.6e9)  # type: ignore[union-attr]
    assert row.si.low == pytest.approx(30 / 3.6e9)  # type: ignore[union-attr]
    # the shipped catalog is untouched
    assert load_catalog(use_env=False).assumption("electricity_price_dc").source != "PPA quote"


def test_row_reaches_a_model_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = _write(tmp_path, '[[assumption]]\nkey = "electricity_price_dc"\nvalue = "50 USD/MWh"\n'
                         'source = "PPA quote"\n')
    from tokenfab.inputs import FromCatalog, Input, InputSet

    s = InputSet("t", [Input("electricity_price", "electricity_price", "e",
                             default=FromCatalog("electricity_price_dc"))])
    r = s.resolve({}, load_catalog([p], use_env=False))
    assert r.values["electricity_price"] == pytest.approx(50 / 3.6e9)
    assert "PPA quote" in r.sources["electricity_price"].text


@pytest.mark.parametrize("text, words", [
    ('[[assumption]]\nkey = "electricity_price_dcc"\nvalue = 1\n', "did you mean 'electricity_price_dc'"),
    ('[[assumption]]\nkey = "electricity_price_dc"\nvalue = "5 GW"\n', "unknown unit"),
    ('[[assumption]]\nkey = "electricity_price_dc"\nvalue = 1\nbogus = 2\n', "unknown key"),
    ('[[assumption]]\nkey = "electricity_price_dc"\nvalue = "50 USD/MWh"\nlow = "60 USD/MWh"\n'
     'high = "70 USD/MWh"\n', "low <= value <= high"),
])
def test_bad_rows_are_named(tmp_path: Path, text: str, words: str) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(TokenfabError, match=words) as e:
        load_catalog([p], use_env=False)
    assert "mine.toml" in str(e.value)


def test_cli_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = _write(tmp_path, '[[assumption]]\nkey = "nope"\nvalue = 1\n')
    assert main(["--catalog", str(p), "catalog", "hardware"]) == 2
    assert "nope" in capsys.readouterr().err
