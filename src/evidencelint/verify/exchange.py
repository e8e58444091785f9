"""One HTTP exchange with the registry, bounded in time and in size.

requests' timeouts bound each socket operation, not an exchange: a server that sends a
byte every second never trips a 5 s read timeout, whether it trickles the status line,
the headers or the body. Here a timer shuts the exchange's socket down when its deadline
passes, whatever the socket is waiting for, so that the exchange ends with an error
within a moment of the deadline. The body is read in chunks of decoded bytes and the
exchange stops once it exceeds `MAX_BODY` (a gzip bomb is never decoded whole).

Redirects are followed here, not by requests, and only within the registry's own
origin and API (`allowed`): an answer, and the contact address sent with each request,
never come from or go to another host.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection

MAX_BODY = 16 * 1024 * 1024
"""Decoded bytes of one answer at most: the largest Crossref records (thousands of
authors or references) are a few MB."""
CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str
    """The URL that gave the answer, after redirects."""
    redirected: bool
    response: requests.Response
    """requests' response, its content read (what the cache stores)."""


class ExchangeFailed(Exception):
    """The exchange gave no answer; `timed_out`: its deadline passed."""

    def __init__(self, reason: str, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.timed_out = timed_out


class _Deadline:
    """The sockets of one exchange, shut down when its time is up."""

    def __init__(self) -> None:
        self.expired = False
        self._closed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self._closed:
                return
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def expire(self) -> None:
        with self._lock:
            if self._closed:
                return
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()
"""The deadline of the exchange the current thread is making (requests is synchronous:
the connection is used on the thread that asked)."""


def _sent() -> None:
    on_sent: Callable[[], None] | None = getattr(_current, "on_sent", None)
    if on_sent is not None:
        on_sent()


def _watch(sock: socket.socket | None) -> None:
    deadline: _Deadline | None = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(sock)


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)  # before any TLS handshake, which a deadline must cut short too
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)  # a kept-alive connection, already connected
        super().request(*args, **kwargs)
        _sent()


class _WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)
        super().request(*args, **kwargs)
        _sent()


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS: dict[str, type[urllib3.HTTPConnectionPool]] = {"http": _HTTPPool, "https": _HTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter, on connections whose sockets an exchange's deadline can shut."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = _POOLS
        return manager


def new_session() -> requests.Session:
    session = requests.Session()
    adapter = WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def exchange(
    session: requests.Session,
    url: str,
    params: Mapping[str, str],
    *,
    until: float,
    connect_timeout: float,
    read_timeout: float,
    allowed: Callable[[str], bool],
    max_redirects: int,
    on_sent: Callable[[], None] | None = None,
) -> Answer:
    """GET `url` and read the answer, all before `until` (time.monotonic()), following
    at most `max_redirects` redirects to URLs `allowed` accepts; `on_sent` is called once
    each request has been written. Raises ExchangeFailed, or requests.RequestException
    for a failure of the connection."""
    deadline = _Deadline()
    timer = threading.Timer(max(0.0, until - time.monotonic()), deadline.expire)
    timer.daemon = True
    _current.deadline = deadline
    _current.on_sent = on_sent
    timer.start()
    try:
        return _follow(
            session, url, params, until, connect_timeout, read_timeout, allowed, max_redirects
        )
    except requests.RequestException as exc:
        if deadline.expired:
            raise ExchangeFailed("timed out", timed_out=True) from exc
        raise
    finally:
        timer.cancel()
        deadline.close()
        _current.deadline = None
        _current.on_sent = None


def _follow(
    session: requests.Session,
    url: str,
    params: Mapping[str, str],
    until: float,
    connect_timeout: float,
    read_timeout: float,
    allowed: Callable[[str], bool],
    max_redirects: int,
) -> Answer:
    current, query = url, dict(params)
    for hops in range(max_redirects + 1):
        left = until - time.monotonic()
        if left <= 0:
            raise ExchangeFailed("timed out", timed_out=True)
        response = session.get(
            current,
            params=query,
            timeout=(min(connect_timeout, left), min(read_timeout, left)),
            allow_redirects=False,
            stream=True,
        )
        try:
            if response.is_redirect:
                target = urljoin(response.url, response.headers.get("location", ""))
                if not allowed(target):
                    raise ExchangeFailed(f"the service redirected to {_origin(target)}")
                # The contact address goes with the first request only: Crossref's
                # Location carries what the next request needs.
                current, query = target, {}
                continue
            body = _read(response)
            response._content = body
            response._content_consumed = True  # type: ignore[attr-defined]
            return Answer(
                response.status_code,
                response.headers,
                body,
                response.url,
                redirected=hops > 0,
                response=response,
            )
        finally:
            response.close()
    raise ExchangeFailed("redirect loop")


def _read(response: requests.Response) -> bytes:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY:
        raise ExchangeFailed(f"the answer was larger than {MAX_BODY // (1024 * 1024)} MB")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_content(CHUNK):
        size += len(chunk)
        if size > MAX_BODY:
            raise ExchangeFailed(f"the answer was larger than {MAX_BODY // (1024 * 1024)} MB")
        chunks.append(chunk)
    return b"".join(chunks)


def _origin(url: str) -> str:
    """Where a refused redirect led, in characters that are safe to print."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    if not origin or not _PRINTABLE.fullmatch(origin):
        return "an address outside the registry"
    return f"{origin} (outside the registry)"


_PRINTABLE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9.:\[\]-]{1,255}")
