"""jcmcalc verify: a submission against a recomputation, figure by figure and as a whole."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from jcmcalc.model.errors import EXIT_BAD_INPUT, EXIT_MISMATCH, EXIT_OK
from tests.conftest import ROOT

THAI = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop" / "project.toml"
BOILERS = (
    ROOT / "methodologies" / "boilers" / "examples" / "indonesia-once-through" / "project.toml"
)

#: A complete submission of the Thai example: every period's RE, PE, ER and credits, totals.
SUBMITTED = """\
period,quantity,member,value
1,EG_i,p,BKK-01,590.0633
1,RE_p,,627.9887797
1,PE_p,,0
1,ER_p,,627.9887797
1,credits,,627
2,EG_i,p,BKK-01,541.059
2,RE_p,,582.913556
2,PE_p,,0
2,ER_p,,582.913556
2,credits,,582
,EF_RE,i,AYA-02,0.4
total,ER,,1210.9023357
total,credits,,1209
"""


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "submitted.csv"
    path.write_text(text.replace("EG_i,p", '"EG_i,p"').replace("EF_RE,i", '"EF_RE,i"'))
    return path


@pytest.fixture(scope="module")
def thai_json(tmp_path_factory) -> dict:
    from jcmcalc import api

    return json.loads(api.calculate(THAI).to_json())


def _json(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "submitted.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _differences(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("- ")]


def test_correct_csv_submission_exits_0(cli, tmp_path) -> None:
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, SUBMITTED))
    assert code == EXIT_OK, out
    assert "Tolerance: |submitted - recomputed| <= 1e-09 x max(|recomputed|, 1)" in out
    assert "credits per period must match exactly" in out
    assert "All 13 figures agree." in out and "difference" not in out.split("agree.")[1]


def test_altered_parameter_names_its_first_equation(cli, tmp_path) -> None:
    altered = SUBMITTED.replace("590.0633", "590.0733")
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, altered))
    assert code == EXIT_MISMATCH
    assert "row 2: EG_i,p [BKK-01] (period 1): submitted 590.0733, recomputed 590.0633" in out
    assert "first equation using it: period 1: RE_p = Σ_i(EG_i,p × EF_RE,i)" in out
    assert "1 of 13 figures differ" in out


def test_altered_credits_exit_3_even_by_one(cli, tmp_path) -> None:
    code, out, _ = cli(
        "verify", THAI, "--reported", _csv(tmp_path, SUBMITTED.replace("582\n", "583\n"))
    )
    assert code == EXIT_MISMATCH
    assert "credits (period 2): submitted 583, recomputed 582" in out
    # the submission's own arithmetic: 583 is not floor(582.913556), nor 627 + 583 = 1209
    assert "row 11: credits (period 2): the submission's own credits 583 are not" in out
    assert "row 14: credits (total): the submission's own total 1209 is not the sum" in out


def test_differing_result_names_the_first_differing_equation(cli, tmp_path) -> None:
    """A submitted per-boiler RE that differs is found before the period's total RE."""
    code, out, _ = cli("calculate", BOILERS, "--format", "json")
    data = json.loads(out)
    step = next(s for s in data["trace"] if s["symbol"] == "RE_k,p" and s["member"] == ["OTB-2"])
    step["value"] = "900"
    total = next(s for s in data["trace"] if s["symbol"] == "RE_p" and s["period"] == 1)
    total["value"] = "2504"
    code, out, _ = cli("verify", BOILERS, "--reported", _json(tmp_path, data))
    assert code == EXIT_MISMATCH
    lines = [line for line in _differences(out) if "submitted" in line and "trace" in line]
    assert len(lines) == 2
    for line in lines:
        assert "first equation that differs: period 1: RE_k,p [OTB-2] = " in line


def test_json_of_calculate_verifies_itself(cli, tmp_path) -> None:
    path = tmp_path / "result.json"
    assert cli("calculate", BOILERS, "--format", "json", "-o", path)[0] == 0
    code, out, _ = cli("verify", BOILERS, "--reported", path)
    assert code == EXIT_OK, out
    assert "figures agree" in out and "other difference" not in out


