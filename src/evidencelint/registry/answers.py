"""Registry answers and how the cache is read, with the standard library alone.

requests-cache writes the cache (registry/cache.py). A run whose answers are all in it
reads them here instead, without importing requests and requests-cache at all: on this
project's machine that import is a third of what a pre-commit hook costs. This reader
depends on two things only: the cache key, which is ours (`answer_key`), and the way
requests-cache's SQLite backend stores a response (a table `responses` of key, value,
expires; the value a pickled dict of plain values). When either is not as expected the
reader answers "not here", and the run asks requests-cache as before: the fast path can
only be skipped, never wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import pickle
import sqlite3
import threading
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from evidencelint.registry.cache_health import CACHE_FILE as CACHE_FILE  # re-exported

DEFAULT_DEADLINE = 60.0
"""Seconds one lookup may take by default, retries included; a hung service costs no
more than this per DOI (and, as it keeps timing out, stops being asked at all)."""


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


def quote_doi(doi: str) -> str:
    """Percent-encode a DOI for a URL path: SICI DOIs carry < > ; : # ? [ ]."""
    return quote(doi, safe="/()")


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
    canonical = urlunsplit(
        (
            parts.scheme.lower(),
            parts.netloc.lower(),
            quote_doi(unquote(parts.path)),
            urlencode(query),
            "",
        )
    )
    return hashlib.blake2b(f"GET {canonical}".encode(), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """A cached response, with the attributes of requests-cache's CachedResponse that
    `from_cache` reads."""

    status_code: int
    content: bytes
    created_at: dt.datetime | None
    is_expired: bool


def from_cache(cached: Any) -> Fetched:
    """A cached response (requests-cache's, or a StoredAnswer) as an answer."""
    when = cached.created_at.date().isoformat() if getattr(cached, "created_at", None) else ""
    stale = bool(getattr(cached, "is_expired", False))
    if cached.status_code == 404:
        return Fetched("not-found", stale=stale, cached_at=when)
    try:
        document = json.loads(cached.content)
        return Fetched("ok", document["message"], stale=stale, cached_at=when)
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


def cached_answer(cached: Any, mode: CacheMode) -> Fetched | None:
    """The answer the cache gives in this mode without asking the service, or None."""
    if mode is CacheMode.OFFLINE:
        if cached is None:
            return Fetched("failed", reason="offline, and no cached answer")
        return trusted(from_cache(cached), "offline")
    if cached is not None and mode is CacheMode.NORMAL and not cached.is_expired:
        return from_cache(cached)
    return None


class _PlainValues(pickle.Unpickler):
    """Unpickles dicts, lists, strings, bytes and numbers; refuses any class."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


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
            stored = _PlainValues(io.BytesIO(value)).load()
        except Exception:  # damaged or unfamiliar: requests-cache reads it, or refetches
            return None
        if not isinstance(stored, dict):
            return None
        status, content = stored.get("status_code"), stored.get("_content")
        if not isinstance(status, int) or not isinstance(content, bytes):
            return None
        return StoredAnswer(
            status_code=status,
            content=content,
            created_at=_datetime(stored.get("created_at")),
            is_expired=isinstance(expires, int | float) and expires <= time.time(),
        )

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
