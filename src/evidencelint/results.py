"""What a check run produces, and its JSON shape: the findings, the pages and how much
could be verified.

The run (`evidencelint.run`) builds a `RunResult`; the reporters read it, and write it in
the shape of the JSON contract (`check_document`), without importing the run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evidencelint import __version__
from evidencelint.content.documents import PageSummary
from evidencelint.findings import Finding, Severity
from evidencelint.resolve.claim_index import PageIndex
from evidencelint.verify.verdicts import Outcome, Verification


@dataclass(frozen=True, slots=True)
class Coverage:
    """How many of the run's DOIs were checked against the registry this run, and why
    the others were not: taken from the answers, so a switched-off or suppressed
    `doi-unverified` finding cannot make an unchecked DOI look checked."""

    dois: int = 0
    unchecked: Mapping[str, str] = field(default_factory=dict)
    """Normalised DOI -> why it was not checked this run."""

    @classmethod
    def of(cls, dois: Iterable[str], answers: Mapping[str, Verification]) -> Coverage:
        dois = sorted(dois)
        unchecked: dict[str, str] = {}
        for doi in dois:
            answer = answers.get(doi)
            if answer is None:
                unchecked[doi] = "not looked up"
            elif answer.outcome is Outcome.UNVERIFIED:
                unchecked[doi] = answer.detail or "no answer"
            elif answer.stale_since:
                unchecked[doi] = (
                    f"service unreachable, answered from a cache of {answer.stale_since}"
                )
        return cls(len(dois), unchecked)

    @property
    def complete(self) -> bool:
        return not self.unchecked


@dataclass(frozen=True, slots=True)
class RunResult:
    findings: list[Finding]
    files: int
    pages: Sequence[PageSummary]
    coverage: Coverage = field(default_factory=Coverage)
    indexes: Sequence[PageIndex] = ()
    """Each page's claims in words, when the run was asked to keep them (the audit)."""

    @property
    def claims(self) -> int:
        return sum(p.claims for p in self.pages)

    @property
    def references(self) -> int:
        return sum(p.references for p in self.pages)


# --- the JSON contract's shape ------------------------------------------------------------


def check_document(result: RunResult, today: dt.date) -> dict[str, Any]:
    return {
        "tool": "evidencelint",
        "version": __version__,
        "today": today.isoformat(),
        "verification": coverage_json(result.coverage),
        "findings": [finding_json(f) for f in result.findings],
        "summary": summary(result),
    }


def summary(result: RunResult) -> dict[str, int]:
    counts = Counter(f.severity for f in result.findings)
    return {
        "files": result.files,
        "pages": len(result.pages),
        "claims": result.claims,
        "references": result.references,
        "errors": counts[Severity.ERROR],
        "warnings": counts[Severity.WARNING],
        "infos": counts[Severity.INFO],
    }


def coverage_json(coverage: Coverage) -> dict[str, Any]:
    """How much of the run was verified, for reports to open with when not all of it."""
    reasons = Counter(coverage.unchecked.values())
    return {
        "dois": coverage.dois,
        "checked": coverage.dois - len(coverage.unchecked),
        "unchecked": len(coverage.unchecked),
        "complete": coverage.complete,
        "reasons": dict(reasons.most_common()),
        "notice": coverage_notice(coverage.dois, reasons),
    }


def coverage_notice(dois: int, reasons: Counter[str] | dict[str, int]) -> str | None:
    """'17 of 17 DOIs could not be checked: <why>; ...', or None when all were checked."""
    reasons = Counter(reasons)
    unchecked = sum(reasons.values())
    if not unchecked:
        return None
    if len(reasons) == 1:
        why = next(iter(reasons))
    else:
        why = "; ".join(f"{reason} ({n})" for reason, n in reasons.most_common())
    why = " ".join(why.split())  # one line, whatever the registry said
    return (
        f"{unchecked} of {plural(dois, 'DOI')} could not be checked: {why}; what follows "
        "says nothing about whether those works were retracted, withdrawn, corrected or "
        "superseded"
    )


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "message": finding.message,
        "page": finding.page,
        "claim": finding.claim,
        "reference": finding.reference,
        "doi": finding.doi,
        "field": finding.field,
        "expected": finding.expected,
        "actual": finding.actual,
    }


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
