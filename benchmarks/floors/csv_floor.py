"""Long CSV floor: the credits of the MN_AM003 project of ``benchmarks/csv_read.py`` (100 PV
systems x a year of quarter-hour readings in one CSV file, two half-year periods), exactly, as a
competent engineer would compute them with pyarrow and no jcmcalc.

Why this is the floor: pyarrow's multithreaded CSV reader parses the file once into typed
columns (the fastest CSV parser a Python program can call): the times as timestamps, the system
names as a dictionary, each reading straight into an exact decimal (``decimal128(18, 3)``: the
file writes three decimals; arrow refuses a cell with more rather than round it, and so does
this floor). Those decimals are the scaled integers themselves (kWh x 1000, the low 64 bits of
each decimal128), summed as int64 per system and period (``np.bincount`` on float64 weights,
exact because every partial sum stays below 2**53, checked). Nothing is parsed as text, nothing
summed in float, nothing rounded before the end. The file's sha256, which the provenance of a
result needs (jcmcalc records it too), is taken in a thread while arrow parses (hashlib releases
the GIL).

The arithmetic is MN_AM003 ver 2.0's: RE_p = sum_i EG_i,p x EF_RE,i with EG in MWh and EF_RE,i
= 0.797 t_CO2/MWh, the Mongolian national grid factor for a system connected to the grid only
(``jcmcalc/data/grid_emission_factors.csv``, row ``MN,national,grid``: IGES, Additional
information on calculating the conservative emission factor of Mongolia; every system of the
project is ``grid = "national"``, ``connection_case = "grid"``), PE_p = 0, ER_p = RE_p - PE_p,
credits_p = max(0, floor(ER_p)) per period, never of the summed ER. A reading belongs to the
period holding its date: [2023-01-01, 2023-06-30] and [2023-07-01, 2023-12-31].

Prints, per period, its start, end, exact ER in tCO2 as decimal text and its credits, then the
total credits and the file's sha256; ``benchmarks/csv_read.py`` checks them against jcmcalc's
JSON output, digit for digit.

    python benchmarks/floors/csv_floor.py SERIES.csv
"""

from __future__ import annotations

import hashlib
import math
import sys
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

FACTOR = Fraction("0.797")  # t_CO2/MWh, MN national grid, connection case "grid"
PERIODS = (("2023-01-01", "2023-06-30"), ("2023-07-01", "2023-12-31"))  # inclusive dates
VALUE = "EG_i,p [kWh]"


def text(value: Fraction) -> str:
    """An exact decimal (a power-of-ten denominator) as decimal text, no trailing zeros."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    whole = abs(value.numerator * 10**places // value.denominator)
    digits = str(whole).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    if not places:
        return sign + digits
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def main() -> None:
    path = sys.argv[1]
    hashing = ThreadPoolExecutor(1).submit(sha256, path)
    table = pacsv.read_csv(
        path,
        convert_options=pacsv.ConvertOptions(
            column_types={
                "timestamp": pa.timestamp("us"),
                "system": pa.dictionary(pa.int32(), pa.string()),
                VALUE: pa.decimal128(18, 3),
            },
            null_values=[""],
        ),
    )
    if table.column(VALUE).null_count or table.column("timestamp").null_count:
        raise SystemExit("an empty cell")
    bounds = np.array([np.datetime64(start, "us") for start, _ in PERIODS])
    last = np.datetime64(PERIODS[-1][1], "D") + np.timedelta64(1, "D")
    names: dict[str, int] = {}
    sums = np.zeros(0, dtype=np.int64)
    for times, systems, values in zip(
        *(table.column(c).chunks for c in ("timestamp", "system", VALUE)), strict=True
    ):
        # decimal128: 16 bytes a value, little endian; below 10**18 the low word is the value
        words = np.frombuffer(values.buffers()[1], np.int64)[2 * values.offset :]
        integers = words[0 : 2 * len(values) : 2]
        lookup = np.array([names.setdefault(n, len(names)) for n in systems.dictionary.to_pylist()])
        codes = lookup[systems.indices.to_numpy()]
        moments = times.to_numpy()
        if len(moments) and (moments.min() < bounds[0] or moments.max() >= last):
            raise SystemExit("a reading outside the periods")
        period = np.searchsorted(bounds, moments, side="right") - 1
        if len(integers) and np.abs(integers).max() * len(integers) >= 2**53:
            raise SystemExit("a chunk too large to sum exactly in float64")
        keys = codes * len(PERIODS) + period
        found = np.bincount(keys, weights=integers, minlength=len(names) * len(PERIODS))
        sums = np.concatenate((sums, np.zeros(len(found) - len(sums), dtype=np.int64)))
        sums[: len(found)] += found.astype(np.int64)
    total = 0
    for number, (start, end) in enumerate(PERIODS):
        watt_hours = int(sums[number :: len(PERIODS)].sum())  # kWh x 1000 over every system
        reductions = Fraction(watt_hours, 1000 * 1000) * FACTOR  # RE_p - PE_p (PE_p = 0)
        credits = max(0, math.floor(reductions))
        total += credits
        print(start, end, text(reductions), credits)
    print("total credits", total, hashing.result())


if __name__ == "__main__":
    main()
