"""The persistent answer cache: requests-cache on SQLite, shared by processes.

Found records are kept for weeks, not-found answers for a day, failures never. WAL mode
and a busy timeout let parallel pre-commit hooks share one file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import requests_cache
from requests_cache.backends.sqlite import SQLiteCache
from requests_cache.cache_keys import create_key

CACHE_FILE = "crossref.sqlite"


BUSY_TIMEOUT_MS = 30_000


def open_backend(folder: Path) -> SQLiteCache:
    """The cache database, in WAL mode so that readers never wait for a writer.

    WAL is switched on once, here, with a busy handler and retries: switching it needs a
    moment of exclusive access, and a second process creating the same cold cache would
    otherwise fail at once with 'database is locked'. The mode is stored in the file, so
    the connections requests-cache opens afterwards need not switch it again.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CACHE_FILE
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            with contextlib.closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as db:
                db.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05 + random.random() * 0.1)
    return SQLiteCache(path, wal=False, busy_timeout=BUSY_TIMEOUT_MS)


def open_cached_session(
    folder: Path, found_ttl: dt.timedelta, backend: SQLiteCache | None = None
) -> requests.Session:
    """A session answering from the cache in `folder` (or from an already open
    `backend` on it, shared between a client's worker threads)."""
    if backend is None:
        backend = open_backend(folder)
    return requests_cache.CachedSession(
        backend=backend,
        expire_after=found_ttl,
        allowable_codes=(200, 404),
        key_fn=_key_without_mailto,
        stale_if_error=False,
        filter_fn=_worth_keeping,
    )


def _worth_keeping(response: requests.Response) -> bool:
    """Keep not-found answers and whole JSON records; never a truncated or garbled body."""
    if response.status_code == 404:
        return True
    try:
        document = response.json()
    except ValueError:
        return False
    return isinstance(document, dict) and "message" in document


def _key_without_mailto(request: Any, **kwargs: Any) -> str:
    """The contact address is not part of the question: a run with a mailto and one
    without share their answers."""
    url = request.url or ""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "mailto"]
    stripped = request.copy()
    stripped.url = urlunsplit(parts._replace(query=urlencode(query)))
    return create_key(stripped, **kwargs)


def is_cached_session(session: requests.Session) -> bool:
    return isinstance(session, requests_cache.CachedSession)


def cached_response(session: requests.Session, url: str, params: dict[str, str]) -> Any:
    """The stored answer for a GET of `url`, expired or not; None when nothing is stored."""
    if not isinstance(session, requests_cache.CachedSession):
        return None
    request = requests.Request("GET", url, params=params, headers=session.headers).prepare()
    return session.cache.get_response(session.cache.create_key(request))


def store_with_expiry(
    session: requests.Session, response: requests.Response, ttl: dt.timedelta
) -> None:
    """Re-store a fresh answer with its own lifetime (a not-found answer: a day)."""
    if isinstance(session, requests_cache.CachedSession) and not getattr(
        response, "from_cache", False
    ):
        session.cache.save_response(response, expires=dt.datetime.now(dt.UTC) + ttl)
