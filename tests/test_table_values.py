"""A portfolio table's fixed values given row by row (a rated capacity per project) are read
as exact numbers for all rows at once, and give what the resolver gives signature by
signature: the same figures, warnings, refusals and messages."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from jcmcalc import api
from jcmcalc.portfolio.compute import table_csv
from jcmcalc.portfolio.table import fixed as table_fixed

TITLES = (
    'project,methodology,start,end,system,connection_case,"EF_RE,i [t_CO2/MWh]",'
    '"EF_RE,i source","EG_i,p [MWh]",eligibility C1,eligibility C2,eligibility C3,'
    '"P_rated,i [{unit}]"\n'
)
CAPACITIES = ["1000", "100", "", "-5", "0", "abc", "250.5", "1e3", "0.000001", "9" * 20, " 42 "]


def _table(path: Path, rows: int, seed: int, unit: str, cells: list[str]) -> Path:
    rng = random.Random(seed)
    lines = [TITLES.format(unit=unit)]
    for n in range(rows):
        grid = rng.random() < 0.7
        given = f"{rng.choice(['0.5', '0.5113'])},a study" if grid else ","
        energy = rng.choice(["1000", "12.345", "439.2", "0"])
        lines.append(
            f"P{n:04},TH_AM001@3.0,2024-01-01,2024-12-31,S1,{'grid' if grid else 'off-grid'},"
            f"{given},{energy},true,true,true,{rng.choice(cells)}\n"
        )
    path.write_text("".join(lines), encoding="utf-8")
    return path


NUMBERS = [c for c in CAPACITIES if c != "abc"]


@pytest.mark.parametrize(
    ("seed", "unit", "cells", "row_by_row"),
    [
        (1, "kWp", CAPACITIES, False),
        (2, "MWp", CAPACITIES, False),
        (3, "kWp", NUMBERS, True),  # every cell a number: row by row
        (4, "kWp", ["1000", "100", "250.5", ""], True),
        (5, "kWh", NUMBERS, False),  # a unit that does not convert: refused at each row
        (6, "YWp", NUMBERS, False),  # an unknown unit, alike
    ],
)
def test_values_row_by_row_equal_the_resolver_per_signature(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    unit: str,
    cells: list[str],
    row_by_row: bool,
) -> None:
    table = _table(tmp_path / "capacities.csv", 300, seed, unit, cells)
    plain = table_fixed.Signatures._plain
    found: list[list[str]] = []
    monkeypatch.setattr(
        table_fixed.Signatures,
        "_plain",
        lambda self, fail: found.append(plain(self, fail)) or found[-1],
    )
    text, failures = table_csv(table, api.get_methodology)
    assert ",ok," in text
    assert [list(f) for f in found] == [[f"P_rated,i [{unit}]"] if row_by_row else []]
    monkeypatch.setattr(table_fixed.Signatures, "_plain", lambda self, fail: {})
    assert table_csv(table, api.get_methodology) == (text, failures)


def test_each_row_is_judged_with_its_own_capacity(tmp_path: Path) -> None:
    table = _table(tmp_path / "own.csv", 0, 0, "kWp", [])
    rows = [
        "A,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,1000,true,true,true,1000\n",
        "B,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,1000,true,true,true,100\n",
        "C,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,1000,true,true,true,-5\n",
    ]
    table.write_text(table.read_text(encoding="utf-8") + "".join(rows), encoding="utf-8")
    text, failures = table_csv(table, api.get_methodology)
    lines = {line.split(",", 1)[0]: line for line in text.splitlines()}
    assert "capacity factor" not in lines["A"] and "P_rated,i" not in lines["A"]
    above = (
        "= 1000 MWh is above CF_max × P_rated,i × H_p (rated capacity, hours in period) = 439.2 MWh"
    )
    assert above in lines["B"]  # 100 kWp x 50 % x 8,784 h
    assert [(r.project, r.message) for r in failures] == [
        ("C", "own.csv, row 4: parameter P_rated,i: value -5 kWp is out of range: must be > 0")
    ]


def test_rows_whose_other_values_fail_fail_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every signature with a capacity fails on another value (no grid factor): each row fails
    with the resolver's message, as without the row-by-row reading."""
    table = _table(tmp_path / "no-factor.csv", 0, 0, "kWp", [])
    rows = [
        f"P{n},TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,,{'a study' * (n % 2)},1000,"
        f"true,true,true,{100 + n}\n"
        for n in range(5)
    ]
    table.write_text(table.read_text(encoding="utf-8") + "".join(rows), encoding="utf-8")
    text, failures = table_csv(table, api.get_methodology)
    assert len(failures) == 5 and all("EF_RE,i" in r.message for r in failures)
    monkeypatch.setattr(table_fixed.Signatures, "_plain", lambda self, fail: {})
    assert table_csv(table, api.get_methodology) == (text, failures)
