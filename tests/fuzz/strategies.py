"""Hypothesis strategies that build fuzz :class:`~tests.fuzz.harness.Case` objects.

Values are chosen per option from what the option *is* (inferred from its name, type, metavar
and help, so a new flag gets sensible values without an edit here): catalog ids, quantities
with units, counts, seeds, output paths, input files; each pool mixes valid-looking values
with boundary ones (0, negative, 1e308, nan, inf, '', '/', very long strings, unknown ids,
wrong units, ranges ``a..b`` with low > high). A value that no physical reading can accept
is marked *absurd* (accepting it without a warning is a finding).

Families of cases: CLI flags (:func:`cli_cases`), output paths (:func:`path_cases`),
scenario files (:func:`scenario_cases`), user catalogs (:func:`catalog_cases`), CSVs for
``validate`` (:func:`csv_cases`) and the Python API (:func:`api_cases`).
"""

from __future__ import annotations

import csv
import io
import math
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.harness import REPO, Case, Command, Opt, api_functions, discover

# ------------------------------------------------------------------ value pools ----


@dataclass(frozen=True)
class V:
    """A value for an option: its text and whether it is absurd."""

    text: str
    absurd: bool = False


def _v(*texts: str, absurd: bool = False) -> list[V]:
    return [V(t, absurd) for t in texts]


LONG = "x" * 5000
#: generic boundary strings every text option gets sometimes
GARBAGE = _v("", " ", "/", "..", "-", "--", LONG, "\x00", "é", "☃", "1;rm -rf x", "None",
             "null", "[]", "{}", "0x10", "1_000", "1,5", "%s%n", "'", '"')
NUMS_BAD = _v("nan", "inf", "-inf", "1e308", "-1e308", "1e400", "-1", "-1e9", "1e30",
              absurd=True) + _v("0", "-0", "1e-320", "0.0000001", "abc", "1e", "2.5.1", "0x1p3",
                                "1..2", "5..1", "1..2..3", "3..2..1", "a..b", "1..", "..1")


@cache
def catalog_ids() -> tuple[tuple[str, ...], tuple[str, ...]]:
    from tokenfab.catalog import load_catalog

    cat = load_catalog([], use_env=False)
    return tuple(cat.hardware_ids), tuple(cat.model_ids)


def hw_values() -> list[V]:
    hw, _ = catalog_ids()
    return _v(*hw) + _v("h1000", "H100-SXM", "b200-sxm", "gb200", "llama2-70b", "h100-sxm,b200")


def model_values() -> list[V]:
    _, models = catalog_ids()
    return _v(*models) + _v("llama2", "LLAMA2-70B", "h100-sxm", "gpt-5", "llama2-70b ")


#: a unit per option name family (the first of each list is the model's usual unit)
UNITS: dict[str, list[str]] = {
    "power": ["GW", "MW", "W", "kW"],
    "price": ["USD/Mtok", "USD/ktok", "USD/MWh"],
    "electricity": ["USD/MWh", "USD/kWh", "USD/Mtok"],
    "accelerator_price": ["USD", "kUSD"],
    "interactivity": ["tok/s", "tokens/s"],
    "tokens": ["Ttok", "tok", "Btok"],
    "days": ["days", "d", "h"],
}
WRONG_UNITS = ["parsec", "GW/s", "USD", "kg", "tok/s/W/K", "°C", "%"]


def quantity_values(name: str) -> list[V]:
    fam = next((k for k in UNITS if k in name), "")
    units = UNITS.get(fam, ["", "k", "M"])
    good = ["1", "2", "50", "80", "1000", "0.5", "2e9", "15e12"]
    out = _v(*good)
    out += [V(f"{n} {u}") for n in ("1", "2", "70", "500") for u in units]
    out += [V(f"{n}{units[0]}") for n in ("2", "0.5")]
    out += [V(f"{n} {u}", absurd=True) for n in ("-2", "1e308", "nan", "1e30") for u in units[:1]]
    out += _v(*(f"2 {u}" for u in WRONG_UNITS))
    out += _v("1..2", "5..1", "1..2..3", "3..2..1", "a..b", "1 GW..2 GW")
    return out + NUMS_BAD


