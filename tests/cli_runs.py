"""The CLI as a process, for the tests that must see what a user sees: its exit code, its
JSON findings, its stderr and how long it took (no traceback, no internal error)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TODAY = "2026-11-21"
STARTUP = 5.0
"""Seconds for the interpreter, the imports, the content and the report (about 1 s here;
generous for a loaded CI machine)."""


@dataclass(frozen=True)
class Run:
    code: int
    findings: list[dict[str, Any]]
    stderr: str
    seconds: float


def command(*options: str, subcommand: str = "check") -> list[str]:
    if subcommand == "audit":
        return [sys.executable, "-m", "evidencelint", "audit", "content", "--out", "report"]
    return [
        sys.executable,
        *("-m", "evidencelint", "check", "content"),
        *("--format", "json", "--today", TODAY),
        *options,
    ]


def environment(timeout: float | None = None, **extra: str) -> dict[str, str]:
    env = {**os.environ, **extra}
    env.pop("EVIDENCELINT_DEBUG", None)
    if timeout is not None:
        env["EVIDENCELINT_TIMEOUT"] = str(timeout)
    return env


def start(
    root: Path,
    *options: str,
    timeout: float | None = None,
    subcommand: str = "check",
    **extra: str,
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        command(*options, subcommand=subcommand),
        cwd=root,
        env=environment(timeout, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(
    process: subprocess.Popen[str], started: float, budget: float, report: Path | None = None
) -> Run:
    """Wait for a command; it must end within `budget` seconds of `started`, print no
    traceback, and print its findings as JSON (or write them to `report`)."""
    try:
        out, err = process.communicate(timeout=budget + 30)
    except subprocess.TimeoutExpired:  # a hang fails the test instead of stalling the suite
        process.kill()
        process.communicate()
        raise
    seconds = time.monotonic() - started
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    assert seconds < budget, f"took {seconds:.1f} s, bound {budget:.1f} s"
    text = report.read_text(encoding="utf-8") if report else out
    return Run(process.returncode, json.loads(text)["findings"], err, seconds)


def run(
    root: Path,
    *options: str,
    budget: float = STARTUP + 10,
    timeout: float | None = None,
    subcommand: str = "check",
    **extra: str,
) -> Run:
    """The command as a process, waited for (see `finish`)."""
    started = time.monotonic()
    process = start(root, *options, timeout=timeout, subcommand=subcommand, **extra)
    report = root / "report" / "report.json" if subcommand == "audit" else None
    return finish(process, started, budget, report)


IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def as_nobody(command: list[str]) -> list[str]:
    """`command` run as the unprivileged user `nobody` when the suite runs as root, to see
    what a user without root's rights sees. Skips the test where privileges cannot be
    dropped, or where `nobody` cannot run this interpreter at all (a Python installed in
    root's private home, or one whose shared library is found only through root's
    environment): that says nothing about evidencelint."""
    import shutil

    import pytest

    if not IS_ROOT:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv is missing: cannot drop privileges")
    dropped = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    probe = subprocess.run(
        [*dropped, sys.executable, "-c", "import evidencelint"],
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if probe.returncode != 0:
        pytest.skip(f"nobody cannot run this Python with evidencelint: {probe.stderr.strip()}")
    return [*dropped, *command]
