"""Columnar monitoring data: periods by timestamp, gaps, duplicates, time zones, meters, Parquet."""

from __future__ import annotations

import datetime as dt
import textwrap
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import jcmcalc
from jcmcalc.model.errors import InputError

PROJECT = """
monitoring = ["{data}"]

[project]
name = "series"
{zone}

[methodology]
id = "MN_AM003"
version = "2.0"

[[systems]]
id = "PV-1"
grid = "national"
connection_case = "grid"

[[periods]]
start = 2023-01-01
end = 2023-12-31
"""
SECOND_SYSTEM = """
[[systems]]
id = "PV-2"
grid = "national"
connection_case = "grid"
"""
SECOND_PERIOD = """
[[periods]]
start = 2024-01-01
end = 2024-12-31
"""


def write(
    tmp_path: Path, data: str, *, zone: str = "", name: str = "eg.csv", both: bool = False
) -> Path:
    """A project of PV-1 (and PV-2 when ``data`` names it) over 2023 (and 2024 when ``both``)."""
    text = textwrap.dedent(PROJECT).format(zone=zone, data=name)
    text += (SECOND_SYSTEM if "PV-2" in data else "") + (SECOND_PERIOD if both else "")
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    if data:
        (tmp_path / name).write_text(textwrap.dedent(data).lstrip(), encoding="utf-8")
    return tmp_path / "project.toml"


def energy(result: jcmcalc.Result, period: int, system: str) -> Fraction:
    values = result.inputs.periods[period - 1].values["electricity_generated"]
    return values[(system,)].value


def quarter_hours(start: str, count: int) -> list[str]:
    moment = dt.datetime.fromisoformat(start)
    step = dt.timedelta(minutes=15)
    return [(moment + i * step).isoformat(timespec="minutes") for i in range(count)]


def series_csv(systems: dict[str, list[tuple[str, str]]]) -> str:
    lines = ["timestamp,system,EG_i,p [kWh]".replace("EG_i,p [kWh]", '"EG_i,p [kWh]"')]
    for system, readings in systems.items():
        lines += [f"{time},{system},{value}" for time, value in readings]
    return "\n".join(lines) + "\n"


def test_interval_series_split_at_inclusive_period_boundaries(tmp_path: Path) -> None:
    times = quarter_hours("2023-12-31T23:00", 8)  # 23:00 .. 00:45 next day
    data = series_csv(
        {
            "PV-1": [(t, "0.1") for t in times],
            "PV-2": [(t, "1000.003") for t in times],
        }
    )
    result = jcmcalc.calculate(write(tmp_path, data, both=True))
    # 23:00, 23:15, 23:30, 23:45 fall on 31 December (inclusive end); 00:00 starts period 2.
    assert energy(result, 1, "PV-1") == Fraction("0.4") / 1000
    assert energy(result, 2, "PV-1") == Fraction("0.4") / 1000
    assert energy(result, 1, "PV-2") == Fraction("4000.012") / 1000
    reading_rows = result.inputs.periods[1].values["electricity_generated"][("PV-1",)].source
    assert reading_rows == "eg.csv rows 6-9"


def test_a_gap_is_reported_not_filled(tmp_path: Path) -> None:
    times = quarter_hours("2023-06-01T00:00", 10)
    kept = times[:3] + times[6:]  # three readings missing
    data = series_csv({"PV-1": [(t, "2") for t in kept], "PV-2": [(t, "2") for t in times]})
    result = jcmcalc.calculate(write(tmp_path, data))
    record = next(r for r in result.inputs.coverage if r.member == ("PV-1",))
    assert (record.present, record.expected, record.spans) == (7, 365 * 96, 3)
    assert record.missing[1] == ("2023-06-01T00:45:00", "2023-06-01T01:15:00")
    warning = next(w for w in result.warnings if "PV system 'PV-1'" in w)
    assert "7 of 35040 intervals of 0:15:00" in warning and "2023-06-01T00:45" in warning
    assert energy(result, 1, "PV-1") == Fraction(14, 1000)  # 7 readings, none invented


