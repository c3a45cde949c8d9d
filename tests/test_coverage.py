"""Coverage of monitoring data, plausibility warnings and time zones (nothing silently wrong)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.model.errors import InputError

EXAMPLE = Path(__file__).parents[1] / "methodologies/solar-pv/examples/thai-rooftop"


def example(tmp_path: Path) -> Path:
    """A copy of the Thai rooftop example (three systems with rated capacities)."""
    target = tmp_path / "thai"
    shutil.copytree(EXAMPLE, target)
    return target


def rewrite(path: Path, keep: callable) -> None:  # type: ignore[valid-type]
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line for line in lines if keep(line)) + "\n", encoding="utf-8")


def cli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("jcmcalc")), *map(str, args)],
        capture_output=True,
        text=True,
    )


def test_the_shipped_example_is_complete_and_plausible() -> None:
    result = jcmcalc.calculate(EXAMPLE / "project.toml")
    assert len(result.inputs.coverage) == 6 and not result.inputs.incomplete
    assert not [w for w in result.warnings if "coverage" in w or "capacity" in w]


def test_kwh_written_as_mwh_is_flagged_naming_the_system(tmp_path: Path) -> None:
    folder = example(tmp_path)
    monthly = folder / "monthly-2024H1.csv"
    monthly.write_text(monthly.read_text().replace("[kWh]", "[MWh]"), encoding="utf-8")
    result = jcmcalc.calculate(folder / "project.toml")
    flagged = [w for w in result.warnings if "capacity factor" in w]
    assert {s for s in ("BKK-01", "AYA-02", "CNX-03") for w in flagged if s in w} == {
        "BKK-01",
        "AYA-02",
        "CNX-03",
    }
    assert all("period 1" in w and "kWh written as MWh?" in w for w in flagged)
    # the correct file: no flag; half the capacity factor bound is never reached
    assert not [w for w in jcmcalc.calculate(EXAMPLE / "project.toml").warnings if "kWh" in w]


def test_a_missing_month_is_reported_with_the_member_and_span(tmp_path: Path) -> None:
    folder = example(tmp_path)
    rewrite(folder / "monthly-2024H1.csv", lambda line: not line.startswith("2024-03-31,AYA-02"))
    result = jcmcalc.calculate(folder / "project.toml")
    (record,) = result.inputs.incomplete
    assert (record.member, record.present, record.expected) == (("AYA-02",), 5, 6)
    assert record.missing == (("2024-03", "2024-03"),)
    (warning,) = [w for w in result.warnings if "incomplete coverage" in w]
    assert (
        "PV system 'AYA-02'" in warning and "period 1" in warning and "missing 2024-03" in warning
    )
    data = json.loads(result.to_json())
    assert [r["member"] for r in data["coverage"] if not r["complete"]] == [["AYA-02"]]
    with pytest.raises(InputError, match=r"AYA-02.*2024-03.*--strict"):
        jcmcalc.calculate(folder / "project.toml", strict=True)


def test_a_register_ending_early_is_reported_and_strict_exits_2(tmp_path: Path) -> None:
    folder = example(tmp_path)
    rewrite(
        folder / "registers-2024H2.csv", lambda line: not line.startswith("2024-12-31T23:45,CNX")
    )
    result = jcmcalc.calculate(folder / "project.toml")
    (record,) = result.inputs.incomplete
    assert record.member == ("CNX-03",) and record.missing == (("2024-10-01", "2024-12-31"),)
    assert (record.present, record.expected) == (92, 184)
    done = cli("calculate", folder / "project.toml", "--format", "table")
    assert done.returncode == 0
    assert "CNX-03" in done.stderr and "2024-10-01 to 2024-12-31" in done.stderr
    assert "92 of 184 days (register span)" in done.stdout
    strict = cli("calculate", folder / "project.toml", "--strict")
    assert strict.returncode == 2
    assert "CNX-03" in strict.stderr and "2024-10-01 to 2024-12-31" in strict.stderr


PROJECT = """
monitoring = ["eg.csv"]

[project]
name = "series"
{zone}

[methodology]
id = "MN_AM003"
version = "2.0"

[[systems]]
id = "PV-1"
grid = "national"
connection_case = "grid"

