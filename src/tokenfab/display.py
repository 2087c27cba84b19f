"""Numbers and names for people: the one formatter of the CLI tables, the report and the app.

* Money: ``$`` with K / M / B / T and thousands separators, never SI ``G`` or ``P``:
  ``money(3.9e11)`` -> ``'$390B'``.
* Other quantities: three significant digits with an SI prefix on the unit (``'2.1 GW'``,
  ``'1.53 PFLOP/s'``), or plain powers of ten for counts beyond a trillion (``'8.28×10²⁷'``),
  never float noise (``391874740506.8567``) or ``e+27``.
* Field names in words: ``label("profit_usd_per_year")`` -> ``'Profit per year'`` (the
  label table :data:`LABELS`, else the words of the name with units spelled as units).

>>> money(391874740506.8567)
'$392B'
>>> quantity(8.279999999999998e27, "FLOP")
'8.28×10²⁷ FLOP'
>>> label("tokens_per_s_per_mw")
'Tokens per s per MW'
"""

from __future__ import annotations

import math
import re

__all__ = ["cell", "code_spans", "count", "input_label", "label", "money", "number", "percent",
           "prose", "quantity", "compact", "of_field", "span", "value", "years", "yes_no"]

_MONEY = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))
_SI = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
_DASH = "—"


def _finite(x: float | None) -> bool:
    return x is not None and isinstance(x, (int, float)) and math.isfinite(float(x))


def _sig(x: float, digits: int = 3) -> str:
    """``x`` with ``digits`` significant digits and thousands separators, no exponent."""
    if x == 0:
        return "0"
    mag = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - mag)
    text = f"{round(x, decimals):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(x: float | None, per: str = "", digits: int = 3) -> str:
    """``$1.2B``, ``-$350K``, ``$2.50``; ``per`` is appended as ``/per`` (``'$4.5/h'``).

    Beyond a thousand trillion dollars (only absurd inputs get there) the mantissa grows:
    ``$1,500T``, never an SI ``P``.

    >>> money(2.5e12, "yr"), money(-3.5e5), money(2.5), money(1234.5), money(2.3e15)
    ('$2.5T/yr', '-$350K', '$2.50', '$1,234', '$2,300T')
    >>> money(0.645), money(0.0902), money(41.934), money(0)
    ('$0.645', '$0.0902', '$41.93', '$0')
    """
    if not _finite(x):
        return _DASH
    v = float(x)  # type: ignore[arg-type]
    sign = "-" if v < 0 else ""
    a = abs(v)
    suffix = f"/{per}" if per else ""
    for p, s in _MONEY:
        if a >= p * 0.9995 and (p >= 1e6 or a >= 1e4):
            return f"{sign}${_sig(a / p, digits)}{s}{suffix}"
    if a >= 100:
        return f"{sign}${a:,.0f}{suffix}"
    if a >= 1:
        return f"{sign}${a:.2f}{suffix}"
    return f"{sign}${_sig(a, digits)}{suffix}" if a else f"$0{suffix}"


def _power10(x: float, digits: int = 3) -> str:
    m, e = f"{x:.{digits - 1}e}".split("e")
    return f"{float(m):.{digits}g}×10{str(int(e)).translate(_SUPERSCRIPT)}"


