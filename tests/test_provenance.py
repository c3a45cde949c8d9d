"""Provenance that reproduces: fingerprints of the declaration and default tables, per-file
sha256 as ``sha256sum`` prints it, versions; and the eligibility checklist in every output."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jcmcalc
from jcmcalc import api
from jcmcalc.model.errors import EXIT_OK
from jcmcalc.run.pipeline import prepare
from tests.conftest import ROOT

EXAMPLES = ROOT / "methodologies" / "solar-pv" / "examples"
THAI = EXAMPLES / "thai-rooftop" / "project.toml"
BATTERY = EXAMPLES / "indonesia-battery" / "project.toml"


def test_each_input_file_has_the_sha256_that_sha256sum_prints() -> None:
    provenance = jcmcalc.calculate(THAI).provenance
    files = provenance["files"]
    assert [f["path"] for f in files] == provenance["input_files"]
    assert len(files) == 3
    for entry in files:
        data = (THAI.parent / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
    lines = "".join(f"{f['sha256']}  {f['path']}\n" for f in files)
    assert provenance["inputs_sha256"] == hashlib.sha256(lines.encode()).hexdigest()
    if shutil.which("sha256sum"):
        printed = subprocess.run(
            ["sha256sum", *provenance["input_files"]],
            cwd=THAI.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert printed == lines


def test_file_hashes_come_from_the_bytes_that_were_parsed() -> None:
    inputs = prepare(THAI, api.get_methodology)
    project = inputs.project
    assert set(inputs.digests) == set(project.input_files)  # none hashed in a second read


def test_versions_and_fingerprints_are_in_the_json() -> None:
    data = json.loads(jcmcalc.calculate(BATTERY).to_json())
    provenance = data["provenance"]
    assert provenance["python_version"] == ".".join(map(str, sys.version_info[:3]))
    assert provenance["pint_version"] and provenance["plugin"]["version"]
    assert len(provenance["methodology"]["sha256"]) == 64
    [table] = provenance["default_tables"]
    assert table["name"] == "JCM grid emission factors (ID)" and len(table["sha256"]) == 64


_EDITED = """
import functools, json, sys
import jcmcalc.tools.data as data
real = data.table.__wrapped__

def edited(name):
    rows = real(name)
    if name == "grid_emission_factors" and sys.argv[2] == "edit":
        rows = tuple(
            dict(row, source=row["source"] + " (edited)") if row["country"] == "ID" else row
            for row in rows
        )
    return rows

data.table = functools.cache(edited)
import jcmcalc
provenance = jcmcalc.calculate(sys.argv[1]).provenance
print(json.dumps([provenance["methodology"]["sha256"], provenance["default_tables"]]))
"""


def _fingerprints(edit: str) -> list:
    done = subprocess.run(
        [sys.executable, "-c", _EDITED, str(BATTERY), edit],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_editing_a_built_in_default_table_changes_the_provenance() -> None:
    declaration, tables = _fingerprints("keep")
    expected = jcmcalc.calculate(BATTERY).provenance
    assert declaration == expected["methodology"]["sha256"]  # the same in another process
    assert tables == expected["default_tables"]
    edited_declaration, edited_tables = _fingerprints("edit")
    assert edited_tables[0]["name"] == tables[0]["name"]
    assert edited_tables[0]["sha256"] != tables[0]["sha256"]
    assert edited_declaration != declaration


def _thai_answering(tmp_path: Path, answers: str) -> Path:
    folder = tmp_path / "thai"
    shutil.copytree(THAI.parent, folder)
    path = folder / "project.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("C1 = true\nC2 = true\n", answers), encoding="utf-8")
    return path


def test_the_checklist_is_in_the_json_and_the_table(cli, tmp_path) -> None:
    path = _thai_answering(tmp_path, "C1 = true\nC2 = false\n")
    code, out, _ = cli("calculate", path, "--allow-ineligible", "--format", "json")
    data = json.loads(out)
    assert code == EXIT_OK and data["creditable"] is False
    assert [(c["id"], c["answer"]) for c in data["eligibility"]] == [
        ("C1", "true"),
        ("C2", "false"),
        ("C3", "true"),
    ]
    code, out, _ = cli("calculate", path, "--allow-ineligible")
    assert "Eligibility: NOT CREDITABLE" in out
    assert any(line.split()[:2] == ["C2", "false"] for line in out.splitlines())
    code, out, _ = cli("calculate", path, "--allow-ineligible", "--format", "markdown")
    assert "## Eligibility: NOT CREDITABLE" in out and "| C2 | false |" in out
    unanswered = _thai_answering(tmp_path / "b", "C1 = true\n")
    result = jcmcalc.calculate(unanswered)
    assert result.creditable
    assert [str(a.answer) for a in result.eligibility.answers] == ["true", "unanswered", "true"]
    assert json.loads(result.to_json())["creditable"] is True


def test_a_file_read_twice_with_other_bytes_is_refused(tmp_path) -> None:
    import pytest

    from jcmcalc.inputs import digests
    from jcmcalc.model.errors import InputError

    path = tmp_path / "data.csv"
    digests.note(path, b"outside a run: not recorded")
    with digests.recording() as found:
        digests.note(path, b"a,b\n1,2\n")
        digests.note(path, b"a,b\n1,2\n")  # the same bytes again: one digest
        assert found[path].sha256 == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
        with pytest.raises(InputError, match="changed while jcmcalc was reading it"):
            digests.note(path, b"a,b\n1,2\n3,4\n")
