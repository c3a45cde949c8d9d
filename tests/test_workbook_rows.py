"""The workbook's dated rows: raw readings whose SUMPRODUCTs are the monitored totals."""

from __future__ import annotations

import datetime as dt
import math
import random
import shutil
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

import jcmcalc
from jcmcalc.inputs.series import dated
from jcmcalc.inputs.series.dated import project_rows
from jcmcalc.model.errors import InputError
from jcmcalc.views.report import render
from jcmcalc.views.report.workbook import rows as book_rows
from tests import test_data_forms as forms
from tests import test_monitoring_series as series
from tests.libreoffice import recalculate
from tests.test_report import EXAMPLES, THAI
from tests.test_workbook import _name

#: Examples with monitoring files the core reads (the others give their values in TOML).
WITH_FILES = [e for e in EXAMPLES if any(e.parent.glob("*.csv"))]


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> tuple[dict[str, jcmcalc.Result], Path, Path]:
    """Each example with monitoring files: its result, the workbook as written and as
    LibreOffice recalculated it."""
    tmp = tmp_path_factory.mktemp("rows")
    results = {}
    for example in WITH_FILES:
        results[_name(example)] = result = jcmcalc.calculate(example)
        (tmp / f"{_name(example)}.xlsx").write_bytes(render(result, "xlsx"))
    out = recalculate([tmp / f"{name}.xlsx" for name in results], tmp)
    return results, tmp, out


def _totals(path: Path) -> dict[tuple[int, str, str], tuple[str, str, object]]:
    """The input sheet's monitored totals summed from the dated rows: (period, quantity,
    member) -> (formula, origin, cached value)."""
    formulas = openpyxl.load_workbook(path)["input"]
    values = openpyxl.load_workbook(path, data_only=True)["input"]
    found = {}
    for row, cached in zip(formulas.iter_rows(min_row=2), values.iter_rows(min_row=2), strict=True):
        if isinstance(row[3].value, str) and row[3].value.startswith("=SUMPRODUCT("):
            key = (row[0].value, row[1].value, row[2].value or "")
            found[key] = (row[3].value, row[8].value, cached[3].value)
    return found


def test_every_file_total_is_a_sumproduct_of_its_rows(books) -> None:
    results, tmp, _ = books
    for name, result in results.items():
        totals = _totals(tmp / f"{name}.xlsx")
        files = project_rows(result.inputs, book_rows.RAW_LIMIT)
        symbol = {p.name: p.symbol for p in result.methodology.parameters}
        expected = {
            (period, symbol[column.parameter], "/".join(member))
            for found in files
            for column in found.columns
            for period, member in column.totals()
        }
        worked = {
            (w.slot[0], symbol[w.slot[1]], "/".join(w.slot[2]))
            for found in files
            for w in found.worked
        }
        assert expected and set(totals) == expected | worked, name
        values = {p.period.number: p.values for p in result.inputs.periods}
        for (period, symbol, member), (_, origin, cached) in totals.items():
            parameter = result.methodology.parameter(symbol)
            engine = values[period][parameter.name][tuple(member.split("/")) if member else ()]
            assert cached == float(engine.value), (name, period, symbol, member)
            if (period, symbol, member) in worked:  # products of decimals: not exact as floats
                assert origin == f"monitored (sum of worked_rows rows; {book_rows.EXACT_NOTE})"
            else:
                assert origin == "monitored (sum of raw_readings rows)", origin


def test_libreoffice_recalculates_each_total_to_the_last_bit(books) -> None:
    """The totals sum exact integers: recalculated, they are the engine's float, not near it
    (those marked not exact, the F-gas cylinders' products, within a relative 1e-12)."""
    results, tmp, out = books
    for name in results:
        written = _totals(tmp / f"{name}.xlsx")
        again = _totals(out / f"{name}.xlsx")
        assert set(again) == set(written)
        for key, (_, origin, cached) in written.items():
            if book_rows.EXACT_NOTE in origin:
                assert math.isclose(again[key][2], cached, rel_tol=1e-12), (name, key)
            else:
                assert again[key][2] == cached, (name, key)


