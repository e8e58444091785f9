"""Many processes, one cache folder; and a cache file that is damaged.

Eight `evidencelint check` processes started together share one cache folder (as parallel
pre-commit hooks and CI jobs do), on a cold cache and then a warm one: each must report
exactly what a single process reports, print nothing on stderr (no "database is
locked", no traceback), and leave a cache holding each answer once, all loadable.

A damaged cache file (random bytes, a real one cut in half, the SQLite header over
garbage, a directory in its place, a page damaged deep inside) is moved aside next to the
original, named in one warning line, and rebuilt; the findings stay right and nothing
crashes.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from evidencelint.verify.cache_health import CACHE_FILE
from tests.cli_runs import STARTUP, Run, finish, run, start
from tests.crossref_server import CrossrefServer
from tests.end_to_end.test_faults import (
    DOIS,
    MISSING,
    TRUTH,
    cache_file,
    stored,
    verdicts,
    write_content,
)
from tests.helpers import Tree

PROCESSES = 8
CROWD = STARTUP * PROCESSES / 2
"""Seconds for eight processes to start and finish on two cores."""


@pytest.fixture
def served(tree: Tree, crossref: CrossrefServer) -> CrossrefServer:
    write_content(tree, crossref)
    return crossref


def together(root: Path, *options: str) -> list[Run]:
    started = time.monotonic()
    processes = [start(root, *options) for _ in range(PROCESSES)]
    return [finish(process, started, CROWD) for process in processes]


def assert_once_each(cache: Path) -> None:
    """Every DOI's answer stored exactly once, and the agency's for the missing one."""
    counts = Counter(stored(cache))
    expected = {doi: 1 for doi in DOIS} | {f"{MISSING}/agency": 1}
    assert counts == expected


# --- eight processes, one cache ---------------------------------------------------------


def test_eight_processes_share_one_cache_cold_then_warm(
    tree: Tree, served: CrossrefServer, tmp_path: Path
) -> None:
    alone = run(tree.root, EVIDENCELINT_CACHE_DIR=str(tmp_path / "alone"))
    assert verdicts(alone.findings) == TRUTH
    cache = cache_file()
    for warmth in ("cold", "warm"):
        served.reset_counters()
        for result in together(tree.root):
            assert (result.code, result.findings) == (alone.code, alone.findings), warmth
            assert result.stderr == "", warmth
        assert_once_each(cache)
        if warmth == "cold":
            assert len(served.requests) >= len(DOIS) + 1
    assert served.requests == []  # the warm crowd answered everything from the cache
    offline = run(tree.root, "--offline")
    assert (offline.code, offline.findings) == (alone.code, alone.findings)


# --- a damaged cache --------------------------------------------------------------------


def random_bytes(cache: Path) -> None:
    cache.write_bytes(os.urandom(64 * 1024))


def cut_in_half(cache: Path) -> None:
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) // 2])


def header_over_garbage(cache: Path) -> None:
    data = cache.read_bytes()
    cache.write_bytes(data[:100] + os.urandom(len(data) - 100))


def directory(cache: Path) -> None:
    cache.unlink()
    cache.mkdir()
    (cache / "kept.txt").write_text("whatever was here is kept")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "random-bytes": random_bytes,
    "cut-in-half": cut_in_half,
    "header-over-garbage": header_over_garbage,
    "directory": directory,
}


def warm_cache(root: Path) -> Path:
    """A real cache, every connection closed (no -wal left beside it)."""
    assert verdicts(run(root).findings) == TRUTH
    cache = cache_file()
    assert not cache.with_name(CACHE_FILE + "-wal").exists()
    return cache


def snapshot(path: Path) -> bytes | list[str]:
    if path.is_dir():
        return sorted(p.name for p in path.iterdir())
    return path.read_bytes()


def set_aside(cache: Path) -> list[Path]:
    """The damaged files moved aside, without the -wal and -shm files moved with them
    (a warm run leaves those beside a cache in WAL mode)."""
    return sorted(
        p
        for p in cache.parent.glob(f"{CACHE_FILE}.corrupt-*")
        if not p.name.endswith(("-wal", "-shm", "-journal"))
    )


def assert_one_warning(stderr: str, cache: Path) -> Path:
    """One line on stderr, naming the damaged file and where it went; where it went."""
    (aside,) = set_aside(cache)
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith("evidencelint: warning:"), stderr
    assert str(cache) in stderr and str(aside) in stderr, stderr
    return aside


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_a_damaged_cache_is_set_aside_with_one_warning_and_rebuilt(
    tree: Tree, served: CrossrefServer, damage: str
) -> None:
    cache = warm_cache(tree.root)
    DAMAGE[damage](cache)
    before = snapshot(cache)
    served.reset_counters()
    result = run(tree.root)
    assert verdicts(result.findings) == TRUTH
    assert result.code == 1
    aside = assert_one_warning(result.stderr, cache)
    assert snapshot(aside) == before  # nothing is lost
    assert len(served.requests) == len(DOIS) + 1  # asked again: the old answers are gone
    assert_once_each(cache)
    served.reset_counters()
    again = run(tree.root)
    assert (again.findings, again.stderr, served.requests) == (result.findings, "", [])


def test_an_empty_cache_file_is_a_new_cache_not_damage(tree: Tree, served: CrossrefServer) -> None:
    """A zero-byte file is how SQLite starts every database (and what a process sees
    while another one is creating the cache): it is used, not moved aside."""
    cache = cache_file()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"")
    result = run(tree.root)
    assert (verdicts(result.findings), result.stderr) == (TRUTH, "")
    assert set_aside(cache) == []
    assert_once_each(cache)


def damage_a_page_inside(cache: Path) -> None:
    """Garbage over the first leaf page of the answers table: the start-up probe reads
    only the last page of each tree, so this is found while reading."""
    with contextlib.closing(sqlite3.connect(cache)) as db:
        try:
            (page,) = db.execute(
                "SELECT pageno FROM dbstat WHERE name = 'responses' AND pagetype = 'leaf' "
                "ORDER BY path LIMIT 1"
            ).fetchone()
        except sqlite3.OperationalError:
            pytest.skip("this SQLite has no dbstat table to find a page with")
        (size,) = db.execute("PRAGMA page_size").fetchone()
    with cache.open("r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(os.urandom(size))


def test_damage_found_mid_run_is_a_cache_miss_then_set_aside_at_the_next_start(
    tree: Tree, served: CrossrefServer
) -> None:
    cache = warm_cache(tree.root)
    damage_a_page_inside(cache)
    served.reset_counters()
    first = run(tree.root)
    assert verdicts(first.findings) == TRUTH  # what could not be read was asked again
    assert first.stderr == ""
    assert 0 < len(served.requests) <= len(DOIS) + 1
    assert cache.with_name(CACHE_FILE + ".suspect").exists()
    second = run(tree.root)
    assert verdicts(second.findings) == TRUTH
    assert_one_warning(second.stderr, cache)
    assert_once_each(cache)


def test_eight_processes_on_a_damaged_cache_set_it_aside_once(
    tree: Tree, served: CrossrefServer
) -> None:
    cache = warm_cache(tree.root)
    header_over_garbage(cache)
    results = together(tree.root)
    for result in results:
        assert verdicts(result.findings) == TRUTH
    warnings = [r.stderr for r in results if r.stderr]
    assert len(warnings) == 1, warnings
    assert_one_warning(warnings[0], cache)
    assert_once_each(cache)
