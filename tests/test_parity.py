"""One pipeline: every route to a figure gives the same figures, warnings and refusals.

Each shipped example and worked case, and a set of bad projects, goes through ``calculate``
(CLI, JSON), the Python API, ``portfolio`` on a folder, ``portfolio`` on a table (where the
methodology fits one), ``report`` and ``verify`` against its own JSON.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import attrs
import pytest

import jcmcalc
from jcmcalc import api
from jcmcalc.inputs.readers import blocks, fastcsv
from jcmcalc.inputs.resolve import Inputs
from jcmcalc.model.errors import (
    EXIT_BAD_INPUT,
    EXIT_MISMATCH,
    EXIT_OK,
    EXIT_SOME_FAILED,
    JcmcalcError,
)
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Kind
from jcmcalc.portfolio.table.evaluate import unfit
from jcmcalc.run.pipeline import prepare

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(
    path
    for pattern in ("*/examples/*/project.toml", "*/worked_cases/*/project.toml")
    for path in (ROOT / "methodologies").glob(pattern)
)


@attrs.frozen
class Outcome:
    """What one route made of a project: per-period figures and warnings, or an error."""

    periods: tuple[tuple[int, str, str, str, str, str, int], ...] = ()
    warnings: tuple[str, ...] = ()
    error: str = ""


def _figure(text: str) -> str:
    return decimal_text(Fraction(text))


def _ex_post(path: Path) -> bool:
    return bool(api.load_project(path, require_periods=False)[0].periods)


def via_api(path: Path) -> Outcome:
    try:
        result = jcmcalc.calculate(path)
    except JcmcalcError as exc:
        return Outcome(error=str(getattr(exc, "message", exc)))
    periods = tuple(
        (
            p.number,
            str(p.start),
            str(p.end),
            decimal_text(p.reference),
            decimal_text(p.project),
            decimal_text(p.reductions),
            p.credits,
        )
        for p in result.periods
    )
    return Outcome(periods, tuple(result.warnings))


def via_cli(cli, path: Path) -> tuple[Outcome, str]:
    code, out, err = cli("calculate", path, "--format", "json")
    if code != EXIT_OK:
        return Outcome(error=err), ""
    data = json.loads(out)
    periods = tuple(
        (
            p["number"],
            p["start"],
            p["end"],
            *(_figure(p["exact"][k]) for k in _FIGURES),
            p["credits"],
        )
        for p in data["periods"]
    )
    return Outcome(periods, tuple(data["warnings"])), out


@pytest.fixture(params=["as sized", "streamed"])
def readers(request, monkeypatch) -> None:
    """The readers as a file's size picks them, or the large-file readers on every file: CSV
    monitoring streamed in blocks of 3 rows, portfolio tables read by pyarrow."""
    if request.param == "streamed":
        monkeypatch.setattr(fastcsv, "SMALLEST", 0)
        monkeypatch.setattr(fastcsv, "STREAM_BYTES", 0)
        monkeypatch.setattr(blocks, "BLOCK_ROWS", 3)


_FIGURES = ("reference_emissions_tco2", "project_emissions_tco2", "emission_reductions_tco2")


def _rows(cli, target: Path, name: str) -> Outcome:
    code, out, err = cli("portfolio", target, "--format", "json")
    assert code in (EXIT_OK, EXIT_SOME_FAILED), err
    rows = [r for r in json.loads(out)["rows"] if r["project"] == name]
    if rows and rows[0]["status"] == "failed":
        return Outcome(error=rows[0]["message"])
    periods = tuple(
        (
            r["period"],
            r["start"],
            r["end"],
            *(_figure(r[k]) for k in _FIGURES),
            r["credits"],
        )
        for r in rows
    )
    warnings = [w for r in rows if r["warnings"] for w in r["warnings"].split(" | ")]
    return Outcome(periods, tuple(dict.fromkeys(warnings)))


def via_folder(cli, path: Path, tmp_path: Path) -> Outcome:
    folder = tmp_path / "folder"
    shutil.copytree(path.parent, folder / "p")
    for extra in (folder / "p").glob("*.toml"):
        if extra.name != path.name:
            extra.unlink()
    return _rows(cli, folder, f"p/{path.name}")


def via_table(cli, path: Path, tmp_path: Path) -> Outcome:
    table = tmp_path / "table.csv"
    table.write_text(table_text(prepare(path, api.get_methodology), "P"), encoding="utf-8")
    return _rows(cli, table, "P")


def via_report(cli, path: Path, tmp_path: Path) -> tuple[int, str, str]:
    output = tmp_path / "report.md"
    code, _, err = cli("report", path, "--format", "markdown", "-o", output)
    return code, output.read_text(encoding="utf-8") if code == EXIT_OK else "", err


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parents[2].name}/{p.parent.name}")
def test_every_route_gives_the_same_figures(cli, readers, path: Path, tmp_path: Path) -> None:
    if not _ex_post(path):
        pytest.skip("an ex-ante sample (jcmcalc estimate)")
    expected = via_api(path)
    assert expected.periods and not expected.error
    from_cli, json_text = via_cli(cli, path)
    assert from_cli == expected
    assert via_folder(cli, path, tmp_path) == expected
    if fits_a_table(prepare(path, api.get_methodology)):
        assert via_table(cli, path, tmp_path) == expected
    code, markdown, _ = via_report(cli, path, tmp_path)
    assert code == EXIT_OK
    for warning in expected.warnings:
        assert warning in markdown
    submitted = tmp_path / "submitted.json"
    submitted.write_text(json_text, encoding="utf-8")
    code, out, _ = cli("verify", path, "--reported", submitted)
    if not any("incomplete coverage" in warning for warning in expected.warnings):
        assert code == EXIT_OK, out
        return
    # verify holds a recomputation on incomplete readings to be a difference (as --strict);
    # every figure is within the tolerance, yet the verdict is no agreement
    differences = [line for line in out.splitlines() if line.startswith("- ")]
    assert code == EXIT_MISMATCH and "figures is within the tolerance" in out, out
    assert "agree" not in out and out.splitlines()[-1].startswith("Verdict: the submission DIFF")
    assert differences and all("incomplete coverage" in line for line in differences), out


def _thai(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    """The Thai example in ``tmp_path`` with ``{file: (old, new)}`` edits."""
    folder = tmp_path / "bad"
    shutil.copytree(ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop", folder)
    for name, (old, new) in edits.items():
        text = (folder / name).read_text(encoding="utf-8")
        assert old in text, old
        (folder / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder / "project.toml"


MONTHLY = "monthly-2024H1.csv"
THAI = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop" / "project.toml"
EG = "EG_i,p [MWh]"


def _set(column: str, value: str, *, where: tuple[str, str] | None = None) -> Callable:
    """A change of the Thai table: ``column`` set to ``value`` in the rows matching ``where``."""

    def change(rows: list[dict[str, str]]) -> None:
        for row in rows:
            if where is None or row[where[0]] == where[1]:
                row[column] = value if value != "-" else "-" + row[column]

    return change


def _header(old: str, new: str) -> Callable:
    def change(rows: list[dict[str, str]]) -> None:
        for row in rows:
            row[new] = row.pop(old)

    return change


#: A mistake made once in the Thai example's files and once in its table: ``(edits of the
#: files, change of the table rows, whether the figure in the message differs by construction:
#: the files hold readings, the table period totals)``.
BAD = {
    "eligibility-not-boolean": (
        {"project.toml": ("C1 = true", 'C1 = "maybe"')},
        _set("eligibility C1", "maybe"),
        False,
    ),
    "value-out-of-bounds": (
        {MONTHLY: ("2024-01-31,BKK-01,", "2024-01-31,BKK-01,-")},
        _set(EG, "-", where=("system", "BKK-01")),
        True,
    ),
    "absurd-unit-in-a-csv-header": (
        {MONTHLY: ("EG_i,p [kWh]", "EG_i,p [YWh]")},
        _header(EG, "EG_i,p [YWh]"),
        True,
    ),
    "overlapping-periods": (
        {"project.toml": ("start = 2024-07-01", "start = 2024-06-01")},
        _set("start", "2024-06-01", where=("start", "2024-07-01")),
        False,
    ),
}


def _core(message: str, *, figures: bool) -> str:
    """The message without its place (file, row) and, where asked, without its figures."""
    text = message.split("parameter ", 1)[-1] if "parameter " in message else message
    return re.sub(r"-?\d[\d.]*", "#", text) if figures else text


def _table(tmp_path: Path, change: Callable, project: Path = THAI) -> Path:
    text = table_text(prepare(project, api.get_methodology), "P")
    rows = list(csv.DictReader(io.StringIO(text)))
    change(rows)
    path = tmp_path / "table.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize("case", sorted(BAD))
def test_every_route_refuses_a_bad_project_alike(cli, readers, case: str, tmp_path: Path) -> None:
    edits, change, figures = BAD[case]
    path = _thai(tmp_path, edits)
    refused = via_api(path)
    assert refused.error, "the API must refuse it"
    code, _, err = cli("calculate", path)
    assert code == EXIT_BAD_INPUT and refused.error in err
    assert refused.error in via_folder(cli, path, tmp_path).error
    code, _, err = via_report(cli, path, tmp_path)
    assert code == EXIT_BAD_INPUT and refused.error in err
    code, _, err = cli("verify", path, "--reported", path)
    assert code == EXIT_BAD_INPUT and refused.error in err
    in_table = _rows(cli, _table(tmp_path, change), "P").error
    assert _core(refused.error, figures=figures) in _core(in_table, figures=figures)


def test_no_version_named_of_several_is_refused_alike(cli, tmp_path: Path) -> None:
    """TH_AM001 has three versions installed: a project or a table row naming none is refused
    through every route, listing each version with its confidence and plugin."""
    unnamed = _thai(tmp_path / "unnamed", {"project.toml": ('version = "1.0"', "#")})
    refused = via_api(unnamed)
    listed = "TH_AM001: no version named, and 3 are installed: 1.0 (read; jcmcalc-solar-pv "
    assert listed in refused.error and "3.0 (reconstructed; jcmcalc-solar-pv" in refused.error
    code, _, err = cli("calculate", unnamed)
    assert code == EXIT_BAD_INPUT and refused.error in err
    assert refused.error in via_folder(cli, unnamed, tmp_path / "folder").error
    unversioned = _set("methodology", "TH_AM001")
    assert listed in _rows(cli, _table(tmp_path, unversioned), "P").error


def test_an_expired_version_is_refused_alike(
    cli, tmp_path: Path, installed_plugins, monkeypatch
) -> None:
    monkeypatch.syspath_prepend(str(installed_plugins["jcmcalc-faulty-plugin"]))
    api.registry.cache_clear()
    try:
        folder = tmp_path / "p"
        folder.mkdir()
        path = folder / "project.toml"
        shutil.copy(
            ROOT / "tests" / "bad_inputs" / "methodology-expired-version" / "project.toml", path
        )
        refused = via_api(path)
        code, _, err = cli("calculate", path)
        from_folder = via_folder(cli, path, tmp_path / "refused")
        table = tmp_path / "table.csv"
        header = 'project,methodology,start,end,registered,"E_i,p [MWh]","F [t_CO2/MWh]"\n'
        row = "P,EXPIRED_AM001@1.0,2020-01-01,2020-12-31,{},100,0.5\n"
        table.write_text(header + row.format(""), encoding="utf-8")
        from_table = _rows(cli, table, "P")
        text = path.read_text(encoding="utf-8")
        path.write_text("[project]\nregistered = 2020-03-01\n" + text, encoding="utf-8")
        kept = via_api(path)
        kept_in_folder = via_folder(cli, path, tmp_path / "kept")
        table.write_text(header + row.format("2020-03-01"), encoding="utf-8")
        kept_in_table = _rows(cli, table, "P")
        later = row.format("2021-01-01").replace("2020-01-01,2020-12-31", "2021-01-01,2021-12-31")
        table.write_text(header + row.format("2020-03-01") + later, encoding="utf-8")
        conflicting = _rows(cli, table, "P")
    finally:
        api.registry.cache_clear()
    assert "expired on 2020-06-30" in refused.error
    assert code == EXIT_BAD_INPUT and refused.error in err
    assert refused.error in from_folder.error
    assert refused.error in from_table.error
    assert any("registered 2020-03-01, keeps it" in w for w in kept.warnings)
    assert kept_in_folder == kept_in_table == kept
    assert "different 'registered' cells (2020-03-01, 2021-01-01)" in conflicting.error


OVERRIDE = """
[project]
name = "override"