def int_values(opt: Opt) -> list[V]:
    out = _v("0", "1", "2", "8", "64", "1000") + _v("-1", "-2147483649", absurd=True)
    out += _v("10000000", "1000000000", "9223372036854775808", "1e6", "1.5", "abc", "", "0x10",
              absurd=False)
    if opt.name == "seed":
        out += _v("4294967296", "2**32")
    return out


def float_values(opt: Opt) -> list[V]:
    return _v("0", "0.5", "1", "8", "90", "1024", "1e4", "550000") + NUMS_BAD + _v("", "abc")


# output paths: relative ones land in the worker's scratch folder (its cwd); the absolute ones
# cannot be created or are rejected; nothing here may replace a real file (never /dev/null)
OUT_FILES = _v("out.png", "out.svg", "out.pdf", "out.html", "out.toml", "out.txt", "out",
               "missing/x.png", "ro/x.png", "existing.png") + _v(
    "", " ", ".", "existing_dir", "existing_dir/", "missing/dir/x.png", "/proc/x.png",
    "a" * 300 + ".png", "existing.png/x.png", "x\ny.png", "-", "./", absurd=True)
# ("/" and "/missing/dir/..." are left out: as root, some commands write "/.png" or create
# /missing/dir (report -o, --save-scenario make parent folders); "existing_dir/" and
# "missing/dir/x.png" take the same paths through the code inside the scratch folder)
OUT_DIRS = _v("outdir", "existing_dir", "existing_dir/sub", "ro") + _v(
    "", " ", "missing/dir", "existing.png", "missing/sub/deeper", "a" * 300, "/proc",
    absurd=True)
IN_FILES = _v("", "/", "/missing/file.toml", "existing_dir", "existing.png", "/dev/null",
              "/etc/hostname", "a" * 5000)


def _is_output(opt: Opt) -> bool:
    h = opt.help.lower()
    return (opt.name in ("plot", "save_scenario", "out", "output") or h.startswith("write")
            or "folder to write" in h)


def _is_dir(opt: Opt) -> bool:
    return opt.metavar.upper() == "DIR" or "folder" in opt.help.lower()


@cache
def input_names() -> tuple[str, ...]:
    """Every declared model input (``tokenfab.inputs.InputSet``) the CLI modules imported."""
    try:
        from tokenfab.inputs import InputSet
    except ImportError:
        return ()
    names: list[str] = []
    for m in list(sys.modules.values()):
        if not (getattr(m, "__name__", "") or "").startswith("tokenfab"):
            continue
        for v in list(vars(m).values()):
            if isinstance(v, InputSet):
                names += [i.name for i in getattr(v, "inputs", ())]
    return tuple(dict.fromkeys(names))


def set_values() -> list[V]:
    names = list(input_names()) or ["pue", "electricity_price", "wacc"]
    out: list[V] = []
    for n in names:
        out += [V(f"{n}={q.text}", q.absurd) for q in quantity_values(n)[::3]]
    return out + _v("=", "pue", "pue=", "=1", "nosuch=1", "pue==1", "PUE=1.2")


