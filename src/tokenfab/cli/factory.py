"""``tokenfab factory``: a power budget -> tokens -> revenue, cost and the verdict on a claim.

    tokenfab factory SCENARIO.toml [--json]
    tokenfab factory --power 2GW --hardware gb200-nvl72 --model deepseek-r1 --interactivity 50 \\
        [--vs h100-sxm] [--json] [--samples N] [--plot tornado.png]
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from tokenfab import display
from tokenfab.catalog import Catalog
from tokenfab.cli.common import (
    SET_HELP,
    console_err,
    get_catalog,
    parse_set,
    plot_option,
    print_inputs,
    print_json,
    run_options,
    save_scenario_option,
    scenario_path,
    stdout,
)
from tokenfab.errors import TokenfabError
from tokenfab.factory.compare import generations as run_generations
from tokenfab.factory.economics import BREAKEVEN_COST_KEY, BREAKEVEN_KEY
from tokenfab.factory.inputs import FACTORY_INPUTS, SYSTEM_INPUTS, VS_PREFIX, inputs_table
from tokenfab.factory.inputs import input_label as factory_input_label
from tokenfab.factory.pricing import DEFAULT_PRICE_CURVE
from tokenfab.factory.runner import resolve_inputs, run_factory
from tokenfab.factory.spec import FactorySection
from tokenfab.factory.verdict import judge, judge_all, rent_gap, scenario_claims
from tokenfab.inputs import InputSet
from tokenfab.report.figures.factory import tornado_png
from tokenfab.scenario import load_section, save_resolved, scenario_meta, validate_section

_ROWS: tuple[tuple[str, str, str], ...] = (
    # key, label, format
    ("accelerators", "accelerators", "int"),
    ("systems", "systems", "int"),
    ("it_power_w", "IT power", "W"),
    ("tokens_per_s_per_mw", "tokens/s per MW (site)", "num"),
    ("tokens_per_year", "tokens per year", "num"),
    ("price_usd_per_mtok_effective", "price per Mtok", "usd"),
    ("revenue_usd_per_year", "revenue per year", "usd"),
    ("capex_usd", "capex", "usd"),
    ("capex_usd_per_site_w", "capex per W of site power", "usd"),
    ("opex_usd_per_year", "opex per year", "usd"),
    ("tco_usd_per_year", "TCO per year", "usd"),
    ("cost_usd_per_mtok", "cost per Mtok", "usd"),
    ("profit_usd_per_year", "profit per year", "usd"),
    ("gross_margin", "gross margin", "pct"),
    # yearly cash flows (construction, ramp, falling price), first system only
    ("npv_usd", "NPV at the cost of capital", "usd"),
    ("irr", "IRR", "pct"),
    ("discounted_payback_years", "discounted payback", "yr"),
    # not a headline: undiscounted, constant price, no construction or ramp
    ("payback_years", "simple payback at today's price", "yr"),
)


#: the ``kind`` column of :data:`_ROWS` as the unit :func:`tokenfab.display.value` reads
_KIND_UNITS = {"int": "count", "pct": "%", "yr": "years", "usd": "USD", "W": "W", "num": ""}


def _fmt(v: float | None, kind: str) -> str:
    """One cell of the factory table, formatted by :mod:`tokenfab.display` (money in $K/M/B/T,
    thousands separators, powers of ten only beyond a thousand trillion)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "never" if kind == "yr" else "—"
    return display.value(v, _KIND_UNITS.get(kind, kind))


def _output_kind(key: str) -> str:
    """The :data:`_ROWS` kind of a result key (money by its name otherwise)."""
    for k, _label, kind in _ROWS:
        if k == key:
            return kind
    return "usd" if "usd" in key else "num"


def _table(d: dict[str, Any]) -> Table:
    vs = d.get("vs")
    mc = "p10" in d
    t = Table(title=f"{d['hardware']}" + (f" vs {vs['hardware']}" if vs else "")
              + f" — {d['model']}, {display.quantity(d['power_w'], 'W')} site", show_lines=False)
    t.add_column("output")
    for who, block in (("", d),) + ((("vs ", vs),) if vs else ()):
        name = block["hardware"]
        t.add_column(name, justify="right")
        if mc:
            t.add_column(f"{who}p10–p90", justify="right", style="dim")
    for key, label, kind in _ROWS:
        row = [label]
        for block in (d,) + ((vs,) if vs else ()):
            row.append(_fmt(block.get(key), kind))
            if mc:
                row.append(f"{_fmt(block['p10'].get(key), kind)} – {_fmt(block['p90'].get(key), kind)}")
        t.add_row(*row)
    return t