def quantity(x: float | None, unit: str = "", digits: int = 3) -> str:
    """A physical quantity with an SI prefix: ``quantity(2.1e9, "W")`` -> ``'2.1 GW'``.

    Units without a natural prefix (``tokens``, ``FLOP`` beyond exa) switch to powers of ten.

    >>> quantity(2.1e9, "W"), quantity(0.0123, "s"), quantity(1.5e21, "tokens")
    ('2.1 GW', '0.0123 s', '1.5×10²¹ tokens')
    >>> quantity(1e16, "FLOP/s"), quantity(8.3e27, "FLOP/yr")
    ('10 PFLOP/s', '8.3×10²⁷ FLOP/yr')
    >>> quantity(1.58e17, "output tokens")
    '1.58×10¹⁷ output tokens'
    """
    if not _finite(x):
        return _DASH
    v = float(x)  # type: ignore[arg-type]
    u = f" {unit}" if unit else ""
    a = abs(v)
    base, _, per = unit.partition("/")
    base = base.split(" ")[-1]  # "output tokens" counts like "tokens" (never "158 Poutput tokens")
    if per and per not in ("yr", "year", "month"):
        base = "rate"  # FLOP/s, tokens/s: SI prefixes (10 PFLOP/s)
    if base in ("", "tokens", "tok", "count", "FLOP") and a >= 1e15:
        return f"{_power10(v, digits)}{u}"
    if base not in ("", "tokens", "tok", "count", "%", "x"):
        for p, s in _SI:
            if a >= p:
                return f"{_sig(v / p, digits)} {s}{unit}"
    if a >= 1e15:
        return f"{_power10(v, digits)}{u}"
    if a != 0 and a < 1e-3:
        return f"{_power10(v, digits)}{u}"
    return f"{_sig(v, digits)}{u}"


def count(x: float | None) -> str:
    """A whole count with thousands separators: ``'1,234,567'``; huge ones as powers of ten."""
    if not _finite(x):
        return _DASH
    v = float(x)  # type: ignore[arg-type]
    return _power10(v) if abs(v) >= 1e15 else f"{v:,.0f}"


def percent(x: float | None, digits: int = 3) -> str:
    """A fraction as a percentage: ``percent(0.4213)`` -> ``'42.1%'``."""
    if not _finite(x):
        return _DASH
    return f"{_sig(100.0 * float(x), digits)}%"  # type: ignore[arg-type]


def years(x: float | None) -> str:
    """A duration given in years, in the unit people use for it: years from one year up,
    months below a year, days below a month; None/inf -> ``'never'``.

    >>> years(5.5), years(1.0), years(0.394), years(0.0716), years(0.0)
    ('5.5 years', '1 year', '4.7 months', '26 days', '0 days')
    """
    if not _finite(x):
        return "never"
    v = float(x)  # type: ignore[arg-type]
    if abs(v) >= 1.0:
        s = _sig(v, 3)
        return f"{s} year" if s == "1" else f"{s} years"
    if abs(v) >= 1.0 / 12.0:
        m = _sig(v * 12.0, 2)
        return f"{m} month" if m == "1" else f"{m} months"
    d = f"{v * 365.25:,.0f}"
    return f"{d} day" if d == "1" else f"{d} days"


_WORDS = {
    "usd": "USD", "mtok": "Mtok", "mw": "MW", "gw": "GW", "kw": "kW", "w": "W", "j": "J",
    "s": "s", "tok": "tokens", "pue": "PUE", "tco": "TCO", "irr": "IRR", "npv": "NPV",
    "gpu": "GPU", "gpus": "GPUs", "hbm": "HBM", "bw": "bandwidth", "ttft": "TTFT",
    "tpot": "TPOT", "mfu": "MFU", "it": "IT", "p10": "p10", "p50": "p50", "p90": "p90",
    "capex": "capex", "opex": "opex", "flops": "FLOP", "flop": "FLOP", "rl": "RL",
    "ai": "AI", "gdp": "GDP", "mc": "Monte Carlo", "vs": "vs", "fp4": "FP4", "fp8": "FP8",
    "bf16": "BF16", "fp16": "FP16", "int8": "INT8", "kv": "KV", "moe": "MoE", "tp": "TP", "api": "API",
}


def label(name: str) -> str:
    """A field name in words (``snake_case`` -> sentence case, units spelled as units).

    >>> label("capex_usd_per_site_w"), label("gross_margin"), label("irr"), label("rack_power_w")
    ('Capex per W of site power', 'Gross margin', 'IRR', 'Rack power W')
    >>> label("hyperscale_capex_usd_per_year"), label("fp8_dense_flops_per_s")
    ('Hyperscale capex per year', 'FP8 dense FLOP per s')
    """
    if name in LABELS:
        return LABELS[name]
    words = [w for w in name.replace("-", "_").split("_") if w]
    if len(words) > 1:  # money is the value's unit ($ in the cell), not a word of the label
        words = [w for w in words if w.lower() != "usd"] or words
    out = [_WORDS.get(w.lower(), w) for w in words]
    if not out:
        return name
    first = out[0]
    if first == first.lower():
        out[0] = first[:1].upper() + first[1:]
    return " ".join(out)


