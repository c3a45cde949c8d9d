"""Robustness at the input boundary: errors of the OS, parsers and Arrow are exit 2 naming the
file; ids compared exactly (NFC); a portfolio's bad project fails alone (folder and table)."""

from __future__ import annotations

import csv
import errno
import io
import os
import tempfile
from pathlib import Path

import pytest

from jcmcalc import api
from jcmcalc.inputs import boundary
from jcmcalc.model.errors import InputError, listing, quoted
from jcmcalc.run import pipeline
from tests.conftest import PV_EXAMPLES

PROJECT = """[methodology]
id = "TH_AM001"
version = "1.0"

[[systems]]
id = "{member}"
connection_case = "off-grid"

[[periods]]
start = 2024-01-01
end = 2024-03-31
data = "eg.csv"
"""
READINGS = 'date,system,"EG_i,p [kWh]"\n2024-01-05,{member},1000\n2024-02-05,{member},2000\n'


def _project(folder: Path, name: str = "project.toml", member: str = "A", cell: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "eg.csv").write_text(READINGS.format(member=cell or member), encoding="utf-8")
    path = folder / name
    path.write_text(PROJECT.format(member=member), encoding="utf-8")
    return path


def test_output_into_a_folder_that_cannot_be_written_is_bad_input(tmp_path, cli, monkeypatch):
    project = _project(tmp_path / "p")
    folder = tmp_path / "read-only"
    folder.mkdir()

    def refused(*args, dir=None, **kwargs):  # root writes anywhere: what a user would meet
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dir))

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    code, out, err = cli("calculate", project, "-o", folder / "out.txt")
    assert code == 2 and out == "", err
    assert f"{folder}: permission denied" in err
    assert list(folder.iterdir()) == []


def test_deeply_nested_submission_is_bad_input(tmp_path, cli):
    project = _project(tmp_path / "p")
    submitted = tmp_path / "submitted.json"
    submitted.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, out, err = cli("verify", project, "--reported", submitted)
    assert code == 2 and out == "", err
    assert f"{submitted}: nested too deeply" in err


def test_submitted_row_with_more_cells_than_the_header_is_refused(tmp_path, cli):
    project = _project(tmp_path / "p")
    result = api.calculate(project)
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["period", "quantity", "member", "value"])
    writer.writerow(["1", "credits", "", str(result.periods[0].credits), "shifted"])
    submitted = tmp_path / "submitted.csv"
    submitted.write_text(text.getvalue(), encoding="utf-8")
    code, _, err = cli("verify", project, "--reported", submitted)
    assert code == 2, err
    assert "submitted.csv, row 2: 5 cells where the header has 4" in err


def test_errors_of_parsers_and_arrow_name_the_file_and_others_stay_internal():
    with (
        pytest.raises(InputError, match=r"big\.json: a number with more digits"),
        boundary.file_errors("big.json"),
    ):
        int("9" * 5000)
    pyarrow = pytest.importorskip("pyarrow")
    with (
        pytest.raises(InputError, match=r"eg\.parquet: cannot be read.*ArrowInvalid"),
        boundary.file_errors("eg.parquet"),
    ):
        pyarrow.array(["x"]).cast(pyarrow.int64())
    # a fault of jcmcalc is not dressed up as bad input
    with pytest.raises(KeyError), boundary.file_errors("eg.csv"):
        raise KeyError("bug")


def test_ids_are_compared_nfc_normalised(tmp_path):
    composed, decomposed = "Caf\u00e9", "Cafe\u0301"
    project = _project(tmp_path, member=composed, cell=decomposed)
    result = api.calculate(project)
    assert result.inputs.members["i"] == (composed,)
    assert result.periods[0].credits == 1  # 3 MWh x 0.533 t/MWh, read under the one id


def test_messages_quote_exact_text_and_cut_long_values():
    assert quoted("A ") == "'A '" and quoted("A") == "'A'"
    assert quoted("x" * 5000) == f"{'x' * 60!r}... (5,000 characters)"
    assert listing([f"S{n}" for n in range(12)]).endswith("'S9' and 2 more")


