"""A page's claims in words, and the references they cite as cited: what the audit needs
to name a claim by its text and a reference as the page writes it. Built only for the
audit (`run_check(..., index_claims=True)`): a check keeps no claim text."""

from __future__ import annotations

from dataclasses import dataclass

from evidencelint.content.model import Reference
from evidencelint.resolve.resolver import ReferenceEntry, ResolvedPage


@dataclass(frozen=True, slots=True)
class ClaimNote:
    id: str
    text: str
    line: int
    column: int
    cites: tuple[tuple[str, str], ...]
    """(file, key) of each reference the claim cites unambiguously."""

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "text": self.text, "line": self.line, "column": self.column}


@dataclass(frozen=True, slots=True)
class ReferenceNote:
    path: str
    key: str
    cited: str
    """The reference as the page cites it: authors, year, title."""


@dataclass(frozen=True, slots=True)
class PageIndex:
    path: str
    claims: tuple[ClaimNote, ...]
    references: tuple[ReferenceNote, ...]


def page_index(page: ResolvedPage) -> PageIndex:
    doc = page.doc
    claims = []
    cited: dict[tuple[str, str], ReferenceEntry] = {(e.path, e.key): e for e in page.local}
    for resolved in page.claims:
        where = doc.source.value((*resolved.path, "text"))
        entries = resolved.cited
        cited.update({(e.path, e.key): e for e in entries})
        claims.append(
            ClaimNote(
                id=resolved.claim.id,
                text=resolved.claim.text,
                line=where.line,
                column=where.column,
                cites=tuple((e.path, e.key) for e in entries),
            )
        )
    references = tuple(
        ReferenceNote(path, key, as_cited(entry.reference) if entry.reference else key)
        for (path, key), entry in cited.items()
    )
    return PageIndex(doc.path, tuple(claims), references)


def as_cited(reference: Reference) -> str:
    """'Linde K, Allais G et al. (2016). Acupuncture for ...': enough to find the work."""
    authors = reference.authors or []
    who = ", ".join(authors[:2]) + (" et al." if len(authors) > 2 else "")
    year = f" ({reference.year})" if reference.year else ""
    lead = f"{who}{year}. " if who or year else ""
    return f"{lead}{reference.title}"
