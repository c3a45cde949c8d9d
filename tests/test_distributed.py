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


def test_a_project_written_in_two_unicode_forms_is_one_on_dask(tmp_path: Path, client) -> None:
    from jcmcalc.portfolio.distributed import evaluate_dask

    header = 'project,methodology,start,end,system,grid,connection_case,"EG_i,p [MWh]"\n'
    lines = [
        f"{name},MN_AM003@2.0,{start},{end},S1,national,grid,100\n"
        for name, start, end in [
            ("Caf\u00e9", "2023-01-01", "2023-06-30"),
            *((f"Q{n}", "2023-01-01", "2023-06-30") for n in range(20)),
            ("Cafe\u0301", "2023-07-01", "2023-12-31"),
        ]
    ]
    table = tmp_path / "portfolio.csv"
    table.write_text(header + "".join(lines), encoding="utf-8")
    frame = dd.from_pandas(
        pd.read_csv(table, dtype=str, keep_default_na=False), npartitions=4, sort=False
    )
    rows = sorted(evaluate_dask(frame, api.get_methodology), key=lambda r: (r.project, r.period))
    cafe = [(r.project, r.period, r.status) for r in rows if r.project.startswith("Caf")]
    assert cafe == [("Caf\u00e9", 1, "ok"), ("Caf\u00e9", 2, "ok")]
    assert cells(rows) == cells(portfolio.calculate(table, api.get_methodology)[:-1])


def with_allocations(table: Path) -> None:
    """Allocation columns for every third project, with other parties for every sixth."""
    header, *lines = table.read_text(encoding="utf-8").splitlines()
    header += ",allocation share A,allocation share B,allocation remainder"
    for n, line in enumerate(lines):
        number = int(line.split(",")[0][1:])
        lines[n] += ",20,80,B" if number % 6 == 0 else ",50,50,A" if number % 3 == 0 else ",,,"
    table.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")


def test_cli_engine_dask_on_two_local_worker_processes_equals_numpy(tmp_path: Path, cli) -> None:
    table = tmp_path / "portfolio.csv"
    write_table(table, 40, 12)
    with_allocations(table)
    for output_format in ("csv", "json"):
        code, numpy_out, _ = cli("portfolio", table, "--format", output_format)
        assert code == 0
        code, dask_out, err = cli(
            "portfolio", table, "--format", output_format, "--engine", "dask", "--workers", "2"
        )
        assert code == 0, err
        assert dask_out == numpy_out
    assert '{""B"":' in numpy_out or '"B":' in numpy_out  # the allocation reached the output


def test_cli_engine_dask_on_a_scheduler_address_equals_numpy(tmp_path: Path, cli) -> None:
    table = tmp_path / "portfolio.csv"
    write_table(table, 40, 13)
    lines = table.read_text().splitlines()
    broken = lines[7].split(",")
    broken[-1] = "lots"
    lines[7] = ",".join(broken)
    table.write_text("\n".join(lines) + "\n")
    code, _, numpy_err = cli("portfolio", table, "-o", tmp_path / "numpy.csv")
    assert code == 4 and "lots" in numpy_err
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None, protocol="tcp"
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://")
        code, _, err = cli(
            "portfolio",
            table,
            "-o",
            tmp_path / "dask.csv",
            "--engine",
            "dask",
            "--scheduler",
            address,
        )
    assert code == 4 and "lots" in err
    numpy_rows = (tmp_path / "numpy.csv").read_text().splitlines()
    dask_rows = (tmp_path / "dask.csv").read_text().splitlines()
    # one failing project is one failed row; its message counts rows within its partition
    failed = [n for n, line in enumerate(numpy_rows[:-1]) if ",failed," in line]
    assert len(failed) == 1 and [line.split(",")[:3] for line in dask_rows] == [
        line.split(",")[:3] for line in numpy_rows
    ]
    assert [r for n, r in enumerate(dask_rows) if n not in failed] == [
        r for n, r in enumerate(numpy_rows) if n not in failed
    ]


