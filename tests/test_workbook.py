"""The workbook: live formulas recalculated by LibreOffice give the engine's numbers."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import openpyxl
import pytest

import jcmcalc
from jcmcalc.cli import main
from jcmcalc.model.errors import EXIT_MISMATCH, EXIT_OK
from jcmcalc.views.report import content, render
from jcmcalc.views.verify import recomputed_figures
from tests.libreoffice import recalculate
from tests.test_allocation import ALLOCATED
from tests.test_report import EXAMPLES, HOSTILE, THAI
from tests.workbook_edits import edit_cell


def _name(example: Path) -> str:
    return f"{example.parts[-4]}--{example.parent.name}"


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[dict[str, jcmcalc.Result], Path]:
    """The workbook of every example and of the allocation test project, as jcmcalc wrote it."""
    tmp = tmp_path_factory.mktemp("workbooks")
    allocated = tmp / "allocated" / "project.toml"
    allocated.parent.mkdir()
    allocated.write_text(ALLOCATED, encoding="utf-8")
    results = {}
    for example in [*EXAMPLES, allocated]:
        name = "allocated" if example == allocated else _name(example)
        results[name] = jcmcalc.calculate(example)
        (tmp / f"{name}.xlsx").write_bytes(render(results[name], "xlsx"))
    return results, tmp


@pytest.fixture(scope="module")
def recalculated(written) -> tuple[dict[str, jcmcalc.Result], Path]:
    results, tmp = written
    return results, recalculate([tmp / f"{name}.xlsx" for name in results], tmp)


def _cached(path: Path) -> dict[tuple[str, str], object]:
    """Every formula cell's value as the file stores it, without recalculation."""
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    return {
        (sheet.title, cell.coordinate): values[sheet.title][cell.coordinate].value
        for sheet in formulas
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


def test_every_formula_libreoffice_recalculates_equals_its_cached_value(recalculated) -> None:
    results, out = recalculated
    for name, result in results.items():
        cached = _cached(out.parent / f"{name}.xlsx")  # as written, next to the recalculated
        assert len(cached) > len(result.trace)
        book = openpyxl.load_workbook(out / f"{name}.xlsx", data_only=True)
        assert_recalculated(name, cached, book)


def assert_recalculated(name: str, cached: dict[tuple[str, str], object], book) -> None:
    """Every formula of ``book`` (recalculated) gives its ``cached`` value: a number within a
    relative 1e-12, a check's judgement (OK or breach) exactly."""
    for (sheet, coordinate), value in cached.items():
        again = book[sheet][coordinate].value
        if sheet == "checks" and coordinate.startswith("J"):  # a judgement: OK or breach
            assert value in ("OK", "breach") and again == value, (name, coordinate, again)
            continue
        assert isinstance(value, int | float), (name, sheet, coordinate, value)
        assert math.isclose(again, value, rel_tol=1e-12, abs_tol=1e-9), (name, sheet, coordinate)


#: Edits a submitter might make, each leaving the cached values as written: the credits
#: rounded up (cache right), a raw reading raised by 10 MWh (cache stale), Mongolia's share of
#: the allocation changed from 1/5 to 1/4 (cache right).
MUTATIONS = {
    "roundup": (_name(THAI), "calc_process", "D5", {"formula": "MAX(0,ROUNDUP($D$4,0))"}),
    "reading": (_name(THAI), "raw_readings", "H2", {"value": 95210.4 + 10_000}),
    "allocation": ("allocated", "summary", "H4", {"formula": "ROUNDDOWN(G4*1/4,0)"}),
}


@pytest.fixture(scope="module")
def mutated(written) -> dict[str, tuple[dict, object]]:
    """Each of :data:`MUTATIONS` as written (its cached values) and as LibreOffice
    recalculated it."""
    _, tmp = written
    edited = tmp / "mutated"
    edited.mkdir()
    for mutation, (name, sheet, cell, change) in MUTATIONS.items():
        path = edited / f"{mutation}.xlsx"
        path.write_bytes((tmp / f"{name}.xlsx").read_bytes())
        edit_cell(path, sheet, cell, **change)
    out = recalculate([edited / f"{m}.xlsx" for m in MUTATIONS], edited)
    return {
        m: (
            _cached(edited / f"{m}.xlsx"),
            openpyxl.load_workbook(out / f"{m}.xlsx", data_only=True),
        )
        for m in MUTATIONS
    }


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_each_mutation_fails_the_recalculation_comparison(mutation, mutated) -> None:
    """LibreOffice recalculates for real (the profile's recalculation on load is "always"):
    a changed formula with its right cache, or a changed reading with its stale cache, gives
    other values than the cache."""
    cached, book = mutated[mutation]
    with pytest.raises(AssertionError):
        assert_recalculated(mutation, cached, book)


def test_openpyxl_finds_the_credits_without_recalculation(written) -> None:
    results, tmp = written
    for name, result in results.items():
        book = openpyxl.load_workbook(tmp / f"{name}.xlsx", data_only=True)
        rows = list(book["calc_process"].iter_rows(min_row=2, values_only=True))
        credits = {r[0]: r[3] for r in rows if r[1] == "credits"}
        assert credits == {
            **{p.number: p.credits for p in result.periods},
            "total": result.total_credits,
        }
        summary = {
            row[0]: row
            for row in book["summary"].iter_rows(values_only=True)
            if row[0] in [*credits, "total"] and isinstance(row[6], int)
        }
        assert [summary[p.number][6] for p in result.periods] == [p.credits for p in result.periods]
        assert summary["total"][6] == result.total_credits
        for period in result.periods:
            assert summary[period.number][7 : 7 + len(result.parties)] == tuple(
                credits for _, credits in period.allocation
            )


def test_allocation_and_calendar_years_in_the_workbook(written) -> None:
    results, tmp = written
    book = openpyxl.load_workbook(tmp / "allocated.xlsx")
    sheet = book["summary"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "period")
    assert header[7:9] == ("credits to Mongolia", "credits to Japan")
    first = next(r for r in sheet.iter_rows() if r[0].value == 1)
    assert first[7].value == "=ROUNDDOWN(G4*1/5,0)" and first[8].value == "=G4-H4"
    years = [r for r in sheet.iter_rows(values_only=True) if r[1] in (2023, 2024)]
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in years[:2]] == [
        (1, 2023, "by days", 184, 366),
        (1, 2024, "by days", 182, 366),
    ]
    values = openpyxl.load_workbook(tmp / "allocated.xlsx", data_only=True)["summary"]
    parts = [r[5] for r in values.iter_rows(values_only=True) if r[0] == 1 and r[1] in (2023, 2024)]
    assert math.isclose(sum(parts), float(results["allocated"].periods[0].reductions))