def test_tolerance_is_relative_and_must_be_finite(cli, tmp_path) -> None:
    slightly = SUBMITTED.replace("627.9887797", "627.98877975")
    assert cli("verify", THAI, "--reported", _csv(tmp_path, slightly))[0] == EXIT_OK
    code, _, _ = cli("verify", THAI, "--reported", _csv(tmp_path, slightly), "--tolerance", "0")
    assert code == EXIT_MISMATCH
    for bad in ("inf", "nan", "-1", "1e999999999", "x"):
        code, out, err = cli(
            "verify", THAI, "--reported", _csv(tmp_path, SUBMITTED), "--tolerance", bad
        )
        assert (code, out) == (EXIT_BAD_INPUT, ""), bad
        assert f"--tolerance {bad!r} must be a finite decimal number >= 0" in err


def test_unknown_quantity_or_member_is_a_difference_naming_the_row(cli, tmp_path) -> None:
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, SUBMITTED + "1,EG_x,,5\n"))
    assert code == EXIT_MISMATCH
    assert "- row 15: EG_x (period 1): unknown quantity 'EG_x'" in out
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, SUBMITTED + "1,RE_p,X,1\n"))
    assert code == EXIT_MISMATCH and "row 15: RE_p [X] (period 1): RE_p has no member 'X'" in out
    extra = SUBMITTED + "3,EF_RE,i,AYA-02,0.4\n"  # a fixed value, but for a period not there
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, extra))
    assert code == EXIT_MISMATCH
    assert "- row 15: EF_RE,i (period 3): period '3' is not a period of the project" in out


def test_unreadable_numbers_are_bad_input(cli, tmp_path) -> None:
    code, _, err = cli("verify", THAI, "--reported", _csv(tmp_path, SUBMITTED + "1,RE_p,,abc\n"))
    assert code == EXIT_BAD_INPUT and "row 15: 'abc' is not a number" in err
    huge = _csv(tmp_path, SUBMITTED + "1,RE_p,,1e999999999\n")  # never expanded
    code, _, err = cli("verify", THAI, "--reported", huge)
    assert code == EXIT_BAD_INPUT and "row 15: '1e999999999' is not a usable number" in err


def test_unit_column_converts_to_the_computed_unit(cli, tmp_path) -> None:
    with_units = SUBMITTED.replace(
        "period,quantity,member,value", "period,quantity,member,value,unit"
    )
    with_units = with_units.replace("590.0633\n", "590063.3,kWh\n").replace(
        "1,RE_p,,627.9887797", "1,RE_p,,627988.7797,kg_CO2"
    )
    code, out, err = cli("verify", THAI, "--reported", _csv(tmp_path, with_units))
    assert code == EXIT_OK, out + err
    altered = with_units.replace("590063.3,kWh", "590063.3,MWh")
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, altered))
    assert code == EXIT_MISMATCH
    assert "EG_i,p [BKK-01] (period 1): submitted 590063.3, recomputed 590.0633" in out
    assert "likely cause: a factor of 1,000: a unit (kWh given as MWh, kg as t)?" in out


def test_unit_of_wrong_dimension_or_unknown_is_bad_input_naming_file_and_row(cli, tmp_path) -> None:
    header = "period,quantity,member,value,unit\n"
    path = _csv(tmp_path, header + ",EF_RE,i,AYA-02,400,t_CO2/GJ_x\n")
    code, _, err = cli("verify", THAI, "--reported", path)
    assert code == EXIT_BAD_INPUT
    assert f"{path}, row 2" in err and "unknown unit 't_CO2/GJ_x'" in err
    path = _csv(tmp_path, header + "1,RE_p,,627988.7797,GJ\n")
    code, _, err = cli("verify", THAI, "--reported", path)
    assert code == EXIT_BAD_INPUT
    assert f"{path}, row 2" in err and "unit 'GJ'" in err and "cannot be converted to t_CO2" in err


