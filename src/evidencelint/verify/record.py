"""A Crossref work record, read defensively from the REST API's JSON.

Real records are irregular: titles are lists that may carry JATS/HTML tags and line
breaks, dates may be partial or `[[null]]`, fields go missing or change type. Reading
never raises: what cannot be understood is left empty.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from evidencelint.resolve.authors import family_name, without_suffix

MAX_TEXT = 10_000
"""Characters kept of any text field: no real title, name or journal comes near, and the
comparisons' Unicode normalisation takes quadratic time on long runs of combining marks
(a 100,000-character garbled title took 45 s)."""
DATE_FIELDS = ("issued", "published-print", "published-online", "published")
"""Where a publication year is read. `created` is the deposit date, not a publication
date (a 2003 proceedings paper deposited in 2004), so it is never used."""
ISSUE_DATE_FIELDS = ("published-print", "published-online")
"""Dates of the issue (`journal-issue`): the year printed on it, which reference lists cite,
can differ from the article's own dates (an article online in December, in the January
issue)."""
_TAG = re.compile(r"<[^<>]+>")
_ORGANISATION = re.compile(
    r"\b(?:collaborat\w*|group|committee|society|association|institut\w*|organi[sz]ation"
    r"|council|network|consortium|trialists|investigators|team|study|cent(?:re|er)s?"
    r"|universit\w*|department|board|agency|foundation|college|academy|federation|panel"
    r"|alliance|project|programme|program|initiative|force|writing|working|office|service"
    r"|ministry|national|international|world|health|research|hospital|authors|members"
    r"|and|of|for|the|on|in|und|et)\b"
    r"|[\d&@]",
    re.IGNORECASE,
)
"""What marks a `name` as an organisation rather than a person deposited as one name."""


@dataclass(frozen=True, slots=True)
class Author:
    family: str
    given: str = ""
    group: bool = False
    """An organisation ('Acupuncture Trialists' Collaboration'), read from `name`; a person
    deposited as one `name` ('John A. Smith', 'Smith, John A.') is read as a person."""


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
    """Every year the work is dated by (issued, print, online, the issue's print and online)."""
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


def parse_work(message: Any) -> WorkRecord | None:
    """The `message` of a /works/{doi} answer, or None when it is not a work at all."""
    if not isinstance(message, Mapping) or not _text(message.get("DOI")):
        return None  # every work Crossref serves names its DOI; anything else is garbled
    doi = _text(message.get("DOI"))
    return WorkRecord(
        doi=doi.lower(),
        type=_text(message.get("type")),
        titles=_titles(message),
        authors=_authors(message.get("author")),
        containers=tuple(
            dict.fromkeys(
                _texts(message.get("container-title"), plain=True)
                + _texts(message.get("short-container-title"), plain=True)
            )
        ),
        years=_years(message),
        volume=_text(message.get("volume"), plain=True),
        issue=_text(message.get("issue"), plain=True),
        page=_text(message.get("page"), plain=True),
        article_number=_text(message.get("article-number"), plain=True),
        updated_by=_notices(message.get("updated-by")),
        update_to=_notices(message.get("update-to")),
        relations=_relations(message.get("relation")),
    )


def _text(value: Any, *, plain: bool = False) -> str:
    """A text field, or ''. `plain`: without markup and entities, which publishers put in
    any field ('Obstetrics &amp; Gynecology', '<i>Annals</i> of ...', 'M&#252;ller')."""
    if isinstance(value, str):
        text = value.strip()[:MAX_TEXT]
        if plain:
            text = " ".join(_TAG.sub(" ", html.unescape(html.unescape(text))).split())
            text = _unmangled(text)
        return text.rstrip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


_MOJIBAKE = re.compile("[\u00c2-\u00c5][\u0080-\u00bf\u0152-\u02dc\u2013-\u203a\u20ac\u2122]")
"""UTF-8 read as Latin-1 or Windows-1252 ('LaniÅ¡nik' for 'Lanišnik'), as some deposits
are: a lead byte Â-Å followed by what was a continuation byte."""


def _unmangled(text: str) -> str:
    if _MOJIBAKE.search(text) is None:
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text


def _texts(value: Any, *, plain: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence):
        return ()
    return tuple(t for t in (_text(v, plain=plain) for v in value) if t)


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
        family = _text(entry.get("family"), plain=True)
        given = _text(entry.get("given"), plain=True)
        if family:
            authors.append(_person(family, given))
        elif name := _text(entry.get("name"), plain=True):
            authors.append(_named(name))
    return tuple(authors)


def _person(family: str, given: str) -> Author:
    """'Smith Jr' -> Smith; initials deposited inside `family` ('Smith JA', 'J.A. Smith')
    with no `given` -> Smith, JA."""
    family = without_suffix(family)
    if not given and len(family.split()) > 1 and _ORGANISATION.search(family):
        return Author(family, group=True)  # 'The Editors of The Lancet' deposited as family
    if not given and len(family.split()) > 1:
        core = family_name(family)
        if core and core != family:
            rest = family.replace(core, " ", 1)
            return Author(core, " ".join(rest.split()))
    return Author(family, given)


def _named(name: str) -> Author:
    """A `name`: an organisation, or a person deposited as one name."""
    words = name.replace(",", " ").split()
    if _ORGANISATION.search(name) or not 2 <= len(words) <= 5 or name.count(",") > 1:
        return Author(name, group=True)
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        return _person(family, given) if family else Author(name, group=True)
    core = family_name(name)
    if core != name:
        return _person(name, "")  # 'Smith JA', 'J. A. Smith'
    return Author(words[-1], " ".join(words[:-1]))  # 'John A. Smith'


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
    issue = message.get("journal-issue")
    dates = [message.get(name) for name in DATE_FIELDS]
    if isinstance(issue, Mapping):
        dates += [issue.get(name) for name in ISSUE_DATE_FIELDS]
    years = set()
    for date in dates:
        parts = date_parts(date)
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
