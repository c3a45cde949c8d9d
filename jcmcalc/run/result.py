"""The result of a calculation: per-period figures, trace, provenance, and its exports."""

from __future__ import annotations

import datetime as dt
import enum
import html
import json
import os
import platform
from collections.abc import Callable
from fractions import Fraction
from functools import cache
from importlib.metadata import version as distribution_version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from jcmcalc.inputs.digests import combined, digest_of
from jcmcalc.model.fingerprint import fingerprint
from jcmcalc.model.kernel import TraceStep
from jcmcalc.model.numbers import Exact, decimal_text, exact_text
from jcmcalc.model.parameters import DefaultTable
from jcmcalc.plugin.registry import provider_of
from jcmcalc.run.calendar import Split, briefly
from jcmcalc.run.eligibility import Checklist

__all__ = ["PeriodResult", "Result", "TraceStep", "provenance"]

if TYPE_CHECKING:
    import pandas

    from jcmcalc.inputs.resolve import Inputs
    from jcmcalc.model.methodology import Methodology


class Mode(enum.StrEnum):
    """What a run computes: monitored credits per period, or expected credits per year."""

    EX_POST = "ex post"
    EX_ANTE = "ex ante"


@attrs.frozen
class PeriodResult:
    """RE, PE and ER of one monitoring period at full precision, and its whole credits."""

    number: int
    start: dt.date
    end: dt.date
    reference: Exact = attrs.field(converter=Exact)
    project: Exact = attrs.field(converter=Exact)
    reductions: Exact = attrs.field(converter=Exact)
    credits: int
    #: Whole credits per party when the project states an ``[allocation]`` (else empty).
    allocation: tuple[tuple[str, int], ...] = ()
    #: The exact ER split by calendar year (:func:`jcmcalc.run.calendar.split`).
    calendar: Split = attrs.field(kw_only=True)

    @property
    def calendar_years(self) -> tuple[tuple[int, Exact], ...]:
        """The exact ER by calendar year, adding up to it exactly."""
        return tuple((int(label), Exact(part)) for label, part in self.calendar.parts)

    @property
    def calendar_split(self) -> str:
        """The rule of the split by calendar year (by the readings' dates, or by days)."""
        return self.calendar.rule

    def to_dict(self) -> dict[str, Any]:
        found = {
            "number": self.number,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "reference_emissions_tco2": float(self.reference),
            "project_emissions_tco2": float(self.project),
            "emission_reductions_tco2": float(self.reductions),
            "credits": self.credits,
            "exact": {
                "reference_emissions_tco2": exact_text(self.reference),
                "project_emissions_tco2": exact_text(self.project),
                "emission_reductions_tco2": exact_text(self.reductions),
            },
            "calendar_years": [
                {
                    "year": year,
                    "emission_reductions_tco2": float(part),
                    "exact": exact_text(part),
                }
                for year, part in self.calendar_years
            ],
            "calendar_split": self.calendar_split,
        }
        if self.allocation:
            found["allocation"] = dict(self.allocation)
        return found


@cache
def jcmcalc_version() -> str:
    """The installed jcmcalc's version (read once: the metadata parse costs a millisecond)."""
    return distribution_version("jcmcalc")


@cache
def pint_version() -> str:
    """The installed unit library's version."""
    return distribution_version("pint")


_fingerprints: dict[int, tuple[Methodology, str]] = {}


def declaration_sha256(methodology: Methodology) -> str:
    """The fingerprint of a methodology declaration (once per loaded methodology)."""
    found = _fingerprints.get(id(methodology))
    if found is None or found[0] is not methodology:
        found = _fingerprints[id(methodology)] = (methodology, fingerprint(methodology))
    return found[1]


def _default_tables(inputs: Inputs) -> list[dict[str, str]]:
    declared: dict[str, DefaultTable] = {}
    for parameter in inputs.methodology.all_parameters:
        if isinstance(parameter.default, DefaultTable):
            declared.setdefault(parameter.default.name, parameter.default)
    return [
        {
            "name": name,
            "version": version,
            "source": source,
            "sha256": fingerprint(declared[name]) if name in declared else "",
        }
        for name, version, source in inputs.tables
    ]


def _files(inputs: Inputs) -> dict[str, Any]:
    """Each input file (path relative to the project's folder) with its ``sha256sum`` digest."""
    project = inputs.project
    return {
        Path(os.path.relpath(path, project.directory)).as_posix(): digest_of(path, inputs.digests)
        for path in project.input_files
    }


