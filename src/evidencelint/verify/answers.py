"""Registry answers and how the cache is read, with the standard library alone.

requests-cache writes the cache (verify/cache.py). A run whose answers are all in it
reads them here instead, without importing requests and requests-cache at all: on this
project's machine that import is a third of what a pre-commit hook costs. This reader
depends on two things only: the cache key, which is ours (`answer_key`), and the way
requests-cache's SQLite backend stores a response with its JSON serializer (a table
`responses` of key, value, expires; the value a JSON object whose `_content` is the
body in base64). When either is not as expected the reader answers "not here", and the
run asks requests-cache as before: the fast path can only be skipped, never wrong.

A cache may come from elsewhere (CI restores it from other branches), so nothing in it
is ever turned into code: it is JSON, read as plain values, and a row that is not a
whole answer (`usable`) counts as absent and is fetched again. A row written in the
pickle format of earlier versions is not JSON, so it is absent too.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from evidencelint.verify.cache_health import CACHE_FILE
from evidencelint.verify.verdicts import OFFLINE_NO_CACHE

DEFAULT_DEADLINE = 60.0
"""Seconds one DOI's lookups may take by default, retries included; a hung service
costs no more than this per DOI (and, as it keeps timing out, stops being asked at
all)."""
NOT_FOUND_BODY = b"Resource not found."
"""What Crossref's API answers, as text/plain with a 404, for a DOI it does not know.
Any other 404 (an HTML page, a proxy's or a mirror's) says nothing about the DOI."""


class DoiClock:
    """When one DOI's lookups (its record, its agency, newer versions) must end: its
    first request starts the clock, so that waiting for a turn costs a DOI nothing."""

    def __init__(self) -> None:
        self._until: float | None = None
        self._lock = threading.Lock()

    def until(self, seconds: float) -> float:
        """The deadline (time.monotonic()), set `seconds` from now on the first call."""
        with self._lock:
            if self._until is None:
                self._until = time.monotonic() + seconds
            return self._until


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
    silent: bool = field(default=False, compare=False)
    """Failed because the service gave no answer in time (timeouts, refused or dropped
    connections, 429s and 5xx to the last attempt, the run's budget spent), as opposed
    to an answer that was not one."""
    answered: str = field(default="", compare=False)
    """The DOI the URL that gave the answer names (lower case): the cited one, or the
    one an alias was redirected to within the registry; empty when unknown."""


def quote_doi(doi: str) -> str:
    """Percent-encode a DOI as one URL path segment: its slashes too (Crossref decodes
    %2F), so that no part of a DOI can be read as a segment of the path (`..`, `agency`);
    SICI DOIs carry < > ; : # ? [ ]."""
    return quote(doi, safe="()")


def named_doi(base_url: str, url: str) -> str:
    """The DOI a works or agency URL of the registry at `base_url` names (lower case),
    or "" when `url` is not one: another scheme, host or port, or outside the API."""
    base, got = urlsplit(base_url), urlsplit(url)
    if (got.scheme.lower(), _host_port(got)) != (base.scheme.lower(), _host_port(base)):
        return ""
    root = base.path.rstrip("/")
    for prefix in (f"{root}/works/", f"{root}/v1/works/"):  # the API answers on both
        if got.path.startswith(prefix):
            rest = got.path[len(prefix) :].removesuffix("/agency")
            return unquote(rest).lower() if rest else ""
    return ""


def _host_port(parts: Any) -> tuple[str, int | None]:
    try:
        port = parts.port
    except ValueError:
        return ("", -1)
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return ((parts.hostname or "").lower(), port if port is not None else default)


def work_url(base_url: str, doi: str) -> str:
    return f"{base_url.rstrip('/')}/works/{quote_doi(doi)}"


def agency_url(base_url: str, doi: str) -> str:
    return f"{work_url(base_url, doi)}/agency"


def answer_key(url: str) -> str:
    """The cache key of a GET of `url`: the same whoever asks (with a contact address or
    without), however the URL's host is cased or its path escaped."""
    parts = urlsplit(url)
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "mailto"
    )
    # Each segment spelt one way; an escaped slash stays distinct from a real one.
    path = "/".join(quote(unquote(segment), safe="()") for segment in parts.path.split("/"))
    canonical = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))
    return hashlib.blake2b(f"GET {canonical}".encode(), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """A cached answer that is a whole one (see `usable`)."""

    status_code: int
    content: bytes
    created_at: dt.datetime | None
    is_expired: bool
    url: str = ""


def usable(status: Any, content: Any) -> bool:
    """Is this a whole answer worth keeping: a JSON object whose `message` is an object
    naming its DOI (a work, or an agency answer), a search's list of works, or Crossref's
    own not-found?"""
    if not isinstance(content, bytes):
        return False
    if status == 404:
        return content.strip() == NOT_FOUND_BODY
    if status != 200:
        return False
    try:
        document = json.loads(content)
    except (ValueError, RecursionError):
        return False
    message = document.get("message") if isinstance(document, dict) else None
    if isinstance(message, dict) and document.get("message-type") == "work-list":
        return isinstance(message.get("items"), list)  # a query.bibliographic answer
    return isinstance(message, dict) and isinstance(message.get("DOI"), str)


def from_cache(cached: StoredAnswer, base_url: str) -> Fetched:
    """A cached answer as an answer."""
    when = cached.created_at.date().isoformat() if cached.created_at else ""
    stale = cached.is_expired
    answered = named_doi(base_url, cached.url)
    if cached.status_code == 404:
        return Fetched("not-found", stale=stale, cached_at=when, answered=answered)
    try:
        document = json.loads(cached.content)
        return Fetched("ok", document["message"], stale=stale, cached_at=when, answered=answered)
    except (ValueError, KeyError, TypeError, RecursionError):
        return Fetched("failed", reason="the cached answer is unreadable")


def trusted(fetched: Fetched, why: str) -> Fetched:
    """An expired 'not found' is no verdict: DOIs get registered every day."""
    if fetched.status == "not-found" and fetched.stale:
        return Fetched(
            "failed",
            reason=f"{why}, and the cached 'not found' of {fetched.cached_at} has expired",
        )
    return fetched


def cached_answer(cached: StoredAnswer | None, mode: CacheMode, base_url: str) -> Fetched | None:
    """The answer the cache gives in this mode without asking the service, or None."""
    if mode is CacheMode.OFFLINE:
        if cached is None:
            return Fetched("failed", reason=OFFLINE_NO_CACHE)
        return trusted(from_cache(cached, base_url), "offline")
    if cached is not None and mode is CacheMode.NORMAL and not cached.is_expired:
        return from_cache(cached, base_url)
    return None


def stored_answer(value: Any, expires: Any) -> StoredAnswer | None:
    """A row of requests-cache's JSON format as an answer; None unless it is plain data
    holding a whole answer."""
    try:
        stored = json.loads(value)
    except (ValueError, TypeError, RecursionError):  # not JSON: the old pickle format
        return None
    if not isinstance(stored, dict):
        return None
    status, encoded = stored.get("status_code"), stored.get("_content")
    if not isinstance(status, int) or not isinstance(encoded, str | None):
        return None
    try:
        content = base64.b64decode(encoded or "", validate=True)
    except (binascii.Error, ValueError):
        return None
    if not usable(status, content):
        return None
    url = stored.get("url")
    return StoredAnswer(
        status_code=status,
        content=content,
        created_at=_datetime(stored.get("created_at")),
        is_expired=isinstance(expires, int | float) and expires <= time.time(),
        url=url if isinstance(url, str) else "",
    )


class CacheReader:
    """Reads answers from the cache file, read-only; None for anything it cannot read."""

    def __init__(self, folder: Path) -> None:
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # the verifier's threads share the connection
        path = folder / CACHE_FILE
        if path.is_file():
            try:
                self._db = sqlite3.connect(
                    f"{path.absolute().as_uri()}?mode=ro",
                    uri=True,
                    timeout=5,
                    check_same_thread=False,
                )
            except sqlite3.Error:
                self._db = None

    def lookup(self, url: str) -> StoredAnswer | None:
        if self._db is None:
            return None
        try:
            with self._lock:
                row = self._db.execute(
                    "SELECT value, expires FROM responses WHERE key = ?", (answer_key(url),)
                ).fetchone()
            if row is None:
                return None
            value, expires = row
        except sqlite3.Error:  # damaged or busy: requests-cache reads it, or refetches
            return None
        return stored_answer(value, expires)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _datetime(text: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None
