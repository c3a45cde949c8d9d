"""The workbook's ex-ante side: expected reductions per year as live formulas of the design
values, recalculated by LibreOffice to the engine's figures."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

import jcmcalc
from jcmcalc.views.report import render
from tests.libreoffice import recalculate
from tests.test_report import THAI, _thai_copy
from tests.test_workbook import _cached, assert_recalculated


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> tuple[dict[str, tuple], Path, Path]:
    """The Thai example's estimate alone (``plan``) and its monitored periods beside the
    estimate (``both``, the estimate starting in the monitored year): results, the workbooks
    as written and as LibreOffice recalculated them."""
    tmp = tmp_path_factory.mktemp("ex-ante")
    text = THAI.read_text(encoding="utf-8").replace("start = 2025-01-01", "start = 2024-01-01")
    (tmp / "plan").mkdir()
    (tmp / "both").mkdir()
    plan = _thai_copy(tmp / "plan", text[: text.index("[[periods]]")])
    both = _thai_copy(tmp / "both", text)
    estimate = jcmcalc.estimate(plan)
    result, ex_ante = jcmcalc.calculate(both), jcmcalc.estimate(both)
    (tmp / "plan.xlsx").write_bytes(render(estimate, "xlsx"))
    (tmp / "both.xlsx").write_bytes(render(result, "xlsx", ex_ante=ex_ante))
    out = recalculate([tmp / "plan.xlsx", tmp / "both.xlsx"], tmp)
    return {"plan": (estimate,), "both": (result, ex_ante)}, tmp, out


def _rows(path: Path, sheet: str, data_only: bool) -> list[tuple]:
    book = openpyxl.load_workbook(path, data_only=data_only)
    return list(book[sheet].iter_rows(min_row=2, values_only=True))


def test_estimated_values_are_formulas_of_the_design_values(books) -> None:
    _, tmp, _ = books
    rows = _rows(tmp / "plan.xlsx", "input", data_only=False)
    estimated = {(r[0], r[2]): r[3] for r in rows if r[0] is not None and r[1] == "EG_i,p"}
    assert len(estimated) == 10 * 3  # ten years, three systems
    # EG = P_rated x SY x 1 yr x (1 - r_deg)^(n_y - 1), on the design values' cells.
    third = estimated[(3, "AYA-02")]
    assert third.startswith("=") and "POWER(" in third and "$A$" in third, third
    assert "input!$D$" in third


def test_libreoffice_recalculates_every_ex_ante_formula_to_its_cached_value(books) -> None:
    results, tmp, out = books
    for name in results:
        cached = _cached(tmp / f"{name}.xlsx")
        again = openpyxl.load_workbook(out / f"{name}.xlsx", data_only=True)
        assert_recalculated(name, cached, again)


def test_expected_credits_per_year_recalculate_exactly(books) -> None:
    results, _, out = books
    (estimate,) = results["plan"]
    rows = _rows(out / "plan.xlsx", "calc_process", data_only=True)
    credits = {r[0]: r[3] for r in rows if r[1] == "credits"}
    assert credits == {
        **{year.number: year.credits for year in estimate.periods},
        "total": estimate.total_credits,
    }
    result, ex_ante = results["both"]
    rows = _rows(out / "both.xlsx", "ex ante", data_only=True)
    years = {r[0]: r for r in rows if isinstance(r[0], int)}
    assert [years[y.number][4] for y in ex_ante.periods] == [y.credits for y in ex_ante.periods]
    first = years[1]
    assert first[5] == 366 and math.isclose(first[6], float(result.total_reductions))
    assert math.isclose(first[7], float(result.total_reductions - ex_ante.periods[0].reductions))
    assert years[2][6] is None  # no monitored day in the second year


def test_the_comparison_sheet_refers_to_the_estimate_and_the_monitored_er(books) -> None:
    _, tmp, _ = books
    rows = _rows(tmp / "both.xlsx", "ex ante", data_only=False)
    first = next(r for r in rows if r[0] == 1)
    assert first[3].startswith("=ex_ante_calc!$D$") and first[4].startswith("=ex_ante_calc!")
    # Periods 1 (182 days) and 2 (184 days) lie wholly in the year: ER_1*182/182+ER_2*184/184.
    assert first[6].count("calc_process!$D$") == 2 and "*182/182" in first[6]
    assert first[7] == "=G3-D3"  # title, header, then year 1


def test_a_changed_design_value_changes_every_year_of_the_estimate(books, tmp_path) -> None:
    """Double AYA-02's rated capacity on the input sheet: LibreOffice doubles its estimated
    output in every year, so the expected reductions are live formulas, not values."""
    _, tmp, _ = books
    book = openpyxl.load_workbook(tmp / "plan.xlsx")
    sheet = book["input"]
    (capacity,) = [
        row[3]
        for row in sheet.iter_rows(min_row=2)
        if (row[1].value, row[2].value) == ("P_rated,i", "AYA-02")
    ]
    capacity.value *= 2
    edited = tmp_path / "edited.xlsx"
    book.save(edited)
    out = recalculate([edited], tmp_path)
    before = _rows(tmp / "plan.xlsx", "input", data_only=True)
    after = _rows(out / "edited.xlsx", "input", data_only=True)
    estimated = [
        (old[3], new[3])
        for old, new in zip(before, after, strict=True)
        if old[0] is not None and (old[1], old[2]) == ("EG_i,p", "AYA-02")
    ]
    assert len(estimated) == 10
    assert all(math.isclose(new, 2 * old, rel_tol=1e-12) for old, new in estimated)
