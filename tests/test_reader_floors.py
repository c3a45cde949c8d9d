"""The readers' benchmark floors (``benchmarks/floors/``) give the same credits, digit for digit,
as jcmcalc on small data generated as the benchmarks generate theirs: a floor that computed
other figures would time another job."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"

pytest.importorskip("pyarrow")


@pytest.fixture
def benchmarks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The benchmark modules, their data written to ``tmp_path``."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import generate

    monkeypatch.setattr(generate, "DATA", tmp_path)
    return generate


def test_the_long_csv_floor_gives_jcmcalcs_credits(benchmarks, tmp_path: Path) -> None:
    import csv_read

    project = csv_read.write(3, 35040)  # 105,120 rows, 3.3 MB: jcmcalc's typed reader
    floor = [sys.executable, str(csv_read.FLOOR), str(tmp_path / "series.csv")]
    ours = [str(Path(sys.executable).parent / "jcmcalc"), "calculate", str(project)]
    total = csv_read.same_credits(floor, ours)  # raises unless every line is the same
    assert total.startswith("total credits ") and int(total.split()[2]) > 0


def test_the_workbook_floor_gives_jcmcalcs_credits(benchmarks, tmp_path, monkeypatch) -> None:
    pytest.importorskip("python_calamine")
    import project_workbook

    monkeypatch.setattr(project_workbook, "DATA", tmp_path)
    path = project_workbook.write(2_000)
    total = project_workbook.same_credits(path)  # raises unless every line is the same
    assert total.startswith("total credits ") and int(total.split()[2]) > 0
