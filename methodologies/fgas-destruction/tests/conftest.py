"""Fixtures: F-gas destruction project files written to a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

PROJECT = """
[project]
name = "test"

[methodology]
id = "{methodology}"
version = "1.0"

[parameters]
EF_elec = {{ value = "0.5 t_CO2/MWh", source = "test" }}

[[fuels]]
id = "LPG"
fuel = "liquefied_petroleum_gases"

[[periods]]
start = 2025-01-01
end = 2025-06-30
{data}
values = {{ {values} }}
"""


@pytest.fixture
def fgas_project(tmp_path: Path) -> Callable[..., Path]:
    """Write a project (and a cylinder list ``cylinders.csv``); returns the project path."""

    def write(
        *,
        cylinders: str | None = None,
        values: str = '"EC_p" = "1 MWh", "FC_j,p" = { LPG = "0 t" }',
        methodology: str = "FGAS_DESTRUCTION_AR5",
        folder: str = ".",
    ) -> Path:
        directory = tmp_path / folder
        directory.mkdir(parents=True, exist_ok=True)
        data = ""
        if cylinders is not None:
            (directory / "cylinders.csv").write_text(
                textwrap.dedent(cylinders).lstrip(), encoding="utf-8"
            )
            data = 'data = "cylinders.csv"'
        path = directory / "project.toml"
        path.write_text(
            PROJECT.format(methodology=methodology, data=data, values=values), encoding="utf-8"
        )
        return path

    return write
