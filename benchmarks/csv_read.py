"""CSV benchmark: `jcmcalc calculate` on a monitoring CSV of 100 PV systems x 35,040
quarter-hour readings (3.5 million rows), vs a pandas script computing the same total.

    .venv/bin/python benchmarks/csv_read.py [--repeat 3] [--systems 100] [--readings 35040]

The data (seeded, written to benchmarks/data/ when missing) are long rows
``timestamp,system,EG_i,p [kWh]`` with three decimals, sorted by system then time, and a
MN_AM003 project with two half-year periods. The pandas script reads the file with
``pandas.read_csv`` and sums per period and system, as the calculation does (in floats).
Each run is a fresh process, alternating pandas and jcmcalc (benchmarks/measure.py); figures
are medians of wall time, CPU time and peak RSS. Targets: time ratio <= 1.5 and peak memory
<= 2 x pandas'.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from measure import paired, ratios  # noqa: E402

PANDAS = """
import sys
import pandas as pd
frame = pd.read_csv(sys.argv[1], parse_dates=["timestamp"])
half = (frame["timestamp"] >= "2023-07-01").astype(int)
totals = frame.groupby([half, "system"])["EG_i,p [kWh]"].sum()
print(totals.groupby(level=0).sum() / 1000 * 0.9686)  # MWh x t_CO2/MWh, per period
"""


def write(systems: int, readings: int) -> Path:
    """The CSV file and its project file."""
    generate.DATA.mkdir(exist_ok=True)
    rng = np.random.default_rng(generate.SEED)
    times = generate.START + np.arange(readings) * generate.QUARTER_HOUR
    stamps = np.datetime_as_string(times, unit="m")
    names = [f"PV-{n:03}" for n in range(systems)]
    path = generate.DATA / "series.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write('timestamp,system,"EG_i,p [kWh]"\n')
        for name in names:
            values = rng.integers(0, 250_000, size=readings)
            text = [f"{v // 1000}.{v % 1000:03}" for v in values.tolist()]
            out.write("".join(f"{t},{name},{v}\n" for t, v in zip(stamps, text, strict=True)))
    members = "".join(
        f'\n[[systems]]\nid = "{name}"\ngrid = "national"\nconnection_case = "grid"\n'
        for name in names
    )
    project = generate.DATA / "series-csv.toml"
    text = generate.SERIES_PROJECT.format(systems=systems, readings=readings)
    project.write_text(text.replace("series.parquet", "series.csv") + members, encoding="utf-8")
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--systems", type=int, default=100)
    parser.add_argument("--readings", type=int, default=35040)
    args = parser.parse_args()
    data = generate.DATA / "series.csv"
    project = generate.DATA / "series-csv.toml"
    rows = args.systems * args.readings
    if not project.exists() or sum(1 for _ in data.open("rb")) != rows + 1:
        print("generating the data ...", flush=True)
        project = write(args.systems, args.readings)
    pandas_command = [sys.executable, "-c", PANDAS, str(data)]
    ours_command = [str(Path(sys.executable).parent / "jcmcalc"), "calculate", str(project)]
    size = data.stat().st_size / 2**20
    print(f"{args.systems} systems x {args.readings} readings = {rows:,} rows, {size:.0f} MiB")
    floor, ours = paired(pandas_command, ours_command, args.repeat)
    print(ratios("jcmcalc calculate vs pandas read_csv + groupby", floor, ours, args.repeat))
    print("targets: wall ratio <= 1.5, memory ratio <= 2")


if __name__ == "__main__":
    main()
