"""A real HTTP server on 127.0.0.1 that speaks NCBI's E-utilities esummary (db=pubmed,
retmode=json) and the PMC ID Converter API from fixture files.

The tool under test talks to it exactly as to eutils.ncbi.nlm.nih.gov and
pmc.ncbi.nlm.nih.gov (EVIDENCELINT_NCBI_URL points here; both paths are served). Like
NCBI, it allows 3 requests a second without an `api_key` and 10 with one, answering 429
with NCBI's JSON error body and no Retry-After beyond that. Tests script faults for
every request (`fail_all`), set latency, and read back what the server saw: requests
with their query parameters, 429s sent, and the most requests begun within any second.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.crossref_server import Action, LoopbackServer, record

FIXTURES = Path(__file__).parent / "fixtures" / "pubmed"
ESUMMARY = "/entrez/eutils/esummary.fcgi"
IDCONV = "/tools/idconv/api/v1/articles/"


class PubmedServer(LoopbackServer):
    def __init__(
        self, fixtures: Path = FIXTURES, latency: float = 0.0, enforce_limits: bool = True
    ) -> None:
        self.latency = latency
        self.enforce_limits = enforce_limits
        self.summaries: dict[str, dict[str, Any]] = {}
        self.pmc: dict[str, dict[str, Any]] = {}
        self.faults: deque[Action] = deque()
        self.fault_forever: Action | None = None
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.user_agents: list[str] = []
        self.sent_429 = 0
        self._starts: deque[float] = deque()
        self.peak_per_second = 0
        self._lock = threading.Lock()
        for path in sorted((fixtures / "summaries").glob("*.json")):
            summary = json.loads(path.read_text(encoding="utf-8"))
            self.summaries[summary["uid"]] = summary
        pmc = fixtures / "pmc.json"
        if pmc.is_file():
            for entry in json.loads(pmc.read_text(encoding="utf-8")):
                self.pmc[entry["pmcid"]] = entry
        self._listen(self._handler())

    # Set-up ----------------------------------------------------------------------------

    def add_summary(self, summary: dict[str, Any]) -> None:
        self.summaries[summary["uid"]] = summary

    def add_pmc(self, entry: dict[str, Any]) -> None:
        self.pmc[entry["pmcid"]] = entry

    def fail_next(self, actions: Iterable[Action]) -> None:
        """Answer the next requests, whatever they ask, with `actions`, then normally."""
        with self._lock:
            self.faults.extend(actions)

    def fail_all(self, action: Action | None) -> None:
        """Answer every request with `action` until called with None."""
        with self._lock:
            self.fault_forever = action

    def reset_counters(self) -> None:
        with self._lock:
            self.requests.clear()
            self.user_agents.clear()
            self.sent_429 = 0
            self.peak_per_second = 0
            self._starts.clear()

    def asked(self, path: str) -> list[dict[str, str]]:
        return [params for p, params in self.requests if p == path]

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
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            self.requests.append((parts.path, params))
            self.user_agents.append(handler.headers.get("User-Agent", ""))
            limit = 10 if params.get("api_key") else 3
            over = self._count_start(limit)
            if self.fault_forever is not None:
                action = self.fault_forever
            else:
                action = self.faults.popleft() if self.faults else record()
        try:
            if self.latency:
                time.sleep(self.latency)
            if over and self.enforce_limits:
                with self._lock:
                    self.sent_429 += 1
                body = json.dumps(
                    {
                        "error": "API rate limit exceeded",
                        "count": str(limit + 1),
                        "limit": str(limit),
                    }
                ).encode()
                self._send(handler, 429, body)
                return
            self._act(handler, action, parts.path, params)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _count_start(self, limit: int) -> bool:
        now = time.monotonic()
        self._starts.append(now)
        while self._starts and now - self._starts[0] >= 1.0:
            self._starts.popleft()
        self.peak_per_second = max(self.peak_per_second, len(self._starts))
        return len(self._starts) > limit

    def _act(
        self, handler: BaseHTTPRequestHandler, action: Action, path: str, params: dict[str, str]
    ) -> None:
        if action.kind == "delay":
            time.sleep(action.seconds)
            action = record()
        if action.kind == "status":
            self._send(handler, action.status, action.body, action.headers)
        elif action.kind == "drop":
            handler.close_connection = True
            handler.connection.shutdown(2)
        elif action.kind == "truncate":  # here: trickle a long body, a byte at a time
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            for _ in range(100000):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(0.2)
        elif action.kind == "malformed":
            self._send(handler, 200, b'{"header": {"type": "esummary"}, "result": {"uids": [')
        elif path == ESUMMARY:
            self._esummary(handler, params)
        elif path == IDCONV:
            self._idconv(handler, params)
        else:
            self._send(handler, 404, b"Not Found", {"Content-Type": "text/plain"})

    def _esummary(self, handler: BaseHTTPRequestHandler, params: dict[str, str]) -> None:
        if params.get("db") != "pubmed" or params.get("retmode") != "json":
            self._send(handler, 400, b'{"error": "unsupported"}')
            return
        uids = [u for u in params.get("id", "").split(",") if u]
        result: dict[str, Any] = {"uids": uids}
        for uid in uids:
            result[uid] = self.summaries.get(uid) or {
                "uid": uid,
                "error": "cannot get document summary",
            }
        document = {"header": {"type": "esummary", "version": "0.3"}, "result": result}
        self._send(handler, 200, json.dumps(document).encode())

    def _idconv(self, handler: BaseHTTPRequestHandler, params: dict[str, str]) -> None:
        if params.get("format") != "json":
            self._send(handler, 400, b'{"status": "error"}')
            return
        records = []
        for requested in [i for i in params.get("ids", "").split(",") if i]:
            entry = self.pmc.get(requested.upper())
            if entry is None:
                records.append(
                    {
                        "requested-id": requested,
                        "status": "error",
                        "errmsg": "Identifier not found in PMC",
                    }
                )
            else:
                records.append({"requested-id": requested, **entry})
        document = {
            "status": "ok",
            "responseDate": "2026-11-21 12:00:00",
            "request": f"ids={params.get('ids', '')};format=json",
            "records": records,
        }
        self._send(handler, 200, json.dumps(document).encode())

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        code: int,
        body: bytes,
        headers: dict[str, str] | None = None,
    ) -> None:
        handler.send_response(code)
        for name, value in (headers or {"Content-Type": "application/json"}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
