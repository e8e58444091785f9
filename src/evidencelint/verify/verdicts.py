"""The seam between the registry and the rules.

Rules never talk to a registry: they receive, for each normalised DOI, one
`Verification`. Producing those answers (HTTP, cache, rate limits) is the job of
`evidencelint.verify`; `OfflineNoCache` serves a run that cannot ask a registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from evidencelint.verify.record import WorkRecord


class Outcome(StrEnum):
    FOUND = "found"
    NOT_FOUND = "not-found"
    OTHER_AGENCY = "other-agency"
    UNVERIFIED = "unverified"


@dataclass(frozen=True, slots=True)
class Verification:
    doi: str
    outcome: Outcome
    detail: str = ""
    """The registration agency (OTHER_AGENCY) or why the DOI could not be checked."""
    record: WorkRecord | None = None
    """The registered metadata (FOUND)."""
    newer_versions: tuple[str, ...] = ()
    """DOIs of later versions found by probing (Cochrane .pubN+1, ...), oldest first."""
    versions_unchecked: str = ""
    """Why probing for a later version stopped without an answer (FOUND): whether the
    work is superseded is then unknown, which is no 'not superseded'."""
    stale_since: str = ""
    """Set when the answer is an expired cached one, used because the service failed."""
    silent: bool = False
    """UNVERIFIED because the service gave no answer in time (as opposed to a wrong one)."""


SILENT = "Crossref did not answer"
"""How a `doi-unverified` message says that the service gave no answer in time (the text
report counts those DOIs in one line)."""
OFFLINE_NO_CACHE = "offline, and no cached answer"
"""Why an identifier was not checked by a run asked not to use the network."""


class Verifier(Protocol):
    def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
        """Answer for each distinct normalised DOI; a DOI left out gets no finding."""
        ...


class OfflineNoCache:
    """--offline with nothing cached: every DOI is unverified (never 'not found')."""

    def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
        return {doi: Verification(doi, Outcome.UNVERIFIED, OFFLINE_NO_CACHE) for doi in dois}
