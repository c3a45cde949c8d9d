"""The solar PV family: variants, factor lookup by case, overrides, estimates, examples."""

from __future__ import annotations

import json
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.authoring.testing import assert_worked_case, worked_cases
from jcmcalc.cli import main
from jcmcalc.inputs.resolve import resolve
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import Methodology
from jcmcalc.model.numbers import exact_text
from jcmcalc.plugin.registry import installed
from jcmcalc.plugin.samples import samples_of
from jcmcalc.views.formatting import methodology_text

PLUGIN = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(PLUGIN.glob("examples/*/project.toml"))
VARIANTS = [
    "TH_AM001",
    "KE_AM002",
    "KH_AM002",
    "VN_AM007",
    "ID_AM017",
    "MN_AM003",
    "MV_AM001",
    "CL_AM001",
    "PW_AM001",
    "PH_AM002",
    "ID_AM013",
    "LA_AM002",
    "CR_AM001",
    "MN_AM004",
    "BD_AM002",
    "MV_AM002",
    "ID_AM014",
]

GENERIC = """
[methodology]
id = "{id}"
version = "{version}"

[[systems]]
id = "S1"
connection_case = "grid"
parameters = {{ "EF_RE,i" = {{ value = "0.5 t_CO2/MWh", source = "test value" }} }}

[[periods]]
start = 2024-01-01
end = 2024-12-31
values = {{ "EG_i,p" = "1000.5 MWh" }}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "project.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("case", worked_cases(PLUGIN / "worked_cases"), ids=lambda p: p.name)
def test_worked_case(case: Path) -> None:
    assert_worked_case(case)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_example_calculates_and_estimates(example: Path) -> None:
    assert jcmcalc.calculate(example).total_credits > 0
    assert jcmcalc.estimate(example).total_credits > 0


#: Records whose country's factor table is not shipped: the project states the factor.
WITHOUT_TABLE = ["TH_AM001", "KE_AM002", "VN_AM007", "MV_AM001", "CL_AM001", "PW_AM001"]
WITHOUT_TABLE += ["PH_AM002", "LA_AM002", "CR_AM001"]


@pytest.mark.parametrize("identifier", WITHOUT_TABLE)
def test_variant_without_shipped_table_calculates_with_a_sourced_factor(tmp_path, identifier):
    result = jcmcalc.calculate(_write(tmp_path, GENERIC.format(id=identifier, version="1.0")))
    assert result.periods[0].reference == Fraction("1000.5") * Fraction("0.5")
    [row] = [r for r in result.to_dict()["inputs"] if r["symbol"] == "EF_RE,i"]
    assert row["origin"] == "project" and row["source"] == "test value"


#: Versions whose text was not read, with the version each takes its equations from.
UNREAD = {
    ("TH_AM001", "2.0"): "1.0",
    ("TH_AM001", "3.0"): "2.0",
    ("MN_AM003", "3.0"): "2.0",
    ("CL_AM001", "2.0"): "1.0",
}


def _family() -> list[Methodology]:
    return [m for m in jcmcalc.methodologies() if m.about.family == "solar-pv"]


def test_every_variant_is_registered_with_versions_and_countries() -> None:
    found = {(m.id, m.version, m.about.country) for m in _family()}
    assert {m[0] for m in found} == set(VARIANTS)
    for identifier, version in [("TH_AM001", "1.0"), ("MN_AM003", "2.0"), ("CL_AM001", "1.0")]:
        assert (identifier, version, identifier[:2]) in found
    assert {(i, v, i[:2]) for i, v in UNREAD} <= found
    assert jcmcalc.get_methodology("MN_AM003", "3.0").about.approved == "2024-08-04"


def test_a_reference_without_version_of_several_is_refused() -> None:
    from jcmcalc.model.errors import InputError

    for identifier, count in (("TH_AM001", 3), ("MN_AM003", 2), ("CL_AM001", 2)):
        with pytest.raises(InputError, match=f"{identifier}: no version named, and {count} are"):
            jcmcalc.get_methodology(identifier)


def test_unknown_parts_are_marked() -> None:
    for methodology in _family():
        assert any(note.startswith("unknown") for note in methodology.notes)
    assert "approval date" in " ".join(jcmcalc.get_methodology("CL_AM001", "1.0").notes)


@pytest.mark.parametrize(("key", "earlier"), UNREAD.items(), ids=lambda k: "@".join(k))
def test_unread_version_says_what_differs_is_unknown(key, earlier) -> None:
    methodology = jcmcalc.get_methodology(*key)
    assert "text not read" in methodology.about.status
    assert methodology.about.confidence == "inferred"
    assert methodology.notes[0].startswith(f"what differs from ver {earlier} is unknown")
    assert all(f"taken from ver {earlier}" in e.inferred for e in methodology.equations)
    assert f"taken from ver {earlier}" in methodology.parameter("EF_RE,i").inferred
    shown = methodology_text(methodology)
    assert f"what differs from ver {earlier} is unknown" in shown and "text not read" in shown
    previous = jcmcalc.get_methodology(key[0], earlier)
    assert [e.text for e in methodology.equations] == [e.text for e in previous.equations]


def test_read_versions_carry_no_revision_label() -> None:
    for methodology in _family():
        if (methodology.id, methodology.version) not in UNREAD:
            assert methodology.about.status == "approved"
            assert not any("what differs" in note for note in methodology.notes)


def test_methodologies_and_show_list_the_unread_versions(capsys) -> None:
    assert main(["methodologies"]) == 0
    listed = {tuple(line.split()[:2]) for line in capsys.readouterr().out.splitlines()}
    assert set(UNREAD) <= listed
    assert main(["show", "MN_AM003@3.0"]) == 0
    shown = capsys.readouterr().out
    assert "what differs from ver 2.0 is unknown" in shown and "2024-08-04" in shown


@pytest.mark.parametrize("key", UNREAD, ids=lambda k: "@".join(k))
def test_unread_version_has_a_worked_case(key) -> None:
    methodology = jcmcalc.get_methodology(*key)
    found = samples_of(methodology, installed())
    assert any(sample.worked for sample in found), key


@pytest.mark.parametrize(
    ("grid", "case", "factor"),
    [
        ("jamali", "grid", "0.619"),
        ("jamali", "grid+captive", "0.533"),
        ("sumatra", "grid+captive", "0.458"),
        ("sulselbar", "grid", "0.243"),
    ],
)
def test_case_lookup_returns_the_sourced_factor(tmp_path, grid, case, factor) -> None:
    text = f"""
    [methodology]
    id = "ID_AM017"
    [[systems]]
    id = "S1"
    grid = "{grid}"
    connection_case = "{case}"
    [[periods]]
    start = 2024-01-01
    end = 2024-12-31
    [periods.values]
    "EG_PV,i,p" = "1 MWh"
    """
    project, methodology = jcmcalc.api.load_project(_write(tmp_path, text))
    value = resolve(methodology, project).fixed["reference_emission_factor"][("S1",)]
    assert value.value == Fraction(factor)
    assert value.origin == "default"
    assert "Indonesian electricity grids" in value.source


def test_override_is_accepted_only_explicitly_and_shows_in_json(tmp_path) -> None:
    text = """
    [methodology]
    id = "MN_AM003"
    version = "2.0"
    [[systems]]
    id = "S1"
    grid = "national"
    connection_case = "grid"
    [systems.parameters]
    "EF_RE,i" = { value = "0.75 t_CO2/MWh", override = true, source = "PDD sec. B" }
    [[periods]]
    start = 2024-01-01
    end = 2024-12-31
    values = { "EG_i,p" = "100 MWh" }
    """
    result = jcmcalc.calculate(_write(tmp_path, text))
    data = json.loads(result.to_json())
    [row] = [r for r in data["inputs"] if r["symbol"] == "EF_RE,i"]
    assert row["origin"] == "override" and row["source"] == "PDD sec. B"
    assert any("override 0.75" in w and "0.797" in w for w in data["warnings"])
    assert result.periods[0].reference == 75
    assert "100 × 0.75 [override]" in data["trace"][0]["substituted"]


def test_same_value_as_the_table_needs_no_override(tmp_path) -> None:
    text = (
        GENERIC.format(id="MN_AM003", version="2.0")
        .replace('connection_case = "grid"', 'grid = "national"\nconnection_case = "grid"')
        .replace('"0.5 t_CO2/MWh", source = "test value"', '"797 kg_CO2/MWh", source = "x"')
    )
    result = jcmcalc.calculate(_write(tmp_path, text))
    assert result.periods[0].reference == Fraction("1000.5") * Fraction("0.797")


def test_register_going_backwards_is_a_clear_error(tmp_path) -> None:
    (tmp_path / "r.csv").write_text(
        'timestamp,system,"EG_i,p [MWh] register"\n2024-01-01T00:00,S1,10\n'
        "2024-06-01T00:00,S1,15\n2024-12-31T00:00,S1,14.5\n"
    )
    text = GENERIC.format(id="TH_AM001", version="1.0").replace(
        'values = { "EG_i,p" = "1000.5 MWh" }', 'data = "r.csv"'
    )
    with pytest.raises(InputError, match=r"row 4: parameter EG_i,p: meter reading goes backwards"):
        jcmcalc.calculate(_write(tmp_path, text))


def test_register_readings_become_energy(tmp_path) -> None:
    (tmp_path / "r.csv").write_text(
        'timestamp,system,"EG_i,p [kWh] register"\n2024-01-01T00:00,S1,10000\n'
        "2024-06-01T00:00,S1,15000\n2024-12-31T00:00,S1,19000.5\n"
    )
    text = GENERIC.format(id="TH_AM001", version="1.0").replace(
        'values = { "EG_i,p" = "1000.5 MWh" }', 'data = "r.csv"'
    )
    result = jcmcalc.calculate(_write(tmp_path, text))
    assert result.periods[0].reference == Fraction("9.0005") * Fraction("0.5")


def test_estimate_and_calculate_agree_when_fed_the_same_energy(tmp_path) -> None:
    estimate_text = """
    [methodology]
    id = "MN_AM003"
    version = "2.0"
    [[systems]]
    id = "S1"
    grid = "national"
    connection_case = "grid"
    [systems.parameters]
    rated_capacity = "2.5 MWp"
    specific_yield = "1421.7 kWh/kWp/year"
    degradation_rate = "0.4 %"
    [estimate]
    start = 2025-01-01
    years = 2
    """
    estimated = jcmcalc.estimate(_write(tmp_path, estimate_text))
    energies = [
        Fraction("2500") * Fraction("1.4217"),
        Fraction("2500") * Fraction("1.4217") * Fraction("0.996"),
    ]
    periods = "".join(
        f"[[periods]]\nstart = {p.start}\nend = {p.end}\n"
        f'values = {{ "EG_i,p" = "{exact_text(e)} MWh" }}\n'
        for p, e in zip(estimated.periods, energies, strict=True)
    )
    monitored = jcmcalc.calculate(
        _write(tmp_path, estimate_text.split("[estimate]")[0].replace("    ", "") + periods)
    )
    for a, b in zip(estimated.periods, monitored.periods, strict=True):
        assert (a.reference, a.credits) == (b.reference, b.credits)


def test_inferred_labels_reach_show_and_results() -> None:
    battery = jcmcalc.get_methodology("ID_AM017")
    assert battery.equation("electricity_delivered").inferred
    category = jcmcalc.get_methodology("KH_AM002")
    assert category.parameter("EG_i,c,p").inferred
    result = jcmcalc.calculate(PLUGIN / "examples" / "indonesia-battery" / "project.toml")
    assert any("EG_i,p: delivered" in note for note in result.provenance["inferred"])
    assert any(step.inferred for step in result.trace if step.symbol == "EG_i,p")


def test_unanswered_criteria_warn_and_strict_fails(tmp_path) -> None:
    path = _write(tmp_path, GENERIC.format(id="TH_AM001", version="1.0"))
    result = jcmcalc.calculate(path)
    assert any("C2" in w and "not answered" in w for w in result.warnings)
    with pytest.raises(InputError, match="eligibility"):
        jcmcalc.calculate(path, strict=True)


@pytest.mark.parametrize(("identifier", "table"), [("ID_AM013", "(ID)"), ("MN_AM004", "(MN)")])
def test_country_tables_applied_by_inference_say_so(identifier: str, table: str) -> None:
    """ID_AM013 and MN_AM004 (texts not read) take their country's shipped factor table, and
    their record labels that use as inferred."""
    record = jcmcalc.get_methodology(identifier, "1.0")
    factor = record.parameter("reference_emission_factor")
    assert factor.default.name.endswith(table)
    assert "by inference" in factor.inferred
    assert record.about.confidence.value == "inferred"


TRIBRID = PLUGIN / "worked_cases" / "indonesia-tribrid-base-stations" / "project.toml"


@pytest.mark.parametrize("identifier", ["BD_AM002", "MV_AM002", "ID_AM014"])
def test_hybrid_records_count_remaining_diesel_as_project_emissions(identifier: str) -> None:
    record = jcmcalc.get_methodology(identifier, "1.0")
    assert [e.text for e in record.equations] == [
        "RE_p = Σ_i(EG_sup,i,p × EF_RE,i)",
        "PE_p = Σ_i(FC_i,p × NCV_i × EF_CO2,i)",
    ]
    assert all(e.inferred for e in record.equations)
    assert record.about.confidence.value == "inferred"


def test_hybrid_supply_in_kwh_under_mwh_is_named_and_strict_refuses(tmp_path, capsys) -> None:
    text = TRIBRID.read_text(encoding="utf-8").replace('"42.7 MWh"', '"42700 MWh"')
    path = _write(tmp_path, text)
    [warning] = [w for w in jcmcalc.calculate(path).warnings if "rated output" in w]
    assert "BTS-1" in warning and "kWh written as MWh?" in warning
    assert main(["calculate", str(path), "--strict"]) == 2
