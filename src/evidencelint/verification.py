"""The seam between the registry and the rules.

Rules never talk to a registry: they receive, for each normalised DOI, one
`Verification`. Producing those answers (HTTP, cache, rate limits) is the registry
client's job; until it exists, only DOI syntax is checked online, and offline every
DOI is unverified, as the command-line contract says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


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


class Verifier(Protocol):
    def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
        """Answer for each distinct normalised DOI; a DOI left out gets no finding."""
        ...


class SyntaxOnly:
    """No registry: rules see no answers and only DOI syntax is checked."""

    def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
        return {}


class OfflineNoCache:
    """--offline with nothing cached: every DOI is unverified (never 'not found')."""

    def verify(self, dois: Iterable[str]) -> Mapping[str, Verification]:
        return {
            doi: Verification(doi, Outcome.UNVERIFIED, "offline, and no cached answer")
            for doi in dois
        }
