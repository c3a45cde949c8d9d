"""Lean portfolio floor: the bytes of `jcmcalc portfolio TABLE -o OUT` for the tables of
benchmarks/generate.py (single-system TH_AM001 ver 3.0 projects, one period each), written the
way a competent engineer would write it for exactly that job, and nothing else.

Why it is the floor: every step is one vectorised pass in pyarrow's C++ kernels or numpy, with
no Python object per row and no step jcmcalc could skip:

- the table read by pyarrow's multithreaded CSV reader, only the columns the job needs, as text
  (the cells as written: a decimal is never seen as a float);
- each decimal parsed exactly to a scaled integer (EG at 10^-3 MWh, EF at 10^-4 t_CO2/MWh):
  the point removed and the digits cast to int64 by arrow, times the missing powers of ten;
- the methodology's default rule per connection case, as jcmcalc applies it for Thailand (no
  grid table shipped): ``off-grid`` with no factor takes 0.533 t_CO2/MWh (the best diesel
  generator factor); ``grid`` takes the factor given with its source, and a grid row without
  one fails its project with jcmcalc's message;
- RE_p = EG_i,p x EF_RE,i exactly at 10^-7 (int64, bounded), PE_p = 0, ER_p = RE_p,
  credits = floor(ER_p); the rows grouped by project by arrow's sort (one row per project is
  checked), each figure rounded half-even to 6 places;
- the lines built by arrow's string kernels (digits of integers, padding, joins) and written
  from the buffer of one string array; the total summed exactly (two int64 halves).

Anything outside that job (another methodology, an unanswered criterion, a factor for an
off-grid system, an id that would need quoting or normalising, two rows of one project) is
refused (exit code 1) rather than answered differently from jcmcalc.

    python benchmarks/floors/portfolio_lean.py TABLE.csv OUTPUT.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv

METHODOLOGY = "TH_AM001@3.0"
OFF_GRID = 5330  # 0.533 t_CO2/MWh at 10^-4: jcmcalc.tools.electricity.BEST_DIESEL
EF, SOURCE, EG = "EF_RE,i [t_CO2/MWh]", "EF_RE,i source", "EG_i,p [MWh]"
CRITERIA = ("eligibility C1", "eligibility C2", "eligibility C3")
NAMES = ("project", "methodology", "start", "end", "system", "connection_case", EF, SOURCE, EG)
BLOCK = 1 << 16  # rows written at a time (bounds the memory of the text)
PLAIN_ID = r"^[A-Za-z0-9]([A-Za-z0-9 _./-]*[A-Za-z0-9_./-])?$"  # written as is, NFC already
HEADER = (
    "project,methodology,period,start,end,reference_emissions_tco2,project_emissions_tco2,"
    "emission_reductions_tco2,credits,status,message,warnings,coverage,allocation,creditable\n"
)
WARNING = (
    "P_rated,i for PV system '{}' (rated capacity) is not given: the plausibility checks "
    "'capacity factor', 'capacity factor, lower' cannot be judged without it; give it in the "
    "project file"
)
MISSING = (
    "{file}, row {{}}: parameter EF_RE,i: missing value for PV system '{{}}': the table 'best "
    "diesel generator' has no row for connection_case=grid; give it in the project file with "
    'its source, e.g. {{ value = "... t_CO2/MWh", source = "..." }}'
)


def refuse(why: str) -> None:
    raise SystemExit(f"portfolio_lean: outside the floor's job: {why}")


def require(condition: pa.Array | pa.ChunkedArray, why: str) -> None:
    if not pc.all(condition).as_py():
        refuse(why)


def scaled(column: pa.ChunkedArray, places: int) -> np.ndarray:
    """Exact integers of decimal texts at 10^-places (an empty cell: 0)."""
    require(pc.match_substring_regex(column, rf"^(\d+(\.\d{{1,{places}}})?)?$"), "a figure")
    point = pc.find_substring(column, ".").to_numpy()
    decimals = np.where(point < 0, 0, pc.utf8_length(column).to_numpy() - point - 1)
    digits = pc.replace_substring(column, ".", "")
    digits = pc.if_else(pc.equal(digits, ""), "0", digits)
    require(pc.less(pc.utf8_length(digits), 16), "a figure too long for int64")
    return pc.cast(digits, pa.int64()).to_numpy() * 10 ** (places - decimals)


def decimal_text(integers: np.ndarray, places: int) -> pa.Array:
    """Decimal text of non-negative ``integers`` / 10^places, trailing zeros dropped."""
    whole, part = np.divmod(integers, 10**places)
    digits = pc.utf8_rtrim(pc.utf8_lpad(pc.cast(pa.array(part), pa.string()), places, "0"), "0")
    wholes = pc.cast(pa.array(whole), pa.string())
    return pc.if_else(
        pc.equal(digits, ""), wholes, pc.binary_join_element_wise(wholes, digits, ".")
    )


def half_even(integers: np.ndarray) -> np.ndarray:
    """Non-negative integers at 10^-7 rounded half-even to 10^-6."""
    quotient, rest = np.divmod(integers, 10)
    return quotient + ((rest > 5) | ((rest == 5) & (quotient % 2 == 1)))


def exact_sum(integers: np.ndarray) -> int:
    """The exact sum of non-negative int64 values (fewer than 2^31 of them)."""
    return (int((integers >> 32).sum()) << 32) + int((integers & 0xFFFFFFFF).sum())


def read(source: str) -> pa.Table:
    names = [*NAMES, *CRITERIA]
    table = pv.read_csv(
        source,
        convert_options=pv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), include_columns=names
        ),
    )
    require(pc.equal(table["methodology"], METHODOLOGY), f"a methodology other than {METHODOLOGY}")
    for criterion in CRITERIA:
        require(pc.equal(table[criterion], "true"), f"{criterion} not answered true")
    for name in ("project", "system"):
        require(pc.match_substring_regex(table[name], PLAIN_ID), f"a {name} id that needs care")
    if pc.count_distinct(table["project"]).as_py() != len(table):
        refuse("a project of more than one row")
    return table.append_column("row", pa.array(np.arange(2, len(table) + 2)))  # CSV line


def main() -> None:
    source, output = sys.argv[1], sys.argv[2]
    table = read(source)
    order = pc.sort_indices(table["project"])  # grouped by project
    table = table.take(order).combine_chunks()
    start, end = (pc.cast(table[name], pa.date32()) for name in ("start", "end"))
    require(pc.less_equal(start, end), "a period that ends before it starts")
    case, given = table["connection_case"], pc.not_equal(table[EF], "")
    off_grid, grid = pc.equal(case, "off-grid"), pc.equal(case, "grid")
    require(pc.or_(off_grid, grid), "a connection case other than grid, off-grid")
    require(pc.invert(pc.and_(off_grid, given)), "a factor given for an off-grid system")
    require(pc.or_(pc.invert(given), pc.not_equal(table[SOURCE], "")), "a factor with no source")
    energy = scaled(table[EG], 3)
    off_grid = off_grid.to_numpy(zero_copy_only=False)
    factor = np.where(off_grid, OFF_GRID, scaled(table[EF], 4))
    failed = ~off_grid & ~given.to_numpy(zero_copy_only=False)
    if len(energy) and int(energy.max()) * max(int(factor.max()), 1) >= 2**62:
        refuse("a product beyond int64")
    reference = np.where(failed, 0, energy * factor)  # t_CO2 at 10^-7
    kept = reference[~failed]
    quotient, rest = divmod(exact_sum(kept), 10)
    total = decimal_text(np.array([quotient + (rest > 5 or (rest == 5 and quotient % 2 == 1))]), 6)
    count = int(failed.sum())
    with open(output, "wb") as stream:
        stream.write(HEADER.encode())
        for first in range(0, len(table), BLOCK):
            last = min(first + BLOCK, len(table))
            part = table.slice(first, last - first)
            write(stream, lines(part, reference[first:last], failed[first:last], first, source))
        figure = total[0].as_py()
        stream.write(
            f"TOTAL,,,,,{figure},0,{figure},{exact_sum(kept // 10**7)},"
            f"{'failed' if count else 'ok'},{count} project(s) failed,,,,\n".encode()
        )
    if count:
        sys.exit(4)  # as jcmcalc: the output written, some projects failed


def lines(
    part: pa.Table, reference: np.ndarray, failed: np.ndarray, first: int, source: str
) -> pa.Array:
    """The output lines of the rows of ``part`` (from row ``first`` of the sorted table)."""
    figures = decimal_text(half_even(reference), 6)
    warning = WARNING.replace('"', '""').split("{}")
    dates = [pc.cast(pc.cast(part[name], pa.date32()), pa.string()) for name in ("start", "end")]
    line = pc.binary_join_element_wise(
        part["project"],
        METHODOLOGY,
        "1",
        *dates,
        figures,
        "0",
        figures,
        pc.cast(pa.array(reference // 10**7), pa.string()),
        "ok",
        "",
        pc.binary_join_element_wise('"' + warning[0], part["system"], warning[1] + '"', ""),
        "",
        "",
        "true\n",
        ",",
    )
    if failed.any():
        message = MISSING.format(file=Path(source).name).replace('"', '""').split("{}")
        rows = pc.cast(pa.array(part["row"]), pa.string())
        cell = pc.binary_join_element_wise(
            '"' + message[0], rows, message[1], part["system"], message[2] + '"', ""
        )
        lost = pc.binary_join_element_wise(
            part["project"], METHODOLOGY, "", "", "", "", "", "", "", "failed", cell, "", "", "",
            "\n", ",",
        )  # fmt: skip
        line = pc.if_else(pa.array(failed), lost, line)
    return line.combine_chunks() if isinstance(line, pa.ChunkedArray) else line


def write(stream, lines: pa.Array) -> None:
    """The text of ``lines`` (no missing one) written from their buffer at once."""
    _, offsets, data = lines.buffers()
    bounds = np.frombuffer(offsets, np.int32, len(lines) + 1, lines.offset * 4)
    stream.write(memoryview(data)[bounds[0] : bounds[-1]])


if __name__ == "__main__":
    main()
