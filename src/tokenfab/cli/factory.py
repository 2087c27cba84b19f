"""``tokenfab factory``: a power budget -> tokens -> revenue, cost and the verdict on a claim.

    tokenfab factory SCENARIO.toml [--json]
    tokenfab factory --power 2GW --hardware gb200-nvl72 --model deepseek-r1 --interactivity 50 \\
        [--vs h100-sxm] [--json] [--samples N] [--plot tornado.png]
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from tokenfab.cli.common import console_err, get_catalog, print_json, stdout
from tokenfab.errors import TokenfabError

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
    ("payback_years", "payback", "yr"),
)


def _fmt(v: float | None, kind: str) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "never" if kind == "yr" else "—"
    if kind == "int":
        return f"{v:,.0f}"
    if kind == "pct":
        return f"{v:.1%}"
    if kind == "yr":
        return f"{v:.2f} yr"
    a = abs(v)
    suffix = next(((d, s) for d, s in ((1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"),
                                      (1e3, "k")) if a >= d), (1.0, ""))
    num = f"{v / suffix[0]:,.3g}{suffix[1]}"
    if kind == "usd":
        return ("-$" + num[1:]) if num.startswith("-") else "$" + num
    if kind == "W":
        return f"{num}W"
    return num


def _table(d: dict[str, Any]) -> Table:
    vs = d.get("vs")
    mc = "p10" in d
    t = Table(title=f"{d['hardware']}" + (f" vs {vs['hardware']}" if vs else "")
              + f" — {d['model']}, {d['power_w'] / 1e9:g} GW site", show_lines=False)
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


def _section_from(scenario: Path | None, flags: dict[str, Any]) -> tuple[Any, str | None]:
    from tokenfab.factory.spec import FactorySection
    from tokenfab.scenario import load_section, validate_section

    flags = {k: v for k, v in flags.items() if v is not None}
    if scenario is not None:
        return load_section(scenario, "factory", FactorySection, overrides=flags), str(scenario)
    missing = [f"--{k}" for k in ("power", "hardware") if k not in flags]
    if missing:
        raise TokenfabError(f"give a scenario file or {' and '.join(missing)} "
                            "(e.g. tokenfab factory --power 2GW --hardware gb200-nvl72)")
    return validate_section(FactorySection, flags), None


def _save(out: Path, section: Any, path: str | None, cat: Any) -> None:
    """``--save-scenario``: the section with the catalog defaults it ran on, each with its source."""
    from tokenfab.factory.defaults import default_inputs
    from tokenfab.factory.pricing import DEFAULT_PRICE_CURVE
    from tokenfab.factory.spec import COST_FIELDS
    from tokenfab.scenario import save_resolved, scenario_meta

    fill: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for prefix, hw in (("", section.hardware), ("vs_", section.vs)):
        if hw is None:
            continue
        defaults = default_inputs(hw, cat)
        for field, (name, k) in COST_FIELDS.items():
            field = prefix + field if field == "accelerator_price" else field
            if getattr(section, field) is None and field not in fill:
                v = defaults[name].value
                inv = float(f"{1.0 / k:.12g}")  # 1e-6, SECONDS_PER_YEAR without float noise
                fill[field] = v.scaled(inv) if hasattr(v, "scaled") else float(v) * inv
                sources[field] = f"{defaults[name].source} [{defaults[name].kind}]"
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
    scenario: Path | None = typer.Argument(None, metavar="[SCENARIO.toml]",
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
    plot: Path | None = typer.Option(None, "--plot", help="write a tornado chart (PNG) here"),
    generations: str | None = typer.Option(None, "--generations", help="comma-separated system ids "
                                           "to compare on the same site, oldest first"),
    json_out: bool = typer.Option(False, "--json", help="print strict JSON"),
    catalog: list[str] = typer.Option([], "--catalog", metavar="FILE", help="extra TOML catalog file"),
    save_scenario: Path | None = typer.Option(None, "--save-scenario", metavar="PATH", help=(
        "write the resolved scenario (every default filled in, with its source) to PATH")),
) -> None:
    """Tokens, revenue, capex, opex, TCO, $/Mtok and payback of an AI factory on a power budget;
    with --vs, the challenger's break-even accelerator price (negative: even free it loses)."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn

    from tokenfab.factory.compare import generations as run_generations
    from tokenfab.factory.runner import run_factory
    from tokenfab.factory.verdict import judge
    from tokenfab.scenario import scenario_meta

    cat = get_catalog(catalog)
    price = _default_unit(price, "USD/Mtok")
    electricity_price = _default_unit(electricity_price, "USD/MWh")
    flags = {"power": power, "hardware": hardware, "model": model, "interactivity": interactivity,
             "vs": vs, "price": price, "electricity_price": electricity_price,
             "accelerator_price": accelerator_price, "vs_accelerator_price": vs_accelerator_price,
             "precision": precision, "samples": samples, "seed": seed}
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
        if section.check is not None:
            bar.update(task, description="verdict: flip points and sweeps")
            meta = scenario_meta(path) if path else {"claim": "", "title": ""}
            verdict = judge(result, section.check, claim=meta["claim"], title=meta["title"],
                            catalog=cat)
        gens = None
        if generations:
            bar.update(task, description="generations on the same site")
            gens = run_generations(section, gen_ids, cat)
    if plot is not None:
        from tokenfab.report.figures.factory import tornado_png

        if not result.bars:
            console_err("note: no input is a range, so the tornado chart is empty")
        tornado_png(result, plot)
    d = result.to_dict()
    if verdict is not None:
        d["verdict"] = verdict.to_dict()
    if gens is not None:
        d["generations"] = gens
    if json_out:
        print_json(d)
        return
    _print_text(d, result, verdict, gens, plot)


