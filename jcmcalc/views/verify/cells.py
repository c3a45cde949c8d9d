"""A submitted workbook cell by cell against the workbook jcmcalc writes for the project.

The expected workbook is rendered again by the code that writes ``jcmcalc report --format
xlsx`` (so no formula is written twice, and no formula evaluator is needed): a formula that is
not the one jcmcalc writes is a finding even when its cached value is right; a constant (a raw
reading, a date, a text) that is not the project's is one, even when every cached value was
left as it was; a cached value that is not what the formulas give from the project's data is
one. Numbers agree within the relative tolerance, texts, dates and formulas exactly. Lines of
the about sheet that describe the machine (versions of jcmcalc, pint and Python), the time it
was generated and the command used are compared by their first word only.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Any

from jcmcalc.inputs.submitted.from_workbook import read_cells
from jcmcalc.inputs.submitted.submission import Cells, Finding
from jcmcalc.run.result import Result
from jcmcalc.views.report import content
from jcmcalc.views.report.workbook.book import render
from jcmcalc.views.report.workbook.ex_ante import EX_ANTE

#: Most cells listed per sheet; beyond them, one finding counts the rest.
LISTED = 12
ABOUT = "about"
GENERATED, REPRODUCE = "Generated ", "How to reproduce"


def _about(cells: Cells) -> tuple[str | None, str | None]:
    """The timestamp and the command a submitted about sheet states (None where it does not)."""
    texts = [v for _, v in _column_a(cells.get(ABOUT, {}))]
    timestamp = next((t[len(GENERATED) :] for t in texts[1:2] if t.startswith(GENERATED)), None)
    if timestamp is not None:
        try:
            dt.datetime.fromisoformat(timestamp)
        except ValueError:
            timestamp = None
    after = [b for a, b in itertools.pairwise(texts) if a == REPRODUCE]
    command = after[0] if after and after[0].startswith("jcmcalc ") else None
    return timestamp, command


def _column_a(sheet: Mapping[str, tuple[str | None, Any]]) -> list[tuple[int, str]]:
    rows = [(int(c[1:]), v) for c, (_, v) in sheet.items() if c[:1] == "A" and c[1:].isdigit()]
    return sorted((r, v) for r, v in rows if isinstance(v, str))


def expected_cells(result: Result, ex_ante: Result | None, submitted: Cells) -> Cells:
    """The cells of the workbook jcmcalc writes for ``result`` (as ``report`` does, with the
    timestamp and command the submission states, which change no figure; with the sheets
    comparing the estimate ``ex_ante`` where the submission has them: they hold no credits)."""
    timestamp, command = _about(submitted)
    beside = ex_ante if EX_ANTE in submitted else None
    data = render(result, ex_ante=beside, command=command, timestamp=timestamp)
    return read_cells(io.BytesIO(data))


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _same(expected: Any, submitted: Any, tolerance: float) -> bool:
    if expected in (None, "") and submitted in (None, ""):
        return True
    if _number(expected) and _number(submitted):
        margin = tolerance * max(abs(expected), 1.0)
        return expected == submitted or abs(submitted - expected) <= margin
    return type(expected) is type(submitted) and expected == submitted


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    return repr(value) if isinstance(value, str) else str(value)


#: Most characters of a formula a finding shows.
SHOWN_FORMULA = 160


def _formula(text: str) -> str:
    if len(text) <= SHOWN_FORMULA:
        return text
    return f"{text[:SHOWN_FORMULA]}… ({len(text):,} characters)"


def cell_difference(
    expected: tuple[str | None, Any], submitted: tuple[str | None, Any], tolerance: float
) -> str:
    """What differs between a submitted cell and jcmcalc's ("" if nothing)."""
    (formula, value), (given, stated) = expected, submitted
    if formula is not None and given is None:
        return f"the value {_shown(stated)} where jcmcalc writes the formula {_formula(formula)}"
    if formula is None and given is not None:
        return f"the formula {_formula(given)} where jcmcalc writes the value {_shown(value)}"
    if formula is not None and given is not None and given.strip() != formula:
        return (
            f"the formula {_formula(given)}, jcmcalc writes {_formula(formula)} "
            f"(cached {_shown(stated)})"
        )
    if _same(value, stated, tolerance):
        return ""
    if formula is not None:
        return (
            f"cached value {_shown(stated)}, recomputed {_shown(value)}: not what its formula "
            "gives from the project's data"
        )
    return f"submitted {_shown(stated)}, jcmcalc writes {_shown(value)} from the project's data"


def _machine(expected: Any, submitted: Any) -> bool:
    """An about line describing the machine or the run (compared by its first word)."""
    if not isinstance(expected, str) or not isinstance(submitted, str):
        return False
    lines = content.versions()
    return expected in lines and submitted.split(" ")[:1] == expected.split(" ")[:1]


def _labels(sheet: Mapping[str, tuple[str | None, Any]]) -> dict[str, str]:
    """A label of each cell: its column's title in the nearest header row above (a row of
    texts only), and the first cell of its row when that is a number (a period)."""
    rows: dict[int, dict[str, Any]] = {}
    for coordinate, (_, value) in sheet.items():
        column = coordinate.rstrip("0123456789")
        rows.setdefault(int(coordinate[len(column) :]), {})[column] = value
    labels: dict[str, str] = {}
    header: dict[str, Any] = {}
    for number in sorted(rows):
        row = rows[number]
        if len(row) > 1 and all(isinstance(v, str) for v in row.values()):
            header = row
            continue
        for column in row:
            title = header.get(column)
            first = row.get("A")
            where = f", {header.get('A', 'row')} {first}" if _number(first) else ""
            labels[f"{column}{number}"] = f"{title}{where}" if title else ""
    return labels


def workbook_findings(expected: Cells, submitted: Cells, tolerance: Fraction) -> Iterator[Finding]:
    """Every sheet jcmcalc writes, cell by cell: a missing sheet, and each cell whose formula,
    constant or cached value differs (at most :data:`LISTED` per sheet, then a count)."""
    margin = float(tolerance)
    for name, cells in expected.items():
        given = submitted.get(name)
        if given is None:
            yield Finding("", f"sheet {name}", "", "", "missing: jcmcalc writes this sheet")
            continue
        labels = _labels(cells)
        found = []
        for coordinate in [*cells, *(c for c in given if c not in cells)]:
            mine, theirs = cells.get(coordinate, (None, None)), given.get(coordinate, (None, None))
            if name == ABOUT and _machine(mine[1], theirs[1]):
                continue
            text = cell_difference(mine, theirs, margin)
            if text:
                label = labels.get(coordinate) or "cell"
                found.append(Finding("", label, "", f"sheet {name} cell {coordinate}", text))
        yield from found[:LISTED]
        if len(found) > LISTED:
            more = len(found) - LISTED
            yield Finding("", f"sheet {name}", "", "", f"{more} more cells differ")
