"""Out-of-sample accuracy: grouped cross-validation, the era fit and calibrated intervals."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tokenfab.cli import main
from tokenfab.perf.era import (
    ERA,
    EXTRAPOLATE_YEARS,
    NEUTRAL,
    fit_era,
    load_era,
    parse_date,
    speed_range,
)
from tokenfab.perf.fit import PUBLIC_FILES, fit_public
from tokenfab.perf.validate import fit_cases, prepare, score

needs_data = pytest.mark.skipif(not all(p.exists() for p in PUBLIC_FILES),
                                reason="validation/public not present")


@pytest.fixture(scope="module")
def cases():
    if not all(p.exists() for p in PUBLIC_FILES):
        pytest.skip("validation/public not present")
    cs, skipped = prepare(list(PUBLIC_FILES))
    assert skipped == []
    return cs


@needs_data
def test_leave_one_round_out_median_below_20_percent(cases):
    res = score(cases, cv="round")
    assert res.median_abs_pct_error <= 20.0, [f for f in res.folds]
    # every row is held out exactly once
    assert len(res.rows) == len(cases)


@needs_data
@pytest.mark.parametrize("key", ["submitter", "accelerator", "model"])
def test_other_groupings_below_20_percent(cases, key):
    assert score(cases, cv=key).median_abs_pct_error <= 20.0


@needs_data
def test_intervals_cover_about_80_percent_under_cv(cases):
    for key in ("round", "accelerator"):
        cov = score(cases, cv=key).coverage_80
        assert 0.70 <= cov <= 0.92, (key, cov)


@needs_data
def test_held_out_rows_never_enter_their_fit(cases):
    """Changing the measured values of a held-out round leaves its predictions unchanged."""
    held = "MLPerf Inference v5.0"
    base = {r["id"]: r["predicted"] for r in score(cases, cv="round").rows
            if r["round"] == held}
    moved = [replace(c, measured=c.measured * 3.0) if c.round == held else c for c in cases]
    again = {r["id"]: r["predicted"] for r in score(moved, cv="round").rows
             if r["round"] == held}
    assert base == pytest.approx(again)
    # while an in-sample fit does move
    assert fit_cases(moved).to_dict() != fit_cases(cases).to_dict()


@needs_data
def test_shipped_fit_is_reproducible():
    """src/tokenfab/perf/data/era_fit.json is what python -m tokenfab.perf.fit writes."""
    new, old = fit_public().to_dict(), load_era().to_dict()
    assert new["families"].keys() == old["families"].keys()
    for fam, term in new["families"].items():
        for k, v in term.items():
            assert v == pytest.approx(old["families"][fam][k], rel=1e-9, abs=1e-12), (fam, k)


def test_fit_recovers_a_known_trend():
    # residuals generated from a = 0.1, b = 0.2/yr for one family: the fit finds them
    t = np.linspace(2024.0, 2026.0, 40)
    r = 0.1 + 0.2 * (t - 2025.5)
    fit = fit_era(["hopper"] * 40, t, r)
    term = fit.term("hopper")
    # (the pooled slope carries a ridge prior of one row toward no trend: a small bias)
    assert term.a == pytest.approx(0.1, abs=0.01) and term.b == pytest.approx(0.2, abs=0.02)
    # the trend runs on for EXTRAPOLATE_YEARS past the last result, then is held
    assert fit.speed("hopper", 2030.0) == pytest.approx(
        fit.speed("hopper", 2026.0 + EXTRAPOLATE_YEARS))
    assert fit.speed("hopper", 2020.0) == pytest.approx(fit.speed("hopper", 2024.0))
    assert fit.speed("hopper") == pytest.approx(np.exp(term.a + term.b * 0.5), rel=1e-9)


def test_outlier_is_down_weighted():
    t = np.full(20, 2025.5)
    r = np.zeros(20)
    r[0] = 3.0  # one row 20x off
    fit = fit_era(["blackwell"] * 20, t, r)
    assert abs(fit.term("blackwell").a) < 0.05


def test_speed_range_widens_outside_the_fitted_span():
    fit = fit_era(["hopper"] * 10, np.linspace(2024.0, 2025.0, 10),
                  0.3 * (np.linspace(2024.0, 2025.0, 10) - 2025.5))
    inside = speed_range(fit, "hopper", 2024.5)
    later = speed_range(fit, "hopper", 2027.0)
    assert later.high - later.low > inside.high - inside.low


def test_parse_date():
    assert parse_date("2025-07") == 2025.5
    assert parse_date("2025") == 2025.0
    assert parse_date("2026-04-01") == pytest.approx(2026.0 + 90 / 365)


@pytest.mark.parametrize("bad", ["2025-13", "yesterday", "1999-01", "2025-02-30"])
def test_bad_software_date_is_exit_2(bad, capsys):
    assert main(["predict", "--model", "llama2-70b", "--hardware", "h100-sxm",
                 "--software-date", bad]) == 2
    assert "software-date" in capsys.readouterr().err


def test_software_date_moves_the_prediction_monotonically():
    from tokenfab.perf import predict

    old = predict("llama2-70b", "h100-sxm", 8, software_date="2024-03", interval=False)
    new = predict("llama2-70b", "h100-sxm", 8, software_date="2025-09", interval=False)
    dflt = predict("llama2-70b", "h100-sxm", 8, interval=False)
    b = ERA.term("hopper/dense").b
    if b > 0:
        assert old.output_tokens_per_s_per_accelerator < new.output_tokens_per_s_per_accelerator
    from tokenfab.perf.era import format_date

    assert dflt.software_date == format_date(ERA.latest("hopper/dense"))
    # offline throughput is proportional to the software speed
    ratio = new.output_tokens_per_s_per_accelerator / old.output_tokens_per_s_per_accelerator
    expect = (ERA.speed("hopper/dense", parse_date("2025-09"))
              / ERA.speed("hopper/dense", parse_date("2024-03")))
    assert ratio == pytest.approx(expect, rel=1e-6)


def test_neutral_fit_is_speed_one():
    assert NEUTRAL.speed("hopper", 2024.0) == 1.0


def test_cli_validate_cv_json(tmp_path, capsys):
    if not PUBLIC_FILES[0].exists():
        pytest.skip("validation/public not present")
    assert main(["validate", "--data", str(PUBLIC_FILES[0]), "--cv", "round", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["cv"] == "round" and 0.0 <= out["coverage_80"] <= 1.0
    row = out["rows"][0]
    assert row["predicted_p10"] <= row["predicted"] <= row["predicted_p90"]
    assert {f["group"] for f in out["folds"]} == {r["round"] for r in out["rows"]}
    assert main(["validate", "--data", str(PUBLIC_FILES[0]), "--cv", "colour"]) == 2


def test_repo_copies_match_the_readme_hashes():
    import hashlib

    readme = (Path(PUBLIC_FILES[0]).parent / "README.md").read_text()
    for p in PUBLIC_FILES[:2]:
        if p.exists():
            assert hashlib.sha256(p.read_bytes()).hexdigest() in readme


# -- the targets on the two public MLPerf files, under every cv key ----------------
MLPERF_FILES = PUBLIC_FILES[:2]  # validation/public: measured_inference.csv, mlperf_v6_0.csv


@pytest.fixture(scope="module")
def mlperf_cases():
    if not all(p.exists() for p in MLPERF_FILES):
        pytest.skip("validation/public not present")
    cs, skipped = prepare(list(MLPERF_FILES))
    assert skipped == []
    return cs


@needs_data
@pytest.mark.parametrize("key", ["round", "submitter", "accelerator", "model"])
def test_held_out_targets_per_family_model_and_coverage(mlperf_cases, key):
    """Issue 14 targets, held out by ``key``: median <= 15 %, no family and no model above
    25 %, 80 % intervals covering 75-85 % of the held-out rows."""
    res = score(mlperf_cases, cv=key)
    d = res.to_dict()
    assert res.median_abs_pct_error <= 15.0, (key, res.median_abs_pct_error)
    worst_family = max(d["by_family"].items(), key=lambda kv: kv[1])
    worst_model = max(d["by_model"].items(), key=lambda kv: kv[1])
    assert worst_family[1] <= 25.0, (key, worst_family)
    assert worst_model[1] <= 25.0, (key, worst_model)
    assert 0.75 <= res.coverage_80 <= 0.85, (key, res.coverage_80)


@needs_data
def test_held_out_model_is_unseen_by_its_fold_fit(mlperf_cases):
    """Under cv=model the fold's fit has not seen the held-out model, so its interval adds
    the between-model spread fitted on the other models."""
    train = [c for c in mlperf_cases if c.model_id != "deepseek-r1"]
    fit = fit_cases(train)
    assert "deepseek-r1" not in fit.models and "llama2-70b" in fit.models
    assert fit.model_sigma > 0
    seen = speed_range(fit, "blackwell/moe", None, "gpt-oss-120b")
    unseen = speed_range(fit, "blackwell/moe", None, "deepseek-r1")
    assert (unseen.high - unseen.low) > (seen.high - seen.low)


def test_software_share_splits_a_generation_gain():
    """perf.era.software_share: software gain exp(b years) from the fitted trend; its log
    share of the total; bad input is a TokenfabError."""
    import math

    from tokenfab.errors import TokenfabError
    from tokenfab.perf.era import ERA, software_share

    b = ERA.term("blackwell/moe").b
    s = software_share(10.0, 4.0)
    assert s.software_gain == pytest.approx(math.exp(4.0 * b))
    assert s.total_gain == pytest.approx(10.0 * s.software_gain)
    assert s.software_share == pytest.approx(4.0 * b / math.log(s.total_gain))
    assert 0.0 < s.software_share < 1.0
    # more years of software, a larger share of a fixed hardware gain
    assert software_share(10.0, 8.0).software_share > s.software_share
    for bad in (dict(hardware_gain=0.0, years=1.0), dict(hardware_gain=2.0, years=-1.0)):
        with pytest.raises(TokenfabError):
            software_share(**bad)
