"""The dashboard's cache keys (app.logic.DEPENDS / only): a tab keyed by fewer inputs than it
reads would show a stale number, so each key is checked against what the tab computes from."""

from __future__ import annotations

from dataclasses import fields, replace

import pandas as pd

from tokenfab.app import logic as L
from tokenfab.catalog import load_catalog

#: a value for every input, different from its default
CHANGED = L.Inputs(model="llama3.1-70b", hardware="h100-sxm", vs="mi300x", precision="fp8",
                   count=8, input_tokens=2048, output_tokens=512, power_mw=500.0,
                   interactivity=30.0, price_usd_per_mtok=2.0, electricity_usd_per_mwh=90.0,
                   cluster_accelerators=50_000, checkpoint="storage", knowledge_gdp_tusd=60.0,
                   ai_spend_share=0.3, gross_margin=0.4)


def test_every_input_changed_and_every_key_names_real_inputs() -> None:
    names = {f.name for f in fields(L.Inputs)}
    assert all(getattr(CHANGED, n) != getattr(L.Inputs(), n) for n in names)
    for part, deps in L.DEPENDS.items():
        assert set(deps) <= names, part
        key = L.only(CHANGED, part)
        assert all(getattr(key, n) == getattr(CHANGED, n) for n in deps)
        assert all(getattr(key, n) == getattr(L.Inputs(), n) for n in names - set(deps))


def test_the_scenario_sections_depend_only_on_the_keyed_inputs() -> None:
    """factory, market and cluster are computed from their scenario section alone."""
    for part in ("factory", "market", "cluster"):
        assert L.scenario_tables(L.only(CHANGED, part))[part] == \
            L.scenario_tables(CHANGED)[part], part


def test_frontier_and_demand_give_the_same_result_from_their_key() -> None:
    cat = load_catalog()
    pd.testing.assert_frame_equal(L.frontier(L.only(CHANGED, "frontier"), cat),
                                  L.frontier(CHANGED, cat))
    # demand reads the model and the interactivity only: other inputs changed, same rows
    other = replace(L.Inputs(), model=CHANGED.model, interactivity=CHANGED.interactivity)
    a = L.demand(replace(CHANGED), cat, samples=0).rows()
    b = L.demand(other, cat, samples=0).rows()
    assert a == b
