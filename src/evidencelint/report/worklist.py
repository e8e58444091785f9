"""The audit's worklist: what an editor does first, most harmful first, each action once.

Both renderings (`report.markdown`, `report.html`) show `worklist(document)` as the
report's first section, after what could not be checked (`coverage_lines`). A finding
names its claim by id, and a reference finding names no claim at all: `ClaimBook` finds
the claims' words and the reference as the page cites it, from the run's page indexes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evidencelint.findings import Severity
from evidencelint.report.audit_document import (
    INTEGRITY,
    AuditDocument,
    FindingRow,
    PageReview,
    not_rechecked,
    nothing_changed,
    review_state,
    what_to_do,
)
from evidencelint.resolve.claim_index import ClaimNote


@dataclass(frozen=True, slots=True)
class NamedClaim:
    page: str
    """The title of the page the claim is on."""
    note: ClaimNote


@dataclass(frozen=True, slots=True)
class Action:
    kind: str
    """Which group of the worklist: one of `GROUPS`' keys."""
    severity: str
    page: str
    path: str
    where: str | None
    claims: tuple[NamedClaim, ...]
    reference: str | None
    problem: str
    todo: str
    references: tuple[str, ...] = ()
    """The references of a grouped action, as cited (the page's unchecked DOIs)."""

    @property
    def group(self) -> str:
        return GROUPS[self.kind]


GROUPS = {
    "retracted": "Retracted or withdrawn evidence",
    "wrong-doi": "A DOI that points at another work or at nothing",
    "unchecked": "Not checked this run: not known to be sound",
    "concern": "Expression of concern",
    "superseded": "Superseded evidence",
    "corrected": "Corrected evidence",
    "overdue": "Review overdue",
    "uncited": "Claims that cite no source",
    "due-soon": "Review due soon",
}
"""The worklist's groups, most harmful first."""

_BY_RULE = {
    "retracted": "retracted",
    "withdrawn": "retracted",
    "doi-not-found": "wrong-doi",
    "doi-invalid": "wrong-doi",
    "doi-conflict": "wrong-doi",
    "identifier-conflict": "wrong-doi",
    "pmid-not-found": "wrong-doi",
    "expression-of-concern": "concern",
    "superseded": "superseded",
    "corrected": "corrected",
}


def _kind(finding: FindingRow) -> str | None:
    name = finding["name"]
    if name == "metadata-mismatch":
        # An error here is a different title or first author: likely another work.
        return "wrong-doi" if finding["severity"] == "error" else None
    if name == "review-overdue" and finding.get("claim"):
        return "overdue"  # a page's own overdue review is listed from its review state
    return _BY_RULE.get(name)


class ClaimBook:
    """Claims by (page file, claim id), the claims citing each (file, reference key),
    and each reference as cited."""

    def __init__(self, document: AuditDocument) -> None:
        self.pages: dict[str, PageReview] = {p.path: p for p in document.pages}
        self._claims: dict[tuple[str, str], ClaimNote] = {}
        self._citing: defaultdict[tuple[str, str], list[NamedClaim]] = defaultdict(list)
        self._cited_as: dict[tuple[str, str], str] = {}
        for index in document.indexes:
            title = self.title(index.path)
            for claim in index.claims:
                self._claims[(index.path, claim.id)] = claim
                for reference in claim.cites:
                    self._citing[reference].append(NamedClaim(title, claim))
            for note in index.references:
                self._cited_as.setdefault((note.path, note.key), note.cited)

    def title(self, path: str) -> str:
        page = self.pages.get(path)
        return page.title if page is not None else path

    def claim(self, path: str, claim_id: str) -> ClaimNote | None:
        return self._claims.get((path, claim_id))

    def claims_of(self, finding: Mapping[str, Any]) -> tuple[NamedClaim, ...]:
        """The claim a finding names, or the claims citing the reference it names."""
        path, claim_id, key = finding["path"], finding.get("claim"), finding.get("reference")
        if isinstance(claim_id, str):
            note = self.claim(path, claim_id)
            return (NamedClaim(self.title(path), note),) if note is not None else ()
        if isinstance(key, str):
            return tuple(self._citing.get((path, key), ()))
        return ()

    def cited_as(self, finding: Mapping[str, Any]) -> str | None:
        key = finding.get("reference")
        return self._cited_as.get((finding["path"], key)) if isinstance(key, str) else None

    def published(self, path: str) -> bool:
        page = self.pages.get(path)
        return page is None or page.status == "published"


def worklist(document: AuditDocument) -> list[Action]:
    book = ClaimBook(document)
    by_kind: defaultdict[str, list[Action]] = defaultdict(list)
    findings = [*document.findings, *not_rechecked(document.since)]
    ordered = sorted(findings, key=lambda f: (not book.published(f["path"]), f["path"], f["line"]))
    for finding in ordered:
        kind = _kind(finding)
        if kind is not None:
            by_kind[kind].append(_finding_action(kind, finding, book))
    window = document.policy["due_soon_days"]
    pages_overdue, pages_due_soon = [], []
    for page in document.pages:  # already most overdue first, undated before all
        if page.days_overdue is None or page.days_overdue > 0:
            pages_overdue.append(_review_action("overdue", page))
        elif page.days_overdue > -window:
            pages_due_soon.append(_review_action("due-soon", page))
    by_kind["overdue"][:0] = pages_overdue
    by_kind["due-soon"] = pages_due_soon
    by_kind["unchecked"] = _unchecked(document.findings, book)
    by_kind["uncited"] = _uncited(document.findings, book)
    return [action for kind in GROUPS for action in by_kind.get(kind, [])]


