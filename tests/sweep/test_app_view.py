"""The sweep page's computations (tokenfab.app.sweep_view) and ``tokenfab app --sweep DIR``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tokenfab.app.sweep_view import (
    ENV,
    Filters,
    axis_values,
    check_sweep_dir,
    filtered_rows,
    landscape_pngs,
)
from tokenfab.errors import TokenfabError
from tokenfab.sweep import query
from tokenfab.sweep.spec import SweepSpec


def test_check_sweep_dir_names_the_field_the_value_and_what_is_expected(
        tmp_path: Path, serial_dir: Path) -> None:
    assert check_sweep_dir(serial_dir) == serial_dir
    empty = tmp_path / "empty"
    empty.mkdir()
    (tmp_path / "file").write_text("x")
    cases = {str(tmp_path / "missing"): "does not exist", str(tmp_path / "file"):
             "is not a directory", str(empty): "no manifest.json", "": "is empty",
             "a" * 5000: "cannot be read as a directory"}
    for value, why in cases.items():
        with pytest.raises(TokenfabError) as e:
            check_sweep_dir(value)
        assert e.value.field == "--sweep" and why in str(e.value)
        assert value == "" or repr(value[:200] + "..." * (len(value) > 200)) in str(e.value)
    (empty / "manifest.json").write_text("{not json")
    with pytest.raises(TokenfabError, match="unreadable manifest"):
        check_sweep_dir(empty)


def test_filters_match_the_same_sql_by_hand(serial_dir: Path, spec: SweepSpec) -> None:
    axes = axis_values(serial_dir)
    assert axes["hardware"] == sorted(spec.hardware) and axes["model"] == sorted(spec.model)
    assert axes["interactivity_target"] == sorted(spec.interactivity)
    df, n = filtered_rows(serial_dir, Filters())
    assert n == spec.total_points() and len(df) == min(n, 1000)
    f = Filters(values={"hardware": ("h100-sxm", "mi300x"), "workload": ("rag",)},
                interactivity=(20.0, 80.0), feasible_only=True)
    df, n = filtered_rows(serial_dir, f, limit=7)
    ref = query(serial_dir, "SELECT count(*) AS n FROM sweep WHERE hardware IN ('h100-sxm', "
                "'mi300x') AND workload = 'rag' AND interactivity_target BETWEEN 20 AND 80 "
                "AND feasible")
    assert n == int(ref["n"][0]) > 0 and len(df) == 7
    assert set(df["hardware"]) <= {"h100-sxm", "mi300x"} and df["feasible"].all()
    assert df["interactivity_target"].between(20, 80).all()


def test_landscape_pngs_are_the_report_figures(serial_dir: Path) -> None:
    land, heat, dist = landscape_pngs(serial_dir)
    assert heat[:8] == b"\x89PNG\r\n\x1a\n" and dist[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(heat) > 5_000 and set(land.winners["winner"]) <= {"h100-sxm", "gb200-nvl72",
                                                                 "mi300x"}


def test_cli_app_sweep_bad_dir_exits_2_and_a_good_one_runs_the_sweep_page(
        tmp_path: Path, serial_dir: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tokenfab.cli import main

    monkeypatch.delenv(ENV, raising=False)
    assert main(["app", "--sweep", str(tmp_path / "nope"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "--sweep" in err and "does not exist" in err and "Traceback" not in err
    assert main(["app", "--sweep", str(serial_dir), "--port", "8766", "--dry-run"]) == 0
    cmd = capsys.readouterr().out
    assert "sweep_page.py" in cmd and "dashboard.py" not in cmd and "8766" in cmd
    assert os.environ[ENV] == str(serial_dir.resolve())
