"""The one input boundary: every value, from a project file, a CSV or Parquet column or a
portfolio table, is read exactly and refused by the same rules with the same words."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import jcmcalc
from jcmcalc import api, portfolio
from jcmcalc.inputs import boundary, scaled
from jcmcalc.model.errors import InputError
from jcmcalc.model.numbers import MAX_DIGITS
from jcmcalc.model.parameters import FRACTION, NON_NEGATIVE, Bounds, Kind, Parameter
from jcmcalc.model.units import conversion_factor

ENERGY = Parameter("E", "energy", "MWh", Kind.MONITORED, "energy", bounds=NON_NEGATIVE)
SHARE = Parameter("x", "share", "dimensionless", Kind.PROJECT, "share", bounds=FRACTION)
OPEN = Parameter("T", "t", "MWh", Kind.PROJECT, "t", bounds=Bounds(Fraction(-5), False))
ENERGY_NAME = api.get_methodology("MN_AM003", "2.0").parameter("EG_i,p").name

SERIES = """
[project]
name = "test"

[methodology]
id = "MN_AM003"
version = "2.0"

[[systems]]
id = "PV-1"
grid = "national"
connection_case = "grid"

[[periods]]
start = 2023-01-01
end = 2023-12-31
data = "{data}"
"""


@pytest.mark.parametrize(
    ("parameter", "text"),
    [
        (ENERGY, "0 MWh"),
        (ENERGY, "-0.001 MWh"),
        (ENERGY, "1000000000000000 MWh"),
        (ENERGY, "1000000000000000.001 MWh"),
        (ENERGY, "1e18 kWh"),
        (ENERGY, "1.000000000000001e18 kWh"),
        (ENERGY, "1 YWh"),
        (ENERGY, "-1 YWh"),
        (SHARE, "1"),
        (SHARE, "100 %"),
        (SHARE, "100.01 %"),
        (SHARE, "0"),
        (OPEN, "-5 MWh"),
        (OPEN, "-4.999 MWh"),
        (OPEN, "-5000.001 kWh"),
    ],
)
def test_scalar_and_column_forms_agree(parameter: Parameter, text: str) -> None:
    """The column form (scaled integers) refuses exactly what the scalar form refuses."""
    magnitude, unit = text.split(" ") if " " in text else (text, "dimensionless")
    try:
        boundary.quantity(parameter, text)
        accepted = True
    except InputError as exc:
        accepted = False
        assert "out of range" in exc.message or "absurdly large" in exc.message
    value = boundary.decimal(magnitude)
    column = scaled.from_fractions([value])
    forms = [column.integers]
    if abs(column.integers[0]) < 2**53:  # the float64 form holds whole numbers below 2**53
        forms.append(column.integers.astype(np.float64))
    for integers in forms:
        factor = boundary.factor(parameter, unit)
        refused = boundary.refused(parameter, integers, column.scale, factor)
        assert bool(refused[0]) is not accepted, (text, integers.dtype)


def test_absurd_value_in_any_unit_names_parameter_file_and_row(project, cli) -> None:
    data = 'timestamp,system,"EG_i,p [YWh]"\n2023-06-01T00:00,PV-1,1\n'
    path = project(SERIES.format(data="eg.csv"), eg__csv=data)
    code, out, err = cli("calculate", path)
    assert (code, out) == (2, "")
    assert "eg.csv, row 2: parameter EG_i,p: value about 10^18 MWh is absurdly large" in err


def test_the_total_of_a_column_is_checked_too(project) -> None:
    rows = "".join(f"2023-06-{day:02}T00:00,PV-1,600000000000000\n" for day in (1, 2))
    path = project(SERIES.format(data="eg.csv"), eg__csv='timestamp,system,"EG_i,p [MWh]"\n' + rows)
    with pytest.raises(
        InputError, match=r"the total of eg.csv rows 2-3: value about 10\^15 MWh is absurdly"
    ):
        jcmcalc.calculate(path)


def test_parquet_unit_metadata_crosses_the_same_boundary(project, tmp_path: Path) -> None:
    path = project(SERIES.format(data="eg.parquet"))
    field = pa.field("EG_i,p", pa.float64(), metadata={"unit": "YWh"})
    table = pa.table({"timestamp": ["2023-06-01T00:00"], "system": ["PV-1"], "EG_i,p": [1.0]})
    pq.write_table(
        table.cast(pa.schema([table.schema[0], table.schema[1], field])), tmp_path / "eg.parquet"
    )
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(path)
    assert (error.value.row, error.value.parameter) == (1, "EG_i,p")
    assert "about 10^18 MWh is absurdly large" in error.value.message


def test_parquet_int64_beyond_two_to_the_53_is_read_exactly(project, tmp_path: Path) -> None:
    path = project(SERIES.format(data="eg.parquet"))
    big = 2**53 + 1  # Wh: a float64 would round it to 2**53
    table = pa.table(
        {"timestamp": ["2023-06-01T00:00"], "system": ["PV-1"], "EG_i,p [Wh]": pa.array([big])}
    )
    pq.write_table(table, tmp_path / "eg.parquet")
    energy = jcmcalc.calculate(path).inputs.periods[0].values[ENERGY_NAME][("PV-1",)]
    assert energy.value == Fraction(big, 10**6)


def test_parquet_floats_are_the_shortest_decimal_that_gives_them_back(project, tmp_path) -> None:
    path = project(SERIES.format(data="eg.parquet"))
    values = [0.1, 0.2, 1234.5678901234567]
    table = pa.table(
        {"timestamp": [f"2023-06-0{d}T00:00" for d in (1, 2, 3)], "system": ["PV-1"] * 3}
    ).append_column("EG_i,p [MWh]", pa.array(values))
    pq.write_table(table, tmp_path / "eg.parquet")
    energy = jcmcalc.calculate(path).inputs.periods[0].values[ENERGY_NAME][("PV-1",)]
    assert energy.value == sum(Fraction(repr(v)) for v in values)


def test_decimal_text_is_read_exactly_or_refused() -> None:
    assert boundary.decimal("1.10e2") == 110
    for text in ("1/3", "nan", "inf", "1 kWh", "0x10", ""):
        with pytest.raises(ValueError):
            boundary.decimal(text)
    with pytest.raises(OverflowError):
        boundary.decimal("1e31")
    most = MAX_DIGITS  # digits counted only in a text longer than that: none is missed
    assert boundary.decimal("9" * most) == 10**most - 1
    for text in ("9" * (most + 1), "0." + "0" * (most // 2) + "1" * (most // 2)):
        with pytest.raises(OverflowError, match=f"{most + 1:,} digits"):
            boundary.decimal(text)


# --- the portfolio table: the same checks, the same words as a project file ----------------

TABLE = 'project,methodology,start,end,system,connection_case,"EG_i,p [{unit}]"\n'
PERIODS = """
[methodology]
id = "TH_AM001"
version = "1.0"

