"""Workbook benchmark: the report workbook of about 20,000 dated readings (the most it holds
as rows, ``jcmcalc.views.report.workbook.rows.RAW_LIMIT``).

    .venv/bin/python benchmarks/workbook_rows.py [--soffice]

Two TH_AM001 projects of 19,980 and 19,992 readings (seeded): ``daily``, 20 systems read daily
for 999 days over 3 periods (60 totals of 333 rows), and ``monthly``, 1,666 systems read once a
month for 12 monthly periods (19,992 totals of one row each: the most totals). For each: the
seconds of ``calculate`` and of writing the workbook with and without its dated rows, the
workbook's size, and with ``--soffice`` the seconds LibreOffice takes to open, recalculate and
save it (headless, a fresh profile).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import verify  # noqa: E402

SYSTEM = """
[[systems]]
id = "S{n:02d}"
connection_case = "grid"
parameters = {{ "EF_RE,i" = {{ value = "0.4{n} t_CO2/MWh", source = "benchmark value" }} }}
"""


def daily(folder: Path) -> Path:
    """20 systems read daily for 999 days, over three periods."""
    rng = random.Random(1)
    folder.mkdir(parents=True, exist_ok=True)
    lines = ['date,system,"EG_i,p [kWh]"']
    first = dt.date(2024, 1, 1)
    for n in range(20):
        for day in range(999):
            value = rng.randint(1000, 999999) / 10
            lines.append(f"{first + dt.timedelta(days=day)},S{n:02d},{value}")
    (folder / "monitoring.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = 'monitoring = "monitoring.csv"\n\n[project]\nname = "daily"\n\n'
    text += '[methodology]\nid = "TH_AM001"\nversion = "1.0"\n'
    text += "".join(SYSTEM.format(n=n) for n in range(20))
    for start, end in (("2024-01-01", "2024-12-31"), ("2025-01-01", "2025-12-31")):
        text += f"\n[[periods]]\nstart = {start}\nend = {end}\n"
    text += "\n[[periods]]\nstart = 2026-01-01\nend = 2026-09-25\n"
    path = folder / "project.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _libreoffice(book: Path, folder: Path) -> float:
    """Seconds LibreOffice takes to open, recalculate (its profile's recalculation on load set
    to "always", as in the tests: a fresh profile keeps the cached values) and save ``book``."""
    sys.path.insert(0, str(HERE.parent))
    from tests.libreoffice import profile

    start = time.perf_counter()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile(folder)}",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(folder / "recalculated"),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=1800,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--soffice", action="store_true", help="time LibreOffice too")
    options = parser.parse_args()
    import jcmcalc
    from jcmcalc.views.report import render
    from jcmcalc.views.report.workbook import rows as book_rows

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        projects = {
            "daily": daily(folder / "daily"),
            "monthly": verify.project(folder / "monthly", 1666, 12),
        }
        for name, path in projects.items():
            start = time.perf_counter()
            result = jcmcalc.calculate(path)
            computed = time.perf_counter()
            data = render(result, "xlsx")
            written = time.perf_counter()
            limit, book_rows.RAW_LIMIT = book_rows.RAW_LIMIT, 0
            render(result, "xlsx")
            without = time.perf_counter() - written
            book_rows.RAW_LIMIT = limit
            book = folder / f"{name}.xlsx"
            book.write_bytes(data)
            line = (
                f"{name}: calculate {computed - start:.2f} s, workbook {written - computed:.2f} s "
                f"({without:.2f} s without the rows), {len(data) / 1e6:.2f} MB"
            )
            if options.soffice:
                line += f", LibreOffice recalculation and save {_libreoffice(book, folder):.1f} s"
            print(line, flush=True)


if __name__ == "__main__":
    main()
