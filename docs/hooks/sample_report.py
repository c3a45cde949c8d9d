"""mkdocs hook: regenerate the sample monitoring report in ``docs/samples/`` on every build.

The sample is checked in so that it can be read without building, and rewritten here from the
shipped Thai rooftop example, so it never drifts from what ``jcmcalc report`` writes.
"""

from __future__ import annotations

from pathlib import Path

from jcmcalc import api
from jcmcalc.views.report import render

EXAMPLE = "methodologies/solar-pv/examples/thai-rooftop/project.toml"
SAMPLES = Path(__file__).resolve().parent.parent / "samples"
#: Sample file -> report format.
REPORTS = {"thai-rooftop-report.md": "markdown", "thai-rooftop-report.html": "html"}


def sample_reports(root: Path) -> dict[str, str]:
    """The sample reports' file names and contents, from the example under ``root``."""
    result = api.calculate(root / EXAMPLE)
    return {
        name: str(render(result, fmt, command=f"jcmcalc report {EXAMPLE} --format {fmt}"))
        for name, fmt in REPORTS.items()
    }


def on_pre_build(config) -> None:
    """Rewrite the samples whose content changed (before mkdocs collects the docs files)."""
    root = Path(config["config_file_path"]).resolve().parent
    for name, content in sample_reports(root).items():
        path = SAMPLES / name
        if not path.exists() or path.read_text(encoding="utf-8") != content:
            path.write_text(content, encoding="utf-8")
