"""Wall time, CPU time and peak memory (RSS) of a command, run as a fresh child process, and
paired floor/subject comparisons measured in the same run.

    python benchmarks/measure.py COMMAND...   # prints "<wall s> <CPU s> <peak RSS KiB> <exit>"
    python benchmarks/measure.py --tree COMMAND...   # peak RSS summed over its process tree

Each measured command runs under its own ``measure.py`` process, so that it is the only child
whose CPU time and peak RSS ``resource.getrusage(RUSAGE_CHILDREN)`` reports (the public
counters ``/usr/bin/time -v`` prints). Wall time is ``time.perf_counter`` around the child:
process start, imports, plugin loading, reading and writing are all in it.

The machine these figures were taken on has two cores shared with other work: every
comparison alternates floor and subject in the same run and reports medians of each.

With ``--tree`` (for commands that start worker processes, such as a Dask cluster) the peak
memory is the largest sum of the RSS of the command and all its descendants, sampled every
50 ms with psutil (a spike shorter than that can be missed); CPU time is still
``RUSAGE_CHILDREN``, which counts every descendant that its parent waited for.
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


def measure(command: list[str], *, tree: bool = False) -> Sample:
    """One run of ``command`` in a fresh process (its stdout discarded); ``tree``: memory
    summed over its process tree."""
    flag = ["--tree"] if tree else []
    done = subprocess.run(
        [sys.executable, str(HERE / "measure.py"), *flag, *command], capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    out = done.stdout.split()
    return Sample(float(out[0]), float(out[1]), int(out[2]) / 1024)


def median(samples: list[Sample]) -> Sample:
    return Sample(*(statistics.median(s[i] for s in samples) for i in range(3)))


def paired(
    floor: list[str], subject: list[str], repeat: int, *, tree: bool = False
) -> tuple[Sample, Sample]:
    """Medians of ``repeat`` alternating runs of ``floor`` and ``subject`` (after one untimed
    run of each, which warms the file cache); ``tree``: memory over process trees."""
    measure(floor, tree=tree)
    measure(subject, tree=tree)
    floors, subjects = [], []
    for _ in range(repeat):
        floors.append(measure(floor, tree=tree))
        subjects.append(measure(subject, tree=tree))
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


def _tree_peak(process: subprocess.Popen) -> int:
    """Wait for ``process``; the largest sum of RSS (KiB) over it and its descendants."""
    import psutil

    root, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        total = 0
        try:
            for member in [root, *root.children(recursive=True)]:
                total += member.memory_info().rss
        except psutil.Error:  # a process ended while being read
            pass
        peak = max(peak, total // 1024)
        time.sleep(0.05)
    return peak


def main() -> None:
    tree = sys.argv[1] == "--tree"
    command = sys.argv[2:] if tree else sys.argv[1:]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    peak = _tree_peak(process) if tree else 0
    code = process.wait()
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(elapsed, usage.ru_utime + usage.ru_stime, max(peak, usage.ru_maxrss), code)
    sys.exit(code)


if __name__ == "__main__":
    main()
