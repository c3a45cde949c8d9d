"""The workbook's plausibility checks: each warning bound as formulas judging OK or breach,
cached with the kernel's judgement and recalculated by LibreOffice to the same."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import jcmcalc
from jcmcalc.inputs.consistency import judgements
from jcmcalc.views.report import render
from tests.libreoffice import recalculate
from tests.test_report import EXAMPLES, THAI, _thai_copy
from tests.test_workbook import _name


def _slipped(folder: Path) -> Path:
    """The Thai example with its first half-year's kWh headed as MWh (1,000x too much)."""
    path = _thai_copy(folder, THAI.read_text(encoding="utf-8"))
    monthly = folder / "monthly-2024H1.csv"
    monthly.write_text(monthly.read_text().replace("[kWh]", "[MWh]"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> tuple[dict[str, jcmcalc.Result], Path, Path]:
    """Every example with a check, and the slipped Thai example: results, the workbooks as
    written and as LibreOffice recalculated them."""
    tmp = tmp_path_factory.mktemp("checks")
    (tmp / "slipped").mkdir()
    projects = {_name(e): e for e in EXAMPLES} | {"slipped": _slipped(tmp / "slipped")}
    results = {}
    for name, project in projects.items():
        result = jcmcalc.calculate(project)
        if result.methodology.checks:
            results[name] = result
            (tmp / f"{name}.xlsx").write_bytes(render(result, "xlsx"))
    out = recalculate([tmp / f"{name}.xlsx" for name in results], tmp)
    return results, tmp, out


def _rows(path: Path, data_only: bool) -> list[tuple]:
    sheet = openpyxl.load_workbook(path, data_only=data_only)["checks"]
    return [r for r in sheet.iter_rows(min_row=3, values_only=True) if r[9] is not None]


def test_every_judgement_is_the_kernels(books) -> None:
    results, tmp, _ = books
    assert {"slipped", _name(THAI)} <= set(results)
    for name, result in results.items():
        inputs = result.inputs
        periods = tuple((p.period, p.values) for p in inputs.periods)
        judged = judgements(
            result.methodology, inputs.fixed, inputs.members, inputs.attributes, periods
        )
        rows = _rows(tmp / f"{name}.xlsx", data_only=True)
        assert len(rows) == len(judged), name
        for row, (period, check, key, left, right) in zip(rows, judged, strict=True):
            assert row[0] == (period.number if period else "all") and row[4] == check.name
            assert (row[5] or "") == "/".join(key)  # a check on no member: a blank cell
            assert (row[6], row[8]) == (float(left), float(right))
            assert row[9] == ("OK" if check.holds(left, right) else "breach")


def test_a_unit_slip_is_a_breach_in_the_workbook_as_in_the_warnings(books) -> None:
    results, tmp, out = books
    result = results["slipped"]
    assert any("kWh written as MWh?" in w for w in result.warnings)
    for path in (tmp / "slipped.xlsx", out / "slipped.xlsx"):
        judged = {(r[0], r[4], r[5]): r[9] for r in _rows(path, data_only=True)}
        assert judged[(1, "capacity factor", "BKK-01")] == "breach"
        assert judged[(2, "capacity factor", "BKK-01")] == "OK"
        assert judged[(1, "capacity factor, lower", "BKK-01")] == "OK"
    formulas = {(r[0], r[4], r[5]): r for r in _rows(tmp / "slipped.xlsx", data_only=False)}
    first = formulas[(1, "capacity factor", "BKK-01")]
    assert first[3].startswith("=(C") and first[6].startswith("=input!$D$")
    assert first[9].startswith("=IF(G") and '"OK","breach"' in first[9]
    assert "our labelled upper limit" in first[12]


def test_libreoffice_judges_as_the_kernel(books) -> None:
    results, tmp, out = books
    for name in results:
        written = _rows(tmp / f"{name}.xlsx", data_only=True)
        again = _rows(out / f"{name}.xlsx", data_only=True)
        assert [r[9] for r in again] == [r[9] for r in written], name


def test_an_error_check_on_parameters_is_on_the_sheet_too(books) -> None:
    """The WHR bound EG_sup <= P_rated x 24 h x D_p refuses a run that breaks it: a written
    workbook meets it, and the sheet says what a breach would do."""
    results, tmp, _ = books
    name = next(n for n in results if n.endswith("jamali-cement-whr"))
    rows = _rows(tmp / f"{name}.xlsx", data_only=True)
    assert {(r[0], r[4], r[9], r[13]) for r in rows} == {
        (1, "capacity x days", "OK", "the run refuses it"),
        (2, "capacity x days", "OK", "the run refuses it"),
    }
