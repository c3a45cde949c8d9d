"""A portfolio shows each project's ``[allocation]``: whole credits per party and period, from
``allocate`` (as every other output), adding up to the period's credits; in a folder and in a
table (``allocation share PARTY`` and ``allocation remainder`` columns)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from jcmcalc import api
from jcmcalc.model.errors import EXIT_OK, EXIT_SOME_FAILED
from tests.test_allocation import ALLOCATED

SHARES = '[allocation]\nshares = { Mongolia = "20 %", Japan = 80 }\nremainder = "Japan"'
AMOUNTS = "[allocation]\namounts = [{ A = 700, B = 97 }, { A = 13, B = 0 }, { A = 1, B = 2 }]"
HALVES = '[allocation]\nshares = { Mongolia = 50, Japan = 50 }\nremainder = "Mongolia"'


def _folder(tmp_path: Path, **projects: str) -> Path:
    folder = tmp_path / "folder"
    folder.mkdir()
    for name, text in projects.items():
        (folder / f"{name}.toml").write_text(text, encoding="utf-8")
    return folder


def _json(cli, target: Path) -> tuple[int, dict]:
    code, out, err = cli("portfolio", target, "--format", "json")
    assert code in (EXIT_OK, EXIT_SOME_FAILED), err
    return code, json.loads(out)


def test_a_folder_shows_each_periods_split_adding_up_to_its_credits(cli, tmp_path: Path) -> None:
    none = ALLOCATED.replace(SHARES + "\n", "")
    folder = _folder(
        tmp_path,
        shares=ALLOCATED,
        halves=ALLOCATED.replace(SHARES, HALVES),
        amounts=ALLOCATED.replace(SHARES, AMOUNTS),
        none=none,
    )
    code, data = _json(cli, folder)
    assert code == EXIT_OK
    rows: dict[str, list[dict]] = {}
    for row in data["rows"]:
        rows.setdefault(row["project"], []).append(row)
    for name in ("shares", "halves", "amounts"):
        expected = api.calculate(folder / f"{name}.toml")
        splits = [row["allocation"] for row in rows[f"{name}.toml"]]
        assert splits == [dict(p.allocation) for p in expected.periods]
        for row in rows[f"{name}.toml"]:
            assert sum(row["allocation"].values()) == row["credits"]
    assert [r["allocation"] for r in rows["shares.toml"]] == [
        {"Mongolia": 159, "Japan": 638},
        {"Mongolia": 2, "Japan": 11},
        {"Mongolia": 0, "Japan": 3},
    ]
    assert rows["halves.toml"][0]["allocation"] == {"Mongolia": 399, "Japan": 398}
    assert all(r["allocation"] is None for r in rows["none.toml"])
    # the total: each party's credits over the projects that allocate
    assert data["total"]["allocation"] == {
        "Mongolia": 161 + 408,
        "Japan": 652 + 405,
        "A": 714,
        "B": 99,
    }
    code, out, _ = cli("portfolio", folder)
    lines = list(csv.DictReader(io.StringIO(out)))
    assert json.loads(lines[0]["allocation"]) == {"A": 700, "B": 97}
    assert lines[-1]["project"] == "TOTAL" and json.loads(lines[-1]["allocation"])["A"] == 714
    assert [line["allocation"] for line in lines if line["project"] == "none.toml"] == [""] * 3


def test_amounts_that_do_not_add_up_fail_the_project_as_calculate_refuses_it(
    cli, tmp_path: Path
) -> None:
    wrong = ALLOCATED.replace(SHARES, AMOUNTS.replace("B = 97", "B = 98"))
    folder = _folder(tmp_path, wrong=wrong, right=ALLOCATED)
    code, _, refused = cli("calculate", folder / "wrong.toml")
    assert code == 2 and "amounts of period 1 add up to 798, not to its 797 credits" in refused
    code, data = _json(cli, folder)
    assert code == EXIT_SOME_FAILED
    (failed,) = [r for r in data["rows"] if r["project"] == "wrong.toml"]
    assert failed["status"] == "failed"
    assert "amounts of period 1 add up to 798, not to its 797 credits" in failed["message"]
    assert [r["allocation"]["Mongolia"] for r in data["rows"] if r["project"] == "right.toml"] == [
        159,
        2,
        0,
    ]


TABLE = (
    'project,methodology,start,end,system,grid,connection_case,"EG_i,p [MWh]",'
    "allocation share Mongolia,allocation share Japan,allocation remainder\n"
    "S,MN_AM003@2.0,2023-07-01,2024-06-30,PV-1,national,grid,1000.5,20 %,80,Japan\n"
    "S,MN_AM003@2.0,2024-07-01,2024-12-31,PV-1,national,grid,17.3,,,\n"
    "S,MN_AM003@2.0,2025-01-01,2026-12-31,PV-1,national,grid,4,,,\n"
    "N,MN_AM003@2.0,2023-07-01,2024-06-30,PV-1,national,grid,1000.5,,,\n"
)


def test_a_table_states_shares_in_columns_and_shows_the_folders_split(cli, tmp_path: Path) -> None:
    table = tmp_path / "table.csv"
    table.write_text(TABLE, encoding="utf-8")
    code, data = _json(cli, table)
    assert code == EXIT_OK
    by_project: dict[str, list[dict]] = {}
    for row in data["rows"]:
        by_project.setdefault(row["project"], []).append(row)
    _, folder = _json(cli, _folder(tmp_path, S=ALLOCATED))
    expected = [(r["credits"], r["allocation"]) for r in folder["rows"]]
    assert [(r["credits"], r["allocation"]) for r in by_project["S"]] == expected
    assert by_project["N"][0]["allocation"] is None
    assert data["total"]["allocation"] == {"Mongolia": 161, "Japan": 652}


def test_a_tables_bad_share_fails_its_project_naming_the_column(cli, tmp_path: Path) -> None:
    table = tmp_path / "table.csv"
    table.write_text(TABLE.replace("20 %,80,Japan", "20 %,70,Japan"), encoding="utf-8")
    code, data = _json(cli, table)
    assert code == EXIT_SOME_FAILED
    (failed,) = [r for r in data["rows"] if r["project"] == "S"]
    assert failed["status"] == "failed"
    assert (
        failed["message"]
        == "table.csv, 'allocation share' columns: shares add up to 90 %, not 100 %"
    )
    table.write_text(TABLE.replace("20 %,80,Japan", "x,80,Japan"), encoding="utf-8")
    (failed,) = [r for r in _json(cli, table)[1]["rows"] if r["project"] == "S"]
    assert failed["message"].startswith("table.csv, column 'allocation share Mongolia': 'x' is not")
    table.write_text(TABLE.replace("20 %,80,Japan", "20,80,Korea"), encoding="utf-8")
    (failed,) = [r for r in _json(cli, table)[1]["rows"] if r["project"] == "S"]
    assert failed["message"].startswith("table.csv, column 'allocation remainder': remainder must")
    assert [r["status"] for r in _json(cli, table)[1]["rows"] if r["project"] == "N"] == ["ok"]


def test_parquet_holds_the_split_as_json_text(cli, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    folder = _folder(tmp_path, shares=ALLOCATED, none=ALLOCATED.replace(SHARES + "\n", ""))
    output = tmp_path / "out.parquet"
    code, _, err = cli("portfolio", folder, "--format", "parquet", "-o", output)
    assert code == EXIT_OK, err
    table = pq.read_table(output).to_pydict()
    assert table["allocation"] == [
        None,
        None,
        None,
        '{"Mongolia":159,"Japan":638}',
        '{"Mongolia":2,"Japan":11}',
        '{"Mongolia":0,"Japan":3}',
        '{"Mongolia":161,"Japan":652}',
    ]
