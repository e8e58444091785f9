"""Build the verifier a command asked for from its flags and the configuration."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from evidencelint.config import Config
from evidencelint.registry.client import CacheMode, ClientSettings, CrossrefClient
from evidencelint.registry.verifier import CrossrefVerifier, Progress
from evidencelint.verification import OfflineNoCache, Verifier


def cache_folder(config: Config) -> Path:
    return config.cache_dir or Path(platformdirs.user_cache_dir("evidencelint"))


def build_verifier(
    config: Config,
    *,
    offline: bool = False,
    no_cache: bool = False,
    refresh: bool = False,
    progress: Progress | None = None,
) -> tuple[Verifier, CrossrefClient | None]:
    if offline and no_cache:
        return OfflineNoCache(), None
    if offline:
        mode = CacheMode.OFFLINE
    elif no_cache:
        mode = CacheMode.DISABLED
    elif refresh:
        mode = CacheMode.REFRESH
    else:
        mode = CacheMode.NORMAL
    cache_path = None if no_cache else cache_folder(config)
    if cache_path is not None and not _usable(cache_path):
        sys.stderr.write(
            f"evidencelint: warning: cannot use {cache_path} as the cache folder; "
            "running without a cache\n"
        )
        if offline:
            return OfflineNoCache(), None
        cache_path, mode = None, CacheMode.DISABLED
    client = CrossrefClient(
        ClientSettings(
            base_url=config.crossref_url,
            mailto=config.mailto,
            cache_path=cache_path,
            mode=mode,
        )
    )
    return CrossrefVerifier(client, progress), client


def _usable(folder: Path) -> bool:
    """A cache that cannot be written (a file in the way, no permission) must not turn
    every DOI into an internal error: the run goes on without it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return folder.is_dir() and os.access(folder, os.W_OK)
