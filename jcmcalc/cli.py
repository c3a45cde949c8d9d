"""The ``jcmcalc`` command line.

Exit codes: 0 success, 2 bad input, 1 internal error. Errors go to stderr without a
traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from jcmcalc.errors import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, InputError, JcmcalcError

FORMATS = ("table", "json", "markdown")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jcmcalc",
        description="JCM emission reductions and credits, exact and traceable.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument(
        "--strict-plugins", action="store_true", help="a plugin that fails to load is fatal"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("methodologies", help="list installed methodologies")
    commands.add_parser("plugins", help="list installed plugins with their versions")
    show = commands.add_parser("show", help="parameters, equations and defaults of a methodology")
    show.add_argument("methodology", metavar="ID[@VERSION]")
    for name, text in (
        ("calculate", "monitored credits (ex post) of a project file"),
        ("estimate", "expected credits per year (ex ante) from the project's [estimate]"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("project", type=Path, help="project file (TOML)")
        command.add_argument("--format", choices=FORMATS, default="table")
        command.add_argument("-o", "--output", type=Path, help="write to FILE instead of stdout")
        command.add_argument(
            "--strict", action="store_true", help="unanswered or unmet eligibility is an error"
        )
        command.add_argument(
            "--allow-outside",
            action="store_true",
            help="let the project read data files outside its directory",
        )
    return parser


def _write(text: str, output: Path | None) -> None:
    """Print, or write ``output`` atomically: a failed run leaves no half-written file."""
    if output is None:
        sys.stdout.write(text)
        return
    directory = output.parent if str(output.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{output.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _run(args: argparse.Namespace) -> int:
    from jcmcalc import api, formatting

    registry = api.registry(strict=args.strict_plugins)
    for broken in registry.broken:
        print(
            f"jcmcalc: warning: plugin {broken.name!r} ({broken.distribution}) was skipped: "
            f"{broken.error}",
            file=sys.stderr,
        )
    if args.command == "methodologies":
        rows = [["id", "version", "country", "title", "plugin"]]
        rows += [
            [m.id, m.version, m.country, m.title, f"{m.plugin} {m.plugin_version}"]
            for m in registry.methodologies()
        ]
        print(formatting.text_table(rows))
    elif args.command == "plugins":
        rows = [["plugin", "distribution", "version", "methodologies"]]
        rows += [
            [p.name, p.distribution, p.version, ", ".join(p.methodologies)]
            for p in registry.plugins
        ]
        rows += [[b.name, b.distribution, "BROKEN", b.error] for b in registry.broken]
        print(formatting.text_table(rows))
    elif args.command == "show":
        identifier, _, version = args.methodology.partition("@")
        print(formatting.methodology_text(registry.get(identifier, version or None)), end="")
    else:
        run = api.calculate if args.command == "calculate" else api.estimate
        result = run(args.project, strict=args.strict, allow_outside=args.allow_outside)
        if args.format == "json":
            text = result.to_json()
        else:
            text = formatting.result_text(result, markdown=args.format == "markdown")
        _write(text, args.output)
        if args.format == "table" and args.output is None:
            for warning in result.warnings:
                print(f"jcmcalc: warning: {warning}", file=sys.stderr)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from jcmcalc.result import jcmcalc_version

        print(f"jcmcalc {jcmcalc_version()}")
        return EXIT_OK
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return _run(args)
    except InputError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"jcmcalc: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except JcmcalcError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"jcmcalc: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        print(
            f"jcmcalc: internal error: {type(exc).__name__}: {exc} (run with --debug for the "
            "traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