def label_in_text(name: str) -> str:
    """:func:`label` for use inside a sentence: the first letter lower case unless it starts an
    acronym.

    >>> label_in_text("profit_usd_per_year"), label_in_text("irr"), label_in_text("api_uplift")
    ('profit per year', 'IRR', 'API uplift')
    """
    return in_text(label(name))


def in_text(lab: str) -> str:
    """A label for use inside a sentence: first letter lower case unless it starts an acronym.

    >>> in_text("Purchase price per accelerator"), in_text("PUE")
    ('purchase price per accelerator', 'PUE')
    """
    return lab[:1].lower() + lab[1:] if lab[1:2].islower() else lab


def of_dimension(x: float | None, dimension: str, unit: str = "") -> str:
    """A value of a :mod:`tokenfab.units` dimension in the unit a person would read.

    >>> of_dimension(4.73e8, "time"), of_dimension(5e10, "power", "W"), of_dimension(0.1, "fraction")
    ('15 years', '50 GW', '10%')
    """
    if not _finite(x):
        return _DASH
    v = float(x)  # type: ignore[arg-type]
    if dimension == "time":
        year = 365.25 * 86400.0
        if abs(v) >= 0.5 * year:
            return f"{_sig(v / year)} years"
        if abs(v) >= 86400.0:
            return f"{_sig(v / 86400.0)} days"
        return quantity(v, "s")
    if dimension == "money":
        return money(v)
    if dimension == "fraction":
        return percent(v)
    if dimension == "electricity_price":
        return money(v * 3.6e9, "MWh")
    if dimension == "token_price":
        return money(v * 1e6, "Mtok")
    if dimension == "money_per_power":
        return money(v, "W")
    if dimension == "money_rate":
        return money(v * 3600.0, "h")
    return quantity(v, unit)


# -- labels: field and input names in words ------------------------------------------------
#: names whose words :func:`label` cannot guess (abbreviations, units, idioms); extend freely
LABELS: dict[str, str] = {
    "profit_usd_per_year": "Profit per year",
    "revenue_usd_per_year": "Revenue per year",
    "tco_usd_per_year": "TCO per year",
    "opex_usd_per_year": "Opex per year",
    "capex_usd": "Capex",
    "capex_usd_per_site_w": "Capex per W of site power",
    "cost_usd_per_mtok": "Cost per million tokens",
    "price_usd_per_mtok_effective": "Price per million tokens",
    "tokens_per_year": "Tokens per year",
    "it_power_w": "IT power",
    "facility_power_w": "Facility power",
    "payback_years": "Payback",
    "npv_usd": "NPV",
    "irr": "IRR",
    "breakeven_price_usd_per_accelerator": "Break-even accelerator price",
    "breakeven_cost_price_usd_per_accelerator":
        "Break-even accelerator price on equal cost per million tokens",
    "price": "Token price",
    "price_input": "Input-token price",
    "life_it": "IT equipment life",
    "life_facility": "Facility life",
    "it_life": "IT equipment life",
    "facility_life": "Facility life",
    "it_life_years": "IT equipment life",
    "cost_of_capital": "Cost of capital",
    "pue": "PUE",
    "mfu": "MFU",
    "allin_power": "All-in power per accelerator",
    "time_to_train_days": "Time to train",
    "knowledge_gdp_usd": "Knowledge-work GDP",
    "gdp_usd": "World GDP",
    "token_services_usd_per_year": "Token services per year",
    "augmentation_usd_per_year": "Augmentation spending per year",
    "infrastructure_usd_per_year": "Infrastructure spending per year",
    "power_added_w_per_year": "Power added per year",
    "installed_power_w": "Installed power",
    "electricity_j_per_year": "Electricity per year",
    "ai_spend_share": "AI spending per salary dollar",
    "capex_usd_per_w": "Capex per W",
    "installed_base_usd": "Installed base of data centers",
    "google_monthly_tokens": "Google tokens per month",
    "chatgpt_weekly_active_users": "ChatGPT weekly active users",
    "on_demand": "on-demand",
    "reserved_3yr": "3-year reserved",
    "demand_bound": "Demand-bound",
    "rental_cap_binds": "Rental cap binds",
}

