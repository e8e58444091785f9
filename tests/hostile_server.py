"""A loopback server that misbehaves at the level of bytes on the wire.

tests/crossref_server.py speaks well-formed HTTP; the attacks here need what it cannot
send: a status line or headers trickled a byte at a time, a body that never ends, a
gzip bomb, a server that accepts connections and never says a word. Each connection is
served by `respond(path, connection)`, which writes whatever it likes.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from urllib.parse import urlsplit

Respond = Callable[[str, socket.socket], None]


class HostileServer:
    def __init__(self, respond: Respond | None = None) -> None:
        """`respond` None: connections are accepted (by the kernel) and never read from
        or answered."""
        self.respond = respond
        self.paths: list[str] = []
        """The raw request paths, as sent (percent-escapes kept)."""
        self.stopped = threading.Event()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._lock = threading.Lock()
        self._connections: list[socket.socket] = []
        if respond is not None:
            threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.stopped.set()
        with contextlib.suppress(OSError):
            self._sock.close()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.close()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self._connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        try:
            with connection:
                while not self.stopped.is_set():
                    head = _read_head(connection)
                    if head is None:
                        return
                    path = head.split(b" ", 2)[1].decode("latin-1")
                    with self._lock:
                        self.paths.append(path)
                    assert self.respond is not None
                    self.respond(urlsplit(path).path, connection)
        except OSError:
            pass


def _read_head(connection: socket.socket) -> bytes | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(4096)
        if not chunk:
            return None
        data += chunk
    return data


def trickle(connection: socket.socket, data: bytes, every: float, stop: threading.Event) -> None:
    """Send `data` one byte every `every` seconds (until the server stops)."""
    for byte in data:
        if stop.wait(every):
            return
        connection.sendall(bytes([byte]))


def answer(
    connection: socket.socket, status: str, body: bytes, headers: dict[str, str] | None = None
) -> None:
    lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