def values_for(cmd: Command, opt: Opt) -> list[V]:
    """The pool of values of one option (see the module doc)."""
    n, h = opt.name, opt.help.lower()
    if n == "catalog":
        return IN_FILES
    if n == "set":
        return set_values()
    if opt.kind == "path" or opt.metavar.upper() in ("FILE", "PATH", "DIR") or n in (
            "scenario", "data", "path", "spec"):
        if _is_output(opt):
            return OUT_DIRS if _is_dir(opt) else OUT_FILES
        return IN_FILES + (_v("{scenario}") if n == "scenario" else [])
    if n in ("hardware", "vs") or "accelerator id" in h or "system id" in h:
        return hw_values()
    if n == "generations":
        hw, _ = catalog_ids()
        return _v(",".join(hw[:3]), f"{hw[0]},{hw[0]}", ",", "h100-sxm,,b200", "h1000,b200",
                  ",".join(hw))
    if n == "model" or "model id" in h:
        return model_values()
    if n == "id" and cmd.path[-1:] == ("show",):
        return hw_values() + model_values()
    if n == "precision":
        return _v("fp4", "fp8", "bf16", "native", "FP8", "fp16", "int4", "fp3")
    if n == "country":
        return _v("US", "us", "DE", "FR", "CN", "all", "United States", "Atlantis", "ZZ", "U")
    if n == "checkpoint":
        return _v("storage", "memory", "disk", "MEMORY")
    if n == "only":
        return _v("factory", "cluster", "market", "demand", "plan", "predict", "nosuch",
                  "blackwell_30x", "two_gw_factory", "colossus2")
    if n == "years":
        return _v("2025:2032", "2025:2025", "2032:2025", "1900:3000", "2025", "a:b", "2025:",
                  ":2030", "-5:5", "2025:1000000")
    if n == "port":
        return _v("0", "8501", "65535", "65536", "-1", "http")
    if n == "host":
        return _v("127.0.0.1", "0.0.0.0", "::1", "", "not a host")
    if n in ("samples",):
        return int_values(opt) + _v("100", "2000")
    if opt.kind == "int":
        return int_values(opt)
    if opt.kind == "float":
        return float_values(opt)
    if any(k in n for k in ("power", "price", "tokens", "interactivity", "days", "params")):
        return quantity_values(n)
    if "url" in h or opt.metavar == "URL":
        return _v("https://example.org/x", "", "not a url", "file:///etc/passwd")
    if "yyyy" in opt.metavar.lower():
        return _v("2025-01-01", "2025-13-40", "yesterday", "", "0000-00-00")
    return _v("x", "abc", "fz") + GARBAGE


# ------------------------------------------------------------------- CLI cases ----

#: per command, options that get it past "give a scenario or ..." to the model (hints:
#: unknown flags are dropped, so a renamed flag only weakens the hint)
HINTS: dict[str, list[list[str]]] = {
    "factory": [["--power", "2 GW", "--hardware", "gb200-nvl72"]],
    "cluster": [["--hardware", "h100-sxm", "--accelerators", "1024", "--samples", "20"]],
    "predict": [["--model", "llama2-70b", "--hardware", "h100-sxm"]],
    "pareto": [["--model", "llama2-70b", "--hardware", "h100-sxm"]],
    "validate": [["--data", str(REPO / "validation" / "measured_extra.csv")]],
    "report": [["--only", "two_gw_factory", "--samples", "100", "-o", "outdir"]],
    "catalog show": [["h100-sxm"]],
    "app": [["--dry-run"]],
    "catalog import-hf": [[str(REPO / "tests/catalog/fixtures/hf/qwen3-8b/config.json"),
                           "--id", "fz"]],
    "catalog import-spec": [[str(REPO / "tests/catalog/fixtures/spec/mi355x.toml")]],
    "demand": [["--samples", "50"]],
    "market": [["--samples", "500"]],
}

#: commands whose hint is always applied (a full report takes minutes: one section, few draws)
ALWAYS_HINT = {"report", "app"}

#: commands that must never run for real: (command, flag that has to be present)
MUST_HAVE = {"app": "--dry-run"}


@cache
def commands() -> tuple[Command, ...]:
    return tuple(c for c in discover() if c.path and not c.has_subcommands)


@cache
def command_index() -> dict[str, Command]:
    return {c.key: c for c in commands()}


def _hint(cmd: Command) -> list[str]:
    """The command's hint, without the flags it no longer has."""
    words = HINTS.get(cmd.key, [[]])[0]
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if not w.startswith("-"):
            out.append(w)
            i += 1
            continue
        opt = next((p for p in cmd.options if w in p.opts or w in p.secondary), None)
        takes_value = opt is not None and not opt.is_flag
        if opt is None:
            takes_value = i + 1 < len(words) and not words[i + 1].startswith("-")
        elif takes_value:
            out += words[i:i + 2]
        else:
            out.append(w)
        i += 2 if takes_value else 1
    return out


def _flag_words(opt: Opt, value: V | None, draw: Any) -> list[str]:
    if opt.is_flag:
        flags = list(opt.opts) + list(opt.secondary)
        return [draw(st.sampled_from(flags))]
    assert value is not None
    if opt.argument:
        return [value.text]
    return [draw(st.sampled_from(list(opt.opts))), value.text]


