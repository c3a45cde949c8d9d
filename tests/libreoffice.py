"""Headless LibreOffice for the tests: a fresh profile that recalculates every workbook it opens.

LibreOffice keeps the cached values of an ``.xlsx`` it opens unless told otherwise, so a
"recalculation" with its default profile compares cached values with cached values. The profile
written here sets Calc's recalculation on load to "always" (``OOXMLRecalcMode`` and
``ODFRecalcMode`` 0), so every formula is evaluated again from its cells.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import program

#: Calc's "recalculation on file load" settings: 0 = always, 1 = never, 2 = prompt.
RECALCULATE_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode"
 oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def profile(tmp: Path) -> str:
    """A fresh LibreOffice profile under ``tmp`` that recalculates on load; its URI."""
    folder = tmp / "lo-profile"
    (folder / "user").mkdir(parents=True, exist_ok=True)
    (folder / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ALWAYS, "utf-8")
    return folder.as_uri()


def convert(files: list[Path], tmp: Path, to: str, folder: str) -> Path:
    """Open ``files`` in one headless LibreOffice run (recalculating them) and save each as
    ``to`` (``xlsx``, ``pdf``) into ``tmp / folder``; returns that folder."""
    out = tmp / folder
    subprocess.run(
        [
            program("soffice"),
            f"-env:UserInstallation={profile(tmp)}",
            "--headless",
            "--calc",
            "--convert-to",
            to,
            "--outdir",
            out,
            *files,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return out


def recalculate(files: list[Path], tmp: Path) -> Path:
    """Recalculate ``files`` in one headless LibreOffice run; the folder of the saved copies."""
    return convert(files, tmp, "xlsx", "recalculated")
