"""Write files so that readers see the old content or the new, never half of it, and
so that nothing written to is damaged.

- A regular file (or a new name) is replaced atomically: the text goes to a temporary
  file in the same folder, is flushed to disk, then renamed over the old one, whose
  permission bits it keeps.
- A symbolic link stays a link: its target is what gets replaced.
- A character device, FIFO or other file that is not regular (`/dev/null`, `/dev/stdout`,
  a pipe to another program) is written to directly, never renamed over.
- A folder, a file this user may not write, or a folder that cannot take a new file is
  refused with `WriteError` (the command exits 2), and no temporary file is left.

`write_set` writes several files as one set: every new text is written and flushed to a
temporary file first; only when all of them are complete are they renamed into place. A
failure before that point (a full disk, say) removes the temporary files and leaves the
old set as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from evidencelint.escape import terminal


class WriteError(Exception):
    """A file could not be written as asked; the command exits 2."""


def write_text_atomic(path: Path, text: str) -> None:
    write_set({path: text})


@dataclass(slots=True)
class _Pending:
    shown: Path
    target: Path
    data: bytes
    direct: bool
    """Not a regular file (a device, a FIFO): written to as it is."""
    temporary: str | None = None
    """Set for a regular file: the complete new content, waiting to be renamed."""


def write_set(files: Mapping[Path, str]) -> None:
    pending = [_plan(path, text) for path, text in files.items()]
    try:
        for item in pending:
            if not item.direct:
                item.temporary = _prepare(item)
        for item in pending:
            if item.temporary is not None:
                _commit(item)
        for item in pending:
            if item.direct:
                _write_direct(item)
    except BaseException:
        for item in pending:
            if item.temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(item.temporary)
        raise


def _plan(path: Path, text: str) -> _Pending:
    # Text is encoded before anything is touched; surrogates (undecodable bytes of a file
    # name) are escaped by the renderers, and written back as bytes should any remain.
    data = text.encode("utf-8", "surrogateescape")
    try:
        reached = path.stat()  # through any links: what a write would reach
    except FileNotFoundError:
        reached = None  # a new name, or a link to one: created below
    except OSError as exc:
        raise _error(path, exc) from None
    if (
        reached is not None
        and not stat.S_ISREG(reached.st_mode)
        and not stat.S_ISDIR(reached.st_mode)
    ):
        # A device or FIFO, also behind a link no path leads through (/dev/stdout ->
        # /proc/self/fd/1 -> 'pipe:[…]'): written to as it is.
        return _Pending(path, path, data, direct=True)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info = target.stat()
    except FileNotFoundError:
        return _Pending(path, target, data, direct=False)
    except OSError as exc:
        raise _error(path, exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise WriteError(f"cannot write {_shown(path)}: it is a folder")
    if stat.S_ISREG(info.st_mode) and not os.access(target, os.W_OK):
        raise WriteError(f"cannot write {_shown(path)}: permission denied")
    return _Pending(path, target, data, direct=not stat.S_ISREG(info.st_mode))


def _prepare(item: _Pending) -> str:
    folder = item.target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{item.target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _error(item.shown, exc) from None
    try:
        os.chmod(tmp, _mode_for(item.target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(item.data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _error(item.shown, exc) from None
        raise
    return tmp


def _commit(item: _Pending) -> None:
    assert item.temporary is not None
    try:
        os.replace(item.temporary, item.target)
    except OSError as exc:
        raise _error(item.shown, exc) from None
    item.temporary = None


def _write_direct(item: _Pending) -> None:
    """A device, a FIFO: opened as it is, never created, truncated or replaced."""
    try:
        fd = os.open(item.target, os.O_WRONLY | os.O_NOCTTY)
    except OSError as exc:
        raise _error(item.shown, exc) from None
    try:
        view = memoryview(item.data)
        while view:
            view = view[os.write(fd, view) :]
    except OSError as exc:
        raise _error(item.shown, exc) from None
    finally:
        os.close(fd)


def _mode_for(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)  # keep the replaced file's permissions
    except OSError:
        return 0o666 & ~_umask()  # mkstemp makes 0600; reports are for sharing


def _error(path: Path, exc: OSError) -> WriteError:
    return WriteError(f"cannot write {_shown(path)}: {exc.strerror or exc}")


def _shown(path: Path) -> str:
    return terminal(str(path))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