def test_registers_show_readings_and_their_differences(books) -> None:
    _, tmp, out = books
    sheet = openpyxl.load_workbook(tmp / f"{_name(THAI)}.xlsx")["raw_readings"]
    values = openpyxl.load_workbook(out / f"{_name(THAI)}.xlsx", data_only=True)["raw_readings"]
    rows = [r for r in sheet.iter_rows(min_row=2) if r[1].value == "registers-2024H2.csv"]
    first, second = rows[0], rows[1]
    assert (first[4].value, first[3].value, first[7].value) == ("BKK-01", "2024-07-01", 1520.318)
    assert first[9].value is None and first[12].value.startswith("first reading")
    n, m = first[0].row, second[0].row
    assert second[9].value == f"=ROUND(H{m}*1000,0)-ROUND(H{n}*1000,0)"
    assert second[12].value == "reading minus the reading of row 2"
    assert values[f"J{m}"].value == 1790502 - 1520318
    assert values[f"K{m}"].value == float(Fraction(1790502 - 1520318, 1000))


def test_above_the_limit_the_totals_stay_and_the_sheet_says_why(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(book_rows, "RAW_LIMIT", 10)
    result = jcmcalc.calculate(THAI)
    path = tmp_path / "thai.xlsx"
    path.write_bytes(render(result, "xlsx"))
    book = openpyxl.load_workbook(path)
    files = {r[0]: r[3] for r in book["readings"].iter_rows(values_only=True) if r[0] and r[3]}
    assert (
        files["monthly-2024H1.csv"]
        == "totals only: more values than the 10 left of the 10 a workbook holds"
    )
    assert files["registers-2024H2.csv"] == "9 values in raw_readings"
    notes = [r[0] for r in book["readings"].iter_rows(values_only=True) if r[0]]
    assert any("at most 10 values" in str(n) for n in notes)
    totals = _totals(path)
    assert totals and {period for period, *_ in totals} == {2}


def test_the_file_list_gives_the_digests_the_run_recorded(monkeypatch, tmp_path) -> None:
    """Above the limit no file is read again: the sizes and SHA-256 on the readings sheet are
    those the run recorded (a file too large to hold in memory still gets its workbook)."""
    monkeypatch.setattr(book_rows, "RAW_LIMIT", 0)
    result = jcmcalc.calculate(THAI)
    recorded = {path.name: digest for path, digest in result.inputs.digests.items()}
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} read again"))
    path = tmp_path / "thai.xlsx"
    path.write_bytes(render(result, "xlsx"))
    rows = openpyxl.load_workbook(path)["readings"].iter_rows(values_only=True)
    listed = {r[0]: (r[1], r[2]) for r in rows if r[0] in recorded}
    assert listed == {name: (d.size, d.sha256) for name, d in recorded.items()}


def test_a_file_changed_since_it_was_read_is_refused(tmp_path) -> None:
    folder = tmp_path / "thai"
    shutil.copytree(THAI.parent, folder)
    result = jcmcalc.calculate(folder / "project.toml")
    monthly = folder / "monthly-2024H1.csv"
    monthly.write_text(monthly.read_text().replace("95210.4", "95210.5"))
    with pytest.raises(InputError, match="changed since it was read"):
        render(result, "xlsx")


def test_binary_floats_are_summed_within_the_documented_tolerance(tmp_path) -> None:
    """A Parquet file of float64 readings: integers too large for a spreadsheet to hold
    exactly, so the totals say so, recalculate within a relative 1e-12, and the credits
    still agree exactly."""
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    folder = tmp_path / "floats"
    folder.mkdir()
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=d) for d in range(366)]
    rng = random.Random(19)
    table = pa.table(
        {
            "date": days * 2,
            "system": ["A"] * 366 + ["B"] * 366,
            "EG_i,p [kWh]": [rng.random() * 1000 for _ in range(732)],
        }
    )
    parquet.write_table(table, folder / "readings.parquet")
    (folder / "project.toml").write_text(FLOATS, encoding="utf-8")
    result = jcmcalc.calculate(folder / "project.toml")
    path = tmp_path / "floats.xlsx"
    path.write_bytes(render(result, "xlsx"))
    written = _totals(path)
    assert len(written) == 2
    assert all(book_rows.EXACT_NOTE in origin for _, origin, _ in written.values())
    out = recalculate([path], tmp_path)
    again = _totals(out / "floats.xlsx")
    for key, (_, _, cached) in written.items():
        assert math.isclose(again[key][2], cached, rel_tol=1e-12), key
    calc = openpyxl.load_workbook(out / "floats.xlsx", data_only=True)["calc_process"]
    credits = [r[3] for r in calc.iter_rows(values_only=True) if r[1] == "credits"]
    assert credits == [result.periods[0].credits, result.total_credits]


