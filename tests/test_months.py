"""Exact monthly totals of dated readings (``Reading.months``, carried on each monitored value)."""

from __future__ import annotations

import json
import re
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

import jcmcalc
from jcmcalc.inputs.series.months import summed
from jcmcalc.model.errors import InputError
from jcmcalc.model.numbers import decimal_text
from tests.test_coverage import PROJECT as COVERED

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(
    path
    for pattern in ("*/examples/*/project.toml", "*/worked_cases/*/project.toml")
    for path in (ROOT / "methodologies").glob(pattern)
)
#: One MN_AM003 system monitored in eg.csv (the coverage tests' project), Nov 2023 to Feb 2024.
PROJECT = COVERED.replace("{start}", "2023-11-01").replace("{end}", "2024-02-29")


def monitored(result: jcmcalc.Result) -> list:
    return [
        value
        for period in result.inputs.periods
        for values in period.values.values()
        for value in values.values()
        if value.origin == "monitored"
    ]


def months_of(tmp_path: Path, data: str, zone: str = "") -> tuple:
    (tmp_path / "project.toml").write_text(PROJECT.format(zone=zone), encoding="utf-8")
    (tmp_path / "eg.csv").write_text(textwrap.dedent(data).lstrip(), encoding="utf-8")
    (value,) = monitored(jcmcalc.calculate(tmp_path / "project.toml"))
    assert sum((part for _, part in value.months), Fraction(0)) == value.value
    return value.months


def test_months_add_up_exactly_to_every_reading_of_every_sample() -> None:
    dated = 0
    for path in SAMPLES:
        try:
            result = jcmcalc.calculate(path)
        except InputError:  # an estimate-only sample has no monitoring data
            continue
        for value in monitored(result):
            if value.months:
                dated += 1
                assert sum((part for _, part in value.months), Fraction(0)) == value.value, path
                labels = [label for label, _ in value.months]
                assert labels == sorted(set(labels))
    assert dated >= 10  # dated files of several families


def test_the_json_gives_each_monitored_value_its_exact_months() -> None:
    """``inputs[].months`` in the JSON: a validator can check a monthly figure without the
    workbook; the months of a value add up to its value exactly."""
    result = jcmcalc.calculate(ROOT / "methodologies/solar-pv/examples/thai-rooftop/project.toml")
    rows = [row for row in json.loads(result.to_json())["inputs"] if row["origin"] == "monitored"]
    dated = [row for row in rows if "months" in row]
    assert dated and len(dated) == sum(bool(v.months) for v in monitored(result))
    for row in dated:
        parts = [Fraction(m["value"]) for m in row["months"]]
        assert sum(parts, Fraction(0)) == Fraction(row["value"])
        assert [m["month"] for m in row["months"]] == sorted({m["month"] for m in row["months"]})


def test_a_month_without_readings_is_a_gap_not_a_zero(tmp_path: Path) -> None:
    data = """\
    date,system,"EG_i,p [MWh]"
    2023-11-03,PV-1,1.25
    2023-11-30,PV-1,0
    2024-01-31,PV-1,2.5
    2024-02-29,PV-1,0.125
    """
    assert months_of(tmp_path, data) == (
        ("2023-11", Fraction(5, 4)),
        ("2024-01", Fraction(5, 2)),
        ("2024-02", Fraction(1, 8)),
    )


def test_a_register_difference_is_shared_among_its_months_by_time(tmp_path: Path) -> None:
    """Each difference pro rata by time between its two readings: 1.5 MWh over the last 12
    hours of November; 28.5 MWh over 71 days, 31 in December and January, 9 in February."""
    data = """\
    timestamp,system,"EG_i,p [MWh] register"
    2023-11-01T00:00,PV-1,100
    2023-11-30T12:00,PV-1,110
    2023-12-01T00:00,PV-1,111.5
    2024-02-10T00:00,PV-1,140
    """
    assert months_of(tmp_path, data) == (
        ("2023-11", Fraction(23, 2)),
        ("2023-12", Fraction(57 * 31, 2 * 71)),
        ("2024-01", Fraction(57 * 31, 2 * 71)),
        ("2024-02", Fraction(57 * 9, 2 * 71)),
    )


def test_rows_out_of_order_and_replaced_meters_give_the_same_months(tmp_path: Path) -> None:
    data = """\
    timestamp,meter,system,"EG_i,p [MWh] register"
    2023-12-15T00:00,B,PV-1,5
    2023-11-01T00:00,A,PV-1,100
    2024-01-15T00:00,B,PV-1,9
    2023-12-15T00:00,A,PV-1,130
    2023-11-20T00:00,A,PV-1,120
    """
    # A: 20 in November, then 10 over 25 days (11 in November); B: 4 over 31 days (17 in
    # December)
    assert months_of(tmp_path, data) == (
        ("2023-11", Fraction(20) + Fraction(10 * 11, 25)),
        ("2023-12", Fraction(10 * 14, 25) + Fraction(4 * 17, 31)),
        ("2024-01", Fraction(4 * 14, 31)),
    )


