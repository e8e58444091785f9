"""doi-not-found, doi-not-crossref, doi-unverified from verification answers.

The verifier is faked: it answers from a table and records what it was asked, so no
test touches the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

from evidencelint.findings import Finding, Severity
from evidencelint.verify.verdicts import OfflineNoCache, Outcome, Verification
from tests.helpers import SyntaxOnly, Tree, one, only, page_citing

REGISTRY_RULES = ("doi-not-found", "doi-not-crossref", "doi-unverified")

DOI = "10.1016/j.jpain.2017.11.005"
OTHER_DOI = "10.1186/s40001-022-00682-3"


class FakeVerifier:
    """Answers `outcome` (with `detail`) for every DOI unless `answers` says otherwise."""

    def __init__(
        self,
        outcome: Outcome = Outcome.FOUND,
        detail: str = "",
        answers: Mapping[str, tuple[Outcome, str]] | None = None,
    ) -> None:
        self.outcome = outcome
        self.detail = detail
        self.answers = dict(answers or {})
        self.calls: list[list[str]] = []

    def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
        asked = list(dois)
        self.calls.append(asked)
        result: dict[str, Verification] = {}
        for doi in asked:
            outcome, detail = self.answers.get(doi, (self.outcome, self.detail))
            result[doi] = Verification(doi, outcome, detail)
        return result

    @property
    def asked(self) -> list[str]:
        return [doi for call in self.calls for doi in call]


def article(key: str, doi: str, author: str = "Vickers AJ") -> str:
    return f"""\
  {key}:
    type: journal-article
    authors: [{author}]
    title: Acupuncture for chronic pain
    journal: J Pain
    year: 2024
    doi: {doi}
