"""Issue 16: only HFCs are creditable, in every record; the AR4 record is gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from jcmcalc_fgas_destruction.plugin import plugin

import jcmcalc
from jcmcalc.model.errors import InputError, MethodologyError
from jcmcalc.plugin.datafile import load_file
from jcmcalc.tools.fgas import is_hfc
from jcmcalc.tools.gwp import fgas_species, ozone_depleting

OURS = [m for m in jcmcalc.methodologies() if m.about.family == "fgas-destruction"]


def test_hfcs_are_exactly_the_kigali_hydrofluorocarbons() -> None:
    hfcs = {species for species in fgas_species() if is_hfc(species)}
    assert hfcs == {"HFC-23", "HFC-32", "HFC-125", "HFC-134a", "HFC-143a", "HFC-152a"}
    assert not any(ozone_depleting(species) for species in hfcs)


@pytest.mark.parametrize("methodology", OURS, ids=lambda m: m.label)
def test_every_record_credits_hfcs_only(methodology) -> None:
    table = methodology.parameter("CR_k").default
    credited = {key[0] for key, row in table.rows.items() if row.value == "1"}
    assert credited and all(is_hfc(species) for species in credited)
    for species in ("CFC-11", "CFC-12", "HCFC-22", "HCFC-141b", "HCFC-142b"):
        assert table.rows[(species,)].value == "0"
    assert any("Only HFCs are creditable" in note for note in methodology.notes)


@pytest.mark.parametrize("species", ["HCFC-22", "CFC-12"])
def test_a_record_crediting_an_ods_is_refused(tmp_path: Path, species: str) -> None:
    path = tmp_path / "test.methodology.toml"
    text = (plugin.folder / "fgas-destruction.methodology.toml").read_text(encoding="utf-8")
    path.write_text(text.replace("species=HFC-23 ", f"species={species} HFC-23 "), "utf-8")
    with pytest.raises(MethodologyError, match=f"CR.*only HFCs may be creditable.*{species}"):
        load_file(path)


def test_a_project_naming_the_removed_ar4_record_is_refused(fgas_project) -> None:
    path: Path = fgas_project(
        methodology="FGAS_DESTRUCTION_AR4",
        values='"W_k,p" = { "HCFC-22" = "500 kg" }, "EC_p" = "1 MWh", "FC_j,p" = { LPG = "0 t" }',
    )
    with pytest.raises(InputError, match="unknown methodology 'FGAS_DESTRUCTION_AR4'"):
        jcmcalc.calculate(path)


OVERRIDE = """
[methodology]
id = "FGAS_DESTRUCTION_AR5"
version = "1.0"

[parameters]
EF_elec = {{ value = "0.5 t_CO2/MWh", source = "test" }}
CR_k = {{ "{species}" = {{ value = "{value}", override = true, source = "test" }} }}

[[fuels]]
id = "LPG"
fuel = "liquefied_petroleum_gases"

[[periods]]
start = 2025-01-01
end = 2025-06-30
values = {{ "W_k,p" = {{ "{species}" = "0.5 t" }}, "EC_p" = "1 MWh", "FC_j,p" = {{ LPG = "0 t" }} }}
"""


@pytest.mark.parametrize(("species", "value"), [("HCFC-22", "1"), ("CFC-12", "0.5")])
def test_an_override_crediting_an_ods_is_refused(tmp_path: Path, species: str, value: str) -> None:
    path = tmp_path / "project.toml"
    path.write_text(OVERRIDE.format(species=species, value=value), encoding="utf-8")
    with pytest.raises(InputError, match=f"for {species} .*only HFCs are creditable"):
        jcmcalc.calculate(path)


def test_an_override_may_stop_crediting_an_hfc(tmp_path: Path) -> None:
    path = tmp_path / "project.toml"
    path.write_text(OVERRIDE.format(species="HFC-32", value="0"), encoding="utf-8")
    result = jcmcalc.calculate(path)
    assert result.total_credits == 0
    assert any("HFC-32 destroyed but not credited" in w for w in result.warnings)
