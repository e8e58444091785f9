"""Crossref's `query.bibliographic` search: the URL, and its answer read into candidates.

`CrossrefClient.search` sends the request (the only network code stays in client.py);
this module builds the URL and reads the answer defensively, as record.py reads a work.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from evidencelint.verify.record import WorkRecord, parse_work

MAX_QUERY = 1000
"""Characters of a printed reference sent as the query: a reference is far shorter, and
an overlong URL is refused by servers."""


def is_search_url(url: str) -> bool:
    """A `query.bibliographic` request (its answer is a work-list, not a DOI's record)."""
    return "/works?" in url and "query.bibliographic=" in url


def search_url(base_url: str, bibliographic: str, rows: int = 5) -> str:
    query = " ".join(bibliographic.split())[:MAX_QUERY]
    return f"{base_url.rstrip('/')}/works?" + urlencode(
        {"query.bibliographic": query, "rows": str(rows)}
    )


@dataclass(frozen=True, slots=True)
class Candidate:
    record: WorkRecord
    score: float
    doi: str
    """As Crossref spells it (the record's is lower-cased for comparison)."""


def candidates(message: Any) -> list[Candidate]:
    """The scored items of a work-list answer, best first; garbled items are skipped."""
    if not isinstance(message, Mapping):
        return []
    items = message.get("items")
    if not isinstance(items, Sequence) or isinstance(items, str):
        return []
    found: list[Candidate] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        record = parse_work(item)
        score = item.get("score")
        if record is None or isinstance(score, bool) or not isinstance(score, int | float):
            continue
        if not math.isfinite(score) or score < 0:
            continue
        doi = item.get("DOI")
        found.append(
            Candidate(record, float(score), doi.strip() if isinstance(doi, str) else record.doi)
        )
    return sorted(found, key=lambda c: c.score, reverse=True)
