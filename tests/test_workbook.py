"""The workbook: live formulas recalculated by LibreOffice give the engine's numbers."""

from __future__ import annotations

import io
import math
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

import jcmcalc
from jcmcalc.cli import main
from jcmcalc.model.errors import EXIT_MISMATCH, EXIT_OK
from jcmcalc.views.report import render
from jcmcalc.views.verify import recomputed_figures
from tests.conftest import program
from tests.test_report import EXAMPLES, HOSTILE, THAI


def _name(example: Path) -> str:
    return f"{example.parts[-4]}--{example.parent.name}"


def recalculate(files: list[Path], tmp: Path) -> Path:
    """Recalculate ``files`` in one headless LibreOffice run with a fresh profile."""
    out = tmp / "recalculated"
    profile = (tmp / "lo-profile").as_uri()
    subprocess.run(
        [
            program("soffice"),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            out,
            *files,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> tuple[dict[str, jcmcalc.Result], Path]:
    tmp = tmp_path_factory.mktemp("workbooks")
    results, files = {}, []
    for example in EXAMPLES:
        results[_name(example)] = jcmcalc.calculate(example)
        path = tmp / f"{_name(example)}.xlsx"
        path.write_bytes(render(results[_name(example)], "xlsx"))
        files.append(path)
    return results, recalculate(files, tmp)


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
ALTERED = ("1", "EG_i,p", "BKK-01")


def _report(project: Path, target: Path) -> Path:
    assert main(["report", str(project), "--format", "xlsx", "-o", str(target)]) == EXIT_OK
    return target


def _alter_input(path: Path) -> None:
    """Add 10 to the value of the :data:`ALTERED` input cell, as a submitter might."""
    book = openpyxl.load_workbook(path)
    (cell,) = [
        row[3]
        for row in book["input"].iter_rows(min_row=2)
        if (str(row[0].value), row[1].value, row[2].value) == ALTERED
    ]
    cell.value += 10
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
    # LibreOffice recomputed the formulas from the altered cell: RE_p moved by 10 x EF_RE.
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
    assert "=MAX(0,INT($D$4))" in values  # credits of the kernel's declaration, from its tree
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
    assert formulas and all(c.parent.title == "calc_process" and c.column == 4 for c in formulas)


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


def test_verify_refuses_a_workbook_never_calculated(cli, tmp_path) -> None:
    path = tmp_path / "thai.xlsx"
    path.write_bytes(render(jcmcalc.calculate(THAI), "xlsx"))
    code, _, err = cli("verify", THAI, "--reported", path)
    assert code == 2
    assert "sheet calc_process row 2: RE_p has no value" in err and "never calculated" in err
