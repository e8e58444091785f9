"""The resident evidencelint a hook hands its commands to (opt-in: EVIDENCELINT_SERVER=1;
the client is `evidencelint.resident_client`).

    python -m evidencelint.resident SOCKET STAMP

It imports everything a check needs once, then listens on a Unix socket in a folder only
this user may enter, and accepts only this user's processes (their credentials, not the
folder alone). Each command runs in a fork of the server: the run starts from the same
pristine state every time, several hooks may run at once, and nothing a run does (its
environment, its folder, a crash) reaches the server or the next run. The fork writes to
the client's own standard streams, passed over the socket, and dies when the client
goes away (Ctrl-C). The server exits after IDLE_SECONDS without a command, or when its
socket is taken over or removed.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import os
import select
import signal
import socket
import struct
import sys
import threading
import time
from typing import NamedTuple

from evidencelint.resident_client import (
    IDLE_SECONDS,
    MAX_REQUEST,
    PROTOCOL,
    STARTED,
    code_stamp,
)


def serve(path: str, stamp: str) -> int:
    from evidencelint import cli

    gc.disable()
    cli.build_parser()
    cli._import_the_run()
    gc.freeze()
    gc.enable()
    if code_stamp() != stamp:
        return 0  # the code changed while it was imported: the next client starts another
    bound = _listen(path)
    if bound is None:
        return 0  # another server got there first
    listener, inode = bound
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    last = time.monotonic()
    try:
        while time.monotonic() - last < IDLE_SECONDS and _still_ours(path, inode):
            _reap()
            ready, _, _ = select.select([listener], [], [], 5.0)
            if not ready:
                continue
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            last = time.monotonic()
            with connection:
                if _same_user(connection) and os.fork() == 0:
                    listener.close()
                    _in_the_fork(connection)
    finally:
        listener.close()
        if _still_ours(path, inode):
            with contextlib.suppress(OSError):
                os.unlink(path)
    return 0


def _listen(path: str) -> tuple[socket.socket, int] | None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
        listener.close()
        return None  # a live server answers there
    except OSError:
        pass
    finally:
        probe.close()
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # a dead server's socket
    old = os.umask(0o077)
    try:
        listener.bind(path)
    except OSError:
        listener.close()
        return None
    finally:
        os.umask(old)
    listener.listen(16)
    return listener, os.lstat(path).st_ino


def _still_ours(path: str, inode: int) -> bool:
    """The socket file is the one this server bound: removing it stops the server."""
    try:
        return os.lstat(path).st_ino == inode
    except OSError:
        return False


def _same_user(connection: socket.socket) -> bool:
    if not hasattr(socket, "SO_PEERCRED"):
        return False
    try:
        credentials = connection.getsockopt(
            socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
        )
    except OSError:
        return False
    _, uid, _ = struct.unpack("3i", credentials)
    return bool(uid == os.getuid())


def _reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def _in_the_fork(connection: socket.socket) -> None:
    """Never returns: whatever happens, the fork ends here and never goes back to
    serving."""
    status = 2
    try:
        status = _run_one(connection)
    finally:
        os._exit(status)


def _run_one(connection: socket.socket) -> int:
    """In the fork: take the client's streams, folder and environment, say so, run the
    command and send its exit status. The fork's own exit status is not read."""
    try:
        connection.settimeout(5.0)
        size, fds = _receive_header(connection)
        request = _receive(connection, size)
        argv, cwd, umask, env, streams = decode_request(request)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(cwd)
        os.umask(umask)
        os.environ.clear()
        os.environ.update(env)
        time.tzset()
        sys.argv = ["evidencelint", *argv]
        sys.stdout, sys.stderr = (
            open(  # noqa: SIM115 - the process's streams, for as long as it lives
                fd, "w", buffering=1 if fd == 2 or os.isatty(fd) else -1,
                encoding=encoding, errors=errors, closefd=False,
            )
            for fd, (encoding, errors) in zip((1, 2), streams, strict=True)
        )  # fmt: skip
        connection.settimeout(None)
        connection.sendall(STARTED)
    except (OSError, ValueError, LookupError):
        return 2
    threading.Thread(target=_die_with_client, args=(connection,), daemon=True).start()
    status = _main(argv)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    with contextlib.suppress(OSError):
        connection.sendall(f"{status}\n".encode())
    return status


def _main(argv: list[str]) -> int:
    """cli.main, with what the interpreter would make of a SystemExit (`--help`, a usage
    error) as a process's exit status."""
    from evidencelint.cli import main

    try:
        return main(argv)
    except SystemExit as exit:
        if exit.code is None or isinstance(exit.code, int):
            return exit.code or 0
        print(exit.code, file=sys.stderr)
        return 1


def _receive_header(connection: socket.socket) -> tuple[int, list[int]]:
    header, fds, _, _ = socket.recv_fds(connection, 8, 3)
    if len(header) != 8 or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ValueError("not a request")
    size = int.from_bytes(header, "big")
    if size > MAX_REQUEST:
        raise ValueError("too large")
    return size, fds


def _receive(connection: socket.socket, size: int) -> bytes:
    chunks, received = [], 0
    while received < size:
        chunk = connection.recv(min(1 << 16, size - received))
        if not chunk:
            raise ValueError("cut short")
        chunks.append(chunk)
        received += len(chunk)
    return b"".join(chunks)


Streams = list[tuple[str, str]]
"""(encoding, errors) of the client's stdout and stderr."""


class Request(NamedTuple):
    argv: list[str]
    cwd: str
    umask: int
    env: dict[str, str]
    streams: Streams


def decode_request(raw: bytes) -> Request:
    """What resident_client.encode_request wrote; ValueError for anything else."""
    fields = raw.split(b"\0")
    if fields[0] != PROTOCOL:
        raise ValueError("another protocol")
    cwd = os.fsdecode(fields[1])
    umask = int(fields[2])
    if not 0 <= umask <= 0o777:
        raise ValueError("not a umask")
    count = int(fields[3])
    argv = [os.fsdecode(a) for a in fields[4 : 4 + count]]
    at = 4 + count
    variables = int(fields[at])
    env = {}
    for item in fields[at + 1 : at + 1 + variables]:
        name, equals, value = item.partition(b"=")
        if not equals:
            raise ValueError("a variable without a value")
        env[os.fsdecode(name)] = os.fsdecode(value)
    rest = [f.decode("ascii") for f in fields[at + 1 + variables :]]
    if len(argv) != count or len(env) > variables or len(rest) != 4:
        raise ValueError("fields missing or left over")
    for encoding, errors in (rest[:2], rest[2:]):
        codecs.lookup(encoding)
        codecs.lookup_error(errors)
    return Request(argv, cwd, umask, env, [(rest[0], rest[1]), (rest[2], rest[3])])


def _die_with_client(connection: socket.socket) -> None:
    """The client sends nothing more: end of file means it is gone (interrupted, killed),
    and so is its command."""
    try:
        while connection.recv(1):
            pass
    except OSError:
        pass
    os._exit(2)


def main() -> int:
    if len(sys.argv) != 3:
        sys.stderr.write("usage: python -m evidencelint.resident SOCKET STAMP\n")
        return 2
    return serve(sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    raise SystemExit(main())
