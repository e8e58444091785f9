"""DOI verification end to end: CrossrefVerifier and `evidencelint check` against the
loopback Crossref server.

Verdicts (found, not found, another agency, unverified), integrity findings read from
real-shaped records (retractions, notices from two sources, Cochrane versions, relations),
the cache across runs (warm, offline, refresh, no-cache, stale), concurrency limits and
the progress callback. Records are built here with `crossref.add_work`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from evidencelint.cli import main
from evidencelint.config import Config
from evidencelint.findings import Finding, Severity
from evidencelint.verify import client as client_module
from evidencelint.verify.answers import CacheMode
from evidencelint.verify.cache_health import CACHE_FILE
from evidencelint.verify.client import ClientSettings, CrossrefClient
from evidencelint.verify.factory import build_verifier
from evidencelint.verify.verdicts import Outcome
from evidencelint.verify.verifier import CrossrefVerifier
from tests.crossref_server import Action, CrossrefServer, delay, drop, malformed, status
from tests.helpers import MINIMAL_PAGE, TODAY, Tree, expire_cache, one, only, page_citing

TITLE = "Acupuncture for chronic pain: an individual patient data meta-analysis"
FOUND = "10.1000/el.found"
MISSING = "10.1000/el.missing"
DATACITE = "10.5284/1011335"
NOTICE = "10.1000/el.retraction-notice"

MakeVerifier = Callable[..., CrossrefVerifier]


# --- content and records ----------------------------------------------------------------


def title_of(doi: str) -> str:
    """A title of its own for each DOI, so that no two references look like one work."""
    digest = hashlib.sha256(doi.lower().encode()).hexdigest()
    return f"{TITLE} {digest[:8]} {digest[8:16]} {digest[16:24]}"


def record(doi: str, title: str | None = None, **extra: Any) -> dict[str, Any]:
    """A Crossref work message that matches `reference(...)` field for field."""
    message: dict[str, Any] = {
        "DOI": doi,
        "type": "journal-article",
        "title": [title or title_of(doi)],
        "author": [{"given": "Andrew J", "family": "Vickers", "sequence": "first"}],
        "container-title": ["The Journal of Pain"],
        "short-container-title": ["J Pain"],
        "issued": {"date-parts": [[2024, 3, 1]]},
        "published-online": {"date-parts": [[2024, 3, 1]]},
    }
    message.update(extra)
    return message


def reference(key: str, doi: str, title: str | None = None) -> str:
    return f"""\
  {key}:
    type: journal-article
    authors: [Vickers AJ]
    title: "{title or title_of(doi)}"
    journal: J Pain
    year: 2024
    doi: "{doi}"
"""


def page(dois: Sequence[str], page_id: str = "page", titles: Sequence[str] = ()) -> str:
    keys = [f"ref{i}" for i in range(len(dois))]
    refs = "".join(
        reference(k, d, titles[i] if i < len(titles) else None)
        for i, (k, d) in enumerate(zip(keys, dois, strict=True))
    )
    return page_citing(keys, refs, page_id)


def failing(times: int = 5, code: int = 503) -> list[Action]:
    return [status(code) for _ in range(times)]


def cache_dir() -> Path:
    return Path(os.environ["EVIDENCELINT_CACHE_DIR"])


@pytest.fixture
def make_verifier(crossref: CrossrefServer, tmp_path: Path) -> Iterator[MakeVerifier]:
    """Verifiers on this test's server, with millisecond backoff."""
    clients: list[CrossrefClient] = []

    def make(progress: Any = None, **overrides: Any) -> CrossrefVerifier:
        options: dict[str, Any] = {
            "base_url": crossref.url,
            "cache_path": tmp_path / "verifier-cache",
            "backoff_base": 0.01,
            "backoff_cap": 0.05,
            "read_timeout": 0.5,
            "max_attempts": 3,
        }
        options.update(overrides)
        client = CrossrefClient(ClientSettings(**options))
        clients.append(client)
        return CrossrefVerifier(client, progress)

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """`evidencelint check` keeps its 5 attempts but backs off for milliseconds."""
    monkeypatch.setattr(
        client_module,  # the factory imports it when it first needs the HTTP client
        "ClientSettings",
        functools.partial(ClientSettings, backoff_base=0.01, backoff_cap=0.05),
    )