def test_duplicate_timestamp_is_an_error_naming_both_rows(tmp_path: Path) -> None:
    times = quarter_hours("2023-06-01T00:00", 4)
    readings = [(t, "1") for t in times] + [(times[1], "1")]
    data = series_csv({"PV-1": readings})
    with pytest.raises(InputError) as info:
        jcmcalc.calculate(write(tmp_path, data))
    message = str(info.value)
    assert "duplicate time 2023-06-01T00:15" in message
    assert "rows 3 and 6" in message and "eg.csv" in message


def test_same_time_of_two_systems_is_no_duplicate(tmp_path: Path) -> None:
    times = quarter_hours("2023-06-01T00:00", 2)
    data = series_csv({"PV-1": [(t, "1") for t in times], "PV-2": [(t, "1") for t in times]})
    result = jcmcalc.calculate(write(tmp_path, data))
    assert energy(result, 1, "PV-2") == Fraction(2, 1000)


def test_offsets_need_a_declared_time_zone(tmp_path: Path) -> None:
    data = series_csv({"PV-1": [("2023-12-31T16:00:00+00:00", "5")]})
    with pytest.raises(InputError, match=r"row 2: .*UTC offset.*time_zone"):
        jcmcalc.calculate(write(tmp_path, data))


def test_offsets_are_converted_to_the_project_zone(tmp_path: Path) -> None:
    # 16:00 UTC on 31 December is 00:00 on 1 January in Ulaanbaatar (UTC+8): period 2.
    data = series_csv({"PV-1": [("2023-12-31T15:45:00Z", "5"), ("2023-12-31T16:00:00+00:00", "7")]})
    result = jcmcalc.calculate(
        write(tmp_path, data, zone='time_zone = "Asia/Ulaanbaatar"', both=True)
    )
    assert energy(result, 1, "PV-1") == Fraction(5, 1000)
    assert energy(result, 2, "PV-1") == Fraction(7, 1000)


def test_mixed_offsets_and_naive_times_are_an_error(tmp_path: Path) -> None:
    data = series_csv({"PV-1": [("2023-06-01T00:00Z", "5"), ("2023-06-01T00:15", "5")]})
    with pytest.raises(InputError, match=r"row 3: .*mixed"):
        jcmcalc.calculate(write(tmp_path, data, zone='time_zone = "UTC"'))


def test_unknown_time_zone_is_an_error(tmp_path: Path) -> None:
    data = series_csv({"PV-1": [("2023-06-01T00:00Z", "5")]})
    with pytest.raises(InputError, match="unknown time zone 'Mars/Olympus'"):
        jcmcalc.calculate(write(tmp_path, data, zone='time_zone = "Mars/Olympus"'))


def test_time_outside_every_period_names_the_row(tmp_path: Path) -> None:
    data = series_csv({"PV-1": [("2023-06-01T00:00", "1"), ("2025-01-01T00:00", "1")]})
    with pytest.raises(InputError, match=r"eg.csv, row 3: 2025-01-01.* outside any monitoring"):
        jcmcalc.calculate(write(tmp_path, data))


REGISTERS = """\
timestamp,system,{meter}"EG_i,p [MWh] register"
{rows}
"""


def registers(rows: list[str], *, meter: bool) -> str:
    return REGISTERS.format(meter="meter," if meter else "", rows="\n".join(rows))


def test_register_going_backwards_names_both_rows(tmp_path: Path) -> None:
    data = registers(
        ["2023-01-01T00:00,PV-1,100", "2023-06-01T00:00,PV-1,150", "2023-12-31T00:00,PV-1,20"],
        meter=False,
    )
    with pytest.raises(InputError) as info:
        jcmcalc.calculate(write(tmp_path, data))
    message = str(info.value)
    assert "row 4" in message and "150 at row 3" in message and "'meter' column" in message


def test_replaced_meter_counts_each_meter_once(tmp_path: Path) -> None:
    data = registers(
        [
            "2023-01-01T00:00,A,PV-1,100",
            "2023-06-01T00:00,A,PV-1,150",  # old meter's final reading at the swap
            "2023-06-01T00:00,B,PV-1,0",  # new meter's first reading at the swap
            "2023-12-31T00:00,B,PV-1,60",
        ],
        meter=True,
    )
    data = data.replace("system,meter", "meter,system")
    result = jcmcalc.calculate(write(tmp_path, data))
    assert energy(result, 1, "PV-1") == 110


