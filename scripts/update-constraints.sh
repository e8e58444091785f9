#!/usr/bin/env bash
# Rebuild constraints.txt: the newest versions the index serves today of everything
# `pip install -e '.[test,bench]'` pulls in, resolved in a fresh virtual environment.
# CI installs with `-c constraints.txt` so that its runs are reproducible; the weekly
# upstream workflow installs without it, so that a new release that breaks us shows up
# as a red job there first. Run this, then the full suite, and commit both together.
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
{
  echo "# Exact versions CI installs with (pip install -c constraints.txt -e '.[test]')."
  echo "# Resolved by scripts/update-constraints.sh on $(date -u +%Y-%m-%d) with"
  echo "# $("$venv/bin/python" --version); regenerate rather than edit by hand."
  "$venv/bin/python" -m pip freeze --exclude-editable --disable-pip-version-check
} > constraints.txt
echo "wrote constraints.txt ($(grep -vc '^#' constraints.txt) packages)"
