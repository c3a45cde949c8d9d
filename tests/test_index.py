"""The methodology index: a command reads no data file it does not use, a changed file (or a
file it includes) is read again, a broken file that no command uses is still found by
``plugins``, ``--strict-plugins`` and the conformance check, and an unusable cache only costs
time."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from jcmcalc import api
from jcmcalc.authoring.conformance import registry_problems
from jcmcalc.model.errors import MethodologyError
from jcmcalc.plugin import datafile, index
from jcmcalc.plugin import registry as plugins

ROOT = Path(__file__).resolve().parents[1]
CHILLER = ROOT / "examples" / "plugins" / "jcmcalc-example-chiller" / "src"
CHILLER = CHILLER / "jcmcalc_example_chiller"
THAI = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop" / "project.toml"
PACKAGE = "jcmcalc_index_extra"
#: The data files the thai-rooftop example's methodology (TH_AM001) is declared in.
THAI_FILES = {"metered-output.methodology.toml", "solar-pv.toml", "estimate.toml", "capacity.toml"}
SLIP = ("sum(i, EC_PJ[i] * EF_elec)", "sum(i, EC_PJ[i] * EF_elect)")


def chiller_copy(number: int, old: str = "", new: str = "") -> str:
    """The example chiller's data file as methodology ``EXTRA_AM<number>``, edited."""
    text = (CHILLER / "chiller.methodology.toml").read_text("utf-8")
    assert old in text, old
    text = text.replace(old, new, 1)
    return text.replace('id = "EXAMPLE_CHILLER"', f'id = "EXTRA_AM{number:03d}"', 1)


@pytest.fixture
def extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Install a plugin (``extra_plugin``, a ``Family``) of the data files given by name;
    returns its package folder. The built-in plugins stay installed beside it."""

    def install(**files: str) -> Path:
        site = tmp_path / "site"
        package = site / PACKAGE
        package.mkdir(parents=True)
        (package / "__init__.py").write_text(
            "from jcmcalc.plugin.family import Family\n\nplugin = Family(__name__)\n", "utf-8"
        )
        shutil.copy(CHILLER / "cop_re.csv", package)
        for name, text in files.items():
            (package / name.replace("__", ".")).write_text(text, "utf-8")
        info = site / f"{PACKAGE}-0.1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: jcmcalc-index-extra\nVersion: 0.1.0\n", "utf-8"
        )
        (info / "entry_points.txt").write_text(f"[jcmcalc]\nextra_plugin = {PACKAGE}:plugin\n")
        monkeypatch.syspath_prepend(str(site))
        monkeypatch.delitem(sys.modules, PACKAGE, raising=False)
        api.registry.cache_clear()
        return package

    yield install
    sys.modules.pop(PACKAGE, None)
    api.registry.cache_clear()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How often each data file (or file one includes) is read as TOML, by name."""
    counted: Counter[str] = Counter()
    read = datafile._read

    def counting(path: Path) -> dict:
        counted[path.name] += 1
        return read(path)

    monkeypatch.setattr(datafile, "_read", counting)
    return counted


def test_a_command_reads_only_the_data_files_it_uses(extra, reads, cli) -> None:
    extra(**{f"x{n}__methodology__toml": chiller_copy(n) for n in range(20)})
    first = plugins.load()  # the first command after the install lists every file once
    assert sum(reads[f"x{n}.methodology.toml"] for n in range(20)) == 20
    assert len([m for m in first.listed() if m.id.startswith("EXTRA_AM")]) == 20
    reads.clear()
    code, out, err = cli("calculate", THAI, "--format", "json")
    assert code == 0, err
    assert set(reads) == THAI_FILES, reads  # each read once, by the one data file's build
    assert '"total_credits": 1209' in out
    reads.clear()
    registry = plugins.load()
    assert registry.get("EXTRA_AM007", "1.0").title.startswith("Installation of energy")
    assert set(reads) == {"x7.methodology.toml"}
    registry.complete()  # plugins, conformance: every file is built
    assert {f"x{n}.methodology.toml" for n in range(20)} <= set(reads)


def test_methodologies_lists_what_the_index_lists(extra, reads, cli) -> None:
    """``methodologies`` lists the index's entries; it builds them, as it leaves out (and
    names) a BROKEN one (``test_a_broken_file_no_command_uses_is_still_found``)."""
    extra(x1__methodology__toml=chiller_copy(1, 'confidence = "inferred"', 'country = "TH"'))
    plugins.load()
    code, out, _ = cli("methodologies")
    assert code == 0
    (row,) = [line.split() for line in out.splitlines() if "EXTRA_AM001" in line]
    assert row[:3] == ["EXTRA_AM001", "1.0", "TH"] and row[-2:] == ["jcmcalc-index-extra", "0.1.0"]
    listed = {m.label: m for m in plugins.load().listed()}["EXTRA_AM001 ver 1.0"]
    assert listed.confidence == plugins.load().get("EXTRA_AM001").about.confidence == "read"


