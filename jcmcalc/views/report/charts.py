"""Static bar charts as inline SVG, written directly (no plotting library: nothing to import
at start-up, and the same inputs give the same bytes). A missing value leaves its slot empty,
marked "no value" (a light band where bars are narrow, as for months), so a gap in the
monitoring shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from html import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 70, 10, 30, 70
#: Fill colours of the series, in turn (colour-blind safe, Okabe and Ito).
#: Narrower groups (or bars) than this get slanted names (or a band for "no value").
LABEL_WIDTH = 56
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000")

Series = tuple[str, Sequence[Fraction | int | None]]


def _step(largest: float) -> float:
    """A round tick step giving four to ten ticks up to ``largest``."""
    raw = largest / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _number(value: float) -> str:
    return f"{value:,.6g}"


def _gap(x: float, bar: float, zero: float, title: str) -> str:
    """An empty slot: "no value" written above the axis where it fits, else a light band."""
    if bar >= LABEL_WIDTH:
        return (
            f'<text class="gap" x="{x + bar / 2:.1f}" y="{zero - 4:.1f}" '
            f'text-anchor="middle" font-size="9">no value</text>'
        )
    return (
        f'<rect class="gap" x="{x:.1f}" y="{TOP}" width="{bar * 0.95:.1f}" '
        f'height="{HEIGHT - TOP - BOTTOM}" fill="#eee"><title>{escape(title)}</title></rect>'
    )


def _label(x: float, category: str, *, slanted: bool) -> str:
    """A category's name under its group, slanted where the groups are narrow."""
    y = HEIGHT - BOTTOM + 16
    if slanted:
        turn = f'text-anchor="end" font-size="9" transform="rotate(-45 {x:.1f} {y})"'
    else:
        turn = 'text-anchor="middle"'
    return f'<text x="{x:.1f}" y="{y}" {turn}>{escape(category)}</text>'


def bar_chart(title: str, categories: Sequence[str], series: Sequence[Series], unit: str) -> str:
    """Grouped bars: one group per category, one bar per series."""
    values = [float(v) for _, found in series for v in found if v is not None]
    bottom = min([*values, 0.0])
    top = max([*values, bottom + 1e-9])  # all zero or none: an axis up to a small step
    step = _step(top - bottom)
    top, bottom = math.ceil(top / step) * step, math.floor(bottom / step) * step
    span = (top - bottom) or 1.0
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        return TOP + (top - value) / span * inner_h

    group = inner_w / max(len(categories), 1)
    slanted = group < LABEL_WIDTH
    below = 22 if slanted else 0  # room for slanted names above the legend
    legend_rows = math.ceil(len(series) / 4) if len(series) > 1 else 0
    height = HEIGHT + max(0, legend_rows - 2) * 14 + below
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<text x="{WIDTH / 2}" y="18" text-anchor="middle" font-weight="bold">'
        f"{escape(title)}</text>",
    ]
    ticks = round(span / step)
    for n in range(ticks + 1):
        value = bottom + n * step
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{"#444" if value == 0 else "#ddd"}"/>'
            f'<text x="{LEFT - 4}" y="{y(value) + 4:.1f}" text-anchor="end">{_number(value)}</text>'
        )
    parts.append(
        f'<text x="14" y="{TOP + inner_h / 2}" transform="rotate(-90 14 {TOP + inner_h / 2})" '
        f'text-anchor="middle">{escape(unit)}</text>'
    )
    bar = group * 0.8 / max(len(series), 1)
    for c, category in enumerate(categories):
        x0 = LEFT + c * group + group * 0.1
        for s, (_, found) in enumerate(series):
            x = x0 + s * bar
            value = found[c]
            if value is None:
                parts.append(_gap(x, bar, y(0), f"{category}: no value"))
                continue
            high, low = max(y(float(value)), y(0)), min(y(float(value)), y(0))
            parts.append(
                f'<rect x="{x:.1f}" y="{low:.1f}" width="{bar * 0.95:.1f}" '
                f'height="{high - low:.1f}" fill="{COLOURS[s % len(COLOURS)]}">'
                f"<title>{escape(category)}: {_number(float(value))} {escape(unit)}</title></rect>"
            )
        parts.append(_label(LEFT + (c + 0.5) * group, category, slanted=slanted))
    if len(series) > 1:
        for s, (name, _) in enumerate(series):
            x = LEFT + (s % 4) * (inner_w / 4)
            row = HEIGHT - BOTTOM + 36 + below + (s // 4) * 14
            parts.append(
                f'<rect x="{x:.1f}" y="{row - 9}" width="10" height="10" '
                f'fill="{COLOURS[s % len(COLOURS)]}"/>'
                f'<text x="{x + 14:.1f}" y="{row}">{escape(name)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
