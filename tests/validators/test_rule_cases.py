"""Rule tests in the yamllint style (tests/rule_cases.py): a page in, (name, line, column)
out. New rules are best tested this way; each family's own module has the rest."""

from __future__ import annotations

import pytest

from evidencelint.config import Policy
from tests.helpers import MINIMAL_PAGE
from tests.rule_cases import Expected, check_page


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (MINIMAL_PAGE, []),
        (MINIMAL_PAGE.replace("[He 2022]", "[Hee 2022]"), [("citation-unresolved", 7, 69)]),
        (MINIMAL_PAGE.replace(" [He 2022]", ""), [("citation-missing", 7, 11)]),
    ],
    ids=["cited", "unresolved", "missing"],
)
def test_citation_rules(page: str, expected: list[Expected]) -> None:
    check_page(page, expected, rules={"citation-unresolved", "citation-missing"})


def test_an_overdue_published_page_is_found_at_its_review_date() -> None:
    found = check_page(
        MINIMAL_PAGE.replace("2026-01-10", "2022-01-10"), [("review-overdue", 4, 16)]
    )
    assert found[0].severity.value == "error"


def test_the_review_interval_of_the_policy_applies() -> None:
    long = Policy(review_interval_months=120)
    page = MINIMAL_PAGE.replace("2026-01-10", "2022-01-10")
    check_page(page, [], rules={"review-overdue", "review-due-soon"}, policy=long)


def test_the_helper_fails_when_a_finding_is_not_the_expected_one() -> None:
    page = MINIMAL_PAGE.replace("[He 2022]", "[Hee 2022]")
    with pytest.raises(AssertionError):
        check_page(page, [("citation-unresolved", 7, 1)])
    with pytest.raises(AssertionError):
        check_page(page, [], rules={"citation-unresolved"})
