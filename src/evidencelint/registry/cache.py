"""The persistent answer cache: requests-cache on SQLite, shared by processes.

Found records are kept for weeks, not-found answers for a day, failures never. WAL mode
and a busy timeout let parallel pre-commit hooks share one file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import requests
import requests_cache
from requests_cache.backends.sqlite import SQLiteCache

CACHE_FILE = "crossref.sqlite"


def open_cached_session(folder: Path, found_ttl: dt.timedelta) -> requests.Session:
    folder.mkdir(parents=True, exist_ok=True)
    backend = SQLiteCache(folder / CACHE_FILE, wal=True, busy_timeout=30_000)
    return requests_cache.CachedSession(
        backend=backend,
        expire_after=found_ttl,
        allowable_codes=(200, 404),
        ignored_parameters=("mailto",),
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
