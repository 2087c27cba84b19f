"""tokenfab dashboard (Streamlit): ``tokenfab app``.

Thin over the library: the sidebar collects :class:`tokenfab.app.logic.Inputs`; each tab calls
one function of :mod:`tokenfab.app.logic` (which calls the library's public API) and shows the
numbers and a chart. Bad input or an unreachable service level is shown as the library's own
message, never a traceback.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import streamlit as st

from tokenfab import display
from tokenfab.app import logic as L
from tokenfab.catalog import load_catalog
from tokenfab.errors import TokenfabError
from tokenfab.factory.inputs import input_label as factory_input_label
from tokenfab.report import figures as F

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

st.set_page_config(page_title="tokenfab: the AI factory, checked", page_icon=None, layout="wide")


@st.cache_resource
def _catalog() -> Any:
    return load_catalog()


# Each tab is cached by the inputs it reads (L.only / L.DEPENDS), so changing one input
# recomputes only the tabs that read it. Results that pickle are cached with st.cache_data
# (a copy per rerun, nothing shared can be mutated); the factory and cluster results hold
# pydantic sections built at run time, which do not pickle, so they use st.cache_resource
# (shared, never mutated here).
@st.cache_data(max_entries=64, show_spinner=False)
def _frontier_of(key: L.Inputs) -> Any:
    return L.frontier(key, _catalog())


@st.cache_resource(max_entries=64, show_spinner=False)
def _factory_of(key: L.Inputs) -> Any:
    return L.factory(key, _catalog())


@st.cache_data(max_entries=32, show_spinner=False)
def _market_of(key: L.Inputs) -> Any:
    return L.market(key, _catalog())


@st.cache_resource(max_entries=32, show_spinner=False)
def _cluster_of(key: L.Inputs) -> Any:
    return L.cluster(key, _catalog())


@st.cache_data(max_entries=32, show_spinner=False)
def _demand_of(key: L.Inputs) -> Any:
    return L.demand(key, _catalog())


def _frontier(inp: L.Inputs) -> Any:
    return _frontier_of(L.only(inp, "frontier"))


def _factory(inp: L.Inputs) -> Any:
    return _factory_of(L.only(inp, "factory"))


def _market(inp: L.Inputs) -> Any:
    return _market_of(L.only(inp, "market"))


def _cluster(inp: L.Inputs) -> Any:
    return _cluster_of(L.only(inp, "cluster"))


def _demand(inp: L.Inputs) -> Any:
    return _demand_of(L.only(inp, "demand"))


@st.cache_data(max_entries=128, show_spinner=False)
def _chart(name: str, *args: Any, **kwargs: Any) -> bytes:
    """``report.figures.<name>(*args, **kwargs)`` as PNG, cached by its arguments (a chart
    whose data did not change is not drawn again)."""
    return _png(getattr(F, name)(*args, **kwargs))


@st.cache_data(max_entries=32, show_spinner=False)
def _market_png(key: L.Inputs) -> bytes:
    from tokenfab.report.figures.market import waterfall_figure

    buf = io.BytesIO()
    waterfall_figure(_market_of(key), buf)
    return buf.getvalue()


@st.cache_data(max_entries=32, show_spinner=False)
def _goodput_curves(key: L.Inputs) -> dict[str, Any]:
    from tokenfab.cluster.site import ClusterSection, goodput_vs_size
    from tokenfab.scenario import validate_section

    sec = validate_section(ClusterSection, L.scenario_tables(key)["cluster"], prefix="cluster")
    sizes = np.unique(np.round(np.logspace(3, np.log10(max(2 * key.cluster_accelerators,
                                                            1e6)), 30)))
    curves = {}
    for mode in ("storage", "memory"):
        jobs, g = goodput_vs_size(sec, sizes, _catalog(), checkpoint=mode)
        curves[f"{mode} checkpoints"] = (jobs, g)
    return curves


def _png(fig: Any) -> bytes:
    return F.to_png(fig, dpi=100)


def _usd(x: float) -> str:
    from tokenfab.report.section import format_value

    return format_value(float(x), "USD")


def _scale_of(output: str) -> tuple[float, str]:
    """Display scale and unit of a factory output name (its unit is in its name)."""
    if output.endswith("usd_per_year"):
        return 1e9, "USD bn/yr"
    if output.endswith("usd_per_accelerator"):
        return 1e3, "USD k"
    return 1.0, ""


def _run(label: str, fn: Any, inp: L.Inputs) -> Any:
    """Call a computation; a TokenfabError becomes a visible message (and None)."""
    try:
        with st.spinner(f"computing {label}…"):
            return fn(inp)
    except TokenfabError as e:
        st.error(f"{label}: {e}")
        return None
    except Exception as e:  # a bug in a model: say where, keep the other tabs working
        st.error(f"{label} failed ({type(e).__name__}: {e}); please report it")
        return None


cat = _catalog()
defaults = L.default_inputs(cat)
hw_ids = list(cat.hardware_ids)
model_ids = list(cat.model_ids)

st.title("tokenfab: the AI factory, checked")
st.caption("First-principles models of LLM inference, factory economics, demand, the market and "
           "large clusters, every number from a sourced catalog. Change an input on the left; "
           "every tab updates.")

with st.sidebar:
    st.header("Inputs")
    model = st.selectbox("Model", model_ids, index=model_ids.index(defaults.model))
    hardware = st.selectbox("Hardware", hw_ids, index=hw_ids.index(defaults.hardware))
    vs_choice = st.selectbox("Compare with", ["(none)", *hw_ids],
                             index=1 + hw_ids.index(defaults.vs))
    precision = st.selectbox("Precision", ["native", "fp4", "fp8", "bf16"], index=0,
                             help="native: the narrowest format the hardware runs natively")
    count = st.number_input("Accelerators per deployment (0: the engine chooses)", min_value=0,
                            max_value=100_000, value=0, step=8)
    c1, c2 = st.columns(2)
    input_tokens = c1.number_input("Input tokens", min_value=1, max_value=1_000_000,
                                   value=defaults.input_tokens, step=256)
    output_tokens = c2.number_input("Output tokens", min_value=1, max_value=100_000,
                                    value=defaults.output_tokens, step=256)
    power_mw = st.number_input("Site power [MW]", min_value=1.0, max_value=20_000.0,
                               value=float(defaults.power_mw), step=100.0)
    interactivity = st.slider("Interactivity [tokens/s per user]", min_value=5, max_value=1000,
                              value=int(defaults.interactivity), step=5)
    price = st.number_input("Token price [USD per million tokens]", min_value=0.001,
                            max_value=1000.0, value=float(defaults.price_usd_per_mtok), step=0.1,
                            format="%.3f",
                            help="reference price; the factory model scales it with interactivity")
    electricity = st.number_input("Electricity [USD/MWh]", min_value=0.0, max_value=2000.0,
                                  value=float(defaults.electricity_usd_per_mwh), step=5.0)
    # a form: the market's Monte Carlo and the cluster model rerun once, on "Apply"
    with st.expander("Market and cluster"), st.form("market_cluster", border=False):
        knowledge_gdp = st.number_input("Knowledge-work GDP [USD trillion]", min_value=1.0,
                                        max_value=200.0, value=float(defaults.knowledge_gdp_tusd))
        ai_share = st.slider("AI spend per knowledge worker [share of pay]", 0.01, 1.0,
                             float(defaults.ai_spend_share), 0.01)
        margin = st.slider("Gross margin of token services", 0.0, 0.95,
                           float(defaults.gross_margin), 0.05)
        cluster_n = st.number_input("Cluster accelerators", min_value=1_000, max_value=2_000_000,
                                    value=int(defaults.cluster_accelerators), step=10_000)
        checkpoint = st.selectbox("Checkpoints", ["memory", "storage"], index=0)
        st.form_submit_button("Apply market and cluster inputs")

inp = L.Inputs(model=model, hardware=hardware, vs="" if vs_choice == "(none)" else vs_choice,
               precision=precision, count=int(count), input_tokens=int(input_tokens),
               output_tokens=int(output_tokens), power_mw=float(power_mw),
               interactivity=float(interactivity), price_usd_per_mtok=float(price),
               electricity_usd_per_mwh=float(electricity), cluster_accelerators=int(cluster_n),
               checkpoint=checkpoint, knowledge_gdp_tusd=float(knowledge_gdp),
               ai_spend_share=float(ai_share), gross_margin=float(margin))

with st.sidebar:
    # rendered before any computation, so it always matches the inputs on screen
    st.download_button("Download the scenario (TOML)", L.scenario_toml(inp),
                       file_name="tokenfab_scenario.toml", mime="application/toml",
                       help="loads unchanged with tokenfab factory|cluster|market FILE")

results: dict[str, Any] = {"inputs": inp.to_dict()}
t_front, t_fact, t_dem, t_mkt, t_clu = st.tabs(
    ["Frontier", "Factory P&L", "Demand", "Market layers", "Cluster goodput"])

with t_front:
    df = _run("frontier", _frontier, inp)
    if df is not None:
        results["frontier"] = df
        cols = st.columns(max(df["hardware"].nunique(), 1) * 2)
        gpu, mw = {}, {}
        for i, (hw, g) in enumerate(df.groupby("hardware", sort=False)):
            x = g["interactivity_tokens_per_s_per_user"].to_numpy()
            gpu[hw] = (x, g["output_tokens_per_s_per_accelerator"].to_numpy())
            mw[hw] = (x, g["tokens_per_s_per_mw"].to_numpy())
            ok = g[g["interactivity_tokens_per_s_per_user"] >= inp.interactivity]
            if ok.empty:
                cols[2 * i].metric(f"{hw}: tokens/s per GPU", "not reachable",
                                   help=f"best {display.number(x.max())} tokens/s per user")
                continue
            best = ok.loc[ok["output_tokens_per_s_per_accelerator"].idxmax()]
            cols[2 * i].metric(f"{hw}: tokens/s per GPU",
                               display.number(best['output_tokens_per_s_per_accelerator']))
            cols[2 * i + 1].metric(f"{hw}: tokens/s per MW",
                                   display.number(best['tokens_per_s_per_mw']))
        st.image(_chart("frontier_pair", gpu, mw, marker_x=inp.interactivity,
                                      title=f"{inp.model}, {inp.input_tokens} in / "
                                      f"{inp.output_tokens} out"),
                 caption="Pareto frontier: tokens/s per GPU and per MW of all-in power vs "
                 "tokens/s per user (dashed: the interactivity you picked).")
        st.dataframe(display.table_rows(df), hide_index=True)  # CSV below: the raw numbers
        st.download_button("Download the frontier (CSV)", df.to_csv(index=False),
                           file_name="frontier.csv", mime="text/csv")

with t_fact:
    fr = _run("factory", _factory, inp)
    if fr is not None:
        results["factory"] = fr
        p = fr.point
        c: Sequence[DeltaGenerator] = st.columns(6)  # each tab sets its own number of columns
        c[0].metric("Accelerators", display.count(p['accelerators']))
        c[1].metric("Revenue per year", _usd(p["revenue_usd_per_year"]))
        c[2].metric("TCO per year", _usd(p["tco_usd_per_year"]))
        c[3].metric("Profit per year", _usd(p["profit_usd_per_year"]))
        c[4].metric("Cost per million tokens", display.money(p['cost_usd_per_mtok']))
        pb = p["payback_years"]
        c[5].metric("Payback", display.years(pb))
        steps = [("revenue", p["revenue_usd_per_year"]), ("opex", -p["opex_usd_per_year"]),
                 ("capital charge", -p["capital_charge_usd_per_year"])]
        left, right = st.columns(2)
        left.image(_chart("waterfall", steps, total_label="profit", ylabel="USD bn per year",
                                    title=f"{inp.hardware}, {inp.power_mw:g} MW: yearly P&L",
                                    scale=1e9))
        if fr.bars:
            scale, unit = _scale_of(fr.tornado_output)
            # inputs in words, as plain tuples (the cached chart hashes its arguments)
            bars = [(factory_input_label(b.name), b.output_at_low, b.output_at_high)
                    for b in fr.bars]
            right.image(_chart("tornado", bars, base=fr.bars[0].base,
                               xlabel=f"{display.label(fr.tornado_output)} [{unit}]",
                               scale=scale, title="What moves it (one input at a time)"))
        if fr.vs_op is not None:
            keys = ["accelerators", "tokens_per_s_per_mw", "revenue_usd_per_year",
                    "tco_usd_per_year", "profit_usd_per_year", "cost_usd_per_mtok"]
            st.dataframe([{"output": display.label(k), inp.hardware: display.of_field(p[k], k),
                           inp.vs: display.of_field(p["vs_" + k], k)} for k in keys],
                         hide_index=True)
            st.write(f"Break-even accelerator price of {inp.vs} (equal profit on the same power): "
                     f"**{_usd(p['breakeven_price_usd_per_accelerator'])}**")

with t_dem:
    pj = _run("demand", _demand, inp)
    if pj is not None:
        results["demand"] = pj
        dec = pj.decomposition
        c = st.columns(3)
        c[0].metric(f"Inference compute {pj.years[0]}-{pj.years[-1]}",
                    f"x{display.number(dec['inference']['total_multiple'])}")
        c[1].metric(f"GW needed in {pj.years[-1]}", f"{pj.point['gw'][-1]:,.0f}")
        c[2].metric("Years to a billion-fold at this rate",
                    f"{dec['claim']['years_at_projected_rate']:.1f}"
                    if dec["claim"].get("years_at_projected_rate") else "—")
        y = pj.years
        st.image(_chart("stacked", y, {"pre-training": pj.point["pretraining_flops"],
                                    "post-training (RL)": pj.point["post_training_flops"],
                                    "inference": pj.point["inference_flops"]},
                                ylabel="FLOP per year", logy=True,
                                title=f"Compute demand by scaling law ({inp.model} served at "
                                f"{inp.interactivity:g} tok/s per user)"))
        st.dataframe(display.table_rows([{k: v for k, v in r.items() if k != "bands"}
                                         for r in pj.rows()]), hide_index=True)

with t_mkt:
    mr = _run("market", _market, inp)
    if mr is not None:
        results["market"] = mr
        c = st.columns(4)
        for i, (name, key) in enumerate((("Layer 1: replacement", "replacement_usd_per_year"),
                                         ("Layer 2: migration", "migration_usd_per_year"),
                                         ("Layer 3: augmentation", "augmentation_usd_per_year"))):
            c[i].metric(f"{name} (median)", _usd(mr.pct(key)["p50"]) + "/yr")
        c[3].metric("GW bought per year (median)",
                    f"{mr.pct('power_added_w_per_year', 1e9)['p50']:,.0f}")
        st.image(_market_png(L.only(inp, "market")), caption="From GDP to gigawatts (medians, p10-p90 error bars).")
        st.write(display.prose(mr.arithmetic["finding"]))

with t_clu:
    site = _run("cluster", _cluster, inp)
    if site is not None:
        results["cluster"] = site
        c = st.columns(5)
        c[0].metric("Goodput", f"{site.goodput:.3f}")
        c[1].metric("Job MTBF", f"{site.mtbf_s / 60:.3g} min")
        c[2].metric("IT power", f"{site.it_power_w / 1e6:,.0f} MW")
        c[3].metric("Facility power", f"{site.facility_power_w / 1e6:,.0f} MW")
        c[4].metric("Switches", f"{site.fabric.switches:,}")
        curves = _goodput_curves(L.only(inp, "cluster"))
        st.image(_chart("lines", curves, xlabel="accelerators in the job", ylabel="goodput",
                              logx=True, markers=False,
                              title=f"Goodput vs cluster size ({inp.hardware}, Llama 3 "
                              "failure rates)"))

st.divider()
try:
    st.download_button("Download the results (JSON)", L.results_json(results),
                       file_name="tokenfab_results.json", mime="application/json")
except (TypeError, ValueError) as e:  # a result that cannot be serialized is reported, not fatal
    st.warning(f"results JSON not available: {e}")