def _section_from(scenario: Path | None, flags: dict[str, Any]) -> tuple[FactorySection, str | None]:
    flags = {k: v for k, v in flags.items() if v is not None}
    if scenario is not None:
        return load_section(scenario, "factory", FactorySection, overrides=flags), str(scenario)
    missing = [f"--{k}" for k in ("power", "hardware") if k not in flags]
    if missing:
        raise TokenfabError(f"give a scenario file or {' and '.join(missing)} "
                            "(e.g. tokenfab factory --power 2GW --hardware gb200-nvl72)")
    return validate_section(FactorySection, flags), None


def _save(out: Path, section: FactorySection, path: str | None, cat: Catalog) -> None:
    """``--save-scenario``: the section with the defaults it ran on, each with its source
    (values and comments from :func:`tokenfab.factory.runner.resolve_inputs`)."""
    fill: dict[str, Any] = {}
    sources: dict[str, str] = {}
    res = resolve_inputs(section, cat)
    for k, v in res.values.items():
        if getattr(section, k) is None:
            fill[k] = v
    sources.update(res.comments())
    if section.vs is not None:
        vs_res = resolve_inputs(section, cat, vs=True)
        for k in SYSTEM_INPUTS.names:
            if getattr(section, VS_PREFIX + k) is None and k in vs_res.values:
                fill[VS_PREFIX + k] = vs_res.values[k]
                sources[VS_PREFIX + k] = vs_res.sources[k].describe()
    if section.price_curve is None:
        c = DEFAULT_PRICE_CURVE
        fill["price_curve"] = {"interactivity": list(c.interactivity_tok_s),
                               "multiplier": list(c.multiplier), "source": c.source}
    save_resolved(out, "factory", section, scenario_meta(path) if path else None, sources, fill=fill)
    console_err(f"wrote resolved scenario to {out}")


def _default_unit(text: str | None, unit: str) -> str | None:
    """A bare number on the command line is read in the unit people quote (``--price 2`` is
    2 USD/Mtok, ``--electricity-price 80`` is 80 USD/MWh), not the SI base unit."""
    if text is None:
        return None
    try:
        float(text.replace("_", ""))
    except ValueError:
        return text
    return f"{text} {unit}"


