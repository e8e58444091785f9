"""What the online check reports on the demo content, against the loopback Crossref server.

The server answers from tests/fixtures/crossref/ (see its README: which records follow the
seed inventory and which are stand-ins). Pinned: the known citation defects of the Ubie
page are reported with their field, registered and cited values; the references the
inventory verified as consistent raise nothing, however differently the record spells
them (an online year before the print year, a title with a leading "The" or a subtitle
kept apart, "J Pain" for "The Journal of Pain", group authors, "et al.").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evidencelint.cli import main
from tests.crossref_server import CrossrefServer
from tests.pubmed_server import PubmedServer

REPO = Path(__file__).resolve().parents[2]
HEALTHCOM = "content/healthcom-acupuncture.yaml"
UBIE = "content/ubie-acupuncture-chronic-pain.yaml"

CORRECTLY_CITED = [
    (HEALTHCOM, "maurer2019meridians", "10.1155/2019/6976892"),
    (HEALTHCOM, "vickers2018chronicpain", "10.1016/j.jpain.2017.11.005"),
    (HEALTHCOM, "qaseem2017lowbackpain", "10.7326/m16-2367"),
    (HEALTHCOM, "ji2015sciatica", "10.1155/2015/192808"),
    (HEALTHCOM, "hershman2018aromatase", "10.1001/jama.2018.8907"),
    (HEALTHCOM, "shah2022postoperative", "10.1007/s11916-022-01048-4"),
    (HEALTHCOM, "avis2016menopause", "10.1097/gme.0000000000000597"),
    (HEALTHCOM, "linde2016migraine", "10.1002/14651858.cd001218.pub3"),
    (HEALTHCOM, "linde2016tensiontype", "10.1002/14651858.cd007587.pub2"),
    (HEALTHCOM, "he2022allergicrhinitis", "10.1186/s40001-022-00682-3"),
    (HEALTHCOM, "smith2018depression", "10.1002/14651858.cd004046.pub4"),
    (HEALTHCOM, "chan2017safety", "10.1038/s41598-017-03272-0"),
    (UBIE, "lin2021neurobiological", "10.3389/fphar.2021.656122"),
]
"""The references the seed inventory found consistent with their DOI's record."""

REQUIRED = {
    (UBIE, "vickers2018chronicpain", "authors", "warning"),
    (UBIE, "qaseem2017lowbackpain", "title", "error"),
    (UBIE, "chou2017nonpharmacologic", "title", "error"),
    (UBIE, "macpherson2017chronicpain", "title", "error"),
}
"""The known defects: a padded author list, and three DOIs that point at other works."""
ALLOWED = {
    (UBIE, "qaseem2017lowbackpain", "authors", "error"),
    (UBIE, "chou2017nonpharmacologic", "authors", "error"),
    (UBIE, "macpherson2017chronicpain", "authors", "warning"),
}
"""Where a DOI points at another work, its authors differ too; whether that is a finding of
its own or is said by the title finding alone is the matcher's choice, so either passes."""

