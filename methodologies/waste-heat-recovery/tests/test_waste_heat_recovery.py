"""Tests of the waste heat recovery plugin: records, worked cases, examples, the approved form
(supplied electricity, no PE, co-firing refused by criterion C3), unit traps, plausibility."""

from __future__ import annotations

import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc import api
from jcmcalc.authoring.testing import assert_worked_case, worked_cases
from jcmcalc.model.errors import EXIT_BAD_INPUT, InputError
from jcmcalc.model.expressions.walkers import Constant

ROOT = Path(__file__).resolve().parents[1]
CASES = worked_cases(ROOT / "worked_cases")
EXAMPLES = sorted((ROOT / "examples").glob("*/project.toml"))
APPROVED = (("MM_AM005", "1.0"), ("ID_AM001", "1.0"), ("TH_AM007", "1.0"))
DIESEL = '\n[[fuels]]\nid = "diesel"\nfuel = "gas_diesel_oil"\n'
SUPPLY = '"EG_sup,i,p" = "3000 MWh"'


def test_there_are_enough_worked_cases():
    assert len(CASES) >= 3


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_worked_case(case: Path):
    assert_worked_case(case)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.parent.name for e in EXAMPLES])
def test_example_calculates(example: Path):
    result = jcmcalc.calculate(example)
    assert result.periods
    assert result.total_credits > 0
    assert not result.warnings


def test_every_record_has_a_worked_case():
    records = {
        tomllib.loads((case / "project.toml").read_text("utf-8"))["methodology"]["id"]
        for case in CASES
    }
    assert records >= {"MM_AM005", "ID_AM001", "TH_AM007", "WHR_FAMILY"}


def test_jamali_example_uses_the_indonesian_grid_table():
    example = ROOT / "examples" / "jamali-cement-whr" / "project.toml"
    result = jcmcalc.calculate(example)
    factor = result.inputs.fixed["reference_emission_factor"][("WHR-30",)]
    assert factor.value == Fraction("0.619")
    assert factor.origin == "default"
    # Period 2 comes from a kWh CSV of the supply meter: 88,826,313 kWh in six months.
    assert result.periods[1].reference == Fraction("88826.313") * Fraction("0.619")


def test_methodologies_are_listed():
    found = {(m.id, m.version): m for m in jcmcalc.methodologies()}
    for key in (*APPROVED, ("WHR_FAMILY", "1.0")):
        assert key in found
        provider = api.registry().provider(found[key])
        assert provider.distribution == "jcmcalc-waste-heat-recovery"
        assert found[key].about.family == "waste-heat-recovery"
    assert ("ID_AM001", "unknown") not in found
    family = found[("WHR_FAMILY", "1.0")]
    assert family.about.status == "family form, not an approved methodology"
    assert "NOT an approved methodology" in family.title
    assert str(family.about.confidence) == "inferred"
    assert found[("MM_AM005", "1.0")].about.approved == "2020-04-20"
    assert found[("ID_AM001", "1.0")].about.approved == ""
    thai = found[("TH_AM007", "1.0")]
    assert thai.about.country == "TH" and "not read" in thai.title
    assert str(thai.about.confidence) == "inferred"


def test_id_am001_has_the_four_criteria_read_in_the_validation_report():
    record = jcmcalc.get_methodology("ID_AM001", "1.0")
    assert [(c.id, str(c.confidence)) for c in record.criteria] == [
        (f"C{n}", "read") for n in (1, 2, 3, 4)
    ]
    texts = [c.text for c in record.criteria]
    assert "cement kiln" in texts[0]
    assert "suspension-preheater" in texts[1] and "cooling tower" in texts[1]
    assert texts[2] == "The WHR system uses only waste heat and no fossil fuel."
    assert "previously installed" in texts[3]
    assert "validation report of the registered project ID013" in record.about.source


@pytest.mark.parametrize(
    ("record", "confidence"), [("MM_AM005", "inferred"), ("TH_AM007", "inferred")]
)
def test_criteria_assumed_by_analogy_are_labelled(record, confidence):
    methodology = jcmcalc.get_methodology(record, "1.0")
    assert {str(c.confidence) for c in methodology.criteria} == {confidence}
    assert any("assumed by analogy" in note for note in methodology.notes)


@pytest.mark.parametrize("key", APPROVED, ids=[k[0] for k in APPROVED])
def test_approved_records_have_no_fuel_term_and_no_gross_option(key):
    record = jcmcalc.get_methodology(*key)
    symbols = {p.symbol for p in record.parameters}
    assert symbols == {"EG_sup,i,p", "EF_RE,i", "FC_j,p", "P_rated,i", "D_p"}
    assert isinstance(record.equation("project_emissions").expression, Constant)
    assert record.equation("project_emissions").expression.value == 0
    assert "net_electricity" not in record.index("i").attributes


@pytest.mark.parametrize("key", APPROVED, ids=[k[0] for k in APPROVED])
def test_co_firing_is_refused_by_criterion_c3(approved_project, key):
    values = f'{SUPPLY}, "FC_j,p" = "12.5 t"'
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(approved_project(values, record=key, fuels=DIESEL))
    message = str(error.value)
    assert f"eligibility criterion C3 of {key[0]} ver 1.0" in message
    assert "uses only waste heat and no fossil fuel" in message
    assert "diesel" in message and "period 1" in message
    assert "WHR_FAMILY" in message
    assert error.value.exit_code == EXIT_BAD_INPUT


