"""The Crossref REST API client: the only module of evidencelint that does network I/O.

One keep-alive session per worker thread, a persistent HTTP cache (requests-cache on
SQLite), a rate limiter and a concurrency cap that follow the service's headers, and
retries with exponential backoff and jitter. Every failure is returned as a `Fetched`
with status "failed" and a reason, never raised: a service fault is not a verdict.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import requests
import urllib3

from evidencelint import __version__
from evidencelint.registry.limits import (
    POLITE,
    PUBLIC,
    ConcurrencyCap,
    RateLimiter,
    limits_from_headers,
)

PROJECT_URL = "https://github.com/evidencelint/evidencelint"
FOUND_TTL = dt.timedelta(weeks=4)
NOT_FOUND_TTL = dt.timedelta(days=1)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 60.0
"""A Retry-After longer than this is not waited for: the DOI is left unverified."""


class CacheMode(StrEnum):
    NORMAL = "normal"
    OFFLINE = "offline"
    """Answer from the cache only, expired answers included; never touch the network."""
    REFRESH = "refresh"
    """Fetch everything again and store the new answers."""
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class Fetched:
    status: Literal["ok", "not-found", "failed"]
    data: Any = None
    """The `message` of a JSON answer."""
    reason: str = ""
    stale: bool = False
    """Answered from an expired cache entry because the service could not be reached."""
    cached_at: str = ""


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


class CrossrefClient:
    def __init__(
        self,
        settings: ClientSettings,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        rate, concurrency = POLITE if settings.mailto else PUBLIC
        self.limiter = RateLimiter(rate, sleep=sleep)
        self.cap = ConcurrencyCap(concurrency)
        self._sleep = sleep
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()
        self._backend: Any = None  # one cache database, shared by the worker sessions
        self.requests_sent = 0
        self.rate_limited = 0
        self._unreachable = ""
        self._count_lock = threading.Lock()

    # Public --------------------------------------------------------------------------

    def work(self, doi: str) -> Fetched:
        return self._get(f"/works/{quote_doi(doi)}")

    def agency(self, doi: str) -> Fetched:
        return self._get(f"/works/{quote_doi(doi)}/agency")

    def close(self) -> None:
        with self._sessions_lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

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
        settings = self.settings
        session: requests.Session
        if settings.cache_path is None or settings.mode is CacheMode.DISABLED:
            session = requests.Session()
        else:
            from evidencelint.registry.cache import open_backend, open_cached_session

            with self._sessions_lock:
                if self._backend is None:
                    self._backend = open_backend(settings.cache_path)
                backend = self._backend
            session = open_cached_session(settings.cache_path, FOUND_TTL, backend)
        session.headers["User-Agent"] = self.user_agent
        session.headers["Accept"] = "application/json"
        return session

    # Requests ------------------------------------------------------------------------

    def _get(self, path: str) -> Fetched:
        url = self.settings.base_url.rstrip("/") + path
        params = {"mailto": self.settings.mailto} if self.settings.mailto else {}
        session = self._session()
        cached = _cached(session, url, params)
        mode = self.settings.mode
        if mode is CacheMode.OFFLINE:
            if cached is None:
                return Fetched("failed", reason="offline, and no cached answer")
            return _trusted(_interpret_cached(cached), "offline")
        if cached is not None and mode is CacheMode.NORMAL and not cached.is_expired:
            return _interpret_cached(cached)
        fetched = self._fetch(session, url, params)
        if fetched.status == "failed" and cached is not None and mode is not CacheMode.DISABLED:
            stale = _interpret_cached(cached)
            why = f"the service failed ({fetched.reason})"
            return _trusted(
                Fetched(
                    stale.status,
                    stale.data,
                    reason=f"{why}; using the answer cached {stale.cached_at}",
                    stale=True,
                    cached_at=stale.cached_at,
                ),
                why,
            )
        return fetched

    def _fetch(self, session: requests.Session, url: str, params: dict[str, str]) -> Fetched:
        settings = self.settings
        reason = "no attempt made"
        connection_failures = 0
        for attempt in range(settings.max_attempts):
            if self._unreachable:
                return Fetched("failed", reason=self._unreachable)
            self.limiter.acquire()
            with self.cap.slot():  # only the request itself holds a slot, never a backoff
                response, body, error = self._send(session, url, params)
            if response is None:
                reason = error
                connection_failures += error == _CANNOT_CONNECT
                self._back_off(attempt, None)
                continue
            self._adapt(response.headers)
            status = response.status_code
            if status == 200:
                message = _message(body)
                if message is None:
                    reason = "the answer was not valid JSON with a 'message'"
                    self._back_off(attempt, None)
                    continue
                return Fetched("ok", message)
            if status == 404:
                _remember_not_found(session, response)
                return Fetched("not-found")
            if status in RETRY_STATUSES:
                reason = f"HTTP {status}" + (" (rate limited)" if status == 429 else "")
                if status == 429:
                    with self._count_lock:
                        self.rate_limited += 1
                retry_after = _retry_after(response.headers.get("Retry-After"))
                if retry_after is not None and retry_after > MAX_RETRY_AFTER:
                    return Fetched(
                        "failed", reason=f"{reason}; asked to retry after {retry_after:.0f} s"
                    )
                self._back_off(attempt, retry_after, rate_limited=status == 429)
                continue
            return Fetched("failed", reason=f"HTTP {status}")
        if connection_failures == settings.max_attempts:
            # Nothing answers at all (no network, wrong address): the remaining DOIs fail
            # at once instead of each waiting through its own retries.
            self._unreachable = f"{_CANNOT_CONNECT} at {self.settings.base_url}"
        return Fetched("failed", reason=f"{reason} after {settings.max_attempts} attempts")

    def _send(
        self, session: requests.Session, url: str, params: dict[str, str]
    ) -> tuple[requests.Response | None, bytes, str]:
        with self._count_lock:
            self.requests_sent += 1
        try:
            response = session.get(
                url,
                params=params,
                timeout=(self.settings.connect_timeout, self.settings.read_timeout),
                allow_redirects=True,
                **_refresh_kwargs(session),
            )
            return response, response.content, ""
        except requests.RequestException as exc:
            return None, b"", _describe_exception(exc)

    def _back_off(
        self, attempt: int, retry_after: float | None, rate_limited: bool = False
    ) -> None:
        if attempt + 1 >= self.settings.max_attempts:
            return
        if retry_after is not None:
            delay = retry_after
        else:
            ceiling = min(self.settings.backoff_cap, self.settings.backoff_base * 2**attempt)
            delay = random.uniform(ceiling / 2, ceiling)
        if rate_limited:
            self.limiter.push_back(delay)
        self._sleep(delay)

    def _adapt(self, headers: Any) -> None:
        limits = limits_from_headers(headers)
        if limits is None:
            return
        if abs(limits.per_second - self.limiter.per_second) > 1e-9:
            self.limiter.set_rate(limits.per_second)
        if limits.concurrency and limits.concurrency != self.cap.size:
            self.cap.resize(limits.concurrency)


def quote_doi(doi: str) -> str:
    """Percent-encode a DOI for a URL path: SICI DOIs carry < > ; : # ? [ ]."""
    return quote(doi, safe="/()")


