"""Fuzzing the project-file and CSV loaders: any input gives a result or an InputError.

The test suite runs a bounded number of examples per target (a few seconds). The long run::

    JCMCALC_FUZZ_SECONDS=600 .venv/bin/python -m pytest tests/test_fuzz.py -k long -s

cycles through every target with fresh random seeds until the time is up and prints what it
ran. Any exception other than :class:`InputError` fails, with hypothesis' shrunk example.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jcmcalc import api
from jcmcalc.model.errors import InputError
from tests.conftest import ROOT

FUZZ_SECONDS = float(os.environ.get("JCMCALC_FUZZ_SECONDS", "0"))
EXAMPLES = sorted(p.parent for p in ROOT.glob("methodologies/*/examples/*/project.toml"))
RUNS = {"calls": 0, "results": 0, "input errors": 0}


#: A run longer than this is a finding (a hang), reported with its input.
EXAMPLE_SECONDS = 20


def _too_slow(signum, frame) -> None:
    raise TimeoutError(f"one calculation ran over {EXAMPLE_SECONDS} s")


def _outcome(folder: Path) -> None:
    """Calculate (and estimate) the project in ``folder``: a result or an InputError only."""
    previous = signal.signal(signal.SIGALRM, _too_slow)
    try:
        for run in (api.calculate, api.estimate):
            RUNS["calls"] += 1
            signal.alarm(EXAMPLE_SECONDS)
            try:
                run(folder / "project.toml")
                RUNS["results"] += 1
            except InputError:
                RUNS["input errors"] += 1
            finally:
                signal.alarm(0)
    finally:
        signal.signal(signal.SIGALRM, previous)


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Apply (position, bytes removed, bytes inserted) edits to ``data``."""
    for position, removed, inserted in edits:
        at = position % (len(data) + 1)
        data = data[:at] + inserted + data[at + removed :]
    return data


INTERESTING = [
    b"",
    b"0",
    b"-1",
    b"1e30",
    b"1e31",
    b"1e-31",
    b"1e999999999",
    b"nan",
    b"inf",
    b"\xff\xfe",
    b"\x00",
    b'"',
    b",",
    b"\n",
    b"[",
    b"]]",
    b"{",
    b"=",
    b" MWh",
    b" kWh",
    b" %",
    b" t",
    b"9" * 40,
    b"../",
    b"/",
    b"2024-02-30",
    b"1999-12-31",
    b" register",
    "é".encode(),
]
edits = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.integers(0, 8),
        st.one_of(st.sampled_from(INTERESTING), st.binary(max_size=6)),
    ),
    min_size=1,
    max_size=6,
)


def mutated_example(example: Path, name: str, chosen_edits) -> None:
    """Copy ``example``, apply the edits to its file ``name``, calculate."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary) / "project"
        shutil.copytree(example, folder)
        target = folder / name
        data = _mutate(target.read_bytes(), chosen_edits)
        target.write_bytes(data)
        _outcome(folder)


FILES = [(example, path.name) for example in EXAMPLES for path in sorted(example.iterdir())]


def fuzz_example_files(file, chosen_edits) -> None:
    mutated_example(file[0], file[1], chosen_edits)


# A project for TH_AM001 (three systems) with a CSV built from a vocabulary of headers and cells.
CSV_PROJECT = """
[methodology]
id = "TH_AM001"
version = "1.0"
{top}
[[systems]]
id = "A"
connection_case = "off-grid"

[[systems]]
id = "B"
connection_case = "off-grid"

[[periods]]
start = 2024-01-01
end = 2024-03-31
{data}

