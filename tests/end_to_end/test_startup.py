"""What the command does at start, for speed: the collector is off while it imports and
what the imports made is frozen, only in a process of its own."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from evidencelint.cli import main


def test_a_process_of_its_own_freezes_what_its_imports_made() -> None:
    code = (
        "import gc, io, sys, contextlib\n"
        "from evidencelint.cli import main\n"
        "sys.argv = ['evidencelint', 'rules']\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main()\n"
        "print(gc.get_freeze_count() > 1000, gc.isenabled())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["True", "True"], done.stderr


def test_a_calling_program_keeps_its_collector_as_it_was(
    capsys: pytest.CaptureFixture[str],
) -> None:
    frozen = gc.get_freeze_count()
    assert main(["rules"]) == 0
    assert gc.get_freeze_count() == frozen
    assert gc.isenabled()
    assert "EL" in capsys.readouterr().out
