"""Series floor: the credits of the generated MN_AM003 project (benchmarks/generate.py series)
exactly, as a competent engineer would compute them from the same Parquet file: pyarrow reads
one row group at a time; each reading is taken as its exact decimal (the file holds readings of
at most three decimals, checked: value x 1000 must be a whole number) and summed as integers
per system and monitoring period; RE_p = sum_i EG_i,p x 0.797 t_CO2/MWh (the Mongolian
national grid factor, jcmcalc/data/grid_emission_factors.csv), PE_p = 0, credits =
floor(ER_p). The file's sha256 is computed over the same bytes while they are read, as the
provenance of a result needs. Memory stays flat in the number of readings.

    python benchmarks/floors/series_floor.py SERIES.parquet
"""

from __future__ import annotations

import hashlib
import math
import sys
from fractions import Fraction

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

FACTOR = Fraction("0.797")  # t_CO2/MWh
PERIODS = (("2023-01-01", "2023-07-01"), ("2023-07-01", "2024-01-01"))  # [start, end)


def main() -> None:
    path = sys.argv[1]
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(1 << 20):
            digest.update(block)
    parquet = pq.ParquetFile(path)
    bounds = [np.datetime64(day, "us") for pair in PERIODS for day in pair[:1]] + [
        np.datetime64(PERIODS[-1][1], "us")
    ]
    totals: dict[str, np.ndarray] = {}
    for group in range(parquet.num_row_groups):
        table = parquet.read_row_group(group)
        systems = table.column("system").combine_chunks()
        if isinstance(systems, pa.DictionaryArray):
            names, codes = systems.dictionary.to_pylist(), systems.indices.to_numpy()
        else:
            names, codes = np.unique(systems.to_numpy(zero_copy_only=False), return_inverse=True)
            names = names.tolist()
        values = table.column("EG_i,p [kWh]").to_numpy()
        scaled = np.rint(values * 1000)
        if not np.array_equal(scaled / 1000, values):
            raise SystemExit("a reading has more than three decimals")
        period = np.searchsorted(bounds, table.column("timestamp").to_numpy(), side="right") - 1
        keys = period * len(names) + codes
        # whole numbers summed in float64 are exact below 2**53 (checked)
        if len(scaled) and np.abs(scaled).max() * len(scaled) >= 2**53:
            raise SystemExit("a row group too large to sum exactly in float64")
        sums = np.bincount(keys, weights=scaled, minlength=len(bounds) * len(names))
        integer = sums.astype(np.int64)
        for number, name in enumerate(names):
            row = integer[number :: len(names)][: len(PERIODS)]
            totals[name] = totals.get(name, np.zeros(len(PERIODS), dtype=np.int64)) + row
    credits = 0
    for number, (start, end) in enumerate(PERIODS):
        kwh = sum(int(t[number]) for t in totals.values())
        reductions = Fraction(kwh, 1000 * 1000) * FACTOR
        credits += max(0, math.floor(reductions))
        print(start, end, float(reductions), max(0, math.floor(reductions)))
    print("total credits", credits, digest.hexdigest())


if __name__ == "__main__":
    main()
