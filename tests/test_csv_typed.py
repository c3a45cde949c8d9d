"""The typed CSV path (values parsed by arrow straight into exact decimals) reads every cell as
the careful path (the standard library reader and exact text parsing) does: the same exact
values, the same missing cells, the same refusals with the same messages, read whole or in
blocks; and the same figures end to end, times with offsets and dates included."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.inputs import cell_numbers
from jcmcalc.inputs.readers import blocks, columns, fastcsv
from jcmcalc.model.errors import InputError
from tests.test_monitoring_series import quarter_hours, series_csv, write

pa = pytest.importorskip("pyarrow")

TITLE = "EG_i,p [kWh]"
#: Cells both paths take, each with a reason to be here.
ACCEPTED = [
    "0.1",  # no float is 0.1: the decimal is
    "0.1000000000000000000001",  # 22 significant digits: no float tells it from 0.1
    "0.12345678901234567",  # 17 significant digits
    "12345678901234567",  # 17 digits, beyond 2**53
    "999999999999999.999",  # 18 digits: the most a typed decimal holds
    "1234567890123456789012",  # 22 digits: beyond a typed decimal
    "0.123456789",  # the most places read typed
    "0.1234567891234",  # more places: read as text
    "-0.5",
    "-0",
    "+1.5",
    ".5",
    "5.",
    " 1.5",
    "2.5 ",
    '"2.25"',  # quoted
    "000123.4500",
    "",  # a missing cell
    "1e3",  # exponents: read as text, whose guard they pass
    "1E-2",
    "2.5e+1",
    "-1.25e-3",
]
#: Cells both paths refuse, with the same message.
REFUSED = [
    "nan",
    "inf",
    "-inf",
    "0e-99",  # zero, but an exponent beyond the guard (arrow reads it as 0)
    "1e-400",
    "1e31",
    "0.0001e31",
    '"1,000.5"',  # thousands separators are no number
    "12.5 kWh",
    "0x10",
    "--1",
    "1.2.3",
]


def _file(tmp_path: Path, cells: list[str], name: str = "cells.csv") -> Path:
    """A long CSV file whose value cells are ``cells``, after rows of three decimals (which
    set the places the typed path starts with), names holding ``e``."""
    times = quarter_hours("2023-01-01T00:00", 40 + len(cells))
    values = [f"{n}.{n % 1000:03}" for n in range(40)] + cells
    lines = [f'timestamp,system,"{TITLE}"']
    lines += [f"{t},Tree-{n % 2},{v}" for n, (t, v) in enumerate(zip(times, values, strict=True))]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _values(table: columns.Table) -> list[Fraction | None]:
    """Each row's exact value (None: missing), as the monitoring reader takes them."""
    present, found = cell_numbers.numbers(table.cells[TITLE], title=TITLE, table=table, unit="kWh")
    values = iter(found.integers.tolist())
    return [
        Fraction(int(next(values)), 10**found.scale) if given else None
        for given in present.tolist()
    ]


def _fast(path: Path, monkeypatch: pytest.MonkeyPatch, size: int | None) -> list:
    """The values through the typed reader: whole, or streamed in blocks of ``size`` bytes."""
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    if size is None:
        table = fastcsv.load(path, ",")
        assert table is not None
        return _values(table)
    monkeypatch.setattr(fastcsv, "STREAM_BYTES", 0)
    table = fastcsv.load(path, ",")
    assert table is not None
    return [v for block in fastcsv.batches(table, size, blocks.ReadWhole) for v in _values(block)]


@pytest.mark.parametrize("size", [None, 200, 1 << 20], ids=["whole", "small blocks", "streamed"])
def test_every_accepted_cell_reads_as_the_careful_path_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int | None
) -> None:
    path = _file(tmp_path, ACCEPTED)
    careful = _values(columns.load(path, ","))
    assert _fast(path, monkeypatch, size) == careful
    assert careful[40] == Fraction(1, 10) and careful[57] is None  # (read, not all None)


@pytest.mark.parametrize("cell", ACCEPTED)
def test_each_accepted_cell_alone_reads_as_the_careful_path_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str
) -> None:
    path = _file(tmp_path, [cell, "1.5"])
    assert _fast(path, monkeypatch, None) == _values(columns.load(path, ","))


@pytest.mark.parametrize("cell", REFUSED)
def test_a_refused_cell_is_refused_with_the_careful_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str
) -> None:
    path = _file(tmp_path, ["1.5", cell])
    with pytest.raises(InputError) as careful:
        _values(columns.load(path, ","))
    with pytest.raises(InputError) as fast:
        _fast(path, monkeypatch, None)
    assert str(fast.value) == str(careful.value) and careful.value.row == 43


