"""Read a sweep: DuckDB over the partition files, and the landscape summaries of the report.

The finished partitions of a sweep directory are one view, ``sweep``, in an in-memory DuckDB
database; DuckDB streams the Parquet files, so a query over a sweep larger than memory runs in
bounded memory. Examples (``tokenfab sweep query DIR "SQL"``)::

    -- the cheapest system per model at >= 50 tok/s/user
    SELECT model, arg_min(hardware, c) AS cheapest, min(c) AS usd_per_mtok FROM (
      SELECT model, hardware, median(cost_usd_per_mtok) AS c FROM sweep
      WHERE feasible AND interactivity_target >= 50 GROUP BY ALL) GROUP BY model

    -- how the ranking changes as electricity price rises
    SELECT econ_electricity_price * 3.6e9 AS usd_per_mwh, hardware,
           median(cost_usd_per_mtok) AS c FROM sweep WHERE feasible GROUP BY ALL ORDER BY 1, 3
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from tokenfab.errors import TokenfabError
from tokenfab.sweep.store import Manifest, Store

__all__ = ["Landscape", "connect", "landscape", "open_sweep", "query"]

VIEW = "sweep"


def connect(path: str | Path) -> tuple[duckdb.DuckDBPyConnection, Manifest]:
    """An in-memory DuckDB connection with the view ``sweep`` over the finished partitions."""
    store = Store.open(path)
    files = [str(f) for f in store.files() if f.is_file()]
    if not files:
        raise TokenfabError("has no finished partitions yet (run or --resume the sweep)",
                            field="DIR", value=str(path))
    con = duckdb.connect(":memory:")
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    con.execute(f"CREATE VIEW {VIEW} AS SELECT * FROM read_parquet([{listed}])")
    return con, store.manifest


def open_sweep(path: str | Path) -> duckdb.DuckDBPyRelation:
    """The sweep's rows as a lazy DuckDB relation (``.df()`` for a pandas DataFrame,
    ``.filter("feasible")``, ``.aggregate(...)``, or SQL on the view ``sweep``)."""
    con, _ = connect(path)
    return con.sql(f"SELECT * FROM {VIEW}")


def query(path: str | Path, sql: str) -> pd.DataFrame:
    """Run ``sql`` (on the view ``sweep``) and return the result as a DataFrame.

    Raises :class:`TokenfabError` (naming the SQL) when DuckDB rejects the query.
    """
    con, _ = connect(path)
    try:
        df: pd.DataFrame = con.sql(sql).df()
        return df
    except duckdb.Error as e:
        raise TokenfabError(f"{type(e).__name__}: {e}".splitlines()[0], field="SQL",
                            value=sql) from None
    except AttributeError:  # a statement without a result (e.g. SET ...)
        return pd.DataFrame()


@dataclass(frozen=True)
class Landscape:
    """Where each system wins: the winner per model x interactivity, and the metric's spread.

    Attributes
    ----------
    metric : str
        The column ranked (``cost_usd_per_mtok``, lower wins; ``tokens_per_s_per_mw`` for a
        perf-only sweep, higher wins).
    lower_is_better : bool
    winners : DataFrame
        ``model``, ``interactivity_target``, ``winner``, ``best`` (its median metric),
        ``runner_up``, ``margin`` (runner-up / winner for costs, winner / runner-up for
        throughput; >= 1), ``systems`` (feasible systems compared).
    distribution : DataFrame
        Per ``hardware``: ``p10``, ``p25``, ``p50``, ``p75``, ``p90`` and ``n`` of the metric
        over all its feasible rows.
    workload, software : str
        The slice shown (first workload and software generation of the spec).
    """

    metric: str
    lower_is_better: bool
    winners: pd.DataFrame
    distribution: pd.DataFrame
    workload: str
    software: str
    chain: str


def landscape(path: str | Path) -> Landscape:
    """The landscape of a sweep directory, computed in DuckDB (bounded memory).

    Per (model, interactivity target, hardware): the median of the metric over draws and
    economics combinations for each precision, then the best precision; the winner is the
    best hardware. Only the spec's first workload and software generation are ranked.
    """
    con, man = connect(path)
    axes: dict[str, Any] = man.spec["axes"]
    chain = str(man.spec["chain"])
    factory = chain != "perf"
    metric = "cost_usd_per_mtok" if factory else "tokens_per_s_per_mw"
    best_prec = "min" if factory else "max"
    wl = str(axes["workload"][0]["name"])
    sw = str(axes["software"][0]["name"])
    params = [wl, sw]
    per = (f"SELECT model, interactivity_target, hardware, {best_prec}(m) AS m FROM ("
           f"  SELECT model, interactivity_target, hardware, precision, median({metric}) AS m "
           f"  FROM {VIEW} WHERE feasible AND workload = ? AND software = ? "
           f"  AND {metric} IS NOT NULL AND isfinite({metric}) GROUP BY ALL) GROUP BY ALL")
    order = "m ASC" if factory else "m DESC"
    ranked = con.execute(
        f"SELECT model, interactivity_target, hardware, m, row_number() OVER ("
        f"PARTITION BY model, interactivity_target ORDER BY {order}, hardware) AS r, "
        f"count(*) OVER (PARTITION BY model, interactivity_target) AS n FROM ({per})",
        params).df()
    first = ranked[ranked["r"] == 1].set_index(["model", "interactivity_target"])
    second = ranked[ranked["r"] == 2].set_index(["model", "interactivity_target"])
    winners = pd.DataFrame({"winner": first["hardware"], "best": first["m"],
                            "systems": first["n"]})
    winners["runner_up"] = second["hardware"].reindex(winners.index)
    ru = second["m"].reindex(winners.index)
    winners["margin"] = ru / winners["best"] if factory else winners["best"] / ru
    winners = winners.reset_index().sort_values(["model", "interactivity_target"])
    dist = con.execute(
        f"SELECT hardware, quantile_cont({metric}, 0.1) AS p10, "
        f"quantile_cont({metric}, 0.25) AS p25, quantile_cont({metric}, 0.5) AS p50, "
        f"quantile_cont({metric}, 0.75) AS p75, quantile_cont({metric}, 0.9) AS p90, "
        f"count(*) AS n FROM {VIEW} WHERE feasible AND {metric} IS NOT NULL "
        f"AND isfinite({metric}) GROUP BY hardware ORDER BY p50", []).df()
    return Landscape(metric, factory, winners.reset_index(drop=True), dist, wl, sw, chain)
