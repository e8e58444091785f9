"""The audit report as one self-contained HTML page: inline CSS and SVG, no scripts,
fonts or styles from elsewhere; readable on a phone and printed."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from evidencelint.escape import html as escape
from evidencelint.report.audit_document import (
    INTEGRITY,
    AuditDocument,
    Changes,
    PageReview,
    all_verified,
    change_groups,
    coverage_notice,
    not_rechecked,
    nothing_changed,
    pages_due,
    review_state,
    what_to_do,
)

Finding = Mapping[str, Any]

CSS = """
:root { --error:#c62828; --warning:#ef6c00; --info:#1565c0; --ok:#2e7d32; --muted:#666; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  color: #1a1a1a; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.25rem; margin-top: 2rem;
  border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
.card { border: 1px solid #ddd; border-radius: .5rem; padding: .5rem .75rem; min-width: 8rem; }
.card b { display: block; font-size: 1.5rem; }
.error { color: var(--error); } .warning { color: var(--warning); } .info { color: var(--info); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem; }
figure { margin: 0; border: 1px solid #eee; border-radius: .5rem; padding: .5rem; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
svg { width: 100%; height: auto; } svg text { font: 13px system-ui, sans-serif; fill: #1a1a1a; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid #eee; }
th { background: #fafafa; }
code { font-size: .85em; word-break: break-all; }
.muted { color: var(--muted); }
.notice { border-left: .3rem solid var(--warning); background: #fff3e0; padding: .5rem .75rem; }
@media print { .charts { grid-template-columns: 1fr 1fr; } figure, tr { break-inside: avoid; }
  body { font-size: 11pt; } }
"""
_COLORS = {
    "error": "#c62828",
    "warning": "#ef6c00",
    "info": "#1565c0",
    "overdue": "#c62828",
    "due": "#1565c0",
    "bar": "#455a64",
    "none": "#9e9e9e",
}


def bar_chart(rows: Sequence[tuple[str, float, str]], unit: str = "") -> str:
    """Horizontal bars: (label, value, colour key). Scales to its container. A row in
    the "none" colour has no value to draw: it says so."""
    if not rows:
        return '<p class="muted">Nothing to show.</p>'
    width, label_w, row_h = 360, 150, 22
    top = max(max(v for _, v, _ in rows), 1)
    height = row_h * len(rows) + 8
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value, colour) in enumerate(rows):
        y = 4 + i * row_h
        bar = (width - label_w - 50) * value / top
        short = label if len(label) <= 24 else label[:23] + "…"
        shown = "no date" if colour == "none" and not value else f"{value:g}{unit}"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end"><title>{escape(label)}</title>'
            f"{escape(short)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{bar:.1f}" height="{row_h - 6}" '
            f'fill="{escape(_COLORS.get(colour, _COLORS["bar"]))}"/>'
            f'<text x="{label_w + bar + 4:.1f}" y="{y + 15}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _due_by_month(pages: Sequence[PageReview], today: dt.date) -> list[tuple[str, float, str]]:
    counts: Counter[str] = Counter()
    for page in pages:
        if page.due is None:
            counts["no review date"] += 1
            continue
        due = dt.date.fromisoformat(page.due)
        counts["overdue" if due < today else due.strftime("%Y-%m")] += 1
    rows = [("overdue", float(counts["overdue"]), "overdue")]
    year, month = today.year, today.month
    for _ in range(12):
        key = f"{year:04d}-{month:02d}"
        rows.append((key, float(counts[key]), "due"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if counts["no review date"]:
        rows.append(("no review date", float(counts["no review date"]), "none"))
    return rows


def _ages(pages: Sequence[PageReview], today: dt.date) -> list[tuple[str, float, str]]:
    rows = []
    for page in pages:
        if page.last_reviewed is None:
            rows.append((page.title, 0.0, "none"))
            continue
        years = (today - dt.date.fromisoformat(page.last_reviewed)).days / 365.25
        rows.append(
            (
                page.title,
                round(years, 1),
                "overdue" if (page.days_overdue or 0) > 0 else "bar",
            )
        )
    return rows


def _by_rule(findings: Sequence[Finding]) -> list[tuple[str, float, str]]:
    counts = Counter((f["name"], f["severity"]) for f in findings)
    return [(f"{name} ({sev})", float(n), sev) for (name, sev), n in counts.most_common()]


def _integrity_by_page(findings: Sequence[Finding]) -> list[tuple[str, float, str]]:
    counts = Counter(f["page"] or f["path"] for f in findings if f["name"] in INTEGRITY)
    return [(page, float(n), "error") for page, n in counts.most_common()]


def _figure(caption: str, chart: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>{chart}</figure>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f'<p class="muted">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{table}</div>'


def _finding_rows(findings: Sequence[Finding], advice: bool = False) -> list[list[str]]:
    rows = []
    for f in findings:
        row = [
            f'<span class="{escape(f["severity"])}">{escape(f["severity"])}</span>',
            f"<code>{escape(f['path'])}:{escape(f['line'])}:{escape(f['column'])}</code>",
            escape(f"{f['code']} {f['name']}"),
            escape(f["message"]),
        ]
        if advice:
            row.append(escape(what_to_do(f["name"])))
        rows.append(row)
    return rows


def render_audit(document: AuditDocument) -> str:
    today = dt.date.fromisoformat(document.today)
    findings, pages, summary = document.findings, document.pages, document.summary
    policy, verification = document.policy, document.verification
    cards = "".join(
        f'<div class="card {cls}"><b>{summary[key]}</b>{label}</div>'
        for key, label, cls in (
            ("errors", "errors", "error"),
            ("warnings", "warnings", "warning"),
            ("infos", "infos", "info"),
            ("pages", "pages", ""),
            ("claims", "claims", ""),
            ("references", "references", ""),
        )
    )
    window = policy["due_soon_days"]
    due_rows = [
        [
            escape(p.title),
            f"<code>{escape(p.path)}</code>",
            escape(p.last_reviewed or "never"),
            escape(p.due or "—"),
            escape(review_state(p)),
            escape(p.reviewed_by or "—"),
        ]
        for p in pages_due(document)
    ]
    notice = coverage_notice(verification)
    sections = [
        f"<h1>Evidence audit, {escape(document.today)}</h1>",
        *([_notice_html(notice)] if notice else []),
        f'<p class="muted">Policy: review every {policy["review_interval_months"]} months; '
        f"due-soon window {window} days; evidence older than "
        f"{policy['evidence_max_age_years']} years reported. "
        f"evidencelint {escape(document.version)}.</p>",
        f'<div class="summary">{cards}</div>',
    ]
    if document.since is not None:
        sections.append(_changes_html(document.since))
    sections += [
        '<h2>Charts</h2><div class="charts">',
        _figure("Reviews falling due, next 12 months", bar_chart(_due_by_month(pages, today))),
        _figure("Years since each page's last review", bar_chart(_ages(pages, today), " y")),
        _figure("Findings by rule and severity", bar_chart(_by_rule(findings))),
        _figure(
            "Retracted, withdrawn, corrected or superseded evidence by page",
            bar_chart(_integrity_by_page(findings))
            if notice is None or _integrity_by_page(findings)
            else f'<p class="muted">{escape(nothing_changed(verification))}</p>',
        ),
        "</div>",
        '<h2 id="overdue">Reviews overdue and due soon</h2>',
        _table(
            ["page", "file", "last reviewed", "due", "state", "reviewed by"],
            due_rows,
            "Every page is within its review interval.",
        ),
        "<h2>Evidence that changed</h2>",
        _table(
            ["", "where", "rule", "what", "what to do"],
            _finding_rows(
                [f for f in [*findings, *not_rechecked(document.since)] if f["name"] in INTEGRITY],
                advice=True,
            ),
            nothing_changed(verification),
        ),
        "<h2>Uncited claims</h2>",
        _table(
            ["", "where", "rule", "message"],
            _finding_rows([f for f in findings if f["name"] == "citation-missing"]),
            "Every claim cites a source.",
        ),
        "<h2>DOIs that could not be verified</h2>",
        _table(
            ["", "where", "rule", "message"],
            _finding_rows([f for f in findings if f["name"] == "doi-unverified"]),
            all_verified(verification),
        ),
        "<h2>All findings</h2>",
        _table(["", "where", "rule", "message"], _finding_rows(findings), "No findings."),
    ]
    body = "\n".join(sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Evidence audit {escape(document.today)}</title><style>{CSS}</style></head>"
        f"<body><main>\n{body}\n</main></body></html>\n"
    )


def _notice_html(notice: str) -> str:
    return f'<p class="notice" role="alert"><b>Verification incomplete: {escape(notice)}.</b></p>'


def _changes_html(since: Changes) -> str:
    new, resolved, carried = since.new, since.resolved, since.not_rechecked
    title = f"<h2>Changed since {escape(str(since.previous_today or 'the previous audit'))}</h2>"
    if not new and not resolved and not carried:
        return title + '<p class="muted">Nothing changed since the previous audit.</p>'
    parts = [title]
    for heading, rows in change_groups(since):
        parts.append(f"<h3>{escape(heading)}</h3>")
        parts.append(_table(["", "where", "rule", "message"], _finding_rows(rows), ""))
    return "".join(parts)
