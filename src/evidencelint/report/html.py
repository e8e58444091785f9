"""The audit report as one self-contained HTML page: inline CSS and SVG, no scripts,
fonts or styles from elsewhere; readable on a phone (tables become stacked cards) and
printed. It opens with the worklist (`report.worklist`)."""

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
    change_groups,
    nothing_changed,
    pages_due,
    review_state,
)
from evidencelint.report.charts import Bar, bar_chart, distinct_titles
from evidencelint.report.worklist import (
    GROUPS,
    Action,
    ClaimBook,
    NamedClaim,
    coverage_lines,
    short_text,
    worklist,
)

Finding = Mapping[str, Any]

CSS = """
:root { --error:#a33a00; --warning:#7a5200; --info:#005a8c; --muted:#595959; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  color: #1a1a1a; background: #fff; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.25rem; margin-top: 2rem;
  border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem; margin: 1rem 0; }
.card { border: 1px solid #ddd; border-radius: .5rem; padding: .5rem .75rem; min-width: 7rem; }
.card b { display: block; font-size: 1.5rem; }
.sev { font-weight: 600; white-space: nowrap; }
.sev.error { color: var(--error); } .sev.warning { color: var(--warning); }
.sev.info { color: var(--info); }
.sev.error::before { content: "■ "; } .sev.warning::before { content: "▲ "; }
.sev.info::before { content: "● "; }
.coverage { border-left: .3rem solid #0072B2; background: #eef5fb; padding: .5rem .75rem; }
.coverage p { margin: .25rem 0; }
.notice { border-left: .3rem solid #D55E00; background: #fdf0e6; padding: .5rem .75rem; }
ol.worklist { padding-left: 1.6rem; } ol.worklist > li { margin: .75rem 0; padding: .5rem .75rem;
  border: 1px solid #ddd; border-radius: .5rem; break-inside: avoid; }
ol.worklist > li.error { border-left: .3rem solid #D55E00; }
ol.worklist > li.warning { border-left: .3rem solid #E69F00; }
ol.worklist > li.info { border-left: .3rem solid #0072B2; }
.action dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem;
  margin: .25rem 0; }
.action dt { font-weight: 600; } .action dd { margin: 0; min-width: 0; }
ul.claims { margin: 0; padding-left: 1.1rem; }
.claim q { font-style: italic; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr));
  gap: 1rem; }
figure { margin: 0; border: 1px solid #eee; border-radius: .5rem; padding: .5rem; min-width: 0; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
svg { width: 100%; height: auto; display: block; }
svg text { font: 13px system-ui, sans-serif; fill: #1a1a1a; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem;
  border-bottom: 1px solid #eee; }
th { background: #fafafa; }
code { font-size: .85em; overflow-wrap: anywhere; }
td.rule, td.due, td.last-reviewed, td.state { white-space: nowrap; }
td.where, td.file { min-width: 14rem; }
.muted { color: var(--muted); }
@media (max-width: 44rem) {
  table, tbody, tr, td { display: block; width: 100%; } thead { display: none; }
  td.rule { white-space: normal; } td.where, td.file { min-width: 0; }
  tr { border: 1px solid #ddd; border-radius: .5rem; margin: 0 0 .5rem; padding: .25rem .5rem; }
  td { border: 0; padding: .15rem 0; }
  td[data-label]:not([data-label=""])::before { content: attr(data-label) ": ";
    font-weight: 600; }
  .action dl { grid-template-columns: 1fr; } .action dd { margin-bottom: .25rem; }
}
@media print { body { font-size: 10.5pt; } main { max-width: none; }
  .charts { grid-template-columns: 1fr 1fr; } figure, tr, li { break-inside: avoid; }
  h2 { break-after: avoid; } }
"""


def _sev(severity: str) -> str:
    return f'<span class="sev {escape(severity)}">{escape(severity)}</span>'


def _claim(claim: NamedClaim, page: str | None = None) -> str:
    note = claim.note
    where = f" on “{escape(claim.page)}”" if page is not None and claim.page != page else ""
    return (
        f'<span class="claim" data-claim="{escape(note.id)}"><b>claim {escape(note.id)}</b>'
        f"{where}, line {note.line}: <q>{escape(short_text(note.text))}</q></span>"
    )


def _claims(claims: Sequence[NamedClaim], page: str | None = None, limit: int = 0) -> str:
    shown = claims if not limit or len(claims) <= limit else claims[:limit]
    items = "".join(f"<li>{_claim(c, page)}</li>" for c in shown)
    more = f"<li>and {len(claims) - len(shown)} more</li>" if len(shown) < len(claims) else ""
    return f'<ul class="claims">{items}{more}</ul>'


