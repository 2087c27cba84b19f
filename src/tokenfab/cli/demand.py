"""``tokenfab demand [SCENARIO.toml]`` and ``tokenfab demand fit``.

``demand`` is a command group that runs the projection when no subcommand is given; its
optional SCENARIO argument is rewritten to the ``--scenario`` option before parsing, so that
``demand fit`` (a subcommand) and ``demand my.toml`` (a file) both work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table
from typer.core import TyperGroup

from tokenfab import display
from tokenfab.cli.common import (
    SET_HELP,
    console_err,
    fmt_si,
    get_catalog,
    parse_set,
    plot_option,
    print_inputs,
    print_json,
    run_options,
    save_scenario_option,
    stdout,
    warn_implausible,
)
from tokenfab.demand.fit import fit_all
from tokenfab.demand.inputs import (
    DEMAND_INPUTS,
    DemandSection,
    filled_section,
    parse_years,
    resolve_demand,
)
from tokenfab.demand.project import project
from tokenfab.report.figures.demand import plot_projection
from tokenfab.scenario import load_section, scenario_meta, write_resolved


class _DemandGroup(TyperGroup):
    """A group whose first positional argument is a scenario file unless it names a subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        args = list(args)
        takes_value = {o for p in self.params if getattr(p, "param_type_name", "") == "option"
                       and not getattr(p, "is_flag", False) for o in p.opts}
        i = 0
        while i < len(args):
            a = args[i]
            if a == "--":
                break
            if a.startswith("-"):
                i += 2 if (a in takes_value and "=" not in a) else 1
                continue
            if a not in self.commands:
                args[i:i + 1] = ["--scenario", a]
            break
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        formatter.write_usage(ctx.command_path, "[SCENARIO.toml] [OPTIONS] | fit [--json]")


demand_app = typer.Typer(
    cls=_DemandGroup, invoke_without_command=True, no_args_is_help=False,
    help="Compute demand from the three scaling laws (pre-training, RL post-training, "
    "inference-time thinking) x users x compute per user, and the accelerators, GW and capex it "
    "takes, against the analysts' ~8% extrapolation. SCENARIO.toml: a file with a [demand] "
    "section (defaults: the catalog's sourced assumptions).")


@demand_app.callback()
def demand(
    ctx: typer.Context,
    scenario: str | None = typer.Option(None, "--scenario", metavar="SCENARIO.toml",
                                        help="scenario file (may also be given as the first argument)"),
    years: str | None = typer.Option(None, "--years", metavar="FIRST:LAST",
                                     help="years to project, e.g. 2025:2032 (default: the scenario's)"),
    set_: list[str] | None = typer.Option(None, "--set", metavar="NAME=VALUE", help=SET_HELP),
    show_inputs: bool = typer.Option(False, "--inputs", help=(
        "list every input with its default, bounds and source, and exit")),
    json_out: bool = typer.Option(False, "--json", help="print strict JSON"),
    plot: str | None = typer.Option(None, "--plot", callback=plot_option, metavar="FILE",
                                    help="write the chart (stacked by law, bands, analysts' line)"),
    samples: int | None = typer.Option(None, "--samples", metavar="N", help=(
        "Monte Carlo draws for the p10-p90 bands (0: point estimate; default 1000)")),
    seed: int | None = typer.Option(None, "--seed", help="NumPy seed of the Monte Carlo draws"),
    save_scenario: str | None = typer.Option(None, "--save-scenario", callback=save_scenario_option, metavar="PATH", help=(
        "write the resolved scenario (every default filled in, with its source) to PATH")),
) -> None:
    """Project compute demand and the supply it takes (no subcommand), or see ``fit``."""
    if ctx.invoked_subcommand is not None:
        return
    cat = get_catalog()
    if show_inputs:
        print_inputs(DEMAND_INPUTS, cat, json_out=json_out)
        return
    options = run_options(samples, seed, default_samples=1000)
    flags = parse_set(DEMAND_INPUTS, set_)
    yrs = parse_years(years, field="--years") if years is not None else None
    if scenario is not None:
        section = load_section(scenario, "demand", DemandSection, required=False)
        meta = scenario_meta(scenario)
    else:
        section = DemandSection()
        meta = {"title": "", "description": "", "claim": ""}
    if save_scenario is not None:
        inputs = resolve_demand(section, cat, flags)
        full = filled_section(section, inputs, years)
        write_resolved(".", "demand", full, meta={k: v for k, v in meta.items() if v},
                       comments=inputs.resolved.comments(), path=save_scenario)
        load_section(save_scenario, "demand", DemandSection)
        console_err(f"wrote resolved scenario to {save_scenario}")
    if json_out or not options.monte_carlo:
        proj = project(section, years=yrs, options=options, catalog=cat, flags=flags)
    else:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True,
                      console=stdout) as prog:
            prog.add_task(f"projecting demand ({options.samples} samples)...", total=None)
            proj = project(section, years=yrs, options=options, catalog=cat, flags=flags)
    if plot:
        path = plot_projection(proj, plot)
        if not json_out:
            console_err(f"chart written to {path}")
    warnings = warn_implausible(None, resolve_demand(section, cat, flags).resolved)
    if json_out:
        d = proj.to_dict()
        if warnings:
            d["warnings"] = warnings
        d["scenario"] = {k: v for k, v in meta.items() if v}
        print_json(d)
        return
    _print_projection(proj, meta)


