"""Portfolio benchmark: `jcmcalc portfolio TABLE -o OUT.csv` vs the floor
``benchmarks/floors/portfolio_floor.py``, a pandas/numpy script that writes the same CSV from
the same table, exactly (the figures as exact decimals, rounded half-even to 6 places as
`calculate` prints them). Both are timed as a user pays for them: process start, imports,
plugin loading, reading the table and writing the output.

    .venv/bin/python benchmarks/portfolio.py [--projects 10000 100000 1000000] [--repeat 3]

Data come from benchmarks/generate.py (seeded). Each size prints wall, CPU and peak memory of
both, their ratios, whether the credits agree and how many figure cells differ from the
floor's exact digits. Targets: wall <= 1.5 x and memory <= 1.5 x the floor from 10k to 1M.

Measured on 2 cores shared with other work: ratios jcmcalc / floor of wall, CPU and peak RSS
from the same invocation, medians of 3 alternating runs (1M before: one pair, at load 7, where
the floor waited 22.7 s for 7.0 s of CPU: compare CPU there); every figure cell equal to the
floor's exact digits in every run. Runs a few minutes apart differ by up to 0.4 in a ratio.

  before (main a24f1a7: Row objects, csv module, Fraction per figure), load 3 (1M: 7)
    10k 1.78 / 1.80 / 0.55    100k 5.47 / 5.11 / 1.42    1M 6.91 / 10.23 / 3.30
  columnar (e7f0404), load 2-4
    10k 0.73 / 0.88 / 0.49    100k 1.34 / 1.36 / 1.33    1M 2.21 / 2.21 / 1.90
  columnar (214a61f: frame with days, hashing or word sort, eligibility keyed), load 2.5-4
    10k 1.12 / 1.17 / 0.47    100k 1.42 / 1.44 / 1.27    1M 2.45 / 2.46 / 1.67
  merged with main's table checks and allocation (64726b5), load 1.4-5.5 (1M: one pair)
    10k 1.09 / 1.12 / 0.47    100k 1.14 / 1.41 / 1.29    1M 1.74 / 2.06 / 1.72
  exact rows many at once, dictionary columns kept coded (ab8c238), load 1.1-1.4
    10k 1.14 / 1.11 / 0.48    100k 1.20 / 1.18 / 1.04    1M 1.33 / 1.33 / 1.27

At 1M jcmcalc took 6.2 s wall and 997 MiB against the floor's 4.7 s and 784 MiB (the floor took
4.1 to 6.3 s in runs an hour apart: compare ratios from one run). What took the 1M run from
1.74 to 1.33: the 19,997 project-periods near a 6th-decimal half step are evaluated exactly by
the kernel many at once (`evaluate_periods`, one pass over the equations on arrays of exact
numbers; the batch evaluation 1.48 s -> 0.65 s), not one kernel call each; arrow's memory
pool is given back after reading (137 MiB); a text column already stripped is not stripped
again; a dictionary-encoded column keeps its distinct cells, so it is not hashed again and its
dates are parsed once per distinct cell; ER's text is RE's where PE is zero.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import generate
import measure

FLOOR = measure.HERE / "floors" / "portfolio_floor.py"
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
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", default="numpy", help="jcmcalc's --engine")
    args = parser.parse_args()
    for projects in args.projects:
        table = generate.portfolio(projects)
        floor_out = generate.DATA / "floor-output.csv"
        ours_out = generate.DATA / "jcmcalc-output.csv"
        floor_command = [sys.executable, str(FLOOR), str(table), str(floor_out)]
        ours_command = [JCMCALC, "portfolio", str(table), "-o", str(ours_out)]
        ours_command += ["--engine", args.engine]
        floor, subject = measure.paired(floor_command, ours_command, args.repeat)
        same, differ, cells = compare(floor_out, ours_out)
        label = f"portfolio {projects:,} projects: jcmcalc ({args.engine}) vs pandas floor"
        print(measure.ratios(label, floor, subject, args.repeat))
        print(
            f"  credits agree: {same}; figure cells differing from the exact digits: "
            f"{differ} of {cells}; targets: wall <= 1.5, memory <= 1.5",
            flush=True,
        )


if __name__ == "__main__":
    main()
