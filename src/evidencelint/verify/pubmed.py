"""PubMed and PMC through NCBI's E-utilities (esummary) and the PMC ID Converter: the
second registry client, and with Crossref's the only network code.

Identifiers are asked in batches (up to 200 a request, both services' limit), each
answer cached on its own (verify/pubmed_cache.py). NCBI allows 3 requests a second
without an API key and 10 with one (`EVIDENCELINT_NCBI_API_KEY`); requests are spaced
by the same RateLimiter Crossref's client uses, and both services share it. NCBI sends
no Retry-After: a 429 holds every request back by a backoff of our own (1, 2, 4... s,
with jitter), as do 5xx answers, timeouts and dropped connections. As for Crossref, a
batch gives up after `deadline` seconds, five fruitless attempts in a row stop the run
asking at all, and so does more refused waiting in all than one deadline: what could not
be checked is "unverified", never "not found". `tool` and `email` (the mailto setting)
are sent as NCBI asks.

requests is imported only when a question must go to the network: a run answered from
the cache alone never imports it.
"""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencelint import __version__
from evidencelint.verify.answers import DEFAULT_DEADLINE, CacheMode
from evidencelint.verify.limits import RateLimiter
from evidencelint.verify.pubmed_cache import NcbiCache, cache_key
from evidencelint.verify.pubmed_record import (
    PmcRecord,
    PubmedAnswer,
    PubmedAnswers,
    PubmedRecord,
    parse_idconv,
    parse_summary,
    summary_uids,
)
from evidencelint.verify.verdicts import OFFLINE_NO_CACHE, Outcome

if TYPE_CHECKING:
    import requests

DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov"
DEFAULT_PMC_URL = "https://pmc.ncbi.nlm.nih.gov"
ESUMMARY_PATH = "/entrez/eutils/esummary.fcgi"
IDCONV_PATH = "/tools/idconv/api/v1/articles/"
TOOL = "evidencelint"
WITHOUT_KEY = 3.0
WITH_KEY = 10.0
BATCH = 200
MARGIN = 0.95
"""Requests are spaced for 95% of NCBI's rate, on top of the limiter's margin of 5%
(LIMITER_MARGIN): NCBI counts arrivals in a sliding second, and at 3 a second one request
that arrives 50 ms late squeezes the next three into one second (measured with
bench/verify_pubmed.py: 2 of 62 requests drew a 429 at the limiter's margin alone)."""
LIMITER_MARGIN = 1.05
"""The limiter's own margin when MARGIN was measured (Crossref's is narrower)."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BODY = 32 * 1024 * 1024
"""Bytes read of one answer: 200 document summaries come to about 1 MB; a longer body is
not an answer (and must not eat the machine's memory)."""


@dataclass(frozen=True, slots=True)
class NcbiSettings:
    eutils_url: str = DEFAULT_EUTILS_URL
    pmc_url: str = DEFAULT_PMC_URL
    api_key: str | None = None
    email: str | None = None
    cache_path: Path | None = None
    mode: CacheMode = CacheMode.NORMAL
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_cap: float = 16.0
    deadline: float = DEFAULT_DEADLINE
    run_budget: float | None = None
    """Seconds all of a run's NCBI lookups may take, counted from the lookup's creation
    (the command's verification budget: a hook must not wait for NCBI either)."""
    batch: int = BATCH

    @property
    def per_second(self) -> float:
        return WITH_KEY if self.api_key else WITHOUT_KEY


class PubmedLookup:
    """Answers for PMIDs and PMCIDs: the cache first, NCBI for the rest."""

    def __init__(
        self,
        settings: NcbiSettings,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.settings = settings
        self._stopped = threading.Event()
        self._sleep = sleep or self._pause
        self.limiter = RateLimiter(
            settings.per_second * MARGIN, sleep=self._sleep, margin=LIMITER_MARGIN
        )
        self._cache: NcbiCache | None = None
        self._cache_opened = False
        self._session: requests.Session | None = None
        self.requests_sent = 0
        self.rate_limited = 0
        self._given_up = ""
        self._fruitless = 0
        self._held = 0.0
        self._run_end = (
            math.inf if settings.run_budget is None else time.monotonic() + settings.run_budget
        )

    # Public ----------------------------------------------------------------------------

    def verify(self, pmids: Iterable[str], pmcids: Iterable[str] = ()) -> PubmedAnswers:
        """PMC first: a PMCID cited without its PMID is checked through the PMID PMC gives."""
        pmc = self._answers("idconv", sorted(set(pmcids)))
        wanted = set(pmids)
        for answer in pmc.values():
            if isinstance(answer.record, PmcRecord) and answer.record.pmid:
                wanted.add(answer.record.pmid)
        return PubmedAnswers(self._answers("esummary", sorted(wanted)), pmc)

    def _open_cache(self) -> NcbiCache | None:
        """Opened on the first question: a run citing no PMID never touches the file."""
        settings = self.settings
        if not self._cache_opened:
            self._cache_opened = True
            if settings.cache_path is not None and settings.mode is not CacheMode.DISABLED:
                read_only = settings.mode is CacheMode.OFFLINE
                self._cache = NcbiCache(settings.cache_path, read_only=read_only)
        return self._cache

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
        if self._session is not None:
            self._session.close()

    # Cache, then the service ----------------------------------------------------------

    def _answers(self, kind: str, ids: list[str]) -> dict[str, PubmedAnswer]:
        answers: dict[str, PubmedAnswer] = {}
        if not ids:
            return answers
        self._open_cache()
        pending: list[str] = []
        stale: dict[str, PubmedAnswer] = {}
        mode = self.settings.mode
        base = self._base(kind)
        for identifier in ids:
            cached = self._cache.get(cache_key(base, kind, identifier)) if self._cache else None
            answer = self._from_cache(kind, identifier, cached.value if cached else None, cached)
            if mode is CacheMode.OFFLINE:
                if cached is None or answer is None:
                    answers[identifier] = PubmedAnswer(Outcome.UNVERIFIED, detail=OFFLINE_NO_CACHE)
                elif cached.expired and answer.outcome is Outcome.NOT_FOUND:
                    answers[identifier] = PubmedAnswer(
                        Outcome.UNVERIFIED,
                        detail=f"offline, and the cached 'not found' of {cached.created_on} "
                        "has expired",
                    )
                else:
                    answers[identifier] = answer
                continue
            if cached is not None and answer is not None:
                if mode is CacheMode.NORMAL and not cached.expired:
                    answers[identifier] = answer
                    continue
                if answer.outcome is Outcome.FOUND:
                    stale[identifier] = PubmedAnswer(
                        Outcome.FOUND, answer.record, stale_since=cached.created_on
                    )
            pending.append(identifier)
        for start in range(0, len(pending), self.settings.batch):
            batch = pending[start : start + self.settings.batch]
            fetched = self._fetch_batch(kind, batch)
            for identifier in batch:
                answer = fetched.get(identifier)
                if answer is None or answer.outcome is Outcome.UNVERIFIED:
                    reason = answer.detail if answer else "the answer did not mention it"
                    answers[identifier] = (
                        _stale(stale[identifier], reason)
                        if identifier in stale
                        else PubmedAnswer(Outcome.UNVERIFIED, detail=reason)
                    )
                else:
                    answers[identifier] = answer
        return answers

    def _from_cache(
        self, kind: str, identifier: str, value: Any, cached: Any
    ) -> PubmedAnswer | None:
        if cached is None:
            return None
        if not cached.found:
            return PubmedAnswer(Outcome.NOT_FOUND)
        record = _parse(kind, value, identifier)
        return PubmedAnswer(Outcome.FOUND, record) if record is not None else None

    def _fetch_batch(self, kind: str, batch: Sequence[str]) -> dict[str, PubmedAnswer]:
        document, reason = self._get(kind, batch)
        if document is None:
            return {i: PubmedAnswer(Outcome.UNVERIFIED, detail=reason) for i in batch}
        base = self._base(kind)
        answers: dict[str, PubmedAnswer] = {}
        mentioned = summary_uids(document) if kind == "esummary" else set()
        for identifier in batch:
            if kind == "esummary":
                record: PubmedRecord | PmcRecord | bool | None = parse_summary(document, identifier)
                missing = (
                    record is None
                    and identifier in mentioned
                    and _says_missing(document, identifier)
                )
                value = document["result"][identifier] if record is not None else None
            else:
                record = parse_idconv(document, identifier)
                missing = record is False
                value = _idconv_value(document, identifier) if record else None
            if isinstance(record, PubmedRecord | PmcRecord):
                answers[identifier] = PubmedAnswer(Outcome.FOUND, record)
                if self._cache is not None:
                    self._cache.put(cache_key(base, kind, identifier), True, value)
            elif missing:
                answers[identifier] = PubmedAnswer(Outcome.NOT_FOUND)
                if self._cache is not None:
                    self._cache.put(cache_key(base, kind, identifier), False, None)
            else:
                answers[identifier] = PubmedAnswer(
                    Outcome.UNVERIFIED, detail="the answer did not mention it"
                )
        return answers

    # HTTP ------------------------------------------------------------------------------

    def _base(self, kind: str) -> str:
        return self.settings.eutils_url if kind == "esummary" else self.settings.pmc_url

    def _url_and_params(self, kind: str, batch: Sequence[str]) -> tuple[str, dict[str, str]]:
        settings = self.settings
        params = {"tool": TOOL}
        if settings.email:
            params["email"] = settings.email
        if kind == "esummary":
            url = settings.eutils_url.rstrip("/") + ESUMMARY_PATH
            params |= {"db": "pubmed", "id": ",".join(batch), "retmode": "json"}
            if settings.api_key:
                params["api_key"] = settings.api_key
        else:
            url = settings.pmc_url.rstrip("/") + IDCONV_PATH
            params |= {"ids": ",".join(batch), "idtype": "pmcid", "format": "json"}
        return url, params

    def _get(self, kind: str, batch: Sequence[str]) -> tuple[Any, str]:
        """The JSON document answering `batch`, or (None, why not)."""
        settings = self.settings
        url, params = self._url_and_params(kind, batch)
        give_up_at = min(time.monotonic() + settings.deadline, self._run_end)
        reason = "no attempt made"
        session = self._open_session()  # before the limiter: importing requests takes time
        for attempt in range(1, settings.max_attempts + 1):
            if self._given_up:
                return None, self._given_up
            self.limiter.acquire()
            if self._given_up:
                return None, self._given_up
            left = give_up_at - time.monotonic()
            if left < 0.1:
                return None, f"{reason} ({self._limit()})"
            status, body, error = self._send(session, url, params, left)
            if status == 200:
                document = _json(body)
                if document is not None and _answers_question(kind, document):
                    self._count_fruitless("")
                    return document, ""
                reason = "the answer was not the JSON asked for"
                self._count_fruitless("")
            elif status in RETRY_STATUSES or status is None:
                reason = error or f"HTTP {status}" + (" (rate limited)" if status == 429 else "")
                self._count_fruitless(reason if status in (None, 429) else "")
                if status == 429:
                    self.rate_limited += 1
            else:
                self._count_fruitless("")
                return None, f"HTTP {status}"
            if attempt == settings.max_attempts:
                break
            wait = self._backoff(attempt)
            if time.monotonic() + wait >= give_up_at:
                return None, f"{reason} ({self._limit()})"
            if status == 429 and not self._hold(wait, reason):
                return None, self._given_up
            self._sleep(wait)
        plural = "s" if settings.max_attempts != 1 else ""
        return None, f"{reason} after {settings.max_attempts} attempt{plural}"

    def _open_session(self) -> requests.Session:
        import requests

        if self._session is None:
            self._session = requests.Session()
            self._session.headers["User-Agent"] = self.user_agent
            self._session.headers["Accept"] = "application/json"
            self._session.max_redirects = 5
        return self._session

    def _send(
        self, session: requests.Session, url: str, params: dict[str, str], left: float
    ) -> tuple[int | None, bytes, str]:
        import requests

        self.requests_sent += 1
        timeout = (min(self.settings.connect_timeout, left), min(self.settings.read_timeout, left))
        try:
            # The whole exchange, not each read, must end within the lookup's deadline:
            # a server that trickles its answer a byte at a time never times a read out.
            ends = time.monotonic() + left
            with session.get(url, params=params, timeout=timeout, stream=True) as response:
                body = bytearray()
                # read1: what one read of the socket brought, so that the clock is looked
                # at after every arrival (a plain read waits for all 64 KiB).
                raw = response.raw
                read = getattr(raw, "read1", None) or raw.read
                while chunk := read(64 * 1024):
                    body += chunk
                    if len(body) > MAX_BODY:
                        return None, b"", f"the answer was longer than {MAX_BODY} bytes"
                    if time.monotonic() > ends:
                        return None, b"", "the service did not answer in time"
                return response.status_code, bytes(body), ""
        except requests.ConnectTimeout:
            return None, b"", "could not connect to the service"
        except requests.Timeout:
            return None, b"", "the service did not answer in time"
        except requests.ConnectionError:
            return None, b"", "could not connect to the service, or the connection dropped"
        except requests.RequestException as exc:
            return None, b"", f"request failed ({type(exc).__name__})"

    @property
    def user_agent(self) -> str:
        contact = f"; mailto:{self.settings.email}" if self.settings.email else ""
        return f"evidencelint/{__version__} (https://github.com/evidencelint/evidencelint{contact})"

    def _backoff(self, attempt: int) -> float:
        """1, 2, 4, 8... s (capped), each within [c/2, c]: NCBI sends no Retry-After."""
        ceiling = min(self.settings.backoff_cap, self.settings.backoff_base * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def _limit(self) -> str:
        if time.monotonic() >= self._run_end - 0.1:
            return f"the run's {self.settings.run_budget:g} s for verification ran out"
        return f"the {self.settings.deadline:g} s limit of a lookup"

    def _count_fruitless(self, reason: str) -> None:
        self._fruitless = self._fruitless + 1 if reason else 0
        if self._fruitless >= self.settings.max_attempts:
            self._give_up(
                f"{reason} for {self._fruitless} requests in a row; no more requests in this run"
            )

    def _hold(self, seconds: float, reason: str) -> bool:
        self._held += seconds
        if self._held > self.settings.deadline:
            self._give_up(f"{reason}; asked to wait {self._held:.0f} s in all; no more requests")
            return False
        self.limiter.push_back(seconds)
        return True

    def _pause(self, seconds: float) -> None:
        self._stopped.wait(seconds)

    def _give_up(self, reason: str) -> None:
        self._given_up = self._given_up or reason
        self._stopped.set()


def _stale(answer: PubmedAnswer, reason: str) -> PubmedAnswer:
    return PubmedAnswer(
        answer.outcome,
        answer.record,
        detail=f"the service failed ({reason})",
        stale_since=answer.stale_since,
    )


def _parse(kind: str, value: Any, identifier: str) -> PubmedRecord | PmcRecord | None:
    if kind == "esummary":
        return parse_summary({"result": {identifier: value}}, identifier)
    record = parse_idconv({"records": [value]}, identifier)
    return record if isinstance(record, PmcRecord) else None


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _answers_question(kind: str, document: Any) -> bool:
    if not isinstance(document, dict):
        return False
    if kind == "esummary":
        return isinstance(document.get("result"), dict)
    return isinstance(document.get("records"), list)


def _says_missing(document: Any, identifier: str) -> bool:
    """PubMed's own negative: {"uid": ..., "error": "cannot get document summary"}."""
    entry = document["result"].get(identifier)
    return isinstance(entry, dict) and isinstance(entry.get("error"), str)


def _idconv_value(document: Any, identifier: str) -> Any:
    for record in document["records"]:
        if isinstance(record, dict) and parse_idconv({"records": [record]}, identifier):
            return record
    return None
