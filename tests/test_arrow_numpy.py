"""Arrow arrays read from their buffers give what pyarrow's ``to_numpy`` gives (without
importing pandas): every numeric, time and boolean type, sliced, chunked, with empty cells."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import numpy as np
import pytest

from jcmcalc.inputs.readers import arrow_numpy

pa = pytest.importorskip("pyarrow")

CELLS = [3, None, 0, 7, None, 12, 1, 2, 100]
TYPES = [
    pa.int8(),
    pa.int16(),
    pa.int32(),
    pa.int64(),
    pa.uint8(),
    pa.uint32(),
    pa.uint64(),
    pa.float32(),
    pa.float64(),
    pa.timestamp("s"),
    pa.timestamp("ms"),
    pa.timestamp("us"),
    pa.timestamp("ns", tz="Asia/Bangkok"),
    pa.date32(),
    pa.date64(),
]


def _array(kind):
    if pa.types.is_date(kind):
        cells = [None if c is None else dt.date(2024, 1, 1) + dt.timedelta(days=c) for c in CELLS]
        return pa.array(cells, type=kind)
    return pa.array(CELLS, type=kind)


@pytest.mark.parametrize("kind", TYPES, ids=str)
@pytest.mark.parametrize("skip", [0, 1, 3])
def test_values_and_valid_cells_equal_pyarrows(kind, skip: int) -> None:
    array = _array(kind).slice(skip)
    present = ~np.asarray(array.is_null())
    assert arrow_numpy.valid(array).tolist() == present.tolist()
    expected = array.to_numpy(zero_copy_only=False)
    assert arrow_numpy.values(array)[present].tolist() == expected[present].tolist()
    chunked = pa.chunked_array([_array(kind), array])
    both = np.concatenate([_array(kind).to_numpy(zero_copy_only=False), expected])
    keep = arrow_numpy.valid(chunked)
    assert arrow_numpy.values(chunked)[keep].tolist() == both[keep].tolist()


def test_booleans_and_a_timestamp_without_empty_cells() -> None:
    flags = pa.array([True, False, True, True, False, False, True, False, True]).slice(2)
    assert arrow_numpy.values(flags).tolist() == [True, True, False, False, True, False, True]
    times = pa.array([0, 1_000_000], type=pa.timestamp("us", tz="UTC"))
    assert arrow_numpy.values(times).astype(str).tolist() == [
        "1970-01-01T00:00:00.000000",
        "1970-01-01T00:00:01.000000",
    ]


def test_a_large_monitoring_file_is_read_without_pandas(tmp_path) -> None:
    """A CSV monitoring file of over 1 MiB (the arrow reader) does not import pandas."""
    rows = "".join(
        f"2024-01-{1 + n % 28:02}T{n % 24:02}:00,S{n % 3},{n % 97}.5\n" for n in range(60000)
    )
    path = tmp_path / "readings.csv"
    path.write_text("timestamp,system,EG_i,p [kWh]\n" + rows, encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from jcmcalc.inputs.readers import fastcsv; "
        f"fastcsv.load(Path({str(path)!r}), ','); print('pandas' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"


def test_a_parquet_monitoring_file_is_read_without_pandas(tmp_path) -> None:
    """Integer values and a plain-text member column with an empty cell (arrow's ``fill_null``
    imports pandas too), read in a fresh process."""
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "timestamp": pa.array([dt.datetime(2024, 1, 1 + n) for n in range(6)]),
            "system": pa.array(["S1", "S2", None, "S1", "S2", "S1"], type=pa.string()),
            "EG_i,p [kWh]": pa.array([5, None, 7, 1, 2, 3], type=pa.int64()),
        }
    )
    path = tmp_path / "readings.parquet"
    pq.write_table(table, path)
    code = (
        "import json, sys; from pathlib import Path; "
        "from jcmcalc.inputs.readers import columns, parquet; "
        f"t = columns.load(Path({str(path)!r})); "
        "codes, names = columns.members(t.cells['system']); "
        "present, found = parquet.numbers(t.cells['EG_i,p [kWh]'], title='EG', file=None, "
        "rows=t.rows); print(json.dumps([codes.tolist(), names, present.tolist(), "
        "[int(v) for v in found.integers], 'pandas' in sys.modules]))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(found.stdout) == [
        [0, 1, 2, 0, 1, 0],
        ["S1", "S2", ""],
        [True, False, True, True, True, True],
        [5, 7, 1, 2, 3],
        False,
    ]