#: Meter B starts (June) before meter A's last reading (September).
OVERLAPPING_METERS = [
    "2023-01-01T00:00,A,PV-1,100",
    "2023-09-01T00:00,A,PV-1,150",
    "2023-06-01T00:00,B,PV-1,0",
    "2023-12-31T00:00,B,PV-1,60",
]


def test_overlapping_meters_are_an_error(tmp_path: Path) -> None:
    data = registers(OVERLAPPING_METERS, meter=True).replace("system,meter", "meter,system")
    with pytest.raises(InputError, match=r"meter .B. starts at 2023-06-01.*must follow each other"):
        jcmcalc.calculate(write(tmp_path, data))


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("twelve", ["row 3", "'twelve' is not a finite number", "EG_i,p [kWh]"]),
        ("12 MWh", ["row 3", "mixed units in column", "'kWh'"]),
        ("12 kWh", ["row 3", "the unit belongs in the header"]),
        ("nan", ["row 3", "not a finite number"]),
        ("-5", ["row 3", "out of range"]),
    ],
)
def test_bad_cells_name_file_row_and_column(tmp_path: Path, cell: str, words: list[str]) -> None:
    data = series_csv({"PV-1": [("2023-06-01T00:00", "1"), ("2023-06-01T00:15", cell)]})
    with pytest.raises(InputError) as info:
        jcmcalc.calculate(write(tmp_path, data))
    for word in words:
        assert word in str(info.value)


def test_encoding_error_names_the_row(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    text = series_csv({"PV-1": [("2023-06-01T00:00", "1"), ("2023-06-01T00:15", "2")]})
    (tmp_path / "eg.csv").write_bytes(text.encode().replace(b",2\n", b",2\xff\n"))
    with pytest.raises(InputError, match=r"eg.csv, row 3: not UTF-8"):
        jcmcalc.calculate(path)


def test_two_columns_of_one_parameter_in_different_units(tmp_path: Path) -> None:
    data = 'timestamp,system,"EG_i,p [kWh]","electricity_generated [MWh]"\n2023-06-01,PV-1,1,2\n'
    with pytest.raises(InputError, match="mixed units"):
        jcmcalc.calculate(write(tmp_path, data))


def test_many_decimals_sum_exactly(tmp_path: Path) -> None:
    times = quarter_hours("2023-03-01T00:00", 3000)
    data = series_csv({"PV-1": [(t, "0.1") for t in times], "PV-2": [(t, "0.7") for t in times]})
    result = jcmcalc.calculate(write(tmp_path, data))
    assert energy(result, 1, "PV-1") == Fraction(300, 1000)
    assert energy(result, 1, "PV-2") == Fraction(2100, 1000)


def test_long_decimals_take_the_exact_path(tmp_path: Path) -> None:
    data = series_csv(
        {"PV-1": [("2023-06-01T00:00", "0.10000000000000000001"), ("2023-06-01T00:15", "1")]}
    )
    result = jcmcalc.calculate(write(tmp_path, data))
    assert energy(result, 1, "PV-1") == Fraction("1.10000000000000000001") / 1000


def test_unsorted_rows_give_the_same_sums(tmp_path: Path) -> None:
    times = quarter_hours("2023-12-31T22:00", 12)
    rows = [(t, s, str(i)) for i, t in enumerate(times) for s in ("PV-2", "PV-1")]
    rows.reverse()
    data = '"timestamp","system","EG_i,p [kWh]"\n' + "".join(f"{t},{s},{v}\n" for t, s, v in rows)
    result = jcmcalc.calculate(write(tmp_path, data, both=True))
    assert energy(result, 1, "PV-1") == Fraction(sum(range(8)), 1000)
    assert energy(result, 2, "PV-2") == Fraction(sum(range(8, 12)), 1000)


pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def parquet(path: Path, times: np.ndarray, systems: list[str], values: np.ndarray) -> None:
    field = pa.field("EG_i,p", pa.float64(), metadata={"unit": "kWh"})
    table = pa.table(
        {
            "timestamp": pa.array(times),
            "system": pa.array(systems).dictionary_encode(),
            "EG_i,p": pa.array(values, type=pa.float64()),
        }
    )
    table = table.cast(pa.schema([table.schema.field(0), table.schema.field(1), field]))
    pq.write_table(table, path)


def test_parquet_with_unit_metadata_equals_csv(tmp_path: Path) -> None:
    times = quarter_hours("2023-12-31T20:00", 24)
    values = [f"{(i * 7919) % 1000}.{i % 10}5" for i in range(24)]
    csv_project = write(
        tmp_path, series_csv({"PV-1": list(zip(times, values, strict=True))}), both=True
    )
    expected = jcmcalc.calculate(csv_project)
    folder = tmp_path / "pq"
    folder.mkdir()
    path = write(folder, "", name="eg.parquet", both=True)
    parquet(
        folder / "eg.parquet",
        np.array(times, dtype="datetime64[us]"),
        ["PV-1"] * 24,
        np.array([float(v) for v in values]),
    )
    result = jcmcalc.calculate(path)
    for period in (1, 2):
        assert energy(result, period, "PV-1") == energy(expected, period, "PV-1")
    assert [p.credits for p in result.periods] == [p.credits for p in expected.periods]


def test_parquet_zone_aware_column_needs_a_project_zone(tmp_path: Path) -> None:
    path = write(tmp_path, "", name="eg.parquet", both=True)
    moments = np.array(["2023-06-01T00:00", "2023-12-31T16:00"], dtype="datetime64[us]")
    times = pa.array(moments).cast(pa.timestamp("us", tz="UTC"))
    table = pa.table({"timestamp": times, "system": ["PV-1"] * 2, "EG_i,p [kWh]": [1.0, 1.5]})
    pq.write_table(table, tmp_path / "eg.parquet")
    with pytest.raises(InputError, match=r"time zone UTC.*time_zone"):
        jcmcalc.calculate(path)
    write(tmp_path, "", zone='time_zone = "Asia/Ulaanbaatar"', name="eg.parquet", both=True)
    result = jcmcalc.calculate(path)
    assert energy(result, 2, "PV-1") == Fraction("1.5") / 1000


def test_parquet_null_is_missing_and_nan_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "", name="eg.parquet")
    moments = pa.array(np.array(["2023-06-01T00:00", "2023-06-01T00:15"], dtype="datetime64[us]"))
    table = pa.table({"timestamp": moments, "system": ["PV-1"] * 2, "EG_i,p [kWh]": [2.5, None]})
    pq.write_table(table, tmp_path / "eg.parquet")
    assert energy(jcmcalc.calculate(path), 1, "PV-1") == Fraction("2.5") / 1000
    table = pa.table(
        {"timestamp": moments, "system": ["PV-1"] * 2, "EG_i,p [kWh]": [2.5, float("nan")]}
    )
    pq.write_table(table, tmp_path / "eg.parquet")
    with pytest.raises(InputError, match=r"eg.parquet, row 2: .*nan is not a finite number"):
        jcmcalc.calculate(path)


