"""``tokenfab catalog hardware|models|show``: the sourced catalog as tables or JSON."""

from __future__ import annotations

import typer
from rich.table import Table

from tokenfab import display
from tokenfab.catalog import Accelerator, as_record
from tokenfab.catalog.schema import ACCELERATOR_FIELDS, MODEL_FIELDS
from tokenfab.cli.common import fmt_si, get_catalog, print_json, stdout, toml_out_option
from tokenfab.errors import TokenfabError

catalog_app = typer.Typer(help="The catalog of accelerators/systems and LLM architectures, "
                          "every number with its source.", no_args_is_help=True)

_CATALOG_OPT = typer.Option([], "--catalog", metavar="FILE", help="extra TOML catalog file (repeatable)")


def _kind_mark(obj: object, field: str) -> str:
    p = obj.provenance.get(field)  # type: ignore[attr-defined]
    return {"estimate": "~", "derived": "≈", "user": "*", "measured": "m"}.get(p.kind, "") if p else ""


@catalog_app.command("hardware")
def hardware(
    json_out: bool = typer.Option(False, "--json", help="print a JSON list of objects"),
    catalog: list[str] = _CATALOG_OPT,
) -> None:
    """List accelerators/systems (per-accelerator values; ~ estimate, ≈ derived, * user)."""
    cat = get_catalog(catalog)
    items = cat.all_hardware()
    if json_out:
        print_json([as_record(a) for a in items])
        return
    t = Table(title="Accelerators (dense peak, per accelerator)", show_lines=False)
    cols = ("id", "family", "year", "FP4 PF/s", "FP8 PF/s", "BF16 PF/s", "HBM GB", "HBM TB/s",
            "scale-up", "up GB/s 1-way", "out Gb/s", "TDP W", "all-in W", "price USD")
    for col in cols:
        t.add_column(col, justify="left" if col in ("id", "family") else "right", no_wrap=True)

    def num(a: Accelerator, f: str, scale: float, fmt: str = "{:.3g}") -> str:
        v = getattr(a, f)
        return "—" if v is None else fmt.format(v / scale) + _kind_mark(a, f)

    for a in items:
        t.add_row(
            a.id, a.family, str(a.year_available),
            num(a, "fp4_dense_flops_per_s", 1e15), num(a, "fp8_dense_flops_per_s", 1e15),
            num(a, "bf16_dense_flops_per_s", 1e15), num(a, "hbm_capacity_bytes", 1e9, "{:.0f}"),
            num(a, "hbm_bw_bytes_per_s", 1e12), str(a.scaleup_domain_size),
            num(a, "scaleup_bw_bytes_per_s_unidir", 1e9, "{:.0f}"),
            num(a, "scaleout_bw_bytes_per_s_unidir", 1e9 / 8, "{:.0f}"),
            num(a, "tdp_w", 1, "{:.0f}"), num(a, "allin_power_w", 1, "{:.0f}"),
            num(a, "price_usd", 1, "{:,.0f}"),
        )
    stdout.print(t)
    stdout.print("~ estimate   ≈ derived   m measured   * user entry   "
                 "('tokenfab catalog show ID' prints every source)")


@catalog_app.command("models")
def models(
    json_out: bool = typer.Option(False, "--json", help="print a JSON list of objects"),
    catalog: list[str] = _CATALOG_OPT,
) -> None:
    """List LLM architectures with their derived parameter counts."""
    from tokenfab.perf.params import param_counts

    cat = get_catalog(catalog)
    items = cat.all_models()
    if json_out:
        out = []
        for m in items:
            rec = as_record(m)
            pc = param_counts(m)
            rec["derived_total_params"] = pc.total
            rec["derived_active_params"] = pc.active
            out.append(rec)
        print_json(out)
        return
    t = Table(title="LLM architectures")
    for col in ("id", "attention", "layers", "hidden", "heads/kv", "experts (top-k)",
                "total params", "active params", "published total"):
        t.add_column(col, justify="left" if col in ("id", "attention") else "right", no_wrap=True)
    for m in items:
        pc = param_counts(m)
        kv = "MLA" if m.is_mla else str(m.kv_heads)
        moe = f"{m.moe_experts} ({m.moe_top_k})" if m.is_moe else "dense"
        t.add_row(m.id, m.attention_type, str(m.layers), display.count(m.hidden_size),
                  f"{m.attention_heads}/{kv}", moe, fmt_si(pc.total), fmt_si(pc.active),
                  fmt_si(m.total_params_published))
    stdout.print(t)


