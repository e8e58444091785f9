"""Policy applied to raw findings: suppressions, configured severities, page status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from evidencelint.config import Policy
from evidencelint.findings import Finding, Severity
from evidencelint.resolve.resolver import ResolvedPage


@dataclass(slots=True)
class Gates:
    """What the policy needs to know of the pages, gathered page by page: each page's
    status and the suppressions its claims declare."""

    status: dict[tuple[str, str | None], str] = field(default_factory=dict)
    claim_ignores: dict[tuple[str, str | None, str], frozenset[str]] = field(default_factory=dict)
    reference_ignores: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """A reference finding is suppressed only when every claim citing the reference
    suppresses it, on whichever page."""

    def add_page(self, page: ResolvedPage) -> None:
        path, page_id = page.doc.path, page.doc.page.id
        self.status[(path, page_id)] = page.doc.page.status.value
        ids = Counter(claim.claim.id for claim in page.claims)
        for claim in page.claims:
            # A finding names its claim by id: while an id is repeated, an ignore entry
            # on one of its claims would silence the others too (an uncited claim passing,
            # the duplicate-id error hidden), so none of them is honoured.
            unique = ids[claim.claim.id] == 1
            ignored = frozenset(s.rule for s in claim.claim.ignore) if unique else frozenset()
            if ignored:
                self.claim_ignores[(path, page_id, claim.claim.id)] = ignored
            for resolution in claim.resolutions:
                for entry in resolution.matches:
                    self._cited((entry.path, entry.key), ignored)

    def merge(self, other: Gates) -> None:
        self.status.update(other.status)
        self.claim_ignores.update(other.claim_ignores)
        for where, ignored in other.reference_ignores.items():
            self._cited(where, ignored)

    def suppresses(self, finding: Finding) -> bool:
        if finding.claim is not None:
            where = (finding.path, finding.page, finding.claim)
            return finding.name in self.claim_ignores.get(where, ())
        if finding.reference is not None:
            return finding.name in self.reference_ignores.get((finding.path, finding.reference), ())
        return False

    def _cited(self, where: tuple[str, str], ignored: frozenset[str]) -> None:
        self.reference_ignores[where] = self.reference_ignores.get(where, ignored) & ignored


def apply_policy(findings: Iterable[Finding], gates: Gates, policy: Policy) -> list[Finding]:
    kept: list[Finding] = []
    for finding in findings:
        if gates.suppresses(finding):
            continue
        severity: Severity | None = finding.severity
        if finding.name in policy.severity:
            severity = policy.severity[finding.name]
        if severity is None:
            continue
        page_status = gates.status.get((finding.path, finding.page))
        if (
            severity is Severity.ERROR
            and page_status is not None
            and page_status not in policy.gated_statuses
        ):
            severity = Severity.WARNING
        kept.append(finding.with_severity(severity))
    return sorted(kept, key=Finding.sort_key)
