"""The Python API: calculate a project, find methodologies."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import attrs

from jcmcalc.inputs.project import Project, load_document, methodology_reference, parse_project
from jcmcalc.inputs.resolve import Inputs, resolve
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.plugin import registry as plugins
from jcmcalc.run import engine
from jcmcalc.run.eligibility import assess
from jcmcalc.run.estimate import resolve_estimate
from jcmcalc.run.expiry import expiry_warnings
from jcmcalc.run.result import Mode, Result


@cache
def registry(strict: bool = False) -> plugins.Registry:
    """The plugins installed in this environment, loaded once."""
    return plugins.load(strict=strict)


def methodologies() -> list[Methodology]:
    """Every installed methodology, sorted by id and version."""
    return registry().methodologies()


def get_methodology(methodology_id: str, version: str | None = None) -> Methodology:
    """The methodology ``methodology_id`` at ``version`` (latest when omitted)."""
    return registry().get(methodology_id, version)


def load_project(
    path: str | Path, *, require_periods: bool = True, allow_outside: bool = False
) -> tuple[Project, Methodology]:
    """Parse a project file and find the methodology it names.

    Data files must lie in the project file's directory unless ``allow_outside``.
    """
    path = Path(path)
    document = load_document(path)
    methodology_id, version = methodology_reference(document, path)
    try:
        methodology = get_methodology(methodology_id, version)
    except InputError as exc:
        raise exc.located(path) from None
    index_keys = tuple(index.key for index in methodology.indices if not index.members)
    project = parse_project(
        document, path, index_keys, require_periods=require_periods, allow_outside=allow_outside
    )
    return project, methodology


def calculate(project: str | Path, *, strict: bool = False, allow_outside: bool = False) -> Result:
    """Calculate RE, PE, ER and credits for every monitoring period of a project file.

    ``strict`` turns unanswered or unmet eligibility criteria into an error;
    ``allow_outside`` lets the project read data files outside its directory.
    """
    parsed, methodology = load_project(project, allow_outside=allow_outside)
    return _run(resolve(methodology, parsed), strict=strict, mode=Mode.EX_POST)


def estimate(project: str | Path, *, strict: bool = False, allow_outside: bool = False) -> Result:
    """Expected credits per year of the crediting period from the project's ``[estimate]``.

    Design values (rated capacity, specific yield, degradation) become estimated monitored
    values, which run through the same equations as monitored ones.
    """
    parsed, methodology = load_project(project, require_periods=False, allow_outside=allow_outside)
    return _run(resolve_estimate(methodology, parsed), strict=strict, mode=Mode.EX_ANTE)


def _run(inputs: Inputs, *, strict: bool, mode: Mode) -> Result:
    project = inputs.project
    problems = assess(inputs.methodology, project.eligibility, project.path, strict=strict)
    problems += expiry_warnings(inputs)
    inputs = attrs.evolve(inputs, warnings=(*problems, *inputs.warnings))
    return engine.run(inputs, mode=mode)
