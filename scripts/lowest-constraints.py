"""Print the lowest versions pyproject.toml admits, as pip constraints.

The weekly upstream workflow installs with these to prove that the lower bounds in
`[project] dependencies` are true: `python scripts/lowest-constraints.py > lowest.txt`,
then `pip install -c lowest.txt -e '.[test]'`.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def lowest(requirements: list[str]) -> list[str]:
    pins = []
    for requirement in requirements:
        match = re.match(
            r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*[^;]*?>=\s*([^,;\s]+)", requirement
        )
        if match is None:
            raise SystemExit(f"no lower bound in {requirement!r}: every dependency needs one")
        pins.append(f"{match.group(1)}=={match.group(2)}")
    return pins


def main() -> int:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    sys.stdout.write("".join(f"{pin}\n" for pin in lowest(project["dependencies"])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
