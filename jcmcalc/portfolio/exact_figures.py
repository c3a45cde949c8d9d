"""The exact RE, PE and ER of the project-periods evaluated exactly, kept as arrays.

Project-periods settled on scaled integers (:func:`jcmcalc.portfolio.scaled.settle`) keep their
figures as a :class:`Block`: numerators over one denominator per figure, no ``Fraction`` per
row. Those the kernel evaluated one by one keep their ``Fraction`` values. An
:class:`ExactFigures` reads as a mapping from a row to its three figures, and gives what the
output needs at numpy speed: the figures rounded half-even at the places shown, the exact sums.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction

import attrs
import numpy as np

Figures = tuple[Fraction, Fraction, Fraction]

#: Whole numbers float64 holds exactly (a quotient of two of them is rounded correctly).
_FLOAT_EXACT = 2**53
#: Numerators below this bound are rounded in int64 at the places shown.
_LIMIT = 2**62


@attrs.frozen
class Block:
    """Exact figures of rows ``positions`` (sorted): ``numerators[k] / denominators[k]`` for
    RE, PE and ER (``k`` 0 to 2), an int64 or object array of Python integers each."""

    positions: np.ndarray
    numerators: tuple[np.ndarray, np.ndarray, np.ndarray]
    denominators: tuple[int, int, int]

    def at(self, index: int) -> Figures:
        return tuple(  # type: ignore[return-value]
            Fraction(int(n[index]), d)
            for n, d in zip(self.numerators, self.denominators, strict=True)
        )

    def moved(self, new: np.ndarray) -> Block:
        """The block's rows at their places ``new[position]`` (-1: left out), sorted."""
        places = new[self.positions]
        kept = np.flatnonzero(places >= 0)
        order = kept[np.argsort(places[kept], kind="stable")]
        numerators = tuple(n[order] for n in self.numerators)
        return Block(places[order], numerators, self.denominators)  # type: ignore[arg-type]


class ExactFigures(Mapping[int, Figures]):
    """The exact figures of some rows of a frame: blocks of arrays and single rows."""

    def __init__(self, blocks: tuple[Block, ...] = (), single: dict[int, Figures] | None = None):
        self.blocks = tuple(b for b in blocks if len(b.positions))
        self.single: dict[int, Figures] = single if single is not None else {}

    def __getitem__(self, position: int) -> Figures:
        if position in self.single:
            return self.single[position]
        for block in self.blocks:
            index = int(np.searchsorted(block.positions, position))
            if index < len(block.positions) and block.positions[index] == position:
                return block.at(index)
        raise KeyError(position)

    def __iter__(self) -> Iterator[int]:
        for block in self.blocks:
            yield from block.positions.tolist()
        yield from self.single

    def __len__(self) -> int:
        return sum(len(b.positions) for b in self.blocks) + len(self.single)

    def __setitem__(self, position: int, figures: Figures) -> None:
        self.single[position] = figures

    def add(self, block: Block) -> None:
        """Keep the figures of ``block`` (rows not yet held)."""
        if len(block.positions):
            self.blocks = (*self.blocks, block)

    def fractions(self) -> dict[int, Figures]:
        """Every row held with its figures as ``Fraction`` (for rows of Python objects)."""
        found = dict(self.single)
        for block in self.blocks:
            columns: list[tuple[np.ndarray, int, list[Fraction]]] = []
            for numerators, d in zip(block.numerators, block.denominators, strict=True):
                same = [c for n, e, c in columns if e == d and np.array_equal(n, numerators)]
                if same:  # ER = RE where PE is zero: the same objects
                    made = same[0]
                elif not numerators.any():
                    made = [Fraction(0)] * len(numerators)
                else:
                    made = [Fraction(n, d) for n in numerators.tolist()]
                columns.append((numerators, d, made))
            figures = zip(*(c for _, _, c in columns), strict=True)
            found.update(zip(block.positions.tolist(), figures, strict=True))
        return found

    def moved(self, new: np.ndarray) -> ExactFigures:
        """The figures of the rows at their places ``new[position]`` (-1: left out)."""
        single = {int(new[p]): v for p, v in self.single.items() if new[p] >= 0}
        return ExactFigures(tuple(b.moved(new) for b in self.blocks), dict(sorted(single.items())))

    def negative(self, below: np.ndarray) -> None:
        """Set ``below`` (ER < 0, by row) from the exact ER of the rows held."""
        for block in self.blocks:
            below[block.positions] = block.numerators[2] < 0
        for position, figures in self.single.items():
            below[position] = figures[2] < 0

    def floated(self, figures: np.ndarray) -> None:
        """Write the figures held into ``figures`` (3 x rows, float64), each the float64
        nearest its exact value."""
        for block in self.blocks:
            for k, (numerators, denominator) in enumerate(
                zip(block.numerators, block.denominators, strict=True)
            ):
                figures[k, block.positions] = _floats(numerators, denominator)
        for position, values in self.single.items():
            figures[:, position] = [float(v) for v in values]

    def sums(self) -> Figures:
        """The exact sum of each figure over the rows held."""
        found = [Fraction(0)] * 3
        for block in self.blocks:
            for k, (numerators, denominator) in enumerate(
                zip(block.numerators, block.denominators, strict=True)
            ):
                found[k] += Fraction(integer_sum(numerators), denominator)
        for values in self.single.values():
            found = [a + b for a, b in zip(found, values, strict=True)]
        return tuple(found)  # type: ignore[return-value]

    def rounded(
        self, which: int, first: int, last: int, places: int
    ) -> tuple[np.ndarray, np.ndarray, dict[int, Fraction]]:
        """Figure ``which`` of the rows held between ``first`` and ``last``: the rows, their
        values x 10^``places`` rounded half-even (int64); those too large for that, exactly."""
        rows, integers, odd = [], [], {}
        singles = sorted(p for p in self.single if first <= p < last)
        found = {p: rounded(self.single[p][which], places) for p in singles}
        kept = [p for p in singles if abs(found[p]) < _LIMIT]
        rows.append(np.array(kept, dtype=np.int64))
        integers.append(np.array([found[p] for p in kept], dtype=np.int64))
        odd = {p: self.single[p][which] for p in singles if abs(found[p]) >= _LIMIT}
        for block in self.blocks:
            lo, hi = np.searchsorted(block.positions, [first, last])
            numerators = block.numerators[which][lo:hi]
            denominator = block.denominators[which]
            found = _half_even(numerators, denominator, places)
            if found is None:  # beyond int64: one at a time
                for position, n in zip(
                    block.positions[lo:hi].tolist(), numerators.tolist(), strict=True
                ):
                    odd[position] = Fraction(int(n), denominator)
                continue
            rows.append(block.positions[lo:hi])
            integers.append(found)
        return np.concatenate(rows), np.concatenate(integers), odd


