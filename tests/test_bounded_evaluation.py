"""Bounded evaluation: exponents and nesting of data-file formulas, at load (literals) and at
run time (from the project's values), refused naming equation, file and value.

Seen failing before: ``10 ** 1000000000`` and ``(1 + D) ** N`` with ``N`` from the project hung,
1,500 nested unary minus raised RecursionError, a 45-digit rate to the power 100 ended in
Python's "Exceeds the limit (4300 digits)" after 18 s.
"""

from __future__ import annotations

import shutil
import sys

import pytest

from jcmcalc import api
from jcmcalc.model.errors import MethodologyError
from jcmcalc.model.expressions.formula import parse_term
from jcmcalc.plugin.datafile import load_file
from tests.test_data_files import CHILLER, _chiller_copy

RE = "sum(i, EC_PJ[i] * COP_PJ[i] / COP_RE[i] * EF_elec)"
GROWTH = (
    '\n[parameters.D]\nname = "growth"\nkind = "project"\nunit = "dimensionless"\n'
    'bounds = "any"\ndescription = "a rate"\n'
    '\n[parameters.N]\nname = "years"\nkind = "project"\nunit = "dimensionless"\n'
    'bounds = "any"\ndescription = "a count"\n'
)


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("10 ** 1000000000", r"10\^1000000000: the exponent 1000000000 is beyond the 1000"),
        ("2 ** 2 ** 2 ** 2 ** 2", r"the exponent 65536 is beyond the 1000"),
        ("2 ** (1 / 2)", r"2\^\(1 / 2\): the exponent must be whole"),
        ("(123456789 / 1000) ** 1000", r"to the power 1000 would be a fraction of about"),
        ("-" * 1500 + "1", r"the formula nests 1502 levels, more than the 40 levels"),
        ("-" * 3900 + "1", r"the formula nests (\d+ levels|too deep to parse), more than the 40"),
        ("(" * 30 + "1" + ")" * 30 + " + " + "max(" * 45 + "1" + ", 1)" * 45, r"more than the 40"),
    ],
)
def test_a_literal_beyond_the_bounds_is_a_load_error(tmp_path, formula: str, message: str) -> None:
    with pytest.raises(
        MethodologyError, match=r"chiller\.methodology\.toml: .*equation RE: .*" + message
    ):
        load_file(_chiller_copy(tmp_path, f'formula = "{RE}"', f'formula = "{RE} * ({formula})"'))


def test_formulas_within_the_bounds_parse() -> None:
    for formula in ("2 ** 10", "(1 / 3) ** 900", "2 ** -3", "-" * 30 + "1"):
        parse_term(formula, {}, set(), "here")


def _growth_project(tmp_path, monkeypatch, rate: str, years: str):
    """The chiller example with RE multiplied by (1 + D) ** N, D and N from its project file."""
    root = tmp_path / "plugin"
    shutil.copytree(CHILLER, root)
    data = root / "src" / "jcmcalc_example_chiller" / "chiller.methodology.toml"
    text = data.read_text("utf-8").replace(f'formula = "{RE}"', f'formula = "{RE} * (1 + D) ** N"')
    data.write_text(text + GROWTH, "utf-8")
    from tests.test_data_files import fake_distribution

    fake_distribution(tmp_path / "site")
    monkeypatch.syspath_prepend(str(root / "src"))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "jcmcalc_example_chiller", raising=False)
    api.registry.cache_clear()
    project = root / "examples" / "two-chillers" / "project.toml"
    text = project.read_text("utf-8").replace(
        "[parameters]\n", f'[parameters]\ngrowth = "{rate}"\nyears = "{years}"\n'
    )
    project.write_text(text, "utf-8")
    return project


@pytest.fixture
def growth(tmp_path, monkeypatch):
    yield lambda rate, years: _growth_project(tmp_path, monkeypatch, rate, years)
    sys.modules.pop("jcmcalc_example_chiller", None)  # the edited copy, imported meanwhile
    api.registry.cache_clear()


def test_an_exponent_from_the_project_is_bounded(growth, cli) -> None:
    code, out, err = cli("calculate", growth("0.05", "1000000000"))
    assert code == 2, err
    assert "Traceback" not in err and out == ""
    assert "project.toml" in err and "equation RE_p of EXAMPLE_CHILLER ver 1.0" in err
    assert "the exponent 1000000000 is beyond the 1000 jcmcalc evaluates" in err


def test_a_long_rate_over_100_years_is_refused_quickly(growth, cli) -> None:
    code, _out, err = cli("calculate", growth("0." + "3" * 45, "100"))
    assert code == 2, err
    assert "equation RE_p" in err and "to the power 100 would be a fraction of about" in err


def test_a_sound_exponent_from_the_project_is_computed(growth, cli) -> None:
    assert api.calculate(growth("0.05", "2")).total_credits > 181  # 181 without the growth


def test_a_data_file_nesting_too_deep_is_a_load_error(tmp_path) -> None:
    path = tmp_path / "x.methodology.toml"
    path.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n", "utf-8")
    with pytest.raises(MethodologyError, match=r"x\.methodology\.toml: cannot read: .*too deep"):
        load_file(path)
