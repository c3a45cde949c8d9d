"""The conformance check every installed methodology must pass.

Declarations: every parameter has a unit (``"dimensionless"`` spelled out), a description and
a kind; every default and every row of a default table has a source; RE and PE resolve to
tCO2 through the declared units. Behaviour: the plugin's example projects calculate and its
worked cases match. The project's test suite runs it over every built-in family; a plugin's
own tests run it through the pytest plugin (:mod:`jcmcalc.authoring.pytest_plugin`).
"""

from __future__ import annotations

from collections.abc import Sequence

from jcmcalc.model.methodology import PROJECT, REFERENCE, Methodology, MethodologyError, unit_of
from jcmcalc.model.parameters import DefaultTable, Kind, Parameter
from jcmcalc.model.units import factor_is_one, unit_text
from jcmcalc.plugin.registry import Registry
from jcmcalc.plugin.samples import Sample, samples, samples_of

TONNES_CO2 = "t_CO2"


def declaration_problems(methodology: Methodology) -> list[str]:
    """What the declarations of ``methodology`` lack, one message each."""
    where = methodology.label
    found = []
    for parameter in methodology.all_parameters:
        found += [f"{where}: parameter {parameter.symbol} {gap}" for gap in _gaps(parameter)]
    units = {p.name: p.unit for p in methodology.all_parameters}
    for equation in methodology.equations:
        try:
            unit = unit_of(equation.expression, units, f"{where}, {equation.symbol}")
        except (MethodologyError, KeyError) as exc:
            found.append(f"{where}: equation {equation.symbol} has no unit: {exc}")
            continue
        units[equation.name] = equation.unit
        if equation.name in (REFERENCE, PROJECT) and not factor_is_one(unit, TONNES_CO2):
            found.append(
                f"{where}: equation {equation.symbol} resolves to {unit_text(unit)}, "
                f"not {TONNES_CO2}"
            )
    return found


def _gaps(parameter: Parameter) -> list[str]:
    gaps = []
    if not parameter.unit.strip():
        gaps.append('has no unit (write "dimensionless" for a pure number)')
    if not parameter.description.strip():
        gaps.append("has no description")
    if not isinstance(parameter.kind, Kind):
        gaps.append(f"has no kind (one of {', '.join(k.name for k in Kind)})")
    default = parameter.default
    if isinstance(default, DefaultTable):
        if not default.source.strip():
            gaps.append(f"default table {default.name!r} has no source")
        gaps += [
            f"default table {default.name!r} row {' / '.join(key)} has no source"
            for key, row in default.rows.items()
            if not row.source.strip()
        ]
    elif default is not None and not default.source.strip():
        gaps.append(f"default {default.value!r} has no source")
    return gaps


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


def problems(methodology: Methodology, registry: Registry) -> list[str]:
    """Every conformance problem of one registered methodology (empty: it conforms)."""
    return declaration_problems(methodology) + sample_problems(samples_of(methodology, registry))


def registry_problems(registry: Registry) -> list[str]:
    """Plugins that failed to load and plugins that ship no example or no worked case."""
    found = [
        f"plugin {b.name!r} ({b.distribution}) failed to load: {b.error}" for b in registry.broken
    ]
    shipped = samples(registry)
    for plugin in registry.plugins:
        mine = [s for s in shipped if s.plugin == plugin.distribution]
        if plugin.methodologies and not any(not s.worked for s in mine):
            found.append(f"plugin {plugin.distribution} ships no example project")
        if plugin.methodologies and not any(s.worked for s in mine):
            found.append(f"plugin {plugin.distribution} ships no worked case")
    return found