"""


def page(*keys: str, references: str, page_id: str = "page") -> str:
    return page_citing(keys, references, page_id)


def registry_findings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.name in REGISTRY_RULES]


# --- outcomes ---------------------------------------------------------------------------


def test_not_found_is_an_error_at_the_doi_value(tree: Tree) -> None:
    tree.write("content/p.yaml", page("a", references=article("a", DOI)))
    result = tree.check(verifier=FakeVerifier(Outcome.NOT_FOUND))
    finding = one(result.findings, "doi-not-found")
    assert finding.severity is Severity.ERROR
    # references: is line 8, the key line 9, doi: line 15, value at column 10.
    assert (finding.line, finding.column) == (15, 10)
    assert finding.reference == "a"
    assert finding.doi == DOI
    assert finding.page == "page"
    assert finding.claim is None
    assert DOI in finding.message
    assert "registered nowhere" in finding.message


def test_other_agency_is_info_naming_the_agency(tree: Tree) -> None:
    tree.write("content/p.yaml", page("a", references=article("a", DOI)))
    result = tree.check(verifier=FakeVerifier(Outcome.OTHER_AGENCY, "DataCite"))
    finding = one(result.findings, "doi-not-crossref")
    assert finding.severity is Severity.INFO
    assert (finding.line, finding.column) == (15, 10)
    assert "DataCite" in finding.message
    assert "not Crossref" in finding.message


def test_other_agency_without_a_name_still_reads_well(tree: Tree) -> None:
    tree.write("content/p.yaml", page("a", references=article("a", DOI)))
    finding = one(
        tree.check(verifier=FakeVerifier(Outcome.OTHER_AGENCY)).findings, "doi-not-crossref"
    )
    assert "another agency" in finding.message


def test_unverified_is_a_warning_with_the_reason(tree: Tree) -> None:
    tree.write("content/p.yaml", page("a", references=article("a", DOI)))
    result = tree.check(verifier=FakeVerifier(Outcome.UNVERIFIED, "Crossref answered 503"))
    finding = one(result.findings, "doi-unverified")
    assert finding.severity is Severity.WARNING
    assert (finding.line, finding.column) == (15, 10)
    assert "could not be verified" in finding.message
    assert "Crossref answered 503" in finding.message


def test_found_is_silent(tree: Tree) -> None:
    tree.write("content/p.yaml", page("a", references=article("a", DOI)))
    assert tree.check(verifier=FakeVerifier(Outcome.FOUND)).findings == []


def test_syntax_only_gives_no_registry_findings(tree: Tree) -> None:
    tree.write("content/p.yaml", page("a", references=article("a", DOI)))
    assert tree.check(verifier=SyntaxOnly()).findings == []


def test_doi_left_out_of_the_answers_gets_no_finding(tree: Tree) -> None:
    class Silent(FakeVerifier):
        def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
            super().verify(dois)
            return {}

    tree.write("content/p.yaml", page("a", references=article("a", DOI)))
    assert tree.check(verifier=Silent()).findings == []


def test_each_reference_gets_its_own_answer(tree: Tree) -> None:
    references = article("a", DOI) + article("b", OTHER_DOI, "He M")
    tree.write("content/p.yaml", page("a", "b", references=references))
    verifier = FakeVerifier(answers={OTHER_DOI: (Outcome.NOT_FOUND, "")})
    (finding,) = registry_findings(tree.check(verifier=verifier).findings)
    assert finding.name == "doi-not-found"
    assert finding.reference == "b"


def test_doi_is_reported_normalised(tree: Tree) -> None:
    tree.write(
        "content/p.yaml",
        page("a", references=article("a", "https://doi.org/10.1016/J.JPAIN.2017.11.005")),
    )
    verifier = FakeVerifier(Outcome.NOT_FOUND)
    finding = one(tree.check(verifier=verifier).findings, "doi-not-found")
    assert verifier.asked == [DOI]
    assert finding.doi == DOI


def test_invalid_doi_is_not_sent_for_verification(tree: Tree) -> None:
    tree.write("content/p.yaml", page("a", references=article("a", "10.12/x")))
    verifier = FakeVerifier(Outcome.NOT_FOUND)
    findings = tree.check(verifier=verifier).findings
    assert verifier.asked == []
    assert [f.name for f in findings] == ["doi-invalid"]


def test_reference_without_doi_is_not_verified(tree: Tree) -> None:
    references = """\
  a:
    type: report
    authors: [Vickers AJ]
    title: Acupuncture for chronic pain
    year: 2024
