"""The catalogue of bad inputs: every case exits with its code and a precise message.

Each folder of ``tests/bad_inputs/`` is one case: the input files (``project.toml`` and any
CSV) and ``case.toml``::

    category = "units"            # units, numbers, structure, monitoring data, methodology, files
    door = "workbook"             # optional: the door attacked, one of DOORS (without it: the
                                  # project file and its CSV or Parquet files)
    description = "..."
    words = ["EG_i,p", "MWh"]     # each must appear in the message
    exit_code = 2                 # optional, 2 by default
    command = "calculate"         # optional: calculate or estimate
    args = ["--strict"]           # optional: further CLI arguments
    project = "project.toml"      # optional: the project file named on the command line
    mkdir = ["eg.csv"]            # optional: directories made before the run
    sparse = { name = "big.csv", bytes = 2147483648 }  # optional: a sparse file, never committed
    symlinks = { "a.csv" = "b.csv" }  # optional: symbolic links made before the run
    unreadable = "eg.csv"         # optional: a file made unreadable (chmod 000; as root, where
                                  # that does not stop a read, reading it raises EACCES)
    plugin = "faulty"             # optional: tests/plugins/jcmcalc-<plugin>-plugin installed

The case runs in a copy of its folder with ``-o``: nothing may be written, the output file
least of all.
"""

from __future__ import annotations

import errno
import os
import shutil
import tomllib
from pathlib import Path

import pytest

from jcmcalc import api
from jcmcalc.model.errors import InputError

CATALOGUE = Path(__file__).parent / "bad_inputs"
CASES = sorted(path.name for path in CATALOGUE.iterdir() if (path / "case.toml").is_file())
CATEGORIES = ("units", "numbers", "structure", "monitoring data", "methodology", "files")
#: The doors of issue 29: workbooks, methodology data files, DataFrames, Dask addresses and
#: terminal or Markdown output.
DOORS = ("workbook", "data file", "dataframe", "dask", "output")
FAMILIES = ("solar-pv", "waste-heat-recovery", "boilers", "fgas-destruction")


def _case(name: str) -> dict:
    return tomllib.loads((CATALOGUE / name / "case.toml").read_text(encoding="utf-8"))


def _prepare(name: str, folder: Path) -> Path:
    """Copy the case into ``folder`` (a subfolder: ``..`` stays in the temporary tree)."""
    case = _case(name)
    shutil.copytree(CATALOGUE / name, folder, ignore=shutil.ignore_patterns("case.toml"))
    for directory in case.get("mkdir", []):
        (folder / directory).mkdir()
    if "sparse" in case:
        with open(folder / case["sparse"]["name"], "wb") as stream:
            stream.truncate(case["sparse"]["bytes"])
    for link, target in case.get("symlinks", {}).items():
        (folder / link).symlink_to(target)
    return folder / case.get("project", "project.toml")


def _unreadable(path: Path, monkeypatch) -> None:
    """Make ``path`` unreadable; as root (who reads it anyway) reading it raises EACCES."""
    path.chmod(0)
    if os.geteuid() != 0:
        return
    read_bytes = Path.read_bytes

    def refused(self: Path) -> bytes:
        if self.name == path.name:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refused)


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, tmp_path, cli, installed_plugins, monkeypatch) -> None:
    case = _case(name)
    if "plugin" in case:
        monkeypatch.syspath_prepend(str(installed_plugins[f"jcmcalc-{case['plugin']}-plugin"]))
        api.registry.cache_clear()
    folder = tmp_path / "case"
    project = _prepare(name, folder)
    if "unreadable" in case:
        _unreadable(folder / case["unreadable"], monkeypatch)
    before = sorted(p.name for p in folder.iterdir())
    output = folder / "out.txt"
    try:
        code, out, err = cli(
            case.get("command", "calculate"), project, "-o", output, *case.get("args", [])
        )
    finally:
        api.registry.cache_clear()
    assert code == case.get("exit_code", 2), err
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("jcmcalc: error: "), err
    for word in case["words"]:
        assert word in err, f"{word!r} not in {err!r}"
    assert not output.exists()
    assert sorted(p.name for p in folder.iterdir()) == before, "a file was left behind"


def test_catalogue_covers_every_category_and_family() -> None:
    assert len(CASES) >= 166
    categories = [_case(name)["category"] for name in CASES]
    assert set(categories) == set(CATEGORIES)
    assert {_case(name).get("door", "workbook") for name in CASES} <= set(DOORS)
    families = set()
    for name in CASES:
        project = CATALOGUE / name / "project.toml"
        if project.is_file() and "plugin" not in _case(name):
            try:
                document = tomllib.loads(project.read_text(encoding="utf-8"))
                families.add(api.get_methodology(document["methodology"]["id"]).about.family)
            except (
                tomllib.TOMLDecodeError,
                UnicodeDecodeError,
                KeyError,
                InputError,
                RecursionError,
            ):
                continue  # the case is about a broken project file or methodology reference
    assert families == set(FAMILIES)
