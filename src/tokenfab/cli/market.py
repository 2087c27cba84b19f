"""``tokenfab market``: the market in three layers, GDP -> GW, with the interview's claims."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tokenfab import display
from tokenfab.cli.common import (
    SET_HELP,
    console_err,
    get_catalog,
    input_label,
    parse_set,
    plot_option,
    print_inputs,
    print_json,
    run_options,
    save_scenario_option,
    scenario_path,
    stdout,
    warn_implausible,
)
from tokenfab.errors import TokenfabError
from tokenfab.market.inputs import MARKET_INPUTS, MarketSection, resolve_market
from tokenfab.market.run import LAYERS, WATERFALL, run_market, run_sovereign
from tokenfab.market.sovereign import load_countries
from tokenfab.report.figures.market import fmt_usd as _usd
from tokenfab.report.figures.market import waterfall_figure
from tokenfab.scenario import load_section, save_resolved, scenario_meta


def _progress() -> Progress:
    """A transient progress display on stderr (stdout stays clean for --json)."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                    TimeElapsedColumn(), console=Console(stderr=True), transient=True)


def _value(v: float, unit: str) -> str:
    if unit.startswith("USD"):
        return _usd(v)
    if unit == "fraction":
        return f"{v:.0%}"
    if unit in ("W", "W/year"):
        return f"{v / 1e9:.1f} GW" + ("/yr" if unit == "W/year" else "")
    if unit == "J/year":
        return f"{v / 3.6e15:,.0f} TWh/yr"
    return f"{v:.3g}"


def _sens_value(v: float, unit: str, name: str) -> str:
    """A low/high of the sensitivity table in its unit (calendar years as they are)."""
    if unit == "year":
        return f"{v:.0f}" if name.endswith("_year") else display.value(v, "years")
    if unit == "fraction":
        return display.percent(v)
    if unit == "ratio":
        return display.value(v, "x")
    return display.value(v, unit.replace("/year", "/yr"))


def market(
    scenario: Path | None = typer.Argument(None, metavar="[SCENARIO.toml]", parser=scenario_path,
                                           help="scenario file with a [market] section"),
    country: str | None = typer.Option(None, "--country", help="ISO alpha-2 code or name "
                                       "(sovereign AI: that country's GDP, labour and "
                                       "electricity); 'all' for a table of every country"),
    hardware: str | None = typer.Option(None, "--hardware", help="accelerator id: capex per W "
                                        "from tokenfab.factory for a site of it (default: the "
                                        "catalog's blended capex per GW)"),
    samples: int | None = typer.Option(None, "--samples", help=(
        "Monte Carlo draws of the uncertain inputs (default 10000; 0 = point estimate)")),
    seed: int | None = typer.Option(None, "--seed", help="random seed (NumPy, >= 0; default 0)"),
    set_: list[str] = typer.Option([], "--set", metavar="NAME=VALUE", help=SET_HELP),
    list_inputs: bool = typer.Option(False, "--inputs", help=(
        "list the model's inputs (unit, allowed values, default, kind, source) and exit")),
    json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    plot: Path | None = typer.Option(None, "--plot", callback=plot_option, metavar="FILE",
                                     help="write the GDP -> GW waterfall chart (PNG/SVG/PDF)"),
    save_scenario: Path | None = typer.Option(None, "--save-scenario", callback=save_scenario_option, metavar="PATH", help=(
        "write the resolved scenario (every default filled in, with its source) to PATH")),
) -> None:
    """The AI market in three layers, from GDP to gigawatts, every input a sourced range.

    Layer 1 replacement (CPU installed base refreshed as accelerated), layer 2 migration
    (hyperscale workloads moving to GPUs), layer 3 augmentation (knowledge-work pay x AI
    spend share x (1 - gross margin)); the sum / capex per W = GW per year. The interview's
    numbers are placed in the distribution.
    """
    sets = parse_set(MARKET_INPUTS, set_)
    if list_inputs:  # the flags given beside --inputs are still checked (never silently taken)
        run_options(samples, seed)
        print_inputs(MARKET_INPUTS, get_catalog(), json_out=json_out)
        return
    section = load_section(scenario, "market", MarketSection) if scenario else MarketSection()
    if hardware is not None:
        section = section.model_copy(update={"hardware": hardware})
    meta = scenario_meta(scenario) if scenario else {}
    if save_scenario is not None:
        _save(save_scenario, section, meta, country, samples, seed, sets)
    if (country or "").strip().lower() == "all":
        if plot is not None:
            raise TokenfabError("--plot draws one region; give one country or none",
                                field="--plot", value=str(plot))
        _sovereign_table(section, samples, seed, json_out, meta, scenario, sets)
        return
    with _progress() as prog:
        prog.add_task(f"Monte Carlo, {samples if samples is not None else section.samples} "
                      "draws", total=None)
        result = run_market(section, country_code=country, samples=samples, seed=seed,
                            catalog=get_catalog(), flags=sets)
    if plot is not None:
        try:
            waterfall_figure(result, plot)
        except ImportError:
            raise TokenfabError("--plot needs matplotlib (pip install 'tokenfab[plot]')") from None
        except (OSError, ValueError) as e:
            raise TokenfabError(f"cannot write the chart: {e}", field="--plot", value=str(plot)) from None
        console_err(f"wrote {plot}")
    doc = result.to_dict()
    warn_implausible(doc, resolve_market(section, get_catalog(), sets))
    if json_out:
        if meta:
            doc["scenario"] = {**meta, "file": str(scenario)}
        print_json(doc)
        return

    if meta.get("title"):
        stdout.print(f"[bold]{meta['title']}[/bold]")
    t = Table(title=f"{result.region_name}: GDP -> GW ({display.count(result.n)} draws, "
                    f"seed {result.seed})")
    for col in ("step", "p10", "p50", "p90"):
        t.add_column(col, justify="left" if col == "step" else "right")
    for label, out, unit in WATERFALL:
        q = result.pct(out)
        t.add_row(label, *(_value(q[k], unit) for k in ("p10", "p50", "p90")))
    q = result.pct("share_of_world_electricity")
    t.add_row("share of world electricity", *(f"{q[k]:.1%}" for k in ("p10", "p50", "p90")))
    if result.region != "WLD":
        q = result.pct("share_of_electricity")
        t.add_row(f"share of {result.region} electricity",
                  *(f"{q[k]:.1%}" for k in ("p10", "p50", "p90")))
    stdout.print(t)
    stdout.print("layers: " + ", ".join(f"{name} {_usd(result.pct(out)['p50'])}/yr"
                                         for name, out in LAYERS.items()) + " (medians)")

    a = result.arithmetic
    stdout.print(f"\n[bold]The interview's arithmetic[/bold] (point inputs): {a['finding']}")

    if result.claims:
        c = Table(title="Claims and independent figures in the model's distribution")
        for col in ("figure", "value", "compared with", "percentile", "P(model >= it)", "where",
                    "verdict"):
            c.add_column(col, justify="right" if col in ("value", "percentile", "P(model >= it)")
                         else "left", overflow="fold")
        for rec in result.claims:
            c.add_row(("(interview) " if rec["kind"] == "interview" else "") + rec["text"],
                      _value(rec["value"], rec["unit"]), display.label(rec["compared_with"]),
                      f"{rec['percentile']:.1f}", f"{rec['probability_model_reaches']:.1%}",
                      rec["where"], rec["verdict"])
        stdout.print(c)

    s = Table(title="Sensitivity of GW per year (each input alone, low -> high)")
    for col in ("input", "low", "high", "GW at low", "GW at high", "swing"):
        s.add_column(col, justify="left" if col == "input" else "right")
    for b in result.sensitivity:
        s.add_row(input_label(MARKET_INPUTS, b["input"]),
                  _sens_value(b["low"], b["unit"], b["input"]),
                  _sens_value(b["high"], b["unit"], b["input"]), f"{b['gw_at_low']:.1f}",
                  f"{b['gw_at_high']:.1f}", f"{b['swing_gw']:.1f}")
    stdout.print(s)
    stdout.print("Inputs and their sources: 'tokenfab market --json' (key 'inputs'); "
                 "the model is an end state, layer 2 evaluated at the horizon year.")