def _finding_action(kind: str, finding: FindingRow, book: ClaimBook) -> Action:
    return Action(
        kind=kind,
        severity=finding["severity"],
        page=book.title(finding["path"]),
        path=finding["path"],
        where=f"{finding['path']}:{finding['line']}:{finding['column']}",
        claims=book.claims_of(finding),
        reference=book.cited_as(finding),
        problem=finding["message"],
        todo=what_to_do(finding["name"]),
    )


def _review_action(kind: str, page: PageReview) -> Action:
    if page.due is None:
        problem = "no review date: nobody can tell how current the page is"
        todo = what_to_do("review-date-missing")
    else:
        last = page.last_reviewed or "never"
        problem = f"{review_state(page)} (last reviewed {last}, due {page.due})"
        todo = what_to_do("review-overdue" if kind == "overdue" else "review-due-soon")
    return Action(
        kind=kind,
        severity="error" if kind == "overdue" and page.status == "published" else "warning",
        page=page.title,
        path=page.path,
        where=None,
        claims=(),
        reference=None,
        problem=problem,
        todo=todo,
    )


def _by_page(findings: Sequence[FindingRow], name: str) -> dict[str, list[FindingRow]]:
    by_page: dict[str, list[FindingRow]] = {}
    for finding in findings:
        if finding["name"] == name:
            by_page.setdefault(finding["path"], []).append(finding)
    return by_page


def _unchecked(findings: Sequence[FindingRow], book: ClaimBook) -> list[Action]:
    """One action per file: its references whose DOI could not be checked (a run
    without the registry has one per reference; listed one by one they would bury the
    worklist)."""
    actions = []
    for path, rows in sorted(
        _by_page(findings, "doi-unverified").items(), key=lambda i: not book.published(i[0])
    ):
        count = len(rows)
        cited = tuple(
            f"{book.cited_as(f) or f.get('reference') or '?'} (DOI {f.get('doi')}, line "
            f"{f['line']})"
            for f in rows
        )
        why = sorted({f["message"].split(" could not be verified: ", 1)[-1] for f in rows})
        actions.append(
            Action(
                kind="unchecked",
                severity=min((Severity(f["severity"]) for f in rows), key=lambda s: s.rank).value,
                page=book.title(path),
                path=path,
                where=None,
                claims=(),
                reference=None,
                problem=f"{count} DOI{'' if count == 1 else 's'} could not be checked "
                f"({'; '.join(why)}): not known whether retracted, withdrawn or superseded",
                todo=what_to_do("doi-unverified"),
                references=cited,
            )
        )
    return actions


def _uncited(findings: Sequence[FindingRow], book: ClaimBook) -> list[Action]:
    """One action per page: every claim of it that cites no source."""
    actions = []
    for path, rows in _by_page(findings, "citation-missing").items():
        claims = tuple(c for f in rows for c in book.claims_of(f))
        count = len(rows)
        actions.append(
            Action(
                kind="uncited",
                severity=rows[0]["severity"],
                page=book.title(path),
                path=path,
                where=None,
                claims=claims,
                reference=None,
                problem=f"{count} claim{'' if count == 1 else 's'} cite no source",
                todo=what_to_do("citation-missing"),
            )
        )
    return actions


def short_text(text: str, limit: int = 110) -> str:
    """A claim shortened at a word, for a report line: the whole claim is in report.json."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def coverage_lines(document: AuditDocument) -> list[str]:
    """What was checked and what could not be, in plain sentences (never "all clear"
    about a DOI the registry did not answer about)."""
    verification = document.verification
    dois, unchecked = verification.get("dois", 0), verification.get("unchecked", 0)
    lines = []
    if not dois:
        lines.append("No cited work has a DOI: nothing was checked against Crossref.")
    elif not unchecked:
        lines.append(f"All {dois} DOIs were checked against Crossref on {document.today}.")
    else:
        reasons = verification.get("reasons") or {}
        why = (
            next(iter(reasons))
            if len(reasons) == 1
            else "; ".join(f"{reason} ({n})" for reason, n in reasons.items())
        )
        lines.append(
            f"{unchecked} of {dois} DOIs could not be checked ({' '.join(str(why).split())}): "
            "nothing is known of retractions, corrections or newer versions of those works; "
            "the references that cite them are listed below, after the wrong DOIs."
        )
    # From the run's coverage, not from pmid-unverified findings: a rule switched off or
    # suppressed must not make an unchecked identifier look checked.
    pubmed = (verification.get("pubmed") or {}).get("unchecked", 0)
    if pubmed:
        lines.append(
            f"{pubmed} PubMed identifier{'' if pubmed == 1 else 's'} could not be "
            "checked: a retraction only PubMed marks would not be seen for those references."
        )
    changed = [*document.findings, *(document.since.not_rechecked if document.since else [])]
    if not any(f["name"] in INTEGRITY for f in changed):
        lines.append(nothing_changed(verification))
    carried = document.since.not_rechecked if document.since else []
    if carried:
        lines.append(
            f"{len(carried)} verdict{'' if len(carried) == 1 else 's'} of the previous audit "
            "could not be re-checked and still stand."
        )
    return lines
