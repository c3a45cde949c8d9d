"""What a methodology declaration knows and what it infers, part by part.

Every part of a declaration (the record, each criterion, parameter, default, equation and
check) carries a label: read in a public source, a standard published value, or inferred
(reconstructed). :func:`parts` lists them with the source or the reason, for the docs page
"What jcmcalc knows and what it infers" and the "What is inferred" section of each
methodology's page. :func:`labelled` gives a record the labels of what was not read, where a
plugin left them out: an ex-ante estimate equation, a value read in a table but applied under
a methodology whose text was not read.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from jcmcalc.model.methodology import Methodology
from jcmcalc.model.parameters import Confidence, Default, DefaultTable, Parameter

#: The label of an ex-ante estimate equation that states no other.
ESTIMATE = (
    "ex-ante estimate of jcmcalc (standard engineering practice): not read in the "
    "methodology's text"
)


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


def labelled(methodology: Methodology) -> Methodology:
    """``methodology`` with what it did not read labelled inferred: each estimate equation
    without a label (:data:`ESTIMATE`); under a record that is not read, each default read
    elsewhere (a grid table) as applied by inference."""
    estimate = methodology.estimate
    if estimate is not None:
        equations = tuple(
            e if e.inferred else attrs.evolve(e, inferred=ESTIMATE) for e in estimate.equations
        )
        estimate = attrs.evolve(estimate, equations=equations)
    parameters = methodology.parameters
    if methodology.about.confidence is not Confidence.READ:
        parameters = tuple(_applied(p, methodology.label) for p in parameters)
    if estimate is methodology.estimate and parameters is methodology.parameters:
        return methodology
    return attrs.evolve(methodology, parameters=parameters, estimate=estimate)


def _applied(parameter: Parameter, label: str) -> Parameter:
    """``parameter`` with its defaults that were read labelled as applied under ``label`` by
    inference."""
    note = f"value read there; applied under {label} by inference: its text was not read"

    def row(default: Default) -> Default:
        if default.confidence is not Confidence.READ:
            return default
        said = f"{default.note}; {note}" if default.note else note
        return attrs.evolve(default, confidence=Confidence.INFERRED, note=said)

    default = parameter.default
    if isinstance(default, Default):
        return attrs.evolve(parameter, default=row(default))
    if isinstance(default, DefaultTable):
        rows = {key: row(value) for key, value in default.rows.items()}
        return attrs.evolve(parameter, default=attrs.evolve(default, rows=rows))
    return parameter
