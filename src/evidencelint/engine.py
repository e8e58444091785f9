"""One check run: load -> model -> resolve -> verify -> rules -> policy."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evidencelint.config import Config
from evidencelint.documents import BibliographyDoc, PageSummary, validate_bibliography
from evidencelint.doi import normalise_doi
from evidencelint.findings import Finding
from evidencelint.gating import Gates, apply_policy
from evidencelint.loader import load_file
from evidencelint.resolve import ReferenceEntry, SharedReferences, shared_entries
from evidencelint.scan import scan_pages
from evidencelint.validators import integrity, pubmed, references, registry, structure
from evidencelint.validators.base import RuleContext
from evidencelint.verification import Verifier

if TYPE_CHECKING:
    from evidencelint.registry.pubmed import PubmedLookup

YAML_SUFFIXES = (".yaml", ".yml")
FileIdentity = tuple[int, int] | Path


class UsageError(Exception):
    """The command cannot run as asked; exit 2."""


@dataclass(frozen=True, slots=True)
class RunResult:
    findings: list[Finding]
    files: int
    pages: Sequence[PageSummary]

    @property
    def claims(self) -> int:
        return sum(p.claims for p in self.pages)

    @property
    def references(self) -> int:
        return sum(p.references for p in self.pages)


def collect_files(arguments: Sequence[str]) -> list[tuple[str, Path, FileIdentity]]:
    """(path as shown, path on disk, identity) for each YAML file named or found below a
    folder, each file once however often it is named."""
    files: list[tuple[str, Path]] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            for child in sorted(_walk(path)):
                files.append((os.path.join(argument, str(child.relative_to(path))), child))
        elif path.is_file():
            files.append((argument, path))
        else:
            raise UsageError(f"{argument}: no such file or folder")
    unique: dict[FileIdentity, tuple[str, Path, FileIdentity]] = {}
    for shown, path in files:
        identity = file_identity(path)
        unique.setdefault(identity, (shown, path, identity))
    return list(unique.values())


def file_identity(path: Path) -> FileIdentity:
    """The same for every name of one file (relative, absolute, through a link): its
    device and inode, from one stat call (resolving the path costs one per folder)."""
    try:
        info = path.stat()
    except OSError:
        return path.absolute()
    return (info.st_dev, info.st_ino)


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                yield Path(root) / name


def run_check(
    arguments: Sequence[str],
    config: Config,
    today: dt.date,
    verifier: Verifier,
    pubmed_lookup: PubmedLookup | None = None,
) -> RunResult:
    """Check pages in two passes. The first scans each page on its own, keeping little
    of it (see `scan`); the second verifies every DOI at once, concurrently, then runs
    the checks that need the answers and those that look across pages."""
    files = collect_files(arguments or [_shown(config.content)])
    findings: list[Finding] = []
    selected = {identity: shown for shown, _, identity in files}
    bibliographies, selected_bibs = _load_bibliographies(config, selected, findings)
    bib_files = {file_identity(Path(b.path)) for b in bibliographies} | {
        file_identity(b) for b in config.bibliographies
    }
    shared = SharedReferences(shared_entries(bibliographies))

    summaries: list[PageSummary] = []
    local: list[tuple[str, tuple[ReferenceEntry, ...]]] = []
    gates = Gates()
    cited_shared: set[tuple[str, str]] = set()
    plain_ctx = RuleContext(config.policy, today)
    pages = [(shown, path) for shown, path, identity in files if identity not in bib_files]
    for scan in scan_pages(pages, config, shared, plain_ctx):
        findings += scan.findings
        if scan.summary is not None:
            summaries.append(scan.summary)
            local.append((scan.summary.id, scan.entries))
            gates.merge(scan.gates)
            cited_shared |= scan.cited_shared

    shared_to_verify = [
        e for e in shared.entries if e.path in selected_bibs or (e.path, e.key) in cited_shared
    ]
    dois = {
        doi
        for entry in [*(e for _, entries in local for e in entries), *shared_to_verify]
        if entry.reference is not None and entry.reference.doi is not None
        if (doi := normalise_doi(entry.reference.doi)) is not None
    }
    ctx = RuleContext(config.policy, today, verifier.verify(sorted(dois)))
    if pubmed_lookup is not None:
        pmids, pmcids = pubmed.identifiers(
            [*(e for _, entries in local for e in entries), *shared_to_verify]
        )
        if pmids or pmcids:
            ctx = dataclasses.replace(ctx, pubmed=pubmed_lookup.verify(pmids, pmcids))

    findings += structure.duplicate_page_ids(summaries)
    findings += references.conflicts(
        [(e, page_id) for page_id, entries in local for e in entries]
        + [(e, None) for e in shared.entries],
        ctx,
    )
    findings += registry.check_pages(local, ctx)
    for page_id, entries in local:
        findings += _with_pubmed(integrity.check(entries, page_id, ctx), entries, page_id, ctx)
    selected_shared = [e for e in shared.entries if e.path in selected_bibs]
    findings += references.doi_syntax(selected_shared, None)
    findings += references.duplicates(selected_shared, None, report_shared=True)
    findings += registry.check(shared_to_verify, None, ctx)
    findings += _with_pubmed(
        integrity.check(shared_to_verify, None, ctx), shared_to_verify, None, ctx
    )
    return RunResult(apply_policy(findings, gates, config.policy), len(files), summaries)


def _with_pubmed(
    notices: Iterable[Finding],
    entries: Sequence[ReferenceEntry],
    page: str | None,
    ctx: RuleContext,
) -> list[Finding]:
    """Crossref's notice findings, with PubMed's merged in (one finding per notice), and
    PubMed's identifier findings."""
    crossref = list(notices)
    added, merged = pubmed.check(entries, page, ctx, crossref)
    return [merged.get(i, f) for i, f in enumerate(crossref)] + added


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _load_bibliographies(
    config: Config, selected: dict[FileIdentity, str], findings: list[Finding]
) -> tuple[list[BibliographyDoc], set[str]]:
    """Shared bibliographies are always loaded; their own problems are reported only
    when the run was asked to check them."""
    docs: list[BibliographyDoc] = []
    selected_bibs: set[str] = set()
    for path in config.bibliographies:
        shown = selected.get(file_identity(path))
        report = shown is not None
        shown = shown or _shown(path)
        loaded = load_file(path, config.max_file_bytes)
        if report:
            selected_bibs.add(shown)
            findings += structure.load_findings(shown, loaded)
        if not loaded.usable:
            continue
        doc, problems = validate_bibliography(shown, loaded)
        if report:
            findings += structure.schema_findings(shown, problems)
        if doc is not None:
            docs.append(doc)
    return docs, selected_bibs
