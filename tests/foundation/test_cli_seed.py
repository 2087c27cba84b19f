"""A negative ``--seed`` (NumPy refuses it) is bad input: exit 2 naming the seed, no traceback."""

from __future__ import annotations

import pytest

from tokenfab.cli import main


@pytest.mark.parametrize("argv", [
    ["factory", "--power", "2GW", "--hardware", "gb200-nvl72", "--samples", "3", "--seed", "-1"],
    ["cluster", "--hardware", "gb200-nvl72", "--accelerators", "1000", "--seed", "-1"],
    ["plan", "--samples", "3", "--seed", "-1"],
    ["demand", "--seed", "-1"],
    ["market", "--seed", "-1"],
])
def test_negative_seed_exits_2(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "seed" in err and "Traceback" not in err
