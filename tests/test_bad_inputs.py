"""Bad inputs: each gives exit code 2 and a message naming what is wrong and where."""

from __future__ import annotations

import pytest

from tests.conftest import MONGOLIA

THREE_SYSTEMS = """
[methodology]
id = "TH_AM001"

[[systems]]
id = "A"
connection_case = "off-grid"

[[periods]]
start = 2024-01-01
end = 2024-03-31
data = "eg.csv"
"""


def _mongolia(energy: str = "100 MWh") -> str:
    return MONGOLIA.format(energy=energy)


CASES = {
    "wrong dimension": (
        _mongolia("100 t"),
        {},
        ["EG_i,p", "'t'", "MWh", "periods[1].values"],
    ),
    "bare number for a dimensioned parameter": (
        _mongolia("100"),
        {},
        ["EG_i,p", "has no unit", "MWh"],
    ),
    "negative energy": (
        _mongolia("-5 MWh"),
        {},
        ["EG_i,p", "out of range", ">= 0"],
    ),
    "NaN": (_mongolia("nan MWh"), {}, ["EG_i,p", "'nan MWh' is not a finite number"]),
    "infinity": (_mongolia("inf MWh"), {}, ["EG_i,p", "'inf MWh' is not a finite number"]),
    "unknown unit": (_mongolia("100 MWhh"), {}, ["EG_i,p", "unknown unit 'MWhh'"]),
    "unknown parameter with suggestion": (
        _mongolia().replace('"EG_i,p"', '"EG_i,q"'),
        {},
        ["no parameter 'EG_i,q'", "did you mean 'EG_i,p'"],
    ),
    "unknown methodology id": (
        _mongolia().replace("MN_AM003", "MN_AM033"),
        {},
        ["unknown methodology 'MN_AM033'", "did you mean 'MN_AM003'", "project.toml"],
    ),
    "unknown version": (
        _mongolia().replace('version = "2.0"', 'version = "9.0"'),
        {},
        ["MN_AM003 has no version '9.0'", "installed: 2.0"],
    ),
    "overlapping periods": (
        _mongolia() + "\n[[periods]]\nstart = 2023-12-01\nend = 2024-06-30\n",
        {},
        ["period 2 (2023-12-01 to 2024-06-30) overlaps period 1", "periods[2]"],
    ),
    "missing monitored value": (
        _mongolia() + "\n[[periods]]\nstart = 2024-01-01\nend = 2024-06-30\n",
        {},
        ["missing monitored value", "EG_i,p", "period 2", "PV system 'PV-1'"],
    ),
    "malformed TOML": ('[methodology\nid = "MN_AM003"\n', {}, ["malformed TOML", "line 1"]),
    "CSV column without unit": (
        THREE_SYSTEMS,
        {"eg__csv": "system,EG_i\nA,12\n"},
        ["eg.csv", "row 1", "column 'EG_i' has no unit"],
    ),
    "period end before start": (
        _mongolia().replace("end = 2023-12-31", "end = 2022-12-31"),
        {},
        ["period ends (2022-12-31) before it starts (2023-01-01)", "periods[1]"],
    ),
    "unknown top-level key": (
        _mongolia().replace("[[systems]]", "[[system]]"),
        {},
        ["unknown key 'system'", "did you mean 'systems'"],
    ),
    "non-numeric CSV cell": (
        THREE_SYSTEMS,
        {"eg__csv": 'system,"EG_i,p [kWh]"\nA,12\nA,twelve\n'},
        ["eg.csv", "row 3", "'twelve' is not a finite number"],
    ),
    "unit inside a CSV cell": (
        THREE_SYSTEMS,
        {"eg__csv": 'system,"EG_i,p [kWh]"\nA,12 kWh\n'},
        ["eg.csv", "row 2", "the unit belongs in the header"],
    ),
    "meter reading goes backwards": (
        THREE_SYSTEMS,
        {
            "eg__csv": 'timestamp,system,"EG_i,p [kWh] register"\n'
            "2024-01-01T00:00,A,100\n2024-02-01T00:00,A,90\n"
        },
        ["eg.csv", "row 3", "meter reading goes backwards", "EG_i,p"],
    ),
    "file outside the project directory": (
        THREE_SYSTEMS.replace('data = "eg.csv"', 'data = "../eg.csv"'),
        {},
        ["'../eg.csv' lies outside the project directory", "periods[1].data"],
    ),
    "missing data file": (THREE_SYSTEMS, {}, ["eg.csv", "monitoring file not found"]),
    "override without a source": (
        _mongolia().replace(
            'connection_case = "grid"',
            'connection_case = "grid"\nparameters = { "EF_RE,i" = "0.9 t_CO2/MWh" }',
        ),
        {},
        ["EF_RE,i", "differs from the methodology default 0.797", "override = true and a source"],
    ),
    "factor missing where no table ships": (
        THREE_SYSTEMS.replace('"off-grid"', '"grid"'),
        {"eg__csv": 'system,"EG_i,p [kWh]"\nA,1\n'},
        [
            "EF_RE,i",
            "missing value for PV system 'A'",
            "give it in the project file with its source",
        ],
    ),
    "project value for an unshipped table without source": (
        THREE_SYSTEMS.replace('"off-grid"', '"grid"\nparameters = { "EF_RE,i" = "0.5 t_CO2/MWh" }'),
        {"eg__csv": 'system,"EG_i,p [kWh]"\nA,1\n'},
        ["EF_RE,i", "give its source"],
    ),
    "connection case not allowed": (
        _mongolia().replace('connection_case = "grid"', 'connection_case = "gird"'),
        {},
        ["connection_case 'gird' is not allowed", "did you mean 'grid'"],
    ),
    "duplicate system id": (
        THREE_SYSTEMS + '\n[[systems]]\nid = "A"\nconnection_case = "grid"\n',
        {"eg__csv": 'system,"EG_i,p [kWh]"\nA,1\n'},
        ["duplicate PV system id 'A'", "systems[2]"],
    ),
    "percentage above 100 for a fraction": (
        """
        [methodology]
        id = "TH_AM001"
        [[systems]]
        id = "A"
        connection_case = "off-grid"
        [systems.parameters]
        rated_capacity = "9 kWp"
        specific_yield = "1300 kWh/kWp/year"
        degradation_rate = "120 %"
        [estimate]
        start = 2025-01-01
        years = 2
        """,
        {},
        ["r_deg,i", "out of range", "in [0, 1)"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_exits_2_with_a_precise_message(case, project, cli) -> None:
    text, files, words = CASES[case]
    path = project(text, **files)
    command = "estimate" if "[estimate]" in text and "[[periods]]" not in text else "calculate"
    code, out, err = cli(command, path)
    assert code == 2, err
    assert out == ""
    assert "Traceback" not in err
    for word in words:
        assert word in err
