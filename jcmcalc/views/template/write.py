"""The whole project workbook, sheet after sheet."""

from __future__ import annotations

from jcmcalc.model.methodology import Methodology
from jcmcalc.views.template import monitoring, sheets
from jcmcalc.views.template.book import Writer
from jcmcalc.views.template.content import Content

#: Member rows a template offers per members sheet unless told.
MEMBERS = 3


def workbook_bytes(
    methodology: Methodology, content: Content | None = None, *, members: int = MEMBERS
) -> bytes:
    """The workbook of ``methodology``: a template, or the project ``content`` holds."""
    content = content or Content()
    w = Writer()
    sheets.project_sheet(w, methodology, content)
    monitoring.instructions_sheet(w, methodology)
    for index in sheets.listed_indices(methodology):
        sheets.members_sheet(w, methodology, index, content, members)
    sheets.parameters_sheet(w, methodology, content)
    sheets.periods_sheet(w, content)
    for parameter in monitoring.monitored(methodology):
        monitoring.monitoring_sheet(w, methodology, parameter, content)
    sheets.estimate_sheet(w, methodology, content)
    for name, (titles, rows) in content.files.items():
        monitoring.file_sheet(w, name, titles, rows)
    return w.close()
