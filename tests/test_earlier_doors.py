"""The earlier open items of issue 29, each seen failing before: a 45-digit degradation rate
over 100 years (an internal error after 18 s), JSON with ``total_credits`` twice (the last
taken), a submission's methodology sha256 and plugin version (not compared). (A plugin reader
returning no readings: tests/test_plugin_faults.py; a dotted key of 20,000 parts and a
``period`` column: the bad-input catalogue.)"""

from __future__ import annotations

import json
import shutil
import time

import pytest

from jcmcalc.model.errors import EXIT_BAD_INPUT, EXIT_MISMATCH
from tests.test_verify import THAI, _json


@pytest.fixture(scope="module")
def thai_json() -> dict:
    from jcmcalc import api

    return json.loads(api.calculate(THAI).to_json())


def test_a_45_digit_degradation_rate_over_100_years_is_refused_quickly(cli, tmp_path) -> None:
    folder = tmp_path / "thai"
    shutil.copytree(THAI.parent, folder)
    project = folder / "project.toml"
    rate = "0." + "7" * 45
    text = project.read_text("utf-8").replace(
        'degradation_rate = "0.005"', f'degradation_rate = "{rate}"'
    )
    project.write_text(text.replace("years = 10", "years = 100"), "utf-8")
    began = time.monotonic()
    code, out, err = cli("estimate", project)
    assert (code, out) == (EXIT_BAD_INPUT, ""), err
    assert "would be a fraction of about" in err and "project.toml" in err
    assert time.monotonic() - began < 10


def test_a_key_twice_in_a_json_submission_is_refused(cli, tmp_path, thai_json) -> None:
    text = json.dumps(thai_json)
    forged = text.replace('"total_credits": ', '"total_credits": 999999, "total_credits": ', 1)
    path = tmp_path / "submitted.json"
    path.write_text(forged, "utf-8")
    code, out, err = cli("verify", THAI, "--reported", path)
    assert (code, out) == (EXIT_BAD_INPUT, ""), err
    assert "submitted.json: the key 'total_credits' appears twice in one object" in err


def test_the_methodology_sha256_and_plugin_version_are_compared(cli, tmp_path, thai_json) -> None:
    data = json.loads(json.dumps(thai_json))
    data["provenance"]["methodology"]["sha256"] = "0" * 64
    data["provenance"]["plugin"]["version"] = "0.0.1"
    code, out, _ = cli("verify", THAI, "--reported", _json(tmp_path, data))
    assert code == EXIT_MISMATCH
    assert f"methodology declaration sha256: submitted '{'0' * 64}'" in out
    assert "plugin version: submitted '0.0.1'" in out
