"""``jcmcalc new-methodology``: scaffold, install, list, and the scaffold's own tests pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jcmcalc.authoring.scaffold import create
from tests.conftest import pip_install_target


def _run(*command: object, cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(pythonpath)},
    )


def test_scaffold_installs_lists_and_its_tests_pass(tmp_path: Path, cli) -> None:
    code, out, _ = cli("new-methodology", "rice-husk-power", "-o", tmp_path)
    assert code == 0
    folder = tmp_path / "jcmcalc-rice-husk-power"
    assert str(folder) in out
    target = tmp_path / "site-packages"
    install = pip_install_target(folder, target)
    assert install.returncode == 0, install.stderr
    # the shape of the built-in plugins: the methodology as a data file in the package, the
    # examples and worked cases in the source tree
    package = target / "jcmcalc_rice_husk_power"
    assert (package / "rice-husk-power.methodology.toml").is_file()
    assert (package / "reference_factor.csv").read_text("utf-8").startswith("value,unit,")
    assert (folder / "examples" / "example" / "expected.toml").is_file()
    assert (folder / "worked_cases" / "basic" / "expected.toml").is_file()
    assert sorted(p.name for p in (folder / "src" / package.name).iterdir()) == [
        "__init__.py",
        "reference_factor.csv",
        "rice-husk-power.methodology.toml",
    ]
    # the installed distribution, its package imported from the source tree (as editable)
    developing = Path(f"{folder / 'src'}{os.pathsep}{target}")

    listed = _run(
        sys.executable, "-m", "jcmcalc.cli", "methodologies", cwd=tmp_path, pythonpath=target
    )
    assert listed.returncode == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith("RICE_HUSK_POWER"))
    assert "jcmcalc-rice-husk-power 0.1.0" in row

    tests = _run(
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "tests",
        cwd=folder,
        pythonpath=developing,
    )
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "5 passed" in tests.stdout

    lint = _run(sys.executable, "-m", "ruff", "check", ".", cwd=folder, pythonpath=target)
    assert lint.returncode == 0, lint.stdout


def test_scaffold_refuses_bad_names_and_existing_folders(tmp_path: Path, cli) -> None:
    code, _, err = cli("new-methodology", "Rice_Husk", "-o", tmp_path)
    assert code == 2 and "parameter NAME" in err
    create("rice-husk", tmp_path)
    code, _, err = cli("new-methodology", "rice-husk", "-o", tmp_path)
    assert code == 2 and "exists already" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jcmcalc-rice-husk"]


@pytest.mark.parametrize("identifier", ["lower", "1ABC"])
def test_scaffold_refuses_bad_methodology_ids(tmp_path: Path, cli, identifier: str) -> None:
    code, _, err = cli("new-methodology", "ok", "--id", identifier, "-o", tmp_path)
    assert code == 2 and "methodology id" in err
    assert list(tmp_path.iterdir()) == []
