"""One imported page: what was read from it, turned into a content file's values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from evidencelint.content.model import Reference
from evidencelint.importer.claims import FoundClaim, find_claims
from evidencelint.importer.dates import parse_date, publication_date, review_date
from evidencelint.importer.references import ParsedReference, find_references
from evidencelint.importer.source import PageSource

NO_DOI_PRINTED = "the page prints no DOI"
"""How `no_doi` starts when the import found none; `fix --unsafe-fixes` may replace it."""


@dataclass(frozen=True, slots=True)
class Discovery:
    """What a search for a reference's DOI gave."""

    doi: str = ""
    """Set only when the match is certain."""
    comment: str = ""
    """The best candidate and why it was not taken, or why there was no search."""


Discover = Callable[[ParsedReference], Discovery]


@dataclass(slots=True)
class Entry:
    key: str
    values: dict[str, Any] | None
    """None when the entry cannot be written as a valid reference (see `comments`)."""
    comments: list[str] = field(default_factory=list)
    parsed: ParsedReference | None = None


@dataclass(slots=True)
class ImportedPage:
    header: list[str]
    values: dict[str, Any]
    comments: dict[str, list[str]]
    """Comments before top-level keys."""
    claims: list[FoundClaim]
    references: list[Entry]
    notes: list[str]


def build_page(source: PageSource, discover: Discover | None) -> ImportedPage:
    blocks = source.blocks
    found = find_references(blocks)
    body = blocks[: found.start] if found.start >= 0 else blocks
    texts = [b.text for b in blocks]
    notes = list(source.notes)
    entries = _entries(found.entries, discover)
    parsed = {e.key: e.parsed for e in entries if e.parsed is not None}
    claims = find_claims(body, parsed)
    written = {e.key for e in entries if e.values is not None}
    for claim in claims:
        dropped = [k for k in claim.cites if k not in written]
        claim.cites = [k for k in claim.cites if k in written]
        claim.markers += [f"[{k}] (written as a comment below)" for k in dropped]
    if found.announced is not None and found.announced != len(found.entries):
        notes.append(
            f"the page announces {found.announced} references and {len(found.entries)} were found"
        )
    title, title_comment = _title(source, texts)
    values: dict[str, Any] = {"id": _slug(title) or _slug(source.path.stem) or "page"}
    comments: dict[str, list[str]] = {}
    values["title"] = title
    if title_comment:
        comments["title"] = [title_comment]
    publisher, publisher_comment = _publisher(source, texts)
    if publisher:
        values["publisher"] = publisher
        comments["publisher"] = [publisher_comment] if publisher_comment else []
    if source.url:
        values["url"] = source.url
    values["status"] = "draft"
    comments["status"] = [
        "imported: an editor checks the claims and references, then sets `published`"
    ]
    published = publication_date(texts)
    if published is not None and published.date is not None:
        values["published"] = published.date
        comments["published"] = [f'printed "{published.printed}"']
    reviewed = review_date(texts)
    if reviewed is not None and reviewed.date is not None:
        values["last_reviewed"] = reviewed.date
        comments["last_reviewed"] = [f'printed "{reviewed.printed}"']
    elif reviewed is not None:
        comments["claims"] = [f'printed "{reviewed.printed}" ({reviewed.why_not}); not used']
    else:
        comments["claims"] = [
            "no review or update date is printed, so `last_reviewed` is not given"
            + (" (a publication date is not a review date)" if published else "")
        ]
    header = [
        "yaml-language-server: $schema=../schema/page.schema.json",
        f"Imported by `evidencelint import` from {source.path.name}",
    ]
    return ImportedPage(header, values, comments, claims, entries, notes)


def _title(source: PageSource, texts: list[str]) -> tuple[str, str]:
    if source.title:
        return source.title, ""
    for text in texts:
        match = re.match(r"^(.{1,120}?)\s+[-–—|]\s+last\s+(?:updated|reviewed)\b", text, re.I)
        if match:
            return match.group(1).strip(), ""
    topic = _topic_words(texts)
    for block in source.blocks[:10]:
        text, words = block.text, block.text.split()
        if block.list_item or not 1 <= len(words) <= 14 or ">>" in text:
            continue
        if text.endswith((".", ":", ",", ";")):
            continue
        if topic & {w.casefold() for w in re.findall(r"\w+", text)}:
            return text, ""  # the first heading-like line on what the page is about
    stem = re.sub(r"[_-]+", " ", source.path.stem).strip() or "imported page"
    return stem, "no title is printed where a title goes: the file name; write the page's title"


