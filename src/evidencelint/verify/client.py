"""The Crossref REST API client: the only module of evidencelint that does network I/O.

One keep-alive session per worker thread, a persistent HTTP cache (requests-cache on
SQLite), a rate limiter and a concurrency cap that follow the service's headers, and
retries with exponential backoff and jitter. Every failure is returned as a `Fetched`
with status "failed" and a reason, never raised: a service fault is not a verdict.

Nothing waits without end: a DOI's lookups, retries included, share one deadline,
enforced on each whole exchange (verify/exchange.py); the run's verification has a
budget of its own; and a service that stops answering or keeps refusing is asked no
more in the run (`_count_fruitless`, `_hold`), so that the remaining lookups fail at once.

An answer is taken only from the registry the run was pointed at, for the DOI asked:
redirects stay within its origin and API, a 404 is a verdict only in Crossref's own
words, and only whole answers are cached.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import functools
import json
import math
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests
import urllib3

from evidencelint import __version__
from evidencelint.verify.answers import (
    DEFAULT_DEADLINE,
    NOT_FOUND_BODY,
    CacheMode,
    DoiClock,
    Fetched,
    StoredAnswer,
    agency_url,
    answer_key,
    cached_answer,
    from_cache,
    named_doi,
    trusted,
    work_url,
)
from evidencelint.verify.exchange import Answer, ExchangeFailed, exchange, new_session
from evidencelint.verify.limits import (
    POLITE,
    PUBLIC,
    ConcurrencyCap,
    RateLimiter,
    limits_from_headers,
)
from evidencelint.verify.search import is_search_url

if TYPE_CHECKING:
    from evidencelint.verify.cache import AnswerCache

PROJECT_URL = "https://github.com/evidencelint/evidencelint"
FOUND_TTL = dt.timedelta(weeks=4)
NOT_FOUND_TTL = dt.timedelta(days=1)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0
"""A Retry-After longer than this is not waited for: the run asks no more."""
MAX_REDIRECTS = 5
"""Crossref redirects an alias DOI once; a longer chain is a loop, and is not retried."""
MIN_ATTEMPT = 0.1
"""No request is begun with less than this left of its lookup's deadline."""


@dataclass(frozen=True, slots=True)
class ClientSettings:
    base_url: str = "https://api.crossref.org"
    mailto: str | None = None
    cache_path: Path | None = None
    mode: CacheMode = CacheMode.NORMAL
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_cap: float = 10.0
    deadline: float = DEFAULT_DEADLINE
    """The longest one DOI's lookups may take from its first request, retries and waits
    included: each exchange ends by then, and a wait that would end later is not begun
    (EVIDENCELINT_TIMEOUT)."""
    run_budget: float | None = None
    """Seconds from the client's start after which no lookup is made in the run, and
    every wait ends (EVIDENCELINT_RUN_TIMEOUT); None: no such limit."""


