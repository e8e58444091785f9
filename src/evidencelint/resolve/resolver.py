"""Link each claim to the references it cites (inline and `cites:`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from evidencelint.content.documents import BibliographyDoc, PageDoc
from evidencelint.content.model import Claim, Reference
from evidencelint.findings import Position
from evidencelint.load.positions import Path, Positions
from evidencelint.resolve.authors import family_name, fold, is_et_al
from evidencelint.resolve.citation_syntax import InlineCitation, find_citations, parse_author_year
from evidencelint.resolve.doi import normalise_doi, written_doi


@dataclass(frozen=True, slots=True)
class ReferenceEntry:
    """A reference a page can cite, with where it is written."""

    key: str
    reference: Reference | None
    """None when the reference was set aside for schema errors."""
    path: str
    source: Positions
    """Where the reference's file places it (a whole SourceMap, or a detached part)."""
    shared: bool
    raw: Any = None
    """A set-aside reference as written, for matching author-year citations to it."""

    def __reduce__(self) -> tuple[type[ReferenceEntry], tuple[Any, ...]]:
        # Sent back from scan workers by the thousand (see scan.scan_pages).
        fields = (self.key, self.reference, self.path, self.source, self.shared, self.raw)
        return (ReferenceEntry, fields)

    @property
    def source_path(self) -> Path:
        return ("references", self.key)

    @property
    def position(self) -> Position:
        return self.source.key(self.source_path)

    def field_position(self, name: str) -> Position:
        return self.source.value((*self.source_path, name))

    @property
    def written_doi(self) -> str:
        """The reference's DOI as its file writes it (empty when it has none)."""
        ref = self.reference
        return written_doi(ref.doi) if ref is not None and ref.doi is not None else ""

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
        except (TypeError, ValueError, OverflowError):  # 'year: .inf' is a float
            return None

    def _first_author(self) -> str | None:
        if self.reference is not None:
            return self.reference.authors[0] if self.reference.authors else None
        authors = self.raw.get("authors") if isinstance(self.raw, Mapping) else None
        if isinstance(authors, list) and authors and isinstance(authors[0], str):
            return authors[0]
        if isinstance(authors, str) and authors.strip():
            # 'He M, Qin W, Zhao C' written as one string: its schema finding says so, and
            # [He 2022] still names this reference rather than none.
            return re.split(r"[,;]|\band\b", authors, maxsplit=1)[0].strip() or None
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


class AuthorYearIndex:
    """References looked up by first author and year, or by label.

    Built once per page for its own references and once per run for the shared ones, so
    an author-year citation costs a dictionary lookup, not a pass over every reference.
    """

    def __init__(self, entries: Iterable[ReferenceEntry]) -> None:
        self._by_name: defaultdict[tuple[str, int], list[ReferenceEntry]] = defaultdict(list)
        self._by_label: defaultdict[tuple[str, int, str], list[ReferenceEntry]] = defaultdict(list)
        for entry in entries:
            if (parts := entry.label_parts) is not None:
                self._by_label[parts].append(entry)
            if (year := entry.year) is not None:
                for key in entry.first_author_keys:
                    self._by_name[(key, year)].append(entry)

    def labelled(self, keys: frozenset[str], year: int, suffix: str) -> list[ReferenceEntry]:
        return _unique(e for key in keys for e in self._by_label.get((key, year, suffix), ()))

    def by_author_year(self, keys: frozenset[str], year: int) -> list[ReferenceEntry]:
        return _unique(e for key in keys for e in self._by_name.get((key, year), ()))


def _unique(entries: Iterable[ReferenceEntry]) -> list[ReferenceEntry]:
    return list({id(e): e for e in entries}.values())


class SharedReferences:
    """The shared bibliographies' references, indexed once per run: by key (the first
    entry of a key wins), by DOI and by author-year."""

    def __init__(self, entries: Iterable[ReferenceEntry] = ()) -> None:
        self.entries = tuple(entries)
        self.order = {id(e): i for i, e in enumerate(self.entries)}
        """Each entry's place in the bibliographies, for listing entries in that order."""
        self.by_key: dict[str, ReferenceEntry] = {}
        self.all_by_key: defaultdict[str, list[ReferenceEntry]] = defaultdict(list)
        self.by_doi: defaultdict[str, list[ReferenceEntry]] = defaultdict(list)
        for entry in self.entries:
            self.by_key.setdefault(entry.key, entry)
            self.all_by_key[entry.key].append(entry)
            doi = entry.reference.doi if entry.reference is not None else None
            if doi is not None and (normalised := normalise_doi(doi)) is not None:
                self.by_doi[normalised].append(entry)
        self.index = AuthorYearIndex(self.entries)


