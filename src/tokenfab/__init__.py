"""tokenfab: the AI factory, checked."""

from __future__ import annotations

from typing import Any

__all__ = ["predict", "pareto"]


def __getattr__(name: str) -> Any:  # lazy, so `import tokenfab` stays light
    if name in ("predict", "pareto"):
        from tokenfab.perf import serving

        return getattr(serving, name)
    raise AttributeError(f"module 'tokenfab' has no attribute {name!r}")
