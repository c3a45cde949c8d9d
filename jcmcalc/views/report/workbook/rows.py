"""The workbook's dated rows: every reading of the monitoring files (up to :data:`RAW_LIMIT`),
and each period total of the input sheet as a ``SUMPRODUCT`` over them.

The rows come from :mod:`jcmcalc.inputs.series.dated` (the files read again through the same reader,
under the SHA-256 the run recorded). Each value is written as in the file, and beside it as the
exact integer ``ROUND(value * 10^s, 0)`` of its decimal digits (a register: the difference of
two readings' integers); the totals sum these integers, which a spreadsheet adds without
rounding, and divide once by ``10^s`` and the unit factor. Where the integers and divisors fit
in 2^50 and 2^53 (:func:`exact`), the recalculated total equals the engine's, rounded once to a
float, to the last bit; elsewhere (a Parquet file of binary floats, a value of more digits than
a float holds) it may differ in the last bits, and :data:`EXACT_NOTE` says so in the total's
origin on the input sheet.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path

import attrs

from jcmcalc.inputs.series.dated import ColumnRows, FileRows, Row
from jcmcalc.run.result import Result
from jcmcalc.views.report.workbook.formulas import literal
from jcmcalc.views.report.workbook.sheets import Book, Formula

RAW = "raw_readings"
#: Most values (rows times value columns) written as dated rows in one workbook. Each takes a
#: row of 13 cells (two formulas) and enters one SUMPRODUCT; measured at 20,000 (benchmarks/
#: workbook_rows.py, docs/reports.md): 1.3 to 2.8 MB, 7 to 23 s to write, 10 to 660 s for
#: LibreOffice to recalculate every formula. Writing and recalculation grow with it.
RAW_LIMIT = 20_000
HEADER = [
    "period",
    "file",
    "row",
    "time",
    "member",
    "meter",
    "quantity",
    "value in the file",
    "unit in the file",
    "counted: exact integer, value x 10^s",
    "counted value",
    "unit",
    "note",
]
WIDTHS = [7, 18, 6, 18, 14, 8, 10, 14, 9, 14, 14, 9, 24]
#: Names of the columns the totals select rows by and sum (defined names of the workbook).
NAMES = {
    "raw_period": "A",
    "raw_file": "B",
    "raw_member": "E",
    "raw_quantity": "G",
    "raw_counted": "J",
}
#: Most characters of a text constant in a formula (Excel's limit).
LONGEST_TEXT = 255
#: Largest integer of a value, and largest sum or divisor, for an exact spreadsheet total.
LARGEST_VALUE, LARGEST_SUM = 2**50, 2**53
EXACT_NOTE = "total not exact in a spreadsheet: compare with a relative tolerance"

Slot = tuple[int, str, tuple[str, ...]]


@attrs.frozen
class Total:
    """A period total as a formula over the dated rows, and whether a spreadsheet computes it
    exactly (:func:`exact`)."""

    formula: Formula
    exact: bool
    sheet: str = RAW


def exact(column: ColumnRows, integers: Iterable[int]) -> bool:
    """Whether a spreadsheet computes the total of ``integers`` (counted in rows of
    ``column``) exactly, up to the one rounding of its final division: every value of the
    column (a register's readings too) is recovered as its integer, and the sums and divisor
    stay below 2^53."""
    factor = column.factor
    return (
        all(abs(row.integer) < LARGEST_VALUE for row in column.rows)
        and sum(abs(i) for i in integers) * factor.numerator < LARGEST_SUM
        and 10**column.scale * factor.denominator < LARGEST_SUM
    )


def selection(
    prefix: str, period: int, file: str, symbol: str, member: tuple[str, ...]
) -> str | None:
    """The factor of a ``SUMPRODUCT`` that selects the rows of one total, on the columns named
    ``{prefix}_period``, ``_file``, ``_quantity`` and ``_member``; None when a text is longer
    than a formula's text constant may be (the total is then kept as a value)."""
    given = (file, symbol, "/".join(member))
    if any(len(text) > LONGEST_TEXT for text in given):
        return None
    texts = [literal(text) for text in given]
    return (
        f"({prefix}_period={period})*EXACT({prefix}_file,{texts[0]})"
        f"*EXACT({prefix}_quantity,{texts[1]})*EXACT({prefix}_member,{texts[2]})"
    )


def engine_totals(
    result: Result, prefix: str, totals: Iterable[tuple[Slot, str, Fraction]]
) -> Iterator[tuple[Slot, str, Fraction]]:
    """Of the period ``totals`` some rows give (slot, file name, exact total), those equal to
    the engine's value, each with its ``SUMPRODUCT`` selection (see :func:`selection`): the
    others are not how the engine got its value, and the input sheet keeps the value."""
    values = {p.period.number: p.values for p in result.inputs.periods}
    for slot, name, total in totals:
        period, quantity, member = slot
        value = values.get(period, {}).get(quantity, {}).get(member)
        if value is None or value.value != total:
            continue
        symbol = result.methodology.parameter(quantity).symbol
        if (where := selection(prefix, period, name, symbol, member)) is not None:
            yield slot, where, total


def file_name(result: Result, path: Path) -> str:
    """A file's path relative to the project's folder, as the workbook names it."""
    return Path(os.path.relpath(path, result.inputs.project.directory)).as_posix()


def raw_sheet(book: Book, result: Result, files: tuple[FileRows, ...]) -> dict[Slot, Total]:
    """Write the dated rows; returns the formula of each period total they give, by (period
    number, parameter name, member key), with the engine's value cached."""
    sheet = book.sheet(RAW, WIDTHS)
    sheet.header(HEADER)
    methodology = result.methodology
    placed: list[tuple[str, ColumnRows, dict[tuple[int, tuple[str, ...]], list[int]]]] = []
    for found in files:
        name = file_name(result, found.file)
        for column in found.columns:
            symbol = methodology.parameter(column.parameter).symbol
            first = sheet.rows + 1  # the sheet row of the column's first row
            counted: dict[tuple[int, tuple[str, ...]], list[int]] = {}
            for row in column.rows:
                cells, integer = _cells(column, row, sheet.rows + 1, first)
                sheet.append(
                    [
                        row.period,
                        name,
                        row.row,
                        row.time,
                        "/".join(row.member),
                        row.meter,
                        symbol,
                        column.value(row),
                        column.unit,
                        *cells,
                    ]
                )
                if integer is not None:
                    counted.setdefault((row.period, row.member), []).append(integer)
            placed.append((name, column, counted))
    last = max(sheet.rows, 2)
    sheet.worksheet.autofilter(0, 0, last - 1, len(HEADER) - 1)
    for name, column in NAMES.items():
        book.workbook.define_name(name, f"={RAW}!${column}$2:${column}${last}")
    return _totals(result, placed)


def _cells(
    column: ColumnRows, row: Row, number: int, first: int
) -> tuple[list[object], int | None]:
    """The counted integer, the counted value, its unit and a note of one row, written in
    sheet row ``number`` (its column's rows from sheet row ``first``); and the integer it adds
    to its total (None: a register's first reading)."""
    power = 10**column.scale

    def counted(sheet_row: int) -> str:
        return f"ROUND(H{sheet_row}*{power},0)" if power > 1 else f"ROUND(H{sheet_row},0)"

    integer, text, note = row.integer, f"={counted(number)}", ""
    if column.register:
        if row.previous is None:
            return [None, None, column.canonical, "first reading: the start of the count"], None
        earlier = column.rows[row.previous]
        integer -= earlier.integer
        text = f"={counted(number)}-{counted(first + row.previous)}"
        note = f"reading minus the reading of row {earlier.row}"
    value = Fraction(integer, power) * column.factor
    canonical = Formula(f"=J{number}{_divided(column)}", value)
    return [Formula(text, integer, "integer"), canonical, column.canonical, note], integer


def _divided(column: ColumnRows) -> str:
    """Formula text turning a counted integer into the canonical unit: ``*a/(10^s*b)``."""
    numerator = column.factor.numerator
    denominator = 10**column.scale * column.factor.denominator
    times = f"*{numerator}" if numerator != 1 else ""
    return times + (f"/{denominator}" if denominator != 1 else "")


def _totals(
    result: Result,
    placed: list[tuple[str, ColumnRows, dict[tuple[int, tuple[str, ...]], list[int]]]],
) -> dict[Slot, Total]:
    """The SUMPRODUCT of each period total, where the rows give exactly the engine's value."""
    found: dict[Slot, Total] = {}
    for name, column, counted in placed:
        totals = (
            ((period, column.parameter, member), name, total)
            for (period, member), total in column.totals().items()
        )
        for slot, where, total in engine_totals(result, "raw", totals):
            text = f"=SUMPRODUCT({where},raw_counted){_divided(column)}"
            summed = exact(column, counted[(slot[0], slot[2])])
            found[slot] = Total(Formula(text, total), summed)
    return found
