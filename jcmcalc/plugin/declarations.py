"""The parts of a methodology data file that declare values: indices, parameters, bounds,
defaults (a value, a CSV table beside the file, or a table of the core's tools).

Every function takes the TOML table as read and a ``where`` naming the file, the methodology
and the declaration, for the :class:`MethodologyError` a slip raises.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from jcmcalc.model.checks import Slip
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
from jcmcalc.tools import fgas
from jcmcalc.tools.electricity import (
    BEST_DIESEL,
    CONNECTION_CASES,
    grid_only_factors,
    grids,
    off_grid_by_analogy,
    reference_factors,
)
from jcmcalc.tools.fuel import (
    biogenic_carbon,
    ipcc_default,
    ipcc_fuels,
    same_fuel_same_factor,
)
from jcmcalc.tools.gwp import (
    CO2_MOLAR_MASS_DEFAULT,
    carbon_atoms_table,
    fgas_species,
    gwp_table,
    molar_mass_table,
)

KINDS = {"methodology": Kind.METHODOLOGY, "project": Kind.PROJECT, "monitored": Kind.MONITORED}
#: Defaults the core's tools provide, by name, for a methodology of ``country`` (and the
#: arguments written after the name: ``tool:fuel.ipcc_default(quantity=ncv, bound=upper)``).
TOOL_DEFAULTS: dict[str, Callable[..., Default | DefaultTable]] = {
    "electricity.reference_factors": reference_factors,
    "electricity.grid_only_factors": lambda _, use="electricity": grid_only_factors(use),
    "electricity.best_diesel": lambda _: BEST_DIESEL,
    "electricity.category_of_day_factors": lambda country: DefaultTable(
        "category-of-day factors",
        reference_factors(country).version,
        ("category",),
        {("off-grid",): _off_grid(country)},
        "jcmcalc.tools.electricity.BEST_DIESEL",
    ),
    "fuel.ipcc_default": lambda _, quantity, bound, key="fuel": ipcc_default(
        quantity, bound, key=key
    ),
    "gwp.gwp_table": lambda _, set: gwp_table(set),
    "gwp.molar_masses": lambda _: molar_mass_table(),
    "gwp.carbon_atoms": lambda _: carbon_atoms_table(),
    "gwp.co2_molar_mass": lambda _: CO2_MOLAR_MASS_DEFAULT,
    "fgas.creditable": lambda _, species, record: fgas.creditable_table(species, record),
}
#: Allowed values of a member attribute that the core's tools provide, by name.
TOOL_VALUES: dict[str, Callable[[str], tuple[str, ...]]] = {
    "electricity.grids": grids,
    "electricity.connection_cases": lambda _: CONNECTION_CASES,
    "fuel.ipcc_fuels": lambda _: ipcc_fuels(),
    "gwp.fgas_species": lambda _: fgas_species(),
}
#: Notices the core's tools provide, by name: functions of the resolved inputs that add a
#: warning to a result (``notices = ["tool:fuel.biogenic_carbon"]`` in ``[methodology]``).
TOOL_NOTICES: dict[str, Callable[..., Iterable[str]]] = {
    "fuel.biogenic_carbon": biogenic_carbon,
    "fuel.same_fuel_same_factor": same_fuel_same_factor,
    "fgas.hfcs_only": fgas.hfcs_only,
    "fgas.destroyed_not_credited": fgas.destroyed_not_credited,
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


def _off_grid(country: str) -> Default:
    """The off-grid factor of ``country``'s table: read where its document gives one, else
    the best diesel factor applied by analogy (labelled inferred)."""
    rows = reference_factors(country).rows
    found = [row for key, row in rows.items() if key[-1] == "off-grid"]
    return found[0] if found else off_grid_by_analogy(country)


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


def _default(spec: Any, country: str, where: str, own: str) -> Default | DefaultTable:
    """A default value (its ``confidence`` the methodology's own, ``own``, unless stated)."""
    if isinstance(spec, str) and spec.startswith(TOOL):
        return _tool_default(spec.removeprefix(TOOL), country, where)
    if not isinstance(spec, dict):
        raise fail(where, 'default: write { value = "5.0", source = "..." } or "tool:<name>"')
    known_keys(spec, {"value", "source", "confidence", "note"}, f"{where}, default")
    return Default(
        str(required(spec, "value", f"{where}, default")),
        required(spec, "source", f"{where}, default"),
        confidence(spec.get("confidence", own), where),
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


def default_table(spec: Mapping[str, Any], folder: Path, where: str, own: str) -> DefaultTable:
    """A table of defaults from a CSV file beside the data file: one column per key attribute,
    then ``value`` (and ``unit``), ``source``, and optionally ``confidence`` (the methodology's
    own, ``own``, where a row states none) and ``note``."""
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
            confidence(row.get("confidence") or own, f"{where}, {path.name} line {number}"),
            row.get("note") or "",
        )
    source = required(spec, "source", where)
    return DefaultTable(
        spec.get("name", path.stem), str(spec.get("version", "")), keys, table, source
    )


def notices(names: Any, where: str) -> tuple[Callable[..., Iterable[str]], ...]:
    """The notices ``names`` lists (``["tool:fuel.biogenic_carbon"]``)."""
    if not isinstance(names, list):
        raise fail(where, 'notices: write a list, notices = ["tool:<name>"]')
    found = []
    for name in names:
        tool = str(name).removeprefix(TOOL)
        if not str(name).startswith(TOOL) or tool not in TOOL_NOTICES:
            raise fail(where, f"no tool notice {name!r}{suggest(tool, sorted(TOOL_NOTICES))}")
        found.append(TOOL_NOTICES[tool])
    return tuple(found)


def _members(members: Any, country: str, where: str) -> tuple[str, ...]:
    """A fixed list of members, or ``"tool:<name>"``: the values a tool provides."""
    if isinstance(members, str) and members.startswith(TOOL):
        tool = members.removeprefix(TOOL)
        if tool not in TOOL_VALUES:
            raise fail(where, f"no tool values {tool!r}{suggest(tool, sorted(TOOL_VALUES))}")
        return TOOL_VALUES[tool](country)
    return tuple(members)


def index(symbol: str, spec: Mapping[str, Any], country: str, where: str) -> Index:
    """An index; an attribute's values may be ``"tool:<name>"`` (left out when the tool has
    none for the country). ``defaults`` (``{ battery = "false" }``) and ``unless`` (``{ grid =
    ["connection_case", "off-grid"] }``) say when a member may leave an attribute out."""
    where = f"{where}, index {symbol}"
    known_keys(
        spec,
        {"key", "title", "attributes", "members", "column", "optional", "defaults", "unless"}
        | {"because"},
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
        members=_members(spec.get("members", ()), country, where),
        column=spec.get("column", ""),
        optional=spec.get("optional", False),
        defaults={k: v for k, v in spec.get("defaults", {}).items() if k in attributes},
        unless={
            k: (str(v[0]), str(v[1])) for k, v in spec.get("unless", {}).items() if k in attributes
        },
        because={k: str(v) for k, v in spec.get("because", {}).items() if k in attributes},
    )


def parameter(
    key: str, spec: Mapping[str, Any], folder: Path, country: str, where: str, own: str
) -> Parameter:
    """The parameter that formulas call ``key``; its default's confidence, unless stated, is
    the methodology's own (``own``), never ``read`` by omission."""
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
        default = _default(spec["default"], country, where, own)
    elif "default_table" in spec:
        default = default_table(spec["default_table"], folder, where, own)
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


def slip(spec: Any, where: str) -> Slip:
    """A likely unit slip: ``{ from = "100", to = "1500", text = "kg written as t?" }``."""
    if not isinstance(spec, dict):
        raise fail(where, 'slips: write { from = "100", to = "1500", text = "..." }')
    known_keys(spec, {"from", "to", "text"}, f"{where}, slips")
    try:
        low, high = (decimal_fraction(str(required(spec, k, where, str))) for k in ("from", "to"))
    except ValueError as exc:
        raise fail(where, f"slips: {exc}") from None
    if not 0 < low <= high:
        raise fail(where, f"slips: a range from {low} to {high} is not 0 < from <= to")
    return Slip(low, high, required(spec, "text", where))