def _show_value(v: object, unit: str) -> str:
    """A catalog value for people: numbers in their unit with an SI prefix, no ``e+``."""
    if v is None:
        return "—"
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return display.cell(v)
    if unit in ("", "count", "year") or isinstance(v, int):
        return display.number(v, 6) if unit != "year" else str(v)
    return display.quantity(v, unit, 4)


@catalog_app.command("show")
def show(
    item_id: str = typer.Argument(..., metavar="ID", help="an accelerator or model id"),
    json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
    catalog: list[str] = _CATALOG_OPT,
) -> None:
    """Every field of one accelerator or model, with its unit, kind and source."""
    cat = get_catalog(catalog)
    if item_id in cat.hardware_ids:
        obj: object = cat.hardware(item_id)
    elif item_id in cat.model_ids:
        obj = cat.model(item_id)
    else:
        # raise the 'did you mean' error from whichever table has the closer name
        from tokenfab.errors import did_you_mean, unknown

        g_hw = did_you_mean(item_id, cat.hardware_ids)
        g_m = did_you_mean(item_id, cat.model_ids)
        if g_m and not g_hw:
            raise unknown("model", item_id, cat.model_ids, "'tokenfab catalog models' lists them")
        raise unknown("accelerator", item_id, cat.hardware_ids,
                      "'tokenfab catalog hardware' lists them")
    from tokenfab.catalog.age import age_years, source_date

    rec = as_record(obj)  # type: ignore[arg-type]
    for f, src in rec["sources"].items():  # each value's source date (age), see catalog/age.py
        src["date"] = source_date(obj.provenance.get(f))  # type: ignore[attr-defined]
    if json_out:
        print_json(rec)
        return
    specs = ACCELERATOR_FIELDS if isinstance(obj, Accelerator) else MODEL_FIELDS
    t = Table(title=f"{rec['id']} — {rec['name']}", show_lines=False)
    for col in ("field", "value", "unit", "kind", "date", "age", "source"):
        t.add_column(col, overflow="fold", no_wrap=col in ("date", "age", "source"))
    refs: dict[str, int] = {}  # each source once, in full below the table (never cut)
    for s in specs:
        v = rec[s.name]
        p = rec["sources"].get(s.name, {})
        src = p.get("source", "")
        if p.get("note"):
            src += f" — {p['note']}"
        d = p.get("date", "")
        age = age_years(d) if d else None
        ref = f"[{refs.setdefault(src, len(refs) + 1)}]" if src else ""
        t.add_row(display.label(s.name), _show_value(v, s.unit),
                  s.unit, p.get("kind", ""), d or ("undated" if p else ""),
                  "" if age is None else f"{age:.1f} y", ref)
    stdout.print(t)
    for src, i in refs.items():
        stdout.print(f"[{i}] {display.prose(src)}", markup=False, highlight=False, soft_wrap=True)
    stdout.print("date: of the value's source (newest when several; 'undated' when no source "
                 "states one); age in years to today")


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")


# -- importers, diff (new commands; the logic lives in tokenfab.importers / .diff) ----
def _write_or_print(text: str, out: str | None) -> None:
    if out:
        from tokenfab.outputs import atomic_write

        atomic_write(out, text)
        from tokenfab.cli.common import console_err

        console_err(f"wrote {out}")
    else:
        import sys

        sys.stdout.write(text)


