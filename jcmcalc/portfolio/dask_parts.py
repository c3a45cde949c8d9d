"""A portfolio table cut into partitions for a Dask cluster, and the work of each worker.

The number of partitions follows the cluster and the table (:func:`plan`): one per worker
thread, more when a partition would not fit in a thread's share of its worker's memory. Each
worker reads one block of the file with pyarrow (a byte range of a CSV file, cut at line ends,
or row groups of a Parquet file), keeps it as arrow columns and sends a sample of its
projects; the client picks the projects that bound the partitions; each block is split at
them and each partition evaluated where its pieces are, by the numpy engine's code. Workers
import neither pandas nor dask.dataframe, and hand their memory back after a run
(:func:`release`).
"""

from __future__ import annotations

import csv
import functools
import gc
import itertools
import math
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc.inputs.leaves import normal_ids
from jcmcalc.inputs.readers import columns
from jcmcalc.model.errors import InputError
from jcmcalc.portfolio.table.read import arrow_cells

#: Memory a worker needs per byte of CSV while it evaluates a partition, at its peak, with a
#: margin: measured 11 (250,000 rows of the benchmark table, 23.8 MB, peaked 262 MB above the
#: worker's memory before; ``benchmarks/dask_engine.py``).
EXPANSION = 16
#: Projects each block samples per partition, to place the bounds between partitions.
SAMPLES = 64
#: Name given to the table in messages about a partition.
PARTITION = Path("dask-partition")


@attrs.frozen
class Plan:
    """How a table is read by the workers: its column titles (as written and stripped), the
    blocks each worker reads (byte ranges of a CSV file, lists of Parquet row groups) and
    the number of partitions."""

    path: Path
    raw: tuple[str, ...]
    titles: tuple[str, ...]
    blocks: tuple[tuple[int, ...], ...]
    parts: int
    units: dict[str, str] = attrs.field(factory=dict)


def partitions(size: int, threads: int, memory: int | None) -> int:
    """Partitions for ``size`` bytes on ``threads`` worker threads, each with ``memory``
    bytes (None: no limit): one per thread, or a multiple of that so that each partition's
    evaluation fits in a thread's memory (:data:`EXPANSION`)."""
    threads = max(threads, 1)
    if not memory:
        return threads
    rounds = math.ceil(size * EXPANSION / (threads * memory))
    return threads * max(rounds, 1)


