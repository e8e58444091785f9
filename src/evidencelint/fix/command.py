"""`evidencelint fix [PATH...] [--diff] [--unsafe-fixes]`."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from evidencelint.config import Config
from evidencelint.escape import terminal
from evidencelint.fix.edit import Edited, RegistryFixer, edit


@dataclass(frozen=True, slots=True)
class FixOutcome:
    changed: int
    """Files changed (or, with --diff, that would be)."""
    fixes: int
    failed: int


def fix_paths(
    paths: Sequence[str],
    config: Config,
    *,
    diff: bool,
    unsafe: bool,
    offline: bool,
    no_cache: bool,
    out: TextIO,
) -> FixOutcome:
    from evidencelint.atomic import write_text_atomic
    from evidencelint.run.check import collect_files

    collected = collect_files(list(paths) or [str(config.content)], config.root)
    for shown, why in collected.refused:
        print(f"evidencelint: {terminal(shown)}: {terminal(why)}; not fixed", file=sys.stderr)
    files = collected.files
    client = None
    registry: RegistryFixer | None = None
    if unsafe:
        from evidencelint.fix.registry import RegistryFixes
        from evidencelint.importer.discovery import build_client

        client = build_client(config, offline=offline, no_cache=no_cache)
        if client is None:
            print(
                "evidencelint: no registry answers offline without a cache; only safe fixes",
                file=sys.stderr,
            )
        else:
            registry = RegistryFixes(client)
    changed = fixes = failed = 0
    try:
        for shown, path, _ in files:
            try:
                if path.stat().st_size > config.max_file_bytes:
                    print(
                        f"evidencelint: {shown}: larger than max_file_bytes "
                        f"({config.max_file_bytes}); not fixed",
                        file=sys.stderr,
                    )
                    failed += 1
                    continue
                original = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                print(f"evidencelint: {shown}: cannot read ({exc})", file=sys.stderr)
                failed += 1
                continue
            result = edit(original, registry)
            for suggestion in result.suggestions:
                print(
                    terminal(f"{shown}:{suggestion.line}: suggestion: {suggestion.message}"),
                    file=out,
                )
            if result.problem:
                print(f"evidencelint: {shown}: not fixed: {result.problem}", file=sys.stderr)
                failed += 1
                continue
            if not result.changes:
                continue
            changed += 1
            fixes += len(result.changes)
            if diff:
                out.write(_diff(shown, original, result))
            else:
                write_text_atomic(path, result.text)
                for change in result.changes:
                    kind = "" if change.safe else " (unsafe)"
                    print(
                        terminal(f"{shown}:{change.line}: fixed{kind}: {change.message}"), file=out
                    )
    finally:
        if client is not None:
            client.close()
    verb = "would fix" if diff else "fixed"
    print(f"evidencelint fix: {verb} {fixes} in {changed} files", file=sys.stderr)
    return FixOutcome(changed, fixes, failed)


def _diff(shown: str, original: str, result: Edited) -> str:
    return "".join(
        difflib.unified_diff(
            original.splitlines(keepends=True),
            result.text.splitlines(keepends=True),
            fromfile=f"a/{shown}",
            tofile=f"b/{shown}",
        )
    )