def _sci(x: float) -> str:
    return display.number(x)


def _band(proj: Any, key: str, i: int, fmt: Callable[[float], str] = _sci) -> str:
    v = fmt(float(proj.point[key][i]))
    if proj.bands is None:
        return v
    b = proj.bands[key]
    return escape(f"{v} [{fmt(float(b['p10'][i]))}–{fmt(float(b['p90'][i]))}]")


def _print_projection(proj: Any, meta: dict[str, str]) -> None:
    if meta.get("title"):
        stdout.print(escape(meta["title"]), style="bold")
    if meta.get("claim"):
        stdout.print(escape(f"claim: {meta['claim']}"))
    t = Table(title=escape(f"Compute demand and supply ({proj.section.model}; likely inputs"
                           + (f", [p10–p90] of {proj.samples} draws)" if proj.bands is not None
                              else ")")))
    for col in ("year", "hardware", "pre-train FLOP", "post-train FLOP", "inference FLOP",
                "tokens", "accelerators", "GW", "capex/yr", "accel. spend", "indexed", "analysts"):
        t.add_column(col, justify="left" if col == "hardware" else "right", no_wrap=True)
    for i, y in enumerate(proj.years):
        p = proj.point
        t.add_row(str(y), proj.hardware.hardware[i + 1],
                  _sci(float(p["pretraining_flops"][i])),
                  _sci(float(p["post_training_flops"][i])),
                  _band(proj, "inference_flops", i),
                  _sci(float(p["tokens"][i])),
                  fmt_si(float(p["accelerators"][i])),
                  _band(proj, "gw", i),
                  fmt_si(float(p["capex_usd"][i]), "USD"),
                  fmt_si(float(p["accelerator_spend_usd"][i]), "USD"),
                  fmt_si(float(p["demand_indexed_spend_usd"][i]), "USD"),
                  fmt_si(float(p["analyst_spend_usd"][i]), "USD"))
    stdout.print(t)
    d = proj.decomposition
    inf = d["inference"]
    stdout.print(f"\nInference FLOPs {d['first_year']}→{d['last_year']}: "
                 f"x{display.number(inf['total_multiple'])} ({100 * inf['total_rate_per_year']:.0f}%/yr) = "
                 + " x ".join(f"{display.label(k).lower()} x{display.number(v['multiple'])} "
                              f"({100 * v['log_share']:.0f}% of log)"
                              for k, v in inf["factors"].items()))
    stdout.print(f"Pre-training x{display.number(d['pretraining']['total_multiple'])}, post-training "
                 f"x{display.number(d['post_training']['total_multiple'])}, all compute "
                 f"x{display.number(d['total_compute_multiple'])}")
    c = d["claim"]
    yrs_txt = (f"{c['years_at_projected_rate']:.1f} years at the projected rate"
               if c["years_at_projected_rate"] is not None else "never at the projected rates")
    need = (f"needs {100 * c['required_rate_per_year']:.0f}%/yr"
            if c["required_rate_per_year"] is not None else "has no horizon (one year)")
    stdout.print(f"Claim x{display.number(c['multiple'])} over {c['horizon_years']:g} years {need}; the "
                 f"projection gives x{display.number(c['projected_multiple_over_horizon'])}; reached in "
                 f"{yrs_txt}.")
    if c["factors"]:
        stdout.print("  split like the projection: " + ", ".join(
            f"{display.label(k).lower()} x{display.number(v['multiple'])}"
            for k, v in c["factors"].items()))
    for ch in proj.checks:
        stdout.print(f"check {ch['year']}: model {fmt_si(ch['model_tokens_billed_per_month'])} "
                     f"tokens/month (whole market) vs {fmt_si(ch['observed_tokens_per_month'])} "
                     f"observed ({display.prose(ch['observed'])}, one provider)")
    for f in proj.base_year:
        ratio = f"model/published {f.numbers['ratio_model_to_published']:.2f}"
        if "ratio_model_to_upper" in f.numbers:  # a bracket: both ends
            ratio = (f"model/lower end {f.numbers['ratio_model_to_published']:.2f}, "
                     f"model/upper end {f.numbers['ratio_model_to_upper']:.2f}")
        stdout.print(escape(f"{display.label(f.claim.id)}: {f.verdict.value} — {ratio} "
                            f"({f.claim.text})"))
    stdout.print("accel. spend = capex x accelerator share (absolute); indexed = the analysts' "
                 "base-year spending grown like the demand-implied capacity; analysts = the "
                 "~8%/yr extrapolation")
    for n in proj.notes:
        stdout.print(escape(f"note: {display.prose(n)}"))


