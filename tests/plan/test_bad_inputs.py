"""Bad input generated from the declaration (``PLAN_INPUTS.bad_values()``): through the
scenario loader and through ``--set``: exit 2, the field named, no traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tokenfab.cli import main
from tokenfab.plan import PLAN_INPUTS

BAD = PLAN_INPUTS.bad_values()


def _toml(v: Any) -> str:
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml(x)}" for k, x in v.items()) + " }"
    return json.dumps(v)


def test_every_input_has_bad_values():
    assert {n for n, _ in BAD} == set(PLAN_INPUTS.names)


@pytest.mark.parametrize("name, value", BAD, ids=[f"{n}={v!r}" for n, v in BAD])
def test_bad_scenario_value_exits_2_naming_the_field(tmp_path, capsys, name, value):
    f = tmp_path / "bad.toml"
    f.write_text(f"[plan]\n{name} = {_toml(value)}\n")
    assert main(["plan", str(f)]) == 2
    err = capsys.readouterr().err
    assert f"plan.{name}" in err, err
    assert "Traceback" not in err


SET_BAD = [(n, v) for n, v in BAD if not isinstance(v, dict)]


@pytest.mark.parametrize("name, value", SET_BAD, ids=[f"{n}={v!r}" for n, v in SET_BAD])
def test_bad_set_value_exits_2_naming_the_field(capsys, name, value):
    assert main(["plan", "--set", f"{name}={value}"]) == 2
    err = capsys.readouterr().err
    assert f"--set {name}" in err, err
    assert "Traceback" not in err
