"""Fault injection across the whole command: `evidencelint check` (and once `audit`) runs
as a real process on a small content tree while the loopback Crossref server misbehaves.

Every scenario proves three things:

- the run ends within a bound derived from the client's settings (its retries, backoff
  and rate, and the per-lookup deadline set through EVIDENCELINT_TIMEOUT);
- no wrong verdict: a DOI the fault touches is `doi-unverified`, never `doi-not-found`
  and never silently passed, and every other DOI gets its true verdict;
- the cache is sound afterwards: SQLite's integrity check passes, every stored entry
  loads and is a whole answer, and a run against the healed server gives the true
  findings.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from requests_cache.backends.sqlite import SQLiteCache

from evidencelint.config import CHECK_BUDGET, Config, ConfigError
from evidencelint.verify.cache_health import CACHE_FILE
from evidencelint.verify.client import MAX_REDIRECTS, ClientSettings
from evidencelint.verify.factory import build_verifier
from evidencelint.verify.limits import PUBLIC, SAFETY_MARGIN
from tests.cli_runs import STARTUP, Run, command, environment, run
from tests.crossref_server import (
    Action,
    CrossrefServer,
    delay,
    drop,
    malformed,
    status,
    truncate,
)
from tests.helpers import Tree, page_citing

SETTINGS = ClientSettings()
"""What `evidencelint check` runs with, but for the deadline the tests set."""
SPACING = SAFETY_MARGIN / PUBLIC[0]
"""Seconds between request starts before the service's headers raise the rate."""

FOUND = [f"10.1000/fault.{n}" for n in range(6)]
RETRACTED = "10.1000/fault.retracted"
MISSING = "10.1000/fault.missing"
DOIS = [*FOUND, RETRACTED, MISSING]
TRUTH: dict[str, set[str]] = {
    **{doi: set() for doi in FOUND},
    RETRACTED: {"retracted"},
    MISSING: {"doi-not-found"},
}
"""What a healthy service makes of each DOI."""
PAGES = {
    "content/one.yaml": [FOUND[0], FOUND[1], FOUND[2], RETRACTED],
    "content/two.yaml": [FOUND[3], FOUND[4], FOUND[5], MISSING],
    "content/three.yaml": [FOUND[0], FOUND[4], MISSING],
}
LOOKUPS = len(DOIS) + 1
"""Requests a healthy cold run makes: one per DOI, and the agency of the missing one."""


# --- content, records, runs -------------------------------------------------------------


def work(doi: str) -> dict[str, Any]:
    """A Crossref record that matches `reference(doi)` field for field."""
    message: dict[str, Any] = {
        "DOI": doi,
        "type": "journal-article",
        "title": [f"Acupuncture for chronic pain, trial {doi.rsplit('.', 1)[-1]}"],
        "author": [{"given": "Andrew J", "family": "Vickers", "sequence": "first"}],
        "container-title": ["The Journal of Pain"],
        "short-container-title": ["J Pain"],
        "issued": {"date-parts": [[2024, 3, 1]]},
    }
    if doi == RETRACTED:
        message["updated-by"] = [
            {
                "DOI": "10.1000/fault.notice",
                "type": "retraction",
                "label": "Retraction",
                "source": "publisher",
                "updated": {"date-parts": [[2025, 7, 26]]},
            }
        ]
    return message


def reference(key: str, doi: str) -> str:
    return f"""\
  {key}:
    type: journal-article
    authors: [Vickers AJ]
    title: "Acupuncture for chronic pain, trial {doi.rsplit(".", 1)[-1]}"
    journal: J Pain
    year: 2024
    doi: "{doi}"
"""


def page(page_id: str, dois: Sequence[str]) -> str:
    keys = [f"ref{n}" for n in range(len(dois))]
    references = "".join(reference(k, d) for k, d in zip(keys, dois, strict=True))
    return page_citing(keys, references, page_id)


def write_content(tree: Tree, server: CrossrefServer) -> None:
    """The content tree, and the server knowing every work but the missing one."""
    for path, dois in PAGES.items():
        tree.write(path, page(Path(path).stem, dois))
    for doi in DOIS:
        if doi != MISSING:
            server.add_work(work(doi))
    server.advertise = (100, 8)  # quick once it answers; the bounds assume the public pool


@pytest.fixture
def served(tree: Tree, crossref: CrossrefServer) -> CrossrefServer:
    write_content(tree, crossref)
    return crossref


