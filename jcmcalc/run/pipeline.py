"""The one route from a project file to checked inputs, then to a result.

Every command and the Python API go through :func:`prepare` (load the project file, find its
methodology, resolve every value, assess eligibility, check the version's expiry) and
:func:`jcmcalc.run.engine.run`; none repeats a step. A portfolio prepares each of its project
files here too.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from jcmcalc.inputs import memory
from jcmcalc.inputs.boundary import file_errors
from jcmcalc.inputs.digests import note, recording
from jcmcalc.inputs.project import Project, load_document, methodology_reference, parse_project
from jcmcalc.inputs.readers import formats, project_book
from jcmcalc.inputs.readers.project_book import located
from jcmcalc.inputs.resolve import Inputs, resolve
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.run import engine
from jcmcalc.run.calibration import calibration_warnings
from jcmcalc.run.eligibility import assess
from jcmcalc.run.estimate import resolve_estimate
from jcmcalc.run.expected import against_estimate
from jcmcalc.run.expiry import expiry_warnings
from jcmcalc.run.result import Mode, Result

#: Finds a methodology by id and version (None: the only one installed), e.g. the registry's
#: ``get``.
Finder = Callable[[str, str | None], Methodology]


#: A project file's path, or a project built in Python (:mod:`jcmcalc.inputs.memory`).
Source = str | Path | Mapping[str, Any]


def load(
    path: Source,
    find: Finder,
    *,
    require_periods: bool = True,
    allow_outside: bool = False,
    folder: str | Path | None = None,
) -> tuple[Project, Methodology]:
    """Parse a project file (or a project dict, or a project workbook: ``.xlsx``) and find the
    methodology it names.

    Data files must lie in the project file's directory (a dict's ``folder``, the working
    directory unless given) unless ``allow_outside``.
    """
    frames: dict[Path, Any] = {}
    kept: dict[Path, bytes] = {}
    places: dict[str, str] = {}
    if isinstance(path, Mapping):
        base = Path(folder if folder is not None else Path.cwd())
        document, frames, kept = memory.document_of(path, base)
        path = base / memory.NAME
    elif Path(path).suffix.lower() in formats.EXCEL:
        path = Path(path)
        book = project_book.read(path, find)
        document, frames, places = book.document, dict(book.frames), book.places
    else:
        path = Path(path)
        document = load_document(path)
    with located(places):
        methodology_id, version = methodology_reference(document, path)
        try:
            methodology = find(methodology_id, version)
        except InputError as exc:
            raise exc.located(path) from None
        index_keys = tuple(index.key for index in methodology.indices if not index.members)
        project = parse_project(
            document, path, index_keys, require_periods=require_periods, allow_outside=allow_outside
        )
    if frames or places:
        project = attrs.evolve(project, frames=frames, memory=kept, places=places)
        for pseudo, data in kept.items():  # what is hashed in place of files not on disk
            note(pseudo, data)
    return project, methodology


def latest_version(methodology: Methodology) -> str:
    """What a run says when the project names no version of its methodology (the only one
    installed: with several, the registry refuses it)."""
    return (
        f"[methodology] names no version: {methodology.label}, the only one installed, is used "
        f'(write version = "{methodology.version}": once another is installed, a project '
        "naming no version is refused)"
    )


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a project is read: a file of 100,000 members makes
    millions of objects, which it would scan again and again (40 % of the time, measured with
    benchmarks/members.py); reference counting still frees them, and the collector runs after.
    A folder of projects pauses it over all of them (each project's objects are kept: the
    collector would scan every earlier project again and again)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare(
    source: Source,
    find: Finder,
    *,
    mode: Mode = Mode.EX_POST,
    strict: bool = False,
    allow_outside: bool = False,
    allow_ineligible: bool = False,
    folder: str | Path | None = None,
) -> Inputs:
    """Checked inputs of the project file ``source`` (or a project dict, its data files in
    ``folder``), with every warning of the run.

    ``mode`` is ex post (monitoring periods) or ex ante (the ``[estimate]``);
    ``strict`` turns unanswered eligibility criteria, incomplete coverage of the monitoring
    data (:mod:`jcmcalc.inputs.series.coverage`) and every plausibility warning (a warning
    check breached, or not judged for a value left out) into errors; ``allow_ineligible``
    computes a project that answers a criterion false, every output marking it NOT CREDITABLE.
    """
    ex_ante = Mode(mode) is Mode.EX_ANTE
    named = memory.NAME if isinstance(source, Mapping) else source
    with file_errors(named), no_cycle_collection(), recording() as digests:
        project, methodology = load(
            source, find, require_periods=not ex_ante, allow_outside=allow_outside, folder=folder
        )
        resolved = resolve_estimate if ex_ante else resolve
        with located(project.places, estimate=ex_ante):
            inputs = attrs.evolve(resolved(methodology, project), digests=digests)
    problems = [latest_version(methodology)] if project.methodology_version is None else []
    with located(project.places):
        problems += assess(
            methodology,
            project.eligibility,
            project.path,
            strict=strict,
            allow_ineligible=allow_ineligible,
        )
    problems += expiry_warnings(inputs)
    problems += calibration_warnings(inputs)
    if not ex_ante:
        problems += against_estimate(inputs)
    if strict and inputs.incomplete:
        more = len(inputs.incomplete) - 1
        raise InputError(
            inputs.incomplete[0].message()
            + (f" (and {more} more incomplete series)" if more else "")
            + " [--strict]",
            file=project.path,
        )
    if strict and inputs.breaches:
        more = len(inputs.breaches) - 1
        raise InputError(
            f"{inputs.breaches[0]}"
            + (f" (and {more} more plausibility warnings)" if more else "")
            + " [--strict: a plausibility warning is an error]",
            file=project.path,
        )
    return attrs.evolve(inputs, warnings=(*problems, *inputs.warnings))


def calculate(source: Source, find: Finder, *, mode: Mode = Mode.EX_POST, **options: Any) -> Result:
    """The result of the project file ``source``: :func:`prepare`, then the engine."""
    return engine.run(prepare(source, find, mode=mode, **options), mode=mode)


def report_results(
    source: str | Path, find: Finder, **options: bool
) -> tuple[Result, Result | None]:
    """What a report shows: the monitored result, with the ex-ante estimate beside it when the
    project has ``[estimate]`` and its methodology estimates. A project with ``[estimate]`` and
    no ``[[periods]]`` gives the estimate alone (a monitoring-plan view), ``None`` beside it."""
    project, methodology = load(
        source, find, require_periods=False, allow_outside=options.get("allow_outside", False)
    )
    estimates = bool(project.estimate) and methodology.estimate is not None
    if estimates and not project.periods:
        return calculate(source, find, mode=Mode.EX_ANTE, **options), None
    ex_post = calculate(source, find, **options)
    return ex_post, calculate(source, find, mode=Mode.EX_ANTE, **options) if estimates else None
