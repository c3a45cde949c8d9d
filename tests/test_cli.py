"""The command line: listing, showing, calculating, formats, exit codes, determinism."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PV_EXAMPLES

THAI = PV_EXAMPLES / "thai-rooftop" / "project.toml"


def test_version_and_help(cli) -> None:
    code, out, _ = cli("--version")
    assert code == 0 and out.startswith("jcmcalc 0.")
    for command in ("methodologies", "plugins", "show", "calculate", "estimate"):
        assert (
            command
            in subprocess.run(
                [sys.executable, "-m", "jcmcalc.cli", "--help"], capture_output=True, text=True
            ).stdout
        )


def test_help_of_every_command() -> None:
    for command in ("methodologies", "plugins", "show", "calculate", "estimate"):
        run = subprocess.run(
            [sys.executable, "-m", "jcmcalc.cli", command, "--help"], capture_output=True, text=True
        )
        assert run.returncode == 0 and "usage: jcmcalc" in run.stdout


def test_methodologies_lists_the_eight_pv_variants(cli) -> None:
    code, out, _ = cli("methodologies")
    assert code == 0
    for identifier, version, country in [
        ("TH_AM001", "1.0", "TH"),
        ("KE_AM002", "1.0", "KE"),
        ("KH_AM002", "1.0", "KH"),
        ("VN_AM007", "1.0", "VN"),
        ("ID_AM017", "1.0", "ID"),
        ("MN_AM003", "2.0", "MN"),
        ("MV_AM001", "1.0", "MV"),
        ("CL_AM001", "1.0", "CL"),
    ]:
        line = next(line for line in out.splitlines() if line.startswith(identifier))
        assert line.split()[1:3] == [version, country]
        assert "jcmcalc-solar-pv" in line


def test_plugins_lists_distribution_and_version(cli) -> None:
    code, out, _ = cli("plugins")
    assert code == 0
    assert any(
        line.split()[:3] == ["solar_pv", "jcmcalc-solar-pv", "1.2.0"] for line in out.splitlines()
    )


def test_show_prints_parameters_equations_defaults_sources_and_inferred(cli) -> None:
    code, out, _ = cli("show", "ID_AM017@1.0")
    assert code == 0
    assert "RE_p = Σ_i(EG_i,p × EF_RE,i)" in out
    assert "true: EG_PV,i,p - EC_charge,i,p + EG_discharge,i,p; false: EG_PV,i,p" in out
    assert "jamali / grid+captive: 0.533 t_CO2/MWh" in out
    assert "IGES Additional information" in out
    assert "INFERRED" in out


def test_show_lists_the_checks(cli) -> None:
    code, out, _ = cli("show", "BOILER_FAMILY_FUEL@1.0")
    assert code == 0
    assert (
        "  eta_PJ,k above eta_RE,k [warning]: eta_RE,k < eta_PJ,k: emission reductions may be "
        "negative" in out
    )


def test_show_unknown_methodology_exits_2(cli) -> None:
    code, out, err = cli("show", "XX_AM001")
    assert code == 2 and out == "" and "unknown methodology 'XX_AM001'" in err


def test_a_short_number_suggests_the_padded_id(cli) -> None:
    code, _, err = cli("show", "TH_AM01")
    assert code == 2 and "(did you mean 'TH_AM001'?)" in err


def test_units_prints_the_unit_vocabulary(cli) -> None:
    code, out, _ = cli("units")
    assert code == 0 and "# Unit vocabulary" in out and "`USRt`" in out


def test_calculate_names_the_estimate_value_it_misses(cli, tmp_path) -> None:
    """The comparison with the project's own estimate says which value it lacks, as
    ``estimate`` does."""
    shutil.copytree(THAI.parent, tmp_path / "p")
    project = tmp_path / "p" / "project.toml"
    project.write_text(project.read_text().replace(', specific_yield = "1350 kWh/kWp/year"', ""))
    code, out, err = cli("calculate", project)
    assert code == 0
    assert "the [estimate] cannot be compared" in out + err
    assert "parameter SY_i: missing value for PV system 'BKK-01'" in out + err


def test_errors_are_importable_from_the_package() -> None:
    import jcmcalc
    from jcmcalc.model import errors

    assert jcmcalc.InputError is errors.InputError
    assert issubclass(jcmcalc.InputError, jcmcalc.JcmcalcError)
    assert issubclass(jcmcalc.MethodologyError, jcmcalc.PluginError)


EXAMPLE_PROJECTS = sorted(
    Path(__file__).parent.parent.glob("methodologies/*/examples/*/project.toml")
)


@pytest.mark.parametrize("project", EXAMPLE_PROJECTS, ids=lambda p: p.parent.name)
def test_default_text_output_fits_100_columns(cli, project: Path) -> None:
    code, out, _ = cli("calculate", project)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 100
    wide = cli("calculate", project, "--wide")[1]
    assert max(len(line) for line in wide.splitlines()) > 100

    def words(text: str) -> list[str]:
        return sorted(word for word in text.split() if set(word) != {"-"})

    assert words(wide) == words(out)  # wrapping moves words, never drops one


def test_show_fits_100_columns_and_says_a_shared_source_once(cli) -> None:
    code, out, _ = cli("show", "ID_AM015@1.0")
    assert code == 0 and max(len(line) for line in out.splitlines()) <= 100
    assert out.count("IPCC 2006 GL Vol.2 Ch.1 Tables 1.2 and 1.4; lower and upper") <= 4


def test_estimate_shows_the_yearly_table_once(cli) -> None:
    code, out, _ = cli("estimate", THAI)
    assert code == 0 and "Emission reductions by calendar year" not in out


def test_calculate_json_has_the_documented_fields(cli) -> None:
    code, out, _ = cli("calculate", THAI, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["methodology"] == {
        "id": "TH_AM001",
        "version": "1.0",
        "title": "Installation of Solar PV System",
        "country": "TH",
    }
    period = data["periods"][0]
    for key in (
        "start",
        "end",
        "reference_emissions_tco2",
        "project_emissions_tco2",
        "emission_reductions_tco2",
        "credits",
    ):
        assert key in period
    assert data["total_credits"] == sum(p["credits"] for p in data["periods"])
    assert data["provenance"]["methodology"]["id"] == "TH_AM001"
    assert data["provenance"]["plugin"]["distribution"] == "jcmcalc-solar-pv"
    assert len(data["provenance"]["inputs_sha256"]) == 64
    assert data["trace"][0]["symbol"] == "RE_p"


def test_json_is_byte_identical_across_runs_and_folders(cli, tmp_path) -> None:
    first = cli("calculate", THAI, "--format", "json")[1]
    second = cli("calculate", THAI, "--format", "json")[1]
    copy = tmp_path / "copy"
    shutil.copytree(THAI.parent, copy)
    third = cli("calculate", copy / "project.toml", "--format", "json")[1]
    assert first == second == third


def test_input_hash_changes_with_a_data_file(cli, tmp_path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(THAI.parent, copy)
    before = json.loads(cli("calculate", copy / "project.toml", "--format", "json")[1])
    csv = copy / "monthly-2024H1.csv"
    csv.write_text(csv.read_text().replace("95210.4", "95210.5"))
    after = json.loads(cli("calculate", copy / "project.toml", "--format", "json")[1])
    assert before["provenance"]["inputs_sha256"] != after["provenance"]["inputs_sha256"]


def test_output_file_is_written_whole_or_not_at_all(cli, tmp_path) -> None:
    target = tmp_path / "result.md"
    assert cli("calculate", THAI, "--format", "markdown", "-o", target)[0] == 0
    assert target.read_text().startswith("# Thai rooftop PV (example)")
    missing = tmp_path / "missing.toml"
    failed = tmp_path / "failed.json"
    assert cli("calculate", missing, "-o", failed)[0] == 2
    assert not failed.exists()
    assert list(tmp_path.glob(".*")) == []


def test_console_script_runs_the_demo_end_to_end() -> None:
    executable = shutil.which("jcmcalc", path=str(Path(sys.executable).parent))
    run = subprocess.run([executable, "calculate", str(THAI)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "total" in run.stdout and "1209" in run.stdout


def test_internal_error_exits_1_without_traceback(cli, monkeypatch) -> None:
    from jcmcalc import api

    def boom(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "calculate", boom)
    code, _, err = cli("calculate", THAI)
    assert code == 1 and "internal error: RuntimeError: boom" in err and "Traceback" not in err
    code, _, err = cli("--debug", "calculate", THAI)
    assert code == 1 and "Traceback" in err


def test_a_reader_that_goes_away_is_no_internal_error() -> None:
    """`jcmcalc methodologies | head -1`: the pipe closes before jcmcalc writes."""
    command = [str(Path(sys.executable).parent / "jcmcalc"), "methodologies"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # before the process has started writing
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141, stderr
    assert "internal error" not in stderr and "Traceback" not in stderr
