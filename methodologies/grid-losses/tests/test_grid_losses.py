"""The grid losses family: transformers (VN_AM005, LA_AM003, reconstructed), the low-loss line
(MN_AM001, summary read) and voltage-var control (TH_AM017, summary read): records, worked
cases, the example, sourced reference losses and the consistency checks."""

from __future__ import annotations

from pathlib import Path

import pytest

import jcmcalc
from jcmcalc import api
from jcmcalc.authoring.testing import assert_example, assert_worked_case, edited, worked_cases
from jcmcalc.cli import main

ROOT = Path(__file__).resolve().parents[1]
CASES = worked_cases(ROOT / "worked_cases")
EXAMPLES = sorted((ROOT / "examples").glob("*/project.toml"))
RECORDS = {"VN_AM005", "LA_AM003", "MN_AM001", "TH_AM017"}
LAOS = ROOT / "worked_cases" / "laos-transformers" / "project.toml"
LINE = ROOT / "worked_cases" / "mongolia-low-loss-line" / "project.toml"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_worked_case(case: Path) -> None:
    assert_worked_case(case)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.parent.name for e in EXAMPLES])
def test_example_calculates_and_estimates(example: Path) -> None:
    assert_example(example)


def test_every_record_is_listed_with_version_and_has_a_worked_case() -> None:
    listed = {(m.id, m.version) for m in jcmcalc.methodologies() if m.about.family == "grid-losses"}
    assert listed == {(identifier, "1.0") for identifier in RECORDS}
    cased = {
        api.load_project(case / "project.toml", require_periods=False)[0].methodology_id
        for case in CASES
    }
    assert cased == RECORDS


def test_read_summaries_keep_their_reconstructed_equations_labelled() -> None:
    for identifier, address in (("MN_AM001", "mn-jp/methodologies/5"), ("TH_AM017", "/138")):
        record = jcmcalc.get_methodology(identifier, "1.0")
        assert record.about.confidence.value == "read" and address in record.about.source
        assert all(e.inferred for e in record.equations)
        assert all(e.inferred for e in record.estimate.equations)
    openvq = jcmcalc.get_methodology("TH_AM017", "1.0")
    assert "Voltage-var" in openvq.title
    assert {p.name for p in openvq.parameters} >= {"reference_loss", "project_loss"}


def test_reference_no_load_loss_needs_its_source(tmp_path) -> None:
    old = (
        'reference_no_load_loss = { value = "0.46 kW", source = "illustrative reference value '
        'for a 160 kVA silicon-steel unit" }'
    )
    path = edited(tmp_path, LAOS, old, 'reference_no_load_loss = "0.46 kW"')
    assert main(["calculate", str(path)]) == 2


def test_project_unit_losing_more_than_the_reference_is_refused(tmp_path, capsys) -> None:
    path = edited(tmp_path, LAOS, 'value = "0.13 kW"', 'value = "0.6 kW"')
    assert main(["calculate", str(path)]) == 2
    assert "project loss below reference" in capsys.readouterr().err


def test_line_receiving_more_than_sent_is_refused(tmp_path, capsys) -> None:
    path = edited(tmp_path, LINE, '"E_recv,l,p" = "828750 MWh"', '"E_recv,l,p" = "860000 MWh"')
    assert main(["calculate", str(path)]) == 2
    assert "received within sent" in capsys.readouterr().err