def test_gaps_and_duplicates_found_across_blocks(tmp_path: Path, monkeypatch) -> None:
    from jcmcalc.inputs.readers import blocks

    monkeypatch.setattr(blocks, "BLOCK_ROWS", 2)
    test_a_gap_is_reported_not_filled(tmp_path)
    test_duplicate_timestamp_is_an_error_naming_both_rows(tmp_path)


def test_a_field_beyond_the_csv_limit_is_bad_input(tmp_path: Path) -> None:
    data = 'timestamp,system,"EG_i,p [MWh]"\n2023-06-01T00:00,PV-1,' + "9" * 140_000 + "\n"
    with pytest.raises(InputError, match=r"eg.csv, row 2: unreadable CSV: field larger"):
        jcmcalc.calculate(write(tmp_path, data))


def test_carriage_returns_end_lines_as_newlines_do(tmp_path: Path) -> None:
    data = 'timestamp,system,"EG_i,p [MWh]"\n2023-06-01T00:00,PV-1,5\n2023-06-01T00:15,PV-1,7\n'
    expected = jcmcalc.calculate(write(tmp_path, data)).total_credits
    (tmp_path / "eg.csv").write_bytes(data.replace("\n", "\r").encode())
    assert jcmcalc.calculate(tmp_path / "project.toml").total_credits == expected


def test_a_column_of_empty_cells_is_missing_data_not_a_crash(tmp_path: Path) -> None:
    data = 'timestamp,system,"EG_i,p [MWh]"\n2023-06-01T00:00,PV-1,\n'
    with pytest.raises(InputError, match=r"EG_i,p"):
        jcmcalc.calculate(write(tmp_path, data))
