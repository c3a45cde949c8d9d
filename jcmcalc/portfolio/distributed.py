"""The portfolio table on Dask: the same evaluation per partition, for data larger than memory
or a cluster (the ``dask`` extra).

Every project's rows are first moved into one partition (a shuffle on ``project``); each
partition is then evaluated by :func:`jcmcalc.portfolio.table.evaluate_table`, the in-memory
code, so the result equals the in-memory run. Row numbers in messages count within a partition.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from jcmcalc.inputs import columns
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.portfolio.rows import COLUMNS, Row

#: Name given to the table in messages about a Dask partition.
PARTITION = Path("dask-partition")


def read_dask(path: Path) -> Any:
    """A portfolio table (CSV as text cells, or Parquet) as a Dask DataFrame."""
    try:
        import dask.dataframe as dd
    except ImportError:
        raise InputError(
            "--engine dask needs the 'dask' extra: pip install 'jcmcalc[dask]'"
        ) from None
    if path.suffix.lower() in (".parquet", ".pq"):
        return dd.read_parquet(str(path))
    return dd.read_csv(str(path), dtype=str, keep_default_na=False, blocksize="64MB")


def evaluate_dask(frame: Any, get: Callable[[str, str | None], Methodology]) -> list[Row]:
    """Rows of every project of a Dask DataFrame with the portfolio table's columns."""
    import pandas as pd

    if "project" not in frame.columns:
        raise InputError("a portfolio table needs a 'project' column")
    meta = pd.DataFrame({name: pd.Series(dtype=object) for name in COLUMNS})
    shuffled = frame.shuffle(on="project")
    result = shuffled.map_partitions(_partition, get, meta=meta).compute()
    return [Row(*record) for record in result.itertuples(index=False, name=None)]


def _partition(frame: Any, get: Callable[[str, str | None], Methodology]) -> Any:
    import pandas as pd

    from jcmcalc.portfolio.table import evaluate_table

    cells = {str(name): frame[name].to_numpy() for name in frame.columns}
    table = columns.Table(PARTITION, tuple(cells), cells, np.arange(2, len(frame) + 2), {})
    rows = evaluate_table(table, get) if len(frame) else []
    records = [
        (
            r.project,
            r.methodology,
            r.period,
            r.start,
            r.end,
            r.reference,
            r.project_emissions,
            r.reductions,
            r.credits,
            r.status,
            r.message,
            r.warnings,
            r.coverage,
        )
        for r in rows
    ]
    return pd.DataFrame(records, columns=list(COLUMNS), dtype=object)
