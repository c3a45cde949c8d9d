"""A portfolio table judges the plausibility warning checks on its period values per row, on
float64 arrays, and by the kernel's exact rule where float64 cannot tell (``calculate`` gives
the same warnings: ``tests/test_parity.py``)."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest

from jcmcalc import api, portfolio
from jcmcalc.portfolio.table import checks as table_checks

HEADER = (
    'project,methodology,start,end,system,grid,connection_case,"EG_i,p [MWh]","P_rated,i [kWp]"'
)
#: CF_max x 24 h x 31 days / 1000: the bound on EG (MWh) per kWp in January.
PER_KWP = Fraction(5, 10) * 24 * 31 / 1000
KINDS = ("below", "at", "above", "slip", "unknown")


def write(path: Path, count: int, seed: int) -> dict[str, tuple[str, bool]]:
    """A table of ``count`` one-system projects; each project's kind and whether it breaches
    the bound, in exact rationals."""
    rng = random.Random(seed)
    lines, expected = [HEADER], {}
    for number in range(count):
        kind = KINDS[number % len(KINDS)]
        capacity = Fraction(rng.randrange(1, 100_000), 100)
        bound = capacity * PER_KWP
        energy = {
            "below": bound * Fraction(rng.randrange(1, 999), 1000),
            "at": bound,
            "above": bound + Fraction(1, 10**12),
            "slip": bound * Fraction(rng.randrange(100, 1_000)),  # kWh at a CF of 5-50 %
            "unknown": bound * 1000,
        }[kind]
        given = "" if kind == "unknown" else _decimal(capacity)
        project = f"P{number}"
        lines.append(
            f"{project},MN_AM003@2.0,2024-01-01,2024-01-31,S1,national,grid,"
            f"{_decimal(energy)},{given}"
        )
        expected[project] = (kind, bool(given) and energy > bound)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return expected


def _decimal(value: Fraction) -> str:
    scale = 0
    while (value * 10**scale).denominator != 1:
        scale += 1
    whole = str(value.numerator * 10**scale // value.denominator).rjust(scale + 1, "0")
    return f"{whole[:-scale]}.{whole[-scale:]}" if scale else whole


def test_each_row_is_judged_and_only_doubtful_rows_by_the_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "portfolio.csv"
    expected = write(table, 500, 3)
    exact: list[int] = []

    def counted(context, checks, source, place):
        exact.extend(source.elements.positions.tolist())
        return judged(context, checks, source, place)

    judged = table_checks.judged_periods
    monkeypatch.setattr(table_checks, "judged_periods", counted)
    rows = portfolio.calculate(table, api.get_methodology)[:-1]
    assert len(rows) == 500 and all(row.status == "ok" for row in rows)
    for row in rows:
        kind, breaches = expected[row.project]
        found = [w for w in row.warnings if "capacity factor of 50%" in w]
        assert len(found) == breaches, (row.project, kind, row.warnings)
        assert any("kWh written as MWh?" in w for w in found) == (kind == "slip")
        if found:
            assert found[0].startswith("period 1 (2024-01-01 to 2024-01-31): EG_i,p (electricity")
    # float64 decides the rows far from the bounds and those without a capacity; the kernel
    # the rows at the upper one, just above it (float64 cannot tell) and breaking either
    low = [r for r in rows if any("check 'capacity factor, lower'," in w for w in r.warnings)]
    assert low and all(expected[r.project][0] == "below" for r in low)
    cells = [line.split(",") for line in table.read_text(encoding="utf-8").splitlines()[1:]]
    at_low = sum(
        bool(c[-1]) and Fraction(c[-2]) == Fraction(c[-1]) * PER_KWP / 50 for c in cells
    )  # at the lower bound (CF_min = CF_max / 50) exactly
    upper = sum(kind in ("at", "above", "slip") for kind, _ in expected.values())
    assert len(exact) == upper + len(low) + at_low
    assert sum(breaches for _, breaches in expected.values()) == 200


def test_a_float64_comparison_alone_would_judge_rows_at_the_bound_wrongly(tmp_path: Path) -> None:
    """The reason for the exact rule: 1e-12 MWh above the bound is within float64's error."""
    table = tmp_path / "portfolio.csv"
    expected = write(table, 50, 7)
    lines = table.read_text(encoding="utf-8").splitlines()[1:]
    wrong = 0
    for line in lines:
        cells = line.split(",")
        if cells[-1]:
            floated = float(cells[-2]) <= float(cells[-1]) * 0.5 * 24 * 31 / 1000
            wrong += floated == expected[cells[0]][1]
    assert wrong


