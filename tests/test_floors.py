"""The benchmark floors of folders and many-member tables (benchmarks/floors/) write the bytes
`jcmcalc portfolio` writes, on small generated data: a ratio against them compares the same
job."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from jcmcalc import api, portfolio
from jcmcalc.portfolio.rows import to_csv

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def generate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """benchmarks/generate.py, writing into ``tmp_path``."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import generate

    monkeypatch.setattr(generate, "DATA", tmp_path)
    return generate


def floor(script: str, source: Path, output: Path) -> bytes:
    subprocess.run(
        [sys.executable, str(BENCHMARKS / "floors" / script), str(source), str(output)],
        check=True,
    )
    return output.read_bytes()


def test_the_folder_floor_writes_jcmcalcs_bytes(generate, tmp_path: Path) -> None:
    folder = generate.folder(12)
    ours = to_csv(portfolio.calculate(folder, api.get_methodology)).encode()
    assert floor("folder_floor.py", folder, tmp_path / "floor.csv") == ours
    assert ours.count(b",ok,,,,,true\n") == 12


def test_the_members_floor_writes_jcmcalcs_bytes(generate, tmp_path: Path) -> None:
    table = generate.members(600)
    ours = to_csv(portfolio.calculate(table, api.get_methodology)).encode()
    assert floor("members_floor.py", table, tmp_path / "floor.csv") == ours
    assert ours.count(b"\n") == 3  # header, the project, the total


def test_the_folder_floor_stops_where_jcmcalc_warns(generate, tmp_path: Path) -> None:
    folder = generate.folder(3)
    data = folder / "p00001" / "output.csv"
    data.write_text(data.read_text().replace("S2,", "S2,9"), encoding="utf-8")
    ours = to_csv(portfolio.calculate(folder, api.get_methodology))
    assert "capacity factor" in ours and "ex-ante estimate" in ours
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "floors" / "folder_floor.py"), str(folder), "x.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode and "warning" in done.stderr
