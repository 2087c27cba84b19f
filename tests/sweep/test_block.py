"""A partition's numbers against the public engines called one point at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenfab.catalog import load_catalog
from tokenfab.errors import InfeasibleError
from tokenfab.factory.runner import run_factory
from tokenfab.factory.spec import FactorySection
from tokenfab.perf.serving import pareto
from tokenfab.sweep import evaluate_partition, frontier_at, parse_spec

from .conftest import small_spec

CAT = load_catalog()


@given(st.lists(st.tuples(st.floats(1, 1e3), st.floats(1, 1e5)), min_size=1, max_size=30),
       st.lists(st.floats(0.5, 2e3), min_size=1, max_size=10))
def test_frontier_at_is_a_brute_force_max(points: list[tuple[float, float]],
                                          targets: list[float]) -> None:
    inter = np.array([p[0] for p in points])
    thr = np.array([p[1] for p in points])
    idx = frontier_at(inter, thr, np.array(targets))
    for t, i in zip(targets, idx, strict=True):
        ok = inter >= t
        if not ok.any():
            assert i == -1
        else:
            assert thr[i] == thr[ok].max() and inter[i] >= t


def test_throughput_matches_frontier_throughput_at() -> None:
    spec = parse_spec(small_spec(chain="perf", samples=0) | {"economics": {}})
    df = evaluate_partition(spec, "h100-sxm", "llama3.1-70b", CAT).to_pandas()
    assert len(df) == spec.points_per_partition()
    for wl, inp, outp in (("chat", 1024, 1024), ("rag", 8192, 1024)):
        fr = pareto("llama3.1-70b", "h100-sxm", precision="fp8", input_tokens=inp,
                    output_tokens=outp, catalog=CAT)
        for t in spec.interactivity:
            row = df[(df.workload == wl) & (df.interactivity_target == t)].iloc[0]
            try:
                expect = fr.throughput_at(t)
            except InfeasibleError:
                assert not row.feasible and "no operating point reaches" in row.reason
                assert np.isnan(row.tokens_per_s_per_accelerator)
                continue
            assert row.feasible and pd.isna(row.reason)
            assert row.tokens_per_s_per_accelerator == pytest.approx(expect, rel=1e-12)
            assert row.interactivity_tokens_per_s_per_user >= t


def test_economics_match_run_factory_at_each_point() -> None:
    d = small_spec(samples=0)
    spec = parse_spec(d)
    df = evaluate_partition(spec, "gb200-nvl72", "llama3.1-8b", CAT).to_pandas()
    ok = df[df.feasible]
    assert len(ok) > 0
    for _, row in ok.head(6).iterrows():
        ref = run_factory(FactorySection(
            power=50e6, hardware="gb200-nvl72", model="llama3.1-8b",
            interactivity=row.interactivity_target,
            tokens_per_s_per_accelerator=row.tokens_per_s_per_accelerator,
            electricity_price=row.econ_electricity_price), CAT, samples=0, with_tornado=False)
        for k in ("cost_usd_per_mtok", "revenue_usd_per_year", "tco_usd_per_year",
                  "accelerators", "gross_margin"):
            assert row[k] == pytest.approx(ref.point[k], rel=1e-12), k


def test_infeasible_points_are_kept_with_a_reason() -> None:
    d = small_spec(samples=0)
    d["axes"]["interactivity"] = [20, 1e5]
    spec = parse_spec(d)
    df = evaluate_partition(spec, "h100-sxm", "llama3.1-8b", CAT).to_pandas()
    assert len(df) == spec.points_per_partition()
    fast = df[df.interactivity_target == 1e5]
    assert (~fast.feasible).all() and fast.reason.str.contains("best achievable").all()
    assert fast.cost_usd_per_mtok.isna().all() and fast.tp.isna().all()
    # a site too small for one system: the factory's own reason, every row kept
    d["economics"]["power"] = "10 kW"
    tiny = evaluate_partition(parse_spec(d), "gb200-nvl72", "llama3.1-8b", CAT).to_pandas()
    assert (~tiny.feasible).all() and tiny.reason.str.contains("too small").any()


def test_draws_are_common_random_numbers() -> None:
    d = small_spec(samples=50)
    d["economics"]["utilization"] = {"low": 0.5, "likely": 0.7, "high": 0.9}
    spec = parse_spec(d)
    a = evaluate_partition(spec, "h100-sxm", "llama3.1-8b", CAT).to_pandas()
    b = evaluate_partition(spec, "mi300x", "llama3.1-8b", CAT).to_pandas()
    # the same draw gives the same price in both partitions (token prices are per model, so
    # the common random numbers are checked on one model served by two systems)
    key = ["workload", "interactivity_target", "econ_electricity_price", "draw"]
    m = a[a.feasible].merge(b[b.feasible], on=key)
    assert len(m) > 0
    assert np.allclose(m.price_usd_per_mtok_effective_x, m.price_usd_per_mtok_effective_y)
    # and the draws differ from each other (they are samples, not the likely value)
    assert a.cost_usd_per_mtok.nunique() > 10


def test_software_scale_slows_the_engine() -> None:
    d = small_spec(chain="perf", samples=0) | {"economics": {}}
    d["axes"]["software"] = [{"name": "v5"}, {"name": "v4-era", "scale": {"compute_eff": 0.7,
                                                                          "mem_eff": 0.7}}]
    df = evaluate_partition(parse_spec(d), "h100-sxm", "llama3.1-70b", CAT).to_pandas()
    new = df[(df.software == "v5") & df.feasible].set_index(["workload", "interactivity_target"])
    old = df[(df.software == "v4-era") & df.feasible].set_index(
        ["workload", "interactivity_target"])
    both = new.index.intersection(old.index)
    assert len(both) > 0
    assert (old.loc[both].tokens_per_s_per_accelerator
            < new.loc[both].tokens_per_s_per_accelerator).all()


def test_cluster_chain_matches_evaluate_site() -> None:
    from tokenfab.cluster.site import ClusterSection, evaluate_site

    d = small_spec(chain="perf-factory-cluster", samples=0)
    df = evaluate_partition(parse_spec(d), "h100-sxm", "llama3.1-8b", CAT).to_pandas()
    row = df[df.feasible].iloc[0]
    site = evaluate_site(ClusterSection.model_validate(
        {"hardware": "h100-sxm", "accelerators": int(row.accelerators), "samples": 0,
         "trials": 0}), CAT)
    assert row.cluster_racks == site.racks
    assert row.cluster_mtbf_hours == pytest.approx(site.mtbf_s / 3600.0)
    assert row.cluster_goodput == pytest.approx(site.goodput)
    assert df[~df.feasible].cluster_racks.isna().all()
