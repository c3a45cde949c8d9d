"""jcmcalc verify: submitted figures against a recomputation."""

from __future__ import annotations

import json

from jcmcalc.model.errors import EXIT_BAD_INPUT, EXIT_MISMATCH, EXIT_OK
from tests.conftest import ROOT

THAI = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop" / "project.toml"
BOILERS = (
    ROOT / "methodologies" / "boilers" / "examples" / "indonesia-once-through" / "project.toml"
)

SUBMITTED = """\
period,quantity,member,value
1,EG_i,p,BKK-01,590.0633
1,RE_p,,627.9887797
1,ER_p,,627.9887797
1,credits,,627
2,credits,,582
,EF_RE,i,AYA-02,0.4
total,credits,,1209
"""


def _csv(tmp_path, text: str):
    path = tmp_path / "submitted.csv"
    path.write_text(text.replace("EG_i,p", '"EG_i,p"').replace("EF_RE,i", '"EF_RE,i"'))
    return path


def test_correct_csv_submission_exits_0(cli, tmp_path) -> None:
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, SUBMITTED))
    assert code == EXIT_OK
    assert "Tolerance: |submitted - recomputed| <= 1e-09 x max(|recomputed|, 1)" in out
    assert "credits per period must match exactly" in out
    assert "All 7 figures agree." in out


def test_altered_parameter_names_its_first_equation(cli, tmp_path) -> None:
    altered = SUBMITTED.replace("590.0633", "590.0733")
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, altered))
    assert code == EXIT_MISMATCH
    assert "row 2: EG_i,p [BKK-01] (period 1): submitted 590.0733, recomputed 590.0633" in out
    assert "first equation using it: period 1: RE_p = Σ_i(EG_i,p × EF_RE,i)" in out
    assert "1 of 7 figures differ" in out


def test_altered_credits_exit_3_even_by_one(cli, tmp_path) -> None:
    code, out, _ = cli(
        "verify", THAI, "--reported", _csv(tmp_path, SUBMITTED.replace("582", "583"))
    )
    assert code == EXIT_MISMATCH
    assert "credits (period 2): submitted 583, recomputed 582" in out


def test_differing_result_names_the_first_differing_equation(cli, tmp_path) -> None:
    """A submitted per-boiler RE that differs is found before the period's total RE."""
    code, out, _ = cli("calculate", BOILERS, "--format", "json")
    data = json.loads(out)
    step = next(s for s in data["trace"] if s["symbol"] == "RE_k,p" and s["member"] == ["OTB-2"])
    step["value"] = "900"
    total = next(s for s in data["trace"] if s["symbol"] == "RE_p" and s["period"] == 1)
    total["value"] = "2504"
    path = tmp_path / "submitted.json"
    path.write_text(json.dumps(data))
    code, out, _ = cli("verify", BOILERS, "--reported", path)
    assert code == EXIT_MISMATCH
    lines = [line for line in out.splitlines() if line.startswith("- ")]
    assert len(lines) == 2
    for line in lines:
        assert "first equation that differs: period 1: RE_k,p [OTB-2] = " in line


def test_json_of_calculate_verifies_itself(cli, tmp_path) -> None:
    path = tmp_path / "result.json"
    assert cli("calculate", BOILERS, "--format", "json", "-o", path)[0] == 0
    code, out, _ = cli("verify", BOILERS, "--reported", path)
    assert code == EXIT_OK, out
    assert "figures agree" in out


def test_tolerance_is_relative(cli, tmp_path) -> None:
    slightly = SUBMITTED.replace("627.9887797", "627.98877975")
    assert cli("verify", THAI, "--reported", _csv(tmp_path, slightly))[0] == EXIT_OK
    code, _, _ = cli("verify", THAI, "--reported", _csv(tmp_path, slightly), "--tolerance", "0")
    assert code == EXIT_MISMATCH


def test_unknown_quantity_is_bad_input_with_file_and_row(cli, tmp_path) -> None:
    path = _csv(tmp_path, SUBMITTED + "1,EG_x,,5\n")
    code, _, err = cli("verify", THAI, "--reported", path)
    assert code == EXIT_BAD_INPUT
    assert f"{path}, row 9: unknown quantity 'EG_x'" in err


def test_unknown_member_and_bad_number_are_bad_input(cli, tmp_path) -> None:
    code, _, err = cli("verify", THAI, "--reported", _csv(tmp_path, SUBMITTED + "1,RE_p,X,1\n"))
    assert code == EXIT_BAD_INPUT and "row 9: RE_p has no member 'X'" in err
    code, _, err = cli("verify", THAI, "--reported", _csv(tmp_path, SUBMITTED + "1,RE_p,,abc\n"))
    assert code == EXIT_BAD_INPUT and "row 9: 'abc' is not a number" in err
    huge = _csv(tmp_path, SUBMITTED + "1,RE_p,,1e999999999\n")  # never expanded
    code, _, err = cli("verify", THAI, "--reported", huge)
    assert code == EXIT_BAD_INPUT and "row 9: '1e999999999' is not a usable number" in err


WITH_UNITS = """\
period,quantity,member,value,unit
1,EG_i,p,BKK-01,590063.3,kWh
1,RE_p,,627988.7797,kg_CO2
1,ER_p,,627.9887797,
1,credits,,627,t_CO2
,EF_RE,i,AYA-02,400,kg_CO2/MWh
"""


def test_unit_column_converts_to_the_computed_unit(cli, tmp_path) -> None:
    code, out, err = cli("verify", THAI, "--reported", _csv(tmp_path, WITH_UNITS))
    assert code == EXIT_OK, out + err
    assert "All 5 figures agree." in out
    altered = WITH_UNITS.replace("590063.3,kWh", "590063.3,MWh")
    code, out, _ = cli("verify", THAI, "--reported", _csv(tmp_path, altered))
    assert code == EXIT_MISMATCH
    assert "submitted 590063.3, recomputed 590.0633" in out  # kWh written as MWh


def test_unit_of_wrong_dimension_or_unknown_is_bad_input_naming_file_and_row(cli, tmp_path) -> None:
    path = _csv(tmp_path, WITH_UNITS.replace("kg_CO2/MWh", "t_CO2/GJ_x"))
    code, _, err = cli("verify", THAI, "--reported", path)
    assert code == EXIT_BAD_INPUT
    assert f"{path}, row 6" in err and "unknown unit 't_CO2/GJ_x'" in err
    path = _csv(tmp_path, WITH_UNITS.replace("627988.7797,kg_CO2", "627988.7797,GJ"))
    code, _, err = cli("verify", THAI, "--reported", path)
    assert code == EXIT_BAD_INPUT
    assert f"{path}, row 3" in err and "unit 'GJ'" in err and "cannot be converted to t_CO2" in err


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