def test_monthly_figures_and_their_chart_in_the_workbook(written) -> None:
    results, tmp = written
    result = results[_name(THAI)]
    path = tmp / f"{_name(THAI)}.xlsx"
    sheet = openpyxl.load_workbook(path, data_only=True)["months"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "month")
    months = {r[0]: r[1:] for r in rows if isinstance(r[0], str) and r[0][:2] == "20"}
    assert list(months) == [f"2024-{m:02d}" for m in range(1, 13)]
    for column, point in enumerate(header[1:]):
        member = (point.split(" ", 1)[1],)
        readings = {
            label: value
            for period in result.inputs.periods
            for label, value in period.values["electricity_generated"][member].months
        }
        for label, values in months.items():
            # a month without readings is an empty cell, never a zero
            expected = readings.get(label)
            if expected is None:
                assert values[column] is None, label
            else:  # a number as the file stores it: 16 significant digits
                assert math.isclose(values[column], float(expected), rel_tol=1e-15), label
    # the second half year's quarterly register differences are shared among their months
    assert all(value > 0 for value in months["2024-07"]) and months["2024-09"][0] > 0
    total = next(r for r in rows if r[0] == "total")
    assert math.isclose(
        sum(total[1:]),
        float(
            sum(
                p.values["electricity_generated"][k].value
                for p in result.inputs.periods
                for k in p.values["electricity_generated"]
            )
        ),
    )
    (chart,) = openpyxl.load_workbook(path)["months"]._charts
    assert len(chart.series) == 3


@pytest.mark.parametrize("example", EXAMPLES, ids=_name)
def test_libreoffice_recalculation_equals_the_engine(example, recalculated) -> None:
    results, out = recalculated
    result = results[_name(example)]
    engine = recomputed_figures(result)
    book = openpyxl.load_workbook(out / f"{_name(example)}.xlsx", data_only=True)
    rows = list(book["calc_process"].iter_rows(min_row=2, values_only=True))
    # Every trace step (ER and credits of each period among them), then the two totals.
    assert len(rows) == len(result.trace) + 2
    for period, quantity, member, value, *_ in rows:
        expected = engine[(str(period), quantity, member or "")]
        assert isinstance(value, int | float), (period, quantity, member, value)
        if quantity == "credits":
            assert value == int(expected), (period, member)
        else:
            assert math.isclose(value, expected, rel_tol=1e-9, abs_tol=0), (period, quantity)
    credits = [r[3] for r in rows if r[0] == "total" and r[1] == "credits"]
    assert credits == [result.total_credits]