[[systems]]
id = "S1"
connection_case = "off-grid"

[[periods]]
start = {first_start}
end = {first_end}
values = {{ "EG_i,p" = "10 MWh" }}

[[periods]]
start = {second_start}
end = {second_end}
values = {{ "EG_i,p" = "{second} MWh" }}
"""


def _table(tmp_path: Path, rows: list[str], unit: str = "MWh") -> dict[str, portfolio.Row]:
    path = tmp_path / "portfolio.csv"
    path.write_text(TABLE.format(unit=unit) + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    found = portfolio.calculate(path, api.get_methodology)
    return {row.project: row for row in found if row.status != "ok" or row.project == "A"}


def _project_error(project, **dates: str) -> str:
    fields = {"second": "20", **dates}
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(project(PERIODS.format(**fields)))
    return error.value.message


def _message(row: portfolio.Row) -> str:
    """A failure's message without the place (file and row) it names first."""
    assert row.status == "failed", row
    return row.message.split(": ", 1)[1]


def test_overlapping_periods_in_a_table_get_the_project_file_message(tmp_path, project) -> None:
    rows = _table(
        tmp_path,
        [
            "P,TH_AM001@1.0,2024-01-01,2024-06-30,S1,off-grid,10",
            "P,TH_AM001@1.0,2024-06-01,2024-12-31,S1,off-grid,20",
            "A,TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,20",
        ],
    )
    dates = dict(
        first_start="2024-01-01",
        first_end="2024-06-30",
        second_start="2024-06-01",
        second_end="2024-12-31",
    )
    expected = _project_error(project, **dates)
    assert _message(rows["P"]) == expected
    assert expected.startswith("period 2 (2024-06-01 to 2024-12-31) overlaps period 1")
    assert rows["A"].status == "ok"
    assert "row 3" in rows["P"].message


