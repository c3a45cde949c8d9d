"""The fast portfolio table path (columns read at once, fixed values resolved per signature,
output bytes built by numpy) against exact references on edge cases: credits and figures
computed here in rationals, the output of the rows through the ``csv`` module, and the lean
benchmark floor's bytes on a generated table."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import unicodedata
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from jcmcalc import api, portfolio
from jcmcalc.inputs.readers import fastcsv
from jcmcalc.model.numbers import decimal_text
from jcmcalc.portfolio import byte_lines, compute, exact_figures, frame_csv
from jcmcalc.portfolio.compute import table_csv
from jcmcalc.portfolio.exact_figures import Block, ExactFigures
from jcmcalc.portfolio.frame import Frame
from jcmcalc.portfolio.rows import Row, csv_body, to_csv
from jcmcalc.portfolio.table.order import lexsorted
from jcmcalc.portfolio.table.read import read

ROOT = Path(__file__).resolve().parent.parent
TITLES = (
    'project,methodology,start,end,system,connection_case,"EF_RE,i [t_CO2/MWh]",'
    '"EF_RE,i source","EG_i,p [MWh]",eligibility C1,eligibility C2,eligibility C3\n'
)
OK = "true,true,true"
NOT_GIVEN = (
    " (rated capacity) is not given: the plausibility checks 'capacity factor', 'capacity "
    "factor, lower' cannot be judged without it; give it in the project file"
)
NFD = unicodedata.normalize("NFD", "Pé")  # the same project as "Pé" once normalised
EDGES = [
    # ties in grouping: one project's rows out of order, two systems, two periods
    f"B,TH_AM001@3.0,2024-07-01,2024-12-31,S2,off-grid,,,4.25,{OK}",
    f"B,TH_AM001@3.0,2024-01-01,2024-06-30,S2,off-grid,,,2.5,{OK}",
    f"B,TH_AM001@3.0,2024-07-01,2024-12-31,S1,grid,0.5113,a study,3,{OK}",
    f"B,TH_AM001@3.0,2024-01-01,2024-06-30,S1,grid,0.5113,a study,1.001,{OK}",
    f"A,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.6312,a study,0.0005,{OK}",
    f"A0,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.6312,a study,0.0005,{OK}",
    # half steps at the 6th decimal, rounded half-even either way
    f"H1,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,0.0000005,{OK}",
    f"H2,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,0.0000015,{OK}",
    f"H3,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.0005,a study,0.003,{OK}",  # exactly
    f"H4,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.0005,a study,0.005,{OK}",  # half steps
    # many decimals, huge values (beyond int64 at 10^-6 once multiplied)
    f"D,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.51134567891,a study,1234.123456789012345,{OK}",
    f"E,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.7,a study,900000000000000.123,{OK}",
    f"Z,TH_AM001@3.0,2024-01-01,2024-12-31,S1,off-grid,,,0,{OK}",
    # the default rule per connection case: off-grid 0.533; grid and grid+captive need one
    f"G1,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,,,10,{OK}",
    f"G2,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid+captive,,,10,{OK}",
    f"G3,TH_AM001@3.0,2024-01-01,2024-12-31,S1,off-grid,,,7000,{OK}",
    f"G4,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.073,a study,7000,{OK}",
    # unicode ids (one written decomposed), a would-be formula, a comma
    f"Pé,TH_AM001@3.0,2024-01-01,2024-06-30,Système-1,grid,0.7,étude,1.5,{OK}",
    f"{NFD},TH_AM001@3.0,2024-07-01,2024-12-31,Système-1,grid,0.7,étude,2.5,{OK}",
    f"太陽,TH_AM001@3.0,2024-01-01,2024-12-31,系统,off-grid,,,3.333,{OK}",
    f"=1+1,TH_AM001@3.0,2024-01-01,2024-12-31,S1,off-grid,,,1,{OK}",
    f'"C, Ltd",TH_AM001@3.0,2024-01-01,2024-12-31,S1,off-grid,,,1,{OK}',
]


def _exact(table: Path) -> dict[tuple[str, str], Fraction]:
    """RE of each project-period in rationals (TH_AM001: sum_i EG_i,p x EF_RE,i, 0.533 off
    grid); the projects that give a grid system no factor are left out (they fail)."""
    found: dict[tuple[str, str], Fraction] = {}
    failing = set()
    for line in csv.DictReader(io.StringIO(table.read_text(encoding="utf-8"))):
        project = unicodedata.normalize("NFC", line["project"])
        factor = line["EF_RE,i [t_CO2/MWh]"]
        if not factor and line["connection_case"] != "off-grid":
            failing.add(project)
        value = Fraction(line["EG_i,p [MWh]"]) * Fraction(factor or "0.533")
        found[(project, line["start"])] = found.get((project, line["start"]), 0) + value
    return {key: value for key, value in found.items() if key[0] not in failing}


def test_edge_cases_agree_with_the_exact_reference(tmp_path: Path) -> None:
    table = tmp_path / "edges.csv"
    table.write_text(TITLES + "\n".join(EDGES) + "\n", encoding="utf-8")
    text, failures = table_csv(table, api.get_methodology)
    rows = portfolio.calculate(table, api.get_methodology)
    assert text == to_csv(rows)  # the bytes of the rows through the csv module
    assert sorted(r.project for r in failures) == ["G1", "G2"]
    expected = _exact(table)
    printed = list(csv.DictReader(io.StringIO(text)))
    done = [line for line in printed[:-1] if line["status"] == "ok"]
    assert {(line["project"].removeprefix("'"), line["start"]) for line in done} == set(expected)
    for line in done:
        value = expected[(line["project"].removeprefix("'"), line["start"])]
        figures = [line[f] for f in ("reference_emissions_tco2", "emission_reductions_tco2")]
        assert figures == [decimal_text(value)] * 2, line["project"]
        assert int(line["credits"]) == value // 1, line["project"]
    assert printed[-1]["credits"] == str(sum(v // 1 for v in expected.values()))
    # (the total's figures are exact only where every row was evaluated exactly: rows.combine)
    figures = {line["project"]: line["reference_emissions_tco2"] for line in done}
    assert figures["H1"] == "0" and figures["H2"] == "0.000001"  # half-even at the 6th
    assert figures["H3"] == figures["H4"] == "0.000002"
    assert figures["E"] == "630000000000000.0861"  # beyond int64 at 10^-6
    assert len([line for line in done if line["project"] == "Pé"]) == 2  # NFC: one project
    warned = {line["project"]: line["warnings"] for line in done}
    for project, systems in (("B", ("S1", "S2")), ("Pé", ("Système-1",)), ("太陽", ("系统",))):
        said = warned[project].split(" | ")  # each member's missing capacity, said once
        assert sorted(said) == sorted(f"P_rated,i for PV system '{s}'" + NOT_GIVEN for s in systems)


def test_the_writer_gives_the_rows_bytes_for_negative_huge_and_exact_figures() -> None:
    """Columns written by numpy against the same rows through the ``csv`` module: negative
    reductions (exact and float), figures beyond int64 at 10^-6, exact ties."""
    single = {
        0: (Fraction(1, 3), Fraction(2, 3), Fraction(-1, 3)),
        3: (Fraction(10**20) + Fraction(1, 7), Fraction(0), Fraction(10**20) + Fraction(1, 7)),
    }
    tied = np.array([5, -15], dtype=np.int64)  # rows 2 and 5 in arrays: exact ties at 10^-6
    block = Block(np.array([2, 5]), (tied, np.zeros(2, np.int64), tied), (10**7, 1, 10**7))
    exact = ExactFigures((block,), single)
    figures = np.array(
        [
            [1 / 3, 2.5, 5e-7, 1e20, -1234.5678, -1.5e-6, 0.0],
            [2 / 3, 3.0, 0.0, 0.0, 0.25, 0.0, 0.0],
            [-1 / 3, -0.5, 5e-7, 1e20, -1234.8178, -1.5e-6, 0.0],
        ]
    )
    count = figures.shape[1]
    frame = Frame(
        project=np.array([f"P{n}" for n in range(count)]),
        methodology=np.broadcast_to(np.array("X@1.0"), count),
        period=np.ones(count, dtype=np.int64),
        start=np.full(count, "2024-01-01", dtype="datetime64[D]"),
        end=np.full(count, "2024-12-31", dtype="datetime64[D]"),
        figures=figures,
        exact=exact,
        credits=np.array([-1, -1, 0, 10**18, -1235, -1, 0], dtype=np.int64),
        notes=np.array([1, 0, 0, 0, 1, 0, 0], dtype=np.int64),
        texts=((), ("NOT CREDITABLE: negative", 'a "quoted", warning')),
    )
    total = Row(project="TOTAL", methodology="")
    fast = to_csv([]).split("\n")[0] + "\n" + frame_csv.body(frame, []) + csv_body([total])
    assert fast == to_csv([*frame.rows(), total])
    lines = fast.splitlines()
    assert lines[1].startswith("P0,X@1.0,1,2024-01-01,2024-12-31,0.333333,0.666667,-0.333333,-1,")
    assert ",100000000000000000000.142857," in lines[4] and ",-0.000002," in lines[6]


def test_the_lean_floor_writes_jcmcalcs_bytes(tmp_path: Path) -> None:
    """The benchmark's floor may not drift from jcmcalc: the same bytes on a generated table
    with failing projects (a grid system without a factor) and on one without."""
    pytest.importorskip("pyarrow")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    jcmcalc = str(Path(sys.executable).parent / "jcmcalc")
    floor = ROOT / "benchmarks" / "floors" / "portfolio_lean.py"
    for missing in (0.0, 0.05):
        table = generate.portfolio(3000, missing=missing, path=tmp_path / f"t-{missing}.csv")
        ours, lean = tmp_path / f"ours-{missing}.csv", tmp_path / f"lean-{missing}.csv"
        mine = subprocess.run([jcmcalc, "portfolio", str(table), "-o", str(ours)], check=False)
        theirs = subprocess.run([sys.executable, str(floor), str(table), str(lean)], check=False)
        assert mine.returncode == theirs.returncode == (4 if missing else 0)
        assert ours.read_bytes() == lean.read_bytes()
        assert (b",failed," in ours.read_bytes()) == bool(missing)


@pytest.mark.parametrize("seed", range(4))
def test_rows_in_order_are_not_sorted_again(seed: int) -> None:
    """:func:`lexsorted` gives ``np.lexsort``'s stable order, sorted input or not."""
    rng = np.random.default_rng(seed)
    keys = tuple(rng.integers(0, 3, 400) for _ in range(3))
    assert (lexsorted(keys) == np.lexsort(keys)).all()
    ordered = tuple(key[np.lexsort(keys)] for key in keys)
    assert (lexsorted(ordered) == np.arange(400)).all()
    assert (lexsorted(tuple(k[:1] for k in keys)) == [0]).all()


