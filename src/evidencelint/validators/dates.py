"""review-overdue, review-due-soon, review-date-future, review-date-missing, evidence-old."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from evidencelint.content.documents import PageDoc
from evidencelint.content.model import Status
from evidencelint.content.review_dates import beyond_calendar, review_due
from evidencelint.findings import Finding, Position, Severity
from evidencelint.resolve.resolver import ResolvedClaim, ResolvedPage
from evidencelint.rule import Kind, Rule
from evidencelint.validators.base import RuleContext, report

REVIEW_OVERDUE = Rule(
    code="EL601",
    name="review-overdue",
    severity=Severity.ERROR,
    inputs=(Kind.PAGE,),
    severity_note="error for published pages, warning for others",
    severity_label="error/warning",
    summary="the page's (or claim's) review is past due",
    why="Health information goes out of date: new trials, new guidance, withdrawn advice. "
    "Publishers commit to review pages on a fixed cycle (the NHS: at least every 3 years).",
    example="last_reviewed: 2022-09-20   # due 2025-09-20 with a 3-year interval",
    fix="Have the page medically reviewed, then set `last_reviewed` to the review date (and "
    "`reviewed_by`).",
)
REVIEW_DUE_SOON = Rule(
    code="EL602",
    name="review-due-soon",
    severity=Severity.INFO,
    inputs=(Kind.PAGE,),
    summary="the review falls due within the configured window",
    why="Reviews take time to schedule; knowing ahead keeps pages from going overdue.",
    example="last_reviewed: 2023-12-01   # due 2026-12-01, within 90 days of 2026-11-21",
    fix="Schedule the review.",
)
REVIEW_DATE_FUTURE = Rule(
    code="EL603",
    name="review-date-future",
    severity=Severity.ERROR,
    inputs=(Kind.PAGE,),
    summary="a review date lies after today",
    why="A review cannot have happened in the future: the date is a typo, and it would hide "
    "the page from overdue checks for years.",
    example="last_reviewed: 2062-05-16   # meant 2026-05-16",
    fix="Write the date the review actually took place.",
)
REVIEW_DATE_MISSING = Rule(
    code="EL604",
    name="review-date-missing",
    severity=Severity.ERROR,
    inputs=(Kind.PAGE,),
    severity_note="reported for published pages",
    summary="a published page has no `last_reviewed` date",
    why="Readers and auditors cannot tell how current an undated page is; its age is "
    "unknown, which for health information counts as out of date.",
    example="status: published   # and no last_reviewed",
    fix="Record the date of the last full medical review as `last_reviewed` (a copyright year "
    "or the publication date is not a review). If the page was never reviewed, review it.",
)
EVIDENCE_OLD = Rule(
    code="EL605",
    name="evidence-old",
    severity=Severity.WARNING,
    inputs=(Kind.PAGE,),
    summary="the newest work a claim cites is older than the configured maximum evidence age",
    why="A claim resting only on old studies may have been overtaken by newer evidence.",
    example="a claim citing only a 2012 review, with a maximum age of 5 years",
    fix="Search for newer evidence (a newer review version, recent trials) and cite it; if "
    "the old evidence still stands, say so with `ignore: [{rule: evidence-old, reason: ...}]`.",
)
RULES = (REVIEW_OVERDUE, REVIEW_DUE_SOON, REVIEW_DATE_FUTURE, REVIEW_DATE_MISSING, EVIDENCE_OLD)


def check_page(page: ResolvedPage, ctx: RuleContext) -> Iterator[Finding]:
    doc = page.doc
    p = doc.page
    published = p.status is Status.PUBLISHED
    # A date written but unreadable (misspelt key, wrong format) has its schema finding;
    # 'no review date' would send the editor looking for something that is there.
    if p.last_reviewed is None and published and "last_reviewed" not in doc.unreadable:
        yield report(
            REVIEW_DATE_MISSING,
            doc.path,
            doc.source.value(()),
            f"published page '{p.id}' has no `last_reviewed` date, so nobody can tell how "
            "current it is; add the date of its last medical review",
            page=p.id,
        )
    archived = p.status is Status.ARCHIVED  # no longer published: reviews are moot
    if not archived:
        yield from _review(page, ctx, (), p.last_reviewed, p.next_review, published, claim=None)
    for claim in page.claims:
        if claim.claim.last_reviewed is not None and not archived:
            yield from _review(
                page, ctx, claim.path, claim.claim.last_reviewed, None, published, claim.claim.id
            )
        yield from _evidence_age(page, claim, ctx)


def _review(
    page: ResolvedPage,
    ctx: RuleContext,
    base: tuple[str | int, ...],
    last_reviewed: dt.date | None,
    next_review: dt.date | None,
    published: bool,
    claim: str | None,
) -> Iterator[Finding]:
    doc = page.doc
    what = f"claim '{claim}'" if claim else "page"
    if last_reviewed is not None and last_reviewed > ctx.today:
        yield report(
            REVIEW_DATE_FUTURE,
            doc.path,
            doc.source.value((*base, _key(doc, base, "last_reviewed"))),
            f"{what} review date {last_reviewed} lies after today ({ctx.today}); write the "
            "date the review took place",
            page=doc.page.id,
            claim=claim,
        )
        return
    months = ctx.policy.review_interval_months
    if next_review is None and last_reviewed is not None and beyond_calendar(last_reviewed, months):
        return  # due after 9999-12-31: neither overdue nor due soon on any date
    due = review_due(last_reviewed, next_review, ctx.policy.review_interval_months)
    update = "`last_reviewed`"
    if due is None:
        return
    if next_review is not None:
        at = doc.source.value((*base, _key(doc, base, "next_review")))
        basis = f"its next review was set for {next_review}"
        update = "`last_reviewed` and `next_review`"
    else:
        at = doc.source.value((*base, _key(doc, base, "last_reviewed")))
        basis = (
            f"last reviewed {last_reviewed}, due {due} "
            f"({_interval(ctx.policy.review_interval_months)} review interval)"
        )
    if ctx.today > due:
        days = (ctx.today - due).days
        yield report(
            REVIEW_OVERDUE,
            doc.path,
            at,
            f"{what} review is {_days(days)} overdue: {basis}; have it reviewed and update "
            f"{update}",
            severity=Severity.ERROR if published else Severity.WARNING,
            page=doc.page.id,
            claim=claim,
        )
    elif (due - ctx.today).days <= ctx.policy.due_soon_days:
        yield report(
            REVIEW_DUE_SOON,
            doc.path,
            at,
            f"{what} review falls due in {_days((due - ctx.today).days)}: {basis}",
            page=doc.page.id,
            claim=claim,
        )


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _interval(months: int) -> str:
    return f"{months // 12}-year" if months % 12 == 0 else f"{months}-month"


def _evidence_age(page: ResolvedPage, claim: ResolvedClaim, ctx: RuleContext) -> Iterator[Finding]:
    years = [e.reference.year for e in claim.cited if e.reference and e.reference.year]
    if not years:
        return
    newest = max(years)
    age = ctx.today.year - newest
    limit = ctx.policy.evidence_max_age_years
    if age > limit:
        doc = page.doc
        position: Position = doc.source.value((*claim.path, "id"))
        yield report(
            EVIDENCE_OLD,
            doc.path,
            position,
            f"the newest work claim '{claim.claim.id}' cites is from {newest} ({age} years "
            f"old; the policy allows {limit}); look for newer evidence",
            page=doc.page.id,
            claim=claim.claim.id,
        )


def _key(doc: PageDoc, base: tuple[str | int, ...], name: str) -> str:
    """The key a page writes `name` under (a misspelt one read as `name`); claims' own."""
    return doc.field_key(name) if not base else name
