"""PubMed and PMC answers, read defensively: an E-utilities esummary document summary
(db=pubmed, retmode=json, version 0.3) and a PMC ID Converter record.

Real summaries are irregular like Crossref's records: fields go missing, change type,
or hold "" for "none". Reading never raises; what cannot be understood is left empty.
The summary is also read as a `WorkRecord`, so that a citation is compared with PubMed's
metadata by the very matching that compares it with Crossref's (evidencelint.validators.matching).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from evidencelint.verify.record import MAX_TEXT, Author, WorkRecord
from evidencelint.verify.verdicts import Outcome

PMID = re.compile(r"^[1-9][0-9]{0,9}$")
PMCID = re.compile(r"^PMC[1-9][0-9]{0,9}$")


def normalise_pmid(value: str) -> str | None:
    """'29198644', ' PMID: 29198644' -> '29198644'; anything else None."""
    text = re.sub(r"^\s*pmid\s*:?\s*", "", str(value), flags=re.I).strip()
    return text if PMID.match(text) else None


def normalise_pmcid(value: str) -> str | None:
    """'PMC5927814', 'pmc5927814', '5927814' -> 'PMC5927814'; anything else None."""
    text = re.sub(r"^\s*pmcid\s*:?\s*", "", str(value), flags=re.I).strip().upper()
    if text.isdigit():
        text = f"PMC{text}"
    return text if PMCID.match(text) else None


class PubmedKind(StrEnum):
    """What PubMed says about the work; each maps to a rule of validators/integrity.py."""

    RETRACTED = "retracted"
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    CORRECTED = "corrected"
    SUPERSEDED = "superseded"


_PUBTYPES = {"retracted publication": PubmedKind.RETRACTED}
"""Publication types marking the cited work itself. ("Retraction of Publication",
"Expression of Concern" and "Published Erratum" are the types of the notices, not of the
works they are about.)"""
_REFTYPES = {
    "retraction in": PubmedKind.RETRACTED,
    "partial retraction in": PubmedKind.RETRACTED,
    "retracted and republished in": PubmedKind.RETRACTED,
    "expression of concern in": PubmedKind.EXPRESSION_OF_CONCERN,
    "erratum in": PubmedKind.CORRECTED,
    "corrected and republished in": PubmedKind.CORRECTED,
    "update in": PubmedKind.SUPERSEDED,
}
"""Comment/correction links from the cited work to a later notice or version."""


@dataclass(frozen=True, slots=True)
class PubmedNotice:
    kind: PubmedKind
    label: str
    """As PubMed writes it: 'Retraction in', 'Retracted Publication' (a type)."""
    pmid: str = ""
    """The notice's (or newer version's) PMID, when PubMed links one."""
    source: str = ""
    """Where the notice is published, as PubMed cites it ('Lancet. 2010;375(9713):445')."""


@dataclass(frozen=True, slots=True)
class PubmedRecord:
    pmid: str
    doi: str = ""
    """PubMed's DOI for the work, lower case; empty when it lists none."""
    pmcid: str = ""
    work: WorkRecord | None = None
    notices: tuple[PubmedNotice, ...] = ()


def parse_summary(document: Any, pmid: str) -> PubmedRecord | None:
    """The summary of `pmid` in an esummary JSON document; None when it holds none (an
    unknown PMID comes back as {"uid": ..., "error": "cannot get document summary"})."""
    result = document.get("result") if isinstance(document, Mapping) else None
    summary = result.get(pmid) if isinstance(result, Mapping) else None
    if not isinstance(summary, Mapping) or summary.get("error") is not None:
        return None
    if _text(summary.get("uid")) != pmid:
        return None
    ids = _article_ids(summary.get("articleids"))
    doi = ids.get("doi", "").lower()
    work = WorkRecord(
        doi=doi,
        type="journal-article",
        titles=tuple(t for t in (_text(summary.get("title")).rstrip("."),) if t),
        authors=_authors(summary.get("authors")),
        containers=tuple(
            t for t in (_text(summary.get("fulljournalname")), _text(summary.get("source"))) if t
        ),
        years=_years(summary),
        volume=_text(summary.get("volume")),
        issue=_text(summary.get("issue")),
        page=_text(summary.get("pages")),
        article_number=_elocation(summary.get("elocationid")),
    )
    pmcid = normalise_pmcid(ids.get("pmc", "")) or ""
    return PubmedRecord(pmid, doi, pmcid, work, _notices(summary))


def summary_uids(document: Any) -> set[str]:
    """The PMIDs a summary document answers about, found or not (result.uids, and keys)."""
    result = document.get("result") if isinstance(document, Mapping) else None
    if not isinstance(result, Mapping):
        return set()
    uids = {u for u in result.get("uids", ()) if isinstance(u, str)}
    return uids | {k for k, v in result.items() if k != "uids" and isinstance(v, Mapping)}