def test_a_column_of_one_text_is_read_as_a_view_and_gives_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The arrow reader keeps a column whose cells are all one text as a view of that text
    (no copy per row); the output is the careful reader's, byte for byte."""
    pytest.importorskip("pyarrow")
    table = tmp_path / "one.csv"
    rows = [
        f"P{n:04},TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.7,a study,{n}.5,{OK}"
        for n in range(300)
    ]
    rows += [
        f"Q{n:04},TH_AM001@3.0,2024-01-01,2024-12-31,S1,off-grid,,,{n}.25,{OK}" for n in range(300)
    ]
    rows += [f"R{n:04},TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,,,{n},{OK}" for n in range(5)]
    table.write_text(TITLES + "\n".join(rows) + "\n", encoding="utf-8")
    careful = table_csv(table, api.get_methodology)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    cells = read(table).cells
    assert cells["methodology"].strides == (0,) and cells["connection_case"].strides != (0,)
    assert table_csv(table, api.get_methodology) == careful
    assert len(careful[1]) == 5 and careful[0].count(",ok,") == 600


def test_exact_figures_round_half_even_in_integers() -> None:
    rng = np.random.default_rng(9)
    values = [
        Fraction(int(n), int(d))
        for n, d in zip(
            rng.integers(-(10**9), 10**9, 3000), rng.integers(1, 10**7, 3000), strict=True
        )
    ]
    values += [Fraction(k, 2 * 10**6) for k in range(-9, 10)]  # every half step near zero
    assert [exact_figures.rounded(v, 6) for v in values] == [round(v * 10**6) for v in values]
    zeros = byte_lines.decimal_cells(np.zeros(3, dtype=np.int64), 6)
    newline = (np.full((3, 1), 10, np.uint8), np.ones((3, 1), bool))
    assert bytes(byte_lines.joined([zeros, newline])) == b"0,\n0,\n0,\n"


