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


class UnknownNameError(TokenfabError):
    """An id that is not in the catalog (or an unknown key), with a 'did you mean'."""


class InfeasibleError(TokenfabError):
    """No configuration satisfies the constraints (e.g. the model does not fit in memory).

    Distinct from bugs (aiconfigurator convention): this is an answer, not a crash.
    """


def did_you_mean(name: str, choices: Iterable[str]) -> str | None:
    """The closest match of ``name`` among ``choices`` (difflib ratio >= 0.5), or None."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    if name.lower() in lowered:
        return lowered[name.lower()]
    m = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.5)
    if m:
        return lowered[m[0]]
    # prefix match ("h100" -> "h100-sxm")
    pref = [c for c in choices if c.lower().startswith(name.lower())]
    if pref:
        return pref[0]
    # shared words ("hbm_bandwidth" -> "hbm_bw_bytes_per_s"), ties broken by similarity
    words = [w for w in re.split(r"[_\-.\s]+", name.lower()) if w]

    def score(c: str) -> tuple[int, float]:
        cw = [w for w in re.split(r"[_\-.\s]+", c.lower()) if w]
        hits = sum(any(a.startswith(b) or b.startswith(a) for b in cw) for a in words)
        return hits, difflib.SequenceMatcher(None, name.lower(), c.lower()).ratio()

    best = max(choices, key=score, default=None)
    return best if best is not None and score(best)[0] > 0 else None


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
