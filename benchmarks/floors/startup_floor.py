"""Start-up floor: the credits of the thai-rooftop example, exactly, with the least a competent
engineer would load: a cached ``Fraction`` pint registry (the registry jcmcalc builds, with the
same unit definitions), tomllib, the csv module and hashlib. The methodology (TH_AM001:
RE_p = sum_i EG_i,p x EF_RE,i, PE_p = 0, credits = floor(ER_p); 0.533 t_CO2/MWh off grid) is
written out by hand, so none of jcmcalc's plugins, validation or reporting is paid for.

    python benchmarks/floors/startup_floor.py PROJECT.toml
"""

from __future__ import annotations

import csv
import hashlib
import math
import sys
import tomllib
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

import pint

DEFINITIONS = (
    "tonne_CO2 = [mass_CO2] = tCO2 = t_CO2",
    "tonne_CO2e = tonne_CO2 = tCO2e = t_CO2e",
    "kilogram_CO2 = tonne_CO2 / 1000 = kgCO2 = kg_CO2",
    "normal_cubic_meter = meter ** 3 = Nm3",
    "kilowatt_peak = kilowatt = kWp",
    "megawatt_peak = megawatt = MWp",
)
OFF_GRID = "0.533 t_CO2/MWh"


def main() -> None:
    path = Path(sys.argv[1])
    reg = pint.UnitRegistry(non_int_type=Fraction, cache_folder=":auto:")
    for line in DEFINITIONS:
        reg.define(line)

    def quantity(text: str, unit: str) -> Fraction:
        number, _, given = text.strip().partition(" ")
        return Fraction(number) * Fraction(reg.Quantity(Fraction(1), given).to(unit).magnitude)

    project = tomllib.loads(path.read_text(encoding="utf-8"))
    factors = {}
    for system in project["systems"]:
        given = system.get("parameters", {}).get("EF_RE,i")
        text = given["value"] if isinstance(given, dict) else given or OFF_GRID
        factors[system["id"]] = quantity(text, "t_CO2/MWh")
    total = 0
    for period in project["periods"]:
        data = path.parent / period["data"]
        hashlib.sha256(data.read_bytes()).hexdigest()
        energy: dict[str, Fraction] = defaultdict(Fraction)
        with data.open(encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            title = next(reader)[2]
            unit = title[title.index("[") + 1 : title.index("]")]
            register = title.endswith("register")
            readings: dict[str, list[Fraction]] = defaultdict(list)
            for _, system, value in reader:
                readings[system].append(quantity(f"{value} {unit}", "MWh"))
        for system, values in readings.items():
            energy[system] = values[-1] - values[0] if register else sum(values, Fraction(0))
        reductions = sum((energy[s] * factors[s] for s in energy), Fraction(0))
        credits = max(0, math.floor(reductions))
        total += credits
        print(period["start"], period["end"], float(reductions), credits)
    print("total credits", total)


if __name__ == "__main__":
    main()