[methodology]
id = "MN_AM003"
version = "2.0"

[eligibility]
C1 = true
C2 = false

[[systems]]
id = "PV-1"
grid = "national"
connection_case = "grid"
parameters = { "EF_RE,i" = { value = "0.8 t_CO2/MWh", source = "a study", override = true } }

[[periods]]
start = 2023-01-01
end = 2023-12-31
values = { "EG_i,p" = "23134 MWh" }
"""


def test_an_override_and_unanswered_criteria_warn_alike(cli, tmp_path: Path) -> None:
    folder = tmp_path / "override"
    folder.mkdir()
    path = folder / "project.toml"
    path.write_text(OVERRIDE.replace("C2 = false\n", ""), encoding="utf-8")
    expected = via_api(path)
    assert any("override 0.8 t_CO2/MWh replaces the default" in w for w in expected.warnings)
    assert any(w.endswith("not answered in [eligibility]") for w in expected.warnings)
    assert via_cli(cli, path)[0] == expected
    assert via_folder(cli, path, tmp_path) == expected
    assert via_table(cli, path, tmp_path) == expected


def test_a_criterion_answered_false_is_refused_alike_unless_allowed(cli, tmp_path: Path) -> None:
    """A false answer makes the methodology inapplicable on every route; the API and the CLI
    may compute anyway, every output then marking the result NOT CREDITABLE."""
    folder = tmp_path / "unmet"
    folder.mkdir()
    path = folder / "project.toml"
    path.write_text(OVERRIDE, encoding="utf-8")
    refused = via_api(path)
    assert "eligibility C2" in refused.error and "does not apply" in refused.error
    code, _, err = cli("calculate", path)
    assert code == EXIT_BAD_INPUT and refused.error in err
    assert refused.error in via_folder(cli, path, tmp_path).error
    table = tmp_path / "table.csv"
    table.write_text(
        "project,methodology,start,end,system,grid,connection_case,"
        '"EG_i,p [MWh]",eligibility C2\n'
        "P,MN_AM003@2.0,2023-01-01,2023-12-31,PV-1,national,grid,23134,false\n",
        encoding="utf-8",
    )
    assert refused.error in _rows(cli, table, "P").error
    allowed = jcmcalc.calculate(path, allow_ineligible=True)
    assert allowed.warnings[0].startswith("NOT CREDITABLE: eligibility C2")
    code, out, _ = cli("calculate", path, "--allow-ineligible", "--format", "json")
    assert code == EXIT_OK and json.loads(out)["warnings"][0].startswith("NOT CREDITABLE")


def test_the_table_helper_writes_a_csv_with_every_period() -> None:
    inputs = prepare(THAI, api.get_methodology)
    assert fits_a_table(inputs)
    rows = list(csv.DictReader(io.StringIO(table_text(inputs, "P"))))
    assert {r["start"] for r in rows} == {str(p.period.start) for p in inputs.periods}
    assert len(rows) == len(inputs.periods) * len(inputs.members["i"])


# --- a project's resolved inputs written as a portfolio table -----------------------------


def fits_a_table(inputs: Inputs) -> bool:
    """Whether the methodology can be given as a portfolio table."""
    return not unfit(inputs.methodology)


def _exact(value: Fraction) -> str:
    """Exact decimal text of a terminating fraction."""
    scale = 0
    while (value * 10**scale).denominator != 1:
        scale += 1
        assert scale < 40, f"{value} has no exact decimal text"
    text = str(abs(value.numerator * 10**scale // value.denominator)).rjust(scale + 1, "0")
    whole, fraction = (text[:-scale], text[-scale:]) if scale else (text, "")
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}"


def table_text(inputs: Inputs, name: str) -> str:
    """CSV of ``inputs``: a row per period and member; values the project gave, not defaults."""
    methodology = inputs.methodology
    index = methodology.indices[0] if methodology.indices else None
    members = inputs.members[index.symbol] if index else ("1",)
    project = inputs.project
    answers = {key: str(value).lower() for key, value in project.eligibility.items()}
    registered = project.metadata.get("registered")
    header = ["project", "methodology", "start", "end", "registered"]
    header += [f"eligibility {criterion}" for criterion in answers]
    if index:
        header += [index.csv_column, *index.attributes]
    given = [
        p
        for p in methodology.parameters
        if p.kind is Kind.MONITORED
        or any(v.origin in ("project", "override") for v in inputs.fixed.get(p.name, {}).values())
    ]
    for parameter in given:
        header.append(f"{parameter.symbol} [{parameter.unit}]")
        if parameter.kind is not Kind.MONITORED:
            header += [f"{parameter.symbol} source", f"{parameter.symbol} override"]
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    label = f"{methodology.id}@{methodology.version}"
    for period in inputs.periods:
        for member in members:
            row = [name, label, str(period.period.start), str(period.period.end)]
            row += ["" if registered is None else str(registered), *answers.values()]
            if index:
                row += [member, *(inputs.attributes[index.symbol][member].values())]
            for parameter in given:
                key = (member,) if parameter.index else ()
                source = period.values if parameter.kind is Kind.MONITORED else inputs.fixed
                value = source.get(parameter.name, {}).get(key)
                given_here = value is not None and value.origin not in ("default", "absent")
                row.append(_exact(value.value) if given_here else "")
                if parameter.kind is not Kind.MONITORED:
                    override = given_here and value.origin == "override"
                    row += [value.source if given_here else "", "true" if override else ""]
            writer.writerow(row)
    return stream.getvalue()


ESTIMATE = "[estimate]\nstart = 2025-01-01\nyears = 10\n"


def test_a_value_in_kwh_labelled_mwh_warns_alike(cli, readers, tmp_path: Path) -> None:
    """kWh written as MWh: the same plausibility warnings from calculate, the API, a folder and
    a table (a table states no [estimate], so the project has none here either), exit 0."""
    slipped = {MONTHLY: ("EG_i,p [kWh]", "EG_i,p [MWh]"), "project.toml": (ESTIMATE, "")}
    path = _thai(tmp_path, slipped)
    expected = via_api(path)
    slips = [
        w for w in expected.warnings if w.endswith("(318x: kWh written as MWh? a factor of 1,000)")
    ]
    assert len(slips) == 1 and "PV system 'BKK-01' = 590063.3" in slips[0]
    assert sum("kWh written as MWh?" in w for w in expected.warnings) == 3
    assert via_cli(cli, path)[0] == expected
    code, _, err = cli("calculate", path, "--strict")
    assert code == 2 and slips[0] in err  # an error under --strict
    assert via_folder(cli, path, tmp_path) == expected
    table = tmp_path / "table.csv"
    table.write_text(table_text(prepare(path, api.get_methodology), "P"), encoding="utf-8")
    assert "590063.3" in table.read_text(encoding="utf-8")
    code, out, _ = cli("portfolio", table, "--format", "json")
    assert code == EXIT_OK
    assert via_table(cli, path, tmp_path) == expected
    # the project's warnings on every row of it, as in a folder
    rows = json.loads(out)["rows"]
    assert [r["warnings"].split(" | ") for r in rows] == [list(expected.warnings)] * 2


AT_THE_BOUND = """
[methodology]
id = "MN_AM003"
version = "2.0"

