"""The parts of a methodology data file that declare values: indices, parameters, bounds,
defaults (a value, a CSV table beside the file, or a table of the core's tools).

Every function takes the TOML table as read and a ``where`` naming the file, the methodology
and the declaration, for the :class:`MethodologyError` a slip raises.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jcmcalc.model.errors import MethodologyError, suggest
from jcmcalc.model.methodology import Index
from jcmcalc.model.numbers import decimal_fraction
from jcmcalc.model.parameters import (
    Bounds,
    Confidence,
    Default,
    DefaultTable,
    Kind,
    Monitoring,
    Parameter,
    WhenAbsent,
)
from jcmcalc.model.units import parse_unit
from jcmcalc.plugin.namespace import packaged
from jcmcalc.tools.electricity import (
    BEST_DIESEL,
    CONNECTION_CASES,
    grid_only_factors,
    grids,
    reference_factors,
)
from jcmcalc.tools.fuel import ipcc_default, ipcc_fuels

KINDS = {"methodology": Kind.METHODOLOGY, "project": Kind.PROJECT, "monitored": Kind.MONITORED}
#: Defaults the core's tools provide, by name, for a methodology of ``country`` (and the
#: arguments written after the name: ``tool:fuel.ipcc_default(quantity=ncv, bound=upper)``).
TOOL_DEFAULTS: dict[str, Callable[..., Default | DefaultTable]] = {
    "electricity.reference_factors": reference_factors,
    "electricity.grid_only_factors": lambda _: grid_only_factors("electricity"),
    "electricity.best_diesel": lambda _: BEST_DIESEL,
    "electricity.category_of_day_factors": lambda country: DefaultTable(
        "category-of-day factors",
        reference_factors(country).version,
        ("category",),
        {("off-grid",): BEST_DIESEL},
        "jcmcalc.tools.electricity.BEST_DIESEL",
    ),
    "fuel.ipcc_default": lambda _, quantity, bound, key="fuel": ipcc_default(
        quantity, bound, key=key
    ),
}
#: Allowed values of a member attribute that the core's tools provide, by name.
TOOL_VALUES: dict[str, Callable[[str], tuple[str, ...]]] = {
    "electricity.grids": grids,
    "electricity.connection_cases": lambda _: CONNECTION_CASES,
    "fuel.ipcc_fuels": lambda _: ipcc_fuels(),
}
TOOL = "tool:"
PARAMETER_KEYS = {
    "symbol", "name", "unit", "kind", "description", "index", "bounds", "default",
    "default_table", "when_absent", "inferred", "monitoring", "source_required",
}  # fmt: skip
_TOOL_CALL = re.compile(r"([\w.]+)\s*(?:\((.*)\))?")
_BOUND = re.compile(r"(>=|>|<=|<)\s*(\S+)")
_RANGE = re.compile(r"in\s*([\[(])\s*([^,\s]+)\s*,\s*([^\])\s]+)\s*([\])])")
TABLE_COLUMNS = ("value", "unit", "source", "confidence", "note")


def fail(where: str, message: str) -> MethodologyError:
    return MethodologyError(f"{where}: {message}")


def known_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    """Refuse a key the format does not know (a misspelled ``desciption``)."""
    for key in table:
        if key not in allowed:
            raise fail(where, f"unknown key {key!r}{suggest(key, sorted(allowed))}")


def required(table: Mapping[str, Any], key: str, where: str, kind: type = str) -> Any:
    if key not in table:
        raise fail(where, f"{key!r} is missing")
    if not isinstance(table[key], kind):
        raise fail(where, f"{key!r} must be {kind.__name__}, not {table[key]!r}")
    return table[key]


def symbol_text(key: str, index: tuple[str, ...], per_period: bool) -> str:
    """The symbol shown for formula name ``key``: its indices (and ``p``, per period) joined
    as a subscript (``EC_PJ`` over ``i``, monitored: ``EC_PJ,i,p``; ``RE``: ``RE_p``)."""
    subscript = ",".join(index + (("p",) if per_period else ()))
    if not subscript:
        return key
    return f"{key}{',' if '_' in key else '_'}{subscript}"


def bounds(text: str, where: str) -> Bounds:
    """``any``, ``>= 0``, ``> 0``, ``<= 1``, ``< 1`` or ``in (0, 1]`` (as ``Bounds.describe``)."""
    text = text.strip()
    try:
        if text == "any":
            return Bounds()
        if match := _RANGE.fullmatch(text):
            left, low, high, right = match.groups()
            return Bounds(decimal_fraction(low), left == "[", decimal_fraction(high), right == "]")
        if match := _BOUND.fullmatch(text):
            sign, value = match.group(1), decimal_fraction(match.group(2))
            if sign.startswith(">"):
                return Bounds(lower=value, lower_inclusive=sign == ">=")
            return Bounds(lower=None, upper=value, upper_inclusive=sign == "<=")
    except ValueError:
        pass
    raise fail(where, f"bounds {text!r}: write any, >= 0, > 0, <= 1, < 1 or in (0, 1]")


def confidence(text: str, where: str) -> Confidence:
    try:
        return Confidence(text)
    except ValueError:
        choices = [c.value for c in Confidence]
        raise fail(where, f"confidence {text!r} is not one of {choices}") from None


def _default(spec: Any, country: str, where: str) -> Default | DefaultTable:
    if isinstance(spec, str) and spec.startswith(TOOL):
        return _tool_default(spec.removeprefix(TOOL), country, where)
    if not isinstance(spec, dict):
        raise fail(where, 'default: write { value = "5.0", source = "..." } or "tool:<name>"')
    known_keys(spec, {"value", "source", "confidence", "note"}, f"{where}, default")
    return Default(
        str(required(spec, "value", f"{where}, default")),
        required(spec, "source", f"{where}, default"),
        confidence(spec.get("confidence", "read"), where),
        spec.get("note", ""),
    )


def _tool_default(call: str, country: str, where: str) -> Default | DefaultTable:
    """The tool table ``call`` names: ``name`` or ``name(argument=value, ...)``."""
    match = _TOOL_CALL.fullmatch(call.strip())
    name = match.group(1) if match else call
    if name not in TOOL_DEFAULTS:
        raise fail(where, f"no tool default {name!r}{suggest(name, sorted(TOOL_DEFAULTS))}")
    arguments = {}
    for item in filter(None, (match.group(2) or "").split(",")):
        key, equals, value = (part.strip() for part in item.partition("="))
        if not equals or not key or not value:
            raise fail(where, f"tool:{call}: write each argument as name=value")
        arguments[key] = value
    try:
        return TOOL_DEFAULTS[name](country, **arguments)
    except (TypeError, ValueError) as exc:
        raise fail(where, f"tool:{call}: {exc}") from None


def default_table(spec: Mapping[str, Any], folder: Path, where: str) -> DefaultTable:
    """A table of defaults from a CSV file beside the data file: one column per key attribute,
    then ``value`` (and ``unit``), ``source``, and optionally ``confidence`` and ``note``."""
    where = f"{where}, default_table"
    known_keys(spec, {"file", "name", "version", "keys", "source"}, where)
    path = packaged(folder, required(spec, "file", where), where)
    try:
        rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise fail(where, f"cannot read {path.name}: {exc}") from None
    columns = list(rows[0]) if rows else []
    keys = tuple(spec.get("keys") or [c for c in columns if c not in TABLE_COLUMNS])
    missing = [c for c in (*keys, "value", "source") if c not in columns]
    if missing or not rows:
        raise fail(where, f"{path.name} needs the columns {missing or ['value', 'source']}")
    table = {}
    for number, row in enumerate(rows, start=2):
        value = f"{row['value']} {row.get('unit') or ''}".strip()
        table[tuple(row[k] for k in keys)] = Default(
            value,
            row["source"],
            confidence(row.get("confidence") or "read", f"{where}, {path.name} line {number}"),
            row.get("note") or "",
        )
    source = required(spec, "source", where)
    return DefaultTable(
        spec.get("name", path.stem), str(spec.get("version", "")), keys, table, source
    )


def index(symbol: str, spec: Mapping[str, Any], country: str, where: str) -> Index:
    """An index; an attribute's values may be ``"tool:<name>"`` (left out when the tool has
    none for the country). ``defaults`` (``{ battery = "false" }``) and ``unless`` (``{ grid =
    ["connection_case", "off-grid"] }``) say when a member may leave an attribute out."""
    where = f"{where}, index {symbol}"
    known_keys(
        spec,
        {"key", "title", "attributes", "members", "column", "optional", "defaults", "unless"},
        where,
    )
    attributes = {}
    for name, values in spec.get("attributes", {}).items():
        if isinstance(values, str) and values.startswith(TOOL):
            tool = values.removeprefix(TOOL)
            if tool not in TOOL_VALUES:
                raise fail(where, f"no tool values {tool!r}{suggest(tool, sorted(TOOL_VALUES))}")
            values = TOOL_VALUES[tool](country)
            if not values:
                continue
        attributes[name] = tuple(values)
    return Index(
        symbol,
        required(spec, "key", where),
        required(spec, "title", where),
        attributes=attributes,
        members=tuple(spec.get("members", ())),
        column=spec.get("column", ""),
        optional=spec.get("optional", False),
        defaults={k: v for k, v in spec.get("defaults", {}).items() if k in attributes},
        unless={
            k: (str(v[0]), str(v[1])) for k, v in spec.get("unless", {}).items() if k in attributes
        },
    )


def parameter(
    key: str, spec: Mapping[str, Any], folder: Path, country: str, where: str
) -> Parameter:
    """The parameter that formulas call ``key``."""
    where = f"{where}, parameter {key}"
    known_keys(spec, PARAMETER_KEYS, where)
    kind_text = required(spec, "kind", where)
    if kind_text not in KINDS:
        raise fail(where, f"kind {kind_text!r} is not one of {', '.join(KINDS)}")
    kind = KINDS[kind_text]
    indices = tuple(spec.get("index", ()))
    unit = spec.get("unit", "")
    for text in [unit] if isinstance(unit, str) else unit:
        try:
            parse_unit(text)
        except ValueError as exc:
            raise fail(where, str(exc)) from None
    default: Default | DefaultTable | None = None
    if "default" in spec:
        default = _default(spec["default"], country, where)
    elif "default_table" in spec:
        default = default_table(spec["default_table"], folder, where)
    monitoring = spec.get("monitoring")
    if monitoring is not None:
        known_keys(monitoring, {"options", "measurement", "frequency"}, f"{where}, monitoring")
        monitoring = Monitoring(
            tuple(monitoring.get("options", ("C",))),
            monitoring.get("measurement", ""),
            monitoring.get("frequency", ""),
        )
    return Parameter(
        spec.get("symbol") or symbol_text(key, indices, kind is Kind.MONITORED),
        required(spec, "name", where),
        unit if isinstance(unit, str) else tuple(unit),
        kind,
        spec.get("description", ""),
        index=indices,
        bounds=bounds(spec.get("bounds", ">= 0"), where),
        default=default,
        when_absent=WhenAbsent(spec.get("when_absent", "error")),
        inferred=spec.get("inferred", ""),
        monitoring=monitoring,
        source_required=spec.get("source_required", False),
    )