@st.composite
def cli_cases(draw: Any, command: str | None = None) -> Case:
    """A command with a hint of valid options, plus 1-3 fuzzed options (any of its flags)."""
    cmds = commands()
    cmd = command_index()[command] if command else draw(st.sampled_from(cmds))
    argv: list[str] = list(cmd.path)
    hint = _hint(cmd) if cmd.key in ALWAYS_HINT or draw(st.integers(0, 4)) else []
    fuzzable = [o for o in cmd.options if not (o.name == "catalog" and not o.opts)]
    k = draw(st.integers(1, min(3, max(1, len(fuzzable))))) if fuzzable else 0
    chosen = draw(st.lists(st.sampled_from(fuzzable), min_size=k, max_size=k,
                           unique_by=lambda o: o.name)) if fuzzable else []
    targets: list[str] = []
    absurd = False
    words: list[str] = []
    files: list[tuple[str, str]] = []
    for opt in chosen:
        v = None if opt.is_flag else draw(st.sampled_from(values_for(cmd, opt)))
        if v is not None and v.text == "{scenario}":
            files.append(("scenario.toml", draw(st.sampled_from(interview_texts()))))
            v = V("{scenario.toml}")
        if v is not None:
            absurd = absurd or v.absurd
        words += _flag_words(opt, v, draw)
        if not opt.is_flag:  # a flag has no value to reject
            targets += [*opt.opts, opt.name] if opt.opts else [opt.name,
                                                                opt.metavar.strip("[]")]
    # drop the hint's value of an option the case fuzzes
    fuzzed = {o for opt in chosen for o in opt.opts}
    clean: list[str] = []
    skip = False
    for i, w in enumerate(hint):
        if skip:
            skip = False
            continue
        if w in fuzzed:
            opt = next(p for p in cmd.options if w in p.opts)
            skip = not opt.is_flag
            continue
        if not w.startswith("-") and any(o.argument for o in chosen) and (
                i == 0 or not hint[i - 1].startswith("-")):
            continue  # a positional the case fuzzes itself
        clean.append(w)
    if draw(st.booleans()) and any(o.name == "json_out" or "--json" in o.opts
                                   for o in cmd.options) and "--json" not in words:
        clean.append("--json")
    argv += clean + words
    must = MUST_HAVE.get(cmd.key)
    if must and must not in argv:
        argv.append(must)
    return Case(argv=tuple(argv), files=tuple(files), targets=tuple(targets), absurd=absurd,
                origin="cli")


@st.composite
def path_cases(draw: Any) -> Case:
    """Every output-path option of every command, with a hint, fed each bad path."""
    pairs = [(c, o) for c in commands() for o in c.options if _is_output(o) and o.opts]
    cmd, opt = draw(st.sampled_from(pairs))
    v = draw(st.sampled_from(OUT_DIRS if _is_dir(opt) else OUT_FILES))
    argv = [*cmd.path, *[w for w in _hint(cmd)], opt.opts[0], v.text]
    if cmd.key == "report":
        argv = [a for a in argv]  # the hint's -o is overridden by the later one
    return Case(argv=tuple(argv), targets=(*opt.opts, opt.name), origin="path")


# ---------------------------------------------------------------- scenario files ----

@cache
def interview_texts() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8")
                 for p in sorted((REPO / "scenarios" / "interview").glob("*.toml")))


@cache
def interview_scenarios() -> tuple[tuple[str, dict[str, Any]], ...]:
    out = []
    for p in sorted((REPO / "scenarios" / "interview").glob("*.toml")):
        out.append((p.stem, tomllib.loads(p.read_text(encoding="utf-8"))))
    return tuple(out)


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
            .replace("\x00", "\\u0000") + '"'
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return toml_value(str(v))


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() and k.isascii() else toml_value(k)


def to_toml(data: dict[str, Any]) -> str:
    """A small TOML writer (tables, arrays of tables, inline values)."""
    out: list[str] = []

    def table(prefix: str, d: dict[str, Any]) -> None:
        subs = []
        for k, v in d.items():
            if isinstance(v, dict) and v and all(isinstance(x, dict) for x in v.values()) or (
                    isinstance(v, dict) and prefix == "" and not _is_range(v)):
                subs.append((k, v))
            elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                subs.append((k, v))
            else:
                out.append(f"{_key(k)} = {toml_value(v)}")
        for k, v in subs:
            name = f"{prefix}.{_key(k)}" if prefix else _key(k)
            if isinstance(v, list):
                for item in v:
                    out.append(f"\n[[{name}]]")
                    table(name, item)
            else:
                out.append(f"\n[{name}]")
                table(name, v)

    table("", data)
    return "\n".join(out) + "\n"