def _check_import_flags(*, total_params: float | None, active_params: float | None,
                        params_source: str | None, source_date: str,
                        bytes_per_weight: float | None) -> None:
    """The numbers and texts of ``import-hf`` checked before the import: parameter counts as the
    catalog field (> 0, at most its maximum; outside the plausible range a warning), bytes per
    weight in (0, 8], a source that is text (not a number), a date YYYY[-MM[-DD]]."""
    import math
    import re

    from tokenfab.catalog import coerce_value, implausible_field
    from tokenfab.catalog.schema import MODEL_FIELDS as _MF
    from tokenfab.cli.common import console_err

    spec = {s.name: s for s in _MF}
    for flag, value, field in (("--total-params", total_params, "total_params_published"),
                               ("--active-params", active_params, "active_params_published")):
        if value is not None:
            v = coerce_value(spec[field], value, flag)
            if (w := implausible_field(spec[field], v, flag)) is not None:
                console_err(f"warning: {w}")
    if bytes_per_weight is not None and not (math.isfinite(bytes_per_weight)
                                             and 0 < bytes_per_weight <= 8):
        raise TokenfabError(f"must be > 0 and <= 8 bytes per weight (FP4 0.5, BF16 2, FP32 4); "
                            f"got {bytes_per_weight!r}", field="--bytes-per-weight",
                            value=bytes_per_weight)
    if params_source is not None:
        try:
            float(params_source)
            is_number = True
        except ValueError:
            is_number = False
        if is_number or not params_source.strip():
            raise TokenfabError("must be the source of the published counts (a URL or a "
                                f"citation), not a number; got {params_source!r}",
                                field="--params-source", value=params_source)
    if source_date and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", source_date.strip()):
        raise TokenfabError(f"must be a date YYYY, YYYY-MM or YYYY-MM-DD; got {source_date!r}",
                            field="--source-date", value=source_date)


@catalog_app.command("import-hf")
def import_hf_cmd(
    path: str = typer.Argument(..., metavar="PATH",
                               help="a local config.json, or a directory with config.json "
                                    "(and model.safetensors.index.json)"),
    model_id: str = typer.Option(..., "--id", help="catalog id of the new model"),
    out: str = typer.Option(None, "--out", callback=toml_out_option, metavar="FILE", help="write the TOML entry here"),
    name: str = typer.Option(None, "--name", help="human-readable name"),
    total_params: float = typer.Option(None, "--total-params",
                                       help="published total parameters (count)"),
    active_params: float = typer.Option(None, "--active-params",
                                        help="published active parameters (count)"),
    params_source: str = typer.Option(None, "--params-source", metavar="URL",
                                      help="source of the published counts"),
    source_date: str = typer.Option("", "--source-date", metavar="YYYY-MM-DD",
                                    help="date of the config (e.g. its commit on the Hub)"),
    bytes_per_weight: float = typer.Option(None, "--bytes-per-weight",
                                           help="override for the checkpoint-size check"),
) -> None:
    """A Hugging Face config -> a user-catalog [[model]] entry, every field sourced to the file."""
    from tokenfab.cli.common import console_err
    from tokenfab.importers.hf import import_hf
    from tokenfab.importers.toml_out import entry_to_toml
    from tokenfab.perf.params import param_counts

    _check_import_flags(total_params=total_params, active_params=active_params,
                        params_source=params_source, source_date=source_date,
                        bytes_per_weight=bytes_per_weight)
    res = import_hf(path, model_id, name=name, total_params=total_params,
                    active_params=active_params, params_source=params_source,
                    source_date=source_date, bytes_per_weight=bytes_per_weight)
    pc = param_counts(res.model)
    lines = [f"imported by 'tokenfab catalog import-hf' from {res.config_file}",
             f"architecture {res.architecture}: derived {pc.total / 1e9:.3f}B parameters "
             f"(active {pc.active_excl_input_embedding / 1e9:.3f}B excl. input embedding"
             + (f"; MTP {pc.mtp / 1e9:.3f}B not in the total" if pc.mtp else "") + ")"]
    pub = res.values["total_params_published"]
    if res.provenance["total_params_published"].kind != "derived" and pub > 0:
        lines.append(f"published total {pub / 1e9:.3f}B: derived is {pc.total / pub - 1:+.2%}")
    if res.checkpoint is not None:
        c = res.checkpoint
        lines.append(f"checkpoint {c.index_file}: total_size {c.total_size_bytes:,} B / "
                     f"{c.bytes_per_weight:g} B per weight ({c.basis}) = "
                     f"{c.implied_params / 1e9:.3f}B; derived incl. MTP {c.derived_params / 1e9:.3f}B"
                     f" ({c.rel_diff:+.2%}){' (approximate: mixed precisions)' if c.approximate else ''}")
    if res.not_counted:
        lines.append(f"not counted (no catalog field): {res.not_counted}")
    lines.extend(res.notes)
    for ln in lines:
        console_err(ln)
    from tokenfab.catalog.schema import MODEL_FIELDS as _MF

    _write_or_print(entry_to_toml("model", res.values, res.provenance, _MF, lines), out)


