"""Series benchmark: `jcmcalc calculate` on 1,000 PV systems x 35,040 quarter-hour readings in
Parquet, end to end, vs the floor "pyarrow reads the file + numpy sums per system and
multiplies by the factor".

    .venv/bin/python benchmarks/series.py [--repeat 3] [--systems 1000] [--readings 35040]

Data come from benchmarks/generate.py (seeded; made here when missing). Each run is a fresh
process; the figures are medians of wall time and of peak RSS. Targets: time ratio <= 1.5,
peak memory <= 2 x the float64 size of the readings + 200 MB.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

FLOOR = """
import sys
import numpy as np
import pyarrow.parquet as pq
table = pq.read_table(sys.argv[1])
codes = table.column("system").combine_chunks().indices.to_numpy()
values = table.column("EG_i,p [kWh]").to_numpy()
totals = np.bincount(codes, weights=values) / 1000 * 0.9686  # MWh x t_CO2/MWh
print(totals.sum())
"""


def measure(command: list[str]) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), *command],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--systems", type=int, default=1000)
    parser.add_argument("--readings", type=int, default=35040)
    args = parser.parse_args()
    project = generate.DATA / "series.toml"
    data = generate.DATA / "series.parquet"
    import pyarrow.parquet as pq

    if not data.exists() or pq.ParquetFile(data).metadata.num_rows != args.systems * args.readings:
        print("generating the data ...", flush=True)
        generate.series(args.systems, args.readings)
    floor_command = [sys.executable, "-c", FLOOR, str(data)]
    ours_command = [str(Path(sys.executable).parent / "jcmcalc"), "calculate", str(project)]
    measure(ours_command)  # warm the file cache
    floor, ours = [], []
    for _ in range(args.repeat):
        floor.append(measure(floor_command))
        ours.append(measure(ours_command))
    floor_time = statistics.median(t for t, _ in floor)
    ours_time = statistics.median(t for t, _ in ours)
    floor_rss = statistics.median(m for _, m in floor) / 1024
    ours_rss = statistics.median(m for _, m in ours) / 1024
    readings = args.systems * args.readings
    budget = 2 * readings * 8 / 2**20 + 200
    print(f"{args.systems} systems x {args.readings} readings = {readings:,} values")
    print(f"floor (pyarrow read + numpy sums): {floor_time:.2f} s, peak RSS {floor_rss:.0f} MiB")
    print(f"jcmcalc calculate: {ours_time:.2f} s, peak RSS {ours_rss:.0f} MiB")
    print(f"time ratio {ours_time / floor_time:.2f} (target <= 1.5; median of {args.repeat})")
    print(f"peak memory {ours_rss:.0f} MiB vs budget {budget:.0f} MiB (2 x float64 + 200 MB)")


if __name__ == "__main__":
    main()
