"""Bad input generated from the declaration (``DEMAND_INPUTS.bad_values()``): every input,
outside each bound, with a wrong unit, not a number, a range where one number is allowed.
Through the scenario loader and through ``--set``: exit 2, the field named, no traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tokenfab.cli import main
from tokenfab.demand.inputs import DEMAND_INPUTS

BAD = DEMAND_INPUTS.bad_values()


def _toml(v: Any) -> str:
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml(x)}" for k, x in v.items()) + " }"
    return json.dumps(v)


def _scenario(name: str, value: Any) -> tuple[str, str]:
    """(TOML text, the field the error must name)."""
    if name.startswith("growth."):
        _, factor, key = name.split(".")
        return (f"[demand.growth]\n{factor} = {{ {key} = {_toml(value)} }}\n",
                f"demand.growth.{factor}.{key}")
    return f"[demand]\n{name} = {_toml(value)}\n", f"demand.{name}"


def test_every_input_has_bad_values():
    assert {n for n, _ in BAD} == set(DEMAND_INPUTS.names)


@pytest.mark.parametrize("name, value", BAD, ids=[f"{n}={v!r}" for n, v in BAD])
def test_bad_scenario_value_exits_2_naming_the_field(tmp_path, capsys, name, value):
    text, field = _scenario(name, value)
    f = tmp_path / "bad.toml"
    f.write_text(text)
    assert main(["demand", str(f), "--samples", "0", "--years", "2025:2026"]) == 2
    err = capsys.readouterr().err
    assert field in err, err
    assert "Traceback" not in err


SET_BAD = [(n, v) for n, v in BAD if not isinstance(v, dict)]


@pytest.mark.parametrize("name, value", SET_BAD, ids=[f"{n}={v!r}" for n, v in SET_BAD])
def test_bad_set_value_exits_2_naming_the_field(capsys, name, value):
    assert main(["demand", "--samples", "0", "--years", "2025:2026",
                 "--set", f"{name}={value}"]) == 2
    err = capsys.readouterr().err
    assert f"--set {name}" in err, err
    assert "Traceback" not in err
