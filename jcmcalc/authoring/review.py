"""``jcmcalc check``, ``show``, ``methodologies`` and ``plugins``: a methodology, installed or
a data file that is not (a draft under review), validated with the messages loading gives and
shown; what is installed, with what failed its validation marked BROKEN."""

from __future__ import annotations

from pathlib import Path

from jcmcalc.authoring.conformance import declaration_problems, plausibility_problems
from jcmcalc.model.deferred import checks_deferred
from jcmcalc.model.errors import InputError, MethodologyError
from jcmcalc.model.methodology import Methodology, check
from jcmcalc.plugin.datafile import SUFFIX, load_file
from jcmcalc.plugin.registry import Registry, provider_label
from jcmcalc.views import formatting


def checked_file(path: Path) -> list[Methodology]:
    """The methodologies of the data file ``path``, each checked as the registry checks an
    installed one: a :class:`MethodologyError` with the message loading would give."""
    with checks_deferred():
        methodologies = load_file(path)
    for methodology in methodologies:
        try:
            check(methodology)
        except MethodologyError as exc:
            raise MethodologyError(f"{path.name}: {exc}") from None
    return methodologies


def shown(
    named: str, registry: Registry, *, full: bool = True, width: int | None = formatting.WIDTH
) -> str:
    """What ``show NAMED`` prints (``full``) or ``check NAMED`` (the verdict only): NAMED is
    ``ID[@VERSION]`` or the path of a data file; lines within ``width`` (None: as they are)."""
    if named.endswith(SUFFIX) or Path(named).is_file():
        return _file(Path(named), full, width)
    identifier, _, version = named.partition("@")
    methodology = registry.get(identifier, version) if version else registry.latest(identifier)
    versions = [registry.get(identifier, v) for v in registry.versions(identifier)]
    info = registry.provider(methodology)
    lines = [f"{methodology.label}: provided by {info.label if info else 'no plugin'}"]
    if not version:
        lines.append(
            f"the latest installed version of {identifier}; installed: "
            f"{registry.described(versions)}; show another with {identifier}@VERSION (a "
            "project must name its version where several are installed)"
        )
    mixed = registry.mixed().get(methodology.id)
    if mixed:
        lines.append(
            f"warning: the versions of {methodology.id} come from different distributions "
            f"({', '.join(mixed)})"
        )
    text = "\n".join(lines) + "\n\n" + formatting.methodology_text(methodology, width)
    return formatting.folded(text, width)


def _file(path: Path, full: bool, width: int | None) -> str:
    """The verdict on the data file ``path`` (not installed), and with ``full`` its text; a
    file that would not load is bad input (exit 2), with the message loading gives."""
    if not path.is_file():
        raise InputError("no such methodology data file", file=path)
    try:
        methodologies = checked_file(path)
    except MethodologyError as exc:
        raise InputError(str(exc)) from None
    found = []
    for methodology in methodologies:
        gaps = declaration_problems(methodology) + plausibility_problems(methodology)
        found.append(
            f"{path.name}: {methodology.label} loads: {len(methodology.parameters)} parameters, "
            f"{len(methodology.equations)} equations, {len(methodology.checks)} checks (not "
            "installed: its examples and worked cases are checked once it is)"
        )
        found += [f"  does not conform: {gap}" for gap in gaps]
        if full:
            found += ["", formatting.methodology_text(methodology, width).rstrip("\n")]
    return formatting.folded("\n".join(found), width) + "\n"


def listing(registry: Registry, *, plugins: bool) -> tuple[str, list[str]]:
    """The table of ``jcmcalc methodologies`` (or with ``plugins`` of ``jcmcalc plugins``) and
    its warnings: every methodology that passes its validation is listed, each that fails is
    BROKEN with its reason (a row of ``plugins``, a warning of ``methodologies``)."""
    usable = registry.methodologies()  # each checked: those that fail are BROKEN
    unusable = list(registry.unusable.values())
    if plugins:
        alive = {m.label for m in registry.listed()}  # those of a BROKEN file are gone
        rows = [["plugin", "distribution", "version", "methodologies"]]
        rows += [
            [p.name, p.distribution, p.version, ", ".join(m for m in p.methodologies if m in alive)]
            for p in registry.plugins
        ]
        rows += [[b.name, b.distribution, "BROKEN", b.error] for b in registry.broken]
        rows += [
            [u.plugin.name, u.plugin.distribution, "BROKEN", f"{u.name}: {u.error}"]
            for u in unusable
        ]
        return formatting.text_table(rows) + "\n", []
    rows = [["id", "version", "country", "title", "plugin"]]
    rows += [
        [m.id, m.version, m.about.country, m.title, provider_label(m, registry)] for m in usable
    ]
    text = formatting.text_table(rows) + "\n"
    for identifier, distributions in registry.mixed().items():
        text += (
            f"\n{identifier}: its versions come from different distributions "
            f"({', '.join(distributions)}): name the version in every project\n"
        )
    warnings = [
        f"{u.name} ({u.plugin.label}) is BROKEN and not listed: {u.error}" for u in unusable
    ]
    return text, warnings
