"""``tokenfab catalog hardware|models|show``: the sourced catalog as tables or JSON."""

from __future__ import annotations

import typer
from rich.table import Table

from tokenfab.catalog import Accelerator, as_record
from tokenfab.catalog.schema import ACCELERATOR_FIELDS, MODEL_FIELDS
from tokenfab.cli.common import fmt_si, get_catalog, print_json, stdout

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
        t.add_row(m.id, m.attention_type, str(m.layers), str(m.hidden_size),
                  f"{m.attention_heads}/{kv}", moe, fmt_si(pc.total), fmt_si(pc.active),
                  fmt_si(m.total_params_published))
    stdout.print(t)


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
    rec = as_record(obj)  # type: ignore[arg-type]
    if json_out:
        print_json(rec)
        return
    specs = ACCELERATOR_FIELDS if isinstance(obj, Accelerator) else MODEL_FIELDS
    t = Table(title=f"{rec['id']} — {rec['name']}", show_lines=False)
    for col in ("field", "value", "unit", "kind", "source"):
        t.add_column(col, overflow="fold")
    for s in specs:
        v = rec[s.name]
        p = rec["sources"].get(s.name, {})
        src = p.get("source", "")
        if p.get("note"):
            src += f" — {p['note']}"
        t.add_row(s.name, "—" if v is None else (f"{v:.6g}" if isinstance(v, float) else str(v)),
                  s.unit, p.get("kind", ""), src)
    stdout.print(t)


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")
