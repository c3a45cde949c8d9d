"""jcmcalc portfolio: folders and tables, failures isolated, credits equal the exact path."""

from __future__ import annotations

import csv
import io
import json
import math
import random
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from jcmcalc import api, portfolio
from jcmcalc.inputs.resolve import resolve
from jcmcalc.model.errors import EXIT_SOME_FAILED
from jcmcalc.run import engine
from tests.test_vectorised import adversarial, write_portfolio

ROOT = Path(__file__).resolve().parent.parent
HEADER = 'project,methodology,start,end,system,connection_case,"EF_RE,i [t_CO2/MWh]",'
HEADER += '"EF_RE,i source","EG_i,p [MWh]"\n'


def table_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_table_with_a_broken_project_reports_it_and_computes_the_others(
    tmp_path: Path, cli
) -> None:
    table = tmp_path / "portfolio.csv"
    table.write_text(
        HEADER
        + "A,TH_AM001@1.0,2024-01-01,2024-12-31,S1,grid,0.5,grid study,1000\n"
        + "B,TH_AM001@1.0,2024-01-01,2024-12-31,S1,grid,0.5,grid study,-3\n"
        + "C,TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,,,7000\n"
        + "D,TH_AM001@1.0,2024-01-01,2024-12-31,S1,grid,0.5,,10\n",
        encoding="utf-8",
    )
    code, out, err = cli("portfolio", table)
    assert code == EXIT_SOME_FAILED
    rows = {row["project"]: row for row in table_rows(out)}
    assert rows["A"]["credits"] == "500" and rows["A"]["status"] == "ok"
    assert rows["C"]["credits"] == "3731"  # off-grid default 0.533 t/MWh from the methodology
    assert rows["B"]["status"] == "failed" and "row 3" in rows["B"]["message"]
    assert "out of range" in rows["B"]["message"]
    assert rows["D"]["status"] == "failed" and "source" in rows["D"]["message"]
    assert rows["TOTAL"]["credits"] == "4231"
    assert "project B" in err and "project D" in err
    assert (rows["A"]["creditable"], rows["B"]["creditable"], rows["TOTAL"]["creditable"]) == (
        "true",
        "",
        "",
    )


