"""A project workbook with a 100,000-row monitoring sheet: read by jcmcalc, and by pandas.

    .venv/bin/python benchmarks/project_workbook.py [--rows 100000] [--repeat 3]

Writes (to benchmarks/data/, gitignored) a TH_AM001 ver 1.0 project workbook with
``jcmcalc template``'s writer: 100 systems and, on the sheet ``Monitoring EG_i,p``, one dated
reading a day per system (``--rows`` rows in all, one period holding them). Then times, in this
process (wall clock and CPU time), the best of ``--repeat`` runs of:

- ``project_book.read``: the whole workbook read as a project (every sheet checked before
  calamine reads it, the monitoring sheet turned into columns);
- ``pandas.read_excel(engine="calamine")`` of the monitoring sheet alone, the floor;
- ``prepare``: the project read and resolved (what ``calculate`` does before the engine).

Target (issue 32): the workbook read within 2x the time of pandas on the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SYSTEMS = 100
SHEET = "Monitoring EG_i,p"


def write(rows: int) -> Path:
    from jcmcalc import api
    from jcmcalc.views.template import Content, workbook_bytes

    days = -(-rows // SYSTEMS)
    first = dt.date(2020, 1, 1)
    content = Content(answers={"C1": True, "C2": True, "C3": True})
    content.members["systems"] = [
        {"id": f"PV-{n:03}", "connection_case": "off-grid"} for n in range(SYSTEMS)
    ]
    content.periods = [{"start": first, "end": first + dt.timedelta(days=days - 1)}]
    content.monitoring["EG_i,p"] = [
        {"date": first + dt.timedelta(days=n // SYSTEMS), "system": f"PV-{n % SYSTEMS:03}",
         "EG_i,p [MWh]": 1.25 + n % 7}
        for n in range(rows)
    ]  # fmt: skip
    DATA.mkdir(exist_ok=True)
    path = DATA / f"project-{rows}.xlsx"
    path.write_bytes(workbook_bytes(api.get_methodology("TH_AM001", "1.0"), content))
    return path


def best(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The least wall-clock and CPU seconds of ``repeat`` runs (the machine is shared: CPU
    time is the steadier of the two)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import pandas

    from jcmcalc import api
    from jcmcalc.inputs.readers import project_book
    from jcmcalc.run.pipeline import prepare

    path = write(args.rows)
    print(f"{path.name}: {path.stat().st_size / 2**20:.1f} MiB, {args.rows:,} monitoring rows")
    frame = pandas.read_excel(path, sheet_name=SHEET, engine="calamine")
    assert len(frame) == args.rows, len(frame)
    floor = best(lambda: pandas.read_excel(path, sheet_name=SHEET, engine="calamine"), args.repeat)
    read = best(lambda: project_book.read(path, api.get_methodology), args.repeat)
    prepared = best(lambda: prepare(path, api.get_methodology), args.repeat)
    for what, (wall, cpu) in (
        ("pandas.read_excel(calamine), the sheet", floor),
        ("project_book.read, the workbook", read),
        ("prepare (read and resolve)", prepared),
    ):
        print(
            f"{what:40} wall {wall:.3f} s ({wall / floor[0]:.2f}x pandas), "
            f"CPU {cpu:.3f} s ({cpu / floor[1]:.2f}x)"
        )


if __name__ == "__main__":
    main()
