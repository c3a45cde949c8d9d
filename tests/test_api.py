"""The Python API: calculate, estimate, get_methodology, methodologies, Result exports."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.model.errors import InputError
from tests.conftest import PV_EXAMPLES

THAI = PV_EXAMPLES / "thai-rooftop" / "project.toml"


def test_calculate_accepts_a_path_or_text_path() -> None:
    assert jcmcalc.calculate(THAI).to_json() == jcmcalc.calculate(str(THAI)).to_json()


def test_result_carries_full_precision_and_credits() -> None:
    result = jcmcalc.calculate(THAI)
    first = result.periods[0]
    assert isinstance(first.reference, Fraction)
    assert first.reductions == first.reference - first.project
    assert result.total_credits == sum(p.credits for p in result.periods)
    assert json.loads(result.to_json())["total_credits"] == result.total_credits


def test_dataframe_and_notebook_table() -> None:
    pytest.importorskip("pandas")
    result = jcmcalc.calculate(THAI)
    frame = result.to_dataframe()
    assert list(frame["credits"]) == [p.credits for p in result.periods]
    html = result._repr_html_()
    assert "<table>" in html and "TH_AM001 ver 1.0" in html


def test_get_methodology_by_version_never_the_latest_by_default() -> None:
    with pytest.raises(InputError, match=r"MN_AM003: no version named, and 2 are installed"):
        jcmcalc.get_methodology("MN_AM003")
    assert jcmcalc.get_methodology("MN_AM003", "3.0").version == "3.0"
    assert jcmcalc.get_methodology("MN_AM003", "ver02.0").version == "2.0"
    assert jcmcalc.get_methodology("KE_AM002").version == "1.0"  # the only one installed
    with pytest.raises(InputError, match="unknown methodology"):
        jcmcalc.get_methodology("NO_SUCH")


def test_methodologies_are_sorted_and_unique() -> None:
    keys = [(m.id, m.version) for m in jcmcalc.methodologies()]
    assert len(keys) == len(set(keys))
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)


def test_ex_ante_and_ex_post_share_the_equations() -> None:
    estimated = jcmcalc.estimate(THAI)
    monitored = jcmcalc.calculate(THAI)
    assert estimated.mode == "ex ante" and monitored.mode == "ex post"
    assert {s.expression for s in estimated.trace if s.symbol == "RE_p"} == {
        s.expression for s in monitored.trace if s.symbol == "RE_p"
    }


def test_python_beside_a_clone_named_jcmcalc_imports_the_package(tmp_path: Path) -> None:
    """A clone folder named ``jcmcalc`` in the working directory is no namespace package that
    shadows the installed one (the set-up installs the clone's folder onto sys.path)."""
    root = Path(__file__).resolve().parent.parent
    (tmp_path / "jcmcalc").symlink_to(root)
    run = subprocess.run(
        [sys.executable, "-c", "import jcmcalc, jcmcalc.api; print(jcmcalc.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert Path(run.stdout.strip()) == root / "jcmcalc" / "__init__.py"


def test_the_api_gives_one_number_type_that_converts_in_one_call() -> None:
    import decimal

    from jcmcalc.model.numbers import Exact

    result = jcmcalc.calculate(PV_EXAMPLES / "thai-rooftop" / "project.toml")
    first = result.periods[0]
    figures = [first.reference, first.project, first.reductions, result.total_reductions]
    figures += [part for _, part in first.calendar_years]
    assert all(type(figure) is Exact for figure in figures)
    assert str(first.reductions) == "627.9887797" and "/" not in repr(first.reductions)
    assert first.reductions.to_decimal() == decimal.Decimal("627.9887797")
    assert float(first.reductions) == 627.9887797
    assert Exact(1, 3).to_decimal() == decimal.Decimal(1) / decimal.Decimal(3)


def test_result_warnings_are_python_warnings_too(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(PV_EXAMPLES / "thai-rooftop", tmp_path / "p")
    project = tmp_path / "p" / "project.toml"
    project.write_text(
        project.read_text().replace('rated_capacity = "850 kWp"', 'rated_capacity = "8.5 kWp"')
    )
    with pytest.warns(jcmcalc.JcmcalcWarning) as caught:
        result = jcmcalc.calculate(project)
    assert result.warnings and [str(w.message) for w in caught] == list(result.warnings)
