"""Seeded benchmark data, written to benchmarks/data/ (gitignored, never committed) or to the
folder named by the environment variable ``JCMCALC_BENCHMARK_DATA`` (a larger disk, /tmp).

    .venv/bin/python benchmarks/generate.py series [--systems 1000] [--readings 35040]
    .venv/bin/python benchmarks/generate.py portfolio [--projects 10000]

series: one Parquet file of quarter-hour readings (timestamp, system, "EG_i,p [kWh]" with three
decimals), sorted by system then time, and a MN_AM003 project file with two half-year periods.
portfolio: one CSV table of single-system TH_AM001 ver 3.0 projects (one period each, the
eligibility criteria answered).
folder: a folder of small TH_AM001 ver 3.0 project files (two PV systems, one on grid with a
stated factor and one off grid, rated capacities, an ex-ante estimate of 10 years from the
period's start, one period of 2024 with a CSV of one total per system).
members: one CSV table of a single TH_AM001 ver 3.0 project with many PV systems (a row each:
connection case, a stated factor on grid, rated capacity, output of 2024).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import numpy as np

DATA = Path(os.environ.get("JCMCALC_BENCHMARK_DATA") or Path(__file__).resolve().parent / "data")
SEED = 20261128
START = np.datetime64("2023-01-01T00:00", "us")
QUARTER_HOUR = np.timedelta64(15, "m").astype("timedelta64[us]")

SERIES_PROJECT = """\
monitoring = ["series.parquet"]

[project]
name = "benchmark: {systems} PV systems x {readings} quarter-hour readings"

[methodology]
id = "MN_AM003"
version = "2.0"

[[periods]]
start = 2023-01-01
end = 2023-06-30

[[periods]]
start = 2023-07-01
end = 2023-12-31
"""


def series(systems: int, readings: int) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    DATA.mkdir(exist_ok=True)
    rng = np.random.default_rng(SEED)
    names = [f"PV-{n:05}" for n in range(systems)]
    times = START + np.arange(readings) * QUARTER_HOUR
    path = DATA / "series.parquet"
    schema = pa.schema(
        [
            ("timestamp", pa.timestamp("us")),
            ("system", pa.dictionary(pa.int32(), pa.string())),
            ("EG_i,p [kWh]", pa.float64()),
        ]
    )
    dictionary = pa.array(names)
    with pq.ParquetWriter(path, schema) as writer:
        for first in range(0, systems, 50):
            chunk = range(first, min(first + 50, systems))
            values = rng.integers(0, 250_000, size=(len(chunk), readings)) / 1000
            codes = np.repeat(np.array(chunk, dtype=np.int32), readings)
            writer.write_table(
                pa.table(
                    {
                        "timestamp": pa.array(np.tile(times, len(chunk))),
                        "system": pa.DictionaryArray.from_arrays(pa.array(codes), dictionary),
                        "EG_i,p [kWh]": pa.array(values.ravel()),
                    },
                    schema=schema,
                )
            )
    systems_toml = "".join(
        f'\n[[systems]]\nid = "{name}"\ngrid = "national"\nconnection_case = "grid"\n'
        for name in names
    )
    project = DATA / "series.toml"
    project.write_text(SERIES_PROJECT.format(systems=systems, readings=readings) + systems_toml)
    return project


def portfolio(projects: int, *, missing: float = 0.0, path: Path | None = None) -> Path:
    """The table of ``projects`` projects (at ``path``, else in :data:`DATA`); ``missing``: the
    share of grid systems given no factor (their projects fail: Thailand has no grid table)."""
    rng = np.random.default_rng(SEED)
    energy = rng.integers(1, 5_000_000, size=projects) / 1000  # MWh, three decimals
    factors = np.array(["0.5113", "0.073", "0.7", "0.6312"])[rng.integers(0, 4, size=projects)]
    grid = rng.random(projects) < 0.8
    unknown = rng.random(projects) < missing
    if path is None:
        DATA.mkdir(exist_ok=True)
        path = DATA / f"portfolio-{projects}{f'-missing-{missing}' if missing else ''}.csv"
    if path.exists():
        return path
    lines = [
        'project,methodology,start,end,system,connection_case,"EF_RE,i [t_CO2/MWh]",'
        '"EF_RE,i source","EG_i,p [MWh]",eligibility C1,eligibility C2,eligibility C3'
    ]
    for n in range(projects):
        given = f"{factors[n]},benchmark factor" if grid[n] and not unknown[n] else ","
        case = "grid" if grid[n] else "off-grid"
        lines.append(
            f"P{n:07},TH_AM001@3.0,2024-01-01,2024-12-31,S1,{case},{given},{energy[n]:.3f},"
            "true,true,true"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


FOLDER_PROJECT = """\
[project]
name = "P{number:05}"

