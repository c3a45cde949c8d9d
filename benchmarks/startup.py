"""Start-up benchmark: `jcmcalc calculate` on the shipped example vs a bare pint registry.

    .venv/bin/python benchmarks/startup.py [--repeat N]

Both are timed in this run, alternately, as fresh processes; the figure is the median wall
time of each and their ratio (target: <= 1.5).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop" / "project.toml"
FLOOR = [sys.executable, "-c", "import pint; pint.UnitRegistry()"]
JCMCALC = [str(Path(sys.executable).parent / "jcmcalc"), "calculate", str(EXAMPLE)]


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    wall_time(JCMCALC)  # warm the file cache and pint's definition cache
    floor, ours = [], []
    for _ in range(repeat):
        floor.append(wall_time(FLOOR))
        ours.append(wall_time(JCMCALC))
    floor_median, ours_median = statistics.median(floor), statistics.median(ours)
    print(f"floor  python -c 'import pint; pint.UnitRegistry()': {floor_median * 1000:.0f} ms")
    print(f"jcmcalc calculate {EXAMPLE.relative_to(ROOT)}: {ours_median * 1000:.0f} ms")
    print(f"ratio {ours_median / floor_median:.2f} (target <= 1.5; median of {repeat} runs each)")


if __name__ == "__main__":
    main()
