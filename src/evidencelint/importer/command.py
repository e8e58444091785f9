"""`evidencelint import FILE... [--out DIR] [--force]`: one content file per page."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from evidencelint.config import Config
from evidencelint.importer.build import Discover, build_page
from evidencelint.importer.source import SourceError, read_page
from evidencelint.importer.writer import render


@dataclass(frozen=True, slots=True)
class ImportResult:
    written: list[Path]
    failed: int


def import_pages(
    files: list[Path],
    out: Path | None,
    config: Config,
    *,
    force: bool = False,
    offline: bool = False,
    no_cache: bool = False,
) -> ImportResult:
    from evidencelint.atomic import write_text_atomic
    from evidencelint.importer.discovery import Discoverer, build_client

    folder = out if out is not None else config.content
    client = build_client(config, offline=offline, no_cache=no_cache)
    discover: Discover | None = Discoverer(client) if client is not None else None
    written: list[Path] = []
    failed = 0
    chosen: set[Path] = set()
    try:
        for file in files:
            try:
                source = read_page(file)
            except SourceError as exc:
                print(f"evidencelint: {exc}", file=sys.stderr)
                failed += 1
                continue
            page = build_page(source, discover)
            base, number = str(page.values["id"]), 2
            while folder / f"{page.values['id']}.yaml" in chosen:
                # Two pages of this run with one title: ids are unique across the tree.
                page.values["id"], number = f"{base}-{number}", number + 1
            target = folder / f"{page.values['id']}.yaml"
            if target.exists() and not force:
                print(
                    f"evidencelint: {target} exists; not overwritten ({file} not imported; "
                    "--force replaces it)",
                    file=sys.stderr,
                )
                failed += 1
                continue
            chosen.add(target)
            write_text_atomic(target, render(page))
            for note in page.notes:
                print(f"evidencelint: {file}: {note}", file=sys.stderr)
            print(target)
            written.append(target)
    finally:
        if client is not None:
            client.close()
    return ImportResult(written, failed)
