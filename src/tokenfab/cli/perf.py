"""``tokenfab predict | pareto | validate``: the inference performance engine from the shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from tokenfab import display
from tokenfab.cli.common import (
    SET_HELP,
    console_err,
    fmt_si,
    get_catalog,
    parse_set,
    print_inputs,
    print_json,
    save_scenario_option,
    scenario_path,
    stdout,
    warn_implausible,
)
from tokenfab.errors import TokenfabError
from tokenfab.outputs import check_output_file
from tokenfab.perf.inputs import MAX_COUNT

_CATALOG_OPT = typer.Option([], "--catalog", metavar="FILE",
                            help="extra TOML catalog file (repeatable)")


def _frontier_plot_option(value: Any) -> Any:
    """typer callback of ``pareto --plot``: a writable ``.png`` or ``.html`` path, checked
    before the sweep runs."""
    return None if value is None else check_output_file(value, flag="--plot",
                                                        suffixes=(".png", ".html"))


def _err_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def _print_prediction(d: dict[str, Any]) -> None:
    t = Table(title=f"{d['model']} on {d['hardware']}", show_header=False)
    t.add_column("quantity")
    t.add_column("value", justify="right")
    c = d["config"]
    lo, hi = (d.get("output_tokens_per_s_per_accelerator_p10"),
              d.get("output_tokens_per_s_per_accelerator_p90"))
    band = f" (80% interval {lo:,.0f} - {hi:,.0f})" if lo is not None and hi is not None else ""
    dep = d.get("deployment") or {}
    rows = [
        ("output tokens/s (deployment)", f"{d['output_tokens_per_s']:,.0f}"),
        ("output tokens/s per accelerator",
         f"{display.number(d['output_tokens_per_s_per_accelerator'], 4)}{band}"),
        ("tokens/s per user (interactivity)", f"{d['interactivity_tokens_per_s_per_user']:.1f}"),
        ("TTFT mean / p99", f"{d['ttft_s']:.3g} s / {d['ttft_p99_s']:.3g} s"),
        ("TPOT mean / p99", f"{d['tpot_s'] * 1e3:.3g} ms / {d['tpot_p99_s'] * 1e3:.3g} ms"),
        ("tokens/s per MW (all-in)", fmt_si(d["tokens_per_s_per_mw"], "tok/s/MW")),
        ("bottleneck", d["bottleneck"]),
        ("layout", f"TP{c['tp']} PP{c['pp']} EP{c['ep']} DP{c['dp']}, {c['precision']}"
         + (f" (emulated: {c['math_precision']} math)"
            if c.get("math_precision", c["precision"]) != c["precision"] else "")),
        ("deployment", _deployment_text(dep, c) if dep else f"{c['count']} accelerators"),
        ("software era", d.get("software_date") or "—"),
        ("concurrent sequences per replica", str(c["batch"])),
        ("disaggregated", f"yes ({c['prefill_accelerators']:g} prefill accelerators)"
         if c["disaggregated"] else "no"),
    ]
    m = d["memory_bytes"]
    rows.append(("memory per accelerator", f"weights {m['weights'] / 1e9:.1f} GB + KV "
                 f"{m['kv_cache'] / 1e9:.1f} GB + reserve {m['reserve'] / 1e9:.1f} GB of "
                 f"{m['capacity'] / 1e9:.0f} GB"))
    for r in rows:
        t.add_row(*r)
    stdout.print(t)


def _deployment_text(dep: dict[str, Any], c: dict[str, Any]) -> str:
    sysw = "system" if dep["systems"] == 1 else "systems"
    out = (f"{dep['systems']} x {dep['system']} {sysw} ({dep['accelerators']} accelerators, "
           f"{dep['accelerators_used']} used): {dep['decode_replicas']} replica(s) of "
           f"{dep['replica_accelerators']}")
    if c.get("disaggregated"):
        out += (f" decoding + {dep['prefill_instances']} prefill instance(s), "
                f"{dep['prefill_accelerators']} accelerators")
    return out


def predict_cmd(
    scenario: Path | None = typer.Argument(None, metavar="[SCENARIO.toml]", parser=scenario_path,
                                           help="scenario file with a [predict] section"),
    model: str | None = typer.Option(None, "--model", help="model id (tokenfab catalog models)"),
    hardware: str | None = typer.Option(None, "--hardware", help="accelerator id"),
    count: int | None = typer.Option(None, "--count", min=1, max=MAX_COUNT,
                                     help="accelerators (default: the engine chooses)"),
    precision: str = typer.Option("fp8", "--precision", help="fp4 | fp8 | bf16"),
    input_tokens: float | None = typer.Option(None, "--input-tokens",
                                              help="mean prompt tokens (default 1024)"),
    output_tokens: float | None = typer.Option(None, "--output-tokens",
                                               help="mean output tokens (default 1024)"),
    ttft_max_s: float | None = typer.Option(None, "--ttft-max-s", help="p99 TTFT limit [s]"),
    tpot_max_s: float | None = typer.Option(None, "--tpot-max-s", help="p99 TPOT limit [s]"),
    interactivity_min: float | None = typer.Option(
        None, "--interactivity-min", help="minimum tokens/s per user"),
    disaggregated: bool | None = typer.Option(
        None, "--disaggregated/--aggregated", help="force or forbid separate prefill pools"),
    software_date: str | None = typer.Option(
        None, "--software-date", metavar="YYYY-MM",
        help="software era of the prediction (default: the latest supported)"),
    set_: list[str] = typer.Option([], "--set", metavar="NAME=VALUE", help=SET_HELP),
    inputs: bool = typer.Option(False, "--inputs", help="list the inputs with defaults and "
                                "sources, and exit"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
    catalog: list[str] = _CATALOG_OPT,
    save_scenario: Path | None = typer.Option(None, "--save-scenario", metavar="PATH",
                                              callback=save_scenario_option, help=(
        "write the resolved scenario (every default filled in) to PATH")),
) -> None:
    """Best tokens/s per accelerator of a model on a system under latency limits."""
    from tokenfab.perf.inputs import PREDICT_INPUTS, predict_kwargs
    from tokenfab.perf.serving import predict

    cat = get_catalog(catalog)
    given = dict(input_tokens=input_tokens, output_tokens=output_tokens, ttft_max_s=ttft_max_s,
                 tpot_max_s=tpot_max_s, interactivity_min=interactivity_min)
    flags = {**{k: v for k, v in given.items() if v is not None},
             **parse_set(PREDICT_INPUTS, set_)}
    if software_date is not None:
        from tokenfab.perf.era import parse_date

        parse_date(software_date, field="--software-date")
    if inputs:  # the flags given beside --inputs are still checked (never silently taken)
        warn_implausible(None, PREDICT_INPUTS.resolve({}, cat, flags=flags))
        print_inputs(PREDICT_INPUTS, cat, json_out=json_out)
        return
    if save_scenario is not None:
        _save(save_scenario, scenario, dict(
            model=model, hardware=hardware, count=count, precision=precision,
            disaggregated=disaggregated, software_date=software_date, **flags), cat)
    if scenario is not None:
        from rich.progress import Progress, SpinnerColumn, TextColumn

        from tokenfab.perf.claims import run_scenario

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), transient=True,
                      console=_err_console()) as prog:
            prog.add_task(f"running {scenario.name} (one prediction per factor)", total=None)
            result = run_scenario(scenario, catalog=cat)
        if json_out:
            print_json(result)
            return
        _print_scenario(result)
        return
    if model is None or hardware is None:
        missing = [n for n, v in (("--model", model), ("--hardware", hardware)) if v is None]
        raise TokenfabError(f"give a scenario file or {' and '.join(missing)}",
                            field=missing[0])
    res = PREDICT_INPUTS.resolve({}, cat, flags=flags)
    pred = predict(model, hardware, count, precision=precision, disaggregated=disaggregated,
                   catalog=cat, software_date=software_date, **predict_kwargs(dict(res.values)))
    doc = pred.to_dict()
    warn_implausible(doc, res)
    if json_out:
        print_json(doc)
        return
    _print_prediction(pred.to_dict())


def _save(out: Path, scenario: Path | None, flags: dict[str, Any],
          catalog: Any = None) -> None:
    """``--save-scenario``: the ``[predict]`` section the command runs (from the file, or from
    the flags when there is none)."""
    from tokenfab.perf.claims import PredictSection
    from tokenfab.scenario import load_section, save_resolved, scenario_meta, validate_section

    if scenario is not None:
        sec, meta = load_section(scenario, "predict", PredictSection), scenario_meta(scenario)
    else:
        for name in ("model", "hardware"):
            if flags[name] is None:
                raise TokenfabError(f"give a scenario file or --{name}", field=f"--{name}")
        sec, meta = validate_section(PredictSection, flags, prefix="predict"), None
    from tokenfab.perf.inputs import PREDICT_INPUTS

    res = PREDICT_INPUTS.resolve({n: getattr(sec, n, None) for n in PREDICT_INPUTS.names},
                                 catalog)
    fill: dict[str, Any] = dict(res.values)
    comments = res.comments()
    if sec.software_date is None and not sec.baseline_hardware:
        # the latest supported era of this model on this hardware, written so the file reruns
        # in the same era after the shipped era fit moves on (a comparison keeps each side's
        # own latest era: left unset)
        from tokenfab.perf.era import ERA, era_group, format_date

        cat = catalog if catalog is not None else get_catalog()
        hw, m = cat.hardware(sec.hardware), cat.model(sec.model)
        fill["software_date"] = format_date(ERA.latest(era_group(hw.family,
                                                                  int(m.moe_experts or 0))))
        comments["software_date"] = ("the latest supported software era of this model class on "
                                     "this hardware family (tokenfab.perf.era)")
    save_resolved(out, "predict", sec, meta, sources=comments, fill=fill)
    console_err(f"wrote resolved scenario to {out}")


def _print_scenario(result: dict[str, Any]) -> None:
    if result.get("title"):
        stdout.print(f"[bold]{result['title']}[/bold]")
    if result.get("claim"):
        stdout.print(f"claim: {result['claim']}")
    _print_prediction(result["prediction"])
    if "baseline" in result:
        _print_prediction(result["baseline"])
        stdout.print(f"ratio per accelerator: [bold]{result['ratio_per_accelerator']:.2f}x[/bold]"
                     f" (claim {result.get('claimed_ratio', '—')}x)")
        t = Table(title="where the ratio comes from (waterfall: one factor added at a time)")
        for col in ("step", "tok/s per acc", "factor", "cumulative"):
            t.add_column(col, justify="left" if col == "step" else "right")
        for s in result["waterfall"]:
            t.add_row(s["step"], f"{display.number(s['output_tokens_per_s_per_accelerator'], 4)}",
                      f"{s['factor']:.2f}x", f"{s['cumulative']:.2f}x")
        stdout.print(t)
        t = Table(title="one factor removed from the full configuration")
        for col in ("without", "tok/s per acc", "full / without"):
            t.add_column(col, justify="left" if col == "without" else "right")
        for s in result["one_at_a_time"]:
            t.add_row(s["without"], f"{display.number(s['output_tokens_per_s_per_accelerator'], 4)}",
                      f"{s['factor']:.2f}x")
        stdout.print(t)
        if result.get("verdict"):
            stdout.print(result["verdict"])


def pareto_cmd(
    model: str = typer.Option(..., "--model", help="model id"),
    hardware: str = typer.Option(..., "--hardware", help="accelerator id"),
    count: int | None = typer.Option(None, "--count", min=1, max=MAX_COUNT, help="accelerators"),
    precision: str | None = typer.Option(
        None, "--precision", help="fp4 | fp8 | bf16 (default: every supported one)"),
    input_tokens: float = typer.Option(1024, "--input-tokens"),
    output_tokens: float = typer.Option(1024, "--output-tokens"),
    ttft_max_s: float | None = typer.Option(None, "--ttft-max-s", help="p99 TTFT limit [s]"),
    software_date: str | None = typer.Option(
        None, "--software-date", metavar="YYYY-MM",
        help="software era (default: the latest supported)"),
    plot: Path | None = typer.Option(None, "--plot", callback=_frontier_plot_option,
                                     help="write the frontier to PNG or HTML"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
    catalog: list[str] = _CATALOG_OPT,
) -> None:
    """Frontier of tokens/s per accelerator (and per MW) against tokens/s per user."""
    from tokenfab.perf.inputs import PREDICT_INPUTS
    from tokenfab.perf.serving import pareto
    from tokenfab.uncertainty import likely

    cat = get_catalog(catalog)
    res = PREDICT_INPUTS.resolve({}, cat, flags={
        "input_tokens": input_tokens, "output_tokens": output_tokens, "ttft_max_s": ttft_max_s})
    fr = pareto(model, hardware, count, precision=precision,
                input_tokens=float(likely(res["input_tokens"])),
                output_tokens=float(likely(res["output_tokens"])),
                ttft_max_s=None if ttft_max_s is None else float(likely(res["ttft_max_s"])),
                catalog=cat, software_date=software_date)
    warnings = warn_implausible(None, res)
    if plot is not None:
        from tokenfab.report.figures.perf import plot_frontier

        plot_frontier(fr, plot)
        console_err(f"wrote {plot}")
    df = fr.to_frame()
    if json_out:
        doc = fr.to_dict()
        if warnings:
            doc["warnings"] = warnings
        print_json(doc)
        return
    if fr.note:
        console_err(f"note: {fr.note}")
    t = Table(title=f"Pareto frontier: {model} on {hardware} ({input_tokens:g} in / "
              f"{output_tokens:g} out)")
    for col in ("tok/s/user", "tok/s/acc", "tok/s/MW", "TTFT s", "TPOT ms", "TP", "EP", "PP",
                "DP", "batch", "prec", "disagg"):
        t.add_column(col, justify="right")
    for r in df.to_dict(orient="records"):
        t.add_row(f"{float(r['interactivity_tokens_per_s_per_user']):.1f}",
                  f"{display.number(float(r['output_tokens_per_s_per_accelerator']), 4)}",
                  fmt_si(float(r["tokens_per_s_per_mw"])), f"{float(r['ttft_s']):.3g}",
                  f"{float(r['tpot_s']) * 1e3:.3g}",
                  str(r["tp"]), str(r["ep"]), str(r["pp"]), str(r["dp"]), str(r["batch"]),
                  str(r["precision"]), "yes" if r["disaggregated"] else "no")
    stdout.print(t)


def validate_cmd(
    data: list[Path] = typer.Option(..., "--data", help="CSV of measured results "
                                    "(format of shared/validation/measured_inference.csv); "
                                    "repeat to score several files together"),
    cv: str | None = typer.Option(
        None, "--cv", metavar="KEY",
        help="grouped cross-validation: round | submitter | accelerator | model (the software "
             "era is fitted on the other groups only; held-out errors reported)"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
    catalog: list[str] = _CATALOG_OPT,
) -> None:
    """Predict every measured row under its conditions; print the % errors and the share of
    rows inside the 80 % prediction interval."""
    from tokenfab.perf.validate import CV_KEYS, read_rows, validate

    if cv is not None and cv not in CV_KEYS:
        raise TokenfabError(f"unknown cross-validation key {cv!r}", field="--cv", value=cv,
                            allowed=", ".join(CV_KEYS))
    cat = get_catalog(catalog)
    if json_out:
        print_json(validate(data, catalog=cat, cv=cv))
        return
    from rich.progress import Progress

    n = sum(len(read_rows(d)) for d in data)
    with Progress(transient=True, console=stdout) as prog:
        task = prog.add_task("predicting rows", total=n)
        res = validate(data, catalog=cat, progress=lambda: prog.advance(task), cv=cv)
    names = ", ".join(d.name for d in data)
    t = Table(title=f"Validation: {names}" + (f" (held out by {cv})" if cv else ""))
    for col in ("id", "round", "hardware", "model", "scenario", "predicted", "p10-p90",
                "measured", "error %", "layout"):
        t.add_column(col, justify="right" if col in ("predicted", "measured", "error %",
                                                     "p10-p90") else "left")
    for r in res["rows"]:
        c = r["config"]
        t.add_row(r["id"], r["round"], r["accelerator_id"], r["model_id"], r["scenario"],
                  f"{display.number(r['predicted'], 4)}",
                  f"{r['predicted_p10']:,.0f}-{r['predicted_p90']:,.0f}",
                  f"{display.number(r['measured'], 4)}", f"{r['error_pct']:+.1f}",
                  f"TP{c['tp']} PP{c['pp']} EP{c['ep']}" + (" disagg" if c["disaggregated"]
                                                          else ""))
    stdout.print(t)
    fam = ", ".join(f"{k} {v:.1f}%" for k, v in res["by_family"].items())
    mod = ", ".join(f"{k} {v:.1f}%" for k, v in res["by_model"].items())
    cov = res["coverage_80"]
    how = f"held out by {cv}" if cv else "in sample for the era fit; use --cv for held-out"
    stdout.print(f"median |error| ({how}): [bold]{res['median_abs_pct_error']:.1f}%[/bold] "
                 f"over {len(res['rows'])} rows; 80% interval coverage "
                 f"{'—' if cov is None else f'{cov:.0%}'}")
    stdout.print(f"by family: {fam}")
    stdout.print(f"by model: {mod}")
    for s in res["skipped"]:
        console_err(f"skipped {s['id']}: {s['reason']}")


def register(app: typer.Typer) -> None:
    app.command("predict")(predict_cmd)
    app.command("pareto")(pareto_cmd)
    app.command("validate")(validate_cmd)
