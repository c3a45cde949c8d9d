"""A methodology's documentation page (Markdown with math), from its declarations only.

The docs build (``docs/hooks/methodology_pages.py``) writes one page per registered
methodology with :func:`page`; nothing on it is written by hand. Math is ``$...$`` and
``$$...$$`` for pymdownx.arithmatex, rendered by KaTeX.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from jcmcalc.model.checks import Check, Severity
from jcmcalc.model.expressions.walkers import latex_symbol, to_latex
from jcmcalc.model.kernel import equations_of
from jcmcalc.model.knowledge import parts
from jcmcalc.model.methodology import Equation, Methodology
from jcmcalc.model.numbers import decimal_text
from jcmcalc.model.parameters import Confidence, Default, DefaultTable, Parameter, WhenAbsent
from jcmcalc.plugin.registry import provider_label, provider_of
from jcmcalc.plugin.samples import Sample
from jcmcalc.run.estimate import YEAR_NUMBER
from jcmcalc.run.result import Result
from jcmcalc.views.formatting import markdown_table

#: Calculates a shipped sample: its result and, for a worked case, its expectations.
RunSample = Callable[[Sample], tuple[Result, dict[str, Any]]]


def slug(methodology: Methodology) -> str:
    """The page's file name without ``.md``: ``mn_am003-2.0``."""
    return f"{methodology.id}-{methodology.version}".lower().replace(" ", "-")


def index_page(methodologies: Sequence[Methodology]) -> str:
    """The list of every registered methodology, linking each page."""
    rows = [["id", "version", "country", "title", "plugin"]]
    rows += [
        [f"[{m.id}]({slug(m)}.md)", m.version, m.about.country, m.title, _distribution(m)]
        for m in methodologies
    ]
    return "\n".join(
        [
            "# Methodologies",
            "",
            "One page per methodology registered by the installed plugins, generated when the "
            "site is built from the plugin's declarations (the same records the engine "
            "calculates with). Figures are labelled **read**, **standard** or **inferred**.",
            "",
            markdown_table(rows),
            "",
        ]
    )


def _distribution(methodology: Methodology) -> str:
    info = provider_of(methodology)
    return info.distribution if info else ""


def page(methodology: Methodology, samples: Sequence[Sample], run: RunSample) -> str:
    """Every section of a methodology's page."""
    m, about = methodology, methodology.about
    parts = [
        f"# {m.id} ver {m.version}: {m.title}",
        "",
        markdown_table(
            [
                ["identity", ""],
                ["programme", m.programme],
                ["country", about.country or "any"],
                ["family", about.family],
                ["sectoral scope", about.sectoral_scope],
                [
                    "status",
                    f"{about.status}{'; expired ' + about.expired if about.expired else ''}",
                ],
                ["approved", about.approved or "unknown"],
                ["source", about.source],
                ["confidence", str(about.confidence)],
                ["plugin", provider_label(m)],
            ]
        ),
        "",
        *_criteria(m),
        *_indices(m),
        "## Parameters",
        "",
        _parameters_table(m.parameters),
        "",
        *_equations(m),
        *_estimate(m),
        *_default_tables(m),
        *_inferred(m),
        *_samples(samples, run),
    ]
    return "\n".join(parts).rstrip() + "\n"


def _criteria(m: Methodology) -> list[str]:
    lines = ["## Applicability and eligibility criteria", ""]
    if not m.criteria:
        return [*lines, "The methodology declares no eligibility criteria.", ""]
    lines += [f"- **{c.id}** [{c.confidence}]: {c.text}" for c in m.criteria]
    return [*lines, ""]


def _indices(m: Methodology) -> list[str]:
    rows = [["index", "meaning", "members", "attributes"]]
    for index in m.indices:
        members = ", ".join(index.members) if index.members else f"`[[{index.key}]]` tables"
        attributes = "; ".join(
            f"{name}: {', '.join(choices) if choices else 'any text'}"
            for name, choices in index.attributes.items()
        )
        optional = " (optional)" if index.optional else ""
        rows.append([f"${index.symbol}$", index.title, members + optional, attributes])
    return ["## Indices", "", markdown_table(rows), ""]


