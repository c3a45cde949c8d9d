"""A portfolio table's ids (projects, members) are compared NFC-normalised, as a project file's
are: ``é`` typed as one code point or as two is one id."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from jcmcalc.inputs.leaves import normal_ids
from jcmcalc.model.errors import EXIT_OK, EXIT_SOME_FAILED

COMPOSED, DECOMPOSED = "Caf\u00e9", "Cafe\u0301"
HEADER = 'project,methodology,start,end,system,grid,connection_case,"EG_i,p [MWh]"\n'


def _rows(cli, table: Path) -> tuple[int, list[dict]]:
    code, out, err = cli("portfolio", table, "--format", "json")
    assert code in (EXIT_OK, EXIT_SOME_FAILED), err
    return code, json.loads(out)["rows"]


def test_a_project_and_a_member_written_in_two_forms_are_one(cli, tmp_path: Path) -> None:
    assert COMPOSED != DECOMPOSED
    table = tmp_path / "table.csv"
    table.write_text(
        HEADER
        + f"{COMPOSED},MN_AM003@2.0,2023-01-01,2023-06-30,S-{COMPOSED},national,grid,100\n"
        + f"{DECOMPOSED},MN_AM003@2.0,2023-07-01,2023-12-31,S-{DECOMPOSED},national,grid,200\n",
        encoding="utf-8",
    )
    code, rows = _rows(cli, table)
    assert code == EXIT_OK
    assert [(r["project"], r["period"]) for r in rows] == [(COMPOSED, 1), (COMPOSED, 2)]


def test_one_member_written_twice_in_two_forms_in_a_period_is_a_duplicate(
    cli, tmp_path: Path
) -> None:
    table = tmp_path / "table.csv"
    table.write_text(
        HEADER
        + f"P,MN_AM003@2.0,2023-01-01,2023-06-30,S-{COMPOSED},national,grid,100\n"
        + f"P,MN_AM003@2.0,2023-01-01,2023-06-30,S-{DECOMPOSED},national,grid,200\n",
        encoding="utf-8",
    )
    code, rows = _rows(cli, table)
    assert code == EXIT_SOME_FAILED
    (failed,) = rows
    assert failed["status"] == "failed"
    assert failed["message"] == f"table.csv, row 3: duplicate PV system id 'S-{COMPOSED}'"


@given(st.lists(st.text(alphabet=st.sampled_from("aeAE\u00e9\u0301\u0308\u212b\u00c5-1 "))))
def test_normal_ids_is_nfc_of_each_id(texts: list[str]) -> None:
    cells = np.array(texts, dtype=str)
    assert normal_ids(cells).tolist() == [unicodedata.normalize("NFC", t) for t in cells]
