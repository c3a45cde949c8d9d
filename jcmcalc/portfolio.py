"""Portfolios: many projects of one methodology evaluated together (see ``docs/portfolio.md``).

Projects come from a folder of project files (each resolved exactly, as ``calculate`` does) or
from one table with a row per project, period and member (see :mod:`jcmcalc.portfolio_table`).
Project-periods with the same methodology and the same number of members per index form one
:class:`~jcmcalc.vectorised.Batch`; a failing project is reported and the others go on.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from jcmcalc import vectorised
from jcmcalc.errors import InputError, JcmcalcError
from jcmcalc.inputs import Inputs
from jcmcalc.methodology import Methodology
from jcmcalc.numbers import decimal_text

COLUMNS = (
    "project",
    "methodology",
    "period",
    "start",
    "end",
    "reference_emissions_tco2",
    "project_emissions_tco2",
    "emission_reductions_tco2",
    "credits",
    "status",
    "message",
)
TOTAL = "TOTAL"


@attrs.frozen
class Row:
    """One line of the portfolio table: a project-period, a failed project, or the total."""

    project: str
    methodology: str
    period: int | None = None
    start: str = ""
    end: str = ""
    reference: Fraction | float | None = None
    project_emissions: Fraction | float | None = None
    reductions: Fraction | float | None = None
    credits: int | None = None
    status: str = "ok"
    message: str = ""

    def cells(self) -> list[object]:
        figures = (self.reference, self.project_emissions, self.reductions)
        return [
            self.project,
            self.methodology,
            self.period,
            self.start,
            self.end,
            *(None if f is None else _figure(f) for f in figures),
            self.credits,
            self.status,
            self.message,
        ]


def _figure(value: Fraction | float) -> str:
    """Decimal text to 6 places: exact for a Fraction, from float64 otherwise."""
    return decimal_text(Fraction(value) if isinstance(value, float) else value)


@attrs.frozen
class Element:
    """One project-period of a batch: whose, which period, its dates."""

    project: str
    period: int
    start: str
    end: str


def batch_from_inputs(
    methodology: Methodology, projects: Sequence[tuple[str, Inputs]]
) -> tuple[vectorised.Batch, list[Element]]:
    """One batch of every period of the named ``projects`` (same methodology and member
    counts)."""
    symbols = [index.symbol for index in methodology.indices]
    sizes = {s: len(projects[0][1].members[s]) for s in symbols}
    elements = [
        Element(name, p.period.number, str(p.period.start), str(p.period.end))
        for name, inputs in projects
        for p in inputs.periods
    ]
    values: dict[str, np.ndarray] = {}
    count = len(elements)
    position = 0
    for _, inputs in projects:
        for period in inputs.periods:
            for source in (inputs.fixed, period.values):
                for name, found in source.items():
                    parameter = methodology.parameter(name)
                    shape = (count, *(sizes[s] if s in parameter.index else 1 for s in symbols))
                    array = values.setdefault(name, np.zeros(shape, dtype=object))
                    for key, value in found.items():
                        members = dict(zip(parameter.index, key, strict=True))
                        at = tuple(
                            inputs.members[s].index(members[s]) if s in members else 0
                            for s in symbols
                        )
                        array[(position, *at)] = value.value
            position += 1
    columns = {name: vectorised.fraction_column(array) for name, array in values.items()}
    return vectorised.Batch(methodology, sizes, columns, count), elements


def shape_key(inputs: Inputs) -> tuple[str, str, tuple[int, ...]]:
    methodology = inputs.methodology
    counts = tuple(len(inputs.members[index.symbol]) for index in methodology.indices)
    return methodology.id, methodology.version, counts


def rows_of(
    batch: vectorised.Batch, elements: Sequence[Element], label: str
) -> tuple[list[Row], dict[str, str]]:
    """Rows of one evaluated batch; the errors by project name."""
    outcome = vectorised.run(
        batch, where=lambda n: f"{elements[n].project}, period {elements[n].period}"
    )
    failed = {elements[n].project: str(error) for n, error in outcome.errors.items()}
    rows = [
        Row(
            project=element.project,
            methodology=label,
            period=element.period,
            start=element.start,
            end=element.end,
            reference=outcome.reference[n],
            project_emissions=outcome.project[n],
            reductions=outcome.reductions[n],
            credits=int(outcome.credits[n]),
        )
        for n, element in enumerate(elements)
        if element.project not in failed
    ]
    return rows, failed


def evaluate_inputs(
    projects: Iterable[tuple[str, Inputs]], progress: Callable[[int], None] = lambda n: None
) -> list[Row]:
    """Rows of named, resolved projects, batched by methodology and member counts."""
    groups: dict[tuple[str, str, tuple[int, ...]], list[tuple[str, Inputs]]] = defaultdict(list)
    for name, inputs in projects:
        groups[shape_key(inputs)].append((name, inputs))
    rows: list[Row] = []
    for (identifier, version, _), members in groups.items():
        batch, elements = batch_from_inputs(members[0][1].methodology, members)
        found, failed = rows_of(batch, elements, f"{identifier}@{version}")
        rows += found
        rows += [failure(name, f"{identifier}@{version}", text) for name, text in failed.items()]
        progress(len(members))
    return rows


def failure(project: str, methodology: str, message: str) -> Row:
    return Row(project=project, methodology=methodology, status="failed", message=message)


def totals(rows: Sequence[Row]) -> Row:
    """The sum of every successful row (exact where every figure is exact)."""
    done = [row for row in rows if row.status == "ok"]

    def add(values: list[Fraction | float | None]) -> Fraction | float:
        if all(isinstance(v, Fraction) for v in values):
            return sum(values, Fraction(0))  # type: ignore[arg-type]
        return math.fsum(float(v) for v in values if v is not None)

    return Row(
        project=TOTAL,
        methodology="",
        reference=add([r.reference for r in done]),
        project_emissions=add([r.project_emissions for r in done]),
        reductions=add([r.reductions for r in done]),
        credits=sum(r.credits or 0 for r in done),
        status="failed" if len(done) < len(rows) else "ok",
        message=f"{len({r.project for r in rows if r.status == 'failed'})} project(s) failed",
    )


def resolve_folder(
    folder: Path, progress: Callable[[int], None]
) -> tuple[list[tuple[str, Inputs]], list[Row]]:
    """Every ``*.toml`` project file under ``folder`` resolved, named by its path in the folder;
    failures as rows."""
    from jcmcalc import api
    from jcmcalc.expiry import expiry_warnings
    from jcmcalc.inputs import resolve

    resolved, failed = [], []
    for path in sorted(folder.rglob("*.toml")):
        if path.name == "expected.toml":
            continue
        name = path.relative_to(folder).as_posix()
        try:
            parsed, methodology = api.load_project(path)
            inputs = resolve(methodology, parsed)
            expiry_warnings(inputs)  # an expired version is an error, as in calculate
            resolved.append((name, inputs))
        except JcmcalcError as exc:
            failed.append(failure(name, "", str(exc)))
        progress(1)
    if not resolved and not failed:
        raise InputError("no project files (*.toml) in this folder", file=folder)
    return resolved, failed


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(cell: object) -> object:
    """A text cell that a spreadsheet would read as a formula, prefixed with ``'``."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def to_csv(rows: Sequence[Row]) -> str:
    import csv
    import io

    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        cells = row.cells()
        writer.writerow(
            [
                "" if c is None else (c if i in _NUMERIC else safe_text(c))
                for i, c in enumerate(cells)
            ]
        )
    return stream.getvalue()


_NUMERIC = {2, 5, 6, 7, 8}


def to_json(rows: Sequence[Row]) -> str:
    import json

    records = [dict(zip(COLUMNS, row.cells(), strict=True)) for row in rows]
    return json.dumps({"rows": records[:-1], "total": records[-1]}, indent=1) + "\n"


def write_parquet(rows: Sequence[Row], output: Path) -> None:
    """Write the rows atomically as Parquet (needs the ``parquet`` extra)."""
    import os
    import tempfile

    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("--format parquet needs pyarrow: pip install 'jcmcalc[parquet]'") from None
    cells = list(zip(*(row.cells() for row in rows), strict=True))
    table = pa.table({name: list(column) for name, column in zip(COLUMNS, cells, strict=True)})
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    os.close(handle)
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
        resolved, failed = resolve_folder(path, tick)
        return evaluate_inputs(resolved) + failed
    if engine == "dask":
        from jcmcalc.distributed import evaluate_dask, read_dask

        return evaluate_dask(read_dask(path), get)
    from jcmcalc import portfolio_table

    return portfolio_table.evaluate_table(portfolio_table.read(path), get, tick)


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
