"""Plugin faults: a methodology whose code raises, or hands back NaN, a float, a wrong unit or
a zero denominator, gives exit code 1 naming the plugin and the methodology, never a number."""

from __future__ import annotations

import pytest

from jcmcalc import api

PROJECT = """
[methodology]
id = "{id}"

[[systems]]
id = "A"

[parameters]
F = "0.5 t_CO2/MWh"
{extra}

[[periods]]
start = 2020-01-01
end = 2020-12-31
{values}
"""

FAULTS = {
    "FAULT_READER_RAISES": ("", 'data = "m.csv"', ["its monitoring reader", "KeyError"]),
    "FAULT_READER_NAN": ("", 'data = "m.csv"', ["nan for E_i,p: not an exact number"]),
    "FAULT_READER_FLOAT": ("", 'data = "m.csv"', ["0.1 for E_i,p: not an exact number"]),
    "FAULT_READER_UNIT": ("", 'data = "m.csv"', ["E_i,p in 'kWh'", "canonical units MWh"]),
    "FAULT_READER_MEMBER": (
        "",
        'data = "m.csv"',
        ["(1, 'energy', ('Z',))", "no such period or member"],
    ),
    "FAULT_READER_BOUNDS": (
        "",
        'data = "m.csv"',
        ["its monitoring reader 'fault_reader_bounds'", "-1000 MWh is out of range: must be >= 0"],
    ),
    "FAULT_READER_ABSURD": ("", 'data = "m.csv"', ["10^18 MWh is absurdly large"]),
    "FAULT_READER_EMPTY": (
        "",
        'data = "m.csv"',
        ["reader 'fault_reader_empty' (reading m.csv) returned no readings"],
    ),
    "FAULT_NOTICE_RAISES": ("", VALUES := 'values = { "E_i,p" = "1 MWh" }', ["ZeroDivisionError"]),
    "FAULT_FRACTIONAL_POWER": ('X = "0.5"', VALUES, ["equation RE_p", "non-integer power"]),
    "FAULT_NAN_DEFAULT": ("", VALUES, ["default of F", "'nan t_CO2/MWh' is not a finite number"]),
}


@pytest.fixture
def faulty(installed_plugins, monkeypatch):
    monkeypatch.syspath_prepend(str(installed_plugins["jcmcalc-faulty-plugin"]))
    monkeypatch.syspath_prepend(str(installed_plugins["jcmcalc-wrongunit-plugin"]))
    api.registry.cache_clear()
    yield
    api.registry.cache_clear()


@pytest.mark.parametrize("methodology", FAULTS)
def test_plugin_fault_names_plugin_and_methodology(methodology, faulty, project, cli) -> None:
    extra, values, words = FAULTS[methodology]
    path = project(
        PROJECT.format(id=methodology, extra=extra, values=values), m__csv="x [MWh]\n1\n"
    )
    code, out, err = cli("calculate", path, "--format", "json")
    assert code == 1, err
    assert out == ""
    assert "Traceback" not in err
    assert f"plugin fault in jcmcalc-faulty-plugin 0.0.1, methodology {methodology} ver 1.0" in err
    for word in words:
        assert word in err, err


def test_equation_of_the_wrong_dimension_names_plugin_and_methodology(faulty, project, cli):
    path = project(PROJECT.format(id="WRONG_UNIT_AM001", extra="", values=VALUES))
    code, out, err = cli("calculate", path)
    assert (code, out) == (1, ""), err
    # checked when a command first uses it: the error names the methodology and its plugin
    assert "(plugin 'wrongunit', jcmcalc-wrongunit-plugin 0.0.1)" in err
    assert "WRONG_UNIT_AM001 ver 1.0, equation RE_p: the expression is in megawatt_hour" in err


def test_expired_version_applies_to_a_project_registered_before(faulty, project) -> None:
    text = PROJECT.format(id="EXPIRED_AM001", extra="", values=VALUES)
    path = project('[project]\nname = "early"\nregistered = 2019-03-01\n' + text)
    result = api.calculate(path)
    assert result.total_credits == 0  # 1 MWh x 0.5 t/MWh
    assert any(
        "expired on 2020-06-30" in w and "registered 2019-03-01" in w for w in result.warnings
    )


def test_expired_version_is_fine_for_periods_before_expiry(faulty, project) -> None:
    text = PROJECT.format(id="EXPIRED_AM001", extra="", values=VALUES)
    path = project(text.replace("end = 2020-12-31", "end = 2020-06-30"))
    (warning,) = api.calculate(path).warnings  # no version named: the latest is used, said
    assert warning.startswith("[methodology] names no version: EXPIRED_AM001 ver 1.0")


def test_a_divisor_whose_bounds_admit_zero_is_broken_and_the_others_stay(
    faulty, project, cli
) -> None:
    """Caught when the methodology is checked, not when a project gives the zero: one rule,
    the methodology BROKEN (named, with the reason), every other one listed and usable."""
    path = project(PROJECT.format(id="FAULT_DIVIDES_BY_ZERO", extra='X = "0"', values=VALUES))
    code, out, err = cli("calculate", path)
    assert code == 1 and not out
    reason = "FAULT_DIVIDES_BY_ZERO ver 1.0, equation RE_p: divides by X, whose bounds (>= 0)"
    assert reason in err and "(plugin 'faulty', jcmcalc-faulty-plugin 0.0.1)" in err
    code, out, err = cli("methodologies")
    assert code == 0 and "FAULT_FRACTIONAL_POWER" in out and "TH_AM001" in out
    assert "FAULT_DIVIDES_BY_ZERO" not in out and "WRONG_UNIT_AM001" not in out
    assert "FAULT_DIVIDES_BY_ZERO ver 1.0 (jcmcalc-faulty-plugin 0.0.1) is BROKEN" in err
    code, out, _ = cli("plugins")
    assert code == 0
    broken = [line for line in out.splitlines() if "BROKEN" in line]
    assert any(reason in line and line.startswith("faulty ") for line in broken)
    assert any("WRONG_UNIT_AM001 ver 1.0" in line for line in broken)


def test_a_unit_slip_no_longer_hides_every_methodology(faulty, cli) -> None:
    code, out, err = cli("methodologies")
    assert code == 0 and "MN_AM003" in out and "EXPIRED_AM001" in out
    assert "WRONG_UNIT_AM001 ver 1.0 (jcmcalc-wrongunit-plugin 0.0.1) is BROKEN" in err
    assert "the expression is in megawatt_hour" in err