def _save(out: Path, section: Any, meta: dict[str, str], country: str | None,
          samples: int | None, seed: int | None, sets: dict[str, Any]) -> None:
    """``--save-scenario``: the section with its flags and ``--set`` values and every resolved
    default, each with its source as a comment (:meth:`~tokenfab.inputs.Resolved.comments`)."""
    flags = {"country": country if (country or "").strip().lower() != "all" else None,
             "samples": samples, "seed": seed}
    section = section.model_copy(update={**{k: v for k, v in flags.items() if v is not None},
                                         **sets})
    resolved = resolve_market(section, get_catalog())
    save_resolved(out, "market", section, meta, resolved.comments(), fill=dict(resolved.values))
    console_err(f"wrote resolved scenario to {out}")


def _sovereign_table(section: Any, samples: int | None, seed: int | None, json_out: bool,
                     meta: dict[str, str], scenario: Path | None, sets: dict[str, Any]) -> None:
    n_countries = len(load_countries()) - 1
    with _progress() as prog:
        task = prog.add_task("countries", total=n_countries)
        rows = run_sovereign(section, samples=samples, seed=seed, catalog=get_catalog(),
                             on_country=lambda _c: prog.advance(task), flags=sets)
    if json_out:
        doc: dict[str, object] = {"region": "ALL", "countries": rows}
        if meta:
            doc["scenario"] = {**meta, "file": str(scenario)}
        print_json(doc)
        return
    t = Table(title="Sovereign AI: each country's own knowledge work served at home (p50, p10-p90)")
    for col in ("country", "knowledge GDP", "infrastructure / yr", "GW / yr", "GW installed",
                "of own electricity", "of world electricity"):
        t.add_column(col, justify="left" if col == "country" else "right")
    for r in rows:
        i, g = r["infrastructure_usd_per_year"], r["gw"]
        own, wld = r["share_of_country_electricity"], r["share_of_world_electricity"]
        t.add_row(f"{r['code']} {r['name']}", _usd(r["knowledge_gdp_usd"]["p50"]),
                  f"{_usd(i['p50'])} ({_usd(i['p10'])}-{_usd(i['p90'])})",
                  f"{g['p50']:.1f} ({g['p10']:.1f}-{g['p90']:.1f})",
                  f"{r['gw_installed']['p50']:.0f}",
                  f"{own['p50']:.0%} ({own['p10']:.0%}-{own['p90']:.0%})", f"{wld['p50']:.2%}")
    stdout.print(t)
    stdout.print("Layers 1-2 allocated by share of world GDP; estimate-kind country values carry "
                 "+-20% ranges; sources: --json (key 'sources').")


def register(app: typer.Typer) -> None:
    app.command("market")(market)
