"""Credits are ER rounded down exactly: checked against fractions.Fraction on 100,000 cases."""

from __future__ import annotations

import math
import random
from decimal import Decimal
from fractions import Fraction

from jcmcalc import calculate, get_methodology
from jcmcalc.inputs import boundary
from jcmcalc.model.expressions.walkers import evaluate
from jcmcalc.model.kernel import CREDITS, ER
from jcmcalc.model.methodology import REFERENCE
from tests.conftest import MONGOLIA

CASES = 100_000


def credits_from(reductions: Fraction) -> Fraction:
    """The kernel's credits declaration evaluated for emission reductions ``reductions``."""
    return evaluate(CREDITS.expression, lambda s, _b: {ER.name: reductions}[s.name], {}, {})


def _decimal(rng: random.Random, digits: int, places: int) -> str:
    return str(Decimal(rng.randrange(10**digits)).scaleb(-places))


def _smooth_part(number: int) -> int:
    """The largest divisor of ``number`` of the form 2^a 5^b."""
    part = 1
    for prime in (2, 5):
        while number % prime == 0:
            number, part = number // prime, part * prime
    return part


def _case(rng: random.Random) -> tuple[str, str]:
    """(EG text with unit, EF text). About a third of the products are whole tonnes."""
    places = rng.choice((3, 4))
    numerator = rng.randrange(1, 10**4)
    factor = str(Decimal(numerator).scaleb(-places))
    if rng.random() < 1 / 3:
        # EG = t x 10^places / d, d the 2-5-smooth part of the numerator: EG terminates and
        # EG x EF = t x numerator / d is a whole number.
        tonnes = rng.randrange(1, 10**5)
        energy = Fraction(tonnes * 10**places, _smooth_part(numerator))
        text = format(Decimal(energy.numerator) / Decimal(energy.denominator), "f")
        return f"{text} MWh", factor
    energy = _decimal(rng, rng.randrange(3, 12), rng.randrange(0, 7))
    return f"{energy} {rng.choice(('MWh', 'kWh'))}", factor


def test_credits_match_exact_rational_floor_on_100000_cases() -> None:
    rng = random.Random(20261128)
    methodology = get_methodology("MN_AM003", "2.0")
    energy_parameter = methodology.parameter("EG_i,p")
    factor_parameter = methodology.parameter("EF_RE,i")
    expression = methodology.equation(REFERENCE).expression
    members = {"i": ("PV-1",)}
    integral = float_would_lose = 0
    for _ in range(CASES):
        energy_text, factor_text = _case(rng)
        values = {
            energy_parameter.name: boundary.quantity(energy_parameter, energy_text),
            factor_parameter.name: boundary.quantity(factor_parameter, f"{factor_text} t_CO2/MWh"),
        }
        value = evaluate(expression, lambda s, _b, v=values: v[s.name], members, {})
        magnitude, unit = energy_text.split()
        expected = Fraction(magnitude) / (1000 if unit == "kWh" else 1) * Fraction(factor_text)
        assert value == expected
        assert credits_from(value) == max(math.floor(expected), 0)
        integral += expected.denominator == 1
        naive = float(magnitude) / (1000 if unit == "kWh" else 1) * float(factor_text)
        float_would_lose += math.floor(naive) != math.floor(expected)
    assert integral > CASES // 10, "the generator must produce exactly integral products"
    assert float_would_lose > 0, "the cases must include ones where float rounding loses a credit"


def test_full_pipeline_is_exact_on_integral_products(project) -> None:
    """511 tCO2 exactly: naive float floor gives 510 (7000 x 0.073 = 510.99999999999994)."""
    assert math.floor(7000 * 0.073) == 510
    path = project(
        MONGOLIA.replace(
            'connection_case = "grid"',
            'connection_case = "grid"\n'
            'parameters = {{ "EF_RE,i" = {{ value = "0.073 t_CO2/MWh", '
            'override = true, source = "rounding test" }} }}',
        ).format(energy="7000 MWh")
    )
    result = calculate(path)
    assert result.periods[0].reductions == 511
    assert result.periods[0].credits == 511


def test_negative_reductions_give_zero_credits_and_a_warning() -> None:
    assert credits_from(Fraction(-1, 3)) == 0
    assert credits_from(Fraction(-5)) == 0
