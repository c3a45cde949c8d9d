"""Excel's limits in the workbook: a formula of at most 8,192 characters (a sum over many
members is split into parts on the sheet sum_parts), a cell of at most 32,767 characters (a
longer text is cut, saying so)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

import jcmcalc
from jcmcalc.model.errors import EXIT_OK
from jcmcalc.views.report import render
from jcmcalc.views.report.workbook.formulas import LONGEST_FORMULA
from jcmcalc.views.report.workbook.sheets import LONGEST_CELL
from tests.libreoffice import recalculate
from tests.test_workbook import _cached, assert_recalculated

SYSTEMS = 300


def _project(folder: Path, systems: int, source: str = "meter") -> Path:
    members = "".join(
        f'\n[[systems]]\nid = "PV-{n:04d}"\ngrid = "national"\nconnection_case = "grid"\n'
        for n in range(systems)
    )
    values = ", ".join(
        f'"PV-{n:04d}" = {{ value = "{n + 1}.5 MWh", source = "{source}" }}' for n in range(systems)
    )
    path = folder / "project.toml"
    path.write_text(
        f'[project]\nname = "many"\n\n[methodology]\nid = "MN_AM003"\nversion = "2.0"\n'
        f"{members}\n[[periods]]\nstart = 2023-01-01\nend = 2023-12-31\n"
        f'values = {{ "EG_i,p" = {{ {values} }} }}\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("many")
    project = _project(folder, SYSTEMS)
    book = folder / "many.xlsx"
    book.write_bytes(render(jcmcalc.calculate(project), "xlsx"))
    return project, book


def test_no_formula_is_longer_than_excel_takes(many) -> None:
    """300 systems gave RE_p a formula of 8,296 characters; now its sum is in parts."""
    _, book = many
    formulas = openpyxl.load_workbook(book)
    lengths = [
        len(cell.value)
        for sheet in formulas
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert max(lengths) <= LONGEST_FORMULA
    parts = [row[3] for row in formulas["sum_parts"].iter_rows(min_row=2, values_only=True)]
    assert len(parts) >= 2
    (re_p,) = [r[3] for r in formulas["calc_process"].iter_rows(values_only=True) if r[1] == "RE_p"]
    assert re_p.startswith("=(sum_parts!$D$2+sum_parts!$D$3")


def test_the_parts_recalculate_to_their_cached_values_and_verify(many, cli, tmp_path) -> None:
    project, book = many
    out = recalculate([book], tmp_path)
    assert_recalculated(
        "many", _cached(book), openpyxl.load_workbook(out / book.name, data_only=True)
    )
    code, out_text, _ = cli("verify", project, "--reported", book)
    assert code == EXIT_OK, out_text


def test_a_text_longer_than_a_cell_holds_is_cut_with_a_note(tmp_path) -> None:
    source = "s" * 40_000
    result = jcmcalc.calculate(_project(tmp_path, 1, source))
    book = openpyxl.load_workbook(io.BytesIO(render(result, "xlsx")))
    (text,) = [r[9] for r in book["input"].iter_rows(values_only=True) if r[1] == "EG_i,p"]
    assert len(text) == LONGEST_CELL
    found = re.search(
        r" \[… cut: ([\d,]+) of ([\d,]+) characters shown, Excel's limit per cell\]$", text
    )
    assert found, text[-100:]
    shown, total = (int(group.replace(",", "")) for group in found.groups())
    assert shown == found.start() and total > 40_000 and text[:shown].endswith("s" * 100)
