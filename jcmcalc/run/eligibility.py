"""Eligibility criteria: the project file answers each criterion of its methodology."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.model.errors import InputError, suggest
from jcmcalc.model.methodology import Criterion, Methodology

_YES = {True, "yes", "true", "met"}
_NO = {False, "no", "false", "not met"}


def met(answer: Any) -> bool | None:
    """Whether an answer says a criterion is met (None: unanswered or not a yes/no answer)."""
    normal = answer.lower() if isinstance(answer, str) else answer
    return True if normal in _YES else False if normal in _NO else None


class Answer(enum.StrEnum):
    """A project's answer to one criterion."""

    TRUE = "true"
    FALSE = "false"
    UNANSWERED = "unanswered"


@attrs.frozen
class Answered:
    """One criterion of the checklist and the project's answer."""

    criterion: Criterion
    answer: Answer

    @property
    def label(self) -> str:
        return f"eligibility {self.criterion.id} ({self.criterion.text})"


@attrs.frozen
class Checklist:
    """Every eligibility criterion with its answer; creditable unless one is answered false."""

    answers: tuple[Answered, ...]

    @property
    def creditable(self) -> bool:
        return all(a.answer is not Answer.FALSE for a in self.answers)

    def rows(self) -> list[list[str]]:
        """Header and one row per criterion, as text."""
        rows = [["criterion", "answer", "text"]]
        rows += [[a.criterion.id, str(a.answer), a.criterion.text] for a in self.answers]
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "creditable": self.creditable,
            "criteria": [
                {"id": a.criterion.id, "text": a.criterion.text, "answer": str(a.answer)}
                for a in self.answers
            ],
        }


def checklist(methodology: Methodology, answers: Mapping[str, Any], path: Path) -> Checklist:
    """The project's answers to each criterion; an unknown criterion or an answer that is not
    true or false is bad input."""
    known = [criterion.id for criterion in methodology.criteria]
    for key in answers:
        if key not in known:
            raise InputError(
                f"{methodology.label} has no eligibility criterion {key!r}{suggest(key, known)}",
                file=path,
                at=f"eligibility.{key}",
            )
    found = []
    for criterion in methodology.criteria:
        answer = answers.get(criterion.id)
        verdict = met(answer)
        if answer is None:
            found.append(Answered(criterion, Answer.UNANSWERED))
        elif verdict is not None:
            found.append(Answered(criterion, Answer.TRUE if verdict else Answer.FALSE))
        else:
            raise InputError(
                f"answer {answer!r} must be true or false",
                file=path,
                at=f"eligibility.{criterion.id}",
            )
    return Checklist(tuple(found))


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
    found = checklist(methodology, answers, path).answers
    unanswered = [
        f"{a.label}: not answered in [eligibility]" for a in found if a.answer is Answer.UNANSWERED
    ]
    unmet = [f"{a.label}: not met" for a in found if a.answer is Answer.FALSE]
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
