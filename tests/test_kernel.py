"""The kernel: ER and credits declared once, one loop over equations and checks for one
project-period, the missing-value rule derived from ``select``, and the batch evaluator's
fall-back to the kernel."""

from __future__ import annotations

import ast
import re
from fractions import Fraction
from pathlib import Path

import attrs
import numpy as np
import pytest

import jcmcalc
from jcmcalc.model.checks import Check, Severity
from jcmcalc.model.deferred import checks_deferred
from jcmcalc.model.errors import InputError, PluginError
from jcmcalc.model.expressions.walkers import Constant, Symbol, select, to_latex, total
from jcmcalc.model.kernel import (
    CREDITS,
    ER,
    Context,
    Place,
    credits_of,
    equations_of,
    evaluate_period,
    evaluate_periods,
    per_period,
    warning_checks,
)
from jcmcalc.model.methodology import PROJECT, REFERENCE, About, Equation, Index, Methodology
from jcmcalc.model.parameters import Kind, Monitoring, Parameter
from jcmcalc.model.uses import per_declaration, required
from jcmcalc.portfolio import vectorised
from jcmcalc.views.formatting import methodology_text

ROOT = Path(__file__).resolve().parent.parent
THAI = ROOT / "methodologies/solar-pv/examples/thai-rooftop/project.toml"


@pytest.mark.parametrize(
    ("reductions", "credits"),
    [
        ("511", 511),
        ("510.999999", 510),
        ("5111.999999999999999999999999999999", 5111),
        ("0.5", 0),
        ("0", 0),
        ("-0.25", 0),
        ("-7", 0),
    ],
)
def test_credits_are_er_rounded_down_never_negative(reductions: str, credits: int) -> None:
    assert credits_of(Fraction(reductions)) == credits


def test_er_and_credits_are_declared_once_as_equations() -> None:
    assert ER.text == "ER_p = RE_p - PE_p"
    assert CREDITS.text == "credits = max(0, floor(ER_p))"
    assert to_latex(CREDITS.expression) == (
        r"\max\left(0, \left\lfloor \mathit{ER}_{p} \right\rfloor\right)"
    )
    methodology = jcmcalc.get_methodology("MN_AM003", "2.0")
    assert equations_of(methodology)[-2:] == (ER, CREDITS)
    assert "  credits = max(0, floor(ER_p))   [t_CO2]" in methodology_text(methodology)


