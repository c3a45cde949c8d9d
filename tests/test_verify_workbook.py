"""verify of a workbook reads every sheet jcmcalc writes: each cell against the workbook
jcmcalc writes for the project (formulas, constants and cached values), naming sheet and cell."""

from __future__ import annotations

from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.model.errors import EXIT_MISMATCH, EXIT_OK
from jcmcalc.views.report import render
from tests.test_allocation import ALLOCATED
from tests.test_report import EXAMPLES, THAI
from tests.workbook_edits import edit_cell

#: 2024-06-01 as a spreadsheet's day number (the period 2 starts 2024-07-01, 45474).
JUNE_FIRST = 45444

#: Each edit a submitter might make (sheet, cell, change) and what verify must say of it.
EDITS = {
    "summary credits": (
        "summary",
        "G4",
        {"value": 700},
        "sheet summary cell G4: credits, period 1: cached value 700, recomputed 627",
    ),
    "stale reading": (
        "raw_readings",
        "H2",
        {"value": 105210.4},
        "sheet raw_readings cell H2: value in the file, period 1: submitted 105210.4, "
        "jcmcalc writes 95210.4 from the project's data",
    ),
    "roundup": (
        "calc_process",
        "D5",
        {"formula": "MAX(0,ROUNDUP($D$4,0))"},
        "sheet calc_process cell D5: value, period 1: the formula =MAX(0,ROUNDUP($D$4,0)), "
        "jcmcalc writes =MAX(0,ROUNDDOWN($D$4,0)) (cached 627)",
    ),
    "dates": (
        "summary",
        "B5",
        {"value": JUNE_FIRST},
        "sheet summary cell B5: start, period 2: submitted 2024-06-01, jcmcalc writes 2024-07-01",
    ),
    "period 2 credits": (
        "summary",
        "G5",
        {"value": 0},
        "sheet summary cell G5: credits, period 2: cached value 0, recomputed 582",
    ),
    "calendar part": (
        "summary",
        "F11",
        {"value": 600},
        "sheet summary cell F11: ER [tCO2], period 1: cached value 600, recomputed 627.9887797",
    ),
    "project name": (
        "summary",
        "A1",
        {"text": "Monitoring report: another project"},
        "sheet summary cell A1: cell: submitted 'Monitoring report: another project', "
        "jcmcalc writes 'Monitoring report: Thai rooftop PV (example)",
    ),
}


@pytest.fixture(scope="module")
def thai_book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("book") / "thai.xlsx"
    path.write_bytes(render(jcmcalc.calculate(THAI), "xlsx"))
    return path


@pytest.mark.parametrize("edit", EDITS)
def test_each_edit_is_a_finding_naming_sheet_and_cell(edit, thai_book, cli, tmp_path) -> None:
    sheet, cell, change, words = EDITS[edit]
    path = tmp_path / "edited.xlsx"
    path.write_bytes(thai_book.read_bytes())
    edit_cell(path, sheet, cell, **change)
    code, out, err = cli("verify", THAI, "--reported", path)
    assert (code, err) == (EXIT_MISMATCH, ""), out + err
    assert words in out, out
    assert "agree" not in out.splitlines()[-1]


def test_allocation_amount_changed_on_the_summary(cli, project, tmp_path) -> None:
    path = project(ALLOCATED)
    book = tmp_path / "allocated.xlsx"
    book.write_bytes(render(jcmcalc.calculate(path), "xlsx"))
    assert cli("verify", path, "--reported", book)[0] == EXIT_OK
    edit_cell(book, "summary", "H4", value=160)
    code, out, _ = cli("verify", path, "--reported", book)
    assert code == EXIT_MISMATCH
    assert (
        "sheet summary cell H4: credits to Mongolia, period 1: cached value 160, recomputed 159"
    ) in out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.parent.name)
def test_each_example_own_workbook_json_and_csv_verify(example, cli, tmp_path) -> None:
    """The workbook report writes, the JSON calculate writes and a CSV of every figure."""
    book, data = tmp_path / "report.xlsx", tmp_path / "result.json"
    assert cli("report", example, "--format", "xlsx", "-o", book)[0] == EXIT_OK
    assert cli("calculate", example, "--format", "json", "-o", data)[0] == EXIT_OK
    for submitted in (book, data, _csv(example, tmp_path / "figures.csv")):
        code, out, err = cli("verify", example, "--reported", submitted)
        assert code == EXIT_OK, (submitted.name, out, err)


def _csv(example: Path, path: Path) -> Path:
    """Every figure of the example's recomputation as a CSV of submitted figures."""
    import csv

    from jcmcalc.views.verify import recomputed_figures

    figures = recomputed_figures(jcmcalc.calculate(example))
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["period", "quantity", "member", "value"])
        for (period, quantity, member), value in figures.items():
            writer.writerow([period, quantity, member, f"{value.numerator}/{value.denominator}"])
    return path


def test_csv_allocation_and_calendar_years_name_their_rows(cli, project, tmp_path) -> None:
    """A CSV of every figure of the allocation project: a party's credits or a year's ER
    changed is named by its row; a CSV without the parties' credits misses them."""
    path = project(ALLOCATED)
    figures = _csv(path, tmp_path / "figures.csv")
    lines = figures.read_text(encoding="utf-8").splitlines()
    assert cli("verify", path, "--reported", figures)[0] == EXIT_OK
    (mongolia,) = [n for n, line in enumerate(lines) if line.startswith("1,allocation,Mongolia")]
    (year,) = [n for n, line in enumerate(lines) if line.startswith("1,ER_year,2023,")]
    edited = list(lines)
    edited[mongolia] = "1,allocation,Mongolia,160"
    edited[year] = "1,ER_year,2023,400"
    figures.write_text("\n".join(edited) + "\n", encoding="utf-8")
    code, out, _ = cli("verify", path, "--reported", figures)
    assert code == EXIT_MISMATCH
    assert f"- row {mongolia + 1}: allocation [Mongolia] (period 1): submitted 160, " in out
    assert f"- row {year + 1}: ER_year [2023] (period 1): submitted 400, " in out
    without = [line for line in lines if ",allocation," not in line]
    figures.write_text("\n".join(without) + "\n", encoding="utf-8")
    code, out, _ = cli("verify", path, "--reported", figures)
    assert code == EXIT_MISMATCH and "allocation [Japan] (period 2): not submitted" in out
