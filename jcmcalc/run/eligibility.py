"""Eligibility criteria: the project file answers each criterion of its methodology."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jcmcalc.model.errors import InputError, suggest
from jcmcalc.model.methodology import Methodology

_YES = {True, "yes", "true", "met"}
_NO = {False, "no", "false", "not met"}


def met(answer: Any) -> bool | None:
    """Whether an answer says a criterion is met (None: unanswered or not a yes/no answer)."""
    normal = answer.lower() if isinstance(answer, str) else answer
    return True if normal in _YES else False if normal in _NO else None


def assess(
    methodology: Methodology,
    answers: Mapping[str, Any],
    path: Path,
    *,
    strict: bool = False,
    allow_ineligible: bool = False,
) -> list[str]:
    """Warnings for unanswered criteria (an error under ``strict``). A criterion answered
    false makes the methodology inapplicable: an error naming it, unless ``allow_ineligible``,
    which computes anyway with a warning that the result is not creditable."""
    known = [criterion.id for criterion in methodology.criteria]
    for key in answers:
        if key not in known:
            raise InputError(
                f"{methodology.label} has no eligibility criterion {key!r}{suggest(key, known)}",
                file=path,
                at=f"eligibility.{key}",
            )
    unanswered, unmet = [], []
    for criterion in methodology.criteria:
        answer = answers.get(criterion.id)
        normal = answer.lower() if isinstance(answer, str) else answer
        label = f"eligibility {criterion.id} ({criterion.text})"
        if answer is None:
            unanswered.append(f"{label}: not answered in [eligibility]")
        elif normal in _NO:
            unmet.append(f"{label}: not met")
        elif normal not in _YES:
            raise InputError(
                f"answer {answer!r} must be true or false",
                file=path,
                at=f"eligibility.{criterion.id}",
            )
    if unmet and not allow_ineligible:
        raise InputError(
            f"{'; '.join(unmet)}: {methodology.label} does not apply to this project, which "
            "earns no credits under it (--allow-ineligible computes anyway, marked NOT "
            "CREDITABLE)",
            file=path,
            at="eligibility",
        )
    if strict and unanswered:
        raise InputError("; ".join(unanswered), file=path, at="eligibility")
    return [f"NOT CREDITABLE: {problem}" for problem in unmet] + unanswered
