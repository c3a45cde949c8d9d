"""Methodologies as data files: the example chiller plugin passes the conformance kit, and each
slip of a declaration stops it loading with a message naming plugin, methodology and place."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from jcmcalc import api
from jcmcalc.authoring.conformance import problems, registry_problems
from jcmcalc.model.errors import MethodologyError, PluginError
from jcmcalc.plugin import registry as plugins
from jcmcalc.plugin.registry import DuplicateMethodologyError

ROOT = Path(__file__).resolve().parents[1]
CHILLER = ROOT / "examples" / "plugins" / "jcmcalc-example-chiller"
PACKAGE = "jcmcalc_example_chiller"
DATA_FILE = "chiller.methodology.toml"
#: What a load error of the chiller names: the plugin, its distribution, file and methodology.
NAMED = r"'example_chiller' \(jcmcalc-example-chiller\).*chiller\.methodology\.toml: "
NAMED += r"EXAMPLE_CHILLER ver 1\.0"


def fake_distribution(site: Path, entry_point: str = f"{PACKAGE}:plugin") -> None:
    """A .dist-info in ``site`` registering ``entry_point`` in the ``jcmcalc`` group."""
    info = site / "jcmcalc_example_chiller-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: jcmcalc-example-chiller\nVersion: 0.1.0\n", "utf-8"
    )
    (info / "entry_points.txt").write_text(f"[jcmcalc]\nexample_chiller = {entry_point}\n")


@pytest.fixture
def chiller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    """Install the example chiller plugin (a copy, as edited) from its source tree; returns
    the copy's root. The built-in plugins stay installed beside it."""

    def install(old: str = "", new: str = "") -> Path:
        root = tmp_path / "jcmcalc-example-chiller"
        shutil.copytree(CHILLER, root)
        data = root / "src" / PACKAGE / DATA_FILE
        text = data.read_text("utf-8")
        assert old in text, old
        data.write_text(text.replace(old, new, 1), "utf-8")
        fake_distribution(tmp_path / "site")
        monkeypatch.syspath_prepend(str(root / "src"))
        monkeypatch.syspath_prepend(str(tmp_path / "site"))
        monkeypatch.delitem(sys.modules, PACKAGE, raising=False)
        api.registry.cache_clear()
        return root

    yield install
    sys.modules.pop(PACKAGE, None)
    api.registry.cache_clear()


def test_the_chiller_example_conforms(chiller) -> None:
    root = chiller()
    registry = api.registry()
    methodology = registry.get("EXAMPLE_CHILLER", "1.0")
    assert registry.provider(methodology).distribution == "jcmcalc-example-chiller"
    assert problems(methodology, registry) == []
    assert not [p for p in registry_problems(registry) if "chiller" in p]
    assert len((root / "src" / PACKAGE / DATA_FILE).read_text("utf-8").splitlines()) <= 80
    assert [c.text for c in methodology.checks] == [
        "300 USRt <= Cap_i",
        "COP_thr < COP_PJ,i",
        "EC_PJ,i,p <= to(Cap_i × H_p / COP_PJ,i, MWh)",
    ]


def test_the_example_is_a_worked_case_too(chiller) -> None:
    from jcmcalc.authoring.testing import assert_worked_case

    root = chiller()
    example = root / "examples" / "two-chillers"
    assert_worked_case(example)
    assert api.calculate(example / "project.toml").total_credits == 181
    assert_worked_case(root / "worked_cases" / "estimate")


def test_a_chiller_below_300_usrt_is_refused(chiller, tmp_path) -> None:
    from jcmcalc.model.errors import InputError

    root = chiller()
    project = root / "examples" / "two-chillers" / "project.toml"
    project.write_text(project.read_text("utf-8").replace('"350 USRt"', '"299 USRt"'), "utf-8")
    with pytest.raises(InputError, match=r"CH2: check 'C1 capacity' fails"):
        api.calculate(project)


