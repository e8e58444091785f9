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
