"""The landscape of a sweep directory (Streamlit): ``tokenfab app --sweep DIR``.

Thin over :mod:`tokenfab.app.sweep_view`: the winner per model x interactivity (the report's
heatmap), the spread of the metric per system, the winners table and a filtered slice of the
rows. Every computation is cached by (directory, manifest time, filters), so changing a
filter re-reads only the table. A bad directory is the library's own message, never a
traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from tokenfab.app import sweep_view as V
from tokenfab.errors import TokenfabError

st.set_page_config(page_title="tokenfab: sweep landscape", page_icon=None, layout="wide")


@st.cache_data(max_entries=8, show_spinner=False)
def _landscape(directory: str, _stamp: float) -> tuple[Any, bytes, bytes]:
    return V.landscape_pngs(Path(directory))


@st.cache_data(max_entries=8, show_spinner=False)
def _axes(directory: str, _stamp: float) -> dict[str, list[Any]]:
    return V.axis_values(Path(directory))


@st.cache_data(max_entries=32, show_spinner=False)
def _rows(directory: str, _stamp: float, filters: V.Filters) -> tuple[pd.DataFrame, int]:
    return V.filtered_rows(Path(directory), filters)


st.title("tokenfab: the landscape of a sweep")
st.caption("Where each system wins across a design-space sweep (tokenfab sweep): the winner "
           "per model x interactivity, the spread of cost per system, and the rows themselves, "
           "read with DuckDB from the sweep's Parquet store.")

with st.sidebar:
    st.header("Sweep")
    typed = st.text_input("Sweep directory", value=os.environ.get(V.ENV, ""),
                          help="a directory written by tokenfab sweep SPEC.toml --out DIR")

try:
    directory = V.check_sweep_dir(typed, field_name="sweep directory")
except TokenfabError as e:
    st.error(str(e))
    st.stop()

key = (str(directory.resolve()), V.stamp(directory))
try:
    with st.spinner("reading the sweep…"):
        land, heat_png, dist_png = _landscape(*key)
        axes = _axes(*key)
except TokenfabError as e:
    st.error(str(e))
    st.stop()

w = land.winners
counts = w["winner"].value_counts()
better = "lowest" if land.lower_is_better else "highest"
c = st.columns(3)
c[0].metric("Cells (model x interactivity)", f"{len(w):,}")
c[1].metric("Systems that win a cell", f"{len(counts):,}")
c[2].metric(f"Most cells won ({better} median {land.metric})",
            f"{counts.index[0]} ({int(counts.iloc[0]):,})" if len(counts) else "none")

st.subheader("Winner per model x interactivity")
st.image(heat_png, caption=f"winner per model x interactivity: workload {land.workload}, "
         f"software {land.software}; text: the winner and its margin over the runner-up")
left, right = st.columns(2)
left.image(dist_png, caption=f"{land.metric} by system: box p25-p75, whiskers p10-p90")
right.dataframe(w, hide_index=True)

st.subheader("Rows")
with st.form("filters"):
    cols = st.columns(len(V.TEXT_AXES))
    chosen = {ax: tuple(cols[i].multiselect(ax.capitalize(), axes[ax], default=[]))
              for i, ax in enumerate(V.TEXT_AXES)}
    targets = [float(t) for t in axes["interactivity_target"]]
    lo, hi = (min(targets), max(targets)) if targets else (0.0, 0.0)
    rng = (st.select_slider("Interactivity target [tok/s/user]", options=targets,
                            value=(lo, hi)) if len(targets) > 1 else (lo, hi))
    feasible_only = st.checkbox("Feasible points only", value=False)
    st.form_submit_button("Apply filters")

filters = V.Filters(values={k: v for k, v in chosen.items() if v},
                    interactivity=(float(rng[0]), float(rng[1])), feasible_only=feasible_only)
df, n = _rows(*key, filters)
st.caption(f"{n:,} matching rows" + (f"; the first {len(df):,} shown" if n > len(df) else ""))
st.dataframe(df, hide_index=True)
st.download_button("Download these rows (CSV)", df.to_csv(index=False),
                   file_name="sweep_rows.csv", mime="text/csv")