def test_co_firing_by_volume_is_refused_too(approved_project):
    path = approved_project(f'{SUPPLY}, "FC_j,p" = "3 kL"', fuels=DIESEL)
    with pytest.raises(InputError, match="criterion C3"):
        jcmcalc.calculate(path)


def test_a_fuel_declared_but_not_fired_is_no_co_firing(approved_project):
    result = jcmcalc.calculate(approved_project(f'{SUPPLY}, "FC_j,p" = "0 t"', fuels=DIESEL))
    assert result.periods[0].project == 0
    assert result.periods[0].reference == 3000 * Fraction("0.533")


def test_c3_answered_false_is_named(approved_project):
    path = approved_project(SUPPLY, record=("ID_AM001", "1.0"), c3="false")
    # A criterion answered false makes the methodology inapplicable: an error naming it, unless
    # the run allows it, when the result is marked NOT CREDITABLE.
    with pytest.raises(InputError, match=r"eligibility C3 .* not met.*does not apply"):
        jcmcalc.calculate(path)
    result = jcmcalc.calculate(path, allow_ineligible=True)
    assert any(
        w.startswith("NOT CREDITABLE: eligibility C3 (The WHR system uses only waste heat")
        for w in result.warnings
    )


def test_the_gross_minus_auxiliary_option_is_not_offered(approved_project):
    path = approved_project(SUPPLY)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            'connection_case = "off-grid"',
            'connection_case = "off-grid"\nnet_electricity = "gross-minus-aux"',
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="unknown key 'net_electricity'"):
        jcmcalc.calculate(path)


def test_inferred_parts_are_labelled():
    result = jcmcalc.calculate(
        ROOT / "worked_cases" / "myanmar-supplied-two-systems" / "project.toml"
    )
    inferred = "\n".join(result.provenance["inferred"])
    assert "plausibility" in inferred
    assert "D_p" in inferred
    assert "assumed by analogy" in inferred
    thai = jcmcalc.calculate(ROOT / "worked_cases" / "thai-supplied-grid" / "project.toml")
    inferred = "\n".join(thai.provenance["inferred"])
    assert "equation taken from the WHR family" in inferred
    assert "title" in inferred


@pytest.mark.parametrize(
    ("megawatt_hours", "kilowatt_hours"),
    [("3000 MWh", "3000000 kWh"), ("2954.321 MWh", "2954321 kWh"), ("0.001 MWh", "1 kWh")],
)
def test_kwh_and_mwh_give_identical_results(approved_project, megawatt_hours, kilowatt_hours):
    one = jcmcalc.calculate(approved_project(f'"EG_sup,i,p" = "{megawatt_hours}"'))
    other = jcmcalc.calculate(approved_project(f'"EG_sup,i,p" = "{kilowatt_hours}"'))
    assert one.periods == other.periods
    assert one.periods[0].reference == Fraction(megawatt_hours.split()[0]) * Fraction("0.533")


def test_kw_and_mw_capacity_give_identical_results(approved_project):
    one = jcmcalc.calculate(approved_project(SUPPLY, capacity="7.5 MW"))
    other = jcmcalc.calculate(approved_project(SUPPLY, capacity="7500 kW"))
    assert other.periods == one.periods


@pytest.mark.parametrize(
    ("values", "symbol"),
    [('"EG_sup,i,p" = "3000 t"', "EG_sup,i,p"), ('"EG_sup,i,p" = "3000 MW"', "EG_sup,i,p")],
)
def test_a_wrong_dimension_names_the_parameter(approved_project, values, symbol):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(approved_project(values))
    assert error.value.parameter == symbol
    assert symbol in str(error.value)
    assert error.value.exit_code == EXIT_BAD_INPUT


def test_a_wrong_dimension_of_days_names_the_parameter(approved_project):
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(approved_project(SUPPLY, days="31 MWh"))
    assert error.value.parameter == "D_p"


def test_plausibility_breach_names_the_period(approved_project):
    # 7.5 MW x 24 h x 31 d = 5,580 MWh; 5,580.001 MWh is one kWh too many.
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(approved_project('"EG_sup,i,p" = "5580001 kWh"'))
    message = str(error.value)
    assert "period 1 (2022-01-01 to 2022-01-31)" in message
    assert "WHR-1" in message and "EG_sup,i,p" in message
    assert error.value.exit_code == EXIT_BAD_INPUT


def test_plausibility_bound_itself_is_allowed(approved_project):
    result = jcmcalc.calculate(approved_project('"EG_sup,i,p" = "5580 MWh"'))
    assert result.periods[0].reference == Fraction(5580) * Fraction("0.533")


@pytest.mark.parametrize("key", APPROVED[1:], ids=[k[0] for k in APPROVED[1:]])
def test_the_days_are_asked_for_the_plausibility_bound(approved_project, key):
    path = approved_project(SUPPLY, record=key)
    path.write_text(
        path.read_text(encoding="utf-8").replace(', "D_p" = "31 day"', ""), encoding="utf-8"
    )
    with pytest.raises(InputError, match="parameter D_p: missing monitored value"):
        jcmcalc.calculate(path)


def test_no_fuels_means_no_project_emissions(approved_project):
    result = jcmcalc.calculate(approved_project(SUPPLY))
    assert result.periods[0].project == 0


def test_myanmar_grid_factor_must_come_with_its_source(approved_project):
    path = approved_project(SUPPLY)
    path.write_text(path.read_text().replace('"off-grid"', '"grid"'), encoding="utf-8")
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(path)
    assert error.value.parameter == "EF_RE,i"
