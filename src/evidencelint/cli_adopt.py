"""The adoption commands, `import` and `fix`, wired into the command line (cli.py calls
`add_commands` and `run`; kept apart so that cli.py stays small)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_CHANGES, EXIT_FAILURE = 0, 1, 2


def add_commands(commands: Any) -> None:
    imp = commands.add_parser(
        "import",
        help="turn published pages (HTML, Markdown, text) into content files",
        description="Write a content file per page: title, publisher, url, the printed review "
        "date, claims and the printed references; DOIs the page did not print are searched in "
        "Crossref and taken only when certain.",
    )
    imp.add_argument("files", nargs="+", metavar="FILE", type=Path, help="pages to import")
    imp.add_argument(
        "--out", type=Path, default=None, help="folder (default: the configured content root)"
    )
    imp.add_argument("--force", action="store_true", help="replace existing files")
    _registry_options(imp)

    fix = commands.add_parser(
        "fix",
        help="fix what is mechanical in content files",
        description="Apply safe fixes (DOI written as a URL or with doi:, stray whitespace and "
        "invisible characters, `accessed` in ISO form); unsafe ones only with --unsafe-fixes; "
        "suggestions are shown, never applied.",
    )
    fix.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: content)")
    fix.add_argument("--diff", action="store_true", help="show the changes, write nothing")
    fix.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also fill a missing DOI found with certainty and missing volume/issue/pages "
        "from the registered record (asks Crossref)",
    )
    _registry_options(fix)


def _registry_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=None, help="configuration file to use")
    parser.add_argument("--offline", action="store_true", help="make no network request")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")


def run(args: argparse.Namespace) -> int:
    from evidencelint.config import load_config

    config = load_config(args.config)
    if args.command == "import":
        from evidencelint.importer.command import import_pages

        result = import_pages(
            args.files,
            args.out,
            config,
            force=args.force,
            offline=args.offline,
            no_cache=args.no_cache,
        )
        return EXIT_FAILURE if result.failed else EXIT_OK
    from evidencelint.fix.command import fix_paths

    outcome = fix_paths(
        args.paths,
        config,
        diff=args.diff,
        unsafe=args.unsafe_fixes,
        offline=args.offline,
        no_cache=args.no_cache,
        out=sys.stdout,
    )
    if outcome.failed:
        return EXIT_FAILURE
    return EXIT_CHANGES if args.diff and outcome.changed else EXIT_OK
