"""A project workbook with a 100,000-row monitoring sheet: read by jcmcalc, and by the floor
``benchmarks/floors/workbook_floor.py`` (python-calamine directly, exact integer sums).

    .venv/bin/python benchmarks/project_workbook.py [--rows 100000] [--repeat 5]

Writes (to benchmarks/data/, gitignored) a TH_AM001 ver 1.0 project workbook with
``jcmcalc template``'s writer: 100 off-grid systems and, on the sheet ``Monitoring EG_i,p``, one
dated reading a day per system (``--rows`` rows in all, one period holding them). The floor and
``jcmcalc calculate`` must print the same exact ER and credits per period and the same sha256
(checked first). Then, medians of ``--repeat`` alternating runs:

- in this process (imports done, the file cached): the floor's work (calamine reads the two
  sheets it needs, columns into numpy, exact sums) against ``project_book.read`` (every sheet
  checked before calamine reads it: sizes, range, error cells, formulas; the whole project
  read, the monitoring sheet turned into columns) and against ``jcmcalc.calculate`` (read,
  resolved, evaluated);
- as fresh processes (benchmarks/measure.py): the floor script against ``jcmcalc calculate``
  (start-up, plugin loading and output included).

Target (issue 34): the workbook read within 1.5x python-calamine used directly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "floors"))

import measure  # noqa: E402
import workbook_floor  # noqa: E402

DATA = HERE / "data"
FLOOR = HERE / "floors" / "workbook_floor.py"
SYSTEMS = 100


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


def medians(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float]]:
    """Median wall-clock and CPU seconds of each run, the runs alternating ``repeat`` times
    (after one untimed round)."""
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for round_ in range(repeat + 1):
        for name, run in runs.items():
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            if round_:
                found[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    return {
        name: (statistics.median(w for w, _ in times), statistics.median(c for _, c in times))
        for name, times in found.items()
    }


def same_credits(path: Path) -> str:
    """The floor's and jcmcalc's exact ER and credits per period and the workbook's sha256,
    checked equal; the floor's total line."""
    expected = workbook_floor.lines(str(path))
    ours = json.loads(
        subprocess.run(
            [
                str(Path(sys.executable).parent / "jcmcalc"),
                "calculate",
                str(path),
                "--format",
                "json",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    found = [
        f"{p['start']} {p['end']} {p['exact']['emission_reductions_tco2']} {p['credits']}"
        for p in ours["periods"]
    ]
    digest = next(f["sha256"] for f in ours["provenance"]["files"] if f["path"] == path.name)
    found.append(f"total credits {ours['total_credits']} {digest}")
    if found != expected:
        raise SystemExit("floor and jcmcalc disagree:\n" + "\n".join(expected + found))
    return expected[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import jcmcalc
    from jcmcalc import api
    from jcmcalc.inputs.readers import project_book

    warnings.simplefilter("ignore")  # (the workbook leaves P_rated,i out: 100 warnings a run)
    path = write(args.rows)
    print(f"{path.name}: {path.stat().st_size / 2**20:.1f} MiB, {args.rows:,} monitoring rows")
    print(f"the same exact ER and credits from both; {same_credits(path)}")
    found = medians(
        {
            "floor": lambda: workbook_floor.lines(str(path)),
            "project_book.read": lambda: project_book.read(path, api.get_methodology),
            "jcmcalc.calculate": lambda: jcmcalc.calculate(path),
        },
        args.repeat,
    )
    floor = found["floor"]
    print(f"in this process, medians of {args.repeat} alternating runs:")
    for what, (wall, cpu) in found.items():
        print(
            f"  {what:18} wall {wall:.3f} s ({wall / floor[0]:.2f}x the floor), "
            f"CPU {cpu:.3f} s ({cpu / floor[1]:.2f}x)"
        )
    command = [str(Path(sys.executable).parent / "jcmcalc"), "calculate", str(path)]
    fresh = measure.paired([sys.executable, str(FLOOR), str(path)], command, args.repeat)
    print(measure.ratios("fresh processes: jcmcalc calculate vs the floor", *fresh, args.repeat))
    print("target: the workbook read within 1.5x the floor")


if __name__ == "__main__":
    main()