def provenance(inputs: Inputs) -> dict[str, Any]:
    """Versions, fingerprints of the declaration and default tables, inferred parts, and the
    SHA-256 of each input file (docs/json-schema.md)."""
    methodology = inputs.methodology
    provider = provider_of(methodology)
    inferred = list(methodology.notes)
    inferred += [f"{p.symbol}: {p.inferred}" for p in methodology.parameters if p.inferred]
    inferred += [f"{e.symbol}: {e.inferred}" for e in methodology.equations if e.inferred]
    inferred += [f"check {c.name}: {c.inferred}" for c in methodology.checks if c.inferred]
    files = _files(inputs)
    return {
        "methodology": {
            "programme": methodology.programme,
            "id": methodology.id,
            "version": methodology.version,
            "title": methodology.title,
            "source": methodology.about.source,
            "confidence": str(methodology.about.confidence),
            "sha256": declaration_sha256(methodology),
        },
        "plugin": {
            "distribution": provider.distribution if provider else "",
            "version": provider.version if provider else "",
        },
        "jcmcalc_version": jcmcalc_version(),
        "python_version": platform.python_version(),
        "pint_version": pint_version(),
        "default_tables": _default_tables(inputs),
        "inferred": inferred,
        "input_files": list(files),
        "files": [
            {"path": path, "sha256": digest.sha256, "bytes": digest.size}
            for path, digest in files.items()
        ],
        "inputs_sha256": combined(files),
    }