def test_a_changed_file_is_listed_anew(extra, reads) -> None:
    package = extra(x1__methodology__toml=chiller_copy(1), x2__methodology__toml=chiller_copy(2))
    plugins.load()
    path = package / "x2.methodology.toml"
    path.write_text(path.read_text("utf-8").replace("(example)", "(changed)", 1), "utf-8")
    reads.clear()
    registry = plugins.load()
    titles = {m.id: m.title for m in registry.listed()}
    assert titles["EXTRA_AM002"].endswith("(changed)")
    assert titles["EXTRA_AM001"].endswith("(example)")
    assert set(reads) == {"x2.methodology.toml"}  # listed again; the other from the index
    assert registry.get("EXTRA_AM002").title == titles["EXTRA_AM002"]


def test_a_changed_included_file_is_listed_anew(extra, reads) -> None:
    title = 'title = "Installation of energy-efficient centrifugal chillers (example)"\n'
    text = 'include = ["shared.toml"]\n' + chiller_copy(1, title, "")
    package = extra(x1__methodology__toml=text, shared__toml=f"[methodology]\n{title}")
    assert plugins.load().get("EXTRA_AM001").title.endswith("(example)")
    shared = package / "shared.toml"
    shared.write_text(shared.read_text("utf-8").replace("(example)", "(shared)"), "utf-8")
    reads.clear()
    registry = plugins.load()
    assert next(m.title for m in registry.listed() if m.id == "EXTRA_AM001").endswith("(shared)")
    assert reads == {"x1.methodology.toml": 1, "shared.toml": 1}


def test_a_broken_file_no_command_uses_is_still_found(extra, cli) -> None:
    extra(
        x1__methodology__toml=chiller_copy(1), x2__methodology__toml=chiller_copy(2, *SLIP)
    )  # fmt: skip
    plugins.load()  # listed: its identity reads well
    code, _, err = cli("calculate", THAI)
    assert (code, err) == (0, "")  # the broken file is not used, so not built
    code, out, err = cli("plugins")
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("extra_plugin")]
    assert any(row.split()[1:3] == ["jcmcalc-index-extra", "0.1.0"] for row in rows)
    assert any(row.split()[1:3] == ["jcmcalc-index-extra", "BROKEN"] for row in rows)
    assert "'EF_elect' is not" in out.replace("\n", " ").replace("  ", " ")
    code, out, err = cli("--strict-plugins", "calculate", THAI)
    assert (code, out) == (1, "") and "'extra_plugin' (jcmcalc-index-extra) failed to load" in err
    assert any("'EF_elect' is not declared" in p for p in registry_problems(plugins.load()))


def test_a_broken_file_a_command_uses_is_broken_alone(extra, cli) -> None:
    extra(x1__methodology__toml=chiller_copy(1), x2__methodology__toml=chiller_copy(2, *SLIP))
    registry = plugins.load()
    with pytest.raises(MethodologyError, match=r"x2.methodology.toml: EXTRA_AM002 .*EF_elect"):
        registry.get("EXTRA_AM002")
    assert registry.broken == [] and "EXTRA_AM002" not in registry.versions("EXTRA_AM002")
    assert registry.get("EXTRA_AM001").title.startswith("Installation of energy")
    code, out, err = cli("show", "EXTRA_AM002@1.0")
    assert code == 1 and out == "" and "'EF_elect' is not declared" in err, err


def test_a_file_whose_identity_cannot_be_read_is_broken_alone(extra) -> None:
    extra(x1__methodology__toml=chiller_copy(1), x2__methodology__toml="[methodology\n")
    registry = plugins.load()
    assert registry.broken == []
    (unusable,) = registry.unusable.values()
    assert "x2.methodology.toml: cannot read" in unusable.error
    assert registry.get("EXTRA_AM001").title.startswith("Installation of energy")


@pytest.mark.parametrize("cache", ["a file", "not json", "0"])
def test_an_unusable_cache_costs_only_time(extra, reads, monkeypatch, tmp_path, cache) -> None:
    package = extra(x1__methodology__toml=chiller_copy(1))
    setting = tmp_path / "cache"
    if cache == "a file":  # a cache folder that cannot be made, as one that cannot be written
        setting.write_text("", "utf-8")
        setting = setting / "below"
    monkeypatch.setenv("JCMCALC_INDEX_CACHE", "0" if cache == "0" else str(setting))
    for _ in range(2):
        if cache == "not json":
            place = index.cache_file(package)
            place.parent.mkdir(parents=True, exist_ok=True)
            place.write_text("{not json", "utf-8")
        reads.clear()
        registry = plugins.load()
        assert registry.get("EXTRA_AM001").title.endswith("(example)")
        assert reads["x1.methodology.toml"] == 2  # listed, then built: nothing was kept


def test_the_cache_is_in_the_user_cache_folder(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("JCMCALC_INDEX_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    place = index.cache_file(Path("/plugins/x"))
    assert place.parent == tmp_path / "jcmcalc" / f"index-{index.FORMAT}"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert index.cache_folder() == Path.home() / ".cache" / "jcmcalc"
