"""The Crossref client against the loopback server: answers, retries, limits, the cache.

Every test talks HTTP to a real server on 127.0.0.1 (tests/crossref_server.py) whose
faults are scripted per DOI. Backoff is shrunk to milliseconds; waits the client is asked
to make for the service's sake (Retry-After) go to a fake `sleep` that only records them.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from requests_cache.backends.sqlite import SQLiteCache
from requests_cache.models.response import CachedResponse

from evidencelint import __version__
from evidencelint.verify.answers import CacheMode, Fetched
from evidencelint.verify.cache_health import CACHE_FILE
from evidencelint.verify.client import (
    MAX_RETRY_AFTER,
    PROJECT_URL,
    ClientSettings,
    CrossrefClient,
)
from tests.crossref_server import (
    CrossrefServer,
    delay,
    drop,
    malformed,
    record,
    status,
    truncate,
)
from tests.helpers import expire_cache

DOI = "10.1000/evidencelint.test.1"
OTHER = "10.1000/evidencelint.test.2"
MISSING = "10.1000/evidencelint.missing"
MAILTO = "editor@example.org"

MakeClient = Callable[..., CrossrefClient]


def work_message(doi: str = DOI, title: str = "Acupuncture for chronic pain") -> dict[str, Any]:
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "author": [{"given": "Andrew J", "family": "Vickers", "sequence": "first"}],
        "container-title": ["The Journal of Pain"],
        "short-container-title": ["J Pain"],
        "issued": {"date-parts": [[2024, 3]]},
    }


class FakeSleep:
    """Records the waits asked for instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def make_client(crossref: CrossrefServer, cache_dir: Path) -> Iterator[MakeClient]:
    """Clients on this test's server and cache folder, with millisecond backoff."""
    clients: list[CrossrefClient] = []

    def make(sleep: Callable[[float], None] = time.sleep, **overrides: Any) -> CrossrefClient:
        options: dict[str, Any] = {
            "base_url": crossref.url,
            "cache_path": cache_dir,
            "backoff_base": 0.01,
            "backoff_cap": 0.05,
            "read_timeout": 0.5,
            "connect_timeout": 0.5,
            "max_attempts": 3,
        }
        options.update(overrides)
        client = CrossrefClient(ClientSettings(**options), sleep=sleep)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def closed_port_url() -> str:
    """The address of a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def stored_responses(cache_dir: Path) -> dict[str, CachedResponse]:
    """What the SQLite cache holds, by URL (query string dropped)."""
    cache = SQLiteCache(cache_dir / CACHE_FILE, serializer="json")
    try:
        return {str(r.url).split("?")[0]: r for r in cache.responses.values()}
    finally:
        cache.close()  # type: ignore[no-untyped-call]


# --- answers ----------------------------------------------------------------------------


def test_200_is_ok_with_the_message(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.add_work(work_message())
    fetched = make_client().work(DOI)
    assert fetched.status == "ok"
    assert fetched.data["DOI"] == DOI
    assert fetched.data["title"] == ["Acupuncture for chronic pain"]
    assert not fetched.stale
    assert crossref.requests == [DOI]


def test_404_is_not_found_and_not_retried(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    fetched = make_client().work(MISSING)
    assert fetched == Fetched("not-found")
    assert crossref.count(MISSING) == 1


def test_agency_answer_is_the_message(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.agencies["10.5284/1011335"] = ("datacite", "DataCite")
    fetched = make_client().agency("10.5284/1011335")
    assert fetched.status == "ok"
    assert fetched.data["agency"] == {"id": "datacite", "label": "DataCite"}
    assert crossref.requests == ["10.5284/1011335/agency"]


def test_agency_404_is_not_found(crossref: CrossrefServer, make_client: MakeClient) -> None:
    assert make_client().agency(MISSING).status == "not-found"
    assert crossref.count(MISSING, agency=True) == 1


def test_400_is_failed_and_not_retried(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(400, b"bad request")])
    fetched = make_client().work(DOI)
    assert fetched.status == "failed"
    assert "400" in fetched.reason
    assert crossref.count(DOI) == 1


# --- retries ----------------------------------------------------------------------------


def test_429_without_retry_after_is_retried_with_backoff(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(429, b"Too many requests"), status(429)])
    sleep = FakeSleep()
    crossref.advertise = (1000, 3)
    client = make_client(sleep=sleep)
    client.limiter.set_rate(1000)  # only backoff waits are left to record
    fetched = client.work(DOI)
    assert fetched.status == "ok"
    assert crossref.count(DOI) == 3
    assert client.rate_limited == 2
    # Backoff within [c/2, c] for c = 0.01 then 0.02 (the fake sleep does not advance the
    # clock, so the limiter's push-back shows up as a second wait of the same length).
    assert any(0.005 <= s <= 0.01 for s in sleep.calls), sleep.calls
    assert any(0.01 <= s <= 0.02 for s in sleep.calls), sleep.calls
    assert max(sleep.calls) <= 0.02 + 1e-9


def test_429_with_retry_after_waits_that_long(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(429, Retry_After="1")])
    sleep = FakeSleep()
    fetched = make_client(sleep=sleep).work(DOI)
    assert fetched.status == "ok"
    assert crossref.count(DOI) == 2
    assert 1.0 in sleep.calls
    assert max(sleep.calls) <= 1.0


def test_429_with_retry_after_as_a_date(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.add_work(work_message())
    when = email.utils.format_datetime(
        dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5), usegmt=True
    )
    crossref.script(DOI, [status(429, Retry_After=when)])
    sleep = FakeSleep()
    assert make_client(sleep=sleep).work(DOI).status == "ok"
    assert any(3 <= s <= 5.5 for s in sleep.calls), sleep.calls


def test_retry_after_beyond_the_maximum_gives_up_at_once(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    wait = int(MAX_RETRY_AFTER * 2)
    crossref.script(DOI, [status(429, Retry_After=str(wait))])
    sleep = FakeSleep()
    fetched = make_client(sleep=sleep).work(DOI)
    assert fetched.status == "failed"
    assert str(wait) in fetched.reason
    assert "429" in fetched.reason
    assert crossref.count(DOI) == 1
    assert all(s < MAX_RETRY_AFTER for s in sleep.calls)


@pytest.mark.parametrize("code", [500, 502, 503, 504])
def test_server_errors_are_retried(
    crossref: CrossrefServer, make_client: MakeClient, code: int
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(code), status(code)])
    fetched = make_client().work(DOI)
    assert fetched.status == "ok"
    assert crossref.count(DOI) == 3


def test_persistent_503_fails_after_max_attempts_with_a_reason(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(503)] * 10)
    fetched = make_client(max_attempts=4).work(DOI)
    assert fetched.status == "failed"
    assert "HTTP 503" in fetched.reason
    assert "4 attempts" in fetched.reason
    assert crossref.count(DOI) == 4


def test_backoff_grows_and_respects_the_cap(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(503)] * 10)
    sleep = FakeSleep()
    # Rate limiting is lifted so that only backoff waits are recorded.
    crossref.advertise = (1000, 3)
    client = make_client(sleep=sleep, max_attempts=6, backoff_base=0.1, backoff_cap=0.3)
    client.limiter.set_rate(1000)
    assert client.work(DOI).status == "failed"
    backoffs = [s for s in sleep.calls if s >= 0.01]
    # attempt n waits within [c/2, c] for c = min(cap, base * 2**n); none after the last.
    ceilings = [0.1, 0.2, 0.3, 0.3, 0.3]
    assert len(backoffs) == len(ceilings), sleep.calls
    for waited, ceiling in zip(backoffs, ceilings, strict=True):
        assert ceiling / 2 - 1e-9 <= waited <= ceiling + 1e-9


def test_read_timeout_is_retried_then_ok(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [delay(2)])
    fetched = make_client(read_timeout=0.3).work(DOI)
    assert fetched.status == "ok"
    assert crossref.count(DOI) == 2


def test_read_timeout_every_time_fails_as_did_not_answer_in_time(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [delay(2)] * 3)
    started = time.monotonic()
    fetched = make_client(read_timeout=0.3, max_attempts=3).work(DOI)
    assert fetched.status == "failed"
    assert "did not answer in time" in fetched.reason
    assert crossref.count(DOI) == 3
    assert time.monotonic() - started < 4  # gave up after 0.3 s each time, not 2 s


def test_dropped_connection_is_retried_then_ok(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [drop()])
    assert make_client().work(DOI).status == "ok"
    assert crossref.count(DOI) == 2


def test_dropped_connection_every_time_fails_with_a_reason(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [drop()] * 3)
    fetched = make_client().work(DOI)
    assert fetched.status == "failed"
    assert "3 attempts" in fetched.reason
    assert "dropped" in fetched.reason
    assert crossref.count(DOI) == 3


def test_dropped_connections_for_one_doi_do_not_stop_the_others(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.add_work(work_message(OTHER))
    crossref.script(DOI, [drop()] * 3)
    client = make_client()
    assert client.work(DOI).status == "failed"
    fetched = client.work(OTHER)
    assert crossref.count(OTHER) == 1
    assert fetched.status == "ok"


def test_unreachable_service_fails_the_remaining_dois_at_once(
    make_client: MakeClient, closed_port_url: str
) -> None:
    client = make_client(base_url=closed_port_url)
    first = client.work(DOI)
    assert first.status == "failed"
    assert "could not connect" in first.reason
    assert client.requests_sent == 3
    second = client.work(OTHER)
    assert second.status == "failed"
    assert "could not connect" in second.reason
    assert client.requests_sent == 3


def test_truncated_body_is_retried_then_ok(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [truncate()])
    fetched = make_client().work(DOI)
    assert fetched.status == "ok"
    assert fetched.data["DOI"] == DOI
    assert crossref.count(DOI) == 2


def test_truncated_body_every_time_fails_with_a_reason(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [truncate()] * 3)
    fetched = make_client().work(DOI)
    assert fetched.status == "failed"
    assert "dropped mid-answer" in fetched.reason
    assert "3 attempts" in fetched.reason
    assert crossref.count(DOI) == 3


def test_malformed_json_is_retried_then_ok(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [malformed()])
    fetched = make_client().work(DOI)
    assert fetched.status == "ok"
    assert fetched.data["DOI"] == DOI
    assert crossref.count(DOI) == 2


def test_malformed_json_every_time_fails_as_not_valid_json(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [malformed()] * 3)
    fetched = make_client().work(DOI)
    assert fetched.status == "failed"
    assert "not valid JSON" in fetched.reason
    assert crossref.count(DOI) == 3


def test_json_without_message_is_retried(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(200, b'{"status": "ok"}', Content_Type="application/json")])
    assert make_client().work(DOI).status == "ok"
    assert crossref.count(DOI) == 2


def test_malformed_answer_is_not_cached(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [malformed()] * 3)
    assert make_client().work(DOI).status == "failed"
    # The service is healthy again: the next run must ask it, and get the record.
    fetched = make_client().work(DOI)
    assert fetched.status == "ok"
    assert crossref.count(DOI) == 4


# --- rate limits ------------------------------------------------------------------------


def test_rate_limit_headers_adapt_limiter_and_cap(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.advertise = (5, 1)
    client = make_client(mailto=MAILTO)
    assert (client.limiter.per_second, client.cap.size) == (10.0, 3)
    assert client.work(DOI).status == "ok"
    assert client.cap.size == 1
    assert client.limiter.per_second == pytest.approx(5.0)


def test_older_ratelimit_header_spelling_is_understood(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.advertise = None
    body = b'{"status":"ok","message-type":"work","message":{"DOI":"' + DOI.encode() + b'"}}'
    crossref.script(
        DOI,
        [
            status(
                200,
                body,
                Content_Type="application/json",
                X_Ratelimit_Limit="50",
                X_Ratelimit_Interval="1s",
            )
        ],
    )
    client = make_client()
    assert client.work(DOI).status == "ok"
    assert client.limiter.per_second == pytest.approx(50.0)


def test_public_pool_without_mailto_starts_at_one_at_a_time(make_client: MakeClient) -> None:
    client = make_client()
    assert client.cap.size == 1
    assert client.limiter.per_second == pytest.approx(5.0)


# --- identification ---------------------------------------------------------------------


def test_user_agent_and_mailto_parameter_with_a_mailto(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    make_client(mailto=MAILTO).work(DOI)
    assert crossref.user_agents == [f"evidencelint/{__version__} ({PROJECT_URL}; mailto:{MAILTO})"]
    assert crossref.queries == [f"mailto={MAILTO.replace('@', '%40')}"]


def test_user_agent_and_no_mailto_parameter_without_a_mailto(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    make_client().work(DOI)
    (agent,) = crossref.user_agents
    assert agent == f"evidencelint/{__version__} ({PROJECT_URL})"
    assert "mailto" not in agent
    assert crossref.queries == [""]


# --- DOIs on the wire -------------------------------------------------------------------


@pytest.mark.parametrize(
    "doi",
    [
        "10.1002/1096-9861(20010212)430:3<283::aid-cne1031>3.0.co;2-v",
        "10.1890/0012-9615(1999)069[0569:edilsa]2.0.co;2",
        "10.1002/(sici)1097-4679(200001)56:1<1::aid-jclp1>3.0.co;2-#",
        "10.1000/odd;chars:<a>#b?c[d]e%f+g",
    ],
)
def test_sici_dois_reach_the_server_intact(
    crossref: CrossrefServer, make_client: MakeClient, doi: str
) -> None:
    crossref.add_work(work_message(doi))
    fetched = make_client().work(doi)
    assert crossref.requests == [doi]
    assert fetched.status == "ok"
    assert fetched.data["DOI"] == doi
    assert make_client().agency(doi).status == "ok"
    assert crossref.requests == [doi, f"{doi}/agency"]


@pytest.mark.parametrize("mailto", [None, MAILTO])
def test_alias_with_relative_location_is_followed(
    crossref: CrossrefServer, make_client: MakeClient, mailto: str | None
) -> None:
    alias, target = "10.26434/chemrxiv.5406907", "10.26434/chemrxiv.5406907.v5"
    crossref.add_work(work_message(target))
    crossref.aliases[alias] = target
    client = make_client(mailto=mailto)
    fetched = client.work(alias)
    assert fetched.status == "ok"
    assert fetched.data["DOI"] == target
    assert crossref.requests == [alias, target]
    # The alias's answer is cached under the alias too.
    crossref.reset_counters()
    assert make_client(mailto=mailto).work(alias).status == "ok"
    assert make_client(mode=CacheMode.OFFLINE).work(alias).data["DOI"] == target
    assert crossref.requests == []


# --- the cache --------------------------------------------------------------------------


def test_cold_cache_being_created_elsewhere_is_waited_for(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    crossref.add_work(work_message())
    cache_dir.mkdir(parents=True)
    other = sqlite3.connect(cache_dir / CACHE_FILE, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process, mid-way through creating the cache
    release = threading.Timer(0.3, other.execute, ["COMMIT"])
    release.start()
    try:
        fetched = make_client().work(DOI)
    finally:
        release.join()
        other.close()
    assert fetched.status == "ok"


def test_second_call_is_answered_from_the_cache(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    crossref.add_work(work_message())
    first = make_client().work(DOI)
    crossref.reset_counters()
    again = make_client().work(DOI)
    assert crossref.requests == []
    assert again.status == "ok"
    assert again.data == first.data
    assert not again.stale
    assert (cache_dir / CACHE_FILE).is_file()


def test_same_client_asks_once(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.add_work(work_message())
    client = make_client()
    client.work(DOI)
    client.work(DOI)
    assert crossref.count(DOI) == 1


def test_cache_is_shared_across_mailto_addresses(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    crossref.add_work(work_message())
    make_client(mailto=MAILTO).work(DOI)
    assert make_client(mailto="someone.else@example.org").work(DOI).status == "ok"
    assert crossref.count(DOI) == 1


def test_cache_is_shared_with_and_without_mailto(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    make_client(mailto=MAILTO).work(DOI)
    assert make_client(mode=CacheMode.OFFLINE).work(DOI).status == "ok"
    assert make_client().work(DOI).status == "ok"
    assert crossref.count(DOI) == 1


def test_found_answer_is_kept_for_weeks(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    crossref.add_work(work_message())
    make_client().work(DOI)
    (stored,) = stored_responses(cache_dir).values()
    assert stored.status_code == 200
    assert stored.expires is not None
    left = stored.expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(weeks=4) - dt.timedelta(minutes=5) < left <= dt.timedelta(weeks=4)


@pytest.mark.parametrize("mailto", [None, MAILTO])
def test_404_is_cached_for_a_day(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path, mailto: str | None
) -> None:
    assert make_client(mailto=mailto).work(MISSING).status == "not-found"
    crossref.reset_counters()
    assert make_client(mailto=mailto).work(MISSING).status == "not-found"
    assert crossref.requests == []
    (stored,) = stored_responses(cache_dir).values()
    assert stored.status_code == 404
    assert stored.expires is not None
    left = stored.expires - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=23) < left <= dt.timedelta(days=1)


def test_expired_404_is_asked_again(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    make_client().work(MISSING)
    assert expire_cache(cache_dir, days=2) == 1
    crossref.add_work(work_message(MISSING))  # registered since
    crossref.reset_counters()
    fetched = make_client().work(MISSING)
    assert fetched.status == "ok"
    assert crossref.requests == [MISSING]


def test_failures_are_never_cached(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(503), status(503)])
    assert make_client(max_attempts=2).work(DOI).status == "failed"
    assert not (cache_dir / CACHE_FILE).exists() or stored_responses(cache_dir) == {}
    fetched = make_client().work(DOI)
    assert fetched.status == "ok"
    assert crossref.count(DOI) == 3


def test_400_is_not_cached(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(400)])
    assert make_client().work(DOI).status == "failed"
    assert make_client().work(DOI).status == "ok"
    assert crossref.count(DOI) == 2


def test_offline_answers_from_the_cache_without_a_request(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    make_client().work(DOI)
    make_client().work(MISSING)
    crossref.reset_counters()
    offline = make_client(mode=CacheMode.OFFLINE)
    found = offline.work(DOI)
    assert found.status == "ok"
    assert found.data["DOI"] == DOI
    assert not found.stale
    assert offline.work(MISSING).status == "not-found"
    assert crossref.requests == []
    assert offline.requests_sent == 0


def test_offline_uses_expired_answers_marked_stale(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    crossref.add_work(work_message())
    make_client().work(DOI)
    expire_cache(cache_dir, days=2)
    crossref.reset_counters()
    fetched = make_client(mode=CacheMode.OFFLINE).work(DOI)
    assert fetched.status == "ok"
    assert fetched.stale
    assert fetched.cached_at == dt.datetime.now(dt.UTC).date().isoformat()
    assert crossref.requests == []


def test_offline_expired_not_found_is_no_verdict(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    """A 'not found' is kept a day because DOIs are registered every day: once expired,
    offline it is no answer at all."""
    make_client().work(MISSING)
    expire_cache(cache_dir, days=2)
    crossref.reset_counters()
    fetched = make_client(mode=CacheMode.OFFLINE).work(MISSING)
    assert fetched.status == "failed"
    assert "offline" in fetched.reason
    assert crossref.requests == []


def test_service_failure_with_an_expired_not_found_is_no_verdict(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    make_client().work(MISSING)
    expire_cache(cache_dir, days=2)
    crossref.script(MISSING, [status(503)] * 3)
    fetched = make_client().work(MISSING)
    assert fetched.status == "failed"
    assert "503" in fetched.reason


def test_offline_without_a_cached_answer_fails_without_a_request(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    client = make_client(mode=CacheMode.OFFLINE)
    fetched = client.work(DOI)
    assert fetched.status == "failed"
    assert fetched.reason == "offline, and no cached answer"
    assert client.agency(DOI).status == "failed"
    assert crossref.requests == []


def test_refresh_fetches_again_and_rewrites(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message(title="Old title"))
    make_client().work(DOI)
    crossref.add_work(work_message(title="New title"))
    crossref.reset_counters()
    refreshed = make_client(mode=CacheMode.REFRESH).work(DOI)
    assert crossref.requests == [DOI]
    assert refreshed.data["title"] == ["New title"]
    crossref.reset_counters()
    again = make_client().work(DOI)
    assert crossref.requests == []
    assert again.data["title"] == ["New title"]


def test_disabled_cache_never_writes_a_file(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    crossref.add_work(work_message())
    client = make_client(mode=CacheMode.DISABLED)
    assert client.work(DOI).status == "ok"
    assert client.work(MISSING).status == "not-found"
    assert client.work(DOI).status == "ok"
    assert crossref.count(DOI) == 2
    assert not (cache_dir / CACHE_FILE).exists()
    assert not cache_dir.exists() or list(cache_dir.iterdir()) == []


def test_disabled_cache_does_not_read_a_warm_cache(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    make_client().work(DOI)
    crossref.reset_counters()
    assert make_client(mode=CacheMode.DISABLED).work(DOI).status == "ok"
    assert crossref.requests == [DOI]


def test_no_cache_path_means_no_cache(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.add_work(work_message())
    client = make_client(cache_path=None)
    client.work(DOI)
    client.work(DOI)
    assert crossref.count(DOI) == 2


def test_service_failure_falls_back_to_an_expired_answer_marked_stale(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    crossref.add_work(work_message())
    make_client().work(DOI)
    expire_cache(cache_dir, days=2)
    crossref.reset_counters()
    crossref.script(DOI, [status(503)] * 3)
    fetched = make_client().work(DOI)
    assert crossref.count(DOI) == 3  # it did try
    assert fetched.status == "ok"
    assert fetched.data["DOI"] == DOI
    assert fetched.stale
    assert fetched.cached_at
    assert "503" in fetched.reason
    assert "cached" in fetched.reason


def test_expired_answer_is_replaced_when_the_service_answers(
    crossref: CrossrefServer, make_client: MakeClient, cache_dir: Path
) -> None:
    crossref.add_work(work_message(title="Old title"))
    make_client().work(DOI)
    expire_cache(cache_dir, days=2)
    crossref.add_work(work_message(title="New title"))
    crossref.reset_counters()
    fetched = make_client().work(DOI)
    assert crossref.requests == [DOI]
    assert fetched.data["title"] == ["New title"]
    assert not fetched.stale
    (stored,) = stored_responses(cache_dir).values()
    assert not stored.is_expired


def test_disabled_mode_has_no_stale_fallback(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(503)] * 3)
    assert make_client(mode=CacheMode.DISABLED).work(DOI).status == "failed"


def test_requests_are_counted(crossref: CrossrefServer, make_client: MakeClient) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(503)])
    client = make_client()
    client.work(DOI)
    assert client.requests_sent == 2
    assert crossref.count(DOI) == 2


def test_answer_after_retries_is_the_normal_one(
    crossref: CrossrefServer, make_client: MakeClient
) -> None:
    crossref.add_work(work_message())
    crossref.script(DOI, [status(502), record()])
    assert make_client().work(DOI).data == work_message()


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("https://api.crossref.org/works/10.1000%2Fx", "10.1000/x"),
        ("https://API.Crossref.org:443/v1/works/10.1000/X", "10.1000/x"),
        ("https://api.crossref.org/works/10.1000%2Fx/agency", "10.1000/x"),
        ("http://api.crossref.org/works/10.1000%2Fx", ""),  # another scheme
        ("https://api.crossref.org:8443/works/10.1000%2Fx", ""),  # another port
        ("https://api.crossref.org@evil.example/works/10.1000%2Fx", ""),  # another host
        ("https://api.crossref.org/members/10.1000%2Fx", ""),  # outside the works API
    ],
)
def test_only_the_registrys_own_works_urls_name_a_doi(url: str, doi: str) -> None:
    """What a redirect may lead to, and what a cached answer's URL says it answered."""
    from evidencelint.verify.answers import named_doi

    assert named_doi("https://api.crossref.org", url) == doi