def _action(action: Action) -> str:
    rows = [("Page", f"{escape(action.page)} <code>{escape(action.where or action.path)}</code>")]
    if action.claims:
        label = "Claim" if len(action.claims) == 1 else "Claims"
        rows.append((label, _claims(action.claims, action.page)))
    elif action.reference is not None:
        rows.append(("Claim", '<span class="muted">no claim cites it</span>'))
    if action.reference is not None:
        rows.append(("Cited as", escape(action.reference)))
    if action.references:
        items = "".join(f"<li>{escape(r)}</li>" for r in action.references)
        rows.append(("References", f'<ul class="claims">{items}</ul>'))
    rows += [("What is wrong", escape(action.problem)), ("What to do", escape(action.todo))]
    body = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return (
        f'<li class="action {escape(action.severity)}" data-kind="{escape(action.kind)}">'
        f"<b>{escape(action.group)}</b> {_sev(action.severity)}<dl>{body}</dl></li>"
    )


def worklist_html(document: AuditDocument) -> str:
    actions = worklist(document)
    coverage = "".join(f"<p>{escape(line)}</p>" for line in coverage_lines(document))
    parts = [
        '<section id="worklist"><h2>What to do first</h2>',
        f'<div class="coverage" role="note"><b>Verification coverage.</b>{coverage}</div>',
    ]
    if actions:
        counts = Counter(a.kind for a in actions)
        summary = "; ".join(f"{GROUPS[k]}: {n}" for k, n in counts.items())
        parts.append(f"<p>{len(actions)} actions, most harmful first ({escape(summary)}).</p>")
        parts.append('<ol class="worklist">' + "".join(_action(a) for a in actions) + "</ol>")
    else:
        parts.append("<p>Nothing to do: no finding calls for an action.</p>")
    parts.append("</section>")
    return "".join(parts)


