"""doi-not-found, doi-not-crossref, doi-unverified, metadata-mismatch: is the DOI real?

These rules read the verification answers (see `evidencelint.verify.verdicts`); they never
talk to a registry themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from evidencelint.findings import Finding, Severity
from evidencelint.resolve.resolver import ReferenceEntry
from evidencelint.rule import Kind, Rule
from evidencelint.validators.base import ReferenceGroup, RuleContext, answered, report
from evidencelint.validators.matching import Mismatch, compare
from evidencelint.verify.verdicts import SILENT, Outcome, Verification

DOI_NOT_FOUND = Rule(
    code="EL401",
    name="doi-not-found",
    severity=Severity.ERROR,
    inputs=(Kind.ANSWERS,),
    summary="no registration agency knows the DOI",
    why="A DOI nobody registered points readers nowhere; it is the typical sign of a typo or "
    "of a fabricated reference.",
    example="doi: 10.7326/M16-2070   # the guideline's DOI is 10.7326/M16-2367",
    fix="Look the work up by its title on the publisher's site or in PubMed and copy its DOI.",
)
DOI_NOT_CROSSREF = Rule(
    code="EL402",
    name="doi-not-crossref",
    severity=Severity.INFO,
    inputs=(Kind.ANSWERS,),
    summary="the DOI is registered with another agency (DataCite, mEDRA, ...)",
    why="The DOI exists, but its metadata is not in Crossref, so the title, authors and "
    "retraction status cannot be compared automatically.",
    example="doi: 10.5284/1011335   # a DataCite DOI",
    fix="Nothing to fix; check the cited details by hand once.",
)
DOI_UNVERIFIED = Rule(
    code="EL403",
    name="doi-unverified",
    severity=Severity.WARNING,
    inputs=(Kind.ANSWERS,),
    summary="the DOI could not be checked (offline, network failure, service error)",
    why="A check that could not run is not a pass and not a failure; it is reported so that "
    "nobody mistakes silence for verification.",
    example="evidencelint check --offline   # with nothing cached",
    fix="Run the check again online; if the service keeps failing, the message says why.",
)
METADATA_MISMATCH = Rule(
    code="EL404",
    name="metadata-mismatch",
    severity=Severity.WARNING,
    inputs=(Kind.ANSWERS,),
    severity_note="error for title and first author, warning for the other fields",
    severity_label="error/warning",
    summary="the cited title, authors, year, journal, volume, issue or pages disagree with the "
    "registered record",
    why="A DOI that points at a different work than the one named means the claim cites "
    "something other than what readers are told; garbled details often reveal a citation "
    "copied from an unreliable source.",
    example="title: Acupuncture for chronic pain ...   # the DOI's record has another title",
    fix="Compare with the record the message quotes; correct the reference or the DOI.",
)
RULES = (DOI_NOT_FOUND, DOI_NOT_CROSSREF, DOI_UNVERIFIED, METADATA_MISMATCH)


Comparisons = dict[tuple[str, str], list[Mismatch]]
"""(DOI, cited reference as JSON) -> its mismatches: one work is often cited the same way
on many pages, and comparing is the costly part of these rules."""


def check_answers(groups: Iterable[ReferenceGroup], ctx: RuleContext) -> Iterator[Finding]:
    """`check` for each group of references, comparing each citation once."""
    comparisons: Comparisons = {}
    for group in groups:
        yield from check(group.entries, group.page, ctx, comparisons)


def check(
    entries: Iterable[ReferenceEntry],
    page: str | None,
    ctx: RuleContext,
    comparisons: Comparisons | None = None,
) -> Iterator[Finding]:
    """Findings for the DOIs of `entries` from the verification answers."""
    comparisons = {} if comparisons is None else comparisons
    for entry, doi, answer in answered(entries, ctx):
        position = entry.field_position("doi")
        shown = entry.written_doi or doi  # as the file writes it, for the editor to find
        if answer.outcome is Outcome.FOUND:
            yield from _found(entry, doi, answer, page, comparisons)
            continue
        if answer.outcome is Outcome.NOT_FOUND:
            yield report(
                DOI_NOT_FOUND,
                entry.path,
                position,
                f"DOI {shown} is registered nowhere (Crossref and the DOI agencies do not know "
                "it); check it against the publisher's page",
                page=page,
                reference=entry.key,
                doi=doi,
            )
        elif answer.outcome is Outcome.OTHER_AGENCY:
            yield report(
                DOI_NOT_CROSSREF,
                entry.path,
                position,
                f"DOI {shown} is registered with {answer.detail or 'another agency'}, not "
                "Crossref; its details cannot be compared automatically",
                page=page,
                reference=entry.key,
                doi=doi,
            )
        else:
            why = answer.detail or "no answer"
            yield report(
                DOI_UNVERIFIED,
                entry.path,
                position,
                f"DOI {shown} could not be verified: "
                + (f"{SILENT} ({why})" if answer.silent else why),
                page=page,
                reference=entry.key,
                doi=doi,
            )


def _found(
    entry: ReferenceEntry,
    doi: str,
    answer: Verification,
    page: str | None,
    comparisons: Comparisons,
) -> Iterator[Finding]:
    if entry.reference is None or answer.record is None:
        return
    shown = entry.written_doi or doi
    if answer.stale_since:
        yield report(
            DOI_UNVERIFIED,
            entry.path,
            entry.field_position("doi"),
            f"DOI {shown} was checked against the answer cached on {answer.stale_since}: the "
            "service could not be reached, so newer changes (a retraction) would be missed",
            severity=Severity.INFO,
            page=page,
            reference=entry.key,
            doi=doi,
        )
    if answer.versions_unchecked:
        yield report(
            DOI_UNVERIFIED,
            entry.path,
            entry.field_position("doi"),
            f"DOI {doi} is registered, but whether a newer version supersedes it could not "
            f"be checked ({answer.versions_unchecked})",
            severity=Severity.INFO,
            page=page,
            reference=entry.key,
            doi=doi,
        )
    cited = (doi, entry.reference.model_dump_json())
    if cited not in comparisons:
        comparisons[cited] = compare(entry.reference, answer.record)
    for mismatch in comparisons[cited]:
        yield report(
            METADATA_MISMATCH,
            entry.path,
            entry.field_position(mismatch.field),
            f"{mismatch.field} does not match the record of DOI {shown}: {mismatch.detail} "
            f"(registered: {mismatch.expected!r}; cited: {mismatch.actual!r})",
            severity=mismatch.severity,
            page=page,
            reference=entry.key,
            doi=doi,
            field=mismatch.field,
            expected=mismatch.expected,
            actual=mismatch.actual,
        )
