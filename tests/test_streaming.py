"""Monitoring files read in blocks: the same readings, coverage and errors as one block, with
duplicates, registers, meters and gaps checked across block edges, rows cited as in the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import jcmcalc
from jcmcalc.inputs.readers import blocks
from jcmcalc.inputs.series import coverage
from jcmcalc.inputs.series import ordered as series
from jcmcalc.model.errors import InputError
from tests.test_monitoring_series import (
    OVERLAPPING_METERS,
    energy,
    quarter_hours,
    registers,
    series_csv,
    write,
)

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def readings(path: Path) -> tuple:
    """The values (with their sources), coverage records and warnings of a calculation."""
    result = jcmcalc.calculate(path)
    values = {
        (number, name, key): value
        for number, period in enumerate(result.inputs.periods, start=1)
        for name, found in period.values.items()
        for key, value in found.items()
    }
    return values, result.inputs.coverage, result.warnings


def in_blocks(path: Path, size: int, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, int]:
    """The readings of ``path`` read in blocks of ``size`` rows, and how many blocks."""
    calls = []
    layout = series.layout

    def counted(*args, **kwargs):
        calls.append(1)
        return layout(*args, **kwargs)

    monkeypatch.setattr(blocks, "BLOCK_ROWS", size)
    monkeypatch.setattr(coverage, "COMPACT", 2)  # the runs of blocks joined as they come
    monkeypatch.setattr(series, "layout", counted)
    found = readings(path)
    monkeypatch.setattr(series, "layout", layout)
    return found, len(calls)


def one_block(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple:
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 1 << 40)
    return readings(path)


def gappy(system: str, start: str, count: int, skip: set[int]) -> list[tuple[str, str]]:
    times = quarter_hours(start, count)
    return [(t, f"{i % 97}.{i % 7}") for i, t in enumerate(times) if i not in skip]


SERIES = {
    "PV-1": gappy("PV-1", "2023-12-31T22:00", 16, {3, 4, 11}),
    "PV-2": gappy("PV-2", "2023-12-31T22:30", 12, {0, 6}),
}


def system_major() -> str:
    return series_csv(SERIES)


def time_major() -> str:
    rows = sorted((t, s, v) for s, values in SERIES.items() for t, v in values)
    return '"timestamp","system","EG_i,p [kWh]"\n' + "".join(f"{t},{s},{v}\n" for t, s, v in rows)


def meters() -> str:
    return registers(
        [
            "2023-12-31T22:00,A,PV-1,100",
            "2023-12-31T23:00,A,PV-1,150.5",
            "2024-01-01T01:00,A,PV-1,170",  # the old meter's last reading at the swap
            "2024-01-01T01:00,B,PV-1,0",
            "2024-01-01T03:00,B,PV-1,12.25",
            "2023-12-31T22:00,A,PV-2,7",
            "2023-12-31T23:15,A,PV-2,8",
            "2024-01-02T00:00,A,PV-2,9.5",
        ],
        meter=True,
    ).replace("system,meter", "meter,system")


@pytest.mark.parametrize("data", [system_major, time_major, meters], ids=lambda f: f.__name__)
@pytest.mark.parametrize("size", [1, 2, 3, 5, 7])
def test_blocks_give_the_readings_of_one_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data, size: int
) -> None:
    path = write(tmp_path, data(), both=True)
    expected = one_block(path, monkeypatch)
    found, count = in_blocks(path, size, monkeypatch)
    assert count > 1
    assert found == expected
    assert expected[1] and any("row" in v.source for v in expected[0].values())


def parquet_of(path: Path, rows: list[tuple[str, str, float | None]]) -> None:
    times, systems, values = zip(*rows, strict=True)
    table = pa.table(
        {
            "timestamp": pa.array(np.array(times, dtype="datetime64[us]")),
            "system": pa.array(systems).dictionary_encode(),
            "EG_i,p [kWh]": pa.array(values, type=pa.float64()),
        }
    )
    pq.write_table(table, path, row_group_size=5)


@pytest.mark.parametrize("size", [3, 7])  # batches within a row group of 5; whole row groups
def test_parquet_blocks_give_the_readings_of_one_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    rows = [(t, s, float(v)) for s, values in SERIES.items() for t, v in values]
    rows[4] = (rows[4][0], rows[4][1], None)  # a blank cell: a missing reading
    path = write(tmp_path, "PV-2", name="eg.parquet", both=True)
    parquet_of(tmp_path / "eg.parquet", rows)
    expected = one_block(path, monkeypatch)
    found, count = in_blocks(path, size, monkeypatch)
    assert count == (9 if size == 3 else 5) and found == expected
    assert [c.blank for c in expected[1] if c.blanks] == [(5,)]


def test_duplicate_time_across_blocks_names_both_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    times = quarter_hours("2023-06-01T00:00", 4)
    data = series_csv({"PV-1": [(t, "1") for t in [*times, times[3]]]})  # rows 5 and 6
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 4)  # rows 2-5, then row 6
    with pytest.raises(InputError, match=r"eg.csv, row 6: duplicate time .*rows 5 and 6"):
        jcmcalc.calculate(write(tmp_path, data))


def test_register_backwards_across_blocks_names_both_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = registers(
        ["2023-01-01T00:00,PV-1,100", "2023-06-01T00:00,PV-1,150", "2023-12-31T00:00,PV-1,20"],
        meter=False,
    )
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 2)  # rows 2-3, then row 4
    with pytest.raises(InputError, match=r"eg.csv, row 4: .*150 at row 3, then 20"):
        jcmcalc.calculate(write(tmp_path, data))


def test_a_register_across_blocks_counts_the_difference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = registers(
        ["2023-01-01T00:00,PV-1,100", "2023-06-01T00:00,PV-1,150.25", "2023-12-31T00:00,PV-1,160"],
        meter=False,
    )
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 1)
    assert energy(jcmcalc.calculate(write(tmp_path, data)), 1, "PV-1") == 60


def test_overlapping_meters_across_blocks_are_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = registers(OVERLAPPING_METERS, meter=True).replace("system,meter", "meter,system")
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 2)
    with pytest.raises(InputError, match=r"meter .B. starts at 2023-06-01.*row 4.*follow each"):
        jcmcalc.calculate(write(tmp_path, data))


def test_a_gap_across_blocks_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    times = quarter_hours("2023-06-01T00:00", 8)
    data = series_csv({"PV-1": [(t, "1") for n, t in enumerate(times) if n not in (3, 4)]})
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 3)  # the gap lies between blocks 1 and 2
    result = jcmcalc.calculate(write(tmp_path, data))
    (record,) = result.inputs.coverage
    assert record.present == 6 and record.spans == 3
    assert record.missing[1] == ("2023-06-01T00:45:00", "2023-06-01T01:00:00")


def test_rows_in_no_time_order_across_blocks_read_as_one_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    times = quarter_hours("2023-12-31T22:00", 12)
    rows = [(t, s, str(i)) for i, t in enumerate(times) for s in ("PV-2", "PV-1")][::-1]
    data = '"timestamp","system","EG_i,p [kWh]"\n' + "".join(f"{t},{s},{v}\n" for t, s, v in rows)
    path = write(tmp_path, data, both=True)
    expected = one_block(path, monkeypatch)
    found, count = in_blocks(path, 5, monkeypatch)
    assert found == expected and count == 3  # blocks 1 and 2, then the file as one


def test_a_bad_cell_in_a_later_batch_names_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [(t, "PV-1", 1.0) for t in quarter_hours("2023-06-01T00:00", 9)]
    rows[7] = (rows[7][0], "PV-1", float("nan"))
    path = write(tmp_path, "", name="eg.parquet")
    parquet_of(tmp_path / "eg.parquet", rows)
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 2)
    with pytest.raises(InputError, match=r"eg.parquet, row 8: .*nan is not a finite number"):
        jcmcalc.calculate(path)


def test_intervals_from_runs_equal_those_of_every_reading() -> None:

    rng = np.random.default_rng(7)
    start = np.datetime64("2023-01-01T00:00", "us")
    step = np.timedelta64(15, "m").astype("timedelta64[us]")
    tick = int(step.astype(np.int64))
    for _ in range(50):
        # two series of one member, with gaps, readings off the grid and before the period
        series = [
            np.unique(rng.integers(-20, 400, size=300)) * tick
            + np.where(rng.random(1) < 0.5, 0, rng.integers(0, tick)),
            np.unique(rng.integers(0, 300, size=100)) * tick * 2,
        ]
        ticks = np.concatenate(series) + start.astype(np.int64)
        starts = np.array([0, len(series[0])])
        gathered = coverage.Gathered(1, None, register=False)
        gathered.add(starts, np.zeros(2, dtype=np.int64), ticks, None, np.arange(len(ticks)))
        runs = coverage._by_group(gathered.runs, 4)[0]
        end = start + 360 * step
        found = coverage._intervals(runs, start, end, step, None)
        slots = np.unique((ticks - start.astype(np.int64)) // tick)
        have = np.zeros(360, dtype=bool)
        have[slots[(slots >= 0) & (slots < 360)]] = True
        missing = [
            (coverage.shown(start + a * step, None), coverage.shown(start + b * step, None))
            for a, b in coverage._runs(~have)
        ]
        assert found[1:] == (360, int(have.sum()), missing)


def test_a_parquet_file_read_in_blocks_is_hashed_as_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from jcmcalc.api import get_methodology
    from jcmcalc.inputs import digests
    from jcmcalc.run.pipeline import prepare

    rows = [(t, s, float(v)) for s, values in SERIES.items() for t, v in values]
    path = write(tmp_path, "PV-2", name="eg.parquet", both=True)
    parquet_of(tmp_path / "eg.parquet", rows)
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 4)
    data = (tmp_path / "eg.parquet").read_bytes()
    inputs = prepare(path, get_methodology)
    digest = inputs.digests[tmp_path / "eg.parquet"]  # recorded while read, not hashed later
    assert digest == digests.Digest(hashlib.sha256(data).hexdigest(), len(data))

    stamp = blocks._stamp
    changed = iter([(0, 0, 0)])  # the file looks different once read: it changed meanwhile
    monkeypatch.setattr(blocks, "_stamp", lambda p: next(changed, None) or stamp(p))
    with pytest.raises(InputError, match=r"eg.parquet: changed while jcmcalc was reading it"):
        jcmcalc.calculate(path)


@pytest.mark.parametrize("data", [system_major, time_major, meters], ids=lambda f: f.__name__)
def test_a_streamed_csv_file_gives_the_readings_of_one_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data
) -> None:
    from jcmcalc.inputs.readers import fastcsv

    path = write(tmp_path, data(), both=True)
    expected = one_block(path, monkeypatch)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    monkeypatch.setattr(fastcsv, "STREAM_BYTES", 0)  # every file streamed
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 64)  # a few rows per block
    found, count = in_blocks(path, 1 << 20, monkeypatch)
    assert count > 2 and found == expected


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda text: text.replace("\n", "\n\n", 1), "row"),  # an empty line: the careful reader
        (lambda text: text + "2023-12-31T23:59,PV-1,twelve\n", "'twelve' is not a finite number"),
        (lambda text: text + "2023-12-31T23:59,PV-1\n", "2 cells where the header has 3"),
        (lambda text: text.replace("\n", "\r"), "row"),  # line ends that are not counted
        (lambda text: text.replace("\n", "\r", 3), "row"),
    ],
)
def test_a_streamed_csv_file_that_is_not_plain_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change, words: str
) -> None:
    from jcmcalc.inputs.readers import fastcsv

    path = write(tmp_path, change(system_major()), both=True)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    monkeypatch.setattr(fastcsv, "STREAM_BYTES", 0)
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 64)
    try:
        found = readings(path)
    except InputError as error:
        assert words in str(error) and "eg.csv" in str(error)
        return
    monkeypatch.setattr(fastcsv, "STREAM_BYTES", 1 << 40)
    assert found == readings(path)


def test_a_streamed_csv_file_is_hashed_as_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from jcmcalc.api import get_methodology
    from jcmcalc.inputs.readers import fastcsv
    from jcmcalc.run.pipeline import prepare

    path = write(tmp_path, time_major(), both=True)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    monkeypatch.setattr(fastcsv, "STREAM_BYTES", 0)
    monkeypatch.setattr(blocks, "BLOCK_BYTES", 64)
    data = (tmp_path / "eg.csv").read_bytes()
    digest = prepare(path, get_methodology).digests[tmp_path / "eg.csv"]
    assert digest.sha256 == hashlib.sha256(data).hexdigest() and digest.size == len(data)


def test_a_large_csv_file_that_cannot_be_streamed_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jcmcalc.inputs.readers import fastcsv
    from jcmcalc.inputs.series import monitoring

    path = write(tmp_path, system_major().replace("\n", "\n\n", 1), both=True)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    monkeypatch.setattr(fastcsv, "STREAM_BYTES", 0)
    monkeypatch.setattr(monitoring, "MAX_FILE_BYTES", 10)
    with pytest.raises(InputError, match=r"eg.csv: cannot be read block by block .*sort it"):
        jcmcalc.calculate(path)
