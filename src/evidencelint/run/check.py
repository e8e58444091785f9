"""One check run: load -> model -> resolve -> verify -> rules -> policy."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evidencelint.config import Config
from evidencelint.content.documents import BibliographyDoc, PageSummary, validate_bibliography
from evidencelint.errors import UsageError
from evidencelint.findings import Finding
from evidencelint.load.parsed_cache import load_bibliography
from evidencelint.resolve.claim_index import PageIndex
from evidencelint.resolve.doi import normalise_doi
from evidencelint.resolve.resolver import ReferenceEntry, SharedReferences, shared_entries
from evidencelint.results import Coverage, PubmedCoverage, RunResult
from evidencelint.run.gates import Gates, apply_policy
from evidencelint.run.pages import collections_spared, scan_pages
from evidencelint.run.reading import read_file
from evidencelint.validators import pubmed, structure
from evidencelint.validators.all_rules import ANSWERS_CHECKS, RUN_CHECKS
from evidencelint.validators.base import ReferenceGroup, RuleContext, WholeRun
from evidencelint.verify.verdicts import Verifier

if TYPE_CHECKING:
    from evidencelint.verify.pubmed import PubmedLookup

YAML_SUFFIXES = (".yaml", ".yml")
FileIdentity = tuple[int, int] | Path


@dataclass(slots=True)
class Collected:
    files: list[tuple[str, Path, FileIdentity]]
    refused: list[tuple[str, str]]
    """(path as shown, why it is not read): links out of the tree, folders that
    cannot be listed."""


def collect_files(arguments: Sequence[str], root: Path | None = None) -> Collected:
    """(path as shown, path on disk, identity) for each YAML file named or found below a
    folder, each file once however often it is named.

    A file is read only where it really is inside the tree: `root` (the project's
    folder) for paths under it, otherwise the folder named or the named file's folder. A
    symbolic link that leads out of it is refused unread, as is a folder that cannot be
    listed; each becomes a finding. Folders are walked without recursion (any depth) and
    `.yaml`/`.yml` is matched whatever its case."""
    files: list[tuple[str, Path]] = []
    refused: list[tuple[str, str]] = []
    project = os.path.abspath(root) if root is not None else None
    for argument in arguments:
        path = Path(argument)
        absolute = os.path.abspath(argument)
        candidates: list[tuple[str, Path]] = []
        if path.is_dir():
            tree = project if project and _inside(absolute, project) else absolute
            named = absolute
            unreadable: list[tuple[Path, str]] = []
            links: set[Path] = set()
            for child in sorted(_walk(path, unreadable, links)):
                candidates.append((os.path.join(argument, str(child.relative_to(path))), child))
            for folder, why in unreadable:
                shown = os.path.join(argument, str(folder.relative_to(path)))
                refused.append((shown, f"cannot read the folder: {why}; its files are not checked"))
        elif path.exists() or path.is_symlink():  # a FIFO or device too: the loader refuses it
            named = os.path.dirname(absolute)
            tree = project if project and _inside(absolute, project) else named
            candidates.append((argument, path))
            links = {path}  # any part of a named path may be a link: resolve it
        else:
            raise UsageError(f"{argument}: no such file or folder")
        # The tree as named and as it really is (content/ may itself be a link).
        trees = {os.path.realpath(tree), os.path.realpath(named)}
        for shown, file in candidates:
            if file not in links:
                files.append((shown, file))  # found by the walk, which follows no link
                continue
            real = os.path.realpath(file)
            if real == os.path.abspath(file) or any(_leads_into(real, t) for t in trees):
                files.append((shown, file))
            else:
                refused.append(
                    (
                        shown,
                        "not read: a symbolic link that leads out of the tree checked "
                        f"({_shown(Path(tree))}) or into a hidden folder of it; content files "
                        "must be inside the tree they are checked in",
                    )
                )
    unique: dict[FileIdentity, tuple[str, Path, FileIdentity]] = {}
    for shown, file in files:
        identity = file_identity(file)
        unique.setdefault(identity, (shown, file, identity))
    return Collected(list(unique.values()), refused)


def _leads_into(real: str, tree: str) -> bool:
    """A link's target is in the tree, and not in a hidden folder of it (`.git/config`
    holds the CI's token on a checkout)."""
    if not _inside(real, tree):
        return False
    return not any(part.startswith(".") for part in Path(os.path.relpath(real, tree)).parts)


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([path, folder]) == folder
    except ValueError:  # another drive on Windows
        return False


def file_identity(path: Path) -> FileIdentity:
    """The same for every name of one file (relative, absolute, through a link): its
    device and inode, from one stat call (resolving the path costs one per folder)."""
    try:
        info = path.stat()
    except OSError:
        return path.absolute()
    return (info.st_dev, info.st_ino)


