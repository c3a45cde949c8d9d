"""The project workbook (``jcmcalc template``): an input workbook generated from a methodology's
declaration alone, empty (a template) or holding an existing project (``--from``), laid out as
:mod:`jcmcalc.inputs.readers.book_sheets` says, so that ``jcmcalc calculate FILE.xlsx`` reads
it back as a project."""

from __future__ import annotations

from jcmcalc.views.template.content import Content
from jcmcalc.views.template.write import workbook_bytes

__all__ = ["Content", "workbook_bytes"]
