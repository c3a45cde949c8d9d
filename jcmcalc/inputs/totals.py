"""Readings from the exact sums of a monitoring column's runs of rows: one reading per slot,
with its exact total per calendar month when the rows are dated (:mod:`.months`)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import attrs
import numpy as np

from jcmcalc.inputs import boundary, columns
from jcmcalc.inputs.readings import Reading, Slot
from jcmcalc.model.errors import InputError
from jcmcalc.model.parameters import Parameter


@attrs.frozen
class Column:
    """A value column: its parameter, the unit its header names and the exact factor from
    that unit into the parameter's canonical unit."""

    title: str
    parameter: Parameter
    unit: str
    register: bool
    factor: Fraction


@attrs.define
class _Sum:
    """A slot's running sum of scaled integers, its rows and its sums per month."""

    total: int
    first: int
    last: int
    count: int
    months: dict[str, int] = attrs.field(factory=dict)


def readings(
    table: columns.Table,
    column: Column,
    slots: list[Slot],
    totals: list[int],
    scale: int,
    edges: tuple[np.ndarray, np.ndarray],
    counts: np.ndarray,
    months: Sequence[str] | None,
) -> dict[Slot, Reading]:
    """One reading per slot from the totals of its runs of rows (several runs of a slot, one
    per month say, are added exactly); ``months`` names each run's month (None: undated). A
    slot's total is checked at the boundary like a value written in a project file."""
    sums: dict[Slot, _Sum] = {}
    labels = months if months is not None else [""] * len(slots)
    for slot, total, first, last, count, label in zip(
        slots, totals, edges[0].tolist(), edges[1].tolist(), counts.tolist(), labels, strict=True
    ):
        low, high = min(first, last), max(first, last)
        found = sums.get(slot)
        if found is None:
            found = sums[slot] = _Sum(total, low, high, count)
        else:
            found.total += total
            found.first, found.last = min(found.first, low), max(found.last, high)
            found.count += count
        if label:
            found.months[label] = found.months.get(label, 0) + total
    parameter = column.parameter
    basis = parameter.canonical(column.unit) if parameter.alternatives else ""
    numerator, denominator = column.factor.numerator, 10**scale * column.factor.denominator
    first_reading = 1 if column.register else 0  # a register's first reading is a row too
    found_readings = {
        slot: Reading(
            Fraction(s.total * numerator, denominator),
            table.path,
            (s.first, s.last),
            basis,
            count=s.count + first_reading,
            months=tuple(
                (label, Fraction(value * numerator, denominator))
                for label, value in sorted(s.months.items())
            ),
        )
        for slot, s in sums.items()
    }
    refused = boundary.refused(
        parameter, np.array([s.total for s in sums.values()], dtype=object), scale, column.factor
    )
    for position in np.flatnonzero(refused)[:1].tolist():
        reading = list(found_readings.values())[position]
        problem = boundary.refusal(parameter, reading.value, parameter.canonical(column.unit))
        if problem:
            raise InputError(
                f"the total of {reading.origin}: {problem}",
                file=table.path,
                row=reading.rows[-1],
                parameter=parameter.symbol,
            )
    return found_readings