def _walk(folder: Path, unreadable: list[tuple[Path, str]], links: set[Path]) -> Iterator[Path]:
    """The YAML files below `folder`, hidden names skipped, links to folders not
    followed; with a stack, not recursion, so that no depth is too deep. Files that are
    symbolic links are added to `links`: only they can lead out of the tree."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            unreadable.append((current, exc.strerror or str(exc)))
            continue
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_folder = entry.is_dir()
                is_link = entry.is_symlink()
            except OSError:
                is_folder = is_link = False
            if is_folder:
                if not is_link:
                    folders.append(Path(entry.path))
            elif entry.name.lower().endswith(YAML_SUFFIXES):
                found = Path(entry.path)
                if is_link:
                    links.add(found)
                yield found
        stack.extend(reversed(folders))


def run_check(
    arguments: Sequence[str],
    config: Config,
    today: dt.date,
    verifier: Verifier,
    pubmed_lookup: PubmedLookup | None = None,
    parsed_cache: Path | None = None,
    index_claims: bool = False,
) -> RunResult:
    """Check pages in two passes. The first scans each page on its own, keeping little
    of it (see `run.pages`); the second verifies every DOI at once, concurrently, then runs
    the rules' checks of the answers and of the whole run (`validators.all_rules`).
    `parsed_cache`: the cache folder, where loaded shared bibliographies are kept
    (load.parsed_cache). `index_claims` keeps each page's claims in words
    (`RunResult.indexes`, for the audit)."""
    with collections_spared():
        return _run_check(
            arguments, config, today, verifier, pubmed_lookup, parsed_cache, index_claims
        )


def _run_check(
    arguments: Sequence[str],
    config: Config,
    today: dt.date,
    verifier: Verifier,
    pubmed_lookup: PubmedLookup | None,
    parsed_cache: Path | None,
    index_claims: bool,
) -> RunResult:
    collected = collect_files(arguments or [_shown(config.content)], config.root)
    files = collected.files
    findings: list[Finding] = [
        structure.unread_file(shown, why) for shown, why in collected.refused
    ]
    selected = {identity: shown for shown, _, identity in files}
    bibliographies, selected_bibs = _load_bibliographies(config, selected, findings, parsed_cache)
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
    indexes: list[PageIndex] = []
    for scan in scan_pages(pages, config, shared, plain_ctx, index_claims):
        findings += scan.findings
        if scan.index is not None:
            indexes.append(scan.index)
        if scan.summary is not None:
            summaries.append(scan.summary)
            local.append((scan.summary.id, scan.entries))
            gates.merge(scan.gates)
            cited_shared |= scan.cited_shared

    shared_to_verify = [
        e for e in shared.entries if e.path in selected_bibs or (e.path, e.key) in cited_shared
    ]
    groups = [ReferenceGroup(page_id, entries) for page_id, entries in local]
    groups.append(ReferenceGroup(None, shared_to_verify))
    verified = [entry for group in groups for entry in group.entries]
    dois = {
        doi
        for entry in verified
        if entry.reference is not None and entry.reference.doi is not None
        if (doi := normalise_doi(entry.reference.doi)) is not None
    }
    ctx = RuleContext(config.policy, today, verifier.verify(sorted(dois)))
    coverage = Coverage.of(dois, ctx.answers)
    if pubmed_lookup is not None:
        pmids, pmcids = pubmed.identifiers(verified)
        if pmids or pmcids:
            ctx = dataclasses.replace(ctx, pubmed=pubmed_lookup.verify(pmids, pmcids))
        pubmed_coverage = PubmedCoverage.of(pmids, pmcids, ctx.pubmed)
        coverage = dataclasses.replace(coverage, pubmed=pubmed_coverage)

    for answers_check in ANSWERS_CHECKS:
        findings += answers_check(groups, ctx)
    run = WholeRun(
        pages=summaries,
        references=[(e, page_id) for page_id, entries in local for e in entries]
        + [(e, None) for e in shared.entries],
        shared_checked=[e for e in shared.entries if e.path in selected_bibs],
    )
    for run_check in RUN_CHECKS:
        findings += run_check(run, ctx)
    return RunResult(
        apply_policy(findings, gates, config.policy),
        len(files) + len(collected.refused),
        summaries,
        coverage,
        indexes,
    )


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _load_bibliographies(
    config: Config,
    selected: dict[FileIdentity, str],
    findings: list[Finding],
    parsed_cache: Path | None,
) -> tuple[list[BibliographyDoc], set[str]]:
    """Shared bibliographies are always loaded; their own problems are reported only
    when the run was asked to check them."""
    docs: list[BibliographyDoc] = []
    selected_bibs: set[str] = set()
    for path in config.bibliographies:
        shown = selected.get(file_identity(path))
        report = shown is not None
        shown = shown or _shown(path)
        read = read_file(
            shown,
            path,
            config.max_file_bytes,
            validate_bibliography,
            is_page=False,
            load=lambda file, limit: load_bibliography(file, limit, parsed_cache),
        )
        if report:
            selected_bibs.add(shown)
            findings += read.findings
        if read.doc is not None:
            docs.append(read.doc)
    return docs, selected_bibs
