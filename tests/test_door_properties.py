"""Properties of two doors, on random input: random workbooks (cells of every type, sheets
hidden or not, cells far away, declared ranges, formulas with and without values, error
cells) and random data-file formulas within the grammar (nesting, powers, functions) give a
result or a clear refusal: never another exception, never a traceback; and a workbook at the
bound stays within a stated memory bound, measured in a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jcmcalc.model.errors import MethodologyError
from jcmcalc.model.expressions.formula import Declared, parse_term
from jcmcalc.model.expressions.walkers import (
    PowerBound,
    Symbol,
    evaluate,
    oversized,
    to_latex,
    to_text,
)
from jcmcalc.model.numbers import decimal_text, exact_text, shown_text
from tests import workbooks

pytest.importorskip("python_calamine")

PROJECT = """[methodology]
id = "TH_AM001"
version = "3.0"

[[systems]]
id = "{system}"
connection_case = "off-grid"

[[periods]]
start = 2024-01-01
end = 2024-03-31
data = {data}
"""
#: Peak resident memory of one run reading a workbook at the bound (MiB); measured: see below.
MEMORY_BOUND_MIB = 1024

_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)
_values = st.one_of(
    st.none(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    _text.filter(lambda t: all(c.isprintable() or c in "\t\n" for c in t)),
    st.sampled_from(["A", "B", "1", "system", "EG_i,p [kWh]", "date", "timestamp", "2024-02-01"]),
    st.tuples(st.just("="), st.sampled_from(["1+2", "SUM(B2:B3)"]), st.none() | st.just(7)),
    st.tuples(st.just("#"), st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!", "#REF!"])),
)
_far = st.one_of(
    st.tuples(st.integers(1, 60), st.integers(1, 12)),
    st.tuples(st.integers(245, 1_048_576), st.just(16_384)),
    st.tuples(st.just(1_048_576), st.integers(4, 16_384)),
    st.tuples(st.integers(1_048_577, 10**9), st.integers(1, 3)),
)
_header = st.lists(
    st.sampled_from(["system", "EG_i,p [kWh]", "date", "timestamp", "period", "x", ""]),
    min_size=1,
    max_size=4,
)


@st.composite
def _sheet(draw) -> str:
    rows = [draw(_header), *draw(st.lists(st.lists(_values, max_size=5), max_size=8))]
    data = workbooks.rows_xml(rows)
    for row, column in draw(st.lists(_far, max_size=2)):
        name = f"{workbooks.column_name(column)}{row}"
        data += f'<row r="{row}">{workbooks.cell(name, draw(_values) or 1)}</row>'
    dimension = draw(st.none() | st.sampled_from(["A1", "A1:C9", "A1:XFD1048576", "B2:A1"]))
    return workbooks.sheet_xml(data, dimension)


@st.composite
def _book(draw) -> tuple[bytes, str | None]:
    count = draw(st.integers(1, 3))
    names = [f"S{n}" for n in range(count)]
    sheets = [(name, draw(_sheet())) for name in names]
    hidden = draw(st.lists(st.sampled_from(names), max_size=count, unique=True))
    active = draw(st.integers(-1, count))
    named = draw(st.none() | st.sampled_from([*names, "absent"]))
    return workbooks.workbook(sheets, hidden=hidden, active=active), named


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_book(), st.sampled_from(["A", "1"]))
def test_any_workbook_gives_a_result_or_a_clear_refusal(tmp_path, cli, book, system) -> None:
    data, named = book
    (tmp_path / "eg.xlsx").write_bytes(data)
    given_data = f'{{ file = "eg.xlsx", sheet = "{named}" }}' if named else '"eg.xlsx"'
    project = tmp_path / "project.toml"
    project.write_text(PROJECT.format(system=system, data=given_data), "utf-8")
    code, out, err = cli("calculate", project, "--format", "json")
    assert code in (0, 2), err
    assert "Traceback" not in err and "internal error" not in err
    assert (code == 0) == bool(out)


# --- formulas -----------------------------------------------------------------------------

NAMES = {
    "E": Declared(Symbol("energy", "E", ("i",)), "MWh"),
    "F": Declared(Symbol("factor", "F"), "dimensionless"),
    "G": Declared(Symbol("growth", "G"), "dimensionless"),
}
_leaf = st.one_of(
    st.integers(0, 10**6).map(str),
    st.sampled_from(["0.5", "1e3", "2.25", "F", "G", "(1 + G)", "1e-300", "123456789.987654321"]),
)


def _formula(children):
    return st.one_of(
        st.tuples(children, st.sampled_from([" + ", " - ", " * ", " / "]), children).map("".join),
        st.tuples(children, st.one_of(st.integers(-3000, 3000).map(str), st.just("F"))).map(
            lambda t: f"({t[0]}) ** {t[1]}"
        ),
        children.map(lambda c: f"-({c})"),
        st.tuples(st.sampled_from(["min", "max"]), children, children).map(
            lambda t: f"{t[0]}({t[1]}, {t[2]})"
        ),
        children.map(lambda c: f"floor({c})"),
    )


_formulas = st.one_of(
    st.recursive(_leaf, _formula, max_leaves=40),
    st.integers(1, 200).map(lambda n: "-" * n + "1"),
    st.integers(1, 120).map(lambda n: "(" * n + "F" + ")" * n),
    st.integers(1, 60).map(lambda n: "max(" * n + "F" + ", 1)" * n),
    st.integers(1, 300).map(lambda n: " * ".join(["(7 / 3) ** 700"] * n)),
)
_value = st.one_of(
    st.fractions(max_denominator=10**6),
    st.integers(-(10**9), 10**9).map(Fraction),
    st.text("0123456789", min_size=40, max_size=60).map(lambda d: Fraction(f"0.{d}")),
)


@settings(max_examples=300, deadline=None)
@given(_formulas, _value, _value)
def test_any_formula_in_the_grammar_parses_and_evaluates_or_is_refused(formula, f, g) -> None:
    try:
        term = parse_term(formula, NAMES, {"i"}, "x.methodology.toml, equation RE")
    except MethodologyError as exc:
        assert "x.methodology.toml, equation RE" in str(exc)
        return
    to_text(term), to_latex(term)
    values = {"factor": f, "growth": g}
    try:  # as the kernel evaluates an equation (kernel._exact)
        value = evaluate(term, lambda s, b: values[s.name], {"i": ("a",)}, {})
        oversized(value)
    except (PowerBound, ZeroDivisionError, ValueError) as exc:  # the kernel's refusals
        assert "Exceeds the limit" not in str(exc)
        return
    exact_text(value), shown_text(value), decimal_text(value)  # every way a result is written


# --- memory -------------------------------------------------------------------------------

#: The CLI in a process of its own that prints its peak resident memory (KiB) last: VmHWM, the
#: high-water mark of its own memory (ru_maxrss would count the parent's, as Linux keeps it
#: across the exec of a child forked from a large pytest process).
RUN = (
    "import sys; from jcmcalc.cli import main; code = main(sys.argv[1:]); "
    "peak = [l for l in open('/proc/self/status') if l.startswith('VmHWM:')][0].split()[1]; "
    "print(peak, file=sys.stderr); sys.exit(code)"
)


@pytest.mark.parametrize(
    ("extent", "message"),
    [
        ("D1000000", "column 'x' has no unit"),
        ("XFD1048576", "more than the 4,000,000 cells"),
        ("XFD3000", "more than the 4,000,000 cells"),
    ],
    ids=["4-million-cells-at-the-bound", "whole-sheet", "a1-to-xfd3000"],
)
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="measured by /proc (Linux)")
def test_a_workbook_at_the_bound_stays_within_the_memory_bound(tmp_path, extent, message):
    """A workbook of 1.5 KB whose range spans the bound (A1 to D1000000: 4,000,000 cells, all
    read before its column 'x' is refused) or lies beyond it (refused unread): the peak
    resident memory of the run, measured in its own process, is below the bound."""
    row = extent.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    data = workbooks.rows_xml([["system", "EG_i,p [kWh]", "x", "y"], ["A", 50]])
    data += f'<row r="{row}"><c r="{extent}"><v>1</v></c></row>'
    (tmp_path / "eg.xlsx").write_bytes(workbooks.workbook([("R", workbooks.sheet_xml(data))]))
    project = tmp_path / "project.toml"
    project.write_text(PROJECT.format(system="A", data='"eg.xlsx"'), "utf-8")
    done = subprocess.run(
        [sys.executable, "-c", RUN, "calculate", str(project)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    peak = int(done.stderr.split()[-1]) / 1024
    assert peak < MEMORY_BOUND_MIB, f"peak {peak:.0f} MiB"
