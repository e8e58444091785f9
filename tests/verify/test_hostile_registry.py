"""Attacks from the registry side, through the real command (`python -m evidencelint`):
answers that are not provably Crossref's for the cited DOI, caches that would run code,
answers that never end or never stop growing, rate-limit headers meant to crash or
stall the run, and settings that would silently switch verification off.

Every test here failed before the fix it guards. The promise under test: a verdict only
from an answer that is Crossref's own for exactly the cited DOI, `doi-unverified`
otherwise; no code run from a cache; every run ends within its budget.
"""

from __future__ import annotations

import json
import os
import pickle
import socket
import sqlite3
import sys
import threading
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from evidencelint.verify.answers import answer_key, work_url
from evidencelint.verify.cache_health import CACHE_FILE
from tests.cli_runs import STARTUP, Run, run
from tests.crossref_server import CrossrefServer, status
from tests.end_to_end.test_faults import page, work
from tests.helpers import Tree
from tests.hostile_server import HostileServer, answer, trickle

CITED = "10.1000/hostile.cited"
OTHER = "10.1000/hostile.other"


def names(result: Run, doi: str = CITED) -> set[str]:
    return {f["name"] for f in result.findings if f["doi"] == doi}


def cache_folder() -> Path:
    return Path(os.environ["EVIDENCELINT_CACHE_DIR"])


def retracted(doi: str) -> dict[str, Any]:
    message = work(doi)
    message["updated-by"] = [
        {
            "DOI": "10.1000/hostile.notice",
            "type": "retraction",
            "label": "Retraction",
            "source": "publisher",
            "updated": {"date-parts": [[2025, 7, 26]]},
        }
    ]
    return message


def body_of(message: dict[str, Any], kind: str = "work") -> bytes:
    return json.dumps({"status": "ok", "message-type": kind, "message": message}).encode()


@pytest.fixture
def one_page(tree: Tree) -> Tree:
    tree.write("content/p.yaml", page("p", [CITED]))
    return tree


# --- DOIs that would make the URL name something else ----------------------------------


@pytest.mark.parametrize(
    "doi",
    [f"{CITED}/agency", f"10.9999/never-registered/../../../works/{CITED}", f"{CITED}/./x"],
    ids=["agency-suffix", "dot-dot-segments", "dot-segment"],
)
def test_a_doi_spelt_as_another_route_is_invalid_and_never_asked(
    tree: Tree, crossref: CrossrefServer, doi: str
) -> None:
    crossref.add_work(work(CITED))
    tree.write("content/p.yaml", page("p", [doi]))
    result = run(tree.root)
    assert {f["name"] for f in result.findings} == {"doi-invalid"}, result.findings
    assert crossref.requests == []


def test_each_doi_is_one_escaped_path_segment(one_page: Tree) -> None:
    """The DOI's slash is sent as %2F: no part of a DOI is ever a segment of the path
    that an HTTP stack or a proxy could collapse or route."""
    server = HostileServer(lambda path, c: answer(c, "404 Not Found", b"Resource not found."))
    try:
        run(one_page.root, EVIDENCELINT_CROSSREF_URL=server.url)
    finally:
        server.stop()
    assert server.paths[0].split("?")[0] == "/works/10.1000%2Fhostile.cited", server.paths


# --- answers that are not the cited DOI's ------------------------------------------------


def test_a_record_of_another_doi_is_no_verdict_on_the_cited_one(
    one_page: Tree, crossref: CrossrefServer
) -> None:
    """/works/CITED answers with OTHER's record, retracted: the retraction is not blamed on
    CITED, and the answer is not cached."""
    crossref.script(CITED, [status(200, body_of(retracted(OTHER)))] * 10)
    result = run(one_page.root)
    assert names(result) == {"doi-unverified"}, result.findings
    assert "record of another DOI" in result.findings[0]["message"]
    crossref.scripts.clear()
    crossref.add_work(work(CITED))
    assert names(run(one_page.root)) == set()  # asked again: nothing was kept