FAULTY = """
[methodology]
id = "FAULTY_CHECK"
version = "1.0"
title = "A warning check its own bounds let divide by zero (test)"
family = "test"
sectoral_scope = "1"
status = "test"
source = "test"
confidence = "inferred"

[indices]
i = { key = "systems", title = "system" }

[parameters.EG]
name = "electricity_generated"
unit = "MWh"
kind = "monitored"
index = ["i"]
description = "Electricity of system i"
monitoring = { options = ["C"], measurement = "meter", frequency = "continuous" }

[parameters.P]
name = "rated_capacity"
unit = "kW"
kind = "project"
index = ["i"]
bounds = "> 0"
description = "Rated capacity of system i"

[parameters.EF]
name = "emission_factor"
unit = "t_CO2/MWh"
kind = "project"
description = "Emission factor"

[equations.RE]
name = "reference_emissions"
unit = "t_CO2"
formula = "sum(i, EG[i] * EF)"
description = "Reference emissions"

[equations.PE]
name = "project_emissions"
unit = "t_CO2"
formula = '"0 t_CO2"'
description = "Project emissions"

[[checks]]
name = "odd bound"
formula = 'EG[i] <= to(P[i] * H_p * P[i] / (P[i] - "1 kW"), "MWh")'
description = "a bound that cannot be evaluated for a capacity of 1 kW"
severity = "warning"
"""

PROJECT = """
[methodology]
id = "FAULTY_CHECK"
version = "1.0"

[parameters]
emission_factor = "0.5 t_CO2/MWh"

[[systems]]
id = "S1"
parameters = {{ rated_capacity = "{capacity} kW" }}

[[periods]]
start = 2024-01-01
end = 2024-01-31
values = {{ "EG_i,p" = "3 MWh" }}
"""


def test_a_check_that_cannot_be_evaluated_fails_its_project_alike(tmp_path: Path) -> None:
    from jcmcalc.plugin.datafile import load_file

    declaration = tmp_path / "faulty.methodology.toml"
    declaration.write_text(FAULTY, encoding="utf-8")
    (methodology,) = load_file(declaration)

    def get(identifier: str, version: str | None):
        return methodology

    folder = tmp_path / "folder"
    folder.mkdir()
    for name, capacity in (("bad", "1"), ("good", "2")):
        text = PROJECT.format(capacity=capacity)
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    table = tmp_path / "table.csv"
    table.write_text(
        'project,methodology,start,end,system,"EG_i,p [MWh]","P_i [kW]","EF [t_CO2/MWh]"\n'
        "bad.toml,FAULTY_CHECK@1.0,2024-01-01,2024-01-31,S1,3,1,0.5\n"
        "good.toml,FAULTY_CHECK@1.0,2024-01-01,2024-01-31,S1,3,2,0.5\n",
        encoding="utf-8",
    )
    in_folder = {r.project: r for r in portfolio.calculate(folder, get)[:-1]}
    in_table = {r.project: r for r in portfolio.calculate(table, get)[:-1]}
    assert in_folder["bad.toml"].status == in_table["bad.toml"].status == "failed"
    assert "check 'odd bound' cannot be evaluated for S1" in in_table["bad.toml"].message
    assert in_table["bad.toml"].message == in_folder["bad.toml"].message
    assert in_folder["good.toml"].status == in_table["good.toml"].status == "ok"
    (warning,) = in_table["good.toml"].warnings
    assert "EG_i,p (electricity generated) for system 'S1' = 3 MWh is above P_i × H_p" in warning
    assert in_folder["good.toml"].warnings == (warning,)


def test_many_periods_at_once_warn_as_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Judged many at once (grouped by attributes and by the values they lack), each project
    gets the warnings the kernel gives it alone: members named by their own ids, in the
    table's order, a member without a capacity not judged."""
    rng = random.Random(11)
    lines = [HEADER]
    for number in range(300):
        systems = rng.sample(["S1", "S2", "S3", "B-07"], rng.randrange(1, 4))
        for system in systems:
            capacity = Fraction(rng.randrange(1, 100_000), 100)
            energy = capacity * PER_KWP * rng.choice([Fraction(1, 2), 1, 3, 2000])
            given = "" if rng.random() < 0.2 else _decimal(capacity)
            lines.append(
                f"P{number},MN_AM003@2.0,2024-01-01,2024-01-31,{system},national,"
                f"{rng.choice(['grid', 'off-grid'])},{_decimal(energy)},{given}"
            )
    table = tmp_path / "members.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    grouped = portfolio.to_csv(portfolio.calculate(table, api.get_methodology))
    assert grouped.count("capacity factor of 50%") > 100

    def alone(batch, periods, group, judged):
        for position in group.tolist():
            table_checks._exact(batch, periods, position, judged)

    monkeypatch.setattr(table_checks, "_exact_group", alone)
    assert portfolio.to_csv(portfolio.calculate(table, api.get_methodology)) == grouped
