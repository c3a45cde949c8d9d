"""Dask benchmark: `jcmcalc portfolio TABLE --engine dask` on a local cluster of worker
processes vs the numpy engine on the same table (1M projects by default), both writing the same
CSV, which must be byte-identical. The reference here is jcmcalc's own numpy engine, not a
floor: the question is what the cluster costs or gains on one machine, and where a real
cluster would win.

    .venv/bin/python benchmarks/dask_engine.py [--projects 1000000] [--workers 4] [--repeat 3]

1. Both commands are measured with ``measure.py --tree``: peak memory is the largest sum of the
   RSS of jcmcalc and every process it starts (the scheduler runs in the client process, each
   worker in its own process under a nanny), sampled every 50 ms with psutil; CPU time is
   ``RUSAGE_CHILDREN`` of the measuring process, which counts each descendant its parent
   waited for (the nannies wait for their workers). Start-up of the cluster is included in
   every figure, as a user pays for it.
2. One more run inside this process (``distributed.connect`` and ``distributed.write``, what
   the command runs) measures each worker's RSS before the run (after a 100-row run, which
   imports jcmcalc and loads the plugins there) and after it, with
   ``client.run(lambda: psutil.Process().memory_info().rss)``; the CPU time of every worker
   process over the run (psutil); and, from Dask's task stream, the time of each kind of task
   and how long the client works alone before the first task and after the last one
   (planning the blocks; gathering the texts and joining them). From that split it prints an
   Amdahl estimate of the run on a real cluster (labelled as an estimate): the workers' CPU
   divided among P machines, plus the client's serial time and the cluster's start-up.

Not counted: a worker process that ended without being waited for, and memory peaks shorter
than the 50 ms sampling. Latest figures, with the load average: ``docs/portfolio.md``.

Measured before (2 workers, the table read as a Dask DataFrame with pandas and shuffled by
``set_index``; one pair each, 1M projects, 2 shared cores), ratios dask / numpy of wall, CPU
and peak memory over the process tree, outputs byte-identical every time:

  4310331, load 1.5-2: numpy 19.4 s wall, 19.6 s CPU, 1289 MiB; dask 32.5 s, 47.9 s, 2752 MiB:
    1.67 / 2.44 / 2.13
  e7f0404, load 3: 1.88 / 2.43 / 1.82;  3511aba, load 5-7: 2.74 / 3.01 / 1.72
  7baa6b4, load 0.8-1.2: numpy 7.6 s, 8.0 s, 1062 MiB; dask 17.4 s, 24.2 s, 2607 MiB:
    2.28 / 3.02 / 2.45 (both faster than at 4310331; the one process gained more)
  partitions as arrow strings, read from their buffers (as the numpy engine reads a table)
    instead of Python objects, load 0.6-1: numpy 6.1 s, 6.4 s, 998 MiB; dask 14.5 s, 19.1 s,
    1796 MiB: 2.36 / 3.00 / 1.80
"""

from __future__ import annotations

import argparse
import filecmp
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import generate
import measure

JCMCALC = str(Path(sys.executable).parent / "jcmcalc")
MIB = 2**20


def _rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def _cpu() -> float:
    import psutil

    times = psutil.Process().cpu_times()
    return times.user + times.system


def inside(table: Path, workers: int, expected: Path) -> dict[str, object]:
    """One run of ``distributed.write`` on a fresh local cluster, with the workers' memory
    before and after, their CPU time, and the task stream's split of the time."""
    from distributed import get_task_stream

    import jcmcalc
    from jcmcalc.portfolio import distributed

    small = generate.DATA / "dask-small.csv"
    small.write_text("".join(table.open().readlines()[:101]))
    started = time.perf_counter()
    with distributed.connect(workers=workers) as client:
        start_up = time.perf_counter() - started
        distributed.write(small, "csv", client, jcmcalc.get_methodology)
        before, cpu = client.run(_rss), client.run(_cpu)
        with get_task_stream(client) as stream:
            begun = time.time()
            output = distributed.write(table, "csv", client, jcmcalc.get_methodology)
            ended = time.time()
        after = client.run(_rss)
        spent = sum(v - cpu[k] for k, v in client.run(_cpu).items())
    begun_writing = time.perf_counter()
    written = generate.DATA / "dask-inside-output.csv"
    written.write_text(output.text, encoding="utf-8")  # as the command writes it
    writing = time.perf_counter() - begun_writing
    computes = [
        (task["key"][0] if isinstance(task["key"], tuple) else task["key"], part)
        for task in stream.data
        for part in task["startstops"]
        if part["action"] == "compute"
    ]
    first = min(part["start"] for _, part in computes)
    last = max(part["stop"] for _, part in computes)
    kinds: dict[str, list[float]] = {}
    for key, part in computes:
        kinds.setdefault(key.split("-", 1)[0], []).append(part["stop"] - part["start"])
    return {
        "start_up": start_up,
        "run": ended - begun,
        "before_tasks": first - begun,
        "after_tasks": ended - last,
        "writing": writing,
        "worker_cpu": spent,
        "kinds": kinds,
        "before": sorted(v / MIB for v in before.values()),
        "after": sorted(v / MIB for v in after.values()),
        "bytes": len(output.text.encode()),
        "same": filecmp.cmp(written, expected, shallow=False),
    }