def _print_text(d: dict[str, Any], result: Any, verdict: Any, gens: Any, plot: Path | None) -> None:
    op = d["operating_point"]
    stdout.print(f"operating point: {op['tokens_per_s_per_accelerator']:,.1f} tok/s per accelerator"
                 + (f" at {op['interactivity_tok_s_per_user']:g} tok/s/user"
                    if op.get("interactivity_tok_s_per_user") else "") + f" ({op['source']})",
                 markup=False, highlight=False)
    stdout.print(_table(d))
    if "vs" in d:
        from tokenfab.factory.runner import BREAKEVEN_COST_KEY, BREAKEVEN_KEY

        b = d[BREAKEVEN_KEY]
        stdout.print(f"break-even price of {d['vs']['hardware']} (equal profit on this site): "
                     f"{_fmt(b, 'usd')} per accelerator"
                     + ("  — negative: even free it earns less" if b < 0 else ""),
                     markup=False, highlight=False)
        stdout.print(f"break-even price on equal cost per million tokens: "
                     f"{_fmt(d[BREAKEVEN_COST_KEY], 'usd')} per accelerator",
                     markup=False, highlight=False)
    if result.bars:
        top = ", ".join(f"{b.name} ({_fmt(b.output_at_low, 'num')} … {_fmt(b.output_at_high, 'num')})"
                        for b in result.bars[:4])
        stdout.print(f"largest effects on {result.tornado_output}: {top}", markup=False, highlight=False)
    if gens:
        t = Table(title="generations on the same site")
        for c in ("system", "year", "tok/s per MW", "$ per Mtok", "tok/MW vs first", "per year",
                  "$/Mtok per year"):
            t.add_column(c, justify="left" if c == "system" else "right")
        for g in gens:
            if g.get("reason"):
                t.add_row(g["hardware"], str(g["year"]), "—", "—", "—", "—", g["reason"][:60])
                continue
            t.add_row(g["hardware"], str(g["year"]), _fmt(g["tokens_per_s_per_mw"], "num"),
                      f"${g['cost_usd_per_mtok']:.3g}", f"{g['tokens_per_mw_vs_first']:.2f}x",
                      f"{g['tokens_per_mw_per_year_x']:.2f}x" if "tokens_per_mw_per_year_x" in g else "",
                      f"{g['cost_per_mtok_per_year_x']:.2f}x" if "cost_per_mtok_per_year_x" in g else "")
        stdout.print(t)
    if verdict is not None:
        stdout.print(verdict.text(), markup=False, highlight=False)
    if plot is not None:
        stdout.print(f"tornado chart: {plot}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("factory")(factory_cmd)
