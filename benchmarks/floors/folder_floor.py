"""Folder floor: the output of `jcmcalc portfolio FOLDER -o OUT` for the generated folder
(benchmarks/folder.py: small TH_AM001 ver 3.0 projects, each a project file and a CSV of one
total per PV system and period), written in plain Python as a competent engineer would for these
files: each project file read by ``tomllib``, its CSV by ``csv``, every figure an exact
``Fraction``. It does the same job: RE_p = sum_i EG_i,p x EF_RE,i (the stated factor on grid,
0.533 t_CO2/MWh off grid), PE_p = 0, credits = floor(ER_p); the same plausibility checks
(output within capacity factors 1 % and 50 % of the rated capacity over the period, and not
above twice the project's own ex-ante estimate for the year: rated capacity x specific yield x
(1 - degradation)^(year - 1), prorated by day); figures rounded half-even to 6 places, the
total exact. A breach would be a warning in jcmcalc's output, which this floor does not
write: it stops instead (the generated data breach none).

    python benchmarks/floors/folder_floor.py FOLDER OUTPUT.csv
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import tomllib
from fractions import Fraction
from pathlib import Path

OFF_GRID = Fraction("0.533")  # t_CO2/MWh: the best diesel generator (TH_AM001's off-grid rule)
HEADER = (
    "project,methodology,period,start,end,reference_emissions_tco2,project_emissions_tco2,"
    "emission_reductions_tco2,credits,status,message,warnings,coverage,allocation,creditable"
)
UNITS = {"kWp": 1, "MWp": 1000, "MWh/kWp/year": 1, "%": Fraction(1, 100)}


def quantity(text: str) -> Fraction:
    """``"850 kWp"`` in kWp, ``"1.3 MWh/kWp/year"``, ``"0.5 %"`` as a fraction; a plain number."""
    number, _, unit = text.partition(" ")
    return Fraction(number) * UNITS[unit] if unit else Fraction(number)


def figure(value: Fraction) -> str:
    """Decimal text rounded half-even to 6 places, trailing zeros dropped."""
    scaled = round(value * 10**6)
    whole, part = divmod(abs(scaled), 10**6)
    text = f"{whole}.{part:06}".rstrip("0").rstrip(".")
    return f"-{text}" if scaled < 0 else text


def project_rows(path: Path, name: str) -> tuple[list[str], Fraction, int]:
    """The output lines of one project file, its summed ER and credits."""
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    method = document["methodology"]
    label = f"{method['id']}@{method['version']}"
    estimate = document["estimate"]
    lines, total, credits = [], Fraction(0), 0
    for number, period in enumerate(document["periods"], start=1):
        start, end = period["start"], period["end"]
        with (path.parent / period["data"]).open(encoding="utf-8", newline="") as stream:
            rows = csv.DictReader(stream)
            energy = {row["system"]: Fraction(row["EG_i,p [MWh]"]) for row in rows}
        hours = ((end - start).days + 1) * 24
        reference = Fraction(0)
        for system in document["systems"]:
            given = system.get("parameters", {})
            output = energy[system["id"]]
            if system["connection_case"] == "off-grid":
                factor = OFF_GRID
            else:
                factor = quantity(given["EF_RE,i"]["value"].split()[0])
            reference += output * factor
            rated = quantity(given["rated_capacity"])
            if not rated * hours / 100 / 1000 <= output <= rated * hours / 2 / 1000:
                raise SystemExit(f"{name}: a capacity-factor warning; the floor writes none")
            expected = _expected(estimate, given, rated, start, end)
            if expected > 0 and output > 2 * expected:
                raise SystemExit(f"{name}: far above its estimate; the floor writes none")
        total += reference
        credits += max(0, reference.numerator // reference.denominator)
        text = figure(reference)
        lines.append(
            f"{name},{label},{number},{start},{end},{text},0,{text},"
            f"{max(0, reference.numerator // reference.denominator)},ok,,,,,true"
        )
    return lines, total, credits


def _expected(
    estimate: dict, given: dict, rated: Fraction, start: dt.date, end: dt.date
) -> Fraction:
    """The ex-ante estimate of a system's output over ``start``..``end`` (0: not covered)."""
    first, found, covered = estimate["start"], Fraction(0), 0
    for year in range(1, estimate["years"] + 1):
        begin = first.replace(year=first.year + year - 1)
        finish = first.replace(year=first.year + year) - dt.timedelta(days=1)
        days = max(0, (min(end, finish) - max(start, begin)).days + 1)
        if days:
            value = rated * quantity(given["specific_yield"])
            value *= (1 - quantity(given["degradation_rate"])) ** (year - 1)
            found += value * days / ((finish - begin).days + 1)
            covered += days
    return found if covered == (end - start).days + 1 else Fraction(0)


def main() -> None:
    folder, output = Path(sys.argv[1]), Path(sys.argv[2])
    lines, total, credits = [HEADER], Fraction(0), 0
    for path in sorted(folder.rglob("*.toml")):
        found, reductions, whole = project_rows(path, path.relative_to(folder).as_posix())
        lines += found
        total += reductions
        credits += whole
    text = figure(total)
    lines.append(f"TOTAL,,,,,{text},0,{text},{credits},ok,0 project(s) failed,,,,")
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
