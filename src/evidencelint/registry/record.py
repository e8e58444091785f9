"""A Crossref work record, read defensively from the REST API's JSON.

Real records are irregular: titles are lists that may carry JATS/HTML tags and line
breaks, dates may be partial or `[[null]]`, fields go missing or change type. Reading
never raises: what cannot be understood is left empty.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 10_000
"""Characters kept of any text field: no real title, name or journal comes near, and the
comparisons' Unicode normalisation takes quadratic time on long runs of combining marks
(a 100,000-character garbled title took 45 s)."""
DATE_FIELDS = ("issued", "published-print", "published-online", "published")
"""Where a publication year is read. `created` is the deposit date, not a publication
date (a 2003 proceedings paper deposited in 2004), so it is never used."""


@dataclass(frozen=True, slots=True)
class Author:
    family: str
    given: str = ""
    group: bool = False
    """An organisation ('Acupuncture Trialists' Collaboration'), read from `name`."""


@dataclass(frozen=True, slots=True)
class Notice:
    """An entry of `updated-by` / `update-to`: a retraction, a correction..."""

    doi: str
    kind: str
    """Crossref's update type: retraction, withdrawal, expression_of_concern, correction..."""
    source: str
    date: str
    """YYYY[-MM[-DD]] or empty."""
    label: str = ""


@dataclass(frozen=True, slots=True)
class WorkRecord:
    doi: str
    type: str = ""
    titles: tuple[str, ...] = ()
    authors: tuple[Author, ...] = ()
    containers: tuple[str, ...] = ()
    """container-title and short-container-title together."""
    years: frozenset[int] = frozenset()
    """Every year the work is dated by (issued, print, online)."""
    volume: str = ""
    issue: str = ""
    page: str = ""
    article_number: str = ""
    updated_by: tuple[Notice, ...] = ()
    update_to: tuple[Notice, ...] = ()
    relations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.titles[0] if self.titles else ""


def parse_work(message: Any, requested_doi: str = "") -> WorkRecord | None:
    """The `message` of a /works/{doi} answer, or None when it is not a work at all."""
    if not isinstance(message, Mapping) or not _text(message.get("DOI")):
        return None  # every work Crossref serves names its DOI; anything else is garbled
    doi = _text(message.get("DOI"))
    return WorkRecord(
        doi=doi.lower(),
        type=_text(message.get("type")),
        titles=_titles(message),
        authors=_authors(message.get("author")),
        containers=_texts(message.get("container-title"))
        + _texts(message.get("short-container-title")),
        years=_years(message),
        volume=_text(message.get("volume")),
        issue=_text(message.get("issue")),
        page=_text(message.get("page")),
        article_number=_text(message.get("article-number")),
        updated_by=_notices(message.get("updated-by")),
        update_to=_notices(message.get("update-to")),
        relations=_relations(message.get("relation")),
    )


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()[:MAX_TEXT].rstrip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _texts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence):
        return ()
    return tuple(t for t in (_text(v) for v in value) if t)


def _titles(message: Mapping[str, Any]) -> tuple[str, ...]:
    """Registered titles; a subtitle kept apart (as JAMA deposits it) is joined on."""
    titles = _texts(message.get("title"))
    subtitles = _texts(message.get("subtitle"))
    if titles and subtitles:
        return (f"{titles[0]}: {subtitles[0]}", *titles)
    return titles


def _authors(value: Any) -> tuple[Author, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ()
    authors: list[Author] = []
    for entry in value:
        if not isinstance(entry, Mapping):
            continue
        family = _text(entry.get("family"))
        if family:
            authors.append(Author(family, _text(entry.get("given"))))
        elif name := _text(entry.get("name")):
            authors.append(Author(name, group=True))
    return tuple(authors)


def date_parts(value: Any) -> tuple[int, ...]:
    """{"date-parts": [[2020, 8, 17]]} -> (2020, 8, 17); partial or [[null]] -> shorter."""
    if not isinstance(value, Mapping):
        return ()
    parts = value.get("date-parts")
    if not isinstance(parts, Sequence) or not parts or not isinstance(parts[0], Sequence):
        return ()
    result: list[int] = []
    for part in parts[0]:
        if isinstance(part, bool) or not isinstance(part, int | str):
            break
        try:
            result.append(int(part))
        except ValueError:
            break
    return tuple(result)


def _years(message: Mapping[str, Any]) -> frozenset[int]:
    years = set()
    for name in DATE_FIELDS:
        parts = date_parts(message.get(name))
        if parts and 1000 <= parts[0] <= 9999:
            years.add(parts[0])
    return frozenset(years)


def _notices(value: Any) -> tuple[Notice, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ()
    notices = []
    for entry in value:
        if not isinstance(entry, Mapping):
            continue
        doi = _text(entry.get("DOI")).lower()
        kind = _text(entry.get("type")).lower().replace("-", "_")
        if not kind:
            continue
        date = _iso_date(date_parts(entry.get("updated")))
        notices.append(
            Notice(doi, kind, _text(entry.get("source")), date, _text(entry.get("label")))
        )
    return tuple(notices)


_DATE_RANGES = ((1000, 9999), (1, 12), (1, 31))


def _iso_date(parts: tuple[int, ...]) -> str:
    """(2019, 7, 26) -> '2019-07-26', cut before the first impossible part: (99999,) -> ''."""
    fields: list[str] = []
    for part, (low, high) in zip(parts, _DATE_RANGES, strict=False):
        if not low <= part <= high:
            break
        fields.append(f"{part:02d}")
    return "-".join(fields)


def _relations(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, Mapping):
        return {}
    relations: dict[str, tuple[str, ...]] = {}
    for kind, entries in value.items():
        if not isinstance(kind, str) or not isinstance(entries, Sequence):
            continue
        ids = tuple(
            doi
            for e in entries
            if isinstance(e, Mapping) and _text(e.get("id-type")).lower() == "doi"
            if (doi := _text(e.get("id")).lower())  # an entry without an id names nothing
        )
        if ids:
            relations[kind] = ids
    return relations