def _is_range(v: Any) -> bool:
    return isinstance(v, dict) and bool(set(v) & {"low", "likely", "high", "dist"})


#: raw TOML values a mutated field gets (written verbatim)
FIELD_VALUES: list[V] = (
    _v("0", "1", "2.5", '"2 GW"', '"50 tok/s"', '"80 USD/MWh"', "true", '""', '"abc"', "[]",
       "[1, 2]", "{}", '{ low = 1, likely = 2, high = 3 }', '"1..2"', '"2 parsec"',
       '{ low = 1, high = 2, dist = "lognormal" }', '{ low = 1, high = 2, dist = "weird" }',
       '{ likely = 5 }', '{ low = "a", high = "b" }', '"h1000"', '"fp3"', "2025-01-01",
       '"x"', '"' + "x" * 3000 + '"', "0.0")
    + _v("-1", "-1e9", "1e308", "-1e308", "nan", "inf", "-inf", "1e30", "100000000000",
         '{ low = 5, likely = 3, high = 1 }', '{ low = -1, likely = 0, high = 1 }',
         '{ low = 1, likely = 2, high = 1e308 }', '"-5 GW"', '"1e30 GW"', absurd=True))


@cache
def section_fields() -> dict[str, tuple[str, ...]]:
    """Every scenario section's field names (the registered pydantic models)."""
    import tokenfab.scenario as sc

    sc._import_sections()
    return {name: tuple(getattr(m, "model_fields", {})) for name, m in sc.SECTIONS.items()}


@st.composite
def scenario_cases(draw: Any) -> Case:
    """An interview scenario with one section mutated (a field's value, an unknown key, a
    missing key, a broken table), run by the command that reads the section."""
    names = command_index()
    choices = [(stem, data, sec) for stem, data in interview_scenarios() for sec in data
               if isinstance(data[sec], dict) and sec in names]
    stem, data, sec = draw(st.sampled_from(choices))
    body = {k: (dict(v) if isinstance(v, dict) else v) for k, v in data.items()}
    fields = list(section_fields().get(sec, ())) or list(body[sec])
    op = draw(st.sampled_from(["value", "value", "value", "unknown", "delete", "section",
                               "syntax", "top", "empty"]))
    absurd = False
    targets: list[str] = []
    note = ""
    extra = ""
    if op == "value":
        key = draw(st.sampled_from(fields))
        v = draw(st.sampled_from(FIELD_VALUES))
        body[sec].pop(key, None)
        extra = f"{_key(key)} = {v.text}"
        absurd = absurd_for(_section_plausible().get((sec, key)), v)
        targets, note = [key, f"{sec}.{key}"], f"[{sec}] {key} = {v.text[:60]}"
    elif op == "unknown":
        key = draw(st.sampled_from(["powr", "bogus", "Power", "samples_", "hardware2"]))
        extra = f"{key} = 1"
        targets, note = [key], f"[{sec}] unknown key {key}"
    elif op == "delete":
        key = draw(st.sampled_from(list(body[sec]) or ["x"]))
        body[sec].pop(key, None)
        targets, note = [], f"[{sec}] without {key}"
    elif op == "section":
        body[sec] = draw(st.sampled_from([1, "x", [1, 2]]))
        targets, note = [sec], f"[{sec}] is not a table"
    elif op == "top":
        body["bogus_section"] = {"x": 1}
        targets, note = ["bogus_section"], "an unknown section [bogus_section]"
    text = to_toml(body)
    if extra:
        text = text.replace(f"\n[{sec}]\n", f"\n[{sec}]\n{extra}\n", 1)
        if f"[{sec}]\n{extra}" not in text:
            text += f"\n[{sec}]\n{extra}\n"
    if op == "syntax":
        cut = draw(st.integers(1, max(1, len(text) - 1)))
        text = text[:cut] + draw(st.sampled_from(["[", "= =", '"', "\x00", "]]"])) + text[cut:]
        note = "broken TOML"
    elif op == "empty":
        text, note = "", "an empty file"
    argv = [*names[sec].path, "{s.toml}"]
    if draw(st.booleans()):
        argv.append("--json")
    return Case(argv=tuple(argv), files=(("s.toml", text),), targets=tuple(targets),
                absurd=absurd, note=f"{stem}: {note}", origin="scenario")


