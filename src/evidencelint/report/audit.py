"""The scheduled audit: everything published, re-verified, as data for the reports.

`build_audit` turns a check run into one `AuditDocument` (findings in the contract's
shape, pages with their review dates, the policy, and what changed since a previous
audit; see `report.audit_document`); report.json is its `to_json()`, and the Markdown and
HTML reports render it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evidencelint import __version__
from evidencelint.config import Policy
from evidencelint.content.review_dates import review_due
from evidencelint.errors import UsageError
from evidencelint.report.audit_document import AuditDocument, Changes, FindingRow, PageReview
from evidencelint.results import RunResult, coverage_json, finding_json, summary
from evidencelint.validators import dois, integrity, pubmed, references

_IDENTITY = ("name", "path", "page", "claim", "reference", "doi", "field")
VERDICTS = frozenset(
    rule.name
    for rule in (*dois.RULES, *integrity.RULES, *pubmed.RULES, references.DOI_CONFLICT)
    if rule not in (dois.DOI_UNVERIFIED, pubmed.PMID_UNVERIFIED)
)
"""Findings that only a registry answer can give: when their DOI (or the reference's
PubMed identifier) could not be checked, their absence this run says nothing."""


def build_audit(
    result: RunResult,
    today: dt.date,
    policy: Policy,
    previous: Mapping[str, Any] | None = None,
) -> AuditDocument:
    # Not checked this run: what the answers say, and every DOI a doi-unverified
    # finding names, whatever its wording.
    unchecked = set(result.coverage.unchecked) | {
        f.doi for f in result.findings if f.name == "doi-unverified" and f.doi is not None
    }
    # A reference whose PMID or PMCID could not be checked: PubMed's verdicts about it
    # (a retraction only PubMed marks, say) were not re-checked either.
    unchecked_references = frozenset(
        (f.path, f.reference) for f in result.findings if f.name == pubmed.PMID_UNVERIFIED.name
    )
    known = _last_verified(previous) if previous is not None else {}
    findings: list[FindingRow] = []
    for finding in result.findings:
        row = finding_json(finding)
        if finding.doi is None:
            row["last_verified"] = None
        elif finding.doi in unchecked:
            row["last_verified"] = known.get(_identity(row))
        else:
            row["last_verified"] = today.isoformat()
        findings.append(row)
    return AuditDocument(
        version=__version__,
        today=today.isoformat(),
        verification=coverage_json(result.coverage),
        policy=policy.to_json(),
        findings=findings,
        summary=summary(result),
        pages=page_reviews(result, policy, today),
        since=(
            changes(previous, findings, unchecked, unchecked_references)
            if previous is not None
            else None
        ),
        indexes=result.indexes,
    )


def page_reviews(result: RunResult, policy: Policy, today: dt.date) -> list[PageReview]:
    """Each page's review state, most overdue first, undated pages before all."""
    claims = {index.path: index.claims for index in result.indexes}
    rows = []
    for page in result.pages:
        due = review_due(page.last_reviewed, page.next_review, policy.review_interval_months)
        rows.append(
            PageReview(
                path=page.path,
                page=page.id,
                title=page.title,
                status=page.status,
                last_reviewed=page.last_reviewed.isoformat() if page.last_reviewed else None,
                due=due.isoformat() if due else None,
                days_overdue=(today - due).days if due else None,
                reviewed_by=page.reviewed_by,
                claims=claims.get(page.path, ()),
            )
        )
    return sorted(rows, key=lambda r: (r.due is not None, -(r.days_overdue or 0), r.path))


