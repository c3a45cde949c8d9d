"""What the JSON of ``jcmcalc calculate`` states (docs/json-schema.md): every figure, each
float checked against its exact text, and the period dates, methodology, mode, creditability
and input hashes it was computed with."""

from __future__ import annotations

import json
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from jcmcalc.inputs.project import read_bytes
from jcmcalc.inputs.submitted.submission import (
    ALLOCATION,
    CREDITS,
    ER,
    ER_YEAR,
    TOTAL,
    TOTAL_CREDITS,
    TOTAL_ER,
    Figure,
    Finding,
    Stated,
    Submission,
    converted,
    number,
    period_text,
)
from jcmcalc.model.errors import InputError
from jcmcalc.model.methodology import PROJECT, REFERENCE, Methodology
from jcmcalc.model.numbers import decimal_text


class _Reader:
    def __init__(self, path: Path, methodology: Methodology) -> None:
        self.path = path
        self.methodology = methodology
        self.figures: list[Figure] = []
        self.findings: list[Finding] = []

    def figure(self, period: str, quantity: str, member: str, raw: Any, where: str) -> None:
        value = number(raw, file=self.path, where=where)
        self.figures.append(Figure(period, quantity, member, value, where))

    def period(self, n: int, period: Mapping[str, Any]) -> None:
        """RE, PE, ER (exact text preferred; the float must be its nearest double), credits."""
        symbols = {
            "reference_emissions_tco2": self.methodology.equation(REFERENCE).symbol,
            "project_emissions_tco2": self.methodology.equation(PROJECT).symbol,
            "emission_reductions_tco2": ER,
        }
        label, exact = period_text(period["number"]), period.get("exact", {})
        for field, quantity in symbols.items():
            where = f"periods[{n}].{field}"
            if field in exact:
                self.figure(label, quantity, "", exact[field], f"periods[{n}].exact.{field}")
                if field in period:
                    self._float(label, quantity, period[field], self.figures[-1].value, where)
            elif field in period:
                self.figure(label, quantity, "", period[field], where)
        if "credits" in period:
            self.figure(label, CREDITS, "", period["credits"], f"periods[{n}].credits")
        for party, credits in period.get("allocation", {}).items():
            self.figure(label, ALLOCATION, party, credits, f"periods[{n}].allocation.{party}")
        for k, year in enumerate(period.get("calendar_years", [])):
            where = f"periods[{n}].calendar_years[{k}]"
            member, field = period_text(year["year"]), "emission_reductions_tco2"
            if "exact" in year:
                self.figure(label, ER_YEAR, member, year["exact"], f"{where}.exact")
                if field in year:
                    value = self.figures[-1].value
                    self._float(label, ER_YEAR, year[field], value, f"{where}.{field}")
            elif field in year:
                self.figure(label, ER_YEAR, member, year[field], f"{where}.{field}")

    def allocation(self, data: Mapping[str, Any]) -> None:
        """Each party's credits over all periods (``allocation.total_credits``)."""
        totals = data.get("allocation", {}).get("total_credits", {})
        for party, credits in totals.items():
            self.figure(TOTAL, ALLOCATION, party, credits, f"allocation.total_credits.{party}")

    def _float(self, period: str, quantity: str, raw: Any, exact: Fraction, where: str) -> None:
        value = number(raw, file=self.path, where=where)
        if float(value) != float(exact):
            self.findings.append(
                Finding(
                    period,
                    quantity,
                    "",
                    where,
                    f"the number {decimal_text(value)} is not its exact value "
                    f"{decimal_text(exact)} (nearest double {float(exact)!r})",
                    "the number or its exact text was edited",
                )
            )

    def rows(self, part: str, rows: Any) -> None:
        """``inputs[]`` and ``trace[]``: exact values, converted from their ``unit``."""
        for n, row in enumerate(rows):
            where = f"{part}[{n}]"
            quantity = row["symbol"]
            value = number(row["value"], file=self.path, where=where)
            unit = str(row.get("unit") or "")
            value = converted(value, unit, quantity, self.methodology, file=self.path, at=where)
            member = "/".join(row["member"])
            self.figures.append(Figure(period_text(row["period"]), quantity, member, value, where))


def _stated(data: Mapping[str, Any], *keys: str) -> Stated | None:
    value: Any = data
    for key in keys:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return Stated(value if isinstance(value, str) else json.dumps(value), ".".join(keys))


def _files(data: Mapping[str, Any]) -> dict[str, Stated]:
    files = data.get("provenance", {}).get("files", [])
    return {
        str(f["path"]): Stated(str(f["sha256"]), f"provenance.files[{n}].sha256")
        for n, f in enumerate(files)
    }


class _Twice(ValueError):
    """A key given twice in one JSON object (JSON readers keep one of them, silently)."""


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Twice(key)
        found[key] = value
    return found


def read_json(path: Path, methodology: Methodology) -> Submission:
    """Everything the JSON of ``calculate`` at ``path`` states."""
    try:
        text = read_bytes(path, what="submitted file").decode("utf-8")
        data = json.loads(text, object_pairs_hook=_once)
        periods = data["periods"]
    except _Twice as exc:
        raise InputError(
            f"the key {exc.args[0]!r} appears twice in one object", file=path
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:  # too deep: file_errors says
        raise InputError(f"not JSON: {exc}", file=path) from None
    except (KeyError, TypeError):
        raise InputError("not the JSON of jcmcalc calculate: no 'periods'", file=path) from None
    reader = _Reader(path, methodology)
    dates: dict[str, tuple[Stated, Stated]] = {}
    try:
        for n, period in enumerate(periods):
            reader.period(n, period)
            if "start" in period and "end" in period:
                dates[period_text(period["number"])] = (
                    Stated(str(period["start"]), f"periods[{n}].start"),
                    Stated(str(period["end"]), f"periods[{n}].end"),
                )
        if "total_emission_reductions_tco2" in data:
            raw = data["total_emission_reductions_tco2"]
            reader.figure(TOTAL, TOTAL_ER, "", raw, "total_emission_reductions_tco2")
        if "total_credits" in data:
            reader.figure(TOTAL, TOTAL_CREDITS, "", data["total_credits"], "total_credits")
        reader.allocation(data)
        for part in ("inputs", "trace"):
            reader.rows(part, data.get(part, []))
        files = _files(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"not the JSON of jcmcalc calculate: missing {exc}", file=path) from None
    return Submission(
        tuple(reader.figures),
        tuple(reader.findings),
        periods=dates,
        methodology_id=_stated(data, "methodology", "id"),
        methodology_version=_stated(data, "methodology", "version"),
        mode=_stated(data, "mode"),
        creditable=_stated(data, "creditable"),
        files=files,
        inputs_sha256=_stated(data, "provenance", "inputs_sha256"),
        methodology_sha256=_stated(data, "provenance", "methodology", "sha256"),
        plugin_version=_stated(data, "provenance", "plugin", "version"),
        project=_stated(data, "project"),
        reference_number=_stated(data, "reference_number"),
        complete=True,
    )