# ---------------------------------------------------------------- user catalogs ----

@cache
def catalog_fields() -> tuple[tuple[str, ...], tuple[str, ...]]:
    from tokenfab.catalog import ACCELERATOR_FIELDS, MODEL_FIELDS

    return (tuple(f.name for f in ACCELERATOR_FIELDS if f.name != "id"),
            tuple(f.name for f in MODEL_FIELDS if f.name != "id"))


def _number(text: str) -> float | None:
    try:
        x = float(text.strip().strip('"'))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


@cache
def _free_text() -> frozenset[str]:
    """Catalog fields that are free text (a name, a vendor): any string is a legal value there,
    so a number-like one ('1e30 GW') is not absurd (enumerated text fields, family and status,
    are checked against their allowed values and stay in the draw as ordinary fields)."""
    return frozenset({"name", "vendor"})


@cache
def _field_plausible() -> dict[str, tuple[float, float]]:
    from tokenfab.catalog import ACCELERATOR_FIELDS, MODEL_FIELDS

    return {f.name: f.plausible for f in (*ACCELERATOR_FIELDS, *MODEL_FIELDS) if f.plausible}


@cache
def _section_plausible() -> dict[tuple[str, str], tuple[float, float]]:
    """(section, field) -> the declared plausible range of every model input; a seed is any
    NumPy seed (0 to 2**64 - 1)."""
    from tokenfab.cluster.inputs import CLUSTER_INPUTS
    from tokenfab.demand.inputs import DEMAND_INPUTS
    from tokenfab.factory.inputs import FACTORY_INPUTS
    from tokenfab.market.inputs import MARKET_INPUTS
    from tokenfab.perf.inputs import PREDICT_INPUTS
    from tokenfab.plan.inputs import PLAN_INPUTS

    out: dict[tuple[str, str], tuple[float, float]] = {}
    for s in (CLUSTER_INPUTS, DEMAND_INPUTS, FACTORY_INPUTS, MARKET_INPUTS, PREDICT_INPUTS,
              PLAN_INPUTS):
        for i in s:
            if i.plausible is not None:
                out[(s.section, i.name)] = i.plausible
    for sec in ("factory", "cluster", "market", "demand", "plan", "predict", "sweep"):
        out[(sec, "seed")] = (0.0, 2.0**64 - 1)
    return out


def absurd_for(plausible: tuple[float, float] | None, v: V) -> bool:
    """Whether ``v`` is absurd for a field: a generic absurd value (1e11, -1 ...) that lies
    inside the field's declared plausible range is an ordinary value there (100 GB of HBM)."""
    if not v.absurd or plausible is None:
        return v.absurd
    x = _number(v.text)
    return not (x is not None and plausible[0] <= x <= plausible[1])