def test_folder_with_a_broken_project(tmp_path: Path, cli) -> None:
    examples = ROOT / "methodologies" / "solar-pv" / "examples" / "thai-rooftop"
    shutil.copytree(examples, tmp_path / "thai")
    shutil.copytree(ROOT / "methodologies" / "boilers" / "examples", tmp_path / "boilers")
    (tmp_path / "broken.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    code, out, err = cli("portfolio", tmp_path, "--format", "json")
    assert code == EXIT_SOME_FAILED
    document = json.loads(out)
    by_project: dict[str, list[dict]] = {}
    for row in document["rows"]:
        by_project.setdefault(row["project"], []).append(row)
    assert by_project["broken.toml"][0]["status"] == "failed"
    assert by_project["broken.toml"][0]["creditable"] is None
    assert all(r["creditable"] is True for r in document["rows"] if r["status"] == "ok")
    assert "broken.toml" in err
    checked = 0
    for path in sorted(tmp_path.rglob("project.toml")):
        name = path.relative_to(tmp_path).as_posix()
        if not api.load_project(path, require_periods=False)[0].periods:
            continue
        expected = api.calculate(path)
        assert [r["credits"] for r in by_project[name]] == [p.credits for p in expected.periods]
        checked += 1
    assert checked >= 3
    assert document["total"]["credits"] == sum(
        r["credits"] for r in document["rows"] if r["status"] == "ok"
    )


def test_csv_text_never_becomes_a_formula(tmp_path: Path, cli) -> None:
    table = tmp_path / "portfolio.csv"
    table.write_text(
        HEADER
        + '"=HYPERLINK(""http://x"")",TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,,,10\n'
        + "@SUM(A1),TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,,,10\n"
        + "-minus,TH_AM001@1.0,2024-01-01,2024-12-31,S1,off-grid,,,10\n",
        encoding="utf-8",
    )
    code, out, _ = cli("portfolio", table)
    assert code == 0
    names = [row["project"] for row in table_rows(out)][:-1]
    assert sorted(names) == sorted(['\'=HYPERLINK("http://x")', "'@SUM(A1)", "'-minus"])


def test_parquet_output_and_input(tmp_path: Path, cli) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    source = tmp_path / "in.parquet"
    pq.write_table(
        pa.table(
            {
                "project": ["A", "B"],
                "methodology": ["TH_AM001@1.0"] * 2,
                "start": pa.array([20000, 20000], type=pa.date32()),
                "end": pa.array([20180, 20180], type=pa.date32()),
                "system": ["S1", "S1"],
                "connection_case": ["off-grid"] * 2,
                "EG_i,p [MWh]": [7000.0, 0.1],
            }
        ),
        source,
    )
    output = tmp_path / "out.parquet"
    code, _, err = cli("portfolio", source, "--format", "parquet", "-o", output)
    assert code == 0, err
    result = pq.read_table(output).to_pylist()
    assert [r["credits"] for r in result] == [3731, 0, 3731]
    assert result[-1]["project"] == "TOTAL"


def write_table(path: Path, count: int, seed: int) -> None:
    """A table of ``count`` projects of 1-3 systems with adversarial values."""
    rng = random.Random(seed)
    lines = [HEADER.rstrip("\n")]
    for number in range(count):
        for member in range(rng.choice([1, 1, 2, 3])):
            energy, factor = adversarial(rng)
            case = "off-grid" if factor.startswith("0.533") else "grid"
            given = "," if case == "off-grid" else f"{factor.split()[0]},test"
            for start, end in (("2024-01-01", "2024-06-30"), ("2024-07-01", "2024-12-31")):
                lines.append(
                    f"P{number},TH_AM001@1.0,{start},{end},S{member},{case},{given},{energy.split()[0]}"
                )
                energy = adversarial(rng)[0]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_table_credits_equal_the_exact_per_project_path(tmp_path: Path) -> None:
    table = tmp_path / "portfolio.csv"
    write_table(table, 300, 7)
    rows = portfolio.calculate(table, api.get_methodology)
    assert all(row.status == "ok" for row in rows)
    # TH_AM001: RE_p = sum_i EG_i,p x EF_RE,i and PE_p = 0, computed here in exact rationals.
    by_key: dict[tuple[str, str], list[dict[str, str]]] = {}
    for line in table_rows(table.read_text()):
        by_key.setdefault((line["project"], line["start"]), []).append(line)
    expected = {
        key: sum(
            Fraction(m["EG_i,p [MWh]"]) * Fraction(m["EF_RE,i [t_CO2/MWh]"] or "0.533")
            for m in members
        )
        // 1
        for key, members in by_key.items()
    }
    members = [m for found in by_key.values() for m in found if m["EF_RE,i [t_CO2/MWh]"]]
    artefacts = [
        m
        for m in members
        if math.floor(float(m["EG_i,p [MWh]"]) * float(m["EF_RE,i [t_CO2/MWh]"]))
        != (Fraction(m["EG_i,p [MWh]"]) * Fraction(m["EF_RE,i [t_CO2/MWh]"])) // 1
    ]
    assert artefacts, "the table must hold values where a float floor loses a credit"
    got = {(r.project, r.start): r.credits for r in rows[:-1]}
    assert got == expected


def test_folder_and_table_paths_agree(tmp_path: Path) -> None:
    paths = write_portfolio(tmp_path, 40, 3)
    rows = portfolio.calculate(tmp_path, api.get_methodology)
    for path in paths:
        parsed, methodology = api.load_project(path)
        credits = [p.credits for p in engine.run(resolve(methodology, parsed)).periods]
        assert [r.credits for r in rows if r.project == path.name] == credits


def test_expired_version_fails_in_a_portfolio_as_in_calculate(
    tmp_path: Path, cli, installed_plugins, monkeypatch
) -> None:
    monkeypatch.syspath_prepend(str(installed_plugins["jcmcalc-faulty-plugin"]))
    api.registry.cache_clear()
    try:
        case = ROOT / "tests" / "bad_inputs" / "methodology-expired-version" / "project.toml"
        shutil.copy(case, tmp_path / "expired.toml")
        code, out, _ = cli("portfolio", tmp_path)
        table = tmp_path / "table.csv"
        table.write_text(
            'project,methodology,start,end,"E_i,p [MWh]","F [t_CO2/MWh]"\n'
            "P,EXPIRED_AM001,2020-01-01,2020-12-31,100,0.5\n",
            encoding="utf-8",
        )
        table_code, table_out, _ = cli("portfolio", table)
    finally:
        api.registry.cache_clear()
    rows = {row["project"]: row for row in table_rows(out)}
    assert code == EXIT_SOME_FAILED and rows["expired.toml"]["status"] == "failed"
    assert "expired on 2020-06-30" in rows["expired.toml"]["message"]
    rows = {row["project"]: row for row in table_rows(table_out)}
    assert table_code == EXIT_SOME_FAILED and "expired on 2020-06-30" in rows["P"]["message"]


@pytest.mark.parametrize(
    ("methodology", "reason"),
    [
        ("BOILER_FAMILY_FUEL@1.0", "has the indices"),
        ("MN_AM003@2.0", "has notices, which read each project's resolved inputs"),
    ],
)
def test_a_table_refuses_what_it_cannot_hold_and_says_why(
    tmp_path: Path, methodology: str, reason: str
) -> None:
    import attrs

    from jcmcalc.inputs.readers.columns import load
    from jcmcalc.portfolio.table.evaluate import evaluate_table

    identifier, version = methodology.split("@")
    chosen = api.get_methodology(identifier, version)
    if "notices" in reason:
        chosen = attrs.evolve(chosen, notices=(lambda inputs: ["seen"],))
    table = tmp_path / "table.csv"
    table.write_text(
        f'project,methodology,start,end,"EG_i,p [MWh]"\nP,{methodology},2024-01-01,2024-12-31,1\n',
        encoding="utf-8",
    )
    (row,) = evaluate_table(load(table), lambda *_: chosen)
    assert row.status == "failed"
    assert reason in row.message and "give these projects as a folder" in row.message
