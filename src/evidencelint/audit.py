"""The scheduled audit: everything published, re-verified, as data for the reports.

`build_audit` turns a check run into one JSON-ready document (findings in the contract's
shape, pages with their review dates, the policy, and what changed since a previous
audit); the Markdown and HTML reports are views of that document.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evidencelint import __version__
from evidencelint.config import Policy
from evidencelint.engine import RunResult, UsageError
from evidencelint.report import coverage_json, finding_json, summary
from evidencelint.validators import integrity, references, registry
from evidencelint.validators.dates import add_months

_IDENTITY = ("name", "path", "page", "claim", "reference", "doi", "field")
VERDICTS = frozenset(
    rule.name
    for rule in (*registry.RULES, *integrity.RULES, references.DOI_CONFLICT)
    if rule is not registry.DOI_UNVERIFIED
)
"""Findings that only a registry answer can give: when their DOI could not be checked,
their absence this run says nothing."""


def build_audit(
    result: RunResult,
    today: dt.date,
    policy: Policy,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    # Not checked this run: what the answers say, and every DOI a doi-unverified
    # finding names, whatever its wording.
    unchecked = set(result.coverage.unchecked) | {
        f.doi for f in result.findings if f.name == "doi-unverified" and f.doi is not None
    }
    known = _last_verified(previous) if previous is not None else {}
    findings = []
    for finding in result.findings:
        row = finding_json(finding)
        if finding.doi is None:
            row["last_verified"] = None
        elif finding.doi in unchecked:
            row["last_verified"] = known.get(_identity(row))
        else:
            row["last_verified"] = today.isoformat()
        findings.append(row)
    document: dict[str, Any] = {
        "tool": "evidencelint",
        "version": __version__,
        "today": today.isoformat(),
        "audit": True,
        "verification": coverage_json(result.coverage),
        "policy": policy.to_json(),
        "findings": findings,
        "summary": summary(result),
        "pages": page_reviews(result, policy, today),
    }
    if previous is not None:
        document["since"] = changes(previous, findings, unchecked)
    return document


def page_reviews(result: RunResult, policy: Policy, today: dt.date) -> list[dict[str, Any]]:
    """Each page's review state, most overdue first, undated pages before all."""
    rows = []
    for page in result.pages:
        due = page.next_review or (
            add_months(page.last_reviewed, policy.review_interval_months)
            if page.last_reviewed
            else None
        )
        rows.append(
            {
                "path": page.path,
                "page": page.id,
                "title": page.title,
                "status": page.status,
                "last_reviewed": page.last_reviewed.isoformat() if page.last_reviewed else None,
                "due": due.isoformat() if due else None,
                "days_overdue": (today - due).days if due else None,
                "reviewed_by": page.reviewed_by,
            }
        )
    return sorted(
        rows,
        key=lambda r: (r["due"] is not None, -(r["days_overdue"] or 0), r["path"]),
    )


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
) -> dict[str, Any]:
    """New and resolved findings since `previous`. A previous registry verdict whose
    DOI could not be checked this run (`unchecked`) is not resolved: it is carried
    forward as `not_rechecked`, with the date it was last verified."""
    before = {_identity(f): f for f in _previous_findings(previous)}
    now = {_identity(f): f for f in findings}
    dates = _last_verified(previous)
    resolved, carried = [], []
    for key, f in before.items():
        if key in now:
            continue
        if f.get("name") in VERDICTS and f.get("doi") in unchecked:
            carried.append({**f, "last_verified": dates.get(key)})
        else:
            resolved.append(f)
    return {
        "previous_today": previous.get("today"),
        "new": [f for key, f in now.items() if key not in before],
        "resolved": resolved,
        "not_rechecked": carried,
    }


def load_previous(path: Path) -> dict[str, Any]:
    """A previous audit's report.json; a missing or corrupt one stops the audit (exit 2)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"--since {path}: no such file") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"--since {path}: not a readable evidencelint report ({exc})") from None
    if (
        not isinstance(document, dict)
        or document.get("tool") != "evidencelint"
        or not isinstance(document.get("findings"), list)
        or not all(isinstance(f, dict) for f in document["findings"])
    ):
        raise UsageError(f"--since {path}: not an evidencelint report.json")
    return document
