"""The text ``jcmcalc verify`` prints: every figure compared, then every difference."""

from __future__ import annotations

from fractions import Fraction

from jcmcalc.inputs.submitted.submission import Finding
from jcmcalc.model.numbers import decimal_text
from jcmcalc.views.formatting import text_table
from jcmcalc.views.verify.compare import Comparison, Verification


def _what(period: str, quantity: str, member: str) -> str:
    where = {"": "fixed", "total": "total"}.get(period, f"period {period}")
    return f"{quantity}{f' [{member}]' if member else ''} ({where})"


def _mismatch(c: Comparison, row: list[str]) -> str:
    f = c.figure
    line = (
        f"- {f.place}: {_what(f.period, f.quantity, f.member)}: submitted {row[3]}, "
        f"recomputed {row[4]}; {c.first_equation}"
    )
    return line + (f"; likely cause: {c.cause}" if c.cause else "")


def _row(c: Comparison) -> list[str]:
    f = c.figure
    submitted = decimal_text(f.value)
    if f.value == c.recomputed:  # most figures: one decimal text, not three
        recomputed, difference = submitted, "0"
    else:
        recomputed, difference = decimal_text(c.recomputed), decimal_text(f.value - c.recomputed)
    status = "ok" if c.agrees else "DIFFERS"
    return [f.period or "fixed", f.quantity, f.member, submitted, recomputed, difference, status]


def _finding(f: Finding) -> str:
    what = _what(f.period, f.quantity, f.member) if f.period else f.quantity
    line = f"- {f.place + ': ' if f.place else ''}{what}: {f.message}"
    return line + (f"; likely cause: {f.cause}" if f.cause else "")


def report_text(verification: Verification, tolerance: Fraction) -> str:
    """The table of submitted vs recomputed figures, then every mismatch with its equation and
    every other difference of the submission."""
    comparisons = verification.comparisons
    rows = [["period", "quantity", "member", "submitted", "recomputed", "difference", "status"]]
    texts = [_row(c) for c in comparisons]
    rows += texts
    lines = [
        f"Tolerance: |submitted - recomputed| <= {float(tolerance):g} x max(|recomputed|, 1); "
        "credits per period must match exactly.",
        "",
        text_table(rows),
        "",
    ]
    mismatches = [(c, row) for c, row in zip(comparisons, texts, strict=True) if not c.agrees]
    count = len(verification.findings)
    if not comparisons:
        lines.append("No figures were submitted.")
    elif mismatches:
        lines.append(f"{len(mismatches)} of {len(comparisons)} figures differ:")
        lines += [_mismatch(c, row) for c, row in mismatches]
    elif count:
        lines.append(
            f"Each of the {len(comparisons)} figures is within the tolerance of its recomputed "
            "value; the submission differs elsewhere (below)."
        )
    if count:
        lines += ["", f"{count} other difference{'s' if count > 1 else ''} in the submission:"]
        lines += map(_finding, verification.findings)
    lines += ["", verdict(verification)]
    return "\n".join(lines) + "\n"


def verdict(verification: Verification) -> str:
    """The last line: agrees only when no figure and nothing else differs."""
    figures = len(verification.comparisons)
    if verification.agrees:
        return (
            f"Verdict: the submission agrees with the recomputation. All {figures} figures agree."
        )
    differing = sum(not c.agrees for c in verification.comparisons)
    count = len(verification.findings)
    return (
        f"Verdict: the submission DIFFERS from the recomputation: {differing} of {figures} "
        f"figures differ; {count} other difference{'' if count == 1 else 's'}."
    )
