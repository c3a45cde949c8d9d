"""mkdocs hook: the unit vocabulary page, generated from jcmcalc's unit registry."""

from __future__ import annotations

from mkdocs.structure.files import File, Files

from jcmcalc.views.units_page import units_page

PAGE = "authors/units.md"


def on_files(files: Files, config) -> Files:
    files.append(File.generated(config, PAGE, content=units_page()))
    return files
