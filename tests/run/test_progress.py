"""A progress bar on a terminal's stderr while DOIs are verified; nothing otherwise."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

from tests.crossref_server import CrossrefServer
from tests.helpers import MINIMAL_PAGE, Tree


def _run(
    tree: Tree,
    server: CrossrefServer,
    terminal: bool,
    ci: bool = False,
    python_options: tuple[str, ...] = (),
) -> tuple[int, str]:
    tree.write("content/page.yaml", MINIMAL_PAGE)
    env = dict(os.environ, EVIDENCELINT_CROSSREF_URL=server.url, COLUMNS="100")
    env.pop("CI", None)
    if ci:
        env["CI"] = "true"
    command = [
        sys.executable, *python_options, "-m", "evidencelint", "check", "content",
        "--today", "2026-11-21",
    ]  # fmt: skip
    if not terminal:
        done = subprocess.run(command, cwd=tree.root, env=env, capture_output=True, text=True)
        return done.returncode, done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command, cwd=tree.root, env=env, stdout=subprocess.DEVNULL, stderr=follower
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
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_on_a_terminal(tree: Tree) -> None:
    server = CrossrefServer(latency=0.3).start()
    try:
        code, stderr = _run(tree, server, terminal=True)
    finally:
        server.stop()
    assert code == 0
    assert "verifying DOIs" in stderr
    assert "1/1" in stderr


@pytest.mark.parametrize("ci", [False, True])
def test_no_progress_bar_when_not_a_terminal_or_in_ci(tree: Tree, ci: bool) -> None:
    server = CrossrefServer(latency=0.3).start()
    try:
        if ci:
            code, stderr = _run(tree, server, terminal=True, ci=True)
        else:
            code, stderr = _run(tree, server, terminal=False)
    finally:
        server.stop()
    assert code == 0
    assert "verifying DOIs" not in stderr


def test_no_progress_bar_and_no_rich_when_the_cache_answers_everything(tree: Tree) -> None:
    server = CrossrefServer(latency=0.3).start()
    try:
        _run(tree, server, terminal=True)  # fills the cache
        asked = len(server.requests)
        code, stderr = _run(tree, server, terminal=True, python_options=("-X", "importtime"))
        assert len(server.requests) == asked
    finally:
        server.stop()
    assert code == 0
    assert "verifying DOIs" not in stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in stderr.splitlines() if "|" in line]
    assert "evidencelint.cli" in imported  # the import log was read
    assert not [name for name in imported if name.split(".")[0] == "rich"]
