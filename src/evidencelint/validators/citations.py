"""citation-missing, citation-unresolved, citation-ambiguous: does each claim cite a work?"""

from __future__ import annotations

from collections.abc import Iterator

from rapidfuzz import process

from evidencelint.findings import Finding, Severity
from evidencelint.resolve.authors import family_name, fold
from evidencelint.resolve.resolver import Resolution, ResolvedClaim, ResolvedPage
from evidencelint.rule import Kind, Rule
from evidencelint.validators.base import RuleContext, report

CITATION_MISSING = Rule(
    code="EL201",
    name="citation-missing",
    severity=Severity.ERROR,
    inputs=(Kind.PAGE,),
    summary="a claim cites nothing",
    why="A health claim without a source cannot be checked by readers or reviewers, and "
    "cannot be re-checked when the evidence changes.",
    example="- id: safety\n  text: Acupuncture is generally safe.   # no [Author Year], no cites:",
    fix="Cite the work the claim rests on, inline ('[Chan 2017]', '[@chan2017safety]') or "
    "with `cites: [chan2017safety]`. If the claim needs no source (a definition, a "
    "practical note), add `ignore: [{rule: citation-missing, reason: ...}]`.",
)
CITATION_UNRESOLVED = Rule(
    code="EL202",
    name="citation-unresolved",
    severity=Severity.ERROR,
    inputs=(Kind.PAGE,),
    summary="an inline citation or `cites` key matches no reference",
    why="The reader is pointed at a work that is not in the reference list: the claim is "
    "effectively unsourced, and a typo may hide a citation of the wrong work.",
    example="text: Fewer migraine days [Lindé 2017]   # the reference is Linde 2016",
    fix="Correct the citation to the first author's family name and year of a reference on "
    "the page or in a shared bibliography, or the key; or add the missing reference.",
)
CITATION_AMBIGUOUS = Rule(
    code="EL203",
    name="citation-ambiguous",
    severity=Severity.ERROR,
    inputs=(Kind.PAGE,),
    summary="an author-year citation matches several references",
    why="'[Linde 2016]' with two Linde 2016 references leaves readers and the linter unable "
    "to tell which work supports the claim.",
    example="text: ... [Linde 2016]   # linde2016migraine and linde2016tensiontype both match",
    fix="Give the references labels (`label: Linde 2016a`, `label: Linde 2016b`) and cite "
    "the label, or cite by key ('[@linde2016migraine]').",
)
RULES = (CITATION_MISSING, CITATION_UNRESOLVED, CITATION_AMBIGUOUS)


def check_page(page: ResolvedPage, ctx: RuleContext) -> Iterator[Finding]:
    for claim in page.claims:
        yield from _check_claim(page, claim)


def _check_claim(page: ResolvedPage, claim: ResolvedClaim) -> Iterator[Finding]:
    doc = page.doc
    claim_id = claim.claim.id
    if not claim.resolutions:
        yield report(
            CITATION_MISSING,
            doc.path,
            doc.source.value((*claim.path, "text")),
            f"claim '{claim_id}' cites no source; cite the work it rests on inline "
            "([Author Year] or [@key]) or under `cites:`",
            page=doc.page.id,
            claim=claim_id,
        )
    for resolution in claim.resolutions:
        if resolution.set_aside:
            continue
        if not resolution.matches:
            yield report(
                CITATION_UNRESOLVED,
                doc.path,
                resolution.citation.position,
                _unresolved_message(page, resolution),
                page=doc.page.id,
                claim=claim_id,
                reference=resolution.citation.key,
            )
        elif len(resolution.matches) > 1:
            keys = ", ".join(f"'{m.key}'" for m in resolution.matches)
            yield report(
                CITATION_AMBIGUOUS,
                doc.path,
                resolution.citation.position,
                f"[{resolution.citation.text}] matches {len(resolution.matches)} references "
                f"({keys}); give them labels such as '{resolution.citation.family} "
                f"{resolution.citation.year}a' and cite the label, or cite by key",
                page=doc.page.id,
                claim=claim_id,
            )


def _unresolved_message(page: ResolvedPage, resolution: Resolution) -> str:
    citation = resolution.citation
    if citation.key is not None:
        where = "inline citation" if citation.inline else "`cites` key"
        close = process.extractOne(citation.key, list(page.available), score_cutoff=75)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return (
            f"{where} '{citation.key}' matches no reference on this page or in the shared "
            f"bibliographies{hint}"
        )
    suffix = f"{citation.year}{citation.suffix}"
    family = fold(citation.family or "")
    same_name = sorted(
        f"{e.reference.year} ('{e.key}')"
        for e in page.available.values()
        if e.reference is not None and e.reference.year is not None and e.first_family_key == family
    )
    if same_name:
        hint = f"; references by {citation.family} are from {', '.join(same_name)}"
    else:
        same_year = {
            e.first_family_key: e
            for e in page.available.values()
            if e.reference is not None and e.reference.year == citation.year and e.first_family_key
        }
        close = process.extractOne(family, list(same_year), score_cutoff=60)
        hint = ""
        if close:
            entry = same_year[close[0]]
            assert entry.reference is not None and entry.reference.authors
            hint = f"; did you mean {family_name(entry.reference.authors[0])} ('{entry.key}')?"
        else:
            hint = _closest_author_year(page, citation.family or "", citation.year)
    return (
        f"[{citation.text}] matches no reference: none has first author '{citation.family}' "
        f"and year {suffix}{hint}"
    )


def _closest_author_year(page: ResolvedPage, family: str, year: int | None) -> str:
    """'; did you mean [Hee 2021] ...?' over every reference the page can cite, when
    neither the name nor the year alone finds one: both may be mistyped."""
    labels: dict[str, str] = {}
    for entry in page.available.values():
        ref = entry.reference
        if ref is not None and ref.year is not None and ref.authors and entry.first_family_key:
            labels.setdefault(f"{family_name(ref.authors[0])} {ref.year}", entry.key)
    close = process.extractOne(f"{family} {year}", list(labels), score_cutoff=70)
    return f"; did you mean [{close[0]}] ('{labels[close[0]]}')?" if close else ""
