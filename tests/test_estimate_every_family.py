"""`jcmcalc estimate` works on an example of every family (issue 31 item 6)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from jcmcalc.cli import main

ROOT = Path(__file__).resolve().parents[1] / "methodologies"
FAMILIES = sorted(path.parent for path in ROOT.glob("*/pyproject.toml"))


def _estimated(family: Path) -> list[Path]:
    examples = sorted((family / "examples").glob("*/project.toml"))
    return [p for p in examples if "estimate" in tomllib.loads(p.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("family", FAMILIES, ids=lambda p: p.name)
def test_an_example_of_every_family_is_estimated(family: Path, capsys) -> None:
    examples = _estimated(family)
    assert examples, f"no example of {family.name} has an [estimate] table"
    assert main(["estimate", str(examples[0])]) == 0
    assert "ex ante" in capsys.readouterr().out
