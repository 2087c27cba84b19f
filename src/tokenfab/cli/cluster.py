"""``tokenfab cluster``: power, fabric, failures, checkpointing, goodput and time to train of
a site of N accelerators (flags or a scenario file with a ``[cluster]`` section)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
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
from tokenfab.cluster.inputs import CLUSTER_INPUTS
from tokenfab.cluster.site import (
    DEFAULT_CHECKPOINT_MODEL,
    ClusterSection,
    evaluate_site,
    resolve_cluster,
)
from tokenfab.errors import TokenfabError
from tokenfab.inputs import Resolved
from tokenfab.report.figures.cluster import plot_goodput_vs_size
from tokenfab.scenario import load_section, save_resolved, scenario_meta, validate_section
from tokenfab.uncertainty import Range

_HELP = ("A site of N accelerators: power and cooling, scale-out fabric, interruptions, "
         "checkpoint interval, goodput (analytic and simulated) and time to train.")


class _LazyProgress:
    """A rich progress bar on stderr that appears only if the simulation will take > 1 s."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.t0 = time.perf_counter()
        self.bar: Any = None
        self.task: Any = None

    def __call__(self, done: int) -> None:
        if self.bar is None:
            elapsed = time.perf_counter() - self.t0
            if done >= self.total or elapsed / max(done, 1) * self.total < 1.0:
                return
            self.bar = Progress(TextColumn("simulating failures"), BarColumn(),
                                TextColumn("{task.completed}/{task.total} trials"),
                                TimeRemainingColumn(), console=Console(stderr=True),
                                transient=True)
            self.bar.start()
            self.task = self.bar.add_task("sim", total=self.total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()



def _dur(seconds: float) -> str:
    """A duration for people: below a second in ms, else in s with separators."""
    if seconds < 1:
        return f"{display.number(seconds * 1e3)} ms"
    return f"{display.number(seconds)} s"

def _txt(v: Any) -> str:
    if isinstance(v, Range):
        return f"{v.likely:g} (range {v.low:g}-{v.high:g})"
    return f"{v:g}"


def _section(scenario: Path | None, flags: dict[str, Any]) -> Any:
    if scenario is not None:
        return load_section(scenario, "cluster", ClusterSection, overrides=flags)
    return validate_section(ClusterSection, {k: v for k, v in flags.items() if v is not None},
                            prefix="cluster")


def _save(out: Path, sec: Any, scenario: Path | None, res: Resolved, sets: dict[str, Any]) -> None:
    """``--save-scenario``: the section (with the ``--set`` values) and every resolved default,
    each with its source as a comment (:meth:`~tokenfab.inputs.Resolved.comments`)."""
    sources = {**res.comments(), "checkpoint_model": "tokenfab.cluster.site default "
               "(DEFAULT_CHECKPOINT_MODEL), used when no model is given"}
    fill: dict[str, Any] = dict(res.values)
    if sec.model is None:
        fill["checkpoint_model"] = DEFAULT_CHECKPOINT_MODEL
    save_resolved(out, "cluster", sec.model_copy(update=sets) if sets else sec,
                  scenario_meta(scenario) if scenario else None, sources, fill=fill)
    console_err(f"wrote resolved scenario to {out}")


def cluster(
    scenario: Path | None = typer.Argument(None, metavar="[SCENARIO.toml]", parser=scenario_path,
                                           help="scenario file with a [cluster] section"),
    hardware: str | None = typer.Option(None, "--hardware", help="accelerator id, e.g. gb200-nvl72"),
    accelerators: float | None = typer.Option(None, "--accelerators", help="accelerators on the site"),
    days: float | None = typer.Option(None, "--days", help="job length simulated [days] (90)"),
    samples: int | None = typer.Option(None, "--samples", help=(
        "Monte Carlo draws of the uncertain inputs for the p10-p90 ranges (2000; 0 = point "
        "estimate)")),
    trials: int | None = typer.Option(None, "--trials", help=(
        "replicas of the failure simulation (1000; 0 = analytic goodput only)")),
    model: str | None = typer.Option(None, "--model", help="model id for time to train"),
    tokens: str | None = typer.Option(None, "--tokens", help="training tokens, e.g. 15e12 or '15 Ttok'"),
    checkpoint: str | None = typer.Option(None, "--checkpoint", help="storage | memory"),
    seed: int | None = typer.Option(None, "--seed", help="random seed (NumPy, >= 0)"),
    set_: list[str] = typer.Option([], "--set", metavar="NAME=VALUE", help=SET_HELP),
    list_inputs: bool = typer.Option(False, "--inputs", help=(
        "list the model's inputs (unit, allowed values, default, kind, source) and exit")),
    json_out: bool = typer.Option(False, "--json", help="print strict JSON"),
    plot: Path | None = typer.Option(None, "--plot", callback=plot_option, metavar="FILE", help="goodput vs size chart (PNG/SVG)"),
    catalog: list[str] = typer.Option([], "--catalog", metavar="FILE", help="extra TOML catalog file"),
    save_scenario: Path | None = typer.Option(None, "--save-scenario", callback=save_scenario_option, metavar="PATH", help=(
        "write the resolved scenario (every default filled in, with its source) to PATH")),
) -> None:
    """A site of N accelerators: power, fabric, failures, checkpoints, goodput, time to train."""
    cat = get_catalog(catalog)
    sets = parse_set(CLUSTER_INPUTS, set_)
    flags = {"hardware": hardware, "accelerators": accelerators, "days": days,
             "samples": samples, "trials": trials, "model": model, "tokens": tokens,
             "checkpoint": checkpoint, "seed": seed}
    if list_inputs:  # the flags given beside --inputs are still checked (never silently taken)
        if scenario is not None or hardware is not None:
            _section(scenario, flags).run_options()
        else:
            run_options(samples, seed)
            for k in ("accelerators", "days", "tokens"):
                if flags[k] is not None:
                    CLUSTER_INPUTS[k].parse(flags[k], where=f"--{k}")
        print_inputs(CLUSTER_INPUTS, cat, {"hardware": cat.hardware(hardware or "gb200-nvl72")},
                     json_out=json_out)
        return
    if scenario is None and hardware is None and accelerators is None:
        raise TokenfabError("give a scenario file or --hardware and --accelerators",
                            field="cluster")
    sec = _section(scenario, flags)
    sec.run_options()  # --samples / --seed checked once, as in every command
    res = resolve_cluster(sec, cat, sets)
    if save_scenario is not None:
        _save(save_scenario, sec, scenario, res, sets)
    bar = _LazyProgress(int(sec.trials))
    try:
        result = evaluate_site(sec, cat, progress=bar, resolved=res)
    finally:
        bar.close()
    if plot is not None:
        plot_goodput_vs_size(sec, plot, cat, flags=sets)
        console_err(f"wrote {plot}")
    doc = result.to_dict()
    warn_implausible(doc, res)
    if json_out:
        print_json(doc)
        return
    d = result.to_dict()
    fab = result.fabric
    t = Table(title=f"{result.accelerators:,} x {result.accelerator.name}", show_header=False)
    t.add_column("item")
    t.add_column("value", justify="right")
    t.add_column("note", overflow="fold")  # a source is never cut with '…' (issue 15)
    rows = [
        ("IT power", fmt_si(d["it_power_w"], "W"), display.prose(result.system_power_source)),
        ("facility power", fmt_si(d["facility_power_w"], "W"), f"PUE {_txt(res['pue'])}"),
        ("energy per year", f"{display.number(d['energy_per_year_j'] / 3.6e15)} TWh", "at full load"),
        ("racks", f"{d['racks']:,}", f"{fmt_si(d['rack_power_w'], 'W')} each, {d['cooling']} cooled"),
        ("switches", f"{d['switches']:,}", f"{fab.tiers}-tier, {fab.planes} plane(s) "
         f"x {fab.radix} ports at {fab.port_speed_bps / 1e9:g}G"),
        ("links / transceivers", f"{d['links']:,} / {d['transceivers']:,}",
         f"fabric {fmt_si(fab.power_w, 'W')}, {display.money(fab.cost_usd)}"),
        ("job / hot spares", f"{result.job_accelerators:,} / {result.spare_accelerators:,}", ""),
        ("job MTBF", f"{display.number(d['mtbf_hours'] * 60)} min", "Llama 3 per-GPU interruption rate"),
        ("expected interruptions", f"{d['expected_interruptions']:,.0f}", f"in {d['days']:g} days"),
        ("checkpoint save / restart", f"{_dur(result.save_time_s)} / {_dur(result.restart_s)}",
         f"{sec.checkpoint} checkpoints of {fmt_si(result.checkpoint_bytes, 'B')}"),
        ("checkpoint interval", _dur(result.interval_s),
         f"Young {_dur(result.young_interval_s)}, Daly {_dur(result.daly_interval_s)}"),
        ("goodput (analytic)", f"{result.goodput:.3f}",
         f"first-order model {result.goodput_first_order:.3f}"),
    ]
    if result.simulation is not None:
        sm = result.simulation.summary()
        rows.append(("goodput (simulated)", f"{sm['goodput_mean']:.3f}",
                     f"p10 {sm['goodput_p10']:.3f}, p90 {sm['goodput_p90']:.3f}, "
                     f"{result.simulation.replicas} trials"))
    if result.time_to_train_s is not None:
        rows.append(("time to train", f"{display.number(result.time_to_train_s / 86400)} days",
                     f"{sec.model}, {fmt_si(d['tokens'])} tokens, MFU {_txt(res['mfu'])}"))
    for r in rows:
        t.add_row(*r)
    stdout.print(t)
    for k, v in result.ranges.items():
        if v["p10"] != v["p90"]:
            stdout.print(f"  {display.label(k)}: p10 {display.of_field(v['p10'], k)}  "
                         f"p50 {display.of_field(v['p50'], k)}  p90 {display.of_field(v['p90'], k)}",
                         markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.command("cluster", help=_HELP)(cluster)
