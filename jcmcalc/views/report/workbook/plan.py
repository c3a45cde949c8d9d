"""The workbook's monitoring plan, monitored values, eligibility and about sheets."""

from __future__ import annotations

from collections.abc import Mapping

from jcmcalc.inputs.digests import digest_of
from jcmcalc.inputs.series.dated import FileRows
from jcmcalc.run.result import Result
from jcmcalc.views.report import content
from jcmcalc.views.report.workbook import rows as book_rows
from jcmcalc.views.report.workbook import worked as book_worked
from jcmcalc.views.report.workbook.calc import CellKey
from jcmcalc.views.report.workbook.sheets import Book, Formula, Sheet

PLAN_HEADER = [
    "monitoring point",
    "symbol",
    "member",
    "description",
    "unit",
    "monitoring option",
    "measurement method",
    "frequency",
]
READINGS = "readings"
#: What the files table says of the dated rows.
ROWS_NOTE = (
    "The dated rows of each monitoring file are in the sheet {sheet} (a file a plugin reads: "
    "in its own sheet, as the column 'dated rows' says), and the monitored totals of the input "
    "sheet are their sums, as long as the workbook holds at most {limit:,} values; beyond "
    "that, the totals are given with the file's SHA-256."
)


def plan_sheet(book: Book, result: Result) -> None:
    """Monitoring points: what is measured, by which option and method, how often."""
    sheet = book.sheet("monitoring plan", [10, 10, 14, 44, 9, 10, 44, 24])
    sheet.header(PLAN_HEADER)
    for (name, key), point in content.monitoring_points(result).items():
        parameter = result.methodology.parameter(name)
        options, method, frequency = content.plan_of(parameter)
        sheet.append(
            [
                point,
                parameter.symbol,
                content.member_text(parameter, key) or "project",
                content.description(parameter),
                parameter.unit,
                options,
                method,
                frequency,
            ]
        )
    if lines := content.identity_lines(result):
        sheet.skip()
        sheet.title("Project and monitoring structure", "section")
        for line in lines:
            sheet.append([line])
    if len(meters := content.meter_rows(result)) > 1:
        sheet.skip()
        sheet.title("Meters (QA/QC)", "section")
        sheet.header(meters[0], repeat=False)
        for row in meters[1:]:
            sheet.append(row)


def _file_rows(result: Result, files: tuple[FileRows, ...]) -> list[list[object]]:
    """Each input file with its size, SHA-256 (those the run recorded when it read the file) and
    where its dated rows are (or why not)."""
    project = result.inputs.project
    shown = {found.file: found for found in files}
    rows: list[list[object]] = []
    for path in project.input_files:
        digest = digest_of(path, result.inputs.digests)
        name = book_rows.file_name(result, path)
        found = shown.get(path)
        if found is None:
            where = ""
        elif found.why:
            where = f"totals only: {found.why}"
        else:
            sheet = book_worked.WORKED if found.worked else book_rows.RAW
            where = f"{found.count:,} values in {sheet}"
        rows.append([name, digest.size, digest.sha256, where])
    return rows


def readings_widths(result: Result) -> list[float]:
    return [10, 10, 14, 9, *([14] * len(result.inputs.periods))]


def readings_sheet(
    sheet: Sheet,
    book: Book,
    result: Result,
    inputs: Mapping[CellKey, str],
    files: tuple[FileRows, ...] = (),
) -> None:
    """Monitored values per monitoring point (rows) and period (columns), linked to the input
    sheet; an empty cell is a period without a value. The files read, with their SHA-256 and
    where their dated rows are."""
    periods = [p.period for p in result.inputs.periods]
    sheet.title("Monitored values per monitoring point and period", "section")
    header = ["monitoring point", "symbol", "member", "unit"]
    header += [f"period {p.number}: {p.start} to {p.end}" for p in periods]
    first = sheet.header(header)
    values = {p.period.number: p.values for p in result.inputs.periods}
    points = list(content.monitoring_points(result).items())
    for (name, key), point in points:
        parameter = result.methodology.parameter(name)
        cells: list[object] = [point, parameter.symbol, "/".join(key) or "project", parameter.unit]
        for period in periods:
            value = values[period.number].get(name, {}).get(key)
            where = inputs.get((period.number, name, key))
            cells.append(
                None if value is None or where is None else Formula(f"={where}", value.value)
            )
        sheet.append(cells)
    _chart(sheet, first, len(points), len(periods))
    sheet.skip()
    sheet.title("Files read (the inputs of the run)", "section")
    sheet.append([ROWS_NOTE.format(sheet=book_rows.RAW, limit=book_rows.RAW_LIMIT)])
    sheet.header(["file", "bytes", "sha256", "dated rows"], repeat=False)
    for row in _file_rows(result, files):
        sheet.append(row)


def _chart(sheet: Sheet, header: int, points: int, periods: int) -> None:
    """A column chart of the monitored values: periods along, one series per point."""
    if not points or not periods:
        return
    series = [
        {
            "name": [sheet.name, row, 0],
            "categories": [sheet.name, header - 1, 4, header - 1, 3 + periods],
            "values": [sheet.name, row, 4, row, 3 + periods],
        }
        for row in range(header, header + points)  # zero-based rows
    ]
    title = "Monitored values per period (an empty slot: no value)"
    sheet.gap_chart(title, series, y_scale=1.2, rows=20)


def eligibility_sheet(book: Book, result: Result) -> None:
    sheet = book.sheet("eligibility", [10, 70, 14, 12], landscape=False)
    rows = content.eligibility_rows(result)
    sheet.header(rows[0])
    for row in rows[1:]:
        sheet.append(row)
    if len(rows) == 1:
        sheet.append(["", "the methodology declares no eligibility criteria"])


def about_sheet(book: Book, result: Result, command: str | None, timestamp: str | None) -> None:
    sheet = book.sheet("about", [120], landscape=False)
    sheet.title(content.heading(result))
    if timestamp:
        sheet.append([f"Generated {timestamp}"])
    sections = [
        ("Provenance", content.provenance_lines(result)),
        ("Inferred (reconstructed, not read)", list(result.provenance["inferred"])),
        ("How to reproduce", [content.reproduce_command(result, command)]),
        ("Warnings", list(result.warnings)),
    ]
    for title, lines in sections:
        sheet.title(title, "section")
        for line in lines:
            sheet.append([line])
