"""``tokenfab plan``: rent or build, year by year, under a double-exponential demand."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress
from rich.table import Table

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
    scenario_path,
    stdout,
    warn_implausible,
)
from tokenfab.errors import TokenfabError
from tokenfab.plan import PLAN_INPUTS, PlanSection, analyse
from tokenfab.plan.inputs import (
    MAX_PLAN_SAMPLES,
    PLAN_BUDGET,
    filled_section,
    resolve_with_sources,
)
from tokenfab.report.figures.plan import plan_figure
from tokenfab.scenario import load_section, scenario_meta, write_resolved


def _usd(x: float) -> str:
    a = abs(x)
    if a >= 1e12:
        return f"${x / 1e12:.2f}T"
    if a >= 1e9:
        return f"${x / 1e9:.1f}B"
    return f"${x / 1e6:.0f}M"


def plan(
    scenario: Path | None = typer.Argument(None, metavar="[SCENARIO.toml]", parser=scenario_path,
                                           help="scenario file with a [plan] section"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    plot: Path | None = typer.Option(None, "--plot", callback=plot_option, metavar="FILE",
                                     help="write the chart of the plan (PNG/SVG/PDF)"),
    set_: list[str] | None = typer.Option(None, "--set", metavar="NAME=VALUE", help=SET_HELP),
    show_inputs: bool = typer.Option(False, "--inputs", help=(
        "list every input with its default, bounds and source, and exit")),
    samples: int | None = typer.Option(None, "--samples", help="Monte Carlo draws over the input "
                                       "ranges (one LP each; default: the scenario's, else 0)"),
    seed: int | None = typer.Option(None, "--seed", help="NumPy seed of the Monte Carlo draws"),
    save_scenario: Path | None = typer.Option(None, "--save-scenario", callback=save_scenario_option, metavar="PATH", help=(
        "write the resolved scenario (every default filled in, with its source) to PATH")),
) -> None:
    """How much to rent and how much to build each year so demand is met at the lowest present
    cost (a linear program, SciPy HiGHS), with rental and power caps, build lead time, cost of
    capital, depreciation and the hardware generation of each site; unserved demand is shown,
    never dropped. Also: renting alone, the crossover, building a year early/late, ASIC mix.
    """
    cat = get_catalog()
    flags = parse_set(PLAN_INPUTS, set_)
    section = load_section(scenario, "plan", PlanSection) if scenario else PlanSection()
    options = run_options(samples if samples is not None else section.samples, seed)
    if options.samples > MAX_PLAN_SAMPLES:
        raise TokenfabError(f"must be 0 or 2..{MAX_PLAN_SAMPLES} draws (the plan's time budget: "
                            f"{PLAN_BUDGET}), got {options.samples}",
                            field="--samples", value=options.samples)
    if show_inputs:  # the flags given beside --inputs are still checked (never silently taken)
        print_inputs(PLAN_INPUTS, cat, {"reference": cat.hardware("gb200-nvl72")},
                     json_out=json_out)
        return
    # the run's draws, also in the JSON's inputs and a saved scenario
    section = section.model_copy(update={"samples": options.samples})
    meta = scenario_meta(scenario) if scenario else {}
    inputs, resolved = resolve_with_sources(section, cat, flags)
    if save_scenario is not None:
        full = filled_section(section, inputs, resolved)
        comments = dict(resolved.comments())
        if section.rent is None:
            comments["rent"] = inputs.sources["rent"]
        write_resolved(".", "plan", full, meta={k: v for k, v in meta.items() if v},
                       comments=comments, path=save_scenario)
        load_section(save_scenario, "plan", PlanSection)
        console_err(f"wrote resolved scenario to {save_scenario}")
    if options.monte_carlo:
        with Progress(console=None, transient=True, disable=json_out) as bar:
            task = bar.add_task(f"Monte Carlo: {options.samples} plans", total=options.samples)
            report = analyse(inputs, options=options, meta=meta,
                             progress=lambda i: bar.update(task, completed=i))
    else:
        report = analyse(inputs, options=options, meta=meta)
    if plot is not None:
        try:
            plan_figure(report.plan, plot, title=meta.get("title", ""))
        except ImportError:
            raise TokenfabError("--plot needs matplotlib (pip install 'tokenfab[plot]')") from None
        except (OSError, ValueError) as e:
            raise TokenfabError(f"cannot write the chart: {e}", field="--plot",
                                value=str(plot)) from None
        console_err(f"wrote {plot}")
    doc = report.to_dict()
    warn_implausible(doc, resolved)
    if json_out:
        if scenario:
            doc["scenario_file"] = str(scenario)
        print_json(doc)
        return

    p = report.plan
    if meta.get("title"):
        stdout.print(f"[bold]{meta['title']}[/bold]")
    t = Table(title=f"Rent or build ({inputs.reference_system} accelerator-equivalents; "
              f"lead time {p.lead_years} yr)")
    cols = ("year", "demand tok", "demand GW", "rented acc", "started GW", "built GW",
            "online GW", "unserved tok", "idle", "cost")
    for col in cols:
        t.add_column(col, justify="right", no_wrap=True)
    for r in p.rows():
        t.add_row(str(r["year"]), fmt_si(r["demand_tokens"]), f"{r['demand_w'] / 1e9:.2f}",
                  fmt_si(r["rented_accelerators"]), f"{r['build_started_w'] / 1e9:.2f}",
                  f"{r['built_w'] / 1e9:.2f}", f"{r['online_w'] / 1e9:.2f}",
                  fmt_si(r["unserved_tokens"]),
                  f"{r['idle_fraction']:.0%}", _usd(r["cost_usd"]))
    stdout.print(t)
    stdout.print("demand GW: power that would serve all demand with that year's newest "
                 "generation; built GW: new power online that year (incl. committed sites)")
    stdout.print(f"present cost {_usd(p.present_cost_usd)} (cash, discounted at "
                 f"{float(inputs.point().cost_of_capital):.0%}); unserved "
                 f"{fmt_si(p.total_unserved_tokens)} tokens, valued at "
                 f"{_usd(p.present_penalty_usd)}")
    f = report.finding
    stdout.print(f"\n[bold]'{f.claim.text}'[/bold]: {f.verdict.value}: {f.headline}",
                 markup=True)
    c = report.crossover
    stdout.print(f"crossover: a built accelerator-hour costs ${c['build_usd_per_accelerator_hour']:.2f}"
                 f"; it beats the cheapest rental when the site is used more than "
                 f"{min(c['breakeven_utilization']):.0%} of the time; the plan first builds in "
                 f"{c['first_build_year_in_plan'] or 'never'}")
    tm = report.timing
    if tm.get("early") is not None:
        stdout.print(f"building one year early costs {_usd(tm['early']['extra_present_cost_usd'])}"
                     f", one year late {_usd(tm['late']['extra_present_cost_usd'])} "
                     "(present cost incl. unserved penalty)")
    if report.mix_change is not None:
        m = report.mix_change
        stdout.print(f"model-mix change in {m.change_year} (ASIC share {m.share_before:.0%} -> "
                     f"{m.share_after:.0%}): {m.stranded_asic_fraction:.0%} of "
                     f"{m.asic_online_w_at_change / 1e9:.2f} GW of ASIC sites stranded, unpaid IT "
                     f"capex {_usd(m.unpaid_asic_it_capex_usd)}, penalty vs foresight "
                     f"{_usd(m.penalty_usd)}")
    if report.monte_carlo is not None:
        mc = report.monte_carlo
        q = mc["present_cost_usd"]
        stdout.print(f"Monte Carlo ({mc['samples']} draws): present cost p10/p50/p90 "
                     f"{_usd(q['p10'])} / {_usd(q['p50'])} / {_usd(q['p90'])}; renting alone "
                     f"cannot keep up in {display.percent(mc['share_of_draws_rent_alone_cannot_keep_up'])} "
                     "of draws")
    for note in p.notes:
        stdout.print(f"note: {note}")
    stdout.print("Inputs and their sources: 'tokenfab plan --json' (key 'inputs').")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
