"""Error types that carry what a user needs to fix bad input.

Every error raised for bad input is a :class:`TokenfabError`: the CLI prints its message to
stderr and exits with code 2, without a traceback. Bugs stay ordinary exceptions.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable


class TokenfabError(ValueError):
    """Bad input: names the place (file/field), the value and what is allowed."""

    exit_code = 2

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: object = None,
        allowed: str | None = None,
        file: str | None = None,
    ) -> None:
        self.message = message
        self.field = field
        self.value = value
        self.allowed = allowed
        self.file = file
        parts = []
        if file:
            parts.append(f"{file}: ")
        if field:
            parts.append(f"{field}: ")
        parts.append(message)
        if allowed and "allowed" not in message and "must" not in message:
            parts.append(f" (allowed: {allowed})")
        super().__init__("".join(parts))

    def with_field(self, field: str) -> TokenfabError:
        """The same error naming ``field`` instead (a scenario's ``baseline_count`` for the
        engine's ``count`` argument); the class and the rest are kept."""
        e = type(self)(self.message, field=field, value=self.value, allowed=self.allowed,
                       file=self.file)
        return e


class ManyErrors(TokenfabError):
    """Several bad inputs of one call, each named (an API call with two wrong arguments says
    both, not just the first)."""

    def __init__(self, errors: Iterable[TokenfabError]) -> None:
        self.errors: list[TokenfabError] = []
        for e in errors:
            self.errors += e.errors if isinstance(e, ManyErrors) else [e]
        super().__init__(f"{len(self.errors)} bad arguments: "
                         + "; ".join(str(e) for e in self.errors))

    def with_field(self, field: str) -> TokenfabError:
        return self


class UnknownNameError(TokenfabError):
    """An id that is not in the catalog (or an unknown key), with a 'did you mean'."""


class InfeasibleError(TokenfabError):
    """No configuration satisfies the constraints (e.g. the model does not fit in memory).

    Distinct from bugs (aiconfigurator convention): this is an answer, not a crash.
    """


def _tokens(text: str) -> list[str]:
    return [w for w in re.split(r"[_\-.\s/]+", text.lower()) if w]


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """The closest match of ``name`` among ``choices``, ranked by the structure of ids.

    In order: the same id in another case; an id whose first part (the stem before ``-``,
    ``_`` or ``.``) is the same as the name's (``b200-sxm`` -> ``b200``, ``h200`` ->
    ``h200-sxm``); an id that starts with the name (``gb200`` -> ``gb200-nvl72``) or that the
    name starts with; close spelling (difflib ratio >= 0.5, ``h1000`` -> ``h100-sxm``); shared
    words (``hbm_bandwidth`` -> ``hbm_bw_bytes_per_s``). None when nothing is close.

    >>> did_you_mean("b200-sxm", ["h200-sxm", "b200", "gb200-nvl72"])
    'b200'
    >>> did_you_mean("gb200", ["b200", "gb200-nvl72"])
    'gb200-nvl72'
    """
    choices = list(dict.fromkeys(choices))
    low = name.lower().strip()
    if not low or not choices:
        return None
    lowered = {c.lower(): c for c in choices}
    if low in lowered:
        return lowered[low]

    def similarity(c: str) -> float:
        return difflib.SequenceMatcher(None, low, c.lower()).ratio()

    stem = _tokens(low)[0] if _tokens(low) else low
    same_stem = [c for c in choices if (_tokens(c) or [""])[0] == stem]
    if same_stem:
        return max(same_stem, key=similarity)
    starts = [c for c in choices if c.lower().startswith(low)]
    if starts:
        return min(starts, key=len)
    prefix_of = [c for c in choices if low.startswith(c.lower())]
    if prefix_of:
        return max(prefix_of, key=len)
    m = difflib.get_close_matches(low, list(lowered), n=1, cutoff=0.5)
    if m:
        return lowered[m[0]]
    words = _tokens(low)

    def score(c: str) -> tuple[int, float]:
        cw = _tokens(c)
        hits = sum(any(a.startswith(b) or b.startswith(a) for b in cw) for a in words)
        return hits, similarity(c)

    best = max(choices, key=score)
    return best if score(best)[0] > 0 else None


def unknown(kind: str, name: str, choices: Iterable[str], hint: str | None = None,
            field: str | None = None) -> UnknownNameError:
    """Build the standard 'unknown X' error: ``unknown accelerator 'h1000'; did you mean 'h100-sxm'?``."""
    choices = sorted(choices)
    guess = did_you_mean(name, choices)
    msg = f"unknown {kind} '{name}'"
    if guess is not None:
        msg += f"; did you mean '{guess}'?"
    else:
        shown = ", ".join(choices[:12]) + (", ..." if len(choices) > 12 else "")
        msg += f"; allowed: {shown}"
    if hint:
        msg += f" ({hint})"
    return UnknownNameError(msg, field=field, value=name)
