"""mkdocs hook: one page per registered methodology, and KaTeX, at build time.

The pages come from the plugin registry's declarations (:mod:`jcmcalc.views.methodology_page`);
KaTeX is copied from its one vendored location, ``jcmcalc/assets/katex/``.
"""

from __future__ import annotations

from importlib.resources import files as package_files
from pathlib import Path

from mkdocs.structure.files import File, Files

from jcmcalc import api
from jcmcalc.authoring.testing import run_sample
from jcmcalc.plugin.samples import samples_of
from jcmcalc.views.methodology_page import index_page, knowledge_page, page, slug

SECTION = "Methodologies"
FOLDER = "methodologies"


def on_config(config):
    """Add the generated pages to the navigation (section ``Methodologies``)."""
    entries = [f"{FOLDER}/index.md", {"What jcmcalc knows and infers": f"{FOLDER}/knowledge.md"}]
    entries += [{m.label: f"{FOLDER}/{slug(m)}.md"} for m in api.methodologies()]
    nav = config["nav"]
    position = next(i for i, item in enumerate(nav) if SECTION in item)
    nav[position] = {SECTION: entries}
    return config


def on_files(files: Files, config) -> Files:
    """Generate the methodology pages and add the vendored KaTeX to the site."""
    registry = api.registry()
    methodologies = registry.methodologies()
    files.append(File.generated(config, f"{FOLDER}/index.md", content=index_page(methodologies)))
    knowledge = knowledge_page(methodologies)
    files.append(File.generated(config, f"{FOLDER}/knowledge.md", content=knowledge))
    for methodology in methodologies:
        content = page(methodology, samples_of(methodology, registry), run_sample)
        files.append(File.generated(config, f"{FOLDER}/{slug(methodology)}.md", content=content))
    katex = Path(str(package_files("jcmcalc").joinpath("assets", "katex")))
    for path in sorted(katex.rglob("*")):
        if path.is_file() and path.suffix != ".md":
            uri = f"assets/katex/{path.relative_to(katex).as_posix()}"
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
