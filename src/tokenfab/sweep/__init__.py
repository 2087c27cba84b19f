"""Design-space sweeps: every system x model x precision x workload x interactivity target x
economics, on Dask, into a Parquet results store queried with DuckDB.

Public entry points
-------------------
:func:`load_spec`, :func:`parse_spec`, :class:`SweepSpec`
    The spec (TOML): axes, chain, economics; validated once.
:func:`run_sweep`
    Run or resume a sweep (in this process, on a ``LocalCluster`` or on a running cluster).
:func:`open`, :func:`query`, :func:`landscape`
    Read a sweep directory with DuckDB.

See ``docs/sweep.md`` for the spec format and the store layout. Needs the ``sweep`` extra
(``pip install 'tokenfab[sweep]'``: dask[distributed], pyarrow, duckdb).
"""

from tokenfab.sweep.block import evaluate_partition, frontier_at
from tokenfab.sweep.query import Landscape, landscape, open_sweep, query
from tokenfab.sweep.run import SweepProgress, SweepResult, run_sweep
from tokenfab.sweep.spec import SweepSpec, load_spec, parse_spec
from tokenfab.sweep.store import Store

open = open_sweep  # noqa: A001 - the documented name: tokenfab.sweep.open(DIR)

__all__ = ["Landscape", "Store", "SweepProgress", "SweepResult", "SweepSpec",
           "evaluate_partition", "frontier_at", "landscape", "load_spec", "open", "open_sweep",
           "parse_spec", "query", "run_sweep"]
