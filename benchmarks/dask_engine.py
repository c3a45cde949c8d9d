"""Dask benchmark: `jcmcalc portfolio TABLE --engine dask` on a local cluster of worker
processes vs the numpy engine on the same table (1M projects by default), both writing the same
CSV, which must be byte-identical. The reference here is jcmcalc's own numpy engine, not a
floor: the question is what the cluster costs or gains on one machine.

    .venv/bin/python benchmarks/dask_engine.py [--projects 1000000] [--workers 2] [--repeat 3]

Both commands are measured with ``measure.py --tree``: peak memory is the largest sum of the
RSS of jcmcalc and every process it starts (the scheduler runs in the client process, each
worker in its own process under a nanny), sampled every 50 ms with psutil; CPU time is
``RUSAGE_CHILDREN`` of the measuring process, which counts each descendant its parent waited
for (the nannies wait for their workers). Start-up of the cluster is included in every figure,
as a user pays for it. On a 2-core machine shared with other work a cluster cannot be faster.

Measured (one pair each, 2 workers, 1M projects, 2 shared cores), ratios dask / numpy of wall,
CPU and peak memory over the process tree, outputs byte-identical every time:

  4310331, load 1.5-2: numpy 19.4 s wall, 19.6 s CPU, 1289 MiB; dask 32.5 s, 47.9 s, 2752 MiB:
    1.67 / 2.44 / 2.13
  e7f0404, load 3: 1.88 / 2.43 / 1.82;  3511aba, load 5-7: 2.74 / 3.01 / 1.72
  7baa6b4, load 0.8-1.2: numpy 7.6 s, 8.0 s, 1062 MiB; dask 17.4 s, 24.2 s, 2607 MiB:
    2.28 / 3.02 / 2.45 (both faster than at 4310331; the one process gained more)
  partitions as arrow strings, read from their buffers (as the numpy engine reads a table)
    instead of Python objects, load 0.6-1: numpy 6.1 s, 6.4 s, 998 MiB; dask 14.5 s, 19.1 s,
    1796 MiB: 2.36 / 3.00 / 1.80

Not counted: a worker process that ended without being waited for, and memory peaks shorter
than the 50 ms sampling.
"""

from __future__ import annotations

import argparse
import filecmp
import sys
from pathlib import Path

import generate
import measure

JCMCALC = str(Path(sys.executable).parent / "jcmcalc")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    table = generate.portfolio(args.projects)
    numpy_out = generate.DATA / "numpy-output.csv"
    dask_out = generate.DATA / "dask-output.csv"
    numpy_command = [JCMCALC, "portfolio", str(table), "-o", str(numpy_out)]
    dask_command = [JCMCALC, "portfolio", str(table), "-o", str(dask_out), "--engine", "dask"]
    if args.workers:  # 0: a jcmcalc without --workers (before the distributed engine)
        dask_command += ["--workers", str(args.workers)]
    numpy, dask = measure.paired(numpy_command, dask_command, args.repeat, tree=True)
    label = f"portfolio {args.projects:,} projects: dask ({args.workers} workers) vs numpy"
    text = measure.ratios(label, numpy, dask, args.repeat)
    print(text.replace("floor:  ", "numpy:  ").replace("jcmcalc:", "dask:   "))
    print(f"  outputs byte-identical: {filecmp.cmp(numpy_out, dask_out, shallow=False)}")


if __name__ == "__main__":
    main()