def test_plain_values_are_parsed_typed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The typed path is the one taken for plain decimals (names with ``e`` or not); an
    exponent sends a block to text, so do more places than the first rows show, and the blocks
    after it are typed with as many places."""
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    path = _file(tmp_path, ["1.5", "2.25"])
    kind = fastcsv.load(path, ",").cells[TITLE].type
    assert kind == pa.decimal128(fastcsv.DIGITS, 3)
    path = _file(tmp_path, ["1.5", "1e3"])
    assert pa.types.is_string(fastcsv.load(path, ",").cells[TITLE].type)  # for exact text
    monkeypatch.setattr(fastcsv, "STREAM_BYTES", 0)
    path = _file(tmp_path, [*["1.5"] * 20, "0.12345", *["2.5"] * 40])
    table = fastcsv.load(path, ",")
    kinds = [getattr(b.cells[TITLE], "type", None) for b in fastcsv.batches(table, 300, KeyError)]
    decimals = [k.scale if k is not None and pa.types.is_decimal(k) else None for k in kinds]
    assert decimals[0] == 3 and None in decimals and decimals[-1] == 5


@pytest.mark.parametrize(
    ("times", "zone"),
    [
        ([f"{t}+08:00" for t in quarter_hours("2023-12-31T20:00", 60)], "Asia/Ulaanbaatar"),
        ([f"{t}Z" for t in quarter_hours("2023-12-31T15:00", 60)], "Asia/Ulaanbaatar"),
        (quarter_hours("2023-12-31T20:00", 60), ""),
        ([str(dt.date(2023, 11, 1) + dt.timedelta(days=n)) for n in range(90)], ""),
    ],
    ids=["offsets", "utc", "naive", "dates"],
)
@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
def test_the_figures_are_the_careful_readers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, times: list[str], zone: str, streamed: bool
) -> None:
    cells = ["0.1000000000000000000001", "1e3", "", "-0", "12345678901234567", "0.125"]
    values = [f"{n}.{n % 7}" for n in range(len(times) - len(cells))] + cells
    data = series_csv({"PV-1": list(zip(times, values, strict=True))})
    if "-" not in times[0][8:]:  # dates
        data = data.replace("timestamp,", "date,", 1)
    path = write(tmp_path, data, zone=f'time_zone = "{zone}"' if zone else "", both=True)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    if streamed:
        monkeypatch.setattr(fastcsv, "STREAM_BYTES", 0)
        monkeypatch.setattr(blocks, "BLOCK_BYTES", 256)
    fast = jcmcalc.calculate(path)
    monkeypatch.setattr(fastcsv, "load", lambda *_, **__: None)
    careful = jcmcalc.calculate(path)
    assert fast.to_json() == careful.to_json()
    assert fast.total_reductions > 0


def _outcome(path: Path) -> object:
    try:
        return jcmcalc.calculate(path).to_json()
    except InputError as error:
        return str(error)


@pytest.mark.parametrize("size", range(40, 100, 3))
def test_a_quoted_cell_spanning_lines_reads_as_the_careful_reader_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    """Wherever a block is cut, a line end inside a quoted cell (here, value cells "1.5
    followed by a line end) is read as the careful reader reads it."""
    times = quarter_hours("2023-12-31T22:00", 12)
    values = [f'"{n}.5\n"' if n % 4 == 3 else f"{n}.25" for n in range(12)]
    path = write(tmp_path, series_csv({"PV-1": list(zip(times, values, strict=True))}), both=True)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    monkeypatch.setattr(fastcsv, "STREAM_BYTES", 0)
    monkeypatch.setattr(blocks, "BLOCK_BYTES", size)
    fast = _outcome(path)
    monkeypatch.setattr(fastcsv, "load", lambda *_, **__: None)
    assert fast == _outcome(path)


def test_a_template_exported_from_a_typed_csv_holds_the_careful_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``jcmcalc template --from`` writes the readings of a CSV file parsed typed as the
    careful reader's: numbers where a float carries them, exact text where none does."""
    from jcmcalc import api
    from jcmcalc.run import pipeline
    from jcmcalc.views.template import export

    times = quarter_hours("2023-12-31T22:00", 8)
    values = ["1.500", "226.835", "12345678901.234567", "0", "", "7.25", "0.125", "3"]
    path = write(tmp_path, series_csv({"PV-1": list(zip(times, values, strict=True))}), both=True)
    project, methodology = pipeline.load(path, api.get_methodology, require_periods=False)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    assert pa.types.is_decimal(fastcsv.load(tmp_path / "eg.csv", ",").cells[TITLE].type)
    typed = _sheet(export.exported(project, methodology).files)
    monkeypatch.setattr(fastcsv, "load", lambda *_, **__: None)
    careful = _sheet(export.exported(project, methodology).files)
    assert typed == careful
    assert [row[-1] for row in careful][:5] == [1.5, 226.835, "12345678901.234567", 0.0, None]


def _sheet(files: dict) -> list[list]:
    """The rows of the one File sheet, an empty cell as None whichever reader left it."""
    ((_, rows),) = files.values()
    return [[None if cell == "" else cell for cell in row] for row in rows]
