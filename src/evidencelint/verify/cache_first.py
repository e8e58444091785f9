"""The registry as the verifier sees it: the cache first, the service only when needed.

Answers the cache holds are read with the standard library (verify/answers.py); the
HTTP client, and with it requests and requests-cache, is built on the first question
the cache cannot answer. A warm run never builds it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from evidencelint.verify.answers import (
    CacheMode,
    CacheReader,
    DoiClock,
    Fetched,
    agency_url,
    cached_answer,
    work_url,
)

if TYPE_CHECKING:
    from evidencelint.verify.client import CrossrefClient


class CacheFirst:
    def __init__(
        self,
        base_url: str,
        cache_path: Path | None,
        mode: CacheMode,
        make_client: Callable[[], CrossrefClient],
    ) -> None:
        self._base_url = base_url
        self._mode = mode
        # Only these modes answer from the cache; the others always ask the service.
        reads = mode in (CacheMode.NORMAL, CacheMode.OFFLINE)
        self._reader = CacheReader(cache_path) if cache_path is not None and reads else None
        self._make_client = make_client
        self._client: CrossrefClient | None = None
        self._client_lock = threading.Lock()

    @property
    def client(self) -> CrossrefClient:
        with self._client_lock:
            if self._client is None:
                self._client = self._make_client()
            return self._client

    def cached_work(self, doi: str) -> Fetched | None:
        return self._cached(work_url(self._base_url, doi))

    def work(self, doi: str, clock: DoiClock | None = None) -> Fetched:
        return self.cached_work(doi) or self.client.work(doi, clock)

    def agency(self, doi: str, clock: DoiClock | None = None) -> Fetched:
        return self._cached(agency_url(self._base_url, doi)) or self.client.agency(doi, clock)

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        if self._client is not None:
            self._client.close()

    def _cached(self, url: str) -> Fetched | None:
        if self._reader is None:
            return None
        stored = self._reader.lookup(url)
        if stored is None:
            return None  # OFFLINE included: requests-cache may still read what this cannot
        return cached_answer(stored, self._mode, self._base_url)