def _due_by_month(pages: Sequence[PageReview], today: dt.date) -> list[Bar]:
    counts: Counter[str] = Counter()
    for page in pages:
        if page.due is None:
            counts["no review date"] += 1
            continue
        due = dt.date.fromisoformat(page.due)
        counts["overdue" if due < today else due.strftime("%Y-%m")] += 1
    bars = []
    if counts["overdue"]:
        bars.append(Bar("overdue", counts["overdue"], "overdue", f"{counts['overdue']} overdue"))
    year, month = today.year, today.month
    for _ in range(12):
        key = f"{year:04d}-{month:02d}"
        if counts[key]:
            bars.append(Bar(key, counts[key], "due", f"{counts[key]} due"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if counts["no review date"]:
        n = counts["no review date"]
        bars.append(Bar("no review date", n, "none", f"{n} undated"))
    return bars


def _ages(pages: Sequence[PageReview], today: dt.date) -> list[Bar]:
    labels = distinct_titles([(p.title, p.page) for p in pages])
    bars = []
    for page, label in zip(pages, labels, strict=True):
        if page.last_reviewed is None:
            bars.append(Bar(label, 0.0, "none", "never"))
            continue
        years = round((today - dt.date.fromisoformat(page.last_reviewed)).days / 365.25, 1)
        overdue = (page.days_overdue or 0) > 0
        shown = f"{years:g} y" + (", overdue" if overdue else "")
        bars.append(Bar(label, years, "overdue" if overdue else "bar", shown))
    return bars


def _by_rule(findings: Sequence[Finding]) -> list[Bar]:
    counts = Counter((f["name"], f["severity"]) for f in findings)
    return [Bar(name, n, sev, _count(n, sev)) for (name, sev), n in counts.most_common()]


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _integrity_by_page(findings: Sequence[Finding], book: ClaimBook) -> list[Bar]:
    counts = Counter(f["path"] for f in findings if f["name"] in INTEGRITY)
    paths = [path for path, _ in counts.most_common()]
    labels = distinct_titles([(book.title(p), p) for p in paths])
    return [
        Bar(label, counts[p], "error", _count(counts[p], "work"))
        for p, label in zip(paths, labels, strict=True)
    ]


def _over_time(document: AuditDocument, since: Changes) -> tuple[list[Bar], list[Bar]]:
    """The findings then and now, and what changed between: two charts, each on its own
    scale, so that one new retraction is not a hairline beside a hundred findings."""
    now = len(document.findings)
    new, resolved, carried = len(since.new), len(since.resolved), len(since.not_rechecked)
    before = now - new + resolved + carried
    previous = since.previous_today or "previous audit"
    totals = [
        Bar(previous, before, "bar", _count(before, "finding")),
        Bar(document.today, now, "bar", _count(now, "finding")),
    ]
    changed = [
        Bar("new", new, "new", f"{new} new"),
        Bar("resolved", resolved, "resolved", f"{resolved} resolved"),
        Bar("not re-checked", carried, "unchecked", f"{carried} not re-checked"),
    ]
    return totals, changed


def _figure(caption: str, bars: Sequence[Bar], empty: str) -> str:
    chart = bar_chart(bars, caption) if bars else f'<p class="muted">{escape(empty)}</p>'
    return f"<figure><figcaption>{escape(caption)}</figcaption>{chart}</figure>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    if not rows:
        return f'<p class="muted">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{_slug(h)}" data-label="{escape(h)}">{c}</td>'
            for h, c in zip(headers, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _slug(header: str) -> str:
    return escape(header.replace(" ", "-"))


FINDING_HEADERS = ("severity", "where", "rule", "what")
_NOT_A_VERDICT = frozenset({"doi-unverified", "pmid-unverified"})


def _finding_rows(findings: Sequence[Finding], book: ClaimBook) -> list[list[str]]:
    rows = []
    for f in findings:
        what = escape(f["message"])
        # An unverified identifier is no verdict about the claims citing it.
        claims = () if f["name"] in _NOT_A_VERDICT else book.claims_of(f)
        if claims:
            what += _claims(claims, limit=3)
        rows.append(
            [
                _sev(f["severity"]),
                f"<code>{escape(f['path'])}:{escape(f['line'])}:{escape(f['column'])}</code>",
                escape(f"{f['code']} {f['name']}"),
                what,
            ]
        )
    return rows


def render_audit(document: AuditDocument) -> str:
    today = dt.date.fromisoformat(document.today)
    findings, pages, summary = document.findings, document.pages, document.summary
    policy, verification = document.policy, document.verification
    book = ClaimBook(document)
    cards = "".join(
        f'<div class="card"><b>{summary[key]}</b>{label}</div>'
        for key, label in (
            ("errors", "errors"),
            ("warnings", "warnings"),
            ("infos", "infos"),
            ("pages", "pages"),
            ("claims", "claims"),
            ("references", "references"),
        )
    )
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
    notice = verification.get("notice")
    sections = [
        f"<h1>Evidence audit, {escape(document.today)}</h1>",
        *([_notice_html(str(notice))] if notice else []),
        f'<p class="muted">Policy: review every {policy["review_interval_months"]} months; '
        f"due-soon window {policy['due_soon_days']} days; evidence older than "
        f"{policy['evidence_max_age_years']} years reported. "
        f"evidencelint {escape(document.version)}.</p>",
        worklist_html(document),
    ]
    if document.since is not None:
        sections.append(_changes_html(document, document.since, book))
    sections += [
        '<section id="overview"><h2>Overview</h2>',
        f'<div class="summary">{cards}</div><div class="charts">',
        _figure(
            "Reviews falling due, next 12 months",
            _due_by_month(pages, today),
            "No page is overdue, undated or due in the next 12 months.",
        ),
        _figure(
            "Years since each page's last review",
            _ages(pages, today),
            "No page was checked.",
        ),
        _figure("Findings by rule and severity", _by_rule(findings), "No findings."),
        _figure(
            "Retracted, withdrawn, corrected or superseded evidence by page",
            _integrity_by_page(findings, book),
            nothing_changed(verification),
        ),
        "</div></section>",
        '<section id="overdue"><h2>Review schedule: overdue and due soon</h2>',
        _table(
            ["page", "file", "last reviewed", "due", "state", "reviewed by"],
            due_rows,
            "Every page is within its review interval.",
        ),
        "</section>",
        '<section id="findings"><h2>All findings</h2>',
        _table(FINDING_HEADERS, _finding_rows(findings, book), "No findings."),
        "</section>",
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


def _changes_html(document: AuditDocument, since: Changes, book: ClaimBook) -> str:
    new, resolved, carried = since.new, since.resolved, since.not_rechecked
    title = f"<h2>Changed since {escape(str(since.previous_today or 'the previous audit'))}</h2>"
    parts = [f'<section id="changes">{title}']
    if not new and not resolved and not carried:
        parts.append('<p class="muted">Nothing changed since the previous audit.</p>')
    else:
        totals, changed = _over_time(document, since)
        parts.append('<div class="charts">')
        parts.append(_figure("Findings then and now", totals, ""))
        parts.append(_figure("What changed", changed, ""))
        parts.append("</div>")
        for heading, rows in change_groups(since):
            parts.append(f"<h3>{escape(heading)}</h3>")
            parts.append(_table(FINDING_HEADERS, _finding_rows(rows, book), ""))
    parts.append("</section>")
    return "".join(parts)
