"""The command line: `evidencelint check | schema | rules`."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from evidencelint import __version__, environment

if TYPE_CHECKING:
    from evidencelint.config import Config
    from evidencelint.results import RunResult

EXIT_OK, EXIT_ERRORS, EXIT_FAILURE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    from evidencelint.report.formats import FORMATS

    parser = argparse.ArgumentParser(
        prog="evidencelint",
        description="Lint health content: citations, DOIs, retractions and review dates.",
    )
    parser.add_argument("--version", action="version", version=f"evidencelint {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--format", choices=FORMATS, default="text", help="output format")
    common.add_argument(
        "--today", type=_date, default=None, help="judge staleness against this date (YYYY-MM-DD)"
    )
    common.add_argument("--config", type=Path, default=None, help="configuration file to use")
    common.add_argument("--offline", action="store_true", help="make no network request")
    common.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    common.add_argument(
        "--refresh", action="store_true", help="ignore cached answers, write new ones"
    )
    common.add_argument(
        "--output", type=Path, default=None, help="write the report to FILE instead of stdout"
    )

    check = commands.add_parser(
        "check", parents=[common], help="lint content files", description="Lint content files."
    )
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: content)"
    )

    audit = commands.add_parser(
        "audit",
        parents=[common],
        help="re-verify everything and write HTML, Markdown and JSON reports",
        description="Re-verify every reference (cached answers are not trusted) and write "
        "report.html, report.md and report.json.",
    )
    audit.add_argument("paths", nargs="*", metavar="PATH", help="files or folders")
    audit.add_argument("--out", type=Path, required=True, help="folder for the reports")
    audit.add_argument(
        "--since", type=Path, default=None, help="a previous audit's report.json, for drift"
    )

    schema = commands.add_parser("schema", help="write the JSON Schema files for content")
    schema.add_argument("--out", type=Path, default=Path("schema"), help="folder (default: schema)")

    rules = commands.add_parser("rules", help="list the rules, or explain one")
    rules.add_argument("rule", nargs="?", help="a rule name or code")

    from evidencelint.cli_adopt import add_commands

    add_commands(commands)
    return parser


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Like parse_args, but an unknown option is reported with its command's usage
    (`check --bad-option` shows how to call `check`)."""
    args, extras = parser.parse_known_args(argv)
    if extras:
        message = f"unrecognized arguments: {' '.join(extras)}"
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        command = commands.choices.get(getattr(args, "command", None) or "")
        (command or parser).error(message)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """`argv` None: the process's own command line, and the process is evidencelint's."""
    with _imports_without_gc(program=argv is None):
        parser = build_parser()
        args = _parse(parser, argv)
        if args.command in ("check", "audit"):
            _import_the_run()
    try:
        if args.command == "schema":
            return _schema(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "audit":
            return _audit(args)
        if args.command in ("import", "fix"):
            from evidencelint.cli_adopt import run

            return run(args)
        return _check(args)
    except KeyboardInterrupt:
        print("evidencelint: interrupted", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:
        from evidencelint.atomic import WriteError
        from evidencelint.config import ConfigError
        from evidencelint.errors import UsageError
        from evidencelint.escape import terminal

        if isinstance(exc, ConfigError | UsageError | WriteError):
            print(f"evidencelint: {terminal(exc)}", file=sys.stderr)
            return EXIT_FAILURE
        if environment.get(environment.DEBUG):
            raise
        print(
            f"evidencelint: internal error: {type(exc).__name__}: {terminal(exc)} "
            "(set EVIDENCELINT_DEBUG=1 to see where)",
            file=sys.stderr,
        )
        return EXIT_FAILURE


@contextmanager
def _imports_without_gc(program: bool) -> Iterator[None]:
    """The collector finds no garbage among the objects imports make (classes, functions,
    compiled patterns) and ran a tenth of a one-page check looking: it is off while
    importing, and what the imports made is frozen out of later collections. Only in a
    process of evidencelint's own: freezing would keep a calling program's garbage (a
    test suite's) for good."""
    if not program or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _import_the_run() -> None:
    import evidencelint.run.check
    import evidencelint.verify.factory
    import evidencelint.verify.pubmed_factory  # noqa: F401


def _run(args: argparse.Namespace, refresh: bool) -> tuple[RunResult, Config, dt.date]:
    from evidencelint.config import load_config
    from evidencelint.progress import progress_bar
    from evidencelint.run.check import run_check
    from evidencelint.verify.factory import build_verifier, cache_folder
    from evidencelint.verify.pubmed_factory import build_pubmed

    config = load_config(args.config)
    today = args.today or dt.date.today()
    # Offline, nothing is asked of the service: no bar, even for answers not cached.
    bar = nullcontext(None) if args.offline else progress_bar("verifying DOIs")
    with bar as progress:
        verifier, client = build_verifier(
            config,
            offline=args.offline,
            no_cache=args.no_cache,
            refresh=refresh,
            progress=progress,
            audit=args.command == "audit",
        )
        pubmed = build_pubmed(
            config,
            offline=args.offline,
            no_cache=args.no_cache,
            refresh=refresh,
            audit=args.command == "audit",
        )
        try:
            parsed_cache = None if args.no_cache else cache_folder(config)
            result = run_check(
                args.paths,
                config,
                today,
                verifier,
                pubmed,
                parsed_cache,
                index_claims=args.command == "audit",
            )
        finally:
            pubmed.close()
            if client is not None:
                client.close()
    return result, config, today


def _exit_code(result: RunResult) -> int:
    from evidencelint.findings import Severity

    return EXIT_ERRORS if any(f.severity is Severity.ERROR for f in result.findings) else EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from evidencelint.report.formats import render
    from evidencelint.terminal import wants_colour

    result, config, today = _run(args, refresh=args.refresh)
    _say_if_empty(result, args, config)
    colour = args.output is None and wants_colour(sys.stdout)
    _emit(render(args.format, result, today, colour), args.output)
    return _exit_code(result)


def _audit(args: argparse.Namespace) -> int:
    import json

    from evidencelint.atomic import write_set
    from evidencelint.escape import json_text, terminal
    from evidencelint.report.audit import build_audit, load_previous
    from evidencelint.report.html import render_audit as render_html
    from evidencelint.report.markdown import render_audit as render_markdown

    previous = load_previous(args.since) if args.since is not None else None
    # An audit trusts no cached verdict: retractions and new versions appear after
    # publication. Offline, the cache is all there is.
    result, config, today = _run(args, refresh=not args.offline)
    _say_if_empty(result, args, config)
    document = build_audit(result, today, config.policy, previous)
    since = document.since
    out: Path = args.out
    # One set: all three reports are replaced, or none (see atomic.write_set).
    write_set(
        {
            out / "report.json": json_text(
                json.dumps(document.to_json(), indent=2, ensure_ascii=False)
            )
            + "\n",
            out / "report.md": render_markdown(document),
            out / "report.html": render_html(document),
        }
    )
    s = document.summary
    new = f", {len(since.new)} new since {terminal(args.since)}" if since is not None else ""
    carried = since.not_rechecked if since is not None else []
    if carried:
        new += f", {len(carried)} earlier verdicts not re-checked"
    notice = document.verification["notice"]
    if notice:
        print(f"evidencelint audit: verification incomplete: {terminal(notice)}", file=sys.stderr)
    if pubmed := (document.verification.get("pubmed") or {}).get("notice"):
        print(f"evidencelint audit: PubMed not fully checked: {terminal(pubmed)}", file=sys.stderr)
    print(
        f"evidencelint audit: {s['errors']} errors, {s['warnings']} warnings, {s['infos']} infos "
        f"in {s['pages']} pages{new}; reports in {terminal(out)}/",
        file=sys.stderr,
    )
    # A retraction known from the last audit still stands when it could not be re-checked.
    if any(f.get("severity") == "error" for f in carried):
        return EXIT_ERRORS
    return _exit_code(result)


def _say_if_empty(result: RunResult, args: argparse.Namespace, config: Config) -> None:
    if result.files == 0:
        where = ", ".join(args.paths) if args.paths else str(config.content)
        print(
            f"evidencelint: found no content files (*.yaml, *.yml) in {where}: nothing was checked",
            file=sys.stderr,
        )


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        from evidencelint.atomic import write_text_atomic

        write_text_atomic(output, text)


def _schema(args: argparse.Namespace) -> int:
    from evidencelint.content.schema import write_schemas

    for path in write_schemas(args.out):
        print(f"wrote {path}")
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from evidencelint.report.formats import explain, list_rules

    if args.rule is None:
        sys.stdout.write(list_rules())
        return EXIT_OK
    text = explain(args.rule)
    if text is None:
        from evidencelint.rule_names import unknown_rule_hint

        print(
            f"evidencelint: no rule named {args.rule!r}{unknown_rule_hint(args.rule)}; "
            "`evidencelint rules` lists them",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    sys.stdout.write(text)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
