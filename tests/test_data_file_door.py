"""The data-file door: one namespace per file, and files read only inside the plugin's package.

Each case was seen passing silently before (a constant replacing a parameter: 100,000 credits
instead of 50; ``H_p`` replaced by the period's hours; a ``select`` case written twice taking
the second; ``../../outside/evil.toml`` read; ``include = "x.toml"`` read by character).
"""

from __future__ import annotations

import pytest

from jcmcalc.model.errors import MethodologyError
from jcmcalc.model.expressions.formula import parse_term
from jcmcalc.plugin.datafile import load_file
from tests.test_data_files import _chiller_copy

EQUATION = '\n[equations.{key}]\nname = "{name}"\nunit = "t_CO2"\nformula = "1"\n'
PARAMETER = (
    '\n[parameters.{key}]\nname = "{name}"\nkind = "project"\nunit = "h"\n'
    'description = "an attack"\n'
)


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (
            '\n[constants]\nEF_elec = { value = "100", unit = "t_CO2/MWh" }\n',
            r"the name 'EF_elec' is declared twice: parameters\.EF_elec in chiller\.methodology"
            r"\.toml, and constants\.EF_elec in chiller\.methodology\.toml",
        ),
        (
            EQUATION.format(key="COP_thr", name="x"),
            r"'COP_thr' is declared twice: parameters\.COP_thr .*, and equations\.COP_thr",
        ),
        (
            PARAMETER.format(key="H_p", name="my_hours"),
            r"'H_p' is declared twice: reserved by jcmcalc for a period's hours, and "
            r"parameters\.H_p",
        ),
        (
            '\n[estimate.parameters.n_y]\nname = "y"\nkind = "project"\nunit = "h"\n',
            r"'n_y' is declared twice: reserved by jcmcalc for an estimate's year number",
        ),
        (
            '\n[indices.Cap]\nkey = "capacities"\ntitle = "c"\n',
            r"'Cap' is declared twice: indices\.Cap .*, and parameters\.Cap",
        ),
        (
            '\n[estimate.parameters.EF_elec]\nname = "y"\nkind = "project"\nunit = "h"\n',
            r"'EF_elec' is declared twice: parameters\.EF_elec .*, and estimate\.parameters",
        ),
        (
            PARAMETER.format(key="Hours", name="hours_in_period"),
            r"the name 'hours_in_period' is given twice: reserved by jcmcalc for a period's "
            r"hours, and parameter Hours",
        ),
        (
            EQUATION.format(key="X", name="electricity_consumed"),
            r"the name 'electricity_consumed' is given twice: parameter EC_PJ, and equation X",
        ),
    ],
    ids=[
        "constant-as-parameter",
        "equation-as-parameter",
        "parameter-H_p",
        "design-value-n_y",
        "index-as-parameter",
        "design-value-as-parameter",
        "value-name-reserved",
        "value-name-twice",
    ],
)
def test_a_name_declared_twice_is_a_load_error(tmp_path, tail: str, message: str) -> None:
    path = _chiller_copy(tmp_path, tail=tail)
    with pytest.raises(MethodologyError, match=message):
        load_file(path)


def test_an_included_declaration_in_another_table_names_both_files(tmp_path) -> None:
    path = _chiller_copy(tmp_path, "[methodology]", 'include = ["common.toml"]\n[methodology]')
    (path.parent / "common.toml").write_text('[constants]\nCap = { value = "1" }\n', "utf-8")
    with pytest.raises(
        MethodologyError,
        match=r"'Cap' is declared twice: parameters\.Cap in chiller\.methodology\.toml, "
        r"and constants\.Cap in common\.toml",
    ):
        load_file(path)


def test_an_included_declaration_in_the_same_table_is_replaced_as_documented(tmp_path) -> None:
    path = _chiller_copy(tmp_path, "[methodology]", 'include = "common.toml"\n[methodology]')
    common = '[parameters.Cap]\nname = "other"\nkind = "project"\nunit = "kW"\n'
    (path.parent / "common.toml").write_text(common, "utf-8")
    (methodology,) = load_file(path)
    assert methodology.parameter("Cap_i").unit == "USRt"


def test_include_as_one_name_reads_that_file(tmp_path) -> None:
    path = _chiller_copy(tmp_path, "[methodology]", 'include = "common.toml"\n[methodology]')
    (path.parent / "common.toml").write_text('[constants]\nK = { value = "2" }\n', "utf-8")
    assert load_file(path)  # read as one file, not as the files 'c', 'o', 'm', ...
    path.write_text(path.read_text("utf-8").replace('"common.toml"', "3"), "utf-8")
    with pytest.raises(MethodologyError, match=r"include: a list of file names"):
        load_file(path)


@pytest.mark.parametrize(
    "name", ["../outside/evil.toml", "../../../../outside/evil.toml", "/tmp/evil.toml", "link.toml"]
)
def test_include_reads_inside_the_package_only(tmp_path, name: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.toml").write_text('[constants]\nEVIL = { value = "1" }\n', "utf-8")
    path = _chiller_copy(tmp_path, "[methodology]", f'include = ["{name}"]\n[methodology]')
    (path.parent / "link.toml").symlink_to(outside / "evil.toml")
    with pytest.raises(MethodologyError, match=r"is outside the plugin's package \(copy\)"):
        load_file(path)


def test_a_default_table_outside_the_package_is_refused(tmp_path) -> None:
    (tmp_path / "stolen.csv").write_text("i,value,source\nx,1,y\n", "utf-8")
    path = _chiller_copy(tmp_path, 'file = "cop_re.csv"', 'file = "../stolen.csv"')
    with pytest.raises(
        MethodologyError,
        match=r"parameter COP_RE, default_table: '\.\./stolen\.csv' is outside the plugin's",
    ):
        load_file(path)


def test_a_default_table_below_the_package_is_read(tmp_path) -> None:
    path = _chiller_copy(tmp_path, 'file = "cop_re.csv"', 'file = "tables/cop_re.csv"')
    (path.parent / "tables").mkdir()
    (path.parent / "cop_re.csv").rename(path.parent / "tables" / "cop_re.csv")
    assert load_file(path)


def test_a_select_case_written_twice_is_refused() -> None:
    with pytest.raises(
        MethodologyError, match=r"here: select\(.*\): the case 'a' is written twice"
    ):
        parse_term('select(i, "kind", {"a": 1, "b": 3, "a": 2})', {}, {"i"}, "here")