def test_recalculated_workbook_verifies(recalculated, cli) -> None:
    _, out = recalculated
    code, stdout, _ = cli("verify", THAI, "--reported", out / f"{_name(THAI)}.xlsx")
    assert code == EXIT_OK, stdout
    assert "figures agree" in stdout


#: Input text starting with each of = + - @ in workbook cells: member ids and sources.
HOSTILE_ALL = """
[project]
name = "-2+3"

[methodology]
id = "MN_AM003"
version = "2.0"

[[systems]]
id = "-1+1"
grid = "national"
connection_case = "grid"

[systems.parameters."EF_RE,i"]
value = "0.9 t_CO2/MWh"
override = true
source = "=cmd|' /C calc'!A0"

[[systems]]
id = "+2"
grid = "national"
connection_case = "grid"

[[periods]]
start = 2023-01-01
end = 2023-12-31
values = { "EG_i,p" = { "-1+1" = { value = "1000.5 MWh", source = "@SUM(1+1)" }, "+2" = "2 MWh" } }
"""
#: The reading a submitter alters: period, quantity, member, time (its raw row).
ALTERED = (1, "EG_i,p", "BKK-01", "2024-01-31")


def _report(project: Path, target: Path) -> Path:
    assert main(["report", str(project), "--format", "xlsx", "-o", str(target)]) == EXIT_OK
    return target


def _alter_input(path: Path) -> None:
    """Add 10,000 kWh (10 MWh) to the :data:`ALTERED` raw reading, as a submitter might."""
    book = openpyxl.load_workbook(path)
    (cell,) = [
        row[7]
        for row in book["raw_readings"].iter_rows(min_row=2)
        if (row[0].value, row[6].value, row[4].value, row[3].value) == ALTERED
    ]
    assert book["raw_readings"][f"I{cell.row}"].value == "kWh"
    cell.value += 10_000
    book.save(path)


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> tuple[Path, Path]:
    """A workbook with an altered input and a hostile one, both re-saved by LibreOffice;
    returns the folder of the re-saved files and the hostile workbook before."""
    tmp = tmp_path_factory.mktemp("edited")
    altered = _report(THAI, tmp / "altered.xlsx")
    _alter_input(altered)
    project = tmp / "hostile" / "project.toml"
    project.parent.mkdir()
    project.write_text(HOSTILE_ALL, encoding="utf-8")
    hostile = _report(project, tmp / "hostile.xlsx")
    return recalculate([altered, hostile], tmp), hostile


def test_altered_input_cell_recalculated_by_libreoffice_fails_verify(edited, cli) -> None:
    out, _ = edited
    code, stdout, _ = cli("verify", THAI, "--reported", out / "altered.xlsx")
    assert code == EXIT_MISMATCH, stdout
    assert (
        "EG_i,p [BKK-01] (period 1): submitted 600.0633, recomputed 590.0633; "
        "first equation using it: period 1: RE_p = Σ_i(EG_i,p × EF_RE,i)"
    ) in stdout
    # LibreOffice recomputed the formulas from the altered reading: its period total (a
    # SUMPRODUCT of the raw rows) moved by 10 MWh, and RE_p by 10 x EF_RE.
    assert "RE_p (period 1): submitted 631.98878, recomputed 627.98878; first " in stdout
    assert "credits (period 1): submitted 631, recomputed 627; first " in stdout
    assert (
        "ER (total): submitted 1214.902336, recomputed 1210.902336; "
        "first equation that differs: period 1: RE_p"
    ) in stdout


def test_hostile_text_stays_text_after_libreoffice_saved_the_workbook(edited) -> None:
    out, before = edited

    def texts(book) -> dict[tuple[str, str], str]:
        return {
            (sheet.title, cell.coordinate): cell.value
            for sheet in book
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@" and cell.data_type == "s"
        }

    original = texts(openpyxl.load_workbook(before))
    for start in ("-1+1", "+2", "@SUM(1+1)", "=cmd|' /C calc'!A0"):
        assert any(text.startswith(start) for text in original.values()), start
    for data_only in (False, True):
        saved = openpyxl.load_workbook(out / "hostile.xlsx", data_only=data_only)
        for (sheet, coordinate), text in original.items():
            cell = saved[sheet][coordinate]
            assert (cell.value, cell.data_type) == (text, "s"), (sheet, coordinate)


