"""The monitoring report as a workbook shaped like the JCM monitoring spreadsheet, written with
XlsxWriter: every equation a live formula with its cached value (the engine's), so the workbook
shows its figures without a recalculation and still recalculates to them.

Sheets: summary (credits per period and in total, their allocation, ER by calendar year,
charts), monitoring plan, readings (monitored values per point and period, the files read with
their SHA-256), months (from dated readings: each quantity per calendar month and point, with
a chart), raw_readings (the dated rows of the files, up to a size, whose sums are the
monitored totals), input (every value with its period dates and source), calc_process (every
trace step as a formula, the credits rounded down per period), checks (each plausibility bound
as formulas giving OK or breach), members (when an equation chooses by a member's attribute),
eligibility, about (provenance). Text from inputs is always
written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from jcmcalc.inputs.series.dated import project_rows
from jcmcalc.model.errors import require_xlsxwriter
from jcmcalc.run.result import Mode, Result
from jcmcalc.views.report.workbook import calc, checks, months, plan, rows, summary, worked
from jcmcalc.views.report.workbook.ex_ante import ex_ante_sheets
from jcmcalc.views.report.workbook.sheets import Book

#: Document dates when no timestamp is asked for (the zip format's earliest date).
FIXED_DATE = dt.datetime(1980, 1, 1)


def _deterministic_zip(data: bytes) -> bytes:
    """The same archive with every entry dated :data:`FIXED_DATE`, in the same order."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED_DATE.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry))
    return output.getvalue()


def render(
    result: Result,
    *,
    ex_ante: Result | None = None,
    command: str | None = None,
    timestamp: str | None = None,
) -> bytes:
    """The workbook as bytes; byte-identical for the same inputs unless ``timestamp``.
    ``ex_ante`` adds a sheet comparing the estimate with ``result``."""
    xlsxwriter = require_xlsxwriter()
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(buffer, options)
    book = Book(workbook)
    # Sheets appear in the order they are added; the summary and readings, first to be read,
    # refer to cells of sheets written after them.
    front = book.sheet(summary.SUMMARY, summary.widths(result))
    plan.plan_sheet(book, result)
    readings = book.sheet(plan.READINGS, plan.readings_widths(result))
    months.months_sheet(book, result)
    files = project_rows(result.inputs, rows.RAW_LIMIT) if result.mode is Mode.EX_POST else ()
    totals = rows.raw_sheet(book, result, files) if any(f.columns for f in files) else {}
    if any(found.worked for found in files):
        totals |= worked.worked_sheet(book, result, files)
    members = calc.members_sheet(book, result) if calc.selects(result) else {}
    inputs = calc.inputs_sheet(book, result, totals, members)
    cells = calc.calculation_sheet(book, result, inputs, members)
    checks.checks_sheet(book, result, inputs, members)
    if ex_ante is not None:
        ex_ante_sheets(book, result, ex_ante, cells, members)
    plan.eligibility_sheet(book, result)
    plan.about_sheet(book, result, command, timestamp)
    summary.summary_sheet(front, book, result, cells)
    plan.readings_sheet(readings, book, result, inputs, files)
    when = dt.datetime.fromisoformat(timestamp).replace(tzinfo=None) if timestamp else FIXED_DATE
    workbook.set_properties({"author": "jcmcalc", "created": when})
    workbook.set_calc_mode("auto")
    workbook.close()
    return _deterministic_zip(buffer.getvalue())
