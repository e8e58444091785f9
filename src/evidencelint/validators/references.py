"""reference-unused, reference-duplicate, doi-invalid: is the reference list sound?"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from evidencelint.findings import Finding, Severity
from evidencelint.resolve.doi import check_doi
from evidencelint.resolve.resolver import ReferenceEntry, ResolvedPage
from evidencelint.rule import Kind, Rule
from evidencelint.validators.base import RuleContext, WholeRun, report
from evidencelint.validators.matching import TITLE_THRESHOLD, similar_titles, title_similarity

REFERENCE_UNUSED = Rule(
    code="EL301",
    name="reference-unused",
    severity=Severity.WARNING,
    inputs=(Kind.PAGE,),
    summary="a page-local reference is cited by no claim",
    why="A reference no claim cites is either dead weight or, more often, the sign of a claim "
    "that lost its citation in an edit.",
    example="references:\n  nhs-acupuncture: ...   # no claim cites it",
    fix="Cite it from the claim it supports, or remove it.",
)
REFERENCE_DUPLICATE = Rule(
    code="EL302",
    name="reference-duplicate",
    severity=Severity.WARNING,
    inputs=(Kind.PAGE, Kind.RUN),
    summary="two references a page can cite carry the same DOI",
    why="Two entries for one work drift apart: one gets corrected, the other keeps the error, "
    "and readers see the same work listed twice.",
    example="vickers2018: {doi: 10.1016/j.jpain.2017.11.005, ...}\n"
    "vickers2018ipd: {doi: 10.1016/J.JPAIN.2017.11.005, ...}",
    fix="Keep one reference and cite it by that key everywhere.",
)
DOI_INVALID = Rule(
    code="EL303",
    name="doi-invalid",
    severity=Severity.ERROR,
    inputs=(Kind.PAGE, Kind.RUN),
    summary="not a syntactically valid DOI",
    why="A malformed DOI resolves to nothing; readers following it reach an error page, and "
    "the work cannot be verified.",
    example="doi: 10.1016/ j.jpain.2017.11.005   # a space inside",
    fix="Copy the DOI from the publisher's page or https://doi.org: '10.' + registrant + '/' + "
    "suffix. A 'doi:' prefix or a https://doi.org/ address is fine.",
)
DOI_CONFLICT = Rule(
    code="EL304",
    name="doi-conflict",
    severity=Severity.WARNING,
    inputs=(Kind.RUN,),
    summary="one work is cited with different DOIs (same first author, year and title)",
    why="At most one of the DOIs is right; the other sends readers, and every check, to a "
    "different work. It happens when a citation is copied from an unreliable source.",
    example="page A: Qaseem 2017 ... doi: 10.7326/M16-2367\n"
    "page B: Qaseem 2017 ... doi: 10.7326/M16-2070",
    fix="Look the work up on the publisher's site, keep the right DOI on every page (better: "
    "move the reference into a shared bibliography and cite it by key).",
)
RULES = (REFERENCE_UNUSED, REFERENCE_DUPLICATE, DOI_INVALID, DOI_CONFLICT)


def check_page(page: ResolvedPage, ctx: RuleContext) -> Iterator[Finding]:
    doc = page.doc
    yield from doi_syntax(page.local, doc.page.id)
    local_dois = {
        doi
        for e in page.local
        if e.reference is not None and e.reference.doi is not None
        if (doi := check_doi(e.reference.doi).normalised) is not None
    }
    # Only shared references with one of the page's DOIs can pair with its own ones.
    entries = [*page.local, *page.shared_with_dois(local_dois)]
    yield from duplicates(entries, doc.page.id, report_shared=False)
    if not doc.complete:
        return  # claims were set aside: their citations are unknown
    cited = {match.key for claim in page.claims for r in claim.resolutions for match in r.matches}
    for entry in page.local:
        if entry.key not in cited and entry.reference is not None:
            yield report(
                REFERENCE_UNUSED,
                doc.path,
                entry.position,
                f"reference '{entry.key}' is cited by no claim; cite it where it supports a "
                "claim, or remove it",
                page=doc.page.id,
                reference=entry.key,
            )


def check_run(run: WholeRun, ctx: RuleContext) -> Iterator[Finding]:
    """Across pages: one work cited with two DOIs; within the shared bibliographies the
    run checks: DOI syntax and repeated DOIs (pages report their own in check_page)."""
    yield from conflicts(run.references, ctx)
    yield from doi_syntax(run.shared_checked, None)
    yield from duplicates(run.shared_checked, None, report_shared=True)


def doi_syntax(entries: Iterable[ReferenceEntry], page: str | None) -> Iterator[Finding]:
    for entry in entries:
        ref = entry.reference
        if ref is None or ref.doi is None:
            continue
        result = check_doi(ref.doi)
        if result.normalised is None:
            yield report(
                DOI_INVALID,
                entry.path,
                entry.field_position("doi"),
                f"'{ref.doi}' is not a valid DOI: {result.problem}",
                page=page,
                reference=entry.key,
                doi=ref.doi,
            )


def duplicates(
    entries: Iterable[ReferenceEntry], page: str | None, report_shared: bool
) -> Iterator[Finding]:
    """Report every entry after the first that repeats a DOI.

    Pages report their own entries; pairs within the shared bibliographies are reported
    once, by the bibliography check (`report_shared`).
    """
    first: dict[str, ReferenceEntry] = {}
    reported: set[tuple[str, str]] = set()
    for entry in entries:
        ref = entry.reference
        if ref is None or ref.doi is None:
            continue
        doi = check_doi(ref.doi).normalised
        if doi is None:
            continue
        earlier = first.setdefault(doi, entry)
        if earlier is entry:
            continue
        if earlier.shared and entry.shared and not report_shared:
            continue
        # A page-local entry is the one to fix when it repeats a shared one.
        target, other = (
            (earlier, entry) if entry.shared and not earlier.shared else (entry, earlier)
        )
        if (target.path, target.key) in reported:
            continue
        reported.add((target.path, target.key))
        where = "" if other.path == target.path else f" in {other.path}"
        yield report(
            REFERENCE_DUPLICATE,
            target.path,
            target.field_position("doi"),
            f"'{target.key}' has the same DOI ({target.written_doi or doi}) as "
            f"'{other.key}'{where} "
            f"(line {other.field_position('doi').line}); keep one reference and cite it "
            "by that key",
            page=page,
            reference=target.key,
            doi=doi,
        )


def conflicts(
    entries: Iterable[tuple[ReferenceEntry, str | None]], ctx: RuleContext
) -> Iterator[Finding]:
    """References to the same work (first author, year, title) with different DOIs.

    `entries` are (reference, page id) across the whole run; candidates are grouped by
    first author and year, so titles are compared only within small groups. A DOI whose
    registered record carries the cited title is the right one and is not reported.
    """
    groups: dict[tuple[str, int], list[tuple[ReferenceEntry, str | None, str]]] = {}
    for entry, page in entries:
        ref = entry.reference
        if ref is None or ref.doi is None or ref.year is None or not entry.first_family_key:
            continue
        doi = check_doi(ref.doi).normalised
        if doi is not None:
            groups.setdefault((entry.first_family_key, ref.year), []).append((entry, page, doi))
    for group in groups.values():
        if len({doi for _, _, doi in group}) < 2:
            continue
        titles = [entry.reference.title if entry.reference else "" for entry, _, _ in group]
        similar = similar_titles(titles)
        for index, (entry, page, doi) in enumerate(group):
            assert entry.reference is not None
            others = [
                (group[j][0], group[j][2])
                for j in similar[index]
                if group[j][2] != doi and group[j][0].reference is not None
            ]
            if not others or _confirmed(entry.reference.title, doi, ctx):
                continue
            where = "; ".join(
                f"{other.written_doi or other_doi} in {other.path} "
                f"(line {other.field_position('doi').line})"
                for other, other_doi in others
            )
            yield report(
                DOI_CONFLICT,
                entry.path,
                entry.field_position("doi"),
                f"'{entry.key}' cites the same work as another reference with a different "
                f"DOI: {entry.written_doi or doi} here, {where}; at most one is right",
                page=page,
                reference=entry.key,
                doi=doi,
            )


def _confirmed(title: str, doi: str, ctx: RuleContext) -> bool:
    answer = ctx.answers.get(doi)
    record = answer.record if answer is not None else None
    return record is not None and any(
        title_similarity(title, registered) >= TITLE_THRESHOLD for registered in record.titles
    )