def _default_cell(default: Default | DefaultTable | None) -> tuple[str, str]:
    if default is None:
        return "none: the project gives it", ""
    if isinstance(default, DefaultTable):
        return f"table *{default.name}* by {', '.join(default.keys)} (below)", default.source
    return f"`{default.value}` [{default.confidence}]", default.source


def _parameters_table(parameters: Sequence[Parameter]) -> str:
    rows = [
        [
            "symbol",
            "description",
            "unit",
            "kind",
            "monitoring (option; method; frequency)",
            "bounds",
            "default",
            "source",
        ]
    ]
    for p in parameters:
        default, source = (
            ("supplied by `jcmcalc estimate` for each year", "")
            if p.name == YEAR_NUMBER.name
            else _default_cell(p.default)
        )
        description = p.description
        if p.index:
            description += f" (per {', '.join(p.index)})"
        if p.when_absent is WhenAbsent.ZERO:
            description += "; zero when not given"
        if p.source_required:
            description += "; the project gives it with its source"
        if p.when_absent is WhenAbsent.UNKNOWN:
            description += "; when not given, the plausibility checks using it are skipped"
        if p.inferred:
            description += f" **Inferred:** {p.inferred}"
        rows.append(
            [
                f"${latex_symbol(p.symbol)}$",
                description,
                " or ".join(f"`{unit}`" for unit in p.units),
                str(p.kind),
                _monitoring_cell(p),
                p.bounds.describe(),
                default,
                source,
            ]
        )
    return markdown_table(rows)


def _monitoring_cell(parameter: Parameter) -> str:
    monitoring = parameter.monitoring
    if monitoring is None:
        return "-"
    parts = ["/".join(monitoring.options), monitoring.measurement, monitoring.frequency]
    return "; ".join(filter(None, parts)) or "-"


def _equation_lines(equation: Equation) -> Iterator[str]:
    yield f"**{equation.description}** (`{equation.name}`, in `{equation.unit}`)"
    yield ""
    yield f"$$ {latex_symbol(equation.symbol)} = {to_latex(equation.expression)} $$"
    yield ""
    if equation.inferred:
        yield f'!!! warning "Inferred"\n    {equation.inferred}'
        yield ""


def _equations(m: Methodology) -> list[str]:
    lines = [
        "## Equations",
        "",
        "Per monitoring period $p$, in the order the engine evaluates; the last two, emission "
        "reductions and credits, are declared once by jcmcalc for every methodology:",
        "",
    ]
    for equation in equations_of(m):
        lines += _equation_lines(equation)
    sections = (
        ("Plausibility checks", "A breach is reported as bad input.", Severity.ERROR),
        ("Expectations", "A breach is reported as a warning.", Severity.WARNING),
    )
    for title, effect, severity in sections:
        checks = [check for check in m.checks if check.severity is severity]
        if checks:
            lines += [f"### {title}", "", effect, ""]
            lines += [_check_line(check) for check in checks]
            lines.append("")
    return lines


def _plain(text: str) -> str:
    """``text`` with the characters Markdown would read as emphasis escaped."""
    return text.replace("\\", "\\\\").replace("_", "\\_").replace("*", "\\*")


def _check_line(check: Check) -> str:
    relation = "<" if check.strict else "\\le"
    inferred = f" **Inferred:** {check.inferred}" if check.inferred else ""
    return (
        f"- {_plain(check.description)}: "
        f"${to_latex(check.left)} {relation} {to_latex(check.right)}$"
        f"{inferred}"
    )


def _estimate(m: Methodology) -> list[str]:
    if m.estimate is None:
        return []
    lines = [
        "## Ex-ante estimate",
        "",
        "`jcmcalc estimate` turns these design values into estimated monitored values per year "
        "of the crediting period; they then run through the equations above.",
        "",
        _parameters_table(m.estimate.parameters),
        "",
    ]
    for equation in m.estimate.equations:
        lines += _equation_lines(equation)
    return lines


