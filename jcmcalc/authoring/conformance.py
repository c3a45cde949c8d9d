"""The conformance check every installed methodology must pass.

Declarations (:func:`jcmcalc.model.methodology.problems`, the checks that also run when a
methodology is built): every parameter has a unit (``"dimensionless"`` spelled out), a
description and a kind; every default and every row of a default table has a source; RE and PE
resolve to tCO2 through the declared units. Plausibility: a methodology with monitored values
declares a check on them (:func:`plausibility_problems`). Behaviour: the plugin's example
projects calculate and its worked cases match. The project's test suite runs it over every
built-in family; a plugin's own tests run it through the pytest plugin
(:mod:`jcmcalc.authoring.pytest_plugin`).
"""

from __future__ import annotations

from collections.abc import Sequence

from jcmcalc.model.expressions.walkers import symbols
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.methodology import problems as declaration_check
from jcmcalc.model.parameters import Kind
from jcmcalc.plugin.registry import Registry
from jcmcalc.plugin.samples import Sample, samples, samples_of


def declaration_problems(methodology: Methodology) -> list[str]:
    """What the declarations of ``methodology`` lack, one message each (the checks that run
    when a methodology is built, and the gaps that do not stop it loading)."""
    return [problem.message for problem in declaration_check(methodology)]


def sample_problems(samples: Sequence[Sample]) -> list[str]:
    """Example projects that fail to calculate, worked cases that do not match."""
    from jcmcalc.api import calculate
    from jcmcalc.authoring.testing import assert_worked_case
    from jcmcalc.model.errors import JcmcalcError

    found = []
    for sample in samples:
        try:
            if sample.worked:
                assert_worked_case(sample.folder)
            else:
                calculate(sample.project)
        except (AssertionError, JcmcalcError) as exc:
            kind = "worked case" if sample.worked else "example"
            found.append(f"{sample.plugin}: {kind} {sample.folder.name}: {exc}")
    return found


def plausibility_problems(methodology: Methodology) -> list[str]:
    """A methodology with monitored values must declare a check on them (directly or through
    its equations): a plausibility bound, such as output against rated capacity x hours."""
    monitored = {p.name for p in methodology.parameters if p.kind is Kind.MONITORED}
    uses = {e.name: {s.name for s in symbols(e.expression)} for e in methodology.equations}
    for equation in methodology.equations:  # declared in order: earlier results come first
        for name in list(uses[equation.name]):
            uses[equation.name] |= uses.get(name, set())
    for check in methodology.checks:
        named = {s.name for side in (check.left, check.right) for s in symbols(side)}
        if any(monitored & uses.get(name, {name}) for name in named):
            return []
    if not monitored:
        return []
    return [
        f"{methodology.label} declares no plausibility check on its monitored values: declare "
        'one in [[checks]] (severity = "warning"), e.g. output within rated capacity x hours'
    ]


def problems(methodology: Methodology, registry: Registry) -> list[str]:
    """Every conformance problem of one registered methodology (empty: it conforms)."""
    return (
        declaration_problems(methodology)
        + plausibility_problems(methodology)
        + sample_problems(samples_of(methodology, registry))
    )


def registry_problems(registry: Registry) -> list[str]:
    """Plugins that failed to load (or to build a data file) and plugins that ship no example
    or no worked case."""
    registry.complete()
    found = [
        f"plugin {b.name!r} ({b.distribution}) failed to load: {b.error}" for b in registry.broken
    ]
    registry.methodologies()  # each checked: one that fails is BROKEN
    found += [u.message for u in registry.unusable.values()]
    shipped = samples(registry)
    for plugin in registry.plugins:
        mine = [s for s in shipped if s.plugin == plugin.distribution]
        if plugin.methodologies and not any(s.example for s in mine):
            found.append(f"plugin {plugin.distribution} ships no example project")
        if plugin.methodologies and not any(s.worked for s in mine):
            found.append(f"plugin {plugin.distribution} ships no worked case")
    return found
