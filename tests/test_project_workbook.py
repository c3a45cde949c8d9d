"""Projects in Excel: every shipped sample exported to a project workbook (``template --from``)
and read back gives the figures, warnings and refusals of its project file, on every route;
a template of every installed methodology opens in openpyxl with its drop-downs and
protection; a template filled by a program and saved by LibreOffice reads identically."""

from __future__ import annotations

import json
import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc import api
from jcmcalc.model.errors import EXIT_BAD_INPUT, EXIT_MISMATCH, EXIT_OK, JcmcalcError
from jcmcalc.views.template import workbook_bytes
from tests.conftest import ROOT
from tests.test_parity import BAD, SAMPLES, THAI, _thai
from tests.workbook_projects import all_saved_by_libreoffice, filled, saved_by_libreoffice

openpyxl = pytest.importorskip("openpyxl")


def export(cli, project: Path) -> Path:
    book = project.with_suffix(".xlsx")
    code, _, err = cli("template", "--from", project, "-o", book)
    assert code == EXIT_OK, err
    return book


def _unplaced(text: str) -> str:
    """A message without the place of its monitoring rows (a file, or the sheet of it) and
    with the project file unnamed (a TOML file, or its workbook)."""
    text = re.sub(r"project\.xlsx, sheet 'File ([^']+)'", r"\1", text)
    return re.sub(r"project\.(toml|xlsx) ", "project ", text)


def outcome(path: Path, run) -> tuple:
    try:
        result = run(path)
    except JcmcalcError as exc:
        return ("refused", getattr(exc, "message", str(exc)), getattr(exc, "parameter", None))
    periods = [
        (
            p.number,
            p.start,
            p.end,
            p.reference,
            p.project,
            p.reductions,
            p.credits,
            tuple(p.calendar_years),
            p.calendar_split,
        )
        for p in result.periods
    ]
    return periods, tuple(_unplaced(w) for w in result.warnings)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parents[2].name}/{p.parent.name}")
def test_every_sample_round_trips(cli, path: Path, tmp_path: Path) -> None:
    shutil.copytree(path.parent, tmp_path / "p")
    project = tmp_path / "p" / path.name
    book = export(cli, project)
    for run in (jcmcalc.calculate, jcmcalc.estimate):
        assert outcome(book, run) == outcome(project, run), run.__name__
    if not api.load_project(project, require_periods=False)[0].periods:
        return
    code, toml_json, _ = cli("calculate", project, "--format", "json")
    assert code == EXIT_OK
    code, book_json, err = cli("calculate", book, "--format", "json")
    assert code == EXIT_OK, err
    assert json.loads(book_json)["periods"] == json.loads(toml_json)["periods"]
    code, _, err = cli("report", book, "--format", "html", "-o", tmp_path / "r.html")
    assert code == EXIT_OK, err
    submitted = tmp_path / "submitted.json"
    submitted.write_text(toml_json, encoding="utf-8")
    code, out, _ = cli("verify", book, "--reported", submitted)
    assert ": 0 of " in out and "figures differ" in out, out  # same figures, other inputs
    assert "project.xlsx, an input of this project, is not among" in out, out
    submitted.write_text(book_json, encoding="utf-8")
    code, out, _ = cli("verify", book, "--reported", submitted)
    assert "figures agree." in out or ": 0 of " in out, out
    assert code == (EXIT_MISMATCH if "incomplete coverage" in toml_json else EXIT_OK), out


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_project_is_refused_alike_from_its_workbook(cli, case: str, tmp_path: Path) -> None:
    project = _thai(tmp_path, BAD[case][0])
    refused = outcome(project, jcmcalc.calculate)
    assert refused[0] == "refused"
    book = project.with_suffix(".xlsx")
    code, _, err = cli("template", "--from", project, "-o", book)
    if code != EXIT_OK:  # refused while exporting: the same message
        assert code == EXIT_BAD_INPUT and refused[1] in err
        return
    assert outcome(book, jcmcalc.calculate) == refused
    code, _, err = cli("calculate", book)
    assert code == EXIT_BAD_INPUT and "project.xlsx, sheet '" in err and ", cell " in err, err


