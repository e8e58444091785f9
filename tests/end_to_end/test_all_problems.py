"""All problems in one run: a page-level schema error does not hide the page's other
findings, and a reference broken in one field is reported for that field only."""

from __future__ import annotations

import json

import pytest

from evidencelint.cli import main
from tests.helpers import MINIMAL_PAGE, Tree


def _check(tree: Tree, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    main(["check", "content", "--format", "json", "--offline", "--today", "2026-11-21"])
    findings: list[dict[str, object]] = json.loads(capsys.readouterr().out)["findings"]
    return findings


def _names(findings: list[dict[str, object]]) -> list[tuple[object, object]]:
    return sorted((f["name"], f["line"]) for f in findings if f["name"] != "doi-unverified")


@pytest.fixture
def in_tree(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> Tree:
    monkeypatch.chdir(tree.root)
    return tree


def test_a_misspelt_page_field_still_has_the_claims_and_dates_checked(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    page = MINIMAL_PAGE.replace("last_reviewed: 2026-01-10", "last_reviwed: 2020-01-10")
    in_tree.write("content/page.yaml", page.replace("[He 2022]", "[Hee 2022]"))
    findings = _check(in_tree, capsys)
    assert _names(findings) == [
        ("citation-unresolved", 7),
        ("reference-unused", 9),
        ("review-overdue", 4),
        ("schema", 4),
    ]
    schema = next(f for f in findings if f["name"] == "schema")
    assert "did you mean `last_reviewed`" in str(schema["message"])


@pytest.mark.parametrize(
    ("original", "broken"),
    [
        ("title: Acupuncture for migraine", "title: [Acupuncture, for, migraine]"),
        ("status: published", "status: publishd"),
        ("last_reviewed: 2026-01-10", "last_reviewed: 10/01/2026"),
        ("last_reviewed: 2026-01-10", "last_reviewed: 2026-01-10\nreviewed_by: {a: b}"),
        ("id: minimal-page", "id: Minimal Page"),
    ],
)
def test_a_wrong_typed_page_field_hides_nothing_else(
    in_tree: Tree, capsys: pytest.CaptureFixture[str], original: str, broken: str
) -> None:
    page = MINIMAL_PAGE.replace(original, broken).replace("[He 2022]", "[Hee 2022]")
    in_tree.write("content/page.yaml", page)
    names = [name for name, _ in _names(_check(in_tree, capsys))]
    assert names.count("schema") == 1
    assert "citation-unresolved" in names and "reference-unused" in names
    # A date written but unreadable is not also 'missing'.
    assert "review-date-missing" not in names


def test_a_broken_status_is_checked_as_strictly_as_published(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    page = MINIMAL_PAGE.replace("status: published", "status: publishd")
    in_tree.write("content/page.yaml", page.replace("[He 2022]", "[Hee 2022]"))
    findings = _check(in_tree, capsys)
    unresolved = next(f for f in findings if f["name"] == "citation-unresolved")
    assert unresolved["severity"] == "error"


def test_authors_as_one_string_is_that_finding_only(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    page = MINIMAL_PAGE.replace("authors: [He M, Qin W, Qin Z, Zhao C]", "authors: He M, Qin W")
    in_tree.write("content/page.yaml", page)
    findings = _check(in_tree, capsys)
    assert [(f["name"], f["line"]) for f in findings] == [("schema", 11)]
    assert "`authors` must be a list" in str(findings[0]["message"])


def test_an_infinite_year_of_a_broken_reference_is_a_schema_finding(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    # YAML's `.inf` is a float; salvaging the broken reference must not crash on it (it
    # was an internal error). With no year to read, [He 2022] cannot be matched by year.
    page = MINIMAL_PAGE.replace("    year: 2022\n", "    year: .inf\n")
    assert "year: .inf" in page
    in_tree.write("content/page.yaml", page)
    findings = _check(in_tree, capsys)
    assert sorted(str(f["name"]) for f in findings) == ["citation-unresolved", "schema"]


def test_date_errors_quote_the_value_once(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    in_tree.write(
        "content/page.yaml",
        MINIMAL_PAGE.replace("last_reviewed: 2026-01-10", "last_reviewed: 2026-13-10"),
    )
    schema = [f for f in _check(in_tree, capsys) if f["name"] == "schema"]
    assert [f["message"] for f in schema] == [
        "`last_reviewed` '2026-13-10' is not a real calendar date"
    ]


def test_a_claim_with_a_broken_optional_field_is_still_checked(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    page = MINIMAL_PAGE.replace(
        "    text: Acupuncture",
        "    evidence: medium\n"
        "    ignore:\n      - rule: review-overdu\n        reason: x\n"
        "      - rule: reference-unused\n        reason: kept for the next review\n"
        "    text: Acupuncture",
    )
    in_tree.write("content/page.yaml", page.replace("[He 2022]", "[Hee 2022]"))
    findings = _check(in_tree, capsys)
    names = [name for name, _ in _names(findings)]
    # Both schema errors, and the claim's own finding: it was not set aside.
    assert names.count("schema") == 2
    assert "citation-unresolved" in names
    messages = " ".join(str(f["message"]) for f in findings)
    assert "'review-overdu' is not a finding name" in messages


def test_a_claim_broken_in_what_it_cites_is_set_aside_not_guessed(
    in_tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    page = MINIMAL_PAGE.replace("    text: Acupuncture", "    cites: {a: b}\n    text: Acupuncture")
    in_tree.write("content/page.yaml", page)
    names = [name for name, _ in _names(_check(in_tree, capsys))]
    # Without the claim, nothing can say the reference is unused or the claim uncited.
    assert names == ["schema"]
