"""The ``jcmcalc`` command line.

Exit codes: 0 success, 2 bad input, 1 internal error, 3 figures differ (``verify``). Errors go
to stderr without a traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from jcmcalc.model.errors import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_MISMATCH,
    EXIT_OK,
    EXIT_PIPE_CLOSED,
    EXIT_SOME_FAILED,
    InputError,
    JcmcalcError,
    JcmcalcWarning,
)
from jcmcalc.views.output_files import FilesUnder, checked_output, write_output

FORMATS = ("table", "json", "markdown")
REPORT_FORMATS = ("markdown", "html", "xlsx")
STRICT = (
    "refuse (exit 2) what is otherwise a warning: unanswered eligibility, incomplete monitoring "
    "data, and every plausibility check breached or not judged (a PV output beyond or below "
    "its capacity-factor bounds, a rated capacity not given)"
)


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
    commands.add_parser("units", help="the unit vocabulary of project files and declarations")
    show = commands.add_parser("show", help="parameters, equations and defaults of a methodology")
    show.add_argument("methodology", metavar="ID[@VERSION] or PATH.methodology.toml")
    check = commands.add_parser(
        "check", help="validate a methodology data file that is not installed, as loading would"
    )
    check.add_argument("path", type=Path, metavar="PATH.methodology.toml")
    _wide(show)
    _wide(check)
    for name, text in (
        ("calculate", "monitored credits (ex post) of a project file"),
        ("estimate", "expected credits per year (ex ante) from the project's [estimate]"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("project", type=Path, help="project file (TOML, or a workbook)")
        command.add_argument("--format", choices=FORMATS, default="table")
        command.add_argument("-o", "--output", type=Path, help="write to FILE instead of stdout")
        command.add_argument("--strict", action="store_true", help=STRICT)
        _wide(command)
        _project_options(command)
    report = commands.add_parser("report", help="monitoring report (Markdown, HTML, workbook)")
    report.add_argument("project", type=Path, help="project file (TOML, or a workbook)")
    report.add_argument("--format", choices=REPORT_FORMATS, default="markdown")
    report.add_argument("-o", "--output", type=Path, help="write to FILE instead of stdout")
    report.add_argument("--strict", action="store_true", help=STRICT)
    report.add_argument(
        "--timestamp", action="store_true", help="print the time of the run (output then varies)"
    )
    _project_options(report)
    verify = commands.add_parser("verify", help="compare submitted figures with a recomputation")
    verify.add_argument("project", type=Path, help="project file (TOML, or a workbook)")
    verify.add_argument(
        "--reported",
        type=Path,
        required=True,
        metavar="FILE",
        help="submitted figures: CSV (period,quantity,member,value), or the JSON of calculate "
        "or the workbook of report",
    )
    verify.add_argument(
        "--tolerance", default="1e-9", help="relative tolerance, >= 0 (credits: exact)"
    )
    _project_options(verify)
    _template(commands)
    scaffold = commands.add_parser(
        "new-methodology", help="create an installable methodology plugin to start from"
    )
    scaffold.add_argument("name", metavar="NAME", help="plugin name, e.g. rice-husk-power")
    scaffold.add_argument("--id", help="methodology id (default: NAME in upper case)")
    scaffold.add_argument(
        "-o", "--output", type=Path, default=Path("."), help="folder to create it in"
    )
    _portfolio_parser(commands)
    return parser


def _portfolio_parser(commands: Any) -> None:
    portfolio = commands.add_parser(
        "portfolio", help="many projects at once: a folder of project files or one table"
    )
    portfolio.add_argument(
        "path", type=Path, help="folder of project files, or a CSV/Parquet table"
    )
    portfolio.add_argument("--format", choices=("csv", "json", "parquet"), default="csv")
    portfolio.add_argument("-o", "--output", type=Path, help="write to FILE instead of stdout")
    portfolio.add_argument(
        "--engine", choices=("numpy", "dask"), default="numpy", help="dask: the 'dask' extra"
    )
    portfolio.add_argument(
        "--workers", type=int, metavar="N", help="dask: a local cluster of N worker processes"
    )
    portfolio.add_argument(
        "--scheduler", metavar="ADDRESS", help="dask: an existing scheduler (tcp://host:8786)"
    )


def _template(commands: Any) -> None:
    template = commands.add_parser(
        "template", help="project workbook (.xlsx) of a methodology, empty or from a project"
    )
    template.add_argument("methodology", nargs="?", metavar="ID@VERSION")
    template.add_argument("--from", dest="source", type=Path, metavar="PROJECT.toml")
    template.add_argument("-o", "--output", type=Path, help="write to FILE instead of stdout")
    template.add_argument("--members", type=int, default=3, metavar="N", help="member rows")
    _project_options(template)


def _project_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--allow-outside",
        action="store_true",
        help="let the project read data files outside its directory",
    )
    command.add_argument(
        "--allow-ineligible",
        action="store_true",
        help="compute a project that answers an eligibility criterion false (NOT CREDITABLE)",
    )


def _wide(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--wide", action="store_true", help="text as wide as it is (default: 100 columns)"
    )


def _width(args: argparse.Namespace) -> int | None:
    from jcmcalc.views.formatting import WIDTH

    return None if args.wide else WIDTH


def _run(args: argparse.Namespace) -> int:
    if args.command == "new-methodology":
        from jcmcalc.authoring.scaffold import create

        folder = create(args.name, args.output, args.id)
        print(f"created {folder}: pip install -e {folder} and run its tests with pytest")
        return EXIT_OK
    if args.command == "units":
        from jcmcalc.views.units_page import units_page

        print(units_page(), end="")
        return EXIT_OK
    from jcmcalc.plugin.registry import installed
    from jcmcalc.views import formatting

    registry = installed(strict=args.strict_plugins)
    if args.command == "plugins":
        registry.complete()  # a data file that fails to build shows its plugin BROKEN
    for broken in registry.broken:
        print(
            f"jcmcalc: warning: plugin {broken.name!r} ({broken.distribution}) was skipped: "
            f"{broken.error}",
            file=sys.stderr,
        )
    if args.command in ("methodologies", "plugins"):
        from jcmcalc.authoring import review

        listed, warnings = review.listing(registry, plugins=args.command == "plugins")
        sys.stdout.write(listed)
        for warning in warnings:
            print(f"jcmcalc: warning: {warning}", file=sys.stderr)
    elif args.command in ("show", "check"):
        from jcmcalc.authoring import review

        named = args.methodology if args.command == "show" else str(args.path)
        full = args.command == "show"
        sys.stdout.write(review.shown(named, registry, full=full, width=_width(args)))
    elif args.command == "template":
        from jcmcalc.views.template.export import command

        content, inputs = command(args, registry.get)
        write_output(content, args.output, inputs)
    elif args.command == "report":
        _report(args)
    elif args.command == "verify":
        return _verify(args)
    elif args.command == "portfolio":
        return _portfolio(args, registry.get)
    else:
        from jcmcalc import api

        run = api.calculate if args.command == "calculate" else api.estimate
        result = run(
            args.project,
            strict=args.strict,
            allow_outside=args.allow_outside,
            allow_ineligible=args.allow_ineligible,
        )
        if args.format == "json":
            text = result.to_json()
        else:
            markdown = args.format == "markdown"
            text = formatting.result_text(result, markdown=markdown, width=_width(args))
        if args.format == "table" and args.output is None and not sys.stdout.isatty():
            for warning in result.warnings:  # before the figures, which show them on a terminal
                print(f"jcmcalc: warning: {warning}", file=sys.stderr)
            sys.stderr.flush()
        write_output(text, args.output, result.inputs.project.input_files)
    return EXIT_OK


def _report(args: argparse.Namespace) -> None:
    import datetime as dt
    import shlex

    from jcmcalc import api
    from jcmcalc.views import report

    if args.format == "xlsx" and args.output is None and sys.stdout.isatty():
        raise InputError("a workbook is binary: write it to a file with -o FILE.xlsx")
    result, ex_ante = api.report_results(
        args.project,
        strict=args.strict,
        allow_outside=args.allow_outside,
        allow_ineligible=args.allow_ineligible,
    )
    command = shlex.join(
        ["jcmcalc", "report", args.project.as_posix(), "--format", args.format]
        + (["--strict"] if args.strict else [])
        + (["--allow-outside"] if args.allow_outside else [])
        + (["--allow-ineligible"] if args.allow_ineligible else [])
    )
    timestamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds") if args.timestamp else None
    rendered = report.render(
        result, args.format, ex_ante=ex_ante, command=command, timestamp=timestamp
    )
    write_output(rendered, args.output, result.inputs.project.input_files)


def _verify(args: argparse.Namespace) -> int:
    from jcmcalc import api
    from jcmcalc.inputs.boundary import file_errors
    from jcmcalc.inputs.submitted.read import read_submission
    from jcmcalc.views import verify

    tolerance = verify.tolerance(args.tolerance)
    options = {"allow_outside": args.allow_outside, "allow_ineligible": args.allow_ineligible}
    if args.reported.suffix.lower() == ".xlsx":  # compared with the workbook report writes
        result, ex_ante = api.report_results(args.project, **options)
    else:
        result, ex_ante = api.calculate(args.project, **options), None
    with file_errors(args.reported):
        submission = read_submission(args.reported, result.methodology)
    verification = verify.compare(result, submission, tolerance, ex_ante)
    sys.stdout.write(verify.report_text(verification, tolerance))
    return EXIT_OK if verification.agrees else EXIT_MISMATCH


def _portfolio(args: argparse.Namespace, get: Callable[[str, str | None], Any]) -> int:
    from jcmcalc import portfolio

    if args.format == "parquet" and args.output is None:
        raise InputError("--format parquet needs -o FILE")
    if args.engine != "dask" and (args.workers or args.scheduler is not None):
        raise InputError("--workers and --scheduler go with --engine dask")
    inputs = FilesUnder(args.path) if args.path.is_dir() else [args.path]
    if args.engine == "dask" and args.format != "parquet" and args.path.is_file():
        from jcmcalc.api import get_methodology
        from jcmcalc.portfolio import distributed

        with distributed.connect(args.workers, args.scheduler) as client:
            output = distributed.write(args.path, args.format, client, get_methodology)
        write_output(output.text, args.output, inputs)
        for line in output.failed:
            print(f"jcmcalc: error: {line}", file=sys.stderr)
        return EXIT_SOME_FAILED if output.failed else EXIT_OK
    if args.engine == "numpy" and args.format == "csv" and args.path.is_file():
        from jcmcalc.portfolio.compute import table_parts

        text, failures = table_parts(args.path, get, progress=True)
        write_output(text, args.output, inputs)
        for row in failures:
            print(f"jcmcalc: error: project {row.project}: {row.message}", file=sys.stderr)
        return EXIT_SOME_FAILED if failures else EXIT_OK
    if args.engine == "dask":
        from jcmcalc.api import get_methodology as get  # picklable for the workers
    rows = portfolio.calculate(
        args.path,
        get,
        engine=args.engine,
        progress=True,
        workers=args.workers,
        scheduler=args.scheduler,
    )
    if args.format == "parquet":
        from jcmcalc.inputs.boundary import file_errors

        with file_errors(args.output):
            checked_output(args.output, inputs)
            portfolio.write_parquet(rows, args.output)
    else:
        text = portfolio.to_json(rows) if args.format == "json" else portfolio.to_csv(rows)
        write_output(text, args.output, inputs)
    failed = [row for row in rows[:-1] if row.status == "failed"]
    for row in failed:
        print(f"jcmcalc: error: project {row.project}: {row.message}", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _traceback(args: argparse.Namespace) -> None:
    if args.debug:
        import traceback

        traceback.print_exc()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; its text output has control characters escaped
    (:mod:`jcmcalc.views.terminal`)."""
    from jcmcalc.views.terminal import neutralised

    with neutralised():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        from jcmcalc.run.result import jcmcalc_version

        print(f"jcmcalc {jcmcalc_version()}")
        return EXIT_OK
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        with warnings.catch_warnings():  # the CLI prints a result's warnings itself
            warnings.simplefilter("ignore", JcmcalcWarning)
            code = _run(args)
        sys.stdout.flush()  # a reader that went away shows here, not at the interpreter's exit
        return code
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush
        return EXIT_PIPE_CLOSED
    except InputError as exc:
        _traceback(args)
        print(f"jcmcalc: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except JcmcalcError as exc:
        _traceback(args)
        print(f"jcmcalc: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:
        _traceback(args)
        print(
            f"jcmcalc: internal error: {type(exc).__name__}: {exc} (run with --debug for the "
            "traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
