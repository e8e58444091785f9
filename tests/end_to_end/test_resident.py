"""The opt-in resident process (EVIDENCELINT_SERVER=1): a command it runs gives what the
command gives run here, byte for byte, on the same streams; any trouble before it starts
a command means the command runs here."""

from __future__ import annotations

import os
import pty
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidencelint import resident_client
from tests.helpers import MINIMAL_PAGE, Tree

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="Unix sockets only")

BROKEN_PAGE = MINIMAL_PAGE.replace("status: published", "status: publishd")


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Path]:
    """A runtime folder of the test's own. Removing the socket folder stops its servers,
    and one still starting finds nowhere to listen."""
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    yield folder
    for sockets in folder.glob("evidencelint-*"):
        shutil.rmtree(sockets)


def _env(runtime: Path, server: bool = True, **extra: str) -> dict[str, str]:
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), **extra)
    env.pop("EVIDENCELINT_SERVER", None)
    if server:
        env["EVIDENCELINT_SERVER"] = "1"
    return env


def _check(
    tree: Tree, env: dict[str, str], *arguments: str, python: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[bytes]:
    command = [sys.executable, *python, "-m", "evidencelint", *arguments]
    return subprocess.run(command, cwd=tree.root, env=env, capture_output=True, timeout=60)


def _served(tree: Tree, env: dict[str, str], *arguments: str) -> bool:
    """Whether the command was handed over: a client that does the work imports the CLI."""
    done = _check(tree, env, *arguments, python=("-X", "importtime"))
    return b"evidencelint.cli" not in done.stderr


def _wait_for_server(runtime: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if any(runtime.glob("evidencelint-*/*.sock")):
            return
        time.sleep(0.05)
    raise AssertionError("no server started")


def _tree(tree: Tree) -> None:
    tree.write("content/good.yaml", MINIMAL_PAGE)
    tree.write("content/broken.yaml", BROKEN_PAGE)


CHECK = ("check", "content", "--offline", "--today", "2026-11-21")


def test_a_served_command_gives_what_it_gives_here(tree: Tree, runtime: Path) -> None:
    _tree(tree)
    here = [
        _check(tree, _env(runtime, server=False), *CHECK, *f) for f in (("--format", "json"), ())
    ]
    first = _check(tree, _env(runtime), *CHECK, "--format", "json")  # no server yet: here
    assert (first.returncode, first.stdout, first.stderr) == (
        here[0].returncode,
        here[0].stdout,
        here[0].stderr,
    )
    _wait_for_server(runtime)
    assert _served(tree, _env(runtime), *CHECK)
    for options, expected in zip((("--format", "json"), ()), here, strict=True):
        served = _check(tree, _env(runtime), *CHECK, *options)
        assert served.returncode == expected.returncode == 1
        assert served.stdout == expected.stdout
        assert served.stderr == expected.stderr
        assert b"status" in served.stdout


def test_usage_errors_help_and_the_version_come_back_as_they_do_here(
    tree: Tree, runtime: Path
) -> None:
    _tree(tree)
    _check(tree, _env(runtime), "--version")
    _wait_for_server(runtime)
    for arguments in (("check", "--bogus"), ("--version",), ("check", "--help"), ("rules",)):
        here = _check(tree, _env(runtime, server=False), *arguments)
        served = _check(tree, _env(runtime), *arguments)
        assert (served.returncode, served.stdout, served.stderr) == (
            here.returncode,
            here.stdout,
            here.stderr,
        ), arguments
    assert _served(tree, _env(runtime), "--version")


def _on_a_terminal(tree: Tree, env: dict[str, str]) -> bytes:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "evidencelint", *CHECK],
        cwd=tree.root,
        env=env,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    process.wait(timeout=60)
    return b"".join(chunks)


def test_the_server_writes_to_the_clients_own_terminal_with_the_clients_environment(
    tree: Tree, runtime: Path
) -> None:
    _tree(tree)
    _check(tree, _env(runtime), "--version")
    _wait_for_server(runtime)
    env = _env(runtime, TERM="xterm")
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    coloured = _on_a_terminal(tree, env)
    assert b"\x1b[" in coloured  # stdout is the terminal: colour
    plain = _on_a_terminal(tree, dict(env, NO_COLOR="1"))
    assert b"\x1b[" not in plain and b"error:" in plain
    assert coloured == _on_a_terminal(tree, {**env, "EVIDENCELINT_SERVER": ""})


def test_a_folder_others_may_enter_is_not_used(tree: Tree, runtime: Path) -> None:
    _tree(tree)
    folder = runtime / f"evidencelint-{os.getuid()}"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    done = _check(tree, _env(runtime), *CHECK)
    assert done.returncode == 1 and b"error:" in done.stdout
    time.sleep(0.5)
    assert not list(folder.iterdir())  # no server started there


def test_garbage_on_the_socket_does_not_stop_the_server(tree: Tree, runtime: Path) -> None:
    _tree(tree)
    _check(tree, _env(runtime), "--version")
    _wait_for_server(runtime)
    (sock,) = runtime.glob("evidencelint-*/*.sock")
    for garbage in (b"", b"\xff" * 100, (10**9).to_bytes(8, "big"), b"12345678junk"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(10)
            client.connect(str(sock))
            client.sendall(garbage)
            client.shutdown(socket.SHUT_WR)
            try:
                reply = client.recv(100)
            except ConnectionResetError:  # closed with the garbage unread
                reply = b""
            assert b"started" not in reply
    here = _check(tree, _env(runtime, server=False), *CHECK, "--format", "json")
    served = _check(tree, _env(runtime), *CHECK, "--format", "json")
    assert served.stdout == here.stdout
    assert _served(tree, _env(runtime), *CHECK)


def test_removing_the_socket_stops_the_server(tree: Tree, runtime: Path) -> None:
    _tree(tree)
    _check(tree, _env(runtime), "--version")
    _wait_for_server(runtime)
    (sock,) = runtime.glob("evidencelint-*/*.sock")
    assert stat.S_ISSOCK(sock.lstat().st_mode)
    assert stat.S_IMODE(sock.parent.lstat().st_mode) == 0o700
    sock.unlink()
    deadline = time.monotonic() + 30
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        assert probe.connect_ex(str(sock)) != 0
    while time.monotonic() < deadline and not _served(tree, _env(runtime), "--version"):
        time.sleep(0.2)  # the next command started a new server
    assert _served(tree, _env(runtime), "--version")


def test_the_code_stamp_follows_every_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    (package / "inner").mkdir(parents=True)
    module = package / "inner" / "module.py"
    module.write_text("x = 1\n")
    monkeypatch.setattr(resident_client, "PACKAGE", str(package))
    before = resident_client.code_stamp()
    assert resident_client.code_stamp() == before
    module.write_text("x = 22\n")
    assert resident_client.code_stamp() != before


def test_served_commands_at_once_each_give_their_own_output(tree: Tree, runtime: Path) -> None:
    _tree(tree)
    _check(tree, _env(runtime), "--version")
    _wait_for_server(runtime)
    here = _check(tree, _env(runtime, server=False), *CHECK, "--format", "json")
    command = [sys.executable, "-m", "evidencelint", *CHECK, "--format", "json"]
    processes = [
        subprocess.Popen(command, cwd=tree.root, env=_env(runtime), stdout=subprocess.PIPE)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in processes]
    assert all(p.returncode == 1 for p in processes)
    assert outputs == [here.stdout] * 4


def test_the_clients_umask_applies_to_what_a_served_command_writes(
    tree: Tree, runtime: Path
) -> None:
    _tree(tree)
    _check(tree, _env(runtime), "--version")
    _wait_for_server(runtime)
    assert _served(tree, _env(runtime), "--version")
    report = tree.root / "report.json"
    wrapper = "import os, runpy, sys; os.umask(0o027); sys.argv[0] = 'evidencelint'; "
    wrapper += "runpy.run_module('evidencelint', run_name='__main__')"
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *CHECK, "--format", "json", "--output", str(report)],
        cwd=tree.root,
        env=_env(runtime),
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert stat.S_IMODE(report.stat().st_mode) == 0o640


def test_an_interrupted_client_ends_its_served_command(tree: Tree, runtime: Path) -> None:
    from tests.crossref_server import CrossrefServer

    pages = 6
    for n in range(pages):
        doi = f"10.1000/el.resident.{n}"
        tree.write(f"content/p{n}.yaml", MINIMAL_PAGE.replace("10.1186/s40001-022-00682-3", doi))
    server = CrossrefServer(latency=1.0).start()
    try:
        env = _env(runtime, EVIDENCELINT_CROSSREF_URL=server.url)
        _check(tree, env, "--version")
        _wait_for_server(runtime)
        client = subprocess.Popen(
            [sys.executable, "-m", "evidencelint", "check", "content", "--today", "2026-11-21"],
            cwd=tree.root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.requests, "the served command asked nothing"
        client.send_signal(signal.SIGINT)
        _, stderr = client.communicate(timeout=30)
        assert client.returncode == 2
        assert b"interrupted" in stderr
        time.sleep(1.5)  # requests already sent finish; no new ones start
        asked = len(server.requests)
        time.sleep(3.0)
        assert len(server.requests) == asked
        assert asked < 2 * pages  # it did not run to the end
    finally:
        server.stop()


def test_another_module_search_path_is_another_server(tree: Tree, runtime: Path) -> None:
    _tree(tree)
    _check(tree, _env(runtime), "--version")
    _wait_for_server(runtime)
    assert _served(tree, _env(runtime), "--version")
    elsewhere = tree.root / "elsewhere"
    elsewhere.mkdir()
    other = _env(runtime, PYTHONPATH=str(elsewhere))
    assert not _served(tree, other, "--version")  # that server runs other code: here
    deadline = time.monotonic() + 30
    while len(list(runtime.glob("evidencelint-*/*.sock"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(list(runtime.glob("evidencelint-*/*.sock"))) == 2
