"""The portfolio table's rows: one per project-period, failures and the total; CSV, JSON and
Parquet output."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import attrs

from jcmcalc.model.errors import InputError
from jcmcalc.model.numbers import decimal_text

#: The fields of a :class:`Row`, in order.
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
    "warnings",
    "coverage",
)
#: The columns of the output: a row's fields, then whether it is creditable.
HEADER = (*COLUMNS, "creditable")
TOTAL = "TOTAL"
#: Between the warnings of a row in the ``warnings`` cell.
WARNINGS_SEPARATOR = " | "


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
    warnings: tuple[str, ...] = ()
    coverage: str = ""

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
            WARNINGS_SEPARATOR.join(self.warnings),
            self.coverage,
            self.creditable,
        ]

    @property
    def creditable(self) -> bool | None:
        """Whether a computed project-period is creditable (None for a failure or the total):
        false when a warning says NOT CREDITABLE (an eligibility criterion answered false)."""
        if self.status != "ok" or self.period is None:
            return None
        return not any(warning.startswith("NOT CREDITABLE") for warning in self.warnings)


def _figure(value: Fraction | float) -> str:
    """Decimal text to 6 places: exact for a Fraction, from float64 otherwise."""
    return decimal_text(Fraction(value) if isinstance(value, float) else value)


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
    writer.writerow(HEADER)
    for row in rows:
        cells = row.cells()
        writer.writerow([_csv_cell(i, c) for i, c in enumerate(cells)])
    return stream.getvalue()


_NUMERIC = {2, 5, 6, 7, 8}


def _csv_cell(position: int, cell: object) -> object:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return cell if position in _NUMERIC else safe_text(cell)


def to_json(rows: Sequence[Row]) -> str:
    import json

    records = [dict(zip(HEADER, row.cells(), strict=True)) for row in rows]
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
    table = pa.table({name: list(column) for name, column in zip(HEADER, cells, strict=True)})
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    os.close(handle)
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
