"""The docs site is a test: strict build, generated pages, executed examples, rendered math."""

from __future__ import annotations

import html.parser
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jcmcalc import api
from jcmcalc.plugin import hookspecs
from jcmcalc.views.methodology_page import slug
from tests.conftest import ROOT, chromium

DOCS = ROOT / "docs"
ARTIFACTS = ROOT / "test-artifacts"
SKIP = "<!-- docs-test: skip -->"
SESSION = "<!-- docs-test: session -->"
HOOKSPECS = [
    name
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(function, f"{hookspecs.PROJECT_NAME}_spec")
]


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once per session with ``mkdocs build --strict``."""
    target = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert build.returncode == 0, build.stderr
    return target


def test_strict_build_has_a_page_per_methodology(site: Path) -> None:
    for methodology in api.methodologies():
        text = (site / "methodologies" / slug(methodology) / "index.html").read_text("utf-8")
        assert f"{methodology.id} ver {methodology.version}" in text
        for parameter in methodology.parameters:
            assert parameter.description.split()[0] in text, parameter.symbol
        assert text.count('class="arithmatex"') >= len(methodology.equations) + 1
        assert "What is inferred" in text and "Worked examples" in text


def test_methodology_pages_are_generated_never_written_by_hand() -> None:
    assert not (DOCS / "methodologies").exists()


def test_worked_case_numbers_are_on_the_page(site: Path) -> None:
    text = (site / "methodologies" / "mn_am003-2.0" / "index.html").read_text("utf-8")
    assert "mongolia-grid" in text
    assert "18437.798" in text and "23134 × 0.797" in text  # result and trace of the case


@pytest.mark.parametrize("name", HOOKSPECS)
def test_every_hookspec_is_documented(site: Path, name: str) -> None:
    pages = [path.read_text("utf-8") for path in site.rglob("index.html")]
    assert any(f'id="jcmcalc.plugin.hookspecs.{name}"' in text for text in pages), name


def test_katex_comes_from_the_one_vendored_copy(site: Path) -> None:
    vendored = ROOT / "jcmcalc" / "assets" / "katex" / "katex.min.js"
    assert (site / "assets" / "katex" / "katex.min.js").read_bytes() == vendored.read_bytes()
    assert not list(DOCS.rglob("katex.min.*")), "a second copy of KaTeX in docs/"
    assert "cdn" not in (site / "methodologies" / "index.html").read_text("utf-8").lower()


# --- code examples of the docs, run as tests -----------------------------------------------

FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks() -> list[tuple[str, str, str]]:
    """(id, language, code) of every python block of the docs and every shell block of the
    docs and the README not marked ``SKIP``; on a page marked ``SESSION`` a python block runs
    after the page's earlier ones, as in a notebook."""
    found = []
    for path in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]:
        text = path.read_text("utf-8")
        session = ""
        for match in FENCE.finditer(text):
            language, code = match.group(1), match.group(2)
            before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
            wanted = ("sh", "console") if path.parent == ROOT else ("python", "sh", "console")
            if language in wanted and not before.startswith(SKIP.removesuffix(" -->")):
                line = text[: match.start()].count("\n") + 1
                if language == "python" and SESSION in text:
                    code = session = session + code
                found.append((f"{path.relative_to(ROOT)}:{line}", language, code))
    return found


BLOCKS = _blocks()


@pytest.mark.parametrize(("language", "code"), [b[1:] for b in BLOCKS], ids=[b[0] for b in BLOCKS])
def test_docs_code_block_runs(
    language: str, code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if language == "python":
        monkeypatch.chdir(ROOT)  # the examples name files relative to the repository
        exec(compile(code, "<docs>", "exec"), {"__name__": "docs_example"})
        return
    # As a user runs them after the README's set-up: from a folder holding the clone's
    # examples, with .venv/bin first on the PATH (what `source .venv/bin/activate` does).
    for name in ("methodologies", "examples"):
        (tmp_path / name).symlink_to(ROOT / name)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    binary = Path(sys.executable).parent
    commands = [line.removeprefix("$ ") for line in code.splitlines() if line.strip()]
    assert commands, "an empty shell block"
    for command in commands:
        run = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "PATH": f"{binary}{os.pathsep}{os.environ['PATH']}",
            },
        )
        assert run.returncode == 0, f"{command}: {run.stderr}"


def test_the_docs_have_runnable_examples() -> None:
    assert {language for _, language, _ in BLOCKS} >= {"python", "sh"}


