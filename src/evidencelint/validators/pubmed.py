"""pmid-not-found, pmid-unverified, identifier-conflict, and what PubMed adds to
metadata-mismatch: are a reference's PMID and PMCID right?

These rules read PubMed's and PMC's answers (verify/pubmed.py); they never talk to a
registry. The notices PubMed marks (`marked`) are reported by validators/integrity.py,
merged with Crossref's: one finding per notice, naming both sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from evidencelint.findings import Finding, Severity
from evidencelint.resolve.doi import normalise_doi
from evidencelint.resolve.resolver import ReferenceEntry
from evidencelint.rule import Kind, Rule
from evidencelint.validators.base import ReferenceGroup, RuleContext, report
from evidencelint.validators.dois import METADATA_MISMATCH
from evidencelint.validators.matching import compare, title_similarity
from evidencelint.verify.pubmed_record import (
    PmcRecord,
    PubmedAnswer,
    PubmedKind,
    PubmedNotice,
    PubmedRecord,
    normalise_pmcid,
    normalise_pmid,
)
from evidencelint.verify.verdicts import Outcome

PMID_NOT_FOUND = Rule(
    code="EL405",
    name="pmid-not-found",
    severity=Severity.ERROR,
    inputs=(Kind.ANSWERS,),
    summary="PubMed has no record of the cited PMID (or PMC no article of the cited PMCID)",
    why="A PMID or PMCID that names nothing sends readers nowhere; like a DOI nobody "
    "registered, it is the typical sign of a typo or of a fabricated reference.",
    example='pmid: "29198464"   # the meta-analysis is PMID 29198644',
    fix="Search PubMed for the title and copy its PMID (and PMCID, from the PMC page).",
)
PMID_UNVERIFIED = Rule(
    code="EL406",
    name="pmid-unverified",
    severity=Severity.WARNING,
    inputs=(Kind.ANSWERS,),
    summary="the PMID or PMCID could not be checked (offline, network failure, service error)",
    why="A check that could not run is neither a pass nor a failure; it is reported so that "
    "nobody mistakes silence for verification.",
    example="evidencelint check --offline   # with nothing cached",
    fix="Run the check again online; if NCBI keeps failing, the message says why.",
)
IDENTIFIER_CONFLICT = Rule(
    code="EL407",
    name="identifier-conflict",
    severity=Severity.ERROR,
    inputs=(Kind.ANSWERS,),
    summary="the reference's PMID, PMCID and DOI name different works",
    why="PubMed lists the DOI of each work it indexes and PMC the PMID of each article: when "
    "they differ from the DOI (or PMID) the reference gives, one identifier points at "
    "another work, and readers following it read something else than the claim cites.",
    example='doi: 10.1016/j.jpain.2017.11.005\npmid: "28720516"   # PubMed: PMID 28720516 '
    "is 10.1136/bmj.j2879",
    fix="Look the work up by its title in PubMed and copy its PMID, PMCID and DOI from the "
    "one record.",
)
RULES = (PMID_NOT_FOUND, PMID_UNVERIFIED, IDENTIFIER_CONFLICT)

_SAME_WORK = 0.9
"""Title similarity above which PubMed's record and the cited DOI's Crossref record are
one work (then a DOI PubMed spells differently is not a conflict)."""


def identifiers(
    entries: Iterable[ReferenceEntry],
) -> tuple[set[str], set[str]]:
    """The normalised PMIDs and PMCIDs `entries` cite, to be asked of NCBI."""
    pmids: set[str] = set()
    pmcids: set[str] = set()
    for entry in entries:
        ref = entry.reference
        if ref is None:
            continue
        if ref.pmid is not None and (pmid := normalise_pmid(ref.pmid)) is not None:
            pmids.add(pmid)
        if ref.pmcid is not None and (pmcid := normalise_pmcid(ref.pmcid)) is not None:
            pmcids.add(pmcid)
    return pmids, pmcids


def check_answers(groups: Iterable[ReferenceGroup], ctx: RuleContext) -> Iterator[Finding]:
    for group in groups:
        yield from check(group.entries, group.page, ctx)


def check(
    entries: Iterable[ReferenceEntry], page: str | None, ctx: RuleContext
) -> Iterator[Finding]:
    """Findings for the PMIDs and PMCIDs of `entries`, and PubMed's metadata for a
    reference without a DOI. (The notices PubMed marks are integrity's: it merges them
    with Crossref's.)"""
    for entry in entries:
        ref = entry.reference
        if ref is None:
            continue
        pmid = normalise_pmid(ref.pmid) if ref.pmid is not None else None
        pmcid = normalise_pmcid(ref.pmcid) if ref.pmcid is not None else None
        yield from _malformed(entry, page, ref.pmid, pmid, ref.pmcid, pmcid)
        if pmcid is not None and (pmc := ctx.pubmed.pmcids.get(pmcid)) is not None:
            yield from _pmcid(entry, page, pmcid, pmid, pmc, ctx)
        if pmid is not None and (answer := ctx.pubmed.pmids.get(pmid)) is not None:
            yield from _pmid(entry, page, pmid, answer, ctx)
        found = record_of(entry, ctx)
        if found is not None and ref.doi is None:
            yield from _metadata(entry, page, found[0])


def record_of(entry: ReferenceEntry, ctx: RuleContext) -> tuple[PubmedRecord, str] | None:
    """PubMed's record of the work and the field that leads to it: the cited PMID's, or,
    when no PMID is cited, that of the PMID PMC gives the cited PMCID."""
    ref = entry.reference
    if ref is None:
        return None
    pmid = normalise_pmid(ref.pmid) if ref.pmid is not None else None
    answer = ctx.pubmed.pmids.get(pmid) if pmid is not None else None
    found = answer is not None and answer.outcome is Outcome.FOUND
    if found and answer is not None and isinstance(answer.record, PubmedRecord):
        return answer.record, "pmid"
    pmcid = normalise_pmcid(ref.pmcid) if ref.pmcid is not None else None
    pmc = ctx.pubmed.pmcids.get(pmcid) if pmcid is not None else None
    if pmid is None and pmc is not None and isinstance(pmc.record, PmcRecord) and pmc.record.pmid:
        linked = ctx.pubmed.pmids.get(pmc.record.pmid)
        if linked is not None and isinstance(linked.record, PubmedRecord):
            return linked.record, "pmcid"
    return None


def marked(record: PubmedRecord) -> dict[PubmedKind, str]:
    """What PubMed marks the work with, each kind described in words (its notices)."""
    by_kind: dict[PubmedKind, list[PubmedNotice]] = {}
    for notice in record.notices:
        by_kind.setdefault(notice.kind, []).append(notice)
    return {kind: _describe(notices) for kind, notices in by_kind.items()}


def _malformed(
    entry: ReferenceEntry,
    page: str | None,
    cited_pmid: str | None,
    pmid: str | None,
    cited_pmcid: str | None,
    pmcid: str | None,
) -> Iterator[Finding]:
    """A PMID or PMCID that cannot be one names nothing PubMed could hold."""
    for field, cited, normal, shape in (
        ("pmid", cited_pmid, pmid, "a PMID is a number, e.g. 29198932"),
        ("pmcid", cited_pmcid, pmcid, "a PMCID is PMC and a number, e.g. PMC5927830"),
    ):
        if cited is not None and normal is None:
            shown = " ".join("".join(c if c.isprintable() else " " for c in cited).split())
            yield report(
                PMID_NOT_FOUND,
                entry.path,
                entry.field_position(field),
                f"{field} {shown[:40]!r} cannot be found in PubMed: {shape}",
                page=page,
                reference=entry.key,
                field=field,
            )


def _pmid(
    entry: ReferenceEntry, page: str | None, pmid: str, answer: PubmedAnswer, ctx: RuleContext
) -> Iterator[Finding]:
    position = entry.field_position("pmid")
    first, comparable = _unanswered(
        entry, page, "pmid", f"PMID {pmid}", answer, PubmedRecord, "is not in PubMed; check it "
        "against the work's PubMed page",
    )  # fmt: skip
    yield from first
    if not comparable:
        return
    assert isinstance(answer.record, PubmedRecord)
    record = answer.record
    cited = normalise_doi(entry.reference.doi) if entry.reference and entry.reference.doi else None
    if cited is None or not record.doi or normalise_doi(record.doi) == cited:
        return
    if _crossref_says_same_work(cited, record, ctx):
        return
    title = record.work.title if record.work else ""
    yield report(
        IDENTIFIER_CONFLICT,
        entry.path,
        position,
        f"PMID {pmid} is not the work of DOI {cited}: PubMed gives it DOI {record.doi}"
        + (f" ('{title}')" if title else "")
        + f"; {_which_is_wrong(entry, title)}",
        page=page,
        reference=entry.key,
        doi=cited,
        field="pmid",
        expected=record.doi,
        actual=cited,
    )


def _pmcid(
    entry: ReferenceEntry,
    page: str | None,
    pmcid: str,
    pmid: str | None,
    answer: PubmedAnswer,
    ctx: RuleContext,
) -> Iterator[Finding]:
    position = entry.field_position("pmcid")
    first, comparable = _unanswered(
        entry, page, "pmcid", f"PMCID {pmcid}", answer, PmcRecord, "is not an article in PMC; "
        "check it against the work's PMC page",
    )  # fmt: skip
    yield from first
    if not comparable:
        return
    assert isinstance(answer.record, PmcRecord)
    record = answer.record
    if pmid is not None and record.pmid and record.pmid != pmid:
        yield report(
            IDENTIFIER_CONFLICT,
            entry.path,
            position,
            f"PMCID {pmcid} is not the work of PMID {pmid}: PMC gives it PMID {record.pmid}; "
            "one of the two identifiers points at another work",
            page=page,
            reference=entry.key,
            field="pmcid",
            expected=record.pmid,
            actual=pmid,
        )
        return
    ref = entry.reference
    cited = normalise_doi(ref.doi) if ref is not None and ref.doi else None
    if cited is not None and record.doi and normalise_doi(record.doi) != cited:
        summary = ctx.pubmed.pmids.get(record.pmid) if record.pmid else None
        same = (
            summary is not None
            and isinstance(summary.record, PubmedRecord)
            and _crossref_says_same_work(cited, summary.record, ctx)
        )
        if not same:
            yield report(
                IDENTIFIER_CONFLICT,
                entry.path,
                position,
                f"PMCID {pmcid} is not the work of DOI {cited}: PMC gives it DOI {record.doi}; "
                "one of the two identifiers points at another work",
                page=page,
                reference=entry.key,
                doi=cited,
                field="pmcid",
                expected=record.doi,
                actual=cited,
            )


def _which_is_wrong(entry: ReferenceEntry, pubmed_title: str) -> str:
    cited = entry.reference.title if entry.reference is not None else ""
    if pubmed_title and cited and title_similarity(cited, pubmed_title) >= _SAME_WORK:
        return "PubMed's record has the cited title, so the DOI is probably the wrong one"
    return "one of the two identifiers points at another work"


def _crossref_says_same_work(cited_doi: str, record: PubmedRecord, ctx: RuleContext) -> bool:
    """The cited DOI's Crossref record has PubMed's title: one work with two DOIs (an
    alias, a re-registered DOI), not an identifier pointing elsewhere."""
    answer = ctx.answers.get(cited_doi)
    if answer is None or answer.record is None or record.work is None:
        return False
    registered = answer.record.title
    return bool(registered) and title_similarity(record.work.title, registered) >= _SAME_WORK


def _stale(entry: ReferenceEntry, page: str | None, what: str, since: str, field: str) -> Finding:
    return report(
        PMID_UNVERIFIED,
        entry.path,
        entry.field_position(field),
        f"{what} was checked against the answer cached on {since}: NCBI could not be "
        "reached, so newer changes (a retraction) would be missed",
        severity=Severity.INFO,
        page=page,
        reference=entry.key,
    )


def _metadata(entry: ReferenceEntry, page: str | None, record: PubmedRecord) -> Iterator[Finding]:
    """A reference without a DOI is compared with PubMed's record (one with a DOI is
    compared with Crossref's, and identifier-conflict says when the two differ)."""
    if entry.reference is None or record.work is None:
        return
    for mismatch in compare(entry.reference, record.work):
        yield report(
            METADATA_MISMATCH,
            entry.path,
            entry.field_position(mismatch.field),
            f"{mismatch.field} does not match the PubMed record of PMID {record.pmid}: "
            f"{mismatch.detail} (PubMed: {mismatch.expected!r}; cited: {mismatch.actual!r})",
            severity=mismatch.severity,
            page=page,
            reference=entry.key,
            field=mismatch.field,
            expected=mismatch.expected,
            actual=mismatch.actual,
        )


def _describe(notices: list[PubmedNotice]) -> str:
    parts: list[str] = []
    for notice in notices:
        text = f"'{notice.label}'"
        if notice.pmid:
            text += f" PMID {notice.pmid}"
        if notice.source:
            text += f" ({notice.source})"
        if text not in parts:
            parts.append(text)
    return "; ".join(parts)


def _unanswered(
    entry: ReferenceEntry,
    page: str | None,
    field: str,
    named: str,
    answer: PubmedAnswer,
    kind: type,
    not_found: str,
) -> tuple[list[Finding], bool]:
    """What to say of an identifier before its record is compared: not found or not
    checked (and False: there is no record to compare), or an answer served stale from
    the cache (and True), or nothing (True)."""
    position = entry.field_position(field)
    if answer.outcome is Outcome.NOT_FOUND:
        message = f"{named} {not_found}"
        return [report(PMID_NOT_FOUND, entry.path, position, message, page=page,
                       reference=entry.key)], False  # fmt: skip
    if answer.outcome is not Outcome.FOUND or not isinstance(answer.record, kind):
        message = f"{named} could not be verified: {answer.detail or 'no answer'}"
        return [report(PMID_UNVERIFIED, entry.path, position, message, page=page,
                       reference=entry.key)], False  # fmt: skip
    if answer.stale_since:
        return [_stale(entry, page, named, answer.stale_since, field)], True
    return [], True
