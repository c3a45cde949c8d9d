"""Fluorinated gases: species, refrigerant blends, GWP-100 sets and molar masses.

Methodologies that credit the destruction (or avoided release) of F-gases call this tool:

- :func:`gwp_table` gives the 100-year GWP of every species from one IPCC assessment report
  (``AR4``, ``AR5``) as a :class:`~jcmcalc.model.parameters.DefaultTable` keyed by ``species``,
  named with its set, so the trace and the provenance show which set a result rests on. The set is
  chosen by the methodology, never by a project.
- :func:`blend_composition` splits a refrigerant blend (``R-410A``) into its components by mass
  (ASHRAE Standard 34 nominal composition).
- :func:`molar_mass` and :func:`carbon_atoms` follow from the chemical formula and the atomic
  weights below, exactly; the molar mass of CO2 comes from the same weights, so the carbon
  balance ``W x n_C x M_CO2 / M`` never mixes two sets of atomic weights.

Data: ``jcmcalc/data/gwp100.csv``, ``fgas_species.csv`` and ``refrigerant_blends.csv``, each row
with its source.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from fractions import Fraction
from functools import cache

from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Confidence, Default, DefaultTable
from jcmcalc.tools.data import table

#: Standard atomic weights [g/mol] of the elements in F-gases and CO2. H, C, O and Cl have an
#: interval as their standard atomic weight; IUPAC gives a single *conventional* value for them,
#: used here. F has a single standard value.
ATOMIC_WEIGHTS: Mapping[str, Fraction] = {
    "H": Fraction("1.008"),
    "C": Fraction("12.011"),
    "O": Fraction("15.999"),
    "F": Fraction("18.998403162"),
    "Cl": Fraction("35.45"),
}
ATOMIC_WEIGHTS_SOURCE = (
    "IUPAC Commission on Isotopic Abundances and Atomic Weights (CIAAW), Standard atomic "
    "weights of the elements 2021, Pure Appl. Chem. 94 (2022) 573-600: conventional atomic "
    "weights of H, C, O, Cl; standard atomic weight of F"
)

GWP_SETS: Mapping[str, tuple[str, str]] = {
    "AR4": ("ar4_gwp100", "IPCC AR4 WG1 Table 2.14 (2007), 100-year GWP"),
    "AR5": ("ar5_gwp100", "IPCC AR5 WG1 Table 8.A.1 (2013), 100-year GWP"),
}

_ELEMENT = re.compile(r"([A-Z][a-z]?)(\d*)")


def formula_atoms(formula: str) -> Counter[str]:
    """Atoms per molecule of a plain formula such as ``C2HF5`` (no brackets, no charges).

    Raises ``ValueError`` for text that is not such a formula or names an element without an
    atomic weight here.
    """
    text = formula.strip()
    atoms: Counter[str] = Counter()
    position = 0
    for match in _ELEMENT.finditer(text):
        if match.start() != position:
            break
        element, count = match.group(1), match.group(2)
        if element not in ATOMIC_WEIGHTS:
            raise ValueError(f"formula {formula!r}: no atomic weight for element {element!r}")
        atoms[element] += int(count) if count else 1
        position = match.end()
    if not text or position != len(text):
        raise ValueError(f"{formula!r} is not a plain chemical formula (such as 'C2HF5')")
    return atoms


def molar_mass(formula: str) -> Fraction:
    """Molar mass [g/mol] of ``formula``, exact from :data:`ATOMIC_WEIGHTS`."""
    atoms = formula_atoms(formula)
    return sum((ATOMIC_WEIGHTS[element] * n for element, n in atoms.items()), Fraction(0))


def carbon_atoms(formula: str) -> int:
    """Carbon atoms per molecule of ``formula`` (``n_C``)."""
    return formula_atoms(formula)["C"]


#: Molar mass of CO2 [g/mol] from the same atomic weights: 12.011 + 2 x 15.999 = 44.009.
CO2_MOLAR_MASS = molar_mass("CO2")


# --- species and blends ----------------------------------------------------------------------


@cache
def species_rows() -> Mapping[str, Mapping[str, str]]:
    """Rows of ``fgas_species.csv`` by species (``HFC-134a``...), in file order."""
    return {row["species"]: row for row in table("fgas_species")}


def fgas_species() -> tuple[str, ...]:
    """The F-gas species with a formula in jcmcalc's data."""
    return tuple(species_rows())


