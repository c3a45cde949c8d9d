"""The portfolio table on a Dask cluster (the ``dask`` extra): a local cluster of worker
processes, or an existing scheduler given by its address (see ``docs/portfolio.md``).

:func:`write` has the workers read the table in blocks and cut it into partitions by ranges of
``project`` (:mod:`jcmcalc.portfolio.dask_parts`: as many as the cluster's threads, more when a
partition would not fit in a thread's memory), so that every project's rows are in one
partition and the partitions follow the projects' order. Each partition is evaluated on its
worker by :func:`jcmcalc.portfolio.table.evaluate.evaluate_columns`, the in-memory code, and
reduced there to its output text (CSV lines or JSON records) and an exact
:class:`~jcmcalc.portfolio.rows.Subtotal`: the client joins a few texts and adds the subtotals,
so the output equals the numpy engine's byte for byte. Row numbers in messages count within a
partition. :func:`evaluate_dask` evaluates any Dask DataFrame and gathers its rows.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.leaves import normal_ids
from jcmcalc.inputs.readers import columns
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.portfolio import dask_doors, dask_parts
from jcmcalc.portfolio.frame import empty
from jcmcalc.portfolio.rows import (
    COLUMNS,
    HEADER,
    Row,
    Subtotal,
    combine,
    csv_body,
    csv_lines,
    json_document,
    json_records,
    subtotal,
)
from jcmcalc.portfolio.table.read import arrow_cells

#: Name given to the table in messages about a Dask partition.
PARTITION = dask_parts.PARTITION
#: The workers of a local cluster allocate Python's and arrow's memory with the C library's
#: allocator, whose free pages :func:`dask_parts.release` hands back to the system after a run.
#: With Python's and arrow's own allocators (their arenas and mimalloc's pages stay as long as
#: one object in them does) 4 workers held 50-70 MB more each after 1M projects.
WORKER_ENVIRONMENT = {"PYTHONMALLOC": "malloc", "ARROW_DEFAULT_MEMORY_POOL": "system"}
_EXTRA = "--engine dask needs the 'dask' extra: pip install 'jcmcalc[dask]'"
Getter = Callable[[str, str | None], Methodology]


@attrs.frozen
class Output:
    """A portfolio's output text and the messages of its failed projects."""

    text: str
    failed: tuple[str, ...]
    total: Row


