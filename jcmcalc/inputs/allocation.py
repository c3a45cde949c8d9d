"""``[allocation]`` of a project file: how issued credits are shared between parties.

Shares are percentages that add up to exactly 100 (read exactly, as every number is), with the
party that takes the remainder after the other shares are rounded down; or whole amounts per
period. See ``docs/project-files.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from jcmcalc.inputs import boundary
from jcmcalc.model.allocation import ROUNDING, Allocation
from jcmcalc.model.errors import InputError

KEYS = ("shares", "remainder", "rounding", "amounts")


def _percent(raw: Any, *, file: Path, at: str) -> Fraction:
    problem = f'{raw!r} is not a percentage (write 20 or "20 %")'
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise InputError(problem, file=file, at=at)
    try:
        value = boundary.decimal(str(raw).strip().removesuffix("%"))
    except (ValueError, OverflowError):
        raise InputError(problem, file=file, at=at) from None
    if not 0 <= value <= 100:
        raise InputError(f"{raw!r}: a share lies between 0 and 100 %", file=file, at=at)
    return value / 100


def _shares(table: Mapping[str, Any], *, file: Path) -> Allocation:
    shares = table["shares"]
    if not isinstance(shares, Mapping) or len(shares) < 2:
        raise InputError(
            "shares must be a table of two or more parties, e.g. { Mongolia = 20, Japan = 80 }",
            file=file,
            at="allocation.shares",
        )
    parties = tuple(str(party) for party in shares)
    values = tuple(
        _percent(raw, file=file, at=f"allocation.shares.{party}") for party, raw in shares.items()
    )
    if sum(values) != 1:
        total = float(sum(values) * 100)
        raise InputError(f"shares add up to {total:g} %, not 100 %", file=file, at="allocation")
    remainder = table.get("remainder")
    if remainder not in parties:
        raise InputError(
            f"remainder must name the party that takes what is left after the others' shares "
            f"are rounded down: one of {', '.join(parties)}",
            file=file,
            at="allocation.remainder",
        )
    rounding = table.get("rounding", ROUNDING)
    if rounding != ROUNDING:
        raise InputError(
            f"rounding {rounding!r}: only {ROUNDING!r} (the remainder party gets the rest)",
            file=file,
            at="allocation.rounding",
        )
    return Allocation(parties, values, str(remainder), source=str(file))


def _amounts(raw: Any, periods: int, *, file: Path) -> Allocation:
    if not isinstance(raw, list) or not all(isinstance(row, Mapping) for row in raw):
        raise InputError(
            "amounts must be a list of tables, one per period: [{ Mongolia = 126, Japan = 505 }]",
            file=file,
            at="allocation.amounts",
        )
    if len(raw) != periods:
        raise InputError(
            f"{len(raw)} amounts for {periods} periods: give one table per period",
            file=file,
            at="allocation.amounts",
        )
    parties = tuple(str(party) for party in raw[0]) if raw else ()
    rows = []
    for number, row in enumerate(raw, start=1):
        at = f"allocation.amounts[{number}]"
        if tuple(row) != parties:
            raise InputError(
                f"every period names the same parties in order: {', '.join(parties)}",
                file=file,
                at=at,
            )
        if not all(type(value) is int and value >= 0 for value in row.values()):
            raise InputError("amounts are whole credits, zero or more", file=file, at=at)
        rows.append(tuple(row.values()))
    return Allocation(parties, amounts=tuple(rows), source=str(file))


def parse_allocation(raw: Any, periods: int, *, file: Path) -> Allocation | None:
    """The checked ``[allocation]`` table (None when the project has none)."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise InputError("[allocation] must be a table", file=file, at="allocation")
    unknown = [key for key in raw if key not in KEYS]
    if unknown:
        raise InputError(
            f"unknown key {unknown[0]!r}; allowed: {', '.join(KEYS)}", file=file, at="allocation"
        )
    if ("shares" in raw) == ("amounts" in raw):
        raise InputError("give either shares or amounts", file=file, at="allocation")
    if "amounts" in raw:
        extra = [key for key in raw if key != "amounts"]
        if extra:
            raise InputError(f"{extra[0]!r} applies to shares only", file=file, at="allocation")
        return _amounts(raw["amounts"], periods, file=file)
    return _shares(raw, file=file)