def formula(species: str) -> str:
    """Chemical formula of ``species`` (``KeyError`` when unknown)."""
    return species_rows()[species]["formula"]


def ozone_depleting(species: str) -> bool:
    """Whether ``species`` is a Montreal Protocol ozone-depleting substance (CFC, HCFC)."""
    return species_rows()[species]["ozone_depleting"] == "yes"


@cache
def _blends() -> Mapping[str, Mapping[str, Fraction]]:
    found: dict[str, dict[str, Fraction]] = {}
    for row in table("refrigerant_blends"):
        found.setdefault(row["blend"], {})[row["component"]] = Fraction(row["mass_fraction"])
    return found


def blends() -> tuple[str, ...]:
    """Refrigerant blends whose composition ships with jcmcalc (``R-404A``...)."""
    return tuple(_blends())


def blend_composition(blend: str) -> Mapping[str, Fraction]:
    """Nominal mass fraction of each component of ``blend`` (``KeyError`` when unknown)."""
    return dict(_blends()[blend])


def blend_source(blend: str) -> str:
    """Where the composition of ``blend`` comes from."""
    sources = {row["source"] for row in table("refrigerant_blends") if row["blend"] == blend}
    return "; ".join(sorted(sources))


# --- GWP sets and default tables -------------------------------------------------------------


def gwp(species: str, gwp_set: str) -> Fraction:
    """GWP-100 of ``species`` in ``gwp_set`` (``AR4`` or ``AR5``) [t_CO2e/t]."""
    column, _ = _set(gwp_set)
    for row in table("gwp100"):
        if row["species"] == species:
            return Fraction(row[column])
    raise KeyError(species)


def _set(gwp_set: str) -> tuple[str, str]:
    if gwp_set not in GWP_SETS:
        raise ValueError(f"unknown GWP set {gwp_set!r} (known: {', '.join(GWP_SETS)})")
    return GWP_SETS[gwp_set]


def gwp_table(gwp_set: str) -> DefaultTable:
    """GWP-100 by ``species`` from one assessment report, as a table named with the set."""
    column, title = _set(gwp_set)
    rows = {
        (row["species"],): Default(
            value=f"{row[column]} t_CO2e/t",
            source=f"{title}: {row['species']}",
            confidence=Confidence.STANDARD,
        )
        for row in table("gwp100")
    }
    return DefaultTable(
        name=f"GWP-100 IPCC {gwp_set}",
        version=title,
        keys=("species",),
        rows=rows,
        source=f"jcmcalc/data/gwp100.csv, column {column}",
    )


def molar_mass_table() -> DefaultTable:
    """Molar mass by ``species`` [kg/kmol, numerically g/mol], computed from the formula."""
    rows = {
        (name,): Default(
            value=f"{decimal_text(molar_mass(row['formula']), None)} kg/kmol",
            source=(
                f"computed from the formula {row['formula']} ({row['formula_source']}) and "
                f"{ATOMIC_WEIGHTS_SOURCE}"
            ),
            confidence=Confidence.STANDARD,
        )
        for name, row in species_rows().items()
    }
    return DefaultTable(
        name="F-gas molar masses from the formula",
        version="IUPAC CIAAW 2021 atomic weights",
        keys=("species",),
        rows=rows,
        source="jcmcalc/data/fgas_species.csv and jcmcalc.tools.gwp.ATOMIC_WEIGHTS",
    )


def carbon_atoms_table() -> DefaultTable:
    """Carbon atoms per molecule by ``species``, counted in the formula."""
    rows = {
        (name,): Default(
            value=str(carbon_atoms(row["formula"])),
            source=f"counted in the formula {row['formula']} ({row['formula_source']})",
            confidence=Confidence.STANDARD,
        )
        for name, row in species_rows().items()
    }
    return DefaultTable(
        name="F-gas carbon atoms per molecule",
        version="fgas_species.csv of jcmcalc 0.1",
        keys=("species",),
        rows=rows,
        source="jcmcalc/data/fgas_species.csv",
    )


CO2_MOLAR_MASS_DEFAULT = Default(
    value=f"{decimal_text(CO2_MOLAR_MASS, None)} kg_CO2/kmol",
    source=f"12.011 + 2 x 15.999 g/mol, {ATOMIC_WEIGHTS_SOURCE}",
    confidence=Confidence.STANDARD,
)
