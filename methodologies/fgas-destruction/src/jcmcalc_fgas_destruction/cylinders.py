"""Cylinder lists: the monitoring file of an F-gas destruction project.

One row per cylinder emptied into the destruction unit::

    date,cylinder,content,gross [kg],tare [kg],x:HCFC-22 [%],x:HFC-32 [%]
    2025-02-11,HN-0001,HCFC-22,68.2,15.4,99.6,0.4
    2025-02-11,HN-0002,R-410A,52.9,14.8,,

- ``cylinder``: the cylinder's id; ``content``: a species of ``jcmcalc/data/fgas_species.csv``
  (``HCFC-22``), a blend of ``refrigerant_blends.csv`` (``R-410A``) or ``mixture``.
- ``gross [unit]`` and ``tare [unit]``: the cylinder weighed full and empty, in any mass unit
  named in the header; the net mass is ``gross - tare``, and tare may not exceed gross.
- ``x:<species> [unit]``: the analysed mass fraction of a species (unit ``%``, ``1`` or any
  other dimensionless unit). Where a row gives any fraction, its fractions are the composition
  (a blank cell is zero) and must sum to 1 within :data:`TOLERANCE`; a sum a little above 1 is
  scaled down to 1, a sum a little below is used as it is (the rest is credited to no species),
  so the tolerance never adds mass. A row without fractions takes the nominal composition of its
  content: 1 for a species, the ASHRAE Standard 34 split for a blend; ``mixture`` needs them.
- ``date`` or ``timestamp``: needed when the file is listed under ``[monitoring]``; a file under
  one ``[[periods]] data`` may omit it, and rows dated outside that period are an error. A
  timestamp with a UTC offset is converted into the project's ``time_zone``, as the core does.

``W_k,p = sum over rows (gross - tare) x x_k``, exactly. The plugin's reader (:data:`READER`)
accepts only CSV files whose header has a ``gross [unit]`` column; every other file (an
electricity meter log, CSV or Parquet) goes to the core's reader.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from fractions import Fraction
from pathlib import Path

import attrs

from jcmcalc.inputs import boundary
from jcmcalc.inputs.project import Period, decode, read_bytes
from jcmcalc.inputs.readers.times import local, project_zone
from jcmcalc.inputs.series.readings import ReadContext, Reading
from jcmcalc.model.errors import InputError, suggest
from jcmcalc.model.numbers import absurd, decimal_text, magnitude_text
from jcmcalc.model.units import conversion_factor, dimensionality
from jcmcalc.tools.gwp import blend_composition, blends
from jcmcalc_fgas_destruction.masses import species_masses

#: The monitored parameter a cylinder list fills, and its index of species.
MASS = "mass_destroyed"
SPECIES_INDEX = "k"
#: Largest allowed |sum of analysed fractions - 1| in a row.
TOLERANCE = Fraction(1, 1000)
MIXTURE = "mixture"

_HEADER = re.compile(r"^\s*(?P<name>[^\[\]]+?)\s*\[(?P<unit>[^\]]*)\]\s*$")
_FRACTION = re.compile(r"^x\s*:\s*(?P<species>.+)$")
_TIME_COLUMNS = ("timestamp", "date")
_TEXT_COLUMNS = ("cylinder", "content")


@attrs.frozen
class Layout:
    """Where each column of a cylinder list is."""

    cylinder: int
    content: int
    gross: tuple[int, Fraction]
    tare: tuple[int, Fraction]
    fractions: Mapping[str, tuple[int, Fraction]]
    time: int | None


def is_cylinder_list(header: Iterable[str]) -> bool:
    """Whether a CSV header is that of a cylinder list (it has a ``gross [unit]`` column)."""
    for title in header:
        match = _HEADER.match(title.strip())
        if match and match["name"].strip().lower() == "gross":
            return True
    return False


def accepts(path: Path, head: bytes) -> bool:
    """Whether a file is a cylinder list, from its first bytes: CSV text whose header has a
    ``gross [unit]`` column."""
    line = head.decode("utf-8-sig", errors="replace").replace("\r", "\n").split("\n", 1)[0]
    try:
        header = next(csv.reader([line]), [])
    except csv.Error:
        return False
    return is_cylinder_list(header)


def _factor(unit: str, target: str, *, path: Path, column: str, parameter: str) -> Fraction:
    try:
        return conversion_factor(unit or "dimensionless", target)
    except ValueError as exc:
        raise InputError(
            f"column {column!r}: {exc} (expected a unit of {dimensionality(target)})",
            file=path,
            row=1,
            parameter=parameter,
        ) from None
    except Exception:
        raise InputError(
            f"column {column!r}: unit {unit!r} ({dimensionality(unit or 'dimensionless')}) "
            f"cannot be converted to {target} ({dimensionality(target)})",
            file=path,
            row=1,
            parameter=parameter,
        ) from None


def _layout(header: list[str], species: tuple[str, ...], mass_unit: str, symbol: str, path: Path):
    positions: dict[str, int] = {}
    masses: dict[str, tuple[int, Fraction]] = {}
    fractions: dict[str, tuple[int, Fraction]] = {}
    time = None
    for position, title in enumerate(header):
        name = title.strip()
        if name in _TIME_COLUMNS:
            time = position
            continue
        if name in _TEXT_COLUMNS:
            positions[name] = position
            continue
        match = _HEADER.match(name)
        if not match:
            raise InputError(
                f"unknown column {name!r}: a cylinder list has the columns date, cylinder, "
                "content, 'gross [unit]', 'tare [unit]' and 'x:<species> [unit]'",
                file=path,
                row=1,
            )
        label, unit = match["name"].strip(), match["unit"].strip()
        fraction = _FRACTION.match(label)
        if label.lower() in ("gross", "tare"):
            factor = _factor(unit, mass_unit, path=path, column=name, parameter=symbol)
            masses[label.lower()] = (position, factor)
        elif fraction:
            component = fraction["species"].strip()
            if component not in species:
                raise InputError(
                    f"column {name!r}: unknown species {component!r}{suggest(component, species)}"
                    f" (known: {', '.join(species)})",
                    file=path,
                    row=1,
                    parameter=symbol,
                )
            factor = _factor(unit, "dimensionless", path=path, column=name, parameter=symbol)
            fractions[component] = (position, factor)
        else:
            raise InputError(
                f"unknown column {name!r}: write a mass fraction as 'x:<species> [%]'",
                file=path,
                row=1,
            )
    missing = [c for c in (*_TEXT_COLUMNS, "gross", "tare") if c not in positions | masses]
    if missing:
        raise InputError(
            f"a cylinder list needs the columns {', '.join(missing)} "
            "(masses with their unit, e.g. 'gross [kg]')",
            file=path,
            row=1,
        )
    return Layout(
        positions["cylinder"],
        positions["content"],
        masses["gross"],
        masses["tare"],
        fractions,
        time,
    )


def _number(cell: str, column: str, factor: Fraction, place: tuple[Path, int, str]) -> Fraction:
    """A cell as an exact decimal in the unit of its column's target (``factor``)."""
    path, row, symbol = place
    text = cell.strip()
    try:
        value = boundary.decimal(text) * factor
    except OverflowError as exc:
        raise InputError(
            f"column {column!r}: {exc}", file=path, row=row, parameter=symbol
        ) from None
    except (ValueError, ZeroDivisionError):
        hint = "; the unit belongs in the header" if re.search(r"\d\s*[A-Za-z%]", text) else ""
        raise InputError(
            f"column {column!r}: {text!r} is not a number{hint}",
            file=path,
            row=row,
            parameter=symbol,
        ) from None
    if absurd(value):
        raise InputError(
            f"column {column!r}: {magnitude_text(value)} is absurdly large: a typing error?",
            file=path,
            row=row,
            parameter=symbol,
        )
    return value


