"""Many-member table floor: the output of `jcmcalc portfolio TABLE -o OUT` for the generated
table of one project with many PV systems (benchmarks/generate.py members: TH_AM001 ver 3.0,
one row per system, one period), written as a competent engineer would with pyarrow and numpy:
the CSV read by pyarrow's reader, every figure an exact scaled integer (the text is checked to
have at most 3 decimals for EG and 4 for EF, so float64 x 10^places rounds to the exact
integer), RE_p = sum_i EG_i,p x EF_RE,i as integers at 10^-7 (0.533 t_CO2/MWh off grid),
PE_p = 0, credits = floor(ER_p), grouped by project; the same plausibility checks (each
system's output within capacity factors 1 % and 50 % of its rated capacity over the period, in
integers); figures rounded half-even to 6 places, the same CSV bytes. A breach would be a
warning in jcmcalc's output, which this floor does not write: it stops instead (the generated
data breach none).

    python benchmarks/floors/members_floor.py TABLE.csv OUTPUT.csv
"""

from __future__ import annotations

import datetime as dt
import sys

import numpy as np
import pyarrow.compute as pc
import pyarrow.csv as pv

OFF_GRID = 5330  # 0.533 t_CO2/MWh at 10^-4
HEADER = (
    "project,methodology,period,start,end,reference_emissions_tco2,project_emissions_tco2,"
    "emission_reductions_tco2,credits,status,message,warnings,coverage,allocation,creditable"
)


def scaled(column, places: int) -> np.ndarray:
    """Exact integers of decimal texts at 10^-places (empty cells: -1)."""
    if not pc.all(pc.match_substring_regex(column, rf"^(\d+(\.\d{{0,{places}}})?)?$")).as_py():
        raise SystemExit(f"a figure has more than {places} decimals")
    numbers = pc.cast(pc.if_else(pc.equal(column, ""), "-1", column), "float64").to_numpy()
    return np.rint(numbers * 10**places).astype(np.int64)


def figure(integer: int) -> str:
    """Decimal text of an integer at 10^-7 rounded half-even to 6 places."""
    quotient, rest = divmod(integer, 10)
    quotient += rest > 5 or (rest == 5 and quotient % 2 == 1)
    whole, part = divmod(quotient, 10**6)
    return f"{whole}.{part:06}".rstrip("0").rstrip(".")


def main() -> None:
    source, output = sys.argv[1], sys.argv[2]
    names = ["project", "methodology", "start", "end", "connection_case"]
    figures = ["EF_RE,i [t_CO2/MWh]", "EG_i,p [MWh]", "P_rated,i [kWp]"]
    table = pv.read_csv(
        source,
        convert_options=pv.ConvertOptions(
            column_types=dict.fromkeys(names + figures, "string"), include_columns=names + figures
        ),
    )
    factor = scaled(table.column(figures[0]), 4)
    off_grid = pc.equal(table.column("connection_case"), "off-grid").to_numpy(zero_copy_only=False)
    factor[off_grid] = OFF_GRID
    energy, rated = scaled(table.column(figures[1]), 3), scaled(table.column(figures[2]), 0)
    start = dt.date.fromisoformat(table.column("start")[0].as_py())
    end = dt.date.fromisoformat(table.column("end")[0].as_py())
    hours = ((end - start).days + 1) * 24
    if not pc.all(pc.equal(table.column("start"), str(start))).as_py():
        raise SystemExit("the floor takes one period for every row")
    # capacity factor: 0.01 x P x H <= EG <= 0.5 x P x H (EG in kWh = energy at 10^-3 MWh)
    if np.any(rated * hours > 100 * energy) or np.any(2 * energy > rated * hours):
        raise SystemExit("a capacity-factor warning; the floor writes none")
    reference = energy * factor  # exact at 10^-7: below 2^63 for these sizes
    encoded = table.column("project").combine_chunks().dictionary_encode()
    codes = encoded.indices.to_numpy()
    totals = [0] * len(encoded.dictionary)
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
    for code, total in zip(
        codes[order][starts], np.add.reduceat(reference[order], starts), strict=True
    ):
        totals[code] = int(total)
    methodology = table.column("methodology")[0].as_py()
    lines = [HEADER]
    for code in np.argsort(encoded.dictionary.to_numpy(zero_copy_only=False), kind="stable"):
        text = figure(totals[code])
        lines.append(
            f"{encoded.dictionary[code].as_py()},{methodology},1,{start},{end},{text},0,{text},"
            f"{totals[code] // 10**7},ok,,,,,true"
        )
    total = sum(totals)
    text = figure(total)
    lines.append(f"TOTAL,,,,,{text},0,{text},{total // 10**7},ok,0 project(s) failed,,,,")
    with open(output, "w", encoding="utf-8") as stream:
        stream.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