"""
    tree.write("content/p.yaml", page("a", references=references))
    verifier = FakeVerifier(Outcome.NOT_FOUND)
    assert tree.check(verifier=verifier).findings == []
    assert verifier.asked == []


# --- offline ----------------------------------------------------------------------------


def test_offline_without_cache_makes_every_doi_unverified(tree: Tree) -> None:
    tree.write("content/references.yaml", "references:\n" + article("shared", OTHER_DOI, "He M"))
    references = article("a", DOI) + article("b", "10.1000/never-registered", "Smith J")
    tree.write("content/p.yaml", page("a", "b", "shared", references=references))
    result = tree.check(bibliographies=["content/references.yaml"], verifier=OfflineNoCache())
    findings = registry_findings(result.findings)
    assert {f.name for f in findings} == {"doi-unverified"}
    assert sorted(f.reference or "" for f in findings) == ["a", "b", "shared"]
    assert all("offline" in f.message for f in findings)
    assert only(result.findings, "doi-not-found") == []


# --- one question per DOI ---------------------------------------------------------------


def test_each_distinct_doi_is_asked_once_across_pages(tree: Tree) -> None:
    tree.write("content/a.yaml", page("x", references=article("x", DOI), page_id="page-a"))
    tree.write(
        "content/b.yaml",
        page(
            "y",
            "z",
            references=article("y", f"doi:{DOI.upper()}") + article("z", OTHER_DOI, "He M"),
            page_id="page-b",
        ),
    )
    verifier = FakeVerifier(Outcome.FOUND)
    tree.check(verifier=verifier)
    assert len(verifier.calls) == 1
    assert sorted(verifier.asked) == sorted([DOI, OTHER_DOI])


def test_answer_for_a_shared_doi_reaches_every_page(tree: Tree) -> None:
    tree.write("content/a.yaml", page("x", references=article("x", DOI), page_id="page-a"))
    tree.write("content/b.yaml", page("y", references=article("y", DOI), page_id="page-b"))
    verifier = FakeVerifier(Outcome.NOT_FOUND)
    findings = only(tree.check(verifier=verifier).findings, "doi-not-found")
    assert sorted(f.page or "" for f in findings) == ["page-a", "page-b"]
    assert verifier.asked == [DOI]


# --- shared references ------------------------------------------------------------------

SHARED = "references:\n" + article("cited", DOI) + article("uncited", OTHER_DOI, "He M")


def test_shared_reference_cited_by_a_checked_page_is_verified(tree: Tree) -> None:
    tree.write("content/references.yaml", SHARED)
    tree.write("content/p.yaml", page("cited", references=""))
    verifier = FakeVerifier(Outcome.NOT_FOUND)
    result = tree.check(
        "content/p.yaml", bibliographies=["content/references.yaml"], verifier=verifier
    )
    assert verifier.asked == [DOI]
    finding = one(result.findings, "doi-not-found")
    assert finding.reference == "cited"
    assert finding.path.endswith("references.yaml")
    assert finding.page is None
    assert (finding.line, finding.column) == (8, 10)


@pytest.mark.parametrize("cite", ["[Vickers 2024]", "[@cited]"])
def test_shared_reference_cited_by_author_year_or_key_is_verified(tree: Tree, cite: str) -> None:
    tree.write("content/references.yaml", SHARED)
    tree.write(
        "content/p.yaml",
        page("cited", references="").replace("[@cited]", cite),
    )
    verifier = FakeVerifier(Outcome.FOUND)
    tree.check("content/p.yaml", bibliographies=["content/references.yaml"], verifier=verifier)
    assert verifier.asked == [DOI]


def test_uncited_shared_reference_is_not_verified_when_only_pages_are_checked(
    tree: Tree,
) -> None:
    tree.write("content/references.yaml", SHARED)
    tree.write("content/p.yaml", page("a", references=article("a", "10.1000/local")))
    verifier = FakeVerifier(Outcome.NOT_FOUND)
    result = tree.check(
        "content/p.yaml", bibliographies=["content/references.yaml"], verifier=verifier
    )
    assert verifier.asked == ["10.1000/local"]
    assert [f.reference for f in only(result.findings, "doi-not-found")] == ["a"]


def test_every_shared_reference_is_verified_when_the_bibliography_is_checked(
    tree: Tree,
) -> None:
    tree.write("content/references.yaml", SHARED)
    verifier = FakeVerifier(Outcome.NOT_FOUND)
    result = tree.check(
        "content/references.yaml", bibliographies=["content/references.yaml"], verifier=verifier
    )
    assert sorted(verifier.asked) == sorted([DOI, OTHER_DOI])
    findings = only(result.findings, "doi-not-found")
    assert sorted(f.reference or "" for f in findings) == ["cited", "uncited"]
    assert all(f.page is None for f in findings)


def test_shared_reference_cited_by_two_pages_is_reported_once(tree: Tree) -> None:
    tree.write("content/references.yaml", SHARED)
    tree.write("content/a.yaml", page("cited", references="", page_id="page-a"))
    tree.write("content/b.yaml", page("cited", references="", page_id="page-b"))
    verifier = FakeVerifier(Outcome.NOT_FOUND)
    result = tree.check(
        "content/a.yaml",
        "content/b.yaml",
        bibliographies=["content/references.yaml"],
        verifier=verifier,
    )
    assert verifier.asked == [DOI]
    assert len(only(result.findings, "doi-not-found")) == 1
