"""The portfolio table's rows: one per project-period, failures and the total; CSV, JSON and
Parquet output."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path

import attrs
import numpy as np

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
    "allocation",
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
    #: Whole credits per party (:func:`jcmcalc.model.allocation.allocate`), or their sums in
    #: the total; empty without ``[allocation]``.
    allocation: tuple[tuple[str, int], ...] = ()

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
            dict(self.allocation) if self.allocation else None,
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


@attrs.frozen
class Subtotal:
    """What the total row needs of some rows, exactly, so that the totals of parts (the
    partitions of a cluster) combine into the total of the whole (:func:`combine`)."""

    figures: tuple[Fraction, Fraction, Fraction]  # sums of RE, PE, ER as given
    floated: tuple[Fraction, Fraction, Fraction]  # exact sums of their float64 values
    exact: tuple[bool, bool, bool]  # whether every figure is a Fraction
    credits: int
    done: int
    rows: int
    failed: int  # failed projects (a project's rows are never split between parts)
    allocated: tuple[tuple[str, int], ...] = ()  # credits per party, parties as first seen


def subtotal(rows: Sequence[Row], *, part: bool = False) -> Subtotal:
    """The subtotal of ``rows``; a ``part`` of a whole keeps the exact sum of its figures'
    float64 values even where every figure is exact (another part may not be)."""
    done = [row for row in rows if row.status == "ok"]
    columns = [[r.reference for r in done], [r.project_emissions for r in done]]
    columns.append([r.reductions for r in done])
    exact = tuple(all(isinstance(v, Fraction) for v in c) for c in columns)
    return Subtotal(
        figures=tuple(
            sum(c, Fraction(0)) if e else Fraction(0) for c, e in zip(columns, exact, strict=True)
        ),
        floated=tuple(
            float_sum(np.array([v for v in c if v is not None], dtype=np.float64))
            if part or not e
            else Fraction(0)
            for c, e in zip(columns, exact, strict=True)
        ),
        exact=exact,
        credits=sum(r.credits or 0 for r in done),
        done=len(done),
        rows=len(rows),
        failed=len({r.project for r in rows if r.status == "failed"}),
        allocated=per_party(row.allocation for row in done),
    )  # type: ignore[arg-type]


def per_party(splits: Iterable[tuple[tuple[str, int], ...]]) -> tuple[tuple[str, int], ...]:
    """The credits of each party summed over ``splits``, the parties in the order first seen."""
    found: dict[str, int] = {}
    for split in splits:
        for party, credits in split:
            found[party] = found.get(party, 0) + credits
    return tuple(found.items())


def float_sum(values: np.ndarray) -> Fraction:
    """The exact sum of finite float64 ``values``: each is a 53-bit integer times a power of
    two, so the integers of each power are summed in int64 (in halves of 26 bits, which
    cannot overflow below 2**36 values) and the few sums combined as Python ints."""
    mantissas, exponents = np.frexp(values)
    integers = (mantissas * 2.0**53).astype(np.int64)
    order = np.argsort(exponents.astype(np.int16), kind="stable")  # (a radix sort: quick)
    exponents, integers = exponents[order], integers[order]
    if not len(integers):
        return Fraction(0)
    starts = np.flatnonzero(np.concatenate(([True], exponents[1:] != exponents[:-1])))
    high = np.add.reduceat(integers >> 26, starts)
    low = np.add.reduceat(integers & ((1 << 26) - 1), starts)
    powers = exponents[starts].tolist()
    lowest = min(powers)
    total = sum(
        ((int(up) << 26) + int(down)) << (power - lowest)
        for up, down, power in zip(high.tolist(), low.tolist(), powers, strict=True)
    )
    return Fraction(total) * Fraction(2) ** (lowest - 53)


def combine(parts: Sequence[Subtotal]) -> Row:
    """The total row: the sum of every successful row, exact where every figure is exact
    (else the float64 sum, correctly rounded as ``math.fsum`` gives it)."""
    sums: list[Fraction | float] = []
    for n in range(3):
        if all(part.exact[n] for part in parts):
            sums.append(sum((part.figures[n] for part in parts), Fraction(0)))
        else:
            sums.append(float(sum((part.floated[n] for part in parts), Fraction(0))))
    done, rows = sum(p.done for p in parts), sum(p.rows for p in parts)
    return Row(
        project=TOTAL,
        methodology="",
        reference=sums[0],
        project_emissions=sums[1],
        reductions=sums[2],
        credits=sum(p.credits for p in parts),
        status="failed" if done < rows else "ok",
        message=f"{sum(p.failed for p in parts)} project(s) failed",
        allocation=per_party(part.allocated for part in parts),
    )


def totals(rows: Sequence[Row]) -> Row:
    """The sum of every successful row (exact where every figure is exact)."""
    return combine([subtotal(rows)])


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(cell: object) -> object:
    """A text cell that a spreadsheet would read as a formula, prefixed with ``'``."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def to_csv(rows: Sequence[Row]) -> str:
    """The rows (the total last) as CSV text with a header line."""
    return csv_lines([HEADER]) + csv_body(rows)


