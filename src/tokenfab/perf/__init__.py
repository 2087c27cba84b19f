"""Performance models: parameter counts, FLOPs, bytes and KV cache per token.

The inference engine: per-token costs of a model (:mod:`~tokenfab.perf.model_costs`), a
per-operator roofline step time (:mod:`~tokenfab.perf.roofline`,
:mod:`~tokenfab.perf.engine`), parallel layouts and memory (:mod:`~tokenfab.perf.parallelism`),
serving (continuous batching, disaggregation, p99 latency) and the public API
(:mod:`~tokenfab.perf.serving`): :func:`predict` and :func:`pareto`. Calibration constants,
global per hardware family, are in :mod:`~tokenfab.perf.calibration`; validation against
published measurements in :mod:`~tokenfab.perf.validate`.
"""

from __future__ import annotations

from typing import Any

__all__ = ["predict", "pareto", "Prediction", "Frontier", "sweep"]


def __getattr__(name: str) -> Any:  # lazy: importing tokenfab.perf.params stays cheap
    if name in __all__:
        from tokenfab.perf import serving

        return getattr(serving, name)
    raise AttributeError(f"module 'tokenfab.perf' has no attribute {name!r}")
