"""Safe by construction: no code runs from inputs, inputs stay in the project's directory
unless allowed, outputs are written atomically."""

from __future__ import annotations

import ast
import contextlib
import os
import shutil
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from jcmcalc import api
from jcmcalc.model.errors import InputError
from jcmcalc.views import output_files
from tests.conftest import ROOT

SOURCES = sorted(
    [*ROOT.glob("jcmcalc/**/*.py"), *ROOT.glob("methodologies/*/src/**/*.py")],
)
#: Calls and modules that could run code or build objects from what jcmcalc reads.
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "yaml", "dill", "cloudpickle", "toml"}


def _problems(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in FORBIDDEN_CALLS:
            found.append(f"{path}:{node.lineno}: {node.func.id}()")
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found += [
            f"{path}:{node.lineno}: import {name}"
            for name in names
            if name.split(".")[0] in FORBIDDEN_MODULES
        ]
    return found


def test_sources_exist() -> None:
    assert len(SOURCES) > 20
    assert ROOT / "jcmcalc" / "inputs" / "project.py" in SOURCES


def test_no_eval_exec_pickle_or_yaml_in_any_source() -> None:
    assert [problem for path in SOURCES for problem in _problems(path)] == []


def test_the_check_itself_finds_eval_and_pickle(tmp_path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import pickle\nfrom yaml import load\neval('1')\n", encoding="utf-8")
    assert len(_problems(bad)) == 3


PROJECT = """
[methodology]
id = "TH_AM001"
version = "1.0"
[[systems]]
id = "A"
connection_case = "off-grid"
[[periods]]
start = 2024-01-01
end = 2024-03-31
data = "{data}"
"""


def _outside(tmp_path: Path, data: str = "../eg.csv") -> Path:
    (tmp_path / "eg.csv").write_text('system,"EG_i,p [kWh]"\nA,1000\n', encoding="utf-8")
    folder = tmp_path / "project"
    folder.mkdir()
    path = folder / "project.toml"
    path.write_text(PROJECT.format(data=data), encoding="utf-8")
    return path


def test_allow_outside_reads_a_file_outside_the_project_directory(tmp_path, cli) -> None:
    path = _outside(tmp_path)
    with pytest.raises(InputError, match="lies outside the project directory"):
        api.calculate(path)
    # 1000 kWh = 1 MWh at the off-grid default 0.533 t_CO2/MWh
    assert api.calculate(path, allow_outside=True).periods[0].reductions == Fraction(533, 1000)
    code, out, err = cli("calculate", path, "--allow-outside", "--format", "json")
    assert code == 0, err
    assert '"credits": 0' in out


@pytest.mark.parametrize("absolute", [False, True])
def test_every_report_names_a_file_outside_the_project_directory(tmp_path, cli, absolute) -> None:
    """The workbook's file list named files by their path under the project's folder, and
    failed (a traceback) on one outside it."""
    path = _outside(tmp_path, str(tmp_path / "eg.csv") if absolute else "../eg.csv")
    for form in ("xlsx", "html", "markdown"):
        target = tmp_path / f"report.{form}"
        code, _, err = cli("report", path, "--allow-outside", "--format", form, "-o", target)
        assert code == 0 and target.stat().st_size, (form, err)


def test_a_symbolic_link_out_of_the_directory_is_outside(tmp_path) -> None:
    path = _outside(tmp_path, data="link.csv")
    os.symlink(tmp_path / "eg.csv", path.parent / "link.csv")
    with pytest.raises(InputError, match=r"'link\.csv' lies outside"):
        api.calculate(path)


def test_output_is_written_atomically(tmp_path, monkeypatch) -> None:
    output = tmp_path / "out.json"
    output.write_text("previous", encoding="utf-8")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(InputError, match=r"out\.json: disk full"):  # exit 2, naming the output
        output_files.write_output("new text", output)
    assert output.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.parametrize("suffix", [".xlsm", ".xls", ".ods"])
def test_workbooks_with_macros_or_other_formats_are_refused(tmp_path, cli, suffix) -> None:
    submitted = tmp_path / f"submitted{suffix}"
    submitted.write_bytes(b"PK\x03\x04")
    thai = ROOT / "methodologies/solar-pv/examples/thai-rooftop/project.toml"
    code, out, err = cli("verify", thai, "--reported", submitted)
    assert code == 2 and out == ""
    assert f"unknown kind of file {suffix!r}" in err


def test_submitted_workbook_is_read_without_links_or_formulas(monkeypatch, tmp_path) -> None:
    import openpyxl

    from jcmcalc.inputs.submitted import read as submitted

    seen = {}
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    book = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(book)
    with pytest.raises(InputError):
        submitted.read_submitted(book, api.get_methodology("TH_AM001", "1.0"))
    assert seen == {"read_only": True, "data_only": True, "keep_links": False}


def _thai_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "thai"
    shutil.copytree(ROOT / "methodologies/solar-pv/examples/thai-rooftop", folder)
    return folder


@pytest.mark.parametrize(
    ("command", "target", "words"),
    [
        ("calculate", "project.toml", "is an input of this run (project.toml)"),
        ("report", "monthly-2024H1.csv", "is an input of this run (monthly-2024H1.csv)"),
        ("calculate", ".", "is not a regular file"),
        ("calculate", "missing/out.json", "of the output does not exist"),
    ],
)
def test_an_output_never_replaces_an_input_or_a_non_file(
    tmp_path: Path, cli, command: str, target: str, words: str
) -> None:
    folder = _thai_copy(tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    code, _, err = cli(command, folder / "project.toml", "-o", folder / target)
    assert code == 2 and words in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_device_is_never_replaced_by_an_output(tmp_path: Path, cli) -> None:
    folder = _thai_copy(tmp_path)
    code, _, err = cli("calculate", folder / "project.toml", "-o", "/dev/null")
    assert code == 2 and "is not a regular file" in err
    assert Path("/dev/null").is_char_device()


def test_a_portfolio_output_never_replaces_its_table(tmp_path: Path, cli) -> None:
    table = tmp_path / "portfolio.csv"
    shutil.copy(ROOT / "methodologies/solar-pv/examples/portfolio.csv", table)
    before = table.read_bytes()
    code, _, err = cli("portfolio", table, "-o", table)
    assert code == 2 and "is an input of this run (portfolio.csv)" in err
    assert table.read_bytes() == before
    code, _, _ = cli("portfolio", table, "-o", tmp_path / "credits.csv")
    assert code in (0, 4) and (tmp_path / "credits.csv").exists()


def test_a_folder_portfolio_output_never_replaces_a_file_in_the_folder(tmp_path: Path, cli) -> None:
    """Every file under the folder is an input, however deep and by whatever name (a hard
    link outside it too, a link in it to a file outside); the files are listed only where the
    output exists."""
    folder = tmp_path / "projects"
    shutil.copytree(_thai_copy(tmp_path), folder / "deep" / "thai")
    data = folder / "deep" / "thai" / "monthly-2024H1.csv"
    os.link(data, tmp_path / "linked.csv")
    before = data.read_bytes()
    for target in (data, tmp_path / "linked.csv"):
        code, _, err = cli("portfolio", folder, "-o", target)
        assert code == 2 and "is an input of this run (monthly-2024H1.csv)" in err
    (tmp_path / "elsewhere.csv").write_text("kept", encoding="utf-8")
    (folder / "deep" / "alias.csv").symlink_to(tmp_path / "elsewhere.csv")  # a link in it
    code, _, err = cli("portfolio", folder, "-o", tmp_path / "elsewhere.csv")
    assert code == 2 and "is an input of this run (alias.csv)" in err
    assert (tmp_path / "elsewhere.csv").read_text(encoding="utf-8") == "kept"
    assert data.read_bytes() == before
    (tmp_path / "credits.csv").write_text("old", encoding="utf-8")
    for _ in range(2):  # over an output that exists: the folder listed, nothing in it matches
        code, _, _ = cli("portfolio", folder, "-o", tmp_path / "credits.csv")
        assert code == 0 and (tmp_path / "credits.csv").read_text().startswith("project,")


def test_a_bar_counts_its_total_only_when_it_is_shown(monkeypatch) -> None:
    """A portfolio folder is not walked a second time to count its projects for a bar that
    no terminal shows."""
    from jcmcalc.inputs.progress import bar

    counted = []

    def total() -> int:
        counted.append(1)
        return 3

    with bar(total, unit="project", what="portfolio") as shown:
        shown.update(1)
    assert counted == []
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with bar(total, unit="project", what="portfolio") as shown:
        assert shown.total == 3 and counted == [1]


def test_the_bar_over_monitoring_files_counts_their_bytes_only_when_shown(
    tmp_path: Path, monkeypatch
) -> None:
    """The monitoring files are measured for a bar a terminal shows, and not otherwise."""
    from jcmcalc.inputs import sources
    from jcmcalc.run import pipeline

    folder = _thai_copy(tmp_path)
    project, methodology = pipeline.load(folder / "project.toml", api.get_methodology)
    files = [path for path, _ in sources.monitoring_files(project)]
    members = {"i": tuple(s["id"] for s in project.tables["systems"])}
    measured = []
    size = sources._size
    monkeypatch.setattr(sources, "_size", lambda path: measured.append(path) or size(path))
    found = sources.read_files(methodology, project, members, ())
    assert found and measured == []
    seen = {}

    class Shown:
        def update(self, count: int) -> None:
            seen["bytes"] = seen.get("bytes", 0) + count

        def set_description_str(self, text: str) -> None:
            pass

    def shown_bar(total, **_):
        seen["total"] = total()
        return contextlib.nullcontext(Shown())

    monkeypatch.setattr(sources, "bar", shown_bar)
    assert sources.read_files(methodology, project, members, ()) == found
    assert seen["total"] == seen["bytes"] == sum(path.stat().st_size for path in files) > 0
