"""Resolve a project against its methodology: members, fixed values, monitored values.

Every value ends as an exact ``Fraction`` in its parameter's canonical unit, with the place it
came from (project file, monitoring file, methodology default, explicit override).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs import boundary
from jcmcalc.inputs.consistency import check_bases, evaluate_warning_checks
from jcmcalc.inputs.digests import Digest
from jcmcalc.inputs.leaves import (
    Key,
    Leaf,
    as_leaf,
    attributes_of,
    describe_key,
    flatten,
    member_keys,
    members_of,
    undeclared,
)
from jcmcalc.inputs.project import Period, Project
from jcmcalc.inputs.series.coverage import Coverage
from jcmcalc.inputs.series.readings import Reader, Reading, Slot
from jcmcalc.inputs.sources import read_files
from jcmcalc.inputs.values import Origin, Value
from jcmcalc.model.errors import InputError
from jcmcalc.model.faults import plugin_code, plugin_fault
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Default, DefaultTable, Kind, Parameter, WhenAbsent
from jcmcalc.model.uses import estimated_from, required, why_unused

Read = tuple[Fraction, dict[str, str]]  # a value and its units (boundary.quantity_units)
Fixed = dict[str, dict[Key, Value]]
_DEFAULTS: dict[tuple[int, str], tuple[Parameter, Read]] = {}  # read once (boundary.kept)


@attrs.frozen
class PeriodInputs:
    period: Period
    values: Mapping[str, Mapping[Key, Value]]


@attrs.frozen
class Inputs:
    """Everything the engine needs, resolved and checked."""

    methodology: Methodology
    project: Project
    members: Mapping[str, tuple[str, ...]]
    attributes: Mapping[str, Mapping[str, Mapping[str, str]]]
    fixed: Mapping[str, Mapping[Key, Value]]
    periods: tuple[PeriodInputs, ...]
    tables: tuple[tuple[str, str, str], ...]
    warnings: tuple[str, ...]
    #: The digest of each input file, from the bytes its reader parsed (:mod:`.digests`).
    digests: Mapping[Path, Digest] = attrs.field(factory=dict)
    coverage: tuple[Coverage, ...] = ()
    #: The warnings of plausibility checks breached or not judged (errors under ``strict``).
    breaches: tuple[str, ...] = ()

    @property
    def incomplete(self) -> tuple[Coverage, ...]:
        """The coverage records of readings that miss part of their period."""
        return tuple(record for record in self.coverage if not record.complete)


def _default_value(methodology: Methodology, parameter: Parameter, default: Default) -> Read:
    """A methodology default in canonical units, with its units; a default that does not parse
    or lies out of its parameter's bounds is a fault of the plugin, not of the project."""
    try:
        return boundary.quantity_units(parameter, default.value)
    except InputError as exc:
        raise plugin_fault(methodology, f"default of {exc.parameter}: {exc.message}") from None


