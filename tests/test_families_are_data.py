"""Every built-in methodology family is written in data files: no methodology under
``methodologies/`` is declared in Python (issue 31 item 5)."""

from __future__ import annotations

import ast
import importlib
import tomllib
from pathlib import Path

import pytest

from jcmcalc.plugin.datafile import files_in, load_file
from jcmcalc.plugin.family import Family

ROOT = Path(__file__).resolve().parents[1] / "methodologies"
DISTRIBUTIONS = sorted(ROOT.glob("*/pyproject.toml"))
#: What declaring a methodology in Python needs (the records and their parts).
DECLARING = {"jcmcalc.model.methodology", "jcmcalc.model.parameters"}


def _entry_points(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return list(project["entry-points"]["jcmcalc"].values())


@pytest.mark.parametrize("pyproject", DISTRIBUTIONS, ids=lambda p: p.parent.name)
def test_a_family_is_its_data_files(pyproject: Path) -> None:
    for target in _entry_points(pyproject):
        module, _, name = target.partition(":")
        plugin = getattr(importlib.import_module(module), name)
        assert isinstance(plugin, Family) and plugin.build is None, target
        from_files = [m.key for path in files_in(plugin.folder) for m in load_file(path)]
        assert from_files and [m.key for m in plugin.methodologies()] == from_files


@pytest.mark.parametrize("pyproject", DISTRIBUTIONS, ids=lambda p: p.parent.name)
def test_no_module_of_a_family_declares_records(pyproject: Path) -> None:
    for path in sorted((pyproject.parent / "src").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert not imported & DECLARING, f"{path} imports {sorted(imported & DECLARING)}"