@catalog_app.command("import-spec")
def import_spec_cmd(
    spec: str = typer.Argument(..., metavar="SPEC.toml", help="a spec sheet (docs/catalog.md)"),
    out: str = typer.Option(None, "--out", callback=toml_out_option, metavar="FILE", help="write the TOML entry here"),
) -> None:
    """A vendor spec sheet -> a user-catalog [[accelerator]] entry (kind spec)."""
    from tokenfab.cli.common import console_err
    from tokenfab.importers.spec import import_spec
    from tokenfab.importers.toml_out import entry_to_toml

    res = import_spec(spec)
    lines = [f"imported by 'tokenfab catalog import-spec' from {res.spec_file}", *res.statement]
    for ln in lines:
        console_err(ln)
    _write_or_print(entry_to_toml("accelerator", res.values, res.provenance, ACCELERATOR_FIELDS,
                                  lines), out)


@catalog_app.command("diff")
def diff_cmd(
    files: list[str] = typer.Argument(None, metavar="[FILE]...",
                                      help="user catalog files (default: --catalog / $TOKENFAB_CATALOG)"),
    json_out: bool = typer.Option(False, "--json", help="print a JSON list of changes"),
    catalog: list[str] = _CATALOG_OPT,
) -> None:
    """What user catalog files change in the shipped catalog: added entries, changed values."""
    from tokenfab.catalog import load_catalog
    from tokenfab.catalog.diff import diff_catalogs
    from tokenfab.cli.common import fail, state

    shipped = load_catalog(use_env=False)
    extra = list(files or []) + list(catalog)
    mine = get_catalog(extra)
    if mine is shipped or (not extra and not state.catalog_files and not mine.overrides
                           and set(mine.hardware_ids) == set(shipped.hardware_ids)
                           and set(mine.model_ids) == set(shipped.model_ids)):
        raise fail("no user catalog to compare: give FILE, --catalog FILE or $TOKENFAB_CATALOG")
    changes = diff_catalogs(shipped, mine)
    if json_out:
        print_json([c.to_dict() for c in changes])
        return
    t = Table(title=f"user catalog vs shipped: {len(changes)} difference(s)")
    for col in ("table", "id", "field", "status", "shipped", "user", "change", "user source"):
        t.add_column(col, overflow="fold")

    def val(v: object) -> str:
        return "—" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v))

    for c in changes:
        rel = c.rel_change
        p = c.new_provenance
        t.add_row(c.table, c.id, c.field, c.status, val(c.old), val(c.new),
                  "" if rel is None else f"{rel:+.1%}",
                  "" if p is None else f"{p.kind}: {p.source}")
    stdout.print(t)
