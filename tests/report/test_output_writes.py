"""`--output FILE` and the audit's reports never damage what they write to (issue 9,
item 4; issue 11): a device or FIFO is written to, never renamed over; a symbolic link
stays a link; a folder or an unwritable path is exit 2 with a message; nothing
half-written is left; the three audit reports are replaced as one set or not at all.

Run as root as well as not: the cases that need an unprivileged user drop privileges in
the subprocess (setpriv) when the suite runs as root.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli_runs import IS_ROOT, as_nobody
from tests.helpers import MINIMAL_PAGE

CHECK = ("check", "content", "--offline", "--no-cache", "--today", "2026-11-21")
AUDIT = ("audit", "content", "--offline", "--no-cache", "--today", "2026-11-21")


@pytest.fixture
def shared_tree() -> Iterator[Path]:
    """A content tree any user can read (pytest's own temporary folders are private to
    the user running the suite, and some cases run the CLI as another user)."""
    root = Path(tempfile.mkdtemp(prefix="evidencelint-writes-"))
    root.chmod(0o755)
    (root / "content").mkdir(mode=0o755)
    (root / "content" / "page.yaml").write_text(MINIMAL_PAGE, encoding="utf-8")
    (root / "content" / "page.yaml").chmod(0o644)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def cli(
    cwd: Path,
    *args: str,
    unprivileged: bool = False,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    command: list[str] = [sys.executable, "-m", "evidencelint", *args]
    if unprivileged:
        command = as_nobody(command)
    return subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=preexec,
    )


def leftovers(*folders: Path) -> list[str]:
    return [p.name for folder in folders for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_character_device_stays_a_device(shared_tree: Path) -> None:
    if IS_ROOT:
        device = shared_tree / "null"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is
    else:
        device = Path("/dev/null")
    done = cli(shared_tree, *CHECK, "--output", str(device))
    assert done.returncode == 0, done.stderr
    info = device.lstat()
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, 3)
    assert not leftovers(device.parent) if IS_ROOT else True


def test_a_fifo_is_written_to_not_replaced(shared_tree: Path) -> None:
    fifo = shared_tree / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = cli(shared_tree, *CHECK, "--format", "json", "--output", str(fifo))
    reader.join(30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert b'"findings"' in received[0]
    assert not leftovers(shared_tree)


def test_a_symlink_stays_a_link_and_its_target_is_replaced(shared_tree: Path) -> None:
    targets = shared_tree / "targets"
    targets.mkdir()
    target = targets / "report.json"
    target.write_text("old\n")
    target.chmod(0o640)
    link = shared_tree / "report.json"
    link.symlink_to("targets/report.json")
    done = cli(shared_tree, *CHECK, "--format", "json", "--output", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == "targets/report.json"
    assert '"findings"' in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file keeps its permissions
    assert not leftovers(shared_tree, targets)


def test_a_folder_is_exit_2_with_a_message(shared_tree: Path) -> None:
    folder = shared_tree / "out"
    folder.mkdir()
    done = cli(shared_tree, *CHECK, "--output", str(folder))
    assert done.returncode == 2
    assert "it is a folder" in done.stderr and "internal error" not in done.stderr
    assert folder.is_dir() and not list(folder.iterdir())
    assert not leftovers(shared_tree)


def test_a_folder_that_cannot_take_a_file_is_exit_2(shared_tree: Path) -> None:
    closed = shared_tree / "closed"
    closed.mkdir(mode=0o555)
    closed.chmod(0o555)
    done = cli(shared_tree, *CHECK, "--output", str(closed / "out.json"), unprivileged=True)
    assert done.returncode == 2, done.stderr
    assert "cannot write" in done.stderr and "internal error" not in done.stderr
    assert not list(closed.iterdir())


def test_a_read_only_file_is_not_replaced(shared_tree: Path) -> None:
    out = shared_tree / "out"
    out.mkdir(mode=0o777)
    out.chmod(0o777)  # anyone may add files here, but this one is read-only
    kept = out / "report.txt"
    kept.write_text("keep me\n")
    kept.chmod(0o444)
    done = cli(shared_tree, *CHECK, "--output", str(kept), unprivileged=True)
    assert done.returncode == 2, done.stderr
    assert "permission denied" in done.stderr
    assert kept.read_text() == "keep me\n"
    assert not leftovers(out)


REPORTS = ("report.json", "report.md", "report.html")


def _old_set(out: Path) -> dict[str, str]:
    out.mkdir(exist_ok=True)
    old = {name: f"old {name}\n" for name in REPORTS}
    for name, text in old.items():
        (out / name).write_text(text)
    return old


def _file_size_limit(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        # A disk that fills up: writes past `limit` bytes fail (EFBIG, SIGXFSZ ignored).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_a_disk_filling_mid_audit_keeps_the_old_set(shared_tree: Path) -> None:
    out = shared_tree / "report"
    first = cli(shared_tree, *AUDIT, "--out", str(out))
    assert first.returncode == 0, first.stderr
    sizes = {name: (out / name).stat().st_size for name in REPORTS}
    # Room for the JSON and the Markdown report, not for the larger HTML one.
    assert sizes["report.html"] > max(sizes["report.json"], sizes["report.md"])
    old = _old_set(out)
    limit = max(sizes["report.json"], sizes["report.md"]) + 16
    done = cli(shared_tree, *AUDIT, "--out", str(out), preexec=_file_size_limit(limit))
    assert done.returncode == 2
    assert "cannot write" in done.stderr and "report.html" in done.stderr
    assert {p.name: p.read_text() for p in out.iterdir()} == old  # no temporary file either


def test_audit_reports_onto_links_and_devices(shared_tree: Path) -> None:
    out = shared_tree / "report"
    out.mkdir()
    elsewhere = shared_tree / "published"
    elsewhere.mkdir()
    (out / "report.md").symlink_to(elsewhere / "issue.md")
    fifo = out / "report.json"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = cli(shared_tree, *AUDIT, "--out", str(out))
    reader.join(30)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and b'"audit": true' in received[0]
    assert (out / "report.md").is_symlink()
    assert (elsewhere / "issue.md").read_text().startswith("# Evidence audit")
    assert not leftovers(out, elsewhere)


def test_dev_stdout_onto_a_pipe_is_written_to(shared_tree: Path) -> None:
    # /dev/stdout -> /proc/self/fd/1 -> 'pipe:[…]': a link no path leads through, to a
    # pipe; the report goes down the pipe, and nothing is created or replaced.
    done = cli(shared_tree, *CHECK, "--format", "json", "--output", "/dev/stdout")
    assert done.returncode == 0, done.stderr
    assert '"findings"' in done.stdout
    assert Path("/dev/stdout").is_symlink()
