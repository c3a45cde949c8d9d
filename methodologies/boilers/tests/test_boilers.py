"""Tests of the high-efficiency boiler family (reconstructed, inferred specifics)."""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc import api
from jcmcalc.authoring.testing import assert_worked_case, worked_cases
from jcmcalc.model.errors import InputError
from jcmcalc.model.parameters import Confidence

ROOT = Path(__file__).resolve().parents[1]
CASES = worked_cases(ROOT / "worked_cases")
EXAMPLES = sorted((ROOT / "examples").glob("*/project.toml"))
IDS = [
    f"BOILER_FAMILY_{form}{aux}"
    for form in ("FUEL", "SWITCH", "HEAT", "STEAM")
    for aux in ("", "_AUX")
]

SAME_FUEL = """
[methodology]
id = "BOILER_FAMILY_FUEL_AUX"
version = "1.0"

[[boilers]]
id = "B1"
parameters = {{ "eta_PJ,k" = "0.92", "eta_RE,k" = {{ value = "0.80", source = "test" }} }}

[[fuels]]
id = "F"
fuel = "{fuel}"
parameters = {{ "NCV_j" = {ncv} }}

[[electricity]]
id = "grid"
country = "ID"
grid = "jamali"

[[periods]]
start = 2024-01-01
end = 2024-12-31
values = {{ "FC_k,j,p" = "{fc}", "EC_aux,e,p" = "{ec}" }}
"""


def run(tmp_path: Path, **values: str) -> jcmcalc.api.Result:
    settings = {
        "fuel": "natural_gas",
        "ncv": '{ value = "38 GJ/kL", source = "test" }',
        "fc": "1000 kL",
        "ec": "100 MWh",
    }
    settings.update(values)
    path = tmp_path / "project.toml"
    path.write_text(SAME_FUEL.format(**settings), encoding="utf-8")
    return jcmcalc.calculate(path)


def reductions(result) -> Fraction:
    return result.periods[0].reductions


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_worked_case(case: Path) -> None:
    assert_worked_case(case)


def test_at_least_four_worked_cases() -> None:
    assert {"same-fuel", "fuel-switch", "heat-output", "steam-aux"} <= {c.name for c in CASES}