def test_an_agency_answer_is_never_taken_for_a_work(
    one_page: Tree, crossref: CrossrefServer
) -> None:
    agency = {"DOI": CITED, "agency": {"id": "crossref", "label": "Crossref"}}
    crossref.script(CITED, [status(200, body_of(agency, "work-agency"))] * 10)
    result = run(one_page.root)
    assert names(result) == {"doi-unverified"}, result.findings


def test_an_alias_redirected_within_the_registry_is_still_verified(
    tree: Tree, crossref: CrossrefServer
) -> None:
    """The legitimate exception: Crossref redirects an alias DOI to its canonical one."""
    crossref.add_work(work(OTHER))
    crossref.aliases[CITED] = OTHER
    tree.write("content/p.yaml", page("p", [CITED]).replace("trial cited", "trial other"))
    result = run(tree.root)
    assert names(result) == set(), result.findings


# --- 404s that are not Crossref's --------------------------------------------------------


NOT_CROSSREF_404 = {
    "html": (b"<html><body><h1>404 Not Found</h1><hr>nginx</body></html>", "text/html"),
    "plain": (b"Not Found", "text/plain"),
    "crossref-words-as-html": (b"Resource not found.", "text/html"),
}


@pytest.mark.parametrize("kind", list(NOT_CROSSREF_404))
def test_a_404_that_is_not_crossrefs_is_unverified_and_not_cached(
    one_page: Tree, crossref: CrossrefServer, kind: str
) -> None:
    body, content_type = NOT_CROSSREF_404[kind]
    crossref.fail_all(status(404, body, Content_Type=content_type))
    result = run(one_page.root)
    assert names(result) == {"doi-unverified"}, result.findings
    assert crossref.count(CITED, agency=True) == 0  # no verdict to confirm
    crossref.heal()
    crossref.add_work(work(CITED))
    assert names(run(one_page.root)) == set()  # nothing was cached


def test_a_mirror_on_a_wrong_base_path_is_unverified(one_page: Tree) -> None:
    """A proxy whose base path is wrong answers its own 404 for every URL."""
    nginx = NOT_CROSSREF_404["html"][0]
    server = HostileServer(
        lambda p, c: answer(c, "404 Not Found", nginx, {"Content-Type": "text/html"})
    )
    try:
        result = run(one_page.root, EVIDENCELINT_CROSSREF_URL=f"{server.url}/wrong/base")
    finally:
        server.stop()
    assert names(result) == {"doi-unverified"}, result.findings


def test_a_404_reached_through_a_redirect_is_not_a_verdict_and_not_kept(
    one_page: Tree, crossref: CrossrefServer
) -> None:
    crossref.aliases[CITED] = "10.1000/hostile.gone"
    result = run(one_page.root)
    assert names(result) == {"doi-unverified"}, result.findings
    crossref.aliases.clear()
    crossref.add_work(work(CITED))
    assert names(run(one_page.root)) == set()  # asked again, not 'not found' for weeks


# --- redirects to another host -----------------------------------------------------------


def test_a_redirect_to_another_host_is_not_followed_and_gets_no_contact_address(
    one_page: Tree, crossref: CrossrefServer
) -> None:
    elsewhere = CrossrefServer().start()
    try:
        elsewhere.add_work(retracted(CITED))
        location = f"{elsewhere.url}/works/{CITED}"
        crossref.script(CITED, [status(301, Location=location)] * 10)
        result = run(one_page.root, EVIDENCELINT_MAILTO="editor@example.org")
        assert names(result) == {"doi-unverified"}, result.findings
        assert "outside the registry" in result.findings[0]["message"]
        assert elsewhere.requests == []
    finally:
        elsewhere.stop()


# --- caches that would run code ----------------------------------------------------------


