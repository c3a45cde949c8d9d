"""The DataFrame door: a frame's DatetimeIndex, nullable and float32 columns, duplicate names.

Seen failing before: a frame dated by its DatetimeIndex was counted whole in each of two
yearly periods (800 credits instead of 400); a nullable ``Int64`` went through float64 (one
credit more at 9,007,199,254,740,999 kWh); float32 0.1 was read as 0.10000000149011612;
duplicate column names were an internal error.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import jcmcalc
from jcmcalc.model.errors import InputError

pandas = pytest.importorskip("pandas")
EG = "EG_i,p [kWh]"


def _project(data: object, years: tuple[int, ...] = (2024,)) -> dict:
    """A TH_AM001 project of yearly periods: ``data`` under [monitoring] when it is dated,
    else the data of its one period."""
    periods = [{"start": dt.date(y, 1, 1), "end": dt.date(y, 12, 31)} for y in years]
    dated = isinstance(data.index, pandas.DatetimeIndex) or "timestamp" in data.columns
    if not dated:
        periods[0]["data"] = data
    return {
        "methodology": {"id": "TH_AM001", "version": "3.0"},
        "systems": [{"id": "A", "connection_case": "off-grid"}],
        "periods": periods,
        **({"monitoring": [data]} if dated else {}),
    }


def _dated(values: list, column: str = EG) -> object:
    days = pandas.date_range("2024-06-01", periods=len(values), freq="200D")
    return pandas.DataFrame({"system": ["A"] * len(values), column: values}, index=days)


def test_a_datetime_index_dates_the_rows(tmp_path) -> None:
    frame = _dated([400_000, 400_000])  # 2024-06-01 and 2024-12-18... then 2025-07-06
    frame = pandas.concat([frame, _dated([400_000]).set_axis([pandas.Timestamp("2025-03-01")])])
    by_index = jcmcalc.calculate(_project(frame, (2024, 2025)), folder=tmp_path)
    as_column = frame.rename_axis("timestamp").reset_index()
    by_column = jcmcalc.calculate(_project(as_column, (2024, 2025)), folder=tmp_path)
    assert [p.reductions for p in by_index.periods] == [p.reductions for p in by_column.periods]
    assert by_index.total_reductions == by_column.total_reductions
    assert by_index.periods[0].reductions != by_index.periods[1].reductions


def test_a_datetime_index_beside_a_time_column_is_refused(tmp_path) -> None:
    frame = _dated([1, 2]).assign(timestamp=pandas.Timestamp("2024-02-01"))
    with pytest.raises(InputError, match=r"<frame monitoring\[1\]>: the frame is dated twice"):
        jcmcalc.calculate(_project(frame), folder=tmp_path)


def test_a_nullable_integer_is_read_exactly(tmp_path) -> None:
    big = 9_007_199_254_740_999
    numpy_int = pandas.DataFrame({"system": ["A"], EG: np.array([big], dtype=np.int64)})
    nullable = pandas.DataFrame({"system": ["A", "A"], EG: pandas.array([big, None], "Int64")})
    expected = jcmcalc.calculate(_project(numpy_int), folder=tmp_path).total_reductions
    assert jcmcalc.calculate(_project(nullable), folder=tmp_path).total_reductions == expected
    full = pandas.DataFrame({"system": ["A"], EG: pandas.array([big], "Int64")})
    assert jcmcalc.calculate(_project(full), folder=tmp_path).total_reductions == expected


@pytest.mark.parametrize("dtype", [np.float32, "Float32"])
def test_float32_cells_are_their_own_shortest_decimals(tmp_path, dtype) -> None:
    text = pandas.DataFrame({"system": ["A", "A"], EG: ["1234.1", "0.1"]})
    single = pandas.DataFrame({"system": ["A", "A"], EG: pandas.array([1234.1, 0.1], dtype)})
    expected = jcmcalc.calculate(_project(text), folder=tmp_path).total_reductions
    assert jcmcalc.calculate(_project(single), folder=tmp_path).total_reductions == expected


def test_duplicate_column_names_are_refused(tmp_path) -> None:
    frame = pandas.DataFrame([["A", 1, 2]], columns=["system", EG, EG])
    with pytest.raises(
        InputError, match=r"<frame periods\[1\]\.data\[1\]>: column 'EG_i,p \[kWh\]'"
    ):
        jcmcalc.calculate(_project(frame), folder=tmp_path)
    members = pandas.DataFrame(
        [["A", "off-grid", "grid"]], columns=["id", *["connection_case"] * 2]
    )
    project = _project(pandas.DataFrame({"system": ["A"], EG: [1]})) | {"systems": members}
    with pytest.raises(InputError, match=r"systems: column 'connection_case' appears twice"):
        jcmcalc.calculate(project, folder=tmp_path)


def test_a_frame_dated_by_its_index_is_not_counted_in_two_periods(tmp_path) -> None:
    frame = _dated([400_000, 400_000])  # 2024-06-01 and 2024-12-18
    project = _project(frame, (2024, 2025))
    del project["monitoring"]
    for period in project["periods"]:
        period["data"] = frame
    with pytest.raises(InputError, match=r"<frame periods\[2\]\.data\[1\]>.*outside"):
        jcmcalc.calculate(project, folder=tmp_path)


def _systems(**columns: list) -> object:
    """Two TH_AM001 grid systems with a stated factor (which needs its source)."""
    return pandas.DataFrame(
        {
            "id": ["A", "B"],
            "connection_case": ["grid", "grid"],
            "parameters.EF_RE,i": ["0.4 t_CO2/MWh", "0.45 t_CO2/MWh"],
            **columns,
        }
    )


def _with_members(systems: object) -> dict:
    data = pandas.DataFrame({"system": ["A", "B"], EG: [100_000, 200_000]})
    return {**_project(data), "systems": systems}


def test_member_sources_come_from_source_columns(tmp_path) -> None:
    by_row = _systems(source=["grid study 2024", "grid study 2025"])
    own = _systems(**{"parameters.EF_RE,i.source": ["study A", None], "source": [None, "row B"]})
    cases = ((by_row, ["grid study 2024", "grid study 2025"]), (own, ["study A", "row B"]))
    for systems, expected in cases:
        result = jcmcalc.calculate(_with_members(systems), folder=tmp_path)
        factors = result.inputs.fixed["reference_emission_factor"]
        assert [factors[(m,)].source for m in ("A", "B")] == expected
    in_cells = _systems()
    in_cells["parameters.EF_RE,i"] = [
        {"value": "0.4 t_CO2/MWh", "source": "grid study 2024"},
        {"value": "0.45 t_CO2/MWh", "source": "grid study 2025"},
    ]
    same = jcmcalc.calculate(_with_members(in_cells), folder=tmp_path)
    assert same.total_credits == result.total_credits


def test_a_member_factor_without_a_source_is_refused_and_an_orphan_source_too(tmp_path) -> None:
    with pytest.raises(InputError, match=r"source"):
        jcmcalc.calculate(_with_members(_systems()), folder=tmp_path)
    orphan = _systems(**{"parameters.P_rated,i.source": ["catalogue", None]})
    with pytest.raises(InputError, match=r"systems, row 1: column 'parameters.P_rated,i.source'"):
        jcmcalc.calculate(_with_members(orphan), folder=tmp_path)
