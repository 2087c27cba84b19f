"""``tokenfab cluster``: power, fabric, failures, checkpointing, goodput and time to train of
a site of N accelerators (flags or a scenario file with a ``[cluster]`` section)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from tokenfab.cli.common import console_err, fmt_si, get_catalog, print_json, stdout
from tokenfab.errors import TokenfabError

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
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("simulating failures"), BarColumn(),
                                TextColumn("{task.completed}/{task.total} replicas"),
                                TimeRemainingColumn(), console=Console(stderr=True),
                                transient=True)
            self.bar.start()
            self.task = self.bar.add_task("sim", total=self.total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _txt(v: Any) -> str:
    from tokenfab.uncertainty import Range

    if isinstance(v, Range):
        return f"{v.likely:g} (range {v.low:g}-{v.high:g})"
    return f"{v:g}"


def _section(scenario: Path | None, flags: dict[str, Any]) -> Any:
    from tokenfab.cluster.site import ClusterSection
    from tokenfab.scenario import load_section, validate_section

    if scenario is not None:
        return load_section(scenario, "cluster", ClusterSection, overrides=flags)
    return validate_section(ClusterSection, {k: v for k, v in flags.items() if v is not None},
                            prefix="cluster")


#: [cluster] field -> the tokenfab.cluster.defaults names its default is made of
_DEFAULT_NAMES = {"mfu": ("mfu_low", "mfu", "mfu_high"), "pue": ("pue_low", "pue_likely", "pue_high"),
                  "switch_price": ("switch_price_usd",), "transceiver_price": ("transceiver_price_usd",),
                  **{f: (f,) for f in ("other_it_fraction", "checkpoint_bytes_per_param",
                                       "storage_bandwidth", "restart_time", "memory_recovery_speedup",
                                       "hot_spare_fraction", "repair_time", "switch_power",
                                       "transceiver_power")}}


def _sources(catalog: Any) -> dict[str, str]:
    """Field -> source of its default (low / likely / high for ranges), as the model reads it."""
    from tokenfab.cluster.defaults import default

    def label(i: int, n: int) -> str:
        return ("low ", "likely ", "high ")[i] if n == 3 else ""

    return {f: "; ".join(label(i, len(names)) + default(n, catalog).describe()
                         for i, n in enumerate(names)) for f, names in _DEFAULT_NAMES.items()}


def _save(out: Path, sec: Any, scenario: Path | None, catalog: Any) -> None:
    """``--save-scenario``: the section with its defaults and their sources."""
    from tokenfab.cluster.site import DEFAULT_CHECKPOINT_MODEL
    from tokenfab.scenario import save_resolved, scenario_meta

    sources = {**_sources(catalog), "checkpoint_model": "tokenfab.cluster.site default "
               "(DEFAULT_CHECKPOINT_MODEL), used when no model is given"}
    fill = {"checkpoint_model": DEFAULT_CHECKPOINT_MODEL} if sec.model is None else None
    save_resolved(out, "cluster", sec, scenario_meta(scenario) if scenario else None, sources,
                  fill=fill)
    console_err(f"wrote resolved scenario to {out}")


def cluster(
    scenario: Path | None = typer.Argument(None, metavar="[SCENARIO.toml]",
                                           help="scenario file with a [cluster] section"),
    hardware: str | None = typer.Option(None, "--hardware", help="accelerator id, e.g. gb200-nvl72"),
    accelerators: float | None = typer.Option(None, "--accelerators", help="accelerators on the site"),
    days: float | None = typer.Option(None, "--days", help="job length simulated [days] (90)"),
    samples: int | None = typer.Option(None, "--samples", help="simulation replicas (1000; 0 = analytic only)"),
    model: str | None = typer.Option(None, "--model", help="model id for time to train"),
    tokens: str | None = typer.Option(None, "--tokens", help="training tokens, e.g. 15e12 or '15 Ttok'"),
    checkpoint: str | None = typer.Option(None, "--checkpoint", help="storage | memory"),
    seed: int | None = typer.Option(None, "--seed", help="random seed"),
    json_out: bool = typer.Option(False, "--json", help="print strict JSON"),
    plot: Path | None = typer.Option(None, "--plot", metavar="FILE", help="goodput vs size chart (PNG/SVG)"),
    catalog: list[str] = typer.Option([], "--catalog", metavar="FILE", help="extra TOML catalog file"),
    save_scenario: Path | None = typer.Option(None, "--save-scenario", metavar="PATH", help=(
        "write the resolved scenario (every default filled in, with its source) to PATH")),
) -> None:
    """A site of N accelerators: power, fabric, failures, checkpoints, goodput, time to train."""
    from tokenfab.cluster.site import evaluate_site

    if scenario is None and hardware is None and accelerators is None:
        raise TokenfabError("give a scenario file or --hardware and --accelerators",
                            field="cluster")
    cat = get_catalog(catalog)
    flags = {"hardware": hardware, "accelerators": accelerators, "days": days,
             "samples": samples, "model": model, "tokens": tokens, "checkpoint": checkpoint,
             "seed": seed}
    sec = _section(scenario, flags)
    if save_scenario is not None:
        _save(save_scenario, sec, scenario, cat)
    bar = _LazyProgress(int(sec.samples))
    try:
        res = evaluate_site(sec, cat, progress=bar)
    finally:
        bar.close()
    if plot is not None:
        from tokenfab.report.figures.cluster import plot_goodput_vs_size

        plot_goodput_vs_size(sec, plot, cat)
        console_err(f"wrote {plot}")
    if json_out:
        print_json(res.to_dict())
        return
    d = res.to_dict()
    t = Table(title=f"{int(sec.accelerators):,} x {res.accelerator.name}", show_header=False)
    t.add_column("item")
    t.add_column("value", justify="right")
    t.add_column("note")
    rows = [
        ("IT power", fmt_si(d["it_power_w"], "W"), res.system_power_source[:70]),
        ("facility power", fmt_si(d["facility_power_w"], "W"), f"PUE {_txt(sec.pue)}"),
        ("energy per year", f"{d['energy_per_year_j'] / 3.6e15:.3g} TWh", "at full load"),
        ("racks", f"{d['racks']:,}", f"{fmt_si(d['rack_power_w'], 'W')} each, {d['cooling']} cooled"),
        ("switches", f"{d['switches']:,}", f"{res.fabric.tiers}-tier, {res.fabric.planes} plane(s) "
         f"x {res.fabric.radix} ports at {res.fabric.port_speed_bps / 1e9:g}G"),
        ("links / transceivers", f"{d['links']:,} / {d['transceivers']:,}",
         f"fabric {fmt_si(res.fabric.power_w, 'W')}, ${res.fabric.cost_usd / 1e9:.3g} B"),
        ("job / hot spares", f"{res.job_accelerators:,} / {res.spare_accelerators:,}", ""),
        ("job MTBF", f"{d['mtbf_hours'] * 60:.3g} min", "Llama 3 per-GPU interruption rate"),
        ("expected interruptions", f"{d['expected_interruptions']:,.0f}", f"in {sec.days:g} days"),
        ("checkpoint save / restart", f"{res.save_time_s:.3g} s / {res.restart_s:.3g} s",
         f"{sec.checkpoint} checkpoints of {fmt_si(res.checkpoint_bytes, 'B')}"),
        ("checkpoint interval", f"{res.interval_s:.3g} s",
         f"Young {res.young_interval_s:.3g} s, Daly {res.daly_interval_s:.3g} s"),
        ("goodput (analytic)", f"{res.goodput:.3f}", f"first-order model {res.goodput_first_order:.3f}"),
    ]
    if res.simulation is not None:
        sm = res.simulation.summary()
        rows.append(("goodput (simulated)", f"{sm['goodput_mean']:.3f}",
                     f"p10 {sm['goodput_p10']:.3f}, p90 {sm['goodput_p90']:.3f}, "
                     f"{res.simulation.replicas} replicas"))
    if res.time_to_train_s is not None:
        rows.append(("time to train", f"{res.time_to_train_s / 86400:.3g} days",
                     f"{sec.model}, {fmt_si(sec.tokens)} tokens, MFU {_txt(sec.mfu)}"))
    for r in rows:
        t.add_row(*r)
    stdout.print(t)
    for k, v in res.ranges.items():
        if v["p10"] != v["p90"]:
            stdout.print(f"  {k}: p10 {v['p10']:.4g}  p50 {v['p50']:.4g}  p90 {v['p90']:.4g}")


def register(app: typer.Typer) -> None:
    app.command("cluster", help=_HELP)(cluster)
