"""Start-up benchmark: `jcmcalc calculate` on the shipped thai-rooftop example vs the floor
``benchmarks/floors/startup_floor.py``, which computes the same credits exactly from the same
files with a cached ``Fraction`` pint registry (the registry jcmcalc builds) and nothing else of
jcmcalc. Also times ``jcmcalc --help``.

    .venv/bin/python benchmarks/startup.py [--repeat N]

Both run as fresh processes, alternately, in this run; wall, CPU and peak RSS are medians.
Targets: calculate <= 1.2 x the floor's wall time; --help <= 0.1 s.

Measured at 7baa6b4 (2 shared cores, load about 1, medians of 15): floor 0.420 s wall, 50 MiB;
calculate 0.465 s, 50 MiB; ratios wall / CPU / memory 1.11 / 1.08 / 1.00; --help 0.041 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import measure

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop" / "project.toml"
JCMCALC = str(Path(sys.executable).parent / "jcmcalc")
FLOOR = [sys.executable, str(measure.HERE / "floors" / "startup_floor.py"), str(EXAMPLE)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    floor_credits = subprocess.run(FLOOR, check=True, capture_output=True, text=True).stdout
    ours = subprocess.run(
        [JCMCALC, "calculate", str(EXAMPLE), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    total = floor_credits.splitlines()[-1].split()[-1]
    assert f'"total_credits": {total}' in ours, "floor and jcmcalc must give the same credits"
    floor, subject = measure.paired(FLOOR, [JCMCALC, "calculate", str(EXAMPLE)], repeat)
    print(f"thai-rooftop example, {total} credits from both")
    print(measure.ratios("start-up: calculate vs cached-registry floor", floor, subject, repeat))
    print("  target: wall ratio <= 1.2")
    helps = measure.median([measure.measure([JCMCALC, "--help"]) for _ in range(repeat)])
    bare = measure.median([measure.measure([sys.executable, "-c", "pass"]) for _ in range(repeat)])
    print(
        f"jcmcalc --help: wall {helps.wall:.3f} s, CPU {helps.cpu:.3f} s (target <= 0.1 s); "
        f"python -c pass: wall {bare.wall:.3f} s, CPU {bare.cpu:.3f} s"
    )


if __name__ == "__main__":
    main()