class Resolver:
    """Resolves the members and values of one project against one methodology."""

    def __init__(
        self, methodology: Methodology, project: Project, readers: Sequence[Reader] = ()
    ) -> None:
        self.methodology = methodology
        self.project = project
        self.readers = readers
        self.path = project.path
        self.members: dict[str, tuple[str, ...]] = {}
        self.attributes: dict[str, dict[str, dict[str, str]]] = {}
        self.member_parameters: dict[str, dict[str, Mapping[str, Any]]] = {}
        self.tables: dict[str, tuple[str, str, str]] = {}
        self.warnings: list[str] = []
        self.coverage: dict[Coverage, None] = {}
        self.estimating = False
        for index in methodology.indices:
            ids, attributes, parameters = members_of(index, project)
            self.members[index.symbol] = ids
            self.attributes[index.symbol] = attributes
            self.member_parameters[index.symbol] = parameters

    def given_fixed(self, only: Container[str] | None = None) -> dict[str, dict[Key, Leaf]]:
        """The fixed values the project file gives (``only``: of these parameters alone)."""
        given: dict[str, dict[Key, Leaf]] = {}
        for name, raw in self.project.parameters.items():
            parameter = self._parameter(name, at="parameters")
            if only is None or parameter.name in only:
                against = (parameter, self.members, self.methodology)
                leaves = flatten(raw, *against, path=self.path, at=f"parameters.{name}")
                self._merge(given, parameter, leaves)
        for symbol, tables in self.member_parameters.items():
            index = self.methodology.index(symbol)
            for member, table in tables.items():
                for name, raw in table.items():
                    at = f"{index.key}[{member}].parameters.{name}"
                    parameter = self._parameter(name, at=at)
                    if parameter.index != (symbol,):
                        raise InputError(
                            f"{parameter.symbol} is not per {index.title}: give it in [parameters]",
                            file=self.path,
                            at=at,
                        )
                    if only is None or parameter.name in only:
                        leaf = as_leaf(raw, path=self.path, at=at)
                        self._merge(given, parameter, {(member,): leaf})
        return given

    def _parameter(self, name: str, *, at: str, monitored: bool = False) -> Parameter:
        try:
            parameter = self.methodology.parameter(name)
        except InputError as exc:
            raise InputError(exc.message, file=self.path, at=at, parameter=name) from None
        if monitored != (parameter.kind is Kind.MONITORED):
            where = "under [[periods]] values" if monitored is False else "in [parameters]"
            raise InputError(
                f"{parameter.symbol} is {parameter.kind}: give it {where}",
                file=self.path,
                at=at,
                parameter=parameter.symbol,
            )
        return parameter

    def _merge(
        self, given: dict[str, dict[Key, Leaf]], parameter: Parameter, leaves: dict[Key, Leaf]
    ) -> None:
        target = given.setdefault(parameter.name, {})
        for key, leaf in leaves.items():
            if key in target:
                raise InputError(
                    f"given twice{describe_key(parameter, key, self.methodology)} "
                    f"(also at {target[key].at})",
                    file=self.path,
                    at=leaf.at,
                    parameter=parameter.symbol,
                )
            target[key] = leaf

    def fixed(self, parameters: tuple[Parameter, ...], known: Fixed | None = None) -> Fixed:
        """Values of the fixed ``parameters``: given, default, or an error; those ``known`` (an
        ex-post resolution's, which read every given value) kept where complete: only a value
        unknown ex post differs, and only the others are read again."""
        keys, known = {p.name: member_keys(p, self.members) for p in parameters}, known or {}
        done = {p for p in keys if known and len(known.get(p, {})) == len(keys[p])}
        given = self.given_fixed(set(keys) - done if known else None)
        resolved: dict[str, dict[Key, Value]] = {}
        for parameter in (p for p in parameters if p.kind is not Kind.MONITORED):
            if parameter.name in done:
                resolved[parameter.name] = dict(known[parameter.name])
                continue
            leaves, wanted = given.get(parameter.name, {}), keys[parameter.name]
            found = {key: self._fixed_value(parameter, key, leaves.get(key)) for key in wanted}
            resolved[parameter.name] = {k: v for k, v in found.items() if v is not None}
        return resolved

    def _default_value(self, parameter: Parameter, default: Default) -> Read:
        """:func:`_default_value`, once per parameter and default (not once per member)."""
        read = functools.partial(_default_value, self.methodology, parameter, default)
        return boundary.kept(_DEFAULTS, parameter, default.value, read)

    def _default(self, parameter: Parameter, key: Key) -> Default | None:
        default = parameter.default
        if isinstance(default, DefaultTable):
            row = default.lookup(attributes_of(parameter, key, self.attributes))
            if row is not None:
                self.tables[default.name] = (default.name, default.version, default.source)
            return row
        return default

    def _fixed_value(self, parameter: Parameter, key: Key, leaf: Leaf | None) -> Value | None:
        """The value of ``parameter`` for ``key``; None for an unknown value that only warning
        checks use (:attr:`WhenAbsent.UNKNOWN`), unless an estimate needs it."""
        default = self._default(parameter, key)
        if leaf is None:
            if default is not None:
                value, units = self._default_value(parameter, default)
                return Value(
                    value, Origin.DEFAULT, default.source, str(default.confidence), **units
                )
            if parameter.when_absent is WhenAbsent.ZERO:
                return Value(Fraction(0), Origin.ABSENT, "not given: counted as zero")
            estimated = self.estimating and parameter.name in estimated_from(self.methodology)
            if parameter.when_absent is WhenAbsent.UNKNOWN and not estimated:
                return None
            table = parameter.default
            why = (
                f"the table {table.name!r} has no row for "
                + ", ".join(
                    f"{k}={attributes_of(parameter, key, self.attributes).get(k, '?')}"
                    for k in table.keys
                )
                if isinstance(table, DefaultTable)
                else "the methodology has no default for it"
            )
            raise InputError(
                f"missing value{describe_key(parameter, key, self.methodology)}: {why}; give it "
                f'in the project file with its source, e.g. {{ value = "... {parameter.unit}", '
                'source = "..." }',
                file=self.path,
                parameter=parameter.symbol,
            )
        value, units = boundary.quantity_units(parameter, leaf.text, file=self.path, at=leaf.at)
        unit = units["unit"]
        if default is not None and unit != boundary.units_of(parameter, default.value)["unit"]:
            if not leaf.source:
                raise InputError(
                    f"the methodology default {default.value} is in another basis of measurement "
                    f'than {leaf.text!r}, so it does not apply: give the source, e.g. {{ value = "'
                    f'{leaf.text}", source = "..." }}',
                    file=self.path,
                    at=leaf.at,
                    parameter=parameter.symbol,
                )
            return Value(value, Origin.PROJECT, leaf.source, **units)
        if default is not None:
            if value == self._default_value(parameter, default)[0]:
                return Value(value, Origin.DEFAULT, default.source, str(default.confidence), unit)
            if not (leaf.override and leaf.source):
                raise InputError(
                    f"{decimal_text(value)} {unit or parameter.unit} differs from the methodology "
                    "default "
                    f"{default.value} ({default.source}); an override needs "
                    "override = true and a source",
                    file=self.path,
                    at=leaf.at,
                    parameter=parameter.symbol,
                )
            self.warnings.append(
                f"{parameter.symbol}{describe_key(parameter, key, self.methodology)}: override "
                f"{decimal_text(value)} {unit or parameter.unit} replaces the "
                f"default {default.value} (source: {leaf.source})"
            )
            return Value(value, Origin.OVERRIDE, leaf.source, **units)
        if leaf.override:
            raise InputError(
                "override = true, but there is no methodology default to override",
                file=self.path,
                at=leaf.at,
                parameter=parameter.symbol,
            )
        self._require_source(parameter, leaf)
        source = leaf.source or f"{self.path.name} {leaf.at}"
        return Value(value, Origin.PROJECT, source, **units)

    def _require_source(self, parameter: Parameter, leaf: Leaf) -> None:
        """A value the methodology fixes (its table not shipped), or one whose source it
        requires, comes with its source."""
        if leaf.source or not (parameter.kind is Kind.METHODOLOGY or parameter.source_required):
            return
        why = (
            "the methodology requires the source of this value"
            if parameter.source_required
            else "this value is fixed by the methodology, whose table is not shipped"
        )
        raise InputError(
            f'{why}: give its source, e.g. {{ value = "...", source = "<document, table>" }}',
            file=self.path,
            at=leaf.at,
            parameter=parameter.symbol,
        )

    def monitored(
        self,
        period: Period,
        readings: Mapping[Slot, Reading],
        estimated: Mapping[str, Mapping[Key, Value]] | None = None,
    ) -> PeriodInputs:
        """Monitored values of ``period`` from the project file, CSV files or an estimate."""
        given: dict[str, dict[Key, Leaf]] = {}
        for name, raw in period.values.items():
            at = f"periods[{period.number}].values.{name}"
            parameter = self._parameter(name, at=at, monitored=True)
            leaves = flatten(raw, parameter, self.members, self.methodology, path=self.path, at=at)
            self._merge(given, parameter, leaves)
        values: dict[str, dict[Key, Value]] = {}
        for parameter in self.methodology.parameters:
            if parameter.kind is not Kind.MONITORED:
                continue
            leaves = given.get(parameter.name, {})
            values[parameter.name] = {}
            if estimated and parameter.name in estimated:
                values[parameter.name] = dict(estimated[parameter.name])
                continue
            for key in member_keys(parameter, self.members):
                reading = readings.get((period.number, parameter.name, key))
                values[parameter.name][key] = self._monitored_value(
                    parameter, key, period, leaves.get(key), reading
                )
        return PeriodInputs(period, values)

    def _monitored_value(
        self,
        parameter: Parameter,
        key: Key,
        period: Period,
        leaf: Leaf | None,
        reading: Reading | None,
    ) -> Value:
        """The monitored value of one member in ``period``: from the project file, from a
        monitoring file, zero where the methodology allows it, or an error."""

        def where() -> str:  # only for a message: not worked out for every member
            return describe_key(parameter, key, self.methodology)

        needed = required(self.methodology, parameter, key, self.attributes)
        if leaf is not None and reading is not None:
            raise InputError(
                f"given both in the project file and in {reading.origin}{where()}",
                file=self.path,
                at=leaf.at,
                parameter=parameter.symbol,
            )
        if (leaf is not None or reading is not None) and not needed:
            at = leaf.at if leaf else reading.origin if reading else None
            undeclared(self.methodology, self.project, parameter, key, at=at)
            self.warnings.append(
                f"{parameter.symbol}{where()} in {period.label} is given but not used: the "
                "member's option does not use it"
            )
        if leaf is not None:
            value, units = boundary.quantity_units(parameter, leaf.text, file=self.path, at=leaf.at)
            place = f"{self.path.name} {leaf.at}"
            source = f"{leaf.source} ({place})" if leaf.source else place
            return Value(value, Origin.MONITORED, source, **units)
        if reading is not None:
            return Value(
                reading.value,
                Origin.MONITORED,
                reading.origin,
                unit=reading.unit,
                months=reading.months,
                written=reading.written,
            )
        if not needed:
            why = why_unused(self.methodology, parameter, key, self.attributes)
            return Value(Fraction(0), Origin.ABSENT, f"not used ({why}): zero, nothing to monitor")
        if parameter.when_absent is WhenAbsent.ZERO:
            return Value(Fraction(0), Origin.ABSENT, "not monitored: zero")
        raise InputError(
            f"missing monitored value{where()} in {period.label}",
            file=self.path,
            at=f"periods[{period.number}]",
            parameter=parameter.symbol,
        )

    def readings(self) -> dict[Slot, Reading]:
        """The readings of the project's monitoring files (see :mod:`jcmcalc.inputs.sources`)."""
        found = read_files(self.methodology, self.project, self.members, self.readers)
        for reading in found.values():
            self.coverage.update(dict.fromkeys(reading.coverage))
        self.warnings.extend(r.message() for r in self.coverage if not r.complete)
        return found