SLIPS = {
    "estimate in kWh for a MWh parameter": (
        '"MWh")\'',
        '"kWh")\'',
        r", estimate EC_PJ,i,p is in kWh, but the parameter it estimates, EC_PJ,i,p, is in MWh",
    ),
    "estimate of a power for an energy": (
        'to(Cap[i] * LF[i] * H[i] * "1 year" / COP_PJ[i], "MWh")',
        "Cap[i] * LF[i] / COP_PJ[i]",
        r", estimate EC_PJ,i,p is in refrigeration_ton, but .* is in MWh",
    ),
    "default in a unit of another dimension": (
        'value = "5.5"',
        'value = "5.5 kW"',
        r": parameter COP_thr, default: '5.5 kW' is not in a unit of the dimension",
    ),
    "default in a misspelled unit": (
        'value = "5.5"',
        'value = "5.5 precent"',
        r": parameter COP_thr, default: unknown unit 'precent'",
    ),
    "unknown unit of a parameter": (
        'unit = "USRt"',
        'unit = "RTon"',
        r", parameter Cap: unknown unit 'RTon'",
    ),
    "sum over an undeclared index": (
        "sum(i, EC_PJ[i] * EF_elec)",
        "sum(k, EC_PJ[i] * EF_elec)",
        r", equation PE: sum\(k, .*\): 'k' is not a declared index",
    ),
    "a symbol without its indices": (
        "sum(i, EC_PJ[i] * EF_elec)",
        "sum(i, EC_PJ * EF_elec)",
        r", equation PE: write EC_PJ\[i\], not EC_PJ",
    ),
    "an id in lower case": (
        'id = "EXAMPLE_CHILLER"',
        'id = "example_chiller"',
        r"example_chiller ver 1\.0: id 'example_chiller' must be upper-case",
    ),
    "a misspelled key": ('bounds = "> 0"', 'bonds = "> 0"', r"unknown key 'bonds' \(did you mean"),
    "a comparison that is no check": (
        '"COP_PJ[i] > COP_thr"',
        '"COP_PJ[i] == COP_thr"',
        r", check C2 COP: .* is not one comparison with <, <=, > or >=",
    ),
    "a default outside its bounds": (
        'value = "5.5"',
        'value = "-5.5"',
        r": parameter COP_thr, default: '-5\.5' is outside the parameter's own bounds \(>= 0",
    ),
    "a divisor whose bounds admit zero": (
        'bounds = "> 0"\ndefault_table',
        "default_table",
        r", equation RE_p: divides by COP_RE,i, whose bounds \(>= 0\) admit zero",
    ),
    "a function that is not allowed": (
        "sum(i, EC_PJ[i] * EF_elec)",
        "__import__('os')",
        r", equation PE: unknown function '__import__'",
    ),
}


@pytest.mark.parametrize("slip", SLIPS, ids=list(SLIPS))
def test_check_gives_each_slip_the_verdict_of_loading(chiller, slip: str, cli, tmp_path) -> None:
    """``jcmcalc check`` on a data file that is not installed: exit 2 with the message that
    loading the installed file gives (without the plugin's name)."""
    old, new, message = SLIPS[slip]
    copy = _chiller_copy(tmp_path / "draft", old, new)
    code, out, err = cli("check", copy)
    assert code == 2 and not out
    assert re.search(message, err), err
    chiller(old, new)
    with pytest.raises(PluginError) as loading:
        plugins.load(strict=True)
    said = err.removeprefix("jcmcalc: error: ").strip()
    assert said in str(loading.value)


def test_check_and_show_take_a_data_file_that_is_not_installed(cli, tmp_path) -> None:
    copy = _chiller_copy(tmp_path)
    code, out, _ = cli("check", copy)
    assert code == 0
    assert out.startswith("chiller.methodology.toml: EXAMPLE_CHILLER ver 1.0 loads: 6 param")
    code, out, _ = cli("show", copy)
    assert code == 0 and "JCM EXAMPLE_CHILLER ver 1.0: Installation of energy-efficient" in out
    assert "full load [warning]" in out
    bare = _chiller_copy(tmp_path / "bare", '  { name = "full load"', '#  { name = "full load"')
    code, out, _ = cli("check", bare)
    assert code == 0 and "does not conform: EXAMPLE_CHILLER ver 1.0 declares no plausib" in out
    code, _, err = cli("show", tmp_path / "none.methodology.toml")
    assert code == 2 and "no such methodology data file" in err