def _every_methodology() -> list[str]:
    return [f"{m.id}@{m.version}" for m in api.registry().methodologies()]


def test_a_template_of_every_methodology_opens_with_drop_downs_and_protection(
    tmp_path: Path,
) -> None:
    written: dict[Path, str] = {}
    for label in _every_methodology():
        identifier, _, version = label.partition("@")
        methodology = api.get_methodology(identifier, version)
        path = tmp_path / f"{identifier}-{version}.xlsx"
        path.write_bytes(workbook_bytes(methodology))
        book = openpyxl.load_workbook(path)
        project = book["Project"]
        assert project["B2"].value == methodology.id and project["B3"].value == methodology.version
        assert project["B2"].protection.locked is True  # the methodology is locked
        assert project["B4"].protection.locked is False  # the name is an input
        for sheet in book.worksheets:
            assert sheet.protection.sheet, f"{label}: {sheet.title} is not protected"
        answers = [v for v in project.data_validations.dataValidation if v.type == "list"]
        assert len(answers) >= len(methodology.criteria), label
        monitored = [p for p in methodology.parameters if p.kind == "monitored ex post"]
        for parameter in monitored:
            sheet = book[f"Monitoring {parameter.symbol}"[:31]]
            kinds = {v.type for v in sheet.data_validations.dataValidation}
            assert {"date", "decimal", "list"} <= kinds, (label, sheet.title, kinds)
        for index in methodology.indices:
            chosen = [name for name, choices in index.attributes.items() if choices]
            if index.members or not chosen:
                continue
            kinds = [v.type for v in book[f"Members {index.key}"].data_validations.dataValidation]
            assert kinds.count("list") >= len(chosen), (label, index.key)
        with pytest.raises(JcmcalcError, match=r"sheet 'Project', cell B\d+: criterion") as refused:
            jcmcalc.calculate(path)  # an empty template: the first blank answer is refused
        written[path] = refused.value.message
    assert len(written) == len(_every_methodology()) >= 20
    if shutil.which("soffice") is None:
        return
    saved_all = all_saved_by_libreoffice(list(written), tmp_path / "lo")
    for path, saved in zip(written, saved_all, strict=True):
        assert saved.is_file(), f"LibreOffice did not open and save {path.name}"
        with pytest.raises(JcmcalcError) as refused:
            jcmcalc.calculate(saved)  # read alike once LibreOffice has saved it
        assert refused.value.message == written[path]


def test_a_filled_template_reads_alike_once_saved_by_libreoffice(tmp_path: Path) -> None:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    typed = filled(tmp_path / "typed.xlsx")
    computed = filled(tmp_path / "computed.xlsx", formula=True)
    expected = outcome(typed, jcmcalc.calculate)
    # 590.06 MWh (typed as text with its unit) x 0.4 + 400.5 MWh x 0.533 (off-grid default)
    assert expected[0][0][5] == Fraction("449.4905") and expected[0][0][6] == 449
    assert expected[0][1][5] == Fraction("6") * Fraction("95.25") * Fraction("0.4") + Fraction(
        "6"
    ) * Fraction("60.5") * Fraction("0.533")
    with pytest.raises(JcmcalcError, match=r"sheet 'Monitoring EG_i,p', cell D3: a formula"):
        jcmcalc.calculate(computed)
    for path in (typed, computed):
        saved = saved_by_libreoffice(path, tmp_path / f"lo-{path.stem}")
        assert saved.read_bytes() != path.read_bytes()
        assert outcome(saved, jcmcalc.calculate) == expected, path.name


