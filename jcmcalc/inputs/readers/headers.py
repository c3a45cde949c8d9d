"""The value columns of a monitoring file: the parameter and unit each header (or Parquet
column metadata) names, and the exact factor into the parameter's canonical unit."""

from __future__ import annotations

import re
from fractions import Fraction

import attrs

from jcmcalc.inputs import boundary
from jcmcalc.inputs.readers import columns
from jcmcalc.inputs.readers.columns import METER_COLUMN, TIME_COLUMNS
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Kind, Parameter

_HEADER = re.compile(
    r"^\s*(?P<name>[^\[\]]+?)\s*\[(?P<unit>[^\]]*)\]\s*(?P<register>register)?\s*$"
)


@attrs.frozen
class Column:
    """A value column: its parameter, the unit its header names and the exact factor from
    that unit into the parameter's canonical unit."""

    title: str
    parameter: Parameter
    unit: str
    register: bool
    factor: Fraction


def value_columns(table: columns.Table, methodology: Methodology) -> list[Column]:
    path = table.path
    index_columns = {index.csv_column for index in methodology.indices}
    found: list[Column] = []
    for name in table.titles:
        if name == "period":  # read nowhere: silently ignored, it could disagree unseen
            raise InputError(
                "a 'period' column is not read: rows are placed in their periods by their "
                "'date' or 'timestamp' (or by the [[periods]] entry whose data lists the file); "
                "remove the column",
                file=path,
                row=1,
            )
        if name in TIME_COLUMNS or name in index_columns or name == METER_COLUMN:
            continue
        match = _HEADER.match(name)
        metadata_unit = table.units.get(name)
        if match:
            symbol, unit, register = match["name"], match["unit"].strip(), bool(match["register"])
            if metadata_unit is not None and metadata_unit != unit:
                raise InputError(
                    f"column {name!r}: mixed units, the header says {unit!r} and the column "
                    f"metadata {metadata_unit!r}",
                    file=path,
                    row=1,
                )
        elif metadata_unit is not None:
            symbol, unit = name.removesuffix(" register"), metadata_unit
            register = name.endswith(" register")
        else:
            raise InputError(neither(name, methodology), file=path, row=1)
        try:
            parameter = methodology.parameter(symbol)
        except InputError as exc:
            raise InputError(
                f"{exc.message}; {neither(name, methodology)}", file=path, row=1
            ) from None
        if parameter.kind is not Kind.MONITORED:
            raise InputError(
                f"column {name!r}: {parameter.symbol} is {parameter.kind}, not monitored; "
                "give it in the project file",
                file=path,
                row=1,
            )
        for other in found:
            if other.parameter.name == parameter.name:
                mixed = "mixed units: " if other.unit != unit else ""
                raise InputError(
                    f"{mixed}{parameter.symbol} is in column {other.title!r} and in "
                    f"{name!r}; give it in one column",
                    file=path,
                    row=1,
                    parameter=parameter.symbol,
                )
        factor = boundary.factor(parameter, unit, file=path, row=1)
        found.append(Column(name, parameter, unit, register, factor))
    if not found:
        raise InputError("no value columns (headers such as 'EG_i,p [MWh]')", file=path, row=1)
    return found


def neither(title: str, methodology: Methodology) -> str:
    """The message for a column that is no value column of either form, with both forms."""
    if title.strip().casefold() in TIME_COLUMNS:
        spelled = " or ".join(repr(name) for name in TIME_COLUMNS)
        return f"column {title!r} looks like the time column: write it {spelled}, in lower case"
    named = _parameter_named(title.strip(), methodology)
    example = named or next((p for p in methodology.parameters if p.kind is Kind.MONITORED), None)
    symbol, unit = (example.symbol, example.unit) if example else ("SYMBOL", "unit")
    if named is not None and "[" not in title:
        return (
            f"column {title!r} has no unit: write it '{symbol} [{unit}]' (or another unit of "
            f"the same dimension), or '{symbol} [{unit}] @ MEMBER' for one member's column"
        )
    member = title.split("[")[0].strip()
    index = methodology.index(example.index[0]).csv_column if example and example.index else ""
    long = f", with a {index!r} column naming the member" if index else ""
    what = "is not a value column" if "[" in title else "has no unit"
    return (
        f"column {title!r} {what}: in the long form (one row per reading) a value "
        f"column is 'SYMBOL [unit]', e.g. '{symbol} [{unit}]'{long}; in the wide form (one "
        f"column per member) it is 'SYMBOL [unit] @ MEMBER', e.g. '{symbol} [{unit}] @ {member}'"
    )


def _parameter_named(title: str, methodology: Methodology) -> Parameter | None:
    """The monitored parameter whose symbol or name ``title`` is, if any."""
    return next(
        (
            p
            for p in methodology.parameters
            if p.kind is Kind.MONITORED and title in (p.symbol, p.name)
        ),
        None,
    )
