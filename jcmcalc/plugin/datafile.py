"""A methodology written as one data file (``NAME.methodology.toml``), read into the same
records a methodology written in Python builds (docs/authors/data-files.md describes it).

Tables: ``[methodology]`` (identity and status), ``[indices.<symbol>]``, ``[parameters.<name>]``
and ``[equations.<name>]`` (``formula`` parsed by :mod:`jcmcalc.model.expressions.formula`, in
order),
``[[checks]]``, ``[[criteria]]``, ``[estimate]`` (``parameters`` and ``equations`` keyed by the
monitored parameter they estimate) and ``[[variant]]`` (one methodology per variant: keys that
replace those of ``[methodology]``, and keys that differ of a parameter, an equation, a check
by its name or a criterion by its id). Every slip raises a :class:`MethodologyError` naming the
file, the methodology and the declaration.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.model.checks import Severity, bound
from jcmcalc.model.deferred import declared_in
from jcmcalc.model.errors import MethodologyError
from jcmcalc.model.expressions.dimensions import unit_of
from jcmcalc.model.expressions.formula import Declared, parse_relation, parse_term
from jcmcalc.model.expressions.walkers import Constant, Convert, Symbol, free_indices
from jcmcalc.model.expressions.walkers import symbols as symbols_of
from jcmcalc.model.knowledge import labelled
from jcmcalc.model.methodology import (
    PERIOD_HOURS,
    About,
    Criterion,
    Equation,
    Estimate,
    Methodology,
)
from jcmcalc.model.numbers import decimal_fraction
from jcmcalc.model.parameters import YEAR_NUMBER, Confidence, Kind, Parameter
from jcmcalc.model.units import parse_unit, unit_text
from jcmcalc.plugin import declarations as parts
from jcmcalc.plugin import namespace, variants
from jcmcalc.plugin.declarations import fail, known_keys, required

SUFFIX = ".methodology.toml"
TOP = {"methodology", "variant", "indices", "parameters", "equations", "checks", "criteria"}
TOP |= {"estimate", "constants"}
IDENTITY = {"id", "version", "title", "family", "sectoral_scope", "status", "source"}
IDENTITY |= {"country", "approved", "expired", "confidence", "notes", "unknown", "revises"}
#: Kept in the data file for the record (who proposed the methodology), shown nowhere yet.
IDENTITY |= {"proponent"}
#: Functions of the core's tools that add warnings to a result (``"tool:<name>"``).
IDENTITY |= {"notices"}
EQUATION = {"symbol", "name", "formula", "unit", "description", "index", "inferred"}
CHECK = {"name", "formula", "description", "index", "severity", "inferred", "slips"}
UNKNOWN_NOTE = "unknown, required from the project file or reconstructed: "


def files_in(folder: Path) -> list[Path]:
    """The methodology data files of ``folder`` (a plugin's package), sorted by name."""
    return sorted(folder.glob(f"*{SUFFIX}"))


def _read(path: Path) -> dict[str, Any]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MethodologyError(f"{path.name}: cannot read: {exc}") from None
    except RecursionError:
        raise MethodologyError(f"{path.name}: cannot read: its tables nest too deep") from None
    known_keys(document, TOP | {"include"}, path.name)
    return document


def _included(document: dict[str, Any], path: Path) -> dict[str, Any]:
    """``document`` with the files it ``include``s (in its package; they include no other): its
    own declarations first, then theirs that it does not declare itself; lists (criteria,
    checks) theirs first. A formula name declared in two tables is refused (both named)."""
    merged, origins = document, {}
    for name in namespace.included_names(document.pop("include", []), f"{path.name}: include"):
        part = _read(namespace.packaged(path.parent, name, f"{path.name}: include"))
        if "include" in part:
            raise fail(f"{path.name}: {name}", "an included file includes no other")
        for table in namespace.TABLES:
            for key in namespace.table(part, table, name):
                origins.setdefault((table, key), name)
        merged = _merge(merged, part)
    for table in namespace.TABLES:  # the including file's own declarations are its own
        for key in namespace.table(document, table, path.name):
            origins[(table, key)] = path.name
    namespace.one_namespace(merged, origins, path.name)
    return merged


def _merge(own: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(own)
    for key, value in other.items():
        mine = own.get(key)
        if mine is None:
            merged[key] = value
        elif isinstance(value, list):
            merged[key] = [*value, *mine]
        elif key == "estimate":
            merged[key] = _merge(mine, value)
        else:
            merged[key] = {**mine, **{k: v for k, v in value.items() if k not in mine}}
    return merged


def load_file(path: Path) -> list[Methodology]:
    """The methodologies of the data file ``path``: one, or one per ``[[variant]]``, with what
    they did not read labelled (:func:`~jcmcalc.model.knowledge.labelled`)."""
    document = _included(_read(path), path)
    base = required(document, "methodology", path.name, dict)
    variants = document.get("variant") or [{}]
    return [labelled(_methodology(document, base, variant, path)) for variant in variants]


def identities(path: Path) -> tuple[list[dict[str, str]], list[str]] | list[Methodology]:
    """What an index lists of the data file ``path`` without building its methodologies: the
    ``id``, ``version``, ``title``, ``country`` and ``confidence`` of each, and the files it
    includes. A file whose identities cannot be read so is built (:func:`load_file`), which
    raises its own error, or gives the methodologies themselves."""
    try:
        document = _read(path)
        included = [str(name) for name in document.get("include", ())]
        document = _included(document, path)
        base = document["methodology"]
        found = [_identity({**base, **variant}) for variant in document.get("variant") or [{}]]
    except (MethodologyError, KeyError, TypeError, ValueError, AttributeError):
        return load_file(path)
    return found, included


def _identity(identity: Mapping[str, Any]) -> dict[str, str]:
    """The listed part of a methodology's identity, as :func:`_methodology` and :func:`_about`
    read it (KeyError or ValueError where it lacks a part, or a part is not text)."""
    found = {key: identity[key] for key in ("id", "version", "title")}
    found["country"] = identity.get("country", "")
    revised = identity.get("revises", "")
    found["confidence"] = Confidence("inferred" if revised else identity.get("confidence", "read"))
    if not all(isinstance(value, str) for value in found.values()):
        raise ValueError("an identity that is not text")
    return {key: str(value) for key, value in found.items()}


def _methodology(
    document: Mapping[str, Any], base: Mapping[str, Any], variant: Mapping[str, Any], path: Path
) -> Methodology:
    identity = {**base, **variant}
    where = f"{path.name}: {identity.get('id', '?')} ver {identity.get('version', '?')}"
    changed, added_notes = variants.declared(document, identity, path, where, _read)
    specs = changed["parameters"]
    known_keys(identity, IDENTITY, f"{where}, [methodology]")
    country = identity.get("country", "")
    own = "inferred" if identity.get("revises") else str(identity.get("confidence", "read"))
    indices = tuple(
        parts.index(symbol, spec, country, where) for symbol, spec in changed["indices"].items()
    )
    symbols = {index.symbol for index in indices}
    parameters = [
        parts.parameter(key, spec, path.parent, country, where, own) for key, spec in specs.items()
    ]
    names = {key: Declared(p.ref, p.unit) for key, p in zip(specs, parameters, strict=True)}
    for key, spec in document.get("constants", {}).items():
        names[key] = _constant(key, spec, f"{where}, constant {key}")
    equations = list(_equations(changed["equations"], names, symbols, where))
    estimate = _estimate(document.get("estimate"), names, symbols, path, (country, own), where)
    _distinct_names(dict(zip(specs, parameters, strict=True)), equations, estimate, where)
    hours = Declared(PERIOD_HOURS.ref, PERIOD_HOURS.unit)
    checks = tuple(_checks([*changed["checks"].values()], {**names, "H_p": hours}, symbols, where))
    revised = identity.get("revises", "")
    if revised:
        taken = f"taken from ver {revised}: the text of ver {identity['version']} was not read"
        equations = [_label(e, taken) for e in equations]
        parameters = [_label_table(p, taken) for p in parameters]
    try:
        methodology = Methodology(
            id=required(identity, "id", where),
            version=str(required(identity, "version", where)),
            title=required(identity, "title", where),
            about=_about(identity, where),
            indices=indices,
            parameters=tuple(parameters),
            equations=tuple(equations),
            criteria=tuple(_criteria([*changed["criteria"].values()], where, own)),
            estimate=estimate,
            checks=checks,
            notes=(
                *_notes(identity, variant.get("notes", ()), base.get("notes", ())),
                *added_notes,
            ),
            notices=parts.notices(identity.get("notices", []), where),
        )
    except MethodologyError as exc:
        raise MethodologyError(f"{path.name}: {exc}") from None
    declared_in(methodology, path.name)
    return methodology


def _distinct_names(
    parameters: Mapping[str, Parameter],
    equations: list[Equation],
    estimate: Estimate | None,
    where: str,
) -> None:
    """The value names of parameters, equations and design values, each given once."""
    design = [p for p in (estimate.parameters if estimate else ()) if p is not YEAR_NUMBER]
    namespace.distinct_names(
        [(p.name, f"parameter {key}") for key, p in parameters.items()]
        + [(e.name, f"equation {e.symbol}") for e in equations]
        + [(p.name, f"estimate parameter {p.symbol}") for p in design],
        where,
    )


def _constant(key: str, spec: Mapping[str, Any], where: str) -> Declared:
    """A named constant (``CF_max = { value = "0.5" }``), shown by its name in formulas."""
    known_keys(spec, {"value", "unit", "label"}, where)
    unit = spec.get("unit", "dimensionless")
    try:
        parse_unit(unit)
        value = decimal_fraction(str(required(spec, "value", where)))
    except ValueError as exc:
        raise fail(where, str(exc)) from None
    return Declared(Constant(value, unit=unit, label=spec.get("label", key)), unit)


def _equations(
    specs: Mapping[str, Any], names: dict[str, Declared], symbols: set[str], where: str
) -> Iterator[Equation]:
    """The equations, each after those whose results it uses (else in file order); each
    one's result is a name for the ones after it."""
    for key, spec in _ordered(specs):
        place = f"{where}, equation {key}"
        known_keys(spec, EQUATION, place)
        index = tuple(spec.get("index", ()))
        equation = Equation(
            spec.get("symbol") or parts.symbol_text(key, index, True),
            required(spec, "name", place),
            parse_term(required(spec, "formula", place), names, symbols, place),
            required(spec, "unit", place),
            spec.get("description", ""),
            index=index,
            inferred=spec.get("inferred", ""),
        )
        names[key] = Declared(equation.ref, equation.unit)
        yield equation


def _ordered(specs: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """``specs`` in file order, except that an equation comes after the equations it names (a
    variant's or an included file's equation may be used by one declared before it)."""
    uses = {key: _names(spec) & set(specs) - {key} for key, spec in specs.items()}
    done: list[tuple[str, Any]] = []
    pending = dict(specs)
    while pending:
        ready = next((k for k in pending if uses[k] <= {d for d, _ in done}), next(iter(pending)))
        done.append((ready, pending.pop(ready)))
    return done


def _names(spec: Any) -> set[str]:
    """The names a formula uses (none where it does not parse: the parser then says why)."""
    try:
        tree = ast.parse(
            str(spec.get("formula", "")) if isinstance(spec, dict) else "", mode="eval"
        )
    except (SyntaxError, RecursionError):
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def _estimate(
    spec: Mapping[str, Any] | None,
    names: Mapping[str, Declared],
    symbols: set[str],
    path: Path,
    context: tuple[str, str],
    where: str,
) -> Estimate | None:
    """Design values and the equations estimating monitored parameters (``n_y``: the year);
    ``context``: the country and the methodology's own confidence."""
    if spec is None:
        return None
    known_keys(spec, {"parameters", "equations"}, f"{where}, [estimate]")
    design = {
        key: parts.parameter(key, item, path.parent, context[0], f"{where}, estimate", context[1])
        for key, item in spec.get("parameters", {}).items()
    }
    scope = {**names, **{k: Declared(p.ref, p.unit) for k, p in design.items()}}
    scope[YEAR_NUMBER.symbol] = Declared(YEAR_NUMBER.ref, YEAR_NUMBER.unit)
    equations = []
    for key, item in spec.get("equations", {}).items():
        place = f"{where}, estimate {key}"
        known_keys(item, {"formula", "unit", "description", "inferred"}, place)
        target = names.get(key)
        if target is None or not isinstance(target.symbol, Symbol):
            raise fail(place, f"{key!r} names no declared monitored parameter")
        term = parse_term(required(item, "formula", place), scope, symbols, place)
        units = {d.symbol.name: d.unit for d in scope.values() if isinstance(d.symbol, Symbol)}
        unit = item.get("unit") or (
            term.unit if isinstance(term, Convert) else unit_text(unit_of(term, units, place))
        )
        equations.append(
            Equation(
                target.symbol.symbol,
                target.symbol.name,
                term,
                unit,
                item.get("description", ""),
                index=target.symbol.index,
                inferred=item.get("inferred", ""),
            )
        )
    used = any(YEAR_NUMBER.name in {s.name for s in symbols_of(e.expression)} for e in equations)
    return Estimate((*design.values(), *([YEAR_NUMBER] if used else [])), tuple(equations))


def _checks(
    specs: list[Mapping[str, Any]], names: Mapping[str, Declared], symbols: set[str], where: str
) -> Iterator:
    for spec in specs:
        place = f"{where}, check {spec.get('name', '?')}"
        known_keys(spec, CHECK, place)
        left, relation, right = parse_relation(
            required(spec, "formula", place), names, symbols, place
        )
        index = spec.get("index") or sorted(free_indices(left) | free_indices(right))
        yield bound(
            required(spec, "name", place), left, relation, right,
            required(spec, "description", place), index=tuple(index),
            severity=Severity(spec.get("severity", "error")), inferred=spec.get("inferred", ""),
            slips=tuple(parts.slip(item, place) for item in spec.get("slips", ())),
        )  # fmt: skip


def _criteria(specs: list[Mapping[str, Any]], where: str, own: str) -> Iterator[Criterion]:
    """The criteria (each ``confidence`` the methodology's own, ``own``, unless stated)."""
    for spec in specs:
        place = f"{where}, criterion {spec.get('id', '?')}"
        known_keys(spec, {"id", "text", "confidence"}, place)
        yield Criterion(
            required(spec, "id", place),
            required(spec, "text", place),
            parts.confidence(spec.get("confidence", own), place),
        )


def _about(identity: Mapping[str, Any], where: str) -> About:
    revised = identity.get("revises", "")
    status = required(identity, "status", where)
    if revised:
        status = f"{status}; text not read (equations of ver {revised} assumed)"
    return About(
        family=required(identity, "family", where),
        sectoral_scope=required(identity, "sectoral_scope", where),
        status=status,
        source=required(identity, "source", where),
        country=identity.get("country", ""),
        approved=identity.get("approved", ""),
        expired=identity.get("expired", ""),
        confidence=parts.confidence(
            "inferred" if revised else identity.get("confidence", "read"), where
        ),
    )


def _notes(identity: Mapping[str, Any], own: Any, common: Any) -> Iterator[str]:
    """A version whose text was not read says so first; then its ``own`` notes, what could not
    be read, and the notes ``common`` to every variant."""
    if revised := identity.get("revises", ""):
        yield (
            f"what differs from ver {revised} is unknown: the text of ver {identity['version']} "
            f"was not read, so this record takes the family's equations, criteria and default "
            f"tables of ver {revised} (inferred)"
        )
    yield from own if own is not common else ()
    yield from (UNKNOWN_NOTE + item for item in identity.get("unknown", ()))
    yield from common


def _label(equation: Equation, taken: str) -> Equation:
    inferred = f"{equation.inferred}; {taken}" if equation.inferred else taken
    return attrs.evolve(equation, inferred=inferred)


def _label_table(parameter: Parameter, taken: str) -> Parameter:
    """A parameter whose default table a version not read takes from the version it revises."""
    if parameter.kind is Kind.METHODOLOGY and parameter.default is not None:
        return attrs.evolve(parameter, inferred=f"factor table {taken}")
    return parameter