@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_a_table_evaluated_in_parts_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Projects evaluated a few rows of whole projects at a time (a project of four rows, a
    project written twice in two normal forms, failures among them) give the whole table's
    output and failures."""
    table = tmp_path / "edges.csv"
    table.write_text(TITLES + "\n".join(reversed(EDGES)) + "\n", encoding="utf-8")
    whole = table_csv(table, api.get_methodology)
    monkeypatch.setattr(compute, "CHUNK", chunk)
    assert table_csv(table, api.get_methodology) == whole
    assert whole[0] == to_csv(portfolio.calculate(table, api.get_methodology))


def test_a_signature_that_fails_names_each_rows_own_system(tmp_path: Path) -> None:
    """Rows of one failing signature (grid, no factor) name their own system, not a stand-in."""
    table = tmp_path / "table.csv"
    rows = [f"P{n},TH_AM001@3.0,2024-01-01,2024-12-31,S-{n},grid,,,100,{OK}\n" for n in (7, 8)]
    table.write_text(TITLES + "".join(rows), encoding="utf-8")
    failed = {r.project: r.message for r in portfolio.calculate(table, api.get_methodology)[:-1]}
    assert "missing value for PV system 'S-7'" in failed["P7"]
    assert "missing value for PV system 'S-8'" in failed["P8"]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["LF", "CRLF"])
@pytest.mark.parametrize(
    "cell",
    [
        "",
        "-5.5",
        "12.12345",
        "1e3",
        "0e-999",
        "007.50",
        "+3.25",
        ".5",
        "5.",
        " 4.5",
        "9" * 16,
        "abc",
        "1,5",
        "nan",
    ],
)
def test_the_typed_read_gives_the_careful_readers_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str, newline: str
) -> None:
    """A table whose ids, factors and energies are mostly distinct is parsed typed (energies
    and factors as exact decimals, ids as text); a last row beyond the first rows, with an
    edge cell, is read as the standard library's reader reads it (or the file goes to it)."""
    pytest.importorskip("pyarrow")

    def factor(n: int) -> str:  # 1 to 4 decimals, as written
        return f"0.{(n * 37) % 9999 + 1:04}".rstrip("0")

    rows = [
        f"P{n:05},TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,{factor(n)},a study,"
        f"{n * 7 % 1000}.{n % 97:03},{OK}\n"
        for n in range(1500)
    ]
    rows.append(f'Z,TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5,a study,"{cell}",{OK}\n')
    table = tmp_path / "typed.csv"
    table.write_bytes((TITLES + "".join(rows)).replace("\n", newline).encode())
    careful = table_csv(table, api.get_methodology)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    if cell in ("", "-5.5", "007.50", "+3.25", ".5", "5."):  # cells arrow reads as decimals
        cells = read(table).cells
        assert str(cells["EG_i,p [MWh]"].type) == "decimal128(18, 4)"
        assert str(cells["EF_RE,i [t_CO2/MWh]"].type) == "decimal128(18, 4)"
        assert cells["project"].dtype.kind == "U" and cells["methodology"].strides == (0,)
    assert table_csv(table, api.get_methodology) == careful
    assert len(careful[0].splitlines()) == 1503  # header, 1501 rows (or failures), total


