"""Monitoring data as it comes: long and wide CSV, semicolon and decimal-comma CSV, Excel
workbooks and Parquet give the same credits; optional battery terms; misplaced TOML keys."""

from __future__ import annotations

import csv
import datetime as dt
import random
from fractions import Fraction
from html import escape
from pathlib import Path

import numpy as np
import pytest

import jcmcalc
from jcmcalc.model.errors import InputError
from jcmcalc.run.result import Result

SYSTEMS = ("PV-BAT", "PV-ONLY", "PV-OFF")
HEADER = ("EG_PV,i,p [kWh]", "EC_charge,i,p [kWh]", "EG_discharge,i,p [kWh]")
PROJECT = """\
[project]
name = "data forms"

[methodology]
id = "ID_AM017"
version = "1.0"

[eligibility]
C1 = true
C2 = true
C3 = true
C4 = true

[[systems]]
id = "PV-BAT"
grid = "jamali"
connection_case = "grid+captive"
battery = true

[[systems]]
id = "PV-ONLY"
grid = "sumatra"
connection_case = "grid"

[[systems]]
id = "PV-OFF"
connection_case = "off-grid"
battery = false

[[periods]]
start = 2025-01-01
end = 2025-06-30

[[periods]]
start = 2025-07-01
end = 2025-12-31
"""


def _year() -> list[tuple[dt.datetime, str, tuple[str, str, str]]]:
    """A year of hourly readings of three systems (seeded), as decimal text with 3 places; the
    battery columns are empty for the systems without a battery."""
    generator = random.Random(17)
    start = dt.datetime(2025, 1, 1)
    found = []
    for system in SYSTEMS:
        for hour in range(8760):
            pv = f"{generator.randrange(0, 900000) / 1000:.3f}"
            battery = system == "PV-BAT"
            charge = f"{generator.randrange(0, 90000) / 1000:.3f}" if battery else ""
            discharge = f"{generator.randrange(0, 80000) / 1000:.3f}" if battery else ""
            found.append((start + dt.timedelta(hours=hour), system, (pv, charge, discharge)))
    return found


def _project(folder: Path, monitoring: str) -> Path:
    path = folder / "project.toml"
    path.write_text(f"monitoring = {monitoring}\n\n{PROJECT}", encoding="utf-8")
    return path


