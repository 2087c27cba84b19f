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
        value = num * factor
    else:
        raise TokenfabError(f"expected a number or a string like '2 {base}', got {type(text).__name__}",
                            field=field, value=text)
    if not math.isfinite(value):
        raise TokenfabError(f"value {text!r} is not a finite number", field=field, value=text)
    return value


# -----------------------------------------------------------------------------------
# units of the catalog's assumption tables (economics.csv, cluster.csv)
# -----------------------------------------------------------------------------------
#: The ``unit`` column of an assumption row -> (dimension, factor to the dimension's base
#: unit, SI label). Parsed once, when the catalog loads (:attr:`Assumption.si`); no model
#: keeps a private conversion table. Flows per year keep "/yr" in the label (the model input
#: names say ``_per_year``); counts of things (ports, racks, users) are dimensionless.
CATALOG_UNITS: dict[str, tuple[str, float, str]] = {
    # money
    "USD": ("money", 1.0, "USD"),
    "USD k per GPU": ("money", 1e3, "USD"),
    "USD m per rack": ("money", 1e6, "USD"),
    "USD bn": ("money", 1e9, "USD"),
    "USD tn": ("money", 1e12, "USD"),
    "USD tn cumulative": ("money", 1e12, "USD"),
    "USD tn per year": ("money", 1e12, "USD/yr"),
    "USD/GW": ("money_per_power", 1e-9, "USD/W"),
    "USD bn per GW": ("money_per_power", 1.0, "USD/W"),
    "USD bn per GW IT": ("money_per_power", 1.0, "USD/W"),
    "USD m per MW": ("money_per_power", 1.0, "USD/W"),
    # USD per W-year of capacity = USD per (W x 1 yr): an energy price
    "USD bn per GW-yr": ("electricity_price", 1.0 / _YEAR_S, "USD/J"),
    "USD per MWh": ("electricity_price", 1.0 / 3.6e9, "USD/J"),
    "USD per M tokens": ("token_price", 1e-6, "USD/token"),
    "USD per GPU-hr": ("money_rate", 1.0 / _HOUR_S, "USD/s"),
    # power, energy, time
    "W": ("power", 1.0, "W"),
    "kW": ("power", 1e3, "W"),
    "kW per rack": ("power", 1e3, "W"),
    "MW": ("power", 1e6, "W"),
    "GW": ("power", 1e9, "W"),
    "GW per year": ("power", 1e9, "W/yr"),
    "TWh": ("energy", 3.6e15, "J"),
    "Wh per median prompt": ("energy", 3600.0, "J"),
    "s": ("time", 1.0, "s"),
    "min": ("time", 60.0, "s"),
    "h": ("time", _HOUR_S, "s"),
    "day": ("time", _DAY_S, "s"),
    "days": ("time", _DAY_S, "s"),
    "weeks": ("time", 7 * _DAY_S, "s"),
    "months": ("time", _YEAR_S / 12.0, "s"),
    "years": ("time", _YEAR_S, "s"),
    "GPU-h": ("time", _HOUR_S, "s"),
    "A100 GPU-h": ("time", _HOUR_S, "s"),
    "1/GPU-h": ("rate", 1.0 / _HOUR_S, "1/s"),
    "1/GPU-yr": ("rate", 1.0 / _YEAR_S, "1/s"),
    "1/server-day": ("rate", 1.0 / _DAY_S, "1/s"),
    # bytes and rates
    "bytes": ("bytes", 1.0, "B"),
    "TB": ("bytes", 1e12, "B"),
    "TB/s": ("bandwidth", 1e12, "B/s"),
    "Gb/s": ("bandwidth", 1e9 / 8.0, "B/s"),
    "B/param": ("count", 1.0, "B/param"),
    "FLOP": ("flops", 1.0, "FLOP"),
    # tokens
    "tokens": ("tokens", 1.0, "tokens"),
    "tokens per param": ("count", 1.0, "tokens/param"),
    "tokens per minute": ("token_rate", 1.0 / 60.0, "tok/s"),
    "tokens per day": ("token_rate", 1.0 / _DAY_S, "tok/s"),
    "tokens per month": ("token_rate", 12.0 / _YEAR_S, "tok/s"),
    "tokens per quarter": ("token_rate", 4.0 / _YEAR_S, "tok/s"),
    "messages per day": ("rate", 1.0 / _DAY_S, "1/s"),
    "nats": ("count", 1.0, "nats"),
    # dimensionless: fractions, ratios, growth factors, counts of things
    "": ("count", 1.0, ""),
    "-": ("count", 1.0, ""),
    "fraction": ("fraction", 1.0, ""),
    "fraction of capex": ("fraction", 1.0, ""),
    "fraction of total capex": ("fraction", 1.0, ""),
    "fraction of GDP": ("fraction", 1.0, ""),
    "ratio": ("count", 1.0, ""),
    "x": ("count", 1.0, ""),
    "x lower": ("count", 1.0, ""),
    "x:1": ("count", 1.0, ""),
    "x per year": ("count", 1.0, "x/yr"),
    "x vs best-of-N": ("count", 1.0, ""),
    "x pretrain compute": ("count", 1.0, ""),
    "x vs 2022": ("count", 1.0, ""),
    "per year": ("count", 1.0, "1/yr"),
    "unit": ("count", 1.0, ""),
    "units": ("count", 1.0, ""),
    "count": ("count", 1.0, ""),
    "users": ("count", 1.0, ""),
    "GPU": ("count", 1.0, ""),
    "GPUs": ("count", 1.0, ""),
    "GPUs per GW": ("count", 1e-9, "1/W"),
    "H100-equiv": ("count", 1.0, ""),
    "chips": ("count", 1.0, ""),
    "cubes": ("count", 1.0, ""),
    "endpoints": ("count", 1.0, ""),
    "modules": ("count", 1.0, ""),
    "nodes": ("count", 1.0, ""),
    "servers": ("count", 1.0, ""),
    "switches": ("count", 1.0, ""),
    "NVL72 racks": ("count", 1.0, ""),
    "ports x 400G": ("count", 1.0, ""),
    "ports x 800G": ("count", 1.0, ""),
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
