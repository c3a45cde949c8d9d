"""Plugin readers (hook ``jcmcalc_readers``): the core decides which reader reads which file,
so Parquet files and time zones work for every methodology; hooks go through pluggy."""

from __future__ import annotations

import re
import shutil
from fractions import Fraction
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from jcmcalc_fgas_destruction.cylinders import accepts

import jcmcalc
from jcmcalc import hookimpl
from jcmcalc.inputs.resolve import resolve
from jcmcalc.inputs.series.readings import ReadContext, Reader, Reading
from jcmcalc.model.errors import InputError, PluginError
from jcmcalc.plugin import registry as plugins
from jcmcalc.plugin.registry import DuplicateError

ROOT = Path(__file__).resolve().parent.parent
FURNACE = ROOT / "methodologies" / "fgas-destruction" / "examples" / "vietnam-furnace"
METER = "meter-2025H2.csv"


@pytest.fixture
def furnace(tmp_path: Path) -> Path:
    """A copy of the F-gas example project."""
    shutil.copytree(FURNACE, tmp_path / "furnace")
    return tmp_path / "furnace"


def _figures(path: Path) -> list[tuple[Fraction, Fraction, int]]:
    result = jcmcalc.calculate(path)
    return [(p.reference, p.project, p.credits) for p in result.periods]


def test_fgas_example_with_its_meter_file_as_parquet(furnace: Path) -> None:
    expected = _figures(furnace / "project.toml")
    lines = (furnace / METER).read_text(encoding="utf-8").splitlines()[1:]
    dates, energy = zip(*(line.split(",") for line in lines), strict=True)
    table = pa.table({"date": list(dates), "EC_p [kWh]": [float(e) for e in energy]})
    pq.write_table(table, furnace / "meter.parquet")
    (furnace / METER).unlink()
    project = furnace / "project.toml"
    project.write_text(project.read_text("utf-8").replace(METER, "meter.parquet"), "utf-8")
    assert _figures(project) == expected
    consumed = jcmcalc.calculate(project).inputs.periods[1].values["electricity_consumed"][()]
    assert consumed.value == Fraction("18.6497") and "meter.parquet" in consumed.source


def _with_offsets(furnace: Path, zone: str | None) -> Path:
    """Every date of the example's files as a timestamp with a UTC offset (Ha Noi, +07:00);
    the first cylinder of the second half-year in New York time, the evening before."""
    for path in furnace.glob("*.csv"):
        lines = path.read_text(encoding="utf-8").splitlines()
        moved = [lines[0]] + [f"{line[:10]}T09:00:00+07:00{line[10:]}" for line in lines[1:]]
        path.write_text("\n".join(moved) + "\n", encoding="utf-8")
    second = furnace / "cylinders-2025H2.csv"
    text = second.read_text("utf-8").replace(
        "2025-07-15T09:00:00+07:00", "2025-07-14T22:00:00-04:00"
    )
    second.write_text(text, encoding="utf-8")
    project = furnace / "project.toml"
    if zone:
        text = project.read_text("utf-8").replace(
            "[project]\n", f'[project]\ntime_zone = "{zone}"\n'
        )
        project.write_text(text, encoding="utf-8")
    return project


def test_fgas_example_with_utc_offsets_and_a_time_zone(furnace: Path) -> None:
    expected = _figures(furnace / "project.toml")
    assert _figures(_with_offsets(furnace, "Asia/Ho_Chi_Minh")) == expected


def test_fgas_offsets_without_a_time_zone_are_refused(furnace: Path) -> None:
    with pytest.raises(InputError, match="has a UTC offset, but the project declares no time zone"):
        jcmcalc.calculate(_with_offsets(furnace, None))


def test_the_cylinder_reader_accepts_cylinder_lists_only() -> None:
    assert accepts(Path("c.csv"), b"\xef\xbb\xbfdate,cylinder,content,gross [kg],tare [kg]\r\n1")
    assert not accepts(Path("m.csv"), b'date,"EC_p [kWh]"\n2025-07-31,3120.5\n')
    assert not accepts(Path("m.parquet"), b"PAR1\x15\x04\x15\xff\xfe")


# --- the registry: hooks through the plugin manager, readers and providers ------------------


def _plugin(**hooks):
    """A plugin object implementing ``hooks`` (name -> value returned)."""
    namespace = {name: hookimpl(lambda self, value=value: value) for name, value in hooks.items()}
    for name, function in namespace.items():
        function.__name__ = name
    return type("Plugin", (), namespace)()


def _reader(
    name: str, served: tuple[str, ...], value: Fraction, accepted=lambda p, h: True, months=()
):
    def read(path: Path, context: ReadContext):
        return {
            (p.number, "electricity_generated", ("PV-1",)): Reading(
                value, path, (2,), months=months
            )
            for p in context.periods
        }

    return Reader(name, served, accepted, read)


def test_readers_and_providers_come_from_the_hooks() -> None:
    methodology = jcmcalc.get_methodology("MN_AM003", "2.0")
    registry = plugins.Registry(plugins.new_manager())
    registry.add(_plugin(jcmcalc_readers=[_reader("r", ("MN_AM003",), Fraction(1))]), "a", "d", "1")
    registry.add(_plugin(jcmcalc_methodologies=[methodology]), "b", "e", "2.1")
    assert [r.name for r in registry.readers(methodology)] == ["r"]
    assert registry.provider(methodology).label == "e 2.1"
    assert registry.plugins[1].methodologies == ("MN_AM003 ver 2.0",)


