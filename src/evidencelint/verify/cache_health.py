"""Is the cache file sound? A damaged one is moved aside so that a new one is built.

A damaged file never stops a run. It is found when a command starts, by a probe that
reads the schema and the last page of every table and index (a fraction of a
millisecond, whatever the size of the file): that finds a file that is not a database, a
garbled first page and a truncated file. Damage deeper in the file is met while reading
or writing an answer; the cache then leaves a marker (`<file>.suspect`), and the next
start runs SQLite's full `quick_check` (a few ms per MB) instead of the probe.

This module needs only sqlite3: it runs before, and without, requests-cache.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

CACHE_FILE = "crossref.sqlite"
SUSPECT = ".suspect"
"""Suffix of the marker left when damage was met mid-run."""
BUSY_TIMEOUT_MS = 30_000
_DAMAGE = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})
_COMPANIONS = ("-wal", "-shm", "-journal")


def set_aside_if_damaged(folder: Path) -> Path | None:
    """Move a damaged cache file (with its -wal and -shm) aside, under a new name next
    to it; return that name, or None when the cache is sound or absent.

    A suspected file is checked again under a lock before it is moved: several processes
    may find the same damage, and only one may move it (the others then find the new,
    sound file). Raises OSError when the file cannot be moved.
    """
    path = folder / CACHE_FILE
    if _sound(path):
        return None
    with _repair_lock(path):
        if _sound(path):
            return None
        return _move_aside(path)


def irregular(folder: Path) -> Path | None:
    """The cache file or one of its companions when it is not a regular file (a FIFO, a
    device, a link to one): SQLite would block on it or read it without end."""
    path = folder / CACHE_FILE
    for candidate in (path, *(path.with_name(path.name + s) for s in _COMPANIONS)):
        if (candidate.exists() or candidate.is_symlink()) and not candidate.is_file():
            return candidate
    return None


def is_damage(exc: sqlite3.Error) -> bool:
    """The file is damaged (as opposed to busy, read-only or missing)."""
    return getattr(exc, "sqlite_errorname", "") in _DAMAGE or type(exc) is sqlite3.DatabaseError


def mark_suspect(path: Path) -> None:
    with contextlib.suppress(OSError):
        _marker(path).touch()


def _sound(path: Path) -> bool:
    if irregular(path.parent) is not None:
        return False
    if not path.exists():
        return True
    marker = _marker(path)
    thorough = marker.exists()
    try:
        with contextlib.closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)) as db:
            _probe(db, thorough)
    except sqlite3.Error as exc:
        return not is_damage(exc)
    if thorough:
        with contextlib.suppress(OSError):
            marker.unlink()
    return True


def _probe(db: sqlite3.Connection, thorough: bool) -> None:
    """Raise sqlite3.DatabaseError if the database is damaged."""
    if thorough:
        result = db.execute("PRAGMA quick_check").fetchall()
        if result != [("ok",)]:
            raise sqlite3.DatabaseError(f"quick_check: {result[:3]}")
        return
    rows = db.execute("SELECT type, name, tbl_name FROM sqlite_master").fetchall()
    for kind, name, table in rows:
        if kind == "table" and name == table and not name.startswith("sqlite_"):
            db.execute(f'SELECT max(rowid) FROM "{name}"').fetchall()
        elif kind == "index" and name == "expires_idx":
            db.execute(f'SELECT max(expires) FROM "{table}"').fetchall()
        elif kind == "index" and name.startswith("sqlite_autoindex_"):
            db.execute(f'SELECT max(key) FROM "{table}"').fetchall()


def _marker(path: Path) -> Path:
    return path.with_name(path.name + SUSPECT)


def _move_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    number = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{number}")
        number += 1
    if path.exists() or path.is_symlink():
        path.rename(aside)
    for suffix in _COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists() or companion.is_symlink():
            companion.rename(aside.with_name(aside.name + suffix))
    with contextlib.suppress(OSError):
        _marker(path).unlink()
    return aside


@contextlib.contextmanager
def _repair_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `<file>.lock`, held while a damaged file is moved aside."""
    with path.with_name(path.name + ".lock").open("a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield  # closing the file releases the lock
