"""Which members need a parameter: a value used only in select cases that a member's
attributes do not take (``battery = false``) is not required of that member."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jcmcalc.model.expressions.walkers import Attributes, Condition, selections, symbols
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Parameter

Key = tuple[str, ...]


def _holds(condition: Condition, bindings: Mapping[str, str], attributes: Attributes) -> bool:
    index, attribute, value = condition
    members = attributes.get(index, {})
    if index in bindings:
        return members.get(bindings[index], {}).get(attribute) == value
    return any(found.get(attribute) == value for found in members.values())


#: The select conditions of each parameter's uses, per methodology (kept with it: ``id`` is
#: not reused while the methodology lives here), so that ``required`` is constant time.
_USES: dict[int, tuple[Methodology, dict[str, list[Any]]]] = {}


def _uses(methodology: Methodology) -> dict[str, list[Any]]:
    """For each parameter, the conditions of the select cases of each of its uses."""
    entry = _USES.get(id(methodology))
    if entry is None or entry[0] is not methodology:
        estimated = methodology.estimate.equations if methodology.estimate else ()
        terms = [e.expression for e in (*methodology.equations, *estimated)]
        terms += [t for check in methodology.checks for t in (check.left, check.right)]
        found: dict[str, list[Any]] = {}
        for term in terms:
            for symbol, conditions in selections(term):
                found.setdefault(symbol.name, []).append(conditions)
        entry = _USES[id(methodology)] = (methodology, found)
    return entry[1]


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
