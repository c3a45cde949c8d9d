"""CSV dialects: the separator and the decimal mark a file may declare, and the errors for a
file that looks written in another one.

A file's reading options are given in the project file: ``data = [{ file = "x.csv",
separator = ";", decimal = "," }]``. Without them a file is comma-separated with decimal points.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from jcmcalc.model.errors import InputError

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
_COMMA_NUMBER = re.compile(r"^\s*[+-]?\d+,\d+\s*$")


def declare(separator: str, decimal: str = "") -> str:
    """How to declare a dialect in the project file."""
    shown = "\\t" if separator == "\t" else separator
    extra = f', decimal = "{decimal}"' if decimal else ""
    return (
        f'declare it in the project file: data = [{{ file = "...", separator = "{shown}"{extra} }}]'
    )


def check_header(header: Sequence[str], separator: str, file: object) -> None:
    """A header whose cells hold another separator (no header names a column with one, but
    symbols hold commas): the file looks separated by it."""
    for other, name in SEPARATORS.items():
        cell = next((c for c in header if other in c), None)
        if other not in (separator, ",") and cell is not None:
            raise InputError(
                f"the header cell {cell!r} holds {name}s: the file looks "
                f"{name}-separated, not {SEPARATORS.get(separator, separator)}-separated; "
                + declare(other, "," if other == ";" else ""),
                file=file,
                row=1,
            )


def hint(cells: Sequence[str], expected: int, separator: str) -> str:
    """Why a row may have more cells than its header: decimal commas in a comma-separated file."""
    if separator == "," and len(cells) > expected and any(c.strip().isdigit() for c in cells):
        return (
            " (decimal commas in a comma-separated file? Separate cells with ';' and "
            + declare(";", ",")
            + ")"
        )
    return ""


def comma_hint(cell: str) -> str:
    """The hint for a number written with a decimal comma in a file declared with points."""
    if _COMMA_NUMBER.match(cell):
        return f" (a decimal comma? {declare(';', ',')})"
    return ""


def points(
    cells: np.ndarray, decimal: str, *, title: str, file: object, row: Callable[[int], int]
) -> np.ndarray:
    """Number cells with decimal points: a file declared with decimal commas has its commas
    turned into points, and a point in it is an error (a thousands separator?)."""
    if decimal != "," or not len(cells):
        return cells
    dotted = np.flatnonzero(np.char.find(cells, ".") >= 0)
    if len(dotted):
        raise InputError(
            f"column {title!r}: {str(cells[dotted[0]])!r} has a point, but the file declares "
            'decimal = "," (write numbers without thousands separators, with a decimal comma)',
            file=file,
            row=row(int(dotted[0])),
        )
    return np.char.replace(cells, ",", ".")
