"""``import-spec``, ``catalog diff`` and the source dates shown by ``catalog show``."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import pytest

from tokenfab.catalog import load_catalog
from tokenfab.catalog.age import age_years, source_date
from tokenfab.catalog.diff import diff_catalogs
from tokenfab.catalog.schema import ACCELERATOR_FIELDS, Provenance
from tokenfab.cli import main
from tokenfab.errors import TokenfabError
from tokenfab.importers.spec import import_spec

SPEC = Path(__file__).parent / "fixtures" / "spec"


def test_spec_sheet_reproduces_the_shipped_entry() -> None:
    """The MI355X sheet carries the shipped values: the import must give them back in SI."""
    res = import_spec(SPEC / "mi355x.toml")
    shipped = load_catalog(use_env=False).hardware("mi355x")
    for s in ACCELERATOR_FIELDS:
        if s.type in ("int", "float"):
            assert math.isclose(getattr(res.accelerator, s.name), getattr(shipped, s.name),
                                rel_tol=1e-9), s.name
    assert res.provenance["hbm_bw_bytes_per_s"].kind == "spec"
    assert res.provenance["price_usd"].kind == "estimate"
    assert any("family 'cdna4'" in s for s in res.statement)
    assert any("no measurements" in s for s in res.statement)


def test_sparse_bidir_and_missing_allin_are_derived_or_estimated(tmp_path: Path) -> None:
    text = (SPEC / "mi355x.toml").read_text()
    text = text.replace('fp8_dense = "5.033 PFLOP/s"', 'fp8_sparse = "10.066 PFLOP/s"')
    text = text.replace('scaleup_bandwidth_unidir = "538 GB/s"', 'scaleup_bandwidth_bidir = "1076 GB/s"')
    text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("allin_power"))
    (tmp_path / "s.toml").write_text(text)
    res = import_spec(tmp_path / "s.toml")
    assert res.accelerator.fp8_dense_flops_per_s == pytest.approx(5.033e15)
    assert res.provenance["fp8_dense_flops_per_s"].kind == "derived"
    assert res.accelerator.scaleup_bw_bytes_per_s_unidir == pytest.approx(5.38e11)
    p = res.provenance["allin_power_w"]
    assert p.kind == "estimate" and "mi355x" in p.note
    assert res.accelerator.allin_power_w > res.accelerator.tdp_w


@pytest.mark.parametrize(("edit", "needle"), [
    (("tdp = ", "tdpp = "), "did you mean 'tdp'"),
    (('family = "cdna4"', 'family = "cdna9"'), "family must be one of"),
    (('hbm_capacity = "288 GB"', 'hbm_capacity = "288 parsecs"'), "hbm_capacity"),
    (('hbm_capacity = "288 GB"', ""), "missing 'hbm_capacity'"),
    (("[spec]", "[specs]"), "exactly one [spec] table"),
])
def test_bad_spec_sheets_exit_2(tmp_path: Path, capsys, edit, needle) -> None:
    text = (SPEC / "mi355x.toml").read_text().replace(*edit)
    (tmp_path / "s.toml").write_text(text)
    with pytest.raises(TokenfabError, match="s.toml"):
        import_spec(tmp_path / "s.toml")
    assert main(["catalog", "import-spec", str(tmp_path / "s.toml")]) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err


def test_import_spec_cli_output_loads_and_diffs(tmp_path: Path, capsys) -> None:
    out = tmp_path / "mine.toml"
    assert main(["catalog", "import-spec", str(SPEC / "mi355x.toml"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "calibration: family 'cdna4'" in err and "no measurements" in err
    cat = load_catalog([out], use_env=False)
    assert cat.hardware("mi355x-sheet").family == "cdna4"
    changes = diff_catalogs(load_catalog(use_env=False), cat)
    assert [(c.id, c.status) for c in changes] == [("mi355x-sheet", "added")]
    assert main(["catalog", "diff", str(out), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["status"] == "added" and rows[0]["id"] == "mi355x-sheet"


def test_diff_reports_changed_values_and_sources(tmp_path: Path, capsys) -> None:
    f = tmp_path / "o.toml"
    f.write_text('[[accelerator]]\nid = "h100-sxm"\nbase = "h100-sxm"\n'
                 'price_usd = { value = 30000, kind = "estimate", source = "https://q.example" }\n'
                 'tdp_w = 700\n')
    changes = diff_catalogs(load_catalog(use_env=False), load_catalog([f], use_env=False))
    by_field = {c.field: c for c in changes}
    assert by_field["price_usd"].status == "changed"
    assert by_field["price_usd"].rel_change == pytest.approx(30000 / 27500 - 1)
    assert by_field["tdp_w"].status == "source"  # same 700 W, now from the user file
    assert main(["catalog", "diff", str(f)]) == 0
    assert "price_usd" in capsys.readouterr().out
    assert main(["catalog", "diff"]) == 2
    assert "no user catalog" in capsys.readouterr().err


def test_source_dates() -> None:
    assert source_date(Provenance("spec", "x", date="2025-06-12")) == "2025-06-12"
    assert source_date(Provenance("spec", "DeepSeek-V3 arXiv:2412.19437")) == "2024-12"
    assert source_date(Provenance("spec", "https://a.b/2024/10/03/news")) == "2024-10-03"
    mlperf = ("https://github.com/mlcommons/inference_results_v5.1/blob/main/closed/NVIDIA/x.json"
              " ; https://github.com/mlcommons/inference_results_v4.1/blob/main/y.json")
    assert source_date(Provenance("spec", mlperf)) == "2025-09-09"  # the newest source
    assert source_date(Provenance("spec", "https://example.org/undated")) == ""
    assert age_years("2025-12", date(2026, 12, 1)) == pytest.approx(1.0, abs=0.01)
    assert age_years("") is None


def test_show_lists_dates(capsys) -> None:
    assert main(["catalog", "show", "deepseek-v3", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["sources"]["layers"]["date"] == "2024-12"
    assert main(["catalog", "show", "deepseek-v3"]) == 0
    assert "2024-12" in capsys.readouterr().out


def test_user_catalog_status_is_one_of_the_allowed_values(tmp_path: Path) -> None:
    """``status`` is an enumeration (shipping | cloud-only | announced), not free text: the
    fuzz run (seed 20000) found '1e30 GW' accepted as a status."""
    from tokenfab.catalog import load_catalog

    p = tmp_path / "c.toml"
    p.write_text('[[accelerator]]\nid = "fz"\nbase = "h100-sxm"\nstatus = "1e30 GW"\n')
    with pytest.raises(TokenfabError, match="status must be one of shipping, cloud-only, "
                                            "announced, got '1e30 GW'"):
        load_catalog([p], use_env=False)
    p.write_text('[[accelerator]]\nid = "fz"\nbase = "h100-sxm"\nstatus = "announced"\n')
    assert load_catalog([p], use_env=False).hardware("fz").status == "announced"