def composition(
    content: str,
    analysed: Mapping[str, Fraction],
    species: tuple[str, ...],
    *,
    path: Path,
    row: int,
    symbol: str,
) -> dict[str, Fraction]:
    """Mass fraction of each species in one cylinder (analysed, else nominal from its content)."""
    known = (*species, *blends(), MIXTURE)
    if content not in known:
        raise InputError(
            f"unknown content {content!r}{suggest(content, known)}: give a species, a blend "
            f"({', '.join(blends())}) or {MIXTURE!r} with analysed fractions",
            file=path,
            row=row,
            parameter=symbol,
        )
    if analysed:
        total = sum(analysed.values(), Fraction(0))
        if abs(total - 1) > TOLERANCE:
            raise InputError(
                f"analysed mass fractions sum to {decimal_text(total)}, not 1 "
                f"(tolerance ±{decimal_text(TOLERANCE)})",
                file=path,
                row=row,
                parameter=symbol,
            )
        scale = max(total, Fraction(1))
        return {name: value / scale for name, value in analysed.items() if value}
    if content == MIXTURE:
        raise InputError(
            f"content {MIXTURE!r} needs the analysed mass fractions ('x:<species> [%]' columns)",
            file=path,
            row=row,
            parameter=symbol,
        )
    if content in species:
        return {content: Fraction(1)}
    split = blend_composition(content)
    for component in split:
        if component not in species:
            raise InputError(
                f"blend {content} contains {component}, which this methodology does not list",
                file=path,
                row=row,
                parameter=symbol,
            )
    return split


