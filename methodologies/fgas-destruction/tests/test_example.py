"""The Viet Nam dedicated-furnace example calculates, and says what it rests on."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import jcmcalc
from jcmcalc.authoring.testing import unlabelled

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "vietnam-furnace" / "project.toml"


def test_example_calculates() -> None:
    result = jcmcalc.calculate(EXAMPLE, strict=True)
    assert len(result.periods) == 2
    assert all(period.credits > 0 for period in result.periods)
    assert result.total_credits == sum(period.credits for period in result.periods)
    assert result.methodology.id == "FGAS_DESTRUCTION_AR5"


def test_example_reports_the_hcfc22_it_does_not_credit() -> None:
    result = jcmcalc.calculate(EXAMPLE)
    notices = [w for w in result.warnings if "HCFC-22 destroyed but not credited" in w]
    assert len(notices) == 2  # one per period


def test_example_reads_the_meter_log_through_the_core_reader() -> None:
    result = jcmcalc.calculate(EXAMPLE)
    energy = result.inputs.periods[1].values["electricity_consumed"][()]
    # 3120.5 + 2984.0 + 3402.7 + 3055.9 + 3210.2 + 2876.4 = 18649.7 kWh
    assert energy.value == Fraction("18.6497")
    assert "meter-2025H2.csv" in energy.source


def test_reconstructed_label_in_provenance() -> None:
    result = jcmcalc.calculate(EXAMPLE)
    provenance = result.provenance
    assert provenance["methodology"]["confidence"] == "inferred"
    assert "reconstructed" in provenance["methodology"]["source"]
    assert any("reconstructed" in note for note in provenance["inferred"])
    assert result.methodology.about.status == "reconstructed"
    assert "reconstructed" in json.loads(result.to_json())["provenance"]["methodology"]["title"]


def test_ids_do_not_pretend_to_be_approved() -> None:
    ours = [m for m in jcmcalc.methodologies() if m.about.family == "fgas-destruction"]
    assert {m.id for m in ours} == {"FGAS_DESTRUCTION_AR5"}
    for methodology in ours:
        assert "_AM" not in methodology.id
        assert methodology.about.status == "reconstructed"
        assert methodology.about.approved == ""
        assert methodology.about.confidence == "inferred"
        assert all(criterion.confidence == "inferred" for criterion in methodology.criteria)


def test_every_record_labels_what_was_not_read() -> None:
    family = [m for m in jcmcalc.methodologies() if m.about.family == "fgas-destruction"]
    assert family
    for methodology in family:
        assert not unlabelled(methodology), (methodology.label, unlabelled(methodology))
