"""Policy applied to raw findings: suppressions, configured severities, page status."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from evidencelint.config import Policy
from evidencelint.findings import Finding, Severity
from evidencelint.resolve import ResolvedPage


def apply_policy(
    findings: Iterable[Finding], pages: Sequence[ResolvedPage], policy: Policy
) -> list[Finding]:
    status: dict[tuple[str, str | None], str] = {
        (p.doc.path, p.doc.page.id): p.doc.page.status.value for p in pages
    }
    claim_ignores: dict[tuple[str, str | None, str], frozenset[str]] = {}
    reference_ignores: dict[tuple[str, str | None], frozenset[str]] = {}
    for page in pages:
        for claim in page.claims:
            ignored = frozenset(s.rule for s in claim.claim.ignore)
            claim_ignores[(page.doc.path, page.doc.page.id, claim.claim.id)] = ignored
            for resolution in claim.resolutions:
                for entry in resolution.matches:
                    where: tuple[str, str | None] = (entry.path, entry.key)
                    # A reference finding is suppressed only when every claim citing the
                    # reference suppresses it.
                    reference_ignores[where] = reference_ignores.get(where, ignored) & ignored
    kept: list[Finding] = []
    for finding in findings:
        if finding.claim is not None:
            if finding.name in claim_ignores.get((finding.path, finding.page, finding.claim), ()):
                continue
        elif finding.reference is not None and finding.name in reference_ignores.get(
            (finding.path, finding.reference), ()
        ):
            continue
        severity: Severity | None = finding.severity
        if finding.name in policy.severity:
            severity = policy.severity[finding.name]
        if severity is None:
            continue
        page_status = status.get((finding.path, finding.page))
        if (
            severity is Severity.ERROR
            and page_status is not None
            and page_status not in policy.gated_statuses
        ):
            severity = Severity.WARNING
        kept.append(finding.with_severity(severity))
    return sorted(kept, key=Finding.sort_key)
