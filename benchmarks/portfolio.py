"""Portfolio benchmark: 10,000 single-system PV projects in one table, vectorised
(`jcmcalc portfolio`) vs calling the per-project API (`jcmcalc.calculate`) in a loop.

    .venv/bin/python benchmarks/portfolio.py [--projects 10000] [--sample N] [--repeat 3]

Data come from benchmarks/generate.py (seeded). The loop runs on project files of every project
(about 10 s for 10,000), or of the first ``--sample`` projects, extrapolated to all: the figures
say which. Times exclude start-up: imports, plugin loading and one untimed warm-up run of
each path (it imports the modules that path loads lazily).
Targets: vectorised >= 50x faster than the loop, and under 1 s.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

PROJECT = """\
[project]
name = "{project}"

[methodology]
id = "TH_AM001"
version = "1.0"

[[systems]]
id = "{system}"
connection_case = "{case}"
{parameters}

[[periods]]
start = {start}
end = {end}
values = {{ "EG_i,p" = "{energy} MWh" }}
"""


def project_files(table: Path, count: int) -> list[Path]:
    folder = generate.DATA / "projects"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.toml"):
        old.unlink()
    paths = []
    with table.open(encoding="utf-8") as stream:
        for number, row in enumerate(csv.DictReader(stream)):
            if number == count:
                break
            factor = row["EF_RE,i [t_CO2/MWh]"]
            parameters = (
                f'parameters = {{ "EF_RE,i" = {{ value = "{factor} t_CO2/MWh", '
                f'source = "{row["EF_RE,i source"]}" }} }}'
                if factor
                else ""
            )
            path = folder / f"{row['project']}.toml"
            path.write_text(
                PROJECT.format(
                    project=row["project"],
                    system=row["system"],
                    case=row["connection_case"],
                    parameters=parameters,
                    start=row["start"],
                    end=row["end"],
                    energy=row["EG_i,p [MWh]"],
                ),
                encoding="utf-8",
            )
            paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--sample", type=int, help="loop over this many projects only")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    table = generate.portfolio(args.projects)
    paths = project_files(table, min(args.sample or args.projects, args.projects))

    import jcmcalc
    from jcmcalc import api, portfolio

    api.registry()  # start-up: plugins loaded before timing
    portfolio.calculate(table, api.get_methodology)  # start-up: lazy imports, untimed warm-up
    jcmcalc.calculate(paths[0])
    vectorised = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        rows = portfolio.calculate(table, api.get_methodology)
        vectorised.append(time.perf_counter() - start)
    assert all(row.status == "ok" for row in rows), "every generated project must calculate"
    credits = {row.project: row.credits for row in rows[:-1]}
    start = time.perf_counter()
    for path in paths:
        result = jcmcalc.calculate(path)
        assert result.total_credits == credits[path.stem], path
    loop = time.perf_counter() - start
    per_project = loop / len(paths)
    loop_all = per_project * args.projects
    fast = statistics.median(vectorised)
    print(f"{args.projects} single-system projects in one table ({table.name})")
    print(f"vectorised jcmcalc portfolio: {fast:.3f} s (median of {args.repeat}; target < 1 s)")
    measured = (
        f"measured on all {len(paths)}: {loop_all:.1f} s"
        if len(paths) == args.projects
        else f"measured on {len(paths)}; x {args.projects} = {loop_all:.1f} s (extrapolated)"
    )
    print(f"per-project API loop: {per_project * 1000:.2f} ms per project, {measured}")
    print(f"speed-up {loop_all / fast:.0f}x (target >= 50x); credits of the looped projects agree")


if __name__ == "__main__":
    main()
