"""The expression tree: one visitor base, and every walker on every node (Floor, Maximum,
Select among them)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from jcmcalc.model.expressions.terms import Collector
from jcmcalc.model.expressions.walkers import (
    Constant,
    Floor,
    Maximum,
    Minimum,
    Select,
    Symbol,
    Term,
    Visitor,
    evaluate,
    free_indices,
    maximum,
    minimum,
    select,
    selections,
    substituted,
    to_latex,
    to_text,
    total,
)
from jcmcalc.model.methodology import MethodologyError, unit_of
from jcmcalc.model.units import factor_is_one
from jcmcalc.views.report.workbook.formulas import Formula

SUP = Symbol("supplied", "EG_sup,i", ("i",))
GROSS = Symbol("gross", "EG_gross,i", ("i",))
AUX = Symbol("aux", "EC_aux,i", ("i",))
FACTOR = Symbol("factor", "EF", ())
NET = select("net", {"sup": SUP, "gross": GROSS - AUX})
MEMBERS = {"i": ("A", "B")}
ATTRIBUTES = {"i": {"A": {"net": "sup"}, "B": {"net": "gross"}}}
VALUES = {
    "supplied": {"A": Fraction(100), "B": Fraction(7)},
    "gross": {"A": Fraction(1), "B": Fraction(50)},
    "aux": {"A": Fraction(1), "B": Fraction(5, 2)},
    "factor": {"": Fraction("0.5")},
}
UNITS = {"supplied": "MWh", "gross": "MWh", "aux": "MWh", "factor": "t_CO2/MWh"}


def lookup(symbol: Symbol, bindings) -> Fraction:
    return VALUES[symbol.name]["/".join(bindings[i] for i in symbol.index)]


def value(term: Term, **bindings: str) -> Fraction:
    return evaluate(term, lookup, MEMBERS, bindings, ATTRIBUTES)


# --- the visitor base -------------------------------------------------------------------------


def test_a_visitor_dispatches_on_the_nearest_class_with_a_method() -> None:
    class Names(Visitor[str]):
        def visit_Extremum(self, node) -> str:
            return node.function

        def visit_Term(self, node) -> str:
            return "term"

    assert Names().visit(minimum(1, 2)) == "min"
    assert Names().visit(maximum(1, 2)) == "max"
    assert Names().visit(Floor(FACTOR)) == "term"


def test_a_visitor_without_a_method_names_itself_and_the_node() -> None:
    class Empty(Visitor[int]):
        pass

    with pytest.raises(TypeError, match="Empty cannot take the term Floor"):
        Empty().visit(Floor(FACTOR))


def test_a_collector_combines_the_children_it_has_no_method_for() -> None:
    class Count(Collector[int]):
        def combine(self, node, parts) -> int:
            return sum(parts)

        def visit_Symbol(self, node) -> int:
            return 1

        def visit_Constant(self, node) -> int:
            return 0

    tree = maximum(0, Floor(total("i", NET * FACTOR)))
    assert Count().visit(tree) == 4  # supplied, gross, aux, factor


# --- text and LaTeX -----------------------------------------------------------------------------


def test_text_of_the_new_nodes() -> None:
    tree = maximum(Constant(0), Floor(total("i", NET * FACTOR)))
    assert to_text(tree) == (
        "max(0, floor(Σ_i(select(net[i]; sup: EG_sup,i; gross: EG_gross,i - EC_aux,i) × EF)))"
    )


def test_text_of_the_earlier_nodes_is_unchanged() -> None:
    tree = total("i", SUP * FACTOR) - (GROSS - AUX) / Constant(24, unit="h", label="24 h")
    assert to_text(tree) == "Σ_i(EG_sup,i × EF) - (EG_gross,i - EC_aux,i) / 24 h"
    assert to_text(minimum(SUP, GROSS) ** Constant(2)) == "min(EG_sup,i, EG_gross,i)^2"


def test_latex_of_the_new_nodes() -> None:
    assert to_latex(maximum(0, Floor(FACTOR))) == (
        r"\max\left(0, \left\lfloor \mathit{EF} \right\rfloor\right)"
    )
    assert to_latex(NET) == (
        r"\begin{cases} \mathit{EG}_{sup,i} & \text{if } \text{net}_{i} = \text{sup} \\ "
        r"\mathit{EG}_{gross,i} - \mathit{EC}_{aux,i} & \text{if } \text{net}_{i} = "
        r"\text{gross} \end{cases}"
    )


def test_substituted_select_shows_the_case_the_member_takes() -> None:
    def show(symbol, bindings) -> str:
        return str(lookup(symbol, bindings))

    tree = total("i", NET * FACTOR)
    assert substituted(tree, show, MEMBERS, {}, ATTRIBUTES) == "(100 × 1/2 + (50 - 5/2) × 1/2)"
    # Without the members' attributes every case is written out.
    assert "select(net[i]; sup: 100;" in substituted(NET, show, MEMBERS, {"i": "A"})


# --- exact evaluation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [("7/2", 3), ("3", 3), ("-1/3", -1), ("-5", -5), ("0", 0)],
)
def test_floor_rounds_down_exactly(given: str, expected: int) -> None:
    assert value(Floor(Constant(Fraction(given)))) == expected


def test_maximum_and_minimum() -> None:
    assert value(maximum(0, Floor(Constant(Fraction(-1, 3))))) == 0
    assert value(maximum(SUP, GROSS), i="B") == 50
    assert value(minimum(SUP, GROSS), i="B") == 7


def test_select_takes_the_term_of_the_member_attribute() -> None:
    assert value(NET, i="A") == 100
    assert value(NET, i="B") == Fraction(95, 2)
    assert value(total("i", NET)) == Fraction(295, 2)


def test_select_without_a_case_for_the_value_is_a_key_error() -> None:
    attributes = {"i": {"A": {"net": "other"}}}
    with pytest.raises(KeyError, match="has no case"):
        evaluate(NET, lookup, MEMBERS, {"i": "A"}, attributes)


# --- indices, selections, units ---------------------------------------------------------------


def test_select_infers_its_index_or_asks_for_it() -> None:
    assert NET.index == "i"
    assert select("fuel", {"x": FACTOR}, index="j").index == "j"
    with pytest.raises(ValueError, match="name its index"):
        select("fuel", {"x": FACTOR})


def test_free_indices_of_a_select_include_its_member_index() -> None:
    assert free_indices(select("net", {"a": FACTOR}, index="i")) == {"i"}
    assert free_indices(total("i", NET)) == set()


def test_selections_give_the_cases_each_use_lies_in() -> None:
    tree = NET + select("net", {"sup": AUX, "gross": Constant(0)})
    found = [(s.name, conditions) for s, conditions in selections(tree * FACTOR)]
    assert found == [
        ("supplied", (("i", "net", "sup"),)),
        ("gross", (("i", "net", "gross"),)),
        ("aux", (("i", "net", "gross"),)),
        ("aux", (("i", "net", "sup"),)),
        ("factor", ()),
    ]


def test_units_of_the_new_nodes() -> None:
    assert factor_is_one(unit_of(Floor(SUP * FACTOR), UNITS, "t"), "t_CO2")
    assert factor_is_one(unit_of(maximum(Constant(0, unit="MWh"), NET), UNITS, "t"), "MWh")
    with pytest.raises(MethodologyError, match="cannot add or compare"):
        unit_of(select("net", {"sup": SUP, "gross": FACTOR}, index="i"), UNITS, "t")


# --- spreadsheet formulas ---------------------------------------------------------------------


def cell(symbol: Symbol, bindings) -> str:
    return f"{symbol.name}_{'/'.join(bindings[i] for i in symbol.index)}"


def attribute_cell(index: str, attribute: str, member: str) -> str:
    return f"members!{attribute}_{member}"


def test_formulas_of_the_new_nodes() -> None:
    formula = Formula(cell, MEMBERS, {"i": "B"}, attribute_cell)
    # max(0, floor(x)) = max(0, ROUNDDOWN(x, 0)) for every x; a floor alone stays INT, which
    # rounds toward minus infinity as floor does.
    assert formula.visit(maximum(0, Floor(SUP))) == "MAX(0,ROUNDDOWN(supplied_B,0))"
    assert formula.visit(Floor(SUP)) == "INT(supplied_B)"
    assert formula.visit(maximum(1, Floor(SUP))) == "MAX(1,INT(supplied_B))"
    assert formula.visit(NET) == (
        'IF(members!net_B="sup",supplied_B,IF(members!net_B="gross",(gross_B-aux_B),NA()))'
    )


def test_a_select_formula_needs_the_attribute_cells() -> None:
    with pytest.raises(TypeError, match="attributes"):
        Formula(cell, MEMBERS, {"i": "A"}).visit(NET)


def test_extremum_classes_keep_their_names() -> None:
    assert isinstance(minimum(1, 2), Minimum) and isinstance(maximum(1, 2), Maximum)
    assert isinstance(NET, Select)
