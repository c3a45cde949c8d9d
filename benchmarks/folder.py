"""Folder benchmark: `jcmcalc portfolio FOLDER -o OUT.csv` vs the plain floor
``benchmarks/floors/folder_floor.py`` (tomllib, csv and Fraction per project file), on folders of
small TH_AM001 projects from benchmarks/generate.py (seeded).

    .venv/bin/python benchmarks/folder.py [--projects 100 1000] [--repeat 5]

Each size runs floor and jcmcalc as fresh processes, alternately (benchmarks/measure.py
``paired``), and checks that both wrote the same bytes. The cost per project is the difference
of the medians between the smallest and the largest folder divided by the difference in
projects: process start-up and plugin loading (benchmarks/startup.py) cancel out. Target: per
project <= 4x the floor.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import generate
import measure

FLOOR = measure.HERE / "floors" / "folder_floor.py"
JCMCALC = str(Path(sys.executable).parent / "jcmcalc")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} at the start")
    medians = {}
    for projects in args.projects:
        folder = generate.folder(projects)
        floor_out = generate.DATA / "folder-floor.csv"
        ours_out = generate.DATA / "folder-jcmcalc.csv"
        floor_command = [sys.executable, str(FLOOR), str(folder), str(floor_out)]
        ours_command = [JCMCALC, "portfolio", str(folder), "-o", str(ours_out)]
        floor, subject = measure.paired(floor_command, ours_command, args.repeat)
        same = floor_out.read_bytes() == ours_out.read_bytes()
        label = f"folder of {projects:,} projects: jcmcalc vs plain floor"
        print(measure.ratios(label, floor, subject, args.repeat))
        print(f"  output byte-identical: {same}")
        if not same:
            raise SystemExit("the outputs differ")
        medians[projects] = floor, subject
    if len(medians) > 1:
        low, high = min(medians), max(medians)
        span = high - low
        floor_cpu = (medians[high][0].cpu - medians[low][0].cpu) / span * 1000
        ours_cpu = (medians[high][1].cpu - medians[low][1].cpu) / span * 1000
        floor_wall = (medians[high][0].wall - medians[low][0].wall) / span * 1000
        ours_wall = (medians[high][1].wall - medians[low][1].wall) / span * 1000
        print(
            f"per project ({low:,} -> {high:,}): floor {floor_wall:.2f} ms wall / "
            f"{floor_cpu:.2f} ms CPU, jcmcalc {ours_wall:.2f} ms wall / {ours_cpu:.2f} ms CPU; "
            f"ratio wall {ours_wall / floor_wall:.2f}, CPU {ours_cpu / floor_cpu:.2f} (target <= 4)"
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
