"""Turn registry answers into verifications: exists, registered elsewhere, newer versions.

Each distinct DOI is asked once per run; requests for different DOIs run concurrently up
to the client's cap, and all of one DOI's lookups share one deadline (a `DoiClock`). A
404 is only a verdict after the agency endpoint confirms that no agency knows the DOI.
A record is the verdict on a DOI only when it is that DOI's: its own `DOI` is the one
cited, or the one the registry redirected the cited alias to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from evidencelint.verify.answers import DoiClock, Fetched
from evidencelint.verify.record import WorkRecord, parse_work
from evidencelint.verify.verdicts import Outcome, Verification

COCHRANE = re.compile(r"^(10\.1002/14651858\.cd\d+)(?:\.pub(\d+))?$")
MAX_VERSION_PROBES = 10

Progress = Callable[[int, int], None]
"""Called with (verified so far, total) after each DOI."""


class Registry(Protocol):
    """What the verifier asks: a CrossrefClient, or the cache in front of one."""

    def work(self, doi: str, clock: DoiClock | None = None) -> Fetched: ...

    def agency(self, doi: str, clock: DoiClock | None = None) -> Fetched: ...

    def cached_work(self, doi: str) -> Fetched | None: ...


class CrossrefVerifier:
    def __init__(self, client: Registry, progress: Progress | None = None) -> None:
        self.client = client
        self.progress = progress

    def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
        unique = sorted(set(dois))
        if not unique:
            return {}
        results: dict[str, Verification] = {}
        # Answers the cache holds are read here, one after another: threads only slow
        # them down (they contend for the interpreter). The rest go out concurrently.
        # Progress is reported only when a question goes to the service: a run the cache
        # answers whole shows no bar (and never imports rich).
        pending: list[str] = []
        for doi in unique:
            cached = self._cached_work(doi)
            if cached is None:
                pending.append(doi)
            else:
                results[doi] = self.verify_one(doi, cached)
        if pending:
            self._report(len(results), len(unique))
            workers = max(1, min(len(pending), 8))
            with ThreadPoolExecutor(workers, thread_name_prefix="crossref") as pool:
                answers = pool.map(self.verify_one, pending)
                for doi, verification in zip(pending, answers, strict=True):
                    results[doi] = verification
                    self._report(len(results), len(unique))
        return {doi: results[doi] for doi in unique}

    def _cached_work(self, doi: str) -> Fetched | None:
        try:
            return self.client.cached_work(doi)
        except Exception:  # an unreadable cache entry: ask the service instead
            return None

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def verify_one(self, doi: str, work: Fetched | None = None) -> Verification:
        """`work`: the answer for the DOI when the cache already gave it."""
        clock = DoiClock()
        try:
            return self._verify(doi, work or self.client.work(doi, clock), clock)
        except Exception as exc:  # a bug must not become a verdict either
            return Verification(doi, Outcome.UNVERIFIED, f"internal error ({type(exc).__name__})")

    def _verify(self, doi: str, fetched: Fetched, clock: DoiClock) -> Verification:
        if fetched.status == "ok":
            record = parse_work(fetched.data)
            if record is None:
                return Verification(doi, Outcome.UNVERIFIED, "the registry's answer was not a work")
            if not _for(doi, record.doi, fetched):
                return Verification(
                    doi,
                    Outcome.UNVERIFIED,
                    "the registry answered with the record of another DOI "
                    f"({_shown(record.doi)}), not of this one",
                )
            newer, unchecked = self._newer_versions(doi, clock)
            return Verification(
                doi,
                Outcome.FOUND,
                record=record,
                newer_versions=newer,
                stale_since=fetched.cached_at if fetched.stale else "",
                versions_unchecked=unchecked,
            )
        if fetched.status == "failed":
            return Verification(doi, Outcome.UNVERIFIED, fetched.reason, silent=fetched.silent)
        agency = self.client.agency(doi, clock)
        if agency.status == "not-found":
            return Verification(doi, Outcome.NOT_FOUND)
        if agency.status == "failed":
            return Verification(
                doi,
                Outcome.UNVERIFIED,
                f"Crossref has no record and the agency lookup failed ({agency.reason})",
                silent=agency.silent,
            )
        name, label = _agency(agency)
        named = agency.data.get("DOI") if isinstance(agency.data, Mapping) else None
        if not isinstance(named, str) or not _for(doi, named.strip().lower(), agency):
            return Verification(
                doi,
                Outcome.UNVERIFIED,
                "Crossref has no record and the agency lookup answered for another DOI",
            )
        if not name:
            return Verification(
                doi,
                Outcome.UNVERIFIED,
                "Crossref has no record and the agency lookup named no agency",
            )
        if name == "crossref":
            return Verification(
                doi, Outcome.UNVERIFIED, "Crossref registered the DOI but returned no record"
            )
        return Verification(doi, Outcome.OTHER_AGENCY, label or name)

    def _newer_versions(self, doi: str, clock: DoiClock) -> tuple[tuple[str, ...], str]:
        """Later versions of a Cochrane review: .pub(N+1), .pub(N+2)... while they exist;
        and why probing stopped without an answer ("" when it did not)."""
        match = COCHRANE.match(doi)
        if match is None:
            return (), ""
        base, number = match.group(1), int(match.group(2) or 1)
        found: list[str] = []
        for version in range(number + 1, number + 1 + MAX_VERSION_PROBES):
            candidate = f"{base}.pub{version}"
            probe = self.client.work(candidate, clock)
            if probe.status == "failed":
                return tuple(found), probe.reason
            if probe.status != "ok" or not _is_record_of(candidate, probe):
                break  # not found, garbled or another's: report only what was seen
            found.append(candidate)
        return tuple(found), ""


def _for(cited: str, named: str, fetched: Fetched) -> bool:
    """Is an answer naming DOI `named` about the `cited` DOI: the same DOI, or the DOI
    the registry redirected the cited one to (an alias)?"""
    return named == cited or (bool(fetched.answered) and named == fetched.answered)


def _is_record_of(doi: str, fetched: Fetched) -> bool:
    record: WorkRecord | None = parse_work(fetched.data)
    return record is not None and _for(doi, record.doi, fetched)


def _shown(doi: str) -> str:
    """A DOI from an answer, fit to quote in a message (printable, and not a page long)."""
    text = "".join(c for c in doi if c.isprintable())
    return text if len(text) <= 100 else text[:99] + "…"


def _agency(fetched: Fetched) -> tuple[str, str]:
    message: Any = fetched.data
    agency = message.get("agency") if isinstance(message, Mapping) else None
    if not isinstance(agency, Mapping):
        return "", ""
    name = agency.get("id")
    label = agency.get("label")
    return (
        name.lower() if isinstance(name, str) else "",
        label if isinstance(label, str) else "",
    )