def check(tree: Tree, verifier: CrossrefVerifier) -> list[Finding]:
    return tree.check(verifier=verifier).findings


def names_of(findings: Sequence[Finding]) -> list[str]:
    return sorted(f.name for f in findings)


def run_cli(
    tree: Tree,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *options: str,
) -> tuple[int, list[dict[str, Any]]]:
    """`evidencelint check --format json` in the tree; (exit status, findings)."""
    monkeypatch.chdir(tree.root)
    capsys.readouterr()
    code = main(["check", "--format", "json", "--today", TODAY.isoformat(), *options])
    out = capsys.readouterr().out
    findings = json.loads(out)["findings"] if out.strip() else []
    return code, findings


def named(findings: Sequence[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["name"] == name]


# --- existence --------------------------------------------------------------------------


def test_found_is_silent(tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier) -> None:
    crossref.add_work(record(FOUND))
    tree.write("content/p.yaml", page([FOUND]))
    assert check(tree, make_verifier()) == []
    assert crossref.requests == [FOUND]


def test_unknown_everywhere_is_doi_not_found(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    tree.write("content/p.yaml", page([MISSING]))
    finding = one(check(tree, make_verifier()), "doi-not-found")
    assert finding.severity is Severity.ERROR
    assert finding.doi == MISSING
    assert crossref.count(MISSING) == 1
    assert crossref.count(MISSING, agency=True) == 1


def test_datacite_doi_is_doi_not_crossref_naming_datacite(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    crossref.agencies[DATACITE] = ("datacite", "DataCite")
    tree.write("content/p.yaml", page([DATACITE]))
    findings = check(tree, make_verifier())
    finding = one(findings, "doi-not-crossref")
    assert finding.severity is Severity.INFO
    assert "DataCite" in finding.message
    assert only(findings, "doi-not-found") == []


@pytest.mark.parametrize(
    "actions",
    [failing(3), [drop()] * 3, [malformed()] * 3, [status(400)], failing(3, 502)],
    ids=["503", "dropped", "malformed", "400", "502"],
)
def test_agency_failing_is_unverified_never_not_found(
    tree: Tree,
    crossref: CrossrefServer,
    make_verifier: MakeVerifier,
    actions: list[Action],
) -> None:
    crossref.script(MISSING, actions, agency=True)
    tree.write("content/p.yaml", page([MISSING]))
    findings = check(tree, make_verifier())
    assert only(findings, "doi-not-found") == []
    finding = one(findings, "doi-unverified")
    assert finding.severity is Severity.WARNING
    assert "agency" in finding.message
    assert crossref.count(MISSING, agency=True) >= 1


def test_agency_naming_crossref_without_a_record_is_unverified(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    crossref.agencies[MISSING] = ("crossref", "Crossref")
    tree.write("content/p.yaml", page([MISSING]))
    findings = check(tree, make_verifier())
    assert names_of(findings) == ["doi-unverified"]


def test_works_endpoint_failing_is_unverified_with_the_reason(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    crossref.add_work(record(FOUND))
    crossref.script(FOUND, failing(3))
    tree.write("content/p.yaml", page([FOUND]))
    findings = check(tree, make_verifier())
    finding = one(findings, "doi-unverified")
    assert finding.severity is Severity.WARNING
    assert "HTTP 503" in finding.message
    assert only(findings, "doi-not-found") == []
    assert crossref.count(FOUND) == 3
    assert crossref.count(FOUND, agency=True) == 0  # a failure is not a 404


def test_works_endpoint_timing_out_is_unverified(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    crossref.add_work(record(FOUND))
    crossref.script(FOUND, [delay(1)] * 2)
    tree.write("content/p.yaml", page([FOUND]))
    finding = one(check(tree, make_verifier(read_timeout=0.2, max_attempts=2)), "doi-unverified")
    assert "did not answer in time" in finding.message


def test_answer_that_is_not_a_work_is_unverified(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    crossref.script(
        FOUND, [status(200, b'{"status":"ok","message":["odd"]}', Content_Type="application/json")]
    )
    tree.write("content/p.yaml", page([FOUND]))
    assert names_of(check(tree, make_verifier())) == ["doi-unverified"]


def test_alias_doi_is_followed_to_its_record(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    alias, target = "10.26434/chemrxiv.5406907", "10.26434/chemrxiv.5406907.v5"
    crossref.add_work(record(target))
    crossref.aliases[alias] = target
    tree.write("content/p.yaml", page([alias]))
    verifier = make_verifier()
    assert verifier.verify([alias])[alias].outcome is Outcome.FOUND
    assert crossref.count(alias, agency=True) == 0


@pytest.mark.parametrize("unreachable", [False, True], ids=["all-503", "nothing-listens"])
@pytest.mark.parametrize("other_error", [False, True], ids=["warnings-only", "with-an-error"])
@pytest.mark.usefixtures("fast_retries")
def test_every_request_failing_exits_1_only_with_other_errors(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    unreachable: bool,
    other_error: bool,
) -> None:
    dois = [FOUND, MISSING]
    crossref.add_work(record(FOUND))
    for doi in dois:
        crossref.script(doi, failing())
        crossref.script(doi, failing(), agency=True)
    if unreachable:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        monkeypatch.setenv("EVIDENCELINT_CROSSREF_URL", f"http://127.0.0.1:{port}")
    tree.write("content/p.yaml", page(dois))
    if other_error:
        tree.write("content/q.yaml", page(["10.12/not-a-doi"], page_id="other"))
    code, findings = run_cli(tree, capsys, monkeypatch)
    assert code == (1 if other_error else 0)
    unverified = named(findings, "doi-unverified")
    assert sorted(f["doi"] for f in unverified) == sorted(dois)
    assert all(f["severity"] == "warning" for f in unverified)
    assert named(findings, "doi-not-found") == []
    errors = [f["name"] for f in findings if f["severity"] == "error"]
    assert errors == (["doi-invalid"] if other_error else [])


# --- one request per DOI, concurrency ---------------------------------------------------


def test_each_distinct_doi_is_asked_once_per_run(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crossref.add_work(record(FOUND))
    spellings = [FOUND, f"https://doi.org/{FOUND.upper()}", f"doi:{FOUND}"]
    for number, spelling in enumerate(spellings):
        tree.write(f"content/p{number}.yaml", page([spelling, MISSING], page_id=f"p{number}"))
    code, findings = run_cli(tree, capsys, monkeypatch)
    assert crossref.count(FOUND) == 1, crossref.requests
    assert crossref.count(MISSING) == 1
    assert crossref.count(MISSING, agency=True) == 1
    assert len(crossref.requests) == 3
    assert len(named(findings, "doi-not-found")) == 3  # one per citing page
    assert code == 1


def test_concurrent_but_at_most_three_in_flight_with_a_mailto(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EVIDENCELINT_MAILTO", "editor@example.org")
    crossref.latency = 0.2
    crossref.concurrency_limit = 3  # the server answers 429 beyond the polite pool's 3
    dois = [f"10.1000/el.concurrent.{n}" for n in range(12)]
    for doi in dois:
        crossref.add_work(record(doi))
    tree.write("content/p.yaml", page(dois))
    code, findings = run_cli(tree, capsys, monkeypatch)
    assert (code, findings) == (0, [])
    assert sorted(crossref.requests) == sorted(dois)
    assert 1 < crossref.peak_in_flight <= 3
    assert crossref.sent_429 == 0


@pytest.mark.parametrize("advertise", [(5, 1), None], ids=["public-pool-headers", "no-headers"])
def test_one_at_a_time_without_a_mailto(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    advertise: tuple[int, int] | None,
) -> None:
    crossref.advertise = advertise
    crossref.latency = 0.1
    dois = [f"10.1000/el.serial.{n}" for n in range(5)]
    for doi in dois:
        crossref.add_work(record(doi))
    tree.write("content/p.yaml", page(dois))
    code, findings = run_cli(tree, capsys, monkeypatch)
    assert (code, findings) == (0, [])
    assert len(crossref.requests) == 5
    assert crossref.peak_in_flight == 1


def test_verifier_cap_holds_when_the_rate_does_not_bind(
    crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    """With a generous rate, the concurrency cap is what limits: 3 with a mailto."""
    crossref.advertise = (1000, 3)
    crossref.latency = 0.15
    dois = [f"10.1000/el.cap.{n}" for n in range(12)]
    for doi in dois:
        crossref.add_work(record(doi))
    verifier = make_verifier(mailto="editor@example.org")
    answers = verifier.verify(dois)
    assert {a.outcome for a in answers.values()} == {Outcome.FOUND}
    assert verifier.client.cap.peak == 3  # type: ignore[attr-defined]  # the HTTP client
    assert crossref.peak_in_flight <= 3


# --- integrity --------------------------------------------------------------------------


def retraction(source: str, date: tuple[int, int, int] = (2019, 7, 26)) -> dict[str, Any]:
    return {
        "DOI": NOTICE,
        "type": "retraction",
        "label": "Retraction",
        "source": source,
        "updated": {"date-parts": [list(date)]},
        **({"record-id": "20946"} if source == "retraction-watch" else {}),
    }


def notice(kind: str, doi: str = NOTICE, source: str = "publisher") -> dict[str, Any]:
    return {
        "DOI": doi,
        "type": kind,
        "label": kind.replace("_", " ").title(),
        "source": source,
        "updated": {"date-parts": [[2021, 5, 4]]},
    }


def integrity_findings(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier, message: dict[str, Any]
) -> list[Finding]:
    crossref.add_work(message)
    tree.write("content/p.yaml", page([message["DOI"]], titles=[TITLE]))
    return check(tree, make_verifier())


INTEGRITY = {"retracted", "withdrawn", "expression-of-concern", "corrected", "superseded"}


def integrity_only(findings: Sequence[Finding]) -> list[Finding]:
    return [f for f in findings if f.name in INTEGRITY]


def test_retraction_from_publisher_and_retraction_watch_is_one_finding(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    message = record(
        FOUND, TITLE, **{"updated-by": [retraction("publisher"), retraction("retraction-watch")]}
    )
    findings = integrity_findings(tree, crossref, make_verifier, message)
    (finding,) = integrity_only(findings)
    assert finding.name == "retracted"
    assert finding.severity is Severity.ERROR
    assert NOTICE in finding.message
    assert "2019-07-26" in finding.message
    assert "Retraction Watch" in finding.message
    assert finding.doi == FOUND


def test_retraction_only_from_retraction_watch(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    message = record(FOUND, TITLE, **{"updated-by": [retraction("retraction-watch")]})
    (finding,) = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert finding.name == "retracted"
    assert "Retraction Watch" in finding.message


def test_retraction_with_differing_dates_reports_the_earliest_once(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    message = record(
        FOUND,
        TITLE,
        **{
            "updated-by": [
                retraction("retraction-watch", (2019, 8, 1)),
                retraction("publisher", (2019, 7, 26)),
            ]
        },
    )
    (finding,) = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert "2019-07-26" in finding.message
    assert "2019-08-01" not in finding.message


def test_self_new_version_is_ignored(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    message = record(FOUND, TITLE, **{"updated-by": [notice("new_version", doi=FOUND)]})
    assert integrity_findings(tree, crossref, make_verifier, message) == []


def test_new_version_of_another_doi_is_superseded(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    newer = "10.1000/el.found.v2"
    message = record(FOUND, TITLE, **{"updated-by": [notice("new_version", doi=newer)]})
    (finding,) = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert finding.name == "superseded"
    assert newer in finding.message


@pytest.mark.parametrize(
    ("kind", "name", "severity"),
    [
        ("expression_of_concern", "expression-of-concern", Severity.WARNING),
        ("correction", "corrected", Severity.INFO),
        ("erratum", "corrected", Severity.INFO),
        ("withdrawal", "withdrawn", Severity.ERROR),
        ("retraction", "retracted", Severity.ERROR),
        ("partial_retraction", "retracted", Severity.ERROR),
    ],
)
def test_notice_kinds(
    tree: Tree,
    crossref: CrossrefServer,
    make_verifier: MakeVerifier,
    kind: str,
    name: str,
    severity: Severity,
) -> None:
    message = record(FOUND, TITLE, **{"updated-by": [notice(kind)]})
    (finding,) = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert finding.name == name
    assert finding.severity is severity
    assert NOTICE in finding.message


def test_retracted_title_prefix_alone_is_retracted(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    message = record(FOUND, title=f"RETRACTED: {TITLE}")
    findings = integrity_findings(tree, crossref, make_verifier, message)
    (finding,) = integrity_only(findings)
    assert finding.name == "retracted"
    assert finding.severity is Severity.ERROR
    assert only(findings, "metadata-mismatch") == []  # the prefix is not a title mismatch


def test_retracted_title_and_notice_are_one_finding(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    message = record(
        FOUND,
        title=f"RETRACTED ARTICLE: {TITLE}",
        **{"updated-by": [retraction("publisher"), retraction("retraction-watch")]},
    )
    (finding,) = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert finding.name == "retracted"


def test_title_about_retractions_is_not_retracted(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    title = "Retracted publications in the biomedical literature from open access journals"
    message = record(FOUND, title=title)
    crossref.add_work(message)
    tree.write("content/p.yaml", page([FOUND], titles=[title]))
    assert integrity_only(check(tree, make_verifier())) == []


def test_cochrane_review_with_newer_versions_is_superseded(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    base = "10.1002/14651858.CD000001"
    for version in (2, 3, 4):
        crossref.add_work(record(f"{base}.pub{version}"))
    findings = check_page(tree, crossref, make_verifier, f"{base}.pub2")
    (finding,) = integrity_only(findings)
    assert finding.name == "superseded"
    assert finding.severity is Severity.WARNING
    assert f"{base.lower()}.pub4" in finding.message
    assert f"{base.lower()}.pub3" in finding.message
    assert crossref.count(f"{base}.pub5") == 1
    assert crossref.count(f"{base}.pub6") == 0
    assert crossref.count(f"{base}.pub5", agency=True) == 0


def test_latest_cochrane_version_is_not_superseded(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    base = "10.1002/14651858.CD000002"
    crossref.add_work(record(f"{base}.pub3"))
    assert check_page(tree, crossref, make_verifier, f"{base}.pub3") == []


def test_first_cochrane_version_probes_pub2(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    base = "10.1002/14651858.CD000003"
    crossref.add_work(record(base))
    crossref.add_work(record(f"{base}.pub2"))
    (finding,) = integrity_only(check_page(tree, crossref, make_verifier, base))
    assert finding.name == "superseded"
    assert f"{base.lower()}.pub2" in finding.message


def check_page(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier, doi: str
) -> list[Finding]:
    tree.write("content/p.yaml", page([doi]))
    return check(tree, make_verifier())


def test_is_replaced_by_relation_is_superseded(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    newer = "10.1000/el.replacement"
    message = record(
        FOUND,
        TITLE,
        relation={"is-replaced-by": [{"id-type": "doi", "id": newer, "asserted-by": "subject"}]},
    )
    (finding,) = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert finding.name == "superseded"
    assert newer in finding.message


def test_preprint_with_a_published_version_is_superseded(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    preprint, published = "10.1101/2023.01.01.000001", "10.1000/el.published"
    message = record(
        preprint,
        TITLE,
        type="posted-content",
        subtype="preprint",
        relation={
            "is-preprint-of": [{"id-type": "doi", "id": published, "asserted-by": "subject"}]
        },
    )
    (finding,) = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert finding.name == "superseded"
    assert published in finding.message
    assert "preprint" in finding.message


# --- the cache across runs ---------------------------------------------------------------

COCHRANE = "10.1002/14651858.CD000004.pub2"


def mixed_tree(tree: Tree, crossref: CrossrefServer) -> list[str]:
    """A page citing a found work, an unknown DOI, a DataCite DOI and a Cochrane review
    with a newer version; the DOIs."""
    crossref.add_work(record(FOUND))
    crossref.agencies[DATACITE] = ("datacite", "DataCite")
    crossref.add_work(record(COCHRANE))
    crossref.add_work(record(COCHRANE.replace("pub2", "pub3")))
    dois = [FOUND, MISSING, DATACITE, COCHRANE]
    tree.write("content/p.yaml", page(dois))
    return dois


def test_second_run_with_the_same_cache_makes_no_request(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mixed_tree(tree, crossref)
    first = run_cli(tree, capsys, monkeypatch)
    assert crossref.requests
    crossref.reset_counters()
    second = run_cli(tree, capsys, monkeypatch)
    assert crossref.requests == []
    assert second == first
    assert sorted(f["name"] for f in first[1]) == [
        "doi-not-crossref",
        "doi-not-found",
        "superseded",
    ]


def test_offline_after_a_warm_run_gives_the_same_findings_without_requests(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mixed_tree(tree, crossref)
    online = run_cli(tree, capsys, monkeypatch)
    crossref.reset_counters()
    offline = run_cli(tree, capsys, monkeypatch, "--offline")
    assert crossref.requests == []
    assert offline == online


def test_offline_on_a_cold_cache_leaves_every_doi_unverified(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dois = mixed_tree(tree, crossref)
    code, findings = run_cli(tree, capsys, monkeypatch, "--offline")
    assert crossref.requests == []
    assert code == 0
    assert sorted(f["name"] for f in findings) == ["doi-unverified"] * len(dois)
    assert sorted(f["doi"] for f in findings) == sorted(d.lower() for d in dois)
    assert all("offline" in f["message"] for f in findings)


def test_offline_with_no_cache_leaves_every_doi_unverified(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dois = mixed_tree(tree, crossref)
    run_cli(tree, capsys, monkeypatch)  # warm, but --no-cache must not read it
    crossref.reset_counters()
    code, findings = run_cli(tree, capsys, monkeypatch, "--offline", "--no-cache")
    assert crossref.requests == []
    assert (code, sorted(f["name"] for f in findings)) == (0, ["doi-unverified"] * len(dois))


@pytest.mark.slow
def test_service_down_with_an_expired_cache_uses_it_and_says_so(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The real defaults (5 attempts, 0.5 s base backoff): one DOI, a few seconds."""
    crossref.add_work(record(FOUND, None, **{"updated-by": [retraction("publisher")]}))
    tree.write("content/p.yaml", page([FOUND]))
    warm_code, warm = run_cli(tree, capsys, monkeypatch)
    assert warm_code == 1
    assert [f["name"] for f in warm] == ["retracted"]
    assert expire_cache(cache_dir()) >= 1
    crossref.script(FOUND, failing(10))
    crossref.reset_counters()
    code, findings = run_cli(tree, capsys, monkeypatch)
    assert crossref.count(FOUND) == 5  # it did try, as often as configured
    assert code == 1
    assert sorted(f["name"] for f in findings) == ["doi-unverified", "retracted"]
    (stale,) = named(findings, "doi-unverified")
    assert stale["severity"] == "info"
    assert "cached" in stale["message"]
    assert named(findings, "doi-not-found") == []


@pytest.mark.usefixtures("fast_retries")
def test_service_down_with_an_expired_not_found_is_not_a_verdict(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tree.write("content/p.yaml", page([MISSING]))
    _, warm = run_cli(tree, capsys, monkeypatch)
    assert [f["name"] for f in warm] == ["doi-not-found"]
    expire_cache(cache_dir())
    crossref.script(MISSING, failing(10))
    crossref.script(MISSING, failing(10), agency=True)
    crossref.reset_counters()
    code, findings = run_cli(tree, capsys, monkeypatch)
    assert crossref.count(MISSING) == 5
    assert named(findings, "doi-not-found") == []
    assert len(named(findings, "doi-unverified")) == 1
    assert code == 0


@pytest.mark.usefixtures("fast_retries")
def test_service_down_with_a_fresh_cache_asks_nothing(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crossref.add_work(record(FOUND))
    tree.write("content/p.yaml", page([FOUND]))
    run_cli(tree, capsys, monkeypatch)
    crossref.script(FOUND, failing(10))
    crossref.reset_counters()
    assert run_cli(tree, capsys, monkeypatch) == (0, [])
    assert crossref.requests == []


def test_refresh_asks_again_with_a_warm_cache(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crossref.add_work(record(FOUND))
    tree.write("content/p.yaml", page([FOUND]))
    assert run_cli(tree, capsys, monkeypatch) == (0, [])
    # Retracted since the first run: a refresh must see it, and store it.
    crossref.add_work(record(FOUND, None, **{"updated-by": [retraction("retraction-watch")]}))
    crossref.reset_counters()
    assert run_cli(tree, capsys, monkeypatch) == (0, [])  # cached: not seen yet
    assert crossref.requests == []
    code, findings = run_cli(tree, capsys, monkeypatch, "--refresh")
    assert crossref.requests == [FOUND]
    assert (code, [f["name"] for f in findings]) == (1, ["retracted"])
    crossref.reset_counters()
    assert run_cli(tree, capsys, monkeypatch)[1] == findings
    assert crossref.requests == []


def test_no_cache_writes_no_cache_file(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mixed_tree(tree, crossref)
    code, findings = run_cli(tree, capsys, monkeypatch, "--no-cache")
    assert code == 1
    assert crossref.requests
    folder = cache_dir()
    assert not (folder / CACHE_FILE).exists()
    assert not folder.exists() or list(folder.iterdir()) == []
    crossref.reset_counters()
    assert run_cli(tree, capsys, monkeypatch, "--no-cache") == (code, findings)
    assert crossref.requests  # nothing was kept between the runs


def test_normal_run_writes_the_cache_under_the_configured_folder(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crossref.add_work(record(FOUND))
    tree.write("content/p.yaml", page([FOUND]))
    run_cli(tree, capsys, monkeypatch)
    assert (cache_dir() / CACHE_FILE).is_file()


# --- progress ---------------------------------------------------------------------------


def test_progress_is_reported_up_to_n_of_n(
    crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    dois = [f"10.1000/el.progress.{n}" for n in range(5)]
    for doi in dois[:3]:
        crossref.add_work(record(doi))
    calls: list[tuple[int, int]] = []
    verifier = make_verifier(progress=lambda done, total: calls.append((done, total)))
    answers = verifier.verify([*dois, dois[0]])
    assert len(answers) == 5
    assert calls == [(n, 5) for n in range(6)]  # (0, 5) first: the bar starts at once


def test_progress_is_not_called_when_the_cache_answers_every_doi(
    crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    dois = [f"10.1000/el.progress.{n}" for n in range(3)]
    for doi in dois:
        crossref.add_work(record(doi))
    make_verifier().verify(dois)
    calls: list[tuple[int, int]] = []
    verifier = make_verifier(progress=lambda done, total: calls.append((done, total)))
    assert len(verifier.verify(dois)) == 3
    assert calls == []
    calls.clear()
    assert len(verifier.verify([*dois, "10.1000/el.progress.new"])) == 4
    assert calls == [(3, 4), (4, 4)]


def test_progress_is_not_called_without_dois(make_verifier: MakeVerifier) -> None:
    calls: list[tuple[int, int]] = []
    verifier = make_verifier(progress=lambda done, total: calls.append((done, total)))
    assert verifier.verify([]) == {}
    assert calls == []


def test_check_prints_no_progress_bar_when_stderr_is_not_a_terminal(
    tree: Tree,
    crossref: CrossrefServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dois = [f"10.1000/el.bar.{n}" for n in range(3)]
    for doi in dois:
        crossref.add_work(record(doi))
    tree.write("content/p.yaml", page(dois))
    monkeypatch.chdir(tree.root)
    capsys.readouterr()
    assert main(["check", "--today", TODAY.isoformat()]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert len(crossref.requests) == 3


# --- the verifier built from a configuration ---------------------------------------------


def test_build_verifier_follows_the_flags(crossref: CrossrefServer, tmp_path: Path) -> None:
    config = Config(root=tmp_path, crossref_url=crossref.url, cache_dir=tmp_path / "c")
    cases: list[tuple[dict[str, Any], CacheMode]] = [
        ({}, CacheMode.NORMAL),
        ({"offline": True}, CacheMode.OFFLINE),
        ({"refresh": True}, CacheMode.REFRESH),
        ({"no_cache": True}, CacheMode.DISABLED),
    ]
    for flags, mode in cases:
        _, client = build_verifier(config, **flags)
        assert client is not None
        assert client.client.settings.mode is mode  # the HTTP client, built on demand
        assert client.client.settings.base_url == crossref.url
        client.close()
    verifier, client = build_verifier(config, offline=True, no_cache=True)
    assert client is None
    (answer,) = verifier.verify([FOUND]).values()
    assert answer.outcome is Outcome.UNVERIFIED
    assert crossref.requests == []


def test_verifier_through_the_engine_with_build_verifier(
    tree: Tree, crossref: CrossrefServer
) -> None:
    crossref.add_work(record(FOUND))
    tree.write("content/p.yaml", page([FOUND, MISSING]))
    config = Config(root=tree.root, crossref_url=crossref.url, cache_dir=tree.root / "cache")
    verifier, client = build_verifier(config)
    assert client is not None
    try:
        findings = tree.check(verifier=verifier).findings
    finally:
        client.close()
    assert [f.name for f in findings] == ["doi-not-found"]
    assert (tree.root / "cache" / CACHE_FILE).is_file()


def test_unusable_cache_folder_is_a_warning_not_an_internal_error(
    tree: Tree, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tree.root / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("EVIDENCELINT_CACHE_DIR", str(blocker))
    monkeypatch.chdir(tree.root)
    tree.write("content/page.yaml", MINIMAL_PAGE)
    code = main(["check", "content", "--today", "2026-11-21", "--format", "json"])
    out, err = capsys.readouterr()
    assert "cannot use" in err and "running without a cache" in err
    assert json.loads(out)["findings"] == []
    assert code == 0


def test_retracted_work_is_one_error_naming_its_other_notices(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    concern, correction = "10.1000/el.concern", "10.1000/el.correction"
    message = record(
        FOUND,
        TITLE,
        **{
            "updated-by": [
                retraction("publisher"),
                notice("expression_of_concern", concern),
                notice("correction", correction),
            ]
        },
    )
    (finding,) = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert finding.name == "retracted"
    assert finding.severity is Severity.ERROR
    assert NOTICE in finding.message
    assert concern in finding.message
    assert correction in finding.message


def test_withdrawn_work_is_one_error_naming_its_correction(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    correction = "10.1000/el.correction"
    message = record(
        FOUND, TITLE, **{"updated-by": [notice("withdrawal"), notice("correction", correction)]}
    )
    (finding,) = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert finding.name == "withdrawn"
    assert correction in finding.message


def test_one_notice_deposited_under_two_kinds_is_reported_once(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    message = record(
        FOUND, TITLE, **{"updated-by": [notice("expression_of_concern"), notice("correction")]}
    )
    (finding,) = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert finding.name == "expression-of-concern"


def test_concern_and_a_separate_correction_are_still_two_findings(
    tree: Tree, crossref: CrossrefServer, make_verifier: MakeVerifier
) -> None:
    message = record(
        FOUND,
        TITLE,
        **{
            "updated-by": [
                notice("expression_of_concern"),
                notice("correction", "10.1000/el.correction"),
            ]
        },
    )
    findings = integrity_only(integrity_findings(tree, crossref, make_verifier, message))
    assert sorted(f.name for f in findings) == ["corrected", "expression-of-concern"]
