"""Tests of the high-efficiency boiler family (reconstructed, inferred specifics)."""

from __future__ import annotations

import shutil
import tomllib
from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc import api
from jcmcalc.authoring.testing import assert_worked_case, unlabelled, worked_cases
from jcmcalc.model.errors import InputError
from jcmcalc.model.parameters import Confidence
from jcmcalc.views.formatting import methodology_text

ROOT = Path(__file__).resolve().parents[1]
CASES = worked_cases(ROOT / "worked_cases")
EXAMPLES = sorted((ROOT / "examples").glob("*/project.toml"))
#: The approved records: country, approval date, title (shared/domain/data/methodologies.csv).
APPROVED = {
    "MN_AM002": (
        "MN",
        "2015-01-28",
        "Replacement and Installation of High Efficiency Heat Only Boiler (HOB) for Hot Water "
        "Supply Systems",
    ),
    "ID_AM015": ("ID", "", "Once-through boiler methodology (exact title not read)"),
    "TH_AM010": ("TH", "", "High-efficiency boiler methodology (exact title not read)"),
}
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


def _methodology_of(case: Path) -> str:
    project = tomllib.loads((case / "project.toml").read_text(encoding="utf-8"))
    return project["methodology"]["id"]


@pytest.mark.parametrize("project", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_examples_calculate(project: Path) -> None:
    result = jcmcalc.calculate(project)
    assert result.periods
    assert result.total_credits > 0
    assert not result.warnings


def test_family_forms_are_named_as_not_approved() -> None:
    found = {m.id: m for m in jcmcalc.methodologies() if m.about.family == "boilers"}
    assert sorted(found) == sorted([*IDS, *APPROVED])
    for methodology in (found[i] for i in IDS):
        assert methodology.about.status == "reconstructed"
        assert methodology.about.confidence is Confidence.INFERRED
        assert "not an approved JCM methodology" in methodology.title
        assert methodology.notes[0].startswith("not an approved JCM methodology")
        assert api.registry().provider(methodology).distribution == "jcmcalc-boilers"
        assert "_AM" not in methodology.id
        assert "inferred" in methodology.about.sectoral_scope


@pytest.mark.parametrize("identifier", sorted(APPROVED))
def test_approved_records_carry_their_identity(identifier: str) -> None:
    methodology = jcmcalc.get_methodology(identifier, "1.0")
    country, approved, title = APPROVED[identifier]
    about = methodology.about
    assert (about.status, about.country, about.approved) == ("approved", country, approved)
    assert methodology.title == title
    assert about.confidence is Confidence.INFERRED  # identity read, equations not
    assert api.registry().provider(methodology).distribution == "jcmcalc-boilers"
    assert any("its text was not read" in note for note in methodology.notes)
    assert methodology.parameter("EF_CO2,j").inferred
    if identifier != "MN_AM002":
        assert about.sectoral_scope == "not read"
    shown = {case.name for case in CASES if _methodology_of(case) == identifier}
    assert shown, f"{identifier} has no worked case"


def test_mn_am002_scope_and_draft_criteria() -> None:
    methodology = jcmcalc.get_methodology("MN_AM002", "1.0")
    assert methodology.about.sectoral_scope.startswith("1: Energy industries")
    criteria = {c.id: c for c in methodology.criteria}
    assert [c.confidence for c in criteria.values()] == [Confidence.READ] * 4 + [
        Confidence.INFERRED
    ]
    assert "coal-fired heat-only boiler" in criteria["C1"].text
    assert "0.10 MW to 3.15 MW" in criteria["C2"].text
    assert "new installation, a replacement" in criteria["C3"].text
    assert "dust collectors" in criteria["C4"].text
    assert all("draft" in criteria[c].text for c in ("C1", "C2", "C3", "C4"))
    fuels = dict(methodology.indices[1].attributes)["fuel"]
    assert "natural_gas" not in fuels and "sub_bituminous_coal" in fuels


def test_mn_am002_refuses_a_gas_fired_boiler(tmp_path: Path) -> None:
    path = tmp_path / "project.toml"
    text = (ROOT / "worked_cases" / "mn-am002-hob" / "project.toml").read_text()
    path.write_text(text.replace('"sub_bituminous_coal"', '"natural_gas"'))
    with pytest.raises(InputError, match="natural_gas"):
        jcmcalc.calculate(path)


@pytest.mark.parametrize("case", ["same-fuel", "heat-output", "fuel-switch"])
def test_provenance_names_the_one_factor_and_why(case: str) -> None:
    result = jcmcalc.calculate(ROOT / "worked_cases" / case / "project.toml")
    tables = {table["name"] for table in result.provenance["default_tables"]}
    assert "IPCC 2006 CO2 emission factor (default)" in tables
    assert not {t for t in tables if "emission factor" in t and "(default)" not in t}
    rows = result.to_dict()["inputs"]
    sources = {row["symbol"]: row["source"] for row in rows if row["origin"] == "default"}
    assert sources["EF_CO2,j"].endswith("default value")
    inferred = "\n".join(result.provenance["inferred"])
    assert "one CO2 factor per fuel on both sides" in inferred
    assert "EF_CO2,j: IPCC 2006 default value by default" in inferred


def test_show_says_which_factor_and_why() -> None:
    text = methodology_text(jcmcalc.get_methodology("BOILER_FAMILY_FUEL", "1.0"))
    assert "EF_CO2,j (emission_factor)" in text
    assert "one value per fuel on both the reference and the project side" in text
    assert "CO2 emission factor (default)" in text
    assert "EF_RE" not in text and "EF_PJ" not in text


def _ratio(case: str, member: str) -> Fraction:
    result = jcmcalc.calculate(ROOT / "worked_cases" / case / "project.toml")
    steps = {(s.symbol, s.member): s.value for s in result.trace}
    return steps[("RE_k,p", (member,))] / steps[("PE_k,p", (member,))]


def test_same_fuel_ratio_is_the_efficiency_ratio_exactly() -> None:
    assert _ratio("mn-am002-hob", "HOB-1") == Fraction("0.80") / Fraction("0.64")
    assert _ratio("same-fuel", "B1") == Fraction("0.92") / Fraction("0.80")
    assert _ratio("same-fuel", "B2") == Fraction("0.90") / Fraction("0.80")
    assert _ratio("fuel-switch-two-boilers", "GB2") == Fraction("0.95") / Fraction("0.76")
    assert _ratio("no-improvement", "B1") == 1


def test_trace_shows_every_boiler_term() -> None:
    result = jcmcalc.calculate(ROOT / "worked_cases" / "same-fuel" / "project.toml")
    steps = {(s.symbol, s.member): s for s in result.trace}
    assert steps[("RE_k,p", ("B1",))].value == Fraction("3542.598")
    assert "0.0774" in steps[("RE_k,p", ("B1",))].substituted
    assert "0.0774" in steps[("PE_k,p", ("B1",))].substituted


def test_a_stated_factor_applies_on_both_sides() -> None:
    result = jcmcalc.calculate(ROOT / "worked_cases" / "th-am010-stated-factor" / "project.toml")
    steps = {(s.symbol, s.member): s for s in result.trace}
    assert "0.077" in steps[("RE_k,p", ("B1",))].substituted
    assert "0.077" in steps[("PE_k,p", ("B1",))].substituted
    assert any("override 0.077" in w for w in result.warnings)


def test_reference_fuel_with_another_factor_than_the_same_fired_fuel_warns(
    tmp_path: Path,
) -> None:
    case = ROOT / "worked_cases" / "fuel-switch-two-boilers"
    unasked = [w for w in jcmcalc.calculate(case / "project.toml").warnings if "not given" not in w]
    assert not unasked  # only the rated heat input, which the case does not state, is asked for
    stated = '"EF_CO2,j" = { value = "0.0570 t_CO2/GJ", source = "test", override = true }, '
    text = (case / "project.toml").read_text().replace('{ "NCV_j"', "{ " + stated + '"NCV_j"')
    path = tmp_path / "project.toml"
    path.write_text(text)
    warnings = jcmcalc.calculate(path).warnings
    assert any(
        "EF_RE,k for boiler 'GB2'" in w and "fuel 'NG'" in w and "one CO2 factor per fuel" in w
        for w in warnings
    )
    assert not any("boiler 'GB1'" in w and "one CO2 factor" in w for w in warnings)


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


def test_gas_in_nm3_is_shown_in_nm3_as_written() -> None:
    """Values are computed in the volume basis's kL (1 Nm3 = 1 kL), but shown as written: the
    project file's and the monitoring file's Nm3, and the NCV's MJ/Nm3 as GJ/Nm3."""
    result = jcmcalc.calculate(ROOT / "examples" / "indonesia-once-through" / "project.toml")
    units = {(row["symbol"], row["period"]): row["unit"] for row in result.to_dict()["inputs"]}
    assert units[("FC_k,j,p", 1)] == units[("FC_k,j,p", 2)] == "Nm3"  # project file, CSV
    assert units[("NCV_j", None)] == "GJ/Nm3"
    fuel = result.inputs.periods[1].values["fuel_consumption"][("OTB-1", "NG")]
    assert (fuel.value, fuel.unit, fuel.written) == (415675, "kL", "Nm3")


def test_every_record_labels_what_was_not_read() -> None:
    family = [m for m in jcmcalc.methodologies() if m.about.family == "boilers"]
    assert len(family) == 11
    for methodology in family:
        assert not unlabelled(methodology), (methodology.label, unlabelled(methodology))
