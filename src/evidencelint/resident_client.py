"""The hook's side of the resident process (opt-in: EVIDENCELINT_SERVER=1, read by
`evidencelint.entry`).

A command is handed, with this process's standard streams, its working folder and its
environment, to a resident evidencelint that has already imported everything
(`evidencelint.resident`); it runs the command in a forked copy of itself, writing to
these very streams, and sends back the exit status. Importing and building the content
models is most of a one-page check, and the resident process pays for it once.

Any trouble before the resident process says it has started the command (no server, a
folder or socket that is not this user's alone, a server of other code, a refusal) means
the command runs here as usual, and a server is started in the background for the next
command. This module runs before anything else and imports only what Python itself has
already loaded (no json, pathlib, socket or hashlib: each costs more than the exchange).
"""

from __future__ import annotations

import _socket
import os
import stat
import sys
import zlib

from evidencelint import __version__

PACKAGE = os.path.dirname(os.path.abspath(__file__))
PROTOCOL = b"evidencelint-resident 1"
STARTED = b"started\n"
MAX_REQUEST = 4 * 1024 * 1024
"""Bytes of a request (argv, folder, environment) the server reads."""
IDLE_SECONDS = 15 * 60
"""A server no command has used for this long exits."""
_FD_BYTES = 4  # a C int


def code_stamp() -> str:
    """Changes whenever the interpreter, the module search path, the version or any
    module of the package does (an editable install is edited in place): a server of
    other code is another socket. Unless Python runs with -P (as the server does), the
    first entry of the path is the script's folder or, for `python -m`, the working
    folder: not part of the stamp, as the server does not search it."""
    search = sys.path if sys.flags.safe_path else sys.path[1:]
    parts = [f"{__version__} {sys.executable} {PACKAGE}", *search]
    stack = [PACKAGE]
    while stack:
        with os.scandir(stack.pop()) as listing:
            for entry in sorted(listing, key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(entry.path)
                elif entry.name.endswith((".py", ".json", ".gz")):
                    info = entry.stat()
                    parts.append(f"{entry.path} {info.st_mtime_ns} {info.st_size}")
    text = "\0".join(parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}{len(parts):x}"


def private_folder() -> str | None:
    """The folder of this user's sockets, made 0700; None when it is not this user's
    alone (another user made it first, it is a link, others may enter it)."""
    base = os.environ.get("XDG_RUNTIME_DIR") or "/tmp"
    folder = os.path.join(base, f"evidencelint-{os.getuid()}")
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def socket_path(stamp: str) -> str | None:
    folder = private_folder()
    return os.path.join(folder, f"{stamp}.sock") if folder is not None else None


def run_resident(argv: list[str]) -> int | None:
    """The command's exit status from the resident process, or None: run it here. A
    server is started for the next command when none answered."""
    if not hasattr(_socket, "AF_UNIX") or not hasattr(_socket, "SCM_RIGHTS"):
        return None
    try:
        stamp = code_stamp()
        path = socket_path(stamp)
    except OSError:
        return None
    if path is None:
        return None
    connection = _connect(path)
    if connection is None:
        _start_server(path, stamp)
        return None
    try:
        return _exchange(connection, argv)
    finally:
        connection.close()


def _connect(path: str) -> _socket.socket | None:
    connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        connection.settimeout(2.0)
        connection.connect(path)
    except OSError:
        connection.close()
        return None
    return connection


def encode_request(argv: list[str]) -> bytes:
    """NUL-separated fields (no argument, path or variable can hold a NUL): the protocol,
    the folder, the umask, the arguments, the variables, then stdout's and stderr's
    encoding."""
    umask = os.umask(0o077)
    os.umask(umask)
    fields = [PROTOCOL, os.fsencode(os.getcwd()), str(umask).encode(), str(len(argv)).encode()]
    fields += [os.fsencode(a) for a in argv]
    variables = os.environb if hasattr(os, "environb") else {}
    fields.append(str(len(variables)).encode())
    fields += [k + b"=" + v for k, v in variables.items()]
    for stream in (sys.stdout, sys.stderr):
        fields += [stream.encoding.encode(), (stream.errors or "strict").encode()]
    return b"\0".join(fields)


def _exchange(connection: _socket.socket, argv: list[str]) -> int | None:
    request = encode_request(argv)
    replies = _Lines(connection)
    try:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        fds = b"".join(fd.to_bytes(_FD_BYTES, sys.byteorder) for fd in (0, 1, 2))
        rights = [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)]
        connection.sendmsg([len(request).to_bytes(8, "big")], rights)
        connection.sendall(request)
        if replies.next() != STARTED:
            return None  # refused, or gone before it began: nothing was run
    except (OSError, ValueError):
        return None
    connection.settimeout(None)  # a cold verification may take minutes
    try:
        status = replies.next()
    except KeyboardInterrupt:
        # Closing the connection ends the command too (resident._die_with_client).
        sys.stderr.write("evidencelint: interrupted\n")
        return 2
    except OSError:
        status = b""
    if not status.strip().isdigit():
        sys.stderr.write("evidencelint: the resident process stopped during the command\n")
        return 2
    return int(status)


class _Lines:
    """The server's replies, one line each (at most 64 bytes)."""

    def __init__(self, connection: _socket.socket) -> None:
        self.connection = connection
        self.pending = b""

    def next(self) -> bytes:
        while b"\n" not in self.pending and len(self.pending) < 64:
            chunk = self.connection.recv(64)
            if not chunk:
                break
            self.pending += chunk
        line, newline, self.pending = self.pending.partition(b"\n")
        return line + newline


def _start_server(path: str, stamp: str) -> None:
    """Start `python -m evidencelint.resident` detached, for the next command; this one
    does not wait for it."""
    import subprocess

    try:
        subprocess.Popen(
            [sys.executable, "-P", "-m", "evidencelint.resident", path, stamp],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd="/",
            start_new_session=True,
            close_fds=True,
        )
    except OSError:
        return  # no server this time: the command runs here all the same
