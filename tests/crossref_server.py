"""A real HTTP server on 127.0.0.1 that speaks the Crossref REST API from fixture files.

The tool under test talks to it exactly as to api.crossref.org (EVIDENCELINT_CROSSREF_URL
points here). Tests script faults per path (timeouts, 429, 5xx, dropped connections,
malformed bodies, redirects), or for every path at once (`fail_all`), set latency and
rate limits, and read back what the server saw: requests per path, peak concurrency,
429s sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "crossref"
SEARCH = "?search"
"""The request key of `/works?query.bibliographic=...` (for `script`, `count`)."""


@dataclass
class Action:
    """One scripted answer. kind: status | delay | drop | truncate | malformed | record."""

    kind: str
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def status(code: int, body: bytes = b"", **headers: str) -> Action:
    return Action(
        "status",
        status=code,
        body=body,
        headers={k.replace("_", "-"): v for k, v in headers.items()},
    )


def delay(seconds: float) -> Action:
    """Wait, then answer normally (from the fixtures)."""
    return Action("delay", seconds=seconds)


def drop() -> Action:
    """Close the connection without answering."""
    return Action("drop")


def truncate() -> Action:
    """Promise a long body, send half of it, close."""
    return Action("truncate")


def malformed() -> Action:
    return Action("malformed")


def record() -> Action:
    """Answer normally (from the fixtures)."""
    return Action("record")


class LoopbackServer:
    """An HTTP server on 127.0.0.1, on a free port, answering from a thread of its own
    between `start()` and `stop()`: what the registry stand-ins share."""

    def _listen(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class CrossrefServer(LoopbackServer):
    def __init__(
        self,
        fixtures: Path = FIXTURES,
        latency: float = 0.0,
        rate_limit: float | None = None,
        concurrency_limit: int | None = None,
        advertise: tuple[int, int] | None = (10, 3),
    ) -> None:
        self.latency = latency
        self.rate_limit = rate_limit
        self.concurrency_limit = concurrency_limit
        self.advertise = advertise
        self.works: dict[str, bytes] = {}
        self.agencies: dict[str, tuple[str, str]] = {}
        self.aliases: dict[str, str] = {}
        self.searches: list[tuple[str, bytes]] = []
        """(search terms, work-list body): `/works?query.bibliographic=Q` answers with
        the first body whose terms are in Q (case ignored), else an empty list."""
        self.scripts: dict[str, deque[Action]] = {}
        self.fault: Action | None = None
        self.fault_left: int | None = None
        self.requests: list[str] = []
        self.user_agents: list[str] = []
        self.queries: list[str] = []
        self.sent_429 = 0
        self.in_flight = 0
        self.peak_in_flight = 0
        self._answering: set[BaseHTTPRequestHandler] = set()
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()
        self._load(fixtures)
        self._listen(self._handler())

    # Set-up ----------------------------------------------------------------------------

    def _load(self, folder: Path) -> None:
        for path in sorted((folder / "works").glob("*.json")):
            body = path.read_bytes()
            doi = json.loads(body)["message"]["DOI"].lower()
            self.works[doi] = body
        agencies = folder / "agencies.json"
        if agencies.is_file():
            for doi, (agency, label) in json.loads(agencies.read_text()).items():
                self.agencies[doi.lower()] = (agency, label)
        for path in sorted((folder / "searches").glob("*.json")):
            body = path.read_bytes()
            terms = json.loads(body)["message"]["query"]["search-terms"]
            self.searches.append((terms.casefold(), body))
        aliases = folder / "aliases.json"
        if aliases.is_file():
            self.aliases.update({k.lower(): v for k, v in json.loads(aliases.read_text()).items()})

    def add_work(self, message: dict[str, Any]) -> None:
        body = json.dumps(
            {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": message}
        ).encode()
        self.works[message["DOI"].lower()] = body

    def remove_work(self, doi: str) -> None:
        self.works.pop(doi.lower(), None)

    def script(self, doi: str, actions: Iterable[Action], agency: bool = False) -> None:
        """Answer the next requests for this DOI with `actions`, then normally."""
        self.scripts[self._key(doi, agency)] = deque(actions)

    def fail_all(self, action: Action, times: int | None = None) -> None:
        """Answer the next `times` requests, whatever their path, with `action` (every
        request until `heal()` when `times` is None); scripts wait until then."""
        with self._lock:
            self.fault, self.fault_left = action, times

    def heal(self) -> None:
        with self._lock:
            self.fault, self.fault_left = None, None

    def _next_action(self, key: str) -> Action:
        if self.fault is not None and self.fault_left != 0:
            if self.fault_left is not None:
                self.fault_left -= 1
            return self.fault
        script = self.scripts.get(key)
        return script.popleft() if script else record()

    @staticmethod
    def _key(doi: str, agency: bool) -> str:
        return f"{doi.lower()}{'/agency' if agency else ''}"

    def reset_counters(self) -> None:
        with self._lock:
            self.requests.clear()
            self.user_agents.clear()
            self.queries.clear()
            self.sent_429 = 0
            self.peak_in_flight = self.in_flight

    def count(self, doi: str, agency: bool = False) -> int:
        return Counter(self.requests)[self._key(doi, agency)]

    # Serving ---------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        path = unquote(parts.path)
        agency = path.endswith("/agency")
        doi = path.removeprefix("/works/").removesuffix("/agency").lower()
        if path.rstrip("/") == "/works":
            doi = SEARCH  # scripts and counts for searches use this key
        key = self._key(doi, agency)
        with self._lock:
            self.requests.append(key)
            self.user_agents.append(handler.headers.get("User-Agent", ""))
            self.queries.append(parts.query)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            self._answering.add(handler)
            over = self._over_limit()
            action = self._next_action(key)
        try:
            if self.latency:
                time.sleep(self.latency)
            if over:
                with self._lock:
                    self.sent_429 += 1
                self._send(handler, 429, b"Too many requests")
                return
            self._act(handler, action, doi, agency)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            self._answered(handler)

    def _answered(self, handler: BaseHTTPRequestHandler) -> None:
        """A request stops being in flight when its answer goes out, not when the handler
        thread gets round to returning: by then the client may rightly have sent its next
        request, which would count as one too many."""
        with self._lock:
            if handler in self._answering:
                self._answering.discard(handler)
                self.in_flight -= 1

    def _over_limit(self) -> bool:
        now = time.monotonic()
        self._starts.append(now)
        while self._starts and now - self._starts[0] >= 1.0:
            self._starts.popleft()
        too_fast = self.rate_limit is not None and len(self._starts) > self.rate_limit
        too_many = self.concurrency_limit is not None and self.in_flight > self.concurrency_limit
        return too_fast or too_many

    def _act(self, handler: BaseHTTPRequestHandler, action: Action, doi: str, agency: bool) -> None:
        if action.kind == "delay":
            time.sleep(action.seconds)
            action = record()
        if action.kind == "status":
            self._send(handler, action.status, action.body, action.headers)
        elif action.kind == "drop":
            handler.close_connection = True
            handler.connection.shutdown(2)
        elif action.kind == "truncate":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "5000")
            handler.end_headers()
            handler.wfile.write(b'{"status":"ok","message":{"DOI":')
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(2)
        elif action.kind == "malformed":
            self._send(
                handler,
                200,
                b'{"status":"ok","message":{"DOI": "10.',
                {"Content-Type": "application/json"},
            )
        else:
            self._answer(handler, doi, agency)

    def _answer(self, handler: BaseHTTPRequestHandler, doi: str, agency: bool) -> None:
        if doi == SEARCH:
            self._search(handler)
        elif agency:
            if doi in self.works or doi in self.aliases:
                name, label = "crossref", "Crossref"
            elif doi in self.agencies:
                name, label = self.agencies[doi]
            else:
                self._send(handler, 404, b"Resource not found.", {"Content-Type": "text/plain"})
                return
            body = json.dumps(
                {
                    "status": "ok",
                    "message-type": "work-agency",
                    "message-version": "1.0.0",
                    "message": {"DOI": doi, "agency": {"id": name, "label": label}},
                }
            ).encode()
            self._send(handler, 200, body, {"Content-Type": "application/json"})
        elif doi in self.aliases:
            self._send(handler, 301, b"", {"Location": f"/works/{self.aliases[doi]}"})
        elif doi in self.works:
            self._send(handler, 200, self.works[doi], {"Content-Type": "application/json"})
        else:
            self._send(handler, 404, b"Resource not found.", {"Content-Type": "text/plain"})

    def _search(self, handler: BaseHTTPRequestHandler) -> None:
        values = parse_qs(urlsplit(handler.path).query).get("query.bibliographic", [""])
        query = " ".join(values[0].split()).casefold()
        for terms, body in self.searches:
            if terms in query:
                self._send(handler, 200, body, {"Content-Type": "application/json"})
                return
        empty = {
            "status": "ok",
            "message-type": "work-list",
            "message-version": "1.0.0",
            "message": {"facets": {}, "total-results": 0, "items": [], "items-per-page": 5},
        }
        self._send(handler, 200, json.dumps(empty).encode(), {"Content-Type": "application/json"})

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        code: int,
        body: bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        handler.send_response(code)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        if self.advertise is not None:
            handler.send_header("x-rate-limit-limit", str(self.advertise[0]))
            handler.send_header("x-rate-limit-interval", "1s")
            handler.send_header("x-concurrency-limit", str(self.advertise[1]))
        handler.send_header("Content-Length", str(len(body)))
        self._answered(handler)
        handler.end_headers()
        handler.wfile.write(body)