def _identity(finding: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(finding.get(key) for key in _IDENTITY)


def _previous_findings(previous: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The previous audit's findings and those it carried forward unchecked."""
    since = previous.get("since")
    carried = since.get("not_rechecked") if isinstance(since, Mapping) else None
    rows = [*previous.get("findings", []), *(carried if isinstance(carried, list) else [])]
    # A report is read back from a cache or an artifact: a row whose identity is not
    # plain text or numbers cannot be compared and is left out.
    return [
        f
        for f in rows
        if isinstance(f, Mapping)
        and all(isinstance(f.get(k), str | int | None) for k in _IDENTITY)
        and isinstance(f.get("message", ""), str)
    ]


def _last_verified(previous: Mapping[str, Any]) -> dict[tuple[Any, ...], str | None]:
    """Identity -> the date a previous audit last verified the finding. Reports written
    before the date was kept count as verified on their own audit date."""
    fallback = previous.get("today") if isinstance(previous.get("today"), str) else None
    dates: dict[tuple[Any, ...], str | None] = {}
    for f in _previous_findings(previous):
        when = f.get("last_verified", fallback) if f.get("doi") is not None else None
        dates[_identity(f)] = when if isinstance(when, str) else None
    return dates


def changes(
    previous: Mapping[str, Any],
    findings: Sequence[Mapping[str, Any]],
    unchecked: set[str] | frozenset[str] = frozenset(),
    unchecked_references: frozenset[tuple[str | None, str | None]] = frozenset(),
) -> Changes:
    """New and resolved findings since `previous`. A previous registry verdict whose
    DOI could not be checked this run (`unchecked`), or about a reference whose PubMed
    identifier could not be (`unchecked_references`: (path, reference key)), is not
    resolved: it is carried forward as `not_rechecked`, with the date it was last
    verified."""
    before = {_identity(f): f for f in _previous_findings(previous)}
    now = {_identity(f): f for f in findings}
    dates = _last_verified(previous)
    resolved: list[FindingRow] = []
    carried: list[FindingRow] = []
    for key, f in before.items():
        if key in now:
            continue
        if f.get("name") in VERDICTS and (
            f.get("doi") in unchecked or (f.get("path"), f.get("reference")) in unchecked_references
        ):
            carried.append({**f, "last_verified": dates.get(key)})
        else:
            resolved.append(f)
    today = previous.get("today")
    return Changes(
        previous_today=today if isinstance(today, str) else None,
        new=[f for key, f in now.items() if key not in before],
        resolved=resolved,
        not_rechecked=carried,
    )


def load_previous(path: Path) -> dict[str, Any]:
    """A previous audit's report.json, checked whole before anything is written: a
    missing, corrupt or malformed one stops the audit (exit 2)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--since {path}: no such file") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise UsageError(f"--since {path}: not a readable evidencelint report ({exc})") from None
    if (
        not isinstance(document, dict)
        or document.get("tool") != "evidencelint"
        or not isinstance(document.get("findings"), list)
    ):
        raise UsageError(f"--since {path}: not an evidencelint report.json")
    today = document.get("today")
    if today is not None and not (isinstance(today, str) and _is_date(today)):
        raise UsageError(f"--since {path}: `today` is not a date: {today!r}")
    for number, finding in enumerate(document["findings"], start=1):
        problem = _finding_problem(finding)
        if problem:
            raise UsageError(f"--since {path}: finding {number} {problem}")
    # Verdicts it carried forward unchecked are read back too, into every report.
    since = document.get("since", {})
    carried = since.get("not_rechecked", []) if isinstance(since, dict) else None
    if not isinstance(carried, list):
        raise UsageError(f"--since {path}: `since.not_rechecked` is not a list")
    for number, finding in enumerate(carried, start=1):
        problem = _finding_problem(finding)
        when = finding.get("last_verified") if isinstance(finding, dict) else None
        if problem is None and not (when is None or (isinstance(when, str) and _is_date(when))):
            problem = "has a `last_verified` that is not a date"
        if problem:
            raise UsageError(f"--since {path}: carried verdict {number} {problem}")
    return document


_REQUIRED_TEXT = ("code", "name", "path", "message")
_OPTIONAL_TEXT = ("page", "claim", "reference", "doi", "field", "expected", "actual")
_SEVERITIES = ("error", "warning", "info")


def _finding_problem(finding: Any) -> str | None:
    """What makes one finding of a previous report unusable, or None."""
    if not isinstance(finding, dict):
        return "is not an object"
    for key in _REQUIRED_TEXT:
        if not isinstance(finding.get(key), str):
            return f"has no text `{key}`"
    for key in _OPTIONAL_TEXT:
        if not isinstance(finding.get(key), str | None):
            return f"has a `{key}` that is neither text nor null"
    if finding.get("severity") not in _SEVERITIES:
        return "has a `severity` other than error, warning or info"
    for key in ("line", "column"):
        value = finding.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return f"has a `{key}` that is not a positive whole number"
    return None


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True
