"""Pandas portfolio reference (the second reference of benchmarks/portfolio.py; the floor the
ratios are stated against is portfolio_lean.py): the output of `jcmcalc portfolio TABLE -o OUT`
for the generated table
(benchmarks/generate.py portfolio: single-system TH_AM001 ver 3.0 projects, one period each),
written by a pandas/numpy script as a competent engineer would: the table read by the pyarrow
CSV parser, every figure taken as its exact decimal (the text is checked to have at most 3
decimals for EG and 4 for EF, so float64 x 10^places rounds to the exact integer), RE_p =
EG_i,p x EF_RE,i as integers at 10^-7 (0.533 t_CO2/MWh off grid), PE_p = 0, credits =
floor(ER_p), figures rounded half-even to 6 places and written as decimal text, the same
CSV file (rows sorted by project, then the total), except that it never reads
``connection_case`` (a grid row without a factor would get the off-grid 0.533) and writes no
warnings: only its credits and figures are compared with jcmcalc's.

    python benchmarks/floors/portfolio_floor.py TABLE.csv OUTPUT.csv
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.csv as pv

OFF_GRID = 5330  # 0.533 t_CO2/MWh at 10^-4
METHODOLOGY = "TH_AM001@3.0"


def scaled(column, places: int) -> np.ndarray:
    """Exact integers of decimal texts at 10^-places (empty cells: -1)."""
    if not pc.all(pc.match_substring_regex(column, rf"^(\d+(\.\d{{0,{places}}})?)?$")).as_py():
        raise SystemExit(f"a figure has more than {places} decimals")
    numbers = pc.cast(pc.if_else(pc.equal(column, ""), "-1", column), "float64").to_numpy()
    return np.rint(numbers * 10**places).astype(np.int64)


def text(integers: np.ndarray, places: int) -> np.ndarray:
    """Decimal text of integers at 10^-places, trailing zeros dropped."""
    whole, part = np.divmod(integers, 10**places)
    digits = np.char.rstrip(np.char.zfill(part.astype(str), places), "0")
    wholes = whole.astype(str)
    return np.where(digits == "", wholes, np.char.add(np.char.add(wholes, "."), digits))


def half_even(integers: np.ndarray) -> np.ndarray:
    """Integers at 10^-7 rounded half-even to 10^-6."""
    quotient, rest = np.divmod(integers, 10)
    up = (rest > 5) | ((rest == 5) & (quotient % 2 == 1))
    return quotient + up


def main() -> None:
    source, output = sys.argv[1], sys.argv[2]
    names = ["project", "start", "end", "EF_RE,i [t_CO2/MWh]", "EG_i,p [MWh]"]
    table = pv.read_csv(
        source,
        convert_options=pv.ConvertOptions(
            column_types=dict.fromkeys(names, "string"), include_columns=names
        ),
    )
    factor = scaled(table.column("EF_RE,i [t_CO2/MWh]"), 4)
    factor[factor < 0] = OFF_GRID
    energy = scaled(table.column("EG_i,p [MWh]"), 3)
    reference = energy * factor  # exact at 10^-7: below 2^63 for these sizes
    order = np.argsort(table.column("project").to_numpy(zero_copy_only=False), kind="stable")
    rounded = half_even(reference[order])
    figures = text(rounded, 6)
    frame = pd.DataFrame(
        {
            "project": table.column("project").to_numpy(zero_copy_only=False)[order],
            "methodology": METHODOLOGY,
            "period": 1,
            "start": table.column("start").to_numpy(zero_copy_only=False)[order],
            "end": table.column("end").to_numpy(zero_copy_only=False)[order],
            "reference_emissions_tco2": figures,
            "project_emissions_tco2": "0",
            "emission_reductions_tco2": figures,
            "credits": reference[order] // 10**7,
            "status": "ok",
            "message": "",
            "warnings": "",
            "coverage": "",
            "allocation": "",
            "creditable": "true",
        }
    )
    quotient, rest = divmod(sum(reference.tolist()), 10)  # Python ints: no overflow
    whole, part = divmod(quotient + (rest > 5 or (rest == 5 and quotient % 2 == 1)), 10**6)
    total = f"{whole}.{part:06}".rstrip("0").rstrip(".")
    credits = sum((reference // 10**7).tolist())
    frame.to_csv(output, index=False, lineterminator="\n")
    with open(output, "a", encoding="utf-8") as stream:
        stream.write(f"TOTAL,,,,,{total},0,{total},{credits},ok,0 project(s) failed,,,,\n")


if __name__ == "__main__":
    main()
