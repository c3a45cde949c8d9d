"""What a monitoring report holds beside the figures: reference number, developer,
participants, monitoring structure and meters with their calibration, in every output."""

from __future__ import annotations

import json

import openpyxl

import jcmcalc
from jcmcalc.model.errors import EXIT_MISMATCH, EXIT_OK
from jcmcalc.views.report import render

IDENTIFIED = """
[project]
name = "identified"
developer = "Solar Co. Ltd."
reference_number = "MN003-2024-17"
participants = ["Solar Co. Ltd. (Mongolia)", "Nippon PV K.K. (Japan)"]

[project.roles]
reads = "Site operator, Solar Co."
checks = "Monitoring manager, Solar Co."
approves = "Project representative, Nippon PV"

[[project.meters]]
id = "M-PV-1"
member = "PV-1"
serial = "SN-4471"
accuracy_class = "0.5S"
last_calibration = 2022-06-01
next_calibration = 2023-06-30

[methodology]
id = "MN_AM003"
version = "2.0"

[[systems]]
id = "PV-1"
grid = "national"
connection_case = "grid"

[[periods]]
start = 2023-01-01
end = 2023-06-30
values = { "EG_i,p" = "100 MWh" }

[[periods]]
start = 2023-07-01
end = 2023-12-31
values = { "EG_i,p" = "100 MWh" }
"""
LINES = [
    "reference number: MN003-2024-17",
    "developer: Solar Co. Ltd.",
    "participants: Solar Co. Ltd. (Mongolia); Nippon PV K.K. (Japan)",
    "takes the readings: Site operator, Solar Co.",
    "checks the readings: Monitoring manager, Solar Co.",
    "approves the monitoring report: Project representative, Nippon PV",
]
PAST_DUE = (
    "meter M-PV-1 (serial SN-4471, PV-1) is used in period 2 (2023-07-01 to 2023-12-31) "
    "past its calibration due date 2023-06-30"
)


def test_a_meter_past_its_calibration_due_date_warns_naming_meter_and_period(project) -> None:
    result = jcmcalc.calculate(project(IDENTIFIED))
    late = [w for w in result.warnings if "calibration due date" in w]
    assert len(late) == 1 and late[0].startswith(PAST_DUE), result.warnings  # not period 1


def test_identity_and_meters_in_the_report_workbook_and_json(project, tmp_path) -> None:
    result = jcmcalc.calculate(project(IDENTIFIED))
    markdown = render(result, "markdown")
    for line in LINES:
        assert line in markdown, line
    assert "| M-PV-1 | PV-1 | SN-4471 | 0.5S | 2022-06-01 | 2023-06-30 |" in markdown
    assert "Monitoring report: identified (reference number MN003-2024-17)" in markdown
    path = tmp_path / "book.xlsx"
    path.write_bytes(render(result, "xlsx"))
    sheet = openpyxl.load_workbook(path)["monitoring plan"]
    texts = [row[0] for row in sheet.iter_rows(values_only=True)]
    for line in LINES:
        assert line in texts, line
    rows = [tuple(row[:6]) for row in sheet.iter_rows(values_only=True)]
    assert ("M-PV-1", "PV-1", "SN-4471", "0.5S", "2022-06-01", "2023-06-30") in rows
    assert json.loads(result.to_json())["reference_number"] == "MN003-2024-17"


def test_verify_compares_the_reference_number(project, cli, tmp_path) -> None:
    path = project(IDENTIFIED)
    data = json.loads(jcmcalc.calculate(path).to_json())
    submitted = tmp_path / "submitted.json"
    submitted.write_text(json.dumps(data), encoding="utf-8")
    assert cli("verify", path, "--reported", submitted)[0] == EXIT_OK
    data["reference_number"] = "MN003-2024-18"
    submitted.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = cli("verify", path, "--reported", submitted)
    assert code == EXIT_MISMATCH
    assert (
        "reference_number: reference number: submitted 'MN003-2024-18', recomputed 'MN003-2024-17'"
    ) in out