class CrossrefClient:
    def __init__(
        self,
        settings: ClientSettings,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.settings = settings
        self._stopped = threading.Event()
        # By default a wait ends early when the run stops asking (see _give_up).
        self._sleep: Callable[[float], None] = sleep or self._pause
        rate, concurrency = POLITE if settings.mailto else PUBLIC
        self.limiter = RateLimiter(rate, sleep=self._sleep)
        self.cap = ConcurrencyCap(concurrency)
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        self._backend: AnswerCache | bool | None = None
        """The cache database, shared by the worker threads; False: unusable."""
        self.requests_sent = 0
        self.rate_limited = 0
        self._given_up = ""
        """Why no more requests are sent in this run; empty until then."""
        self._fruitless = 0
        """Attempts in a row, across threads, that could not connect, timed out or got a
        429."""
        self._held = 0.0
        """Seconds the service has had the run wait after refusing (429), in all."""
        self._count_lock = threading.Lock()
        self._run_timer: threading.Timer | None = None
        self._run_end = math.inf
        self._run_over = ""
        if settings.run_budget is not None:
            self._run_end = time.monotonic() + settings.run_budget
            budget = settings.run_budget
            self._run_over = f"the run's {budget:g} s for verification ran out"
            self._run_timer = threading.Timer(budget, self._give_up, [self._run_over])
            self._run_timer.daemon = True
            self._run_timer.start()

    # Public --------------------------------------------------------------------------

    def work(self, doi: str, clock: DoiClock | None = None) -> Fetched:
        """The record of `doi`; `clock`: the deadline it shares with the DOI's other
        lookups (its own otherwise)."""
        return self._get(work_url(self.settings.base_url, doi), clock)

    def agency(self, doi: str, clock: DoiClock | None = None) -> Fetched:
        return self._get(agency_url(self.settings.base_url, doi), clock)

    def search(self, bibliographic: str, rows: int = 5) -> Fetched:
        """`GET /works?query.bibliographic=...&rows=N`: the candidates for a printed
        reference, with the politeness, cache, deadline and outage rules of `work`."""
        from evidencelint.verify.search import search_url

        return self._get(search_url(self.settings.base_url, bibliographic, rows))

    def close(self) -> None:
        if self._run_timer is not None:
            self._run_timer.cancel()
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()
            backend = self._backend
            self._backend = None
        if backend is not None and not isinstance(backend, bool):
            with contextlib.suppress(Exception):  # a cache that is going away anyway
                backend.close()  # type: ignore[no-untyped-call]

    @property
    def user_agent(self) -> str:
        contact = f"; mailto:{self.settings.mailto}" if self.settings.mailto else ""
        return f"evidencelint/{__version__} ({PROJECT_URL}{contact})"

    # Sessions ------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._new_session()
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def _new_session(self) -> requests.Session:
        session = new_session()
        session.headers["User-Agent"] = self.user_agent
        session.headers["Accept"] = "application/json"
        return session

    def _cache(self) -> AnswerCache | None:
        settings = self.settings
        if settings.cache_path is None or settings.mode is CacheMode.DISABLED:
            return None
        with self._sessions_lock:
            if self._backend is None:
                from evidencelint.verify.cache import open_backend

                try:
                    self._backend = open_backend(settings.cache_path)
                except sqlite3.Error:
                    # Damaged since the command's start-up check: answer this run
                    # without a cache (the next start sets the file aside).
                    self._backend = False
            backend = self._backend
        return backend if not isinstance(backend, bool) else None

    def _stored(self, url: str) -> StoredAnswer | None:
        cache = self._cache()
        return cache.answer(answer_key(url)) if cache is not None else None

    def _keep(self, url: str, answer: Answer, ttl: dt.timedelta) -> None:
        cache = self._cache()
        if cache is not None:
            cache.keep(answer_key(url), answer.response, ttl)

    # Requests ------------------------------------------------------------------------

    def _get(self, url: str, clock: DoiClock | None = None) -> Fetched:
        return self._answer(url, False, clock) or Fetched("failed", reason="no answer")

    def cached_work(self, doi: str) -> Fetched | None:
        """The answer for a DOI when the cache gives it without a request, else None."""
        return self._answer(work_url(self.settings.base_url, doi), cache_only=True)

    def _answer(self, url: str, cache_only: bool, clock: DoiClock | None = None) -> Fetched | None:
        params = {"mailto": self.settings.mailto} if self.settings.mailto else {}
        mode = self.settings.mode
        base = self.settings.base_url
        cached = self._stored(url)
        answer = cached_answer(cached, mode, base)
        if answer is not None or cache_only:
            return answer
        fetched = self._fetch(self._session(), url, params, clock or DoiClock())
        if fetched.status == "failed" and cached is not None and mode is not CacheMode.DISABLED:
            stale = from_cache(cached, base)
            why = f"the service failed ({fetched.reason})"
            return trusted(
                Fetched(
                    stale.status,
                    stale.data,
                    reason=f"{why}; using the answer cached {stale.cached_at}",
                    stale=True,
                    cached_at=stale.cached_at,
                    answered=stale.answered,
                ),
                why,
            )
        return fetched

    def _fetch(
        self, session: requests.Session, url: str, params: dict[str, str], clock: DoiClock
    ) -> Fetched:
        settings = self.settings
        reason = "no attempt made"
        attempts = 0
        give_up_at = math.inf
        out_of_time = False
        while attempts < settings.max_attempts:
            if self._given_up:
                return Fetched("failed", reason=self._given_up, silent=True)
            start = self.limiter.acquire()
            with self.cap.slot():  # only the request itself holds a slot, never a backoff
                if self._given_up:  # decided while this thread waited for its turn
                    return Fetched("failed", reason=self._given_up, silent=True)
                now = time.monotonic()
                give_up_at = min(clock.until(settings.deadline), self._run_end)
                left = give_up_at - now
                if left < min(MIN_ATTEMPT, settings.deadline):
                    out_of_time = True
                    break
                # The first attempt always has the whole read timeout the deadline allows.
                whole = attempts == 0 or left >= settings.read_timeout
                answer, error = self._send(
                    session, url, params, give_up_at, functools.partial(self.limiter.sent, start)
                )
            attempts += 1
            outcome = self._judge(url, answer, error, whole)
            if isinstance(outcome, Fetched):
                return outcome
            reason = outcome.reason
            if attempts == settings.max_attempts:
                break
            wait = outcome.retry_after
            if wait is not None and wait > MAX_RETRY_AFTER:
                self._give_up(f"{reason}; asked to retry after {wait:.0f} s")
                return Fetched("failed", reason=self._given_up, silent=True)
            if wait is not None and time.monotonic() + wait >= give_up_at:
                return Fetched(
                    "failed",
                    reason=f"{reason}; asked to retry after {wait:.0f} s",
                    silent=_silent(reason),
                )
            if wait is None:
                wait = self._backoff(attempts)
            if time.monotonic() + wait >= give_up_at:
                out_of_time = True
                break
            if outcome.rate_limited and not self._hold(wait, reason):
                return Fetched("failed", reason=self._given_up, silent=True)
            self._sleep(wait)
        if self._given_up:  # the run's budget ran out during this lookup
            return Fetched("failed", reason=self._given_up, silent=True)
        if out_of_time and give_up_at >= self._run_end:  # its timer is about to fire
            return Fetched("failed", reason=self._run_over, silent=True)
        plural = "s" if attempts != 1 else ""
        limit = f" (the {settings.deadline:g} s limit of a DOI)" if out_of_time else ""
        return Fetched(
            "failed",
            reason=f"{reason} after {attempts} attempt{plural}{limit}",
            silent=_silent(reason),
        )

    def _judge(self, url: str, answer: Answer | None, error: str, whole: bool) -> Fetched | _Retry:
        """What one attempt gave: a final answer, or a reason to try again. `whole`: the
        request had its whole read timeout (not one cut short by the lookup's deadline),
        so a timeout says that the service is slow, not that time was running out."""
        if answer is None:
            if error in _FINAL:
                return Fetched("failed", reason=error)
            if _FINAL_PREFIXES and error.startswith(_FINAL_PREFIXES):
                return Fetched("failed", reason=error)
            if error == _CANNOT_CONNECT:
                self._count_fruitless(f"{error} at {self.settings.base_url}")
            elif error == _TIMED_OUT and whole:
                self._count_fruitless(error)
            return _Retry(error)
        status = answer.status
        if status == 429:
            with self._count_lock:
                self.rate_limited += 1
            self._count_fruitless("HTTP 429 (rate limited)")
        else:
            self._count_fruitless("")
        self._adapt(answer.headers)
        if status == 200:
            return self._record(url, answer)
        if status == 404:
            if is_search_url(url):  # no DOI was asked about: no verdict to give
                return Fetched("failed", reason="HTTP 404")
            return self._not_found(url, answer)
        if status in RETRY_STATUSES:
            reason = f"HTTP {status}" + (" (rate limited)" if status == 429 else "")
            retry_after = _retry_after(answer.headers.get("Retry-After"))
            return _Retry(reason, retry_after, rate_limited=status == 429)
        return Fetched("failed", reason=f"HTTP {status}")

    def _record(self, url: str, answer: Answer) -> Fetched | _Retry:
        document = _document(answer.body)
        message = document.get("message") if document is not None else None
        if document is None or message is None:
            return _Retry("the answer was not valid JSON with a 'message'")
        kind = document.get("message-type")
        if is_search_url(url):
            if kind != "work-list" or not isinstance(message.get("items"), list):
                return Fetched("failed", reason="the answer was not a list of works")
            self._keep(url, answer, FOUND_TTL)
            return Fetched("ok", message)
        expected = "work-agency" if url.endswith("/agency") else "work"
        if kind is not None and kind != expected:
            return Fetched("failed", reason=f"the answer was not a {expected} record")
        answered = named_doi(self.settings.base_url, answer.url)
        named = message.get("DOI") if isinstance(message, dict) else None
        if isinstance(named, str) and named.strip().lower() == answered:
            self._keep(url, answer, FOUND_TTL)  # a record of another DOI is never kept
        return Fetched("ok", message, answered=answered)

    def _not_found(self, url: str, answer: Answer) -> Fetched:
        """Crossref's own answer for a DOI it does not know, or no verdict at all."""
        kind = answer.headers.get("Content-Type") or "text/plain"
        if answer.body.strip() != NOT_FOUND_BODY or not kind.lower().startswith("text/plain"):
            return Fetched(
                "failed",
                reason="HTTP 404 that is not Crossref's answer for an unknown DOI "
                "(a proxy's or a mirror's page? check crossref_url)",
            )
        if answer.redirected:
            return Fetched("failed", reason="the service redirected to an answer of 'not found'")
        self._keep(url, answer, NOT_FOUND_TTL)
        return Fetched("not-found", answered=named_doi(self.settings.base_url, answer.url))

    def _count_fruitless(self, reason: str) -> None:
        """A service that cannot be reached, keeps timing out or keeps refusing (429) is
        asked no more in this run: as many such attempts in a row as one lookup may make,
        with no other answer in between, fail the remaining lookups at once (a timeout
        costs seconds each, and a refused client must slow down). `reason` empty: an
        answer came, and the count starts again."""
        with self._count_lock:
            self._fruitless = self._fruitless + 1 if reason else 0
            count = self._fruitless
        if count >= self.settings.max_attempts:
            self._give_up(f"{reason} for {count} requests in a row; no more requests in this run")

    def _hold(self, seconds: float, reason: str) -> bool:
        """Nobody starts a request for `seconds` (the service refused one); False, and no
        more requests in this run, once the refusals have cost more waiting in all than
        one lookup may take."""
        with self._count_lock:
            self._held += seconds
            held = self._held
        if held > self.settings.deadline:
            self._give_up(f"{reason}; asked to wait {held:.0f} s in all; no more requests")
            return False
        self.limiter.push_back(seconds)
        return True

    def _pause(self, seconds: float) -> None:
        self._stopped.wait(seconds)

    def _give_up(self, reason: str) -> None:
        """No more requests in this run: waits end, and every lookup fails with `reason`."""
        with self._count_lock:
            self._given_up = self._given_up or reason
        self._stopped.set()

    def _send(
        self,
        session: requests.Session,
        url: str,
        params: dict[str, str],
        until: float,
        on_sent: Callable[[], None] | None = None,
    ) -> tuple[Answer | None, str]:
        with self._count_lock:
            self.requests_sent += 1
        settings = self.settings
        base = settings.base_url
        try:
            answer = exchange(
                session,
                url,
                params,
                until=until,
                connect_timeout=settings.connect_timeout,
                read_timeout=settings.read_timeout,
                allowed=lambda target: bool(named_doi(base, target)),
                max_redirects=MAX_REDIRECTS,
                on_sent=on_sent,
            )
            return answer, ""
        except ExchangeFailed as exc:
            if exc.timed_out:
                return None, _TIMED_OUT
            if exc.reason == "redirect loop":
                return None, _REDIRECT_LOOP
            return None, exc.reason
        except requests.RequestException as exc:
            return None, _describe_exception(exc)

    def _backoff(self, attempts: int) -> float:
        """Exponential backoff with jitter: within [c/2, c], c = base * 2**(attempts-1)."""
        ceiling = min(self.settings.backoff_cap, self.settings.backoff_base * 2 ** (attempts - 1))
        return random.uniform(ceiling / 2, ceiling)

    def _adapt(self, headers: Any) -> None:
        limits = limits_from_headers(headers)
        if limits is None:
            return
        if abs(limits.per_second - self.limiter.per_second) > 1e-9:
            self.limiter.set_rate(limits.per_second)
        if limits.concurrency and limits.concurrency != self.cap.size:
            self.cap.resize(limits.concurrency)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


_CANNOT_CONNECT = "could not connect to the service"
_TIMED_OUT = "the service did not answer in time"
_REDIRECT_LOOP = f"the service redirected more than {MAX_REDIRECTS} times (a loop)"
_DROPPED = "the connection dropped"
_SILENT = (_TIMED_OUT, _CANNOT_CONNECT, _DROPPED, "HTTP 429", "HTTP 5")
"""Reasons that say the service gave no answer, as opposed to a wrong one."""
_FINAL = frozenset({_REDIRECT_LOOP})
_FINAL_PREFIXES = ("the service redirected to ", "the answer was larger than ")
"""Failures an attempt again would only repeat."""


@dataclass(frozen=True, slots=True)
class _Retry:
    reason: str
    retry_after: float | None = None
    rate_limited: bool = False


def _silent(reason: str) -> bool:
    return reason.startswith(_SILENT)


def _document(body: bytes) -> dict[str, Any] | None:
    """A JSON object answer, or None when the body is not one."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        return None
    return document if isinstance(document, dict) else None


def _never_connected(exc: BaseException) -> bool:
    """Refused, unresolvable or unreachable: no connection was ever made (as opposed to
    a connection the server accepted and then dropped)."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, urllib3.exceptions.NewConnectionError):
            return True
        pending += [a for a in current.args if isinstance(a, BaseException)]
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            pending.append(reason)
        if current.__cause__ is not None:
            pending.append(current.__cause__)
        if current.__context__ is not None:
            pending.append(current.__context__)
    return False


def _describe_exception(exc: requests.RequestException) -> str:
    if isinstance(exc, requests.ConnectTimeout) or _never_connected(exc):
        return _CANNOT_CONNECT
    if isinstance(exc, requests.Timeout):
        return _TIMED_OUT
    if isinstance(exc, requests.TooManyRedirects):
        return _REDIRECT_LOOP
    if isinstance(
        exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return f"{_DROPPED} mid-answer"
    if isinstance(exc, requests.ConnectionError):
        return _DROPPED
    return f"request failed ({type(exc).__name__})"