def test_unparseable_files_are_bad_input(cli, tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    code, _, err = cli("verify", THAI, "--reported", broken)
    assert code == EXIT_BAD_INPUT and "broken.json: not JSON" in err
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    code, _, err = cli("verify", THAI, "--reported", fake)
    assert code == EXIT_BAD_INPUT and "fake.xlsx: not a readable xlsx workbook" in err
    code, _, err = cli("verify", THAI, "--reported", tmp_path / "none.csv")
    assert code == EXIT_BAD_INPUT and "none.csv: no such file" in err


# --- the whole submission: each tamper is a difference (exit 3) naming period and quantity ---


def _without_period(data: dict, number: int) -> dict:
    data["periods"] = [p for p in data["periods"] if p["number"] != number]
    for part in ("inputs", "trace"):
        data[part] = [row for row in data[part] if row["period"] != number]
    return data


def _tampered(data: dict, case: str) -> tuple[dict, list[str]]:
    """``data`` (the Thai JSON) changed as ``case`` says, and words the output must hold."""
    first, second = data["periods"]
    if case == "missing period":
        return _without_period(data, 2), [
            "period (period 2): period 2 (2024-07-01 to 2024-12-31) is not in the submission",
            "credits (total): the submission's own total 1209 is not the sum of its periods, 627",
        ]
    if case == "extra period":
        data["periods"].append(dict(second, number=3))
        return data, [
            "periods[2].exact.reference_emissions_tco2: RE_p, PE_p, ER_p, credits, ER_year "
            "(period 3): period '3' is not a period of the project (periods: 1, 2)"
        ]
    if case == "dates":
        second["start"] = "2024-06-01"
        return data, [
            "periods[1].start: dates (period 2): submitted '2024-06-01', recomputed '2024-07-01'"
        ]
    if case == "swapped dates":
        for key in ("start", "end"):
            first[key], second[key] = second[key], first[key]
        return data, [
            "likely cause: the dates of period 1, whose dates are these: periods swapped?"
        ]
    if case == "methodology id":
        data["methodology"]["id"] = "TH_AM007"
        return data, ["methodology.id: methodology id: submitted 'TH_AM007', recomputed 'TH_AM001'"]
    if case == "methodology version":
        data["methodology"]["version"] = "2.0"
        return data, ["methodology.version: methodology version: submitted '2.0', recomputed '1.0'"]
    if case == "mode":
        data["mode"] = "ex ante"
        return data, ["mode: mode: submitted 'ex ante', recomputed 'ex post'"]
    if case == "float vs exact":
        first["reference_emissions_tco2"] = 628.0
        return data, [
            "periods[0].reference_emissions_tco2: RE_p (period 1): the number 628 is "
            "not its exact value 627.98878"
        ]
    if case == "unit kWh":
        row = next(r for r in data["inputs"] if r["period"] == 1 and r["member"] == ["BKK-01"])
        row["unit"] = "kWh"
        return data, [
            "EG_i,p [BKK-01] (period 1): submitted 0.590063, recomputed 590.0633",
            "likely cause: a factor of 1/1,000: a unit (MWh given as kWh, t as kg)?",
        ]
    if case == "totals":
        data["total_credits"] = 1210
        return data, [
            "total_credits: credits (total): submitted 1210, recomputed 1209",
            "total_credits: credits (total): the submission's own total 1210 is not "
            "the sum of its periods, 1209",
        ]
    if case == "inconsistent ER":
        first["exact"]["project_emissions_tco2"] = "1"
        first["project_emissions_tco2"] = 1.0
        return data, [
            "periods[0].exact.emission_reductions_tco2: ER_p (period 1): the "
            "submission's own ER_p 627.98878 is not its RE_p - PE_p = 626.98878"
        ]
    if case == "inconsistent credits":
        first["credits"] = 628
        return data, [
            "periods[0].credits: credits (period 1): submitted 628, recomputed 627",
            "likely cause: ER_p rounded to the nearest tonne",
            "the submission's own credits 628 are not max(0, floor(ER_p))",
        ]
    if case == "input hash":
        data["provenance"]["files"][1]["sha256"] = "0" * 64
        return data, [
            f"provenance.files[1].sha256: sha256 of monthly-2024H1.csv: submitted '{'0' * 64}'",
            "likely cause: computed from another version of this file",
        ]
    if case == "periods list":  # period 2 left out of the list, kept in the trace
        data["periods"] = [first]
        return data, ["periods: period (period 2): period 2 is not in the list of periods"]
    if case == "calendar year":
        year = first["calendar_years"][0]
        year["exact"], year["emission_reductions_tco2"] = "600", 600.0
        return data, [
            "periods[0].calendar_years[0].exact: ER_year [2024] (period 1): submitted 600, "
            "recomputed 627.98878; differs in the split by calendar year: "
        ]
    if case == "calendar year float":
        first["calendar_years"][0]["emission_reductions_tco2"] = 600.0
        return data, [
            "periods[0].calendar_years[0].emission_reductions_tco2: ER_year (period 1): the "
            "number 600 is not its exact value 627.98878"
        ]
    if case == "project name":
        data["project"] = "Another project"
        return data, [
            f"project: project name: submitted 'Another project', recomputed {thai_name()!r}"
        ]
    if case == "creditable":
        data["creditable"] = False
        return data, ["creditable: creditable: submitted 'false', recomputed 'true'"]
    raise AssertionError(case)


TAMPERS = [
    "missing period",
    "extra period",
    "dates",
    "swapped dates",
    "methodology id",
    "methodology version",
    "mode",
    "float vs exact",
    "unit kWh",
    "totals",
    "inconsistent ER",
    "inconsistent credits",
    "input hash",
    "creditable",
    "periods list",
    "calendar year",
    "calendar year float",
    "project name",
]


def thai_name() -> str:
    from jcmcalc import api

    return api.calculate(THAI).project_name


@pytest.mark.parametrize("case", TAMPERS)
def test_each_tamper_is_a_difference_naming_period_and_quantity(
    cli, tmp_path, thai_json, case
) -> None:
    data, words = _tampered(json.loads(json.dumps(thai_json)), case)
    code, out, err = cli("verify", THAI, "--reported", _json(tmp_path, data))
    assert (code, err) == (EXIT_MISMATCH, ""), out + err
    lines = "\n".join(_differences(out))
    for expected in words:
        assert expected in lines, f"{expected!r} not in:\n{lines}"


def test_the_unchanged_json_agrees(cli, tmp_path, thai_json) -> None:
    code, out, _ = cli("verify", THAI, "--reported", _json(tmp_path, thai_json))
    assert code == EXIT_OK, out
    assert not _differences(out)


def test_csv_missing_quantities_and_periods_are_named(cli, tmp_path) -> None:
    partial = "\n".join(
        line for line in SUBMITTED.splitlines() if not line.startswith(("2,", "1,PE_p"))
    )
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, partial + "\n"))
    assert code == EXIT_MISMATCH
    lines = _differences(out)
    assert "- PE_p (period 1): not submitted" in lines
    assert any(
        line.startswith("- period (period 2): period 2 (2024-07-01 to 2024-12-31)")
        for line in lines
    )
    left_out = SUBMITTED.replace("2,EG_i,p,BKK-01,541.059\n", "")
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, left_out))
    assert code == EXIT_MISMATCH
    assert "- EG_i,p [BKK-01] (period 2): not submitted, though given for other periods" in out