FLOATS = """
monitoring = "readings.parquet"

[project]
name = "float readings"

[methodology]
id = "TH_AM001"
version = "1.0"

[[systems]]
id = "A"
connection_case = "grid"
parameters = { "EF_RE,i" = { value = "0.4 t_CO2/MWh", source = "test value" } }

[[systems]]
id = "B"
connection_case = "grid"
parameters = { "EF_RE,i" = { value = "0.4 t_CO2/MWh", source = "test value" } }

[[periods]]
start = 2024-01-01
end = 2024-12-31
"""


@pytest.mark.parametrize("form", ["long", "wide", "semicolon", "xlsx", "parquet"])
def test_the_dated_rows_of_every_file_form_sum_to_the_engine_totals(tmp_path, form) -> None:
    """The rows read again from each form of monitoring file (a year of hourly readings with
    blank cells) add up exactly to the readings the run used."""
    if form == "long":
        forms._long_csv(tmp_path, "long.csv")
        monitoring = '["long.csv"]'
    elif form == "wide":
        forms._wide_csv(tmp_path)
        monitoring = '["wide.csv"]'
    elif form == "semicolon":
        forms._long_csv(tmp_path, "semi.csv", ";", ",")
        monitoring = '[{ file = "semi.csv", separator = ";", decimal = "," }]'
    elif form == "xlsx":
        forms._xlsx(tmp_path)
        monitoring = '[{ file = "readings.xlsx", sheet = "Readings" }]'
    else:
        forms._parquet(tmp_path)
        monitoring = '["readings.parquet"]'
    result = jcmcalc.calculate(forms._project(tmp_path, monitoring))
    (found,) = project_rows(result.inputs, 100_000)
    values = {p.period.number: p.values for p in result.inputs.periods}
    checked = 0
    for column in found.columns:
        assert not column.register
        for (period, member), total in column.totals().items():
            assert values[period][column.parameter][member].value == total
            checked += 1
    assert checked == 10  # 2 periods x (3 systems' output + 2 battery quantities of one)
    assert sum(len(c.rows) for c in found.columns) == 8760 * 5  # blank cells are no rows


def test_cylinders_show_gross_minus_tare_times_the_fraction(books) -> None:
    """An F-gas cylinder list (read by the plugin's reader): each species' mass in each
    cylinder is a formula of the row's gross, tare and mass fraction."""
    results, tmp, out = books
    name = next(n for n in results if n.endswith("vietnam-furnace"))
    rows = list(openpyxl.load_workbook(tmp / f"{name}.xlsx")["worked_rows"].iter_rows())
    first = rows[1]
    assert [c.value for c in first[:6]] == [
        1,
        "cylinders-2025H1.csv",
        2,
        "2025-01-14",
        "HCFC-22",
        "W_k,p",
    ]
    assert first[7].value == "=((K2-N2)*Q2)"
    assert [first[9].value, first[10].value, first[12].value, first[13].value] == [
        "gross",
        0.0682,
        "tare",
        0.0154,
    ]
    assert (first[15].value, first[16].value) == ("x", 0.996)  # 99.6 % analysed
    again = openpyxl.load_workbook(out / f"{name}.xlsx", data_only=True)["worked_rows"]
    assert math.isclose(again["H2"].value, (0.0682 - 0.0154) * 0.996, rel_tol=1e-12)
    nominal = [r for r in rows[1:] if "nominal for R-410A" in r[6].value]
    assert {r[4].value for r in nominal} == {"HFC-32", "HFC-125"}


