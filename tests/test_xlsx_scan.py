"""The numpy byte searches of the workbook door (``xlsx_parts.Scan``) find exactly what their
plain Python definitions find (``mark in data``, ``re.findall``), on sheets written to be near
misses: that door is a security boundary."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jcmcalc.inputs.readers import xlsx_parts
from jcmcalc.inputs.readers.xlsx_parts import Scan

_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
PIECES = [
    b'<c r="',
    b"<c ",
    b"<c>",
    b"<c/>",
    b"<f>",
    b"<f ",
    b"<f/>",
    b"<row>",
    b"<row ",
    b"row",
    b'<row r="',
    b":c ",
    b":row ",
    b":f",
    b't="e"',
    b'"',
    b"<",
    b":",
    b"A",
    b"Z",
    b"AB",
    b"XFD",
    b"ABCD",
    b"0",
    b"1",
    b"9",
    b"1048576",
    b"12345678",
    b"a",
    b"\0",
    b" ",
    b"/>",
    b"<v>1</v></c>",
]


def reference(data: bytes) -> tuple[list[int], list[int]] | None:
    """What the door found before: every ``<c `` a reference ``re.findall`` takes, else None."""
    found = _CELL_REF.findall(data)
    if len(found) != data.count(b"<c "):
        return None
    columns = []
    for letters, _ in found:
        column = 0
        for letter in letters.decode():
            column = column * 26 + ord(letter) - 64
        columns.append(column)
    return [int(row) for _, row in found], columns


def _check(data: bytes) -> None:
    scan = Scan(data)
    for mark in xlsx_parts._UNUSUAL:
        assert scan.has(mark) == (mark in data), mark
    rows = (b'<row r="', b"<row ")
    assert scan.same(*rows) == (data.count(rows[0]) == data.count(rows[1]))
    found = scan.references()
    expected = reference(data)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert found[0].tolist() == expected[0] and found[1].tolist() == expected[1]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_searches_find_what_their_definitions_find(pieces: list[bytes]) -> None:
    _check(b"".join(pieces))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b'<c r="A1"',
        b'<c r="XFD1048576"><v>1</v></c>',
        b'<c r="ABCD1"',  # four letters
        b'<c r="A12345678"',  # eight digits
        b'<c r="A0"',
        b'<c r="a1"',
        b'<c r="A1',  # the quote missing at the very end
        b'<c r="1"',
        b'<c r="A"',
        b'<row r="1"><c r="B7" t="n"><v>2</v></c><c r="AA10"/></row>',
        b"<c",
        b"<f",
        b":",
    ],
)
def test_near_misses(data: bytes) -> None:
    _check(data)
    _check(data + b" ")


def test_a_sheet_of_many_rows() -> None:
    rows = np.arange(1, 3000)
    data = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c><c r="AB%d"/></row>' % (r, r, r) for r in rows
    )
    _check(data)
    assert Scan(data).references()[0].max() == 2999