def factory_cmd(
    scenario: Path | None = typer.Argument(None, metavar="[SCENARIO.toml]", parser=scenario_path,
                                           help="scenario file with a [factory] section"),
    power: str | None = typer.Option(None, "--power", help="site power budget, e.g. 2GW, 500MW, 2e9W"),
    hardware: str | None = typer.Option(None, "--hardware", help="system id (tokenfab catalog hardware)"),
    model: str | None = typer.Option(None, "--model", help="model id (default deepseek-r1)"),
    interactivity: str | None = typer.Option(None, "--interactivity",
                                             help="service level, tokens/s per user, e.g. 50"),
    vs: str | None = typer.Option(None, "--vs", help="compare with this system at equal power"),
    price: str | None = typer.Option(None, "--price", help="revenue per million output tokens at the "
                                     "reference (Standard) tier; a bare number is USD/Mtok"),
    electricity_price: str | None = typer.Option(None, "--electricity-price",
                                                 help="a bare number is USD/MWh, e.g. 80"),
    accelerator_price: str | None = typer.Option(None, "--accelerator-price", help="USD per accelerator"),
    vs_accelerator_price: str | None = typer.Option(None, "--vs-accelerator-price",
                                                    help="USD per accelerator of the --vs system"),
    precision: str | None = typer.Option(None, "--precision", help="fp4, fp8, bf16 or native"),
    samples: int | None = typer.Option(None, "--samples", help="Monte Carlo draws (adds p10/p50/p90)"),
    seed: int | None = typer.Option(None, "--seed", help="random seed of the Monte Carlo"),
    plot: Path | None = typer.Option(None, "--plot", callback=plot_option, help="write a tornado chart (PNG) here"),
    generations: str | None = typer.Option(None, "--generations", help="comma-separated system ids "
                                           "to compare on the same site, oldest first"),
    json_out: bool = typer.Option(False, "--json", help="print strict JSON"),
    catalog: list[str] = typer.Option([], "--catalog", metavar="FILE", help="extra TOML catalog file"),
    save_scenario: Path | None = typer.Option(None, "--save-scenario", callback=save_scenario_option, metavar="PATH", help=(
        "write the resolved scenario (every default filled in, with its source) to PATH")),
    set_: list[str] = typer.Option([], "--set", metavar="NAME=VALUE", help=SET_HELP),
    show_inputs: bool = typer.Option(False, "--inputs", help="list every input of the factory "
                                     "model with its unit, bounds, default and source, and exit"),
) -> None:
    """Tokens, revenue, capex, opex, TCO, $/Mtok and payback of an AI factory on a power budget;
    with --vs, the challenger's break-even accelerator price (negative: even free it loses)."""
    cat = get_catalog(catalog)
    price = _default_unit(price, "USD/Mtok")
    electricity_price = _default_unit(electricity_price, "USD/MWh")
    flags: dict[str, Any] = {
        "power": power, "hardware": hardware, "model": model, "interactivity": interactivity,
        "vs": vs, "price": price, "electricity_price": electricity_price,
        "accelerator_price": accelerator_price, "vs_accelerator_price": vs_accelerator_price,
        "precision": precision, "samples": samples, "seed": seed}
    flags.update(parse_set(FACTORY_INPUTS, set_))
    if show_inputs:  # the flags given beside --inputs are still checked (never silently taken)
        if scenario is not None or power is not None:
            _section_from(scenario, flags)
        else:
            run_options(samples, seed)
            for k, v in flags.items():
                if v is not None and k in FACTORY_INPUTS:
                    FACTORY_INPUTS[k].parse(v, where=f"--{k.replace('_', '-')}")
        hw = hardware or (load_section(scenario, "factory", FactorySection).hardware
                          if scenario is not None else "gb200-nvl72")
        if json_out:
            shown = InputSet("factory", [dataclasses.replace(i, required=False)
                                         for i in FACTORY_INPUTS])
            print_inputs(shown, cat, {"hardware": cat.hardware(hw)}, json_out=True)
            return
        stdout.print(inputs_table(cat, hw), markup=False, highlight=False)
        return
    section, path = _section_from(scenario, flags)
    gen_ids = [g.strip() for g in (generations or "").split(",") if g.strip()]
    if generations is not None and not gen_ids:
        raise TokenfabError(f"give comma-separated system ids, e.g. h100-sxm,gb200-nvl72; got "
                            f"{generations!r}", field="--generations", value=generations)
    if save_scenario is not None:
        _save(save_scenario, section, path, cat)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True,
                  console=Console(stderr=True)) as bar:
        task = bar.add_task("performance engine and factory model", total=None)
        result = run_factory(section, cat)
        verdict = None
        meta = scenario_meta(path) if path else {"claim": "", "title": ""}
        if section.check is not None:
            bar.update(task, description="verdict: flip points and sweeps")
            verdict = judge(result, section.check, claim=meta["claim"],
                            source=f"{Path(path).name if path else 'flags'} [factory.check]",
                            catalog=cat)
        claims = judge_all(result, scenario_claims(path), cat) if path else []
        gens = None
        if generations:
            bar.update(task, description="generations on the same site")
            gens = run_generations(section, gen_ids, cat)
    if plot is not None:
        if not result.bars:
            console_err("note: no input is a range, so the tornado chart is empty")
        tornado_png(result, plot)
    d = result.to_dict()
    warnings = [*result.resolved.warnings,
                *(result.vs_resolved.warnings if result.vs_resolved is not None else ())]
    if warnings:  # inside the bounds, outside what the model was validated for: said, not hidden
        d["warnings"] = warnings
        for w in warnings:
            console_err(f"warning: {w}")
    if verdict is not None:
        d["verdict"] = {"title": meta["title"], **verdict.to_dict()}
    if claims:
        d["claims"] = [f.to_dict() for f in claims]
    gap = rent_gap(result)
    d["rent_gap"] = gap.to_dict()
    if gens is not None:
        d["generations"] = gens
    if json_out:
        print_json(d)
        return
    _print_text(d, result, [v for v in (verdict, *claims) if v is not None], gens, plot)


