"""Numbers and names for people: the one formatter of the CLI tables, the report and the app.

* Money: ``$`` with k / M / B / T and thousands separators, never SI ``G`` or ``P``:
  ``money(3.9e11)`` -> ``'$390B'``.
* Other quantities: three significant digits with an SI prefix on the unit (``'2.1 GW'``,
  ``'1.53 PFLOP/s'``), or plain powers of ten for counts beyond a trillion (``'8.28×10²⁷'``),
  never float noise (``391874740506.8567``) or ``e+27``.
* Field names in words: ``label("profit_usd_per_year")`` -> ``'Profit (USD per year)'``.

>>> money(391874740506.8567)
'$392B'
>>> quantity(8.279999999999998e27, "FLOP")
'8.28×10²⁷ FLOP'
>>> label("tokens_per_s_per_mw")
'Tokens per s per MW'
"""

from __future__ import annotations

import math

__all__ = ["count", "label", "money", "percent", "quantity", "years"]

_MONEY = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
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
    """``$1.2B``, ``-$350k``, ``$2.50``; ``per`` is appended as ``/per`` (``'$4.5/h'``).

    >>> money(2.5e12, "yr"), money(-3.5e5), money(2.5), money(1234.5)
    ('$2.5T/yr', '-$350k', '$2.50', '$1,234')
    """
    if not _finite(x):
        return _DASH
    v = float(x)  # type: ignore[arg-type]
    sign = "-" if v < 0 else ""
    a = abs(v)
    suffix = f"/{per}" if per else ""
    for p, s in _MONEY:
        if a >= p * 999.5 / 1000 and (a >= 1e6 or p == 1e3 and a >= 1e4):
            return f"{sign}${_sig(a / p, digits)}{s}{suffix}"
    if a >= 100:
        return f"{sign}${a:,.0f}{suffix}"
    if a >= 0.01:
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
    """
    if not _finite(x):
        return _DASH
    v = float(x)  # type: ignore[arg-type]
    u = f" {unit}" if unit else ""
    a = abs(v)
    if unit in ("", "tokens", "tok", "count", "FLOP") and a >= 1e15:
        return f"{_power10(v, digits)}{u}"
    if unit not in ("", "tokens", "tok", "count", "%", "x"):
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
    """A duration in years: ``'5.5 years'``, ``'0.43 years'``; None/inf -> ``'never'``."""
    if not _finite(x):
        return "never"
    return f"{_sig(float(x), 3)} years"  # type: ignore[arg-type]


_WORDS = {
    "usd": "USD", "mtok": "Mtok", "mw": "MW", "gw": "GW", "kw": "kW", "w": "W", "j": "J",
    "s": "s", "tok": "tokens", "pue": "PUE", "tco": "TCO", "irr": "IRR", "npv": "NPV",
    "gpu": "GPU", "gpus": "GPUs", "hbm": "HBM", "bw": "bandwidth", "ttft": "TTFT",
    "tpot": "TPOT", "mfu": "MFU", "it": "IT", "p10": "p10", "p50": "p50", "p90": "p90",
    "capex": "capex", "opex": "opex", "flops": "FLOP", "flop": "FLOP", "rl": "RL",
    "ai": "AI", "gdp": "GDP", "mc": "Monte Carlo", "vs": "vs",
}


def label(name: str) -> str:
    """A field name in words (``snake_case`` -> sentence case, units spelled as units).

    >>> label("capex_usd_per_site_w"), label("gross_margin"), label("irr")
    ('Capex USD per site W', 'Gross margin', 'IRR')
    """
    words = [w for w in name.replace("-", "_").split("_") if w]
    out = [_WORDS.get(w.lower(), w) for w in words]
    if not out:
        return name
    first = out[0]
    if first == first.lower():
        out[0] = first[:1].upper() + first[1:]
    return " ".join(out)