@pytest.mark.parametrize("slip", SLIPS, ids=list(SLIPS))
def test_each_slip_stops_the_plugin_loading(chiller, slip: str) -> None:
    old, new, message = SLIPS[slip]
    chiller(old, new)
    place = NAMED.replace(r"EXAMPLE_CHILLER ver 1\.0", "") if "lower case" in slip else NAMED
    with pytest.raises(PluginError, match=place + ".*" + message):
        plugins.load(strict=True)


@pytest.mark.parametrize("version", ["Ver1", "1", "ver 1.0"])
def test_a_plugin_cannot_shadow_a_built_in(chiller, version: str) -> None:
    chiller('id = "EXAMPLE_CHILLER"\nversion = "1.0"', f'id = "TH_AM001"\nversion = "{version}"')
    with pytest.raises(DuplicateMethodologyError, match=r"TH_AM001 .* provided twice") as raised:
        plugins.load()
    message = str(raised.value)
    assert "'jcmcalc-solar-pv' (as TH_AM001 ver 1.0)" in message
    assert f"'jcmcalc-example-chiller' (as TH_AM001 ver {version})" in message


def test_ids_are_looked_up_without_regard_to_case() -> None:
    assert api.registry().get("th_am001", "Ver1").label == "TH_AM001 ver 1.0"


def test_a_lower_case_id_is_refused_where_a_built_in_has_it(chiller) -> None:
    chiller('id = "EXAMPLE_CHILLER"', 'id = "th_am001"')
    with pytest.raises(PluginError, match=r"id 'th_am001' must be upper-case"):
        plugins.load(strict=True)


def test_an_unreadable_data_file_is_named(tmp_path) -> None:
    from jcmcalc.plugin.datafile import load_file

    path = tmp_path / "x.methodology.toml"
    path.write_text("[methodology\n", "utf-8")
    with pytest.raises(MethodologyError, match=r"x\.methodology\.toml: cannot read"):
        load_file(path)


def test_formulas_take_every_allowed_form() -> None:
    from fractions import Fraction

    from jcmcalc.model.expressions.formula import Declared, parse_term
    from jcmcalc.model.expressions.terms import Symbol
    from jcmcalc.model.expressions.walkers import evaluate, to_text

    names = {
        "x": Declared(Symbol("x", "x_i", ("i",)), "MWh"),
        "y": Declared(Symbol("y", "y"), "MWh"),
    }
    text = 'max(0.1 * y, -min(y, "500 kWh")) + sum(i, floor(x[i])) + (1 - 0.5) ** 2 * y'
    term = parse_term(text, names, {"i"}, "test")
    values = {"x": {("a",): Fraction(5, 2), ("b",): Fraction(1)}, "y": {(): Fraction(3)}}

    def lookup(symbol, bindings):
        return values[symbol.name][tuple(bindings[i] for i in symbol.index)]

    assert evaluate(term, lookup, {"i": ("a", "b")}, {}) == Fraction(3, 10) + 3 + Fraction(3, 4)
    assert to_text(term).startswith("max(0.1 × y, 0 - min(y, 500 kWh))")
    chosen = parse_term('select(i, "kind", {"a": x[i], "b": 2 * x[i]})', names, {"i"}, "t")
    assert [key for key, _ in chosen.cases] == ["a", "b"]
    for bad, message in (("y.__class__", "not allowed"), ("x", r"write x\[i\]"), ("z", "'z'")):
        with pytest.raises(MethodologyError, match=message):
            parse_term(bad, names, {"i"}, "test")