_IDENT = re.compile(r"(?<![\w.$/-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w(-]|\.\w)")


def input_label(name: str, doc: str = "") -> str:
    """An input of the models in words: the label table, else the first clause of its doc,
    else :func:`label` of its name.

    >>> input_label("life_it"), input_label("wacc", "weighted cost of capital (nominal)")
    ('IT equipment life', 'Weighted cost of capital')
    """
    if name in LABELS:
        return LABELS[name]
    first = re.split(r"\s[(;:]|[;:,]\s", doc.strip(), maxsplit=1)[0].strip() if doc else ""
    if first and len(first) <= 60:
        return first[:1].upper() + first[1:]
    return label(name)


# -- numbers for table cells ---------------------------------------------------------------
def number(x: float | None, digits: int = 3) -> str:
    """A bare number: whole numbers with separators, others to ``digits`` significant digits;
    beyond a thousand trillion or below a thousandth as powers of ten.

    >>> number(460824), number(3794747.8), number(0.000012), number(8.28e27), number(2.0)
    ('460,824', '3,794,748', '1.2×10⁻⁵', '8.28×10²⁷', '2')
    """
    if not _finite(x):
        return _DASH
    v = float(x)  # type: ignore[arg-type]
    a = abs(v)
    if a >= 1e15 or (a and a < 1e-3):
        return _power10(v, digits)
    if a >= 10 ** digits or v == round(v):
        return f"{v:,.0f}"
    return _sig(v, digits)


def compact(x: float | None, digits: int = 3) -> str:
    """A large count the way people say it: ``'70.6B'``, ``'1.5M'``, ``'950K'``; beyond a
    thousand trillion as powers of ten; below ten thousand with separators.

    >>> compact(70.6e9), compact(1.5e6), compact(9500), compact(3.2e16)
    ('70.6B', '1.5M', '9,500', '3.2×10¹⁶')
    """
    if not _finite(x):
        return _DASH
    v = float(x)  # type: ignore[arg-type]
    if abs(v) >= 1e15:
        return _power10(v, digits)
    m = money(v, "", digits)
    if abs(v) < 1e4:
        return number(v, digits)
    return m.replace("$", "", 1)


def yes_no(x: object) -> str:
    """A boolean in words: ``'yes'`` / ``'no'``."""
    return "yes" if x else "no"


_TIME_UNITS = ("years", "year", "yr", "days", "day", "hours", "h", "minutes", "min")


def value(x: float | str | bool | None, unit: str = "", digits: int = 3) -> str:
    """A value in the unit a table names: ``USD...`` money (``/...`` kept), ``%`` a fraction
    shown as a percentage, ``x`` a ratio, ``''`` / ``count`` a number, times as they are,
    anything else with an SI prefix (:func:`quantity`).

    >>> value(2.5e12, "USD/yr"), value(0.42, "%"), value(4.36e4, "x"), value(3.2, "years")
    ('$2.5T/yr', '42%', '43,600×', '3.2 years')
    >>> value(True), value(1.76e17, "tokens"), value(1.2e9, "W")
    ('yes', '1.76×10¹⁷ tokens', '1.2 GW')
    """
    if x is None:
        return _DASH
    if isinstance(x, bool):
        return yes_no(x)
    if isinstance(x, str):
        return x if not unit else f"{x} {unit}"
    if not _finite(x):
        return _DASH
    v = float(x)
    if unit.startswith("USD"):
        rest = unit[3:].strip()
        return money(v, rest.lstrip("/") if rest.startswith("/") else "", digits) + (
            f" {rest}" if rest and not rest.startswith("/") else "")
    if unit == "%":
        return percent(v, digits)
    if unit in ("x", "×"):
        return f"{number(v, digits)}×"
    if unit in ("", "count"):
        return number(v, digits)
    if unit in _TIME_UNITS:
        return f"{number(v, digits)} {unit}"
    return quantity(v, unit, digits)


