"""A period's exact emission reductions apportioned to calendar years or months (the JCM
monitoring report form asks for reductions per year), or by days to the years of an ex-ante
estimate to set beside them. The credits of a period are not split or changed.

:func:`split` is the one rule every output uses; each period's split states which of the two
it took:

- **by the readings' dates** (:data:`BY_READINGS`), where every monitored value of the period
  comes from dated readings (whose exact totals per calendar month the reader keeps,
  :attr:`jcmcalc.inputs.series.readings.Reading.months`): each span's part is the ER that the
  methodology's equations give on that span's readings alone (each monitored value summed over
  the span's months, every fixed value unchanged). Where the ER is linear in the monitored
  values (RE and PE sums of monitored quantities times fixed factors) these parts add up to the
  period's ER by themselves and are the split; otherwise, when they all have one sign and do not
  add up to zero, they are scaled to add up to it.
- **by days** (:data:`BY_DAYS`), otherwise (values given as period totals or in the project
  file, an estimate, own parts adding up to zero, or scaled parts of mixed signs): the ER
  times each span's share of the period's days, both dates inclusive.

Either way the parts are exact fractions that add up to the period's ER exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs

from jcmcalc.inputs.resolve import Inputs, Key, PeriodInputs
from jcmcalc.inputs.values import Origin
from jcmcalc.model.errors import PluginError
from jcmcalc.model.expressions.walkers import Symbol
from jcmcalc.model.kernel import ER, Place, equations_of, evaluate_equations
from jcmcalc.run.source import InputSource, context_of

#: How a split was made, as every output states it.
BY_DAYS = "by days: the period's ER times each year's (or month's) share of the period's days"
BY_READINGS = (
    "by the readings' dates: each year's (or month's) part is the ER of the monitored values "
    "read in it (a meter register's difference shared among the months between its two "
    "readings pro rata by time; fixed values unchanged), scaled to the period's ER where the "
    "parts do not add up to it"
)

Span = tuple[dt.date, dt.date]  # first and last day, both inclusive


def briefly(rule: str) -> str:
    """The rule's name: ``by the readings' dates`` or ``by days``."""
    return rule.split(":")[0]


def overlap(start: dt.date, end: dt.date, span: Span) -> int:
    """Days of ``start``..``end`` inside ``span`` (both inclusive)."""
    first, last = max(start, span[0]), min(end, span[1])
    return max((last - first).days + 1, 0)


def apportion(
    value: Fraction, start: dt.date, end: dt.date, spans: Sequence[Span]
) -> tuple[Fraction, ...]:
    """``value`` of the period ``start``..``end`` shared among ``spans`` by days."""
    total = (end - start).days + 1
    return tuple(value * overlap(start, end, span) / total for span in spans)


def calendar_years(start: dt.date, end: dt.date) -> tuple[Span, ...]:
    """The calendar years the period touches, as spans."""
    return tuple(
        (dt.date(year, 1, 1), dt.date(year, 12, 31)) for year in range(start.year, end.year + 1)
    )


def calendar_months(start: dt.date, end: dt.date) -> tuple[Span, ...]:
    """The calendar months the period touches, as spans."""
    spans = []
    first = dt.date(start.year, start.month, 1)
    while first <= end:
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        spans.append((first, following - dt.timedelta(days=1)))
        first = following
    return tuple(spans)


def label_of(span: Span, by: str) -> str:
    """``2025`` for a year, ``2025-01`` for a month."""
    return f"{span[0].year}" if by == "year" else f"{span[0].year}-{span[0].month:02d}"


@attrs.frozen
class Split:
    """A period's exact ER in parts per calendar span (``("2025", part)`` or
    ``("2025-01", part)``), adding up to it exactly, and the ``rule`` that made them.
    ``weights``: what each part is in proportion to (each span's days, or the ER of its own
    readings; 1 for a period within one span): part = ER x weight / sum of the weights."""

    rule: str
    parts: tuple[tuple[str, Fraction], ...]
    weights: tuple[Fraction, ...]


def split(inputs: Inputs, period: PeriodInputs, reductions: Fraction, by: str = "year") -> Split:
    """``reductions``, the ER of ``period``, split over the calendar ``by`` (``year`` or
    ``month``) spans it touches: by the readings' dates where it can be, else by days."""
    if by not in ("month", "year"):
        raise ValueError(f"by = {by!r}: expected month or year")
    start, end = period.period.start, period.period.end
    spans = (calendar_years if by == "year" else calendar_months)(start, end)
    labels = tuple(label_of(span, by) for span in spans)
    dated = _dated(period)
    if len(spans) == 1:  # the whole ER, by either rule
        whole = ((labels[0], reductions),)
        return Split(BY_READINGS if dated else BY_DAYS, whole, (Fraction(1),))
    own = _own_parts(inputs, period, labels, by) if dated else None
    total = sum(own, Fraction(0)) if own is not None else Fraction(0)
    if own is not None and total:  # parts adding up to zero have no proportions
        if total == reductions:
            return Split(BY_READINGS, tuple(zip(labels, own, strict=True)), own)
        if all(p >= 0 for p in own) or all(p <= 0 for p in own):
            parts = tuple(reductions * p / total for p in own)
            return Split(BY_READINGS, tuple(zip(labels, parts, strict=True)), own)
    parts = apportion(reductions, start, end, spans)
    days = tuple(Fraction(overlap(start, end, span)) for span in spans)
    return Split(BY_DAYS, tuple(zip(labels, parts, strict=True)), days)


