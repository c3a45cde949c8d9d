"""A portfolio table's output written from columns equals the output of its rows, byte for
byte: failures among the rows, quoted and formula-like text, warnings, several members and
periods; and the exact sums and digits it is built from."""

from __future__ import annotations

import random
import struct
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jcmcalc import api, portfolio
from jcmcalc.inputs.readers import columns, fastcsv
from jcmcalc.model.numbers import decimal_text
from jcmcalc.portfolio.byte_lines import decimal_cells, joined
from jcmcalc.portfolio.compute import table_csv
from jcmcalc.portfolio.exact_figures import integer_sum
from jcmcalc.portfolio.frame import float_sum
from jcmcalc.portfolio.table.read import text
from tests.test_portfolio import HEADER, write_table

TITLES = HEADER.rstrip("\n") + ",eligibility C1,eligibility C2,eligibility C3\n"
MIXED = (
    TITLES
    + "B,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,grid study,-3,true,true,true\n"
    + "A,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,grid study,1000,true,true,true\n"
    + '"Z, with ""quotes""",TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,,,7000,,,\n'
    + "=SUM(A1),TH_AM001@3.0,2024-01-01,2024-12-31,S1,off-grid,,,10,true,,\n"
    + "D,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,,10,true,true,true\n"
    + "M,TH_AM001@3.0,2024-01-01,2024-06-30,S1,grid,0.5113,a study,1.001,true,true,true\n"
    + "M,TH_AM001@3.0,2024-01-01,2024-06-30,S2,off-grid,,,2.5,,,\n"
    + "M,TH_AM001@3.0,2024-07-01,2024-12-31,S1,grid,0.5113,a study,3,,,\n"
    + "M,TH_AM001@3.0,2024-07-01,2024-12-31,S2,off-grid,,,4.25,,,\n"
    + "N,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,5,true,false,true\n"
    + "Q,NO_SUCH@1.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,5,,,\n"
    + "R,TH_AM001@3.0,2024-12-31,2024-01-01,S1,grid,0.5,a study,5,,,\n"
    + "A0,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,2.000001,false,true,true\n"
)


def _compare(table: Path) -> str:
    text, failures = table_csv(table, api.get_methodology)
    rows = portfolio.calculate(table, api.get_methodology)
    assert text == portfolio.to_csv(rows)
    assert [r.project for r in failures] == [r.project for r in rows[:-1] if r.status == "failed"]
    return text


@pytest.fixture(params=["arrow", "matrix"])
def joining(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Lines joined by pyarrow's string kernels, and (pyarrow hidden) in a byte matrix."""
    if request.param == "matrix":
        monkeypatch.setitem(sys.modules, "pyarrow.compute", None)  # its import fails
    return request.param


def test_columns_write_the_bytes_of_the_rows(tmp_path: Path, joining: str) -> None:
    table = tmp_path / "mixed.csv"
    table.write_text(MIXED, encoding="utf-8")
    text = _compare(table)
    assert ",failed," in text and "'=SUM(A1)" in text and '"Z, with ""quotes"""' in text
    assert "NOT CREDITABLE" in text


@pytest.mark.parametrize("seed", [3, 19])
def test_columns_write_the_bytes_of_random_tables(tmp_path: Path, seed: int, joining: str) -> None:
    table = tmp_path / "random.csv"
    write_table(table, 150, seed)
    _compare(table)


def test_float_sum_is_exact() -> None:
    rng = random.Random(8)
    values = [rng.uniform(-1e6, 1e6) for _ in range(3000)]
    values += [rng.uniform(-1, 1) * 10.0 ** rng.randrange(-300, 300) for _ in range(3000)]
    values += [struct.unpack("<d", struct.pack("<q", rng.randrange(1, 1 << 52)))[0]]  # subnormal
    values += [0.0, -0.0, 1e308, -1e308, 5e-324]
    array = np.array(values)
    assert float_sum(array) == sum((Fraction(v) for v in values), Fraction(0))
    assert float_sum(array[:0]) == 0


def test_integer_sum_and_text_are_exact() -> None:
    rng = np.random.default_rng(4)
    integers = rng.integers(-(10**15), 10**15, 5000)
    integers[:4] = [0, -1, 999_999, -1_000_000]
    assert integer_sum(integers) == sum(integers.tolist())
    large = np.array([2**62, 2**62, -(2**61)], dtype=np.int64)
    assert integer_sum(large) == sum(large.tolist())
    newline = (np.full((len(integers), 1), 10, np.uint8), np.ones((len(integers), 1), bool))
    lines = bytes(joined([decimal_cells(integers, 6), newline])).decode().splitlines()
    texts = [line.removesuffix(",") for line in lines]  # the cell, then the line break
    assert texts == [decimal_text(Fraction(int(i), 10**6)) for i in integers.tolist()]


def test_the_arrow_reader_gives_the_output_of_the_careful_reader(
    tmp_path: Path, monkeypatch
) -> None:
    table = tmp_path / "mixed.csv"
    bad = "E,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,12x,,,\n"
    long = "F,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,1234567.1234567891,,,\n"
    table.write_text(MIXED + bad + long, encoding="utf-8")
    careful, _ = table_csv(table, api.get_methodology)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    assert fastcsv.load(table, ",", stream=False, numbers=False) is not None  # arrow reads it
    fast, failures = table_csv(table, api.get_methodology)
    assert fast == careful
    message = next(r.message for r in failures if r.project == "E")
    assert "mixed.csv, row 15" in message and "12x" in message
    exact = decimal_text(Fraction("1234567.1234567891") * Fraction("0.5"))
    assert f",{exact},0,{exact}," in next(x for x in fast.splitlines() if x.startswith("F,"))


@pytest.mark.parametrize("alphabet", ["ab", "abcXYZ019 -_,", "aé€"])
def test_encode_equals_numpy_unique(alphabet: str) -> None:
    rng = random.Random(len(alphabet))
    for count in (10, 5000, 20000):  # both the hashing path and the ASCII words path
        cells = np.array(
            ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(count)]
        )
        values, codes = columns.encode(cells)
        expected, inverse = np.unique(cells, return_inverse=True)
        assert values.tolist() == expected.tolist() and codes.tolist() == inverse.ravel().tolist()