def span(lo: float | None, hi: float | None, unit: str = "", digits: int = 3) -> str:
    """A p10-p90 style range: ``'$41.9B – $44B'``."""
    return f"{value(lo, unit, digits)} – {value(hi, unit, digits)}"


def cell(x: object, digits: int = 3) -> str:
    """Any value of a table cell for people: numbers via :func:`number`, booleans as words,
    None/NaN as a dash, text with field names marked as code (:func:`prose`).

    >>> cell(391874740506.8567), cell(False), cell(None), cell("gross_margin")
    ('391,874,740,507', 'no', '—', '`gross_margin`')
    """
    if x is None:
        return _DASH
    if isinstance(x, bool) or type(x).__name__ in ("bool_", "bool"):
        return yes_no(x)
    if isinstance(x, (int, float)):
        return number(x, digits)
    try:  # NumPy scalars
        import numbers

        if isinstance(x, numbers.Number):
            if type(x).__name__.startswith("bool"):
                return yes_no(x)
            return number(float(x), digits)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        pass
    return prose(str(x))


# -- prose: field names marked as code -----------------------------------------------------
def code_spans(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, is_code)``: snake_case identifiers (catalog keys, input
    names a user types into ``--set``) are code, the rest prose. Terms of the label table
    that are words (``on_demand``) become words.

    >>> code_spans("catalog pue_ai_liquid_cooled: Uptime")
    [('catalog ', False), ('pue_ai_liquid_cooled', True), (': Uptime', False)]

    Numbers in e-notation read as powers of ten: ``'~3e26 FLOP'`` -> ``'~3×10²⁶ FLOP'``.

    >>> prose("Grok 4 ~3e26 FLOP, 1.56e+13 tokens, 4.36e4x, 8.8e-06; TFLOPS x 1e12.")
    'Grok 4 ~3×10²⁶ FLOP, 1.56×10¹³ tokens, 43,600x, 8.8×10⁻⁶; TFLOPS x 1×10¹².'
    >>> prose("fp4 10000 TFLOPS (https://x.org/a?id=123456e5), 2026")
    'fp4 10,000 TFLOPS (https://x.org/a?id=123456e5), 2026'
    """
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _IDENT.finditer(text):
        word = m.group()
        if word in _WORD_TERMS:
            continue
        if m.start() > pos:
            out.append((text[pos:m.start()], False))
        out.append((word, True))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], False))
    merged: list[tuple[str, bool]] = []
    for piece, code in out:
        if not code:
            piece = "".join(t if i % 2 else _tidy(t) for i, t in enumerate(_URL.split(piece)))
        merged.append((piece, code))
    return merged


_URL = re.compile(r"((?:https?://|www\.)\S+)")
_BARE_INT = re.compile(r"(?<![\w.,/:#=?&+-])\d{5,}(?![\w,]|\.\d)")


def _tidy(text: str) -> str:
    """Prose numbers for people: e-notation as powers of ten, separators in long integers."""
    for term, words in _WORD_TERMS.items():
        text = re.sub(rf"(?<![\w]){re.escape(term)}(?![\w])", words, text)
    text = _SCI.sub(_unsci, text)
    return _BARE_INT.sub(lambda m: f"{int(m.group()):,}", text)


_SCI = re.compile(r"(?<![\w.:/-])(-?\d+(?:\.\d+)?)[eE]([+-]?\d+)(?![A-Za-wyz0-9_]|\.\d)")


def _unsci(m: re.Match[str]) -> str:
    """``3e26`` -> ``3×10²⁶``, ``4.36e4`` -> ``43,600`` (as written, no digits added)."""
    mant, exp = m.group(1), int(m.group(2))
    if -3 <= exp <= 5:
        return number(float(m.group(0)), max(1, len(mant.replace("-", "").replace(".", "").lstrip("0"))))
    return f"{mant}×10{str(exp).translate(_SUPERSCRIPT)}"


#: identifiers that are words in prose (catalog values rather than names)
_WORD_TERMS = {"on_demand": "on-demand", "reserved_3yr": "3-year reserved"}


def prose(text: str) -> str:
    """Text for a terminal: field names in backticks (code), the rest as written.

    >>> prose("largest effects on profit_usd_per_year")
    'largest effects on `profit_usd_per_year`'
    """
    return "".join(f"`{p}`" if code else p for p, code in code_spans(text))


_FRACTION_WORDS = ("share", "fraction", "margin", "utilization", "goodput", "efficiency", "mfu")


def of_field(x: object, name: str, digits: int = 3) -> str:
    """A value of a result field, in the unit its name carries (the project's naming rule:
    units live in names, ``power_w``, ``capex_usd_per_year``, ``energy_per_year_j``).

    >>> of_field(1.226e9, "facility_power_w"), of_field(3.9e11, "capex_usd_per_year")
    ('1.23 GW', '$390B/yr')
    >>> of_field(0.8816, "time_to_train_days"), of_field(0.42, "gross_margin"), of_field(7, "racks")
    ('0.882 days', '42%', '7')
    >>> of_field(3.6e15, "energy_per_year_j"), of_field(8.3e27, "flops_per_year")
    ('1 TWh/yr', '8.3×10²⁷ FLOP/yr')
    """
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        return cell(x, digits)
    n = name.lower()
    per_year = n.endswith("per_year") or n.endswith("_per_yr")
    yr = "yr" if per_year else ""
    if "usd" in n:
        if n.endswith("per_mtok"):
            return money(x, "Mtok", digits)
        if n.endswith("per_hour") or n.endswith("per_hr"):
            return money(x, "h", digits)
        return money(x, yr, digits)
    parts = n.split("_")
    last = parts[-1] if not per_year else parts[0 if len(parts) < 3 else -3]
    tail = "/yr" if "per_year" in n else ""
    if last == "w":
        return quantity(x, "W" + tail, digits)
    if last == "j":
        return quantity(float(x) / 3600.0, "Wh" + tail, digits)
    if last in ("s", "seconds"):
        return quantity(x, "s", digits)
    if last == "years":  # 0.394 years reads as 4.7 months
        return years(x)
    if last in ("days", "hours", "minutes"):
        return f"{number(x, digits)} {last}"
    if "flop" in n:
        return quantity(x, "FLOP" + tail, digits)
    if (n.endswith("tokens") or n.startswith("tokens_per_year") or n.endswith("tokens_per_month")
            or n.endswith("tokens_per_year")) and abs(float(x)) >= 1e6:
        return quantity(x, "tokens" + tail, digits)
    if any(w in parts for w in _FRACTION_WORDS):
        return percent(x, digits)
    return number(x, digits)


def table_rows(data: object, digits: int = 3) -> list[dict[str, str]]:
    """Rows of a table for people (the app's and the report's data tables): column names in
    words (:func:`label`), each value in the unit its column name carries (:func:`of_field`).

    ``data``: a pandas DataFrame, a list of dict rows or a dict of columns.

    >>> table_rows([{"profit_usd_per_year": 3.9e11, "gross_margin": 0.42, "ok": True}])
    [{'Profit per year': '$390B/yr', 'Gross margin': '42%', 'Ok': 'yes'}]
    """
    if hasattr(data, "to_dict"):
        records = data.to_dict(orient="records")
    elif isinstance(data, dict):
        cols = list(data)
        records = [dict(zip(cols, vals, strict=True)) for vals in zip(*data.values(), strict=True)]
    else:
        records = list(data)  # type: ignore[call-overload]
    return [{label(str(k)) if _IDENT.fullmatch(str(k)) or str(k).islower() else str(k):
             of_field(v, str(k), digits) for k, v in r.items()} for r in records]