def _default_tables(m: Methodology) -> list[str]:
    tables = [p for p in m.all_parameters if isinstance(p.default, DefaultTable)]
    if not tables:
        return []
    lines = ["## Default values", ""]
    for parameter in tables:
        table = parameter.default
        assert isinstance(table, DefaultTable)
        lines += [
            f"### {table.name} (`{parameter.symbol}`)",
            "",
            f"Version {table.version}; {table.source}",
            "",
        ]
        rows = [[*table.keys, "value", "confidence", "source"]]
        rows += [
            [*key, f"`{row.value}`", str(row.confidence), row.source + _note(row)]
            for key, row in table.rows.items()
        ]
        lines += [markdown_table(rows), ""]
    return lines


def _note(default: Default) -> str:
    return f" ({default.note})" if default.note else ""


def _inferred(m: Methodology) -> list[str]:
    """Everything labelled inferred: reconstructed, not read in a public source."""
    notes = [
        f"{part.kind.capitalize()} `{part.subject}`: {part.basis}"
        for part in parts(m)
        if part.confidence is Confidence.INFERRED
    ]
    lines = ["## What is inferred", ""]
    if not notes:
        return [*lines, "Nothing: every part of this declaration is labelled read or standard.", ""]
    lines += [
        "These parts are reconstructed, not read in a public source; results using them carry "
        "the same labels in `provenance.inferred`. All methodologies side by side: "
        "[What jcmcalc knows and what it infers](knowledge.md).",
        "",
    ]
    return [*lines, *(f"- {note}" for note in notes), ""]


def knowledge_page(methodologies: Sequence[Methodology]) -> str:
    """Every methodology's parts, each labelled read, standard or inferred with its source or
    the reason it is inferred."""
    lines = [
        "# What jcmcalc knows and what it infers",
        "",
        "Generated from the declarations the engine calculates with. **read**: seen in the "
        "public source named; **standard**: a published, well-known value or form; "
        "**inferred**: reconstructed, not read (the reason is given).",
        "",
    ]
    for m in methodologies:
        found = parts(m)
        counts = ", ".join(
            f"{sum(p.confidence is label for p in found)} {label}" for label in Confidence
        )
        lines += [f"## [{m.label}]({slug(m)}.md): {m.title}", "", f"{len(found)} parts: {counts}."]
        rows = [["part", "", "label", "source, or why inferred"]]
        rows += [
            [p.kind, f"`{p.subject}`", str(p.confidence), p.basis.replace("|", "/")] for p in found
        ]
        lines += ["", markdown_table(rows), ""]
    return "\n".join(lines)


def _samples(samples: Sequence[Sample], run: RunSample) -> list[str]:
    lines = ["## Worked examples", ""]
    if not samples:
        return [
            *lines,
            "The plugin ships no example project or worked case for this methodology; see the "
            "other methodologies of its family.",
            "",
        ]
    for sample in samples:
        result, expected = run(sample)
        if sample.worked:
            title = f"Worked case *{sample.folder.name}*: {expected.get('description', '')}"
        else:
            title = f"Example project *{sample.folder.name}*"
        lines += [f"### {title}", "", f"`{sample.plugin}`: `{sample.folder.name}/project.toml`", ""]
        lines += _fenced("toml", sample.project.read_text(encoding="utf-8"))
        if sample.worked:
            lines += ["Figures computed by hand (`expected.toml`):", ""]
            lines += _fenced("toml", (sample.folder / "expected.toml").read_text(encoding="utf-8"))
        lines += [
            f"jcmcalc's result ({result.mode}):",
            "",
            markdown_table(result.table_rows()),
            "",
            "Trace of period 1 (every equation with its substituted values):",
            "",
        ]
        rows = [["equation", "member", "substituted", "value", "unit"]]
        rows += [
            [
                f"`{step.symbol} = {step.expression}`",
                " / ".join(step.member),
                f"`{step.substituted}`",
                decimal_text(step.value, 6),
                f"`{step.unit}`",
            ]
            for step in result.trace
            if step.period == 1
        ]
        lines += [markdown_table(rows), ""]
        if result.warnings:
            lines += ["Warnings:", "", *(f"- {w}" for w in result.warnings), ""]
    return lines


def _fenced(language: str, text: str) -> list[str]:
    return [f"```{language}", text.rstrip("\n"), "```", ""]
