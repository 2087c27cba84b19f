"""Every numeric model input is bounded or has a plausible range with its reason (issue 15),
and a value outside the plausible range warns (stderr and JSON ``warnings``), never silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tokenfab.catalog import ACCELERATOR_FIELDS, MODEL_FIELDS, load_catalog
from tokenfab.cli import main
from tokenfab.cluster.inputs import CLUSTER_INPUTS
from tokenfab.demand.inputs import DEMAND_INPUTS
from tokenfab.factory.inputs import FACTORY_INPUTS
from tokenfab.inputs import Input, InputSet
from tokenfab.market.inputs import MARKET_INPUTS
from tokenfab.perf.inputs import PREDICT_INPUTS
from tokenfab.plan.inputs import PLAN_INPUTS
from tokenfab.uncertainty import Range

#: the models whose every input must be bounded both ways or carry a plausible range
SETS: list[InputSet] = [CLUSTER_INPUTS, MARKET_INPUTS, DEMAND_INPUTS, PLAN_INPUTS, PREDICT_INPUTS]
ALL = [(s.section, i) for s in SETS for i in s]


def _upper(i: Input) -> float | None:
    return i.le if i.le is not None else i.lt


def _lower(i: Input) -> float | None:
    return i.ge if i.ge is not None else i.gt


@pytest.mark.parametrize(("section", "inp"), ALL, ids=[f"{s}.{i.name}" for s, i in ALL])
def test_every_input_is_bounded_or_has_a_plausible_range(section: str, inp: Input) -> None:
    bounded = _lower(inp) is not None and _upper(inp) is not None
    assert bounded or inp.plausible is not None, (
        f"{section}.{inp.name}: declare plausible=(low, high) with plausible_note, or both bounds")
    if inp.plausible is not None:
        lo, hi = inp.plausible
        assert lo < hi and inp.plausible_note.strip()
        # the plausible range lies inside the hard bounds
        assert _lower(inp) is None or lo >= _lower(inp)  # type: ignore[operator]
        assert _upper(inp) is None or hi <= _upper(inp)  # type: ignore[operator]
    # an input with no upper bound at all lets 1e308 through to the model: every one has one
    # (hard, or plausible so that it warns)
    assert _upper(inp) is not None or inp.plausible is not None


def test_factory_ranges_carry_their_reason() -> None:
    for i in FACTORY_INPUTS:
        assert i.plausible is None or i.plausible_note.strip(), i.name


def _defaults(s: InputSet) -> dict[str, object]:
    cat = load_catalog([], use_env=False)
    ctx = {"hardware": cat.hardware("gb200-nvl72"), "reference": cat.hardware("gb200-nvl72")}
    return dict(s.resolve({}, cat, ctx).values)


@pytest.mark.parametrize("s", SETS, ids=[s.section for s in SETS])
def test_shipped_defaults_are_plausible(s: InputSet) -> None:
    """The shipped defaults never warn: the ranges were not drawn too tight."""
    cat = load_catalog([], use_env=False)
    ctx = {"hardware": cat.hardware("gb200-nvl72"), "reference": cat.hardware("gb200-nvl72")}
    assert s.resolve({}, cat, ctx).warnings == ()


@pytest.mark.parametrize(("section", "inp"), [(s, i) for s, i in ALL if i.plausible],
                         ids=[f"{s}.{i.name}" for s, i in ALL if i.plausible])
def test_an_implausible_value_warns_and_a_plausible_one_does_not(section: str,
                                                                 inp: Input) -> None:
    assert inp.plausible is not None
    lo, hi = inp.plausible
    above = hi * 2 if hi > 0 else hi + 1
    if _upper(inp) is not None and above > _upper(inp):  # type: ignore[operator]
        above = (hi + _upper(inp)) / 2  # type: ignore[operator]
    if above > hi and inp._in_bounds(above):
        w = inp.implausible(above)
        assert w is not None and inp.name in w and "outside" in w
    assert inp.implausible((lo + hi) / 2) is None
    assert inp.implausible(Range(lo, (lo + hi) / 2, hi)) is None


def test_catalog_fields_have_plausible_ranges_that_hold_the_shipped_catalog() -> None:
    cat = load_catalog([], use_env=False)
    for specs, ids, get in ((ACCELERATOR_FIELDS, cat.hardware_ids, cat.hardware),
                            (MODEL_FIELDS, cat.model_ids, cat.model)):
        for f in specs:
            if f.type not in ("int", "float"):
                continue
            assert f.plausible and f.plausible_note and f.maximum, f.name
            lo, hi = f.plausible
            assert f.maximum >= hi
            for i in ids:
                v = getattr(get(i), f.name)
                assert v is None or lo <= v <= hi, (i, f.name, v)


@pytest.mark.parametrize(("argv", "needle"), [
    (["cluster", "--hardware", "h100-sxm", "--accelerators", "1024", "--set", "pue=3",
      "--json"], "pue"),
    (["market", "--set", "capex_per_power=500 USD/W", "--json"], "capex_per_power"),
    (["plan", "--set", "speedup_per_year=20", "--json"], "speedup_per_year"),
    (["demand", "--set", "users=2e10", "--json"], "users"),
    (["predict", "--model", "llama3.1-8b", "--hardware", "h100-sxm", "--ttft-max-s", "3600",
      "--json"], "ttft_max_s"),
])
def test_cli_says_an_implausible_input_on_stderr_and_in_json(argv: list[str], needle: str,
                                                             capsys: pytest.CaptureFixture[str],
                                                             ) -> None:
    rc = main(argv)
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "warning" in err and needle in err
    doc = json.loads(out)
    assert any(needle in w for w in doc["warnings"])


def test_user_catalog_value_outside_its_range_warns_and_beyond_the_maximum_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "c.toml"
    p.write_text('[[accelerator]]\nid = "fz"\nbase = "h100-sxm"\nhbm_capacity_bytes = 1e14\n')
    assert main(["--catalog", str(p), "catalog", "show", "fz", "--json"]) == 0
    err = capsys.readouterr().err
    assert "hbm_capacity_bytes" in err and "plausible" in err
    p.write_text('[[accelerator]]\nid = "fz"\nbase = "h100-sxm"\nhbm_capacity_bytes = 1e300\n')
    assert main(["--catalog", str(p), "catalog", "show", "fz", "--json"]) == 2
    err = capsys.readouterr().err
    assert "hbm_capacity_bytes" in err and "<=" in err


#: inputs bounded to [0, 1] (or a wide hard range) whose meaningful range is narrower, each
#: with a value inside the bounds but outside it (issue 15, step 3: these warn now)
NARROWED = [(CLUSTER_INPUTS, "mfu", 0.05), (CLUSTER_INPUTS, "hot_spare_fraction", 0.5),
            (DEMAND_INPUTS, "pretraining_mfu", 0.95), (DEMAND_INPUTS, "post_training_mfu", 0.005),
            (DEMAND_INPUTS, "inference_utilization", 0.05), (PLAN_INPUTS, "utilization", 0.05),
            (MARKET_INPUTS, "load_factor", 0.1), (FACTORY_INPUTS, "pue", 2.5),
            (FACTORY_INPUTS, "reference_pue", 2.5), (FACTORY_INPUTS, "electricity_price", 1e-7),
            (FACTORY_INPUTS, "price", 5e-4), (FACTORY_INPUTS, "cost_of_capital", 0.5),
            (FACTORY_INPUTS, "utilization", 0.05)]


@pytest.mark.parametrize(("s", "name", "odd"), NARROWED,
                         ids=[f"{s.section}.{n}" for s, n, _ in NARROWED])
def test_narrowed_fractions_warn_outside_their_range(s: InputSet, name: str, odd: float) -> None:
    i = s[name]
    assert i.plausible is not None and i.plausible_note.strip()
    assert i._in_bounds(odd) and i.implausible(odd) is not None
    default = i.default if isinstance(i.default, (int, float, Range)) else None
    if default is not None:
        assert i.implausible(default) is None


def test_factory_site_defaults_stay_plausible(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["factory", "--power", "2 GW", "--hardware", "gb200-nvl72", "--json"]) == 0
    assert json.loads(capsys.readouterr().out).get("warnings", []) == []
    assert main(["factory", "--power", "2 GW", "--hardware", "gb200-nvl72", "--set",
                 "cost_of_capital=0.5", "--json"]) == 0
    out, err = capsys.readouterr()
    assert "cost_of_capital" in err and any("cost_of_capital" in w
                                            for w in json.loads(out)["warnings"])
