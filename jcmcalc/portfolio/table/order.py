"""Rows of a portfolio table put in order, without sorting a table already in that order."""

from __future__ import annotations

import numpy as np


def lexsorted(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """``np.lexsort(keys)`` (the last key first), without sorting rows already in that order (a
    table written sorted by project): the stable order is then the rows' own."""
    tied = np.ones(max(len(keys[0]) - 1, 0), dtype=bool)
    for key in reversed(keys):
        if (tied & (key[1:] < key[:-1])).any():
            return np.lexsort(keys)
        tied &= key[1:] == key[:-1]
    return np.arange(len(keys[0]))
