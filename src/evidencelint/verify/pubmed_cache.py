"""PubMed and PMC answers in the registry cache file, as JSON text in a table of their own.

The table `ncbi_answers` lives in the same SQLite file as Crossref's answers (so one
folder is kept between CI runs, one `--offline`, one damage check), apart from
requests-cache's tables. Values are JSON text, never pickles: a cache restored from CI
is untrusted, and reading it runs no code. An entry is one identifier's answer (one
document summary, one ID Converter record, or "not found"), keyed by the service's base
URL, the kind of question and the identifier. Found answers are kept for 4 weeks and
not-found ones for a day, like Crossref's; failures are never stored. An entry that
cannot be read or written is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidencelint.verify.cache_health import BUSY_TIMEOUT_MS, CACHE_FILE, is_damage, mark_suspect

FOUND_TTL = 28 * 24 * 3600.0
NOT_FOUND_TTL = 24 * 3600.0
MAX_VALUE = 1_000_000
"""Characters of JSON kept for one answer; a real document summary is a few thousand."""
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS ncbi_answers ("
    "key TEXT PRIMARY KEY, found INTEGER NOT NULL, value TEXT NOT NULL, "
    "created REAL NOT NULL, expires REAL NOT NULL)"
)


@dataclass(frozen=True, slots=True)
class Cached:
    found: bool
    value: Any
    """The JSON value stored (None for a not-found answer)."""
    created: float
    expired: bool

    @property
    def created_on(self) -> str:
        return time.strftime("%Y-%m-%d", time.gmtime(self.created))


def cache_key(base_url: str, kind: str, identifier: str) -> str:
    return f"{base_url.rstrip('/').lower()}|{kind}|{identifier}"


class NcbiCache:
    """One connection, shared by the client's calls under a lock."""

    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self._path = folder / CACHE_FILE
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._read_only = read_only
        try:
            if read_only:
                if not self._path.is_file():
                    return
                uri = f"{self._path.absolute().as_uri()}?mode=ro"
                self._db = sqlite3.connect(
                    uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
                )
            else:
                folder.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(
                    self._path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
                )
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(_SCHEMA)
                self._db.commit()
        except sqlite3.Error as exc:
            self._trouble(exc)
            self._close()
        except OSError:  # a file where the folder should be, no permission: no cache
            self._close()

    def get(self, key: str) -> Cached | None:
        if self._db is None:
            return None
        try:
            with self._lock:
                row = self._db.execute(
                    "SELECT found, value, created, expires FROM ncbi_answers WHERE key = ?",
                    (key,),
                ).fetchone()
        except sqlite3.Error as exc:  # no table yet (read-only), busy, damaged: a miss
            self._trouble(exc)
            return None
        if row is None:
            return None
        found, value, created, expires = row
        if not isinstance(value, str) or not all(
            isinstance(v, int | float) for v in (found, created, expires)
        ):
            return None
        try:
            decoded = json.loads(value)
        except (ValueError, RecursionError):
            return None
        return Cached(bool(found), decoded, float(created), float(expires) <= time.time())

    def put(self, key: str, found: bool, value: Any) -> None:
        if self._db is None or self._read_only:
            return
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if len(text) > MAX_VALUE:
            return
        now = time.time()
        expires = now + (FOUND_TTL if found else NOT_FOUND_TTL)
        try:
            with self._lock:
                self._db.execute(
                    "INSERT OR REPLACE INTO ncbi_answers VALUES (?, ?, ?, ?, ?)",
                    (key, int(found), text, now, expires),
                )
                self._db.commit()
        except sqlite3.Error as exc:
            self._trouble(exc)

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def _trouble(self, exc: sqlite3.Error) -> None:
        if is_damage(exc):
            mark_suspect(self._path)
