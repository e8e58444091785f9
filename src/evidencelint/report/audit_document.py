"""The audit document, typed, and the views the Markdown and HTML reports share.

`report.audit.build_audit` makes an `AuditDocument`; `AuditDocument.to_json` is what
report.json holds, and `report.markdown` and `report.html` render the same object.
Findings stay in the JSON contract's shape (`FindingRow`): that is how they are written,
and how a previous audit's are read back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evidencelint.resolve.claim_index import ClaimNote, PageIndex
from evidencelint.validators import integrity
from evidencelint.validators.all_rules import find_rule

FindingRow = Mapping[str, Any]
"""A finding as the JSON contract writes it (`report.formats.finding_json`)."""
INTEGRITY = tuple(rule.name for rule in integrity.RULES)


@dataclass(frozen=True, slots=True)
class PageReview:
    """One page's review state on the audit date."""

    path: str
    page: str
    title: str
    status: str
    last_reviewed: str | None
    due: str | None
    days_overdue: int | None
    reviewed_by: str | None
    claims: tuple[ClaimNote, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "page": self.page,
            "title": self.title,
            "status": self.status,
            "last_reviewed": self.last_reviewed,
            "due": self.due,
            "days_overdue": self.days_overdue,
            "reviewed_by": self.reviewed_by,
            "claims": [claim.to_json() for claim in self.claims],
        }


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since a previous audit."""

    previous_today: str | None
    new: list[FindingRow] = field(default_factory=list)
    resolved: list[FindingRow] = field(default_factory=list)
    not_rechecked: list[FindingRow] = field(default_factory=list)
    """Previous registry verdicts whose DOI could not be checked this run, with the date
    each was last verified: not resolved, carried forward."""

    def to_json(self) -> dict[str, Any]:
        return {
            "previous_today": self.previous_today,
            "new": self.new,
            "resolved": self.resolved,
            "not_rechecked": self.not_rechecked,
        }


@dataclass(frozen=True, slots=True)
class AuditDocument:
    version: str
    today: str
    verification: Mapping[str, Any]
    """`report.formats.coverage_json`: DOIs checked, not checked and why, the notice."""
    policy: Mapping[str, Any]
    findings: list[FindingRow]
    summary: Mapping[str, int]
    pages: list[PageReview]
    since: Changes | None = None
    indexes: Sequence[PageIndex] = ()
    """Each page's claims in words and its references as cited (not in report.json but
    through `pages`)."""

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "tool": "evidencelint",
            "version": self.version,
            "today": self.today,
            "audit": True,
            "verification": self.verification,
            "policy": self.policy,
            "findings": self.findings,
            "summary": self.summary,
            "pages": [page.to_json() for page in self.pages],
        }
        if self.since is not None:
            document["since"] = self.since.to_json()
        return document


# --- views shared by the Markdown and HTML reports ---------------------------------------


def coverage_notice(verification: Mapping[str, Any]) -> str | None:
    """The report's opening warning when some DOIs could not be checked."""
    notice = verification.get("notice")
    return str(notice) if notice else None


def nothing_changed(verification: Mapping[str, Any]) -> str:
    """What 'Evidence that changed' says when it lists nothing: that nothing was
    retracted only when every DOI was checked this run."""
    unchecked, dois = verification.get("unchecked", 0), verification.get("dois", 0)
    if not unchecked:
        return "No cited work was retracted, withdrawn, corrected or superseded."
    if unchecked == dois:
        return (
            f"Unknown: none of the {dois} DOIs could be checked, so nothing is known of "
            "retractions, withdrawals, corrections or newer versions."
        )
    return (
        f"None found among the {dois - unchecked} DOIs checked; {unchecked} could not be "
        "checked, and nothing is known of those."
    )


def not_rechecked(since: Changes | None) -> list[FindingRow]:
    """Previous verdicts that could not be re-checked this run, marked as such."""
    if since is None:
        return []
    return [
        {
            **f,
            "message": f"{f['message']} (not re-checked this run; last verified "
            f"{f.get('last_verified') or 'by an earlier audit'})",
        }
        for f in since.not_rechecked
    ]


def by_name(findings: Sequence[FindingRow], *names: str) -> list[FindingRow]:
    return [f for f in findings if f["name"] in names]


def what_to_do(name: str) -> str:
    rule = find_rule(name)
    return rule.fix if rule else ""


def review_state(page: PageReview) -> str:
    if page.due is None or page.days_overdue is None:
        return "no review date"
    days = page.days_overdue
    return f"{days} days overdue" if days > 0 else f"due in {-days} days"


def pages_due(document: AuditDocument) -> list[PageReview]:
    """Pages overdue, undated, or due within the policy's window (the audit's order)."""
    window = document.policy["due_soon_days"]
    return [
        p
        for p in document.pages
        if p.due is None or p.days_overdue is None or p.days_overdue > -window
    ]


def change_groups(since: Changes) -> list[tuple[str, list[FindingRow]]]:
    """The non-empty groups of a "changed since" section, in the order reports show them."""
    new = since.new
    groups = [
        ("Newly retracted, withdrawn, corrected or superseded", by_name(new, *INTEGRITY)),
        ("Pages newly overdue", by_name(new, "review-overdue")),
        ("Other new findings", [f for f in new if f["name"] not in (*INTEGRITY, "review-overdue")]),
        ("Resolved since", list(since.resolved)),
        ("Not re-checked this run: the last verdict stands", not_rechecked(since)),
    ]
    return [(title, rows) for title, rows in groups if rows]
