"""One check run: load -> model -> resolve -> verify -> rules -> policy."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from evidencelint.config import Config
from evidencelint.documents import BibliographyDoc, PageDoc, validate_bibliography, validate_page
from evidencelint.doi import normalise_doi
from evidencelint.findings import Finding
from evidencelint.gating import apply_policy
from evidencelint.loader import load_file
from evidencelint.resolve import ReferenceEntry, ResolvedPage, resolve_page, shared_entries
from evidencelint.validators import citations, dates, integrity, references, registry, structure
from evidencelint.validators.base import RuleContext
from evidencelint.verification import Verifier

YAML_SUFFIXES = (".yaml", ".yml")


class UsageError(Exception):
    """The command cannot run as asked; exit 2."""


@dataclass(frozen=True, slots=True)
class RunResult:
    findings: list[Finding]
    files: int
    pages: Sequence[ResolvedPage]

    @property
    def claims(self) -> int:
        return sum(len(p.claims) for p in self.pages)

    @property
    def references(self) -> int:
        return sum(len(p.local) for p in self.pages)


def collect_files(arguments: Sequence[str]) -> list[tuple[str, Path]]:
    """(path as shown, path on disk) for each YAML file named or found below a folder."""
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
    unique: dict[Path, tuple[str, Path]] = {}
    for shown, path in files:
        unique.setdefault(path.resolve(), (shown, path))
    return list(unique.values())


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.endswith(YAML_SUFFIXES) and not name.startswith("."):
                yield Path(root) / name


def run_check(
    arguments: Sequence[str], config: Config, today: dt.date, verifier: Verifier
) -> RunResult:
    files = collect_files(arguments or [_shown(config.content)])
    findings: list[Finding] = []
    selected = {path.resolve(): shown for shown, path in files}
    bibliographies, selected_bibs = _load_bibliographies(config, selected, findings)
    pages: list[PageDoc] = []
    bib_files = {Path(b.path).resolve() for b in bibliographies} | {
        b.resolve() for b in config.bibliographies
    }
    for shown, path in files:
        if path.resolve() in bib_files:
            continue
        loaded = load_file(path, config.max_file_bytes)
        findings += structure.load_findings(shown, loaded)
        if not loaded.usable:
            continue
        doc, problems = validate_page(shown, loaded)
        page_id = loaded.data.get("id") if isinstance(loaded.data, dict) else None
        findings += structure.schema_findings(
            shown, problems, page_id if isinstance(page_id, str) else None
        )
        if doc is not None:
            pages.append(doc)

    shared = shared_entries(bibliographies)
    resolved = [resolve_page(doc, shared) for doc in pages]
    shared_to_verify = _shared_to_verify(shared, selected_bibs, resolved)
    dois = {
        doi
        for entry in [*(e for p in resolved for e in p.local), *shared_to_verify]
        if entry.reference is not None and entry.reference.doi is not None
        if (doi := normalise_doi(entry.reference.doi)) is not None
    }
    ctx = RuleContext(config.policy, today, verifier.verify(sorted(dois)))

    findings += structure.check_tree(resolved)
    findings += references.conflicts(
        [(e, p.doc.page.id) for p in resolved for e in p.local] + [(e, None) for e in shared],
        ctx,
    )
    for page in resolved:
        findings += citations.check(page, ctx)
        findings += references.check(page, ctx)
        findings += registry.check(page.local, page.doc.page.id, ctx)
        findings += integrity.check(page.local, page.doc.page.id, ctx)
        findings += dates.check(page, ctx)
    selected_shared = [e for e in shared if e.path in selected_bibs]
    findings += references.doi_syntax(selected_shared, None)
    findings += references.duplicates(selected_shared, None, report_shared=True)
    findings += registry.check(shared_to_verify, None, ctx)
    findings += integrity.check(shared_to_verify, None, ctx)
    return RunResult(apply_policy(findings, resolved, config.policy), len(files), resolved)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _load_bibliographies(
    config: Config, selected: dict[Path, str], findings: list[Finding]
) -> tuple[list[BibliographyDoc], set[str]]:
    """Shared bibliographies are always loaded; their own problems are reported only
    when the run was asked to check them."""
    docs: list[BibliographyDoc] = []
    selected_bibs: set[str] = set()
    for path in config.bibliographies:
        shown = selected.get(path.resolve())
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


def _shared_to_verify(
    shared: Sequence[ReferenceEntry], selected_bibs: set[str], pages: Sequence[ResolvedPage]
) -> list[ReferenceEntry]:
    """Shared references in a checked bibliography, or cited by a checked page."""
    cited = {
        (m.path, m.key)
        for p in pages
        for c in p.claims
        for r in c.resolutions
        for m in r.matches
        if m.shared
    }
    return [e for e in shared if e.path in selected_bibs or (e.path, e.key) in cited]
