"""Start-up benchmark: `jcmcalc calculate` on the shipped thai-rooftop example vs the floor
``benchmarks/floors/startup_floor.py``, which computes the same credits exactly from the same
files with a cached ``Fraction`` pint registry (the registry jcmcalc builds) and nothing else of
jcmcalc; with 0, 50 and 200 extra data-file methodologies installed. Also times ``jcmcalc
--help``.

    .venv/bin/python benchmarks/startup.py [--repeat N] [--extra 0 50 200]

The extra methodologies are copies of the example chiller's data file (with its CSV table),
each with an id of its own, generated into a temporary plugin distribution
(``jcmcalc-bench-extra``, a ``Family`` plugin) that ``pip install --target`` installs into a
temporary folder put on ``PYTHONPATH`` for every run, floor and jcmcalc alike: its entry point
is found as any installed plugin's is. Before timing, ``jcmcalc methodologies`` must list them
all and ``jcmcalc --strict-plugins plugins`` must build them all. The index cache lives in a
temporary folder (``JCMCALC_INDEX_CACHE``); the untimed first run of each comparison fills it,
as a user's first command does (the first command's own time, the cache emptied before each
run, is printed too). Bytecode is written and used, as users run
(``PYTHONDONTWRITEBYTECODE`` is unset).

Both run as fresh processes, alternately, in this run; wall, CPU and peak RSS are medians.
Targets: calculate <= 1.2 x the floor's wall time with 200 extra; --help <= 0.1 s.

Measured at 7baa6b4 (2 shared cores, load about 1, medians of 15): floor 0.420 s wall, 50 MiB;
calculate 0.465 s, 50 MiB; ratios wall / CPU / memory 1.11 / 1.08 / 1.00; --help 0.041 s.

Measured at a7b7672 (2 cores shared with other work, load average 5 to 9, so every wall time
is about twice its CPU time; medians of 21): wall ratios 1.05 / 1.07 / 1.03 with 0 / 50 / 200
extra, CPU 1.05 / 1.07 / 1.12, memory 1.00 / 1.01 / 1.01; first command after installing 200
extra 0.759 s CPU (0.683 s with the index kept). Before the index (ce74c0e, the same
benchmark and conditions): wall 1.05 / 1.52 / 2.24, CPU 1.20 / 1.38 / 2.36, memory 1.01 /
1.04 / 1.16. 200 extra against none, alternately, with the index: wall 1.02, CPU 1.03.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import measure

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop" / "project.toml"
JCMCALC = str(Path(sys.executable).parent / "jcmcalc")
FLOOR = [sys.executable, str(measure.HERE / "floors" / "startup_floor.py"), str(EXAMPLE)]
CHILLER = ROOT / "examples" / "plugins" / "jcmcalc-example-chiller" / "src"
CHILLER = CHILLER / "jcmcalc_example_chiller"
PACKAGE = "jcmcalc_bench_extra"
PYPROJECT = f"""[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "jcmcalc-bench-extra"
version = "0.0.1"

[project.entry-points.jcmcalc]
bench_extra = "{PACKAGE}:plugin"

[tool.setuptools.package-data]
{PACKAGE} = ["*.toml", "*.csv"]
"""


def install_extra(count: int, folder: Path) -> Path:
    """``count`` copies of the example chiller's data file, each its own methodology, in a
    plugin distribution that ``pip install --target`` installs below ``folder``; the site."""
    source, site = folder / "source", folder / "site"
    package = source / PACKAGE
    package.mkdir(parents=True)
    (source / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    (package / "__init__.py").write_text(
        "from jcmcalc.plugin.family import Family\n\nplugin = Family(__name__)\n", "utf-8"
    )
    shutil.copy(CHILLER / "cop_re.csv", package)
    text = (CHILLER / "chiller.methodology.toml").read_text("utf-8")
    for number in range(count):
        copy = text.replace('id = "EXAMPLE_CHILLER"', f'id = "BENCH_EXTRA_{number:03d}"', 1)
        copy = re.sub(r'title = "(.*)"', rf'title = "\1, benchmark copy {number}"', copy, count=1)
        (package / f"extra-{number:03d}.methodology.toml").write_text(copy, "utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--target", str(site), str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    return site


def use_extra(site: Path | None, cache: Path) -> None:
    """Every later run (they inherit this environment) sees the plugin at ``site`` (none if
    None) and keeps its index in ``cache``; bytecode as users have it."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["JCMCALC_INDEX_CACHE"] = str(cache)
    if site is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = str(site)


def installed_count() -> int:
    """How many extra methodologies jcmcalc lists, after building every one (strict)."""
    strict = [JCMCALC, "--strict-plugins", "plugins"]
    subprocess.run(strict, check=True, capture_output=True, text=True)
    listed = subprocess.run([JCMCALC, "methodologies"], check=True, capture_output=True, text=True)
    return listed.stdout.count("BENCH_EXTRA_")


def same_credits() -> str:
    """The total credits, after checking that floor and jcmcalc give the same."""
    floor_credits = subprocess.run(FLOOR, check=True, capture_output=True, text=True).stdout
    ours = subprocess.run(
        [JCMCALC, "calculate", str(EXAMPLE), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    total = floor_credits.splitlines()[-1].split()[-1]
    assert f'"total_credits": {total}' in ours, "floor and jcmcalc must give the same credits"
    return total


def cold(cache: Path, warm: measure.Sample, repeat: int) -> str:
    """The first command after an install (the index of the extra files is built, as their
    identities are read): medians of a third of ``repeat`` runs, each with the cache emptied."""
    runs = []
    for _ in range(max(3, repeat // 3)):
        shutil.rmtree(cache, ignore_errors=True)
        runs.append(measure.measure([JCMCALC, "calculate", str(EXAMPLE)]))
    first = measure.median(runs)
    return (
        f"  first command after the install (index built; {len(runs)} runs): wall "
        f"{first.wall:.3f} s  CPU {first.cpu:.3f} s (warm: {warm.wall:.3f} s, {warm.cpu:.3f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--extra", type=int, nargs="+", default=[0, 50, 200])
    options = parser.parse_args()
    repeat, walls = options.repeat, {}
    with tempfile.TemporaryDirectory(prefix="jcmcalc-startup-") as temporary:
        for count in options.extra:
            folder = Path(temporary) / str(count)
            use_extra(install_extra(count, folder) if count else None, folder / "cache")
            assert installed_count() == count, f"{count} extra methodologies must be listed"
            total = same_credits()
            floor, subject = measure.paired(FLOOR, [JCMCALC, "calculate", str(EXAMPLE)], repeat)
            walls[count] = subject.wall / floor.wall
            print(f"thai-rooftop example, {total} credits from both; {count} extra installed")
            print(measure.ratios(f"start-up with {count} extra", floor, subject, repeat))
            if count:
                print(cold(folder / "cache", subject, repeat))
        use_extra(None, Path(temporary) / "help")
        ratios = " / ".join(f"{walls[c]:.2f} ({c})" for c in options.extra)
        print(f"calculate wall ratio by extra methodologies installed: {ratios}")
        print("  target: wall ratio <= 1.2 with 200 extra")
        helps = measure.median([measure.measure([JCMCALC, "--help"]) for _ in range(repeat)])
    bare = measure.median([measure.measure([sys.executable, "-c", "pass"]) for _ in range(repeat)])
    print(
        f"jcmcalc --help: wall {helps.wall:.3f} s, CPU {helps.cpu:.3f} s (target <= 0.1 s); "
        f"python -c pass: wall {bare.wall:.3f} s, CPU {bare.cpu:.3f} s"
    )


if __name__ == "__main__":
    main()
