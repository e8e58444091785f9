"""What a check run produces: the findings, the pages and how much could be verified.

The run (`evidencelint.run`) builds a `RunResult`; the reporters read it without importing
the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from evidencelint.content.documents import PageSummary
from evidencelint.findings import Finding
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

    @property
    def claims(self) -> int:
        return sum(p.claims for p in self.pages)

    @property
    def references(self) -> int:
        return sum(p.references for p in self.pages)