def concat(parts: list[tuple[ExactFigures, int]]) -> ExactFigures:
    """The figures of frames one after the other (each with the offset of its first row)."""
    blocks, single = [], {}
    for exact, offset in parts:
        blocks += [attrs.evolve(b, positions=b.positions + offset) for b in exact.blocks]
        single.update((p + offset, v) for p, v in exact.single.items())
    return ExactFigures(tuple(blocks), single)


def _floats(numerators: np.ndarray, denominator: int) -> np.ndarray:
    """The float64 nearest each ``numerator / denominator``."""
    small = numerators.dtype != object and denominator < _FLOAT_EXACT
    if small and (not len(numerators) or int(np.abs(numerators).max()) < _FLOAT_EXACT):
        return numerators / denominator  # both exact in float64: one correct rounding
    return np.array([float(Fraction(int(n), denominator)) for n in numerators.tolist()])


def integer_sum(values: np.ndarray) -> int:
    """The exact sum of int64 ``values`` (as Python ints where int64 could overflow) or of an
    object array of Python ints."""
    if not len(values):
        return 0
    if values.dtype != object and int(np.abs(values).max()) * len(values) < 2**62:
        return int(values.sum())
    return int(values.astype(object).sum())


def _half_even(numerators: np.ndarray, denominator: int, places: int) -> np.ndarray | None:
    """``numerators / denominator`` x 10^``places`` rounded half-even, in int64 (None when the
    arithmetic could leave int64)."""
    scale = 10**places
    if numerators.dtype == object or denominator >= _LIMIT:
        return None
    if len(numerators) and int(np.abs(numerators).max()) * scale >= _LIMIT:
        return None
    quotient, rest = np.divmod(numerators * scale, denominator)  # floor, rest >= 0
    twice = 2 * rest
    up = (twice > denominator) | ((twice == denominator) & (quotient % 2 == 1))
    return quotient + up


def rounded(value: Fraction, places: int) -> int:
    """``round(value * 10**places)`` (half-even) in integers."""
    quotient, rest = divmod(value.numerator * 10**places, value.denominator)
    twice = 2 * rest
    return quotient + (twice > value.denominator or (twice == value.denominator and quotient % 2))