@pytest.mark.parametrize("project", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_examples_calculate(project: Path) -> None:
    result = jcmcalc.calculate(project)
    assert result.periods
    assert result.total_credits > 0
    assert not result.warnings


def test_methodologies_listed_as_reconstructed() -> None:
    found = {m.id: m for m in jcmcalc.methodologies() if m.about.family == "boilers"}
    assert sorted(found) == sorted(IDS)
    for methodology in found.values():
        assert methodology.about.status == "reconstructed"
        assert methodology.about.confidence is Confidence.INFERRED
        assert api.registry().provider(methodology).distribution == "jcmcalc-boilers"
        assert any("inferred" in note for note in methodology.notes)
        assert "_AM" not in methodology.id


@pytest.mark.parametrize(
    ("case", "bounds"),
    [
        (
            "same-fuel",
            {
                "IPCC 2006 net calorific value (lower)",
                "IPCC 2006 CO2 emission factor (lower)",
                "IPCC 2006 CO2 emission factor (upper)",
            },
        ),
        (
            "heat-output",
            {
                "IPCC 2006 net calorific value (upper)",
                "IPCC 2006 CO2 emission factor (lower)",
                "IPCC 2006 CO2 emission factor (upper)",
            },
        ),
    ],
)
def test_provenance_names_ipcc_bound(case: str, bounds: set[str]) -> None:
    result = jcmcalc.calculate(ROOT / "worked_cases" / case / "project.toml")
    tables = {table["name"] for table in result.provenance["default_tables"]}
    assert bounds <= tables
    rows = result.to_dict()["inputs"]
    sources = {row["symbol"]: row["source"] for row in rows if row["origin"] == "default"}
    assert sources["EF_PJ,j"].endswith("upper value")
    assert any("inferred" in text for text in result.provenance["inferred"])


def test_trace_shows_every_boiler_term() -> None:
    result = jcmcalc.calculate(ROOT / "worked_cases" / "same-fuel" / "project.toml")
    steps = {(s.symbol, s.member): s for s in result.trace}
    assert steps[("RE_k,p", ("B1",))].value == Fraction("3455.635")
    assert "0.0755" in steps[("RE_k,p", ("B1",))].substituted
    assert "0.0788" in steps[("PE_k,p", ("B1",))].substituted


def test_efficiency_not_above_reference_warns() -> None:
    result = jcmcalc.calculate(ROOT / "worked_cases" / "no-improvement" / "project.toml")
    assert result.periods[0].credits == 0
    assert any("eta_PJ,k" in w and "not above eta_RE,k" in w for w in result.warnings)
    assert any("negative" in w for w in result.warnings)


def test_efficiency_must_be_a_fraction(tmp_path: Path) -> None:
    path = tmp_path / "project.toml"
    text = (ROOT / "worked_cases" / "no-improvement" / "project.toml").read_text()
    path.write_text(text.replace('"eta_PJ,k" = "0.80"', '"eta_PJ,k" = "1.2"'))
    with pytest.raises(InputError, match=r"eta_PJ,k.*out of range"):
        jcmcalc.calculate(path)


# --- unit traps --------------------------------------------------------------------------


def test_kwh_and_mwh_agree(tmp_path: Path) -> None:
    assert reductions(run(tmp_path, ec="100 MWh")) == reductions(run(tmp_path, ec="100000 kWh"))
    assert reductions(run(tmp_path, ec="100 MWh")) != reductions(run(tmp_path, ec="100 kWh"))
    with pytest.raises(InputError, match="EC_aux,e,p"):
        run(tmp_path, ec="100 kW")


def test_kg_and_t_agree(tmp_path: Path) -> None:
    mass = {
        "fuel": "residual_fuel_oil",
        "ncv": '{ value = "40 GJ/t", source = "test", override = true }',
    }
    tonnes = reductions(run(tmp_path, fc="1000 t", **mass))
    assert tonnes == reductions(run(tmp_path, fc="1000000 kg", **mass))
    with pytest.raises(InputError, match="FC_k,j,p"):
        run(tmp_path, fc="1000 GJ", **mass)


def test_gj_and_tj_agree(tmp_path: Path) -> None:
    per_gj = reductions(run(tmp_path, ncv='{ value = "38 GJ/kL", source = "test" }'))
    per_tj = reductions(run(tmp_path, ncv='{ value = "0.038 TJ/kL", source = "test" }'))
    assert per_gj == per_tj
    heat = ROOT / "worked_cases" / "heat-output"
    shutil.copytree(heat, tmp_path / "heat")
    project = tmp_path / "heat" / "project.toml"
    text = project.read_text()
    project.write_text(text.replace('H1 = "25 TJ"', 'H1 = "25000 GJ"'))
    assert_worked_case(tmp_path / "heat")
    project.write_text(text.replace('H1 = "25 TJ"', 'H1 = "25 TWh"'))
    result = jcmcalc.calculate(project)  # energy in TWh converts exactly (a different value)
    assert result.periods[0].reference != Fraction(6293)
    project.write_text(text.replace('H1 = "25 TJ"', 'H1 = "25 t"'))
    with pytest.raises(InputError, match="Q_HM,k,p"):
        jcmcalc.calculate(project)


def test_nm3_and_kl_agree(tmp_path: Path) -> None:
    # 1 kL = 1 m3: a normal cubic metre (0 degC, 101.325 kPa) converts to 1 kL one to one.
    kilolitres = reductions(run(tmp_path, fc="1000 kL"))
    assert kilolitres == reductions(run(tmp_path, fc="1000 Nm3"))
    assert kilolitres == reductions(run(tmp_path, fc="1000000 L"))
    assert kilolitres == reductions(
        run(tmp_path, fc="1000 Nm3", ncv='{ value = "38000 MJ/Nm3", source = "test" }')
    )
    assert kilolitres != reductions(run(tmp_path, fc="1000000 Nm3"))


def test_volume_fuel_with_mass_ncv_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="FC_k,j,p") as error:
        run(tmp_path, fc="1000 Nm3", ncv='{ value = "48 GJ/t", source = "t", override = true }')
    assert "NCV_j" in str(error.value) and "never converted" in str(error.value)


def test_volume_fuel_with_ipcc_default_ncv_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "project.toml"
    text = (ROOT / "worked_cases" / "no-improvement" / "project.toml").read_text()
    path.write_text(text.replace('"FC_k,j,p" = "1000 t"', '"FC_k,j,p" = "1000 kL"'))
    with pytest.raises(InputError, match=r"FC_k,j,p.*GJ/t"):
        jcmcalc.calculate(path)


def test_volume_ncv_needs_a_source(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"NCV_j.*another basis"):
        run(tmp_path, ncv='"38 GJ/kL"')


def test_mass_fuel_with_volume_ncv_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="FC_k,j,p"):
        run(tmp_path, fc="1000 t")


def test_csv_fuel_on_wrong_basis_is_an_error(tmp_path: Path) -> None:
    example = ROOT / "examples" / "indonesia-once-through"
    shutil.copytree(example, tmp_path / "example")
    data = tmp_path / "example" / "monitoring-2025H2.csv"
    data.write_text(data.read_text().replace("fuel_consumption [Nm3]", "fuel_consumption [t]"))
    with pytest.raises(InputError, match=r"FC_k,j,p.*period 2"):
        jcmcalc.calculate(tmp_path / "example" / "project.toml")
