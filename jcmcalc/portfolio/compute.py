"""A portfolio's rows from a folder of project files or from one table (numpy or Dask)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from jcmcalc.inputs.progress import bar
from jcmcalc.inputs.readers.columns import Table
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.portfolio.batch import evaluate_inputs
from jcmcalc.portfolio.folder import prepare_folder
from jcmcalc.portfolio.rows import Row, combine, subtotal, totals


def calculate(
    path: Path,
    get: Callable[[str, str | None], Methodology],
    *,
    engine: str = "numpy",
    progress: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
) -> list[Row]:
    """Rows of every project under ``path`` (a folder or a table), then the total row.

    ``progress`` shows a bar on a terminal for runs longer than a second. The ``dask`` engine
    evaluates a table on a local cluster of ``workers`` processes, or on the Dask scheduler at
    ``scheduler`` (``tcp://host:8786``), and gathers the rows here.
    """
    if not path.exists():
        raise InputError(
            "portfolio not found: give a folder of project files or a table", file=path
        )
    if engine == "dask" and path.is_dir():
        raise InputError(
            "--engine dask reads a portfolio table (CSV or Parquet); a folder of project files "
            "runs on the numpy engine: leave out --engine dask",
            file=path,
        )
    total = (lambda: sum(1 for _ in path.rglob("*.toml"))) if path.is_dir() else None
    with bar(total, unit="project", what="portfolio", show=progress) as shown:
        if engine == "dask" and not path.is_dir():
            from jcmcalc.portfolio import distributed

            with distributed.connect(workers, scheduler) as client:
                frame = distributed.read_dask(path, distributed.partitions(client, path))
                rows = distributed.evaluate_dask(frame, get)
                distributed.release(client)
        else:
            rows = _calculate(path, get, shown.update)
    rows = sorted(rows, key=lambda r: (r.project, r.period or 0))
    return [*rows, totals(rows)]


def table_csv(
    path: Path, get: Callable[[str, str | None], Methodology], *, progress: bool = False
) -> tuple[str, list[Row]]:
    """:func:`table_parts` as one text."""
    parts, failures = table_parts(path, get, progress=progress)
    return b"".join(parts).decode("utf-8"), failures


def table_parts(
    path: Path, get: Callable[[str, str | None], Methodology], *, progress: bool = False
) -> tuple[Iterator[bytes | memoryview], list[Row]]:
    """The CSV output of the portfolio table at ``path`` (the numpy engine), written from
    columns (:mod:`jcmcalc.portfolio.frame_csv`): the text :func:`to_csv` gives for the rows
    of :func:`calculate`, as UTF-8 bytes part by part; and the failure rows, sorted by project.

    The parts are made as they are written: the table's projects are evaluated
    :data:`CHUNK` rows of whole projects at a time (in the order of the projects), each
    part's lines written before the next is evaluated, so that the evaluation's arrays stay
    those of one part. The failure rows are complete once every part is written."""
    from jcmcalc.inputs.boundary import file_errors
    from jcmcalc.portfolio.table import evaluate as portfolio_table
    from jcmcalc.portfolio.table.read import read

    with file_errors(path):
        table = read(path)
    portfolio_table.required(table)
    failures: list[Row] = []
    chunks = portfolio_table.project_chunks(table, CHUNK)
    return _parts(chunks, get, failures, progress), failures


#: Rows of a portfolio table evaluated at a time (whole projects) for CSV output.
CHUNK = 1 << 18


def _parts(
    chunks: Iterator[Table],
    get: Callable[[str, str | None], Methodology],
    failures: list[Row],
    progress: bool,
) -> Iterator[bytes | memoryview]:
    """The output of :func:`table_parts`, chunk by chunk (``failures`` filled as they come)."""
    from jcmcalc.portfolio import frame_csv
    from jcmcalc.portfolio.rows import HEADER, csv_body, csv_lines
    from jcmcalc.portfolio.table import evaluate as portfolio_table

    yield csv_lines([HEADER]).encode("utf-8")
    parts = []
    with bar(None, unit="project", what="portfolio", show=progress) as shown:
        for chunk in chunks:
            computed = portfolio_table.evaluate_columns(chunk, get, shown.update)
            frame = computed.frame.ordered()
            failed = sorted(computed.failures, key=lambda r: (r.project, r.period or 0))
            parts += [frame.subtotal(), subtotal(failed, part=True)]
            failures += failed
            yield from frame_csv.body_parts(frame, failed)
            del computed, frame
    yield csv_body([combine(parts)]).encode("utf-8")


def _calculate(
    path: Path, get: Callable[[str, str | None], Methodology], tick: Callable[[int], object]
) -> list[Row]:
    if path.is_dir():
        prepared, failed = prepare_folder(path, get, tick)
        return evaluate_inputs(prepared) + failed
    from jcmcalc.inputs.boundary import file_errors
    from jcmcalc.portfolio.table import evaluate as portfolio_table
    from jcmcalc.portfolio.table.read import read

    with file_errors(path):
        table = read(path)
    return portfolio_table.evaluate_table(table, get, tick)