def _rounding_sites(path: Path) -> set[str]:
    """What in ``path``'s code rounds down: calls of ``floor``, ``// 1``, and texts (not
    docstrings) holding ``floor(``, ``ROUNDDOWN`` or ``INT(``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "floor":
                found.add("floor call")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.FloorDiv):
            if isinstance(node.right, ast.Constant) and node.right.value == 1:
                found.add("// 1")
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and re.search(r"\bfloor\(|ROUNDDOWN|\bINT\(", node.value)
        ):
            found.add("text")
    return found


def test_no_hand_written_rounding_of_credits_is_left_in_the_core() -> None:
    found = {
        path.relative_to(ROOT).as_posix(): _rounding_sites(path)
        for path in (ROOT / "jcmcalc").rglob("*.py")
    }
    assert {path: sites for path, sites in found.items() if sites} == {
        # renderings of the declared Floor node: as text, as a spreadsheet formula, in float64
        "jcmcalc/model/expressions/walkers.py": {"text"},
        "jcmcalc/views/report/workbook/formulas.py": {"text"},
        "jcmcalc/portfolio/vectorised.py": {"// 1"},  # and the 6th-decimal half-step test
        # the allocation of whole credits (allocation.allocate) and its workbook formulas
        "jcmcalc/model/allocation.py": {"floor call"},
        "jcmcalc/views/report/workbook/summary.py": {"text"},
        # not credits: the absurd-value guard's bounds, an order of magnitude in messages, a
        # chart's axis ticks
        "jcmcalc/inputs/boundary.py": {"floor call"},
        "jcmcalc/model/numbers.py": {"floor call"},
        "jcmcalc/views/report/charts.py": {"floor call"},
    }


def test_every_period_traces_er_and_credits_last() -> None:
    result = jcmcalc.calculate(THAI)
    for period in result.periods:
        steps = [s for s in result.trace if s.period == period.number]
        er, credits = steps[-2:]
        assert (er.symbol, credits.symbol) == ("ER_p", "credits")
        assert er.value == period.reductions and credits.value == period.credits
        assert er.substituted.count(" - ") == 1
        assert credits.substituted.startswith("max(0, floor(")


# --- one project-period through the kernel, with a select --------------------------------------

ENERGY = Parameter(
    "E_i,p", "energy", "MWh", Kind.MONITORED, "energy", index=("i",), monitoring=Monitoring(("C",))
)
GROSS = Parameter(
    "G_i,p", "gross", "MWh", Kind.MONITORED, "gross", index=("i",), monitoring=Monitoring(("C",))
)
FACTOR = Parameter("EF", "factor", "t_CO2/MWh", Kind.PROJECT, "factor")
UNUSED = Parameter(
    "U_p", "unused", "MWh", Kind.MONITORED, "not used", monitoring=Monitoring(("C",))
)
DIVISOR = Parameter("D", "divisor", "dimensionless", Kind.PROJECT, "divisor")
NET = Equation(
    "N_i,p",
    "net",
    select("option", {"metered": ENERGY.ref, "gross": GROSS.ref}),
    "MWh",
    "net",
    index=("i",),
)


def methodology(**changes) -> Methodology:
    fields = dict(
        id="T",
        version="1",
        title="test",
        about=About(family="test", sectoral_scope="", status="", source=""),
        indices=(Index("i", "systems", "system", attributes={"option": ("metered", "gross")}),),
        parameters=(ENERGY, GROSS, FACTOR, UNUSED, DIVISOR),
        equations=(
            NET,
            Equation("RE_p", REFERENCE, total("i", NET.ref * FACTOR.ref), "t_CO2", "RE"),
            Equation("PE_p", PROJECT, Constant(0, unit="t_CO2") / DIVISOR.ref, "t_CO2", "PE"),
        ),
        checks=(
            Check(
                "not too much", NET.ref, Constant(10000, unit="MWh"), "at most 10000", index=("i",)
            ),
        ),
    )
    # unchecked: a divisor whose bounds admit zero is refused at load, and the kernel's own
    # guard (a plugin fault at run time, for what a load check cannot see) is tested here
    with checks_deferred():
        return Methodology(**{**fields, **changes})


@attrs.frozen
class Given:
    values: dict

    def value(self, symbol: Symbol, key: tuple[str, ...]) -> Fraction | None:
        found = self.values.get(symbol.name, {}).get(key)
        return None if found is None else Fraction(found)

    def note(self, symbol: Symbol, key: tuple[str, ...]) -> str:
        return " [given]" if symbol.name == "factor" else ""


CONTEXT = Context(
    methodology(),
    {"i": ("A", "B")},
    {"i": {"A": {"option": "metered"}, "B": {"option": "gross"}}},
)
PLACE = Place(3, "period 3 (2024-01-01 to 2024-03-31)")


def given(**changes) -> Given:
    values = {
        "energy": {("A",): "100"},
        "gross": {("B",): "20.5"},
        "factor": {(): "0.5"},
        "divisor": {(): "1"},
    }
    return Given({**values, **changes})


def test_one_period_evaluates_selects_er_and_credits_with_a_trace() -> None:
    found = evaluate_period(CONTEXT, given(), PLACE)
    assert found.results["net"] == {("A",): 100, ("B",): Fraction("20.5")}
    assert (found.reference, found.project, found.reductions, found.credits) == (
        Fraction("60.25"),
        0,
        Fraction("60.25"),
        60,
    )
    texts = [(s.symbol, s.member, s.substituted, s.period) for s in found.trace]
    assert texts == [
        ("N_i,p", ("A",), "100", 3),
        ("N_i,p", ("B",), "20.5", 3),
        ("RE_p", (), "(100 × 0.5 [given] + 20.5 × 0.5 [given])", 3),
        ("PE_p", (), "0 / 1", 3),
        ("ER_p", (), "60.25 - 0", 3),
        ("credits", (), "max(0, floor(60.25))", 3),
    ]


def test_without_a_trace_the_results_are_the_same() -> None:
    found = evaluate_period(CONTEXT, given(), PLACE, trace=False)
    assert found.trace == () and found.credits == 60


def test_a_failing_check_names_the_period_and_member() -> None:
    with pytest.raises(
        InputError,
        match=re.escape(
            "period 3 (2024-01-01 to 2024-03-31), B: check 'not too much' fails, at most 10000: "
            "N_i,p <= 10000, but 20000 MWh > 10000 MWh"
        ),
    ):
        evaluate_period(CONTEXT, given(gross={("B",): "20000"}), PLACE)


def test_a_zero_division_is_a_plugin_fault_naming_equation_and_period() -> None:
    with pytest.raises(
        PluginError,
        match=r"methodology T ver 1: equation PE_p cannot be "
        r"evaluated in period 3 \(2024-01-01 to 2024-03-31\): division by zero",
    ):
        evaluate_period(CONTEXT, given(divisor={(): "0"}), PLACE)


def test_many_periods_at_once_are_each_period_evaluated_alone() -> None:
    """:func:`evaluate_periods` (arrays of exact numbers) gives every project-period the results
    :func:`evaluate_period` gives it, and flags those that fail an error check."""
    rng = np.random.default_rng(3)
    energy = [Fraction(int(v), 1000) for v in rng.integers(0, 2 * 10**7, 60)]
    divisor = [Fraction(int(v), 7) for v in rng.integers(1, 50, 60)]
    each = [
        given(energy={("A",): e}, divisor={(): d}) for e, d in zip(energy, divisor, strict=True)
    ]

    class Arrays:
        def value(self, symbol: Symbol, key: tuple[str, ...]) -> np.ndarray:
            found = np.empty(len(each), dtype=object)
            found[:] = [g.value(symbol, key) for g in each]
            return found

        def note(self, symbol: Symbol, key: tuple[str, ...]) -> str:
            return ""

    context = attrs.evolve(
        CONTEXT,
        methodology=methodology(
            equations=(
                NET,
                Equation("RE_p", REFERENCE, total("i", NET.ref * FACTOR.ref), "t_CO2", "RE"),
                Equation("PE_p", PROJECT, Constant(7, unit="t_CO2") / DIVISOR.ref, "t_CO2", "PE"),
            )
        ),
    )
    results, failing = evaluate_periods(context, Arrays(), PLACE)
    for n, source in enumerate(each):
        try:
            alone = evaluate_period(context, source, PLACE, trace=False)
        except InputError:
            assert failing[n]
            continue
        assert not failing[n]
        for name, values in alone.results.items():
            assert {k: v[n] for k, v in results[name].items()} == values
    assert 0 < failing.sum() < len(each)
    assert all(isinstance(v, Fraction) for v in results[ER.name][()])


def test_many_periods_with_a_zero_divisor_are_a_plugin_fault() -> None:
    class Zero:
        def value(self, symbol: Symbol, key: tuple[str, ...]) -> np.ndarray:
            value = given().value(symbol, key)
            return np.array([Fraction(0) if symbol.name == "divisor" else value] * 3)

        def note(self, symbol: Symbol, key: tuple[str, ...]) -> str:
            return ""

    with pytest.raises(PluginError, match="equation PE_p cannot be evaluated"):
        evaluate_periods(CONTEXT, Zero(), PLACE)


# --- the missing-value rule, derived from select -------------------------------------------


@pytest.mark.parametrize(
    ("parameter", "member", "needed"),
    [
        (ENERGY, "A", True),  # metered: the select takes energy
        (ENERGY, "B", False),  # gross: every use of energy lies in the other case
        (GROSS, "A", False),
        (GROSS, "B", True),
        (FACTOR, None, True),  # used outside any select
        (UNUSED, None, True),  # no use at all: the rule of the declaration stays
    ],
)
def test_a_value_is_required_unless_every_use_is_in_cases_not_taken(
    parameter: Parameter, member: str | None, needed: bool
) -> None:
    key = (member,) if member else ()
    assert required(CONTEXT.methodology, parameter, key, CONTEXT.attributes) is needed


def test_a_select_over_an_index_the_parameter_lacks_asks_any_member() -> None:
    only_gross = {"i": {"A": {"option": "gross"}, "B": {"option": "gross"}}}
    flat = Parameter("F_p", "flat", "MWh", Kind.MONITORED, "flat", monitoring=Monitoring(("C",)))
    net = Equation(
        "N_i,p",
        "net",
        select("option", {"metered": flat.ref, "gross": GROSS.ref}, index="i"),
        "MWh",
        "net",
        index=("i",),
    )
    declared = methodology(
        parameters=(ENERGY, GROSS, FACTOR, UNUSED, DIVISOR, flat),
        equations=(net, *methodology().equations[1:]),
    )
    assert not required(declared, flat, (), only_gross)
    assert required(declared, flat, (), CONTEXT.attributes)


def test_whr_values_of_the_option_a_system_does_not_take_are_not_required() -> None:
    whr = jcmcalc.get_methodology("WHR_FAMILY", "1.0")  # the options live in the family form
    attributes = {
        "i": {"S": {"net_electricity": "supplied"}, "G": {"net_electricity": "gross-minus-aux"}}
    }
    need = {
        (symbol, member): required(whr, whr.parameter(symbol), (member,), attributes)
        for symbol in ("EG_sup,i,p", "EG_gross,i,p", "EC_aux,i,p")
        for member in ("S", "G")
    }
    assert need == {
        ("EG_sup,i,p", "S"): True,
        ("EG_sup,i,p", "G"): False,
        ("EG_gross,i,p", "S"): False,
        ("EG_gross,i,p", "G"): True,
        ("EC_aux,i,p", "S"): False,
        ("EC_aux,i,p", "G"): True,
    }


# --- the batch evaluator -----------------------------------------------------------------------


def batch(count: int, attributes: bool = True) -> vectorised.Batch:
    rng = np.random.default_rng(5)
    energy = np.array(
        [Fraction(int(v), 1000) for v in rng.integers(0, 10**6, 2 * count)], dtype=object
    ).reshape(count, 2)
    gross = np.array(
        [Fraction(int(v), 1000) for v in rng.integers(0, 10**6, 2 * count)], dtype=object
    ).reshape(count, 2)
    energy[::10, 0] = Fraction(7000)  # x 0.073 = 511 exactly, 510.99999999999994 in float64
    gross[::10, 1] = Fraction(1000)  # x 0.073 = 73: ER 584 exactly
    factor = np.array([Fraction("0.073")] * count, dtype=object).reshape(count, 1)
    divisor = np.array([Fraction(1)] * count, dtype=object).reshape(count, 1)
    options = np.array([["metered", "gross"], ["gross", "gross"]] * (count // 2)).reshape(count, 2)
    return vectorised.Batch(
        CONTEXT.methodology,
        {"i": 2},
        {
            "energy": vectorised.fraction_column(energy),
            "gross": vectorised.fraction_column(gross),
            "factor": vectorised.fraction_column(factor),
            "divisor": vectorised.fraction_column(divisor),
        },
        count,
        {("i", "option"): options} if attributes else {},
    )


def kernel_credits(data: vectorised.Batch) -> list[int]:
    """Each element through the kernel, one by one (the reference)."""
    credits = []
    for n in range(data.count):
        options = data.attributes[("i", "option")][n].tolist()
        context = Context(
            data.methodology,
            {"i": ("0", "1")},
            {"i": {str(k): {"option": o} for k, o in enumerate(options)}},
        )
        values = {
            name: {
                (str(k),) if column.approx.shape[1] == 2 else (): column.exact((n, k))
                for k in range(column.approx.shape[1])
            }
            for name, column in data.values.items()
        }
        credits.append(evaluate_period(context, Given(values), PLACE, trace=False).credits)
    return credits


def place(n: int) -> Place:
    return Place(1, f"element {n}", members=False)


def test_a_batch_with_selects_gives_the_kernel_credits() -> None:
    data = batch(200)
    outcome = vectorised.run(data, where=place)
    assert outcome.fallback == ""
    assert 0 < len(outcome.exact) < data.count
    assert outcome.credits.tolist() == kernel_credits(data)


def test_a_tree_the_arrays_cannot_take_falls_back_to_the_kernel(monkeypatch) -> None:
    data = batch(20)

    from jcmcalc.portfolio import scaled

    class WithoutFloor(vectorised._Floats):
        def visit_Floor(self, node):
            return self.generic(node)

    class IntegersWithoutFloor(scaled.Integers):
        def visit_Floor(self, node):
            return self.generic(node)

    monkeypatch.setattr(vectorised, "_Floats", WithoutFloor)  # neither array evaluator
    monkeypatch.setattr(scaled, "Integers", IntegersWithoutFloor)
    outcome = vectorised.run(data, where=place)
    assert outcome.fallback == "no array evaluation of Floor terms"
    assert sorted(outcome.exact) == list(range(data.count))
    assert outcome.credits.tolist() == kernel_credits(data)
    assert all(isinstance(outcome.values(n)[2], Fraction) for n in range(data.count))


def test_batch_check_failures_and_faults_fail_their_element_only() -> None:
    data = batch(4)
    data.values["gross"].approx[1, 1] = 20000.0
    exact = data.values["gross"].exact
    values = dict(data.values)
    values["gross"] = vectorised.Column(
        data.values["gross"].approx,
        lambda at: Fraction(20000) if at == (1, 1) else exact(at),
    )
    outcome = vectorised.run(attrs.evolve(data, values=values), where=place)
    assert list(outcome.errors) == [1]
    assert str(outcome.errors[1]).startswith("element 1: check 'not too much' fails")


def test_a_table_asks_for_a_value_where_the_project_file_would(tmp_path: Path) -> None:
    """The missing-value rule of a table is the kernel's: a cell of the option a system does not
    take may be empty; a cell of the option it takes may not."""
    from jcmcalc.inputs.readers.columns import load
    from jcmcalc.portfolio.table.evaluate import evaluate_table

    chosen = methodology(parameters=(ENERGY, GROSS, FACTOR, DIVISOR))
    table = tmp_path / "table.csv"
    table.write_text(
        'project,methodology,start,end,system,option,"E_i,p [MWh]","G_i,p [MWh]",'
        '"EF [t_CO2/MWh]",EF source,"D [dimensionless]",D source\n'
        "A,T,2024-01-01,2024-12-31,S1,metered,100,,0.5,x,1,x\n"
        "B,T,2024-01-01,2024-12-31,S1,gross,,200,0.5,x,1,x\n"
        "C,T,2024-01-01,2024-12-31,S1,gross,300,,0.5,x,1,x\n",
        encoding="utf-8",
    )
    rows = {row.project: row for row in evaluate_table(load(table), lambda *_: chosen)}
    assert (rows["A"].status, rows["A"].credits) == ("ok", 50)
    assert (rows["B"].status, rows["B"].credits) == ("ok", 100)
    assert rows["C"].status == "failed" and "missing monitored value G_i,p" in rows["C"].message


def test_a_portfolio_says_when_its_batch_fell_back_to_the_kernel(monkeypatch) -> None:
    from jcmcalc.portfolio import scaled
    from jcmcalc.portfolio.batch import evaluate_inputs
    from jcmcalc.run.pipeline import prepare

    class WithoutFloor(vectorised._Floats):
        def visit_Floor(self, node):
            return self.generic(node)

    class IntegersWithoutFloor(scaled.Integers):
        def visit_Floor(self, node):
            return self.generic(node)

    monkeypatch.setattr(vectorised, "_Floats", WithoutFloor)  # neither array evaluator
    monkeypatch.setattr(scaled, "Integers", IntegersWithoutFloor)
    rows = evaluate_inputs([("thai", prepare(THAI, jcmcalc.get_methodology))])
    assert [r.credits for r in rows] == [p.credits for p in jcmcalc.calculate(THAI).periods]
    for row in rows:
        method = "computed exactly by the kernel's own loop (no array evaluation of Floor"
        assert any(method in w for w in row.warnings)


def test_what_a_methodology_declares_is_worked_out_once_per_methodology_object() -> None:
    """Kept per methodology object and arguments (by identity): an equal methodology built
    again gets its own; the warning checks a caller is handed are its own list."""
    calls = []

    @per_declaration
    def counted(methodology, period: bool):
        calls.append((methodology, period))
        return len(calls)

    one = jcmcalc.get_methodology("TH_AM001", "3.0")
    twin = attrs.evolve(one)
    assert twin == one and twin is not one
    assert [counted(one, True), counted(one, True), counted(one, False)] == [1, 1, 2]
    assert counted(twin, True) == 3 and len(calls) == 3
    expected = [c for c in one.checks if c.severity is Severity.WARNING and per_period(one, c)]
    found = warning_checks(one, period=True)
    found.clear()
    assert warning_checks(one, period=True) == expected != []