@dataclass(frozen=True, slots=True)
class ResolvedPage:
    doc: PageDoc
    claims: tuple[ResolvedClaim, ...]
    local: tuple[ReferenceEntry, ...]
    """The page's own references, in order."""
    local_by_key: Mapping[str, ReferenceEntry]
    shared: SharedReferences
    shared_key_clashes: tuple[tuple[ReferenceEntry, ReferenceEntry], ...]
    """(page-local, shared) pairs with the same key."""

    def can_cite(self, entry: ReferenceEntry) -> bool:
        """A shared reference is citable unless a page-local one (or an earlier shared
        one) has its key."""
        if not entry.shared:
            return self.local_by_key.get(entry.key) is entry
        return entry.key not in self.local_by_key and self.shared.by_key.get(entry.key) is entry

    def lookup(self, key: str) -> ReferenceEntry | None:
        return self.local_by_key.get(key) or self.shared.by_key.get(key)

    @property
    def available(self) -> dict[str, ReferenceEntry]:
        """Every reference the page can cite, by key: its own, then the shared ones.
        Built on demand: only hints for unresolved citations need the whole list."""
        available = dict(self.local_by_key)
        for key, entry in self.shared.by_key.items():
            available.setdefault(key, entry)
        return available

    def shared_with_dois(self, dois: Iterable[str]) -> list[ReferenceEntry]:
        """The shared references this page can cite that carry one of these DOIs, in
        bibliography order."""
        found = {id(e): e for doi in dois for e in self.shared.by_doi.get(doi, ())}
        order = self.shared.order
        return sorted((e for e in found.values() if self.can_cite(e)), key=lambda e: order[id(e)])


def shared_entries(bibliographies: Sequence[BibliographyDoc]) -> list[ReferenceEntry]:
    entries: list[ReferenceEntry] = []
    for bib in bibliographies:
        for key, ref in bib.bibliography.references.items():
            entries.append(ReferenceEntry(key, ref, bib.path, bib.source, shared=True))
        for key, raw in bib.invalid_references.items():
            entries.append(ReferenceEntry(key, None, bib.path, bib.source, shared=True, raw=raw))
    return entries


def resolve_page(
    doc: PageDoc, shared: SharedReferences | Sequence[ReferenceEntry] = ()
) -> ResolvedPage:
    """Resolve every claim's citations against the page's own references, then the
    shared ones (index them once with SharedReferences when resolving many pages)."""
    if not isinstance(shared, SharedReferences):
        shared = SharedReferences(shared)
    local = tuple(
        [
            ReferenceEntry(key, ref, doc.path, doc.source, shared=False)
            for key, ref in doc.page.references.items()
        ]
        + [
            ReferenceEntry(key, None, doc.path, doc.source, shared=False, raw=raw)
            for key, raw in doc.invalid_references.items()
        ]
    )
    local_by_key = {e.key: e for e in local}
    clashes = tuple(
        (entry, other) for entry in local for other in shared.all_by_key.get(entry.key, ())
    )
    page = ResolvedPage(doc, (), local, local_by_key, shared, clashes)
    candidates = _Candidates(AuthorYearIndex(local), page)
    claims = tuple(
        ResolvedClaim(claim, path, tuple(_resolve_claim(doc, claim, path, candidates)))
        for claim, path in zip(doc.page.claims, doc.claim_paths, strict=True)
    )
    return ResolvedPage(doc, claims, local, local_by_key, shared, clashes)


def _resolve_claim(
    doc: PageDoc, claim: Claim, path: Path, candidates: _Candidates
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
            resolutions.append(_by_key(citation, inline.key, candidates.page))
        else:
            resolutions.append(_by_author_year(citation, inline, candidates))
    for index, key in enumerate(claim.cites):
        citation = Citation(key, doc.source.value((*path, "cites", index)), key, inline=False)
        resolutions.append(_by_key(citation, key, candidates.page))
    return resolutions


def _by_key(citation: Citation, key: str, page: ResolvedPage) -> Resolution:
    entry = page.lookup(key)
    if entry is None:
        return Resolution(citation, ())
    return Resolution(citation, (entry,), set_aside=entry.reference is None)


@dataclass(frozen=True, slots=True)
class _Candidates:
    """A page's own references, then the shared ones its own keys do not shadow."""

    local: AuthorYearIndex
    page: ResolvedPage

    def labelled(self, keys: frozenset[str], year: int, suffix: str) -> list[ReferenceEntry]:
        shared = self.page.shared.index.labelled(keys, year, suffix)
        return self.local.labelled(keys, year, suffix) + self._citable(shared)

    def by_author_year(self, keys: frozenset[str], year: int) -> list[ReferenceEntry]:
        shared = self.page.shared.index.by_author_year(keys, year)
        return self.local.by_author_year(keys, year) + self._citable(shared)

    def _citable(self, shared: list[ReferenceEntry]) -> list[ReferenceEntry]:
        return [e for e in shared if self.page.can_cite(e)]


def _by_author_year(
    citation: Citation, inline: InlineCitation, candidates: _Candidates
) -> Resolution:
    keys, year, suffix = inline.name_keys, inline.year, inline.suffix
    if year is None:
        return Resolution(citation, ())
    labelled = tuple(candidates.labelled(keys, year, suffix))
    if labelled:
        return Resolution(citation, labelled)
    matches = tuple(
        e for e in candidates.by_author_year(keys, year) if not suffix or e.label_parts is None
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
        index = _bracketed(doc.text, inline.text, cursor, span.end)
        if index < 0:
            positions.append(span.position)
            continue
        cursor = index + len(inline.text)
        line = doc.text.count("\n", 0, index) + 1
        positions.append(Position(line, index - (doc.text.rfind("\n", 0, index) + 1) + 1))
    return positions


def _bracketed(text: str, part: str, start: int, end: int) -> int:
    """Where `part` first occurs in text[start:end] after '[' or ';' and blanks; -1 if
    nowhere. (A plain search: a regex per citation would thrash re's compile cache.)"""
    index = text.find(part, start, end)
    while index >= 0:
        before = index - 1
        while before >= 0 and text[before] in " \t\r\n":
            before -= 1
        if before >= 0 and text[before] in "[;":
            return index
        index = text.find(part, index + 1, end)
    return -1
