"""Expired methodology versions, and the projects that may still use them.

A methodology record's ``expired`` is the date after which the version applies to no new
project. jcmcalc's rule [inferred: the usual JCM practice that a registered project keeps the
version it was registered under, not read in a rule text]: a project whose ``[project]
registered`` date is on or before the expiry keeps the version (with a warning); for any other
project, a period ending after the expiry is an error, exit code 2.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from jcmcalc.inputs.project import Period, parse_date
from jcmcalc.inputs.resolve import Inputs
from jcmcalc.model.errors import InputError
from jcmcalc.model.faults import plugin_fault
from jcmcalc.model.methodology import Methodology


def expiry_warnings(inputs: Inputs) -> list[str]:
    """Raise :class:`InputError` where a period ends after the version expired; else warnings."""
    project = inputs.project
    periods = [p.period for p in inputs.periods]
    registered = project.metadata.get("registered")
    return version_expiry(
        inputs.methodology, periods, registered, file=project.path, at="project.registered"
    )


def version_expiry(
    methodology: Methodology,
    periods: Sequence[Period],
    stated: object,
    *,
    file: Path,
    at: str,
) -> list[str]:
    """The expiry rule for ``periods`` of a project registered on ``stated`` (None: not
    stated): warnings, or :class:`InputError` where a period ends after the expiry."""
    if not methodology.about.expired:
        return []
    try:
        expired = dt.date.fromisoformat(methodology.about.expired)
    except ValueError:
        raise plugin_fault(
            methodology, f"expired = {methodology.about.expired!r} is not a date (2020-06-30)"
        ) from None
    late = [period for period in periods if period.end > expired]
    if not late:
        return []
    registered = None if stated is None else parse_date(stated, file=file, at=at)
    message = f"{methodology.label} expired on {expired}"
    if registered is not None and registered <= expired:
        return [
            f"{message}; the project, registered {registered}, keeps it for "
            f"{', '.join(p.label for p in late)}"
        ]
    why = (
        f"the project was registered {registered}, after it"
        if registered
        else "a project registered before that date keeps it: state its registration date "
        "([project] registered in a project file, a 'registered' column in a table)"
    )
    raise InputError(
        f"{message}, but {late[0].label} ends after it; {why}, or use a current version "
        "(`jcmcalc methodologies`)",
        file=file,
        at="methodology.version",
    )