@pytest.mark.parametrize("large", [False, True], ids=["string", "large_string"])
@pytest.mark.parametrize("alphabet", ["ab ", 'xyz,"', "é€a"])
def test_arrow_text_from_buffers_equals_its_python_strings(alphabet: str, large: bool) -> None:
    """Arrow's text (and pandas' arrow strings, with 64-bit offsets) read from its buffers."""
    pa = pytest.importorskip("pyarrow")
    rng = random.Random(len(alphabet))
    for _ in range(100):
        count = rng.randrange(300)
        cells = [
            None if rng.random() < 0.2 else "".join(rng.choices(alphabet, k=rng.randrange(9)))
            for _ in range(count)
        ]
        skip = rng.randrange(3) if count > 3 else 0  # a slice: offsets not from zero
        array = pa.array(cells, type=pa.large_string() if large else pa.string()).slice(skip)
        assert text(array).tolist() == ["" if c is None else c for c in cells[skip:]]


def test_columns_write_the_allocation_of_the_rows(tmp_path: Path, joining: str) -> None:
    lines = MIXED.splitlines()
    titles = ",allocation share Japan,allocation share Mongolia,allocation remainder"
    given = [line + (",20,80,Mongolia" if line[:2] in ("A,", "M,") else ",,,") for line in lines]
    table = tmp_path / "shared.csv"
    table.write_text("\n".join([lines[0] + titles, *given[1:]]) + "\n", encoding="utf-8")
    text = _compare(table)
    assert '"{""Japan"":100,""Mongolia"":400}"' in text


@given(st.lists(st.text(alphabet=st.sampled_from("ab \t\x1f\x00\xa0\u3000é\n"), max_size=5)))
def test_stripping_text_cells_copies_only_when_a_cell_has_white_space_at_an_edge(
    cells: list[str],
) -> None:
    """Alike cell by cell (a few cells) and by numpy's passes over the column (many)."""
    few = columns.FEW_CELLS
    try:
        for columns.FEW_CELLS in (few, 0):
            array = np.array(cells, dtype=str)
            found = columns.stripped(array)
            assert found.tolist() == np.char.strip(array).tolist()
            assert found.dtype == array.dtype
            assert array.flags.writeable and not found.flags.writeable  # the caller's untouched
            assert columns.stripped(found) is found  # known stripped: not checked again
            if np.shares_memory(found, array):
                assert [c.strip() for c in array.tolist()] == array.tolist()
    finally:
        columns.FEW_CELLS = few


def test_a_dictionary_column_knows_its_distinct_cells() -> None:
    names = np.array(["b", "a", "unused", "b2", ""])
    codes = np.array([0, 1, 0, 4, 3, 1, 0])
    cells = columns.known_codes(names, codes)
    assert cells.tolist() == ["b", "a", "b", "", "b2", "a", "b"]
    values, coded = columns.encode(cells)
    assert values.tolist() == ["", "a", "b", "b2"]  # sorted, the unused name left out
    assert values[coded].tolist() == cells.tolist()
    assert columns.coded(cells.copy()) is None  # a copy is hashed again
    assert columns.first_of(coded, len(values)).tolist() == [3, 1, 0, 4]


@pytest.mark.parametrize("smallest", [None, 0], ids=["as sized", "pyarrow"])
def test_a_bad_date_in_two_rows_fails_both_projects_citing_each_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smallest: int | None
) -> None:
    """Dates of a dictionary-encoded column are parsed once per distinct cell: a bad one is
    still cited at each row it is on."""
    if smallest is not None:
        monkeypatch.setattr(fastcsv, "SMALLEST", smallest)
    rows = [
        f"P{n},TH_AM001@3.0,{'2024-13-45' if n in (2, 4) else '2024-01-01'},2024-12-31,"
        "S1,grid,0.5,a study,10,true,true,true\n"
        for n in range(6)
    ]
    table = tmp_path / "dates.csv"
    table.write_text(TITLES + "".join(rows), encoding="utf-8")
    _, failures = table_csv(table, api.get_methodology)
    assert [(r.project, r.message) for r in failures] == [
        (
            f"P{n}",
            f"dates.csv, row {n + 2}: column 'start': '2024-13-45' is not an ISO date or timestamp",
        )
        for n in (2, 4)
    ]


