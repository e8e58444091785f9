"""The `evidencelint` command: handed to the resident process when asked
(EVIDENCELINT_SERVER=1) and one answers, otherwise run here (cli.main)."""

from __future__ import annotations

import sys

from evidencelint import environment


def main() -> int:
    if environment.get(environment.SERVER) == "1":
        from evidencelint.resident_client import run_resident

        status = run_resident(sys.argv[1:])
        if status is not None:
            return status
    from evidencelint.cli import main as run_here

    return run_here()
