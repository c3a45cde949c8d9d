"""Exact evaluation on scaled integers in arrays (jcmcalc/portfolio/scaled.py) gives what the
kernel's Fraction loop gives: every project-period forced through both, figures, credits,
warnings and refusals compared, on tables and folders of every shipped example and on edge
cases (huge values, many decimals, thirds, negative ER, missing values, a breach per member)."""

from __future__ import annotations

import math
import shutil
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from jcmcalc import api, portfolio
from jcmcalc.model.kernel import Place
from jcmcalc.portfolio import scaled, vectorised
from jcmcalc.portfolio.exact_figures import ExactFigures
from jcmcalc.portfolio.rows import to_csv
from tests.test_portfolio import HEADER

ROOT = Path(__file__).resolve().parent.parent
HUGE = 10**12 + Fraction(1, 10**15 + 1)


def both(monkeypatch: pytest.MonkeyPatch, source: Path) -> tuple[str, str, int]:
    """The portfolio CSV of ``source`` with every project-period evaluated exactly on scaled
    integers, then by the kernel's Fraction loop; and how many the first settled."""
    floats = vectorised._floats
    settled = []

    def doubtful(batch: vectorised.Batch) -> tuple[dict, np.ndarray]:
        scope, _ = floats(batch)
        return scope, np.ones(batch.count, dtype=bool)

    def counted(batch: vectorised.Batch, positions: np.ndarray, outcome) -> np.ndarray:
        left = scaled.settle(batch, positions, outcome)
        settled.append(len(positions) - len(left))
        return left

    monkeypatch.setattr(vectorised, "_floats", doubtful)
    monkeypatch.setattr(vectorised, "settle", counted)
    arrays = to_csv(portfolio.calculate(source, api.get_methodology))
    monkeypatch.setattr(vectorised, "settle", lambda batch, positions, outcome: positions)
    kernel = to_csv(portfolio.calculate(source, api.get_methodology))
    return arrays, kernel, sum(settled)