@attrs.frozen
class Estimation:
    """What an ex-ante run resolves instead of monitoring data: its design ``parameters``
    (fixed values; ``known``: see :meth:`Resolver.fixed`), and ``values(fixed, members,
    attributes, number)``, the estimated monitored values of year ``number`` from them."""

    parameters: tuple[Parameter, ...]
    values: Callable[..., Mapping[str, Mapping[Key, Value]]]
    known: Mapping[str, Mapping[Key, Value]] = attrs.field(factory=dict)


def resolve(
    methodology: Methodology,
    project: Project,
    *,
    readers: Sequence[Reader] | None = None,
    estimation: Estimation | None = None,
    judge: bool = True,
) -> Inputs:
    """Check ``project`` against ``methodology`` and resolve every value; ``readers`` are the
    plugin readers that may read its monitoring files (None: those the registry stamped on
    ``methodology``).

    With ``estimation`` (ex ante), the monitored values of each period come from it instead of
    the project's monitoring data; every other step is the same. ``judge``: plausibility
    checks and the methodology's notices (without: the values alone).
    """
    readers = methodology.readers if readers is None else tuple(readers)
    resolver = Resolver(methodology, project, readers)
    if estimation is None:
        fixed = resolver.fixed(methodology.parameters)
        readings = resolver.readings()
        periods = tuple(resolver.monitored(period, readings) for period in project.periods)
    else:
        resolver.estimating = True
        fixed = resolver.fixed(estimation.parameters, estimation.known)
        members, attributes = resolver.members, resolver.attributes
        periods = tuple(
            resolver.monitored(
                period, {}, estimation.values(fixed, members, attributes, period.number)
            )
            for period in project.periods
        )
    check_bases(
        methodology, fixed, tuple((p.period.label, p.values) for p in periods), project.path
    )
    dated = tuple((p.period, p.values) for p in periods)
    judged = (methodology, fixed, resolver.members, resolver.attributes, dated)
    breaches = evaluate_warning_checks(*judged) if judge else []
    resolver.warnings.extend(breaches)
    inputs = Inputs(
        methodology=methodology,
        project=project,
        members=resolver.members,
        attributes=resolver.attributes,
        fixed=fixed,
        periods=periods,
        tables=tuple(sorted(resolver.tables.values())),
        warnings=tuple(resolver.warnings),
        coverage=tuple(resolver.coverage),
        breaches=tuple(breaches),
    )
    notices = []
    for notice in methodology.notices if judge else ():
        with plugin_code(methodology, f"its notice {getattr(notice, '__name__', notice)!r}"):
            notices += [str(text) for text in notice(inputs)]
    return attrs.evolve(inputs, warnings=(*inputs.warnings, *notices)) if notices else inputs
