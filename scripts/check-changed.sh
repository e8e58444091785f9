#!/usr/bin/env bash
# Check only the content files changed since a base revision (default: origin/main),
# as a pull-request gate does. Extra arguments go to `evidencelint check`:
#   scripts/check-changed.sh origin/main --format github
set -euo pipefail
base="${1:-origin/main}"
shift || true
# NUL-separated: a file name may hold a newline. .yaml or .yml in any case.
mapfile -d '' -t files < <(git diff -z --name-only --diff-filter=ACMR "$base"...HEAD \
  -- ':(icase)content/*.yaml' ':(icase)content/*.yml')
if [ "${#files[@]}" -eq 0 ]; then
  printf 'no content file changed since %q\n' "$base"
  exit 0
fi
exec evidencelint check "$@" "${files[@]}"
