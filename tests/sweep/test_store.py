"""The results store: manifest, checksums, atomic files, resume, errors recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

import tokenfab.sweep.store as store_mod
from tokenfab.errors import TokenfabError
from tokenfab.sweep import Store, landscape, open_sweep, parse_spec, query, run_sweep
from tokenfab.sweep.spec import SweepSpec
from tokenfab.sweep.store import catalog_hash, partition_key, run_partition, sha256_file

from .conftest import KEY, rows, small_spec


def test_manifest_records_everything(serial_dir: Path, spec: SweepSpec) -> None:
    m = json.loads((serial_dir / "manifest.json").read_text())
    assert m["spec_digest"] == spec.digest() and m["spec"] == spec.to_dict()
    assert m["catalog_hash"] == catalog_hash() and m["tokenfab_version"]
    assert set(m["partitions"]) == {partition_key(h, mo) for h, mo in spec.partitions()}
    for key, rec in m["partitions"].items():
        f = serial_dir / "parts" / f"{key}.parquet"
        assert rec["sha256"] == sha256_file(f) and rec["rows"] == spec.points_per_partition()
    assert m["errors"] == {}
    assert not list((serial_dir / "parts").glob(".tmp-*"))


def test_every_row_once(serial_rows: pd.DataFrame, spec: SweepSpec) -> None:
    assert len(serial_rows) == spec.total_points()
    assert not serial_rows.duplicated(KEY + ["econ_electricity_price"]).any()


def test_refuses_to_overwrite_and_resume_checks_the_spec(serial_dir: Path, tmp_path: Path,
                                                         spec: SweepSpec) -> None:
    with pytest.raises(TokenfabError, match="--resume"):
        run_sweep(spec, serial_dir, workers=0)
    other = parse_spec(small_spec(seed=8))
    with pytest.raises(TokenfabError, match="different sweep"):
        run_sweep(other, serial_dir, workers=0, resume=True)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x").write_text("x")
    with pytest.raises(TokenfabError, match="not an empty directory"):
        run_sweep(spec, tmp_path / "junk", workers=0)


def test_resume_skips_finished_and_redoes_corrupt(tmp_path: Path, spec: SweepSpec,
                                                  serial_rows: pd.DataFrame) -> None:
    out = tmp_path / "s"
    run_sweep(spec, out, workers=0)
    files = sorted((out / "parts").glob("*.parquet"))
    stamps = {f.name: f.stat().st_mtime_ns for f in files}
    files[0].write_bytes(files[0].read_bytes()[:-20])  # a damaged file: checksum mismatch
    r = run_sweep(spec, out, workers=0, resume=True)
    assert (r.computed_partitions, r.skipped_partitions) == (1, len(files) - 1)
    for f in files[1:]:
        assert f.stat().st_mtime_ns == stamps[f.name]  # finished work untouched
    pd.testing.assert_frame_equal(rows(out), serial_rows)


def test_resume_adopts_files_the_manifest_missed(tmp_path: Path, spec: SweepSpec,
                                                 serial_rows: pd.DataFrame) -> None:
    """A driver killed between a worker's rename and the manifest update loses nothing."""
    out = tmp_path / "s"
    Store.prepare(out, spec, resume=False)
    hw, model = spec.partitions()[0]
    r = run_partition(spec, hw, model, str(out))
    assert r.ok
    stamp = (out / "parts" / f"{r.key}.parquet").stat().st_mtime_ns
    res = run_sweep(spec, out, workers=0, resume=True)
    assert res.skipped_partitions == 1
    assert (out / "parts" / f"{r.key}.parquet").stat().st_mtime_ns == stamp
    pd.testing.assert_frame_equal(rows(out), serial_rows)


def test_a_failing_task_is_recorded_and_the_sweep_goes_on(
        tmp_path: Path, spec: SweepSpec, monkeypatch: pytest.MonkeyPatch,
        serial_rows: pd.DataFrame) -> None:
    real = store_mod.partition_chunks

    def flaky(s: SweepSpec, hardware: str, model: str) -> Any:
        if hardware == "mi300x" and model == "llama3.1-8b":
            raise RuntimeError("boom")
        return real(s, hardware, model)

    monkeypatch.setattr(store_mod, "partition_chunks", flaky)
    out = tmp_path / "s"
    res = run_sweep(spec, out, workers=0)
    key = partition_key("mi300x", "llama3.1-8b")
    assert list(res.failed) == [key] and "RuntimeError: boom" in res.failed[key]
    assert res.computed_partitions == len(spec.partitions()) - 1
    m = json.loads((out / "manifest.json").read_text())
    assert "boom" in m["errors"][key]["error"] and "Traceback" in m["errors"][key]["traceback"]
    assert not (out / "parts" / f"{key}.parquet").exists()
    monkeypatch.setattr(store_mod, "partition_chunks", real)
    res = run_sweep(spec, out, workers=0, resume=True)
    assert res.computed_partitions == 1 and not res.failed
    assert json.loads((out / "manifest.json").read_text())["errors"] == {}
    pd.testing.assert_frame_equal(rows(out), serial_rows)


