"""A batch of a portfolio table's project-periods evaluated into a :class:`Frame`: the
figures in arrays, the warnings as codes, the failed projects by name."""

from __future__ import annotations

import numpy as np

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
    outcome, failed = vectorised.run_named(batch, projects, numbers)
    codes, texts = warned
    texts = tuple((*t, *outcome.method(label)) for t in texts)
    if negative := outcome.negative():  # a warning of its own for each such period
        codes, texts = codes.copy(), list(texts)
        for n in negative:
            warnings = outcome.negative_warnings(n, int(numbers[n]), str(start[n]), str(end[n]))
            texts.append(texts[codes[n]] + warnings)
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
