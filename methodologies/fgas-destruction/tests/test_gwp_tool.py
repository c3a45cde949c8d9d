"""The core F-gas tool: molar masses from formulae, blends, GWP sets."""

from __future__ import annotations

from fractions import Fraction

import pytest

from jcmcalc.tools import gwp


@pytest.mark.parametrize(
    ("species", "grams_per_mole"),
    [
        ("HFC-134a", "102.03"),
        ("HFC-32", "52.02"),
        ("HFC-125", "120.02"),
        ("HCFC-22", "86.47"),
        ("CFC-12", "120.91"),
        ("HFC-23", "70.01"),
    ],
)
def test_molar_mass_from_formula(species: str, grams_per_mole: str) -> None:
    mass = gwp.molar_mass(gwp.formula(species))
    assert round(mass, 2) == Fraction(grams_per_mole)


def test_molar_mass_is_exact_in_the_atomic_weights() -> None:
    # C2H2F4: 2 x 12.011 + 2 x 1.008 + 4 x 18.998403162 = 24.022 + 2.016 + 75.993612648
    assert gwp.molar_mass("C2H2F4") == Fraction("102.031612648")
    assert Fraction("12.011") + 2 * Fraction("15.999") == gwp.CO2_MOLAR_MASS


def test_carbon_atoms() -> None:
    assert gwp.carbon_atoms("C2HF5") == 2
    assert gwp.carbon_atoms("CHClF2") == 1
    assert gwp.carbon_atoms(gwp.formula("CFC-113")) == 2


@pytest.mark.parametrize("text", ["", "c2h2", "C2(H)2", "C2H2Xx", "2CH4"])
def test_bad_formula(text: str) -> None:
    with pytest.raises(ValueError):
        gwp.molar_mass(text)


def test_atomic_weights_are_cited() -> None:
    assert "IUPAC" in gwp.ATOMIC_WEIGHTS_SOURCE
    assert gwp.ATOMIC_WEIGHTS["F"] == Fraction("18.998403162")  # CIAAW 2021, as cited


def test_blends_split_into_known_species() -> None:
    assert set(gwp.blends()) >= {"R-404A", "R-407C", "R-410A", "R-507A"}
    for blend in gwp.blends():
        split = gwp.blend_composition(blend)
        assert sum(split.values()) == 1
        assert set(split) <= set(gwp.fgas_species())
    assert gwp.blend_composition("R-410A") == {"HFC-32": Fraction(1, 2), "HFC-125": Fraction(1, 2)}
    assert "ASHRAE" in gwp.blend_source("R-404A")


def test_gwp_tables_are_named_with_their_set() -> None:
    ar4, ar5 = gwp.gwp_table("AR4"), gwp.gwp_table("AR5")
    assert ar4.name == "GWP-100 IPCC AR4" and ar5.name == "GWP-100 IPCC AR5"
    assert ar4.lookup({"species": "HFC-134a"}).value == "1430 t_CO2e/t"
    assert ar5.lookup({"species": "HFC-134a"}).value == "1300 t_CO2e/t"
    assert ar5.lookup({"species": "unknown"}) is None
    assert gwp.gwp("HCFC-22", "AR5") == 1760
    with pytest.raises(ValueError):
        gwp.gwp_table("AR6")


def test_every_species_has_a_gwp_in_both_sets() -> None:
    for species in gwp.fgas_species():
        assert gwp.gwp(species, "AR4") > 0 and gwp.gwp(species, "AR5") > 0
    assert gwp.ozone_depleting("HCFC-22") and not gwp.ozone_depleting("HFC-32")


def test_formulas_and_blends_cite_their_source() -> None:
    from jcmcalc.tools.gwp import carbon_atoms_table, molar_mass_table

    for table in (molar_mass_table(), carbon_atoms_table()):
        assert all("Table 8.A.1" in row.source for row in table.rows.values())
    assert "edition not recorded" in gwp.blend_source("R-404A")
