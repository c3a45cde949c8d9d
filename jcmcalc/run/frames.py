"""A result as tidy pandas DataFrames (``pip install 'jcmcalc[pandas]'``).

Tables: ``periods`` (one row per monitoring period), ``inputs`` (one row per parameter, member
and period), ``trace`` (one row per evaluated equation and member), ``months`` and ``years``
(each period's ER split over calendar spans, :func:`jcmcalc.run.calendar.shares`:
information, not credits; ``split`` says by which rule). Dates are ``datetime64``; numbers are
floats, or with ``numbers="decimal"`` exact :class:`~decimal.Decimal` (a value whose decimals
do not end is given to 28 significant digits).
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from jcmcalc.run.calendar import briefly, shares

if TYPE_CHECKING:
    import pandas

#: A :class:`jcmcalc.run.result.Result` (which imports this module).
Result = Any

TABLES = ("periods", "inputs", "trace", "months", "years")
NUMBERS = ("float", "decimal")


def frame(result: Result, table: str = "periods", numbers: str = "float") -> pandas.DataFrame:
    """The ``table`` of ``result`` with ``numbers`` as floats or decimals."""
    import pandas

    if table not in TABLES:
        raise ValueError(f"table = {table!r}: expected one of {', '.join(TABLES)}")
    if numbers not in NUMBERS:
        raise ValueError(f"numbers = {numbers!r}: expected one of {', '.join(NUMBERS)}")
    number = float if numbers == "float" else _decimal
    rows = _ROWS[table](result, number)
    found = pandas.DataFrame(rows)
    for column in ("start", "end"):
        if column in found:
            found[column] = pandas.to_datetime(found[column])
    if table == "inputs":  # fixed values belong to no period
        found["period"] = found["period"].astype("Int64")
    return found.set_index("period") if table == "periods" else found


def _decimal(value: Fraction) -> decimal.Decimal:
    with decimal.localcontext(prec=28):
        return decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)


Number = Callable[[Fraction], Any]


def _periods(result: Result, number: Number) -> list[dict[str, Any]]:
    return [
        {
            "period": p.number,
            "start": p.start,
            "end": p.end,
            "reference_emissions_tco2": number(p.reference),
            "project_emissions_tco2": number(p.project),
            "emission_reductions_tco2": number(p.reductions),
            "credits": p.credits,
        }
        for p in result.periods
    ]


def _inputs(result: Result, number: Number) -> list[dict[str, Any]]:
    methodology = result.methodology
    groups = [(None, result.inputs.fixed)]
    groups += [(p.period.number, p.values) for p in result.inputs.periods]
    return [
        {
            "period": period,
            "symbol": methodology.parameter(name).symbol,
            "parameter": name,
            "member": "/".join(key),
            "value": number(value.value),
            "unit": value.shown_unit(methodology.parameter(name).unit),
            "origin": str(value.origin),
            "source": value.source,
        }
        for period, values in groups
        for name, members in values.items()
        for key, value in members.items()
    ]


def _trace(result: Result, number: Number) -> list[dict[str, Any]]:
    return [
        {
            "period": step.period,
            "symbol": step.symbol,
            "member": "/".join(step.member),
            "expression": step.expression,
            "substituted": step.substituted,
            "value": number(step.value),
            "unit": step.unit,
        }
        for step in result.trace
    ]


def _calendar(by: str) -> Callable[[Result, Number], list[dict[str, Any]]]:
    def rows(result: Result, number: Number) -> list[dict[str, Any]]:
        return [
            {
                "period": share.period,
                by: share.label,
                "start": share.start,
                "end": share.end,
                "days": share.days,
                "emission_reductions_tco2": number(share.reductions),
                "credits_share": number(share.credits),
                "split": briefly(share.rule),
            }
            for share in shares(result, by)
        ]

    return rows


_ROWS: dict[str, Callable[[Result, Number], list[dict[str, Any]]]] = {
    "periods": _periods,
    "inputs": _inputs,
    "trace": _trace,
    "months": _calendar("month"),
    "years": _calendar("year"),
}