def test_the_pytest_plugin_shows_a_plugin_that_fails_to_load_in_full(chiller, tmp_path) -> None:
    import os
    import subprocess

    root = chiller("sum(i, EC_PJ[i] * EF_elec)", "sum(i, EC_PJ[i] * EF_elect)")
    test = tmp_path / "test_mine.py"
    test.write_text(
        "def test_conforms(jcmcalc_conformance):\n    jcmcalc_conformance('EXAMPLE_CHILLER@1.0')\n",
        "utf-8",
    )
    path = os.pathsep.join([str(tmp_path / "site"), str(root / "src"), *sys.path])
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": path},
        cwd=tmp_path,
    )
    assert run.returncode == 1, run.stdout
    assert (
        "plugin 'example_chiller' (jcmcalc-example-chiller) failed to load "
        "chiller.methodology.toml: chiller.methodology.toml: EXAMPLE_CHILLER ver 1.0"
    ) in run.stdout
    assert "'EF_elect' is not declared (did you mean 'EF_elec'?)" in run.stdout
    assert "unknown methodology" not in run.stdout


def test_a_value_the_methodology_requires_a_source_for_needs_one(chiller) -> None:
    from jcmcalc.model.errors import InputError

    root = chiller()
    project = root / "examples" / "two-chillers" / "project.toml"
    text = project.read_text("utf-8")
    bare = 'project_cop = { value = "6.0", source = "example catalogue sheet" }'
    assert bare in text
    project.write_text(text.replace(bare, 'project_cop = "6.0"'), "utf-8")
    with pytest.raises(InputError, match="the methodology requires the source of this value"):
        api.calculate(project)


def test_variants_change_a_parameter_and_every_form_is_one_file(tmp_path) -> None:
    """The solar PV data file: VN_AM007 changes what EG means; the rest share everything."""
    from jcmcalc.plugin.datafile import load_file

    path = ROOT / "methodologies/solar-pv/src/jcmcalc_solar_pv/metered-output.methodology.toml"
    records = {m.label: m for m in load_file(path)}
    assert len(records) == 15  # ten read or revised, five country records not read (issue 31)
    viet_nam = records["VN_AM007 ver 1.0"].parameter("EG_i,p")
    thai = records["TH_AM001 ver 1.0"].parameter("EG_i,p")
    assert "consumed on site or sold" in viet_nam.description
    assert viet_nam.monitoring.frequency == thai.monitoring.frequency
    assert viet_nam.monitoring.measurement != thai.monitoring.measurement
    revised = records["TH_AM001 ver 2.0"]
    assert revised.about.status == "approved; text not read (equations of ver 1.0 assumed)"
    assert revised.notes[0].startswith("what differs from ver 1.0 is unknown")


def test_included_declarations_come_after_a_files_own() -> None:
    from fractions import Fraction

    import jcmcalc

    battery = jcmcalc.get_methodology("ID_AM017", "1.0")
    assert [p.symbol for p in battery.parameters] == [
        "EG_PV,i,p", "EC_charge,i,p", "EG_discharge,i,p", "EF_RE,i", "P_rated,i",
    ]  # fmt: skip
    assert [c.text for c in battery.checks] == [
        "EG_PV,i,p <= to(CF_max × P_rated,i × H_p, MWh)",
        "to(CF_min × P_rated,i × H_p, MWh) <= EG_PV,i,p",
    ]
    assert battery.checks[0].right.right.value == Fraction(1, 1000)
    assert [e.symbol for e in battery.equations] == ["EG_i,p", "RE_p", "PE_p"]
    assert [c.id for c in battery.criteria] == ["C1", "C2", "C3", "C4"]
    assert [p.symbol for p in battery.estimate.parameters][-1] == "n_y"
    category = jcmcalc.get_methodology("KH_AM002", "1.0")
    assert category.index("i").attributes == {} and category.estimate is None
    assert category.parameter("EF_RE,c").default.rows[("off-grid",)].value == "0.533 t_CO2/MWh"


def test_an_included_file_includes_no_other(tmp_path) -> None:
    from jcmcalc.plugin.datafile import load_file

    (tmp_path / "a.toml").write_text('include = ["b.toml"]\n', "utf-8")
    (tmp_path / "b.toml").write_text("", "utf-8")
    path = tmp_path / "x.methodology.toml"
    path.write_text('include = ["a.toml"]\n[methodology]\nid = "X"\n', "utf-8")
    with pytest.raises(MethodologyError, match=r"a\.toml: an included file includes no other"):
        load_file(path)


