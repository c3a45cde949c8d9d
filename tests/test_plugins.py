"""Plugin discovery through real installed distributions, duplicates, broken plugins."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from jcmcalc import hookimpl
from jcmcalc.model.errors import PluginError
from jcmcalc.plugin import registry as plugins
from jcmcalc.plugin.registry import DuplicateMethodologyError


@pytest.fixture
def installed(installed_plugins: dict[str, Path]) -> dict[str, Path]:
    return installed_plugins


def test_entry_point_discovery_of_an_installed_plugin(installed, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(installed["jcmcalc-example-plugin"]))
    registry = plugins.load()
    methodology = registry.get("XX_AM999", "1.0")
    provider = registry.provider(methodology)
    assert (provider.distribution, provider.version) == ("jcmcalc-example-plugin", "0.3.1")
    assert provider in registry.plugins
    # the record handed out names its plugin: fault messages need no lookup of the registry
    assert methodology.plugin == provider.label
    # the built-ins come through the same entry-point group
    solar = registry.provider(registry.get("MN_AM003", "2.0"))
    assert solar.distribution == "jcmcalc-solar-pv"


def test_broken_plugin_is_reported_and_skipped(installed, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(installed["jcmcalc-broken-plugin"]))
    registry = plugins.load()
    [broken] = registry.broken
    assert broken.name == "broken"
    assert broken.distribution == "jcmcalc-broken-plugin"
    assert "jcmcalc_dependency_that_is_not_installed" in broken.error
    assert registry.get("MN_AM003", "2.0")


def test_a_plugin_written_for_0_1_is_told_what_replaced_its_field(installed, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(installed["jcmcalc-oldstyle-plugin"]))
    [broken] = plugins.load().broken
    assert "unexpected keyword argument 'options'" in broken.error
    assert "written for jcmcalc 0.1?" in broken.error
    assert "monitoring=Monitoring(options, measurement, frequency)" in broken.error


def test_the_migration_page_lists_every_replaced_field() -> None:
    from jcmcalc.model.parameters import REPLACED_FIELDS

    page = (Path(__file__).parent.parent / "docs" / "authors" / "migration.md").read_text()
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", page, re.MULTILINE))
    assert rows == REPLACED_FIELDS


def test_broken_plugin_is_fatal_when_strict(installed, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(installed["jcmcalc-broken-plugin"]))
    with pytest.raises(PluginError, match=r"'broken' .*jcmcalc-broken-plugin.* failed to load"):
        plugins.load(strict=True)


def test_cli_reports_broken_plugin_on_stderr(installed, monkeypatch, tmp_path) -> None:
    path = str(installed["jcmcalc-broken-plugin"])
    environment = {"PYTHONPATH": path, "PATH": "/usr/bin:/bin"}
    ok = subprocess.run(
        [sys.executable, "-m", "jcmcalc.cli", "methodologies"],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert ok.returncode == 0
    assert "plugin 'broken' (jcmcalc-broken-plugin) was skipped" in ok.stderr
    strict = subprocess.run(
        [sys.executable, "-m", "jcmcalc.cli", "--strict-plugins", "methodologies"],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert strict.returncode == 1
    assert "Traceback" not in strict.stderr


def _fake_plugin(methodologies):
    class Plugin:
        @hookimpl
        def jcmcalc_methodologies(self):
            return methodologies

    return Plugin()


def test_duplicate_methodology_names_both_plugins() -> None:
    registry = plugins.Registry(plugins.new_manager())
    methodology = plugins.load().get("MN_AM003", "2.0")
    registry.add(_fake_plugin([methodology]), "first", "dist-one", "1.0")
    with pytest.raises(DuplicateMethodologyError, match=r"'dist-one'.*'dist-two'"):
        registry.add(_fake_plugin([methodology]), "second", "dist-two", "2.0")


def test_misspelled_hook_fails_check_pending() -> None:
    class Misspelled:
        @hookimpl
        def jcmcalc_methodologes(self):  # typo on purpose
            return []

    registry = plugins.Registry(plugins.new_manager())
    with pytest.raises(Exception, match="unknown hook"):
        registry.add(Misspelled(), "typo", "dist-typo", "1.0")
    assert registry.plugins == []


def test_version_spellings_are_the_same_version() -> None:
    registry = plugins.load()
    assert registry.get("MN_AM003", "ver02.0") is registry.get("MN_AM003", "2")


def test_a_command_checks_only_the_methodologies_it_uses(monkeypatch) -> None:
    checked: list[str] = []
    monkeypatch.setattr(plugins, "check", lambda methodology: checked.append(methodology.label))
    registry = plugins.load()
    assert checked == [] and len(registry.versions("TH_AM001")) > 1
    registry.get("TH_AM001", "1.0")
    registry.get("TH_AM001", "ver01.0")
    assert checked == ["TH_AM001 ver 1.0"]
    plugins.load(strict=True)  # strict: every methodology is checked when the plugins load
    assert len(checked) == 1 + len(registry.providers)
