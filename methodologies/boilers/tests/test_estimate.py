"""The boiler family's ex-ante estimate in a heat-output form: design heat demand and fuel rate
x operating hours, through the same equations (issue 31 item 6)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import jcmcalc

HEAT = """
[methodology]
id = "BOILER_FAMILY_HEAT"
version = "1.0"

[eligibility]
C1 = true
C2 = true
C3 = true

[[boilers]]
id = "B1"
reference_fuel = "natural_gas"
parameters.HD_k = "1 MW"
parameters."H_op,k" = "5000 h/year"
parameters."eta_RE,k" = { value = "0.80", source = "test" }

[[fuels]]
id = "NG"
fuel = "natural_gas"

[parameters]
"FR_k,j" = "0.08 t/h"

[estimate]
start = 2025-01-01
years = 1
"""


def test_a_heat_output_form_estimates_heat_and_fuel(tmp_path: Path) -> None:
    path = tmp_path / "project.toml"
    path.write_text(HEAT, encoding="utf-8")
    [year] = jcmcalc.estimate(path).periods
    # Q = 1 MW x 5,000 h = 5,000 MWh = 18,000 GJ; RE = 18,000 / 0.80 x 0.0561 = 1,262.25
    # FC = 0.08 t/h x 5,000 h = 400 t; PE = 400 t x 50.4 GJ/t (IPCC upper) x 0.0561 = 1,130.976
    assert (year.reference, year.project) == (Fraction("1262.25"), Fraction("1130.976"))
    assert year.credits == 131
