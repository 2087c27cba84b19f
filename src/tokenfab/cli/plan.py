"""``tokenfab plan``: rent or build, year by year, under a double-exponential demand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from tokenfab.cli.common import console_err, fmt_si, get_catalog, print_json, stdout
from tokenfab.errors import TokenfabError
from tokenfab.plan.econ import SECONDS_PER_YEAR


def _usd(x: float) -> str:
    a = abs(x)
    if a >= 1e12:
        return f"${x / 1e12:.2f}T"
    if a >= 1e9:
        return f"${x / 1e9:.1f}B"
    return f"${x / 1e6:.0f}M"


#: [plan] field -> (resolved input of tokenfab.plan.resolve, factor to the field's SI unit)
_RESOLVED: dict[str, tuple[str, float]] = {
    **{f: (f, 1.0) for f in ("demand_tokens_per_year", "users_growth", "per_user_growth",
                             "tokens_per_accelerator_s", "utilisation", "speedup_per_year",
                             "rent_price_trend", "rental_cap", "rental_cap_growth", "it_capex_share",
                             "cost_of_capital", "power_cap_growth", "asic_capex_saving",
                             "asic_perf_per_w")},
    "capex": ("capex_usd_per_w", 1.0), "opex_per_year": ("opex_usd_per_w_year", 1.0),
    "power_cap_per_year": ("power_cap_w_per_year", 1.0),
    "unserved_penalty": ("unserved_penalty_usd_per_token", 1.0),
    "it_life": ("it_life_years", SECONDS_PER_YEAR),
    "facility_life": ("facility_life_years", SECONDS_PER_YEAR),
    "lead_time": ("lead_time_years", SECONDS_PER_YEAR),
}


def _save(out: Path, section: Any, inputs: Any, meta: dict[str, str]) -> None:
    """``--save-scenario``: the section with every input :func:`tokenfab.plan.resolve` filled in."""
    from tokenfab.scenario import save_resolved

    fill: dict[str, Any] = {}
    for f, (name, k) in _RESOLVED.items():
        v = getattr(inputs, name)
        if v is not None and not (f == "demand_tokens_per_year" and section.demand_accelerators):
            fill[f] = v.scaled(k) if hasattr(v, "scaled") else float(v) * k
    fill["rent"] = [{"name": n, "years": y, "price_usd_per_hour": p} for n, y, p in zip(
        inputs.rent_names, inputs.rent_years, inputs.rent_prices_usd_per_hour, strict=True)]
    src = inputs.sources
    sources = {f: src[name] for f, (name, _) in _RESOLVED.items() if name in src}
    if "rent" in src:
        sources["rent"] = src["rent"]
    save_resolved(out, "plan", section, meta, sources, fill=fill)
    console_err(f"wrote resolved scenario to {out}")


def plan(
    scenario: Path | None = typer.Argument(None, metavar="[SCENARIO.toml]",
                                           help="scenario file with a [plan] section"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    plot: Path | None = typer.Option(None, "--plot", metavar="FILE",
                                     help="write the chart of the plan (PNG/SVG/PDF)"),
    samples: int | None = typer.Option(None, "--samples", help="Monte Carlo draws over the input "
                                       "ranges (one LP each; default: the scenario's, else 0)"),
    seed: int = typer.Option(0, "--seed", min=0, help="random seed of the Monte Carlo"),
    save_scenario: Path | None = typer.Option(None, "--save-scenario", metavar="PATH", help=(
        "write the resolved scenario (every default filled in, with its source) to PATH")),
) -> None:
    """How much to rent and how much to build each year so demand is met at the lowest present
    cost (a linear program, SciPy HiGHS), with rental and power caps, build lead time, cost of
    capital, depreciation and the hardware generation of each site; unserved demand is shown,
    never dropped. Also: renting alone, the crossover, building a year early/late, ASIC mix.
    """
    from tokenfab.plan import PlanSection, analyse, resolve
    from tokenfab.scenario import load_section, scenario_meta

    if samples is not None and not 0 <= samples <= 5000:
        raise TokenfabError(f"must be in 0..5000, got {samples}", field="--samples", value=samples)
    section = load_section(scenario, "plan", PlanSection) if scenario else PlanSection()
    if samples is not None:  # the run's draws, also in the JSON's inputs and a saved scenario
        section = section.model_copy(update={"samples": samples})
    meta = scenario_meta(scenario) if scenario else {}
    inputs = resolve(section, get_catalog())
    n = inputs.samples
    if save_scenario is not None:
        _save(save_scenario, section, inputs, meta)
    if n > 0:
        from rich.progress import Progress

        with Progress(console=None, transient=True, disable=json_out) as bar:
            task = bar.add_task(f"Monte Carlo: {n} plans", total=n)
            report = analyse(inputs, samples=n, seed=seed, meta=meta,
                             progress=lambda i: bar.update(task, completed=i))
    else:
        report = analyse(inputs, samples=0, meta=meta)
    if plot is not None:
        try:
            from tokenfab.report.figures.plan import plan_figure

            plan_figure(report.plan, plot, title=meta.get("title", ""))
        except ImportError:
            raise TokenfabError("--plot needs matplotlib (pip install 'tokenfab[plot]')") from None
        except (OSError, ValueError) as e:
            raise TokenfabError(f"cannot write the chart: {e}", field="--plot",
                                value=str(plot)) from None
        console_err(f"wrote {plot}")
    if json_out:
        doc = report.to_dict()
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
        t.add_row(str(r["year"]), fmt_si(r["demand_tokens"]), f"{r['demand_gw']:.2f}",
                  fmt_si(r["rented_accelerators"]), f"{r['build_started_gw']:.2f}",
                  f"{r['built_gw']:.2f}", f"{r['online_gw']:.2f}", fmt_si(r["unserved_tokens"]),
                  f"{r['idle_fraction']:.0%}", _usd(r["cost_usd"]))
    stdout.print(t)
    stdout.print("demand GW: power that would serve all demand with that year's newest "
                 "generation; built GW: new power online that year (incl. committed sites)")
    stdout.print(f"present cost {_usd(p.present_cost_usd)} (cash, discounted at "
                 f"{float(inputs.point().cost_of_capital):.0%}); unserved "
                 f"{fmt_si(p.total_unserved_tokens)} tokens, valued at "
                 f"{_usd(p.present_penalty_usd)}")
    v = report.verdict
    stdout.print(f"\n[bold]'{v['claim']}'[/bold]: {v['text']}", markup=True)
    c = report.crossover
    stdout.print(f"crossover: a built accelerator-hour costs ${c['build_usd_per_accelerator_hour']:.2f}"
                 f"; it beats the cheapest rental when the site is used more than "
                 f"{min(c['breakeven_utilisation']):.0%} of the time; the plan first builds in "
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
                     f"{m.asic_online_gw_at_change:.2f} GW of ASIC sites stranded, unpaid IT "
                     f"capex {_usd(m.unpaid_asic_it_capex_usd)}, penalty vs foresight "
                     f"{_usd(m.penalty_usd)}")
    if report.monte_carlo is not None:
        mc = report.monte_carlo
        q = mc["present_cost_usd"]
        stdout.print(f"Monte Carlo ({mc['samples']} draws): present cost p10/p50/p90 "
                     f"{_usd(q['p10'])} / {_usd(q['p50'])} / {_usd(q['p90'])}; renting alone "
                     f"cannot keep up in {mc['share_of_draws_rent_alone_cannot_keep_up']:.0%} "
                     "of draws")
    for note in p.notes:
        stdout.print(f"note: {note}")
    stdout.print("Inputs and their sources: 'tokenfab plan --json' (key 'inputs').")


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
