"""Views of results and declarations: text tables, reports, methodology pages, verify."""