def test_show_says_a_source_is_required(chiller) -> None:
    from jcmcalc.views.formatting import methodology_text

    chiller()
    shown = methodology_text(api.get_methodology("EXAMPLE_CHILLER", "1.0"))
    assert shown.count("source required: the project file gives the value with its source") == 2
    assert "C1 capacity [error]: 300 USRt <= Cap_i: eligibility C1" in shown


def _chiller_copy(tmp_path: Path, old: str = "", new: str = "", tail: str = "") -> Path:
    """A copy of the example chiller's data file (with its table), edited; returns its path."""
    folder = tmp_path / "copy"
    shutil.copytree(CHILLER / "src" / PACKAGE, folder)
    path = folder / DATA_FILE
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1) + tail, "utf-8")
    return path


def test_a_variant_changes_an_equation_a_check_and_a_criterion(tmp_path) -> None:
    from jcmcalc.plugin.datafile import load_file

    tail = """
[[variant]]

[[variant]]
version = "2.0"
equations.PE.inferred = "taken from ver 1.0"
checks."C2 COP".description = "eligibility C2 of ver 2.0"
criteria.C1.confidence = "read"
"""
    first, second = load_file(_chiller_copy(tmp_path, tail=tail))
    assert (first.equations[1].inferred, second.equations[1].inferred) == ("", "taken from ver 1.0")
    assert [c.description for c in second.checks][1] == "eligibility C2 of ver 2.0"
    assert first.checks[1].description == "eligibility C2: a COP above the threshold"
    assert [c.confidence.value for c in second.criteria] == ["read", "inferred"]
    # a criterion stating no confidence has the methodology's own (inferred), never read
    assert [c.confidence.value for c in first.criteria] == ["inferred", "inferred"]


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        ('checks."C9".description = "x"', r"changes 'C9', not declared in checks"),
        ('equations.XX.inferred = "x"', r"changes 'XX', not declared in equations"),
        ('criteria = ["C1"]', r"a variant's criteria: write criteria\.<name>\.<key> = value"),
        ('equations.PE = "x"', r"variant's equations\.PE: write equations\.PE\.<key> = value"),
    ],
)
def test_a_variant_cannot_change_what_is_not_declared(tmp_path, tail: str, message: str) -> None:
    from jcmcalc.plugin.datafile import load_file

    path = _chiller_copy(tmp_path, tail=f"\n[[variant]]\n{tail}\n")
    with pytest.raises(MethodologyError, match=r"chiller\.methodology\.toml.*" + message):
        load_file(path)


DEFAULT = 'default = { value = "5.5", source = "ILLUSTRATIVE example value of this tutorial plugin, not read in any methodology", confidence = "inferred" }'  # noqa: E501


@pytest.mark.parametrize(
    ("tool", "message"),
    [
        ("fuel.ipcc_default(quantity=ncv)", r"missing 1 required positional argument: 'bound'"),
        ("fuel.ipcc_default(quantity=ncv, bound=highest)", r"no IPCC column for 'ncv' at"),
        ("fuel.ipcc_default(quantity=ncv, upper)", r"write each argument as name=value"),
        ("fuel.ipcc_defaults(quantity=ncv)", r"no tool default 'fuel.ipcc_defaults' \(did you"),
    ],
)
def test_a_tool_table_takes_named_arguments(tmp_path, tool: str, message: str) -> None:
    from jcmcalc.plugin.datafile import load_file

    path = _chiller_copy(tmp_path, DEFAULT, f'default = "tool:{tool}"')
    with pytest.raises(MethodologyError, match=r"parameter COP_thr: .*" + message):
        load_file(path)


