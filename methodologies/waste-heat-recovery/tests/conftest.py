"""Fixtures: waste heat recovery project files written to a temporary folder."""

from __future__ import annotations

from collections.abc import Callable
from itertools import count
from pathlib import Path

import pytest

HEAD = """
[project]
name = "unit trap"

[methodology]
id = "{id}"
version = "{version}"
"""

#: One system of an approved record (MM_AM005, ID_AM001, TH_AM007): metered supply, D_p.
APPROVED = """
{eligibility}
[[systems]]
id = "WHR-1"
{grid}connection_case = "off-grid"
parameters = {{ "P_rated,i" = "{capacity}" }}
{fuels}
[[periods]]
start = 2022-01-01
end = 2022-01-31
values = {{ {values}, "D_p" = "{days}" }}
"""

#: One system of the family form, with its net_electricity option and an optional fuel.
FAMILY = """
[[systems]]
id = "WHR-1"
connection_case = "off-grid"
net_electricity = "{option}"
{fuels}
[parameters]
{parameters}

[[periods]]
start = 2023-01-01
end = 2023-12-31
values = {{ {values} }}
"""

DIESEL = """
[[fuels]]
id = "diesel"
fuel = "gas_diesel_oil"
"""

ANSWERS = "[eligibility]\nC1 = true\nC2 = true\nC3 = {c3}\nC4 = true\n"


def _writer(tmp_path: Path, build: Callable[..., str]) -> Callable[..., Path]:
    """A builder writing each project it is given into a fresh subfolder of ``tmp_path``."""
    numbers = count(1)

    def write(*args, **kwargs) -> Path:
        folder = tmp_path / f"project-{next(numbers)}"
        folder.mkdir()
        path = folder / "project.toml"
        path.write_text(build(*args, **kwargs), encoding="utf-8")
        return path

    return write


def approved_text(
    values: str,
    *,
    record: tuple[str, str] = ("MM_AM005", "1.0"),
    capacity: str = "7.5 MW",
    days: str = "31 day",
    fuels: str = "",
    c3: str = "true",
) -> str:
    """A one-system project of an approved record, all criteria answered (C3 as given); an
    Indonesian system names its grid (Jamali: off-grid takes 0.533 on every grid)."""
    grid = 'grid = "jamali"\n' if record[0].startswith("ID_") else ""
    body = APPROVED.format(
        grid=grid,
        eligibility=ANSWERS.format(c3=c3),
        capacity=capacity,
        values=values,
        days=days,
        fuels=fuels,
    )
    return HEAD.format(id=record[0], version=record[1]) + body


def family_text(values: str, *, option: str = "supplied", fuels: str = "", parameters="") -> str:
    """A one-system project of WHR_FAMILY (the family form, not an approved methodology)."""
    body = FAMILY.format(option=option, fuels=fuels, parameters=parameters, values=values)
    return HEAD.format(id="WHR_FAMILY", version="1.0") + body


@pytest.fixture
def approved_project(tmp_path: Path) -> Callable[..., Path]:
    """Write a project of an approved record (:func:`approved_text`); returns its path."""
    return _writer(tmp_path, approved_text)


@pytest.fixture
def family_project(tmp_path: Path) -> Callable[..., Path]:
    """Write a project of the family form (:func:`family_text`); returns its path."""
    return _writer(tmp_path, family_text)