[eligibility]
C1 = true
C2 = true

[[systems]]
id = "S-2"
grid = "national"
connection_case = "grid"
parameters = { rated_capacity = "1 kWp" }

[[systems]]
id = "S-1"
grid = "national"
connection_case = "grid"
parameters = { rated_capacity = "1 kWp" }

[[periods]]
start = 2023-01-01
end = 2023-01-01
values = { "EG_i,p" = { S-2 = "{S2}", S-1 = "{S1}" } }
"""


@pytest.mark.parametrize(
    ("s2", "s1", "warned"),
    [
        ("0.012 MWh", "0.012 MWh", ()),  # 0.5 x 1 kWp x 24 h: at the bound, which holds
        ("0.012000000000000001 MWh", "0.012 MWh", ("S-2",)),  # above it by 1e-18 MWh
        ("12.000001 MWh", "0.012000000000000001 MWh", ("S-2", "S-1")),
    ],
)
def test_a_value_at_the_bound_is_judged_exactly_alike(
    cli, tmp_path: Path, s2: str, s1: str, warned: tuple[str, ...]
) -> None:
    """Values float64 cannot tell from the bound are judged by the kernel's exact rule in a
    table too; the warnings name the members in the project's (the table's) order."""
    folder = tmp_path / "bound"
    folder.mkdir()
    path = folder / "project.toml"
    path.write_text(AT_THE_BOUND.replace("{S2}", s2).replace("{S1}", s1), encoding="utf-8")
    expected = via_api(path)
    found = [w for w in expected.warnings if "capacity factor of 50%" in w]
    assert [re.search(r"system '(S-\d)'", w)[1] for w in found] == list(warned)
    assert via_folder(cli, path, tmp_path) == expected
    assert via_table(cli, path, tmp_path) == expected
