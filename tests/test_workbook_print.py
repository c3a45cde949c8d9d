"""The printed workbook reads: each example's workbook printed to PDF by LibreOffice holds
every text of its summary, input and calc_process sheets whole (not clipped by a neighbouring
cell, nor cut off by a row too short for its wrapped lines)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

import jcmcalc
from jcmcalc.views.report import render
from tests.conftest import program
from tests.libreoffice import convert
from tests.test_allocation import ALLOCATED
from tests.test_report import EXAMPLES

SHEETS = ("summary", "input", "calc_process")


def _name(example: Path) -> str:
    return f"{example.parts[-4]}--{example.parent.name}"


#: A project name long enough to shrink a page fitted to its width, were the title one line.
LONG_NAME = "A project whose name is long enough to fill two lines of the title " * 3


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> Path:
    """Every example's workbook, one of a project with a long name, and their PDFs (one
    LibreOffice run)."""
    tmp = tmp_path_factory.mktemp("printed")
    books = []
    for example in EXAMPLES:
        books.append(tmp / f"{_name(example)}.xlsx")
        books[-1].write_bytes(render(jcmcalc.calculate(example), "xlsx"))
    project = tmp / "long" / "project.toml"
    project.parent.mkdir()
    project.write_text(ALLOCATED.replace('"allocated"', f'"{LONG_NAME.strip()}"'), "utf-8")
    books.append(tmp / "long-name.xlsx")
    books[-1].write_bytes(render(jcmcalc.calculate(project), "xlsx"))
    convert(books, tmp, "pdf", "pdf")
    return tmp


def _characters(text: str) -> str:
    """``text`` without white space and hyphens: a wrapped line breaks at a space, or inside a
    word (pdftotext joins a word hyphenated at a line's end)."""
    return "".join(text.split()).replace("-", "")


def found_whole(text: str, stream: str) -> bool:
    """Whether every character of ``text`` is in ``stream`` in order, from a place where its
    start is, within a window of its length (the lines of a wrapped cell are read with the
    lines of its neighbours in between)."""
    characters = _characters(text)
    head = characters[:12]
    start = stream.find(head)
    while start != -1:
        window = iter(stream[start : start + 3 * len(characters) + 200])
        if all(character in window for character in characters):
            return True
        start = stream.find(head, start + 1)
    return False


@pytest.mark.parametrize("example", EXAMPLES, ids=_name)
def test_every_text_of_the_printed_sheets_is_whole(example, printed) -> None:
    pdf = printed / "pdf" / f"{_name(example)}.pdf"
    text = subprocess.run(
        [program("pdftotext"), pdf, "-"], capture_output=True, text=True, check=True
    ).stdout
    stream = _characters(text)
    book = openpyxl.load_workbook(printed / f"{_name(example)}.xlsx")
    texts = [
        (sheet, cell.coordinate, cell.value)
        for sheet in SHEETS
        for row in book[sheet].iter_rows()
        for cell in row
        if cell.data_type == "s" and isinstance(cell.value, str)
    ]
    assert len(texts) > 20
    clipped = [(s, c, v[:60]) for s, c, v in texts if not found_whole(v, stream)]
    assert not clipped, clipped


def test_a_clipped_text_is_not_found_whole() -> None:
    """The check itself: a text missing its end, or two texts run together, are not whole."""
    stream = _characters("reference_emission_fa ctor 0.6 dimensionless project")
    assert found_whole("reference_emission_factor", stream)
    assert not found_whole("reference_emission_factor_of_grid", stream)
    assert not found_whole("dimensionless unit", stream)


def test_a_long_title_does_not_shrink_the_summary_page(printed, tmp_path) -> None:
    """The title wraps within the sheet's columns: the summary page keeps its 11 pt text (a
    one-line title of this length shrank it to 5-6 pt)."""
    pdf = printed / "pdf" / "long-name.pdf"
    html = tmp_path / "words.html"
    subprocess.run([program("pdftotext"), "-bbox", "-l", "1", pdf, html], check=True)
    boxes = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', html.read_text())
    heights = sorted(float(bottom) - float(top) for top, bottom in boxes)
    assert len(heights) > 50 and heights[len(heights) // 2] >= 10, heights[len(heights) // 2]
