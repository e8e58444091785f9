"""What the offline check reports on the demo content, pinned (--today 2026-11-21)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from evidencelint.cli import main

REPO = Path(__file__).resolve().parents[2]
MSK = "content/msk-acupuncture.yaml"
HEALTHCOM = "content/healthcom-acupuncture.yaml"
CLEVELAND = "content/cleveland-clinic-acupuncture.yaml"
UBIE = "content/ubie-acupuncture-chronic-pain.yaml"
BLOG = "content/blog-acupuncture-pain-relief.yaml"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("content")
    out = folder / "report.json"
    with pytest.MonkeyPatch.context() as mp:
        # A module fixture runs before the autouse one: isolate the cache here too, so
        # that --offline reads an empty cache, never the developer's own.
        mp.setenv("EVIDENCELINT_CACHE_DIR", str(folder / "cache"))
        mp.setenv("EVIDENCELINT_CROSSREF_URL", "http://127.0.0.1:9")
        mp.setenv("EVIDENCELINT_NCBI_URL", "http://127.0.0.1:9")
        mp.chdir(REPO)
        code = main(
            [
                "check",
                "content",
                "--offline",
                "--today",
                "2026-11-21",
                "--format",
                "json",
                "--output",
                str(out),
            ]
        )
    assert code == 1
    document: dict[str, Any] = json.loads(out.read_text())
    return document


def _at(report: dict[str, Any], path: str, name: str) -> list[tuple[int, int]]:
    return [
        (f["line"], f["column"])
        for f in report["findings"]
        if f["path"] == path and f["name"] == name
    ]


def test_overdue_pages_at_their_review_dates(report: dict[str, Any]) -> None:
    overdue = {f["path"]: f for f in report["findings"] if f["name"] == "review-overdue"}
    assert set(overdue) == {MSK, CLEVELAND}
    assert (overdue[MSK]["line"], overdue[MSK]["column"]) == (8, 16)
    assert "427 days overdue" in overdue[MSK]["message"]
    assert "due 2025-09-20" in overdue[MSK]["message"]
    assert (overdue[CLEVELAND]["line"], overdue[CLEVELAND]["column"]) == (9, 16)
    assert "189 days overdue" in overdue[CLEVELAND]["message"]
    assert all(f["severity"] == "error" for f in overdue.values())


def test_undated_pages_are_review_date_missing(report: dict[str, Any]) -> None:
    missing = {f["path"] for f in report["findings"] if f["name"] == "review-date-missing"}
    assert missing == {HEALTHCOM, BLOG}
    assert _at(report, HEALTHCOM, "review-date-missing") == [(3, 1)]


def test_ubie_page_is_current(report: dict[str, Any]) -> None:
    names = {f["name"] for f in report["findings"] if f["path"] == UBIE}
    assert not names & {
        "review-overdue",
        "review-due-soon",
        "review-date-missing",
        "review-date-future",
    }


def test_uncited_claims(report: dict[str, Any]) -> None:
    counts = Counter(f["path"] for f in report["findings"] if f["name"] == "citation-missing")
    assert counts == {MSK: 18, CLEVELAND: 15, BLOG: 12, HEALTHCOM: 4, UBIE: 5}


def test_web_pages_printed_without_address(report: dict[str, Any]) -> None:
    schema = [f for f in report["findings"] if f["name"] == "schema"]
    assert {f["path"] for f in schema} == {HEALTHCOM}
    assert len(schema) == 5
    assert all("web-page reference needs `url`" in f["message"] for f in schema)


def test_offline_dois_are_unverified_never_not_found(report: dict[str, Any]) -> None:
    names = Counter(f["name"] for f in report["findings"])
    assert names["doi-unverified"] == 17
    assert names["doi-not-found"] == 0
    assert names["doi-invalid"] == 0


def test_offline_pmids_are_unverified_never_not_found(report: dict[str, Any]) -> None:
    """The Ubie page cites 5 PMIDs and 3 PMCIDs; offline with nothing cached, each is
    pmid-unverified (a warning), never pmid-not-found or identifier-conflict."""
    names = Counter(f["name"] for f in report["findings"])
    assert names["pmid-unverified"] == 8
    assert names["pmid-not-found"] == 0
    assert names["identifier-conflict"] == 0
    assert {f["path"] for f in report["findings"] if f["name"] == "pmid-unverified"} == {UBIE}


def test_old_evidence_on_ubie_and_healthcom(report: dict[str, Any]) -> None:
    old = Counter(f["path"] for f in report["findings"] if f["name"] == "evidence-old")
    assert old == {HEALTHCOM: 13, UBIE: 5}


def test_guideline_cited_with_two_dois_is_a_conflict(report: dict[str, Any]) -> None:
    conflicts = [f for f in report["findings"] if f["name"] == "doi-conflict"]
    assert {(f["path"], f["doi"]) for f in conflicts} == {
        (HEALTHCOM, "10.7326/m16-2367"),
        (UBIE, "10.7326/m16-2070"),
    }


def test_summary(report: dict[str, Any]) -> None:
    assert report["summary"] == {
        "files": 5,
        "pages": 5,
        "claims": 86,
        "references": 22,
        "errors": 63,
        "warnings": 45,
        "infos": 0,
    }
    assert not {f["name"] for f in report["findings"]} & {"yaml-syntax", "duplicate-key"}
