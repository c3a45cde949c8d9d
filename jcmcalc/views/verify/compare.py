"""A submission against the recomputation: every figure, and the submission as a whole."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction

import attrs

from jcmcalc.inputs import boundary
from jcmcalc.inputs.submitted.submission import (
    ALLOCATION,
    CREDITS,
    TOTAL,
    Figure,
    Finding,
    Submission,
)
from jcmcalc.model.errors import InputError, suggest
from jcmcalc.run.result import Result
from jcmcalc.views.verify.causes import Causes, close
from jcmcalc.views.verify.cells import expected_cells, workbook_findings
from jcmcalc.views.verify.figures import Key, recomputed_figures
from jcmcalc.views.verify.tracing import Tracer
from jcmcalc.views.verify.whole import consistency, coverage, periods, statements

#: Default relative tolerance of every figure but credits (which must match exactly).
TOLERANCE = Fraction(1, 10**9)


@attrs.frozen
class Comparison:
    """A submitted figure, its recomputed value, and where and why it differs if it does."""

    figure: Figure
    recomputed: Fraction
    agrees: bool
    first_equation: str = ""
    cause: str = ""


@attrs.frozen
class Verification:
    """Every comparison, and every other difference found (each naming period and quantity)."""

    comparisons: tuple[Comparison, ...]
    findings: tuple[Finding, ...]

    @property
    def agrees(self) -> bool:
        return not self.findings and all(c.agrees for c in self.comparisons)


def tolerance(text: str) -> Fraction:
    """The relative tolerance of ``--tolerance``: a finite decimal number >= 0."""
    try:
        value = boundary.decimal(str(text).strip())
    except (ValueError, OverflowError):
        value = Fraction(-1)
    if value < 0:
        raise InputError(f"--tolerance {text!r} must be a finite decimal number >= 0")
    return value


def _agrees(figure: Figure, recomputed: Fraction, tolerance: Fraction) -> bool:
    if figure.quantity in (CREDITS, ALLOCATION) and figure.period != "":
        return figure.value == recomputed
    return close(figure.value, recomputed, tolerance)


class _Unknown:
    """Figures the recomputation has no key for: extra periods, quantities or members."""

    def __init__(self, result: Result, recomputed: Mapping[Key, Fraction]) -> None:
        self.periods = {str(p.number) for p in result.periods}
        #: Where a figure may be: a period of the project, fixed (``""``) or the totals.
        self.known = self.periods | {"", TOTAL}
        self.quantities = sorted({k[1] for k in recomputed})
        self.members: dict[str, set[str]] = {}
        for _, quantity, member in recomputed:
            self.members.setdefault(quantity, set()).add(member)
        self.extra: dict[str, list[Figure]] = {}

    def finding(self, figure: Figure) -> Finding | None:
        """What is wrong with ``figure``; None for an extra period (grouped: :meth:`extras`)."""
        if figure.period not in self.known:
            self.extra.setdefault(figure.period, []).append(figure)
            return None
        if figure.quantity not in self.members:
            hint = suggest(figure.quantity, self.quantities)
            message = f"unknown quantity {figure.quantity!r}{hint}"
        else:
            members = sorted(self.members[figure.quantity])
            message = (
                f"{figure.quantity} has no member {figure.member!r} "
                f"(members: {', '.join(m or '(none)' for m in members)})"
            )
        return Finding(figure.period, figure.quantity, figure.member, figure.place, message)

    def extras(self) -> Iterator[Finding]:
        known = ", ".join(sorted(self.periods, key=int))
        for period, figures in self.extra.items():
            quantities = ", ".join(dict.fromkeys(f.quantity for f in figures))
            yield Finding(
                period,
                quantities,
                "",
                figures[0].place,
                f"period {period!r} is not a period of the project (periods: {known}); "
                f"{len(figures)} figure(s) submitted for it",
            )


def compare(
    result: Result,
    submission: Submission,
    tolerance: Fraction = TOLERANCE,
    ex_ante: Result | None = None,
) -> Verification:
    """Each submitted figure against the recomputation, mismatches with their first equation
    and likely cause; then the submission as a whole (:mod:`jcmcalc.views.verify.whole`) and,
    for a workbook, every cell against the workbook jcmcalc writes for ``result`` (with the
    estimate ``ex_ante`` beside it, as ``report`` writes it)."""
    recomputed = recomputed_figures(result)
    unknown = _Unknown(result, recomputed)
    findings = list(submission.findings)
    pairs: list[tuple[Figure, Fraction]] = []
    submitted: dict[Key, Figure] = {}
    for figure in submission.figures:
        value = recomputed.get(figure.key)
        if value is None and figure.period in unknown.known:  # a fixed value, given per period
            value = recomputed.get(("", figure.quantity, figure.member))
        if value is None:
            found = unknown.finding(figure)
            findings += [found] if found else []
            continue
        if figure.key not in submitted:
            submitted[figure.key] = figure
        elif submitted[figure.key].value != figure.value:
            findings.append(
                Finding(
                    *figure.key,
                    figure.place,
                    f"also given at {submitted[figure.key].place} with another value",
                )
            )
        pairs.append((figure, value))
    findings += unknown.extras()
    differing = [(n, f) for n, (f, v) in enumerate(pairs) if not _agrees(f, v, tolerance)]
    explained = Tracer(result).explain([f for _, f in differing])
    causes = Causes(recomputed, tolerance, submitted)
    why = {
        n: (explained.get(i, ""), causes.of(f, pairs[n][1])) for i, (n, f) in enumerate(differing)
    }
    comparisons = tuple(
        Comparison(f, v, n not in why, *why.get(n, ("", ""))) for n, (f, v) in enumerate(pairs)
    )
    findings += periods(result, submission, submitted, recomputed)
    findings += statements(result, submission)
    findings += consistency(result, submitted, tolerance)
    findings += coverage(result)
    if submission.cells is not None:
        expected = expected_cells(result, ex_ante, submission.cells)
        findings += workbook_findings(expected, submission.cells, tolerance)
    return Verification(comparisons, tuple(findings))