def _period(
    cells: list[str],
    layout: Layout,
    candidates: list[Period],
    context: ReadContext,
    path: Path,
    row: int,
) -> tuple[Period, str]:
    """The period of a row and the month (``YYYY-MM``) of its local date ("" undated)."""
    only = context.only
    if layout.time is None:
        assert only is not None
        return only, ""
    text = cells[layout.time].strip()
    zone = project_zone(context.time_zone, path) if context.time_zone else None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{text!r} is not an ISO date or timestamp", file=path, row=row) from None
    try:
        day = local(moment, zone, what=repr(text)).date()
    except ValueError as exc:  # an offset, but no time zone
        raise InputError(str(exc), file=path, row=row) from None
    period = next((p for p in candidates if p.contains(day)), None)
    if period is None:
        where = only.label if only else "any monitoring period"
        raise InputError(f"date {day} is outside {where}", file=path, row=row)
    return period, f"{day.year:04d}-{day.month:02d}"


@attrs.frozen
class Cylinder:
    """One row of a cylinder list: its period number, file row, time (as written), cylinder,
    content, gross and tare masses (in the mass parameter's unit), the mass fraction of each
    species it holds and whether they were analysed (else nominal)."""

    period: int
    row: int
    when: str
    cylinder: str
    content: str
    gross: Fraction
    tare: Fraction
    shares: Mapping[str, Fraction]
    analysed: bool
    #: The month (``YYYY-MM``) of its local date; "" in an undated list.
    month: str = ""


