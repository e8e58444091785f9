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
from evidencelint.report import finding_json, summary
from evidencelint.validators.dates import add_months

_IDENTITY = ("name", "path", "page", "claim", "reference", "doi", "field")


def build_audit(
    result: RunResult,
    today: dt.date,
    policy: Policy,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    findings = [finding_json(f) for f in result.findings]
    document: dict[str, Any] = {
        "tool": "evidencelint",
        "version": __version__,
        "today": today.isoformat(),
        "audit": True,
        "policy": policy.to_json(),
        "findings": findings,
        "summary": summary(result),
        "pages": page_reviews(result, policy, today),
    }
    if previous is not None:
        document["since"] = changes(previous, findings)
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


def changes(previous: Mapping[str, Any], findings: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    before = {_identity(f): f for f in previous.get("findings", [])}
    now = {_identity(f): f for f in findings}
    return {
        "previous_today": previous.get("today"),
        "new": [f for key, f in now.items() if key not in before],
        "resolved": [f for key, f in before.items() if key not in now],
    }


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