def test_a_table_through_arrow_never_imports_pandas(tmp_path: Path) -> None:
    """pyarrow makes arrays and scalars of Python objects through pandas (half a second to
    import): the table's read, evaluation and output go without it."""
    pytest.importorskip("pyarrow")
    table = tmp_path / "plain.csv"
    rows = [
        f"P{n:04},TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.{n + 10},a study,{n}.5,{OK}\n"
        for n in range(900)
    ]
    table.write_text(TITLES + "".join(rows), encoding="utf-8")
    code = (
        "import sys\nfrom pathlib import Path\nfrom jcmcalc import api\n"
        "from jcmcalc.inputs.readers import fastcsv\nfrom jcmcalc.portfolio import compute\n"
        "fastcsv.SMALLEST = 0\n"
        f"text, _ = compute.table_csv(Path({str(table)!r}), api.get_methodology)\n"
        "assert text.count(',ok,') == 901, text[:300]\n"
        "print('pandas' in sys.modules)\n"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert found.stdout.strip() == "False", found.stderr


def test_an_absurd_value_read_typed_is_refused_as_the_careful_reader_refuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 16-digit energy fits the typed decimals; the boundary refuses it all the same."""
    pytest.importorskip("pyarrow")
    rows = [
        f"P{n:05},TH_AM001@3.0,2024-01-01,2024-12-31,S1,off-grid,,,{n * 7 + 1},{OK}\n"
        for n in range(1500)
    ]
    rows.append(f"Z,TH_AM001@3.0,2024-01-01,2024-12-31,S1,off-grid,,,{'9' * 16},{OK}\n")
    table = tmp_path / "absurd.csv"
    table.write_text(TITLES + "".join(rows), encoding="utf-8")
    careful = table_csv(table, api.get_methodology)
    monkeypatch.setattr(fastcsv, "SMALLEST", 0)
    assert str(read(table).cells["EG_i,p [MWh]"].type).startswith("decimal128")
    fast = table_csv(table, api.get_methodology)
    assert fast == careful
    [(project, message)] = [(r.project, r.message) for r in fast[1]]
    assert project == "Z" and "row 1502" in message and "absurdly large" in message