def test_csv_period_dates_are_checked(cli, tmp_path) -> None:
    dated = SUBMITTED.replace(
        "period,quantity,member,value", "period,quantity,member,value,start,end"
    )
    dated = dated.replace("1,RE_p,,627.9887797", "1,RE_p,,627.9887797,2024-01-01,2024-06-30")
    dated = dated.replace("2,RE_p,,582.913556", "2,RE_p,,582.913556,20240701,2024-12-31")
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, dated))
    assert code == EXIT_OK, out
    code, out, _ = cli(
        "verify", THAI, "--reported", _csv(tmp_path, dated.replace("2024-12-31", "2024-11-30"))
    )
    assert code == EXIT_MISMATCH
    assert "- row 8: dates (period 2): submitted '2024-11-30', recomputed '2024-12-31'" in out


def test_swapped_periods_are_suggested(cli, tmp_path) -> None:
    swapped = (
        SUBMITTED.replace("1,credits,,627", "1,credits,,X")
        .replace("2,credits,,582", "2,credits,,627")
        .replace("1,credits,,X", "1,credits,,582")
    )
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, swapped))
    assert code == EXIT_MISMATCH
    assert "credits (period 1): submitted 582, recomputed 627" in out
    assert (
        "likely cause: equals the figure of period 2, and it equals this: periods swapped?" in out
    )


