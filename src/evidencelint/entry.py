"""The `evidencelint` command: handed to the resident process when asked
(EVIDENCELINT_SERVER=1) and one answers, otherwise run here (cli.main)."""

from __future__ import annotations

import os
import sys

from evidencelint import environment


def main(exit_now: bool = True) -> int:
    """The console script's entry point. `exit_now`: the process is this command's alone
    (not a program that runs the package with runpy and goes on after)."""
    status = _command()
    if exit_now:
        _exit_now(status)
    return status


def _command() -> int:
    if environment.get(environment.SERVER) == "1":
        from evidencelint.resident_client import run_resident

        status = run_resident(sys.argv[1:])
        if status is not None:
            return status
    from evidencelint.cli import main as run_here

    return run_here()


def _exit_now(status: int) -> None:
    """Once the output is out, end the process without tearing the interpreter down
    (every module, class and frozen object freed one by one: a tenth of a one-page
    check). Everything the command opened is closed by then. Not under a profiler or a
    coverage tracer, which write their results at exit; and not when the output cannot
    be flushed, so that Python reports that as usual."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(status)
