"""What every rule module shares: the context rules run in, the inputs of the checks
that need more than one page, and a finding factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from evidencelint.config import Policy
from evidencelint.content.documents import PageSummary
from evidencelint.findings import Finding, Position, Severity
from evidencelint.resolve.doi import normalise_doi
from evidencelint.resolve.resolver import ReferenceEntry
from evidencelint.rule import Rule
from evidencelint.verify.pubmed_record import PubmedAnswers
from evidencelint.verify.verdicts import Verification


@dataclass(frozen=True, slots=True)
class RuleContext:
    policy: Policy
    today: dt.date
    answers: Mapping[str, Verification] = field(default_factory=dict)
    pubmed: PubmedAnswers = field(default_factory=PubmedAnswers)
    """PubMed's and PMC's answers, by normalised PMID and PMCID."""


@dataclass(frozen=True, slots=True)
class ReferenceGroup:
    """What a `check_answers` check reads, group by group: references whose DOIs and
    PubMed identifiers the run asked the registries about, with the id of the page that
    lists them (None: a shared bibliography's)."""

    page: str | None
    entries: Sequence[ReferenceEntry]


@dataclass(frozen=True, slots=True)
class WholeRun:
    """What a `check_run` check reads: the run's pages and references at once."""

    pages: Sequence[PageSummary]
    references: Sequence[tuple[ReferenceEntry, str | None]]
    """Every reference the run read, with its page id (None: a shared bibliography's)."""
    shared_checked: Sequence[ReferenceEntry]
    """The entries of the shared bibliographies the run was asked to check."""


def answered(
    entries: Iterable[ReferenceEntry], ctx: RuleContext
) -> Iterator[tuple[ReferenceEntry, str, Verification]]:
    """(reference, normalised DOI, answer) for each reference the registry answered about."""
    for entry in entries:
        ref = entry.reference
        doi = normalise_doi(ref.doi) if ref is not None and ref.doi is not None else None
        answer = ctx.answers.get(doi) if doi is not None else None
        if doi is not None and answer is not None:
            yield entry, doi, answer


def report(
    rule: Rule,
    path: str,
    position: Position,
    message: str,
    *,
    severity: Severity | None = None,
    page: str | None = None,
    claim: str | None = None,
    reference: str | None = None,
    doi: str | None = None,
    field: str | None = None,
    expected: str | None = None,
    actual: str | None = None,
) -> Finding:
    return Finding(
        name=rule.name,
        severity=severity or rule.severity,
        path=path,
        line=position.line,
        column=position.column,
        message=message,
        page=page,
        claim=claim,
        reference=reference,
        doi=doi,
        field=field,
        expected=expected,
        actual=actual,
    )