def _dated(period: PeriodInputs) -> bool:
    """Whether every monitored value of ``period`` comes with its months (and one does)."""
    values = [
        value
        for by_key in period.values.values()
        for value in by_key.values()
        if value.origin is Origin.MONITORED
    ]
    return bool(values) and all(value.months for value in values)


@attrs.frozen
class _SpanSource:
    """The values of one period with each monitored value cut to the months of one span."""

    whole: InputSource
    prefix: str

    def value(self, symbol: Symbol, key: Key) -> Fraction | None:
        found = self.whole.period.values.get(symbol.name, {}).get(key)
        if found is None or found.origin is not Origin.MONITORED:
            return self.whole.value(symbol, key)
        return sum((v for m, v in found.months if m.startswith(self.prefix)), Fraction(0))

    def note(self, symbol: Symbol, key: Key) -> str:
        return ""


def _own_parts(
    inputs: Inputs, period: PeriodInputs, labels: tuple[str, ...], by: str
) -> tuple[Fraction, ...] | None:
    """The ER each span's own readings give, or None where the equations cannot be evaluated
    on a span's part (a zero denominator, say: the whole period's evaluation succeeded)."""
    context, whole = context_of(inputs), InputSource(inputs, period)
    equations = equations_of(inputs.methodology)
    place = Place(period.period.number, period.period.label)
    found = []
    for label in labels:
        prefix = label if by == "month" else f"{label}-"
        try:
            results = evaluate_equations(context, equations, _SpanSource(whole, prefix), place)
        except PluginError:
            return None
        found.append(results[ER.name][()])
    return tuple(found)


@attrs.frozen
class Share:
    """The part of monitoring period ``period`` in one calendar month or year (``label``
    ``2025-01`` or ``2025``): its days, its exact shares of the period's ER and credits
    (information: credits stay whole per period; they follow the ER's parts), and the
    ``rule`` of the split."""

    period: int
    label: str
    start: dt.date
    end: dt.date
    days: int
    reductions: Fraction
    credits: Fraction
    rule: str


def shares(result: Any, by: str = "month") -> list[Share]:
    """Each period's ER and credits of ``result`` split over the calendar ``by`` (``month`` or
    ``year``) spans it touches, by :func:`split` (the years are those the engine split)."""
    found = []
    for p, inputs in zip(result.periods, result.inputs.periods, strict=True):
        made = p.calendar if by == "year" else split(result.inputs, inputs, p.reductions, by)
        spans = (calendar_months if by == "month" else calendar_years)(p.start, p.end)
        for span, (label, part) in zip(spans, made.parts, strict=True):
            first, last = max(p.start, span[0]), min(p.end, span[1])
            credit = p.credits * part / p.reductions if p.reductions else Fraction(0)
            days = overlap(p.start, p.end, span)
            found.append(Share(p.number, label, first, last, days, part, credit, made.rule))
    return found
