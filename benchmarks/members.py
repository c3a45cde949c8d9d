"""Member resolution: one project file with N PV systems, resolved.

    .venv/bin/python benchmarks/members.py [--systems 100000]

Writes (to benchmarks/data/, gitignored) a TH_AM001 project of N off-grid systems (an id and
a connection case each) and a CSV with one reading per system. Then times, in this process
with ``time.perf_counter``, ``jcmcalc.run.pipeline.prepare`` (reading the TOML and the CSV,
resolving every member and value: what ``calculate`` does before the engine), and the whole
calculation. Target: 100,000 systems resolved in under 5 s.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=100_000)
    systems = parser.parse_args().systems
    project = write(systems)
    from jcmcalc import api
    from jcmcalc.run import engine, pipeline

    api.get_methodology("TH_AM001", "3.0")  # load the plugins before the clock starts
    start = time.perf_counter()
    inputs = pipeline.prepare(project, api.get_methodology)
    resolved = time.perf_counter() - start
    result = engine.run(inputs)
    total = time.perf_counter() - start
    credits = sum(period.credits for period in result.periods)
    print(f"{systems:,} systems: read and resolved in {resolved:.2f} s, computed in {total:.2f} s")
    print(f"({credits} credits); target: resolved in < 5 s: {'met' if resolved < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