@dataclass(frozen=True, slots=True)
class PmcRecord:
    pmcid: str
    pmid: str = ""
    doi: str = ""


def parse_idconv(document: Any, pmcid: str) -> PmcRecord | bool | None:
    """The PMC ID Converter's record for `pmcid`: a PmcRecord; False when PMC says the
    identifier is not one of its articles; None when the answer does not say."""
    records = document.get("records") if isinstance(document, Mapping) else None
    if not isinstance(records, Sequence) or isinstance(records, str):
        return None
    for record in records:
        if not isinstance(record, Mapping):
            continue
        asked = normalise_pmcid(_text(record.get("requested-id")) or _text(record.get("pmcid")))
        if asked != pmcid:
            continue
        if _text(record.get("status")).lower() == "error":
            return False
        return PmcRecord(
            pmcid,
            normalise_pmid(_text(record.get("pmid"))) or "",
            _text(record.get("doi")).lower(),
        )
    return None


def _text(value: Any) -> str:
    """One line of printable text: a title or notice with a line break or a control
    character in it must not start a line of its own in the report."""
    if isinstance(value, str):
        printable = "".join(c if c.isprintable() else " " for c in value[: MAX_TEXT * 2])
        return " ".join(printable.split())[:MAX_TEXT]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _article_ids(value: Any) -> dict[str, str]:
    ids: dict[str, str] = {}
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ids
    for entry in value:
        if isinstance(entry, Mapping):
            kind, text = _text(entry.get("idtype")).lower(), _text(entry.get("value"))
            if kind and text:
                ids.setdefault(kind, text)
    return ids


def _authors(value: Any) -> tuple[Author, ...]:
    """PubMed writes 'Linde K' (family name, initials) or a collective name."""
    if not isinstance(value, Sequence) or isinstance(value, str):
        return ()
    authors: list[Author] = []
    for entry in value:
        if not isinstance(entry, Mapping):
            continue
        name = _text(entry.get("name"))
        if not name:
            continue
        if _text(entry.get("authtype")).lower() == "collectivename":
            authors.append(Author(name, group=True))
            continue
        family, _, initials = name.rpartition(" ")
        if family and initials.isupper() and initials.isalpha() and len(initials) <= 4:
            authors.append(Author(family, initials))
        else:
            authors.append(Author(name))
    return tuple(authors)


_YEAR = re.compile(r"^\s*(\d{4})\b")


def _years(summary: Mapping[str, Any]) -> frozenset[int]:
    years = set()
    for name in ("pubdate", "epubdate", "sortpubdate"):
        match = _YEAR.match(_text(summary.get(name)))
        if match and 1000 <= int(match.group(1)) <= 9999:
            years.add(int(match.group(1)))
    return frozenset(years)


def _elocation(value: Any) -> str:
    """'pii: e4375. doi: 10.7717/peerj.4375' -> 'e4375' (an article number), else ''."""
    for part in _text(value).split("."):
        kind, _, text = part.strip().partition(":")
        if kind.strip().lower() == "pii" and text.strip():
            return text.strip()
    return ""


def _notices(summary: Mapping[str, Any]) -> tuple[PubmedNotice, ...]:
    notices: list[PubmedNotice] = []
    types = summary.get("pubtype")
    if isinstance(types, Sequence) and not isinstance(types, str):
        for kind in types:
            label = _text(kind)
            if (mapped := _PUBTYPES.get(label.lower())) is not None:
                notices.append(PubmedNotice(mapped, label))
    links = summary.get("references")
    if isinstance(links, Sequence) and not isinstance(links, str):
        for link in links:
            if not isinstance(link, Mapping):
                continue
            label = _text(link.get("reftype"))
            if (mapped := _REFTYPES.get(label.lower())) is None:
                continue
            pmid = normalise_pmid(_text(link.get("pmid"))) or ""
            notices.append(PubmedNotice(mapped, label, pmid, _text(link.get("refsource"))))
    return tuple(notices)


@dataclass(frozen=True, slots=True)
class PubmedAnswer:
    """What PubMed (or PMC) said about one identifier."""

    outcome: Outcome
    record: PubmedRecord | PmcRecord | None = None
    detail: str = ""
    """Why the identifier could not be checked (UNVERIFIED)."""
    stale_since: str = ""


@dataclass(frozen=True, slots=True)
class PubmedAnswers:
    pmids: Mapping[str, PubmedAnswer] = field(default_factory=dict)
    pmcids: Mapping[str, PubmedAnswer] = field(default_factory=dict)
