"""The Dask path on a local cluster equals the in-memory path."""

from __future__ import annotations

from pathlib import Path

import pytest

from jcmcalc import api, portfolio
from tests.test_portfolio import write_table

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def cells(rows: list[portfolio.Row]) -> list[list[object]]:
    return [row.cells() for row in rows]


def test_dask_dataframe_equals_in_memory(tmp_path: Path, client) -> None:
    table = tmp_path / "portfolio.csv"
    write_table(table, 120, 11)
    lines = table.read_text().splitlines()
    broken = lines[5].split(",")
    broken[-1] = "lots"
    lines[5] = ",".join(broken)
    table.write_text("\n".join(lines) + "\n")
    expected = portfolio.calculate(table, api.get_methodology)
    frame = dd.from_pandas(
        pd.read_csv(table, dtype=str, keep_default_na=False), npartitions=4, sort=False
    )
    from jcmcalc.portfolio.distributed import evaluate_dask

    rows = evaluate_dask(frame, api.get_methodology)
    rows = sorted(rows, key=lambda r: (r.project, r.period or 0))
    ok = [r for r in expected[:-1] if r.status == "ok"]
    assert cells([r for r in rows if r.status == "ok"]) == cells(ok)
    failed = [r.project for r in rows if r.status == "failed"]
    assert failed == [r.project for r in expected[:-1] if r.status == "failed"] == ["P0"]
    assert len(ok) > 200


def test_cli_engine_dask_equals_numpy(tmp_path: Path, cli, client) -> None:
    table = tmp_path / "portfolio.csv"
    write_table(table, 30, 12)
    code, numpy_out, _ = cli("portfolio", table)
    assert code == 0
    code, dask_out, _ = cli("portfolio", table, "--engine", "dask")
    assert code == 0
    assert dask_out == numpy_out