def test_an_unreachable_scheduler_is_bad_input(tmp_path: Path, cli) -> None:
    table = tmp_path / "portfolio.csv"
    write_table(table, 2, 14)
    code, out, err = cli("portfolio", table, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert (code, out) == (2, "") and "cannot reach the Dask scheduler" in err


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("", "--scheduler '': give the scheduler's address"),
        ("   ", "give the scheduler's address"),
        ("http://127.0.0.1:8787", "the protocol 'http' (that is a web address"),
        ("tcp://127.0.0.1", "no port"),
        ("tcp://:8786", "no host"),
        ("tcp://127.0.0.1:99999", "Port out of range"),
        ("tcp://127.0.0.1:port", "Port could not be cast"),
        ("tcp://127.0.0.1:8786/status", "an address has no path"),
    ],
)
def test_a_scheduler_address_is_checked_before_connecting(tmp_path, cli, address, message):
    table = tmp_path / "portfolio.csv"
    write_table(table, 2, 14)
    code, out, err = cli("portfolio", table, "--engine", "dask", "--scheduler", address)
    assert (code, out) == (2, ""), err
    assert message in err and "Traceback" not in err and "internal error" not in err


def test_an_empty_scheduler_without_dask_is_refused(tmp_path, cli) -> None:
    table = tmp_path / "portfolio.csv"
    write_table(table, 2, 14)
    code, _, err = cli("portfolio", table, "--scheduler", "")
    assert code == 2 and "--workers and --scheduler go with --engine dask" in err


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (b"HTTP/1.1 400 Bad Request\r\n\r\n", "is no Dask scheduler (it began b'HTTP/1.1')"),
        (None, "nothing answered there within 10s as a Dask scheduler does"),
    ],
    ids=["web-server", "silent"],
)
def test_what_is_no_scheduler_is_refused_in_time(tmp_path, cli, reply, message) -> None:
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    held = []

    def serve() -> None:
        while True:
            try:
                peer, _ = listener.accept()
            except OSError:
                return
            held.append(peer)
            if reply:
                peer.sendall(reply)

    threading.Thread(target=serve, daemon=True).start()
    table = tmp_path / "portfolio.csv"
    write_table(table, 2, 14)
    try:
        address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        code, out, err = cli("portfolio", table, "--engine", "dask", "--scheduler", address)
    finally:
        listener.close()
        for peer in held:
            peer.close()
    assert (code, out) == (2, ""), err
    assert message in err and "internal error" not in err


def test_engine_dask_on_a_folder_is_refused(tmp_path, cli) -> None:
    (tmp_path / "a").mkdir()
    code, out, err = cli("portfolio", tmp_path, "--engine", "dask", "--workers", "1")
    assert (code, out) == (2, "")
    assert "--engine dask reads a portfolio table" in err


def test_a_table_not_in_utf8_is_refused_alike_with_and_without_dask(tmp_path, cli) -> None:
    table = tmp_path / "portfolio.csv"
    write_table(table, 2, 14)
    data = table.read_bytes()
    second = data.index(b"\n") + 1
    table.write_bytes(data[:second] + b"\xff" + data[second:])
    code, _, numpy_err = cli("portfolio", table)
    assert code == 2 and "not UTF-8 text" in numpy_err
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None, protocol="tcp"
    ) as cluster:
        code, _, dask_err = cli(
            "portfolio", table, "--engine", "dask", "--scheduler", cluster.scheduler_address
        )
    assert code == 2 and dask_err == numpy_err


def _rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def test_workers_hand_the_memory_of_a_run_back(tmp_path: Path) -> None:
    """After a run each worker holds about what it held before it (after a small run, which
    imports jcmcalc and loads the plugins there): not the partitions it read and evaluated
    (about 70 MB each here, with Python's and arrow's own allocators and no release)."""
    from jcmcalc.portfolio import distributed as engine

    header = (
        'project,methodology,start,end,system,connection_case,"EF_RE,i [t_CO2/MWh]",'
        '"EF_RE,i source","EG_i,p [MWh]",eligibility C1,eligibility C2,eligibility C3'
    )
    lines = [header] + [
        f"P{n:06},TH_AM001@3.0,2024-01-01,2024-12-31,S1,grid,0.5113,test,{n % 4999}.125,"
        "true,true,true"
        for n in range(80_000)
    ]
    small, table = tmp_path / "small.csv", tmp_path / "portfolio.csv"
    small.write_text("\n".join(lines[:101]) + "\n", encoding="utf-8")
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with engine.connect(workers=2) as client:
        engine.write(small, "csv", client)
        before = client.run(_rss)
        output = engine.write(table, "csv", client)
        after = client.run(_rss)
    assert output.text.count("\n") == 80_002 and output.total.status == "ok"
    grown = {worker: (after[worker] - before[worker]) / 2**20 for worker in after}
    assert max(grown.values()) < 20, f"MiB more after the run than before it: {grown}"