def verdicts(findings: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """The names of the findings about each DOI (of any page); no other finding allowed."""
    found: dict[str, set[str]] = {doi: set() for doi in DOIS}
    for finding in findings:
        assert finding["doi"] in found, finding
        found[finding["doi"]].add(finding["name"])
    return found


def faulted(affected: Iterable[str]) -> dict[str, set[str]]:
    """The truth, but `doi-unverified` alone for the DOIs a fault touches."""
    hit = set(affected)
    return {doi: {"doi-unverified"} if doi in hit else names for doi, names in TRUTH.items()}


def cache_file() -> Path:
    return Path(os.environ["EVIDENCELINT_CACHE_DIR"]) / CACHE_FILE


def stored(cache: Path) -> list[str]:
    """Integrity check ok, and every entry a whole answer; the paths answered, one per
    entry ("10.1000/x" for a work, "10.1000/x/agency")."""
    with contextlib.closing(sqlite3.connect(cache)) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    backend = SQLiteCache(cache, serializer="json")
    try:
        responses = list(backend.responses.values())
    finally:
        backend.close()  # type: ignore[no-untyped-call]
    paths = []
    for response in responses:
        assert response is not None  # it loads
        assert response.status_code in (200, 404), response
        if response.status_code == 200:
            assert json.loads(response.content)["message"]["DOI"]
        paths.append(unquote(str(response.url).split("?")[0].split("/works/", 1)[1]))
    return paths


def assert_sound(cache: Path) -> set[str]:
    """See `stored`; the DOIs the cache holds an answer for."""
    return {path for path in stored(cache) if not path.endswith("/agency")}


def assert_recovers(root: Path, server: CrossrefServer, cache: Path) -> Run:
    """Healed, the service gives every DOI its true verdict, and the cache stays sound."""
    server.heal()
    server.scripts.clear()
    server.aliases.clear()
    server.latency = 0
    server.advertise = (100, 8)
    after = run(root)
    assert verdicts(after.findings) == TRUTH
    assert after.code == 1  # the retraction and the unknown DOI are errors
    assert after.stderr == ""
    assert assert_sound(cache) >= set(DOIS)
    return after


# --- a run killed mid-way ---------------------------------------------------------------


def cached_rows(cache: Path) -> int:
    try:
        with contextlib.closing(sqlite3.connect(f"file:{cache}?mode=ro", uri=True)) as db:
            return int(db.execute("SELECT count(*) FROM responses").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_mid_run_leaves_a_sound_cache_the_next_run_reuses(
    tree: Tree, served: CrossrefServer
) -> None:
    """SIGKILL once a few answers are stored: SQLite's WAL keeps the file whole, and what
    was stored is used, not asked for again."""
    served.latency = 0.4
    served.advertise = (10, 1)  # one answer at a time, so that the kill falls between two
    cache = cache_file()
    process = subprocess.Popen(
        command(),
        cwd=tree.root,
        env=environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + STARTUP + 10
    while cached_rows(cache) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.stderr is not None
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL  # killed, not finished
    kept = assert_sound(cache)
    assert 3 <= len(kept) < len(DOIS) - 1
    served.reset_counters()
    assert_recovers(tree.root, served, cache)
    assert not kept & set(served.requests), "a cached answer was asked for again"


# --- hanging answers --------------------------------------------------------------------


def test_answers_that_hang_are_given_up_within_the_deadline(
    tree: Tree, served: CrossrefServer
) -> None:
    deadline = 1.0
    hanging = [FOUND[1], RETRACTED]
    for doi in hanging:
        served.script(doi, [delay(10)] * SETTINGS.max_attempts)
    # At worst the two hang one after the other, each for its whole deadline.
    budget = STARTUP + len(hanging) * deadline + LOOKUPS * SPACING
    result = run(tree.root, timeout=deadline, budget=budget)
    assert verdicts(result.findings) == faulted(hanging)
    assert result.code == 1  # the unknown DOI is still an error
    assert_recovers(tree.root, served, cache_file())


def test_a_service_that_hangs_altogether_is_given_up_on(tree: Tree, served: CrossrefServer) -> None:
    """Without the breaker, eight lookups of 5 attempts each would wait 8 x 5 x 20 s."""
    deadline = 0.3
    served.fail_all(delay(10))
    # One at a time (no answer ever raises the concurrency), max_attempts timeouts in a
    # row end the run's requests.
    budget = STARTUP + SETTINGS.max_attempts * (deadline + SPACING)
    result = run(tree.root, timeout=deadline, budget=budget)
    assert verdicts(result.findings) == faulted(DOIS)
    assert result.code == 0  # warnings only
    assert len(served.requests) <= SETTINGS.max_attempts + 1
    assert_recovers(tree.root, served, cache_file())


# --- refusals and server errors ---------------------------------------------------------


def backoff_waits(failures: int) -> float:
    """The longest the client waits between `failures` + 1 attempts (jitter at its top)."""
    return float(
        sum(min(SETTINGS.backoff_cap, SETTINGS.backoff_base * 2**n) for n in range(failures))
    )


PATIENCE = 2.0
"""The deadline set for the storms: also what the client waits in all, across lookups,
for a service that keeps refusing."""
STORMS: dict[str, tuple[Action, float]] = {
    "429-backoff": (
        status(429, b"Too many requests"),
        min(PATIENCE, backoff_waits(SETTINGS.max_attempts - 1)),
    ),
    "429-retry-after-1s": (status(429, b"Too many requests", Retry_After="1"), PATIENCE),
    "503-retry-after-an-hour": (status(503, Retry_After="3600"), 0.0),
}
"""Every answer the same refusal, and the longest the client may wait through it."""


@pytest.mark.parametrize("storm", list(STORMS), ids=list(STORMS))
def test_a_storm_of_refusals_leaves_every_doi_unverified_and_stops_asking(
    tree: Tree, served: CrossrefServer, storm: str
) -> None:
    answer, waits = STORMS[storm]
    served.fail_all(answer)
    budget = STARTUP + waits + LOOKUPS * SPACING
    result = run(tree.root, timeout=PATIENCE, budget=budget)
    assert verdicts(result.findings) == faulted(DOIS)
    assert result.code == 0
    # As many refusals in a row as one lookup may make attempts, waits in all beyond the
    # deadline, or one "come back in an hour" stop the run's requests; a few more may
    # have been under way.
    assert len(served.requests) <= 2 * SETTINGS.max_attempts
    assert_recovers(tree.root, served, cache_file())


def test_a_burst_of_server_errors_then_recovery_verifies_every_doi(
    tree: Tree, served: CrossrefServer
) -> None:
    bursts = {
        FOUND[0]: [status(500), status(502)],
        RETRACTED: [status(503), status(500)],
        MISSING: [status(502)],
    }
    for doi, burst in bursts.items():
        served.script(doi, burst)
    served.script(MISSING, [status(503)], agency=True)  # not-found needs the agency too
    # The missing DOI's two lookups come one after the other.
    budget = STARTUP + 2 * backoff_waits(2) + LOOKUPS * SETTINGS.max_attempts * SPACING
    result = run(tree.root, budget=budget)
    assert verdicts(result.findings) == TRUTH
    assert result.code == 1
    for doi, burst in bursts.items():
        assert served.count(doi) == len(burst) + 1
    assert served.count(MISSING, agency=True) == 2
    assert_recovers(tree.root, served, cache_file())


BROKEN: dict[str, dict[tuple[str, bool], Action]] = {
    "server-errors": {
        (FOUND[0], False): status(500),
        (FOUND[5], False): status(502),
        (MISSING, False): status(400, b"bad request"),
    },
    "broken-answers": {
        (FOUND[1], False): truncate(),
        (FOUND[2], False): malformed(),
        (MISSING, False): status(200, b'{"status":"ok","message":["not a work"]}'),
    },
    "dropped-connections": {
        (FOUND[3], False): drop(),
        (MISSING, True): drop(),  # the agency lookup that would make it a not-found
    },
}
"""Faults that last, each on its own lookup: (DOI, agency endpoint) -> every answer."""


@pytest.mark.parametrize("group", list(BROKEN), ids=list(BROKEN))
def test_lasting_faults_on_some_dois_leave_only_those_unverified(
    tree: Tree, served: CrossrefServer, group: str
) -> None:
    deadline = 1.0
    faults = BROKEN[group]
    for (doi, agency), action in faults.items():
        served.script(doi, [action] * 20, agency=agency)
    # At worst the faulted lookups take their whole deadline one after the other.
    budget = STARTUP + len(faults) * deadline + LOOKUPS * SETTINGS.max_attempts * SPACING
    result = run(tree.root, timeout=deadline, budget=budget)
    assert verdicts(result.findings) == faulted(doi for doi, _ in faults)
    if (MISSING, True) not in faults:
        assert served.count(MISSING, agency=True) == 0  # a failure is not a 404
    assert result.code == 1  # the retraction, unaffected, is still an error
    assert_recovers(tree.root, served, cache_file())


def test_redirect_loops_are_unverified_and_not_followed_for_ever(
    tree: Tree, served: CrossrefServer
) -> None:
    elsewhere = "10.1000/fault.elsewhere"
    served.aliases[FOUND[3]] = FOUND[3]  # to itself
    served.aliases[FOUND[5]] = elsewhere  # A -> B -> A
    served.aliases[elsewhere] = FOUND[5]
    result = run(tree.root, budget=STARTUP + LOOKUPS * SPACING)
    assert verdicts(result.findings) == faulted([FOUND[3], FOUND[5]])
    assert all("redirected" in f["message"] for f in result.findings if f["doi"] in FOUND)
    # One attempt each, the redirects it follows and the one too many: a loop is not
    # retried.
    assert served.count(FOUND[3]) == MAX_REDIRECTS + 1
    assert served.count(FOUND[5]) + served.count(elsewhere) == MAX_REDIRECTS + 1
    assert_recovers(tree.root, served, cache_file())


# --- nothing listening ------------------------------------------------------------------


def test_an_unreachable_service_leaves_every_doi_unverified_quickly(
    tree: Tree, served: CrossrefServer
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    budget = STARTUP + SETTINGS.max_attempts * (SPACING + SETTINGS.backoff_base)
    result = run(tree.root, budget=budget, EVIDENCELINT_CROSSREF_URL=f"http://127.0.0.1:{port}")
    assert verdicts(result.findings) == faulted(DOIS)
    assert all("could not connect" in f["message"] for f in result.findings)
    assert result.code == 0  # a network failure is never exit 2, nor an error
    assert not cache_file().exists() or assert_sound(cache_file()) == set()
    assert_recovers(tree.root, served, cache_file())


# --- the audit --------------------------------------------------------------------------


def test_an_audit_during_an_outage_keeps_the_cached_answers(
    tree: Tree, served: CrossrefServer
) -> None:
    """The audit re-asks everything; when every answer is a 503 it falls back on the
    cached ones, says so, and must not throw them away."""
    deadline = 1.0
    warm = run(tree.root)
    assert verdicts(warm.findings) == TRUTH
    served.fail_all(status(503))
    served.reset_counters()
    budget = STARTUP + LOOKUPS * SETTINGS.max_attempts * SPACING + deadline
    audit = run(tree.root, subcommand="audit", timeout=deadline, budget=budget)
    assert len(served.requests) >= len(DOIS)  # it did ask again
    expected = {doi: names | {"doi-unverified"} for doi, names in TRUTH.items()}
    expected[MISSING] = {"doi-unverified"}  # an answer of 'not found' is not trusted stale
    assert verdicts(audit.findings) == expected
    assert audit.code == 1  # the retraction, from the cache
    served.reset_counters()
    assert_recovers(tree.root, served, cache_file())
    assert served.requests == []  # every answer was still in the cache


# --- the setting ------------------------------------------------------------------------


def test_a_timeout_setting_that_is_not_a_number_of_seconds_stops_the_command(
    tree: Tree, served: CrossrefServer
) -> None:
    done = subprocess.run(
        command(),
        cwd=tree.root,
        env=environment(EVIDENCELINT_TIMEOUT="soon"),
        capture_output=True,
        text=True,
        timeout=STARTUP + 30,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("evidencelint: EVIDENCELINT_TIMEOUT must be"), done.stderr
    assert served.requests == []


@pytest.mark.parametrize("value", ["0", "-3", "nan", "inf"])
def test_timeout_settings_that_are_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str
) -> None:
    monkeypatch.setenv("EVIDENCELINT_TIMEOUT", value)
    with pytest.raises(ConfigError, match="EVIDENCELINT_TIMEOUT"):
        build_verifier(Config(root=tmp_path, cache_dir=tmp_path / "cache"))


def test_the_timeout_setting_is_the_deadline_of_a_lookup(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = Config(root=tmp_path, cache_dir=tmp_path / "cache")
    for value, deadline in [("", CHECK_BUDGET.doi), ("2.5", 2.5)]:
        monkeypatch.setenv("EVIDENCELINT_TIMEOUT", value)
        _, client = build_verifier(config)
        assert client is not None
        assert client.client.settings.deadline == deadline  # the HTTP client, on demand
        client.close()
