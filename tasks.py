"""The two commands of jcmcalc, for a fresh clone on a machine with Python >= 3.11.

    python3 tasks.py demo   # set up .venv, install jcmcalc and the built-in plugins, run an example
    python3 tasks.py test   # set up .venv with the test tools, then run the whole test suite

Only the standard library is used here, so it runs before anything is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if sys.platform == "win32" else "bin")
DEMO = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop" / "project.toml"


# Real programs the tests use, by the command they provide: Debian package names.
SYSTEM_PACKAGES = {
    "soffice": "libreoffice-calc-nogui",  # recalculates generated workbooks
    "chromium": "chromium",  # renders the docs site and the HTML report
    "pdftotext": "poppler-utils",  # reads the text of the printed workbooks (PDF)
}


def run(*command: object) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, cwd=ROOT)


def plugins() -> list[Path]:
    """Every built-in methodology plugin (a folder of methodologies/ with a pyproject.toml)."""
    return sorted(path.parent for path in (ROOT / "methodologies").glob("*/pyproject.toml"))


def setup(extras: str, *, quiet: bool = True) -> None:
    """Create .venv (once) and install jcmcalc in editable mode with every plugin (``quiet``:
    without pip's progress)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - tasks.py runs on whatever python3 is
        sys.exit(f"jcmcalc needs Python >= 3.11, this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    editable = [arg for path in plugins() for arg in ("-e", path)]
    print(
        f"installing jcmcalc and {len(plugins())} methodology plugins into {VENV.name} "
        "(a minute or two the first time)",
        flush=True,
    )
    run(
        BIN / "python",
        "-m",
        "pip",
        "install",
        *(["--quiet"] if quiet else ["--progress-bar", "on"]),
        "--disable-pip-version-check",
        # the clone's folder on sys.path: Python started beside a clone named jcmcalc then
        # still imports the package, not the clone as a namespace package
        "--config-settings",
        "editable_mode=compat",
        "-e",
        f"{ROOT}[{extras}]",
        *editable,
    )


def system_packages() -> None:
    """Install the real programs the tests use (Debian packages) when they are missing."""
    missing = sorted({pkg for cmd, pkg in SYSTEM_PACKAGES.items() if shutil.which(cmd) is None})
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.exit(f"tests need the Debian packages {', '.join(missing)}; install them and re-run")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["update", "-qq"], ["install", "-y", "-qq", "--no-install-recommends"]):
        arguments = ["apt-get", *command, *(missing if command[0] == "install" else [])]
        print("+", " ".join(arguments), flush=True)
        subprocess.run(arguments, check=True, env=env)


def demo() -> None:
    setup("pandas,xlsx", quiet=False)
    run(BIN / "jcmcalc", "calculate", DEMO)
    where = BIN.relative_to(ROOT)
    print(
        f"\njcmcalc is installed in {VENV.name}: run it as {where}/jcmcalc, or first\n"
        f"    source {where}/activate\n"
        "and then as jcmcalc (jcmcalc --help lists the commands, jcmcalc units the units)."
    )


def test() -> None:
    system_packages()
    setup("test,pandas,xlsx,docs,parquet,dask,progress")
    run(BIN / "ruff", "check", ".")
    run(BIN / "python", "-m", "pytest", *sys.argv[2:])


if __name__ == "__main__":
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]]()
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
