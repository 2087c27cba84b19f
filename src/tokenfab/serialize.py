"""Results as strict JSON data: NumPy and dataclasses in, JSON types out, never NaN or inf.

The one conversion every edge uses (CLI ``--json``, the report's ``report.json``, the app);
it lives outside the edges so none of them imports another for it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tokenfab.errors import TokenfabError

__all__ = ["to_jsonable"]


def to_jsonable(obj: Any, _path: str = "") -> Any:
    """Convert NumPy scalars/arrays, dataclasses and tuples to JSON types; reject NaN/inf.

    A non-finite number raises :class:`TokenfabError` (a ``ValueError``) naming its key path,
    so the CLI prints one message instead of a traceback.
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v, f"{_path}.{k}" if _path else str(k))
                for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v, f"{_path}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist(), _path)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        if not math.isfinite(v):
            raise TokenfabError(f"refusing to emit a non-finite number ({v}) in JSON output; "
                                "please report it with the inputs", field=_path or None)
        return v
    if isinstance(obj, np.bool_):
        return bool(obj)
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return to_jsonable(obj.to_dict(), _path)
    return obj
