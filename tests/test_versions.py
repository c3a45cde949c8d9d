"""Explicit versions: a project or table row naming no version where several are installed is
refused, listing each with its confidence and plugin; a version from another distribution
(a third party's TH_AM001 9.0) never becomes what an unversioned project gets, and is flagged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jcmcalc import api, portfolio
from jcmcalc.model.errors import InputError
from tests.test_data_files import chiller  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[1]
THAI = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop"


def _unnamed(tmp_path: Path) -> Path:
    """The Thai example naming no version of TH_AM001."""
    folder = tmp_path / "thai"
    shutil.copytree(THAI, folder)
    project = folder / "project.toml"
    text = project.read_text(encoding="utf-8")
    assert '\nversion = "1.0"' in text
    project.write_text(text.replace('\nversion = "1.0"', "\n"), encoding="utf-8")
    return project


def test_a_project_without_a_version_of_th_am001_is_refused_listing_them(cli, tmp_path) -> None:
    code, out, err = cli("calculate", _unnamed(tmp_path))
    assert code == 2 and not out
    assert (
        "TH_AM001: no version named, and 3 are installed: 1.0 (read; jcmcalc-solar-pv 1.2.0), "
        "2.0 (reconstructed; jcmcalc-solar-pv 1.2.0), 3.0 (reconstructed; jcmcalc-solar-pv "
        "1.2.0)"
    ) in err


def test_with_one_version_installed_it_is_used_with_a_warning(tmp_path) -> None:
    project = tmp_path / "project.toml"
    text = (ROOT / "tests/bad_inputs/methodology-no-version-of-several/project.toml").read_text()
    project.write_text(text.replace("TH_AM001", "KE_AM002"), encoding="utf-8")
    result = api.calculate(project)
    assert result.methodology.label == "KE_AM002 ver 1.0"
    assert result.warnings[0].startswith(
        "[methodology] names no version: KE_AM002 ver 1.0, the only one installed, is used"
    )


def test_show_and_methodologies_name_the_plugin_of_every_version(cli) -> None:
    code, out, _ = cli("show", "TH_AM001", "--wide")
    assert code == 0
    assert out.startswith("TH_AM001 ver 3.0: provided by jcmcalc-solar-pv 1.2.0\n")
    assert "installed: 1.0 (read; jcmcalc-solar-pv 1.2.0), 2.0 (reconstructed;" in out
    assert "different distributions" not in out
    code, out, _ = cli("show", "TH_AM001@1.0")
    assert out.startswith("TH_AM001 ver 1.0: provided by jcmcalc-solar-pv 1.2.0\n")
    code, out, _ = cli("methodologies")
    assert code == 0 and "different distributions" not in out


def test_a_third_party_version_never_becomes_the_default_and_is_flagged(
    chiller,  # noqa: F811
    cli,
    tmp_path,
) -> None:
    chiller('id = "EXAMPLE_CHILLER"\nversion = "1.0"', 'id = "TH_AM001"\nversion = "9.0"')
    registry = api.registry()
    assert registry.versions("TH_AM001") == ["1.0", "2.0", "3.0", "9.0"]
    project = _unnamed(tmp_path)
    with pytest.raises(InputError) as refused:
        api.calculate(project)
    assert "TH_AM001: no version named, and 4 are installed" in refused.value.message
    assert "9.0 (reconstructed; jcmcalc-example-chiller 0.1.0)" in refused.value.message
    table = tmp_path / "table.csv"
    table.write_text(
        'project,methodology,start,end,system,connection_case,"EG_i,p [MWh]"\n'
        "A,TH_AM001,2024-01-01,2024-12-31,S1,off-grid,100\n"
        "B,TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,100\n",
        encoding="utf-8",
    )
    rows = {r.project: r for r in portfolio.calculate(table, api.get_methodology)[:-1]}
    assert rows["A"].status == "failed" and "4 are installed" in rows["A"].message
    assert rows["B"].status == "ok" and rows["B"].credits == 53
    flag = (
        "TH_AM001: its versions come from different distributions (jcmcalc-example-chiller, "
        "jcmcalc-solar-pv): name the version in every project"
    )
    code, out, _ = cli("methodologies")
    assert code == 0 and flag in out
    code, out, _ = cli("show", "TH_AM001@1.0")
    assert code == 0 and "warning: the versions of TH_AM001 come from different" in out
