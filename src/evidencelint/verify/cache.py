"""The persistent answer cache: requests-cache's SQLite backend, shared by processes.

Found records are kept for weeks, not-found answers for a day, failures never. WAL mode
and a busy timeout let parallel pre-commit hooks share one file. An entry that cannot be
read or written (a damaged page) is a cache miss, never an error: the DOI is asked
again, and the damage is left for the next start to deal with (see cache_health).

Answers are stored with requests-cache's JSON serializer, never pickle: a cache may be
restored from elsewhere, and reading it must not be able to run code. An entry that is
not a whole answer in that format (an old pickled one included) is absent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import random
import sqlite3
import time
from pathlib import Path

import requests
from requests_cache.backends.sqlite import SQLiteCache
from requests_cache.serializers import json_serializer

from evidencelint.verify.answers import StoredAnswer, usable
from evidencelint.verify.cache_health import BUSY_TIMEOUT_MS, CACHE_FILE, is_damage, mark_suspect

# requests-cache logs an unreadable entry as an error; here that is a cache miss, not
# something to print on a command's stderr.
logging.getLogger("requests_cache").addHandler(logging.NullHandler())


def open_backend(folder: Path) -> AnswerCache:
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
    return AnswerCache(path, serializer=json_serializer, wal=False, busy_timeout=BUSY_TIMEOUT_MS)


class AnswerCache(SQLiteCache):
    """Stores only whole answers, and treats an entry it cannot read or write as absent."""

    def answer(self, key: str) -> StoredAnswer | None:
        """The stored answer for `key`, expired or not; None when nothing usable is
        stored."""
        try:
            cached = self.get_response(key)
        except sqlite3.Error as exc:
            self._trouble(exc)
            return None
        except Exception:  # an entry that does not structure into a response
            return None
        if cached is None:
            return None
        content = getattr(cached, "_content", None)
        status = getattr(cached, "status_code", None)
        if not usable(status, content):
            return None
        created = getattr(cached, "created_at", None)
        url = getattr(cached, "url", "")
        return StoredAnswer(
            status_code=int(status),  # type: ignore[arg-type]
            content=content,  # type: ignore[arg-type]
            created_at=created if isinstance(created, dt.datetime) else None,
            is_expired=bool(getattr(cached, "is_expired", False)),
            url=url if isinstance(url, str) else "",
        )

    def keep(self, key: str, response: requests.Response, ttl: dt.timedelta) -> None:
        """Store a fresh answer under `key` for `ttl`, if it is a whole one."""
        if not usable(response.status_code, response.content):
            return
        try:
            self.save_response(response, key, dt.datetime.now(dt.UTC) + ttl)
        except sqlite3.Error as exc:
            self._trouble(exc)
        except Exception:  # an answer requests-cache cannot serialise is not kept
            pass

    def _trouble(self, exc: sqlite3.Error) -> None:
        if is_damage(exc):
            mark_suspect(Path(self.db_path))