def _long_csv(folder: Path, name: str, separator: str = ",", decimal: str = ".") -> None:
    quote = '"' if separator == "," else ""
    lines = [separator.join(["timestamp", "system", *(f"{quote}{h}{quote}" for h in HEADER)])]
    for moment, system, values in _year():
        cells = [v.replace(".", decimal) for v in values]
        lines.append(separator.join([moment.isoformat(), system, *cells]))
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _wide_csv(folder: Path) -> None:
    by_time: dict[dt.datetime, dict[str, str]] = {}
    titles = []
    for moment, system, values in _year():
        for header, value in zip(HEADER, values, strict=True):
            if system != "PV-BAT" and header != HEADER[0]:
                continue
            title = f"{header} @ {system}"
            if title not in titles:
                titles.append(title)
            by_time.setdefault(moment, {})[title] = value
    lines = [",".join(["timestamp", *(f'"{t}"' for t in titles)])]
    lines += [
        ",".join([moment.isoformat(), *(cells[t] for t in titles)])
        for moment, cells in by_time.items()
    ]
    (folder / "wide.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _xlsx(folder: Path, serial: bool = False) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Readings"
    sheet.append(["timestamp", "system", *HEADER])
    epoch = dt.datetime(1899, 12, 30)
    for moment, system, values in _year():
        when = (moment - epoch) / dt.timedelta(days=1) if serial else moment
        sheet.append([when, system, *(float(v) if v else None for v in values)])
    book.save(folder / "readings.xlsx")


def _parquet(folder: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    year = _year()
    table = {
        "timestamp": pa.array([moment for moment, _, _ in year], pa.timestamp("us")),
        "system": pa.array([system for _, system, _ in year]),
    }
    for position, header in enumerate(HEADER):
        table[header] = pa.array([float(v[position]) if v[position] else None for *_, v in year])
    pq.write_table(pa.table(table), folder / "readings.parquet")


def _figures(result: Result) -> list[tuple]:
    return [(p.reference, p.reductions, p.credits) for p in result.periods]


@pytest.fixture(scope="module")
def expected(tmp_path_factory) -> list[tuple]:
    folder = tmp_path_factory.mktemp("long")
    _long_csv(folder, "long.csv")
    return _figures(jcmcalc.calculate(_project(folder, '["long.csv"]')))


def _reference(chosen) -> Fraction:
    """The RE of the year's readings at the times ``chosen`` picks, summed by hand."""
    totals: dict[tuple[str, int], int] = {}
    for moment, system, values in _year():
        for position, value in enumerate(values):
            if value and chosen(moment):
                totals[(system, position)] = totals.get((system, position), 0) + int(
                    value.replace(".", "")
                )
    factors = {"PV-BAT": "0.533", "PV-ONLY": "0.458", "PV-OFF": "0.533"}
    reference = Fraction(0)
    for system in SYSTEMS:
        kwh = [Fraction(totals.get((system, p), 0), 1000) for p in range(3)]
        delivered = (kwh[0] - kwh[1] + kwh[2]) / 1000
        reference += delivered * Fraction(factors[system])
    return reference


def test_the_long_csv_is_summed_exactly(expected) -> None:
    for half in (1, 2):
        assert expected[half - 1][0] == _reference(lambda m, h=half: (m.month <= 6) == (h == 1))
    assert all(credits > 0 for *_, credits in expected)


def _form(folder: Path, form: str) -> str:
    """The year's readings written in ``form``; the project's ``monitoring`` list for it."""
    if form == "long":
        _long_csv(folder, "long.csv")
        return '["long.csv"]'
    if form == "wide":
        _wide_csv(folder)
        return '["wide.csv"]'
    if form == "semicolon":
        _long_csv(folder, "semi.csv", ";", ",")
        return '[{ file = "semi.csv", separator = ";", decimal = "," }]'
    if form.startswith("xlsx"):
        _xlsx(folder, serial=form == "xlsx-serial")
        return '[{ file = "readings.xlsx", sheet = "Readings" }]'
    _parquet(folder)
    return '["readings.parquet"]'


def _months(result: Result) -> dict[tuple, tuple]:
    """The monthly totals of every monitored value, by (period, parameter, member)."""
    return {
        (p.period.number, name, key): value.months
        for p in result.inputs.periods
        for name, values in p.values.items()
        for key, value in values.items()
        if value.origin == "monitored"
    }


@pytest.fixture(scope="module")
def expected_months(tmp_path_factory) -> dict[tuple, tuple]:
    folder = tmp_path_factory.mktemp("long-months")
    return _months(jcmcalc.calculate(_project(folder, _form(folder, "long"))))


@pytest.mark.parametrize("form", ["wide", "semicolon", "xlsx", "xlsx-serial", "parquet"])
def test_every_form_gives_the_credits_of_the_long_csv(
    tmp_path, expected, expected_months, form
) -> None:
    result = jcmcalc.calculate(_project(tmp_path, _form(tmp_path, form)))
    assert _figures(result) == expected
    assert _months(result) == expected_months


def test_the_months_of_the_long_csv_are_its_exact_monthly_sums(expected_months) -> None:
    from fractions import Fraction

    sums: dict[tuple[str, str], int] = {}
    for moment, system, values in _year():
        label = f"{moment.year}-{moment.month:02d}"
        sums[(system, label)] = sums.get((system, label), 0) + int(values[0].replace(".", ""))
    pv = {k: v for k, v in expected_months.items() if k[1] == "pv_output"}
    assert len(pv) == 6  # three systems, two periods
    for (period, _, (system,)), months in pv.items():
        assert [label for label, _ in months] == [
            f"2025-{m:02d}" for m in (range(1, 7) if period == 1 else range(7, 13))
        ]
        for label, value in months:
            assert value == Fraction(sums[(system, label)], 1000 * 1000)  # kWh to MWh


def test_a_system_without_a_battery_needs_no_battery_entries(tmp_path) -> None:
    _long_csv(tmp_path, "long.csv")
    result = jcmcalc.calculate(_project(tmp_path, '["long.csv"]'))
    values = result.inputs.periods[0].values
    absent = values["battery_charge"][("PV-ONLY",)]
    assert absent.value == 0 and "no battery" in absent.source
    from jcmcalc.views.report import render

    report = render(result, "markdown")
    plan = next(x for x in report.splitlines() if x.startswith("| EC_charge,i,p | ("))
    assert "PV-BAT" in plan and "PV-ONLY" not in plan  # no meter claimed for no battery
    assert result.inputs.attributes["i"]["PV-OFF"]["grid"] == ""


def test_a_semicolon_file_without_its_declaration_says_so(tmp_path) -> None:
    _long_csv(tmp_path, "semi.csv", ";", ",")
    with pytest.raises(InputError, match=r"semicolon-separated.*separator = \";\""):
        jcmcalc.calculate(_project(tmp_path, '["semi.csv"]'))
    with pytest.raises(InputError, match=r"decimal comma\?"):
        jcmcalc.calculate(_project(tmp_path, '[{ file = "semi.csv", separator = ";" }]'))


def test_decimal_commas_in_a_comma_separated_file_get_a_hint(tmp_path) -> None:
    (tmp_path / "bad.csv").write_text(
        'timestamp,system,"EG_PV,i,p [kWh]"\n2025-01-01T00:00,PV-ONLY,12,5\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"decimal commas in a comma-separated file"):
        jcmcalc.calculate(_project(tmp_path, '["bad.csv"]'))


def test_a_column_that_is_neither_form_explains_both(tmp_path) -> None:
    (tmp_path / "bad.csv").write_text("timestamp,PV-ONLY\n2025-01-01T00:00,12.5\n", "utf-8")
    with pytest.raises(InputError) as caught:
        jcmcalc.calculate(_project(tmp_path, '["bad.csv"]'))
    assert "long form" in str(caught.value) and "'EG_PV,i,p [MWh] @ PV-ONLY'" in str(caught.value)


def test_excel_serial_numbers_in_a_csv_date_column_are_refused(tmp_path) -> None:
    (tmp_path / "serial.csv").write_text(
        'date,system,"EG_PV,i,p [kWh]"\n45658,PV-ONLY,12.5\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="Excel serial date"):
        jcmcalc.calculate(_project(tmp_path, '["serial.csv"]'))


def test_a_top_level_key_below_a_table_names_where_it_belongs(tmp_path) -> None:
    path = tmp_path / "project.toml"
    path.write_text(PROJECT + 'monitoring = ["long.csv"]\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"'monitoring' is written inside \[\[periods\]\] entry"):
        jcmcalc.calculate(path)
    text = PROJECT.replace(
        "[eligibility]",
        '[estimate]\nstart = 2025-01-01\nyears = 1\nmonitoring = ["x.csv"]\n\n[eligibility]',
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"inside \[estimate\].*top level"):
        jcmcalc.calculate(path)


def test_wide_columns_of_one_parameter_must_agree(tmp_path) -> None:
    (tmp_path / "wide.csv").write_text(
        'timestamp,"EG_PV,i,p [kWh] @ PV-ONLY","EG_PV,i,p [MWh] @ PV-OFF"\n2025-01-01T00:00,1,2\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="write every member's column alike"):
        jcmcalc.calculate(_project(tmp_path, '["wide.csv"]'))


def test_excel_floats_are_their_shortest_decimals(tmp_path) -> None:
    from jcmcalc.inputs.readers import excel

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["value"])
    book.active.append([1 / 3])
    book.active.append([1234.5678])
    book.save(tmp_path / "f.xlsx")
    table = excel.load(tmp_path / "f.xlsx")
    assert [str(float(v)) for v in table.cells["value"]] == ["0.3333333333333333", "1234.5678"]
    assert np.array_equal(table.rows, [2, 3])


def _frames() -> tuple[object, object]:
    pandas = pytest.importorskip("pandas")
    members = pandas.DataFrame(
        {
            "id": list(SYSTEMS),
            "grid": ["jamali", "sumatra", None],
            "connection_case": ["grid+captive", "grid", "off-grid"],
            "battery": [True, None, False],
        }
    )
    year = _year()
    readings = pandas.DataFrame(
        {
            "timestamp": [moment for moment, _, _ in year],
            "system": [system for _, system, _ in year],
            **{
                header: [float(v[p]) if v[p] else float("nan") for *_, v in year]
                for p, header in enumerate(HEADER)
            },
        }
    )
    return members, readings


def test_a_project_from_dataframes_equals_its_toml_twin(tmp_path, expected) -> None:
    import tomllib

    members, readings = _frames()
    document = tomllib.loads(PROJECT)
    document["systems"] = members
    document["monitoring"] = [readings]
    result = jcmcalc.calculate(document, folder=tmp_path)
    assert _figures(result) == expected
    assert (
        result.provenance["inputs_sha256"]
        == jcmcalc.calculate(document).provenance["inputs_sha256"]
    )


def test_a_project_dict_is_checked_as_a_project_file_is(tmp_path) -> None:
    import tomllib

    members, readings = _frames()
    document = tomllib.loads(PROJECT)
    document["systems"] = members
    document["monitoring"] = [readings.assign(system=readings["system"].replace("PV-OFF", "X"))]
    with pytest.raises(InputError, match=r"<frame monitoring\[1\]>.*unknown PV system 'X'"):
        jcmcalc.calculate(document, folder=tmp_path)
    document["monitoring"] = [readings]
    document["estimate"] = {"start": dt.date(2025, 1, 1), "years": 1, "periods": []}
    with pytest.raises(InputError, match=r"'periods' is written inside \[estimate\]"):
        jcmcalc.calculate(document, folder=tmp_path)


def test_months_and_years_split_the_exact_er_and_keep_the_credits(tmp_path, expected) -> None:

    from jcmcalc.run.calendar import shares

    _long_csv(tmp_path, "long.csv")
    result = jcmcalc.calculate(_project(tmp_path, '["long.csv"]'))
    for by, count in (("month", 12), ("year", 1)):
        found = shares(result, by)
        assert len({s.label for s in found}) == count
        for period in result.periods:
            mine = [s for s in found if s.period == period.number]
            assert sum(s.reductions for s in mine) == period.reductions
            assert sum(s.credits for s in mine) == period.credits
            assert sum(s.days for s in mine) == (period.end - period.start).days + 1
    january = next(s for s in shares(result) if s.label == "2025-01")
    assert january.rule.startswith("by the readings' dates")  # not 31/181 of the half year
    assert january.reductions == _reference(lambda moment: moment.month == 1)
    assert _figures(result) == expected  # the breakdown changes nothing


def test_result_tables_reprs_and_warnings(tmp_path) -> None:
    from decimal import Decimal

    pytest.importorskip("pandas")
    _long_csv(tmp_path, "long.csv")
    result = jcmcalc.calculate(_project(tmp_path, '["long.csv"]'))
    periods = result.to_dataframe(numbers="decimal")
    exact = result.periods[0].reductions
    assert (
        periods["emission_reductions_tco2"].iloc[0] == Decimal(exact.numerator) / exact.denominator
    )
    assert periods["start"].dtype.kind == "M"
    inputs = result.to_dataframe("inputs")
    assert set(inputs["origin"]) >= {"monitored", "absent", "default"}
    assert len(result.to_dataframe("trace")) == len(result.trace)
    assert "/" not in repr(result.total_reductions) and str(result.total_credits) in repr(result)
    html = result._repr_html_()
    assert ("no warnings" in html) == (not result.warnings)
    for warning in result.warnings:
        assert escape(warning.split(":")[0]) in html


def test_the_fast_csv_reader_reads_as_the_careful_one(tmp_path, monkeypatch) -> None:
    pytest.importorskip("pyarrow")
    from jcmcalc.inputs.readers import fastcsv

    monkeypatch.setattr(fastcsv, "SMALLEST", 0)  # this small file through the fast reader too
    _long_csv(tmp_path, "long.csv")
    lines = (tmp_path / "long.csv").read_text("utf-8").splitlines()
    lines[5] = lines[5].replace(lines[5].split(",")[-3], "0.12345678901234567")  # > 15 digits
    (tmp_path / "long.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = _project(tmp_path, '["long.csv"]')
    assert fastcsv.load(tmp_path / "long.csv", ",") is not None
    fast = jcmcalc.calculate(path)
    monkeypatch.setattr(fastcsv, "load", lambda *_, **__: None)
    careful = jcmcalc.calculate(path)
    assert _figures(fast) == _figures(careful)
    assert fast.to_json() == careful.to_json()


@pytest.mark.parametrize(
    ("cell", "message"),
    [("nan", "not a finite number"), ("12.5 kWh", "the unit belongs in the header")],
)
def test_the_fast_csv_reader_leaves_bad_cells_to_the_careful_messages(
    tmp_path, monkeypatch, cell, message
) -> None:
    pytest.importorskip("pyarrow")
    from jcmcalc.inputs.readers import fastcsv

    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    (tmp_path / "bad.csv").write_text(
        f'timestamp,system,"EG_PV,i,p [kWh]"\n2025-01-01T00:00,PV-ONLY,1\n'
        f"2025-01-01T01:00,PV-ONLY,{cell}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=message) as caught:
        jcmcalc.calculate(_project(tmp_path, '["bad.csv"]'))
    assert caught.value.row == 3


def test_wide_columns_of_mixed_kinds_read_as_their_long_twin(tmp_path) -> None:
    (tmp_path / "wide.csv").write_text(
        'timestamp,"EG_PV,i,p [kWh] @ PV-ONLY","EG_PV,i,p [kWh] @ PV-OFF",'
        '"EG_PV,i,p [kWh] @ PV-BAT"\n'
        "2025-01-01T00:00,0.12345678901234567,2.5,3\n2025-01-01T01:00,1,,3\n",
        encoding="utf-8",
    )
    (tmp_path / "long.csv").write_text(
        'timestamp,system,"EG_PV,i,p [kWh]"\n2025-01-01T00:00,PV-ONLY,0.12345678901234567\n'
        "2025-01-01T01:00,PV-ONLY,1\n2025-01-01T00:00,PV-OFF,2.5\n"
        "2025-01-01T00:00,PV-BAT,3\n2025-01-01T01:00,PV-BAT,3\n",
        encoding="utf-8",
    )
    text = PROJECT.replace("battery = true\n", "").split("[[periods]]")[0]
    text += "[[periods]]\nstart = 2025-01-01\nend = 2025-01-01\n"
    figures = []
    for name in ("wide.csv", "long.csv"):
        path = tmp_path / f"{name}.toml"
        path.write_text(f'monitoring = ["{name}"]\n\n{text}', encoding="utf-8")
        result = jcmcalc.calculate(path)
        figures.append(_figures(result))
    assert figures[0] == figures[1]
    assert figures[0][0][0] > 0


def test_the_project_file_may_map_a_portal_export_to_members(tmp_path, expected) -> None:
    _wide_csv(tmp_path)
    lines = (tmp_path / "wide.csv").read_text("utf-8").split("\n", 1)
    header = next(csv.reader([lines[0]]))
    plain = ["Time", *(title.split(" @ ")[1] + " " + title.split(" [")[0] for title in header[1:])]
    quoted = ",".join(f'"{name}"' for name in plain)
    (tmp_path / "portal.csv").write_text(quoted + "\n" + lines[1], encoding="utf-8")
    mapping = ", ".join(
        f'"{new}" = "{old}"' for new, old in zip(plain, ["timestamp", *header[1:]], strict=True)
    )
    result = jcmcalc.calculate(
        _project(tmp_path, f'[{{ file = "portal.csv", columns = {{ {mapping} }} }}]')
    )
    assert _figures(result) == expected
    with pytest.raises(InputError, match="the file does not have"):
        jcmcalc.calculate(_project(tmp_path, '[{ file = "portal.csv", columns = { X = "Y" } }]'))


def test_an_id_am017_pv_only_project_needs_no_battery_entries(tmp_path) -> None:
    path = tmp_path / "project.toml"
    path.write_text(
        """\
[project]
name = "PV only"

[methodology]
id = "ID_AM017"
version = "1.0"

[[systems]]
id = "PV-1"
grid = "jamali"
connection_case = "grid"

[systems.parameters]
rated_capacity = "100 kWp"
specific_yield = "1300 kWh/kWp/year"
degradation_rate = "0.5 %"

[estimate]
start = 2025-01-01
years = 2

[[periods]]
start = 2025-01-01
end = 2025-12-31
values = { "EG_PV,i,p" = { PV-1 = "130 MWh" } }
""",
        encoding="utf-8",
    )
    result = jcmcalc.calculate(path)
    delivered = next(s for s in result.trace if s.symbol == "EG_i,p")
    assert delivered.value == 130
    assert not any("EC_charge" in w or "EG_discharge" in w for w in result.warnings)
    assert jcmcalc.estimate(path).periods[0].reference > 0
    text = path.read_text("utf-8").replace(
        'connection_case = "grid"', 'battery = true\nconnection_case = "grid"'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match="missing monitored value"):
        jcmcalc.calculate(path)


def test_battery_values_without_battery_true_are_an_error_not_ignored(tmp_path) -> None:
    example = Path(__file__).parents[1] / "methodologies/solar-pv/examples/indonesia-battery"
    text = (example / "project.toml").read_text("utf-8").replace("battery = true\n", "")
    path = tmp_path / "project.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=r"add battery = true to its \[\[systems\]\] table"):
        jcmcalc.calculate(path)
