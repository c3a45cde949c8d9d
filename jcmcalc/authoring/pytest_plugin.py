"""pytest plugin for methodology authors (entry point ``pytest11``), active wherever jcmcalc
is installed.

Fixtures: ``jcmcalc_manager`` (a fresh plugin manager with jcmcalc's hookspecs),
``jcmcalc_registry`` (the installed plugins, loaded afresh for the test; a plugin that fails
to load fails the test with its full traceback),
``jcmcalc_worked_case`` (loads a worked-case folder: result and expectations) and
``jcmcalc_conformance`` (fails with every conformance problem of a methodology). A test
taking ``jcmcalc_methodology`` runs once per installed methodology. Quantities are compared
with :func:`jcmcalc.authoring.testing.assert_quantity`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pluggy
import pytest

from jcmcalc.model.methodology import Methodology
from jcmcalc.plugin import registry as plugins
from jcmcalc.run.result import Result


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "jcmcalc_methodology" in metafunc.fixturenames:
        registry = plugins.load()
        methodologies = registry.methodologies()
        # the test of a broken plugin's (or methodology's) would silently vanish
        for broken in [*registry.broken, *registry.unusable.values()]:
            raise pytest.UsageError(f"{broken.message}\n{broken.trace}")
        metafunc.parametrize(
            "jcmcalc_methodology",
            methodologies,
            ids=[f"{m.id}@{m.version}" for m in methodologies],
        )


@pytest.fixture
def jcmcalc_manager() -> pluggy.PluginManager:
    """A fresh plugin manager with no plugin registered (register test plugins on it)."""
    return plugins.new_manager()


@pytest.fixture
def jcmcalc_registry() -> plugins.Registry:
    """The plugins installed in this environment, loaded afresh for this test; a plugin that
    fails to load fails the test with its whole traceback."""
    registry = plugins.load()
    registry.complete()
    broken = [*registry.broken, *registry.unusable.values()]
    if broken:
        pytest.fail("\n".join(f"{b.message}\n{b.trace}" for b in broken), pytrace=False)
    return registry


@pytest.fixture
def jcmcalc_worked_case() -> Callable[[str | Path], tuple[Result, dict]]:
    """Load a worked case folder: ``(result, expected)`` (see :mod:`jcmcalc.authoring.testing`)."""
    from jcmcalc.authoring.testing import run_worked_case

    return run_worked_case


@pytest.fixture
def jcmcalc_conformance(
    jcmcalc_registry: plugins.Registry,
) -> Callable[[Methodology | str], None]:
    """``check(methodology or "ID@VERSION")`` fails listing every conformance problem."""
    from jcmcalc.authoring.conformance import problems

    def check(methodology: Methodology | str) -> None:
        if isinstance(methodology, str):
            identifier, _, version = methodology.partition("@")
            methodology = jcmcalc_registry.get(identifier, version or None)
        found = problems(methodology, jcmcalc_registry)
        assert not found, "\n".join([f"{methodology.label} does not conform:", *found])

    return check