def _print_text(d: dict[str, Any], result: Any, verdicts: list[Any], gens: Any,
                plot: Path | None) -> None:
    op = d["operating_point"]
    stdout.print(f"operating point: {op['tokens_per_s_per_accelerator']:,.1f} tok/s per accelerator"
                 + (f" at {op['interactivity_tok_s_per_user']:g} tok/s/user"
                    if op.get("interactivity_tok_s_per_user") else "") + f" ({op['source']})",
                 markup=False, highlight=False)
    if op.get("tokens_per_s_per_accelerator_p10") is not None:
        stdout.print(f"  engine 80 % interval (p10-p90): "
                     f"{op['tokens_per_s_per_accelerator_p10']:,.1f}-"
                     f"{op['tokens_per_s_per_accelerator_p90']:,.1f} tok/s per accelerator, "
                     f"software era {op.get('software_date', '')}", markup=False, highlight=False)
    pa = d["price_usd_per_mtok_applied"]
    k = pa["input_tokens_per_output_token"]
    stdout.print(f"price applied: {display.money(pa['output'])} per million output tokens = "
                 f"{display.money(pa['base_output'])} x {display.number(pa['tier_multiplier'])} "
                 f"(tier: {pa['tier_source']}); input {display.money(pa['input'])} per million, "
                 f"{display.number(k)} input token{'' if k == 1 else 's'} per output token; "
                 f"price source: {pa['source']}", markup=False, highlight=False)
    stdout.print(_table(d))
    rent = d.get("market_rent_usd_per_accelerator_hour")
    stdout.print(f"per accelerator-hour: revenue ${d['revenue_usd_per_accelerator_hour']:.3g}, "
                 f"cost ${d['cost_usd_per_accelerator_hour']:.3g}"
                 + (f", market rent ${rent:.3g} (revenue / rent {d['revenue_to_rent_ratio']:.2g}x;"
                    f" {display.prose(d['market_rent_source'])})" if rent else ""), markup=False,
                 highlight=False)
    gap = d["rent_gap"]
    stdout.print(f"no-arbitrage: {gap['verdict'].upper()} — {gap['headline']}", markup=False,
                 highlight=False)
    irr = d.get("irr")
    dpb = d.get("discounted_payback_years")
    stdout.print(f"cash flows (price falling, construction and ramp): NPV {_fmt(d['npv_usd'], 'usd')}"
                 f", IRR {'none' if irr is None else f'{irr:.1%}'}, discounted payback "
                 f"{'not within the IT life' if dpb is None else display.years(dpb)}; "
                 f"utilization {display.percent(d['utilization'])}" + (" (DEMAND-BOUND: the demand cap, not power, "
                                              "limits sales)" if d["demand_bound"] else ""),
                 markup=False, highlight=False)
    stdout.print("simple payback at today's price: undiscounted, constant price, no construction "
                 "or ramp (not a cash-flow metric)", markup=False, highlight=False)
    if "vs" in d:
        b = d[BREAKEVEN_KEY]
        stdout.print(f"break-even price of {d['vs']['hardware']} (equal profit on this site): "
                     f"{_fmt(b, 'usd')} per accelerator"
                     + ("  — negative: even free it earns less" if b < 0 else ""),
                     markup=False, highlight=False)
        stdout.print(f"break-even price on equal cost per million tokens: "
                     f"{_fmt(d[BREAKEVEN_COST_KEY], 'usd')} per accelerator",
                     markup=False, highlight=False)
    if result.bars:
        kind = _output_kind(result.tornado_output)
        top = ", ".join(f"{factory_input_label(b.name)} "
                        f"({_fmt(b.output_at_low, kind)} to {_fmt(b.output_at_high, kind)})"
                        for b in result.bars[:4])
        stdout.print(f"largest effects on {display.label(result.tornado_output).lower()} "
                     f"(input low to high): {top}", markup=False, highlight=False)
    if gens:
        t = Table(title="generations on the same site")
        for c in ("system", "year", "tok/s per MW", "$ per Mtok", "tok/MW vs first", "per year",
                  "$/Mtok per year"):
            t.add_column(c, justify="left" if c == "system" else "right")
        for g in gens:
            if g.get("reason"):
                t.add_row(g["hardware"], str(g["year"]), "—", "—", "—", "—",
                          display.prose(g["reason"]))
                continue
            t.add_row(g["hardware"], str(g["year"]), _fmt(g["tokens_per_s_per_mw"], "num"),
                      display.money(g['cost_usd_per_mtok']), f"{g['tokens_per_mw_vs_first']:.2f}x",
                      f"{g['tokens_per_mw_per_year_x']:.2f}x" if "tokens_per_mw_per_year_x" in g else "",
                      f"{g['cost_per_mtok_per_year_x']:.2f}x" if "cost_per_mtok_per_year_x" in g else "")
        stdout.print(t)
    for v in verdicts:
        stdout.print(display.prose(v.text()), markup=False, highlight=False)
    if plot is not None:
        stdout.print(f"tornado chart: {plot}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("factory")(factory_cmd)
