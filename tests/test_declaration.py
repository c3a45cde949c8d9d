"""The declaration records: unit choices, monitoring, warning checks, enums, one validator."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

import jcmcalc
from jcmcalc.authoring.conformance import declaration_problems
from jcmcalc.inputs import boundary
from jcmcalc.inputs.consistency import evaluate_warning_checks
from jcmcalc.inputs.values import Origin, Value
from jcmcalc.model.checks import Check, Severity, bound, expectation
from jcmcalc.model.deferred import checks_deferred
from jcmcalc.model.errors import InputError
from jcmcalc.model.expressions.walkers import Constant, Symbol, to, to_text, total
from jcmcalc.model.methodology import (
    PROJECT,
    REFERENCE,
    About,
    Equation,
    Estimate,
    Index,
    Methodology,
    MethodologyError,
    problems,
)
from jcmcalc.model.parameters import (
    FRACTION,
    Confidence,
    Default,
    Kind,
    Monitoring,
    Parameter,
    WhenAbsent,
)
from jcmcalc.run.result import Mode
from jcmcalc.tools.electricity import (
    BEST_DIESEL,
    grid_countries,
    grid_only_factors,
    reference_factors,
)
from jcmcalc.tools.fuel import ipcc_default
from jcmcalc.views.methodology_page import page

ROOT = Path(__file__).resolve().parents[1]
THAI = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop" / "project.toml"
NO_IMPROVEMENT = ROOT / "methodologies" / "boilers" / "worked_cases" / "no-improvement"

ENERGY = Parameter(
    "E_i,p", "energy", "MWh", Kind.MONITORED, "Energy", index=("i",), monitoring=Monitoring(("C",))
)
FACTOR = Parameter("F", "factor", "t_CO2/MWh", Kind.PROJECT, "Emission factor")
HIGH = Parameter(
    "a_i", "high", "dimensionless", Kind.PROJECT, "Higher", index=("i",), bounds=FRACTION
)
LOW = Parameter("b_i", "low", "dimensionless", Kind.PROJECT, "Lower", index=("i",), bounds=FRACTION)
ABOUT = About(family="test", sectoral_scope="test", status="test", source="tests")


def _methodology(**changes) -> Methodology:
    declaration = {
        "id": "T_AM001",
        "version": "1.0",
        "title": "test",
        "about": ABOUT,
        "indices": (Index("i", "systems", "system"),),
        "parameters": (ENERGY, FACTOR),
        "equations": (
            Equation("RE_p", REFERENCE, Constant(1, unit="t_CO2"), "t_CO2", "reference"),
            Equation("PE_p", PROJECT, Constant(0, unit="t_CO2"), "t_CO2", "project"),
        ),
    }
    return Methodology(**{**declaration, **changes})


def test_a_unit_tuple_gives_one_canonical_unit_per_basis() -> None:
    quantity = Parameter("FC", "fuel", ("t", "kL"), Kind.PROJECT, "Fuel")
    assert (quantity.unit, quantity.units, quantity.alternatives) == ("t", ("t", "kL"), ("kL",))
    assert boundary.quantity(quantity, "2000 L") == 2 and quantity.canonical("L") == "kL"
    assert boundary.quantity(quantity, "2000 kg") == 2 and quantity.canonical("kg") == "t"
    assert Parameter("X", "x", "MWh", Kind.PROJECT, "x").units == ("MWh",)


def test_unit_choices_of_different_lengths_do_not_load() -> None:
    two = Parameter("A", "a", ("t", "kL"), Kind.PROJECT, "a")
    three = Parameter("B", "b", ("GJ/t", "GJ/kL", "GJ/Nm3"), Kind.PROJECT, "b")
    with pytest.raises(MethodologyError, match="B has the unit choices GJ/t, GJ/kL, GJ/Nm3"):
        _methodology(parameters=(ENERGY, FACTOR, two, three))


def test_a_monitored_parameter_needs_its_monitoring_record() -> None:
    bare = attrs.evolve(ENERGY, monitoring=None)
    with pytest.raises(MethodologyError, match="E_i,p has no monitoring option"):
        _methodology(parameters=(bare, FACTOR))
    assert ENERGY.options == ("C",) and bare.options == ()


def test_reference_emissions_in_another_unit_do_not_load() -> None:
    energy = Equation("RE_p", REFERENCE, Constant(1, unit="MWh"), "MWh", "reference")
    project = Equation("PE_p", PROJECT, Constant(0, unit="t_CO2"), "t_CO2", "project")
    with pytest.raises(MethodologyError, match="RE_p resolves to megawatt_hour, not t_CO2"):
        _methodology(equations=(energy, project))


def test_an_unknown_unit_is_a_methodology_error() -> None:
    wrong = Parameter("W", "wrong", "furlongs_per_fortnight", Kind.PROJECT, "w")
    with pytest.raises(MethodologyError, match=r"T_AM001 ver 1\.0: parameter W: unknown unit"):
        _methodology(parameters=(ENERGY, FACTOR, wrong))


def test_a_warning_check_may_use_parameters_and_hours_not_results() -> None:
    check = Check("c", ENERGY.ref, ENERGY.ref, "x", index=("i",), severity=Severity.WARNING)
    assert _methodology(checks=(check,)).checks  # a monitored parameter: judged per period
    result = Symbol(REFERENCE, "RE_p")
    on_result = Check("r", result, result, "x", severity=Severity.WARNING)
    with pytest.raises(MethodologyError, match="not the result RE_p"):
        _methodology(checks=(on_result,))
    assert _methodology(checks=(attrs.evolve(on_result, severity=Severity.ERROR),)).checks


def test_conformance_reports_the_validator_s_problems_gaps_first_fatal_last() -> None:
    unsourced = Parameter("D", "d", "MWh", Kind.PROJECT, "", default=Default("1 MWh", source=" "))
    methodology = _methodology(parameters=(ENERGY, FACTOR, unsourced))
    found = problems(methodology)
    assert [p.fatal for p in found] == [False, False]
    assert declaration_problems(methodology) == [
        "T_AM001 ver 1.0: parameter D has no description",
        "T_AM001 ver 1.0: parameter D default '1 MWh' has no source",
    ]
    broken = attrs.evolve(FACTOR, index=("z",))
    with pytest.raises(MethodologyError):
        attrs.evolve(methodology, parameters=(ENERGY, broken, unsourced))


def _fixed(high: str, low: str) -> dict[str, dict[tuple[str, ...], Value]]:
    return {
        "high": {("S1",): Value(Fraction(high), Origin.PROJECT, "test")},
        "low": {("S1",): Value(Fraction(low), Origin.PROJECT, "test")},
    }


def test_an_expectation_warns_where_it_is_not_met_even_at_equality() -> None:
    methodology = _methodology(
        parameters=(ENERGY, FACTOR, HIGH, LOW), checks=(expectation(HIGH, LOW, "look again"),)
    )
    members = {"i": ("S1",)}
    assert evaluate_warning_checks(methodology, _fixed("0.9", "0.8"), members, {}) == []
    assert evaluate_warning_checks(methodology, _fixed("0.8", "0.8"), members, {}) == [
        "a_i (high) for system 'S1' = 0.8 is not above b_i (low) for system 'S1' = 0.8: check "
        "'a_i above b_i', look again"
    ]
    lenient = attrs.evolve(methodology.checks[0], strict=False)
    methodology = attrs.evolve(methodology, checks=(lenient,))
    assert lenient.text == "b_i <= a_i" and methodology.error_checks == ()
    assert evaluate_warning_checks(methodology, _fixed("0.8", "0.8"), members, {}) == []
    assert evaluate_warning_checks(methodology, _fixed("0.7", "0.8"), members, {}) == [
        "a_i (high) for system 'S1' = 0.7 is not at least b_i (low) for system 'S1' = 0.8: "
        "check 'a_i above b_i', look again"
    ]


def _no_sample_runs(sample):
    raise AssertionError(f"no sample was given, yet {sample} runs")


def test_the_boiler_expectation_is_a_warning_check_with_the_former_message() -> None:
    methodology = jcmcalc.get_methodology("BOILER_FAMILY_FUEL", "1.0")
    [check] = [c for c in methodology.checks if c.name == "eta_PJ,k above eta_RE,k"]
    assert (check.severity, check.strict, check.text) == (
        Severity.WARNING,
        True,
        "eta_RE,k < eta_PJ,k",
    )
    result = jcmcalc.calculate(NO_IMPROVEMENT / "project.toml")
    expected = [w for w in result.warnings if "check 'eta_PJ,k above" in w]
    assert expected == [
        "eta_PJ,k (project efficiency) for boiler 'B1' = 0.8 is not above eta_RE,k (reference "
        "efficiency) for boiler 'B1' = 0.8: check 'eta_PJ,k above eta_RE,k', emission reductions "
        "may be negative"
    ]
    text = page(methodology, [], _no_sample_runs)
    assert "### Expectations" in text and "\\eta_{RE,k} < \\eta_{PJ,k}" in text


def test_string_options_are_enums_with_their_former_text() -> None:
    result = jcmcalc.calculate(THAI)
    origins = {value.origin for values in result.inputs.fixed.values() for value in values.values()}
    assert origins and all(isinstance(origin, Origin) for origin in origins)
    assert result.mode is Mode.EX_POST and result.to_dict()["mode"] == "ex post"
    document = json.loads(result.to_json())
    assert {row["origin"] for row in document["inputs"]} <= {str(o) for o in Origin}
    assert '"origin": "default"' in result.to_json()
    fgas = jcmcalc.get_methodology("FGAS_DESTRUCTION_AR5", "1.0")
    assert fgas.parameter("W_k,p").when_absent is WhenAbsent.ZERO
    assert FACTOR.when_absent is WhenAbsent.ERROR


def test_core_factor_tables_keep_their_names_and_keys() -> None:
    offgrid = reference_factors("XX")
    assert (offgrid.name, offgrid.keys) == ("best diesel generator", ("connection_case",))
    (row,) = offgrid.rows.values()
    assert (row.value, row.source) == (BEST_DIESEL.value, BEST_DIESEL.source)
    assert row.confidence is Confidence.INFERRED and "by analogy" in row.note
    country = grid_countries()[0]
    assert reference_factors(country).keys == ("grid", "connection_case")
    auxiliary = grid_only_factors("auxiliary electricity")
    assert auxiliary.name == "JCM grid emission factors, grid-only case (auxiliary electricity)"
    assert auxiliary.keys == ("country", "grid") and all(
        k[0] in grid_countries() for k in auxiliary.rows
    )
    assert ipcc_default("ef", "lower", key="reference_fuel").keys == ("reference_fuel",)


def test_a_warning_check_that_cannot_be_evaluated_is_a_plugin_fault() -> None:
    """Warning checks run through the kernel's loop: a zero its bounds admit is the plugin's
    fault, named, not an internal error."""
    from jcmcalc.model.errors import PluginError
    from jcmcalc.model.expressions.walkers import Constant

    zero = attrs.evolve(expectation(HIGH, LOW, "look again"), left=LOW.ref / Constant(0))
    methodology = _methodology(parameters=(ENERGY, FACTOR, HIGH, LOW), checks=(zero,))
    with pytest.raises(PluginError, match="cannot be evaluated"):
        evaluate_warning_checks(methodology, _fixed("0.9", "0.8"), {"i": ("S1",)}, {})


def test_the_best_diesel_factor_derives_from_the_fuel_table_and_grid_tables_say_their_edition() -> (
    None
):
    from jcmcalc.tools.electricity import best_diesel_derived, factor_table, grid_document

    derived = best_diesel_derived()
    assert round(derived, 3) == Fraction(BEST_DIESEL.value.split()[0])  # 0.5334... -> 0.533
    assert "72.6 tCO2/TJ (IPCC 2006 gas_diesel_oil" in BEST_DIESEL.note
    indonesia = factor_table("ID")
    assert "PARTIAL: the table stops at Sulselbar" in indonesia.version
    assert indonesia.rows[("*", "off-grid")].confidence is Confidence.INFERRED
    assert factor_table("MN").rows[("*", "off-grid")].confidence is Confidence.READ
    assert grid_document("MN")["edition"] == "not recorded"


def _emissions(term) -> tuple[Equation, Equation]:
    return (
        Equation("RE_p", REFERENCE, term, "t_CO2", "reference"),
        Equation("PE_p", PROJECT, Constant(0, unit="t_CO2"), "t_CO2", "project"),
    )


def test_a_symbol_written_otherwise_than_declared_does_not_load() -> None:
    wrong = Symbol(ENERGY.name, "E_WRONG", ENERGY.index)
    with pytest.raises(MethodologyError, match=r"equation RE_p: 'energy' is written E_WRONG"):
        _methodology(equations=_emissions(total("i", wrong * FACTOR.ref)))


def test_a_sum_over_an_undeclared_index_does_not_load() -> None:
    with pytest.raises(MethodologyError, match=r"RE_p: a sum over the undeclared index 'k'"):
        _methodology(equations=_emissions(total("k", total("i", ENERGY.ref * FACTOR.ref))))


def test_an_estimate_in_another_unit_than_its_parameter_does_not_load() -> None:
    power = Parameter("P", "power", "kW", Kind.PROJECT, "power")
    hours = Constant(8760, unit="h", label="8760 h")
    estimate = Estimate((power,), (Equation("E_i,p", "energy", power.ref * hours, "kWh", "e"),))
    with pytest.raises(MethodologyError, match=r"estimate E_i,p is in kWh, but .* is in MWh"):
        _methodology(estimate=estimate)
    exact = to(power.ref * hours, "MWh", "kW * h")
    fixed = Equation("E_i,p", "energy", exact, "MWh", "e", index=("i",))
    assert _methodology(estimate=Estimate((power,), (fixed,))).estimate.equations[0].unit == "MWh"
    assert to_text(exact) == "to(P × 8760 h, MWh)" and exact.right.value == Fraction(1, 1000)


def test_to_refuses_units_of_another_dimension() -> None:
    with pytest.raises(ValueError, match="cannot convert kW to MWh"):
        to(Constant(1, unit="kW"), "MWh", "kW")


def test_ids_and_versions_follow_the_rule() -> None:
    with pytest.raises(MethodologyError, match=r"id 't_am001' must be upper-case"):
        _methodology(id="t_am001")
    with pytest.raises(MethodologyError, match=r"version 'one' is not a version number"):
        _methodology(version="one")


def test_checks_take_each_comparison() -> None:
    for relation, left, strict in (("<", "a_i", True), ("<=", "a_i", False), (">", "b_i", True)):
        check = bound("c", HIGH.ref, relation, LOW.ref, "d", index=("i",))
        assert (to_text(check.left), check.strict) == (left, strict)
    assert bound("c", HIGH.ref, ">=", LOW.ref, "d").text == "b_i <= a_i"
    with pytest.raises(ValueError, match="'==' is not one of"):
        bound("c", HIGH.ref, "==", LOW.ref, "d")


def test_a_parameter_is_found_by_symbol_or_name_as_the_first_declared_of_either() -> None:
    """The lookup kept per methodology gives, for every symbol and name of every installed
    methodology, the first parameter declared with it; an unknown key is refused as before."""
    from jcmcalc.plugin.registry import installed

    registry = installed()
    for methodology in registry.methodologies():
        for parameter in methodology.all_parameters:
            for key in (parameter.symbol, parameter.name):
                first = next(p for p in methodology.all_parameters if key in (p.symbol, p.name))
                assert methodology.parameter(key) is first
    one = registry.get("TH_AM001", "3.0")
    with pytest.raises(InputError, match="has no parameter 'EG_i,q'"):
        one.parameter("EG_i,q")
    first = one.parameters[0]
    clash = attrs.evolve(first, symbol=first.name, name="clash")  # another's name as symbol
    with checks_deferred():
        built = attrs.evolve(one, parameters=(*one.parameters, clash))
    assert built.parameter(first.name) is first and built.parameter("clash") is clash
