"""Shared fixtures: project files written to a temporary folder, the CLI run in-process."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from jcmcalc.cli import main

ROOT = Path(__file__).resolve().parent.parent
PV_EXAMPLES = ROOT / "methodologies" / "solar-pv" / "examples"
TEST_PLUGINS = Path(__file__).parent / "plugins"

MONGOLIA = """
[project]
name = "test"

[methodology]
id = "MN_AM003"
version = "2.0"

[[systems]]
id = "PV-1"
grid = "national"
connection_case = "grid"

[[periods]]
start = 2023-01-01
end = 2023-12-31
values = {{ "EG_i,p" = "{energy}" }}
"""


def program(name: str) -> str:
    """The path of a real program the tests need; ``python3 tasks.py test`` installs them all.

    Missing is a failure, not a skip: a green run must have used the real program.
    """
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run the test command, python3 tasks.py test")
    return path


def chromium(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium (fresh profile, no background networking: this machine is offline)."""
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                program("chromium"),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=5000",
                *arguments,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )


@pytest.fixture(scope="session", autouse=True)
def index_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The methodology indices of this test run, in a folder of their own (not the user's
    cache, which would keep one for every temporary plugin a test installs)."""
    folder = tmp_path_factory.mktemp("index-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JCMCALC_INDEX_CACHE", str(folder))
        yield folder


@pytest.fixture
def project(tmp_path: Path) -> Callable[..., Path]:
    """Write a project file (and extra files) into a temporary folder; returns its path."""

    def write(text: str, **files: str) -> Path:
        path = tmp_path / "project.toml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        for name, content in files.items():
            (tmp_path / name.replace("__", ".")).write_text(
                textwrap.dedent(content), encoding="utf-8"
            )
        return path

    return write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``jcmcalc ARGS`` in-process: (exit code, stdout, stderr)."""

    def run(*args: object) -> tuple[int, str, str]:
        code = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def pip_install_target(source: Path, target: Path) -> subprocess.CompletedProcess[str]:
    """``pip install`` the distribution at ``source`` (not editable) into the folder ``target``."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "--target",
            str(target),
            str(source),
        ],
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def installed_plugins(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every test distribution of ``tests/plugins`` pip-installed into its own folder (a real
    .dist-info with entry points); prepend a folder to ``sys.path`` to make it visible."""
    targets = {}
    for source in sorted(TEST_PLUGINS.iterdir()):
        target = tmp_path_factory.mktemp(source.name)
        installed = pip_install_target(source, target)
        assert installed.returncode == 0, installed.stderr
        targets[source.name] = target
    return targets
