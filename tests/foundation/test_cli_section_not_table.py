"""A command's section written as a value, not a table, is bad input (exit 2), flags or not."""

from __future__ import annotations

import pytest

from tokenfab.cli import main


@pytest.mark.parametrize("argv", [["factory", "--power", "2GW"], ["cluster", "--samples", "0"]])
def test_section_not_a_table_exits_2(tmp_path, capsys, argv):
    f = tmp_path / "s.toml"
    f.write_text(f"{argv[0]} = 3\n")
    assert main([argv[0], str(f), *argv[1:]]) == 2
    err = capsys.readouterr().err
    assert f"{argv[0]}: must be a table" in err and "Traceback" not in err
