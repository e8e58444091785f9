"""Every environment variable evidencelint reads, and the one place that reads them.

docs/cli.md documents each (tests/project/test_docs.py checks that it does)."""

from __future__ import annotations

import os
from collections.abc import Mapping

CACHE_DIR = "EVIDENCELINT_CACHE_DIR"
MAILTO = "EVIDENCELINT_MAILTO"
CROSSREF_URL = "EVIDENCELINT_CROSSREF_URL"
NCBI_URL = "EVIDENCELINT_NCBI_URL"
NCBI_API_KEY = "EVIDENCELINT_NCBI_API_KEY"
TIMEOUT = "EVIDENCELINT_TIMEOUT"
"""Seconds one DOI may take (overrides the configuration)."""
RUN_TIMEOUT = "EVIDENCELINT_RUN_TIMEOUT"
"""Seconds the whole verification may take (overrides the configuration)."""
DEBUG = "EVIDENCELINT_DEBUG"
SERVER = "EVIDENCELINT_SERVER"
"""1: hand commands to a resident evidencelint (resident_client.py)."""
CI = "CI"
NO_COLOR, FORCE_COLOR, TERM = "NO_COLOR", "FORCE_COLOR", "TERM"


def current() -> Mapping[str, str]:
    """The process environment, for the functions that take an `environ` to test with."""
    return os.environ


def get(name: str, default: str = "") -> str:
    return os.environ.get(name, default)
