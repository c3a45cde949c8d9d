"""What a Monitoring Report Sheet shows, as plain rows of text built from a Result.

Markdown and HTML render these rows; nothing here recomputes what the engine computed: values
come from the resolved inputs, the trace and the per-period results.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping
from fractions import Fraction
from importlib.metadata import version as distribution_version

import attrs

from jcmcalc.inputs.resolve import Key, Value
from jcmcalc.model.expressions import symbols, to_latex
from jcmcalc.model.kernel import equations_of
from jcmcalc.model.methodology import Equation
from jcmcalc.model.numbers import decimal_text, exact_text, terminates
from jcmcalc.model.parameters import Kind, Monitoring, Parameter
from jcmcalc.run.result import Result, TraceStep

#: What each monitoring option means (JCM Monitoring Plan guidance; domain reference [read]).
OPTION_METHODS = {
    "A": "public data or data measured by others",
    "B": "transaction records such as invoices",
    "C": "own measurement with a meter",
}
NOT_DECLARED = "not declared by the methodology plugin"

PARAMETER_HEADER = [
    "monitoring point",
    "symbol",
    "description",
    "value",
    "unit",
    "monitoring option",
    "source of data",
    "measurement method",
    "frequency",
]
FIXED_HEADER = ["symbol", "member", "description", "value", "unit", "origin", "source"]


@attrs.frozen
class EquationStep:
    """One trace step with the declaration it came from."""

    step: TraceStep
    latex: str
    symbols: tuple[tuple[str, str, str], ...]  # symbol, description, unit

    @property
    def title(self) -> str:
        member = f" [{'/'.join(self.step.member)}]" if self.step.member else ""
        return f"{self.step.symbol}{member}"


def value_text(value: Fraction) -> str:
    """Exact decimal text, or a rounded decimal with the exact fraction beside it."""
    if terminates(value):
        return exact_text(value)
    return f"{decimal_text(value)} (exactly {exact_text(value)})"


def member_text(parameter: Parameter, key: Key) -> str:
    return ", ".join(f"{i} = {m}" for i, m in zip(parameter.index, key, strict=True))


def _origin(value: Value) -> str:
    labels = {
        "default": "methodology default",
        "override": "override of the methodology default",
        "project": "given by the project",
    }
    origin = labels.get(value.origin, value.origin)
    return f"{origin} [{value.confidence}]" if value.confidence else origin


def _description(parameter: Parameter) -> str:
    note = f" (INFERRED: {parameter.inferred})" if parameter.inferred else ""
    return f"{parameter.name}: {parameter.description}{note}"


def _unit(parameter: Parameter, value: Value) -> str:
    return value.unit or parameter.unit


def monitored_rows(result: Result, number: int) -> list[list[str]]:
    """The parameter table of monitoring period ``number`` (header first)."""
    methodology = result.methodology
    period = next(p for p in result.inputs.periods if p.period.number == number)
    rows = [PARAMETER_HEADER]
    for name, values in period.values.items():
        parameter = methodology.parameter(name)
        monitoring = parameter.monitoring or Monitoring(())
        options = "/".join(monitoring.options)
        methods = [monitoring.measurement] if monitoring.measurement else []
        methods += [f"option {o}: {OPTION_METHODS.get(o, o)}" for o in monitoring.options]
        method = "; ".join(methods)
        for key, value in values.items():
            absent = value.origin == "absent"  # nothing monitored: no meter to claim
            rows.append(
                [
                    member_text(parameter, key) or "project",
                    parameter.symbol,
                    _description(parameter),
                    value_text(value.value),
                    _unit(parameter, value),
                    "none" if absent else options,
                    f"{value.source} ({_origin(value)})",
                    "not monitored" if absent else method or NOT_DECLARED,
                    "not monitored" if absent else monitoring.frequency or NOT_DECLARED,
                ]
            )
    return rows


def fixed_rows(result: Result) -> list[list[str]]:
    """Parameters fixed ex ante, with their sources and default-or-override (header first)."""
    rows = [FIXED_HEADER]
    for name, values in result.inputs.fixed.items():
        parameter = result.methodology.parameter(name)
        kind = "methodology" if parameter.kind is Kind.METHODOLOGY else "project"
        for key, value in values.items():
            rows.append(
                [
                    parameter.symbol,
                    member_text(parameter, key),
                    f"{_description(parameter)} (fixed ex ante by the {kind})",
                    value_text(value.value),
                    _unit(parameter, value),
                    _origin(value),
                    value.source,
                ]
            )
    return rows


def _declared(result: Result) -> Mapping[str, tuple[str, str]]:
    """Description and unit of every symbol: parameters and equation results."""
    parameters = result.methodology.all_parameters
    found = {p.symbol: (p.description, " or ".join(p.units)) for p in parameters}
    found |= {e.symbol: (e.description, e.unit) for e in equations_of(result.methodology)}
    return found


def equation_of(result: Result, symbol: str) -> Equation:
    return next(e for e in equations_of(result.methodology) if e.symbol == symbol)


def equation_steps(result: Result, number: int) -> list[EquationStep]:
    """The trace of period ``number`` with each equation's LaTeX and its symbols."""
    declared = _declared(result)
    steps = []
    for step in result.trace:
        if step.period != number:
            continue
        equation = equation_of(result, step.symbol)
        used = tuple(
            (s.symbol, *declared.get(s.symbol, ("", ""))) for s in symbols(equation.expression)
        )
        latex = f"{to_latex(equation.ref)} = {to_latex(equation.expression)}"
        steps.append(EquationStep(step, latex, used))
    return steps


def versions() -> list[str]:
    """Versions that can change a result: jcmcalc, the unit library, Python."""
    return [
        f"jcmcalc {distribution_version('jcmcalc')}",
        f"pint {distribution_version('pint')}",
        f"Python {platform.python_version()}",
    ]


def provenance_lines(result: Result) -> list[str]:
    provenance = result.provenance
    m = provenance["methodology"]
    lines = [
        f"methodology {m['programme']} {m['id']} ver {m['version']}: {m['title']} "
        f"({m['source']}; confidence {m['confidence']})",
        f"plugin {provenance['plugin']['distribution']} {provenance['plugin']['version']}",
        *versions(),
        *(
            f"default table {t['name']}: {t['version']} ({t['source']})"
            for t in provenance["default_tables"]
        ),
        f"input files: {', '.join(provenance['input_files'])}",
        f"inputs sha256: {provenance['inputs_sha256']}",
    ]
    return lines


def reproduce_command(result: Result, command: str | None) -> str:
    """The command that reproduces this result (default: calculate on the project file)."""
    return command or f"jcmcalc calculate {result.inputs.project.path.as_posix()} --format json"


def heading(result: Result) -> str:
    m = result.methodology
    return f"Monitoring report: {result.project_name}, {m.label} ({m.title}), {result.mode}"