def test_same_start_different_ends_is_an_overlap_not_one_period(tmp_path, project) -> None:
    rows = _table(
        tmp_path,
        [
            "P,TH_AM001@1.0,2024-01-01,2024-03-31,S1,off-grid,10",
            "P,TH_AM001@1.0,2024-01-01,2024-06-30,S1,off-grid,20",
        ],
    )
    dates = dict(
        first_start="2024-01-01",
        first_end="2024-03-31",
        second_start="2024-01-01",
        second_end="2024-06-30",
    )
    assert _message(rows["P"]) == _project_error(project, **dates)


def test_a_reversed_period_gets_the_project_file_message(tmp_path, project) -> None:
    rows = _table(tmp_path, ["P,TH_AM001@1.0,2024-06-30,2024-01-01,S1,off-grid,10"])
    dates = dict(
        first_start="2023-01-01",
        first_end="2023-12-31",
        second_start="2024-06-30",
        second_end="2024-01-01",
    )
    assert _message(rows["P"]) == _project_error(project, **dates)


def test_out_of_range_and_absurd_values_get_the_project_file_message(tmp_path, project) -> None:
    rows = _table(
        tmp_path,
        ["P,TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,-3"],
    )
    dates = dict(
        first_start="2023-01-01",
        first_end="2023-12-31",
        second_start="2024-01-01",
        second_end="2024-12-31",
    )
    expected = _project_error(project, **dates, second="-3")
    assert _message(rows["P"]) == f"parameter EG_i,p: {expected}"
    rows = _table(tmp_path, ["P,TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,1"], unit="YWh")
    assert "value about 10^18 MWh is absurdly large" in _message(rows["P"])


def test_a_member_twice_in_one_period_gets_the_project_file_message(tmp_path, project) -> None:
    rows = _table(
        tmp_path,
        [
            "P,TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,10",
            "P,TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,20",
        ],
    )
    text = PERIODS.format(
        first_start="2023-01-01",
        first_end="2023-12-31",
        second_start="2024-01-01",
        second_end="2024-12-31",
        second="1",
    )
    system = '[[systems]]\nid = "S1"\nconnection_case = "off-grid"\n'
    twice = text.replace(system, system + system)
    with pytest.raises(InputError) as error:
        jcmcalc.calculate(project(twice))
    assert _message(rows["P"]) == error.value.message == "duplicate PV system id 'S1'"


def test_a_table_row_naming_no_version_of_several_is_refused(tmp_path) -> None:
    """Several versions of TH_AM001 are installed: a row naming none is refused, listing them;
    the same project naming its version calculates."""
    rows = [
        "A,TH_AM001,2024-01-01,2024-06-30,S1,off-grid,1000",
        "B,TH_AM001@1.0,2024-07-01,2024-12-31,S1,off-grid,1000",
    ]
    path = tmp_path / "portfolio.csv"
    path.write_text(TABLE.format(unit="MWh") + "\n".join(rows) + "\n", encoding="utf-8")
    found = {r.project: r for r in portfolio.calculate(path, api.get_methodology)[:-1]}
    assert found["B"].status == "ok" and found["A"].status == "failed"
    assert "TH_AM001: no version named, and 3 are installed: 1.0 (read; jcmcalc-solar-pv" in (
        found["A"].message
    )
    assert "2.0 (reconstructed;" in found["A"].message
    assert "3.0 (reconstructed;" in found["A"].message


