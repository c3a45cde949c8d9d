"""Eligibility criteria: the project file answers each criterion of its methodology."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jcmcalc.model.errors import InputError, suggest
from jcmcalc.model.methodology import Methodology

_YES = {True, "yes", "true", "met"}
_NO = {False, "no", "false", "not met"}


def assess(
    methodology: Methodology, answers: Mapping[str, Any], path: Path, *, strict: bool = False
) -> list[str]:
    """Warnings for unanswered or unmet criteria (an error under ``strict``)."""
    known = [criterion.id for criterion in methodology.criteria]
    for key in answers:
        if key not in known:
            raise InputError(
                f"{methodology.label} has no eligibility criterion {key!r}{suggest(key, known)}",
                file=path,
                at=f"eligibility.{key}",
            )
    problems = []
    for criterion in methodology.criteria:
        answer = answers.get(criterion.id)
        normal = answer.lower() if isinstance(answer, str) else answer
        label = f"eligibility {criterion.id} ({criterion.text})"
        if answer is None:
            problems.append(f"{label}: not answered in [eligibility]")
        elif normal in _NO:
            problems.append(f"{label}: not met")
        elif normal not in _YES:
            raise InputError(
                f"answer {answer!r} must be true or false",
                file=path,
                at=f"eligibility.{criterion.id}",
            )
    if strict and problems:
        raise InputError("; ".join(problems), file=path, at="eligibility")
    return problems