[[periods]]
start = 2024-04-01
end = 2024-06-30
"""
HEADERS = [
    "date",
    "timestamp",
    "system",
    "period",
    "EG_i,p [kWh]",
    "EG_i,p [MWh]",
    "EG_i,p [MWh] register",
    "EG_i,p [kWh] register",
    "EG_i,p [t]",
    "EG_i,p",
    "EG_i,p [%]",
    "energy_generated [GWh]",
    "EF_RE,i [t_CO2/MWh]",
    "x [kWh]",
    "",
]
CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "A",
            "B",
            "C",
            "2024-01-31",
            "2024-04-30",
            "2024-07-01",
            "2024-01-31T23:45",
            "31/01/2024",
            "nan",
            "inf",
            "-1",
            "0",
            "1e30",
            "1e-30",
            "1e31",
            "12 kWh",
            "1/3",
        ]
    ),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.text(max_size=5),
)


@st.composite
def csv_text(draw) -> str:
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=5))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header) + 1), max_size=8))
    lines = [header, *rows]
    return "\n".join(",".join(f'"{c}"' if "," in c else c for c in line) for line in lines)


def fuzz_generated_csv(text, under_period) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        data = ('data = "eg.csv"', "") if under_period else ("", 'monitoring = "eg.csv"\n')
        (folder / "project.toml").write_text(
            CSV_PROJECT.format(data=data[0], top=data[1]), encoding="utf-8"
        )
        (folder / "eg.csv").write_text(text, encoding="utf-8", errors="surrogatepass")
        _outcome(folder)


# Project files built from a vocabulary of keys and values, written as TOML.
KEYS = [
    "methodology",
    "id",
    "version",
    "systems",
    "periods",
    "start",
    "end",
    "values",
    "data",
    "parameters",
    "project",
    "registered",
    "estimate",
    "years",
    "connection_case",
    "grid",
    "EG_i,p",
    "EF_RE,i",
    "value",
    "source",
    "override",
    "monitoring",
    "label",
    "eligibility",
]
SCALARS = st.one_of(
    st.sampled_from(
        [
            "MN_AM003",
            "TH_AM001",
            "2.0",
            "1.0",
            "grid",
            "off-grid",
            "national",
            "100 MWh",
            "-1 MWh",
            "1e31 MWh",
            "0.5 t_CO2/MWh",
            "eg.csv",
            "../x",
            "2023-01-01",
            "PV-1",
        ]
    ),
    st.integers(-3, 3),
    st.booleans(),
    st.dates(dt.date(1999, 1, 1), dt.date(2030, 12, 31)),
    st.text(max_size=4),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    ),
    max_leaves=12,
)


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | dt.date):
        return str(value)
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode().replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{ " + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + " }"


def fuzz_generated_project(document, mongolia) -> None:
    document.setdefault("methodology", {"id": "MN_AM003" if mongolia else "TH_AM001"})
    text = "\n".join(f'"{key}" = {toml_value(value)}' for key, value in document.items())
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "project.toml").write_text(text, encoding="utf-8")
        (folder / "eg.csv").write_text('system,"EG_i,p [kWh]"\nPV-1,1\n', encoding="utf-8")
        _outcome(folder)


#: Each target with the strategies of its arguments.
TARGETS = {
    fuzz_example_files: (st.sampled_from(FILES), edits),
    fuzz_generated_csv: (csv_text(), st.booleans()),
    fuzz_generated_project: (
        st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=6),
        st.booleans(),
    ),
}
BOUNDED = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.__name__)
def test_fuzz_bounded(target) -> None:
    BOUNDED(given(*TARGETS[target])(target))()


@pytest.mark.skipif(not FUZZ_SECONDS, reason="set JCMCALC_FUZZ_SECONDS for the long run")
def test_fuzz_long() -> None:
    end = time.monotonic() + FUZZ_SECONDS
    start, rounds = time.monotonic(), 0
    long_run = settings(BOUNDED, max_examples=300)
    while time.monotonic() < end:
        for target, strategies in TARGETS.items():
            long_run(given(*strategies)(target))()
        rounds += 1
    print(f"\nfuzzed {time.monotonic() - start:.0f} s, {rounds} rounds: {RUNS}")