# --- browser check: the math is typeset ----------------------------------------------------


class _VisibleText(html.parser.HTMLParser):
    """Text a reader sees: without scripts, styles and KaTeX's MathML copy of the source."""

    HIDDEN = frozenset({"script", "style", "annotation", "math", "noscript"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.text: list[str] = []
        self.katex = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        self.katex += "katex" in classes
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.text.append(data)


def test_browser_typesets_the_math_of_a_methodology_page(site: Path) -> None:
    path = site / "methodologies" / "mn_am003-2.0" / "index.html"
    unrendered = _VisibleText()
    unrendered.feed(path.read_text("utf-8"))  # before any script ran: raw TeX, no KaTeX
    assert "\\(" in "".join(unrendered.text) and unrendered.katex == 0
    page = path.as_uri()
    dom = chromium("--dump-dom", page)
    assert dom.returncode == 0, dom.stderr
    visible = _VisibleText()
    visible.feed(dom.stdout)
    text = "".join(visible.text)
    assert visible.katex >= 4, "no KaTeX-rendered elements"
    for raw in ("$$", "\\(", "\\["):
        assert raw not in text, f"raw math {raw!r} left in the page"
    assert "MN_AM003 ver 2.0" in text
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "methodology-mn_am003-2.0.png"
    screenshot.unlink(missing_ok=True)
    shot = chromium(f"--screenshot={screenshot}", "--window-size=1280,2000", page)
    assert shot.returncode == 0, shot.stderr
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sample_report_is_regenerated_by_the_build(site: Path) -> None:
    from docs.hooks.sample_report import SAMPLES, sample_reports

    for name, content in sample_reports(ROOT).items():
        assert (SAMPLES / name).read_text("utf-8") == content, f"{name} is stale"
    assert (site / "samples" / "thai-rooftop-report.html").read_bytes() == (
        SAMPLES / "thai-rooftop-report.html"
    ).read_bytes()
    page = (site / "samples" / "thai-rooftop-report" / "index.html").read_text("utf-8")
    assert "RE_p" in page and "1209" in page


def test_the_knowledge_page_labels_every_part_with_its_source_or_reason() -> None:
    from jcmcalc.model.knowledge import parts
    from jcmcalc.model.parameters import Confidence
    from jcmcalc.views.methodology_page import knowledge_page

    methodologies = api.methodologies()
    text = knowledge_page(methodologies)
    for methodology in methodologies:
        found = parts(methodology)
        assert f"## [{methodology.label}]" in text
        assert f"{len(found)} parts: " in text
        assert all(part.basis for part in found), methodology.label
    boilers = api.get_methodology("BOILER_FAMILY_FUEL", "1.0")
    inferred = [p for p in parts(boilers) if p.confidence is Confidence.INFERRED]
    assert inferred and all(f"`{p.subject}`" in text for p in inferred)
    assert (
        "| default | `EF_RE,i (national / grid) = 0.797 t_CO2/MWh` | read | IGES"
        in knowledge_page([api.get_methodology("MN_AM003", "2.0")])
    )


def test_checks_render_as_math_on_the_built_pages(site: Path) -> None:
    """Markdown must not read the underscores of a check as emphasis (tested on the HTML)."""
    import html

    from jcmcalc.model.expressions.walkers import to_latex

    checked = []
    for methodology in api.methodologies():
        if not methodology.checks:
            continue
        text = (site / "methodologies" / slug(methodology) / "index.html").read_text("utf-8")
        for check in methodology.checks:
            relation = "<" if check.strict else r"\le"
            latex = f"{to_latex(check.left)} {relation} {to_latex(check.right)}"
            assert f'<span class="arithmatex">\\({html.escape(latex)}\\)</span>' in text, latex
            assert html.escape(check.description, quote=False) in text, check.description
        checked.append(methodology.id)
    assert {"MM_AM005", "ID_AM001", "WHR_FAMILY"} <= set(checked)


def test_every_declaration_field_is_on_the_reference_page(site: Path) -> None:
    """The declaration API page is generated from the code: each record's own fields."""
    import attrs

    from jcmcalc.model import checks, methodology, parameters
    from jcmcalc.model.expressions import terms

    text = (site / "authors" / "declarations" / "index.html").read_text("utf-8")
    records = {
        methodology: ("Methodology", "About", "Index", "Criterion", "Equation"),
        checks: ("Check", "Slip"),
        parameters: ("Parameter", "Bounds", "Default", "DefaultTable", "Monitoring"),
        terms: ("Symbol", "Constant", "Convert"),
    }
    missing = [
        f"{name}.{field.name}"
        for module, names in records.items()
        for name in names
        for field in attrs.fields(getattr(module, name))
        if field.name in getattr(module, name).__annotations__
        and f'id="{module.__name__}.{name}.{field.name}"' not in text
    ]
    assert records[methodology][0] in text and not missing, missing
    assert 'id="jcmcalc.model.methodology.Estimate"' in text
    assert 'id="jcmcalc.plugin.family.Family"' in text


def test_the_unit_page_is_generated_from_the_registry(site: Path) -> None:
    text = (site / "authors" / "units" / "index.html").read_text("utf-8")
    for unit, name in (("USRt", "refrigeration_ton"), ("Nm3", "normal_cubic_meter"),
                       ("toe", "tonne_of_oil_equivalent"), ("kcal", "kilocalorie"),
                       ("Btu", "british_thermal_unit")):  # fmt: skip
        assert f"<code>{unit}</code>" in text and f"<code>{name}</code>" in text, unit
    assert "41868000000 J" in text  # 1 toe, exact
    assert "Adding a unit" in text


def test_the_tutorial_shows_the_shipped_chiller_files(site: Path) -> None:
    """The tutorial includes the plugin's files, so it cannot drift from them."""
    text = (site / "authors" / "tutorial" / "index.html").read_text("utf-8")
    assert "EXAMPLE_CHILLER" in text and "cop_re.csv" in text
    assert "reference_emissions_tco2" in text and "C1 capacity" in text
    plugin = ROOT / "examples/plugins/jcmcalc-example-chiller/src/jcmcalc_example_chiller"
    tutorial = (DOCS / "authors" / "tutorial.md").read_text("utf-8")
    assert (plugin / "__init__.py").read_text("utf-8") in tutorial
    page = (site / "authors" / "data-files" / "index.html").read_text("utf-8")
    from jcmcalc.plugin.declarations import TOOL_DEFAULTS, TOOL_VALUES

    assert all(f"tool:{name}" in page for name in [*TOOL_DEFAULTS, *TOOL_VALUES])


def test_the_knowledge_page_shows_no_read_label_on_what_was_not_read() -> None:
    """Enumerates every row of the knowledge page: an equation, value or table row is read only
    under a methodology whose text was read, an ex-ante estimate equation never, and the
    off-grid factor of a country whose document defines none is applied by analogy."""
    from jcmcalc.views.methodology_page import knowledge_page

    methodologies = api.methodologies()
    labels: dict[str, list[tuple[str, str, str, str]]] = {}
    section = ""
    for line in knowledge_page(methodologies).splitlines():
        if line.startswith("## ["):
            section = line.removeprefix("## [").partition("]")[0]
        elif line.startswith("| ") and not line.startswith(("| part", "| ---")):
            kind, subject, label, basis = (c.strip() for c in line.strip("|").split(" | ", 3))
            labels.setdefault(section, []).append((kind, subject.strip("`"), label, basis))
    assert len(labels) == len(methodologies)
    for methodology in methodologies:
        estimated = {
            e.symbol for e in (methodology.estimate.equations if methodology.estimate else ())
        }
        for kind, subject, label, _ in labels[methodology.label]:
            if label != "read":
                continue
            assert (
                kind not in ("equation", "default") or methodology.about.confidence.value == "read"
            ), (
                methodology.label,
                subject,
            )
            assert not (kind == "equation" and subject in estimated), (methodology.label, subject)
    off_grid = [r for r in labels["KH_AM002 ver 1.0"] if r[1].startswith("EF_RE,c (off-grid)")]
    assert [r[2] for r in off_grid] == ["inferred"] and "by analogy" in off_grid[0][3]
    grid_rows = [r for r in labels["ID_AM001 ver 1.0"] if r[0] == "default"]
    assert {r[2] for r in grid_rows} == {"inferred"}  # 24 grid rows were read elsewhere
    assert sum("applied under ID_AM001 ver 1.0 by inference" in r[3] for r in grid_rows) == 24
    estimate = [r for r in labels["TH_AM001 ver 1.0"] if r[0] == "equation" and r[1] == "EG_i,p"]
    assert [r[2] for r in estimate] == ["inferred"]
