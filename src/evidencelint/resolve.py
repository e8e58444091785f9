"""Link each claim to the references it cites (inline and `cites:`)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evidencelint.citation_syntax import InlineCitation, find_citations, parse_author_year
from evidencelint.documents import BibliographyDoc, PageDoc
from evidencelint.findings import Position
from evidencelint.model import Claim, Reference
from evidencelint.names import family_name, fold, is_et_al
from evidencelint.sourcemap import Path, SourceMap


@dataclass(frozen=True, slots=True)
class ReferenceEntry:
    """A reference a page can cite, with where it is written."""

    key: str
    reference: Reference | None
    """None when the reference was set aside for schema errors."""
    path: str
    source: SourceMap
    shared: bool
    raw: Any = None
    """A set-aside reference as written, for matching author-year citations to it."""

    @property
    def source_path(self) -> Path:
        return ("references", self.key)

    @property
    def position(self) -> Position:
        return self.source.key(self.source_path)

    def field_position(self, name: str) -> Position:
        return self.source.value((*self.source_path, name))

    @property
    def first_family_key(self) -> str | None:
        first = self._first_author()
        if first is None or is_et_al(first):
            return None
        return fold(family_name(first))

    @property
    def first_author_keys(self) -> frozenset[str]:
        """The first author's family name and whole name, folded: an organisation such
        as 'Cancer Research UK' is cited whole, not by a 'family name'."""
        first = self._first_author()
        if first is None or is_et_al(first):
            return frozenset()
        return frozenset({fold(family_name(first)), fold(first)})

    @property
    def year(self) -> int | None:
        if self.reference is not None:
            return self.reference.year
        year = self.raw.get("year") if isinstance(self.raw, Mapping) else None
        try:
            return int(year) if year is not None and not isinstance(year, bool) else None
        except (TypeError, ValueError):
            return None

    def _first_author(self) -> str | None:
        if self.reference is not None:
            return self.reference.authors[0] if self.reference.authors else None
        authors = self.raw.get("authors") if isinstance(self.raw, Mapping) else None
        if isinstance(authors, list) and authors and isinstance(authors[0], str):
            return authors[0]
        return None

    @property
    def label_parts(self) -> tuple[str, int, str] | None:
        ref = self.reference
        if ref is None or ref.label is None:
            return None
        parsed = parse_author_year(ref.label)
        return (fold(parsed.name), parsed.year, parsed.suffix) if parsed else None


@dataclass(frozen=True, slots=True)
class Citation:
    text: str
    position: Position
    key: str | None
    family: str | None = None
    year: int | None = None
    suffix: str = ""
    inline: bool = True


@dataclass(frozen=True, slots=True)
class Resolution:
    citation: Citation
    matches: tuple[ReferenceEntry, ...]
    set_aside: bool = False
    """The citation names a reference that was set aside for schema errors."""


@dataclass(frozen=True, slots=True)
class ResolvedClaim:
    claim: Claim
    path: Path
    resolutions: tuple[Resolution, ...]

    @property
    def cited(self) -> tuple[ReferenceEntry, ...]:
        """The references this claim cites unambiguously, without repeats."""
        seen: dict[str, ReferenceEntry] = {}
        for resolution in self.resolutions:
            if len(resolution.matches) == 1:
                entry = resolution.matches[0]
                seen.setdefault(f"{entry.path}\0{entry.key}", entry)
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class ResolvedPage:
    doc: PageDoc
    claims: tuple[ResolvedClaim, ...]
    available: Mapping[str, ReferenceEntry]
    """Every reference the page can cite, by key: its own, then the shared ones."""
    shared_key_clashes: tuple[tuple[ReferenceEntry, ReferenceEntry], ...]
    """(page-local, shared) pairs with the same key."""

    @property
    def local(self) -> tuple[ReferenceEntry, ...]:
        return tuple(e for e in self.available.values() if not e.shared)


def shared_entries(bibliographies: Sequence[BibliographyDoc]) -> list[ReferenceEntry]:
    entries: list[ReferenceEntry] = []
    for bib in bibliographies:
        for key, ref in bib.bibliography.references.items():
            entries.append(ReferenceEntry(key, ref, bib.path, bib.source, shared=True))
        for key, raw in bib.invalid_references.items():
            entries.append(ReferenceEntry(key, None, bib.path, bib.source, shared=True, raw=raw))
    return entries


def resolve_page(doc: PageDoc, shared: Sequence[ReferenceEntry]) -> ResolvedPage:
    local = [
        ReferenceEntry(key, ref, doc.path, doc.source, shared=False)
        for key, ref in doc.page.references.items()
    ] + [
        ReferenceEntry(key, None, doc.path, doc.source, shared=False, raw=raw)
        for key, raw in doc.invalid_references.items()
    ]
    available: dict[str, ReferenceEntry] = {e.key: e for e in local}
    clashes: list[tuple[ReferenceEntry, ReferenceEntry]] = []
    for entry in shared:
        if entry.key in available and not available[entry.key].shared:
            clashes.append((available[entry.key], entry))
        else:
            available.setdefault(entry.key, entry)
    candidates = tuple(available.values())
    claims = tuple(
        ResolvedClaim(claim, path, tuple(_resolve_claim(doc, claim, path, available, candidates)))
        for claim, path in zip(doc.page.claims, doc.claim_paths, strict=True)
    )
    return ResolvedPage(doc, claims, available, tuple(clashes))


def _resolve_claim(
    doc: PageDoc,
    claim: Claim,
    path: Path,
    by_key: Mapping[str, ReferenceEntry],
    candidates: tuple[ReferenceEntry, ...],
) -> list[Resolution]:
    resolutions: list[Resolution] = []
    inlines = find_citations(claim.text)
    positions = _inline_positions(doc, (*path, "text"), inlines)
    for inline, position in zip(inlines, positions, strict=True):
        citation = Citation(
            inline.text,
            position,
            inline.key,
            inline.family,
            inline.year,
            inline.suffix,
        )
        if inline.key is not None:
            resolutions.append(_by_key(citation, inline.key, by_key))
        else:
            resolutions.append(_by_author_year(citation, inline, candidates))
    for index, key in enumerate(claim.cites):
        citation = Citation(key, doc.source.value((*path, "cites", index)), key, inline=False)
        resolutions.append(_by_key(citation, key, by_key))
    return resolutions


def _by_key(citation: Citation, key: str, by_key: Mapping[str, ReferenceEntry]) -> Resolution:
    entry = by_key.get(key)
    if entry is None:
        return Resolution(citation, ())
    return Resolution(citation, (entry,), set_aside=entry.reference is None)


def _by_author_year(
    citation: Citation, inline: InlineCitation, candidates: tuple[ReferenceEntry, ...]
) -> Resolution:
    keys, year, suffix = inline.name_keys, inline.year, inline.suffix
    labelled = tuple(
        e
        for e in candidates
        if (parts := e.label_parts) is not None and parts[0] in keys and parts[1:] == (year, suffix)
    )
    if labelled:
        return Resolution(citation, labelled)
    matches = tuple(
        e
        for e in candidates
        if e.year == year and e.first_author_keys & keys and (not suffix or e.label_parts is None)
    )
    if matches and all(e.reference is None for e in matches):
        return Resolution(citation, matches, set_aside=True)
    return Resolution(citation, tuple(e for e in matches if e.reference is not None))


def _inline_positions(
    doc: PageDoc, text_path: Path, inlines: Sequence[InlineCitation]
) -> list[Position]:
    """Each citation's own line and column, where the source shows it verbatim.

    The source is searched left to right for each citation in turn, inside a bracket
    ('[' or ';' before it), so repeated citations and prose with the same words are
    placed right. A citation broken across lines of a folded scalar falls back to the
    start of the text.
    """
    span = doc.source.span(text_path)
    if span is None:
        return [doc.source.value(text_path)] * len(inlines)
    positions: list[Position] = []
    cursor = span.start
    for inline in inlines:
        pattern = re.compile(r"(?<=[\[;])\s*(" + re.escape(inline.text) + ")")
        found = pattern.search(doc.text, cursor, span.end)
        if found is None:
            positions.append(span.position)
            continue
        index = found.start(1)
        cursor = found.end(1)
        line = doc.text.count("\n", 0, index) + 1
        positions.append(Position(line, index - (doc.text.rfind("\n", 0, index) + 1) + 1))
    return positions
