"""review-overdue, review-due-soon, review-date-future, review-date-missing, evidence-old.

Today is 2026-11-21 (tests.helpers.TODAY); the default interval is 36 months and the
due-soon window 90 days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from evidencelint.config import Policy
from evidencelint.content.review_dates import add_months
from evidencelint.findings import Finding, Severity
from tests.helpers import TODAY, Tree, one, only

DATE_RULES = (
    "review-overdue",
    "review-due-soon",
    "review-date-future",
    "review-date-missing",
)


def page(
    last_reviewed: str | None = "2026-01-10",
    status: str = "published",
    next_review: str | None = None,
    claim_reviewed: str | None = None,
) -> str:
    """A page whose `last_reviewed` (when given) is line 4, `next_review` line 5."""
    lines = ["id: page", "title: Acupuncture", f"status: {status}"]
    if last_reviewed is not None:
        lines.append(f"last_reviewed: {last_reviewed}")
    if next_review is not None:
        lines.append(f"next_review: {next_review}")
    lines += ["claims:", "  - id: c1", "    text: Less chronic pain [Vickers 2024]."]
    if claim_reviewed is not None:
        lines.append(f"    last_reviewed: {claim_reviewed}")
    lines += [
        "references:",
        "  vickers2024:",
        "    type: report",
        "    authors: [Vickers AJ]",
        "    title: Acupuncture for chronic pain",
        "    year: 2024",
    ]
    return "\n".join(lines) + "\n"


def date_findings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.name in DATE_RULES]


# --- add_months -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2023, 1, 10), 36, dt.date(2026, 1, 10)),
        (dt.date(2023, 5, 31), 1, dt.date(2023, 6, 30)),
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 36, dt.date(2027, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2023, 12, 15), 1, dt.date(2024, 1, 15)),
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2023, 8, 31), 1, dt.date(2023, 9, 30)),
        (dt.date(2023, 3, 15), 0, dt.date(2023, 3, 15)),
    ],
)
def test_add_months(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


# --- review-overdue ---------------------------------------------------------------------


def test_overdue_published_page_is_an_error_at_last_reviewed(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2023-01-10"))
    finding = one(tree.check().findings, "review-overdue")
    assert finding.severity is Severity.ERROR
    assert (finding.line, finding.column) == (4, 16)
    assert finding.page == "page"
    assert finding.claim is None
    overdue = (TODAY - dt.date(2026, 1, 10)).days
    assert f"{overdue} days overdue" in finding.message
    assert "2026-01-10" in finding.message
    assert "2023-01-10" in finding.message


@pytest.mark.parametrize("status", ["in-review", "draft"])
def test_overdue_unpublished_page_is_a_warning(tree: Tree, status: str) -> None:
    tree.write("content/p.yaml", page("2023-01-10", status=status))
    finding = one(tree.check().findings, "review-overdue")
    assert finding.severity is Severity.WARNING


@pytest.mark.parametrize("last_reviewed", ["2020-01-10", None])
def test_archived_page_has_no_review_findings(tree: Tree, last_reviewed: str | None) -> None:
    tree.write("content/p.yaml", page(last_reviewed, status="archived"))
    assert date_findings(tree.check().findings) == []


def test_due_date_today_is_not_overdue(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2023-11-21"))
    findings = date_findings(tree.check().findings)
    assert only(findings, "review-overdue") == []
    assert [f.name for f in findings] == ["review-due-soon"]
    assert "0 days" in findings[0].message


def test_one_day_past_due_is_overdue(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2023-11-20"))
    finding = one(tree.check().findings, "review-overdue")
    assert "is 1 day overdue" in finding.message
    assert "2026-11-20" in finding.message


def test_recently_reviewed_page_is_silent(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2026-01-10"))
    assert date_findings(tree.check().findings) == []


def test_policy_interval_is_used(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2025-11-20"))
    assert date_findings(tree.check().findings) == []
    finding = one(tree.check(policy=Policy(review_interval_months=12)).findings, "review-overdue")
    assert "1-year" in finding.message
    assert "2026-11-20" in finding.message


def test_interval_in_months_is_named_in_months(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2026-01-10"))
    finding = one(tree.check(policy=Policy(review_interval_months=6)).findings, "review-overdue")
    assert "6-month" in finding.message
    assert "2026-07-10" in finding.message


# --- next_review ------------------------------------------------------------------------


def test_explicit_next_review_can_bring_the_due_date_forward(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2025-01-10", next_review="2026-01-01"))
    finding = one(tree.check().findings, "review-overdue")
    assert (finding.line, finding.column) == (5, 14)
    assert f"{(TODAY - dt.date(2026, 1, 1)).days} days overdue" in finding.message
    assert "2026-01-01" in finding.message


def test_explicit_next_review_can_push_the_due_date_back(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2023-01-10", next_review="2027-06-01"))
    assert date_findings(tree.check().findings) == []


def test_explicit_next_review_within_window_is_due_soon(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2023-01-10", next_review="2026-12-01"))
    finding = one(tree.check().findings, "review-due-soon")
    assert (finding.line, finding.column) == (5, 14)
    assert "10 days" in finding.message


def test_overdue_from_next_review_tells_to_update_next_review(tree: Tree) -> None:
    # Reviewed in June, but the stale next_review of January was left in place.
    tree.write("content/p.yaml", page("2026-06-01", next_review="2026-01-01"))
    finding = one(tree.check().findings, "review-overdue")
    assert "next_review" in finding.message


# --- review-due-soon --------------------------------------------------------------------


def test_due_soon_is_info_within_the_window(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2024-02-19"))  # due 2027-02-19: 90 days away
    finding = one(tree.check().findings, "review-due-soon")
    assert finding.severity is Severity.INFO
    assert (finding.line, finding.column) == (4, 16)
    assert "90 days" in finding.message
    assert "2027-02-19" in finding.message


def test_due_soon_is_silent_just_outside_the_window(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2024-02-20"))  # due 2027-02-20: 91 days away
    assert date_findings(tree.check().findings) == []


def test_due_soon_window_comes_from_the_policy(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2023-12-21"))  # due 2026-12-21: 30 days away
    assert only(tree.check(policy=Policy(due_soon_days=30)).findings, "review-due-soon") != []
    assert only(tree.check(policy=Policy(due_soon_days=29)).findings, "review-due-soon") == []


def test_due_soon_window_of_zero_reports_only_due_today(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2023-11-21"))
    assert only(tree.check(policy=Policy(due_soon_days=0)).findings, "review-due-soon") != []
    tree.write("content/p.yaml", page("2023-11-22"))
    assert date_findings(tree.check(policy=Policy(due_soon_days=0)).findings) == []


# --- review-date-future -----------------------------------------------------------------


def test_future_review_date_is_an_error_and_not_also_overdue(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2062-05-16", next_review="2020-01-01"))
    findings = date_findings(tree.check().findings)
    assert [f.name for f in findings] == ["review-date-future"]
    finding = findings[0]
    assert finding.severity is Severity.ERROR
    assert (finding.line, finding.column) == (4, 16)
    assert "2062-05-16" in finding.message
    assert "2026-11-21" in finding.message


def test_review_date_of_today_is_not_future(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2026-11-21"))
    assert date_findings(tree.check().findings) == []


def test_review_date_tomorrow_is_future(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2026-11-22"))
    assert [f.name for f in date_findings(tree.check().findings)] == ["review-date-future"]


def test_future_claim_review_date_is_reported_at_the_claim(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2026-01-10", claim_reviewed="2027-01-01"))
    finding = one(tree.check().findings, "review-date-future")
    assert finding.claim == "c1"
    assert (finding.line, finding.column) == (8, 20)


# --- review-date-missing ----------------------------------------------------------------


def test_published_page_without_review_date_is_missing(tree: Tree) -> None:
    tree.write("content/p.yaml", page(None))
    finding = one(tree.check().findings, "review-date-missing")
    assert finding.severity is Severity.ERROR
    assert finding.page == "page"
    assert "last_reviewed" in finding.message
    assert [f.name for f in date_findings(tree.check().findings)] == ["review-date-missing"]


@pytest.mark.parametrize("status", ["draft", "in-review", "archived"])
def test_unpublished_page_without_review_date_is_silent(tree: Tree, status: str) -> None:
    tree.write("content/p.yaml", page(None, status=status))
    assert date_findings(tree.check().findings) == []


def test_next_review_without_last_reviewed_is_still_missing(tree: Tree) -> None:
    tree.write("content/p.yaml", page(None, next_review="2027-06-01"))
    assert only(tree.check().findings, "review-date-missing") != []


# --- claim-level last_reviewed ----------------------------------------------------------


def test_claim_review_date_is_checked_on_its_own(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2026-01-10", claim_reviewed="2020-01-01"))
    finding = one(tree.check().findings, "review-overdue")
    assert finding.claim == "c1"
    assert finding.severity is Severity.ERROR
    # The claim's `last_reviewed` value: line 8, after "    last_reviewed: ".
    assert (finding.line, finding.column) == (8, 20)
    assert "claim 'c1'" in finding.message
    assert "2023-01-01" in finding.message


def test_recent_claim_review_on_an_overdue_page_leaves_the_page_overdue(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2023-01-10", claim_reviewed="2026-06-01"))
    finding = one(tree.check().findings, "review-overdue")
    assert finding.claim is None
    assert finding.line == 4


def test_claim_review_due_soon(tree: Tree) -> None:
    tree.write("content/p.yaml", page("2026-01-10", claim_reviewed="2023-12-01"))
    finding = one(tree.check().findings, "review-due-soon")
    assert finding.claim == "c1"
    assert "10 days" in finding.message


# --- evidence-old -----------------------------------------------------------------------


def evidence_page(claims: str, references: str) -> str:
    return (
        "id: page\ntitle: Acupuncture\nstatus: published\nlast_reviewed: 2026-01-10\n"
        "claims:\n" + claims + "references:\n" + references
    )


def report(key: str, author: str, year: int) -> str:
    return (
        f"  {key}:\n    type: report\n    authors: [{author}]\n"
        f"    title: Acupuncture\n    year: {year}\n"
    )


def test_old_evidence_is_a_warning_at_the_claim_id(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        evidence_page(
            "  - id: c1\n    text: Less pain [Linde 2012; Vickers 2018].\n",
            report("linde", "Linde K", 2012) + report("vickers", "Vickers AJ", 2018),
        ),
    )
    finding = one(tree.check().findings, "evidence-old")
    assert finding.severity is Severity.WARNING
    assert (finding.line, finding.column) == (6, 9)
    assert finding.claim == "c1"
    assert "2018" in finding.message
    assert "8 years old" in finding.message
    assert "allows 5" in finding.message


def test_one_recent_reference_among_old_ones_is_enough(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        evidence_page(
            "  - id: c1\n    text: Less pain [Linde 2012; Vickers 2023].\n    cites: [old]\n",
            report("linde", "Linde K", 2012)
            + report("vickers", "Vickers AJ", 2023)
            + report("old", "Old A", 1999),
        ),
    )
    assert only(tree.check().findings, "evidence-old") == []


def test_evidence_exactly_at_the_age_limit_is_silent(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        evidence_page(
            "  - id: c1\n    text: Less pain [Vickers 2021].\n",
            report("vickers", "Vickers AJ", 2021),
        ),
    )
    assert only(tree.check().findings, "evidence-old") == []


def test_evidence_one_year_past_the_limit_is_old(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        evidence_page(
            "  - id: c1\n    text: Less pain [Vickers 2020].\n",
            report("vickers", "Vickers AJ", 2020),
        ),
    )
    assert len(only(tree.check().findings, "evidence-old")) == 1


def test_evidence_age_limit_comes_from_the_policy(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        evidence_page(
            "  - id: c1\n    text: Less pain [Vickers 2020].\n",
            report("vickers", "Vickers AJ", 2020),
        ),
    )
    policy = Policy(evidence_max_age_years=10)
    assert only(tree.check(policy=policy).findings, "evidence-old") == []


def test_web_page_without_year_is_silent(tree: Tree) -> None:
    web = (
        "  nhs:\n    type: web-page\n    title: Acupuncture\n"
        "    url: https://www.nhs.uk/conditions/acupuncture/\n"
    )
    tree.write(
        "content/p.yaml",
        evidence_page("  - id: c1\n    text: Acupuncture is offered [@nhs].\n", web),
    )
    assert tree.check().findings == []


def test_only_the_claim_with_old_evidence_is_reported(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        evidence_page(
            "  - id: c1\n    text: Less pain [Vickers 2023].\n"
            "  - id: c2\n    text: Fewer migraines [Linde 2012].\n",
            report("vickers", "Vickers AJ", 2023) + report("linde", "Linde K", 2012),
        ),
    )
    finding = one(tree.check().findings, "evidence-old")
    assert finding.claim == "c2"
    assert finding.line == 8


def test_ignored_evidence_old_is_silent(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        evidence_page(
            "  - id: c1\n    text: Less pain [Linde 2012].\n"
            "    ignore: [{rule: evidence-old, reason: still the only trial}]\n",
            report("linde", "Linde K", 2012),
        ),
    )
    assert tree.check().findings == []