class _RunsCode:
    """Unpickled, writes a marker file: what a hostile cache row would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (self.marker, "code ran"))


def _plant(server_url: str, value: bytes) -> None:
    """Replace the cached answer for CITED with `value`, as a restored cache could."""
    key = answer_key(work_url(server_url, CITED))
    with sqlite3.connect(cache_folder() / CACHE_FILE) as db:
        updated = db.execute("UPDATE responses SET value = ? WHERE key = ?", (value, key))
        assert updated.rowcount == 1


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_a_pickled_cache_row_never_runs_code(
    one_page: Tree, crossref: CrossrefServer, tmp_path: Path, offline: bool
) -> None:
    crossref.add_work(work(CITED))
    assert names(run(one_page.root)) == set()  # the cache holds CITED's answer
    marker = tmp_path / "pwned"
    _plant(crossref.url, pickle.dumps(_RunsCode(marker)))
    crossref.reset_counters()
    result = run(one_page.root, *(["--offline"] if offline else []))
    assert not marker.exists(), "a cache row ran code"
    if offline:  # treated as missing
        assert names(result) == {"doi-unverified"}, result.findings
        assert crossref.requests == []
    else:  # treated as missing, fetched again and stored anew
        assert names(result) == set(), result.findings
        assert crossref.requests == [CITED]
        crossref.reset_counters()
        assert names(run(one_page.root)) == set()
        assert crossref.requests == []


@pytest.mark.parametrize(
    "value",
    [pickle.dumps(5), b"[1, 2]", b'{"status_code": 200, "_content": null}', b"\x80\x04garbage"],
    ids=["pickle-of-a-number", "json-list", "json-without-a-body", "bytes"],
)
def test_a_cache_row_that_is_no_answer_is_fetched_again(
    one_page: Tree, crossref: CrossrefServer, value: bytes
) -> None:
    """Not doi-unverified for ever: the row counts as absent, the DOI is asked again."""
    crossref.add_work(work(CITED))
    run(one_page.root)
    _plant(crossref.url, value)
    crossref.reset_counters()
    result = run(one_page.root)
    assert names(result) == set(), result.findings
    assert crossref.requests == [CITED]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_in_place_of_the_cache_file_is_set_aside_not_waited_on(
    one_page: Tree, crossref: CrossrefServer
) -> None:
    crossref.add_work(work(CITED))
    cache_folder().mkdir(parents=True)
    os.mkfifo(cache_folder() / CACHE_FILE)
    result = run(one_page.root)
    assert names(result) == set(), result.findings
    assert "not a regular file" in result.stderr
    assert (cache_folder() / CACHE_FILE).is_file()  # a new cache in its place


# --- answers that never end or never stop growing ----------------------------------------


DEADLINE = 2.0


def _hostile_run(tree: Tree, respond: Any) -> tuple[Run, HostileServer]:
    server = HostileServer(respond)
    try:
        result = run(
            tree.root,
            timeout=DEADLINE,
            budget=STARTUP + DEADLINE + 1,
            EVIDENCELINT_CROSSREF_URL=server.url,
        )
    finally:
        server.stop()
    return result, server


def test_a_body_trickled_byte_by_byte_is_cut_at_the_deadline(one_page: Tree) -> None:
    body = body_of(work(CITED))

    def respond(path: str, connection: socket.socket) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
        connection.sendall(head.encode() + b"\r\n\r\n")
        trickle(connection, body, 0.1, server_stop)

    server_stop = threading.Event()
    try:
        result, _ = _hostile_run(one_page, respond)
    finally:
        server_stop.set()
    assert names(result) == {"doi-unverified"}, result.findings
    assert "did not answer in time" in result.findings[0]["message"]


def test_headers_trickled_byte_by_byte_are_cut_at_the_deadline(one_page: Tree) -> None:
    head = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 500 + b"\r\n"

    def respond(path: str, connection: socket.socket) -> None:
        trickle(connection, head, 0.1, server_stop)

    server_stop = threading.Event()
    try:
        result, _ = _hostile_run(one_page, respond)
    finally:
        server_stop.set()
    assert names(result) == {"doi-unverified"}, result.findings


def test_a_gzip_bomb_is_stopped_at_the_size_cap(one_page: Tree) -> None:
    """300 MB of zeros in 300 KB of gzip: the body is read in decoded chunks and the
    answer refused past MAX_BODY, not decoded whole."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip format
    zeros = b"\0" * (1024 * 1024)
    bomb = b"".join(packer.compress(zeros) for _ in range(300)) + packer.flush()

    def respond(path: str, connection: socket.socket) -> None:
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        answer(connection, "200 OK", bomb, headers)

    resource: Any = None
    if sys.platform != "win32":
        import resource
    peak = (lambda: resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) if resource else None
    before = peak() if peak else 0
    result, _ = _hostile_run(one_page, respond)
    assert names(result) == {"doi-unverified"}, result.findings
    assert "larger than" in result.findings[0]["message"]
    after = peak() if peak else 0
    if after > before:  # the peak of this child (the children's peak only ever grows)
        assert after < 250 * 1024, f"peak {after // 1024} MB"  # ru_maxrss: KB on Linux


