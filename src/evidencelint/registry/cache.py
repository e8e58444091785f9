"""The persistent answer cache: requests-cache on SQLite, shared by processes.

Found records are kept for weeks, not-found answers for a day, failures never. WAL mode
and a busy timeout let parallel pre-commit hooks share one file. An entry that cannot be
read or written (a damaged page) is a cache miss, never an error: the DOI is asked
again, and the damage is left for the next start to deal with (see cache_health).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

import requests
import requests_cache
from requests_cache.backends.sqlite import SQLiteCache

from evidencelint.registry.answers import answer_key
from evidencelint.registry.cache_health import BUSY_TIMEOUT_MS, is_damage, mark_suspect
from evidencelint.registry.cache_health import CACHE_FILE as CACHE_FILE  # known from here

# requests-cache logs an unreadable entry as an error; here that is a cache miss, not
# something to print on a command's stderr.
logging.getLogger("requests_cache").addHandler(logging.NullHandler())


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
    return _TolerantCache(path, wal=False, busy_timeout=BUSY_TIMEOUT_MS)


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
    )


class _TolerantCache(SQLiteCache):
    """Stores only answers worth keeping, and treats an entry it cannot read or write as
    absent.

    The filter is applied here rather than as requests-cache's `filter_fn`, which also
    deletes the stored answer whenever a fresh one is filtered out: a 503 during a
    refresh would throw away the very answer the client falls back on.
    """

    def get_response(self, key: str, default: Any = None) -> Any:
        try:
            return super().get_response(key, default)
        except sqlite3.Error as exc:
            self._trouble(exc)
        except Exception:  # an entry that cannot be unpickled is no answer either
            pass
        return default

    def save_response(
        self,
        response: requests.Response,
        cache_key: str | None = None,
        expires: dt.datetime | None = None,
    ) -> None:
        if not _worth_keeping(response):
            return
        try:
            super().save_response(response, cache_key, expires)
        except sqlite3.Error as exc:
            self._trouble(exc)

    def _trouble(self, exc: sqlite3.Error) -> None:
        if is_damage(exc):
            mark_suspect(Path(self.db_path))


def _worth_keeping(response: requests.Response) -> bool:
    """Keep not-found answers, whole records (a JSON object whose `message` is an object
    naming its DOI, as works and agency answers are) and search answers (a work-list with
    its `items`); never a truncated or garbled body, nor an odd answer that would stand
    for weeks after the service is right again."""
    if response.status_code == 404:
        return True
    if response.status_code != 200:
        return False
    try:
        document = response.json()
    except (ValueError, RecursionError):
        return False
    message = document.get("message") if isinstance(document, dict) else None
    if isinstance(message, dict) and document.get("message-type") == "work-list":
        return isinstance(message.get("items"), list)  # a query.bibliographic answer
    return isinstance(message, dict) and "DOI" in message


# --- keys and lookups -------------------------------------------------------------------


def _key_without_mailto(request: Any, **kwargs: Any) -> str:
    """Our own key, not requests-cache's: the contact address is not part of the question
    (a run with a mailto and one without share their answers), and the standard-library
    reader of warm runs computes the same key (registry/answers.py)."""
    return answer_key(request.url or "")


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