def _topic_words(texts: list[str]) -> set[str]:
    """The page's two most frequent words of six letters or more: what it is about."""
    from collections import Counter

    counts = Counter(
        word.casefold() for text in texts for word in re.findall(r"[^\W\d_]{6,}", text)
    )
    return {word for word, _ in counts.most_common(2)}


def _publisher(source: PageSource, texts: list[str]) -> tuple[str, str]:
    if source.publisher:
        return source.publisher, ""
    for text in reversed(texts):
        match = re.match(
            r"^(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*(.+)$", text, re.I
        )
        if match:
            name = match.group(1).strip().rstrip(".")
            name = re.sub(r"\.?\s*all rights reserved\.?$", "", name, flags=re.I).strip()
            if name:
                return name, f'from the printed "{text}" (the copyright year is not a date here)'
    return "", ""


def _entries(parsed: list[ParsedReference], discover: Discover | None) -> list[Entry]:
    entries: list[Entry] = []
    used: set[str] = set()
    for index, ref in enumerate(parsed, start=1):
        key = _unique(_key(ref, index), used)
        entries.append(_entry(key, ref, discover))
    return entries


def _entry(key: str, ref: ParsedReference, discover: Discover | None) -> Entry:
    comments: list[str] = [f"printed: {ref.printed}", *ref.notes]
    values: dict[str, Any] = {"type": ref.type}
    if ref.authors:
        values["authors"] = list(ref.authors)
    values["title"] = ref.title or ref.printed
    for name in ("journal", "year", "volume", "issue", "pages"):
        value = getattr(ref, name)
        if value not in ("", None):
            values[name] = value
    if ref.doi:
        values["doi"] = ref.doi
    elif ref.journal:  # a journal's works have DOIs: look for the one not printed
        found = discover(ref) if discover is not None else Discovery(comment="not searched")
        if found.doi:
            values["doi"] = found.doi
            comments.append(f"doi not printed; {found.comment}")
        elif ref.type in ("journal-article", "systematic-review"):
            values["no_doi"] = f"{NO_DOI_PRINTED}; {found.comment}"
        else:
            comments.append(f"{NO_DOI_PRINTED}; {found.comment}")
    for name in ("pmid", "pmcid", "url"):
        if getattr(ref, name):
            values[name] = getattr(ref, name)
    if ref.accessed_printed:
        date, why_not = parse_date(ref.accessed_printed)
        if date is not None:
            values["accessed"] = date
            comments.append(f'accessed: printed "{ref.accessed_printed}"')
        else:
            comments.append(f'accessed: printed "{ref.accessed_printed}" ({why_not}); not used')
    try:
        Reference.model_validate(values)
    except ValidationError as exc:
        problems = "; ".join(e["msg"] for e in exc.errors(include_url=False))
        comments.append(f"not written as a reference: {problems}. Complete it and uncomment it.")
        return Entry(key, None, comments + _commented(key, values), ref)
    return Entry(key, values, comments, ref)


def _commented(key: str, values: dict[str, Any]) -> list[str]:
    from evidencelint.importer.yaml_dump import dump_mapping

    return dump_mapping({key: values}).splitlines()


def _key(ref: ParsedReference, index: int) -> str:
    first = ref.authors[0] if ref.authors else ""
    if first and len(first.split()) <= 3 and ref.year:
        name = _ascii(first.split()[0])
    else:
        name = "".join(w[0] for w in _ascii(first).split() if w[:1].isalpha()) or "ref"
    word = next(
        (w for w in re.findall(r"[a-z]{4,}", _ascii(ref.title).lower()) if w not in _COMMON),
        "",
    )
    key = f"{name.lower()}{ref.year or ''}{word}"
    return key if re.match(r"^[a-z0-9]", key) else f"ref{index}"


_COMMON = frozenset(
    {"acupuncture", "with", "from", "that", "this", "what", "effect", "effects", "study"}
    | {"efficacy", "the", "update", "patient", "version", "anatomical", "evidence"}
)


def _unique(key: str, used: set[str]) -> str:
    candidate, n = key, 2
    while candidate in used:
        candidate, n = f"{key}-{n}", n + 1
    used.add(candidate)
    return candidate


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _ascii(text).lower()).strip("-")[:80].strip("-")
