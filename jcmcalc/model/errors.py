"""Errors with the place they come from, and the CLI exit codes they map to."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_MISMATCH = 3  # verify: submitted figures differ
EXIT_SOME_FAILED = 4  # portfolio: some projects failed (the table lists them)
EXIT_PIPE_CLOSED = 141  # the reader of the output went away (`| head`), as a shell reports SIGPIPE


class JcmcalcError(Exception):
    """Base class of every error jcmcalc reports to a user."""

    exit_code = EXIT_INTERNAL


class InputError(JcmcalcError):
    """Bad input: names what is wrong and where. Exit code 2.

    ``row`` is a line of a CSV file; ``at`` a place in a TOML file (``periods[2].values``).
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        file: object | None = None,
        row: int | None = None,
        at: str | None = None,
        parameter: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.at = at
        self.parameter = parameter
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.at:
            where.append(self.at)
        prefix = ", ".join(where)
        subject = f"parameter {self.parameter}: " if self.parameter else ""
        return f"{prefix}: {subject}{self.message}" if prefix else f"{subject}{self.message}"

    def located(self, file: object) -> InputError:
        """The same error, placed in ``file`` when it has no file yet."""
        if self.file is not None:
            return self
        return InputError(
            self.message, file=file, row=self.row, at=self.at, parameter=self.parameter
        )


class JcmcalcWarning(UserWarning):
    """A warning of a result (a plausibility breach, incomplete coverage, an expiry), issued
    by the Python API as well as kept in ``Result.warnings``; the CLI prints them itself."""


class PluginError(JcmcalcError):
    """A plugin is broken or conflicts with another one."""


class MethodologyError(PluginError):
    """A methodology declaration is inconsistent (an author's error, found at load time)."""


#: Characters of a value or id quoted in a message; a longer one is cut (its length is said).
QUOTED_CHARACTERS = 60
#: Names listed in a message before the rest are counted.
LISTED_NAMES = 10


def quoted(text: object) -> str:
    """``text`` as Python writes a string (quotes, escapes: ``'A '`` and ``'A'`` differ), cut
    to :data:`QUOTED_CHARACTERS` with its length when longer (a 5,000-digit cell)."""
    text = str(text)
    if len(text) <= QUOTED_CHARACTERS:
        return repr(text)
    return f"{text[:QUOTED_CHARACTERS]!r}... ({len(text):,} characters)"


def listing(names: Iterable[object]) -> str:
    """Names quoted and joined, the first :data:`LISTED_NAMES` of them, then a count."""
    names = list(names)
    shown = ", ".join(quoted(n) for n in names[:LISTED_NAMES])
    more = len(names) - LISTED_NAMES
    return f"{shown} and {more:,} more" if more > 0 else shown


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string: first a choice that
    is ``word`` with its numbers read as numbers and its case ignored (``TH_AM01`` is
    ``TH_AM001``), else the closest spelling."""
    choices = list(choices)
    same = [choice for choice in choices if _numbered(choice) == _numbered(word)]
    close = same or difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _numbered(text: str) -> tuple[int | str, ...]:
    return tuple(
        int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)
    )


def require_openpyxl():  # -> the openpyxl module
    """openpyxl, or an error saying how to install it (the ``xlsx`` extra)."""
    try:
        import openpyxl
    except ImportError:
        raise JcmcalcError("workbooks need openpyxl: pip install 'jcmcalc[xlsx]'") from None
    return openpyxl


def require_xlsxwriter():  # -> the xlsxwriter module
    """XlsxWriter, or an error saying how to install it (the ``xlsx`` extra)."""
    try:
        import xlsxwriter
    except ImportError:
        raise JcmcalcError("workbooks need XlsxWriter: pip install 'jcmcalc[xlsx]'") from None
    return xlsxwriter
