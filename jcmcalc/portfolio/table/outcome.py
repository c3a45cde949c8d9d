"""A batch of a portfolio table's project-periods evaluated into a :class:`Frame`: the
figures in arrays, the warnings as codes, the failed projects by name."""

from __future__ import annotations

import numpy as np

from jcmcalc.inputs.project import period_label
from jcmcalc.model.kernel import Place, reduction_warnings
from jcmcalc.portfolio import vectorised
from jcmcalc.portfolio.frame import Frame

Warned = tuple[np.ndarray, tuple[tuple[str, ...], ...]]


def evaluated(
    batch: vectorised.Batch,
    label: str,
    named: tuple[np.ndarray, np.ndarray, np.ndarray],
    numbers: np.ndarray,
    warned: Warned,
) -> tuple[Frame, dict[str, str]]:
    """The frame of ``batch`` (methodology ``label``; projects, starts and ends ``named``;
    period ``numbers``; warnings ``warned`` as codes into their distinct tuples), and the
    projects it fails, with the message."""
    projects, start, end = named
    outcome = vectorised.run(
        batch,
        where=lambda n: Place(
            int(numbers[n]), f"{projects[n]}, period {numbers[n]}", members=False
        ),
    )
    failed = {str(projects[n]): str(error) for n, error in outcome.errors.items()}
    codes, texts = warned
    texts = tuple((*t, *outcome.method(label)) for t in texts)
    negative = outcome.figures[2] < 0
    for n, exact in outcome.exact.items():
        negative[n] = exact[2] < 0
    if negative.any():  # a warning of its own for each period with negative reductions
        codes, texts = codes.copy(), list(texts)
        for n in np.flatnonzero(negative).tolist():
            period = period_label(int(numbers[n]), str(start[n]), str(end[n]))
            reductions = outcome.values(n)[2]
            texts.append(texts[codes[n]] + tuple(reduction_warnings(period, reductions)))
            codes[n] = len(texts) - 1
    frame = Frame(
        projects,
        np.broadcast_to(np.array(label), len(projects)),  # one label, no copy per row
        numbers.astype(np.int64),
        start,
        end,
        outcome.figures,
        outcome.exact,
        outcome.credits,
        codes,
        tuple(texts),
    )
    return frame, failed
