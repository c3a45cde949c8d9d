"""The figures a portfolio table prints carry the digits `calculate` prints: the exact value's
decimal text, not float64's."""

from __future__ import annotations

import csv
import io
import random
from fractions import Fraction
from pathlib import Path

from jcmcalc import api, portfolio
from jcmcalc.model.numbers import decimal_text
from jcmcalc.portfolio.rows import to_csv
from tests.test_portfolio import HEADER, write_table

FIGURES = ("reference_emissions_tco2", "project_emissions_tco2", "emission_reductions_tco2")


def write_ties(path: Path, count: int, seed: int) -> None:
    """``count`` one-system projects, energy to 3 decimals x factor to 4: the exact RE has 7
    decimals, a tenth of them a half step at the 6th (where float64 may round either way)."""
    rng = random.Random(seed)
    lines = [HEADER.rstrip("\n")]
    for number in range(count):
        energy = f"{rng.randrange(1, 5_000_000) / 1000:.3f}"
        factor = rng.choice(["0.5113", "0.073", "0.7", "0.6312", "0.1235"])
        lines.append(f"T{number},TH_AM001@1.0,2024-01-01,2024-12-31,S1,grid,{factor},test,{energy}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def exact_figures(table: Path) -> dict[tuple[str, str], str]:
    """RE of each project-period in exact rationals (TH_AM001: RE_p = sum_i EG_i,p x EF_RE,i,
    0.533 t/MWh off grid), as `calculate` prints it."""
    found: dict[tuple[str, str], Fraction] = {}
    for line in csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))):
        factor = Fraction(line["EF_RE,i [t_CO2/MWh]"] or "0.533")
        key = (line["project"], line["start"])
        found[key] = found.get(key, Fraction(0)) + Fraction(line["EG_i,p [MWh]"]) * factor
    return {key: decimal_text(value) for key, value in found.items()}


def float_figures(table: Path) -> dict[tuple[str, str], str]:
    """RE of each one-member project-period rounded from float64, as the table once printed."""
    return {
        (line["project"], line["start"]): decimal_text(
            Fraction(float(line["EG_i,p [MWh]"]) * float(line["EF_RE,i [t_CO2/MWh]"]))
        )
        for line in csv.DictReader(io.StringIO(table.read_text(encoding="utf-8")))
    }


def test_every_figure_of_a_table_has_the_exact_digits(tmp_path: Path) -> None:
    table, ties = tmp_path / "portfolio.csv", tmp_path / "ties.csv"
    write_table(table, 200, 11)
    write_ties(ties, 400, 5)
    exact = exact_figures(ties)
    assert float_figures(ties) != exact, "float64 must round some of these figures otherwise"
    for path in (table, ties):
        expected = exact_figures(path)
        rows = portfolio.calculate(path, api.get_methodology)
        printed = list(csv.DictReader(io.StringIO(to_csv(rows))))[:-1]
        assert len(printed) == len(expected)
        for line in printed:
            figure = expected[(line["project"], line["start"])]
            assert [line[f] for f in FIGURES] == [figure, "0", figure], line["project"]