def test_the_waste_heat_recovery_records_are_data_files() -> None:
    """Each approved record labels what it did not read; the family form takes the IPCC upper
    bounds through the tool table with arguments."""
    import jcmcalc
    from jcmcalc.tools.fuel import ipcc_default

    read, indonesia, thai = (
        jcmcalc.get_methodology(m, "1.0") for m in ("MM_AM005", "ID_AM001", "TH_AM007")
    )
    assert [e.inferred for e in read.equations] == ["", ""]
    assert all(e.inferred for e in indonesia.equations + thai.equations)
    assert {c.confidence.value for c in indonesia.criteria} == {"read"}
    assert {c.confidence.value for c in read.criteria + thai.criteria} == {"inferred"}
    assert "cannot apply TH_AM007" in thai.checks[1].description
    assert thai.parameter("EG_sup,i,p").inferred == "supplied electricity not read"
    assert read.parameter("EG_sup,i,p").monitoring.frequency == (
        thai.parameter("EG_sup,i,p").monitoring.frequency
    )
    family = jcmcalc.get_methodology("WHR_FAMILY", "1.0")
    assert family.parameter("NCV_j").default == ipcc_default("ncv", "upper")
    assert family.parameter("EF_CO2,j").default == ipcc_default("ef", "upper")


def test_an_estimate_equation_carries_its_inferred_label(tmp_path) -> None:
    """An estimate equation of a data file may say why it is inferred (issue 31): without it, a
    read record's estimate would take the record's confidence, read."""
    from jcmcalc.plugin.datafile import load_file

    path = tmp_path / "x.methodology.toml"
    path.write_text(
        textwrap.dedent(
            """
            [methodology]
            id = "XX_AM001"
            version = "1.0"
            title = "x"
            family = "x"
            sectoral_scope = "1"
            status = "approved"
            source = "https://example.org/read"
            [parameters.EG]
            name = "electricity"
            unit = "MWh"
            kind = "monitored"
            description = "e"
            monitoring = { options = ["C"], measurement = "m", frequency = "f" }
            [parameters.EF]
            name = "factor"
            unit = "t_CO2/MWh"
            kind = "project"
            description = "f"
            [equations.RE]
            name = "reference_emissions"
            unit = "t_CO2"
            formula = "EG * EF"
            description = "r"
            [equations.PE]
            name = "project_emissions"
            unit = "t_CO2"
            formula = '"0 t_CO2"'
            description = "p"
            [estimate.parameters.ED]
            name = "design"
            unit = "MWh/year"
            kind = "project"
            description = "d"
            [estimate.equations.EG]
            formula = 'ED * "1 yr"'
            description = "design value"
            inferred = "an estimate of jcmcalc, not of the methodology"
            """
        ),
        encoding="utf-8",
    )
    [record] = load_file(path)
    assert record.estimate.equations[0].inferred == "an estimate of jcmcalc, not of the methodology"


def test_a_variant_adds_removes_and_includes_declarations(tmp_path) -> None:
    """A variant adds whole declarations, removes others and includes a file whose declarations
    it adds or replaces (an equation used before it is declared is ordered after its inputs)."""
    from jcmcalc.plugin.datafile import load_file

    tail = """
[[variant]]

[[variant]]
id = "EXAMPLE_CHILLER_AUX"
include = ["aux.toml"]
remove = ["checks.C1 capacity", "criteria.C1"]
parameters.EF_aux = { name = "aux_factor", kind = "project", unit = "t_CO2/MWh", description = "x" }
criteria.C3 = { id = "C3", text = "Auxiliaries are metered.", confidence = "inferred" }
"""
    path = _chiller_copy(tmp_path, tail=tail)
    (path.parent / "aux.toml").write_text(
        '[methodology]\nnotes = ["auxiliaries counted"]\n\n'
        '[parameters.EC_aux]\nname = "auxiliary_electricity"\nunit = "MWh"\nkind = "monitored"\n'
        'description = "Auxiliary electricity"\nmonitoring = { options = ["C"] }\n\n'
        '[equations.PE]\nname = "project_emissions"\nunit = "t_CO2"\n'
        'formula = "sum(i, EC_PJ[i] * EF_elec) + PE_aux"\ndescription = "with auxiliaries"\n\n'
        '[equations.PE_aux]\nname = "auxiliary_emissions"\nunit = "t_CO2"\n'
        'formula = "EC_aux * EF_aux"\ndescription = "auxiliaries"\n',
        "utf-8",
    )
    plain, aux = load_file(path)
    assert [e.symbol for e in plain.equations] == ["RE_p", "PE_p"]
    assert [e.symbol for e in aux.equations] == ["RE_p", "PE_aux,p", "PE_p"]
    assert {"EC_aux,p", "EF_aux"} <= {p.symbol for p in aux.parameters}
    assert [c.name for c in aux.checks] == ["C2 COP", "full load"]
    assert [c.id for c in aux.criteria] == ["C2", "C3"]
    assert aux.notes[-1] == "auxiliaries counted" and "auxiliaries counted" not in plain.notes