def test_times_with_offsets_fall_in_the_local_month(tmp_path: Path) -> None:
    data = """\
    timestamp,system,"EG_i,p [MWh]"
    2023-11-30T14:30:00+00:00,PV-1,1
    2023-11-30T15:30:00+00:00,PV-1,2
    """
    zone = 'time_zone = "Asia/Tokyo"'  # UTC+9: 15:30 UTC is 00:30 on 1 December
    assert months_of(tmp_path, data, zone) == (("2023-11", Fraction(1)), ("2023-12", Fraction(2)))


def test_an_undated_file_under_a_period_has_no_months(tmp_path: Path) -> None:
    project = PROJECT.format(zone="").replace('monitoring = ["eg.csv"]', "")
    project += 'data = ["eg.csv"]\n'
    (tmp_path / "project.toml").write_text(project, encoding="utf-8")
    (tmp_path / "eg.csv").write_text('system,"EG_i,p [MWh]"\nPV-1,4\n', encoding="utf-8")
    (value,) = monitored(jcmcalc.calculate(tmp_path / "project.toml"))
    assert value.value == 4 and value.months == ()


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((), ()),
        (
            ((("2024-02", Fraction(1)),), (("2024-01", Fraction(2)), ("2024-02", Fraction(1, 3)))),
            (("2024-01", Fraction(2)), ("2024-02", Fraction(4, 3))),
        ),
    ],
)
def test_months_of_blocks_add_up_month_by_month(parts, expected) -> None:
    assert summed(*parts) == expected


def test_a_period_over_two_years_splits_by_its_readings_not_by_days(tmp_path: Path) -> None:
    months_of(tmp_path, UNEVEN)
    result = jcmcalc.calculate(tmp_path / "project.toml")
    (period,) = result.periods
    assert period.calendar_years == (
        (2023, period.reductions / 4),  # 10 of the 40 MWh, though 61 of the 121 days
        (2024, period.reductions * 3 / 4),
    )
    assert period.calendar_split.startswith("by the readings' dates")
    (data,) = result.to_dict()["periods"]
    assert sum(Fraction(part["exact"]) for part in data["calendar_years"]) == period.reductions
    assert data["calendar_split"] == period.calendar_split
    months = result.to_dataframe("months")
    assert list(months["split"].unique()) == ["by the readings' dates"]
    assert months["emission_reductions_tco2"].tolist() == [
        float(period.reductions * share) for share in (Fraction(1, 10), Fraction(3, 20))
    ] + [float(period.reductions * share) for share in (Fraction(1, 4), Fraction(1, 2))]


def test_a_period_total_in_the_project_file_splits_by_days(tmp_path: Path) -> None:
    project = PROJECT.format(zone="").replace('monitoring = ["eg.csv"]', "")
    project += 'values = { "EG_i,p" = { "PV-1" = "40 MWh" } }\n'
    (tmp_path / "project.toml").write_text(project, encoding="utf-8")
    (period,) = jcmcalc.calculate(tmp_path / "project.toml").periods
    assert period.calendar_split.startswith("by days")
    assert period.calendar_years == (
        (2023, period.reductions * 61 / 121),
        (2024, period.reductions * 60 / 121),
    )
    assert credits_unchanged(period)