def read_cylinders(
    path: Path, context: ReadContext
) -> dict[tuple[int, str, tuple[str, ...]], Reading]:
    """``W_k,p`` per (period number, parameter name, (species,)) summed over a cylinder list."""
    sums: dict[tuple[int, str], Fraction] = defaultdict(Fraction)
    sources: dict[tuple[int, str], list[int]] = defaultdict(list)
    months: dict[tuple[int, str], dict[str, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    for row in cylinders(path, context):
        for name, mass in species_masses(row.gross, row.tare, row.shares).items():
            sums[(row.period, name)] += mass
            sources[(row.period, name)].append(row.row)
            if row.month:  # a dated list: each cylinder in the month of its date
                months[(row.period, name)][row.month] += mass
    parameter = context.methodology.parameter(MASS)
    return {
        (number, parameter.name, (name,)): Reading(
            value,
            path,
            tuple(sources[(number, name)]),
            months=tuple(sorted(months[(number, name)].items())),
        )
        for (number, name), value in sums.items()
    }


def cylinders(path: Path, context: ReadContext) -> Iterator[Cylinder]:
    """The rows of a cylinder list, checked (its readings: :func:`read_cylinders`)."""
    text = decode(read_bytes(path, what="monitoring file"), path)
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file: {exc}", file=path) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError("no header row", file=path, row=1)
    header = [cell.strip() for cell in rows[0]]
    parameter = context.methodology.parameter(MASS)
    species = context.members[SPECIES_INDEX]
    layout = _layout(header, species, parameter.unit, parameter.symbol, path)
    if layout.time is None and context.only is None:
        raise InputError(
            "a cylinder list under [monitoring] needs a 'date' column; or list it under "
            "its period's data",
            file=path,
            row=1,
        )
    candidates = [context.only] if context.only is not None else list(context.periods)
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise InputError(
                f"{len(cells)} cells where the header has {len(header)}", file=path, row=number
            )
        cylinder = cells[layout.cylinder].strip()
        if not cylinder:
            raise InputError("no cylinder id", file=path, row=number)
        when = cells[layout.time].strip() if layout.time is not None else ""
        if (cylinder, when) in seen:
            raise InputError(
                f"cylinder {cylinder!r} is listed twice{' on ' + when if when else ''} "
                f"(also row {seen[(cylinder, when)]})",
                file=path,
                row=number,
            )
        seen[(cylinder, when)] = number
        period, month = _period(cells, layout, candidates, context, path, number)
        place = (path, number, parameter.symbol)
        gross, tare = _masses(cells, header, layout, cylinder, parameter.unit, place)
        analysed = _analysed(cells, header, layout, place)
        content = cells[layout.content].strip()
        shares = composition(
            content, analysed, species, path=path, row=number, symbol=parameter.symbol
        )
        yield Cylinder(
            period.number,
            number,
            when,
            cylinder,
            content,
            gross,
            tare,
            shares,
            bool(analysed),
            month,
        )


def _masses(
    cells: list[str],
    header: list[str],
    layout: Layout,
    cylinder: str,
    unit: str,
    place: tuple[Path, int, str],
) -> tuple[Fraction, Fraction]:
    """Gross and tare mass of one row, in the parameter's unit (tare at most gross)."""
    path, row, symbol = place
    masses = {}
    for name, (position, factor) in (("gross", layout.gross), ("tare", layout.tare)):
        value = _number(cells[position], header[position], factor, place)
        if value < 0:
            raise InputError(f"{name} mass is negative", file=path, row=row, parameter=symbol)
        masses[name] = value
    if masses["tare"] > masses["gross"]:
        raise InputError(
            f"cylinder {cylinder!r}: tare {decimal_text(masses['tare'])} {unit} "
            f"exceeds gross {decimal_text(masses['gross'])} {unit}",
            file=path,
            row=row,
            parameter=symbol,
        )
    return masses["gross"], masses["tare"]


def _analysed(
    cells: list[str], header: list[str], layout: Layout, place: tuple[Path, int, str]
) -> dict[str, Fraction]:
    """The analysed mass fractions a row gives (blank cells are none)."""
    path, row, symbol = place
    analysed: dict[str, Fraction] = {}
    for name, (position, factor) in layout.fractions.items():
        cell = cells[position]
        if cell.strip():
            value = _number(cell, header[position], factor, place)
            if not 0 <= value <= 1:
                raise InputError(
                    f"mass fraction of {name} is {decimal_text(value)}, outside [0, 1]",
                    file=path,
                    row=row,
                    parameter=symbol,
                )
            analysed[name] = value
    return analysed
