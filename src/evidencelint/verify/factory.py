"""Build the verifier a command asked for from its flags and the configuration."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from evidencelint import environment
from evidencelint.config import Budget, Config, seconds_setting
from evidencelint.verify.answers import CacheMode
from evidencelint.verify.cache_first import CacheFirst
from evidencelint.verify.verdicts import OfflineNoCache, Verifier
from evidencelint.verify.verifier import CrossrefVerifier, Progress

if TYPE_CHECKING:
    from evidencelint.verify.client import CrossrefClient

TIMEOUT_VARIABLE = environment.TIMEOUT
"""Seconds one DOI's Crossref lookups may take, retries included (ClientSettings.deadline)."""
RUN_TIMEOUT_VARIABLE = environment.RUN_TIMEOUT
"""Seconds all of a run's lookups may take (ClientSettings.run_budget)."""


def cache_folder(config: Config) -> Path:
    return config.cache_dir or Path(platformdirs.user_cache_dir("evidencelint"))


def cache_mode(*, offline: bool, no_cache: bool, refresh: bool) -> CacheMode:
    """How a command's flags use the cache, for every registry client."""
    if offline:
        return CacheMode.OFFLINE
    if no_cache:
        return CacheMode.DISABLED
    return CacheMode.REFRESH if refresh else CacheMode.NORMAL


def cache_place(
    config: Config, *, offline: bool, no_cache: bool, refresh: bool = False
) -> tuple[Path | None, CacheMode] | None:
    """The cache folder (None: no cache) and how to use it; None when nothing can answer
    (offline, and no cache to answer from). An unusable folder is warned about once and
    the run goes on without a cache."""
    if offline and no_cache:
        return None
    mode = cache_mode(offline=offline, no_cache=no_cache, refresh=refresh)
    cache_path = None if no_cache else cache_folder(config)
    if cache_path is not None and not _usable(cache_path):
        if offline:
            return None
        return None, CacheMode.DISABLED
    return cache_path, mode


def build_verifier(
    config: Config,
    *,
    offline: bool = False,
    no_cache: bool = False,
    refresh: bool = False,
    progress: Progress | None = None,
    audit: bool = False,
) -> tuple[Verifier, CacheFirst | None]:
    """`audit`: with the audit's time budget rather than the check's."""
    place = cache_place(config, offline=offline, no_cache=no_cache, refresh=refresh)
    if place is None:
        return OfflineNoCache(), None
    cache_path, mode = place
    budget = budget_for(config, audit=audit)

    def make_client() -> CrossrefClient:
        from evidencelint.verify.client import ClientSettings, CrossrefClient

        settings = ClientSettings(
            base_url=config.crossref_url,
            mailto=config.mailto,
            cache_path=cache_path,
            mode=mode,
            deadline=budget.doi,
            run_budget=budget.run,
        )
        return CrossrefClient(settings)

    registry = CacheFirst(config.crossref_url, cache_path, mode, make_client)
    return CrossrefVerifier(registry, progress), registry


def budget_for(config: Config, *, audit: bool = False) -> Budget:
    """The time budget of the command: the audit's or the check's, as configured, with
    the environment's settings winning. Every registry client of a run uses it."""
    return _budget(config.audit_budget if audit else config.check_budget)


def _budget(configured: Budget) -> Budget:
    """The configured budget, with the environment's settings winning."""
    doi, run = configured.doi, configured.run
    if text := environment.get(TIMEOUT_VARIABLE).strip():
        doi = seconds_setting(text, TIMEOUT_VARIABLE)
    if text := environment.get(RUN_TIMEOUT_VARIABLE).strip():
        run = seconds_setting(text, RUN_TIMEOUT_VARIABLE)
    return Budget(doi, run)


def _usable(folder: Path) -> bool:
    """A cache that cannot be written (a file in the way, no permission) or a damaged
    one that cannot be moved aside must not turn every DOI into an internal error: the
    run goes on without it, with a warning. A damaged cache that can be moved aside is,
    with a warning, and a new one is built in its place."""
    from evidencelint.verify.cache_health import CACHE_FILE, irregular, set_aside_if_damaged

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return _warn(f"cannot use {folder} as the cache folder; running without a cache")
    if not (folder.is_dir() and os.access(folder, os.W_OK)):
        return _warn(f"cannot use {folder} as the cache folder; running without a cache")
    odd = irregular(folder)
    try:
        aside = set_aside_if_damaged(folder)
    except OSError as exc:
        return _warn(
            f"the cache {folder / CACHE_FILE} is damaged and cannot be moved aside "
            f"({exc.strerror or exc}); running without a cache"
        )
    if aside is not None and odd is not None:
        _warn(
            f"{odd} is not a regular file (a FIFO or a device?); moved it to {aside}, starting anew"
        )
    elif aside is not None:
        _warn(f"the cache {folder / CACHE_FILE} was damaged; moved it to {aside}, starting anew")
    return True


def _warn(message: str) -> bool:
    sys.stderr.write(f"evidencelint: warning: {message}\n")
    return False
