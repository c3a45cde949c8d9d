"""Reading a submission: a CSV of figures, the JSON of ``jcmcalc calculate``, or the workbook
of ``jcmcalc report --format xlsx`` (records in :mod:`jcmcalc.inputs.submitted.submission`).

A CSV may give each figure's ``unit``; it is converted to the unit the quantity is computed in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import attrs

from jcmcalc.inputs.project import read_bytes
from jcmcalc.inputs.submitted.from_json import read_json
from jcmcalc.inputs.submitted.from_workbook import SHEETS, read_cells, read_xlsx
from jcmcalc.inputs.submitted.submission import (
    CREDITS,
    ER,
    TOTAL,
    TOTAL_CREDITS,
    TOTAL_ER,
    Figure,
    Stated,
    Submission,
    converted,
    number,
    period_text,
)
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology

__all__ = [
    "CREDITS",
    "CSV_COLUMNS",
    "ER",
    "SHEETS",
    "TOTAL_CREDITS",
    "TOTAL_ER",
    "Figure",
    "Submission",
    "read_submission",
    "read_submitted",
]

CSV_COLUMNS = ("period", "quantity", "member", "value")
#: Optional CSV columns: ``member`` (empty where a quantity has no index), ``unit``, and the
#: period's ``start`` and ``end`` dates.
OPTIONAL_COLUMNS = ("member", "unit", "start", "end")


def _dates(row: dict, row_number: int, dates: dict[str, tuple[Stated, Stated]]) -> None:
    """The period dates a CSV row states (the first row of a period that gives them)."""
    period = period_text(row["period"])
    start, end = ((row.get(key) or "").strip() for key in ("start", "end"))
    if period not in ("", TOTAL) and (start or end) and period not in dates:
        where = f"row {row_number}"
        dates[period] = (Stated(start, where), Stated(end, where))


def _csv(
    path: Path, methodology: Methodology, dates: dict[str, tuple[Stated, Stated]]
) -> Iterator[Figure]:
    try:
        text = read_bytes(path, what="submitted file").decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc}", file=path) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = reader.fieldnames or []
        missing = [c for c in CSV_COLUMNS if c not in OPTIONAL_COLUMNS and c not in fields]
        if missing:
            raise InputError(
                f"missing column(s) {', '.join(missing)}; expected {', '.join(CSV_COLUMNS)} "
                "(and optionally unit, start, end)",
                file=path,
                row=1,
            )
        for row_number, row in enumerate(reader, start=2):
            if not any((cell or "").strip() for cell in row.values() if isinstance(cell, str)):
                continue
            where = f"row {row_number}"
            _dates(row, row_number, dates)
            if None in row:  # cells beyond the header: a shifted row, not ignored
                raise InputError(
                    f"{len(fields) + len(row[None])} cells where the header has {len(fields)}",
                    file=path,
                    row=row_number,
                )
            quantity = (row["quantity"] or "").strip()
            value = number(row["value"], file=path, where=where)
            unit = (row.get("unit") or "").strip()
            yield Figure(
                period_text(row["period"]),
                quantity,
                (row.get("member") or "").strip(),
                converted(value, unit, quantity, methodology, file=path, row=row_number),
                where,
            )
    except csv.Error as exc:
        raise InputError(f"not CSV: {exc}", file=path, row=reader.line_num) from None


def read_submission(path: Path, methodology: Methodology) -> Submission:
    """Everything ``path`` (CSV, JSON or xlsx by its suffix) states."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("no such file", file=path)
    if suffix == ".csv":
        dates: dict[str, tuple[Stated, Stated]] = {}
        submission = Submission(tuple(_csv(path, methodology, dates)), periods=dates)
    elif suffix == ".json":
        submission = read_json(path, methodology)
    elif suffix == ".xlsx":
        figures = tuple(read_xlsx(path, methodology))
        cells = read_cells(path, file=path)  # only the figure sheets: figures, as a CSV's
        submission = Submission(figures, cells=cells if set(cells) - set(SHEETS) else None)
    else:
        raise InputError(f"unknown kind of file {suffix!r}: give a .csv, .json or .xlsx", file=path)
    unique: dict[tuple[tuple[str, str, str], Fraction], Figure] = {}
    for figure in submission.figures:  # a figure given twice with the same value counts once
        unique.setdefault((figure.key, figure.value), figure)
    return attrs.evolve(submission, figures=tuple(unique.values()))


def read_submitted(path: Path, methodology: Methodology) -> list[Figure]:
    """Every figure of ``path`` (CSV, JSON or xlsx by its suffix)."""
    return list(read_submission(path, methodology).figures)
