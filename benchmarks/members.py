"""Member resolution: one project file with N PV systems, resolved; and a portfolio table of
one project with many systems against its floor.

    .venv/bin/python benchmarks/members.py [--systems 100000]
    .venv/bin/python benchmarks/members.py --table 50000 200000 [--repeat 5]

With ``--table``: `jcmcalc portfolio TABLE -o OUT.csv` on a table of one TH_AM001 project with
that many systems (benchmarks/generate.py members, seeded) against
``benchmarks/floors/members_floor.py`` (pyarrow CSV reader, exact scaled integers, numpy),
fresh processes alternately (benchmarks/measure.py ``paired``), checking that both wrote the
same bytes. Target: <= 2x the floor at 200,000 rows.

Writes (to benchmarks/data/, gitignored) a TH_AM001 project of N off-grid systems (an id and
a connection case each) and a CSV with one reading per system. Then times, in this process
with ``time.perf_counter`` (wall) and ``time.process_time`` (CPU): ``tomllib.loads`` of the
project file alone (the floor), ``jcmcalc.run.pipeline.prepare`` (reading the TOML and the CSV,
resolving every member and value: what ``calculate`` does before the engine), and the engine.
Target: 100,000 systems resolved in under 5 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"


def write(systems: int) -> Path:
    DATA.mkdir(exist_ok=True)
    head = '[methodology]\nid = "TH_AM001"\nversion = "3.0"\n\n'
    period = '[[periods]]\nstart = 2024-01-01\nend = 2024-12-31\ndata = "members.csv"\n\n'
    members = "".join(
        f'[[systems]]\nid = "PV-{n:06}"\nconnection_case = "off-grid"\n\n' for n in range(systems)
    )
    project = DATA / "members.toml"
    project.write_text(head + period + members, encoding="utf-8")
    rows = "".join(f"PV-{n:06},{12 + n % 7}.5\n" for n in range(systems))
    (DATA / "members.csv").write_text('system,"EG_i,p [MWh]"\n' + rows, encoding="utf-8")
    return project


def table(sizes: list[int], repeat: int) -> None:
    """The many-system table project against its floor at each of ``sizes``."""
    import generate
    import measure

    floor_script = measure.HERE / "floors" / "members_floor.py"
    jcmcalc = str(Path(sys.executable).parent / "jcmcalc")
    print(f"load average {os.getloadavg()[0]:.2f} at the start")
    for rows in sizes:
        path = generate.members(rows)
        floor_out, ours_out = (
            generate.DATA / "members-floor.csv",
            generate.DATA / "members-ours.csv",
        )
        floor, subject = measure.paired(
            [sys.executable, str(floor_script), str(path), str(floor_out)],
            [jcmcalc, "portfolio", str(path), "-o", str(ours_out)],
            repeat,
        )
        label = f"one project of {rows:,} systems in a table: jcmcalc vs floor"
        print(measure.ratios(label, floor, subject, repeat))
        same = floor_out.read_bytes() == ours_out.read_bytes()
        print(f"  output byte-identical: {same}")
        if not same:
            raise SystemExit("the outputs differ")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=100_000)
    parser.add_argument("--table", type=int, nargs="+", help="rows of the table project(s)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.table:
        table(args.table, args.repeat)
        return
    systems = args.systems
    project = write(systems)
    from jcmcalc import api
    from jcmcalc.run import engine, pipeline

    api.get_methodology("TH_AM001", "3.0")  # load the plugins before the clock starts
    text = project.read_text(encoding="utf-8")
    floor = _timed(lambda: tomllib.loads(text, parse_float=Decimal))[0]
    resolved, inputs = _timed(lambda: pipeline.prepare(project, api.get_methodology))
    computed, result = _timed(lambda: engine.run(inputs))
    credits = sum(period.credits for period in result.periods)
    print(f"{systems:,} systems ({credits} credits), wall / CPU seconds:")
    print(f"  tomllib.loads of the project file alone: {floor[0]:.2f} / {floor[1]:.2f}")
    print(f"  read and resolved (pipeline.prepare):    {resolved[0]:.2f} / {resolved[1]:.2f}")
    print(f"  computed (engine.run):                   {computed[0]:.2f} / {computed[1]:.2f}")
    verdict = "met" if resolved[1] < 5 else "NOT met"
    print(f"target: resolved in < 5 s of CPU: {verdict} (wall time depends on the machine's load)")


def _timed(work: Callable[[], Any]) -> tuple[tuple[float, float], Any]:
    """(wall, CPU) seconds of ``work()`` and its result."""
    wall, cpu = time.perf_counter(), time.process_time()
    found = work()
    return (time.perf_counter() - wall, time.process_time() - cpu), found


if __name__ == "__main__":
    main()