def test_a_variant_removes_only_what_is_declared(tmp_path) -> None:
    from jcmcalc.plugin.datafile import load_file

    path = _chiller_copy(tmp_path, tail='\n[[variant]]\nremove = ["parameters.COP_PJJ"]\n')
    with pytest.raises(MethodologyError, match=r"remove 'parameters.COP_PJJ'.*parameters.COP_PJ"):
        load_file(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'confidence = "inferred"\nnotes',
            'confidence = "inferred"\nnotices = ["tool:fuel.biogenic_carbn"]\nnotes',
            r"no tool notice 'tool:fuel.biogenic_carbn'.*fuel\.biogenic_carbon",
        ),
        (
            'description = "eligibility C2: a COP above the threshold"',
            'description = "x", slips = [{ from = "10", to = "5", text = "?" }]',
            r"check C2 COP: slips: a range from 10 to 5",
        ),
        (
            'i = { key = "chillers", title = "chiller" }',
            'i = { key = "chillers", title = "chiller", members = "tool:gwp.species" }',
            r"no tool values 'gwp.species'.*gwp\.fgas_species",
        ),
    ],
)
def test_notices_slips_and_tool_members_are_checked_at_load(tmp_path, old, new, message) -> None:
    from jcmcalc.plugin.datafile import load_file

    with pytest.raises(MethodologyError, match=message):
        load_file(_chiller_copy(tmp_path, old, new))


def test_a_part_stating_no_confidence_has_the_methodologys_own_never_read(tmp_path) -> None:
    from jcmcalc.plugin.datafile import load_file

    path = _chiller_copy(tmp_path, ', confidence = "inferred" }', " }")
    table = path.parent / "cop_re.csv"
    lines = table.read_text("utf-8").splitlines()
    table.write_text("value,source\n" + lines[1].split(",inferred,")[0] + "\n", "utf-8")
    [chiller] = load_file(path)
    assert chiller.about.confidence.value == "inferred"
    threshold = chiller.parameter("COP_thr").default
    assert threshold.confidence.value == "inferred"
    [row] = chiller.parameter("COP_RE,i").default.rows.values()
    assert row.confidence.value == "inferred"
    assert {c.confidence.value for c in chiller.criteria} == {"inferred"}


def test_a_broken_data_file_leaves_the_plugins_others_listed_and_usable(chiller, cli) -> None:
    """One rule for every slip: the file (or methodology) is BROKEN with its reason in
    ``plugins``, every other methodology still listed and usable."""
    root = chiller()
    text = (root / "src" / PACKAGE / DATA_FILE).read_text("utf-8")
    text = text.replace('id = "EXAMPLE_CHILLER"', 'id = "EXAMPLE_BROKEN"')
    text = text.replace("sum(i, EC_PJ[i] * EF_elec)", "sum(i, EC_PJ[i] * EF_elect)")
    (root / "src" / PACKAGE / "broken.methodology.toml").write_text(text, "utf-8")
    code, out, err = cli("methodologies")
    assert code == 0 and "EXAMPLE_CHILLER" in out and "EXAMPLE_BROKEN" not in out
    assert "broken.methodology.toml (jcmcalc-example-chiller 0.1.0) is BROKEN" in err
    code, out, _ = cli("plugins")
    assert code == 0
    [line] = [line for line in out.splitlines() if "BROKEN" in line]
    assert line.startswith("example_chiller ") and "'EF_elect' is not declared" in line
    assert "broken.methodology.toml: EXAMPLE_BROKEN ver 1.0, equation PE" in line
    assert api.calculate(root / "examples" / "two-chillers" / "project.toml").total_credits == 181