def test_xlsx_unit_column_is_honoured(cli, tmp_path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "input"
    sheet.append(["period", "quantity", "member", "value", "unit"])
    sheet.append([1, "EG_i,p", "BKK-01", 590063.3, "kWh"])
    sheet.append([2, "EG_i,p", "BKK-01", 541.059, "MWh"])
    calc = book.create_sheet("calc_process")
    calc.append(["period", "quantity", "member", "value", "unit"])
    for line in SUBMITTED.splitlines()[1:]:
        if "EG_i" in line or "EF_RE" in line:
            continue
        period, quantity, member, value = line.split(",")
        calc.append([period, quantity, member, float(value), "t_CO2"])
    path = tmp_path / "submitted.xlsx"
    book.save(path)
    code, out, _ = cli("verify", THAI, "--reported", path)
    assert code == EXIT_OK, out
    sheet["E2"] = "MWh"
    book.save(path)
    code, out, _ = cli("verify", THAI, "--reported", path)
    assert code == EXIT_MISMATCH
    assert "sheet input row 2: EG_i,p [BKK-01] (period 1): submitted 590063.3" in out
    assert "likely cause: a factor of 1,000" in out


def test_verify_takes_time_linear_in_the_figures() -> None:
    """8x the differing figures take well under 64x the time (quadratic, as it was: 16,000
    figures took 48 s). Timed with the cyclic garbage collector paused, whose pauses depend on
    the whole process's heap, not on this algorithm; the best of three runs each."""
    import gc
    import time

    from jcmcalc import api
    from jcmcalc.inputs.submitted.submission import Figure, Submission
    from jcmcalc.views import verify

    result = api.calculate(THAI)

    def seconds(count: int) -> float:
        figures = tuple(
            Figure(str(1 + n % 2), "EG_i,p", "BKK-01", Fraction(n, 7), f"row {n}")
            for n in range(count)
        )
        best = float("inf")
        for _ in range(3):
            gc.disable()
            try:
                start = time.perf_counter()
                verification = verify.compare(result, Submission(figures))
                verify.report_text(verification, verify.TOLERANCE)
                best = min(best, time.perf_counter() - start)
            finally:
                gc.enable()
        return best

    small, large = seconds(2000), seconds(16000)
    assert large < 24 * small, (small, large)  # linear: about 8x; quadratic: about 64x


def test_incomplete_monitoring_data_is_a_difference(cli, tmp_path) -> None:
    """verify holds a recomputation on incomplete readings to be a difference, as --strict."""
    project = ROOT / "tests" / "bad_inputs" / "monitoring-missing-month-strict" / "project.toml"
    submitted = tmp_path / "submitted.json"
    assert cli("calculate", project, "--format", "json", "-o", submitted)[0] == EXIT_OK
    code, out, _ = cli("verify", project, "--reported", submitted)
    assert code == EXIT_MISMATCH
    assert "- monthly.csv: EG_i,p [B] (period 1): incomplete coverage" in out
    assert "5 of 6 months present; missing 2024-03" in out


def test_allocation_of_a_json_submission_is_verified(cli, project, tmp_path) -> None:
    """Each party's credits per period and in total are compared exactly, and a JSON
    without them is missing figures."""
    from jcmcalc import api
    from tests.test_allocation import ALLOCATED

    path = project(ALLOCATED)
    data = json.loads(api.calculate(path).to_json())
    assert cli("verify", path, "--reported", _json(tmp_path, data))[0] == EXIT_OK
    data["periods"][0]["allocation"]["Mongolia"] = 160
    data["allocation"]["total_credits"]["Japan"] = 1
    code, out, _ = cli("verify", path, "--reported", _json(tmp_path, data))
    lines = "\n".join(_differences(out))
    assert code == EXIT_MISMATCH
    assert (
        "periods[0].allocation.Mongolia: allocation [Mongolia] (period 1): submitted 160, "
        "recomputed 159; differs in the allocation: shares Mongolia 20 %, Japan 80 %"
    ) in lines
    assert "allocation.total_credits.Japan: allocation [Japan] (total): submitted 1, " in lines
    del data["periods"][1]["allocation"]
    code, out, _ = cli("verify", path, "--reported", _json(tmp_path, data))
    assert "allocation [Mongolia] (period 2): not submitted" in out


# --- likely causes: named only for the patterns pinned here ---


def _causes(cli, tmp_path, text: str) -> list[str]:
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, text))
    assert code == EXIT_MISMATCH, out
    return [line for line in _differences(out) if "likely cause" in line]