def report(found: dict[str, object], numpy: measure.Sample, workers: int) -> str:
    """The in-process run's figures and the Amdahl estimate, as lines."""
    kinds: dict[str, list[float]] = found["kinds"]  # type: ignore[assignment]
    serial = found["before_tasks"] + found["after_tasks"] + found["writing"]  # type: ignore[operator]
    cpu, start_up = found["worker_cpu"], found["start_up"]
    lines = [
        f"in-process run on {workers} workers: {found['run']:.2f} s (cluster start-up "
        f"{start_up:.2f} s before it), output {found['bytes']:,} bytes, byte-identical to the "
        f"numpy engine's: {found['same']}",
        "  worker RSS before the run (MiB): " + ", ".join(f"{v:.0f}" for v in found["before"]),
        "  worker RSS after the run (MiB):  " + ", ".join(f"{v:.0f}" for v in found["after"]),
        f"  client alone: {found['before_tasks']:.2f} s before the first task (plan), "
        f"{found['after_tasks']:.2f} s after the last (gather, join, release), "
        f"{found['writing']:.2f} s writing the output file",
        f"  workers' CPU over the run: {cpu:.2f} s in all",
    ]
    for kind, spans in sorted(kinds.items(), key=lambda k: -sum(k[1])):
        lines.append(
            f"  task {kind}: {len(spans)} x median {statistics.median(spans):.3f} s, "
            f"sum {sum(spans):.2f} s (wall on shared cores)"
        )
    lines.append(
        f"ESTIMATE (Amdahl from the split above, not measured on a cluster): serial "
        f"{serial:.2f} s + {cpu:.2f} s of worker CPU / P, on a running cluster (--scheduler); "
        f"a cluster started for the run adds its start-up ({start_up:.2f} s here)"
    )
    for machines in (4, 16, 64):
        estimate = serial + cpu / machines  # type: ignore[operator]
        lines.append(
            f"  P = {machines:>2} cores: about {estimate:.1f} s, against the numpy engine's "
            f"{numpy.wall:.1f} s wall ({numpy.cpu:.1f} s CPU) measured here"
        )
    bound = (serial + cpu) / serial if serial else float("inf")  # type: ignore[operator]
    lines.append(f"  the serial part bounds the speed-up of the run itself to about {bound:.0f}x")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(f"commit {commit}, load average {os.getloadavg()} at the start")
    table = generate.portfolio(args.projects)
    numpy_out = generate.DATA / "numpy-output.csv"
    dask_out = generate.DATA / "dask-output.csv"
    numpy_command = [JCMCALC, "portfolio", str(table), "-o", str(numpy_out)]
    dask_command = [JCMCALC, "portfolio", str(table), "-o", str(dask_out), "--engine", "dask"]
    dask_command += ["--workers", str(args.workers)]
    numpy, dask = measure.paired(numpy_command, dask_command, args.repeat, tree=True)
    label = f"portfolio {args.projects:,} projects: dask ({args.workers} workers) vs numpy"
    text = measure.ratios(label, numpy, dask, args.repeat)
    print(text.replace("floor:  ", "numpy:  ").replace("jcmcalc:", "dask:   "))
    print(f"  outputs byte-identical: {filecmp.cmp(numpy_out, dask_out, shallow=False)}")
    print(f"load average {os.getloadavg()} after the paired runs")
    print(report(inside(table, args.workers, numpy_out), numpy, args.workers))
    print(f"load average {os.getloadavg()} at the end")


if __name__ == "__main__":
    main()
