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
from evidencelint.verify.pubmed_record import PubmedAnswer, PubmedAnswers
from evidencelint.verify.verdicts import Outcome, Verification


@dataclass(frozen=True, slots=True)
class PubmedCoverage:
    """How many of the run's PMIDs and PMCIDs PubMed and PMC answered about this run,
    and why the others were not checked ("PMID 123" / "PMCID PMC45" -> why)."""

    identifiers: int = 0
    unchecked: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, pmids: Iterable[str], pmcids: Iterable[str], answers: PubmedAnswers
    ) -> PubmedCoverage:
        unchecked: dict[str, str] = {}
        asked = 0
        for kind, identifiers, answered in (
            ("PMID", pmids, answers.pmids),
            ("PMCID", pmcids, answers.pmcids),
        ):
            for identifier in sorted(identifiers):
                asked += 1
                why = _why_unchecked(answered.get(identifier))
                if why:
                    unchecked[f"{kind} {identifier}"] = why
        return cls(asked, unchecked)


def _why_unchecked(answer: Verification | PubmedAnswer | None) -> str:
    """Why an identifier's answer is no check made this run ("" when it is one)."""
    if answer is None:
        return "not looked up"
    if answer.outcome is Outcome.UNVERIFIED:
        return answer.detail or "no answer"
    if answer.stale_since:
        return f"service unreachable, answered from a cache of {answer.stale_since}"
    return ""


@dataclass(frozen=True, slots=True)
class Coverage:
    """How many of the run's DOIs were checked against the registry this run, and why
    the others were not: taken from the answers, so a switched-off or suppressed
    `doi-unverified` finding cannot make an unchecked DOI look checked."""

    dois: int = 0
    unchecked: Mapping[str, str] = field(default_factory=dict)
    """Normalised DOI -> why it was not checked this run."""
    pubmed: PubmedCoverage | None = None
    """PubMed's and PMC's part; None when the run did not ask them (`pubmed: false`)."""

    @classmethod
    def of(cls, dois: Iterable[str], answers: Mapping[str, Verification]) -> Coverage:
        dois = sorted(dois)
        unchecked = {doi: why for doi in dois if (why := _why_unchecked(answers.get(doi)))}
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
        "pubmed": None if coverage.pubmed is None else pubmed_coverage_json(coverage.pubmed),
    }


def pubmed_coverage_json(coverage: PubmedCoverage) -> dict[str, Any]:
    reasons = Counter(coverage.unchecked.values())
    unchecked = len(coverage.unchecked)
    notice = None
    if unchecked:
        notice = (
            f"{unchecked} of {plural(coverage.identifiers, 'PubMed identifier')} could not be "
            f"checked: {_reasons_text(reasons)}; a retraction only PubMed marks would not be "
            "seen for those references"
        )
    return {
        "identifiers": coverage.identifiers,
        "checked": coverage.identifiers - unchecked,
        "unchecked": unchecked,
        "complete": not unchecked,
        "reasons": dict(reasons.most_common()),
        "notice": notice,
    }


def coverage_notice(dois: int, reasons: Counter[str] | dict[str, int]) -> str | None:
    """'17 of 17 DOIs could not be checked: <why>; ...', or None when all were checked."""
    reasons = Counter(reasons)
    unchecked = sum(reasons.values())
    if not unchecked:
        return None
    return (
        f"{unchecked} of {plural(dois, 'DOI')} could not be checked: {_reasons_text(reasons)}; "
        "what follows says nothing about whether those works were retracted, withdrawn, "
        "corrected or superseded"
    )


def _reasons_text(reasons: Counter[str]) -> str:
    """Why identifiers were not checked, on one line whatever the registry said: the one
    reason, or each with its count."""
    if len(reasons) == 1:
        why = next(iter(reasons))
    else:
        why = "; ".join(f"{reason} ({n})" for reason, n in reasons.most_common())
    return " ".join(why.split())


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
