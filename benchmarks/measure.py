"""Wall time and peak memory (RSS) of a command, run as a fresh child process.

    python benchmarks/measure.py COMMAND...   # prints "<seconds> <peak RSS in KiB>"

Run by the benchmarks so that each measured command is the only child whose peak RSS
``resource.getrusage(RUSAGE_CHILDREN)`` reports.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time


def main() -> None:
    start = time.perf_counter()
    subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


if __name__ == "__main__":
    main()
