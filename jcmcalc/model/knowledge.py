"""What a methodology declaration knows and what it infers, part by part.

Every part of a declaration (the record, each criterion, parameter, default, equation and
check) carries a label: read in a public source, a standard published value, or inferred
(reconstructed). :func:`parts` lists them with the source or the reason, for the docs page
"What jcmcalc knows and what it infers" and the "What is inferred" section of each
methodology's page.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Confidence, Default, DefaultTable


@attrs.frozen
class Part:
    """One part of a declaration: what it is, its label, and its source or why it is inferred."""

    kind: str
    subject: str
    confidence: Confidence
    basis: str


def parts(methodology: Methodology) -> list[Part]:
    """Every labelled part of ``methodology``, in declaration order."""
    return list(_parts(methodology))


def _parts(m: Methodology) -> Iterator[Part]:
    yield Part("methodology", m.label, m.about.confidence, m.about.source)
    for note in m.notes:
        yield Part("note", m.label, Confidence.INFERRED, note)
    for criterion in m.criteria:
        yield Part("criterion", criterion.id, criterion.confidence, criterion.text)
    for parameter in m.all_parameters:
        if parameter.inferred:
            yield Part("parameter", parameter.symbol, Confidence.INFERRED, parameter.inferred)
        yield from _defaults(parameter.symbol, parameter.default)
    equations = m.equations + (m.estimate.equations if m.estimate else ())
    for equation in equations:
        label = Confidence.INFERRED if equation.inferred else m.about.confidence
        yield Part("equation", equation.symbol, label, equation.inferred or m.about.source)
    for check in m.checks:
        label = Confidence.INFERRED if check.inferred else m.about.confidence
        yield Part("check", check.name, label, check.inferred or m.about.source)


def _defaults(symbol: str, default: Default | DefaultTable | None) -> Iterator[Part]:
    rows = default.rows.items() if isinstance(default, DefaultTable) else ()
    if isinstance(default, Default):
        rows = [((), default)]
    for key, row in rows:
        where = f" ({' / '.join(key)})" if key else ""
        note = f" ({row.note})" if row.note else ""
        yield Part("default", f"{symbol}{where} = {row.value}", row.confidence, row.source + note)