def test_partition_files_carry_the_spec_digest(serial_dir: Path, spec: SweepSpec) -> None:
    f = next((serial_dir / "parts").glob("*.parquet"))
    kv = pq.read_metadata(f).metadata
    assert kv[b"tokenfab.sweep.spec_digest"] == spec.digest().encode()


def test_query_open_and_landscape(serial_dir: Path, serial_rows: pd.DataFrame) -> None:
    rel = open_sweep(serial_dir)
    assert len(rel.df()) == len(serial_rows)
    assert rel.filter("feasible").aggregate("count(*)").fetchall()[0][0] == serial_rows.feasible.sum()
    df = query(serial_dir, "SELECT hardware, count(*) AS n FROM sweep WHERE NOT feasible "
               "GROUP BY hardware ORDER BY hardware")
    assert df.n.sum() == (~serial_rows.feasible).sum()
    with pytest.raises(TokenfabError) as e:
        query(serial_dir, "SELECT nope FROM sweep")
    assert e.value.field == "SQL"
    # the landscape's winner, recomputed with pandas
    land = landscape(serial_dir)
    ok = serial_rows[serial_rows.feasible & (serial_rows.workload == "chat")]
    med = ok.groupby(["model", "interactivity_target", "hardware", "precision"])[
        "cost_usd_per_mtok"].median().groupby(level=[0, 1, 2]).min()
    for (model, t), grp in med.groupby(level=[0, 1]):
        w = land.winners[(land.winners.model == model) & (land.winners.interactivity_target == t)]
        assert w.winner.iloc[0] == grp.idxmin()[2]
        assert w.best.iloc[0] == pytest.approx(grp.min())
        if len(grp) > 1:
            assert w.margin.iloc[0] == pytest.approx(sorted(grp)[1] / grp.min())
    assert set(land.distribution.hardware) == set(ok.hardware)
    assert (land.distribution.p10 <= land.distribution.p90).all()


def test_report_sweep_section(serial_dir: Path, tmp_path: Path) -> None:
    from tokenfab.cli import main

    assert main(["report", "--sweep", str(serial_dir), "--only", "sweep", "-o",
                 str(tmp_path / "r"), "--json"]) == 0
    sec = json.loads((tmp_path / "r" / "report.json").read_text())["sections"][0]
    assert sec["key"] == "sweep" and sec["error"] is None
    assert sec["verdict"] in ("supported", "partly supported", "not supported")
    assert all(f.get("error") is None for f in sec["figures"])
    assert main(["report", "--sweep", str(tmp_path), "--only", "sweep", "-o",
                 str(tmp_path / "r2")]) == 2
    # a name longer than the file system allows is a message too, not an OSError
    assert main(["report", "--sweep", "a" * 5000, "--only", "sweep", "-o",
                 str(tmp_path / "r3")]) == 2


def test_a_partition_streams_to_its_file_one_economics_chunk_at_a_time(
        serial_dir: Path, spec: SweepSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file holds one row group per economics combination (written before the next was
    computed), and the same rows as the partition evaluated whole."""
    from tokenfab.sweep import evaluate_partition

    f = serial_dir / "parts" / f"{partition_key('h100-sxm', 'llama3.1-70b')}.parquet"
    md = pq.read_metadata(f)
    combos = len(spec.economics_combinations())
    assert combos == 2 and md.num_row_groups == combos
    whole = evaluate_partition(spec, "h100-sxm", "llama3.1-70b").to_pandas()
    pd.testing.assert_frame_equal(pq.read_table(f).to_pandas(), whole)
    # the writer asks for the next chunk only after writing the previous one
    seen: list[int] = []
    real = store_mod.partition_chunks

    def spy(s: SweepSpec, hardware: str, model: str) -> Any:
        for chunk in real(s, hardware, model):
            seen.append(chunk.num_rows)
            yield chunk
            assert len(seen) == 1 or seen[-1] > 0

    monkeypatch.setattr(store_mod, "partition_chunks", spy)
    (tmp := serial_dir.parent / "one" / "parts").mkdir(parents=True)
    r = run_partition(spec, "h100-sxm", "llama3.1-70b", str(tmp.parent))
    assert r.ok and seen == [spec.points_per_partition() // combos] * combos


def test_the_manifest_is_rewritten_at_most_every_half_second(tmp_path: Path, spec: SweepSpec,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             serial_rows: pd.DataFrame) -> None:
    """Not once per partition (O(partitions^2) bytes on a big sweep); the end of the run
    records everything."""
    saves: list[int] = []
    real = Store.save

    def counting(self: Store) -> None:
        saves.append(len(self.manifest.partitions))
        real(self)

    monkeypatch.setattr(Store, "save", counting)
    monkeypatch.setattr(store_mod, "SAVE_EVERY_S", 3600.0)
    out = tmp_path / "s"
    run_sweep(spec, out, workers=0)
    # prepare (an empty manifest), then once at the end of the run
    assert saves == [0, len(spec.partitions())]
    pd.testing.assert_frame_equal(rows(out), serial_rows)
