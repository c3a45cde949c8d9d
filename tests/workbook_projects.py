"""Project workbooks filled by a program, as a user fills a template: a TH_AM001 ver 1.0
project of two systems, a period of totals and a period of dated readings."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from jcmcalc import api
from jcmcalc.views.template import workbook_bytes

#: Dated monthly readings of period 2 (2024-07-01 to 2024-12-31), MWh per system.
MONTHS = [dt.date(2024, month, 28) for month in range(7, 13)]


def filled(
    path: Path,
    *,
    formula: bool = False,
    edits: dict[tuple[str, str], Any] | None = None,
    deleted: str = "",
) -> Path:
    """The TH_AM001 ver 1.0 template written to ``path`` and filled with openpyxl (which saves
    formulas without a computed value); ``edits`` sets further cells ``{(sheet, cell): value}``,
    ``deleted`` names a sheet to delete."""
    import openpyxl

    path.write_bytes(workbook_bytes(api.get_methodology("TH_AM001", "1.0")))
    book = openpyxl.load_workbook(path)
    project = book["Project"]
    project["B4"] = "Filled by a program"
    for row in range(2, project.max_row + 1):
        if str(project.cell(row, 1).value).startswith("criterion "):
            project.cell(row, 2).value = "yes"
    members = book["Members systems"]
    members["A2"], members["C2"] = "BKK-01", "grid+captive"
    members["D2"], members["E2"] = "0.4 t_CO2/MWh", None  # a number typed with its unit
    members["F2"] = "illustrative grid factor (test)"
    members["A3"], members["C3"] = "AYA-02", "off-grid"
    periods = book["Periods"]
    periods["B2"], periods["C2"] = dt.date(2024, 1, 1), dt.date(2024, 6, 30)
    periods["B3"], periods["C3"] = dt.date(2024, 7, 1), dt.date(2024, 12, 31)
    readings = book["Monitoring EG_i,p"]
    rows = [
        (1, None, "BKK-01", "590.06 MWh"),  # text with a unit
        (1, None, "AYA-02", "=400+0.5" if formula else 400.5),
        *((2, day, "BKK-01", 95.25) for day in MONTHS),
        *((None, day, "AYA-02", 60.5) for day in MONTHS),
    ]
    for number, cells in enumerate(rows, start=2):
        for column, value in enumerate(cells, start=1):
            readings.cell(number, column).value = value
    for (sheet, cell), value in (edits or {}).items():
        book[sheet][cell] = value
    if deleted:
        del book[deleted]
    book.save(path)
    return path


def saved_by_libreoffice(path: Path, folder: Path) -> Path:
    """``path`` opened and saved by LibreOffice headless (``soffice --convert-to xlsx``)."""
    return all_saved_by_libreoffice([path], folder)[0]


def all_saved_by_libreoffice(paths: list[Path], folder: Path) -> list[Path]:
    """``paths`` opened and saved by one LibreOffice headless run, into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "profile"
    command = [
        shutil.which("soffice") or "soffice",
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(folder),
        *(str(path) for path in paths),
    ]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
        timeout=600,
        env={**os.environ, "HOME": str(folder)},
    )
    return [folder / path.name for path in paths]


#: The catalogue's workbook cases (tests/bad_inputs/workbook-*): (description, category,
#: options of :func:`filled`, words of the message).
CASES = {
    "workbook-text-in-number-cell": (
        "text that is no number in a value cell",
        "numbers",
        {"edits": {("Members systems", "D2"): "about 0.4"}},
        ["sheet 'Members systems', cell D2", "EF_RE,i", "about 0.4"],
    ),
    "workbook-missing-criterion-answer": (
        "an eligibility criterion left without an answer",
        "structure",
        {"edits": {("Project", "B12"): None}},
        ["sheet 'Project', cell B12", "criterion C2 has no answer"],
    ),
    "workbook-formula-without-value": (
        "a formula saved by a program without its computed value",
        "monitoring data",
        {"formula": True},
        ["sheet 'Monitoring EG_i,p', cell D3", "without its computed value"],
    ),
    "workbook-date-outside-period": (
        "a reading dated outside the period its row names",
        "monitoring data",
        {"edits": {("Monitoring EG_i,p", "A10"): 1}},
        ["sheet 'Monitoring EG_i,p', cell B10", "2024-07-28", "outside period 1"],
    ),
    "workbook-unit-not-allowed": (
        "a unit of another dimension chosen for a value",
        "units",
        {"edits": {("Members systems", "D2"): 0.4, ("Members systems", "E2"): "kWh"}},
        ["sheet 'Members systems', cell D2", "EF_RE,i", "kWh"],
    ),
    "workbook-deleted-sheet": (
        "a sheet of the template deleted",
        "structure",
        {"deleted": "Periods"},
        ["project.xlsx", "no sheet 'Periods'"],
    ),
    "workbook-renamed-header": (
        "a header of a monitoring sheet renamed",
        "structure",
        {"edits": {("Monitoring EG_i,p", "D1"): "EG [MWh]"}},
        ["sheet 'Monitoring EG_i,p', cell D1", "'EG'"],
    ),
}


def write_cases(catalogue: Path) -> None:
    """Write the catalogue's workbook cases (run once; the files are committed)."""
    for name, (description, category, options, words) in CASES.items():
        folder = catalogue / name
        folder.mkdir(exist_ok=True)
        filled(folder / "project.xlsx", **options)
        quoted = ", ".join(f'"{w}"' for w in words)
        folder.joinpath("case.toml").write_text(
            f'category = "{category}"\ndoor = "workbook"\ndescription = "{description}"\n'
            f'words = [{quoted}]\nproject = "project.xlsx"\n',
            encoding="utf-8",
        )
