"""The Python API: calculate a project, find methodologies."""

from __future__ import annotations

import warnings
from pathlib import Path

from jcmcalc.inputs.project import Project
from jcmcalc.model.errors import JcmcalcWarning
from jcmcalc.model.methodology import Methodology
from jcmcalc.plugin import registry as plugins
from jcmcalc.run import pipeline
from jcmcalc.run.result import Mode, Result

#: The plugins installed in this environment, loaded once: ``registry(strict=False)``.
registry = plugins.installed


def methodologies() -> list[Methodology]:
    """Every installed methodology, sorted by id and version."""
    return registry().methodologies()


def get_methodology(methodology_id: str, version: str | None = None) -> Methodology:
    """The methodology ``methodology_id`` at ``version`` (latest when omitted)."""
    return registry().get(methodology_id, version)


def load_project(
    path: str | Path, *, require_periods: bool = True, allow_outside: bool = False
) -> tuple[Project, Methodology]:
    """Parse a project file and find the installed methodology it names.

    Data files must lie in the project file's directory unless ``allow_outside``.
    """
    return pipeline.load(
        path, get_methodology, require_periods=require_periods, allow_outside=allow_outside
    )


def calculate(
    project: pipeline.Source,
    *,
    strict: bool = False,
    allow_outside: bool = False,
    allow_ineligible: bool = False,
    folder: str | Path | None = None,
) -> Result:
    """Calculate RE, PE, ER and credits for every monitoring period of a project file.

    ``project`` is a project file's path, or a dict shaped like one, with pandas DataFrames
    for member tables and monitoring data (``docs/developer-guide.md``), its data files named
    relative to ``folder`` (the working directory when None). ``strict`` turns unanswered
    eligibility criteria into an error (a criterion answered false is one unless
    ``allow_ineligible``, which computes anyway, marked NOT CREDITABLE);
    ``allow_outside`` lets the project read data files outside its directory.
    """
    return _warned(
        pipeline.calculate(
            project,
            get_methodology,
            mode=Mode.EX_POST,
            strict=strict,
            allow_outside=allow_outside,
            allow_ineligible=allow_ineligible,
            folder=folder,
        )
    )


def estimate(
    project: pipeline.Source,
    *,
    strict: bool = False,
    allow_outside: bool = False,
    allow_ineligible: bool = False,
    folder: str | Path | None = None,
) -> Result:
    """Expected credits per year of the crediting period from the project's ``[estimate]``.

    Design values (rated capacity, specific yield, degradation) become estimated monitored
    values, which run through the same equations as monitored ones.
    """
    return _warned(
        pipeline.calculate(
            project,
            get_methodology,
            mode=Mode.EX_ANTE,
            strict=strict,
            allow_outside=allow_outside,
            allow_ineligible=allow_ineligible,
            folder=folder,
        )
    )


def report_results(
    project: str | Path,
    *,
    strict: bool = False,
    allow_outside: bool = False,
    allow_ineligible: bool = False,
) -> tuple[Result, Result | None]:
    """The results a monitoring report shows: ex post with the ex-ante estimate beside it
    (``None`` without ``[estimate]``); for a project with only ``[estimate]``, the estimate."""
    return pipeline.report_results(
        project,
        get_methodology,
        strict=strict,
        allow_outside=allow_outside,
        allow_ineligible=allow_ineligible,
    )


def _warned(result: Result) -> Result:
    """``result``, each of its warnings also issued as a :class:`JcmcalcWarning`."""
    for text in result.warnings:
        warnings.warn(text, JcmcalcWarning, stacklevel=3)
    return result
