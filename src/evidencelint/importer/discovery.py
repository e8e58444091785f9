"""DOIs the page did not print, found through Crossref's `query.bibliographic` only when
the match is certain; otherwise none, and a comment that says why.

Certain means all of:
- the printed reference names a title, a first author and a year to compare;
- the best candidate's score is at least `MARGIN` times the next one's (clearly ahead:
  two versions or copies of a work score alike, and neither is taken);
- the record's title, first author and year agree with the printed ones, and so does the
  journal when one is printed, by the comparisons `check` uses (matching.py).
A search that could not be made (offline with nothing cached, outage, refusals, time
limit) gives no DOI and says so: never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from evidencelint.content.model import Reference, ReferenceType
from evidencelint.findings import Severity
from evidencelint.importer.build import Discovery
from evidencelint.importer.references import ParsedReference
from evidencelint.resolve.authors import is_et_al
from evidencelint.resolve.doi import normalise_doi
from evidencelint.validators.matching import compare
from evidencelint.verify.record import WorkRecord
from evidencelint.verify.search import Candidate, candidates

if TYPE_CHECKING:
    from evidencelint.config import Config
    from evidencelint.verify.client import CrossrefClient

MARGIN = 1.25
"""How far ahead of the next candidate the best one's score must be (a ratio). A
judgement, not a fit: two versions or copies of one work score within a few per cent of
each other (1.08 in the Cochrane-versions fixture), while a reference string's own record
is usually far ahead of the next hit (1.39 in Crossref's own recorded CERMINE answer).
`python bench/import_accuracy.py` shows precision and recall at other margins."""


@dataclass(frozen=True, slots=True)
class Verdict:
    doi: str
    """The best candidate's DOI, or empty when there was none."""
    taken: bool
    why: str


def judge(ref: ParsedReference, found: list[Candidate], margin: float = MARGIN) -> Verdict:
    """Whether the best candidate is certainly the printed work, and why (not)."""
    named = [a for a in ref.authors if not is_et_al(a)]
    if not (ref.title and named and ref.year):
        return Verdict(
            "",
            False,
            "not searched: the page does not print its title, first "
            "author and year, so no match could be confirmed",
        )
    if not found:
        return Verdict("", False, "Crossref gave no candidate")
    best = found[0]
    record = best.record
    described = f"best candidate {best.doi} (score {best.score:.1f}, {_describe(record)})"
    reasons = _disagreements(ref, record)
    if normalise_doi(best.doi) is None:
        reasons.insert(0, "its DOI is not a valid DOI")
    if len(found) > 1 and best.score < margin * found[1].score:
        reasons.append(
            f"its score is not clearly ahead of the next candidate's "
            f"({found[1].doi}, score {found[1].score:.1f})"
        )
    if reasons:
        return Verdict(best.doi, False, f"{described} not taken: {'; '.join(reasons)}")
    agreed = "title, first author, year" + (", journal" if ref.journal else "")
    ahead = f", next {found[1].score:.1f}" if len(found) > 1 else ""
    return Verdict(
        best.doi,
        True,
        f"found by Crossref query.bibliographic (score {best.score:.1f}{ahead}); {agreed} agree",
    )


def _disagreements(ref: ParsedReference, record: WorkRecord) -> list[str]:
    missing = [
        name
        for name, present in (
            ("title", record.titles),
            ("authors", record.authors),
            ("year", record.years),
        )
        if not present
    ]
    if ref.journal and not record.containers:
        missing.append("journal")
    if missing:
        return [f"its record gives no {', '.join(missing)} to compare"]
    cited = Reference.model_construct(
        type=ReferenceType(ref.type),
        authors=ref.authors,
        title=ref.title,
        journal=ref.journal or None,
        year=ref.year,
        volume=None,
        issue=None,
        pages=None,
    )
    reasons: list[str] = []
    for mismatch in compare(cited, record):
        if mismatch.field == "title":
            reasons.append("its title is different")
        elif mismatch.field == "year" or (
            mismatch.field == "authors" and mismatch.severity is Severity.ERROR
        ):
            reasons.append(mismatch.detail)
        elif mismatch.field == "journal":
            reasons.append(f"it appeared in {mismatch.expected}")
    return reasons


def _describe(record: WorkRecord) -> str:
    first = record.authors[0].family if record.authors else "no author"
    years = "/".join(str(y) for y in sorted(record.years)) or "undated"
    title = " ".join(record.title.split())
    if len(title) > 80:
        title = title[:77] + "..."
    return f"{first} {years}, '{title}'"


class Discoverer:
    """Searches Crossref for a printed reference's DOI, once per distinct reference."""

    def __init__(self, client: CrossrefClient) -> None:
        self.client = client
        self.verdicts: list[tuple[ParsedReference, Verdict]] = []

    def __call__(self, ref: ParsedReference) -> Discovery:
        verdict = self.verdict(ref)
        self.verdicts.append((ref, verdict))
        if verdict.taken:
            return Discovery(doi=verdict.doi, comment=verdict.why)
        return Discovery(comment=verdict.why)

    def verdict(self, ref: ParsedReference) -> Verdict:
        named = [a for a in ref.authors if not is_et_al(a)]
        if not (ref.title and named and ref.year):
            return judge(ref, [])
        fetched = self.client.search(ref.printed)
        if fetched.status != "ok":
            why = fetched.reason or fetched.status
            return Verdict("", False, f"could not be searched in Crossref ({why})")
        return judge(ref, candidates(fetched.data))


def build_client(config: Config, *, offline: bool, no_cache: bool) -> CrossrefClient | None:
    """A client with the settings `check` uses (mailto, cache, EVIDENCELINT_TIMEOUT);
    None offline without a cache: then nothing can be searched."""

    from evidencelint.verify.client import ClientSettings, CrossrefClient
    from evidencelint.verify.factory import budget_for, cache_place

    place = cache_place(config, offline=offline, no_cache=no_cache)
    if place is None:
        return None
    cache_path, mode = place
    settings = ClientSettings(
        base_url=config.crossref_url,
        mailto=config.mailto,
        cache_path=cache_path,
        mode=mode,
        deadline=budget_for(config).doi,
    )
    return CrossrefClient(settings)