def plan(path: Path, threads: int, memory: int | None) -> Plan:
    """The blocks and partitions of the table at ``path`` for a cluster of ``threads``
    threads with ``memory`` bytes each."""
    if path.suffix.lower() in columns.PARQUET:
        return _parquet_plan(path, threads, memory)
    with path.open("rb") as stream:
        line = stream.readline()
        size = stream.seek(0, 2)
    raw = tuple(next(csv.reader([line.decode("utf-8-sig")]), []))
    titles = _titles(path, raw)
    parts = partitions(size, threads, memory)
    cuts = [len(line)]
    with path.open("rb") as stream:
        for number in range(1, parts):
            stream.seek(max(size * number // parts, cuts[-1]))
            stream.readline()  # to the end of the line the cut falls in
            cuts.append(stream.tell())
    cuts.append(size)
    blocks = tuple((a, b) for a, b in itertools.pairwise(cuts) if b > a) or ((size, size),)
    return Plan(path, raw, titles, blocks, parts)


def _parquet_plan(path: Path, threads: int, memory: int | None) -> Plan:
    import pyarrow.parquet as pq

    from jcmcalc.inputs.readers.parquet import open_parquet

    raw, _, _, units = open_parquet(path)  # its checks, and the units of its fields
    groups = pq.ParquetFile(path).metadata.num_row_groups
    parts = partitions(path.stat().st_size, threads, memory)
    blocks = tuple(tuple(g.tolist()) for g in np.array_split(np.arange(groups), parts) if len(g))
    return Plan(path, raw, _titles(path, raw), blocks, parts, units)


def _titles(path: Path, raw: tuple[str, ...]) -> tuple[str, ...]:
    titles = tuple(title.strip() for title in raw)
    if "project" not in titles:
        raise InputError("a portfolio table needs a 'project' column", file=path, row=1)
    if len(set(titles)) != len(titles):
        duplicate = next(t for t in titles if titles.count(t) > 1)
        raise InputError(f"column {duplicate!r} appears twice", file=path, row=1)
    return titles


def read_block(plan: Plan, number: int) -> tuple[Any, np.ndarray]:
    """Block ``number`` of the table as arrow columns (a row of empty cells is no row), and
    the project of each row as the table compares projects (stripped, NFC-normalised)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if plan.path.suffix.lower() in columns.PARQUET:
        import pyarrow.parquet as pq

        table = pq.ParquetFile(plan.path).read_row_groups(list(plan.blocks[number]))
    else:
        table = _csv_block(plan, *plan.blocks[number])
    table = table.rename_columns(list(plan.titles))
    texts = [c for c in table.columns if pa.types.is_string(c.type)]
    if len(texts) == table.num_columns and table.num_rows:
        blank = functools.reduce(pc.and_, (pc.equal(c, "") for c in texts))
        table = table.filter(pc.invert(blank))
    project = table.column("project").combine_chunks()
    return table, normal_ids(columns.text_cells(_cells(project)))


def _csv_block(plan: Plan, start: int, end: int) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if start == end:  # a table of no rows
        return pa.table({title: pa.array([], pa.string()) for title in plan.raw})
    with plan.path.open("rb") as stream:
        stream.seek(start)
        data = stream.read(end - start)
    try:
        return pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=list(plan.raw)),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(plan.raw, pa.string()), strings_can_be_null=False
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InputError(
            f"unreadable CSV: {exc} (--engine dask cuts the file at line ends: a cell holding "
            "a line break is read by the numpy engine only)",
            file=plan.path,
        ) from None


def sample(block: tuple[Any, np.ndarray], parts: int) -> np.ndarray:
    """Projects of a block at equal steps of its rows, in order."""
    keys = np.sort(block[1])
    step = max(len(keys) // (SAMPLES * parts), 1)
    return keys[::step]


def bounds(samples: list[np.ndarray], parts: int) -> np.ndarray:
    """The projects that begin partitions 2, 3, ...: a project's rows all fall in one."""
    keys = np.sort(np.concatenate([np.asarray(s, dtype=str) for s in [[], *samples]]))
    if not len(keys):
        return keys
    return keys[[len(keys) * n // parts for n in range(1, parts)]]


def split(block: tuple[Any, np.ndarray], edges: np.ndarray) -> tuple[Any, ...]:
    """A block's rows in pieces, one per partition."""
    table, keys = block
    where = np.searchsorted(edges, keys, side="right") if len(edges) else np.zeros(len(keys))
    return tuple(table.take(np.flatnonzero(where == n)) for n in range(len(edges) + 1))


def piece(pieces: tuple[Any, ...], number: int) -> Any:
    return pieces[number]


def table(pieces: list[Any], units: dict[str, str]) -> columns.Table:
    """A partition's pieces as one table of columns (text read from the arrow buffers)."""
    import pyarrow as pa

    whole = pa.concat_tables(pieces)
    cells = {name: _cells(whole.column(name).combine_chunks()) for name in whole.column_names}
    rows = np.arange(2, whole.num_rows + 2)
    return columns.Table(PARTITION, tuple(cells), cells, rows, units)


def _cells(array: Any) -> Any:
    import pyarrow as pa

    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return arrow_cells(array)
    return pa.chunked_array([array])


def memory_limit(dask_worker: Any) -> int | None:
    """A worker's memory limit in bytes (None: none); Dask passes the worker."""
    return dask_worker.memory_manager.memory_limit


def release(_: object = None) -> int:
    """Collect garbage and hand freed memory back to the system (pyarrow's pool, and the C
    library's heap where it can trim it); the worker's memory afterwards, in bytes."""
    import ctypes
    import ctypes.util

    import psutil

    gc.collect()
    import pyarrow as pa

    pa.default_memory_pool().release_unused()
    library = ctypes.util.find_library("c")
    if library and hasattr(ctypes.CDLL(library), "malloc_trim"):
        ctypes.CDLL(library).malloc_trim(0)
    return psutil.Process().memory_info().rss