def test_folder_portfolio_fails_each_bad_project_alone(tmp_path, cli, monkeypatch):
    folder = tmp_path / "portfolio"
    good = _project(folder / "good")
    alone = api.calculate(good).periods[0].credits
    _project(folder / "nested").write_text("a = " + "[" * 3000 + "]" * 3000, encoding="utf-8")
    (folder / "loop").mkdir()
    (folder / "loop" / "project.toml").symlink_to("project.toml")
    _project(folder / "unreadable")
    _project(folder / "crash")
    read_bytes, prepare = Path.read_bytes, pipeline.prepare

    def unreadable(self: Path) -> bytes:  # chmod 000 does not stop root
        if self.parent.name == "unreadable":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return read_bytes(self)

    def crashing(path, *args, **kwargs):  # an exception that is not the library's own
        if Path(path).parent.name == "crash":
            raise ZeroDivisionError("a bug")
        return prepare(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    monkeypatch.setattr("jcmcalc.portfolio.folder.prepare", crashing)
    code, out, err = cli("portfolio", folder, "--format", "csv")
    assert code == 4, err
    rows = {row["project"]: row for row in csv.DictReader(io.StringIO(out))}
    assert rows["good/project.toml"]["status"] == "ok"
    assert int(rows["good/project.toml"]["credits"]) == alone
    expected = {
        "nested/project.toml": "nested too deeply",
        "loop/project.toml": "a loop of symbolic links",
        "unreadable/project.toml": "permission denied",
        "crash/project.toml": "internal error: ZeroDivisionError: a bug",
    }
    for project, words in expected.items():
        assert rows[project]["status"] == "failed"
        assert words in rows[project]["message"], rows[project]
        assert project.split("/")[0] in rows[project]["message"] or "internal" in words


def test_table_portfolio_fails_a_bad_start_cell_alone(tmp_path, cli):
    lines = (PV_EXAMPLES / "portfolio.csv").read_text(encoding="utf-8").splitlines()
    table = tmp_path / "portfolio.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, before, _ = cli("portfolio", table)
    assert code == 0
    broken = [lines[0], lines[1], lines[2].replace("2024-01-01", "2024-13-45", 1), *lines[3:]]
    table.write_text("\n".join(broken) + "\n", encoding="utf-8")
    code, after, _ = cli("portfolio", table)
    assert code == 4
    old = {(r["project"], r["period"]): r for r in csv.DictReader(io.StringIO(before))}
    new = {(r["project"], r["period"]): r for r in csv.DictReader(io.StringIO(after))}
    failed = [r for r in new.values() if r["status"] == "failed" and r["project"] != "TOTAL"]
    assert [r["project"] for r in failed] == ["Resort B"]
    assert failed[0]["message"] == (
        "portfolio.csv, row 3: column 'start': '2024-13-45' is not an ISO date or timestamp"
    )
    for key, row in new.items():
        if row["status"] == "ok":
            assert row["credits"] == old[key]["credits"]


@pytest.mark.parametrize(("parts", "more"), [(100, "a.b"), (101, "")])
def test_a_dotted_key_of_more_than_the_most_parts_is_refused_however_the_dots_fall(
    tmp_path: Path, parts: int, more: str
) -> None:
    """Only a text with as many dots as a key of too many parts has is searched for one (a
    key of n parts has n - 1 dots): the limit holds exactly where it did, a dot elsewhere
    (``more``) counted too."""
    from jcmcalc.inputs.project import MAX_KEY_PARTS, load_document

    key = ".".join(f"k{n}" for n in range(parts))
    path = tmp_path / "project.toml"
    path.write_text(f'note = "{more}"\n{key} = 1\n', encoding="utf-8")
    if parts <= MAX_KEY_PARTS:
        assert load_document(path)["k0"]
        return
    with pytest.raises(InputError, match=f"more than {MAX_KEY_PARTS} parts"):
        load_document(path)


def test_a_data_file_is_inside_its_directory_only_where_it_resolves_there(tmp_path: Path) -> None:
    """A plain name of no link is taken at once; a link, a folder or ``..`` is resolved: a
    link to a file outside is outside, as ``a/../../x.csv`` is."""
    from jcmcalc.inputs.project import inside

    folder = tmp_path / "project"
    (folder / "a").mkdir(parents=True)
    (tmp_path / "outside.csv").write_text("x", encoding="utf-8")
    (folder / "link.csv").symlink_to(tmp_path / "outside.csv")
    (folder / "near.csv").symlink_to(folder / "a")
    where = {"file": folder / "project.toml", "at": "periods[1].data"}
    assert inside(folder, "data.csv", **where) == folder / "data.csv"  # (not there yet)
    assert inside(folder, "near.csv", **where) == folder / "near.csv"
    assert inside(folder, "a/../data.csv", **where) == folder / "a/../data.csv"
    for reference in ("link.csv", "a/../../outside.csv", "..", str(tmp_path / "outside.csv")):
        with pytest.raises(InputError, match="lies outside the project directory"):
            inside(folder, reference, **where)
        assert inside(folder, reference, **where, allow_outside=True) == folder / reference