@pytest.mark.parametrize("form", ["replaced meter", "wide"])
def test_register_differences_follow_each_meter(tmp_path, form) -> None:
    """A replaced meter's readings (long form, ``meter`` column) and registers of two systems
    in one row each (wide form): each difference is that of the same meter's reading before,
    and the SUMPRODUCT totals recalculate to the engine's."""
    if form == "wide":
        data = (
            'timestamp,"EG_i,p [MWh] register @ PV-1","EG_i,p [MWh] register @ PV-2"\n'
            "2023-01-01T00:00,100,7000\n2023-06-01T00:00,150.5,7020.25\n"
            "2023-12-31T00:00,160,7100\n"
        )
        expected = {"PV-1": Fraction(60), "PV-2": Fraction(100)}
    else:
        data = (
            'timestamp,meter,system,"EG_i,p [MWh] register"\n'
            "2023-01-01T00:00,A,PV-1,100\n2023-06-01T00:00,A,PV-1,150\n"
            "2023-06-01T00:00,B,PV-1,0\n2023-12-31T00:00,B,PV-1,60.125\n"
        )
        expected = {"PV-1": Fraction(110125, 1000)}
    result = jcmcalc.calculate(series.write(tmp_path, data))
    assert {m: series.energy(result, 1, m) for m in expected} == expected
    path = tmp_path / "book.xlsx"
    path.write_bytes(render(result, "xlsx"))
    rows = list(openpyxl.load_workbook(path)["raw_readings"].iter_rows(min_row=2, values_only=True))
    notes = [r[12] for r in rows]
    assert sum(1 for n in notes if n and n.startswith("first reading")) == len(rows) - sum(
        1 for n in notes if n and n.startswith("reading minus")
    )
    out = recalculate([path], tmp_path)
    again = _totals(out / "book.xlsx")
    assert {member: value for (_, _, member), (_, _, value) in again.items()} == {
        m: float(v) for m, v in expected.items()
    }


def test_a_member_id_too_long_for_a_formula_keeps_its_total_as_a_value(tmp_path) -> None:
    """A spreadsheet's text constants hold at most 255 characters: a total selecting a longer
    member id is written as its value, the others as SUMPRODUCTs."""
    long = "P" * 300
    data = 'timestamp,system,"EG_i,p [kWh]"\n2023-03-01T00:00,PV-1,5\n2023-03-01T00:00,PV-2,7\n'
    project = series.write(tmp_path, data)  # PV-1 and PV-2, then PV-2 renamed
    for path in (project, tmp_path / "eg.csv"):
        path.write_text(path.read_text(encoding="utf-8").replace("PV-2", long), encoding="utf-8")
    result = jcmcalc.calculate(project)
    path = tmp_path / "book.xlsx"
    path.write_bytes(render(result, "xlsx"))
    totals = _totals(path)
    assert [member for _, _, member in totals] == ["PV-1"]
    values = {r[2]: r[3] for r in openpyxl.load_workbook(path)["input"].iter_rows(values_only=True)}
    assert values[long] == 0.007


def test_a_parquet_file_of_more_rows_than_allowed_is_not_read_again(tmp_path, monkeypatch) -> None:
    """Its metadata says how many rows it holds: beyond the limit, the file is not parsed a
    second time for the workbook."""
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=d) for d in range(366)]
    table = pa.table(
        {"date": days * 2, "system": ["A"] * 366 + ["B"] * 366, "EG_i,p [kWh]": [1.5] * 732}
    )
    parquet.write_table(table, tmp_path / "readings.parquet")
    (tmp_path / "project.toml").write_text(FLOATS, encoding="utf-8")
    result = jcmcalc.calculate(tmp_path / "project.toml")
    parsed = []
    monkeypatch.setattr(dated, "parse", lambda *a: parsed.append(a))
    (found,) = project_rows(result.inputs, 365)
    assert found.why == "more values than the 365 left of the 365 a workbook holds"
    assert not parsed
