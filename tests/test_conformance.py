"""Every installed methodology and every shipped example, through the CLI."""

from __future__ import annotations

import json

import pytest

import jcmcalc
from jcmcalc.authoring.conformance import plausibility_problems, registry_problems
from tests.conftest import ROOT

EXAMPLES = sorted(ROOT.glob("methodologies/*/examples/*/project.toml"))
METHODOLOGIES = [f"{m.id}@{m.version}" for m in jcmcalc.methodologies()]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parts[-4]}/{p.parent.name}")
def test_every_shipped_example_calculates_from_the_cli(example, cli) -> None:
    code, out, err = cli("calculate", example, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["total_credits"] == sum(p["credits"] for p in data["periods"])
    assert data["provenance"]["plugin"]["distribution"].startswith("jcmcalc-")


@pytest.mark.parametrize("methodology", METHODOLOGIES)
def test_show_prints_parameters_equations_and_sources(methodology, cli) -> None:
    code, out, _ = cli("show", methodology)
    assert code == 0
    identifier, version = methodology.split("@")
    assert f"{identifier} ver {version}" in out
    assert "Parameters:" in out and "RE_p = " in out and "PE_p = " in out
    assert "source " in out


def test_every_family_ships_examples() -> None:
    families = {m.about.family for m in jcmcalc.methodologies()}
    with_examples = {p.parts[-4] for p in EXAMPLES}
    assert len(with_examples) >= len(families) >= 4


#: Families whose plausibility checks are still to come (the boilers' work on #28).
def test_methodology_conforms(jcmcalc_methodology, jcmcalc_conformance) -> None:
    """The test kit's conformance check over every installed methodology (pytest plugin)."""
    jcmcalc_conformance(jcmcalc_methodology)


def test_a_methodology_without_a_plausibility_check_does_not_conform() -> None:
    import attrs

    for identifier in ("TH_AM001", "KH_AM002", "MM_AM005", "FGAS_DESTRUCTION_AR5"):
        methodology = jcmcalc.get_methodology(identifier, "1.0")
        assert plausibility_problems(methodology) == []
        bare = attrs.evolve(methodology, checks=())
        assert plausibility_problems(bare) == [
            f"{identifier} ver 1.0 declares no plausibility check on its monitored values: "
            'declare one in [[checks]] (severity = "warning"), e.g. output within rated '
            "capacity x hours"
        ]


def test_every_plugin_loads_and_ships_examples_and_worked_cases(jcmcalc_registry) -> None:
    assert registry_problems(jcmcalc_registry) == []
    assert {p.distribution for p in jcmcalc_registry.plugins} >= {
        "jcmcalc-boilers",
        "jcmcalc-fgas-destruction",
        "jcmcalc-solar-pv",
        "jcmcalc-waste-heat-recovery",
    }
