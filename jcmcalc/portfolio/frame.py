"""The computed project-periods of a portfolio table as columns: no Python object per row.

A :class:`Frame` holds RE, PE and ER in float64 with the exact values of the project-periods
the kernel evaluated exactly beside them (:class:`~jcmcalc.portfolio.vectorised.Outcome`), the
credits as integers and each row's warnings as a code into the distinct tuples of warnings.
Its figures print with the digits of the exact value (see :mod:`jcmcalc.portfolio.frame_csv`),
and its subtotal is the exact one :func:`~jcmcalc.portfolio.rows.subtotal` gives for the same
rows, summed with numpy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

import attrs
import numpy as np

from jcmcalc.portfolio import exact_figures
from jcmcalc.portfolio.exact_figures import ExactFigures, Figures, integer_sum
from jcmcalc.portfolio.rows import Row, Subtotal, float_sum, per_party

Split = tuple[tuple[str, int], ...]


def figures_at(
    figures: np.ndarray, exact: Mapping[int, tuple[Fraction, ...]], position: int
) -> tuple[Fraction | float, ...]:
    """RE, PE and ER at ``position`` of ``figures`` (float64, one column each): the exact values
    where ``exact`` has them."""
    return exact.get(position) or tuple(figures[:, position].tolist())


@attrs.frozen
class Frame:
    """Project-periods computed without failure: one entry of each array per row."""

    project: np.ndarray
    methodology: np.ndarray  # text (a read-only view of one label for one methodology)
    period: np.ndarray
    start: np.ndarray  # datetime64[D]
    end: np.ndarray  # datetime64[D]
    figures: np.ndarray  # (3, rows): RE, PE, ER in float64
    exact: ExactFigures  # by row: RE, PE, ER where evaluated exactly
    credits: np.ndarray
    notes: np.ndarray  # by row: a position in ``texts``
    texts: tuple[tuple[str, ...], ...]  # the distinct warnings of rows
    #: by row: the credits per party of the rows of projects with an allocation
    allocations: dict[int, Split] = attrs.field(factory=dict)

    def __len__(self) -> int:
        return len(self.project)

    def take(self, positions: np.ndarray) -> Frame:
        """The rows at ``positions`` (distinct), in that order."""
        new = np.full(len(self), -1, dtype=np.int64)
        new[positions] = np.arange(len(positions))
        split = {int(new[p]): v for p, v in self.allocations.items() if new[p] >= 0}
        return attrs.evolve(
            self,
            project=np.take(self.project, positions),  # (text: faster than fancy indexing)
            methodology=np.take(self.methodology, positions),
            period=self.period[positions],
            start=self.start[positions],
            end=self.end[positions],
            figures=self.figures[:, positions],
            exact=self.exact.moved(new),
            credits=self.credits[positions],
            notes=self.notes[positions],
            allocations=dict(sorted(split.items())),
        )

    def ordered(self) -> Frame:
        """The rows sorted by project, then period (as the output lists them)."""
        project, period = self.project, self.period
        later = (project[1:] > project[:-1]) | (
            (project[1:] == project[:-1]) & (period[1:] > period[:-1])
        )
        if later.all():
            return self
        return self.take(np.lexsort((period, project)))

    def rows(self) -> list[Row]:
        """The rows as :class:`Row` objects (for callers that want them)."""
        exact = self.exact.fractions()
        return [
            Row(
                project=str(self.project[n]),
                methodology=str(self.methodology[n]),
                period=int(self.period[n]),
                start=str(self.start[n]),
                end=str(self.end[n]),
                reference=reference,
                project_emissions=emissions,
                reductions=reductions,
                credits=int(self.credits[n]),
                warnings=self.texts[int(self.notes[n])],
                allocation=self.allocations.get(n, ()),
            )
            for n in range(len(self))
            for reference, emissions, reductions in [figures_at(self.figures, exact, n)]
        ]

    def floated(self) -> np.ndarray:
        """The figures as float64, the exact ones rounded to float64."""
        figures = self.figures.copy()
        self.exact.floated(figures)
        return figures

    def subtotal(self) -> Subtotal:
        """The exact subtotal of the rows, as a part of a whole (``subtotal(..., part=True)``)."""
        everywhere = len(self.exact) == len(self)
        sums = self.exact.sums() if everywhere else (Fraction(0),) * 3
        floated = self.floated()
        return Subtotal(
            figures=(sums[0], sums[1], sums[2]),
            floated=(float_sum(floated[0]), float_sum(floated[1]), float_sum(floated[2])),
            exact=(everywhere, everywhere, everywhere),
            credits=integer_sum(self.credits),
            done=len(self),
            rows=len(self),
            failed=0,
            allocated=per_party(self.allocations.values()),
        )


def empty() -> Frame:
    """A frame of no rows."""
    text, days = np.zeros(0, dtype=str), np.zeros(0, dtype="datetime64[D]")
    integers = np.zeros(0, dtype=np.int64)
    figures = np.zeros((3, 0))
    none = ExactFigures()
    return Frame(text, text, integers, days, days, figures, none, integers, integers, ((),))


def concat(frames: Sequence[Frame]) -> Frame:
    """The rows of ``frames`` one after the other (their warnings coded anew)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty()
    if len(frames) == 1:
        return frames[0]
    texts: dict[tuple[str, ...], int] = {}
    notes, exact, split, offset = [], [], {}, 0
    for frame in frames:
        codes = np.array([texts.setdefault(t, len(texts)) for t in frame.texts], dtype=np.int64)
        notes.append(codes[frame.notes])
        exact.append((frame.exact, offset))
        split.update((p + offset, v) for p, v in frame.allocations.items())
        offset += len(frame)
    return Frame(
        *(
            np.concatenate([getattr(f, name) for f in frames])
            for name in ("project", "methodology", "period", "start", "end")
        ),
        figures=np.concatenate([f.figures for f in frames], axis=1),
        exact=exact_figures.concat(exact),
        credits=np.concatenate([f.credits for f in frames]),
        notes=np.concatenate(notes),
        texts=tuple(texts),
        allocations=split,
    )


def from_rows(rows: Sequence[Row]) -> Frame:
    """A frame of computed rows (``status`` ok)."""
    if not rows:
        return empty()
    texts: dict[tuple[str, ...], int] = {}
    exact: dict[int, Figures] = {}
    figures = np.zeros((3, len(rows)))
    for n, row in enumerate(rows):
        values = (row.reference, row.project_emissions, row.reductions)
        figures[:, n] = [float(v) for v in values]  # type: ignore[arg-type]
        if all(isinstance(v, Fraction) for v in values):
            exact[n] = values  # type: ignore[assignment]
    return Frame(
        project=np.array([r.project for r in rows], dtype=str),
        methodology=np.array([r.methodology for r in rows], dtype=str),
        period=np.array([r.period for r in rows], dtype=np.int64),
        start=np.array([r.start for r in rows], dtype="datetime64[D]"),
        end=np.array([r.end for r in rows], dtype="datetime64[D]"),
        figures=figures,
        exact=ExactFigures(single=exact),
        credits=np.array([r.credits for r in rows], dtype=np.int64),
        notes=np.array([texts.setdefault(r.warnings, len(texts)) for r in rows], dtype=np.int64),
        texts=tuple(texts),
        allocations={n: r.allocation for n, r in enumerate(rows) if r.allocation},
    )