WORK_PROBLEMS = (
    "metadata-mismatch",
    "retracted",
    "withdrawn",
    "expression-of-concern",
    "corrected",
    "superseded",
)


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory,
    default_crossref: CrossrefServer,
    default_pubmed: PubmedServer,
) -> tuple[int, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("content-online")
    out = folder / "report.json"
    with pytest.MonkeyPatch.context() as mp:
        # A module fixture is set up before the autouse one: point at the loopback server
        # and an empty cache here, so the user's own cache is never read or written.
        mp.setenv("EVIDENCELINT_CROSSREF_URL", default_crossref.url)
        mp.setenv("EVIDENCELINT_NCBI_URL", default_pubmed.url)
        mp.setenv("EVIDENCELINT_CACHE_DIR", str(folder / "cache"))
        mp.delenv("EVIDENCELINT_MAILTO", raising=False)
        mp.delenv("CI", raising=False)
        mp.chdir(REPO)
        code = main(
            [
                "check",
                "content",
                "--today",
                "2026-11-21",
                "--format",
                "json",
                "--output",
                str(out),
            ]
        )
    document: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return code, document


@pytest.fixture(scope="module")
def report(run: tuple[int, dict[str, Any]]) -> dict[str, Any]:
    return run[1]


def _mismatches(report: dict[str, Any], path: str, reference: str) -> dict[str, dict[str, Any]]:
    found = [
        f
        for f in report["findings"]
        if f["name"] == "metadata-mismatch" and f["path"] == path and f["reference"] == reference
    ]
    by_field = {f["field"]: f for f in found}
    assert len(by_field) == len(found), found
    return by_field


def _line(path: str, number: int) -> str:
    return (REPO / path).read_text(encoding="utf-8").splitlines()[number - 1]


def test_exit_code_is_one(run: tuple[int, dict[str, Any]]) -> None:
    assert run[0] == 1


def test_every_doi_was_answered(report: dict[str, Any]) -> None:
    names = {f["name"] for f in report["findings"]}
    assert not names & {"doi-not-found", "doi-unverified", "doi-not-crossref", "doi-invalid"}


@pytest.mark.parametrize(("path", "reference", "doi"), CORRECTLY_CITED)
def test_correctly_cited_references_raise_nothing(
    report: dict[str, Any], path: str, reference: str, doi: str
) -> None:
    about = [
        f
        for f in report["findings"]
        if f["path"] == path and f["reference"] == reference and f["name"] in WORK_PROBLEMS
    ]
    assert about == []
    # and the reference was really checked: its DOI is the one the fixtures answer for
    text = (REPO / path).read_text(encoding="utf-8").lower()
    assert f"doi: {doi}" in text


def test_metadata_mismatches_are_exactly_the_known_defects(report: dict[str, Any]) -> None:
    found = {
        (f["path"], f["reference"], f["field"], f["severity"])
        for f in report["findings"]
        if f["name"] == "metadata-mismatch"
    }
    assert not REQUIRED - found, REQUIRED - found
    assert found <= REQUIRED | ALLOWED, found - REQUIRED - ALLOWED


def test_no_work_is_retracted_corrected_or_superseded(report: dict[str, Any]) -> None:
    names = {f["name"] for f in report["findings"]}
    assert not names & set(WORK_PROBLEMS[1:])


def test_ubie_vickers_padded_author_list(report: dict[str, Any]) -> None:
    """14 names printed, 9 persons and a group registered: the intruders are named."""
    found = _mismatches(report, UBIE, "vickers2018chronicpain")
    assert set(found) == {"authors"}  # title, year (print 2018, online 2017), journal pass
    authors = found["authors"]
    assert authors["severity"] == "warning"
    assert authors["doi"] == "10.1016/j.jpain.2017.11.005"
    assert authors["expected"] == (
        "Vickers AJ, Vertosick EA, Lewith G, MacPherson H, Foster NE, Sherman KJ, Irnich D, "
        "Witt CM, Linde K, Acupuncture Trialists' Collaboration"
    )
    assert authors["actual"].startswith("Vickers AJ, Vertosick EA, Lewith G, MacPherson H")
    assert authors["actual"].endswith("Manheimer E, Meissner K, Hammerschlag S")
    for intruder in ("Irvin SC", "Bronfort N", "Goertz CM", "Molsberger CW", "Hammerschlag S"):
        assert intruder in authors["message"]
    assert "not among the registered authors" in authors["message"]
    assert _line(UBIE, authors["line"]).strip() == "- Vickers AJ"


def test_ubie_qaseem_doi_points_at_another_work(report: dict[str, Any]) -> None:
    found = _mismatches(report, UBIE, "qaseem2017lowbackpain")
    assert {"title"} <= set(found) <= {"title", "authors"}
    title = found["title"]
    assert title["severity"] == "error"
    assert title["doi"] == "10.7326/m16-2070"
    assert title["expected"] == (
        "Stand-in record: another Annals of Internal Medicine article (fixture)"
    )
    assert title["actual"] == (
        "Noninvasive Treatments for Acute, Subacute, and Chronic Low Back Pain: A Clinical "
        "Guideline From the American College of Physicians"
    )
    assert "another work" in title["message"]
    assert _line(UBIE, title["line"]).lstrip().startswith("title: 'Noninvasive Treatments")
    if "authors" not in found:
        return
    authors = found["authors"]
    assert authors["severity"] == "error"
    assert authors["expected"] == "Standin C, Example D, Sample E"
    assert authors["actual"].startswith("Qaseem A, Wilt F J, McLean T H, Forciea A L")
    assert "first author is Standin C, not Qaseem A" in authors["message"]


def test_ubie_qaseem_conflicts_with_the_healthcom_doi(report: dict[str, Any]) -> None:
    conflicts = [f for f in report["findings"] if f["name"] == "doi-conflict"]
    assert [(f["path"], f["reference"], f["doi"]) for f in conflicts] == [
        (UBIE, "qaseem2017lowbackpain", "10.7326/m16-2070")
    ]


def test_ubie_chou_doi_points_at_another_work(report: dict[str, Any]) -> None:
    found = _mismatches(report, UBIE, "chou2017nonpharmacologic")
    assert {"title"} <= set(found) <= {"title", "authors"}
    title = found["title"]
    assert title["severity"] == "error"
    assert title["doi"] == "10.7326/m17-0254"
    assert title["expected"] == (
        "Stand-in record: another Annals of Internal Medicine article (fixture)"
    )
    assert title["actual"] == (
        "The Effectiveness and Risks of Nonpharmacologic Therapies for Common Outpatient "
        "Painful Conditions: A Systematic Review"
    )
    if "authors" not in found:
        return
    authors = found["authors"]
    assert authors["severity"] == "error"
    assert authors["expected"] == "Placeholder A, Example B"
    assert authors["actual"].startswith("Chou R, Deyo R, Friedly S")
    assert "first author is Placeholder A, not Chou R" in authors["message"]


def test_ubie_macpherson_chimera(report: dict[str, Any]) -> None:
    """The first five authors are the record's; the title and the last three are not."""
    found = _mismatches(report, UBIE, "macpherson2017chronicpain")
    assert {"title"} <= set(found) <= {"title", "authors"}
    title = found["title"]
    assert title["severity"] == "error"
    assert title["doi"] == "10.1136/bmj.j2879"
    assert title["expected"] == "Stand-in record: another BMJ article (fixture)"
    assert title["actual"] == (
        "Acupuncture for chronic pain: update on the research evidence and implications for "
        "clinical practice"
    )
    if "authors" not in found:
        return
    authors = found["authors"]
    assert authors["severity"] == "warning"
    assert authors["expected"] == (
        "MacPherson H, Vickers A, Bland M, Torgerson D, Corbett M, Spackman E"
    )
    assert authors["actual"] == (
        "MacPherson H, Vickers A, Bland M, Torgerson D, Corbett M, Sherman K, Witt C, Linde K"
    )
    assert "Sherman K, Witt C, Linde K are not among the registered authors" in (authors["message"])


def test_healthcom_and_ubie_vickers_share_one_record(report: dict[str, Any]) -> None:
    """One DOI, two citations: the complete 3 + et al. passes, the padded list does not."""
    assert _mismatches(report, HEALTHCOM, "vickers2018chronicpain") == {}
    assert set(_mismatches(report, UBIE, "vickers2018chronicpain")) == {"authors"}


def test_pubmed_finds_the_identifiers_that_name_other_works(
    run: tuple[int, dict[str, Any]],
) -> None:
    """The seed inventory: Ubie cites Vickers 2018 with PMID 29198644 and PMCID PMC5927814
    (the work's are 29198932 and PMC5927830), and the ACP guideline's PMID 28192789 with
    the wrong DOI 10.7326/M16-2070. The PubMed stand-ins (tests/fixtures/pubmed/README.md)
    make 29198644 and PMC5927814 another work."""
    _, report = run
    conflicts = {
        (f["path"], f["reference"], f["field"])
        for f in report["findings"]
        if f["name"] == "identifier-conflict"
    }
    assert conflicts == {
        (UBIE, "vickers2018chronicpain", "pmid"),
        (UBIE, "vickers2018chronicpain", "pmcid"),
        (UBIE, "qaseem2017lowbackpain", "pmid"),
    }
    assert not [f for f in report["findings"] if f["name"] in ("pmid-not-found", "pmid-unverified")]