def _series(name: str) -> str:
    """``'google_monthly_tokens (all points)'`` -> ``'Google tokens per month (all points)'``."""
    head, sep, rest = name.partition(" (")
    return display.label(head) + sep + rest


@demand_app.command("fit")
def fit(
    json_out: bool = typer.Option(False, "--json", help="print strict JSON"),
) -> None:
    """Fit growth rates to data (Google's monthly tokens, ChatGPT users) with 95% intervals."""
    res = fit_all(get_catalog())
    if json_out:
        print_json(res)
        return
    t = Table(title="Exponential growth fits (least squares on log; 95% confidence intervals)")
    for col in ("series", "n", "x per year", "95% CI", "doubling (months)", "95% CI", "R²"):
        t.add_column(col, justify="left" if col == "series" else "right", no_wrap=True)
    for f in res["fits"]:
        ci = f["multiple_ci95"]
        dci = f["doubling_months_ci95"]
        t.add_row(_series(f["name"]), str(f["n"]), display.number(f['multiple_per_year']),
                  f"{display.number(ci[0])}–{display.number(ci[1])}" if ci else "—",
                  display.number(f['doubling_months']),
                  f"{display.number(dci[0])}–{display.number(dci[1])}" if dci else "—", f"{f['r2']:.3f}")
    stdout.print(t)
    for p in res["published"]:
        stdout.print(escape(f"published: {_series(p['name'])}: x{p['multiple_per_year']:g}/yr "
                            f"({p['low']:g}–{p['high']:g}) — {p['source']}"))


def register(app: typer.Typer) -> None:
    app.add_typer(demand_app, name="demand")