def test_a_bad_estimate_value_is_placed_on_the_estimate_sheet(cli, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "methodologies/solar-pv/examples/indonesia-battery", tmp_path / "p")
    book = export(cli, tmp_path / "p" / "project.toml")
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["Estimate"]
    row = next(r for r in range(6, sheet.max_row + 1) if sheet.cell(r, 1).value)
    column = next(c.column_letter for c in sheet[5] if c.value == "value")
    sheet[f"{column}{row}"] = "many"  # the first yearly value
    workbook.save(book)
    with pytest.raises(JcmcalcError, match=rf"sheet 'Estimate', cell {column}{row}: parameter "):
        jcmcalc.estimate(book)
    # the monitoring sheets are not its place: they hold the periods' values
    jcmcalc.calculate(book)


def test_the_template_command(cli, tmp_path: Path) -> None:
    book = tmp_path / "t.xlsx"
    assert cli("template", "TH_AM001@1.0", "--members", 4, "-o", book)[0] == EXIT_OK
    members = openpyxl.load_workbook(book)["Members systems"]
    assert [members.cell(r, 5).value for r in range(2, 7)] == ["t_CO2/MWh"] * 4 + [None]
    for args, words in (
        (("TH_AM001@1.0", "--from", THAI), "one of them"),
        (("--from", book), "is a workbook already"),
        (("TH_AM001@1.0", "--members", 0), "--members must be from 1"),
        (("NO_SUCH_AM@1.0",), "NO_SUCH_AM"),
    ):
        code, _, err = cli("template", *args, "-o", tmp_path / "x.xlsx")
        assert code == EXIT_BAD_INPUT and words in err, (args, err)
    assert not (tmp_path / "x.xlsx").exists()
    bare = _thai(tmp_path / "bare", {})
    text = bare.read_text(encoding="utf-8").replace(
        'data = "monthly-2024H1.csv"',
        'values = { "EG_i,p" = { BKK-01 = "590", AYA-02 = "1 MWh", CNX-03 = "1 MWh" } }',
    )
    bare.write_text(text, encoding="utf-8")
    code, _, err = cli("template", "--from", bare, "-o", tmp_path / "x.xlsx")
    assert code == EXIT_BAD_INPUT and "'590' has no unit" in err and "periods[1]" in err, err


def test_whole_columns_of_one_kind_are_typed_as_cell_by_cell() -> None:
    import datetime as dt

    import numpy as np

    from jcmcalc.inputs.readers import excel

    path, rows = Path("eg.xlsx"), [2, 3, 4]
    numbers = excel._column([1.5, 0.1 + 0.2, 3.0], "EG_i,p [MWh]", rows, path)
    assert numbers.dtype == np.float64 and numbers.tolist() == [1.5, 0.30000000000000004, 3.0]
    ids = excel._column([" PV-1 ", "", "  "], "system", rows, path)
    assert ids.tolist() == ["PV-1", "", ""]
    days = [dt.date(2024, 1, 31), dt.datetime(2024, 2, 1, 12, 30), dt.date(2024, 3, 1)]
    moments = excel._column(days, "date", rows, path)
    assert moments.dtype == np.dtype("datetime64[us]")
    assert moments.tolist() == [dt.datetime(2024, 1, 31), days[1], dt.datetime(2024, 3, 1)]
    with pytest.raises(JcmcalcError, match="no Excel date serial"):
        excel._column([45292.0, 1e12, 45293.0], "date", rows, path)  # numbers: serial dates


def test_plain_sheets_are_checked_by_byte_search_others_cell_by_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jcmcalc.inputs.readers import xlsx_parts

    walked: list[str] = []
    walk = xlsx_parts._cells

    def counted(stream, sheet, path):
        walked.append(sheet.name)
        return walk(stream, sheet, path)

    monkeypatch.setattr(xlsx_parts, "_cells", counted)
    assert jcmcalc.calculate(filled(tmp_path / "typed.xlsx")).total_credits == 449 + 422
    assert walked == []  # no formula, no error cell, every cell and row placed
    with pytest.raises(JcmcalcError, match="cell D3: a formula"):
        jcmcalc.calculate(filled(tmp_path / "computed.xlsx", formula=True))
    assert walked == ["Monitoring EG_i,p"]  # the sheet with a formula, walked to name the cell
