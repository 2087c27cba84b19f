"""Quantities with units, as people write them: ``"2 GW"``, ``"80 USD/MWh"``, ``"50 tok/s"``.

Parsing happens once, at the boundary (scenario files, CLI flags); models see SI floats.
Each *dimension* has a base unit (W, J, s, USD, USD/J ...) and the spellings it accepts.

>>> parse_quantity("2 GW", "power")
2000000000.0
>>> f'{parse_quantity("80 USD/MWh", "electricity_price"):.4e}'  # USD per joule
'2.2222e-08'
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

from tokenfab.errors import TokenfabError

_PREFIX = {
    "": 1.0, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    "m": 1e-3, "u": 1e-6, "µ": 1e-6, "n": 1e-9,
}

_HOUR_S = 3600.0
_DAY_S = 86400.0
_YEAR_S = 365.25 * _DAY_S

#: seconds in a (Julian) year, the one year every model uses [s]
SECONDS_PER_YEAR: float = _YEAR_S
#: hours in a (Julian) year [h]
HOURS_PER_YEAR: float = _YEAR_S / _HOUR_S
#: days in a (Julian) year [day]
DAYS_PER_YEAR: float = 365.25
#: seconds in a day and in an hour [s]
SECONDS_PER_DAY: float = _DAY_S
SECONDS_PER_HOUR: float = _HOUR_S

# dimension -> {unit spelling: factor to the base unit}; prefixes apply where noted.
_UNITS: dict[str, tuple[str, dict[str, float], set[str]]] = {
    # name: (base unit, explicit spellings, spellings that take SI prefixes)
    "power": ("W", {}, {"W"}),
    "energy": ("J", {"Wh": 3600.0, "kWh": 3.6e6, "MWh": 3.6e9, "GWh": 3.6e12, "TWh": 3.6e15}, {"J"}),
    "time": ("s", {"ms": 1e-3, "us": 1e-6, "min": 60.0, "h": _HOUR_S, "hr": _HOUR_S,
                   "hour": _HOUR_S, "hours": _HOUR_S, "day": _DAY_S, "days": _DAY_S,
                   "d": _DAY_S, "year": _YEAR_S, "years": _YEAR_S, "yr": _YEAR_S, "s": 1.0}, set()),
    "money": ("USD", {"$": 1.0, "k$": 1e3, "M$": 1e6, "B$": 1e9, "T$": 1e12,
                      "USD": 1.0, "kUSD": 1e3, "MUSD": 1e6, "BUSD": 1e9, "bnUSD": 1e9,
                      "TUSD": 1e12}, set()),
    "electricity_price": ("USD/J", {"USD/MWh": 1 / 3.6e9, "USD/kWh": 1 / 3.6e6,
                                    "$/MWh": 1 / 3.6e9, "$/kWh": 1 / 3.6e6,
                                    "USD/J": 1.0}, set()),
    "money_per_power": ("USD/W", {"USD/W": 1.0, "USD/kW": 1e-3, "USD/MW": 1e-6,
                                  "USD/GW": 1e-9, "$/W": 1.0, "$/kW": 1e-3, "$/MW": 1e-6,
                                  "MUSD/MW": 1.0, "BUSD/GW": 1.0}, set()),
    "token_rate": ("tok/s", {"tok/s": 1.0, "tokens/s": 1.0, "tok/s/user": 1.0,
                             "tokens/s/user": 1.0, "ktok/s": 1e3}, set()),
    "token_price": ("USD/token", {"USD/Mtok": 1e-6, "$/Mtok": 1e-6, "USD/M tokens": 1e-6,
                                  "USD/token": 1.0, "USD/ktok": 1e-3}, set()),
    "tokens": ("tokens", {"tok": 1.0, "tokens": 1.0, "ktok": 1e3, "Mtok": 1e6,
                          "Btok": 1e9, "Ttok": 1e12, "Qtok": 1e15}, set()),
    "bytes": ("B", {"KiB": 2.0**10, "MiB": 2.0**20, "GiB": 2.0**30, "TiB": 2.0**40}, {"B"}),
    "bandwidth": ("B/s", {"Gb/s": 1e9 / 8, "Gbit/s": 1e9 / 8, "Tb/s": 1e12 / 8,
                          "Mb/s": 1e6 / 8}, {"B/s"}),
    "flops": ("FLOP", {}, {"FLOP"}),
    "flop_rate": ("FLOP/s", {}, {"FLOP/s", "FLOPS"}),
    "money_rate": ("USD/s", {"USD/h": 1 / _HOUR_S, "USD/hr": 1 / _HOUR_S, "$/h": 1 / _HOUR_S,
                             "$/hr": 1 / _HOUR_S, "USD/yr": 1 / _YEAR_S, "BUSD/yr": 1e9 / _YEAR_S,
                             "USD/s": 1.0}, set()),
    "rate": ("1/s", {"1/h": 1 / _HOUR_S, "1/day": 1 / _DAY_S, "1/yr": 1 / _YEAR_S,
                     "1/s": 1.0}, set()),
    "fraction": ("", {"%": 0.01}, set()),
    "count": ("", {}, set()),
}

DIMENSIONS: tuple[str, ...] = tuple(_UNITS)

_NUM = r"[-+]?(?:\d+(?:_\d+)*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RE = re.compile(rf"^\s*(?P<num>{_NUM})\s*(?P<unit>.*?)\s*$")


def _unit_factor(unit: str, dimension: str) -> float | None:
    base, explicit, prefixed = _UNITS[dimension]
    if unit == "" or unit == base:
        return 1.0
    if unit in explicit:
        return explicit[unit]
    for p in prefixed:
        if unit.endswith(p):
            pre = unit[: -len(p)]
            if pre in _PREFIX:
                return _PREFIX[pre]
    return None


def _exact_factor(factor: float) -> Fraction:
    """The exact ratio a unit's factor stands for: ``1 / 3.6e9`` is 1/3600000000, not the
    float nearest to it (so ``"70 USD/MWh"`` reads as the float nearest to 70/3.6e9)."""
    if factor >= 1.0 or factor <= 0.0:
        return Fraction(factor)
    n = round(1.0 / factor)
    return Fraction(1, n) if n and 1.0 / n == factor else Fraction(factor)


def _times(text: str, num: float, factor: float) -> float:
    """``text`` (the number as written) x ``factor``, rounded once to the nearest float.

    Exact rational arithmetic makes the result the float nearest to the written quantity, so
    every float has a decimal in every unit that reads back to it exactly (what
    :func:`format_quantity` relies on). A number that is 0 or not finite as a float (an
    exponent beyond +-308: exact arithmetic on it would be slow) takes the float product."""
    if factor == 1.0 or num == 0.0 or not math.isfinite(num):
        return num * factor
    try:
        return float(Fraction(text) * _exact_factor(factor))
    except OverflowError:
        return math.copysign(math.inf, num)


def allowed_units(dimension: str) -> str:
    """Human-readable list of the spellings a dimension accepts."""
    base, explicit, prefixed = _UNITS[dimension]
    names = sorted(set(explicit) | {base} if base else set(explicit))
    for p in sorted(prefixed):
        names += [f"{k}{p}" for k in ("k", "M", "G", "T", "P") if f"{k}{p}" not in names]
    return ", ".join(n for n in names if n)


def parse_quantity(text: object, dimension: str, *, field: str | None = None) -> float:
    """Parse a number or a ``"<number> <unit>"`` string into the dimension's base unit.

    Parameters
    ----------
    text : str | int | float
        ``2e9``, ``"2 GW"``, ``"500MW"``, ``"80 USD/MWh"``, ``"12%"``. A bare number is taken
        to be in the base unit already.
    dimension : str
        One of :data:`DIMENSIONS`.
    field : str, optional
        Name used in error messages.

    Returns
    -------
    float
        The value in the base unit (W, J, s, USD, USD/J, ...). Never NaN or infinite.
    """
    if dimension not in _UNITS:
        raise ValueError(f"unknown dimension {dimension!r}")
    base = _UNITS[dimension][0] or "(dimensionless)"
    if isinstance(text, bool):
        raise TokenfabError(f"expected a number with a unit in {base}, got a boolean {text!r}",
                            field=field, value=text)
    if isinstance(text, (int, float)):
        value = float(text)
    elif isinstance(text, str):
        m = _RE.match(text.replace(",", ""))
        if not m:
            raise TokenfabError(
                f"cannot read {text!r} as a quantity; write a number and a unit, e.g. "
                f"'2 {base}' (units: {allowed_units(dimension)})", field=field, value=text)
        try:
            num = float(m.group("num").replace("_", ""))
        except ValueError:
            raise TokenfabError(f"cannot read {text!r} as a number", field=field, value=text) from None
        unit = m.group("unit").strip()
        factor = _unit_factor(unit, dimension)
        if factor is None:
            allowed = allowed_units(dimension)
            raise TokenfabError(
                f"unknown unit {unit!r} in {text!r}; "
                + (f"allowed units: {allowed}" if allowed else "expected a plain number"),
                field=field, value=text)
        value = _times(m.group("num").replace("_", ""), num, factor)
    else:
        raise TokenfabError(f"expected a number or a string like '2 {base}', got {type(text).__name__}",
                            field=field, value=text)
    if not math.isfinite(value):
        raise TokenfabError(f"value {text!r} is not a finite number", field=field, value=text)
    return value


# -----------------------------------------------------------------------------------
# writing quantities back the way people type them (``--save-scenario``)
# -----------------------------------------------------------------------------------
#: dimension -> the units a value is written in (``--save-scenario``, resolved scenarios), each a
#: spelling :func:`parse_quantity` reads. :func:`format_quantity` picks, per value, the unit
#: that gives the shortest number that reads back to exactly the same float (ties: no exponent,
#: then the unit that puts the number between 1 and 1000, then the first listed). An empty
#: tuple: the value stays a bare number (counts, ratios, multiples).
DISPLAY_UNITS: dict[str, tuple[str, ...]] = {
    "power": ("W", "kW", "MW", "GW", "TW"),
    "energy": ("kWh", "MWh", "GWh", "TWh"),
    "time": ("ms", "s", "min", "h", "days", "years"),
    "money": ("USD", "kUSD", "MUSD", "BUSD", "TUSD"),
    "electricity_price": ("USD/MWh",),
    "money_per_power": ("USD/W",),
    "token_rate": ("tok/s",),
    "token_price": ("USD/Mtok",),
    "tokens": ("tokens", "ktok", "Mtok", "Btok", "Ttok", "Qtok"),
    "bytes": ("B", "kB", "MB", "GB", "TB", "PB"),
    "bandwidth": ("B/s", "kB/s", "MB/s", "GB/s", "TB/s", "Gb/s", "Tb/s"),
    "flops": ("FLOP",),
    "flop_rate": ("FLOP/s", "GFLOP/s", "TFLOP/s", "PFLOP/s", "EFLOP/s"),
    "money_rate": ("USD/h", "BUSD/yr"),
    "rate": ("1/h", "1/day", "1/yr"),
    "fraction": ("%",),
    "count": (),
}

#: the singular a unit takes before exactly 1 ("1 year", "1 day")
_SINGULAR = {"years": "year", "days": "day"}


def _same(a: float, b: float) -> bool:
    """Bit-identical floats (0.0 and -0.0 differ)."""
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def _exact_number(value: float, unit: str, dimension: str) -> str | None:
    """The shortest decimal ``n`` with ``parse_quantity(f"{n} {unit}") == value`` exactly.

    ``value / factor`` is computed exactly and rounded to 1, 2, ... 17 significant digits; the
    first that reads back to ``value`` bit for bit wins (parsing rounds once, so one always
    does by 17 digits, bar over- and underflow)."""
    factor = _unit_factor(unit, dimension)
    if factor is None:
        raise ValueError(f"{unit!r} is not a unit of {dimension!r}")
    if value == 0.0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    x = Fraction(value) / _exact_factor(factor)
    from decimal import Context

    exact = Decimal(x.numerator) / Decimal(x.denominator) if x.denominator != 1 else None
    for digits in range(1, 20):
        ctx = Context(prec=digits)
        d = (ctx.divide(Decimal(x.numerator), Decimal(x.denominator)) if exact is not None
             else ctx.plus(Decimal(x.numerator)))
        s = _decimal_text(d)
        try:
            if _same(_times(s, float(s), factor), value):
                return s
        except (ValueError, OverflowError):
            return None
    return None


def _decimal_text(d: Decimal) -> str:
    """A decimal as a person writes it: positional between 1e-4 and 1e16, else ``1.5e+25``."""
    if d == 0:
        return "0"
    if Decimal("1e-4") <= abs(d) < Decimal("1e16"):
        s = format(d, "f")
        return s.rstrip("0").rstrip(".") if "." in s else s
    m, _, e = f"{d:e}".partition("e")
    m = m.rstrip("0").rstrip(".") if "." in m else m
    return f"{m}e{int(e):+d}"


def format_quantity(value: float, dimension: str, *, unit: str | None = None) -> str | float:
    """``value`` (SI) written the way a person types it, reading back to exactly ``value``.

    Parameters
    ----------
    value : float
        A finite value in the dimension's base unit.
    dimension : str
        One of :data:`DIMENSIONS`.
    unit : str, optional
        Try this unit first (e.g. the unit chosen for a range's likely value); used whenever
        it reads back exactly.

    Returns
    -------
    str or float
        ``"5.5 years"``, ``"70 USD/MWh"``, ``"2 USD/Mtok"``, ``"1 GW"``, ``"80 %"``: the unit of
        :data:`DISPLAY_UNITS` giving the shortest number for which
        ``parse_quantity(text, dimension) == value`` bit for bit (so a saved scenario runs
        exactly as the original). When no such unit exists, the value in the base unit
        (``repr``, always exact); dimensions without display units give the float itself.
    """
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"cannot write a non-finite quantity {value!r}")
    units = DISPLAY_UNITS[dimension]
    if not units:
        return value
    found: list[tuple[tuple[int, bool, int, int], str]] = []
    order = ([unit] if unit in units else []) + [u for u in units if u != unit]
    for rank, u in enumerate(order):
        n = _exact_number(value, u, dimension)
        if n is None:
            continue
        if rank == 0 and u == unit:
            found = [((0, False, 0, 0), f"{n} {u}")]
            break
        x = abs(float(n))
        in_range = 0 if 1.0 <= x < 1000.0 else 1
        found.append(((len(n.lstrip("-")), "e" in n, in_range, rank), f"{n} {u}"))
    if not found:
        base = _UNITS[dimension][0]
        return f"{value!r} {base}" if base else value
    text = min(found)[1]
    num, _, u = text.partition(" ")
    if u in _SINGULAR and float(num) == 1.0:
        alt = f"{num} {_SINGULAR[u]}"
        if _same(parse_quantity(alt, dimension), value):
            text = alt
    assert _same(parse_quantity(text, dimension), value), (text, value)
    return text


def display_unit_of(text: str | float) -> str | None:
    """The unit of a :func:`format_quantity` result (None for a bare number)."""
    if isinstance(text, str) and " " in text:
        u = text.split(" ", 1)[1]
        return {v: k for k, v in _SINGULAR.items()}.get(u, u)
    return None


# -----------------------------------------------------------------------------------
# units of the catalog's assumption tables (economics.csv, cluster.csv, capex.csv)
# -----------------------------------------------------------------------------------
#: The ``unit`` column of an assumption row -> (dimension, factor to the dimension's base
#: unit, SI label). The tables are stored in SI (each row keeps the figure as published in
#: its ``as_published`` column), so every factor is 1: the unit names the dimension, parsed
#: once when the catalog loads (:attr:`tokenfab.catalog.Assumption.si`). Flows per year keep
#: "/yr" in the label (the model input names say ``_per_year``); dimensionless rows are
#: ``fraction`` (a share) or ``""`` (a count, a ratio, a multiple).
CATALOG_UNITS: dict[str, tuple[str, float, str]] = {
    "USD": ("money", 1.0, "USD"),
    "USD/yr": ("money", 1.0, "USD/yr"),
    "USD/W": ("money_per_power", 1.0, "USD/W"),
    "USD/J": ("electricity_price", 1.0, "USD/J"),
    "USD/token": ("token_price", 1.0, "USD/token"),
    "USD/s": ("money_rate", 1.0, "USD/s"),
    "W": ("power", 1.0, "W"),
    "W/yr": ("power", 1.0, "W/yr"),
    "J": ("energy", 1.0, "J"),
    "s": ("time", 1.0, "s"),
    "1/s": ("rate", 1.0, "1/s"),
    "B": ("bytes", 1.0, "B"),
    "B/s": ("bandwidth", 1.0, "B/s"),
    "FLOP": ("flops", 1.0, "FLOP"),
    "tokens": ("tokens", 1.0, "tokens"),
    "tok/s": ("token_rate", 1.0, "tok/s"),
    "fraction": ("fraction", 1.0, ""),
    "": ("count", 1.0, ""),
    "x/yr": ("count", 1.0, "x/yr"),
    "1/yr": ("count", 1.0, "1/yr"),
    "1/W": ("count", 1.0, "1/W"),
    "B/param": ("count", 1.0, "B/param"),
    "tokens/param": ("count", 1.0, "tokens/param"),
    "nats": ("count", 1.0, "nats"),
}


def catalog_unit(unit: str, *, where: str = "") -> tuple[str, float, str]:
    """``(dimension, factor to SI, SI label)`` of a catalog row's ``unit`` text.

    An unknown unit is an error naming the row: add it to :data:`CATALOG_UNITS` (one place).
    """
    try:
        return CATALOG_UNITS[unit.strip()]
    except KeyError:
        raise TokenfabError(f"unknown catalog unit {unit!r}", field=where or None, value=unit,
                            allowed=", ".join(sorted(k for k in CATALOG_UNITS if k))) from None
