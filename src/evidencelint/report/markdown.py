"""Markdown views: `check --format markdown` (pull-request comments) and the audit report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from evidencelint.escape import markdown, markdown_code
from evidencelint.report.audit_document import (
    INTEGRITY,
    AuditDocument,
    Changes,
    all_verified,
    by_name,
    change_groups,
    coverage_notice,
    not_rechecked,
    nothing_changed,
    pages_due,
    review_state,
    what_to_do,
)

Finding = Mapping[str, Any]
_ICON = {"error": "🔴 error", "warning": "🟠 warning", "info": "🔵 info"}


class Markup(str):
    """Markdown already made safe (a code span from `markdown_code`): not escaped again."""


def cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return text if isinstance(text, Markup) else markdown(text)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def _where(f: Finding) -> Markup:
    return Markup(markdown_code(f"{f['path']}:{f['line']}:{f['column']}"))


def _summary_line(summary: Mapping[str, int]) -> str:
    def n(key: str, word: str) -> str:
        return f"{summary[key]} {word}{'' if summary[key] == 1 else 's'}"

    return (
        f"**{n('errors', 'error')}**, {n('warnings', 'warning')}, {n('infos', 'info')} in "
        f"{n('files', 'file')} ({n('pages', 'page')}, {n('claims', 'claim')}, "
        f"{n('references', 'reference')})"
    )


def findings_table(findings: Sequence[Finding]) -> list[str]:
    return table(
        ["", "where", "rule", "message"],
        (
            [_ICON[f["severity"]], _where(f), f"{f['code']} {f['name']}", f["message"]]
            for f in findings
        ),
    )


def _notice_lines(verification: Mapping[str, Any]) -> list[str]:
    notice = coverage_notice(verification)
    return [f"> ⚠️ **Verification incomplete: {notice}.**", ""] if notice else []


def render_check(document: Mapping[str, Any]) -> str:
    findings = document["findings"]
    lines = [
        "## evidencelint",
        "",
        *_notice_lines(document.get("verification") or {}),
        _summary_line(document["summary"]),
        "",
    ]
    if findings:
        lines += findings_table(findings)
    else:
        lines.append("No findings. ✅")
    return "\n".join(lines) + "\n"


def render_audit(document: AuditDocument) -> str:
    findings = document.findings
    policy = document.policy
    lines = [
        f"# Evidence audit, {document.today}",
        "",
        *_notice_lines(document.verification),
        _summary_line(document.summary),
        "",
        f"Policy: review every {policy['review_interval_months']} months, due-soon window "
        f"{policy['due_soon_days']} days, evidence older than {policy['evidence_max_age_years']} "
        "years reported.",
        "",
    ]
    if document.since is not None:
        lines += _changes(document.since)
    lines += ["## Reviews overdue and due soon", ""]
    due = pages_due(document)
    if due:
        lines += table(
            ["page", "file", "last reviewed", "due", "state", "reviewed by"],
            (
                [
                    p.title,
                    p.path,
                    p.last_reviewed or "never",
                    p.due or "—",
                    review_state(p),
                    p.reviewed_by or "—",
                ]
                for p in due
            ),
        )
    else:
        lines.append("Every page is within its review interval.")
    lines += ["", "## Evidence that changed", ""]
    changed = by_name([*findings, *not_rechecked(document.since)], *INTEGRITY)
    if changed:
        lines += table(
            ["", "where", "what", "what to do"],
            (
                [_ICON[f["severity"]], _where(f), f["message"], what_to_do(f["name"])]
                for f in changed
            ),
        )
    else:
        lines.append(nothing_changed(document.verification))
    lines += ["", "## Uncited claims", ""]
    uncited = by_name(findings, "citation-missing")
    lines += findings_table(uncited) if uncited else ["Every claim cites a source."]
    lines += ["", "## DOIs that could not be verified", ""]
    unverified = by_name(findings, "doi-unverified")
    lines += findings_table(unverified) if unverified else [all_verified(document.verification)]
    lines += ["", "## Findings by rule", ""]
    counts = Counter((f["code"], f["name"], f["severity"]) for f in findings)
    lines += table(
        ["code", "rule", "severity", "findings"],
        ([code, name, severity, n] for (code, name, severity), n in sorted(counts.items())),
    )
    lines += ["", "## All findings", ""]
    lines += findings_table(findings) if findings else ["No findings."]
    return "\n".join(lines) + "\n"


def _changes(since: Changes) -> list[str]:
    new, resolved = since.new, since.resolved
    previous = markdown(since.previous_today or "the previous audit")
    lines = [f"## Changed since {previous}", ""]
    if not new and not resolved and not since.not_rechecked:
        return [*lines, "Nothing changed since the previous audit.", ""]
    for title, rows in change_groups(since):
        lines += [f"### {title}", "", *findings_table(rows), ""]
    return lines