[[periods]]
start = {start}
end = {end}
"""


def write(tmp_path: Path, rows: list[str], *, start: str, end: str, zone: str = "") -> Path:
    text = textwrap.dedent(PROJECT).format(zone=zone, start=start, end=end)
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    lines = ['timestamp,system,"EG_i,p [kWh]"', *rows]
    (tmp_path / "eg.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "project.toml"


def test_a_blank_cell_is_a_missing_reading_not_zero(tmp_path: Path) -> None:
    rows = [f"2023-06-01T{h:02d}:00,PV-1,{'' if h == 5 else '2'}" for h in range(24)]
    result = jcmcalc.calculate(write(tmp_path, rows, start="2023-06-01", end="2023-06-01"))
    (record,) = result.inputs.coverage
    assert (record.present, record.expected, record.blank) == (23, 24, (7,))
    assert record.missing == (("2023-06-01T05:00:00", "2023-06-01T05:00:00"),)
    (warning,) = [w for w in result.warnings if "incomplete coverage" in w]
    assert "blank value cell(s) at row(s) 7 (missing readings, not zero)" in warning


def hourly(day: dt.date, zone: str) -> list[str]:
    """Hourly readings of one local day, each with its correct UTC offset."""
    import zoneinfo

    start = dt.datetime.combine(day, dt.time(), zoneinfo.ZoneInfo(zone))
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zoneinfo.ZoneInfo(zone))
    moment, rows = start.astimezone(dt.UTC), []
    while moment < end.astimezone(dt.UTC):
        local = moment.astimezone(zoneinfo.ZoneInfo(zone))
        rows.append(f"{local.isoformat()},PV-1,1")
        moment += dt.timedelta(hours=1)
    return rows


def test_a_daylight_saving_fall_back_is_no_duplicate(tmp_path: Path) -> None:
    rows = hourly(dt.date(2023, 11, 5), "America/New_York")  # 25 hours, 01:00 twice
    assert len(rows) == 25 and rows[1][:19] == rows[2][:19]
    zone = 'time_zone = "America/New_York"'
    result = jcmcalc.calculate(
        write(tmp_path, rows, start="2023-11-05", end="2023-11-05", zone=zone)
    )
    (record,) = result.inputs.coverage
    assert (record.present, record.expected) == (25, 25) and record.complete
    assert result.inputs.periods[0].values["electricity_generated"][("PV-1",)].value == Fraction(
        25, 1000
    )


def test_the_spring_forward_day_has_no_missing_readings(tmp_path: Path) -> None:
    rows = hourly(dt.date(2023, 3, 12), "America/New_York")  # 23 hours
    zone = 'time_zone = "America/New_York"'
    result = jcmcalc.calculate(
        write(tmp_path, rows, start="2023-03-12", end="2023-03-12", zone=zone)
    )
    (record,) = result.inputs.coverage
    assert (record.present, record.expected) == (23, 23)
    assert not [w for w in result.warnings if "coverage" in w]


def test_offsets_still_place_periods_in_the_local_calendar(tmp_path: Path) -> None:
    # 23:30 local on 5 March (UTC-5) is 04:30 UTC on 6 March: still the period of 5 March.
    rows = ["2023-03-05T23:30:00-05:00,PV-1,1"]
    zone = 'time_zone = "America/New_York"'
    path = write(tmp_path, rows, start="2023-03-05", end="2023-03-05", zone=zone)
    assert jcmcalc.calculate(path).periods[0].number == 1
    rows = ["2023-03-06T00:30:00-05:00,PV-1,1"]
    with pytest.raises(InputError, match=r"2023-03-06T00:30:00-05:00 is outside"):
        jcmcalc.calculate(write(tmp_path, rows, start="2023-03-05", end="2023-03-05", zone=zone))


def test_output_far_above_the_projects_own_estimate_is_flagged(tmp_path: Path) -> None:
    folder = example(tmp_path)
    project = folder / "project.toml"
    project.write_text(project.read_text().replace("start = 2025-01-01", "start = 2024-01-01"))
    assert not [w for w in jcmcalc.calculate(project).warnings if "ex-ante" in w]
    monthly = folder / "monthly-2024H1.csv"
    monthly.write_text(monthly.read_text().replace("[kWh]", "[MWh]"), encoding="utf-8")
    flagged = [w for w in jcmcalc.calculate(project).warnings if "ex-ante estimate" in w]
    assert len(flagged) == 3 and all("period 1" in w for w in flagged)
    assert any("PV system 'BKK-01'" in w and "x the project's own" in w for w in flagged)


def test_reports_and_portfolio_carry_the_coverage(tmp_path: Path) -> None:
    from jcmcalc.views.report import render

    folder = example(tmp_path)
    rewrite(folder / "monthly-2024H1.csv", lambda line: not line.startswith("2024-03-31,AYA-02"))
    result = jcmcalc.calculate(folder / "project.toml")
    for form in ("markdown", "html"):
        text = render(result, form)
        assert "Coverage of the monitoring data" in text and "5 of 6 months" in text
    import io

    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(render(result, "xlsx")))
    cells = [c.value for row in workbook["summary"].iter_rows() for c in row]
    assert "Coverage of the monitoring data" in cells and "5 of 6 months" in cells
    [row] = [r for r in workbook["summary"].iter_rows(values_only=True) if "5 of 6 months" in r]
    assert row[:3] == (1, "EG_i,p", "AYA-02")  # the period a number, not the text '1'
    done = cli("portfolio", tmp_path, "--format", "json")
    rows = json.loads(done.stdout)["rows"]
    assert [r["coverage"][:10] for r in rows] == ["incomplete", "complete"]
    assert "AYA-02 EG_i,p 5 of 6 months" in rows[0]["coverage"]


def test_a_register_read_at_month_ends_covers_each_period_from_its_previous_reading(
    tmp_path: Path,
) -> None:
    text = textwrap.dedent(PROJECT).format(zone="", start="2023-01-01", end="2023-06-30")
    text += "\n[[periods]]\nstart = 2023-07-01\nend = 2023-12-31\n"
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    ends = ["2023-01-01", *(f"2023-{m:02d}-28" for m in range(1, 13))]
    lines = ['date,system,"EG_i,p [MWh] register"']
    lines += [f"{day},PV-1,{100 + 10 * n}" for n, day in enumerate(ends)]
    (tmp_path / "eg.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = jcmcalc.calculate(tmp_path / "project.toml")
    second, first = sorted(result.inputs.coverage, key=lambda r: -r.period)
    # read on 1 January and last on 28 June: 29-30 June are metered in period 2
    assert first.missing == (("2023-06-29", "2023-06-30"),)
    # from the reading of 28 June (before the period, so from 1 July) to that of 28 December
    assert second.missing == (("2023-12-29", "2023-12-31"),)
    assert second.present == 184 - 3
