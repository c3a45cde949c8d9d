"""The output door: control characters escaped in every terminal output, Markdown made inert.

Seen failing before: a submitted member ``S1\\x1b[8A\\x1b[J`` reached the validator's terminal
raw (erasing the DIFFERS lines above it), and so did a project name or title with escape
sequences; ``calculate --format markdown`` wrote ``<script>`` from a project name, and a name
with line breaks forged a heading and a ``| credits | 999999 |`` row.
"""

from __future__ import annotations

import shutil

from jcmcalc.model.errors import EXIT_MISMATCH
from jcmcalc.views.terminal import escaped
from tests.test_verify import SUBMITTED, THAI, _csv

ERASE = "\x1b[8A\x1b[J"


def test_a_submitted_member_id_cannot_drive_the_terminal(cli, tmp_path) -> None:
    code, out, _ = cli(
        "verify", THAI, "--reported", _csv(tmp_path, SUBMITTED + f"1,RE_p,S1{ERASE},1\n")
    )
    assert code == EXIT_MISMATCH
    assert "\x1b" not in out
    assert "RE_p [S1\\x1b[8A\\x1b[J]" in out


def _named(tmp_path, name: str):
    folder = tmp_path / "thai"
    shutil.copytree(THAI.parent, folder)
    project = folder / "project.toml"
    text = project.read_text("utf-8")
    start = text.index("[project]")
    line = text.index("name = ", start)
    end = text.index("\n", line)
    toml_name = "".join(
        c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in name
    )
    project.write_text(text[:line] + f'name = "{toml_name}"' + text[end:], "utf-8")
    return project


def test_a_project_name_cannot_drive_the_terminal(cli, tmp_path) -> None:
    project = _named(tmp_path, f"Roof{ERASE}\u202eevil\rX")
    code, out, err = cli("calculate", project)
    assert code == 0, err
    assert "Roof\\x1b[8A\\x1b[J\\u202eevil\\rX" in out
    assert not any(c in out + err for c in "\x1b\u202e\r")


def test_an_error_message_cannot_drive_the_terminal(cli, tmp_path) -> None:
    code, _, err = cli("calculate", tmp_path / f"x{ERASE}.toml")
    assert code == 2 and "\x1b" not in err and "x\\x1b[8A" in err


def test_markdown_output_escapes_what_the_project_names(cli, tmp_path) -> None:
    project = _named(tmp_path, "<script>alert(1)</script>\n| credits | 999999 |\n# Forged")
    code, out, err = cli("calculate", project, "--format", "markdown")
    assert code == 0, err
    assert "<script>" not in out and "&lt;script&gt;" in out
    lines = out.splitlines()
    assert not any(line.startswith(("| credits | 999999", "# Forged")) for line in lines)
    assert sum(line.startswith("# ") for line in lines) == 1


def test_table_output_keeps_a_name_on_its_line(cli, tmp_path) -> None:
    project = _named(tmp_path, "Roof\ncredits 999999")
    code, out, _ = cli("calculate", project)
    assert code == 0 and "Roof\\ncredits 999999" in out
    assert not any(line.startswith("credits 999999") for line in out.splitlines())


def test_escaped_keeps_text_tabs_and_line_breaks() -> None:
    assert escaped("a\tb\nc é 日本") == "a\tb\nc é 日本"
    assert escaped("\x00\x07\x1b\x7f\x85\u200f") == "\\x00\\x07\\x1b\\x7f\\x85\\u200f"