def test_a_reader_name_provided_twice_is_an_error() -> None:
    registry = plugins.Registry(plugins.new_manager())
    registry.add(_plugin(jcmcalc_readers=[_reader("r", ("X",), Fraction(1))]), "a", "d", "1")
    with pytest.raises(DuplicateError, match="reader 'r' is provided twice: by plugin 'd' and"):
        registry.add(_plugin(jcmcalc_readers=[_reader("r", ("Y",), Fraction(1))]), "b", "e", "1")


def test_a_hook_returning_no_reader_breaks_its_plugin() -> None:
    registry = plugins.Registry(plugins.new_manager())
    with pytest.raises(PluginError, match="returned 'cylinders', not a Reader"):
        registry.add(_plugin(jcmcalc_readers=["cylinders"]), "a", "d", "1")
    assert registry.plugins == [] and registry.manager.get_plugins() == set()


SERIES = """
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
data = ["plugin.csv", "core.csv"]
"""
CORE = 'timestamp,system,"EG_i,p [MWh]"\n2023-06-01T00:00,PV-1,5\n'


def test_a_plugin_reader_gets_only_the_files_it_accepts(project) -> None:
    path = project(SERIES, plugin__csv="x\n", core__csv=CORE)
    methodology = jcmcalc.get_methodology("MN_AM003", "2.0")
    reader = _reader("mine", ("MN_AM003",), Fraction(7), lambda p, head: head == b"x\n")
    parsed, _ = jcmcalc.api.load_project(path)
    with pytest.raises(InputError, match="each value may come from one file only"):
        resolve(methodology, parsed, readers=[reader])
    path = project(SERIES.replace(', "core.csv"', ""), plugin__csv="x\n")
    parsed, _ = jcmcalc.api.load_project(path)
    value = resolve(methodology, parsed, readers=[reader]).periods[0].values
    assert value["electricity_generated"][("PV-1",)].value == 7
    other = _reader("other", ("TH_AM001",), Fraction(7))  # serves another methodology
    path = project(SERIES.replace('"plugin.csv", ', ""), core__csv=CORE)
    parsed, _ = jcmcalc.api.load_project(path)
    value = resolve(methodology, parsed, readers=[other]).periods[0].values
    assert value["electricity_generated"][("PV-1",)].value == 5


def test_two_readers_accepting_one_file_is_a_plugin_fault(project) -> None:
    path = project(SERIES.replace(', "core.csv"', ""), plugin__csv="x\n")
    methodology = jcmcalc.get_methodology("MN_AM003", "2.0")
    parsed, _ = jcmcalc.api.load_project(path)
    readers = [_reader(name, ("MN_AM003",), Fraction(1)) for name in ("a", "b")]
    with pytest.raises(PluginError, match=r"plugin fault in jcmcalc-solar-pv .*'a' and 'b' both"):
        resolve(methodology, parsed, readers=readers)


@pytest.mark.parametrize(
    ("months", "fault"),
    [
        ((("2023-05", Fraction(3)), ("2023-06", Fraction(4))), False),
        ((("2023-05", Fraction(3)), ("2023-06", Fraction(5))), True),  # adds up to 8, not 7
        ((("2023-06", Fraction(4)), ("2023-05", Fraction(3))), True),  # not in calendar order
        ((("2023-13", Fraction(7)),), True),
        ((("2023-05", 7.0),), True),  # not exact
        (("2023-05",), True),
    ],
)
def test_a_plugin_readers_months_must_add_up_to_its_value(project, months, fault) -> None:
    path = project(SERIES.replace(', "core.csv"', ""), plugin__csv="x\n")
    methodology = jcmcalc.get_methodology("MN_AM003", "2.0")
    parsed, _ = jcmcalc.api.load_project(path)
    reader = _reader("m", ("MN_AM003",), Fraction(7), months=months)
    if fault:
        with pytest.raises(PluginError, match="not \\('YYYY-MM', exact number\\) pairs"):
            resolve(methodology, parsed, readers=[reader])
    else:
        value = resolve(methodology, parsed, readers=[reader]).periods[0].values
        assert value["electricity_generated"][("PV-1",)].months == months


@pytest.mark.parametrize(
    ("months", "problem"),
    [
        ((("2023-05", Fraction(-3)), ("2023-06", Fraction(10))), "2023-05: value -3 MWh"),
        ((("2023-05", Fraction(10**40)), ("2023-06", 7 - Fraction(10**40))), "2023-05: value"),
        ((("1999-01", Fraction(7)),), "1999-01: the month lies outside period 1"),
    ],
)
def test_a_plugin_readers_months_pass_the_input_boundary(project, months, problem) -> None:
    """Each monthly total splits the period's ER by year: it passes the boundary as the value
    does (bounds, absurd values) and lies in its period, even when the months add up."""
    path = project(SERIES.replace(', "core.csv"', ""), plugin__csv="x\n")
    methodology = jcmcalc.get_methodology("MN_AM003", "2.0")
    parsed, _ = jcmcalc.api.load_project(path)
    reader = _reader("m", ("MN_AM003",), Fraction(7), months=months)
    with pytest.raises(PluginError, match=re.escape(problem)):
        resolve(methodology, parsed, readers=[reader])
