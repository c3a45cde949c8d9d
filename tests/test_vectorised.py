"""The numpy evaluator gives the exact engine's credits, also on adversarial values."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from jcmcalc import api
from jcmcalc.inputs.resolve import resolve
from jcmcalc.portfolio.batch import evaluate_inputs
from jcmcalc.run import engine

PROJECT = """
[project]
name = "{name}"

[methodology]
id = "TH_AM001"
version = "1.0"

{systems}

[[periods]]
start = 2024-01-01
end = 2024-06-30
values = {{ "EG_i,p" = {{ {first} }} }}

[[periods]]
start = 2024-07-01
end = 2024-12-31
values = {{ "EG_i,p" = {{ {second} }} }}
"""
SYSTEM = """
[[systems]]
id = "S{number}"
connection_case = "{case}"
{factor}
"""


def adversarial(rng: random.Random) -> tuple[str, str]:
    """An (energy in MWh, factor in t/MWh) pair whose product is, or nearly is, whole."""
    factor = Decimal(rng.choice(["0.073", "0.1", "0.7", "0.3", "0.533", "0.5113", "0.81"]))
    kind = rng.randrange(5)
    whole = Decimal(rng.randrange(1, 200_000))
    if kind == 0:  # exactly whole products such as 7000 x 0.073 = 511
        energy = whole / factor
        if energy != energy.quantize(Decimal("0.000001")):
            energy = Decimal(7000 * rng.randrange(1, 50))
            factor = Decimal("0.073")
    elif kind == 1:  # a hair above a whole number
        energy = (whole / factor).quantize(Decimal("0.000001")) + Decimal("0.000001")
    elif kind == 2:  # a hair below
        energy = (whole / factor).quantize(Decimal("0.000001")) - Decimal("0.000001")
    elif kind == 3:  # large values
        energy = Decimal(rng.randrange(10**9, 10**12)) / 1000
    else:
        energy = Decimal(rng.randrange(0, 10**9)) / 1000
    return f"{energy.normalize():f} MWh", f"{factor} t_CO2/MWh"


def write_portfolio(folder: Path, count: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        systems, first, second = [], [], []
        for member in range(rng.choice([1, 1, 2, 3])):
            energy, factor = adversarial(rng)
            case = "off-grid" if factor.startswith("0.533") else "grid"
            given = (
                ""
                if case == "off-grid"
                else f'parameters = {{ "EF_RE,i" = {{ value = "{factor}", source = "test" }} }}'
            )
            systems.append(SYSTEM.format(number=member, case=case, factor=given))
            first.append(f'S{member} = "{energy}"')
            second.append(f'S{member} = "{adversarial(rng)[0]}"')
        path = folder / f"p{number:04}.toml"
        path.write_text(
            PROJECT.format(
                name=f"P{number}",
                systems="".join(systems),
                first=", ".join(first),
                second=", ".join(second),
            ),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_the_float_artefact_exists() -> None:
    # The reason for the exact re-evaluation: a naive float floor loses a credit here.
    assert 7000 * 0.073 < 511
    assert Fraction("7000") * Fraction("0.073") == 511


@pytest.mark.parametrize("integers", [True, False], ids=["scaled integers", "float64 first"])
@pytest.mark.parametrize("seed", [1, 2])
def test_vectorised_credits_equal_the_exact_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, integers: bool
) -> None:
    """Scaled integers settle every project-period exactly; without them (a tree their rules
    do not cover), float64 with its error bound, and the kernel where it is in doubt."""
    from jcmcalc.portfolio import vectorised

    if not integers:
        monkeypatch.setattr(vectorised, "settle", lambda batch, positions, outcome: positions)
    paths = write_portfolio(tmp_path, 150, seed)
    named = []
    expected = {}
    for path in paths:
        parsed, methodology = api.load_project(path)
        inputs = resolve(methodology, parsed)
        named.append((path.name, inputs))
        for period in engine.run(inputs).periods:
            expected[(path.name, period.number)] = (period.credits, period.reductions)
    rows = evaluate_inputs(named)
    assert len(rows) == len(expected)
    got = {(row.project, row.period): row for row in rows}
    for key, (credits, reductions) in expected.items():
        row = got[key]
        assert row.credits == credits, key
        if isinstance(row.reductions, Fraction):
            assert row.reductions == reductions
        else:
            assert abs(row.reductions - float(reductions)) <= 1e-9 * max(1, abs(reductions))
    exact = sum(isinstance(row.reductions, Fraction) for row in rows)
    if integers:
        assert exact == len(rows)
    else:  # the adversarial values made float64 fall back to the kernel, not every time
        assert 0 < exact < len(rows)
    whole = [k for k, (c, r) in expected.items() if r.denominator == 1 and r > 0]
    assert whole, "the generator must produce exactly whole reductions"


def test_without_the_margin_float_loses_credits(tmp_path: Path, monkeypatch) -> None:
    """The generated portfolio is adversarial: plain float64 flooring gets credits wrong."""
    from jcmcalc.portfolio import vectorised

    paths = write_portfolio(tmp_path, 150, 1)
    named, expected = [], {}
    for path in paths:
        parsed, methodology = api.load_project(path)
        inputs = resolve(methodology, parsed)
        named.append((path.name, inputs))
        for period in engine.run(inputs).periods:
            expected[(path.name, period.number)] = period.credits
    monkeypatch.setattr(vectorised, "MARGIN", 0.0)
    monkeypatch.setattr(vectorised, "settle", lambda batch, positions, outcome: positions)
    rows = evaluate_inputs(named)
    wrong = [r for r in rows if r.credits != expected[(r.project, r.period)]]
    assert wrong


EXAMPLES = sorted(
    (Path(__file__).parent.parent / "methodologies").glob("*/examples/*/project.toml")
)


@pytest.mark.parametrize(
    "path", EXAMPLES, ids=lambda p: f"{p.parent.parent.parent.name}/{p.parent.name}"
)
def test_every_shipped_example_gives_the_engine_credits(path: Path) -> None:
    """Indices of every shape (systems, boilers x fuels, fixed species) and plausibility checks."""
    parsed, methodology = api.load_project(path, require_periods=False)
    if not parsed.periods:
        pytest.skip("an ex-ante example")
    inputs = resolve(methodology, parsed)
    expected = [(p.number, p.credits, p.reductions) for p in engine.run(inputs).periods]
    rows = evaluate_inputs([("x", inputs)])
    assert [(r.period, r.credits) for r in rows] == [(n, c) for n, c, _ in expected]
    for row, (_, _, reductions) in zip(rows, expected, strict=True):
        assert abs(float(row.reductions) - float(reductions)) <= 1e-9 * max(1, abs(reductions))
