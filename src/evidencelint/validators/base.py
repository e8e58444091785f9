"""What every rule module shares: the context rules run in and a finding factory."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from evidencelint.config import Policy
from evidencelint.findings import Finding, Position, Severity
from evidencelint.rule import Rule
from evidencelint.verification import Verification


@dataclass(frozen=True, slots=True)
class RuleContext:
    policy: Policy
    today: dt.date
    answers: Mapping[str, Verification] = field(default_factory=dict)


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