def test_a_project_under_two_methodologies_fails_once(tmp_path) -> None:
    header = 'project,methodology,start,end,system,connection_case,grid,"EG_i,p [MWh]"\n'
    path = tmp_path / "portfolio.csv"
    path.write_text(
        header
        + "A,TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,,10\n"
        + "A,MN_AM003@2.0,2025-01-01,2025-12-31,S1,grid,national,10\n"
        + "B,TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,,10\n",
        encoding="utf-8",
    )
    found = portfolio.calculate(path, api.get_methodology)
    mine = [r for r in found if r.project == "A"]
    assert len(mine) == 1 and mine[0].status == "failed"
    assert mine[0].message == (
        "portfolio.csv, row 2: project 'A' is listed under MN_AM003 ver 2.0 and TH_AM001 ver 1.0: "
        "a project has one methodology"
    )
    assert [r.status for r in found if r.project == "B"] == ["ok"]


def test_submitted_figures_are_read_by_the_same_rules(tmp_path: Path) -> None:
    from jcmcalc.inputs.submitted.read import read_submitted

    methodology = api.get_methodology("MN_AM003", "2.0")
    path = tmp_path / "figures.csv"
    path.write_text('period,quantity,member,value,unit\n1,"EG_i,p",PV-1,1234.5,kWh\n', "utf-8")
    [figure] = read_submitted(path, methodology)
    assert figure.value == Fraction("1.2345")  # in MWh, as the boundary converts inputs
    for cell, words in (("1e999", "absurdly large or small"), ("0x10", "is not a number")):
        path.write_text(f"period,quantity,member,value\n1,RE_p,,{cell}\n", "utf-8")
        with pytest.raises(InputError, match=words):
            read_submitted(path, methodology)
    path.write_text('period,quantity,member,value,unit\n1,"EG_i,p",PV-1,1,m\n', "utf-8")
    with pytest.raises(InputError, match=r"parameter EG_i,p: unit 'm' .* cannot be converted"):
        read_submitted(path, methodology)


FUEL = Parameter("FC", "fuel", ("t", "kL"), Kind.MONITORED, "fuel", bounds=NON_NEGATIVE)


@pytest.mark.parametrize(
    ("parameter", "text"),
    [
        (ENERGY, "1234.5 kWh"),
        (ENERGY, "2 GWh"),
        (FUEL, "3 kg"),
        (FUEL, "7 L"),
        (FUEL, "7 kL"),
        (FUEL, "1.5 m**3"),
        (SHARE, "12.5 %"),
        (SHARE, "0.25"),
    ],
)
def test_conversions_kept_per_parameter_and_unit_agree_with_fresh_ones(
    parameter: Parameter, text: str
) -> None:
    """A value read twice (its unit's conversion then kept) is the value and the units read
    fresh: the exact factor from pint, the canonical unit of its basis, the unit as written."""
    first = boundary.quantity_units(parameter, text)
    again = boundary.quantity_units(parameter, text)
    magnitude, unit = text.split(" ") if " " in text else (text, "")
    canonical = parameter.canonical(unit or "dimensionless")
    fresh = Fraction(magnitude) * conversion_factor(unit or "dimensionless", canonical)
    units = {
        "unit": parameter.canonical(unit) if parameter.alternatives else "",
        "written": boundary.written(parameter, unit),
    }
    assert first == again == (fresh, units)
    assert boundary.units_of(parameter, text) == units
    assert boundary.quantity(parameter, text) == fresh


def test_a_unit_refused_is_refused_again_where_it_is_written() -> None:
    """A conversion that fails is not kept: each place writing the unit is named."""
    for at in ("parameters.a", "parameters.b"):
        with pytest.raises(InputError) as caught:
            boundary.quantity(FUEL, "3 MWh", file="p.toml", at=at)
        assert caught.value.at == at and "cannot be converted" in caught.value.message
    twin = Parameter("FC", "fuel", "GJ", Kind.MONITORED, "fuel", bounds=NON_NEGATIVE)
    assert boundary.quantity(ENERGY, "3 MWh") == 3
    assert boundary.quantity(twin, "3 MWh") == Fraction(108, 10)  # its own factor, not ENERGY's


