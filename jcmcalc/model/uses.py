"""Which members need a parameter: a value used only in select cases that a member's
attributes do not take (``battery = false``) is not required of that member."""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

from jcmcalc.model.expressions.walkers import Attributes, Condition, selections, symbols
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Parameter

Key = tuple[str, ...]
R = TypeVar("R")


def _holds(condition: Condition, bindings: Mapping[str, str], attributes: Attributes) -> bool:
    index, attribute, value = condition
    members = attributes.get(index, {})
    if index in bindings:
        return members.get(bindings[index], {}).get(attribute) == value
    return any(found.get(attribute) == value for found in members.values())


def per_declaration(function: Callable[..., R]) -> Callable[..., R]:
    """``function(declaration, *args)`` worked out once per process, not once per project: kept
    per declaration (a methodology) and ``args``. A declaration is immutable and found by
    identity, not by hashing every field; each entry keeps its declaration, so that its ``id``
    is not reused while kept. The declarations of a process are few (those installed, those a
    test builds)."""
    kept: dict[tuple[Hashable, ...], tuple[Any, R]] = {}

    @functools.wraps(function)
    def once(declaration: Any, *args: Hashable) -> R:
        key = (id(declaration), *args)
        entry = kept.get(key)
        if entry is None or entry[0] is not declaration:
            entry = kept[key] = (declaration, function(declaration, *args))
        return entry[1]

    return once


@per_declaration
def _uses(methodology: Methodology) -> dict[str, list[Any]]:
    """For each parameter, the conditions of the select cases of each of its uses (so that
    ``required`` is constant time)."""
    estimated = methodology.estimate.equations if methodology.estimate else ()
    terms = [e.expression for e in (*methodology.equations, *estimated)]
    terms += [t for check in methodology.checks for t in (check.left, check.right)]
    found: dict[str, list[Any]] = {}
    for term in terms:
        for symbol, conditions in selections(term):
            found.setdefault(symbol.name, []).append(conditions)
    return found


def required(
    methodology: Methodology, parameter: Parameter, key: Key, attributes: Attributes
) -> bool:
    """Whether ``parameter`` needs a value for the members ``key`` names: unless every use of
    it lies in select cases that those members (with their ``attributes``) do not take."""
    bindings = dict(zip(parameter.index, key, strict=True))
    uses = _uses(methodology).get(parameter.name, [])
    return not uses or any(
        all(_holds(condition, bindings, attributes) for condition in conditions)
        for conditions in uses
    )


def deciding(methodology: Methodology, parameter: Parameter) -> list[tuple[str, str]]:
    """The (index, attribute) pairs whose select cases decide whether ``parameter`` is used."""
    cases = {
        condition[:2] for uses in _uses(methodology).get(parameter.name, []) for condition in uses
    }
    return sorted(cases)


def why_unused(
    methodology: Methodology, parameter: Parameter, key: Key, attributes: Attributes
) -> str:
    """Why the members ``key`` names need no value of ``parameter`` (see :func:`required`):
    the attributes that choose its select cases, ``no battery`` for ``battery = false``."""
    bindings = dict(zip(parameter.index, key, strict=True))
    found = []
    for index, attribute in deciding(methodology, parameter):
        value = attributes.get(index, {}).get(bindings.get(index, ""), {}).get(attribute)
        text = f"no {attribute}" if value == "false" else f"{attribute} = {value}"
        if value is not None and text not in found:
            found.append(text)
    return ", ".join(found)


def estimated_from(methodology: Methodology) -> set[str]:
    """The names of the parameters the ex-ante estimate's equations use (none without one)."""
    equations = methodology.estimate.equations if methodology.estimate else ()
    return {s.name for equation in equations for s in symbols(equation.expression)}
