"""Markdown views: `check --format markdown` (pull-request comments) and the audit report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from evidencelint.escape import markdown, markdown_code
from evidencelint.report.audit_document import (
    AuditDocument,
    Changes,
    change_groups,
    coverage_notice,
    pages_due,
    review_state,
)
from evidencelint.report.worklist import (
    ClaimBook,
    NamedClaim,
    coverage_lines,
    short_text,
    worklist,
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
    """What the report opens with when not everything could be checked: Crossref's part,
    then PubMed's."""
    lines = []
    if notice := coverage_notice(verification):
        lines += [f"> ⚠️ **Verification incomplete: {markdown(notice)}.**", ""]
    if pubmed := (verification.get("pubmed") or {}).get("notice"):
        lines += [f"> ⚠️ **PubMed not fully checked: {markdown(pubmed)}.**", ""]
    return lines


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
    book = ClaimBook(document)
    lines = [
        f"# Evidence audit, {document.today}",
        "",
        *_notice_lines(document.verification),
        f"Policy: review every {policy['review_interval_months']} months, due-soon window "
        f"{policy['due_soon_days']} days, evidence older than {policy['evidence_max_age_years']} "
        "years reported.",
        "",
        *_worklist(document),
    ]
    if document.since is not None:
        lines += _changes(document.since, book)
    lines += ["## Overview", "", _summary_line(document.summary), ""]
    lines += ["## Review schedule: overdue and due soon", ""]
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
    lines += ["", "## Findings by rule", ""]
    counts = Counter((f["code"], f["name"], f["severity"]) for f in findings)
    lines += table(
        ["code", "rule", "severity", "findings"],
        ([code, name, severity, n] for (code, name, severity), n in sorted(counts.items())),
    )
    lines += ["", "## All findings", ""]
    lines += audit_findings_table(findings, book) if findings else ["No findings."]
    return "\n".join(lines) + "\n"


def _claim(claim: NamedClaim, page: str | None = None) -> str:
    note = claim.note
    where = f" on “{markdown(claim.page)}”" if page is not None and claim.page != page else ""
    return (
        f"claim {markdown_code(note.id)}{where}, line {note.line}: "
        f"“{markdown(short_text(note.text))}”"
    )


_NOT_A_VERDICT = frozenset({"doi-unverified", "pmid-unverified"})


def audit_findings_table(findings: Sequence[Finding], book: ClaimBook) -> list[str]:
    """The findings with the claims they name, in words."""

    def what(f: Finding) -> Markup:
        # An unverified identifier is no verdict about the claims citing it.
        claims = () if f["name"] in _NOT_A_VERDICT else book.claims_of(f)
        shown = [_claim(c) for c in claims[:3]]
        if len(claims) > 3:
            shown.append(f"and {len(claims) - 3} more")
        return Markup(
            " — ".join([markdown(f["message"]), "; ".join(shown)])
            if shown
            else markdown(f["message"])
        )

    return table(
        ["", "where", "rule", "message"],
        ([_ICON[f["severity"]], _where(f), f"{f['code']} {f['name']}", what(f)] for f in findings),
    )


def _worklist(document: AuditDocument) -> list[str]:
    lines = ["## What to do first", ""]
    coverage = [markdown(line) for line in coverage_lines(document)]
    lines.append(f"> **Verification coverage.** {coverage[0]}")
    lines += [line for text in coverage[1:] for line in (">", f"> {text}")]
    lines.append("")
    actions = worklist(document)
    if not actions:
        return [*lines, "Nothing to do: no finding calls for an action.", ""]
    for number, action in enumerate(actions, start=1):
        where = markdown_code(action.where or action.path)
        lines.append(
            f"{number}. **{markdown(action.group)}** ({_ICON[action.severity]}): "
            f"{markdown(action.page)} {where}"
        )
        if action.claims:
            lines += [f"    - {_claim(c, action.page)}" for c in action.claims]
        elif action.reference is not None:
            lines.append("    - no claim cites it")
        if action.reference is not None:
            lines.append(f"    - cited as: {markdown(action.reference)}")
        lines += [f"    - reference: {markdown(r)}" for r in action.references]
        lines.append(f"    - what is wrong: {markdown(action.problem)}")
        lines.append(f"    - what to do: {markdown(action.todo)}")
    return [*lines, ""]


def _changes(since: Changes, book: ClaimBook) -> list[str]:
    new, resolved = since.new, since.resolved
    previous = markdown(since.previous_today or "the previous audit")
    lines = [f"## Changed since {previous}", ""]
    if not new and not resolved and not since.not_rechecked:
        return [*lines, "Nothing changed since the previous audit.", ""]
    lines += [
        f"{len(new)} new, {len(resolved)} resolved, {len(since.not_rechecked)} not re-checked "
        "this run.",
        "",
    ]
    for title, rows in change_groups(since):
        lines += [f"### {title}", "", *audit_findings_table(rows, book), ""]
    return lines
