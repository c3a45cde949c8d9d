"""The parts a report is made of, rendered alike by the Markdown and the HTML writers."""

from __future__ import annotations

import attrs


@attrs.frozen
class Heading:
    level: int
    text: str


@attrs.frozen
class Text:
    text: str
    css: str = ""


@attrs.frozen
class Items:
    items: tuple[str, ...]
    css: str = ""


@attrs.frozen
class Table:
    rows: tuple[tuple[str, ...], ...]  # header first


@attrs.frozen
class Declared:
    """An equation as declared: its LaTeX, its plain text and what each symbol means."""

    title: str
    latex: str
    text: str
    where: tuple[str, ...]
    inferred: str = ""


@attrs.frozen
class Step:
    """One equation of one period and member: the values substituted and the result."""

    title: str
    substituted: str
    result: str


@attrs.frozen
class Folded:
    """Blocks a reader opens on demand (rows of zeros, say); a summary line stands for them."""

    summary: str
    blocks: tuple[Block, ...]


@attrs.frozen
class Chart:
    """A chart as inline SVG (the HTML report draws it; Markdown names it, or shows its
    figures when ``figures`` holds them as a table), with a note."""

    title: str
    svg: str
    note: str = ""
    figures: Table | None = None


@attrs.frozen
class Code:
    text: str


Block = Heading | Text | Items | Table | Declared | Step | Folded | Chart | Code
