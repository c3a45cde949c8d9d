"""Meters used past their calibration due date: a warning naming meter and period.

A meter of ``[[project.meters]]`` is used in a period when its member has a value of a
monitored parameter in that period (a meter naming no member: in every period); it is past due
when the period ends after its ``next_calibration``."""

from __future__ import annotations

from jcmcalc.inputs.resolve import Inputs
from jcmcalc.inputs.values import Origin
from jcmcalc.model.parameters import Kind


def calibration_warnings(inputs: Inputs) -> list[str]:
    """One warning per meter and period it is used in past its calibration due date."""
    warnings, methodology = [], inputs.methodology
    for meter in inputs.project.identity.meters:
        due = meter.next_calibration
        if due is None:
            continue
        for period in inputs.periods:
            if period.period.end <= due:
                continue
            members = {
                member
                for name, values in period.values.items()
                if methodology.parameter(name).kind is Kind.MONITORED
                for key, value in values.items()
                if value.origin != Origin.ABSENT
                for member in key
            }
            if meter.member and meter.member not in members:
                continue
            warnings.append(
                f"meter {meter.id} (serial {meter.serial}"
                f"{', ' + meter.member if meter.member else ''}) is used in "
                f"{period.period.label} past its calibration due date {due}: "
                "calibrate it, or state the readings' correction"
            )
    return warnings
