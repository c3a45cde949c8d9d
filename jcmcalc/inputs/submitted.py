"""Figures a project submitted, read from CSV, from the JSON of ``jcmcalc calculate``, or from
the workbook of ``jcmcalc report --format xlsx``.

Every figure is keyed by ``(period, quantity, member)``: ``period`` is the period number as
text, ``""`` for a value fixed ex ante, ``"total"`` for the totals; ``quantity`` is a parameter
or equation symbol, ``ER_p`` or ``credits`` (``ER`` and ``credits`` for the totals);
``member`` the index members joined by ``/``. A CSV may give each figure's ``unit``; it is
converted to the unit the quantity is computed in.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs import boundary
from jcmcalc.model.errors import InputError, require_openpyxl
from jcmcalc.model.methodology import PROJECT, REFERENCE, Methodology
from jcmcalc.model.units import conversion_factor, dimensionality

CSV_COLUMNS = ("period", "quantity", "member", "value")
#: Optional CSV columns: ``member`` (empty where a quantity has no index) and ``unit``.
OPTIONAL_COLUMNS = ("member", "unit")
#: Sheets of the generated workbook and the columns of their figures.
SHEETS = ("input", "calc_process")
ER, CREDITS = "ER_p", "credits"
TOTAL_ER, TOTAL_CREDITS = "ER", "credits"


@attrs.frozen
class Figure:
    """One submitted figure and where it was read (file and row or place)."""

    period: str
    quantity: str
    member: str
    value: Fraction
    place: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.period, self.quantity, self.member)


def _number(text: Any, *, file: Path, where: str) -> Fraction:
    if isinstance(text, bool):
        raise InputError(f"{text!r} is not a number", file=file, at=where)
    try:
        if isinstance(text, int | float):
            return Fraction(text)
        numerator, _, denominator = str(text).strip().partition("/")  # exact text: p/q
        value = boundary.decimal(numerator)
        return value / boundary.decimal(denominator) if denominator else value
    except OverflowError as exc:  # an exponent too long to expand, or an infinite float
        raise InputError(f"{text!r} is not a usable number: {exc}", file=file, at=where) from None
    except (ValueError, ZeroDivisionError):
        raise InputError(f"{text!r} is not a number", file=file, at=where) from None


def _period(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _computed_unit(quantity: str, unit: str, methodology: Methodology) -> str | None:
    """The unit ``quantity``, given in ``unit``, is recomputed in (None: not a quantity)."""
    for parameter in methodology.all_parameters:
        if parameter.symbol == quantity:
            return parameter.canonical(unit)
    for equation in methodology.equations:
        if equation.symbol == quantity:
            return equation.unit
    if quantity in (ER, CREDITS, TOTAL_ER, TOTAL_CREDITS):
        return methodology.equation(REFERENCE).unit
    return None


def _converted(
    value: Fraction, unit: str, quantity: str, methodology: Methodology, *, file: Path, row: int
) -> Fraction:
    """``value`` given in ``unit`` in the unit its quantity is recomputed in."""
    target = _computed_unit(quantity, unit, methodology)
    if not unit or target is None:  # an unknown quantity is reported when it is compared
        return value
    parameter = next((p for p in methodology.all_parameters if p.symbol == quantity), None)
    if parameter is not None:  # converted as an input value is, with the same words
        return value * boundary.factor(parameter, unit, file=file, row=row)
    try:
        return value * conversion_factor(unit, target)
    except ValueError as exc:
        message = f"{exc} (expected a unit of {dimensionality(target)} such as {target})"
    except Exception:
        message = (
            f"unit {unit!r} ({dimensionality(unit)}) cannot be converted to {target} "
            f"({dimensionality(target)})"
        )
    raise InputError(message, file=file, row=row, parameter=quantity)


def _csv(path: Path, methodology: Methodology) -> Iterator[Figure]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc}", file=path) from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        fields = reader.fieldnames or []
        missing = [c for c in CSV_COLUMNS if c not in OPTIONAL_COLUMNS and c not in fields]
        if missing:
            raise InputError(
                f"missing column(s) {', '.join(missing)}; expected {', '.join(CSV_COLUMNS)} "
                "(and optionally unit)",
                file=path,
                row=1,
            )
        for row_number, row in enumerate(reader, start=2):
            if not any((cell or "").strip() for cell in row.values() if isinstance(cell, str)):
                continue
            where = f"row {row_number}"
            if None in row:  # cells beyond the header: a shifted row, not ignored
                raise InputError(
                    f"{len(fields) + len(row[None])} cells where the header has {len(fields)}",
                    file=path,
                    row=row_number,
                )
            quantity = (row["quantity"] or "").strip()
            value = _number(row["value"], file=path, where=where)
            unit = (row.get("unit") or "").strip()
            yield Figure(
                _period(row["period"]),
                quantity,
                (row.get("member") or "").strip(),
                _converted(value, unit, quantity, methodology, file=path, row=row_number),
                where,
            )
    except csv.Error as exc:
        raise InputError(f"not CSV: {exc}", file=path, row=reader.line_num) from None


def _json(path: Path, methodology: Methodology) -> Iterator[Figure]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        periods = data["periods"]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not JSON: {exc}", file=path) from None
    except (KeyError, TypeError):
        raise InputError("not the JSON of jcmcalc calculate: no 'periods'", file=path) from None
    symbols = {
        "reference_emissions_tco2": methodology.equation(REFERENCE).symbol,
        "project_emissions_tco2": methodology.equation(PROJECT).symbol,
        "emission_reductions_tco2": ER,
    }
    try:
        for n, period in enumerate(periods):
            number, exact = str(period["number"]), period.get("exact", {})
            for field, quantity in symbols.items():
                if field in period or field in exact:
                    raw = exact.get(field, period.get(field))
                    where = f"periods[{n}].{field}"
                    yield Figure(number, quantity, "", _number(raw, file=path, where=where), where)
            if "credits" in period:
                where = f"periods[{n}].credits"
                credits = _number(period["credits"], file=path, where=where)
                yield Figure(number, CREDITS, "", credits, where)
        if "total_credits" in data:
            where = "total_credits"
            credits = _number(data["total_credits"], file=path, where=where)
            yield Figure("total", TOTAL_CREDITS, "", credits, where)
        for part in ("inputs", "trace"):
            for n, row in enumerate(data.get(part, [])):
                where = f"{part}[{n}]"
                yield Figure(
                    _period(row["period"]),
                    row["symbol"],
                    "/".join(row["member"]),
                    _number(row["value"], file=path, where=where),
                    where,
                )
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"not the JSON of jcmcalc calculate: missing {exc}", file=path) from None


def _xlsx(path: Path) -> Iterator[Figure]:
    openpyxl = require_openpyxl()

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise InputError(f"not a readable xlsx workbook: {exc}", file=path) from None
    try:
        for name in SHEETS:
            if name not in workbook.sheetnames:
                raise InputError(f"no sheet {name!r}: not a jcmcalc workbook", file=path)
            rows = workbook[name].iter_rows(values_only=True)
            header = [str(cell).strip() if cell is not None else "" for cell in next(rows, ())]
            try:
                columns = [header.index(c) for c in CSV_COLUMNS[:2]]
                columns += [header.index("member"), header.index("value")]
            except ValueError:
                raise InputError(
                    f"sheet {name!r} needs the columns {', '.join(CSV_COLUMNS)}", file=path
                ) from None
            for row_number, row in enumerate(rows, start=2):
                period, quantity, member, value = (
                    row[c] if c < len(row) else None for c in columns
                )
                where = f"sheet {name} row {row_number}"
                if quantity is None:
                    continue
                if value is None:
                    raise InputError(
                        f"{quantity} has no value: if it is a formula, the workbook was never "
                        "calculated; open and save it in a spreadsheet application first",
                        file=path,
                        at=where,
                    )
                yield Figure(
                    _period(period),
                    str(quantity).strip(),
                    str(member or "").strip(),
                    _number(value, file=path, where=where),
                    where,
                )
    finally:
        workbook.close()


def read_submitted(path: Path, methodology: Methodology) -> list[Figure]:
    """Every figure of ``path`` (CSV, JSON or xlsx by its suffix)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("no such file", file=path)
    if suffix == ".csv":
        figures = _csv(path, methodology)
    elif suffix == ".json":
        figures = _json(path, methodology)
    elif suffix == ".xlsx":
        figures = _xlsx(path)
    else:
        raise InputError(f"unknown kind of file {suffix!r}: give a .csv, .json or .xlsx", file=path)
    unique: dict[tuple[tuple[str, str, str], Fraction], Figure] = {}
    for figure in figures:  # a figure given twice with the same value is compared once
        unique.setdefault((figure.key, figure.value), figure)
    return list(unique.values())