def credits_unchanged(period) -> bool:
    return period.credits == max(0, int(period.reductions // 1))


def _with_constant_pe(tmp_path: Path, tonnes: Fraction) -> jcmcalc.Result:
    """The two-year project of uneven readings under MN_AM003 with a constant PE per period:
    ER is then not linear in the readings (each year's own ER subtracts the whole PE)."""
    import attrs

    from jcmcalc.inputs.resolve import resolve
    from jcmcalc.model.expressions.walkers import Constant
    from jcmcalc.model.methodology import PROJECT, Equation
    from jcmcalc.run import engine

    months_of(tmp_path, UNEVEN)
    methodology = jcmcalc.get_methodology("MN_AM003", "2.0")
    constant = Equation("PE_p", PROJECT, Constant(tonnes, unit="t_CO2"), "t_CO2", "constant PE")
    methodology = attrs.evolve(methodology, equations=(methodology.equations[0], constant))
    parsed, _ = jcmcalc.api.load_project(tmp_path / "project.toml")
    return engine.run(resolve(methodology, parsed))


UNEVEN = """\
date,system,"EG_i,p [MWh]"
2023-11-15,PV-1,4
2023-12-15,PV-1,6
2024-01-15,PV-1,10
2024-02-15,PV-1,20
"""


def test_own_parts_that_do_not_add_up_are_scaled_to_the_er(tmp_path: Path) -> None:
    (period,) = _with_constant_pe(tmp_path, Fraction(1)).periods
    factor = period.reference / 40  # t_CO2 per MWh
    own = (10 * factor - 1, 30 * factor - 1)  # each year's ER of its own readings
    assert period.calendar_split.startswith("by the readings' dates")
    assert period.calendar_years == (
        (2023, period.reductions * own[0] / sum(own)),
        (2024, period.reductions * own[1] / sum(own)),
    )
    assert sum(part for _, part in period.calendar_years) == period.reductions


def test_own_parts_of_mixed_signs_fall_back_to_days(tmp_path: Path) -> None:
    result = _with_constant_pe(tmp_path, Fraction(1))
    factor = result.periods[0].reference / 40
    (period,) = _with_constant_pe(tmp_path, 15 * factor).periods  # own parts -5 and +15 MWh
    assert period.calendar_split.startswith("by days")
    assert period.calendar_years == (
        (2023, period.reductions * 61 / 121),
        (2024, period.reductions * 60 / 121),
    )


def test_a_dated_cylinder_list_gives_each_cylinder_in_its_month() -> None:
    furnace = ROOT / "methodologies/fgas-destruction/examples/vietnam-furnace/project.toml"
    first = jcmcalc.calculate(furnace).inputs.periods[0].values["mass_destroyed"]
    read = [value for value in first.values() if value.origin == "monitored"]
    assert len(read) == 3  # HCFC-22, HFC-32, HFC-125
    for value in read:
        assert [label for label, _ in value.months] == [f"2025-{m:02d}" for m in range(1, 7)]
        assert sum((part for _, part in value.months), Fraction(0)) == value.value


def test_calculate_shows_the_calendar_years_and_their_rule(tmp_path: Path, cli) -> None:
    months_of(tmp_path, UNEVEN)
    (period,) = jcmcalc.calculate(tmp_path / "project.toml").periods
    first, second = (decimal_text(part) for _, part in period.calendar_years)
    code, markdown, _ = cli("calculate", tmp_path / "project.toml", "--format", "markdown")
    assert code == 0 and "## Emission reductions by calendar year" in markdown
    assert f"| 1 | 2023 | {first} | by the readings' dates |" in markdown
    assert f"| 1 | 2024 | {second} | by the readings' dates |" in markdown
    assert "over the calendar years it touches by the readings' dates: " in markdown
    code, table, _ = cli("calculate", tmp_path / "project.toml")
    assert code == 0 and "Emission reductions by calendar year:" in table
    assert re.search(rf"^1 +2023 +{re.escape(first)} +by the readings' dates$", table, re.M)


def test_the_markdown_report_lists_the_months_with_their_gaps(tmp_path: Path) -> None:
    from jcmcalc.views.report import render

    months_of(tmp_path, UNEVEN.replace("2023-12-15,PV-1,6\n", ""))
    text = render(jcmcalc.calculate(tmp_path / "project.toml"), "markdown")
    assert "| month | (1) PV-1 [MWh] |" in text
    assert "| 2023-11 | 4 |\n| 2023-12 | no readings |\n| 2024-01 | 10 |" in text


@pytest.mark.parametrize(
    "data", [UNEVEN, UNEVEN.replace('"EG_i,p [MWh]"', '"EG_i,p [MWh] register"')]
)
def test_months_read_in_blocks_equal_those_read_whole(tmp_path: Path, monkeypatch, data) -> None:
    from jcmcalc.inputs.readers import blocks

    whole = months_of(tmp_path, data)
    monkeypatch.setattr(blocks, "BLOCK_ROWS", 1)
    assert months_of(tmp_path, data) == whole and whole


def test_a_register_read_across_a_new_year_splits_its_er_by_days(tmp_path: Path) -> None:
    """Read on 2024-10-01 and 2025-03-31: 2024 gets 92 of the 181 days' share of the ER (it
    got nothing, and 2025 everything), and the split states the rule."""
    text = COVERED.replace("{start}", "2024-10-01").replace("{end}", "2025-03-31")
    (tmp_path / "project.toml").write_text(text.format(zone=""), encoding="utf-8")
    data = 'timestamp,system,"EG_i,p [MWh] register"\n2024-10-01,PV-1,1000\n2025-03-31,PV-1,1200\n'
    (tmp_path / "eg.csv").write_text(data, encoding="utf-8")
    result = jcmcalc.calculate(tmp_path / "project.toml")
    (period,) = result.periods
    years = dict(period.calendar_years)
    assert years == {2024: period.reductions * 92 / 181, 2025: period.reductions * 89 / 181}
    assert (
        "pro rata by time" in period.calendar_split and "pro rata by time" in result.calendar_note
    )