def csv_body(rows: Sequence[Row]) -> str:
    """CSV lines of ``rows``, without the header."""
    return csv_lines([[_csv_cell(i, c) for i, c in enumerate(row.cells())] for row in rows])


def csv_lines(lines: Iterable[Sequence[object]]) -> str:
    import csv
    import io

    stream = io.StringIO()
    csv.writer(stream, lineterminator="\n").writerows(lines)
    return stream.getvalue()


_NUMERIC = {2, 5, 6, 7, 8}


def allocation_cell(cell: object) -> object:
    """The allocation cell as CSV and Parquet hold it: the parties' whole credits as compact
    JSON text (``{"Mongolia":126,"Japan":505}``); JSON output holds the object itself."""
    import json

    if not isinstance(cell, dict):
        return cell
    return json.dumps(cell, ensure_ascii=False, separators=(",", ":"))


def _csv_cell(position: int, cell: object) -> object:
    if cell is None:
        return ""
    if isinstance(cell, dict):
        return allocation_cell(cell)
    if isinstance(cell, bool):
        return "true" if cell else "false"
    return cell if position in _NUMERIC else safe_text(cell)


def to_json(rows: Sequence[Row]) -> str:
    """The rows as JSON: ``{"rows": [...], "total": {...}}``."""
    return json_document([json_records(rows[:-1])], rows[-1])


def json_records(rows: Sequence[Row]) -> str:
    """The JSON records of ``rows`` as they appear inside the document's list ("" if none)."""
    import json

    return ",\n".join(
        _indented(json.dumps(dict(zip(HEADER, row.cells(), strict=True)), indent=1), "  ")
        for row in rows
    )


def json_document(parts: Sequence[str], total: Row) -> str:
    """The JSON document from the records of its parts (:func:`json_records`) and the total;
    the text ``json.dumps(..., indent=1)`` gives for the whole."""
    import json

    records = ",\n".join(part for part in parts if part)
    listed = f"[\n{records}\n ]" if records else "[]"
    last = _indented(json.dumps(dict(zip(HEADER, total.cells(), strict=True)), indent=1), " ")
    return f'{{\n "rows": {listed},\n "total": {last.lstrip()}\n}}\n'


def _indented(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def write_parquet(rows: Sequence[Row], output: Path) -> None:
    """Write the rows atomically as Parquet (needs the ``parquet`` extra)."""
    import os
    import tempfile

    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("--format parquet needs pyarrow: pip install 'jcmcalc[parquet]'") from None
    cells = list(zip(*([allocation_cell(c) for c in row.cells()] for row in rows), strict=True))
    table = pa.table({name: list(column) for name, column in zip(HEADER, cells, strict=True)})
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    os.close(handle)
    try:
        pq.write_table(table, temporary)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
