#!/usr/bin/env bash
# Check only the content files changed since a base revision (default: origin/main),
# as a pull-request gate does. Extra arguments go to `evidencelint check`:
#   scripts/check-changed.sh origin/main --format github
set -euo pipefail
base="${1:-origin/main}"
shift || true
mapfile -t files < <(git diff --name-only --diff-filter=ACMR "$base"...HEAD -- 'content/*.yaml' 'content/*.yml')
if [ "${#files[@]}" -eq 0 ]; then
  echo "no content file changed since $base"
  exit 0
fi
exec evidencelint check "$@" "${files[@]}"
