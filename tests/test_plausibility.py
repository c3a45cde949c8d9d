"""Plausibility bounds the methodologies declare (warning checks) and their unit-slip hints."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.model.errors import InputError

ROOT = Path(__file__).parents[1] / "methodologies"


def copy(tmp_path: Path, example: str) -> Path:
    target = tmp_path / "example"
    shutil.copytree(ROOT / example, target)
    return target / "project.toml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_pv_capacity_is_an_ordinary_parameter_of_estimate_and_calculate() -> None:
    methodology = jcmcalc.get_methodology("TH_AM001", "1.0")
    assert "rated_capacity" in {p.name for p in methodology.parameters}
    assert "rated_capacity" not in {p.name for p in methodology.estimate.parameters}
    result = jcmcalc.calculate(ROOT / "solar-pv/examples/thai-rooftop/project.toml")
    assert result.inputs.fixed["rated_capacity"][("AYA-02",)].value == 1200  # 1.2 MWp in kWp


def test_pv_without_capacity_asks_for_it_and_strict_refuses(tmp_path: Path, cli) -> None:
    project = copy(tmp_path, "solar-pv/examples/thai-rooftop")
    edit(project, 'rated_capacity = "120 kWp", ', "")
    monthly = project.parent / "monthly-2024H1.csv"
    edit(monthly, "[kWh]", "[MWh]")
    with pytest.raises(InputError, match=r"specific_yield|rated_capacity|P_rated"):
        jcmcalc.estimate(project)  # the estimate needs it
    warnings = jcmcalc.calculate(project).warnings
    flagged = [w for w in warnings if "check 'capacity factor'," in w]
    assert len(flagged) == 2 and not [w for w in flagged if "CNX-03" in w]
    asked = [w for w in warnings if "is not given" in w]
    assert asked == [
        "P_rated,i for PV system 'CNX-03' (rated capacity) is not given: the plausibility "
        "checks 'capacity factor', 'capacity factor, lower' cannot be judged without it; give "
        "it in the project file"
    ]


def test_pv_without_capacity_alone_is_refused_under_strict(tmp_path: Path, cli) -> None:
    project = copy(tmp_path, "solar-pv/examples/thai-rooftop")
    edit(project, 'rated_capacity = "120 kWp", ', "")
    code, _, err = cli("calculate", project)
    assert code == 0 and "(rated capacity) is not given" in err
    code, out, err = cli("calculate", project, "--strict")
    assert code == 2 and not out
    assert "P_rated,i for PV system 'CNX-03'" in err and "[--strict" in err


def _scaled(path: Path, factor: Fraction) -> None:
    """Multiply every value of the monitoring file ``path`` by ``factor``, its header kept."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [line.rsplit(",", 1) for line in lines[1:]]
    body = [f"{head},{Decimal(value) * Decimal(str(float(factor)))}" for head, value in rows]
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("factor", "check", "hint"),
    [
        (Fraction(1000), "capacity factor", "x: kWh written as MWh? a factor of 1,000)"),
        (Fraction(1, 1000), "capacity factor, lower", "MWh written as kWh? a factor of 1,000)"),
    ],
)
def test_pv_unit_slips_both_ways_are_named_and_refused_under_strict(
    tmp_path: Path, cli, factor: Fraction, check: str, hint: str
) -> None:
    """kWh under [kWh] written 1,000x too large (kWh as MWh) or too small (MWh as kWh)."""
    project = copy(tmp_path, "solar-pv/examples/thai-rooftop")
    _scaled(project.parent / "monthly-2024H1.csv", factor)
    code, out, err = cli("calculate", project)
    assert code == 0
    named = [w for w in err.splitlines() if f"check {check!r}," in w]
    assert len(named) == 3 and all(hint in w for w in named)
    assert named[0].startswith("jcmcalc: warning: period 1 (2024-01-01 to 2024-06-30): ")
    assert "1/" in named[0] if factor < 1 else "1/" not in named[0]
    assert out.index("Warnings:") < out.index("period  start")  # warnings before the figures
    code, out, err = cli("calculate", project, "--strict")
    assert code == 2 and not out
    assert f"check {check!r}" in err and "for PV system 'BKK-01'" in err
    assert "period 1 (2024-01-01 to 2024-06-30)" in err and "(and 2 more" in err


