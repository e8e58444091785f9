"""The standard-library reader of the answer cache, against what requests-cache wrote."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from evidencelint.verify.answers import (
    CacheMode,
    CacheReader,
    agency_url,
    answer_key,
    work_url,
)
from evidencelint.verify.cache_first import CacheFirst
from evidencelint.verify.cache_health import CACHE_FILE
from evidencelint.verify.client import ClientSettings, CrossrefClient
from tests.crossref_server import CrossrefServer
from tests.helpers import MINIMAL_PAGE, Tree

DOIS = [
    "10.1186/s40001-022-00682-3",
    "10.1002/(sici)1097-4679(200001)56:1<1::aid-jclp1>3.0.co;2-#",
    "10.1000/odd;chars:<a>#b?c[d]e%f+g",
]


def _work(doi: str) -> dict[str, Any]:
    return {"DOI": doi, "type": "journal-article", "title": [f"Work {doi}"]}


def _fill(server: CrossrefServer, cache: Path, mailto: str | None) -> None:
    for doi in DOIS:
        server.add_work(_work(doi))
    client = CrossrefClient(ClientSettings(base_url=server.url, mailto=mailto, cache_path=cache))
    try:
        for doi in DOIS:
            assert client.work(doi).status == "ok"
        assert client.work("10.1000/not-there").status == "not-found"
    finally:
        client.close()


@pytest.mark.parametrize("mailto", [None, "editor@example.org"])
def test_what_requests_cache_wrote_is_read_back(
    crossref: CrossrefServer, tmp_path: Path, mailto: str | None
) -> None:
    _fill(crossref, tmp_path, mailto)
    reader = CacheReader(tmp_path)
    try:
        for doi in DOIS:
            stored = reader.lookup(work_url(crossref.url, doi))
            assert stored is not None, doi
            assert stored.status_code == 200 and not stored.is_expired
            assert json.loads(stored.content)["message"]["DOI"] == doi
            assert stored.created_at is not None
        # The same answer however the base address is spelt.
        assert reader.lookup(work_url(crossref.url.replace("http", "HTTP") + "/", DOIS[0]))
        assert reader.lookup(work_url(crossref.url, "10.1000/never-asked")) is None
        missing = reader.lookup(work_url(crossref.url, "10.1000/not-there"))
        assert missing is not None and missing.status_code == 404 and not missing.is_expired
        assert reader.lookup(agency_url(crossref.url, DOIS[0])) is None
    finally:
        reader.close()


def test_the_key_ignores_the_contact_address_and_spelling() -> None:
    base = "https://api.crossref.org/works/10.1000%2Fx"
    assert answer_key(base) == answer_key(base + "?mailto=a%40b.org")
    assert answer_key(base) == answer_key("HTTPS://API.Crossref.org/works/10.1000%2fx")
    assert answer_key(base) == answer_key("https://api.crossref.org/works/10.1000%2F%78")
    assert answer_key(base) != answer_key("https://api.crossref.org/works/10.1000%2Fy")


def test_an_escaped_slash_is_not_a_path_separator_in_the_key() -> None:
    """The DOI `10.1000/x/agency` (one escaped segment) is not the agency route of
    `10.1000/x`: their answers must never be taken for each other."""
    escaped = "https://api.crossref.org/works/10.1000%2Fx%2Fagency"
    route = "https://api.crossref.org/works/10.1000%2Fx/agency"
    assert answer_key(escaped) != answer_key(route)
    assert answer_key(route) != answer_key("https://api.crossref.org/works/10.1000/x/agency")


def _rewrite(cache: Path, value: bytes | None = None, expires: float | None = None) -> None:
    with sqlite3.connect(cache / CACHE_FILE) as db:
        if value is not None:
            db.execute("UPDATE responses SET value = ?", (value,))
        if expires is not None:
            db.execute("UPDATE responses SET expires = ?", (int(expires),))


def test_an_expired_answer_is_marked_so(crossref: CrossrefServer, tmp_path: Path) -> None:
    _fill(crossref, tmp_path, None)
    _rewrite(tmp_path, expires=time.time() - 60)
    stored = CacheReader(tmp_path).lookup(work_url(crossref.url, DOIS[0]))
    assert stored is not None and stored.is_expired
    front = CacheFirst(crossref.url, tmp_path, CacheMode.NORMAL, _no_client)
    assert front.cached_work(DOIS[0]) is None  # expired: the service is asked
    offline = CacheFirst(crossref.url, tmp_path, CacheMode.OFFLINE, _no_client)
    answer = offline.cached_work(DOIS[0])
    assert answer is not None and answer.status == "ok" and answer.stale


class _Unfamiliar:
    pass


@pytest.mark.parametrize(
    "value",
    [b"not a pickle", pickle.dumps(_Unfamiliar()), pickle.dumps([1, 2]), pickle.dumps({})],
)
def test_a_value_it_cannot_read_is_left_to_requests_cache(
    crossref: CrossrefServer, tmp_path: Path, value: bytes
) -> None:
    _fill(crossref, tmp_path, None)
    _rewrite(tmp_path, value=value)
    assert CacheReader(tmp_path).lookup(work_url(crossref.url, DOIS[0])) is None


def test_no_cache_file_means_nothing_is_read(tmp_path: Path) -> None:
    assert CacheReader(tmp_path).lookup("http://127.0.0.1/works/10.1000/x") is None


def _no_client() -> CrossrefClient:
    raise AssertionError("the HTTP client was built")


def test_a_warm_check_neither_asks_nor_imports_the_http_stack(
    crossref: CrossrefServer, tree: Tree
) -> None:
    """What a pre-commit hook does most: every answer is cached, none is asked for, and
    requests and requests-cache are never imported."""
    crossref.add_work(_work("10.1186/s40001-022-00682-3"))
    tree.write("content/page.yaml", MINIMAL_PAGE)
    env = {**os.environ, "EVIDENCELINT_CACHE_DIR": str(tree.root / "cache")}
    command = [sys.executable, "-m", "evidencelint", "check", "content", "--today", "2026-11-21"]
    cold = subprocess.run(command, cwd=tree.root, env=env, capture_output=True, text=True)
    assert cold.returncode in (0, 1), cold.stderr
    asked = len(crossref.requests)
    assert asked >= 1

    probe = (
        "import sys, runpy\n"
        "sys.argv = ['evidencelint', 'check', 'content', '--today', '2026-11-21']\n"
        "try:\n    runpy.run_module('evidencelint', run_name='__main__')\n"
        "except SystemExit as exit:\n    code = exit.code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('requests', 'requests_cache', 'urllib3'))\n"
        "print('LOADED', loaded, 'EXIT', code, file=sys.stderr)\n"
    )
    warm = subprocess.run(
        [sys.executable, "-c", probe], cwd=tree.root, env=env, capture_output=True, text=True
    )
    assert "LOADED [] EXIT" in warm.stderr, warm.stderr
    assert warm.stdout == cold.stdout
    assert len(crossref.requests) == asked