@st.composite
def catalog_cases(draw: Any) -> Case:
    """A user catalog with a fuzzed accelerator and/or model, then a command that uses it."""
    hw_ids, model_ids = catalog_ids()
    afields, mfields = catalog_fields()
    lines: list[str] = []
    targets: list[str] = []
    absurd = False
    kind = draw(st.sampled_from(["accelerator", "model", "both"]))
    if kind in ("accelerator", "both"):
        lines += ["[[accelerator]]", 'id = "fz"',
                  f'base = "{draw(st.sampled_from(hw_ids))}"']
        for f in draw(st.lists(st.sampled_from(afields), min_size=1, max_size=2, unique=True)):
            v = draw(st.sampled_from(FIELD_VALUES))
            lines.append(f"{f} = {v.text}")
            targets += [f, f"accelerator[fz].{f}"]
            absurd = absurd or (f not in _free_text()
                                and absurd_for(_field_plausible().get(f), v))
    if kind in ("model", "both"):
        lines += ["", "[[model]]", 'id = "fm"', f'base = "{draw(st.sampled_from(model_ids))}"']
        for f in draw(st.lists(st.sampled_from(mfields), min_size=1, max_size=2, unique=True)):
            v = draw(st.sampled_from(FIELD_VALUES))
            lines.append(f"{f} = {v.text}")
            targets += [f, f"model[fm].{f}"]
            absurd = absurd or (f not in _free_text()
                                and absurd_for(_field_plausible().get(f), v))
    hw = "fz" if kind != "model" else "h100-sxm"
    model = "fm" if kind != "accelerator" else "llama3.1-8b"
    runs = [["catalog", "show", hw if kind != "model" else model, "--json"],
            ["catalog", "hardware"], ["catalog", "models", "--json"],
            ["predict", "--model", model, "--hardware", hw, "--json"],
            ["pareto", "--model", model, "--hardware", hw, "--json"],
            ["factory", "--power", "100 MW", "--hardware", hw, "--model", model, "--json"],
            ["cluster", "--hardware", hw, "--accelerators", "512", "--samples", "10", "--json"]]
    run = [r for r in draw(st.sampled_from(runs)) if r]
    argv = ["--catalog", "{c.toml}", *run]
    return Case(argv=tuple(argv), files=(("c.toml", "\n".join(lines) + "\n"),),
                targets=tuple(targets), absurd=absurd,
                note="user catalog: " + "; ".join(x for x in lines if "=" in x and "id =" not in x),
                origin="catalog")


# ------------------------------------------------------------------ validate CSVs ----