[methodology]
id = "TH_AM001"
version = "3.0"

[eligibility]
C1 = true
C2 = true
C3 = true

[[systems]]
id = "S1"
connection_case = "grid"
parameters = {{ "EF_RE,i" = {{ value = "{factor} t_CO2/MWh", source = "benchmark factor" }}, \
rated_capacity = "{grid} kWp", specific_yield = "1.3 MWh/kWp/year", degradation_rate = "0.5 %" }}

[[systems]]
id = "S2"
connection_case = "off-grid"
parameters = {{ rated_capacity = "{off} kWp", specific_yield = "1.3 MWh/kWp/year", \
degradation_rate = "0.5 %" }}

[estimate]
start = 2024-01-01
years = 10

[[periods]]
start = 2024-01-01
end = 2024-12-31
data = "output.csv"
"""


def folder(projects: int) -> Path:
    """``projects`` project folders (seeded); outputs between 1,100 and 1,500 MWh per MWp, so
    no plausibility check is breached."""
    root = DATA / f"folder-{projects}"
    if root.exists():
        return root
    rng = np.random.default_rng(SEED)
    grid, off = rng.integers(50, 2000, size=projects), rng.integers(5, 300, size=projects)
    factors = np.array(["0.5113", "0.4", "0.6312"])[rng.integers(0, 3, size=projects)]
    grid_output = grid * rng.integers(1100, 1500, size=projects)
    off_output = off * rng.integers(1100, 1500, size=projects)
    for n in range(projects):
        place = root / f"p{n:05}"
        place.mkdir(parents=True)
        project = FOLDER_PROJECT.format(number=n, factor=factors[n], grid=grid[n], off=off[n])
        (place / "project.toml").write_text(project.replace("\\\n", ""), encoding="utf-8")
        rows = f"S1,{grid_output[n] / 1000:.3f}\nS2,{off_output[n] / 1000:.3f}\n"
        (place / "output.csv").write_text('system,"EG_i,p [MWh]"\n' + rows, encoding="utf-8")
    return root


def members(systems: int) -> Path:
    """A table of one project with ``systems`` PV systems, one period; outputs between 1,000
    and 1,600 MWh per MWp (within the capacity-factor bounds)."""
    rng = np.random.default_rng(SEED)
    DATA.mkdir(exist_ok=True)
    path = DATA / f"members-{systems}.csv"
    if path.exists():
        return path
    rated = rng.integers(50, 2000, size=systems)
    energy = rated * rng.integers(1000, 1600, size=systems) + rng.integers(0, 1000, size=systems)
    factors = np.array(["0.5113", "0.073", "0.7", "0.6312"])[rng.integers(0, 4, size=systems)]
    grid = rng.random(systems) < 0.8
    lines = [
        'project,methodology,start,end,system,connection_case,"EF_RE,i [t_CO2/MWh]",'
        '"EF_RE,i source","P_rated,i [kWp]","EG_i,p [MWh]",eligibility C1,eligibility C2,'
        "eligibility C3"
    ]
    for n in range(systems):
        given = f"{factors[n]},benchmark factor" if grid[n] else ","
        case = "grid" if grid[n] else "off-grid"
        lines.append(
            f"Many,TH_AM001@3.0,2024-01-01,2024-12-31,S{n:07},{case},{given},{rated[n]},"
            f"{energy[n] / 1000:.3f},true,true,true"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("series", "portfolio", "folder", "members"))
    parser.add_argument("--systems", type=int, default=1000)
    parser.add_argument("--readings", type=int, default=35040)
    parser.add_argument("--projects", type=int, default=10000)
    args = parser.parse_args()
    if args.what == "series":
        print(series(args.systems, args.readings))
    elif args.what == "members":
        print(members(args.systems))
    elif args.what == "folder":
        print(folder(args.projects))
    else:
        print(portfolio(args.projects))


if __name__ == "__main__":
    main()
