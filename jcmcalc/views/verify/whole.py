"""Checks of a submission as a whole: its periods and their dates, the quantities it must give,
its methodology, mode and inputs, and its own arithmetic (ER = RE - PE, credits = floor(ER))."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from fractions import Fraction

from jcmcalc.inputs.submitted.submission import (
    ALLOCATION,
    CREDITS,
    ER,
    ER_YEAR,
    TOTAL,
    TOTAL_CREDITS,
    TOTAL_ER,
    Figure,
    Finding,
    Stated,
    Submission,
)
from jcmcalc.model.expressions.walkers import to_text
from jcmcalc.model.kernel import CREDITS as CREDITS_EQUATION
from jcmcalc.model.kernel import credits_of
from jcmcalc.model.methodology import PROJECT, REFERENCE
from jcmcalc.model.numbers import decimal_text
from jcmcalc.run.result import Result
from jcmcalc.views.verify.causes import close

Key = tuple[str, str, str]


def required(result: Result) -> tuple[str, ...]:
    """The quantities every period of a submission must give."""
    m = result.methodology
    return (m.equation(REFERENCE).symbol, m.equation(PROJECT).symbol, ER, CREDITS)


def _owed(result: Result, submission: Submission, key: Key) -> bool:
    """Whether the submission must give the figure ``key`` (a party's credits, a year's ER):
    a complete submission (the JSON) every one; a CSV each party's credits (a workbook has
    them in its cells, compared one by one)."""
    quantity = key[1]
    if quantity not in (ALLOCATION, ER_YEAR) or submission.cells is not None:
        return False
    return submission.complete or quantity == ALLOCATION


def periods(
    result: Result,
    submission: Submission,
    submitted: Mapping[Key, Figure],
    recomputed: Mapping[Key, Fraction],
) -> Iterator[Finding]:
    """Periods left out (or left out of the list of periods of a submission that lists them),
    required quantities not submitted, and a quantity given for some periods but not for
    others."""
    given = {key[0] for key in submitted}
    if submission.complete:
        for period in result.periods:
            number = str(period.number)
            if number in given and number not in submission.periods:
                yield Finding(
                    number,
                    "period",
                    "",
                    "periods",
                    f"period {number} is not in the list of periods, though other parts of "
                    "the submission give its figures (its dates, credits and allocation are "
                    "unaccounted for)",
                )
    for period in result.periods:
        number = str(period.number)
        if number not in given:
            yield Finding(
                number,
                "period",
                "",
                "",
                f"period {period.number} ({period.start} to {period.end}) is not in the "
                f"submission: its {period.credits} credits are unaccounted for",
            )
            continue
        for quantity in required(result):
            if (number, quantity, "") not in submitted:
                yield Finding(number, quantity, "", "", "not submitted")
    for quantity in (TOTAL_ER, TOTAL_CREDITS):
        if (TOTAL, quantity, "") not in submitted:
            yield Finding(TOTAL, quantity, "", "", "the total is not submitted")
    for key in recomputed:
        if key[0] in given | {TOTAL} and key not in submitted and _owed(result, submission, key):
            yield Finding(*key, "", "not submitted")
    series = {(q, m) for p, q, m in submitted if p not in ("", TOTAL)}
    headline = set(required(result))
    for key in recomputed:
        period, quantity, member = key
        if (
            (quantity, member) in series
            and period in given
            and key not in submitted
            and period not in ("", TOTAL)
            and quantity not in headline
        ):
            yield Finding(
                period,
                quantity,
                member,
                "",
                "not submitted, though given for other periods",
            )


def _differs(what: str, stated: Stated | None, expected: str, cause: str = "") -> list[Finding]:
    if stated is None or stated.value == expected:
        return []
    message = f"submitted {stated.value!r}, recomputed {expected!r}"
    return [Finding("", what, "", stated.place, message, cause)]


def _iso(stated: Stated) -> Stated:
    """A stated date in ISO form (``2024-7-1`` is not one; it stays as written)."""
    try:
        return Stated(dt.date.fromisoformat(stated.value.strip()).isoformat(), stated.place)
    except ValueError:
        return stated


def statements(result: Result, submission: Submission) -> Iterator[Finding]:
    """Period dates, methodology, mode, creditability and inputs against the recomputation."""
    starts = {p.start.isoformat(): str(p.number) for p in result.periods}
    for period in result.periods:
        number = str(period.number)
        dates = submission.periods.get(number)
        for stated, date in zip(dates or (), (period.start, period.end), strict=False):
            for found in _differs(f"period {number} dates", _iso(stated), date.isoformat()):
                other = starts.get(_iso(stated).value)
                theirs = submission.periods.get(other or "")
                swapped = theirs and _iso(theirs[0]).value == period.start.isoformat()
                cause = (
                    f"the dates of period {other}, whose dates are these: periods swapped?"
                    if swapped
                    else ""
                )
                yield Finding(number, "dates", "", found.place, found.message, cause)
    m = result.methodology
    yield from _differs("methodology id", submission.methodology_id, m.id)
    yield from _differs(
        "methodology version",
        submission.methodology_version,
        m.version,
        "computed with another version of the methodology?",
    )
    yield from _differs(
        "methodology declaration sha256",
        submission.methodology_sha256,
        result.provenance["methodology"]["sha256"],
        "computed with another declaration of the methodology (an edited data file)?",
    )
    yield from _differs(
        "plugin version",
        submission.plugin_version,
        result.provenance["plugin"]["version"],
        f"computed with another version of {result.provenance['plugin']['distribution']}?",
    )
    yield from _differs("project name", submission.project, result.project_name)
    reference = result.inputs.project.reference_number
    if submission.reference_number is not None or (reference and submission.complete):
        stated = submission.reference_number or Stated("", "reference_number")
        yield from _differs("reference number", stated, reference)
    yield from _differs("mode", submission.mode, str(result.mode))
    creditable = "true" if result.eligibility.creditable else "false"
    yield from _differs("creditable", submission.creditable, creditable)
    yield from _inputs(result, submission)


def _inputs(result: Result, submission: Submission) -> Iterator[Finding]:
    """Per-file sha256 where the submission lists them, else the combined hash."""
    files = {f["path"]: f["sha256"] for f in result.provenance["files"]}
    if not submission.files:
        yield from _differs(
            "inputs sha256",
            submission.inputs_sha256,
            result.provenance["inputs_sha256"],
            "computed from other input files (or by an older jcmcalc)",
        )
        return
    for path, stated in submission.files.items():
        if path not in files:
            message = f"{path} is not an input of this project (its inputs: {', '.join(files)})"
            yield Finding("", "input file", path, stated.place, message)
        else:
            cause = "computed from another version of this file"
            yield from _differs(f"sha256 of {path}", stated, files[path], cause)
    for path in files:
        if path not in submission.files:
            message = f"{path}, an input of this project, is not among the submission's inputs"
            yield Finding("", "input file", path, "provenance.files", message)


def consistency(
    result: Result, submitted: Mapping[Key, Figure], tolerance: Fraction
) -> Iterator[Finding]:
    """The submission's own arithmetic: ER_p = RE_p - PE_p, credits = max(0, floor(ER_p)) per
    period, and its totals the sums of its periods."""
    reference, project = required(result)[:2]
    reductions, credits = [], []
    numbers = {k[0] for k in submitted if k[0] not in ("", TOTAL)}
    for period in sorted(numbers, key=lambda p: (len(p), p)):
        figures = [submitted.get((period, q, "")) for q in (reference, project, ER, CREDITS)]
        re, pe, er, cr = (f.value if f else None for f in figures)
        if None not in (re, pe, er) and not close(er, re - pe, tolerance):
            yield Finding(
                period,
                ER,
                "",
                figures[2].place,
                f"the submission's own ER_p {decimal_text(er)} is not its RE_p - PE_p = "
                f"{decimal_text(re - pe)}",
            )
        if er is not None and cr is not None and not _floored(cr, er, tolerance):
            yield Finding(
                period,
                CREDITS,
                "",
                figures[3].place,
                f"the submission's own credits {decimal_text(cr)} are not "
                f"{to_text(CREDITS_EQUATION.expression)} of its ER_p {decimal_text(er)}",
            )
        reductions.append(er)
        credits.append(cr)
    yield from _total(submitted, TOTAL_ER, reductions, tolerance)
    yield from _total(submitted, TOTAL_CREDITS, credits, Fraction(0))


def coverage(result: Result) -> Iterator[Finding]:
    """Monitoring data that miss part of their period: for a validator, a difference (the
    recomputation itself rests on incomplete readings)."""
    for record in result.inputs.incomplete:
        member = "/".join(record.member)
        yield Finding(str(record.period), record.parameter, member, record.file, record.message())


def _floored(credits: Fraction, reductions: Fraction, tolerance: Fraction) -> bool:
    """``credits`` is the floor of ``reductions`` (either side of a whole tonne that
    ``reductions`` lies within the tolerance of: a spreadsheet may show 5111.999... as 5112)."""
    nearest = round(reductions)
    if nearest and close(reductions, Fraction(nearest), tolerance):
        return credits in (credits_of(Fraction(nearest - 1)), credits_of(Fraction(nearest)))
    return credits == credits_of(reductions)


def _total(
    submitted: Mapping[Key, Figure],
    quantity: str,
    parts: list[Fraction | None],
    tolerance: Fraction,
) -> Iterator[Finding]:
    total = submitted.get((TOTAL, quantity, ""))
    if total is None or not parts or None in parts:
        return
    summed = sum((p for p in parts if p is not None), Fraction(0))
    if not close(total.value, summed, tolerance):
        yield Finding(
            TOTAL,
            quantity,
            "",
            total.place,
            f"the submission's own total {decimal_text(total.value)} is not the sum of its "
            f"periods, {decimal_text(summed)}",
        )