@attrs.frozen
class Result:
    """What :func:`jcmcalc.calculate` returns."""

    methodology: Methodology
    project_name: str
    mode: Mode
    periods: tuple[PeriodResult, ...]
    trace: tuple[TraceStep, ...]
    inputs: Inputs
    warnings: tuple[str, ...]
    provenance: dict[str, Any]
    eligibility: Checklist = attrs.field(factory=lambda: Checklist(()))

    @property
    def creditable(self) -> bool:
        """False when the project answers an eligibility criterion false."""
        return self.eligibility.creditable

    @property
    def total_credits(self) -> int:
        return sum(period.credits for period in self.periods)

    @property
    def total_reductions(self) -> Exact:
        """The exact sum of the periods' ER (a Fraction shown as a decimal)."""
        return Exact(sum((period.reductions for period in self.periods), Fraction(0)))

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the documented JSON shape (docs/json-schema.md)."""
        return {
            "project": self.project_name,
            **self._identity(),
            "mode": self.mode,
            "methodology": {
                "id": self.methodology.id,
                "version": self.methodology.version,
                "title": self.methodology.title,
                "country": self.methodology.about.country,
            },
            "creditable": self.creditable,
            "eligibility": self.eligibility.to_dict()["criteria"],
            "periods": [period.to_dict() for period in self.periods],
            "total_emission_reductions_tco2": float(self.total_reductions),
            "total_credits": self.total_credits,
            **self._allocation(),
            "warnings": list(self.warnings),
            "coverage": [record.to_dict() for record in self.inputs.coverage],
            "inputs": self.input_rows(),
            "trace": [step.to_dict() for step in self.trace],
            "provenance": self.provenance,
        }

    def _identity(self) -> dict[str, Any]:
        """The project's reference number, where the project file gives one."""
        reference = self.inputs.project.reference_number
        return {"reference_number": reference} if reference else {}

    def _allocation(self) -> dict[str, Any]:
        allocation = self.inputs.project.allocation
        if not self.parties or allocation is None:
            return {}
        return {
            "allocation": {
                "rule": allocation.rule(),
                "total_credits": dict(zip(self.parties, self.allocated_totals(), strict=True)),
            }
        }

    def input_rows(self) -> list[dict[str, Any]]:
        """The resolved values as the JSON writes them ("inputs"), without the trace."""
        rows = []
        for name, values in self.inputs.fixed.items():
            parameter = self.methodology.parameter(name)
            for key, value in values.items():
                rows.append(_input_row(parameter.symbol, None, key, value, parameter.unit))
        for period in self.inputs.periods:
            for name, values in period.values.items():
                parameter = self.methodology.parameter(name)
                for key, value in values.items():
                    rows.append(
                        _input_row(
                            parameter.symbol, period.period.number, key, value, parameter.unit
                        )
                    )
        return rows

    def to_json(self) -> str:
        """Deterministic JSON: the same inputs give the same bytes."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_dataframe(self, table: str = "periods", *, numbers: str = "float") -> pandas.DataFrame:
        """A tidy table (needs pandas: ``pip install jcmcalc[pandas]``): ``periods`` (indexed
        by period), ``inputs``, ``trace``, ``months`` or ``years`` (ER split by calendar span,
        information, not credits), ``numbers`` as ``float`` or exact ``decimal``
        (:mod:`jcmcalc.run.frames`)."""
        from jcmcalc.run.frames import frame

        return frame(self, table, numbers)

    def __repr__(self) -> str:
        return (
            f"<Result {self.project_name!r}: {self.methodology.label} ({self.mode}), "
            f"{len(self.periods)} period(s), ER {self.total_reductions} tCO2, "
            f"{self.total_credits} credits, {len(self.warnings)} warning(s)>"
        )

    def table_rows(self, text: Callable[[Fraction], str] = decimal_text) -> list[list[str]]:
        """Header and rows of the per-period table; ``text`` writes a quantity."""
        parties = self.parties
        rows = [["period", "start", "end", "RE [tCO2]", "PE [tCO2]", "ER [tCO2]", "credits"]]
        rows[0] += [f"credits to {party}" for party in parties]
        for p in self.periods:
            rows.append(
                [
                    str(p.number),
                    p.start.isoformat(),
                    p.end.isoformat(),
                    text(p.reference),
                    text(p.project),
                    text(p.reductions),
                    str(p.credits),
                    *(str(credits) for _, credits in p.allocation),
                ]
            )
        total = ["total", "", "", "", "", text(self.total_reductions)]
        rows.append([*total, str(self.total_credits), *map(str, self.allocated_totals())])
        return rows

    def calendar_rows(self, text: Callable[[Fraction], str] = decimal_text) -> list[list[str]]:
        """Header and rows of each period's ER by calendar year, with the rule of its split,
        then each year's sum over the periods; ``text`` writes a quantity."""
        rows = [["period", "year", "ER in the year [tCO2]", "split"]]
        years: dict[int, Fraction] = {}
        for p in self.periods:
            for year, part in p.calendar_years:
                years[year] = years.get(year, Fraction(0)) + part
                rows.append([str(p.number), str(year), text(part), briefly(p.calendar_split)])
        rows += [["all periods", str(year), text(part), ""] for year, part in years.items()]
        return rows

    @property
    def calendar_note(self) -> str:
        """How the periods' ER was split by calendar year (each rule used, in full)."""
        rules = list(dict.fromkeys(p.calendar_split for p in self.periods))
        named = ". ".join(rule[0].upper() + rule[1:] for rule in rules)
        how = rules[0] if len(rules) == 1 else f"by the rule its rows name. {named}"
        return (
            f"Each period's ER is split over the calendar years it touches {how}. The credits "
            "of each period are not split."
        )

    @property
    def parties(self) -> tuple[str, ...]:
        """The parties credits are allocated to (empty without ``[allocation]``)."""
        return tuple(party for party, _ in self.periods[0].allocation) if self.periods else ()

    def allocated_totals(self) -> list[int]:
        """Whole credits per party over all periods, in the order of :attr:`parties`."""
        return [sum(dict(p.allocation)[party] for p in self.periods) for party in self.parties]

    def coverage_rows(self) -> list[list[str]]:
        """Header and rows of the coverage of the dated monitoring series, as text (only the
        header when no series is dated)."""
        rows = [["period", "parameter", "member", "file", "present", "missing"]]
        for record in self.inputs.coverage:
            missing = "; ".join(a if a == b else f"{a} to {b}" for a, b in record.missing[:3])
            if record.spans > 3:
                missing += f"; and {record.spans - 3} more"
            if record.blanks:
                missing += f"{'; ' if missing else ''}{record.blanks} blank cell(s)"
            rows.append(
                [
                    str(record.period),
                    record.parameter,
                    "/".join(record.member),
                    record.file,
                    f"{record.present} of {record.expected} {record.unit}",
                    missing or "none",
                ]
            )
        return rows

    def _repr_html_(self) -> str:
        rows = self.table_rows()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in rows[1:]
        )
        title = html.escape(f"{self.project_name}: {self.methodology.label} ({self.mode})")
        warnings = "".join(f"<li>{html.escape(w)}</li>" for w in self.warnings)
        listed = f"<p>{len(self.warnings)} warning(s):</p><ul>{warnings}</ul>" if warnings else ""
        listed = listed or "<p>no warnings</p>"
        return f"<p><b>{title}</b></p><table><tr>{head}</tr>{body}</table>{listed}"


def _input_row(
    symbol: str, period: int | None, key: tuple[str, ...], value: Any, unit: str
) -> dict[str, Any]:
    row = {
        "symbol": symbol,
        "period": period,
        "member": list(key),
        "value": exact_text(value.value),
        "unit": value.shown_unit(unit),
        "origin": value.origin,
        "source": value.source,
    }
    if value.confidence:
        row["confidence"] = value.confidence
    if value.months:
        row["months"] = [
            {"month": month, "value": exact_text(part)} for month, part in value.months
        ]
    return row