def test_strict_help_says_it_refuses_plausibility_breaches(cli) -> None:
    for command in ("calculate", "estimate", "report"):
        with pytest.raises(SystemExit):
            cli(command, "--help")
    from jcmcalc.cli import _parser

    helps = _parser().format_help()
    assert "plausibility" not in helps  # not at the top level: per command
    for command in ("calculate", "report"):
        text = _parser()._subparsers._group_actions[0].choices[command].format_help()
        assert "plausibility check breached" in " ".join(text.split())


def test_the_hint_names_the_factor_3_6_and_1000_over_3_6() -> None:
    from jcmcalc.model.kernel import unit_slip
    from jcmcalc.model.units import factor_text

    methodology = jcmcalc.get_methodology("TH_AM001", "1.0")
    upper = next(c for c in methodology.checks if c.name == "capacity factor")
    assert unit_slip(methodology, upper, Fraction(25), Fraction(10)).endswith(
        "(2x: GJ written as MWh? a factor of 3.6)"
    )
    assert unit_slip(methodology, upper, Fraction(15), Fraction(10)) == ""
    assert factor_text(Fraction(10000, 36)) == "1,000/3.6"
    assert factor_text(Fraction(1000)) == "1,000"


def test_reports_put_the_warnings_before_the_figures(tmp_path: Path, cli) -> None:
    project = copy(tmp_path, "solar-pv/examples/thai-rooftop")
    _scaled(project.parent / "monthly-2024H1.csv", Fraction(1000))
    for form in ("markdown", "html"):
        code, out, _ = cli("report", project, "--format", form)
        assert code == 0
        assert 0 < out.index("capacity factor") < out.index("627"), form
    code, out, _ = cli("calculate", project, "--format", "markdown")
    assert out.index("## Warnings") < out.index("| period")


def test_fgas_mass_above_the_feed_capacity_names_kg_written_as_t(tmp_path: Path) -> None:
    project = copy(tmp_path, "fgas-destruction/examples/vietnam-furnace")
    assert not [w for w in jcmcalc.calculate(project).warnings if "feed capacity" in w]
    for name in ("cylinders-2025H1.csv", "cylinders-2025H2.csv"):
        edit(project.parent / name, "gross [kg],tare [kg]", "gross [t],tare [t]")
    flagged = [w for w in jcmcalc.calculate(project).warnings if "feed capacity" in w]
    assert len(flagged) == 2 and all("kg written as t?" in w for w in flagged)
    assert flagged[0].startswith("period 1 (2025-01-01 to 2025-06-30): ")


def test_whr_output_beyond_capacity_names_a_unit_slip(tmp_path: Path) -> None:
    project = copy(tmp_path, "waste-heat-recovery/examples/myanmar-cement-whr")
    edit(project, '"EG_sup,i,p" = "27304.6 MWh"', '"EG_sup,i,p" = "27304600 MWh"')
    with pytest.raises(InputError, match=r"capacity x days.*x: kWh written as MWh\?"):
        jcmcalc.calculate(project)


def test_boilers_declare_their_efficiency_expectation() -> None:
    from jcmcalc.model.checks import Severity

    for identifier, version in (("MN_AM002", None), ("ID_AM015", None)):
        methodology = jcmcalc.get_methodology(identifier, version)
        assert any(c.severity is Severity.WARNING for c in methodology.checks)


def _on_a_terminal(command: list[str]) -> tuple[str, str]:
    """The output a terminal shows of ``command`` (stdout a pseudo-terminal) and its stderr."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(command, stdout=secondary, stderr=subprocess.PIPE)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal is closed once the command ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    err = process.stderr.read().decode()
    process.wait()
    os.close(primary)
    return b"".join(chunks).decode(), err


def test_a_terminal_shows_each_warning_once_before_the_figures(tmp_path: Path) -> None:
    project = copy(tmp_path, "solar-pv/examples/thai-rooftop")
    _scaled(project.parent / "monthly-2024H1.csv", Fraction(1000))
    jcmcalc_command = str(Path(sys.executable).parent / "jcmcalc")
    shown, err = _on_a_terminal([jcmcalc_command, "calculate", str(project)])
    assert shown.count("for PV system 'BKK-01' =") == 1 and "capacity factor" not in err
    assert shown.index("Warnings:") < shown.index("period  start")
