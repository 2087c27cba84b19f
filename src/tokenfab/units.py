"""Quantities with units, as people write them: ``"2 GW"``, ``"80 USD/MWh"``, ``"50 tok/s"``.

Parsing happens once, at the boundary (scenario files, CLI flags); models see SI floats.
Each *dimension* has a base unit (W, J, s, USD, USD/J ...) and the spellings it accepts.

>>> parse_quantity("2 GW", "power")
2000000000.0
>>> parse_quantity("80 USD/MWh", "electricity_price")  # USD per joule
2.2222222222222224e-08
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
