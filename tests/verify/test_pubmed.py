"""PubMed and PMC verification of `pmid` and `pmcid`, through the real command against
the loopback E-utilities stand-in (tests/pubmed_server.py) and the Crossref one.

What is proved: a PMID (or PMCID) that names another work than the DOI is an
identifier-conflict; an unknown one is pmid-not-found, an outage never is; a retraction
only PubMed marks is reported, and one both registries mark is one finding; the client
stays within NCBI's rate limits with and without an API key and sends tool, email and
api_key; answers are cached as JSON text, reused offline, and a tampered cache is a miss.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencelint.cli import main
from evidencelint.config import Policy
from evidencelint.content.model import Reference
from evidencelint.findings import Position
from evidencelint.resolve.resolver import ReferenceEntry
from evidencelint.validators import integrity
from evidencelint.validators import pubmed as rules
from evidencelint.validators.base import ReferenceGroup, RuleContext
from evidencelint.verify.answers import CacheMode
from evidencelint.verify.cache_health import CACHE_FILE
from evidencelint.verify.pubmed import NcbiSettings, PubmedLookup
from evidencelint.verify.pubmed_record import (
    PubmedAnswer,
    PubmedAnswers,
    PubmedKind,
    normalise_pmcid,
    normalise_pmid,
    parse_idconv,
    parse_summary,
)
from evidencelint.verify.verdicts import Outcome
from tests.crossref_server import CrossrefServer, drop, malformed, status, truncate
from tests.helpers import Tree
from tests.pubmed_server import ESUMMARY, FIXTURES, IDCONV, PubmedServer

TODAY = "2026-11-21"
VICKERS_DOI = "10.1016/j.jpain.2017.11.005"


def _reference(
    doi: str | None = VICKERS_DOI,
    pmid: str | None = "29198932",
    pmcid: str | None = None,
    title: str = "Acupuncture for Chronic Pain: Update of an Individual Patient Data Meta-Analysis",
) -> str:
    lines = [
        "  vickers2018:",
        "    type: journal-article",
        "    authors: [Vickers AJ, Vertosick EA, Lewith G, et al.]",
        f"    title: '{title}'",
        "    journal: J Pain",
        "    year: 2018",
        '    volume: "19"',
        '    issue: "5"',
        '    pages: "455-474"',
    ]
    lines.append(f"    doi: {doi}" if doi else "    no_doi: not printed")
    if pmid:
        lines.append(f'    pmid: "{pmid}"')
    if pmcid:
        lines.append(f'    pmcid: "{pmcid}"')
    return "\n".join(lines) + "\n"


def _page(reference: str) -> str:
    return (
        "id: page\ntitle: Acupuncture\nstatus: published\nlast_reviewed: 2026-01-10\n"
        "claims:\n  - id: c1\n    text: Acupuncture may reduce chronic pain [@vickers2018].\n"
        "references:\n" + reference
    )


def _check(tree: Tree, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    out = tree.root / "report.json"
    arguments = ["check", str(tree.root / "content"), "--today", TODAY, "--format", "json"]
    code = main([*arguments, "--output", str(out), *extra])
    return code, json.loads(out.read_text())["findings"]


def _named(findings: list[dict[str, Any]], *names: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["name"] in names]


PUBMED_RULES = ("pmid-not-found", "pmid-unverified", "identifier-conflict")


# --- verdicts ---------------------------------------------------------------------------


def test_a_correct_pmid_and_pmcid_raise_nothing(tree: Tree, pubmed: PubmedServer) -> None:
    tree.write("content/p.yaml", _page(_reference(pmcid="PMC5927830")))
    _, findings = _check(tree)
    assert not _named(findings, *PUBMED_RULES, "metadata-mismatch", "retracted")
    assert len(pubmed.asked(ESUMMARY)) == 1 and len(pubmed.asked(IDCONV)) == 1


def test_a_pmid_pointing_at_another_work_is_an_identifier_conflict(
    tree: Tree, pubmed: PubmedServer
) -> None:
    tree.write("content/p.yaml", _page(_reference(pmid="29198644")))
    code, findings = _check(tree)
    conflict = _named(findings, "identifier-conflict")
    assert len(conflict) == 1, findings
    assert conflict[0]["line"] == 19 and conflict[0]["severity"] == "error"
    assert conflict[0]["expected"] == "10.5555/stand-in.29198644"
    assert "PMID 29198644" in conflict[0]["message"]
    assert code == 1


def test_a_pmcid_of_another_pmid_is_an_identifier_conflict(
    tree: Tree, pubmed: PubmedServer
) -> None:
    tree.write("content/p.yaml", _page(_reference(pmcid="PMC8258380")))
    _, findings = _check(tree)
    conflict = _named(findings, "identifier-conflict")
    assert [f["field"] for f in conflict] == ["pmcid"]
    assert "PMC gives it PMID 34248408" in conflict[0]["message"]


def test_the_same_work_under_a_doi_pubmed_spells_otherwise_is_no_conflict(
    tree: Tree, pubmed: PubmedServer, crossref: CrossrefServer
) -> None:
    """PubMed lists an older DOI of the work; Crossref's record for the cited DOI has the
    same title: one work, not a conflict."""
    summary = json.loads((FIXTURES / "summaries" / "29198932.json").read_text())
    summary["articleids"] = [
        {"idtype": "pubmed", "value": "29198932"},
        {"idtype": "doi", "value": "10.1016/j.jpain.2017.11.999"},
    ]
    pubmed.add_summary(summary)
    tree.write("content/p.yaml", _page(_reference()))
    _, findings = _check(tree)
    assert not _named(findings, "identifier-conflict")


def test_unknown_pmid_and_pmcid_are_not_found(tree: Tree, pubmed: PubmedServer) -> None:
    tree.write("content/p.yaml", _page(_reference(pmid="39999999", pmcid="PMC99999999")))
    code, findings = _check(tree)
    missing = _named(findings, "pmid-not-found")
    assert sorted(f["line"] for f in missing) == [19, 20]
    assert code == 1


def test_a_malformed_pmid_is_reported_even_offline(tree: Tree, pubmed: PubmedServer) -> None:
    tree.write("content/p.yaml", _page(_reference(pmid="2919864x", pmcid="5927830a")))
    _, findings = _check(tree, "--offline")
    missing = _named(findings, "pmid-not-found")
    assert [(f["line"], f["field"]) for f in missing] == [(19, "pmid"), (20, "pmcid")]
    assert "'2919864x'" in missing[0]["message"]
    assert pubmed.requests == []


def test_a_reference_without_doi_is_compared_with_pubmed(tree: Tree, pubmed: PubmedServer) -> None:
    reference = _reference(doi=None, title="Acupuncture for migraine prophylaxis")
    tree.write("content/p.yaml", _page(reference))
    _, findings = _check(tree)
    mismatch = _named(findings, "metadata-mismatch")
    assert [f["field"] for f in mismatch] == ["title"]
    assert "PubMed record of PMID 29198932" in mismatch[0]["message"]


def test_pubmed_spelling_of_the_citation_passes(tree: Tree, pubmed: PubmedServer) -> None:
    """A reference without DOI, cited as PubMed prints it ('J Pain', 'Vickers AJ', 'et al.',
    the title without its final full stop): nothing to report."""
    tree.write("content/p.yaml", _page(_reference(doi=None)))
    _, findings = _check(tree)
    assert not _named(findings, "metadata-mismatch", *PUBMED_RULES)


# --- notices ----------------------------------------------------------------------------

RETRACTED_DOI = "10.5555/pubmed.retracted"


def _retracted_summary(pmid: str = "39000001") -> dict[str, Any]:
    return {
        "uid": pmid,
        "pubdate": "2024 Jan",
        "source": "J Pain",
        "fulljournalname": "The journal of pain",
        "title": "Acupuncture for Chronic Pain: Update of an Individual Patient Data "
        "Meta-Analysis.",
        "authors": [{"name": "Vickers AJ", "authtype": "Author"}],
        "volume": "19",
        "issue": "5",
        "pages": "455-74",
        "pubtype": ["Journal Article", "Retracted Publication"],
        "articleids": [{"idtype": "doi", "idtypen": 3, "value": RETRACTED_DOI}],
        "references": [
            {
                "refsource": "J Pain. 2025;26(1):1.",
                "reftype": "Retraction in",
                "pmid": 39000002,
                "note": "",
            }
        ],
    }


def _crossref_work(updated_by: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    work: dict[str, Any] = {
        "DOI": RETRACTED_DOI,
        "type": "journal-article",
        "title": [
            "Acupuncture for Chronic Pain: Update of an Individual Patient Data Meta-Analysis"
        ],
        "author": [{"given": "A. J.", "family": "Vickers", "sequence": "first"}],
        "container-title": ["The Journal of Pain"],
        "issued": {"date-parts": [[2018, 5]]},
        "volume": "19",
        "issue": "5",
        "page": "455-474",
    }
    if updated_by is not None:
        work["updated-by"] = updated_by
    return work


def test_a_retraction_only_pubmed_marks_is_reported(
    tree: Tree, pubmed: PubmedServer, crossref: CrossrefServer
) -> None:
    crossref.add_work(_crossref_work())
    pubmed.add_summary(_retracted_summary())
    tree.write("content/p.yaml", _page(_reference(doi=RETRACTED_DOI, pmid="39000001")))
    code, findings = _check(tree)
    retracted = _named(findings, "retracted")
    assert len(retracted) == 1, findings
    assert retracted[0]["line"] == 19  # at the pmid: PubMed is the source
    assert "Retraction in' PMID 39000002" in retracted[0]["message"]
    assert code == 1


def test_a_retraction_only_pubmed_marks_is_not_resolved_by_an_ncbi_outage(
    tree: Tree, pubmed: PubmedServer, crossref: CrossrefServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    crossref.add_work(_crossref_work())
    pubmed.add_summary(_retracted_summary())
    tree.write("content/p.yaml", _page(_reference(doi=RETRACTED_DOI, pmid="39000001")))
    monkeypatch.chdir(tree.root)
    base = ["audit", "content", "--today", TODAY]
    assert main([*base, "--out", "week1"]) == 1
    # The next week NCBI is down (Crossref still answers): the retraction PubMed gave is
    # not re-checked, so it is carried forward, never "resolved".
    monkeypatch.setenv("EVIDENCELINT_NCBI_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("EVIDENCELINT_TIMEOUT", "2")
    assert main([*base, "--out", "week2", "--since", "week1/report.json"]) == 1
    since = json.loads((tree.root / "week2" / "report.json").read_text())["since"]
    assert [f["name"] for f in since["resolved"]] == []
    assert [f["name"] for f in since["not_rechecked"]] == ["retracted"]
    assert since["not_rechecked"][0]["last_verified"] == TODAY


def test_the_same_retraction_from_both_registries_is_one_finding(
    tree: Tree, pubmed: PubmedServer, crossref: CrossrefServer
) -> None:
    notice = {
        "DOI": "10.5555/pubmed.retraction-notice",
        "type": "retraction",
        "source": "publisher",
        "updated": {"date-parts": [[2025, 1, 2]]},
    }
    crossref.add_work(_crossref_work([notice]))
    pubmed.add_summary(_retracted_summary())
    tree.write("content/p.yaml", _page(_reference(doi=RETRACTED_DOI, pmid="39000001")))
    _, findings = _check(tree)
    retracted = _named(findings, "retracted")
    assert len(retracted) == 1, findings
    assert retracted[0]["line"] == 18  # Crossref's finding, at the DOI
    assert "10.5555/pubmed.retraction-notice" in retracted[0]["message"]
    assert "PubMed marks it too" in retracted[0]["message"]


def test_update_in_and_expression_of_concern(tree: Tree, pubmed: PubmedServer) -> None:
    summary = _retracted_summary("39000003")
    summary["pubtype"] = ["Journal Article"]
    summary["references"] = [
        {"refsource": "x", "reftype": "Expression of concern in", "pmid": 39000004},
        {"refsource": "y", "reftype": "Update in", "pmid": 39000005},
        {"refsource": "z", "reftype": "Comment in", "pmid": 39000006},
    ]
    pubmed.add_summary(summary)
    tree.write("content/p.yaml", _page(_reference(doi=None, pmid="39000003")))
    _, findings = _check(tree)
    assert sorted(f["name"] for f in _named(findings, "expression-of-concern", "superseded")) == [
        "expression-of-concern",
        "superseded",
    ]
    assert not _named(findings, "retracted", "corrected")


# --- outages: never a verdict -------------------------------------------------------------


@pytest.mark.parametrize(
    "fault", [status(503), status(429), drop(), malformed()], ids=lambda a: a.kind
)
def test_an_outage_is_unverified_never_not_found(
    tree: Tree, pubmed: PubmedServer, monkeypatch: pytest.MonkeyPatch, fault: Any
) -> None:
    monkeypatch.setenv("EVIDENCELINT_TIMEOUT", "2")
    pubmed.fail_all(fault)
    tree.write("content/p.yaml", _page(_reference(pmid="39999999", pmcid="PMC5927830")))
    started = time.monotonic()
    _, findings = _check(tree)
    assert time.monotonic() - started < 10
    unverified = _named(findings, "pmid-unverified")
    assert sorted(f["line"] for f in unverified) == [19, 20]
    assert not _named(findings, "pmid-not-found", "identifier-conflict")
    pubmed.fail_all(None)
    _, healed = _check(tree)
    assert [f["line"] for f in _named(healed, "pmid-not-found")] == [19]


def test_an_ncbi_outage_is_one_line_of_text_and_one_finding_per_identifier_in_json(
    tree: Tree,
    pubmed: PubmedServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("EVIDENCELINT_TIMEOUT", "2")
    pubmed.fail_all(status(503))
    tree.write("content/p.yaml", _page(_reference(pmid="39999999", pmcid="PMC5927830")))
    _, findings = _check(tree)
    assert len(_named(findings, "pmid-unverified")) == 2
    coverage = json.loads((tree.root / "report.json").read_text())["verification"]
    assert coverage["complete"] is True  # the DOI, which Crossref answered
    pubmed_part = coverage["pubmed"]
    assert (pubmed_part["identifiers"], pubmed_part["checked"]) == (2, 0)
    assert (pubmed_part["unchecked"], pubmed_part["complete"]) == (2, False)
    assert sum(pubmed_part["reasons"].values()) == 2
    assert pubmed_part["notice"].startswith("2 of 2 PubMed identifiers could not be checked: ")
    capsys.readouterr()
    main(["check", str(tree.root / "content"), "--today", TODAY, "--format", "markdown"])
    opening = capsys.readouterr().out.splitlines()[2]
    assert opening.startswith("> ⚠️ **PubMed not fully checked: 2 of 2 PubMed identifiers "), opening
    main(["check", str(tree.root / "content"), "--today", TODAY])
    lines = capsys.readouterr().out.splitlines()
    notices = [line for line in lines if line.startswith("NCBI did not answer: ")]
    assert len(notices) == 1, lines
    assert notices[0].startswith("NCBI did not answer: 2 PubMed identifiers not checked ("), notices
    assert notices[0].endswith(
        "each is a pmid-unverified warning, listed one by one with --format json"
    )
    assert not any("EL406" in line for line in lines), lines


def test_identifiers_pubmed_answered_are_counted_as_checked(
    tree: Tree, pubmed: PubmedServer
) -> None:
    tree.write("content/p.yaml", _page(_reference(pmcid="PMC5927830")))
    _check(tree)
    coverage = json.loads((tree.root / "report.json").read_text())["verification"]["pubmed"]
    assert coverage == {
        "identifiers": 2,
        "checked": 2,
        "unchecked": 0,
        "complete": True,
        "reasons": {},
        "notice": None,
    }


def test_offline_every_unchecked_identifier_keeps_its_line(
    tree: Tree, capsys: pytest.CaptureFixture[str]
) -> None:
    """--offline is asked for, not an outage: nothing is collapsed."""
    tree.write("content/p.yaml", _page(_reference(pmid="39999999", pmcid="PMC5927830")))
    main(["check", str(tree.root / "content"), "--today", TODAY, "--offline"])
    lines = capsys.readouterr().out.splitlines()
    assert len([line for line in lines if "EL406 pmid-unverified" in line]) == 2, lines
    assert not any("did not answer" in line for line in lines), lines


def test_an_answer_trickled_a_byte_at_a_time_is_given_up_within_the_deadline(
    tree: Tree, pubmed: PubmedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each byte comes well within the read timeout, so only a deadline on the whole
    exchange ends the request."""
    monkeypatch.setenv("EVIDENCELINT_TIMEOUT", "2")
    pubmed.fail_all(truncate())
    tree.write("content/p.yaml", _page(_reference()))
    started = time.monotonic()
    _, findings = _check(tree)
    assert time.monotonic() - started < 8
    assert [f["name"] for f in _named(findings, *PUBMED_RULES)] == ["pmid-unverified"]
    assert "in time" in _named(findings, "pmid-unverified")[0]["message"]
    pubmed.fail_all(None)


