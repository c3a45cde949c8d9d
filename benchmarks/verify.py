"""Verify benchmark: ``jcmcalc verify`` of a submission of about 20,000 figures.

    .venv/bin/python benchmarks/verify.py [--systems 1500] [--periods 12]

A TH_AM001 project of ``--systems`` PV systems (no eligibility answers needed: the warnings
do not matter here) with ``--periods`` monthly periods, each system's output in one monitoring
CSV (seeded). The submission is the project's own JSON (every figure agrees) and the same JSON
with every monitored value 1 % higher (every one of them differs, and each RE_p, ER_p and
credits with it: the case that took quadratic time before). Each is timed twice:
in this process, step by step (time.perf_counter: the recomputation, reading the submission,
``verify.compare`` plus the printed text), and the whole command as a fresh process
(benchmarks/measure.py: wall time and peak RSS). Target: a 20,000-figure verify under 5 s.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

SYSTEM = """
[[systems]]
id = "S{n:05d}"
connection_case = "grid"
parameters = {{ "EF_RE,i" = {{ value = "0.{factor} t_CO2/MWh", source = "benchmark value" }} }}
"""


def project(folder: Path, systems: int, periods: int) -> Path:
    """The benchmark project in ``folder`` (seeded): its file and one monitoring CSV."""
    rng = random.Random(20)
    folder.mkdir(parents=True, exist_ok=True)
    lines = ['date,system,"EG_i,p [MWh]"']
    for month in range(1, periods + 1):
        for n in range(systems):
            lines.append(f"2024-{month:02d}-15,S{n:05d},{rng.randint(1000, 99999) / 100}")
    (folder / "monitoring.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = 'monitoring = "monitoring.csv"\n\n[project]\nname = "verify benchmark"\n\n'
    text += '[methodology]\nid = "TH_AM001"\nversion = "1.0"\n'
    text += "".join(SYSTEM.format(n=n, factor=rng.randint(300, 600)) for n in range(systems))
    for month in range(1, periods + 1):
        last = 29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31
        text += f"\n[[periods]]\nstart = 2024-{month:02d}-01\nend = 2024-{month:02d}-{last}\n"
    path = folder / "project.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _in_process(path: Path, submitted: Path) -> tuple[str, int, bool]:
    """The seconds of each step of ``verify`` in this process, the figures, whether they agree."""
    from jcmcalc import api
    from jcmcalc.inputs.submitted.read import read_submission
    from jcmcalc.views import verify

    api.get_methodology("TH_AM001", "1.0")  # plugins loaded before the clock starts
    start = time.perf_counter()
    result = api.calculate(path)
    computed = time.perf_counter()
    submission = read_submission(submitted, result.methodology)
    read = time.perf_counter()
    verification = verify.compare(result, submission)
    verify.report_text(verification, verify.TOLERANCE)
    done = time.perf_counter()
    steps = (
        f"recompute {computed - start:.2f} s, read {read - computed:.2f} s, "
        f"compare + text {done - read:.2f} s"
    )
    return steps, len(submission.figures), verification.agrees


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=1500)
    parser.add_argument("--periods", type=int, default=12)
    args = parser.parse_args()
    folder = generate.DATA / "verify"
    path = project(folder, args.systems, args.periods)
    jcmcalc = [sys.executable, "-m", "jcmcalc.cli"]
    agreeing = folder / "submitted.json"
    subprocess.run([*jcmcalc, "calculate", path, "--format", "json", "-o", agreeing], check=True)
    data = json.loads(agreeing.read_text(encoding="utf-8"))
    for row in data["inputs"]:
        if row["period"] is not None:
            row["value"] = str(float(row["value"]) * 1.01)
    differing = folder / "differing.json"
    differing.write_text(json.dumps(data), encoding="utf-8")
    for name, submitted in (("agreeing", agreeing), ("differing", differing)):
        steps, figures, agrees = _in_process(path, submitted)
        command = [*jcmcalc, "verify", str(path), "--reported", str(submitted)]
        measured = subprocess.run(
            [sys.executable, str(HERE / "measure.py"), *command],
            capture_output=True,
            text=True,
        )
        wall, _, rss, code = measured.stdout.split()  # measure.py exits with verify's code
        print(
            f"{name}: {figures} figures; in process: {steps}; "
            f"jcmcalc verify {float(wall):.2f} s wall, peak RSS {rss} KiB, exit {code} "
            f"({'agree' if agrees else 'differ'})"
        )


if __name__ == "__main__":
    main()
