"""The first pass of a check: one page file, from bytes to every finding that needs no
registry answer, and the little the second pass keeps of it.

A page's text, data and source map are dropped once it is scanned; only its summary, its
own references (each with the positions of its own fields) and the findings stay: a run
over ten thousand pages peaks at about 250 MB (docs/performance.md), not 860.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from evidencelint.config import Config
from evidencelint.content.documents import PageSummary, validate_page
from evidencelint.findings import Finding
from evidencelint.resolve.claim_index import PageIndex, page_index
from evidencelint.resolve.resolver import ReferenceEntry, SharedReferences, resolve_page
from evidencelint.run.gates import Gates
from evidencelint.run.reading import read_file
from evidencelint.validators.all_rules import PAGE_CHECKS
from evidencelint.validators.base import RuleContext


@dataclass(slots=True)
class PageScan:
    findings: list[Finding] = field(default_factory=list)
    summary: PageSummary | None = None
    entries: tuple[ReferenceEntry, ...] = ()
    """The page's own references, for the checks that need registry answers."""
    gates: Gates = field(default_factory=Gates)
    cited_shared: frozenset[tuple[str, str]] = frozenset()
    """(bibliography path, key) of each shared reference the page cites."""
    index: PageIndex | None = None
    """The page's claims in words, kept only when asked for (the audit)."""


def scan_page(
    shown: str,
    path: Path,
    config: Config,
    shared: SharedReferences,
    ctx: RuleContext,
    index_claims: bool = False,
) -> PageScan:
    read = read_file(shown, path, config.max_file_bytes, validate_page, is_page=True)
    scan = PageScan(read.findings)
    doc = read.doc
    if doc is None:
        return scan
    page = resolve_page(doc, shared)
    for check in PAGE_CHECKS:
        scan.findings += check(page, ctx)
    scan.summary = PageSummary.of(doc)
    if index_claims:
        scan.index = page_index(page)
    scan.entries = tuple(
        dataclasses.replace(entry, source=doc.source.detach(entry.source_path))
        for entry in page.local
    )
    scan.gates.add_page(page)
    scan.cited_shared = frozenset(
        (m.path, m.key) for c in page.claims for r in c.resolutions for m in r.matches if m.shared
    )
    return scan


PARALLEL_FROM = 200
"""Fewer pages than this are scanned in this process: starting workers costs more than
it saves (a pre-commit hook passes a handful of files)."""
CHUNK = 100


def scan_pages(
    files: Sequence[tuple[str, Path]],
    config: Config,
    shared: SharedReferences,
    ctx: RuleContext,
    index_claims: bool = False,
) -> Iterator[PageScan]:
    """scan_page for each file, in order; on several cores, in worker processes."""
    workers = _workers(len(files))
    if workers < 2:
        for index, (shown, path) in enumerate(files, 1):
            yield scan_page(shown, path, config, shared, ctx, index_claims)
            if index % CHUNK == 0:
                _set_aside_from_collection()
        return
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    done = 0
    try:
        # Forked workers inherit the configuration and the shared references; only the
        # file names go to them, and only what a scan keeps comes back.
        with ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_remember,
            initargs=(config, shared, ctx, index_claims),
        ) as pool:
            for scans in pool.map(_scan_chunk, chunks):
                done += 1
                yield from scans
                _set_aside_from_collection()
    except BrokenProcessPool:
        for chunk in chunks[done:]:
            for shown, path in chunk:
                yield scan_page(shown, path, config, shared, ctx, index_claims)


_spared = 0
YOUNG_COLLECTION_EVERY = 10_000
"""Objects allocated between two collections of the youngest generation during a run
(Python's default is 700). A page allocates thousands, nearly all freed by reference
counting: collecting took 7 to 10 % of a worker's time at 700, 3 % with what it inherits
frozen, next to nothing at 10,000."""


@contextmanager
def collections_spared() -> Iterator[None]:
    """For the length of a run, fewer and smaller collections.

    What scans send back stays to the end of the run, so every full collection walked
    all of it again, and ten times the pages cost far more than ten times the collecting
    (11 full collections, 6.5 s at 10,000 pages). Inside this, `scan_pages` sets what the
    run holds aside from the collector after each chunk (`gc.freeze`), and the youngest
    generation is collected less often, in the workers too (they are forked inside it).
    On leaving, the collector sees everything again, at its usual pace."""
    global _spared
    _spared += 1
    threshold = gc.get_threshold()
    if _spared == 1:
        gc.set_threshold(max(threshold[0], YOUNG_COLLECTION_EVERY), *threshold[1:])
    try:
        yield
    finally:
        _spared -= 1
        if not _spared:
            gc.set_threshold(*threshold)
            gc.unfreeze()


def _set_aside_from_collection() -> None:
    if _spared:
        gc.freeze()


def _workers(pages: int) -> int:
    if pages < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, 4)


_worker_state: tuple[Config, SharedReferences, RuleContext, bool] | None = None


def _remember(
    config: Config, shared: SharedReferences, ctx: RuleContext, index_claims: bool
) -> None:
    global _worker_state
    _worker_state = (config, shared, ctx, index_claims)
    # What a worker inherits lives as long as it does: its collections need not walk it.
    gc.freeze()


def _scan_chunk(files: Sequence[tuple[str, Path]]) -> list[PageScan]:
    assert _worker_state is not None
    config, shared, ctx, index_claims = _worker_state
    return [scan_page(shown, path, config, shared, ctx, index_claims) for shown, path in files]
