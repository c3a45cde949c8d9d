"""Workbook floor: the credits of the TH_AM001 ver 1.0 project workbook of
``benchmarks/project_workbook.py`` (100 off-grid PV systems, one dated reading a day each on the
sheet ``Monitoring EG_i,p``, one period), exactly, as a competent engineer would compute them
with python-calamine and no jcmcalc.

Why this is the floor: python-calamine (Rust) is the fastest xlsx reader a Python program can
call, and it is what jcmcalc reads workbooks with; the floor asks it for the two sheets it needs
(``Periods``, ``Monitoring EG_i,p``) and nothing else, takes each column whole into numpy (dates
by their day numbers as ``datetime64[D]``, readings as float64), takes each reading as the
decimal it was typed as (an Excel number cell is a double; a reading of at most two decimals is
checked to be one: x 100 must give back the double exactly, so the scaled integer is exact) and
sums the integers per period. No formula check, no size bounds, no other sheet: what the floor
skips, jcmcalc pays for. The file's sha256 is taken too, as the provenance of a result needs
(jcmcalc records it).

The arithmetic is TH_AM001 ver 1.0's: RE_p = sum_i EG_i,p x EF_RE,i with EG in MWh and
EF_RE,i = 0.533 t_CO2/MWh for an off-grid system, the best diesel generator factor jcmcalc
defaults to (``jcmcalc.tools.electricity.BEST_DIESEL``: JCM best diesel generator factor as
quoted in IGES 'Additional information on calculating the conservative emission factor'; its use
for Thailand is inferred, as jcmcalc labels it); every system of the workbook is off-grid; PE_p
= 0, credits_p = max(0, floor(ER_p)). A reading belongs to the period holding its date.

Prints, per period, its start, end, exact ER in tCO2 and credits, then the total credits and the
file's sha256 (``benchmarks/project_workbook.py`` checks them against jcmcalc's JSON output).

    python benchmarks/floors/workbook_floor.py PROJECT.xlsx
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
from python_calamine import CalamineWorkbook

DAY_ZERO = dt.date(1970, 1, 1).toordinal()
FACTOR = Fraction("0.533")  # t_CO2/MWh, best diesel generator, off-grid
SHEET, VALUE, PLACES = "Monitoring EG_i,p", "EG_i,p [MWh]", 2


def text(value: Fraction) -> str:
    """An exact decimal (a power-of-ten denominator) as decimal text, no trailing zeros."""
    places = 0
    while (value * 10**places).denominator != 1:
        places += 1
    digits = str(abs(value.numerator * 10**places // value.denominator)).rjust(places + 1, "0")
    sign = "-" if value < 0 else ""
    return sign + (f"{digits[:-places]}.{digits[-places:]}" if places else digits)


def periods(book: CalamineWorkbook) -> list[tuple[np.datetime64, np.datetime64]]:
    """The (start, end) of each period given on the sheet ``Periods``."""
    rows = book.get_sheet_by_name("Periods").to_python()
    return [(np.datetime64(r[1], "D"), np.datetime64(r[2], "D")) for r in rows[1:] if r[1] != ""]


def lines(path: str) -> list[str]:
    """Per period its start, end, exact ER and credits; then the total and the sha256."""
    data = Path(path).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_name(SHEET).to_python()
    header = rows[0]
    columns = list(zip(*rows[1:], strict=True))
    days = columns[header.index("date")]  # date cells: by their day numbers (numpy's own
    # conversion of date objects takes ten times as long)
    ordinals = np.fromiter(map(dt.date.toordinal, days), dtype=np.int64, count=len(days))
    dates = (ordinals - DAY_ZERO).astype("datetime64[D]")
    values = np.array(columns[header.index(VALUE)], dtype=np.float64)
    integers = np.rint(values * 10**PLACES)
    if not np.array_equal(integers / 10**PLACES, values) or np.abs(integers).max() >= 2**53:
        raise SystemExit(f"a reading of more than {PLACES} decimals")
    found, total, inside = [], 0, np.zeros(len(dates), dtype=bool)
    for start, end in periods(book):
        rows_in = (dates >= start) & (dates <= end)
        inside |= rows_in
        megawatt_hours = Fraction(int(integers[rows_in].astype(np.int64).sum()), 10**PLACES)
        reductions = megawatt_hours * FACTOR  # RE_p - PE_p (PE_p = 0), tCO2
        credits = max(0, math.floor(reductions))
        total += credits
        found.append(f"{start} {end} {text(reductions)} {credits}")
    if not inside.all():
        raise SystemExit("a reading in no period")
    return [*found, f"total credits {total} {digest}"]


if __name__ == "__main__":
    print("\n".join(lines(sys.argv[1])))
