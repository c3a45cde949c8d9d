"""Wall time, CPU time and peak memory (RSS) of a command, run as a fresh child process, and
paired floor/subject comparisons measured in the same run.

    python benchmarks/measure.py COMMAND...   # prints "<wall s> <CPU s> <peak RSS KiB> <exit>"

Each measured command runs under its own ``measure.py`` process, so that it is the only child
whose CPU time and peak RSS ``resource.getrusage(RUSAGE_CHILDREN)`` reports (the public
counters ``/usr/bin/time -v`` prints). Wall time is ``time.perf_counter`` around the child:
process start, imports, plugin loading, reading and writing are all in it.

The machine these figures were taken on has two cores shared with other work: every
comparison alternates floor and subject in the same run and reports medians of each.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent


class Sample(NamedTuple):
    wall: float  # seconds
    cpu: float  # seconds, user + system
    rss: float  # MiB, peak resident set


def measure(command: list[str]) -> Sample:
    """One run of ``command`` in a fresh process (its stdout discarded)."""
    done = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), *command], capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    out = done.stdout.split()
    return Sample(float(out[0]), float(out[1]), int(out[2]) / 1024)


def median(samples: list[Sample]) -> Sample:
    return Sample(*(statistics.median(s[i] for s in samples) for i in range(3)))


def paired(floor: list[str], subject: list[str], repeat: int) -> tuple[Sample, Sample]:
    """Medians of ``repeat`` alternating runs of ``floor`` and ``subject`` (after one untimed
    run of each, which warms the file cache)."""
    measure(floor)
    measure(subject)
    floors, subjects = [], []
    for _ in range(repeat):
        floors.append(measure(floor))
        subjects.append(measure(subject))
    return median(floors), median(subjects)


def ratios(label: str, floor: Sample, subject: Sample, repeat: int) -> str:
    """Lines comparing ``subject`` with ``floor``: each figure and its ratio."""
    return "\n".join(
        [
            f"{label} (medians of {repeat} alternating runs, same machine, same run)",
            f"  floor:   wall {floor.wall:.3f} s  CPU {floor.cpu:.3f} s  peak RSS "
            f"{floor.rss:.0f} MiB",
            f"  jcmcalc: wall {subject.wall:.3f} s  CPU {subject.cpu:.3f} s  peak RSS "
            f"{subject.rss:.0f} MiB",
            f"  ratio:   wall {subject.wall / floor.wall:.2f}  CPU {subject.cpu / floor.cpu:.2f}  "
            f"memory {subject.rss / floor.rss:.2f}",
        ]
    )


def main() -> None:
    start = time.perf_counter()
    code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code)
    sys.exit(code)


if __name__ == "__main__":
    main()