def test_a_title_with_line_breaks_cannot_forge_a_report_line(
    tree: Tree, pubmed: PubmedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = json.loads((FIXTURES / "summaries" / "29198644.json").read_text())
    summary["title"] = "Other work\ncontent/p.yaml:1:1: EL101 yaml-syntax forged\r\x1b[2J"
    pubmed.add_summary(summary)
    tree.write("content/p.yaml", _page(_reference(pmid="29198644")))
    main(["check", str(tree.root / "content"), "--today", TODAY])
    lines = capsys.readouterr().out.splitlines()
    conflict = [line for line in lines if re.match(r"^\S+:\d+:\d+: EL407 ", line)]
    assert len(conflict) == 1 and "forged" in conflict[0]
    assert not any(line.startswith("content/p.yaml:1:1") for line in lines)
    assert "\x1b" not in "".join(lines) and "\r" not in "".join(lines)


def test_a_dead_service_is_unverified(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVIDENCELINT_NCBI_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("EVIDENCELINT_TIMEOUT", "2")
    tree.write("content/p.yaml", _page(_reference(pmid="29198932")))
    _, findings = _check(tree)
    assert [f["name"] for f in _named(findings, *PUBMED_RULES)] == ["pmid-unverified"]


def test_an_expired_answer_is_used_when_the_service_fails(
    tree: Tree, pubmed: PubmedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree.write("content/p.yaml", _page(_reference(pmid="29198644")))
    _check(tree)
    db = sqlite3.connect(Path(_cache_dir()) / CACHE_FILE)
    db.execute("UPDATE ncbi_answers SET expires = 0")
    db.commit()
    db.close()
    monkeypatch.setenv("EVIDENCELINT_TIMEOUT", "2")
    pubmed.fail_all(status(503))
    _, findings = _check(tree)
    assert len(_named(findings, "identifier-conflict")) == 1
    stale = _named(findings, "pmid-unverified")
    assert len(stale) == 1 and stale[0]["severity"] == "info"
    assert "cached on" in stale[0]["message"]


# --- cache, offline -----------------------------------------------------------------------


def _cache_dir() -> str:
    return os.environ["EVIDENCELINT_CACHE_DIR"]


def test_answers_are_cached_as_json_and_reused_offline(tree: Tree, pubmed: PubmedServer) -> None:
    tree.write("content/p.yaml", _page(_reference(pmid="29198644", pmcid="PMC5927830")))
    _, online = _check(tree)
    sent = len(pubmed.requests)
    db = sqlite3.connect(Path(_cache_dir()) / CACHE_FILE)
    rows = db.execute("SELECT key, found, value FROM ncbi_answers").fetchall()
    db.close()
    assert len(rows) == 3  # two summaries (the cited PMID, PMC's PMID) and one PMC record
    for _, _, value in rows:
        assert isinstance(value, str)
        json.loads(value)  # JSON text, never a pickle
    _, offline = _check(tree, "--offline")
    assert len(pubmed.requests) == sent
    assert _named(offline, *PUBMED_RULES) == _named(online, *PUBMED_RULES)
    _check(tree)
    assert len(pubmed.requests) == sent  # fresh answers are not asked again


def test_offline_without_cache_is_unverified(tree: Tree, pubmed: PubmedServer) -> None:
    tree.write("content/p.yaml", _page(_reference()))
    _, findings = _check(tree, "--offline")
    assert [f["name"] for f in _named(findings, *PUBMED_RULES)] == ["pmid-unverified"]
    assert "offline" in _named(findings, "pmid-unverified")[0]["message"]
    assert pubmed.requests == []


def test_a_tampered_cache_entry_is_a_miss(tree: Tree, pubmed: PubmedServer) -> None:
    tree.write("content/p.yaml", _page(_reference(pmid="29198644")))
    _check(tree)
    db = sqlite3.connect(Path(_cache_dir()) / CACHE_FILE)
    db.execute("UPDATE ncbi_answers SET value = ?", ("cos\nsystem\n(S'echo pwned'\ntR.",))
    db.commit()
    db.close()
    _, findings = _check(tree, "--offline")
    assert [f["name"] for f in _named(findings, *PUBMED_RULES)] == ["pmid-unverified"]
    _, online = _check(tree)
    assert [f["name"] for f in _named(online, *PUBMED_RULES)] == ["identifier-conflict"]


def test_an_unusable_cache_folder_runs_without_a_cache(
    tree: Tree, pubmed: PubmedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tree.root / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("EVIDENCELINT_CACHE_DIR", str(blocker))
    tree.write("content/p.yaml", _page(_reference(pmid="29198644")))
    code, findings = _check(tree)
    assert [f["name"] for f in _named(findings, *PUBMED_RULES)] == ["identifier-conflict"]
    assert code == 1


def test_refresh_asks_again(tree: Tree, pubmed: PubmedServer) -> None:
    tree.write("content/p.yaml", _page(_reference()))
    _check(tree)
    sent = len(pubmed.requests)
    assert main(["audit", str(tree.root / "content"), "--out", str(tree.root / "out")]) in (0, 1)
    assert len(pubmed.requests) == sent + 1


# --- politeness --------------------------------------------------------------------------


def test_tool_email_and_api_key_are_sent(
    tree: Tree, pubmed: PubmedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVIDENCELINT_MAILTO", "editor@example.org")
    monkeypatch.setenv("EVIDENCELINT_NCBI_API_KEY", "abc123")
    tree.write("content/p.yaml", _page(_reference(pmcid="PMC5927830")))
    _check(tree)
    summary, conversion = pubmed.asked(ESUMMARY)[0], pubmed.asked(IDCONV)[0]
    assert summary["tool"] == conversion["tool"] == "evidencelint"
    assert summary["email"] == conversion["email"] == "editor@example.org"
    assert summary["api_key"] == "abc123"
    assert "mailto:editor@example.org" in pubmed.user_agents[0]


@pytest.mark.parametrize(("api_key", "limit"), [(None, 3), ("abc123", 10)])
def test_requests_stay_within_ncbi_limits(
    tmp_path: Path, pubmed: PubmedServer, api_key: str | None, limit: int
) -> None:
    """One PMID a request (batch 1) so that the rate, not batching, is what is measured."""
    count = limit * 2 + 1
    settings = NcbiSettings(
        eutils_url=pubmed.url,
        pmc_url=pubmed.url,
        api_key=api_key,
        cache_path=tmp_path,
        mode=CacheMode.DISABLED,
        batch=1,
    )
    lookup = PubmedLookup(settings)
    started = time.monotonic()
    answers = lookup.verify([str(39_100_000 + i) for i in range(count)])
    elapsed = time.monotonic() - started
    lookup.close()
    assert pubmed.sent_429 == 0
    assert pubmed.peak_per_second <= limit
    assert all(a.outcome is Outcome.NOT_FOUND for a in answers.pmids.values())
    assert elapsed >= (count - 1) / limit


def test_a_429_holds_every_request_back_and_then_succeeds(
    tmp_path: Path, pubmed: PubmedServer
) -> None:
    pubmed.fail_next([status(429)])
    settings = NcbiSettings(
        eutils_url=pubmed.url, pmc_url=pubmed.url, cache_path=tmp_path, backoff_base=0.2
    )
    lookup = PubmedLookup(settings)
    answers = lookup.verify(["29198932"])
    lookup.close()
    assert answers.pmids["29198932"].outcome is Outcome.FOUND
    assert lookup.rate_limited == 1 and lookup.requests_sent == 2


# --- reading answers ----------------------------------------------------------------------


def test_summary_is_read_as_a_work_record() -> None:
    summary = json.loads((FIXTURES / "summaries" / "29198932.json").read_text())
    record = parse_summary({"result": {"uids": ["29198932"], "29198932": summary}}, "29198932")
    assert record is not None and record.work is not None
    assert record.doi == VICKERS_DOI and record.pmcid == "PMC5927830"
    assert record.work.authors[0].family == "Vickers" and record.work.authors[0].given == "AJ"
    assert record.work.authors[-1].group
    assert record.work.years == frozenset({2017, 2018})
    retracted = parse_summary(
        {"result": {"9500320": json.loads((FIXTURES / "summaries" / "9500320.json").read_text())}},
        "9500320",
    )
    assert retracted is not None
    assert {n.kind for n in retracted.notices} == {PubmedKind.RETRACTED}


@pytest.mark.parametrize(
    "document",
    [
        None,
        [],
        {"result": None},
        {"result": {"1": {"uid": "1", "error": "cannot get document summary"}}},
        {"result": {"1": {"uid": "2", "title": "another"}}},
        {"result": {"1": {"uid": "1", "authors": "x", "articleids": {"a": 1}, "pubtype": 5}}},
    ],
)
def test_odd_summaries_never_raise(document: Any) -> None:
    record = parse_summary(document, "1")
    assert record is None or record.pmid == "1"


def test_idconv_records() -> None:
    ok = {"records": [{"requested-id": "PMC1", "pmcid": "PMC1", "pmid": "5", "doi": "10.1/X"}]}
    assert parse_idconv(ok, "PMC1") == parse_idconv(ok, "PMC1")
    record = parse_idconv(ok, "PMC1")
    assert not isinstance(record, bool) and record is not None and record.doi == "10.1/x"
    assert parse_idconv({"records": [{"requested-id": "PMC2", "status": "error"}]}, "PMC2") is False
    assert parse_idconv({"records": []}, "PMC2") is None


@pytest.mark.parametrize(
    ("value", "pmid", "pmcid"),
    [
        ("29198932", "29198932", "PMC29198932"),
        ("PMID: 29198932", "29198932", None),
        ("pmc5927830", None, "PMC5927830"),
        ("0123", None, None),
        ("29198932x", None, None),
    ],
)
def test_identifiers_are_normalised(value: str, pmid: str | None, pmcid: str | None) -> None:
    assert normalise_pmid(value) == pmid
    assert normalise_pmcid(value) == pmcid


# --- property: whatever PubMed answers, reading it and judging it never raises -----------

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**64), 2**64)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "uid": st.just("29198932") | _JSON,
        "title": st.text(max_size=80) | _JSON,
        "authors": st.lists(
            st.fixed_dictionaries({"name": st.text(max_size=20) | _JSON, "authtype": _JSON}),
            max_size=4,
        )
        | _JSON,
        "pubdate": st.text(max_size=15) | _JSON,
        "articleids": st.lists(
            st.fixed_dictionaries({"idtype": st.sampled_from(["doi", "pmc", "x"]), "value": _JSON})
        )
        | _JSON,
        "pubtype": st.lists(st.sampled_from(["Retracted Publication", "Review"]) | _JSON) | _JSON,
        "references": st.lists(
            st.fixed_dictionaries(
                {"reftype": st.sampled_from(["Retraction in", "Update in"]) | _JSON, "pmid": _JSON}
            )
        )
        | _JSON,
        "error": _JSON,
    },
)


@settings(max_examples=200, deadline=None)
@given(summary=_FIELDS)
def test_any_summary_is_read_and_judged_without_raising(summary: dict[str, Any]) -> None:
    record = parse_summary({"result": {"29198932": summary}}, "29198932")
    if record is None:
        return
    reference = Reference.model_validate(
        {
            "type": "journal-article",
            "authors": ["Vickers AJ"],
            "title": "Acupuncture for chronic pain",
            "journal": "J Pain",
            "year": 2018,
            "doi": VICKERS_DOI,
            "pmid": "29198932",
        }
    )

    class Here:
        def key(self, path: Any) -> Position:
            return Position()

        def value(self, path: Any) -> Position:
            return Position()

    entry = ReferenceEntry("r", reference, "p.yaml", Here(), False)
    ctx = RuleContext(
        Policy(),
        dt.date(2026, 11, 21),
        pubmed=PubmedAnswers({"29198932": PubmedAnswer(Outcome.FOUND, record)}),
    )
    groups = [ReferenceGroup("page", [entry])]
    found = [*rules.check_answers(groups, ctx), *integrity.check_answers(groups, ctx)]
    for finding in found:
        assert "\n" not in finding.message and "\r" not in finding.message
