"""CSV benchmark: `jcmcalc calculate` on a monitoring CSV of 100 PV systems x 35,040
quarter-hour readings (3.5 million rows), vs the floor ``benchmarks/floors/csv_floor.py``.

    .venv/bin/python benchmarks/csv_read.py [--repeat 5] [--systems 100] [--readings 35040]

The data (seeded, written to benchmarks/data/ when missing or of another size) are long rows
``timestamp,system,EG_i,p [kWh]`` with three decimals, sorted by system then time, and a
MN_AM003 ver 2.0 project with two half-year periods, every system on the national grid. The
floor reads the file with pyarrow's CSV reader into typed columns (each reading an exact
decimal), sums scaled integers per system and period, applies 0.797 t_CO2/MWh and floors each
period's ER (its docstring says why it is the floor). Both must print the same exact ER
(decimal text) and credits per period and the same sha256 of the file: checked before timing.
Each run is a fresh process, alternating floor and jcmcalc (benchmarks/measure.py); figures are
medians of wall time, CPU time and peak RSS. Target (issue 34): wall ratio <= 1.3.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from measure import paired, ratios  # noqa: E402

FLOOR = HERE / "floors" / "csv_floor.py"


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


def same_credits(floor_command: list[str], ours_command: list[str]) -> str:
    """The floor's and jcmcalc's exact ER and credits per period and the file's sha256, checked
    equal digit for digit; the floor's total line."""
    lines = subprocess.run(floor_command, check=True, capture_output=True, text=True).stdout
    expected = lines.splitlines()
    ours = json.loads(
        subprocess.run(
            [*ours_command, "--format", "json"], check=True, capture_output=True, text=True
        ).stdout
    )
    found = [
        f"{p['start']} {p['end']} {p['exact']['emission_reductions_tco2']} {p['credits']}"
        for p in ours["periods"]
    ]
    digest = next(f["sha256"] for f in ours["provenance"]["files"] if f["path"] == "series.csv")
    found.append(f"total credits {ours['total_credits']} {digest}")
    if found != expected:
        raise SystemExit("floor and jcmcalc disagree:\n" + "\n".join(expected + found))
    return expected[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--systems", type=int, default=100)
    parser.add_argument("--readings", type=int, default=35040)
    args = parser.parse_args()
    data = generate.DATA / "series.csv"
    project = generate.DATA / "series-csv.toml"
    rows = args.systems * args.readings
    if not project.exists() or sum(1 for _ in data.open("rb")) != rows + 1:
        print("generating the data ...", flush=True)
        project = write(args.systems, args.readings)
    floor_command = [sys.executable, str(FLOOR), str(data)]
    ours_command = [str(Path(sys.executable).parent / "jcmcalc"), "calculate", str(project)]
    total = same_credits(floor_command, ours_command)
    size = data.stat().st_size / 2**20
    print(f"{args.systems} systems x {args.readings} readings = {rows:,} rows, {size:.0f} MiB")
    print(f"the same exact ER and credits per period from both; {total}")
    floor, ours = paired(floor_command, ours_command, args.repeat)
    print(ratios("jcmcalc calculate vs the pyarrow exact floor", floor, ours, args.repeat))
    print("target: wall ratio <= 1.3")


if __name__ == "__main__":
    main()