# --- rate-limit headers meant to crash or stall the run ----------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"x-rate-limit-limit": "inf", "x-rate-limit-interval": "1s"},
        {"x-rate-limit-limit": "0", "x-rate-limit-interval": "1s"},
        {"x-rate-limit-limit": "-5", "x-rate-limit-interval": "0s"},
        {"x-rate-limit-limit": "garbage", "x-concurrency-limit": "inf"},
        {"x-rate-limit-limit": "50", "x-rate-limit-interval": "100000s"},
        {"x-rate-limit-limit": "1e400", "x-concurrency-limit": "-3"},
    ],
    ids=["inf", "zero", "negative", "garbage", "huge-interval", "overflow"],
)
def test_hostile_rate_limit_headers_neither_crash_nor_stall_the_run(
    tree: Tree, headers: dict[str, str]
) -> None:
    dois = [f"10.1000/hostile.rate.{n}" for n in range(4)]
    tree.write("content/p.yaml", page("p", dois))
    records = {f"/works/{doi}": body_of(work(doi)) for doi in dois}

    def respond(path: str, connection: socket.socket) -> None:
        body = records.get(unquote(path))
        if body is None:
            answer(connection, "404 Not Found", b"Resource not found.")
        else:
            answer(connection, "200 OK", body, {"Content-Type": "application/json", **headers})

    server = HostileServer(respond)
    try:
        # Spaced at no less than one request a second, four DOIs take a few seconds.
        result = run(tree.root, budget=STARTUP + 6, EVIDENCELINT_CROSSREF_URL=server.url)
    finally:
        server.stop()
    assert result.findings == [], result.findings
    assert len(server.paths) == len(dois)


# --- settings that would silently switch verification off --------------------------------


@pytest.mark.parametrize(
    "url", ["api.crossref.org", "127.0.0.1:8080", "ftp://127.0.0.1/", "http://"]
)
def test_a_crossref_url_that_is_no_http_address_stops_the_command(one_page: Tree, url: str) -> None:
    import subprocess

    from tests.cli_runs import command, environment

    done = subprocess.run(
        command(),
        cwd=one_page.root,
        env=environment(EVIDENCELINT_CROSSREF_URL=url),
        capture_output=True,
        text=True,
        timeout=STARTUP + 30,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "EVIDENCELINT_CROSSREF_URL must be an http:// or https:// address" in done.stderr


def test_a_crossref_url_in_the_configuration_without_a_scheme_stops_the_command(
    one_page: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    from tests.cli_runs import command, environment

    (one_page.root / "evidencelint.toml").write_text('crossref_url = "api.crossref.org"\n')
    env = environment()
    env.pop("EVIDENCELINT_CROSSREF_URL", None)
    done = subprocess.run(
        command(), cwd=one_page.root, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "`crossref_url` must be an http:// or https:// address" in done.stderr