def test_workbook_has_formulas_not_numbers_in_the_calculation_sheet(tmp_path) -> None:
    path = tmp_path / "thai.xlsx"
    path.write_bytes(render(jcmcalc.calculate(THAI), "xlsx"))
    sheet = openpyxl.load_workbook(path)["calc_process"]
    values = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values and all(isinstance(v, str) and v.startswith("=") for v in values)
    assert "=MAX(0,ROUNDDOWN($D$4,0))" in values  # the kernel's declaration, from its tree
    assert any("input!$D$" in v for v in values)


def test_input_text_never_becomes_a_formula(project, tmp_path) -> None:
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(render(jcmcalc.calculate(project(HOSTILE)), "xlsx"))
    book = openpyxl.load_workbook(path)
    texts = [
        cell
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@"
    ]
    hostile = [c for c in texts if "cmd|" in c.value or "HYPERLINK" in c.value]
    assert hostile and all(c.data_type == "s" for c in hostile)
    formulas = [c for c in texts if c.data_type == "f"]
    assert formulas and not [c for c in formulas if "cmd|" in c.value or "HYPERLINK" in c.value]
    assert {c.parent.title for c in formulas} == {"calc_process", "summary", "readings"}


def test_workbook_is_byte_identical_across_runs(cli, tmp_path) -> None:
    outputs = []
    for run in ("a", "b"):
        target = tmp_path / f"{run}.xlsx"
        code, _, err = cli("report", THAI, "--format", "xlsx", "-o", target)
        assert code == 0, err
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]
    with zipfile.ZipFile(io.BytesIO(outputs[0])) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"1980-01-01T00:00:00Z" in archive.read("docProps/core.xml")


def test_verify_accepts_a_workbook_as_written(cli, tmp_path) -> None:
    path = tmp_path / "thai.xlsx"
    path.write_bytes(render(jcmcalc.calculate(THAI), "xlsx"))
    code, stdout, err = cli("verify", THAI, "--reported", path)
    assert code == EXIT_OK, err
    assert "figures agree" in stdout


def test_verify_refuses_a_workbook_that_lost_its_values(cli, tmp_path) -> None:
    path = tmp_path / "thai.xlsx"
    path.write_bytes(render(jcmcalc.calculate(THAI), "xlsx"))
    openpyxl.load_workbook(path).save(path)  # openpyxl keeps formulas, drops cached values
    code, _, err = cli("verify", THAI, "--reported", path)
    assert code == 2
    # The first formula verify reads: a monitored total, the sum of its dated rows.
    assert "sheet input row 8: EG_i,p has no value" in err and "never calculated" in err


def test_every_sheet_prints_on_a4_with_all_columns_on_the_page_width(written) -> None:
    _, tmp = written
    with zipfile.ZipFile(tmp / "allocated.xlsx") as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) >= 7
        for name in sheets:
            xml = archive.read(name).decode()
            assert '<pageSetUpPr fitToPage="1"/>' in xml, name
            assert 'paperSize="9"' in xml and 'fitToHeight="0"' in xml, name
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) >= 2  # credits per period; monitored values per point and period
    book = openpyxl.load_workbook(tmp / "allocated.xlsx")
    for sheet in book:
        assert sheet.column_dimensions["A"].width > 1, sheet.title
    header = next(book["input"].iter_rows(max_row=1))
    assert all(cell.font.b for cell in header) and book["input"].freeze_panes == "A2"


def test_input_sheet_names_the_monitoring_point_of_each_monitored_value(written) -> None:
    """The input sheet's column 'monitoring point' gives each monitored value the point the
    monitoring plan and readings sheets give it (it was empty for every row)."""
    results, tmp = written
    for name, result in results.items():
        points = content.monitoring_points(result)
        sheet = openpyxl.load_workbook(tmp / f"{name}.xlsx")["input"]
        shown = {
            (row[10], tuple(row[2].split("/")) if row[2] else ()): row[7]
            for row in sheet.iter_rows(min_row=2, values_only=True)
            if isinstance(row[0], int)
        }
        assert points, name
        for key, point in points.items():
            assert shown[key] == point, (name, key)
