"""The workbook door (``.xlsx`` monitoring files read by calamine): bounded and faithful.

Each case was seen failing on the reader before :mod:`jcmcalc.inputs.readers.xlsx_parts`: an
abort (SIGABRT) or gigabytes for a tiny file, stored zeros for formulas, a hidden sheet read,
error cells read as missing readings, ``1`` read as ``'1.0'``, a 1e12 serial an internal error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import workbooks

pytest.importorskip("python_calamine")

PROJECT = """[methodology]
id = "TH_AM001"
version = "3.0"

[[systems]]
id = "{system}"
connection_case = "off-grid"

[[periods]]
start = 2024-01-01
end = 2024-03-31
data = {data}
"""
HEADER = ["system", "EG_i,p [kWh]"]
RUN = "import sys; from jcmcalc.cli import main; sys.exit(main(sys.argv[1:]))"


def _write(folder: Path, book: bytes, system: str = "A", data: str = '"eg.xlsx"') -> Path:
    (folder / "eg.xlsx").write_bytes(book)
    project = folder / "project.toml"
    project.write_text(PROJECT.format(system=system, data=data), encoding="utf-8")
    return project


def _one_sheet(rows, dimension: str | None = None) -> bytes:
    return workbooks.workbook(
        [("Readings", workbooks.sheet_xml(workbooks.rows_xml(rows), dimension))]
    )


def _refused(cli, project: Path, *words: str) -> str:
    code, out, err = cli("calculate", project)
    assert code == 2, err
    assert out == "" and "Traceback" not in err
    for word in words:
        assert word in err, (word, err)
    return err


def _credits(cli, project: Path) -> tuple[float, int]:
    """The emission reductions and credits of the project."""
    code, out, err = cli("calculate", project, "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    return result["total_emission_reductions_tco2"], result["total_credits"]


def _subprocess(project: Path) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process: an abort there cannot take the test run down."""
    return subprocess.run(
        [sys.executable, "-c", RUN, "calculate", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_two_far_cells_are_refused_not_an_abort(tmp_path) -> None:
    data = workbooks.rows_xml([HEADER, ["A", 50]])
    data += '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    project = _write(tmp_path, workbooks.workbook([("Readings", workbooks.sheet_xml(data))]))
    assert len((tmp_path / "eg.xlsx").read_bytes()) < 2000
    done = _subprocess(project)
    assert done.returncode == 2, done.stderr
    assert "XFD1048576" in done.stderr and "4,000,000 cells" in done.stderr
    assert "Traceback" not in done.stderr and "panicked" not in done.stderr


def test_a_wide_range_is_refused_before_it_is_read(tmp_path, cli) -> None:
    data = workbooks.rows_xml([HEADER, ["A", 50]])
    data += '<row r="3000"><c r="XFD3000"><v>1</v></c></row>'
    project = _write(tmp_path, workbooks.workbook([("Readings", workbooks.sheet_xml(data))]))
    _refused(cli, project, "eg.xlsx", "sheet 'Readings' has cells up to XFD3000", "3,000 rows")


def test_a_declared_dimension_beyond_the_bound_is_refused(tmp_path, cli) -> None:
    project = _write(tmp_path, _one_sheet([HEADER, ["A", 50]], dimension="A1:XFD1048576"))
    _refused(cli, project, "declares the range A1:XFD1048576", "4,000,000 cells")


def test_a_huge_uncompressed_part_is_refused(tmp_path, cli) -> None:
    big = "x" * (65 * 2**20)
    extra = {"xl/sharedStrings.xml": f'<sst xmlns="{workbooks.MAIN}"><si><t>{big}</t></si></sst>'}
    sheets = [("Readings", workbooks.sheet_xml(workbooks.rows_xml([HEADER, ["A", 50]])))]
    project = _write(tmp_path, workbooks.workbook(sheets, extra=extra))
    assert (tmp_path / "eg.xlsx").stat().st_size < 2**20
    _refused(
        cli, project, "part 'xl/sharedStrings.xml'", "65 MiB uncompressed", "more than the 64 MiB"
    )


def test_a_part_longer_than_declared_is_damaged(tmp_path, cli) -> None:
    book = _one_sheet([HEADER, ["A", 50]])
    name = b"xl/worksheets/sheet1.xml"
    assert book.count(name) == 2  # local header and central directory
    project = _write(tmp_path, _lying_size(book, name))
    _refused(cli, project, "not a readable Excel workbook")


def _lying_size(book: bytes, name: bytes) -> bytes:
    """``book`` whose entry ``name`` declares 10 bytes fewer than it holds (both headers)."""
    data = bytearray(book)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                size = int.from_bytes(data[at + offset : at + offset + 4], "little")
                data[at + offset : at + offset + 4] = (size - 10).to_bytes(4, "little")
            at = data.find(signature, at + 1)
    return bytes(data)


def test_a_formula_without_its_value_is_refused(tmp_path, cli) -> None:
    project = _write(tmp_path, _one_sheet([HEADER, ["A", 50], ["A", ("=", "1+2", None)]]))
    _refused(cli, project, "sheet 'Readings', cell B3", "formula (1+2)", "computed value")


def test_a_formula_with_its_value_is_read(tmp_path, cli) -> None:
    with_value = _credits(cli, _write(tmp_path, _one_sheet([HEADER, ["A", ("=", "25+25", 50)]])))
    typed = _credits(cli, _write(tmp_path, _one_sheet([HEADER, ["A", 50]])))
    assert with_value == typed


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#VALUE!"])
def test_an_error_cell_is_refused(tmp_path, cli, error) -> None:
    project = _write(tmp_path, _one_sheet([HEADER, ["A", 50], ["A", ("#", error)]]))
    _refused(cli, project, "sheet 'Readings', cell B3", f"the error {error}")


def test_the_visible_active_sheet_is_read_not_a_hidden_first_one(tmp_path, cli) -> None:
    hidden = workbooks.sheet_xml(workbooks.rows_xml([HEADER, ["A", 499_999]]))
    shown = workbooks.sheet_xml(workbooks.rows_xml([HEADER, ["A", 50]]))
    book = workbooks.workbook([("old", hidden), ("Readings", shown)], hidden=["old"], active=0)
    read = _credits(cli, _write(tmp_path, book))
    assert read == _credits(cli, _write(tmp_path, _one_sheet([HEADER, ["A", 50]])))
    named = _credits(cli, _write(tmp_path, book, data='{ file = "eg.xlsx", sheet = "old" }'))
    assert named != read  # a hidden sheet is read when named


def test_the_active_sheet_is_read(tmp_path, cli) -> None:
    first = workbooks.sheet_xml(workbooks.rows_xml([HEADER, ["A", 499_999]]))
    second = workbooks.sheet_xml(workbooks.rows_xml([HEADER, ["A", 50]]))
    book = workbooks.workbook([("one", first), ("two", second)], active=1)
    assert _credits(cli, _write(tmp_path, book)) == _credits(
        cli, _write(tmp_path, _one_sheet([HEADER, ["A", 50]]))
    )


def test_a_workbook_of_hidden_sheets_only_asks_for_a_name(tmp_path, cli) -> None:
    sheet = workbooks.sheet_xml(workbooks.rows_xml([HEADER, ["A", 50]]))
    project = _write(tmp_path, workbooks.workbook([("only", sheet)], hidden=["only"]))
    _refused(cli, project, "no visible sheet", "sheet = ")


def test_a_member_id_typed_as_a_number_matches_its_text(tmp_path, cli) -> None:
    as_number = _credits(cli, _write(tmp_path, _one_sheet([HEADER, [1, 50]]), system="1"))
    as_text = _credits(cli, _write(tmp_path, _one_sheet([HEADER, ["1", 50]]), system="1"))
    assert as_number == as_text
    mixed = _one_sheet([HEADER, [1, 20], ["1", 30]])
    assert _credits(cli, _write(tmp_path, mixed, system="1")) == as_text


@pytest.mark.parametrize("serial", [1e12, -5, 0.5])
def test_an_odd_date_serial_is_refused(tmp_path, cli, serial) -> None:
    rows = [["date", *HEADER], [45292, "A", 20], [serial, "A", 30]]
    project = _write(tmp_path, _one_sheet(rows))
    _refused(cli, project, "eg.xlsx, row 3", "column 'date'", "is no Excel date serial")


def test_the_portfolio_isolates_a_workbook_beyond_the_bound(tmp_path, cli) -> None:
    far = workbooks.rows_xml([HEADER, ["A", 50]]) + '<row r="300"><c r="XFD300"><v>1</v></c></row>'
    for name, book in (("bad", far), ("good", workbooks.rows_xml([HEADER, ["A", 50]]))):
        (tmp_path / name).mkdir()
        _write(tmp_path / name, workbooks.workbook([("Readings", workbooks.sheet_xml(book))]))
    code, out, err = cli("portfolio", tmp_path)
    assert code == 4, err
    assert "bad/project.toml,,,,,,,,,failed" in out and "XFD300" in out
    assert "good/project.toml,TH_AM001@3.0,1," in out


def test_cells_without_references_are_checked_one_by_one(tmp_path, cli) -> None:
    """Cells that name no reference (some programs write them so) count from the one before."""
    plain = workbooks.rows_xml([HEADER, ["A", 50]]).replace(' r="A1"', "").replace(' r="B1"', "")
    plain = plain.replace(' r="A2"', "").replace(' r="B2"', "")
    assert ' r="A' not in plain
    typed = _credits(cli, _write(tmp_path, _one_sheet([HEADER, ["A", 50]])))
    book = workbooks.workbook([("Readings", workbooks.sheet_xml(plain))])
    assert _credits(cli, _write(tmp_path, book)) == typed
    formula = plain.replace("<v>50</v>", "<f>25+25</f>")
    book = workbooks.workbook([("Readings", workbooks.sheet_xml(formula))])
    _refused(cli, _write(tmp_path, book), "sheet 'Readings', cell B2", "formula (25+25)")
