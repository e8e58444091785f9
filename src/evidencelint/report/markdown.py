"""Markdown views: `check --format markdown` (pull-request comments) and the audit report."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from evidencelint.escape import markdown, markdown_code
from evidencelint.validators import integrity
from evidencelint.validators.all_rules import find_rule

Finding = Mapping[str, Any]
INTEGRITY = tuple(rule.name for rule in integrity.RULES)
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


def coverage_notice(document: Mapping[str, Any]) -> str | None:
    """The report's opening warning when some DOIs could not be checked."""
    verification = document.get("verification") or {}
    notice = verification.get("notice")
    return str(notice) if notice else None


def nothing_changed(document: Mapping[str, Any]) -> str:
    """What 'Evidence that changed' says when it lists nothing: that nothing was
    retracted only when every DOI was checked this run."""
    verification = document.get("verification") or {}
    unchecked, dois = verification.get("unchecked", 0), verification.get("dois", 0)
    if not unchecked:
        return "No cited work was retracted, withdrawn, corrected or superseded."
    if unchecked == dois:
        return (
            f"Unknown: none of the {dois} DOIs could be checked, so nothing is known of "
            "retractions, withdrawals, corrections or newer versions."
        )
    return (
        f"None found among the {dois - unchecked} DOIs checked; {unchecked} could not be "
        "checked, and nothing is known of those."
    )


def all_verified(document: Mapping[str, Any]) -> str:
    """What 'DOIs that could not be verified' says when no finding lists one."""
    return coverage_notice(document) or "Every DOI was verified."


def carried_forward(document: Mapping[str, Any]) -> list[Finding]:
    """Previous verdicts that could not be re-checked this run, marked as such."""
    return _not_rechecked(document.get("since") or {})


def _not_rechecked(since: Mapping[str, Any]) -> list[Finding]:
    return [
        {
            **f,
            "message": f"{f['message']} (not re-checked this run; last verified "
            f"{f.get('last_verified') or 'by an earlier audit'})",
        }
        for f in since.get("not_rechecked", [])
    ]


def _notice_lines(document: Mapping[str, Any]) -> list[str]:
    notice = coverage_notice(document)
    return [f"> ⚠️ **Verification incomplete: {notice}.**", ""] if notice else []


def render_check(document: Mapping[str, Any]) -> str:
    findings = document["findings"]
    lines = [
        "## evidencelint",
        "",
        *_notice_lines(document),
        _summary_line(document["summary"]),
        "",
    ]
    if findings:
        lines += findings_table(findings)
    else:
        lines.append("No findings. ✅")
    return "\n".join(lines) + "\n"


def _by_name(findings: Sequence[Finding], *names: str) -> list[Finding]:
    return [f for f in findings if f["name"] in names]


def what_to_do(name: str) -> str:
    rule = find_rule(name)
    return rule.fix if rule else ""


def render_audit(document: Mapping[str, Any]) -> str:
    findings = document["findings"]
    policy = document["policy"]
    lines = [
        f"# Evidence audit, {document['today']}",
        "",
        *_notice_lines(document),
        _summary_line(document["summary"]),
        "",
        f"Policy: review every {policy['review_interval_months']} months, due-soon window "
        f"{policy['due_soon_days']} days, evidence older than {policy['evidence_max_age_years']} "
        "years reported.",
        "",
    ]
    since = document.get("since")
    if since is not None:
        lines += _changes(since)
    lines += ["## Reviews overdue and due soon", ""]
    due = pages_due(document)
    if due:
        lines += table(
            ["page", "file", "last reviewed", "due", "state", "reviewed by"],
            (
                [
                    p["title"],
                    p["path"],
                    p["last_reviewed"] or "never",
                    p["due"] or "—",
                    review_state(p),
                    p["reviewed_by"] or "—",
                ]
                for p in due
            ),
        )
    else:
        lines.append("Every page is within its review interval.")
    lines += ["", "## Evidence that changed", ""]
    changed = _by_name([*findings, *carried_forward(document)], *INTEGRITY)
    if changed:
        lines += table(
            ["", "where", "what", "what to do"],
            (
                [_ICON[f["severity"]], _where(f), f["message"], what_to_do(f["name"])]
                for f in changed
            ),
        )
    else:
        lines.append(nothing_changed(document))
    lines += ["", "## Uncited claims", ""]
    uncited = _by_name(findings, "citation-missing")
    lines += findings_table(uncited) if uncited else ["Every claim cites a source."]
    lines += ["", "## DOIs that could not be verified", ""]
    unverified = _by_name(findings, "doi-unverified")
    lines += findings_table(unverified) if unverified else [all_verified(document)]
    lines += ["", "## Findings by rule", ""]
    counts = Counter((f["code"], f["name"], f["severity"]) for f in findings)
    lines += table(
        ["code", "rule", "severity", "findings"],
        ([code, name, severity, n] for (code, name, severity), n in sorted(counts.items())),
    )
    lines += ["", "## All findings", ""]
    lines += findings_table(findings) if findings else ["No findings."]
    return "\n".join(lines) + "\n"


def review_state(page: Mapping[str, Any]) -> str:
    if page["due"] is None:
        return "no review date"
    days = page["days_overdue"]
    return f"{days} days overdue" if days > 0 else f"due in {-days} days"


def pages_due(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Pages overdue, undated, or due within the policy's window (the audit's order)."""
    window = document["policy"]["due_soon_days"]
    return [p for p in document["pages"] if p["due"] is None or p["days_overdue"] > -window]


def change_groups(since: Mapping[str, Any]) -> list[tuple[str, list[Finding]]]:
    """The non-empty groups of a "changed since" section, in the order reports show them."""
    new = since["new"]
    groups = [
        ("Newly retracted, withdrawn, corrected or superseded", _by_name(new, *INTEGRITY)),
        ("Pages newly overdue", _by_name(new, "review-overdue")),
        ("Other new findings", [f for f in new if f["name"] not in (*INTEGRITY, "review-overdue")]),
        ("Resolved since", list(since["resolved"])),
        ("Not re-checked this run: the last verdict stands", _not_rechecked(since)),
    ]
    return [(title, rows) for title, rows in groups if rows]


def _changes(since: Mapping[str, Any]) -> list[str]:
    new, resolved = since["new"], since["resolved"]
    previous = markdown(since.get("previous_today") or "the previous audit")
    lines = [f"## Changed since {previous}", ""]
    if not new and not resolved and not since.get("not_rechecked"):
        return [*lines, "Nothing changed since the previous audit.", ""]
    for title, rows in change_groups(since):
        lines += [f"### {title}", "", *findings_table(rows), ""]
    return lines
