"""doi-invalid, reference-unused, reference-duplicate; and the DOI syntax helpers."""

from __future__ import annotations

import pytest

from evidencelint.findings import Severity
from evidencelint.resolve.doi import check_doi, normalise_doi
from tests.helpers import Tree, one, only

HEAD = """\
id: page
title: Acupuncture
status: published
last_reviewed: 2026-01-10
"""

SICI_ANGLE = "10.1002/1096-9861(20010212)430:3<283::AID-CNE1031>3.0.CO;2-V"
SICI_SQUARE = "10.1890/0012-9615(1999)069[0569:EDILSA]2.0.CO;2"


def article(key: str, doi: str, author: str = "Vickers AJ") -> str:
    """A page-local journal article (6 lines; `doi:` is its last line)."""
    return f"""\
  {key}:
    type: journal-article
    authors: [{author}]
    title: Acupuncture for chronic pain
    journal: J Pain
    year: 2022
    doi: '{doi}'
"""


def page_citing(*keys: str, references: str) -> str:
    cited = "; ".join(f"@{k}" for k in keys)
    return (
        HEAD
        + f"""\
claims:
  - id: c1
    text: Acupuncture reduced chronic pain [{cited}].
references:
"""
        + references
    )


# --- check_doi / normalise_doi ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10.1016/j.jpain.2017.11.005", "10.1016/j.jpain.2017.11.005"),
        ("doi:10.1016/j.jpain.2017.11.005", "10.1016/j.jpain.2017.11.005"),
        ("DOI: 10.1016/j.jpain.2017.11.005", "10.1016/j.jpain.2017.11.005"),
        ("https://doi.org/10.1016/j.jpain.2017.11.005", "10.1016/j.jpain.2017.11.005"),
        ("http://dx.doi.org/10.1016/j.jpain.2017.11.005", "10.1016/j.jpain.2017.11.005"),
        ("https://dx.doi.org/10.1016/j.jpain.2017.11.005", "10.1016/j.jpain.2017.11.005"),
        ("HTTPS://DOI.ORG/10.1016/J.JPAIN.2017.11.005", "10.1016/j.jpain.2017.11.005"),
        ("10.1016/J.JPAIN.2017.11.005", "10.1016/j.jpain.2017.11.005"),
        ("  10.1016/j.jpain.2017.11.005  ", "10.1016/j.jpain.2017.11.005"),
        ("10.1000.10/abc", "10.1000.10/abc"),
        (SICI_ANGLE, SICI_ANGLE.lower()),
        (SICI_SQUARE, SICI_SQUARE.lower()),
        (
            "https://doi.org/10.1002%2F1096-9861%2820010212%29430%3A3%3C283%3A%3A"
            "AID-CNE1031%3E3.0.CO%3B2-V",
            SICI_ANGLE.lower(),
        ),
    ],
)
def test_valid_doi_is_normalised(text: str, expected: str) -> None:
    result = check_doi(text)
    assert result.normalised == expected
    assert result.problem == ""
    assert normalise_doi(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("10.1016/ j.jpain.2017.11.005", "no spaces"),
        ("29198932", "PubMed"),
        ("11.1000/x", "starts with '10.'"),
        ("10.12/x", "'10.12' is not a DOI prefix"),
        ("https://example.org/x", "web address"),
        ("10.1016", "'/'"),
        ("10.1016/", "after the '/' is missing"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_invalid_doi_has_a_diagnosis(text: str, problem: str) -> None:
    result = check_doi(text)
    assert result.normalised is None
    assert problem in result.problem
    assert normalise_doi(text) is None


def test_percent_encoding_is_decoded_only_in_doi_org_addresses() -> None:
    # A bare DOI may legitimately contain '%'; it is kept as written.
    assert normalise_doi("10.1000/a%2Fb") == "10.1000/a%2fb"
    assert normalise_doi("https://doi.org/10.1000/a%2Fb") == "10.1000/a/b"


def test_spellings_of_one_doi_normalise_to_the_same_value() -> None:
    spellings = [
        "10.1016/j.jpain.2017.11.005",
        "doi:10.1016/J.JPAIN.2017.11.005",
        "https://doi.org/10.1016/j.jpain.2017.11.005",
        "http://dx.doi.org/10.1016%2Fj.jpain.2017.11.005",
    ]
    assert {normalise_doi(s) for s in spellings} == {"10.1016/j.jpain.2017.11.005"}


def test_zero_width_space_makes_a_doi_invalid() -> None:
    assert check_doi("10.1016/j.jpain.2017.11.005\u200b").normalised is None


# --- doi-invalid ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doi",
    [
        "10.1016/ j.jpain.2017.11.005",
        "29198932",
        "11.1000/x",
        "10.12/x",
        "https://example.org/x",
        "10.1016",
    ],
)
def test_invalid_doi_is_reported_at_the_doi_value(tree: Tree, doi: str) -> None:
    tree.write("content/p.yaml", page_citing("a", references=article("a", doi)))
    finding = one(tree.check().findings, "doi-invalid")
    assert finding.severity is Severity.ERROR
    # references: is line 8, the key line 9, doi: line 15; the quoted value at column 10.
    assert (finding.line, finding.column) == (15, 10)
    assert finding.reference == "a"
    assert finding.doi == doi
    assert finding.claim is None
    assert f"'{doi}' is not a valid DOI" in finding.message


def test_invalid_doi_message_explains_the_problem(tree: Tree) -> None:
    tree.write("content/p.yaml", page_citing("a", references=article("a", "29198932")))
    finding = one(tree.check().findings, "doi-invalid")
    assert "pmid" in finding.message


@pytest.mark.parametrize(
    "doi",
    [
        "10.1016/j.jpain.2017.11.005",
        "doi:10.1016/j.jpain.2017.11.005",
        "DOI: 10.1016/j.jpain.2017.11.005",
        "https://doi.org/10.1016/j.jpain.2017.11.005",
        "http://dx.doi.org/10.1016/j.jpain.2017.11.005",
        "https://doi.org/10.1016%2Fj.jpain.2017.11.005",
        "10.1016/J.JPAIN.2017.11.005",
        "  10.1016/j.jpain.2017.11.005 ",
        SICI_ANGLE,
        SICI_SQUARE,
    ],
)
def test_valid_doi_spellings_are_silent(tree: Tree, doi: str) -> None:
    tree.write("content/p.yaml", page_citing("a", references=article("a", doi)))
    assert tree.check().findings == []


def test_unquoted_sici_doi_in_yaml_is_valid(tree: Tree) -> None:
    references = f"""\
  a:
    type: journal-article
    authors: [Vickers AJ]
    title: Acupuncture for chronic pain
    journal: J Comp Neurol
    year: 2022
    doi: {SICI_ANGLE}
"""
    tree.write("content/p.yaml", page_citing("a", references=references))
    assert tree.check().findings == []


def test_invalid_doi_in_shared_bibliography_is_reported_when_it_is_checked(tree: Tree) -> None:
    tree.write("content/references.yaml", "references:\n" + article("shared", "10.12/x"))
    tree.write("content/p.yaml", page_citing("shared", references="  {}\n"))
    bib = ["content/references.yaml"]
    finding = one(tree.check(bibliographies=bib).findings, "doi-invalid")
    assert finding.path.endswith("references.yaml")
    assert finding.page is None
    assert (finding.line, finding.column) == (8, 10)
    assert only(tree.check("content/p.yaml", bibliographies=bib).findings, "doi-invalid") == []


# --- reference-unused -------------------------------------------------------------------


def test_uncited_local_reference_is_unused(tree: Tree) -> None:
    references = article("a", "10.1000/a1") + article("b", "10.1000/b1", "Smith J")
    tree.write("content/p.yaml", page_citing("a", references=references))
    finding = one(tree.check().findings, "reference-unused")
    assert finding.severity is Severity.WARNING
    # At the key 'b', after the seven lines of 'a' (lines 9 to 15).
    assert (finding.line, finding.column) == (16, 3)
    assert finding.reference == "b"
    assert finding.claim is None
    assert "'b' is cited by no claim" in finding.message


@pytest.mark.parametrize(
    "claims",
    [
        "  - id: c1\n    text: Less pain [Vickers 2022] and [Smith 2022].\n",
        "  - id: c1\n    text: Less pain [@a; @b].\n",
        "  - id: c1\n    text: Less pain [Vickers 2022].\n    cites: [b]\n",
        "  - id: c1\n    text: Less pain.\n    cites: [a, b]\n",
        "  - id: c1\n    text: Less pain [@a].\n  - id: c2\n    text: Also [Smith 2022].\n",
    ],
)
def test_cited_references_are_not_unused(tree: Tree, claims: str) -> None:
    references = article("a", "10.1000/a1") + article("b", "10.1000/b1", "Smith J")
    tree.write("content/p.yaml", HEAD + "claims:\n" + claims + "references:\n" + references)
    assert tree.check().findings == []


def test_unused_shared_reference_is_not_reported(tree: Tree) -> None:
    tree.write(
        "content/references.yaml",
        "references:\n" + article("shared", "10.1000/s1") + article("other", "10.1000/o1"),
    )
    tree.write("content/p.yaml", page_citing("a", references=article("a", "10.1000/a1")))
    result = tree.check(bibliographies=["content/references.yaml"])
    assert only(result.findings, "reference-unused") == []


def test_no_unused_reference_when_a_claim_was_set_aside(tree: Tree) -> None:
    text = (
        HEAD
        + """\
claims:
  - id: c1
    text: Less pain [@a].
  - id: c2
    text: Fewer migraine days [@b].
    evidence: strong
references:
"""
        + article("a", "10.1000/a1")
        + article("b", "10.1000/b1", "Smith J")
    )
    tree.write("content/p.yaml", text)
    findings = tree.check().findings
    assert only(findings, "schema") != []
    assert only(findings, "reference-unused") == []


def test_reference_set_aside_is_not_reported_unused(tree: Tree) -> None:
    text = page_citing(
        "a",
        references=article("a", "10.1000/a1")
        + """\
  broken:
    type: report
    title: No authors and no year
""",
    )
    tree.write("content/p.yaml", text)
    findings = tree.check().findings
    assert only(findings, "schema") != []
    assert only(findings, "reference-unused") == []


# --- reference-duplicate ----------------------------------------------------------------


def test_same_doi_in_different_spellings_is_a_duplicate(tree: Tree) -> None:
    references = article("a", "10.1016/j.jpain.2017.11.005") + article(
        "b", "https://doi.org/10.1016/J.JPAIN.2017.11.005", "Smith J"
    )
    tree.write("content/p.yaml", page_citing("a", "b", references=references))
    finding = one(tree.check().findings, "reference-duplicate")
    assert finding.severity is Severity.WARNING
    assert (finding.line, finding.column) == (22, 10)
    assert finding.reference == "b"
    assert finding.doi == "10.1016/j.jpain.2017.11.005"
    assert "'b' has the same DOI" in finding.message
    assert "'a'" in finding.message
    assert "(line 15)" in finding.message


def test_different_dois_are_not_duplicates(tree: Tree) -> None:
    references = article("a", "10.1016/j.jpain.2017.11.005") + article(
        "b", "10.1016/j.jpain.2017.11.006", "Smith J"
    )
    tree.write("content/p.yaml", page_citing("a", "b", references=references))
    assert tree.check().findings == []


def test_invalid_dois_are_not_compared_as_duplicates(tree: Tree) -> None:
    references = article("a", "10.12/x") + article("b", "10.12/x", "Smith J")
    tree.write("content/p.yaml", page_citing("a", "b", references=references))
    findings = tree.check().findings
    assert len(only(findings, "doi-invalid")) == 2
    assert only(findings, "reference-duplicate") == []


def test_local_reference_repeating_a_shared_one_is_reported_at_the_local_one(tree: Tree) -> None:
    tree.write("content/references.yaml", "references:\n" + article("shared", "10.1000/x1"))
    tree.write("content/p.yaml", page_citing("a", references=article("a", "DOI:10.1000/X1")))
    result = tree.check("content/p.yaml", bibliographies=["content/references.yaml"])
    finding = one(result.findings, "reference-duplicate")
    assert finding.path.endswith("p.yaml")
    assert (finding.line, finding.column) == (15, 10)
    assert finding.reference == "a"
    assert finding.page == "page"
    assert "'shared' in" in finding.message
    assert "references.yaml" in finding.message


def test_two_shared_duplicates_are_reported_only_when_the_bibliography_is_checked(
    tree: Tree,
) -> None:
    tree.write(
        "content/references.yaml",
        "references:\n"
        + article("first", "10.1000/x1")
        + article("second", "https://doi.org/10.1000/X1", "Smith J"),
    )
    tree.write("content/p.yaml", page_citing("first", references="  {}\n"))
    bib = ["content/references.yaml"]

    page_only = tree.check("content/p.yaml", bibliographies=bib)
    assert only(page_only.findings, "reference-duplicate") == []

    with_bib = tree.check("content/p.yaml", "content/references.yaml", bibliographies=bib)
    finding = one(with_bib.findings, "reference-duplicate")
    assert finding.path.endswith("references.yaml")
    assert finding.reference == "second"
    assert finding.page is None
    assert (finding.line, finding.column) == (15, 10)


def test_shared_duplicates_are_reported_once_however_many_pages_are_checked(tree: Tree) -> None:
    tree.write(
        "content/references.yaml",
        "references:\n"
        + article("first", "10.1000/x1")
        + article("second", "10.1000/x1", "Smith J"),
    )
    tree.write("content/p.yaml", page_citing("first", references="  {}\n"))
    tree.write(
        "content/q.yaml",
        page_citing("second", references="  {}\n").replace("id: page", "id: other-page"),
    )
    result = tree.check(bibliographies=["content/references.yaml"])
    assert len(only(result.findings, "reference-duplicate")) == 1


def test_doi_with_two_prefixes_is_valid() -> None:
    assert normalise_doi("doi: https://doi.org/10.1016/J.JPAIN.2017.11.005") == (
        "10.1016/j.jpain.2017.11.005"
    )


def _qaseem(key: str, doi: str, title: str = "Noninvasive treatments for low back pain") -> str:
    return f"""\
        id: {key}-page
        title: Back pain
        status: published
        last_reviewed: 2026-01-10
        claims:
          - id: c1
            text: Non-drug treatment first [Qaseem 2017].
            ignore: [{{rule: evidence-old, reason: the guideline is the current one}}]
        references:
          {key}:
            type: guideline
            authors: [Qaseem A, Wilt TJ]
            title: {title}
            year: 2017
            doi: {doi}
        """


def test_same_work_with_two_dois_is_a_conflict_on_both(tree: Tree) -> None:
    tree.write("content/a.yaml", _qaseem("qaseem-a", "10.7326/M16-2367"))
    tree.write("content/b.yaml", _qaseem("qaseem-b", "10.7326/M16-2070"))
    conflicts = only(tree.check().findings, "doi-conflict")
    assert [(f.path.rsplit("/", 1)[-1], f.line, f.column) for f in conflicts] == [
        ("a.yaml", 15, 10),
        ("b.yaml", 15, 10),
    ]
    assert "10.7326/M16-2070" in conflicts[0].message  # as the file writes it
    assert conflicts[0].severity is Severity.WARNING


def test_different_titles_are_not_a_conflict(tree: Tree) -> None:
    tree.write("content/a.yaml", _qaseem("qaseem-a", "10.7326/M16-2367"))
    tree.write("content/b.yaml", _qaseem("qaseem-b", "10.7326/M16-2070", "Opioids for pain"))
    assert only(tree.check().findings, "doi-conflict") == []


def test_same_doi_is_not_a_conflict(tree: Tree) -> None:
    tree.write("content/a.yaml", _qaseem("qaseem-a", "10.7326/M16-2367"))
    tree.write("content/b.yaml", _qaseem("qaseem-b", "doi:10.7326/m16-2367"))
    assert only(tree.check().findings, "doi-conflict") == []


def test_registry_confirmed_doi_is_not_reported(tree: Tree) -> None:
    from evidencelint.verify.record import WorkRecord
    from evidencelint.verify.verdicts import Outcome, Verification

    class Confirms:
        def verify(self, dois: object) -> dict[str, Verification]:
            record = WorkRecord(
                "10.7326/m16-2367", titles=("Noninvasive Treatments for Low Back Pain",)
            )
            return {
                "10.7326/m16-2367": Verification("10.7326/m16-2367", Outcome.FOUND, record=record)
            }

    tree.write("content/a.yaml", _qaseem("qaseem-a", "10.7326/M16-2367"))
    tree.write("content/b.yaml", _qaseem("qaseem-b", "10.7326/M16-2070"))
    conflicts = only(tree.check(verifier=Confirms()).findings, "doi-conflict")
    assert [f.path.rsplit("/", 1)[-1] for f in conflicts] == ["b.yaml"]