@contextmanager
def connect(workers: int | None = None, scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: of the scheduler at ``scheduler`` (``tcp://host:8786``), or
    of a local cluster of ``workers`` processes (one thread each; default: the CPU count)."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError(_EXTRA) from None
    if scheduler is not None:
        address = dask_doors.scheduler_address(scheduler)
        dask_doors.answers(address)
        try:
            client = Client(address, timeout=dask_doors.CONNECT_TIMEOUT)
            client.scheduler_info()
        except Exception as exc:  # a web server's reply read as a frame: MemoryError, ...
            reason = f"{type(exc).__name__}: {exc}"[:300]
            raise InputError(
                f"cannot reach the Dask scheduler {scheduler!r}: no Dask scheduler answered "
                f"there within {dask_doors.CONNECT_TIMEOUT} ({reason})"
            ) from None
        with client:
            yield client
        return
    if workers is not None and workers < 1:
        raise InputError(f"--workers {workers}: give at least one worker")
    with (
        _local(workers or os.cpu_count() or 1) as cluster,
        Client(cluster) as client,
    ):
        yield client


@contextmanager
def _local(workers: int) -> Iterator[Any]:
    """A local cluster of ``workers`` processes of one thread, started with
    :data:`WORKER_ENVIRONMENT` (which Dask sets in this process too while it starts them:
    it is restored here)."""
    import dask
    from distributed import LocalCluster

    before = {name: os.environ.get(name) for name in WORKER_ENVIRONMENT}
    spawn = {f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_ENVIRONMENT.items()}
    try:
        with dask.config.set(spawn):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,  # a failed task is reported as bad input
            )
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    with cluster:
        yield cluster


def read_dask(path: Path, partitions: int = 1) -> Any:
    """A portfolio table (CSV as text cells, or Parquet) as a Dask DataFrame, in blocks of
    about ``1 / partitions`` of the file."""
    try:
        import dask.dataframe as dd
    except ImportError:
        raise InputError(_EXTRA) from None
    if path.suffix.lower() in (".parquet", ".pq"):
        return dd.read_parquet(str(path))
    dask_doors.utf8_text(path)
    block = path.stat().st_size // max(partitions, 1) + 1
    text = "string[pyarrow]"  # arrow's buffers, read as the numpy engine reads a table
    return dd.read_csv(str(path), dtype=text, keep_default_na=False, blocksize=block)


def write(path: Path, output_format: str, client: Any, get: Getter | None = None) -> Output:
    """The CSV or JSON output of the portfolio table at ``path``, evaluated on ``client``'s
    workers (``get`` finds a methodology there; default: the plugins installed there), whose
    memory is handed back afterwards."""
    from jcmcalc import api

    if path.suffix.lower() not in (".parquet", ".pq"):
        dask_doors.utf8_text(path)
    threads, memory = _cluster(client)
    plan = dask_parts.plan(path, threads, memory)
    try:
        parts = client.gather(_outcomes(client, plan, get or api.get_methodology, output_format))
    finally:
        release(client)
    subtotals: list[Subtotal] = [part for _, pair, _ in parts for part in pair]
    total = combine(subtotals)
    texts = [text for text, _, _ in parts]
    if output_format == "json":
        text = json_document(texts, total)
    else:
        text = csv_lines([HEADER]) + "".join(texts) + csv_body([total])
    failed = tuple(line for _, _, lines in parts for line in lines)
    return Output(text, failed, total)


def release(client: Any) -> None:
    """Every worker thread hands its freed memory back (pyarrow's allocator keeps it per
    thread, so the workers' threads run :func:`~jcmcalc.portfolio.dask_parts.release`)."""
    for address, threads in client.nthreads().items():
        client.gather(
            [
                client.submit(dask_parts.release, n, workers=[address], pure=False)
                for n in range(threads)
            ]
        )
    client.run(dask_parts.release)


def partitions(client: Any, path: Path) -> int:
    """How many partitions the table at ``path`` takes on ``client``'s cluster."""
    threads, memory = _cluster(client)
    return dask_parts.partitions(path.stat().st_size, threads, memory)


def _cluster(client: Any) -> tuple[int, int | None]:
    """The worker threads of ``client``'s cluster, and the least memory a thread has (None
    when a worker has no memory limit)."""
    threads = client.nthreads()
    limits = client.run(dask_parts.memory_limit)
    shares = [(limits.get(a) or 0) // max(n, 1) for a, n in threads.items()]
    return sum(threads.values()) or 1, min(shares) if shares and all(shares) else None


def _outcomes(client: Any, plan: dask_parts.Plan, get: Getter, output_format: str) -> list[Any]:
    """Futures of each partition's output (in the projects' order): blocks read where they
    are, a sample of their projects to bound the partitions, blocks split at the bounds, each
    partition evaluated from its pieces; the client holds no other future afterwards."""
    blocks = [
        client.submit(dask_parts.read_block, plan, n, pure=False) for n in range(len(plan.blocks))
    ]
    samples = client.gather([client.submit(dask_parts.sample, b, plan.parts) for b in blocks])
    edges = dask_parts.bounds(samples, plan.parts)
    splits = [client.submit(dask_parts.split, block, edges) for block in blocks]
    del blocks
    pieces = [
        [client.submit(dask_parts.piece, split, n) for split in splits]
        for n in range(len(edges) + 1)
    ]
    del splits
    return [client.submit(_reduced, part, plan.units, get, output_format) for part in pieces]


def _projects(frame: Any) -> Any:
    """The project of each row as the table compares projects (stripped, NFC-normalised), so
    that the rows of one project meet in one partition."""
    return frame["project"].map_partitions(_project_ids, meta=("project", "string"))


def _project_ids(cells: Any) -> Any:
    import pandas as pd

    ids = normal_ids(columns.text_cells(_cells(cells)))
    return pd.Series(ids, index=cells.index, dtype="string")


def _reduced(
    pieces: list[Any], units: dict[str, str], get: Getter, output_format: str
) -> tuple[str, list[Subtotal], list[str]]:
    """One partition's output text, subtotals and failure messages (on its worker)."""
    from jcmcalc.portfolio.frame_csv import body
    from jcmcalc.portfolio.table.evaluate import evaluate_columns

    table = dask_parts.table(pieces, units)
    computed = evaluate_columns(table, get) if len(table) else None
    del table, pieces
    found = computed.frame.ordered() if computed is not None else empty()
    failures = sorted(computed.failures if computed else [], key=lambda r: (r.project, 0))
    if output_format == "json":
        rows = sorted([*found.rows(), *failures], key=lambda r: (r.project, r.period or 0))
        text = json_records(rows)
    else:
        text = body(found, failures)
    lines = [f"project {r.project}: {r.message}" for r in failures]
    return text, [found.subtotal(), subtotal(failures, part=True)], lines


def _table(frame: Any) -> columns.Table:
    """A partition as a table of columns (text columns read from their arrow buffers)."""
    frame = frame.reset_index(drop=True)
    cells = {str(name): _cells(frame[name]) for name in frame.columns}
    return columns.Table(PARTITION, tuple(cells), cells, np.arange(2, len(frame) + 2), {})


def _cells(series: Any) -> np.ndarray:
    import pandas as pd
    import pyarrow as pa

    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow":
        array = pa.array(series)
        return arrow_cells(array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array)
    return series.to_numpy()


def _evaluated(frame: Any, get: Getter) -> list[Row]:
    from jcmcalc.portfolio.table.evaluate import evaluate_table

    return evaluate_table(_table(frame), get) if len(frame) else []


def evaluate_dask(frame: Any, get: Getter) -> list[Row]:
    """Rows of every project of a Dask DataFrame with the portfolio table's columns, gathered
    into this process (on the current ``distributed`` client, if any)."""
    import pandas as pd

    if "project" not in frame.columns:
        raise InputError("a portfolio table needs a 'project' column")
    meta = pd.DataFrame({name: pd.Series(dtype=object) for name in COLUMNS})
    shuffled = frame.assign(_key=_projects(frame)).shuffle(on="_key").drop(columns="_key")
    result = shuffled.map_partitions(_as_frame, get, meta=meta).compute()
    return [Row(*record) for record in result.itertuples(index=False, name=None)]


def _as_frame(frame: Any, get: Getter) -> Any:
    import pandas as pd

    records = [attrs.astuple(row, recurse=False) for row in _evaluated(frame, get)]
    return pd.DataFrame(records, columns=list(COLUMNS), dtype=object)