def _refresh_kwargs(session: requests.Session) -> dict[str, Any]:
    from evidencelint.registry.cache import is_cached_session

    return {"force_refresh": True} if is_cached_session(session) else {}


def _cached(session: requests.Session, url: str, params: dict[str, str]) -> Any:
    from evidencelint.registry.cache import cached_response

    return cached_response(session, url, params)


def _interpret_cached(cached: Any) -> Fetched:
    when = cached.created_at.date().isoformat() if getattr(cached, "created_at", None) else ""
    stale = bool(getattr(cached, "is_expired", False))
    if cached.status_code == 404:
        return Fetched("not-found", stale=stale, cached_at=when)
    try:
        document = json.loads(cached.content)
        return Fetched("ok", document["message"], stale=stale, cached_at=when)
    except (ValueError, KeyError, TypeError):
        return Fetched("failed", reason="the cached answer is unreadable")


def _trusted(fetched: Fetched, why: str) -> Fetched:
    """An expired 'not found' is no verdict: DOIs get registered every day."""
    if fetched.status == "not-found" and fetched.stale:
        return Fetched(
            "failed",
            reason=f"{why}, and the cached 'not found' of {fetched.cached_at} has expired",
        )
    return fetched


def _remember_not_found(session: requests.Session, response: requests.Response) -> None:
    from evidencelint.registry.cache import store_with_expiry

    store_with_expiry(session, response, NOT_FOUND_TTL)


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


def _message(body: bytes) -> Any:
    """The `message` of a JSON answer, or None when the body is not one."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    return document.get("message") if isinstance(document, dict) else None


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
        return "the service did not answer in time"
    if isinstance(
        exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return "the connection dropped mid-answer"
    if isinstance(exc, requests.ConnectionError):
        return "the connection dropped"
    return f"request failed ({type(exc).__name__})"