def test_partitions_follow_the_threads_and_each_threads_memory(tmp_path: Path) -> None:
    from jcmcalc.portfolio import dask_parts

    mib = 2**20
    assert dask_parts.partitions(100 * mib, 4, None) == 4  # no memory limit: one per thread
    assert dask_parts.partitions(100 * mib, 4, 4096 * mib) == 4
    # 2 GiB of CSV needs 16 x that at its peak: 32 GiB over 4 threads of 1 GiB is 8 rounds
    assert dask_parts.partitions(2048 * mib, 4, 1024 * mib) == 32
    assert dask_parts.partitions(10, 3, 1) == 3 * 54  # 160 bytes over 3 threads of 1: 54 rounds
    table = tmp_path / "portfolio.csv"
    write_table(table, 200, 5)
    plan = dask_parts.plan(table, 3, None)
    data = table.read_bytes()
    assert plan.parts == 3 and plan.blocks[0][0] == data.index(b"\n") + 1
    assert [b for _, b in plan.blocks[:-1]] == [a for a, _ in plan.blocks[1:]]
    assert plan.blocks[-1][1] == len(data)
    assert all(data[a - 1 : a] == b"\n" for a, _ in plan.blocks)


def test_a_parquet_table_on_dask_equals_numpy(tmp_path: Path, cli) -> None:
    """Typed Parquet columns (dates, floats) read in row groups by the workers give the numpy
    engine's output."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    count = 300
    table = pa.table(
        {
            "project": [f"P{n % 120:03}" for n in range(count)],
            "methodology": ["TH_AM001@1.0"] * count,
            "start": pa.array([19723 + 183 * (n // 120) for n in range(count)], pa.date32()),
            "end": pa.array([19723 + 183 * (n // 120) + 182 for n in range(count)], pa.date32()),
            "system": ["S1"] * count,
            "connection_case": ["off-grid"] * count,
            "EG_i,p [MWh]": [1000.0 + n / 8 for n in range(count)],
        }
    )
    source = tmp_path / "in.parquet"
    pq.write_table(table, source, row_group_size=40)
    code, numpy_out, err = cli("portfolio", source)
    assert code == 0, err
    code, dask_out, err = cli("portfolio", source, "--engine", "dask", "--workers", "2")
    assert code == 0, err
    assert dask_out == numpy_out and numpy_out.count("\n") == count + 2


def test_a_row_dask_cannot_read_is_bad_input(tmp_path: Path, cli) -> None:
    row, said = "P9,TH_AM001@1.0,2024-01-01", "Expected 9 columns, got 3"
    table = tmp_path / "portfolio.csv"
    write_table(table, 30, 4)
    lines = table.read_text().splitlines()
    table.write_text("\n".join([*lines[:20], row, *lines[20:]]) + "\n")
    code, _, err = cli("portfolio", table, "--engine", "dask", "--workers", "2")
    assert code == 2 and said in err and str(table) in err
    assert "Traceback" not in err and "Compute Failed" not in err


def test_a_table_of_fewer_rows_than_workers_on_dask_equals_numpy(tmp_path: Path, cli) -> None:
    table = tmp_path / "portfolio.csv"
    write_table(table, 1, 3)
    header, first, *_ = table.read_text().splitlines()
    for lines in ([header], [header, first]):
        table.write_text("\n".join(lines) + "\n")
        code, numpy_out, _ = cli("portfolio", table)
        assert code == 0
        code, dask_out, err = cli("portfolio", table, "--engine", "dask", "--workers", "3")
        assert code == 0, err
        assert dask_out == numpy_out
