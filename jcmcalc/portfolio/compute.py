"""A portfolio's rows from a folder of project files or from one table (numpy or Dask)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.portfolio.batch import evaluate_inputs
from jcmcalc.portfolio.folder import prepare_folder
from jcmcalc.portfolio.rows import Row, totals


def calculate(
    path: Path,
    get: Callable[[str, str | None], Methodology],
    *,
    engine: str = "numpy",
    progress: bool = False,
) -> list[Row]:
    """Rows of every project under ``path`` (a folder or a table), then the total row.

    ``progress`` shows a bar on a terminal for runs longer than a second.
    """
    if not path.exists():
        raise InputError(
            "portfolio not found: give a folder of project files or a table", file=path
        )
    total = sum(1 for _ in path.rglob("*.toml")) if path.is_dir() else None
    bar = progress_bar(total) if progress else None
    try:
        rows = _calculate(path, get, engine, bar.update if bar is not None else lambda n: None)
    finally:
        if bar is not None:
            bar.close()
    rows = sorted(rows, key=lambda r: (r.project, r.period or 0))
    return [*rows, totals(rows)]


def _calculate(
    path: Path,
    get: Callable[[str, str | None], Methodology],
    engine: str,
    tick: Callable[[int], object],
) -> list[Row]:
    if path.is_dir():
        prepared, failed = prepare_folder(path, get, tick)
        return evaluate_inputs(prepared) + failed
    if engine == "dask":
        from jcmcalc.portfolio.distributed import evaluate_dask, read_dask

        return evaluate_dask(read_dask(path), get)
    from jcmcalc.inputs.boundary import file_errors
    from jcmcalc.portfolio import table as portfolio_table

    with file_errors(path):
        table = portfolio_table.read(path)
    return portfolio_table.evaluate_table(table, get, tick)


def progress_bar(total: int | None) -> Any:
    """A tqdm bar on a terminal (stderr a TTY and tqdm installed), else None."""
    import sys

    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="project", file=sys.stderr, mininterval=0.5, delay=1.0)