def write(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_every_shipped_example_gives_the_kernels_figures(monkeypatch, tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    for family in sorted((ROOT / "methodologies").glob("*/examples")):
        shutil.copytree(family, folder / family.parent.name)
    arrays, kernel, settled = both(monkeypatch, folder)
    assert arrays == kernel
    assert settled >= 8, "most examples' trees are within the scaled-integer rules"


def test_the_shipped_table_gives_the_kernels_figures(monkeypatch) -> None:
    arrays, kernel, settled = both(
        monkeypatch, ROOT / "methodologies/solar-pv/examples/portfolio.csv"
    )
    assert arrays == kernel and settled == 4


def test_edge_values_give_the_kernels_digits(monkeypatch, tmp_path: Path) -> None:
    period = "TH_AM001@1.0,2024-01-01,2024-12-31"
    rows = [
        f"huge,{period},S1,grid,0.7,study,912345678901.123",  # x 10^7: beyond int64 at 10^-7
        f"huge,{period},S2,grid,0.6313,study,999999999999.999",
        f"decimals,{period},S1,grid,0.123456789012345678,study,1234.567890123456789",
        f"decimals,{period},S2,off-grid,,,0.000000000000000001",
        f"ties,{period},S1,grid,0.1235,study,0.004",  # RE 0.000494: 6th place exactly
        f"ties,{period},S2,grid,0.5,study,0.000001",  # + 0.0000005: a half step
        f"missing,{period},S1,grid,0.5,study,",
        f"missing,{period},S2,grid,0.5,study,10",
        f"zero,{period},S1,off-grid,,,0",
    ]
    arrays, kernel, settled = both(monkeypatch, write(tmp_path / "edges.csv", rows))
    assert arrays == kernel
    assert settled == 4  # every project-period but the one with a missing value
    assert "missing monitored value EG_i,p" in arrays
    assert ",1269941975230.785469," in arrays  # beyond int64 at 10^-7: Python ints
    assert ",0.000494,0,0.000494,0," in arrays  # 0.0004945 rounded half-even


def test_thirds_from_a_unit_give_the_kernels_digits(monkeypatch, tmp_path: Path) -> None:
    header = HEADER.replace('"EG_i,p [MWh]"', '"EG_i,p [GJ]"')  # 1 GJ = 1/3.6 MWh: 5/18
    lines = [f"P{n},TH_AM001@1.0,2024-01-01,2024-12-31,S1,grid,0.7,study,{n}.1\n" for n in range(9)]
    table = tmp_path / "thirds.csv"
    table.write_text(header + "".join(lines), encoding="utf-8")
    arrays, kernel, settled = both(monkeypatch, table)
    assert arrays == kernel and settled == 9


def test_a_breach_names_its_member_on_both_paths(monkeypatch, tmp_path: Path) -> None:
    header = HEADER.rstrip("\n") + ',"P_rated,i [kWp]"\n'
    lines = [
        f"Many,TH_AM001@3.0,2024-01-01,2024-12-31,S{n:04},grid,0.5113,study,"
        f"{1500 if n == 137 else 100}.25,{1 if n == 137 else 80}\n"
        for n in range(300)
    ]
    table = tmp_path / "many.csv"
    table.write_text(header + "".join(lines), encoding="utf-8")
    arrays, kernel, settled = both(monkeypatch, table)
    assert arrays == kernel and settled == 1
    assert "'S0137'" in arrays and "capacity factor" in arrays
    no_capacity = table.read_text(encoding="utf-8").replace(",100.25,80\n", ",100.25,\n", 1)
    table.write_text(no_capacity, encoding="utf-8")  # a member without a value RE does not use
    arrays, kernel, settled = both(monkeypatch, table)
    assert arrays == kernel and settled == 1
    assert "P_rated,i for PV system 'S0000' (rated capacity) is not given" in arrays


def test_batches_of_fractions_give_the_kernels_values() -> None:
    """Thirds, negative values, a value whose common denominator takes Python ints beyond
    int64, one element without a value: each element as the kernel evaluates it alone."""
    methodology = api.get_methodology("TH_AM001", "1.0")
    energy = np.array(
        [[Fraction(1, 3), Fraction(2, 3)], [Fraction(-7, 2), Fraction(1)], [HUGE, Fraction(1)]],
        dtype=object,
    )
    factor = np.array(
        [[Fraction(1, 7)] * 2, [Fraction("0.5")] * 2, [Fraction(3)] * 2], dtype=object
    )
    values = {
        "electricity_generated": vectorised.fraction_column(energy),
        "reference_emission_factor": vectorised.fraction_column(factor),
    }
    batch = vectorised.Batch(methodology, {"i": 2}, values, 3)
    arrays, kernel = (
        vectorised.Outcome(np.zeros((3, 3)), np.zeros(3, dtype=np.int64), ExactFigures(), {})
        for _ in "ak"
    )
    assert not len(scaled.settle(batch, np.arange(3), arrays))
    for n in range(3):
        vectorised._exact(batch, n, kernel, Place(1, f"element {n}"))
    assert arrays.exact == kernel.exact
    assert arrays.credits.tolist() == kernel.credits.tolist()
    expected = [
        (Fraction(1, 7), 0),
        (Fraction(-7, 4) + Fraction(1, 2), 0),
        (3 * HUGE + 3, 3 * 10**12 + 3),
    ]
    for n, (reductions, credits) in enumerate(expected):
        assert arrays.exact[n][2] == reductions
        assert int(arrays.credits[n]) == credits
    missing = scaled.Scaled(np.array([[1, 2], [3, 4], [5, 6]]), 1, np.array([True, False, True]))
    values["electricity_generated"] = vectorised.Column(
        np.ones((3, 2)), values["electricity_generated"].exact, missing
    )
    again = vectorised.Outcome(np.zeros((3, 3)), np.zeros(3, dtype=np.int64), ExactFigures(), {})
    left = scaled.settle(vectorised.Batch(methodology, {"i": 2}, values, 3), np.arange(3), again)
    assert left.tolist() == [1], "the element lacking a value is left to the kernel"
    assert sorted(again.exact) == [0, 2]


@pytest.mark.parametrize(
    "values",
    [
        [Fraction(1, 3), 0, Fraction(-5, 7)],
        [0, 0],
        [HUGE, Fraction(-1, 10**15 + 1)],
        [10**40, -(10**40), Fraction(1, 2)],
        [Fraction(1, 2**40), Fraction(3, 10**30)],
        [Fraction(1, 10**400)],  # a denominator too large: None
        [True, Fraction(1, 4)],
    ],
)
def test_scaled_integers_of_fractions_are_each_value_times_their_common_denominator(
    values: list,
) -> None:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    found = scaled.of_fractions(array)
    denominator = 1
    for value in values:
        denominator = math.lcm(denominator, Fraction(value).denominator)
    if denominator.bit_length() > scaled.MAX_DENOMINATOR_BITS:
        assert found is None
        return
    assert found is not None and found.denominator == denominator
    assert [Fraction(int(i), denominator) for i in found.integers.tolist()] == values
