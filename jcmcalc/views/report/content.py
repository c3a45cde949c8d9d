"""Pieces of text every report form shows, built from a Result.

The document, the workbook and their renderers use these; nothing here recomputes what the
engine computed: values come from the resolved inputs, the trace and the per-period results.
"""

from __future__ import annotations

import platform
from collections.abc import Sequence
from fractions import Fraction
from importlib.metadata import version as distribution_version

from jcmcalc.inputs.resolve import Key, Value
from jcmcalc.inputs.series.months import Month, summed
from jcmcalc.model.numbers import shown_text
from jcmcalc.model.parameters import Monitoring, Parameter
from jcmcalc.run.calendar import calendar_months, label_of
from jcmcalc.run.eligibility import met
from jcmcalc.run.result import Result

#: What each monitoring option means (JCM Monitoring Plan guidance; domain reference [read]).
OPTION_METHODS = {
    "A": "public data or data measured by others",
    "B": "transaction records such as invoices",
    "C": "own measurement with a meter",
}
NOT_DECLARED = "not declared by the methodology plugin"


#: Decimal text of a value: exact up to 10 decimals, else rounded and marked ``…``.
value_text = shown_text


def member_text(parameter: Parameter, key: Key) -> str:
    return ", ".join(f"{i} = {m}" for i, m in zip(parameter.index, key, strict=True))


def origin(value: Value) -> str:
    labels = {
        "default": "methodology default",
        "override": "override of the methodology default",
        "project": "given by the project",
    }
    origin = labels.get(value.origin, value.origin)
    return f"{origin} [{value.confidence}]" if value.confidence else origin


def description(parameter: Parameter) -> str:
    note = f" (INFERRED: {parameter.inferred})" if parameter.inferred else ""
    return f"{parameter.description}{note}"


def plan_of(parameter: Parameter) -> tuple[str, str, str]:
    """Monitoring options, measurement method and frequency a parameter declares."""
    monitoring = parameter.monitoring or Monitoring(())
    methods = [monitoring.measurement] if monitoring.measurement else []
    methods += [f"option {o}: {OPTION_METHODS.get(o, o)}" for o in monitoring.options]
    return (
        "/".join(monitoring.options),
        "; ".join(methods) or NOT_DECLARED,
        monitoring.frequency or NOT_DECLARED,
    )


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
        f"methodology declaration sha256: {m['sha256']}",
        f"plugin {provenance['plugin']['distribution']} {provenance['plugin']['version']}",
        *versions(),
        *(
            f"default table {t['name']}: {t['version']} ({t['source']}); sha256 {t['sha256']}"
            for t in provenance["default_tables"]
        ),
        *(f"input file {f['path']}: sha256 {f['sha256']}" for f in provenance["files"]),
        f"inputs sha256 (of the lines sha256sum prints for the input files): "
        f"{provenance['inputs_sha256']}",
    ]
    return lines


def reproduce_command(result: Result, command: str | None) -> str:
    """The command that reproduces this result (default: calculate on the project file)."""
    return command or f"jcmcalc calculate {result.inputs.project.path.as_posix()} --format json"


def heading(result: Result) -> str:
    m = result.methodology
    reference = result.inputs.project.reference_number
    name = (
        f"{result.project_name} (reference number {reference})"
        if reference
        else (result.project_name)
    )
    return f"Monitoring report: {name}, {m.label} ({m.title}), {result.mode}"


#: What each role of the monitoring structure does.
ROLE_TITLES = {
    "reads": "takes the readings",
    "checks": "checks the readings",
    "approves": "approves the monitoring report",
}
METER_HEADER = [
    "meter",
    "member",
    "serial number",
    "accuracy class",
    "last calibration",
    "next calibration",
]


def identity_lines(result: Result) -> list[str]:
    """The project's reference number, developer, participants and monitoring structure."""
    identity = result.inputs.project.identity
    lines = []
    if identity.reference_number:
        lines.append(f"reference number: {identity.reference_number}")
    if identity.developer:
        lines.append(f"developer: {identity.developer}")
    if identity.participants:
        lines.append(f"participants: {'; '.join(identity.participants)}")
    lines += [f"{ROLE_TITLES[role]}: {who}" for role, who in identity.roles]
    return lines


def meter_rows(result: Result) -> list[list[str]]:
    """Header and one row per meter of ``[[project.meters]]`` with its QA/QC."""
    rows = [METER_HEADER]
    for m in result.inputs.project.identity.meters:
        dates = [str(d) if d else "not stated" for d in (m.last_calibration, m.next_calibration)]
        rows.append([m.id, m.member or "project", m.serial, m.accuracy_class, *dates])
    return rows


def monitoring_points(result: Result) -> dict[tuple[str, Key], str]:
    """A number per monitored parameter and member, in the methodology's order of parameters
    and the project's order of members: ``(1)``, ``(2)``..."""
    given = {  # a value counted as zero (no battery) has no monitoring point, claims no meter
        (name, key)
        for p in result.inputs.periods
        for name, v in p.values.items()
        for key in v
        if v[key].origin != "absent"
    }
    members = result.inputs.members
    points: dict[tuple[str, Key], str] = {}
    for parameter in result.methodology.parameters:
        keys = [key for name, key in given if name == parameter.name]
        order = [members[index] for index in parameter.index]
        keys.sort(key=lambda key: [o.index(m) for o, m in zip(order, key, strict=True)])
        for key in keys:
            points[(parameter.name, key)] = f"({len(points) + 1})"
    return points


ELIGIBILITY_HEADER = ["criterion", "requirement", "answer", "confidence of the text"]


def eligibility_rows(result: Result) -> list[list[str]]:
    """The methodology's eligibility criteria with the project's answers (header first)."""
    answers = result.inputs.project.eligibility
    rows = [ELIGIBILITY_HEADER]
    for criterion in result.methodology.criteria:
        answer = met(answers.get(criterion.id))
        text = "not answered" if answer is None else "met" if answer else "NOT MET"
        rows.append([criterion.id, criterion.text, text, str(criterion.confidence)])
    return rows


#: How the monthly charts and the workbook's months sheet read.
MONTHLY_NOTE = (
    "Exact totals of the dated readings per calendar month, each in the month of its date (a "
    "meter register's difference shared among the months between its two readings pro rata "
    "by time); a month without readings is a gap (an empty cell or slot; a light grey band in "
    "the HTML charts), never a zero."
)


def monthly(
    result: Result, name: str, keys: Sequence[Key]
) -> tuple[list[str], list[list[Fraction | None]]]:
    """Every month from the first period's start to the last period's end, and for each of
    ``keys`` the monitored parameter ``name``'s exact total per month (None: no readings).
    Both are empty when no value of the parameter comes from dated readings."""
    parts: dict[Key, list[tuple[Month, ...]]] = {key: [] for key in keys}
    for period in result.inputs.periods:
        for key, value in period.values.get(name, {}).items():
            if key in parts and value.months:
                parts[key].append(value.months)
    if not any(parts.values()) or not result.periods:
        return [], []
    start = min(p.start for p in result.periods)
    end = max(p.end for p in result.periods)
    labels = [label_of(span, "month") for span in calendar_months(start, end)]
    found = []
    for key in keys:
        months = dict(summed(*parts[key]))
        found.append([months.get(label) for label in labels])
    return labels, found