def _scale_by_scale(values: np.ndarray) -> scaled.Scaled | None:
    """:func:`scaled.float_scaled` as a long column takes it: :func:`scaled.fits` tried one
    scale after another."""
    start = next((d for d in range(16) if scaled.fits(values, d) is not None), None)
    if start is None:
        return None
    integers = scaled.fits(values, start)
    return scaled.Scaled(integers, start, float(max(integers.max(), -integers.min())))


@pytest.mark.parametrize(
    "values",
    [
        [119.171, 88.679],
        [0.0, -0.0],
        [0.1 + 0.2],
        [1 / 3],
        [5e-324],
        [999999999999999.0],
        [1e15],
        [0.000000000000001],
        [1e-16],
        [123456.789012345],
        [-12.5, 12.5, 1.125],
        [1e308, 1.0],
        [2.0**53],
        [float("inf")],
        [float("nan")],
        [0.5] * scaled.FEW,
        [0.5] * (scaled.FEW - 1) + [0.123456789],
    ],
)
def test_a_short_column_is_scaled_as_scale_by_scale(values: list[float]) -> None:
    """A short column, tried at every scale at once, gets the scale, integers and largest
    value (or the refusal: None) that trying one scale after another gives."""
    array = np.array(values, dtype=np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        expected = _scale_by_scale(array)
    found = scaled.float_scaled(array)
    if expected is None:
        assert found is None
        return
    assert found is not None and (found.scale, found.largest) == (expected.scale, expected.largest)
    assert found.integers.dtype == np.float64
    assert np.array_equal(found.integers, expected.integers)


def test_random_short_columns_are_scaled_as_scale_by_scale() -> None:
    rng = np.random.default_rng(34)
    for _ in range(2000):
        size, places = int(rng.integers(1, 9)), int(rng.integers(0, 18))
        array = np.round(rng.uniform(-1e6, 1e6, size), places)
        expected, found = _scale_by_scale(array), scaled.float_scaled(array)
        assert (found is None) == (expected is None), array
        if found is not None:
            assert found.scale == expected.scale and found.largest == expected.largest
            assert np.array_equal(found.integers, expected.integers), array


def test_a_plain_decimal_is_read_as_fractions_reads_it() -> None:
    """Digits with a point, read directly, give the Fraction of the text: signs, leading and
    trailing zeros, the most places (after reduction), the most digits; anything else goes
    the general way, with its refusals."""
    from jcmcalc.model.numbers import MAX_PLACES, decimal_fraction

    rng = np.random.default_rng(34)
    texts = ["0", "-0.0", "+1.5", "007.50", "1", "-3", "103", "0.5113", "119.171", "1.3"]
    texts += ["0." + "0" * (MAX_PLACES - 1) + "1", "1." + "0" * (MAX_PLACES + 5)]
    texts += ["9" * MAX_DIGITS, "-" + "9" * (MAX_DIGITS - 1)]
    for _ in range(3000):
        whole = str(int(rng.integers(0, 10**12)))
        part = str(int(rng.integers(0, 10**9))).zfill(int(rng.integers(1, 12)))
        sign, point = "-" if rng.random() < 0.3 else "", rng.random() < 0.8
        texts.append(sign + whole + ("." + part if point else ""))
    for text in texts:
        assert decimal_fraction(text) == Fraction(text), text
    with pytest.raises(OverflowError, match="digits after the point"):
        decimal_fraction("0." + "0" * MAX_PLACES + "1")
    for text in ("1.", ".5", " 1.5", "1e3", "1_0", "١٢"):  # the general way
        assert decimal_fraction(text) == Fraction(text)
    for text in ("1.2.3", "--1", "", "0x10"):
        with pytest.raises(ValueError):
            decimal_fraction(text)