@cache
def csv_base() -> tuple[list[str], list[list[str]]]:
    text = (REPO / "validation" / "measured_extra.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:4]


CELL_VALUES = _v("", "abc", "0", "1e308", "nan", "inf", "-inf", "-5", "1e-320", "h1000",
                 "fp3", "offline", "server", "9" * 400, "1,000", "2 GW")


@st.composite
def csv_cases(draw: Any) -> Case:
    """A validate CSV with a column dropped or renamed, a cell changed, or its shape broken."""
    header, rows = csv_base()
    header, rows = list(header), [list(r) for r in rows]
    op = draw(st.sampled_from(["cell", "cell", "cell", "drop", "rename", "empty", "header",
                               "ragged", "binary"]))
    targets: list[str] = []
    absurd = False
    note = ""
    if op == "cell":
        col = draw(st.integers(0, len(header) - 1))
        v = draw(st.sampled_from(CELL_VALUES))
        for r in rows[: draw(st.integers(1, len(rows)))]:
            r[col] = v.text
        targets, absurd = [header[col]], v.absurd and header[col] in (
            "value", "num_accelerators", "input_tokens_mean", "output_tokens_mean")
        note = f"{header[col]} = {v.text[:40]!r}"
    elif op in ("drop", "rename"):
        col = draw(st.integers(0, len(header) - 1))
        targets = [header[col]]
        note = f"column {header[col]} {'dropped' if op == 'drop' else 'renamed'}"
        if op == "drop":
            header.pop(col)
            for r in rows:
                r.pop(col)
        else:
            header[col] = header[col] + "_x"
    elif op == "ragged":
        rows[0] = rows[0][: len(rows[0]) // 2]
        note = "a short row"
    buf = io.StringIO()
    w = csv.writer(buf)
    if op != "empty":
        w.writerow(header)
    if op not in ("empty", "header"):
        w.writerows(rows)
    text = buf.getvalue()
    if op == "binary":
        text, note = "\x00\x01\x02garbage,\n,,,\n", "binary garbage"
    if op in ("empty", "header"):
        note = "an empty file" if op == "empty" else "a header without rows"
    argv = ["validate", "--data", "{m.csv}"] + (["--json"] if draw(st.booleans()) else [])
    return Case(argv=tuple(argv), files=(("m.csv", text),), targets=tuple(targets),
                absurd=absurd, note=note, origin="csv")


# ---------------------------------------------------------------------- the API ----

def _api_pool(name: str) -> list[tuple[str, bool]]:
    """(argument text, absurd) per parameter name; the first entries are the good ones."""
    hw, models = catalog_ids()
    if name == "model":
        return [(repr(m), False) for m in models[:4]] + [
            ("None", False), ("['llama2-70b']", False), ("123", False), ("''", False),
            ("'nope'", False), ("b'llama2-70b'", False)]
    if name == "hardware":
        return [(repr(h), False) for h in hw[:4]] + [
            ("None", False), ("['h100-sxm']", False), ("8", False), ("'h1000'", False)]
    if name == "count":
        return [("None", False), ("8", False), ("1", False), ("0", True), ("-1", True),
                ("1.5", False), ("'8'", False), ("10**9", True), ("nan", True)]
    if name == "precision":
        return [("'fp8'", False), ("'fp4'", False), ("'bf16'", False), ("None", False),
                ("'fp3'", False), ("8", False)]
    if name in ("disaggregated", "mtp"):
        return [("None", False), ("True", False), ("False", False), ("'yes'", False)]
    if name == "catalog" or name == "calibration":
        return [("None", False), ("'x'", False)]
    return [("1024", False), ("1", False), ("0", True), ("-1", True), ("1e308", True),
            ("nan", True), ("inf", True), ("'1024'", False), ("None", False), ("0.001", False)]


#: argument texts that are ordinary (a rejection need not name their parameter)
GOOD_API = {"None", "8", "1", "1024", "'fp8'", "'fp4'", "'bf16'", "True", "False", "0.001",
            *(repr(x) for x in ("llama2-70b", "h100-sxm"))}


@st.composite
def api_cases(draw: Any) -> Case:
    """``tokenfab.<fn>(...)`` with values per parameter name (None, lists, wrong types,
    unknown ids, boundary numbers)."""
    funcs = api_functions()
    fn = draw(st.sampled_from(sorted(funcs)))
    params = funcs[fn]
    args: list[str] = []
    kwargs: list[str] = []
    targets: list[str] = []
    absurd = False
    for pname, has_default in params:
        if has_default and draw(st.integers(0, 3)):
            continue
        pool = _api_pool(pname)
        text, bad = draw(st.sampled_from(pool))
        absurd = absurd or bad
        ids = catalog_ids()[0] + catalog_ids()[1]
        if (text not in GOOD_API and text.strip("'") not in ids) or (
                pname in ("model", "hardware") and text.strip("'") not in ids):
            targets.append(pname)  # None or 8 is ordinary for a limit, bad for an id
        if not has_default and not kwargs:
            args.append(text)
        else:
            kwargs.append(f"{pname!r}: {text}")
    if not args and not kwargs:
        args = ["'llama2-70b'", "'h100-sxm'"]
    api_args = "((" + "".join(a + ", " for a in args) + "), {" + ", ".join(kwargs) + "})"
    return Case(api=fn, api_args=api_args, targets=tuple(targets), absurd=absurd, origin="api")


# ------------------------------------------------------------------------ mix ----

def any_case() -> st.SearchStrategy[Case]:
    """The mix of every family (CLI flags weighted most)."""
    return st.one_of(cli_cases(), cli_cases(), cli_cases(), path_cases(), scenario_cases(),
                     catalog_cases(), csv_cases(), api_cases())


FAMILIES = {"cli": cli_cases, "path": path_cases, "scenario": scenario_cases,
            "catalog": catalog_cases, "csv": csv_cases, "api": api_cases}


def warm() -> None:
    """Load what the strategies look up (the catalog, the CLI, the scenario sections) before
    hypothesis draws, so no import runs inside a strategy."""
    catalog_ids()
    commands()
    section_fields()
    catalog_fields()
    input_names()
    interview_scenarios()
    csv_base()
    api_functions()


def draw_cases(strategy: st.SearchStrategy[Case], n: int, seed: int = 0) -> list[Case]:
    """Up to ``n`` distinct cases drawn by hypothesis, without running them: derandomized
    (the same cases every run) for ``seed`` 0, else from that seed."""
    import hypothesis
    from hypothesis import HealthCheck, Phase, given, settings

    warm()
    out: list[Case] = []
    seen: set[str] = set()

    @settings(max_examples=n, derandomize=not seed, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(strategy)
    def collect(c: Case) -> None:
        k = c.label() + repr(c.files)
        if k not in seen and len(out) < n:
            seen.add(k)
            out.append(c)

    if seed:
        collect = hypothesis.seed(seed)(collect)
    collect()
    return out
