"""Compare submitted figures with a recomputation and find where they first diverge."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import attrs

from jcmcalc.inputs.submitted import CREDITS, ER, TOTAL_CREDITS, TOTAL_ER, Figure
from jcmcalc.model.errors import InputError, suggest
from jcmcalc.model.expressions import symbols
from jcmcalc.model.kernel import CREDITS as CREDITS_EQUATION
from jcmcalc.model.kernel import ER as ER_EQUATION
from jcmcalc.model.kernel import equations_of
from jcmcalc.model.numbers import decimal_text
from jcmcalc.run.result import Result, TraceStep
from jcmcalc.views.formatting import text_table

#: Default relative tolerance of every figure but credits (which must match exactly).
TOLERANCE = Fraction(1, 10**9)

Key = tuple[str, str, str]


@attrs.frozen
class Comparison:
    figure: Figure
    recomputed: Fraction
    agrees: bool
    first_equation: str = ""


def recomputed_figures(result: Result) -> dict[Key, Fraction]:
    """Every figure of ``result`` under the keys of :class:`jcmcalc.inputs.submitted.Figure`."""
    figures: dict[Key, Fraction] = {}
    methodology = result.methodology
    for name, values in result.inputs.fixed.items():
        symbol = methodology.parameter(name).symbol
        for key, value in values.items():
            figures[("", symbol, "/".join(key))] = value.value
    for period in result.inputs.periods:
        number = str(period.period.number)
        for name, values in period.values.items():
            symbol = methodology.parameter(name).symbol
            for key, value in values.items():
                figures[(number, symbol, "/".join(key))] = value.value
    for step in result.trace:
        figures[(str(step.period), step.symbol, "/".join(step.member))] = step.value
    figures[("total", TOTAL_ER, "")] = result.total_reductions
    figures[("total", TOTAL_CREDITS, "")] = Fraction(result.total_credits)
    return figures


def _lookup(figure: Figure, recomputed: Mapping[Key, Fraction], file: Path) -> Fraction:
    """The recomputed value of a submitted figure; a fixed value may be given per period."""
    for key in (figure.key, ("", figure.quantity, figure.member)):
        if key in recomputed:
            return recomputed[key]
    periods = sorted({k[0] for k in recomputed})
    quantities = sorted({k[1] for k in recomputed})
    if figure.quantity not in quantities:
        problem = f"unknown quantity {figure.quantity!r}{suggest(figure.quantity, quantities)}"
    elif figure.period not in periods:
        problem = f"unknown period {figure.period!r} (periods: {', '.join(periods)})"
    else:
        members = sorted({k[2] for k in recomputed if k[1] == figure.quantity})
        problem = (
            f"{figure.quantity} has no member {figure.member!r} "
            f"(members: {', '.join(m or '(none)' for m in members)})"
        )
    raise InputError(problem, file=file, at=figure.place)


def _agrees(figure: Figure, recomputed: Fraction, tolerance: Fraction) -> bool:
    if figure.quantity == CREDITS and figure.period != "":
        return figure.value == recomputed
    return abs(figure.value - recomputed) <= tolerance * max(abs(recomputed), Fraction(1))


def _uses(step: TraceStep, result: Result, symbol: str) -> bool:
    equation = next(e for e in equations_of(result.methodology) if e.symbol == step.symbol)
    return any(s.symbol == symbol for s in symbols(equation.expression))


def _diverges(
    step: TraceStep, differing: Sequence[Figure], result: Result, computed: set[str]
) -> bool:
    """Whether ``step`` was submitted with another value or uses a differing input."""
    for other in differing:
        if other.period not in ("", str(step.period)):
            continue
        if other.quantity == step.symbol:
            if other.period and other.member == "/".join(step.member):
                return True
        elif other.quantity not in computed and _uses(step, result, other.quantity):
            return True
    return False


def _first_equation(
    figure: Figure, differing: Sequence[Figure], result: Result
) -> TraceStep | None:
    """For a differing parameter, the first equation using it; for a differing result, the
    first equation of its period (of the run, for totals) that differs or uses a differing input.
    """
    steps = [s for s in result.trace if figure.period in ("", "total", str(s.period))]
    computed = {s.symbol for s in result.trace} | {ER, CREDITS, TOTAL_ER}
    if figure.quantity not in computed:
        return next((s for s in steps if _uses(s, result, figure.quantity)), None)
    return next((s for s in steps if _diverges(s, differing, result, computed)), None)


def compare(
    result: Result, figures: Sequence[Figure], file: Path, tolerance: Fraction = TOLERANCE
) -> list[Comparison]:
    """Each submitted figure against the recomputation, mismatches with their first equation."""
    recomputed = recomputed_figures(result)
    pairs = [(f, _lookup(f, recomputed, file)) for f in figures]
    differing = [f for f, value in pairs if not _agrees(f, value, tolerance)]
    comparisons = []
    for figure, value in pairs:
        agrees = figure not in differing
        first = ""
        if not agrees:
            step = _first_equation(figure, differing, result)
            if step is not None:
                member = f" [{'/'.join(step.member)}]" if step.member else ""
                first = f"period {step.period}: {step.symbol}{member} = {step.expression}"
                computed = {s.symbol for s in result.trace} | {ER, CREDITS, TOTAL_ER}
                if figure.quantity not in computed:
                    first = f"first equation using it: {first}"
                else:
                    first = f"first equation that differs: {first}"
            elif figure.quantity in (CREDITS, TOTAL_CREDITS):
                first = f"differs in: {CREDITS_EQUATION.text}"
            else:
                first = f"differs in: {ER_EQUATION.text}"
        comparisons.append(Comparison(figure, value, agrees, first))
    return comparisons


def report_text(comparisons: Sequence[Comparison], tolerance: Fraction) -> str:
    """The table of submitted vs recomputed figures, then every mismatch with its equation."""
    rows = [["period", "quantity", "member", "submitted", "recomputed", "difference", "status"]]
    for c in comparisons:
        f = c.figure
        rows.append(
            [
                f.period or "fixed",
                f.quantity,
                f.member,
                decimal_text(f.value),
                decimal_text(c.recomputed),
                decimal_text(f.value - c.recomputed),
                "ok" if c.agrees else "DIFFERS",
            ]
        )
    mismatches = [c for c in comparisons if not c.agrees]
    lines = [
        f"Tolerance: |submitted - recomputed| <= {float(tolerance):g} x max(|recomputed|, 1); "
        "credits per period must match exactly.",
        "",
        text_table(rows),
        "",
    ]
    if not comparisons:
        lines.append("No figures were submitted.")
    elif mismatches:
        lines.append(f"{len(mismatches)} of {len(comparisons)} figures differ:")
        for c in mismatches:
            f = c.figure
            member = f" [{f.member}]" if f.member else ""
            lines.append(
                f"- {f.place}: {f.quantity}{member} (period {f.period or 'fixed'}): submitted "
                f"{decimal_text(f.value)}, recomputed {decimal_text(c.recomputed)}; "
                f"{c.first_equation}"
            )
    else:
        lines.append(f"All {len(comparisons)} figures agree.")
    return "\n".join(lines) + "\n"
