"""Portfolio benchmark: `jcmcalc portfolio TABLE -o OUT.csv` against the lean floor
``benchmarks/floors/portfolio_lean.py`` (pyarrow CSV reader, decimals parsed to exact scaled
integers, the TH_AM001 default rule per connection case, arrow string kernels writing the
bytes; its docstring says why it is the floor), and against the older pandas floor
``benchmarks/floors/portfolio_floor.py`` as a second reference (it does not read
``connection_case`` and writes no warnings: only its credits and figures are compared). Every
command is timed as a user pays for it: process start, imports, plugin loading, reading the
table and writing the output.

    .venv/bin/python benchmarks/portfolio.py [--projects 100000 1000000] [--repeat 5]

Data come from benchmarks/generate.py (seeded). Each size prints wall, CPU and peak memory
(medians of alternating runs in fresh processes, benchmarks/measure.py ``paired``), the ratios
jcmcalc / lean floor, and checks that jcmcalc's output is byte-identical to the lean floor's
(the run stops if not) and that the pandas floor's credits and figures agree. Targets: wall
and CPU <= 1.5 x, memory <= 1.3 x the lean floor at 100k and 1M projects.

Measured figures, with the load average, are in docs/portfolio.md ("Speed").
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import generate
import measure

LEAN = measure.HERE / "floors" / "portfolio_lean.py"
PANDAS = measure.HERE / "floors" / "portfolio_floor.py"
JCMCALC = str(Path(sys.executable).parent / "jcmcalc")


def compare(floor: Path, ours: Path) -> tuple[bool, int, int]:
    """Whether every credit agrees; how many figure cells differ; how many figure cells."""
    with floor.open(encoding="utf-8") as a, ours.open(encoding="utf-8") as b:
        same_credits, differ, cells = True, 0, 0
        for left, right in zip(csv.reader(a), csv.reader(b), strict=True):
            same_credits &= left[0] == right[0] and left[8] == right[8]
            differ += sum(left[i] != right[i] for i in (5, 6, 7))
            cells += 3
    return same_credits, differ, cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[10_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pandas", action="store_true", help="also time the pandas floor")
    args = parser.parse_args()
    for projects in args.projects:
        table = generate.portfolio(projects)
        lean_out = generate.DATA / "lean-output.csv"
        ours_out = generate.DATA / "jcmcalc-output.csv"
        lean_command = [sys.executable, str(LEAN), str(table), str(lean_out)]
        ours_command = [JCMCALC, "portfolio", str(table), "-o", str(ours_out)]
        floor, subject = measure.paired(lean_command, ours_command, args.repeat)
        if lean_out.read_bytes() != ours_out.read_bytes():
            raise SystemExit(f"{projects:,} projects: jcmcalc's output differs from the floor's")
        print(
            measure.ratios(
                f"portfolio {projects:,} projects: jcmcalc vs lean floor",
                floor,
                subject,
                args.repeat,
            )
        )
        print(
            "  output byte-identical to the lean floor's; targets: wall and CPU <= 1.5, "
            "memory <= 1.3",
            flush=True,
        )
        pandas_out = generate.DATA / "pandas-output.csv"
        pandas_command = [sys.executable, str(PANDAS), str(table), str(pandas_out)]
        if args.pandas:
            pandas, ours = measure.paired(pandas_command, ours_command, args.repeat)
            print(
                measure.ratios(
                    "  second reference: jcmcalc vs pandas floor", pandas, ours, args.repeat
                )
            )
        else:
            measure.measure(pandas_command)
        same, differ, cells = compare(pandas_out, ours_out)
        print(
            f"  pandas floor: credits agree: {same}; figure cells differing: {differ} of {cells}",
            flush=True,
        )


if __name__ == "__main__":
    main()
