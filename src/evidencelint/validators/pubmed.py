"""pmid-not-found, pmid-unverified, identifier-conflict, and what PubMed adds to
metadata-mismatch and to the notices (retracted, expression-of-concern, corrected,
superseded): are a reference's PMID and PMCID right, and is the work still current?

These rules read PubMed's and PMC's answers (verify/pubmed.py); they never talk to a
registry. A notice PubMed marks is merged with the finding Crossref's record gave for
the same reference and rule: one finding per notice, naming both sources.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence

from evidencelint.findings import Finding, Severity
from evidencelint.resolve.doi import normalise_doi
from evidencelint.resolve.resolver import ReferenceEntry
from evidencelint.rule import Rule
from evidencelint.validators import integrity
from evidencelint.validators.base import RuleContext, report
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

_RULE_OF_KIND = {
    PubmedKind.RETRACTED: integrity.RETRACTED,
    PubmedKind.EXPRESSION_OF_CONCERN: integrity.EXPRESSION_OF_CONCERN,
    PubmedKind.CORRECTED: integrity.CORRECTED,
    PubmedKind.SUPERSEDED: integrity.SUPERSEDED,
}
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


def check(
    entries: Iterable[ReferenceEntry],
    page: str | None,
    ctx: RuleContext,
    crossref_findings: Sequence[Finding] = (),
) -> tuple[list[Finding], dict[int, Finding]]:
    """Findings for the PMIDs and PMCIDs of `entries`, and the Crossref findings (by
    index in `crossref_findings`) rewritten to name PubMed too."""
    found: list[Finding] = []
    merged: dict[int, Finding] = {}
    index = {
        (f.path, f.page, f.reference, f.name): i
        for i, f in enumerate(crossref_findings)
        if f.reference is not None
    }
    for entry in entries:
        ref = entry.reference
        if ref is None:
            continue
        pmid = normalise_pmid(ref.pmid) if ref.pmid is not None else None
        pmcid = normalise_pmcid(ref.pmcid) if ref.pmcid is not None else None
        found += _malformed(entry, page, ref.pmid, pmid, ref.pmcid, pmcid)
        summary: PubmedRecord | None = None
        if pmcid is not None:
            pmc = ctx.pubmed.pmcids.get(pmcid)
            if pmc is not None:
                found += _pmcid(entry, page, pmcid, pmid, pmc, ctx)
                if pmid is None and isinstance(pmc.record, PmcRecord) and pmc.record.pmid:
                    linked = ctx.pubmed.pmids.get(pmc.record.pmid)
                    if linked is not None and isinstance(linked.record, PubmedRecord):
                        summary = linked.record
        if pmid is not None:
            answer = ctx.pubmed.pmids.get(pmid)
            if answer is not None:
                found += _pmid(entry, page, pmid, answer, ctx)
                if answer.outcome is Outcome.FOUND and isinstance(answer.record, PubmedRecord):
                    summary = answer.record
        if summary is None:
            continue
        if ref.doi is None:
            found += _metadata(entry, page, summary)
        for rule, notices in _notices(summary).items():
            key = (entry.path, page, entry.key, rule.name)
            text = _describe(summary.pmid, notices)
            if key in index:
                i = index[key]
                original = merged.get(i, crossref_findings[i])
                merged[i] = dataclasses.replace(
                    original, message=f"{original.message} (PubMed marks it too: {text})"
                )
            else:
                field = "pmid" if pmid is not None else "pmcid"
                found.append(
                    report(
                        rule,
                        entry.path,
                        entry.field_position(field),
                        f"PMID {summary.pmid} {_VERB[rule.name]} in PubMed: {text}; "
                        f"{integrity._ADVICE[rule.name]}",
                        page=page,
                        reference=entry.key,
                        doi=normalise_doi(ref.doi) if ref.doi else None,
                    )
                )
    return found, merged


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


def _notices(record: PubmedRecord) -> dict[Rule, list[PubmedNotice]]:
    by_rule: dict[Rule, list[PubmedNotice]] = {}
    for notice in record.notices:
        by_rule.setdefault(_RULE_OF_KIND[notice.kind], []).append(notice)
    return by_rule


_VERB = {
    integrity.RETRACTED.name: "is marked retracted",
    integrity.EXPRESSION_OF_CONCERN.name: "is marked with an expression of concern",
    integrity.CORRECTED.name: "is marked corrected",
    integrity.SUPERSEDED.name: "is marked updated",
}


def _describe(pmid: str, notices: list[PubmedNotice]) -> str:
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