def test_dates_read_once_per_distinct_cell_fail_as_read_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A serial number first, then a short date, an unknown one and a good one repeated: the
    arrow reader (distinct cells, in the order of the rows) fails the same projects with the
    same messages as the standard library's reader (every cell)."""
    starts = ["45000", "2024-01-01", "2024-13-45", "9/1/2024", "2024-01-01", "2024-13-45"]
    rows = [
        f"P{n},TH_AM001@3.0,{start},2024-12-31,S1,grid,0.5,a study,10,true,true,true\n"
        for n, start in enumerate(starts)
    ]
    table = tmp_path / "dates.csv"
    table.write_text(TITLES + "".join(rows), encoding="utf-8")
    by_rows = table_csv(table, api.get_methodology)
    assert "Excel serial" in by_rows[0] and "not a whole date" in by_rows[0]
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    assert table_csv(table, api.get_methodology) == by_rows


@pytest.mark.parametrize("base", [3, 1 << 40], ids=["int64", "beyond int64"])
def test_distinct_rows_of_coded_columns(base: int) -> None:
    """Rows of three coded columns, as the digits of one number (Python ints where the product
    of the bases passes int64): the distinct rows, sorted, and each row's among them."""
    rng = np.random.default_rng(4)
    codes = [rng.integers(0, 3, 200) for _ in range(3)]
    digits, row = columns.encode_rows(codes, [base] * 3)
    distinct = sorted(set(zip(*(c.tolist() for c in codes), strict=True)))
    assert list(zip(*(d.tolist() for d in digits), strict=True)) == distinct
    assert [distinct[r] for r in row.tolist()] == list(
        zip(*(c.tolist() for c in codes), strict=True)
    )


@given(
    st.integers(0, 9),
    st.lists(st.one_of(st.none(), st.integers(-(10**17), 10**17)), max_size=40),
)
def test_decimal_text_is_each_value_exactly_without_trailing_zeros(
    place: int, values: list[int | None]
) -> None:
    pa = pytest.importorskip("pyarrow")
    column = pa.array(
        [None if v is None else Decimal(v).scaleb(-place) for v in values],
        type=pa.decimal128(18, place),
    )
    expected = [
        "" if v is None else format(Decimal(v).scaleb(-place).normalize(), "f") for v in values
    ]
    assert columns.text_cells(column).tolist() == expected


def test_sorted_codes_are_the_encode_of_the_cells() -> None:
    cells = np.array(["b", "a", "c", "a", "b", "b"])
    found = columns.sorted_codes(cells, np.argsort(cells, kind="stable"))
    assert found is cells  # (the same text, its codes remembered)
    values, codes = columns.encode(found)
    expected, inverse = np.unique(cells, return_inverse=True)
    assert values.tolist() == expected.tolist() and codes.tolist() == inverse.tolist()
    unsorted = np.array(["b", "a"])
    assert columns.coded(columns.sorted_codes(unsorted, np.arange(2))) is None  # not in order
    taken = columns.taken(found, np.array([5, 2, 0]))
    values, codes = columns.encode(taken)
    assert values.tolist() == ["b", "c"] and codes.tolist() == [0, 1, 0]


@pytest.mark.parametrize("block", [2, 1 << 16])
def test_a_csv_read_in_one_block_or_many_gives_the_same_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """One block's arrays are kept as they are; many are joined: the same cells and rows
    (an empty line is no row, edge white space stripped)."""
    path = tmp_path / "output.csv"
    rows = " S1 ,119.171\n\nS2,\t88.679\nS3,1\n,\n"
    path.write_text('system,"EG_i,p [MWh]"\n' + rows, encoding="utf-8")
    monkeypatch.setattr(columns, "CSV_BLOCK", block)
    table = columns.load(path)
    assert table.titles == ("system", "EG_i,p [MWh]")
    assert columns.text_cells(table.cells["system"]).tolist() == ["S1", "S2", "S3"]
    assert table.cells["EG_i,p [MWh]"].tolist() == ["119.171", "88.679", "1"]
    assert table.rows.tolist() == [2, 4, 5]


IDS = st.text(alphabet=st.sampled_from("aAb é\u3000\U0001f600\t1"), max_size=4)


@given(st.lists(IDS, max_size=8))
def test_the_members_of_a_few_cells_are_coded_as_numpy_codes_them(cells: list[str]) -> None:
    """Cell by cell (a few) and by ``np.unique`` (many): the same sorted ids and codes."""
    few = columns.FEW_CELLS
    found = []
    try:
        for columns.FEW_CELLS in (few, 0):
            codes, names = columns.members(np.array(cells, dtype=str))
            found.append((codes.dtype, codes.tolist(), names))
    finally:
        columns.FEW_CELLS = few
    assert found[0] == found[1]
    assert [found[0][2][c] for c in found[0][1]] == [c.strip() for c in cells]