def test_no_cause_for_a_consistent_tonne_more(cli, tmp_path) -> None:
    """RE, ER and credits each one tonne more: not 'ER rounded to the nearest tonne'."""
    more = (
        SUBMITTED.replace("1,RE_p,,627.9887797", "1,RE_p,,628.9887797")
        .replace("1,ER_p,,627.9887797", "1,ER_p,,628.9887797")
        .replace("1,credits,,627", "1,credits,,628")
    )
    assert _causes(cli, tmp_path, more) == []


def test_no_swap_for_a_dropped_period_or_copied_dates(cli, tmp_path, thai_json) -> None:
    """Period 1 left out and period 2 numbered 1: each figure equals period 2's, but nothing
    was exchanged. Period 2 given period 1's dates: copied, not swapped."""
    lines = SUBMITTED.splitlines()
    renumbered = [line for line in lines if not line.startswith("1,")]
    renumbered = [line.replace("2,", "1,", 1) if line[:2] == "2," else line for line in renumbered]
    assert _causes(cli, tmp_path, "\n".join(renumbered) + "\n") == []
    data = json.loads(json.dumps(thai_json))
    data["periods"][1]["start"] = data["periods"][0]["start"]
    code, out, _ = cli("verify", THAI, "--reported", _json(tmp_path, data))
    assert code == EXIT_MISMATCH and "likely cause" not in out, out


def test_figures_rounded_to_n_decimals_are_named_with_n(cli, tmp_path) -> None:
    rounded = SUBMITTED.replace("1,RE_p,,627.9887797", "1,RE_p,,627.99").replace(
        "2,RE_p,,582.913556", "2,RE_p,,583"
    )
    causes = _causes(cli, tmp_path, rounded)
    assert any("RE_p (period 1)" in c and "rounded to 2 decimals" in c for c in causes), causes
    assert any("RE_p (period 2)" in c and "rounded to 0 decimals" in c for c in causes), causes


def test_verdict_comes_last_and_never_agrees_with_a_difference(cli, tmp_path) -> None:
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, SUBMITTED))
    assert code == EXIT_OK and out.splitlines()[-1].startswith("Verdict: the submission agrees")
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, SUBMITTED + "3,RE_p,,1\n"))
    assert code == EXIT_MISMATCH and "agree" not in out, out
    assert out.splitlines()[-1] == (
        "Verdict: the submission DIFFERS from the recomputation: 0 of 13 figures differ; "
        "1 other difference."
    )
